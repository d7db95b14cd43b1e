//! SC804 (report): requirements copied before app code, in every stage that installs them.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC804",
    title: "Layer Caching",
    summary: "Requirements are copied and installed before the app code.",
    why: "Code changes then rebuild only the last layers; the dependency layer comes from cache.",
    example: "COPY . .\nRUN pip install -r requirements.txt",
    instead: "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::SlowerRebuilds,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let installing: Vec<_> = facts
        .stages
        .iter()
        .filter(|s| {
            s.pip_installs
                .iter()
                .any(|p| p.reads(&params.requirements_file))
        })
        .collect();
    if installing.is_empty() {
        return Outcome::fail(
            None,
            format!("no stage installs from {}", params.requirements_file),
        );
    }
    for stage in installing {
        if let Err(o) = common::requirements_copied_first(facts, stage, &params.requirements_file) {
            return o;
        }
    }
    Outcome::pass(None, "Requirements copied before app code")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn caching() {
        assert_fails(
            &RULE,
            "FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\n",
            "whole context",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
        );
    }
}
