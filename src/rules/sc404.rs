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
    let mut first: Option<(usize, usize)> = None;
    let mut tools: Vec<&str> = Vec::new();
    for stage in facts.lineage(fin.index) {
        for run in &stage.package_runs {
            for tool in run.names().filter(|p| is_build_tool(p)) {
                if first.is_none_or(|(line, _)| run.line < line) {
                    first = Some((run.line, stage.index));
                }
                if !tools.contains(&tool) {
                    tools.push(tool);
                }
            }
        }
    }
    let Some((line, owner)) = first else {
        return Outcome::pass(Some(fin.line), "no build tools in the final stage");
    };
    let mb: u32 = tools.iter().map(|t| sizes::table().apt(t)).sum();
    let list = tools.join(", ");
    let message = if owner == fin.index {
        format!("the final stage installs {list}: about {mb} MB of build tools the app never runs")
    } else {
        format!(
            "the final stage starts from stage `{}`, so it keeps everything that stage installed, {list} included: about {mb} MB of build tools the app never runs",
            facts.stages[owner].label()
        )
    };
    Outcome::fail(
        Some(if owner == fin.index { line } else { fin.line }),
        message,
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
        assert!(o.message.contains("about 239 MB"), "{o:?}");
        // Inherited from the stage it starts from: said so, at the FROM line.
        let o = assert_fails(
            &RULE,
            "FROM python:3.11-slim AS base\nRUN apt-get update && apt-get install -y gcc\nFROM base\n",
            "starts from stage `base`, so it keeps everything that stage installed, gcc included",
        );
        assert_eq!(o.line, Some(3));
    }
}
