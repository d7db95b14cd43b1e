//! SC604: every `--chown` and `chown` names a user and group that exist.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC604",
    title: "Owners exist",
    summary: "Checks that each `COPY --chown=user:group` and `RUN chown user:group` names a user and group that exist at that line (created above it, built into the image, or numeric).",
    why: "Ownership is optional, but naming an owner that does not exist stops the build: COPY fails with \"unable to find user\", chown with \"invalid user\". A group is made by useradd only when no --gid is given.",
    example: "COPY --chown=appuser:appgroup app.py .\nRUN useradd appuser",
    instead: "RUN groupadd appgroup && useradd --gid appgroup appuser\nCOPY --chown=appuser:appgroup app.py .",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BuildFails,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let broken = facts
        .stages
        .iter()
        .filter(|s| facts.needed.get(s.index).copied().unwrap_or(false))
        .flat_map(|s| s.ownership.iter())
        .find(|o| o.missing.is_some());
    match broken {
        Some(o) => {
            let who = o.missing.as_deref().unwrap_or("");
            Outcome::fail(
                Some(o.line),
                format!(
                    "`{}` names `{who}`, which does not exist at this line, so the build stops here (\"unable to find user\" / \"invalid group\"); create it above, or leave ownership out",
                    o.spec
                ),
            )
        }
        None => Outcome::pass(
            fin.ownership.first().map(|o| o.line),
            if fin.ownership.is_empty() {
                "no ownership set"
            } else {
                "every owner named exists"
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn owners_must_exist() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCOPY --chown=app:app app.py .\nRUN useradd app\n",
            "`app:app` names `app`",
            Consequence::BuildFails,
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nRUN useradd --gid users app\nCOPY --chown=app:app app.py .\n",
            "names `app`, which",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nRUN chown -R web /app\n",
            "names `web`",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nRUN groupadd --system app && useradd --system --gid app app\nCOPY --chown=app:app app.py .\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nRUN useradd -m app && chown -R app:app /home/app\nCOPY --chown=1000:1000 app.py .\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY --chown=nobody:nogroup app.py .\n",
        );
    }
}
