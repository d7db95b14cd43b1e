//! SC102: the build stage has a descriptive, lowercase name.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC102",
    title: "Named build stage",
    summary: "Checks that the build stage is named with `AS name`, and that the name is descriptive (at least 3 characters, not a number) and lowercase.",
    why: "`COPY --from=builder` says what it copies from; `COPY --from=0` breaks silently when a stage is added above it. `docker build --target builder` also needs the name.",
    example: "FROM python:3.11-slim\n...\nCOPY --from=0 /opt/venv /opt/venv",
    instead: "FROM python:3.11-slim AS builder\n...\nCOPY --from=builder /opt/venv /opt/venv",
    equivalent: None,
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let line = Some(build.line);
    match build.name.as_deref() {
        None => Outcome::fail(
            line,
            format!(
                "line {}: the build stage has no name; add `AS builder`",
                build.line
            ),
        ),
        Some(n) if n.chars().all(|c| c.is_ascii_digit()) || n.len() < 3 => Outcome::fail(
            line,
            format!(
                "line {}: `{n}` does not say what the stage does; try `builder`",
                build.line
            ),
        ),
        Some(n) if n.chars().any(|c| c.is_uppercase()) => Outcome::fail(
            line,
            format!(
                "line {}: stage names are lowercase: `{}`",
                build.line,
                n.to_lowercase()
            ),
        ),
        Some(n) => Outcome::pass(line, format!("build stage `{n}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn names() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nFROM python:3.11-slim\nCOPY --from=0 /a /a\n",
            "no name",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM python:3.11-slim\nCOPY --from=b /a /a\n",
            "does not say",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS Builder\nFROM python:3.11-slim\nCOPY --from=Builder /a /a\n",
            "lowercase",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS build-deps\nFROM python:3.11-slim\nCOPY --from=build-deps /a /a\n",
        );
    }
}
