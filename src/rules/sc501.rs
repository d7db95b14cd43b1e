//! SC501: the final stage copies dependencies from the build stage with COPY --from.

use super::{Outcome, Params, Rule, Severity};
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
        .find(|(_, f)| f.stage.is_none() && !f.by_index && !f.text.contains(['/', ':']))
    {
        return Outcome::fail(
            Some(c.line),
            format!("line {}: there is no stage named `{}`", c.line, f.text),
        );
    }
    let from_build = froms
        .iter()
        .find(|(_, f)| f.stage.is_some_and(|s| s != fin.index));
    match from_build {
        Some((c, f)) if f.by_index => Outcome::warn(
            Some(c.line),
            format!(
                "line {}: COPY --from={} copies by index; name the stage and copy --from=<name>",
                c.line, f.text
            ),
        ),
        Some((c, f)) => Outcome::pass(
            Some(c.line),
            format!("COPY --from={} (line {})", f.text, c.line),
        ),
        None if facts.stages.len() < 2 => Outcome::fail(
            Some(fin.line),
            "there is only one stage, so nothing is copied from a build stage",
        ),
        None => Outcome::fail(
            Some(fin.line),
            format!(
                "the final stage (line {}) copies nothing with COPY --from",
                fin.line
            ),
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
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM python:3.11-slim\nCOPY /opt/venv /opt/venv\n",
            "copies nothing",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM python:3.11-slim\nCOPY --from=bulider /opt/venv /opt/venv\n",
            "no stage named `bulider`",
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
