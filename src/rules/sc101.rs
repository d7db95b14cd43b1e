//! SC101: the file has a build stage and a separate final stage.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC101",
    title: "At least two stages",
    summary: "Checks that the Dockerfile has at least two FROM instructions: a build stage and a runtime stage.",
    why: "With one stage, everything used to build (gcc, g++, headers, caches: several hundred MB) ships in the image you run. A second stage starts clean and takes only the results.",
    example: "FROM python:3.11\nRUN apt-get update && apt-get install -y gcc\nRUN pip install -r requirements.txt",
    instead: "FROM python:3.11-slim AS builder\n# ... build here ...\nFROM python:3.11-slim AS runtime\nCOPY --from=builder /opt/venv /opt/venv",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let n = facts.stages.len();
    let first = facts.stages[0].line;
    if n >= 2 {
        // A few names say the shape; thousands would bury the message.
        let label = |i: usize| facts.stages[i].label();
        let names: Vec<String> = if n <= 6 {
            (0..n).map(label).collect()
        } else {
            vec![label(0), label(1), "…".into(), label(n - 2), label(n - 1)]
        };
        Outcome::pass(Some(first), format!("{n} stages: {}", names.join(" → ")))
    } else {
        Outcome::fail(
            Some(first),
            "only one stage, so the compilers and caches of the build ship in the image; a multi-stage build needs a second FROM",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn one_stage_fails_two_pass() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11\nCMD [\"python\"]\n",
            "only one stage",
            Consequence::BiggerImage,
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM python:3.11-slim\n",
        );
    }
}
