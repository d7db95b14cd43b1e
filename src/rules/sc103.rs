//! SC103: the build stage starts from an official Python image that pins the Python version.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC103",
    title: "Pinned Python build image",
    summary: "Checks that the build stage's base is an official `python` image whose tag fixes the Python minor version (`python:3.11`, `python:3.11-slim`), or a digest.",
    why: "`python`, `python:latest`, `python:3` and `python:slim` move: next month's build gets another Python, and packages compiled for 3.11 stop importing on 3.13. A tag that names the minor version makes the build repeatable.",
    example: "FROM python:3 AS builder",
    instead: "FROM python:3.11-slim AS builder",
    equivalent: Some("DL3006, DL3007"),
    severity: Severity::Error,
    consequence: Consequence::NotReproducible,
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
    let base = &build.base;
    if !base.official_python {
        return Outcome::fail(
            line,
            format!(
                "`{}` is not the official python image, so which Python (if any) the build gets depends on that image",
                base.text
            ),
        )
        .because(Consequence::Portability);
    }
    if !base.is_pinned() {
        let tag = base.tag.as_deref().unwrap_or("latest");
        return Outcome::fail(
            line,
            format!(
                "`{}` does not fix the Python version (`{tag}` moves to each new release); pin it, e.g. python:3.11-slim",
                base.text
            ),
        );
    }
    Outcome::pass(line, format!("build stage on {}", base.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn pinned_official_python() {
        for moving in [
            "python",
            "python:latest",
            "python:3",
            "python:slim",
            "python:alpine3.19",
        ] {
            assert_fails_as(
                &RULE,
                &format!("FROM {moving} AS builder\n"),
                "does not fix the Python version",
                Consequence::NotReproducible,
            );
        }
        assert_fails(&RULE, "FROM ubuntu:22.04 AS builder\n", "not the official");
        assert_passes(&RULE, "FROM python:3.11-bookworm AS builder\n");
        assert_passes(&RULE, "ARG PY=3.11\nFROM python:${PY}-alpine AS builder\n");
        assert_passes(
            &RULE,
            "FROM python:3.11-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS builder\n",
        );
    }

    #[test]
    fn a_stage_built_on_a_stage_has_its_base() {
        let text = "FROM python:3.11-slim AS base\nENV PYTHONUNBUFFERED=1\nFROM base AS builder\nRUN pip install -r requirements.txt\nFROM base\nCOPY --from=builder /usr/local /usr/local\n";
        assert_passes(&RULE, text);
        assert_fails(
            &RULE,
            "FROM python:3 AS base\nFROM base AS builder\nRUN pip install x\nFROM base\nCOPY --from=builder /x /x\n",
            "does not fix",
        );
    }
}
