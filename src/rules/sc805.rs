//! SC805 (report): the final stage declares a HEALTHCHECK.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC805",
    title: "Health Check",
    summary: "The final stage has a HEALTHCHECK.",
    why: "Orchestrators restart or stop routing to a container whose check fails, instead of sending traffic to a hung server.",
    example: "CMD [\"gunicorn\", \"app:app\"]",
    instead: "HEALTHCHECK --interval=30s CMD python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/status')\"",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::NotProduction,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    match facts.stages[facts.stages.len() - 1].healthcheck {
        Some(line) => Outcome::pass(Some(line), "Includes HEALTHCHECK for orchestration"),
        None => Outcome::fail(None, "no HEALTHCHECK in the final stage"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn healthcheck() {
        assert_fails(
            &RULE,
            "FROM python:3.11\nHEALTHCHECK NONE\n",
            "no HEALTHCHECK",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nHEALTHCHECK --interval=30s CMD curl -f http://localhost:5000/status\n",
        );
    }
}
