//! SC807 (report): artifacts move between stages with COPY --from.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC807",
    title: "Stage Copying",
    summary: "The final stage takes artifacts from another stage with COPY --from.",
    why: "Copying built artifacts, not rebuilding them, is what keeps the build tools out.",
    example: "FROM python:3.11-slim\nRUN pip install -r requirements.txt",
    instead: "FROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let fin = &facts.stages[facts.stages.len() - 1];
    match fin.copies.iter().find(|c| {
        c.from
            .as_ref()
            .is_some_and(|f| f.stage.is_some_and(|s| s != fin.index))
    }) {
        Some(c) => Outcome::pass(Some(c.line), "Uses COPY --from to transfer artifacts"),
        None => Outcome::fail(None, "no COPY --from in the final stage"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn copy_from() {
        assert_fails(&RULE, "FROM python:3.11\n", "no COPY --from");
        assert_passes(
            &RULE,
            "FROM python:3.11 AS b\nFROM python:3.11-slim\nCOPY --from=b /x /x\n",
        );
    }
}
