//! SC304: pip installs somewhere the runtime stage can copy as a whole.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{CopyFact, Facts, PipTarget, Stage};

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
        if common::final_installs(facts).is_some() {
            return common::not_delivered(facts, build);
        }
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
            let (consequence, runtime) = system_install_cost(facts, build);
            let message = match &pip.missed_venv {
                Some(venv) => format!(
                    "the virtualenv {venv} is created, but this pip is the system's, so the packages go into the system site-packages; put `ENV PATH=\"{venv}/bin:$PATH\"` before this line, or run `{venv}/bin/pip install`"
                ),
                None => format!(
                    "pip installs into the system site-packages, mixed with Python's own files, so a runtime stage cannot copy them as one folder{runtime}; use a virtualenv, --user or --prefix"
                ),
            };
            Outcome::fail(line, message).because(consequence)
        }
        PipTarget::Venv(v) => Outcome::pass(line, format!("into the virtualenv {v}")),
        PipTarget::User(u) => Outcome::pass(line, format!("into the user base {u} (--user)")),
        PipTarget::Prefix(p) => Outcome::pass(line, format!("into --prefix {p}")),
        PipTarget::Target(t) => Outcome::pass(line, format!("into --target {t}")),
    }
}

/// What installing into the system Python costs this file, and what its runtime stage does
/// with it, for the message. Only a runtime that copies part of the install and then runs a
/// program that part lacks fails to start; otherwise the install works where it is.
fn system_install_cost(facts: &Facts, build: &Stage) -> (Consequence, String) {
    let Some(fin) = facts.final_stage().filter(|f| f.index != build.index) else {
        // One stage: it runs where it was installed, and ships with the build's leftovers.
        return (Consequence::BiggerImage, String::new());
    };
    let from_build: Vec<&CopyFact> = fin
        .copies
        .iter()
        .filter(|c| c.from_stage() == Some(build.index))
        .collect();
    if let Some(c) = from_build.iter().find(|c| {
        c.sources
            .iter()
            .any(|s| matches!(s.trim_end_matches('/'), "" | "/usr" | "/usr/local"))
    }) {
        return (
            Consequence::BiggerImage,
            format!(
                " (`COPY --from={}` takes {} whole instead)",
                from_label(c),
                c.sources.join(" ")
            ),
        );
    }
    let Some(d) = facts.delivery() else {
        // The runtime does not take the install at all: whether it then has the packages is
        // SC501's and SC502's question; this install's own cost is the image it forces.
        return (Consequence::BiggerImage, String::new());
    };
    // site-packages alone: a program run by name (`gunicorn`) is a script in /usr/local/bin.
    let command = fin.command.as_ref().filter(|c| c.interpreter.is_none());
    let missing = command.map(|c| c.program.as_str()).filter(|p| {
        !p.is_empty() && {
            let script = format!("/usr/local/bin/{p}");
            !from_build
                .iter()
                .any(|c| c.lands(&script).as_deref() == Some(script.as_str()))
        }
    });
    match missing {
        Some(program) => (
            Consequence::WontStart,
            format!(
                " (line {} copies {} alone, and `{program}` stays behind in /usr/local/bin)",
                d.copy.line, d.installed_at
            ),
        ),
        None => (
            Consequence::Fragile,
            format!(
                " (line {} copies {} piece by piece; a console script it misses is `not found` at start-up)",
                d.copy.line, d.installed_at
            ),
        ),
    }
}

fn from_label(c: &CopyFact) -> &str {
    c.from.as_ref().map_or("", |f| f.text.as_str())
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
    fn the_cost_is_what_this_file_does_with_the_install() {
        // One stage (the starter): it runs where it was installed.
        assert_fails_as(
            &RULE,
            "FROM python:3.11\nRUN pip install flask gunicorn\nCMD python app.py\n",
            "system site-packages",
            Consequence::BiggerImage,
        );
        // A runtime that copies site-packages alone and runs gunicorn by name.
        let partial = "FROM python:3.11-slim AS builder\nRUN pip install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]\n";
        assert_fails_as(
            &RULE,
            partial,
            "`gunicorn` stays behind",
            Consequence::WontStart,
        );
        // The same copy with `python -m gunicorn`, or with the scripts copied too, starts.
        assert_fails_as(
            &RULE,
            &partial.replace("[\"gunicorn\",", "[\"python\", \"-m\", \"gunicorn\","),
            "piece by piece",
            Consequence::Fragile,
        );
        assert_fails_as(
            &RULE,
            &partial.replace(
                "CMD",
                "COPY --from=builder /usr/local/bin /usr/local/bin\nCMD",
            ),
            "piece by piece",
            Consequence::Fragile,
        );
        // /usr/local whole: it works, carrying the build's files.
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim AS builder\nRUN pip install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=builder /usr/local /usr/local\nCMD [\"gunicorn\", \"app:app\"]\n",
            "takes /usr/local whole",
            Consequence::BiggerImage,
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
