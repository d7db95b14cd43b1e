//! SC601: the final stage runs as a non-root user.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC601",
    title: "Non-root USER",
    summary: "Checks that the final stage's last USER is not root (`root`, `0`, `0:0`) and comes before the command.",
    why: "A process running as root in a container is root on every file the container can see; one flaw in a dependency then becomes a full compromise of the container, and a step toward the host.",
    example: "CMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]",
    instead: "RUN useradd --create-home appuser\nUSER appuser\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]",
    equivalent: Some("DL3002"),
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(user) = &fin.user else {
        return Outcome::fail(
            Some(fin.line),
            "the final stage has no USER, so it runs as root",
        );
    };
    if common::is_root(&user.value) {
        return Outcome::fail(
            Some(user.line),
            format!("line {}: USER {} is root", user.line, user.value),
        );
    }
    if let Some(cmd) = fin.command_line().filter(|&l| l < user.line) {
        return Outcome::fail(
            Some(user.line),
            format!(
                "line {}: USER comes after the command on line {cmd}; put it before",
                user.line
            ),
        );
    }
    Outcome::pass(Some(user.line), format!("runs as {}", user.value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn user() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"x\"]\n",
            "runs as root",
        );
        assert_fails(&RULE, "FROM python:3.11-slim\nUSER 0:0\n", "is root");
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nUSER app\nUSER root\n",
            "is root",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"x\"]\nUSER app\n",
            "after the command",
        );
        assert_passes(&RULE, "FROM python:3.11-slim\nUSER 10001\nCMD [\"x\"]\n");
    }
}
