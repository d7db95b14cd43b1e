//! SC402: build and runtime stages run the same Python minor version.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC402",
    title: "Same Python version",
    summary: "Checks that the final stage's Python minor version is the build stage's.",
    why: "Compiled packages are built for one Python ABI: numpy built on 3.11 lives in python3.11/site-packages, and a 3.12 runtime neither looks there nor can load its extension modules.",
    example: "FROM python:3.11-slim AS builder\n...\nFROM python:3.12-slim",
    instead: "FROM python:3.11-slim AS builder\n...\nFROM python:3.11-slim",
    equivalent: None,
    severity: Severity::Error,
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
                "line {}: the runtime runs Python {}.{} but {} built for {}.{}",
                fin.line,
                f.0,
                f.1,
                build.label(),
                b.0,
                b.1
            ),
        ),
        _ => Outcome::warn(
            line,
            "cannot tell the Python versions from the tags; make sure they match",
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
}
