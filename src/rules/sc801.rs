//! SC801 (report): multistage build with named stages.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC801",
    title: "Multistage Build",
    summary: "Uses two or more stages, each stage that is copied from named.",
    why: "Separate stages keep build tools out of the final image; names keep the COPY --from lines readable and robust to reordering.",
    example: "FROM python:3.11\n...",
    instead: "FROM python:3.11-slim AS builder\n...\nFROM python:3.11-slim AS runtime",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    if facts.stages.len() < 2 {
        return Outcome::fail(
            Some(facts.stages[0].line),
            "single stage: build tools ship in the final image",
        );
    }
    let unnamed: Vec<String> = facts.stages[..facts.stages.len() - 1]
        .iter()
        .filter(|s| s.name.is_none())
        .map(|s| format!("line {}", s.line))
        .collect();
    if unnamed.is_empty() {
        Outcome::pass(None, "Uses named stages for smaller final image")
    } else {
        Outcome::fail(None, format!("unnamed stage at {}", unnamed.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn multistage() {
        assert_fails(&RULE, "FROM python:3.11\n", "single stage");
        assert_fails(
            &RULE,
            "FROM python:3.11\nFROM python:3.11-slim\n",
            "unnamed",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11 AS builder\nFROM python:3.11-slim\n",
        );
    }
}
