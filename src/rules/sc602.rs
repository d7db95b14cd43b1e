//! SC602: the user named by USER exists in the final stage.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC602",
    title: "The user exists",
    summary: "Checks that a named USER is created in the final stage (useradd, adduser) before USER switches to it; a numeric UID needs no creation.",
    why: "`USER appuser` with no such user builds fine and then fails at start-up with `unable to find user appuser`. The runtime stage is a fresh image: users made in the build stage are not there.",
    example: "FROM python:3.11-slim\nUSER appuser",
    instead: "FROM python:3.11-slim\nRUN useradd --create-home appuser\nUSER appuser",
    equivalent: None,
    severity: Severity::Error,
    check,
};

/// Users every Debian and Alpine base image already has.
const BUILT_IN: &[&str] = &["nobody", "daemon", "www-data"];

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(user) = &fin.user else {
        return Outcome::fail(Some(fin.line), "the final stage has no USER yet");
    };
    let name = user.value.split(':').next().unwrap_or("");
    if common::is_root(name) {
        return Outcome::fail(
            Some(user.line),
            format!("line {}: USER {} is root", user.line, user.value),
        );
    }
    if name.chars().all(|c| c.is_ascii_digit()) || BUILT_IN.contains(&name) {
        return Outcome::pass(
            Some(user.line),
            format!("USER {} needs no creation", user.value),
        );
    }
    match fin.users_created.iter().find(|u| u.value == name) {
        Some(u) if u.line < user.line => {
            Outcome::pass(Some(u.line), format!("{name} created on line {}", u.line))
        }
        Some(u) => Outcome::fail(
            Some(u.line),
            format!(
                "line {}: {name} is created after USER (line {})",
                u.line, user.line
            ),
        ),
        None => Outcome::fail(
            Some(user.line),
            format!(
                "line {}: user {name} is never created in the final stage; add `RUN useradd --create-home {name}`",
                user.line
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn creation() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS b\nRUN useradd app\nFROM python:3.11-slim\nUSER app\n",
            "never created",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nRUN useradd -m -u 1000 -s /bin/bash app\nUSER app\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-alpine\nRUN addgroup -S app && adduser -S -G app app\nUSER app:app\n",
        );
        assert_passes(&RULE, "FROM python:3.11-slim\nUSER 10001:10001\n");
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nUSER app\nRUN useradd app\n",
            "after USER",
        );
    }
}
