//! SC304: pip installs somewhere the runtime stage can copy as a whole.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, PipTarget};

pub const RULE: Rule = Rule {
    id: "SC304",
    title: "Copyable install location",
    summary: "Checks that the build stage's pip install goes into a virtualenv, `--user`, `--prefix` or `--target` directory.",
    why: "Installed into the system site-packages, the packages are mixed with Python's own files and their scripts land in /usr/local/bin: the runtime stage cannot take them with one COPY.",
    example: "RUN pip install --no-cache-dir -r requirements.txt",
    instead: "RUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nRUN pip install --no-cache-dir -r requirements.txt",
    equivalent: None,
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let Some(pip) = common::requirements_install(build, &params.requirements_file)
        .or(build.pip_installs.first())
    else {
        return Outcome::fail(
            Some(build.line),
            format!("{} has no pip install yet", build.label()),
        );
    };
    let line = Some(pip.line);
    match &pip.target {
        PipTarget::System => Outcome::fail(
            line,
            format!(
                "line {}: pip installs into the system site-packages; use a virtualenv, --user or --prefix so the runtime stage can copy one folder",
                pip.line
            ),
        ),
        PipTarget::Venv(v) => Outcome::pass(line, format!("into the virtualenv {v}")),
        PipTarget::User => Outcome::pass(line, "into the user base (--user)"),
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
}
