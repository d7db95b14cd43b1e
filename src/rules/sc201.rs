//! SC201: every package-manager install of the build stage is in one RUN.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC201",
    title: "One RUN for system packages",
    summary: "Checks that the build stage updates and installs its system packages in a single RUN instruction.",
    why: "Each RUN is a layer. `RUN apt-get update` alone is cached for months while the install below it asks for package versions that no longer exist; and three layers for one job make the image larger.",
    example: "RUN apt-get update\nRUN apt-get install -y gcc\nRUN apt-get install -y g++",
    instead: "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends gcc g++ \\\n    && rm -rf /var/lib/apt/lists/*",
    equivalent: Some("DL3059"),
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let mut runs: Vec<usize> = facts
        .lineage(build.index)
        .flat_map(|s| s.package_runs.iter())
        .filter(|r| r.installs || r.updates)
        .map(|r| r.line)
        .collect();
    runs.sort_unstable();
    match runs.as_slice() {
        [] => Outcome::pass(None, "no system packages installed"),
        [line] => Outcome::pass(
            Some(*line),
            format!("system packages in one RUN (line {line})"),
        ),
        [first, ..] => {
            let lines: Vec<String> = runs.iter().map(usize::to_string).collect();
            // What each layer keeps: the lists, where a RUN leaves them; else apt's own
            // records (dpkg status, logs), copied into every layer that changes them.
            let kept = if facts
                .lineage(build.index)
                .flat_map(|s| s.package_runs.iter())
                .any(|r| r.updates && !r.cleans_cache)
            {
                "what one leaves (the package lists) stays in the image"
            } else {
                "each keeps its own copy of apt's records (dpkg status, logs)"
            };
            Outcome::fail(
                Some(*first),
                format!(
                    "package installs are spread over {} RUN instructions (lines {}): each is a layer of its own, and {kept}; join them into one",
                    runs.len(),
                    lines.join(", ")
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn one_run() {
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN apt-get update\nRUN apt-get install -y gcc\n",
            "lines 2, 3",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN apt-get update && apt-get install -y gcc g++\nRUN pip install x\n",
        );
    }
}
