//! SC504: the app the command runs is copied by name, not the whole build context.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{CopyFact, Facts};

pub const RULE: Rule = Rule {
    id: "SC504",
    title: "Copy the app by name",
    summary: "Checks that the final stage copies the code the command runs by name (`gunicorn app:app` needs `app.py` or an `app/` package, `python main.py` needs `main.py`), from the context or the build stage, and not the whole build context.",
    why: "`COPY . .` ships whatever is in the folder: the Dockerfile, .git, tests, a stray .env with secrets. Without the app's file, the server starts and stops at once: there is nothing to import.",
    example: "COPY . .",
    instead: "COPY app.py .",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let wanted: Vec<String> = match fin.command.as_ref().and_then(|c| c.app.as_ref()) {
        Some(app) => app.candidates(),
        None => params.app_files.clone(),
    };
    let shown = wanted.first().cloned().unwrap_or_else(|| "app.py".into());
    if let Some(c) = fin.copies.iter().find(|c| c.whole_context) {
        return Outcome::fail(
            Some(c.line),
            format!(
                "COPY {} copies the whole build context (the Dockerfile, .git, tests, any .env) into the image; copy {shown} by name",
                c.sources.join(" "),
            ),
        )
        .because(Consequence::BiggerImage);
    }
    let names = |s: &str, want: &str| {
        let want_dir = want.ends_with('/');
        common::basename(s) == common::basename(want) && (!want_dir || !s.ends_with(".py"))
    };
    let carries = |c: &CopyFact| {
        if c.sources.iter().any(|s| wanted.iter().any(|w| names(s, w))) {
            return true;
        }
        match c.from_stage() {
            // A folder of code from the context (`COPY src/ /app/`).
            None => c
                .sources
                .iter()
                .any(|s| s.ends_with('/') && !s.trim_end_matches('/').is_empty()),
            // A folder of the build stage that the app was copied into.
            Some(i) => facts.lineage(i).flat_map(|s| s.copies.iter()).any(|inner| {
                (inner.whole_context
                    || inner
                        .sources
                        .iter()
                        .any(|s| wanted.iter().any(|w| names(s, w))))
                    && c.sources.iter().any(|s| {
                        let s = s.trim_end_matches('/');
                        inner.dest_abs == s
                            || inner.dest_abs.starts_with(&format!("{s}/"))
                            || s.is_empty()
                    })
            }),
        }
    };
    match fin.copies.iter().find(|c| carries(c)) {
        Some(c) => Outcome::pass(Some(c.line), format!("the app is copied by name ({shown})")),
        None => Outcome::fail(
            Some(fin.line),
            format!(
                "the final stage never copies {shown}, so there is no app to run and the container stops at once; add `COPY {} .`",
                shown.trim_end_matches('/')
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn app_copy() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCOPY . /app\n",
            "whole build context",
            Consequence::BiggerImage,
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCOPY requirements.txt .\n",
            "never copies app.py",
            Consequence::WontStart,
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY --chown=app:app app.py /srv/\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY [\"src/\", \"/app/src/\"]\n",
        );
    }

    #[test]
    fn the_app_is_what_the_command_runs() {
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY main.py .\nCMD [\"python\", \"main.py\"]\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY main.py .\nCMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY app ./app\nCMD [\"gunicorn\", \"app:create_app()\"]\n",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCOPY app.py .\nCMD [\"python\", \"main.py\"]\n",
            "never copies main.py",
        );
        // From the build stage, where the app was copied.
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nWORKDIR /src\nCOPY . .\nFROM python:3.11-slim\nCOPY --from=b /src /src\nCMD [\"gunicorn\", \"app:app\"]\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nCOPY app.py /build/app.py\nFROM python:3.11-slim\nCOPY --from=b /build/app.py .\n",
        );
    }
}
