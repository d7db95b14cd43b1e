//! SC803 (report): the container runs as a non-root user.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC803",
    title: "Non-root User",
    summary: "The final stage switches to a non-root USER.",
    why: "Root in the container is root on everything the container can reach.",
    example: "CMD [\"gunicorn\", \"app:app\"]",
    instead: "USER appuser\nCMD [\"gunicorn\", \"app:app\"]",
    equivalent: Some("DL3002"),
    severity: Severity::Error,
    consequence: Consequence::RunsAsRoot,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let fin = &facts.stages[facts.stages.len() - 1];
    if common::runs_as_root(fin) {
        Outcome::fail(fin.user().map(|u| u.line), "runs as root")
    } else {
        Outcome::pass(
            fin.user().map(|u| u.line),
            "Runs as non-root user (security best practice)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn non_root() {
        assert_fails(&RULE, "FROM python:3.11\n", "root");
        assert_passes(&RULE, "FROM python:3.11\nUSER app\n");
    }
}
