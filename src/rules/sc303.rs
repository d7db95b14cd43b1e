//! SC303: pip's download cache stays out of the image.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC303",
    title: "pip cache off",
    summary: "Checks that every pip install in the build stage leaves no download cache: `--no-cache-dir`, `PIP_NO_CACHE_DIR` set in an earlier ENV, or a BuildKit cache mount.",
    why: "pip keeps every wheel it downloaded in ~/.cache/pip: for pandas, numpy and matplotlib about 55 MB of files nothing reads again, baked into a layer (and copied along with /root/.local by a --user install).",
    example: "RUN pip install -r requirements.txt",
    instead: "RUN pip install --no-cache-dir -r requirements.txt",
    equivalent: Some("DL3042"),
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    // The build stage's installs; a final stage that installs for itself has its own.
    let own = facts.installs_of(build.index).next().is_some();
    let runtime = facts.final_stage().map_or(build.index, |f| f.index);
    let mut installs = facts
        .installs_of(if own { build.index } else { runtime })
        .peekable();
    let Some(first) = installs.peek().map(|p| p.line) else {
        return Outcome::fail(
            Some(build.line),
            format!(
                "{} has no pip install yet, so the app's packages are missing",
                build.label()
            ),
        )
        .because(Consequence::WontStart);
    };
    match installs.find(|p| !p.cache_off) {
        Some(p) => Outcome::fail(
            Some(p.line),
            "pip keeps its download cache (tens of MB) in the layer; add --no-cache-dir",
        ),
        None => Outcome::pass(Some(first), "pip's cache is off"),
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
        // pip reads any yes/no value as "no cache", `0` and `off` included.
        assert_passes(
            &RULE,
            "FROM python:3.11\nENV PIP_NO_CACHE_DIR=off\nRUN pip install -r requirements.txt\n",
        );
    }
}
