//! SC701: the command is in exec (JSON array) form.

use super::{Outcome, Params, Rule, Severity};
use crate::facts::Facts;
use crate::syntax::CommandForm;

pub const RULE: Rule = Rule {
    id: "SC701",
    title: "Exec-form command",
    summary: "Checks that CMD (and ENTRYPOINT, if any) of the final stage are JSON arrays.",
    why: "In shell form the container's PID 1 is /bin/sh, which does not pass on SIGTERM: `docker stop` waits 10 seconds and kills the server mid-request instead of letting gunicorn finish.",
    example: "CMD gunicorn -b 0.0.0.0:5000 app:app",
    instead: "CMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]",
    equivalent: Some("DL3025, JSONArgsRecommended"),
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    for (keyword, at) in [("ENTRYPOINT", &fin.entrypoint), ("CMD", &fin.cmd)] {
        if let Some(at) = at
            && let CommandForm::Shell(text) = &at.value
        {
            return Outcome::fail(
                Some(at.line),
                format!(
                    "line {}: {keyword} {text} is in shell form; write it as a JSON array",
                    at.line
                ),
            );
        }
    }
    match fin.command_line() {
        Some(line) => Outcome::pass(Some(line), "exec form"),
        None => Outcome::fail(Some(fin.line), "the final stage has no CMD yet"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn form() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD python app.py\n",
            "shell form",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nENTRYPOINT gunicorn\n",
            "shell form",
        );
        assert_fails(&RULE, "FROM python:3.11-slim\n", "no CMD");
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"app:app\"]\n",
        );
    }
}
