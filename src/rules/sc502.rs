//! SC502: the copied path is where the build stage put the packages.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, Stage};

pub const RULE: Rule = Rule {
    id: "SC502",
    title: "Copy what was built",
    summary: "Checks that the COPY --from source is the directory the build stage's pip install filled: the virtualenv, the --prefix or --target directory, or the user base (/root/.local) for --user; not `/` whole.",
    why: "COPY --from stops the build when the path does not exist, or silently copies the wrong folder when it does; copying `/` drags the whole build stage, compilers and all, into the runtime and replaces its /etc/passwd.",
    example: "RUN pip install --user -r requirements.txt\n...\nCOPY --from=builder /opt/venv /opt/venv",
    instead: "RUN pip install --user -r requirements.txt\n...\nCOPY --from=builder /root/.local /root/.local",
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
    let from_build: Vec<_> = fin
        .copies
        .iter()
        .filter(|c| c.from_stage() == Some(build.index))
        .collect();
    if let Some(c) = from_build
        .iter()
        .find(|c| c.sources.iter().any(|s| s.trim_end_matches('/').is_empty()))
    {
        return whole_stage(build, fin, c.line);
    }
    if let Some(d) = facts.delivery() {
        return Outcome::pass(
            Some(d.copy.line),
            format!(
                "copies {}, where {} installed the packages",
                d.installed_at,
                build.label()
            ),
        );
    }
    let first_dir = facts
        .installs_of(build.index)
        .find_map(|p| p.dir(build.base.python));
    let hint = match first_dir {
        Some(d) => format!(" (it installed into {d})"),
        None => String::new(),
    };
    for c in &from_build {
        if let Some(s) = c.sources.iter().find(|s| build.lacks(s)) {
            return Outcome::fail(
                Some(c.line),
                format!(
                    "{} never created {s}{hint}: COPY stops the build with \"{s}: not found\"",
                    build.label()
                ),
            )
            .because(Consequence::BuildFails);
        }
    }
    match from_build.first() {
        Some(_) if common::final_installs(facts).is_some() => common::not_delivered(facts, build),
        Some(c) => Outcome::fail(
            Some(c.line),
            format!(
                "this copy does not carry the installed packages{hint}, so the app cannot import them"
            ),
        ),
        None => common::not_delivered(facts, build),
    }
}

/// `COPY --from=builder / /`: the whole stage, and with it the build stage's /etc/passwd.
fn whole_stage(build: &Stage, fin: &Stage, line: usize) -> Outcome {
    let lost_owner = fin
        .ownership
        .iter()
        .find(|o| o.line > line && o.missing.is_some());
    let lost_user = fin.user().filter(|u| {
        u.line > line && {
            let name = u.value.split(':').next().unwrap_or("");
            !fin.user_exists(name, u.line)
        }
    });
    let base = format!(
        "COPY --from={} / copies the whole build stage, compilers and caches included, and replaces this stage's /etc/passwd with the build stage's",
        build.label()
    );
    match (lost_owner, lost_user) {
        (Some(o), _) => Outcome::fail(
            Some(line),
            format!(
                "{base}: the user `{}` made above is gone, and the build stops at line {} (\"unable to find user\")",
                o.missing.as_deref().unwrap_or(""),
                o.line
            ),
        )
        .because(Consequence::BuildFails),
        (None, Some(u)) => Outcome::fail(
            Some(line),
            format!(
                "{base}: the user `{}` made above is gone, so the container stops at start-up (\"unable to find user\")",
                u.value
            ),
        )
        .because(Consequence::WontStart),
        (None, None) => Outcome::fail(Some(line), format!("{base}; copy only the folder pip filled"))
            .because(Consequence::BiggerImage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const BUILD: &str = "FROM python:3.11-slim AS builder\nRUN pip install --user --no-cache-dir -r requirements.txt\nFROM python:3.11-slim\n";

    #[test]
    fn source_paths() {
        assert_passes(
            &RULE,
            &format!("{BUILD}COPY --from=builder /root/.local /root/.local\n"),
        );
        assert_fails_as(
            &RULE,
            &format!("{BUILD}COPY --from=builder /opt/venv /opt/venv\n"),
            "never created /opt/venv (it installed into /root/.local)",
            Consequence::BuildFails,
        );
        assert_fails_as(
            &RULE,
            &format!("{BUILD}COPY --from=builder / /\n"),
            "whole build stage",
            Consequence::BiggerImage,
        );
        let prefix = "FROM python:3.11-slim AS b\nWORKDIR /w\nRUN pip install --prefix=install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=b /w/install /usr/local\n";
        assert_passes(&RULE, prefix);
        // A folder above the install carries it.
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=b /opt /opt\n",
        );
    }

    #[test]
    fn copying_root_over_users_breaks_the_build() {
        let text = format!(
            "{BUILD}RUN useradd --create-home app\nCOPY --from=builder / /\nCOPY --chown=app:app app.py .\nUSER app\n"
        );
        let o = assert_fails_as(
            &RULE,
            &text,
            "the user `app` made above is gone",
            Consequence::BuildFails,
        );
        assert!(o.message.contains("line 6"), "{o:?}");
        let text =
            format!("{BUILD}RUN useradd --create-home app\nCOPY --from=builder / /\nUSER app\n");
        assert_fails_as(
            &RULE,
            &text,
            "container stops at start-up",
            Consequence::WontStart,
        );
    }

    #[test]
    fn other_tools_virtualenvs_are_the_install() {
        for build in [
            "FROM python:3.11-slim AS b\nWORKDIR /app\nENV PIPENV_VENV_IN_PROJECT=1\nRUN pip install pipenv && pipenv install --deploy\n",
            "FROM python:3.11-slim AS b\nWORKDIR /app\nRUN pip install uv && uv sync --frozen --no-cache\n",
            "FROM python:3.11-slim AS b\nWORKDIR /app\nENV POETRY_VIRTUALENVS_IN_PROJECT=true\nRUN pip install poetry && poetry install --no-root\n",
        ] {
            assert_passes(
                &RULE,
                &format!("{build}FROM python:3.11-slim\nCOPY --from=b /app/.venv /app/.venv\n"),
            );
        }
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nENV UV_PROJECT_ENVIRONMENT=/venv\nRUN uv sync\nFROM python:3.11-slim\nCOPY --from=b /venv /venv\n",
        );
    }
}
