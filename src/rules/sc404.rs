//! SC404: no compilers or build tooling in the final stage.

use super::{Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC404",
    title: "No build tools at runtime",
    summary: "Checks that the final stage installs no compilers or build tooling (gcc, g++, make, build-essential, -dev packages).",
    why: "Compilers are 100-200 MB the app never runs, and they hand an attacker who gets in a way to build tools on your server. The build stage is where they belong.",
    example: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc",
    instead: "FROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv",
    equivalent: None,
    severity: Severity::Error,
    check,
};

const BUILD_TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "make",
    "cmake",
    "clang",
    "build-essential",
    "build-base",
    "musl-dev",
    "libc-dev",
    "libc6-dev",
    "cpp",
];

fn is_build_tool(pkg: &str) -> bool {
    let name = pkg.split('=').next().unwrap_or(pkg);
    BUILD_TOOLS.contains(&name)
        || name.ends_with("-dev")
        || name.ends_with("-devel")
        || name.starts_with("gcc-")
        || name.starts_with("g++-")
}

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    for run in &fin.package_runs {
        let tools: Vec<&str> = run
            .packages
            .iter()
            .map(String::as_str)
            .filter(|p| is_build_tool(p))
            .collect();
        if !tools.is_empty() {
            return Outcome::fail(
                Some(run.line),
                format!(
                    "line {}: the final stage installs {}",
                    run.line,
                    tools.join(", ")
                ),
            );
        }
    }
    Outcome::pass(Some(fin.line), "no build tools in the final stage")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn tools() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM python:3.11-slim\nRUN apt-get update && apt-get install -y libpq-dev\n",
            "libpq-dev",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN apt-get install -y gcc\n",
            "gcc",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nRUN apt-get install -y gcc\nFROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libgomp1\n",
        );
    }
}
