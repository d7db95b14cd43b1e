//! SC504: the app the command runs is copied by name, not the whole build context.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{AppRef, ContainerCommand, CopyFact, Facts, Installer, Stage};
use crate::shell;

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
    let command = fin.command.as_deref();
    // What the command runs, read from the command itself; the pack's app file only when
    // the command names none, and then the message says so.
    let app = command.and_then(|c| c.app.as_ref());
    let wanted: Vec<String> = match app {
        Some(app) => app.candidates(),
        None => params.app_files.clone(),
    }
    .into_iter()
    .map(|w| w.trim_start_matches("./").to_string())
    .collect();
    let shown = match app {
        Some(AppRef::Module(m)) => {
            let top = m.split('.').next().unwrap_or(m);
            format!("{top}.py (or the package folder {top}/)")
        }
        _ => wanted.first().cloned().unwrap_or_else(|| "app.py".into()),
    };
    let fallback = match (command, app) {
        (_, Some(_)) => String::new(),
        (None, None) => format!(
            " (there is no CMD yet; the exercise's app is {})",
            params.app_files.join(", ")
        ),
        (Some(c), None) => format!(
            " (`{}` does not say which file it runs, so the exercise's {} is expected)",
            c.shown(),
            params.app_files.join(", ")
        ),
    };
    let copies: Vec<&CopyFact> = facts
        .lineage(fin.index)
        .flat_map(|s| s.copies.iter())
        .collect();
    if let Some(c) = copies.iter().find(|c| c.whole_context) {
        return Outcome::fail(
            Some(c.line),
            format!(
                "COPY {} copies the whole build context (the Dockerfile, .git, tests, any .env) into the image; copy {shown} by name{fallback}",
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
    if let Some(c) = copies
        .iter()
        .find(|c| copied(c).is_some_and(|names| names.contains(".")))
    {
        return Outcome::fail(
            Some(c.line),
            format!(
                "COPY --from={} {} brings that stage's copy of the whole build context (the Dockerfile, .git, tests, any .env) into the image; copy {shown} by name{fallback}",
                c.from.as_ref().map_or("", |f| f.text.as_str()),
                c.sources.join(" ")
            ),
        )
        .because(Consequence::BiggerImage);
    }
    let dirs = search_dirs(fin, command);
    let names = |source: &str, want: &str| {
        let (s, w) = (common::basename(source), common::basename(want));
        if want.ends_with('/') && source.ends_with(".py") {
            return false;
        }
        s == w || (s.contains(['*', '?']) && glob(s, w))
    };
    // A folder from the context: its content lands at the destination, so it can hold the
    // app only where Python (or the shell) looks for it.
    let folder_lands_where_looked = |c: &CopyFact| {
        let dest = c.dest_abs.trim_end_matches('/');
        let under = |d: &str| d == dest || d.starts_with(&format!("{dest}/"));
        match app {
            Some(AppRef::File(f) | AppRef::Script(f)) => {
                let path = crate::facts::absolute(dirs.first().map(String::as_str), f);
                path.starts_with(&format!("{dest}/"))
            }
            Some(AppRef::Module(m)) => {
                let top = m.split('.').next().unwrap_or(m);
                dirs.iter()
                    .any(|d| under(d) || dest == format!("{}/{top}", d.trim_end_matches('/')))
            }
            // Nothing says what runs: any folder may hold the exercise's app.
            None => true,
        }
    };
    let carries = |c: &CopyFact| {
        if c.sources.iter().any(|s| wanted.iter().any(|w| names(s, w))) {
            return true;
        }
        match c.from_stage() {
            None => {
                c.sources.iter().any(|s| {
                    let base = common::basename(s);
                    !base.is_empty() && (s.ends_with('/') || !base.contains('.'))
                }) && folder_lands_where_looked(c)
            }
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
    if let Some(c) = copies.iter().find(|c| carries(c)) {
        return Outcome::pass(Some(c.line), format!("the app is copied by name ({shown})"));
    }
    // A script the file writes itself (`COPY <<EOF /app/entrypoint.sh`).
    if let Some(Some(AppRef::File(f) | AppRef::Script(f))) = Some(app)
        && fin
            .state
            .written(&crate::facts::absolute(dirs.first().map(String::as_str), f))
            .is_some()
    {
        return Outcome::pass(Some(fin.line), format!("{f} is written by the Dockerfile"));
    }
    // A package installed into the environment the final stage copies (`uv sync`, `pip
    // install .`, `poetry install` of a project whose source the build stage copied).
    if let Some(AppRef::Module(m)) = app
        && let Some(outcome) = installed_project(facts, fin, m)
    {
        return outcome;
    }
    let folders: Vec<&&CopyFact> = copies
        .iter()
        .filter(|c| {
            c.from.is_none()
                && c.sources.iter().any(|s| {
                    let base = common::basename(s);
                    !base.is_empty() && (s.ends_with('/') || !base.contains('.'))
                })
        })
        .collect();
    let looked = match (command, dirs.first(), app) {
        (Some(c), Some(d), Some(_)) => format!(" where `{}` looks for it ({d})", c.shown()),
        _ => String::new(),
    };
    let elsewhere = match folders.first() {
        Some(c) => format!(
            "; `COPY {} {}` puts a folder at {}, which is not where it is looked for",
            c.sources.join(" "),
            c.dest,
            c.dest_abs
        ),
        None => String::new(),
    };
    Outcome::fail(
        Some(fin.line),
        format!(
            "the final stage never copies {shown}{looked}, so there is no app to run and the container stops at once{elsewhere}; add `COPY {} .`{fallback}",
            wanted.first().map_or("app.py", |w| w.trim_end_matches('/'))
        ),
    )
}

/// Where the command looks for its code: the working directory (or `--chdir`), then
/// `--pythonpath`, `--app-dir` and PYTHONPATH.
fn search_dirs(fin: &Stage, command: Option<&ContainerCommand>) -> Vec<String> {
    let workdir = fin.state.workdir.clone().unwrap_or_else(|| "/".into());
    let mut dirs = Vec::new();
    let args = command.map_or(&[][..], |c| c.args.as_slice());
    match shell::option_value(args, &["--chdir"]) {
        Some(d) => dirs.push(crate::facts::absolute(Some(&workdir), d)),
        None => dirs.push(workdir.clone()),
    }
    for opt in ["--pythonpath", "--app-dir"] {
        if let Some(v) = shell::option_value(args, &[opt]) {
            dirs.extend(
                v.split(',')
                    .map(|d| crate::facts::absolute(Some(&workdir), d)),
            );
        }
    }
    if let Some(p) = fin.env_value("PYTHONPATH") {
        dirs.extend(
            p.split(':')
                .filter(|d| !d.is_empty() && !d.contains('$'))
                .map(|d| crate::facts::absolute(Some(&workdir), d)),
        );
    }
    dirs
}

/// `module` comes from a project the build stage installed into what the final stage
/// copies: a pass naming the install, a failure when the install is a link to source the
/// final stage lacks, or None when no such install is there.
fn installed_project(facts: &Facts, fin: &Stage, module: &str) -> Option<Outcome> {
    let d = facts.delivery()?;
    let build = d.build;
    let top = module.split('.').next().unwrap_or(module);
    let (install, project) = facts
        .installs_of(build.index)
        .filter(|p| p.dir(build.base.python).as_deref() == Some(d.installed_at.as_str()))
        .find_map(|p| Some((p, p.project.as_ref()?)))?;
    // The project's source was copied into its folder in the build stage.
    let names = build.state.copied_under(&project.dir)?;
    if !names
        .iter()
        .any(|n| n == "." || n == top || !n.contains('.'))
    {
        return None;
    }
    let how = match install.installer {
        Installer::Uv => "`uv sync`",
        Installer::Poetry => "`poetry install`",
        Installer::Pipenv => "`pipenv install`",
        Installer::Pip => "pip",
    };
    if project.editable {
        // The link points into the project's folder: something must be copied there, other
        // than the environment itself.
        let dir = project.dir.trim_end_matches('/');
        let source_here = fin.copies.iter().any(|c| {
            c.lands(dir).as_deref() == Some(dir)
                || (c.line != d.copy.line
                    && (c.dest_abs == dir || c.dest_abs.starts_with(&format!("{dir}/"))))
        });
        if !source_here {
            return Some(
                Outcome::fail(
                    Some(d.copy.line),
                    format!(
                        "{how} (line {}) installs `{top}` as a link to its source in {}, which the final stage does not have, so the import fails; install it with --no-editable (or non-editable), or copy {} too",
                        install.line, project.dir, project.dir
                    ),
                )
                .because(Consequence::WontStart),
            );
        }
    }
    Some(Outcome::pass(
        Some(d.copy.line),
        format!(
            "`{top}` is installed into {} by {how} (line {}), which this line copies",
            d.installed_at, install.line
        ),
    ))
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
