//! SC806 (report): pip's cache is off in every stage.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC806",
    title: "Pip Cache",
    summary: "Every pip install runs with --no-cache-dir (or PIP_NO_CACHE_DIR).",
    why: "The download cache is tens of MB that nothing reads again.",
    example: "RUN pip install -r requirements.txt",
    instead: "RUN pip install --no-cache-dir -r requirements.txt",
    equivalent: Some("DL3042"),
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let mut any = false;
    for stage in &facts.stages {
        for pip in &stage.pip_installs {
            any = true;
            if !pip.cache_off {
                return Outcome::fail(Some(pip.line), "pip install keeps its cache");
            }
        }
    }
    if any {
        Outcome::pass(None, "Uses --no-cache-dir to reduce image size")
    } else {
        Outcome::fail(None, "no pip install found")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn cache() {
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN pip install --no-cache-dir x\nFROM python:3.11-slim\nRUN pip install y\n",
            "keeps its cache",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN pip install --no-cache-dir -r requirements.txt\n",
        );
    }
}
