//! SC301: requirements.txt is copied on its own, before the source and the pip install.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC301",
    title: "Requirements copied first",
    summary: "Checks that the build stage copies requirements.txt on its own before pip installs from it, and copies no other source before that install.",
    why: "Docker reuses a layer only while everything before it is unchanged. With `COPY . .` first, editing one line of app.py reinstalls pandas, numpy and matplotlib: minutes per build instead of seconds.",
    example: "COPY . .\nRUN pip install --no-cache-dir -r requirements.txt",
    instead: "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY app.py .",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::SlowerRebuilds,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    match common::requirements_copied_first(facts, build, &params.requirements_file) {
        Ok(line) => Outcome::pass(
            Some(line),
            format!("{} copied on its own", params.requirements_file),
        ),
        Err(o) => o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn order() {
        assert_fails(
            &RULE,
            "FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\n",
            "whole context",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11\nCOPY requirements.txt app.py ./\nRUN pip install -r requirements.txt\n",
            "on its own",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN pip install -r requirements.txt\nCOPY requirements.txt .\n",
            "not copied in before",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
        );
    }
}
