//! SC203: the build stage still installs the packages the wheels need to compile.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC203",
    title: "Build packages kept",
    summary: "Checks that the build stage still installs the system packages the exercise needs to compile its Python dependencies (here gcc and g++).",
    why: "Slimming the install must not drop the compilers: without them, a package with no prebuilt wheel for your platform fails to build halfway through `pip install`.",
    example: "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
    instead: "RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ && rm -rf /var/lib/apt/lists/*",
    equivalent: None,
    severity: Severity::Error,
    check,
};

/// Meta-packages that bring the usual compilers along.
const PROVIDES: &[(&str, &[&str])] = &[
    ("build-essential", &["gcc", "g++", "make"]),
    ("build-base", &["gcc", "g++", "make"]),
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let installed: Vec<&str> = build.apt_packages().collect();
    let has = |want: &str| {
        installed.iter().any(|p| p.split('=').next() == Some(want))
            || PROVIDES
                .iter()
                .any(|(meta, gives)| installed.contains(meta) && gives.contains(&want))
    };
    let missing: Vec<&str> = params
        .build_packages
        .iter()
        .map(String::as_str)
        .filter(|p| !has(p))
        .collect();
    let line = build.package_runs.first().map(|r| r.line);
    if missing.is_empty() {
        Outcome::pass(
            line,
            format!("installs {}", params.build_packages.join(", ")),
        )
    } else {
        Outcome::fail(
            line.or(Some(build.line)),
            format!(
                "{} does not install {}, needed to compile the wheels",
                build.label(),
                missing.join(", ")
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn compilers_present() {
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN apt-get update && apt-get install -y gcc\n",
            "g++",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN apt-get update && apt-get install -y gcc g++\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN apt-get update && apt-get install -y build-essential\n",
        );
    }
}
