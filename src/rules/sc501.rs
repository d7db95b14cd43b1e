//! SC501: the final stage copies dependencies from the build stage with COPY --from.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC501",
    title: "COPY --from the build stage",
    summary: "Checks that the final stage copies from the build stage with `COPY --from=<stage name>`.",
    why: "This one line is what makes a multi-stage build pay: the runtime gets the installed packages and none of the compilers that built them.",
    example: "FROM python:3.11-slim\nRUN pip install -r requirements.txt",
    instead: "FROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv",
    equivalent: Some("DL3022"),
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let froms: Vec<_> = fin
        .copies
        .iter()
        .filter_map(|c| Some((c, c.from.as_ref()?)))
        .collect();
    if let Some((c, f)) = froms
        .iter()
        .find(|(_, f)| f.stage.is_none() && !f.text.contains(['/', ':', '.']))
    {
        let why = if f.by_index {
            "there is no stage with that number above this line"
        } else {
            "there is no stage with that name above this line"
        };
        return Outcome::fail(
            Some(c.line),
            format!(
                "--from={}: {why}, so Docker looks for an image called `{}`, which does not exist",
                f.text, f.text
            ),
        )
        .because(Consequence::BuildFails);
    }
    let from_build = froms
        .iter()
        .find(|(_, f)| f.stage.is_some_and(|s| s != fin.index));
    match from_build {
        Some((c, f)) if f.by_index => Outcome::warn(
            Some(c.line),
            format!(
                "COPY --from={} copies by number, which points elsewhere once a stage is added above; name the stage and copy --from=<name>",
                f.text
            ),
        ),
        Some((c, f)) => Outcome::pass(Some(c.line), format!("COPY --from={}", f.text)),
        None if facts.stages.len() < 2 => common::one_stage(fin),
        None if common::final_installs(facts).is_some() => match facts.build() {
            Some(build) => common::not_delivered(facts, build),
            None => common::one_stage(fin),
        },
        None => Outcome::fail(
            Some(fin.line),
            "the final stage copies nothing with COPY --from, so it has none of the installed packages and the app stops at its first import",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Status;
    use crate::rules::testing::*;

    #[test]
    fn copy_from() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM python:3.11-slim\nCOPY /opt/venv /opt/venv\n",
            "copies nothing",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM python:3.11-slim\nCOPY --from=bulider /opt/venv /opt/venv\n",
            "no stage with that name",
            Consequence::BuildFails,
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM python:3.11-slim\ncopy --from builder /opt/venv /opt/venv\n",
        );
        let o = run(
            &RULE,
            "FROM python:3.11-slim\nFROM python:3.11-slim\nCOPY --from=0 /opt/venv /opt/venv\n",
        );
        assert_eq!(o.status, Status::Warn);
    }
}
