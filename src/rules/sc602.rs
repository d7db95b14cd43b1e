//! SC602: the user named by USER exists in the final stage.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, built_in_user, is_numeric};

pub const RULE: Rule = Rule {
    id: "SC602",
    title: "The user exists",
    summary: "Checks that a named USER is created in the final stage (useradd, adduser) before USER switches to it; a numeric UID needs no creation, and a distroless `:nonroot` image has its user.",
    why: "`USER appuser` with no such user builds fine and then fails at start-up with `unable to find user appuser`. The runtime stage is a fresh image: users made in the build stage are not there.",
    example: "FROM python:3.11-slim\nUSER appuser",
    instead: "FROM python:3.11-slim\nRUN useradd --create-home appuser\nUSER appuser",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(user) = fin.user() else {
        if fin.base.nonroot {
            return Outcome::pass(Some(fin.line), "the image's user nonroot exists");
        }
        return common::no_user(fin);
    };
    let name = user.value.split(':').next().unwrap_or("");
    if common::is_root(name) {
        return Outcome::fail(
            Some(user.line),
            format!(
                "`USER {}` is root; end the stage with a USER of its own",
                user.value
            ),
        )
        .because(Consequence::RunsAsRoot);
    }
    if is_numeric(name) || built_in_user(name) || (fin.base.nonroot && name == "nonroot") {
        return Outcome::pass(
            Some(user.line),
            format!("USER {} needs no creation", user.value),
        );
    }
    if fin.user_exists(name, user.line) {
        let at = fin.state.user_created(name).unwrap_or(user.line);
        return Outcome::pass(Some(at), format!("{name} is created on line {at}"));
    }
    match fin.users_created.iter().find(|u| u.value == name) {
        Some(u) if u.line > user.line => Outcome::fail(
            Some(u.line),
            format!(
                "{name} is created after USER (line {}): the instructions between run as a user that does not exist yet, and the build stops with \"unable to find user {name}\"",
                user.line
            ),
        )
        .because(Consequence::BuildFails),
        _ => Outcome::fail(
            Some(user.line),
            format!(
                "user {name} is never created in the final stage, so the container stops at start-up with \"unable to find user {name}\"; add `RUN useradd --create-home {name}`"
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
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim AS b\nRUN useradd app\nFROM python:3.11-slim\nUSER app\n",
            "never created",
            Consequence::WontStart,
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
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nUSER app\nRUN useradd app\n",
            "after USER",
            Consequence::BuildFails,
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM gcr.io/distroless/python3-debian12:nonroot\n",
        );
    }
}
