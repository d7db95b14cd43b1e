//! SC802 (report): slim base image for the final stage.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC802",
    title: "Slim Base Image",
    summary: "The final image starts from a slim, alpine or distroless variant.",
    why: "The full python image is around 1 GB; slim is around 130 MB.",
    example: "FROM python:3.11",
    instead: "FROM python:3.11-slim",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let fin = &facts.stages[facts.stages.len() - 1];
    if fin.base.is_small() {
        Outcome::pass(Some(fin.line), "Uses slim/alpine variant for smaller size")
    } else {
        Outcome::fail(
            Some(fin.line),
            format!(
                "final image on {}, not a slim/alpine variant",
                fin.base.text
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn slim() {
        assert_fails(&RULE, "FROM python:3.11\n", "not a slim");
        assert_passes(&RULE, "FROM python:3.11\nFROM python:3.11-slim\n");
    }
}
