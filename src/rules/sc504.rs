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
    }
    .into_iter()
    .map(|w| w.trim_start_matches("./").to_string())
    .collect();
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
    // What a copy from another stage brings of that stage's own copies from the context.
    let copied = |c: &CopyFact| {
        let stage = c.from_stage().and_then(|i| facts.stages.get(i))?;
        c.sources.iter().find_map(|s| stage.state.copied_under(s))
    };
    if let Some(c) = fin
        .copies
        .iter()
        .find(|c| copied(c).is_some_and(|names| names.contains(".")))
    {
        return Outcome::fail(
            Some(c.line),
            format!(
                "COPY --from={} {} brings that stage's copy of the whole build context (the Dockerfile, .git, tests, any .env) into the image; copy {shown} by name",
                c.from.as_ref().map_or("", |f| f.text.as_str()),
                c.sources.join(" ")
            ),
        )
        .because(Consequence::BiggerImage);
    }
    let names = |source: &str, want: &str| {
        let (s, w) = (common::basename(source), common::basename(want));
        if want.ends_with('/') && source.ends_with(".py") {
            return false;
        }
        s == w || (s.contains(['*', '?']) && glob(s, w))
    };
    let carries = |c: &CopyFact| {
        if c.sources.iter().any(|s| wanted.iter().any(|w| names(s, w))) {
            return true;
        }
        match c.from_stage() {
            // A folder of code from the context (`COPY src/ /app/`, `COPY app .`).
            None => c.sources.iter().any(|s| {
                let base = common::basename(s);
                !base.is_empty() && (s.ends_with('/') || !base.contains('.'))
            }),
            // A folder of the build stage that the app was copied into.
            Some(_) => copied(c).is_some_and(|names| {
                wanted.iter().any(|w| {
                    names
                        .iter()
                        .any(|n| n == common::basename(w) || glob(n, common::basename(w)))
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

/// `*.py` matches `app.py`: shell-style `*` and `?`, as COPY reads its sources.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Iterative matching with one backtrack point: linear in practice, never exponential.
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
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
            "FROM python:3.11-slim AS b\nWORKDIR /src\nCOPY app.py wsgi.py ./\nFROM python:3.11-slim\nCOPY --from=b /src /src\nCMD [\"gunicorn\", \"app:app\"]\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nCOPY app.py /build/app.py\nFROM python:3.11-slim\nCOPY --from=b /build/app.py .\n",
        );
        assert_passes(&RULE, "FROM python:3.11-slim\nCOPY *.py /app/\n");
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY app .\nCMD [\"python\", \"./app.py\"]\n",
        );
    }

    #[test]
    fn the_whole_context_through_the_build_stage_is_the_whole_context() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11 AS builder\nCOPY . /src\nFROM python:3.11-slim\nCOPY --from=builder /src .\n",
            "copy of the whole build context",
            Consequence::BiggerImage,
        );
    }
}
