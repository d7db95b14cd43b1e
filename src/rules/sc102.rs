//! SC102: the build stage has a descriptive, lowercase name, on a FROM line Docker accepts.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC102",
    title: "Named build stage",
    summary: "Checks that the build stage is named with `AS name`, and that the name is descriptive (at least 3 characters, not a number) and lowercase.",
    why: "`COPY --from=builder` says what it copies from; `COPY --from=0` silently copies from another stage once a stage is added above it. `docker build --target builder` also needs the name.",
    example: "FROM python:3.11-slim\n...\nCOPY --from=0 /opt/venv /opt/venv",
    instead: "FROM python:3.11-slim AS builder\n...\nCOPY --from=builder /opt/venv /opt/venv",
    equivalent: Some("StageNameCasing"),
    severity: Severity::Error,
    consequence: Consequence::Fragile,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let line = Some(build.line);
    if let Some(problem) = &build.from_problem {
        return Outcome::fail(line, problem.clone()).because(Consequence::BuildFails);
    }
    match build.name.as_deref() {
        None => Outcome::fail(
            line,
            format!(
                "`FROM {}` has no name, so the runtime can only copy from it by number (`--from={}`), which points at another stage once one is added above it; add `AS builder`",
                build.base.text, build.index
            ),
        ),
        Some(n) if n.chars().all(|c| c.is_ascii_digit()) || n.chars().count() < 3 => Outcome::fail(
            line,
            format!("the stage name `{n}` does not say what the stage does; try `builder`"),
        )
        .because(Consequence::Unclear),
        Some(n) if n.chars().any(char::is_uppercase) => Outcome::fail(
            line,
            format!(
                "Docker reads the stage name `{n}` as `{}` (stage names are lowercase), so the file names one stage two ways; write `{}`",
                n.to_lowercase(),
                n.to_lowercase()
            ),
        )
        .because(Consequence::Unclear),
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
            "`FROM python:3.11-slim` has no name",
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nFROM python:3.11-slim\nCOPY --from=0 /a /a\n",
            "--from=0",
            Consequence::Fragile,
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM python:3.11-slim\nCOPY --from=b /a /a\n",
            "does not say",
        );
        // Docker builds it the same (both builders lowercase the name): the cost is reading.
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim AS Builder\nFROM python:3.11-slim\nCOPY --from=Builder /a /a\n",
            "lowercase",
            Consequence::Unclear,
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS build-deps\nFROM python:3.11-slim\nCOPY --from=build-deps /a /a\n",
        );
    }

    #[test]
    fn a_malformed_from_line_is_reported_as_malformed() {
        let o = assert_fails_as(
            &RULE,
            "FROM python:3.11AS builder\nRUN pip install x\nFROM python:3.11-slim\nCOPY --from=builder /a /a\n",
            "put a space before AS",
            Consequence::BuildFails,
        );
        assert!(!o.message.contains("no name"), "{o:?}");
        assert_eq!(o.line, Some(1));
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim AS 1st\nFROM python:3.11-slim\nCOPY --from=1st /a /a\n",
            "invalid",
            Consequence::BuildFails,
        );
    }
}
