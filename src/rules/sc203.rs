//! SC203: the build stage still installs the packages the wheels need to compile.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, provides};

pub const RULE: Rule = Rule {
    id: "SC203",
    title: "Build packages kept",
    summary: "Checks that the build stage still installs the system packages the exercise needs to compile its Python dependencies (here gcc and g++), before the pip install that needs them.",
    why: "On Debian amd64 every pinned requirement comes as a prebuilt wheel, so the build works here without compilers; on Alpine, on ARM boards or with a package that has no wheel for your Python, pip compiles from source and stops halfway without gcc and g++.",
    example: "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
    instead: "RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ && rm -rf /var/lib/apt/lists/*",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::Portability,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    // The line each wanted package is installed on, if it is.
    let installed_at = |want: &str| {
        facts
            .lineage(build.index)
            .flat_map(|s| s.package_runs.iter())
            .find(|r| r.names().any(|p| p == want || provides(p).contains(&want)))
            .map(|r| r.line)
    };
    let missing: Vec<&str> = params
        .build_packages
        .iter()
        .map(String::as_str)
        .filter(|p| installed_at(p).is_none())
        .collect();
    let line = build.package_runs.first().map(|r| r.line);
    if !missing.is_empty() {
        return Outcome::fail(
            line.or(Some(build.line)),
            format!(
                "{} does not install {}: pip works here only because prebuilt wheels exist; where none does (Alpine, ARM), compiling a dependency fails",
                build.label(),
                missing.join(", ")
            ),
        );
    }
    let first_pip = facts.installs_of(build.index).map(|p| p.line).min();
    let last_tool = params
        .build_packages
        .iter()
        .filter_map(|p| installed_at(p))
        .max();
    if let (Some(pip), Some(tools)) = (first_pip, last_tool)
        && tools > pip
    {
        return Outcome::fail(
            Some(tools),
            format!(
                "{} are installed after the pip install on line {pip} that needs them: where a dependency must be compiled, pip runs before the compilers exist",
                params.build_packages.join(", ")
            ),
        );
    }
    Outcome::pass(
        line,
        format!("installs {}", params.build_packages.join(", ")),
    )
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

    #[test]
    fn compilers_after_the_install_that_needs_them() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11 AS builder\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nRUN apt-get update && apt-get install -y gcc g++\n",
            "after the pip install on line 3",
            Consequence::Portability,
        );
    }
}
