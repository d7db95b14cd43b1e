//! SC202: the package install cleans up after itself and installs nothing extra.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, Manager, PackageRun};

pub const RULE: Rule = Rule {
    id: "SC202",
    title: "Lean package install",
    summary: "Checks that apt-get runs `update` and `install -y --no-install-recommends` together and removes /var/lib/apt/lists/* in the same RUN (on Alpine: `apk add --no-cache`).",
    why: "Recommended packages add 100 MB or more that nothing uses; the package lists are another 20-40 MB in the layer. Removing them in a later RUN does not shrink the earlier layer.",
    example: "RUN apt-get update && apt-get install -y gcc g++",
    instead: "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends gcc g++ \\\n    && rm -rf /var/lib/apt/lists/*",
    equivalent: Some("DL3008, DL3009, DL3015, DL3019"),
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn problem(run: &PackageRun) -> Option<(String, Consequence)> {
    use Consequence::*;
    match run.manager {
        Manager::Apk if !(run.no_cache || run.cleans_cache) => Some((
            "apk add keeps its package index in the layer; use --no-cache (or remove /var/cache/apk/* in the same RUN)".into(),
            BiggerImage,
        )),
        Manager::Apk => None,
        Manager::Apt if !run.updates => match run.lists_from {
            // It builds today on the lists an earlier RUN fetched; the cost comes later.
            Some(at) => Some((
                format!(
                    "apt-get install runs without apt-get update in the same RUN: it installs from the lists fetched on line {at}, which go stale once that layer is cached (older versions, or \"404 Not Found\" when the mirror drops them); update and install in one RUN"
                ),
                NotReproducible,
            )),
            None => Some((
                "apt-get install runs without apt-get update in the same RUN, and no RUN before it fetched the package lists: the image ships none, so apt stops with \"Unable to locate package\"".to_string(),
                BuildFails,
            )),
        },
        Manager::Apt if !run.update_chained => Some((
            "apt-get update and install are not joined with && (or `set -e`): a failed update goes unnoticed and the install gets stale or no packages".into(),
            NotReproducible,
        )),
        Manager::Apt if !run.assume_yes => Some((
            "apt-get install needs -y: without it apt asks \"Do you want to continue?\", reads no answer, and aborts".into(),
            BuildFails,
        )),
        Manager::Apt if !run.no_recommends => Some((
            "apt-get install without --no-install-recommends also installs recommended packages nothing uses".into(),
            BiggerImage,
        )),
        Manager::Apt if !run.cleans_cache => Some((
            "the RUN does not remove /var/lib/apt/lists/*, so the package lists stay in the layer".into(),
            BiggerImage,
        )),
        Manager::Apt => None,
    }
}

fn check(facts: &Facts, _: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    // The build stage's own installs and those of the stages it starts from (`FROM base`).
    let mut runs: Vec<&PackageRun> = facts
        .lineage(build.index)
        .flat_map(|s| s.package_runs.iter())
        .collect();
    runs.sort_by_key(|r| r.line);
    let installs: Vec<&PackageRun> = runs.iter().copied().filter(|r| r.installs).collect();
    if installs.is_empty() {
        return Outcome::fail(
            Some(build.line),
            format!(
                "{} installs no system packages yet, so the compilers some wheels need are missing",
                build.label()
            ),
        )
        .because(Consequence::Portability);
    }
    for run in installs {
        if let Some((p, consequence)) = problem(run) {
            return Outcome::fail(Some(run.line), p).because(consequence);
        }
    }
    Outcome::pass(
        runs.first().map(|r| r.line),
        "update, install and cleanup in one RUN",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn apt_hygiene() {
        let ok = "FROM python:3.11\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\n";
        assert_passes(&RULE, ok);
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\n",
            "--no-install-recommends",
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11\nRUN apt-get update && apt-get install gcc && rm -rf /var/lib/apt/lists/*\n",
            "needs -y",
            Consequence::BuildFails,
        );
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\n",
            "lists",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN apt-get update; apt-get install -y --no-install-recommends gcc; rm -rf /var/lib/apt/lists/*\n",
            "joined",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN set -e; apt-get update; apt-get install -y --no-install-recommends gcc; rm -rf /var/lib/apt/lists/*\n",
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11\nRUN apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\n",
            "no RUN before it fetched the package lists",
            Consequence::BuildFails,
        );
    }

    #[test]
    fn an_install_on_lists_an_earlier_run_fetched_builds_and_goes_stale() {
        // The starter's shape: it builds today (the lists of line 2 are there), so the cost
        // is stale lists once line 2 is cached, not a failed build.
        let o = assert_fails_as(
            &RULE,
            "FROM python:3.11\nRUN apt-get update\nRUN apt-get install -y gcc\nRUN apt-get install -y g++\n",
            "fetched on line 2",
            Consequence::NotReproducible,
        );
        assert_eq!(o.line, Some(3));
        // Through a stage it starts from.
        assert_fails_as(
            &RULE,
            "FROM python:3.11 AS base\nRUN apt-get update\nFROM base AS builder\nRUN apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nRUN pip install --prefix=/install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=builder /install /usr/local\n",
            "fetched on line 2",
            Consequence::NotReproducible,
        );
        // Lists removed after the update are gone again.
        assert_fails_as(
            &RULE,
            "FROM python:3.11\nRUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*\nRUN apt-get install -y --no-install-recommends gcc\n",
            "Unable to locate package",
            Consequence::BuildFails,
        );
    }

    #[test]
    fn a_build_stage_on_a_stage_that_installed_has_its_packages() {
        // `FROM build AS build-venv`: the compilers came with the stage it starts from.
        let text = "FROM debian:11-slim AS build\nRUN apt-get update && apt-get install --no-install-recommends --yes python3-venv gcc g++ && rm -rf /var/lib/apt/lists/* && python3 -m venv /venv\nFROM build AS build-venv\nRUN /venv/bin/pip install --no-cache-dir -r /requirements.txt\nFROM gcr.io/distroless/python3-debian11\nCOPY --from=build-venv /venv /venv\n";
        assert_passes(&RULE, text);
        assert_passes(crate::rules::by_id("SC201").unwrap(), text);
    }

    #[test]
    fn continuations_with_comments() {
        let text = "FROM python:3.11\nRUN apt-get update \\\n    # compilers for wheels\n    && apt-get install --yes --no-install-recommends \\\n\n       gcc g++ \\\n    && rm -rf /var/lib/apt/lists/*\n";
        assert_passes(&RULE, text);
    }

    #[test]
    fn alpine() {
        assert_passes(
            &RULE,
            "FROM python:3.11-alpine\nRUN apk add --no-cache gcc g++ musl-dev\n",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-alpine\nRUN apk add gcc g++\n",
            "--no-cache",
        );
    }
}
