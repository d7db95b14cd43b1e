//! SC402: build and runtime stages run the same Python minor version.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC402",
    title: "Same Python version",
    summary: "Checks that the final stage's Python minor version is the build stage's (a distroless image's name fixes its Python: python3-debian11 is 3.9, python3-debian12 is 3.11).",
    why: "Compiled packages are built for one Python: numpy built on 3.11 lives in python3.11/site-packages, a virtualenv's python points at /usr/local/bin/python3.11, and a 3.12 runtime has neither.",
    example: "FROM python:3.11-slim AS builder\n...\nFROM python:3.12-slim",
    instead: "FROM python:3.11-slim AS builder\n...\nFROM python:3.11-slim",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let (build, fin) = match common::build_and_final(facts) {
        Ok(pair) => pair,
        Err(o) => return o,
    };
    let line = Some(fin.line);
    match (build.base.python, fin.base.python) {
        (Some(b), Some(f)) if b == f => {
            Outcome::pass(line, format!("both on Python {}.{}", b.0, b.1))
        }
        (Some(b), Some(f)) => Outcome::fail(
            line,
            format!(
                "the runtime runs Python {}.{} but {} installed the packages for {}.{}: they are not found, and the app stops at its first import",
                f.0,
                f.1,
                build.label(),
                b.0,
                b.1
            ),
        ),
        _ => Outcome::warn(
            line,
            "cannot tell the Python versions from the image names; make sure they match",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn versions() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM python:3.12-slim\nCOPY --from=builder /a /a\n",
            "3.12",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11 AS builder\nFROM python:3.11.9-slim-bookworm\nCOPY --from=builder /a /a\n",
        );
        assert_fails(&RULE, "FROM python:3.11\n", "only one stage");
    }

    #[test]
    fn distroless_python_is_fixed_by_its_name() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM gcr.io/distroless/python3-debian11\nCOPY --from=builder /a /a\n",
            "Python 3.9",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM gcr.io/distroless/python3-debian12:nonroot\nCOPY --from=builder /a /a\n",
        );
    }
}
