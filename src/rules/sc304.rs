//! SC304: pip installs somewhere the runtime stage can copy as a whole.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, PipTarget};

pub const RULE: Rule = Rule {
    id: "SC304",
    title: "Copyable install location",
    summary: "Checks that the build stage's pip install goes into a virtualenv, `--user`, `--prefix` or `--target` directory.",
    why: "Installed into the system site-packages, the packages are mixed with Python's own files and their scripts land in /usr/local/bin: the runtime stage cannot take them with one COPY, and copying site-packages alone leaves gunicorn behind.",
    example: "RUN pip install --no-cache-dir -r requirements.txt",
    instead: "RUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nRUN pip install --no-cache-dir -r requirements.txt",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let Some(pip) = common::main_install(facts, build, &params.requirements_file) else {
        return Outcome::fail(
            Some(build.line),
            format!(
                "{} has no pip install yet, so the app's packages are missing",
                build.label()
            ),
        );
    };
    let line = Some(pip.line);
    match &pip.target {
        PipTarget::System => {
            // What it costs depends on what the runtime takes from the system install.
            let copies_all = facts.delivery().is_some_and(|d| {
                d.copy
                    .sources
                    .iter()
                    .any(|s| matches!(s.trim_end_matches('/'), "" | "/usr" | "/usr/local"))
            });
            let consequence = if copies_all {
                Consequence::BiggerImage
            } else {
                Consequence::WontStart
            };
            let message = match &pip.missed_venv {
                Some(venv) => format!(
                    "the virtualenv {venv} is created, but this pip is the system's, so the packages go into the system site-packages; put `ENV PATH=\"{venv}/bin:$PATH\"` before this line, or run `{venv}/bin/pip install`"
                ),
                None => "pip installs into the system site-packages, mixed with Python's own files, so the runtime stage cannot copy them as one folder; use a virtualenv, --user or --prefix".to_string(),
            };
            Outcome::fail(line, message).because(consequence)
        }
        PipTarget::Venv(v) => Outcome::pass(line, format!("into the virtualenv {v}")),
        PipTarget::User(u) => Outcome::pass(line, format!("into the user base {u} (--user)")),
        PipTarget::Prefix(p) => Outcome::pass(line, format!("into --prefix {p}")),
        PipTarget::Target(t) => Outcome::pass(line, format!("into --target {t}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn location() {
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN pip install -r requirements.txt\n",
            "system site-packages",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN python3 -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nRUN pip install -r requirements.txt\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN python -m venv /venv && /venv/bin/pip install -r requirements.txt\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN pip install --user -r requirements.txt\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN pip install --target=/deps -r requirements.txt\n",
        );
        // PATH set before the venv exists does not make pip use it.
        assert_fails(
            &RULE,
            "FROM python:3.11\nENV PATH=/opt/elsewhere/bin:$PATH\nRUN pip install -r requirements.txt\n",
            "system",
        );
    }

    #[test]
    fn a_venv_filled_by_the_system_pip_says_so_and_how() {
        let o = assert_fails(
            &RULE,
            "FROM python:3.11 AS builder\nRUN python -m venv /opt/venv\nRUN pip install -r requirements.txt\n",
            "the virtualenv /opt/venv is created, but this pip is the system's",
        );
        assert!(
            o.message.contains("ENV PATH=\"/opt/venv/bin:$PATH\""),
            "{o:?}"
        );
        assert!(o.message.contains("/opt/venv/bin/pip"), "{o:?}");
    }

    #[test]
    fn other_tools_make_copyable_virtualenvs() {
        for text in [
            "FROM python:3.11 AS b\nWORKDIR /app\nENV PIPENV_VENV_IN_PROJECT=1\nRUN pip install pipenv && pipenv install --deploy\n",
            "FROM python:3.11 AS b\nWORKDIR /app\nRUN pip install uv && uv sync --frozen\n",
            "FROM python:3.11 AS b\nWORKDIR /app\nRUN pip install poetry && poetry config virtualenvs.in-project true && poetry install --no-root\n",
            "FROM python:3.11 AS b\nENV VIRTUAL_ENV=/opt/venv\nRUN python3 -m venv $VIRTUAL_ENV\nENV PATH=\"$VIRTUAL_ENV/bin:$PATH\"\nRUN pip install -r requirements.txt\n",
            "FROM python:3.11 AS b\nRUN pip install --prefix=$(pwd)/deps -r requirements.txt\n",
        ] {
            assert_passes(&RULE, text);
        }
    }
}
