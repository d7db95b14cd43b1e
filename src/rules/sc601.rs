//! SC601: the final stage runs as a non-root user.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC601",
    title: "Non-root USER",
    summary: "Checks that the final stage's last USER is not root (`root`, `0`, `0:0`) and comes before the command; a distroless `:nonroot` image already runs as a non-root user.",
    why: "A process running as root in a container is root on every file the container can see; one flaw in a dependency then becomes a full compromise of the container, and a step toward the host.",
    example: "CMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]",
    instead: "RUN useradd --create-home appuser\nUSER appuser\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]",
    equivalent: Some("DL3002"),
    severity: Severity::Error,
    consequence: Consequence::RunsAsRoot,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(user) = fin.user() else {
        if fin.base.nonroot {
            return Outcome::pass(
                Some(fin.line),
                format!("{} runs as the user nonroot (65532)", fin.base.text),
            );
        }
        return common::no_user(fin);
    };
    if common::is_root(&user.value) {
        return Outcome::fail(
            Some(user.line),
            format!(
                "`USER {}` is root; end the stage with a USER of its own",
                user.value
            ),
        );
    }
    if let Some(cmd) = fin
        .command
        .as_ref()
        .map(|c| c.line)
        .filter(|&l| l < user.line)
    {
        // Docker applies the last USER wherever it is; the order is for the reader.
        return Outcome::fail(
            Some(user.line),
            format!(
                "USER comes after the command on line {cmd}: Docker still runs the app as {}, but the file reads as if the command ran as root; put USER before the command",
                user.value
            ),
        )
        .because(Consequence::Unclear);
    }
    Outcome::pass(Some(user.line), format!("runs as {}", user.value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn user() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"x\"]\n",
            "no USER",
            Consequence::RunsAsRoot,
        );
        assert_fails(&RULE, "FROM python:3.11-slim\nUSER 0:0\n", "is root");
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nUSER app\nUSER root\n",
            "is root",
        );
        let o = assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"x\"]\nUSER app\n",
            "after the command",
        );
        assert_ne!(o.consequence, Some(Consequence::RunsAsRoot));
        assert_passes(&RULE, "FROM python:3.11-slim\nUSER 10001\nCMD [\"x\"]\n");
    }

    #[test]
    fn distroless_nonroot_needs_no_user_line() {
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM gcr.io/distroless/python3-debian12:nonroot\nCMD [\"app.py\"]\n",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM gcr.io/distroless/python3-debian12\nCMD [\"app.py\"]\n",
            ":nonroot",
        );
    }
}
