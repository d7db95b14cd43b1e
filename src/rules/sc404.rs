//! SC404: no compilers or build tooling in the final stage.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::{Facts, is_build_tool};
use crate::report::sizes;

pub const RULE: Rule = Rule {
    id: "SC404",
    title: "No build tools at runtime",
    summary: "Checks that the final stage installs no compilers or build tooling (gcc, g++, make, build-essential, -dev packages).",
    why: "Compilers are 100-200 MB the app never runs (gcc and g++ left in the runtime made the exercise image 164 MB bigger when built here), and they hand an attacker who gets in a way to build tools on your server.",
    example: "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc",
    instead: "FROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let mut first_line = None;
    let mut tools: Vec<&str> = Vec::new();
    for run in facts.lineage(fin.index).flat_map(|s| s.package_runs.iter()) {
        for tool in run.names().filter(|p| is_build_tool(p)) {
            first_line = first_line.or(Some(run.line)).min(Some(run.line));
            if !tools.contains(&tool) {
                tools.push(tool);
            }
        }
    }
    if tools.is_empty() {
        return Outcome::pass(Some(fin.line), "no build tools in the final stage");
    }
    let mb: u32 = tools.iter().map(|t| sizes::table().apt(t)).sum();
    Outcome::fail(
        first_line,
        format!(
            "the final stage installs {}: about {mb} MB of build tools the app never runs",
            tools.join(", ")
        ),
    )
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

    #[test]
    fn says_the_cost() {
        let o = assert_fails_as(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc g++\n",
            "MB of build tools",
            Consequence::BiggerImage,
        );
        assert!(o.message.contains("about 175 MB"), "{o:?}");
    }
}
