//! SC503: the copied programs and packages are found at run time.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Delivery, Facts, PipTarget, Stage};

pub const RULE: Rule = Rule {
    id: "SC503",
    title: "Copied programs found",
    summary: "Checks that what the command runs is found: a console script (gunicorn) needs the copied `bin` directory on PATH in the final stage (or its absolute path); `python app.py` and `python -m` need only the packages importable by the Python that runs.",
    why: "The runtime starts from a fresh image whose PATH knows nothing of /opt/venv: `gunicorn` is in the image but the container exits with `executable file not found in $PATH`.",
    example: "COPY --from=builder /opt/venv /opt/venv\nCMD [\"gunicorn\", \"app:app\"]",
    instead: "COPY --from=builder /opt/venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nCMD [\"gunicorn\", \"app:app\"]",
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
    let bin = d.bin_dir();
    let lands = d.lands_at.trim_end_matches('/');
    let on_pythonpath = |dir: &str| {
        fin.env_value("PYTHONPATH").is_some_and(|p| {
            p.split(':').any(|e| {
                let e = e.trim_end_matches('/');
                !e.is_empty() && (e == dir || e.starts_with(&format!("{dir}/")))
            })
        })
    };
    let command = fin.command.as_ref();
    let by_python = command.and_then(|c| c.interpreter.as_deref());

    if let Some(interpreter) = by_python {
        // `python app.py`, `python -m gunicorn`: only the packages must be importable.
        let importable = match &d.install.target {
            PipTarget::Venv(_) => {
                interpreter.starts_with(&format!("{bin}/"))
                    || (!interpreter.contains('/') && fin.state.first_on_path(&bin))
                    || on_pythonpath(lands)
            }
            PipTarget::Prefix(_) => d.into_system() || on_pythonpath(lands),
            PipTarget::Target(_) => on_pythonpath(lands),
            PipTarget::System => d.lands_at == d.installed_at,
            // Where the user base must be is SC505's question.
            PipTarget::User(_) => true,
        };
        return if importable {
            Outcome::pass(
                line,
                format!("`{interpreter}` sees the packages in {lands}"),
            )
        } else {
            Outcome::fail(
                line,
                format!(
                    "`{interpreter}` here is the system Python, which does not look in {lands}: the app stops with ModuleNotFoundError; {}",
                    fix_for_python(&d, &bin)
                ),
            )
        };
    }

    let program = command.map_or("gunicorn", |c| c.program.as_str());
    if let Some(path) = command.and_then(|c| c.program_path.as_deref())
        && !path.starts_with(&format!("{bin}/"))
        && !path.starts_with(lands)
    {
        return Outcome::pass(
            line,
            format!("the command runs {path}, not one of the copied scripts"),
        );
    }
    let found = match command.and_then(|c| c.program_path.as_deref()) {
        Some(path) => path.starts_with(&format!("{bin}/")) || d.into_system(),
        None => d.into_system() || fin.state.on_path(&bin),
    };
    match &d.install.target {
        PipTarget::System if !d.into_system() && !system_scripts_copied(fin, build) => {
            Outcome::fail(
                line,
                format!(
                    "only site-packages were copied; {program} and the other scripts in /usr/local/bin stay behind, so the container stops with `executable file not found`"
                ),
            )
        }
        PipTarget::Target(_) if !on_pythonpath(lands) => Outcome::fail(
            line,
            format!(
                "packages copied to {lands}, but PYTHONPATH does not include it, so {program} cannot import them; add ENV PYTHONPATH={lands}"
            ),
        ),
        PipTarget::Prefix(_) if !d.into_system() && !on_pythonpath(lands) => Outcome::fail(
            line,
            format!(
                "the --prefix install lands in {lands}, which Python does not search; copy it into /usr/local instead"
            ),
        ),
        _ if found || d.into_system() => Outcome::pass(
            line,
            if d.into_system() {
                "copied into /usr/local, already on PATH".to_string()
            } else {
                format!("{bin} is on PATH")
            },
        ),
        _ => Outcome::fail(
            line,
            format!(
                "{bin} is not on PATH in the final stage, so the container stops with `exec: \"{program}\": executable file not found in $PATH`; add ENV PATH=\"{bin}:$PATH\""
            ),
        ),
    }
}

fn fix_for_python(d: &Delivery, bin: &str) -> String {
    match d.install.target {
        PipTarget::Venv(_) => format!("put ENV PATH=\"{bin}:$PATH\" before the command"),
        _ => format!("add ENV PYTHONPATH={}", d.lands_at),
    }
}

/// A system install whose scripts (`/usr/local/bin`) are copied as well.
fn system_scripts_copied(fin: &Stage, build: &Stage) -> bool {
    fin.copies.iter().any(|c| {
        c.from_stage() == Some(build.index)
            && c.lands("/usr/local/bin/gunicorn").as_deref() == Some("/usr/local/bin/gunicorn")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const BUILD: &str = "FROM python:3.11-slim AS builder\nRUN python -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nRUN pip install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv\n";

    #[test]
    fn path() {
        assert_fails_as(
            &RULE,
            &format!("{BUILD}CMD [\"gunicorn\", \"app:app\"]\n"),
            "not on PATH",
            Consequence::WontStart,
        );
        assert_passes(
            &RULE,
            &format!("{BUILD}ENV PATH=\"/opt/venv/bin:${{PATH}}\"\n"),
        );
        assert_passes(
            &RULE,
            &format!("{BUILD}CMD [\"/opt/venv/bin/gunicorn\", \"app:app\"]\n"),
        );
    }

    #[test]
    fn python_runs_need_the_packages_importable_not_bin_on_path() {
        assert_passes(
            &RULE,
            &format!("{BUILD}CMD [\"/opt/venv/bin/python\", \"app.py\"]\n"),
        );
        assert_passes(
            &RULE,
            &format!(
                "{BUILD}ENV PATH=/opt/venv/bin:$PATH\nCMD [\"python\", \"-m\", \"gunicorn\", \"app:app\"]\n"
            ),
        );
        assert_fails(
            &RULE,
            &format!("{BUILD}CMD [\"python\", \"app.py\"]\n"),
            "ModuleNotFoundError",
        );
        // --prefix into /usr/local needs nothing, for either kind of command.
        let prefix = "FROM python:3.11-slim AS b\nRUN pip install --prefix=/install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=b /install /usr/local\n";
        assert_passes(&RULE, &format!("{prefix}CMD [\"python\", \"app.py\"]\n"));
        assert_passes(&RULE, &format!("{prefix}CMD [\"gunicorn\", \"app:app\"]\n"));
    }

    #[test]
    fn copying_root_carries_the_venv_and_is_judged_on_path() {
        let text = "FROM python:3.11-slim AS builder\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=builder / /\nENV PATH=/opt/venv/bin:$PATH\nCMD [\"gunicorn\", \"app:app\"]\n";
        assert_passes(&RULE, text);
    }
}
