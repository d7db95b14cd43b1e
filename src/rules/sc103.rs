//! SC103: the build stage starts from an official Python image with a version tag.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC103",
    title: "Pinned Python build image",
    summary: "Checks that the build stage's base is an official `python` image with an explicit version tag or digest.",
    why: "`python` and `python:latest` move: next month's build gets another Python, and packages compiled for 3.11 stop importing on 3.13. A tag makes the build repeatable.",
    example: "FROM python AS builder",
    instead: "FROM python:3.11-slim AS builder",
    equivalent: Some("DL3006, DL3007"),
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let (line, base) = (build.line, &build.base);
    if !base.official_python {
        return Outcome::fail(
            Some(line),
            format!(
                "line {line}: `{}` is not the official python image",
                base.text
            ),
        );
    }
    if !base.is_pinned() {
        return Outcome::fail(
            Some(line),
            format!(
                "line {line}: `{}` has no version tag; pin it, e.g. python:3.11-slim",
                base.text
            ),
        );
    }
    Outcome::pass(Some(line), format!("build stage on {}", base.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn pinned_official_python() {
        assert_fails(&RULE, "FROM python AS builder\n", "no version tag");
        assert_fails(&RULE, "FROM python:latest AS builder\n", "no version tag");
        assert_fails(&RULE, "FROM ubuntu:22.04 AS builder\n", "not the official");
        assert_passes(&RULE, "FROM python:3.11-bookworm AS builder\n");
        assert_passes(&RULE, "ARG PY=3.11\nFROM python:${PY}-alpine AS builder\n");
    }
}
