//! SC505: the packages land where the runtime can use them, as the user that runs them.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, PipTarget};

pub const RULE: Rule = Rule {
    id: "SC505",
    title: "Usable where it lands",
    summary: "Checks that the copy lands where the runtime can use it: a virtualenv keeps the path it was created at, and a --user install is copied to the home of the user that runs the app (or PYTHONUSERBASE points at it).",
    why: "A virtualenv's scripts name its path in their first line (`#!/opt/venv/bin/python`): moved to /venv they point at nothing. /root is readable by root only, and Python looks for user packages in the running user's home: packages left in /root/.local are invisible to `appuser`.",
    example: "COPY --from=builder /opt/venv /venv\nENV PATH=\"/venv/bin:$PATH\"",
    instead: "COPY --from=builder /opt/venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let (build, fin) = match common::build_and_final(facts) {
        Ok(pair) => pair,
        Err(o) => return o,
    };
    let Some(d) = facts.delivery() else {
        return common::not_delivered(facts, build);
    };
    let line = Some(d.copy.line);
    let module_run = fin
        .command
        .as_ref()
        .is_some_and(|c| c.interpreter.is_some() && c.words.iter().any(|w| w == "-m"));
    match &d.install.target {
        PipTarget::Venv(_) if d.relocated_venv() && !module_run => Outcome::fail(
            line,
            format!(
                "the virtualenv was made at {} but lands at {}: its scripts start with `#!{}/bin/python`, which does not exist here, so they fail to start; copy it to the same path",
                d.installed_at, d.lands_at, d.installed_at
            ),
        ),
        PipTarget::User(_) => {
            let home = common::runtime_home(fin);
            let base = fin
                .env_value("PYTHONUSERBASE")
                .map(|b| b.trim_end_matches('/').to_string())
                .unwrap_or_else(|| format!("{}/.local", home.trim_end_matches('/')));
            let user = fin.user().map_or("root", |u| u.value.as_str());
            if d.lands_at.starts_with("/root") && !common::runs_as_root(fin) {
                Outcome::fail(
                    line,
                    format!(
                        "the packages land in {}, but the app runs as {user} and /root is readable by root only, so they cannot be imported; copy them to {base}",
                        d.lands_at
                    ),
                )
            } else if d.lands_at != base {
                Outcome::fail(
                    line,
                    format!(
                        "Python looks for {user}'s packages in {base}, not in {}; copy them there or set ENV PYTHONUSERBASE={}",
                        d.lands_at, d.lands_at
                    ),
                )
            } else {
                Outcome::pass(line, format!("{base} is {user}'s user base"))
            }
        }
        _ => Outcome::pass(line, format!("{} can be used where it lands", d.lands_at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const VENV: &str = "FROM python:3.11-slim AS builder\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt\nFROM python:3.11-slim\n";
    const USER: &str = "FROM python:3.11-slim AS builder\nRUN pip install --user -r requirements.txt\nFROM python:3.11-slim\n";

    #[test]
    fn a_moved_virtualenv_breaks_its_scripts() {
        assert_fails_as(
            &RULE,
            &format!(
                "{VENV}COPY --from=builder /opt/venv /venv\nENV PATH=/venv/bin:$PATH\nCMD [\"gunicorn\", \"app:app\"]\n"
            ),
            "lands at /venv",
            Consequence::WontStart,
        );
        assert_passes(
            &RULE,
            &format!(
                "{VENV}COPY --from=builder /opt/venv /venv\nENV PATH=/venv/bin:$PATH\nCMD [\"python\", \"-m\", \"gunicorn\", \"app:app\"]\n"
            ),
        );
        assert_passes(
            &RULE,
            &format!("{VENV}COPY --from=builder /opt/venv /opt/venv\n"),
        );
    }

    #[test]
    fn user_packages_belong_to_the_running_user() {
        assert_fails_as(
            &RULE,
            &format!(
                "{USER}RUN useradd -m app\nCOPY --from=builder /root/.local /root/.local\nUSER app\n"
            ),
            "readable by root only",
            Consequence::WontStart,
        );
        assert_passes(
            &RULE,
            &format!(
                "{USER}RUN useradd -m app\nCOPY --from=builder /root/.local /home/app/.local\nUSER app\n"
            ),
        );
        assert_passes(
            &RULE,
            &format!("{USER}COPY --from=builder /root/.local /root/.local\n"),
        );
        assert_passes(
            &RULE,
            &format!(
                "{USER}COPY --from=builder /root/.local /opt/py\nENV PYTHONUSERBASE=/opt/py\nUSER 10001\n"
            ),
        );
    }
}
