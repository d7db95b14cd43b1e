//! SC603 (advice): the app's files belong to the user that runs it.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC603",
    title: "Files owned by the app user",
    summary: "Suggests giving the app's files to the non-root user with `COPY --chown` (or chown); recommended, not required.",
    why: "Files copied in belong to root. That is fine for code the app only reads, but an app that writes (uploads, caches) then fails with `Permission denied`.",
    example: "COPY app.py .\nUSER appuser",
    instead: "COPY --chown=appuser:appuser app.py .\nUSER appuser",
    equivalent: None,
    severity: Severity::Info,
    consequence: Consequence::NotProduction,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    match fin.copies.iter().find(|c| c.chown.is_some()) {
        Some(c) => Outcome::pass(
            Some(c.line),
            format!("files given to {}", c.chown.as_deref().unwrap_or("")),
        ),
        None if !fin.ownership.is_empty() => Outcome::pass(None, "ownership set with chown"),
        None => Outcome::fail(
            fin.copies.last().map(|c| c.line),
            "the app's files belong to root; consider COPY --chown=<user>:<group>",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn chown() {
        assert_fails(&RULE, "FROM python:3.11-slim\nCOPY app.py .\n", "--chown");
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY --chown=app:app app.py .\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY app.py .\nRUN chown -R app /app\n",
        );
    }
}
