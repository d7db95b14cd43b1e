//! SC303: pip's download cache stays out of the image.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, PipInstall, Stage};

pub const RULE: Rule = Rule {
    id: "SC303",
    title: "pip cache off",
    summary: "Checks that every pip install in the build stage runs with `--no-cache-dir`, or with `PIP_NO_CACHE_DIR` set in an earlier ENV.",
    why: "pip keeps every wheel it downloaded in ~/.cache/pip: for pandas, numpy and matplotlib that is 50-100 MB of files nothing will read again, baked into a layer.",
    example: "RUN pip install -r requirements.txt",
    instead: "RUN pip install --no-cache-dir -r requirements.txt",
    equivalent: Some("DL3042"),
    severity: Severity::Error,
    check,
};

/// Whether pip's cache is off for this install.
pub fn cache_off(stage: &Stage, pip: &PipInstall) -> bool {
    pip.no_cache_dir
        || stage.env.iter().any(|e| {
            e.line < pip.line
                && e.value.0 == "PIP_NO_CACHE_DIR"
                && !matches!(
                    e.value.1.to_ascii_lowercase().as_str(),
                    "0" | "false" | "no" | "off"
                )
        })
}

fn check(facts: &Facts, _: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    if build.pip_installs.is_empty() {
        return Outcome::fail(
            Some(build.line),
            format!("{} has no pip install yet", build.label()),
        );
    }
    match build.pip_installs.iter().find(|p| !cache_off(build, p)) {
        Some(p) => Outcome::fail(
            Some(p.line),
            format!(
                "line {}: pip install keeps its cache; add --no-cache-dir",
                p.line
            ),
        ),
        None => Outcome::pass(
            build.pip_installs.first().map(|p| p.line),
            "pip's cache is off",
        ),
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
            "FROM python:3.11\nRUN pip install -r requirements.txt\n",
            "--no-cache-dir",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN pip install --no-cache-dir -r requirements.txt\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r requirements.txt\n",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11\nENV PIP_NO_CACHE_DIR=0\nRUN pip install -r requirements.txt\n",
            "cache",
        );
    }
}
