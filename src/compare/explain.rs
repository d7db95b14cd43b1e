//! Real failures in the learner's terms: the text Docker, pip or the container printed,
//! read beside the file's facts, becomes the TODO to revisit and what to change.

use crate::facts::{Facts, Stage};
use crate::rules::Params;

/// What went wrong, with the text it left behind.
#[derive(Debug, Clone, Copy)]
pub enum Failure<'a> {
    /// The build stopped. `step`: the instruction it was running.
    Build {
        log: &'a str,
        step: Option<&'a str>,
        missing_images: &'a [String],
        timed_out: bool,
    },
    /// `docker run` refused to start it, or it exited: the error and its log.
    Start { error: &'a str, logs: &'a str },
    /// Running, but nothing answered on the published port.
    NoAnswer { logs: &'a str, seconds: u64 },
    /// An endpoint answered with an error status.
    Endpoint {
        path: &'a str,
        status: Option<u16>,
        logs: &'a str,
    },
    /// It served, as root.
    Root,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub todo: Option<u32>,
    pub text: String,
}

fn todo(n: u32, text: String) -> Explanation {
    Explanation {
        todo: Some(n),
        text,
    }
}

fn plain(text: String) -> Explanation {
    Explanation { todo: None, text }
}

pub fn explain(failure: Failure<'_>, facts: &Facts, params: &Params) -> Explanation {
    match failure {
        Failure::Build {
            log,
            step,
            missing_images,
            timed_out,
        } => build(log, step, missing_images, timed_out, facts),
        Failure::Start { error, logs } => start(&format!("{error}\n{logs}"), facts, params),
        Failure::NoAnswer { logs, seconds } => {
            if let Some(e) = start_problem(logs, facts, params) {
                return e;
            }
            todo(
                7,
                format!(
                    "The container kept running but nothing answered on port {port} within {seconds} s. \
                     The server must listen on all interfaces of the container, 0.0.0.0:{port} \
                     (`--bind 0.0.0.0:{port}` for gunicorn); one bound to 127.0.0.1 or to another \
                     port cannot be reached from outside.",
                    port = params.port
                ),
            )
        }
        Failure::Endpoint { path, status, logs } => {
            if let Some(e) = start_problem(logs, facts, params) {
                return e;
            }
            plain(match status {
                Some(code) => format!(
                    "GET {path} answered {code}: the app itself failed on that page; its log is below."
                ),
                None => format!(
                    "GET {path} got no answer (the worker may have crashed or timed out); the log is below."
                ),
            })
        }
        Failure::Root => todo(
            6,
            "It serves, but as root (uid 0). Create a user in the runtime stage \
             (`RUN useradd --create-home appuser`) and switch to it with `USER appuser` before CMD."
                .to_string(),
        ),
    }
}

fn build(
    log: &str,
    step: Option<&str>,
    missing_images: &[String],
    timed_out: bool,
    facts: &Facts,
) -> Explanation {
    if timed_out {
        return plain(
            "The build did not finish in time (see --build-timeout); the last step it ran is below."
                .to_string(),
        );
    }
    let lower = log.to_lowercase();
    let pull_failed = [
        "pull access denied",
        "repository does not exist",
        "manifest unknown",
        "failed to resolve source metadata",
        "no such host",
        "error pulling image",
        "failed to do request",
        "tls handshake timeout",
        "dial tcp",
    ]
    .iter()
    .any(|p| lower.contains(p));
    if let Some(image) = missing_images.first()
        && (pull_failed || step.is_some_and(|s| s.to_uppercase().starts_with("FROM")))
    {
        return plain(format!(
            "The base image `{image}` is not on this machine and could not be downloaded. Where a \
             registry can be reached: `docker pull {image}`. Offline, load it from a file your \
             instructor hands out: `docker load -i FILE.tar` (made elsewhere with \
             `docker save {image} -o FILE.tar`)."
        ));
    }
    let step_text = step.unwrap_or("");
    let step_upper = step_text.to_uppercase();
    if let Some(user) = quoted_after(log, "unable to find user ") {
        return unknown_user(&user);
    }
    let copy_failed = lower.contains("copy failed")
        || (step_upper.starts_with("COPY")
            && (lower.contains("not found") || lower.contains("no such file")));
    if copy_failed {
        if step_upper.contains("--FROM") {
            let installed = build_install_dirs(facts);
            let hint = match installed.first() {
                Some(dir) => {
                    format!(" The build stage installed the packages into {dir}: copy that.")
                }
                None => String::new(),
            };
            return todo(
                5,
                format!(
                    "`{}` copies a path the build stage never created, so the build stops there.{hint}",
                    squeeze(step_text)
                ),
            );
        }
        return todo(
            if step_text.contains("requirements") {
                3
            } else {
                5
            },
            format!(
                "`{}` names a file that is not in the build context (the folder given with \
                 --context) or is excluded by .dockerignore.",
                squeeze(step_text)
            ),
        );
    }
    if lower.contains("unable to locate package") || lower.contains("has no installation candidate")
    {
        return todo(
            2,
            "apt-get could not find a package: run `apt-get update` in the same RUN as the install, \
             and check the package names."
                .to_string(),
        );
    }
    if lower.contains("command 'gcc' failed")
        || lower.contains("command 'g++' failed")
        || lower.contains("gcc: not found")
        || lower.contains("error: command 'gcc'")
        || (lower.contains("compiler") && lower.contains("not found") && step_upper.contains("PIP"))
    {
        return todo(
            2,
            "pip had to compile a package and found no compiler: install gcc and g++ in the build \
             stage before pip install."
                .to_string(),
        );
    }
    if lower.contains("could not find a version that satisfies")
        || lower.contains("no matching distribution found")
    {
        return todo(
            3,
            "pip could not download a requirement: check the names and versions in requirements.txt \
             (and that the machine reaches PyPI)."
                .to_string(),
        );
    }
    if lower.contains("could not open requirements file") {
        return todo(
            3,
            "pip was pointed at a requirements file that is not there: COPY requirements.txt into \
             the stage before the RUN that installs it, with the same path."
                .to_string(),
        );
    }
    match step {
        Some(s) => plain(format!(
            "The step `{}` failed; its output is below.",
            squeeze(s)
        )),
        None => plain("The build failed; its output is below.".to_string()),
    }
}

fn unknown_user(user: &str) -> Explanation {
    todo(
        6,
        format!(
            "`{user}` is not a user of the runtime image. Users created in the build stage do not \
             exist in the runtime: create it in the final stage (`RUN useradd --create-home {user}`) \
             before USER, or use a numeric id (`USER 10001`)."
        ),
    )
}

fn start(text: &str, facts: &Facts, params: &Params) -> Explanation {
    start_problem(text, facts, params).unwrap_or_else(|| {
        plain("The container stopped instead of serving; its log is below.".to_string())
    })
}

/// The reasons a container fails to start, or crashes when asked, that a file can cause.
fn start_problem(text: &str, facts: &Facts, params: &Params) -> Option<Explanation> {
    let fin = facts.final_stage()?;
    if let Some(user) = quoted_after(text, "unable to find user ") {
        return Some(unknown_user(&user));
    }
    let non_root_user = fin
        .user()
        .is_some_and(|u| !matches!(u.value.split(':').next(), Some("root" | "0")));
    let under_root_home = fin.path().iter().any(|p| p.starts_with("/root/"))
        || fin.copies.iter().any(|c| c.dest_abs.starts_with("/root/"));
    let lower = text.to_lowercase();
    if non_root_user
        && under_root_home
        && (lower.contains("permission denied") || lower.contains("executable file not found"))
    {
        return Some(todo(
            5,
            "The packages were copied under /root, and /root is closed to every user but root: \
             the non-root user cannot reach them. Copy them into that user's home instead \
             (`COPY --from=builder --chown=app:app /root/.local /home/app/.local`) and put \
             /home/app/.local/bin on PATH."
                .to_string(),
        ));
    }
    if let Some(program) = quoted_after(text, "exec: ").filter(|_| {
        lower.contains("executable file not found") || lower.contains("no such file or directory")
    }) {
        return Some(missing_program(&program, fin, facts, params));
    }
    if let Some(module) = quoted_after(text, "No module named ") {
        let build_python = facts.build().and_then(|b| b.base.python);
        let final_python = fin.base.python;
        if let (Some(b), Some(f)) = (build_python, final_python)
            && b != f
        {
            return Some(todo(
                4,
                format!(
                    "Python cannot import `{module}`: the packages were installed for Python {}.{} \
                     in the build stage, but the runtime runs Python {}.{}, which looks for them \
                     elsewhere. Use the same Python version in both FROM lines.",
                    b.0, b.1, f.0, f.1
                ),
            ));
        }
        return Some(todo(
            5,
            format!(
                "Python cannot import `{module}` in the runtime image: the installed packages were \
                 not copied to where its Python looks for them. Copy the whole folder pip filled \
                 (a virtualenv, /root/.local, or the --prefix folder into /usr/local)."
            ),
        ));
    }
    if lower.contains("permission denied") {
        return Some(todo(
            6,
            "The app's user may not read or write a file it needs: give the files to that user \
             (`COPY --chown=appuser:appuser ...`)."
                .to_string(),
        ));
    }
    None
}

fn missing_program(program: &str, fin: &Stage, facts: &Facts, params: &Params) -> Explanation {
    if let Some(delivery) = facts.delivery()
        && !delivery.into_system()
    {
        let bin = delivery.bin_dir();
        if !fin.path().iter().any(|p| p.trim_end_matches('/') == bin) {
            return todo(
                5,
                format!(
                    "`{program}` is in {bin}, which is not on the runtime stage's PATH (a new \
                     stage starts with the default PATH). Add `ENV PATH=\"{bin}:$PATH\"` to the \
                     runtime stage."
                ),
            );
        }
    }
    let server = params.wsgi_servers.iter().find(|s| s.command == program);
    let installed = |package: &str| {
        params.requirements.iter().any(|r| r == package)
            || facts.stages.iter().any(|s| {
                s.pip_installs
                    .iter()
                    .any(|p| p.packages.iter().any(|n| n.starts_with(package)))
            })
    };
    if let Some(server) = server
        && !installed(&server.package)
    {
        return todo(
            7,
            format!(
                "`{program}` is not installed in the image: add {} to requirements.txt, or start \
                 the server that is installed.",
                server.package
            ),
        );
    }
    if server.is_none() && !params.wsgi_servers.is_empty() {
        return todo(
            7,
            format!(
                "`{program}` is not a program in the image. Start the app with the WSGI server the \
                 requirements install (gunicorn), in exec form."
            ),
        );
    }
    todo(
        5,
        format!(
            "`{program}` is not on the runtime image's PATH ({}). Copy the packages with their \
             bin folder and put that folder on PATH in the runtime stage.",
            fin.path().join(":")
        ),
    )
}

fn build_install_dirs(facts: &Facts) -> Vec<String> {
    let Some(build) = facts.build() else {
        return vec![];
    };
    facts
        .installs_of(build.index)
        .filter_map(|p| p.dir(build.base.python))
        .collect()
}

/// The quoted word after `marker`: `exec: "gunicorn"` → gunicorn, `named 'flask'` → flask,
/// `user appuser:` → appuser.
fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let rest = text[start..].trim_start_matches(['\\']);
    let (open, rest) = match rest.chars().next()? {
        q @ ('"' | '\'') => (Some(q), &rest[1..]),
        _ => (None, rest),
    };
    let word: String = match open {
        Some(q) => rest.chars().take_while(|&c| c != q && c != '\\').collect(),
        None => rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ':' && *c != ',')
            .collect(),
    };
    (!word.is_empty()).then_some(word)
}

/// An instruction on one line, with runs of white space as one space.
fn squeeze(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::compare::report::fit(&one_line, 90)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{facts, syntax};

    fn facts_of(text: &str) -> Facts {
        facts::derive(&syntax::parse(text))
    }

    fn params() -> Params {
        Params {
            requirements: ["flask", "pandas", "matplotlib", "numpy", "gunicorn"]
                .map(String::from)
                .to_vec(),
            ..Params::default()
        }
    }

    const VENV_NO_PATH: &str = "FROM python:3.11-slim AS builder\nRUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nFROM python:3.11-slim\nRUN useradd -m app\nCOPY --from=builder /opt/venv /opt/venv\nCOPY app.py .\nUSER app\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]\n";

    #[test]
    fn quoted_words() {
        assert_eq!(
            quoted_after(r#"exec: "gunicorn": executable file not found"#, "exec: ").as_deref(),
            Some("gunicorn")
        );
        assert_eq!(
            quoted_after(
                "ModuleNotFoundError: No module named 'flask'",
                "No module named "
            )
            .as_deref(),
            Some("flask")
        );
        assert_eq!(
            quoted_after(
                "unable to find user appuser: no matching entries in passwd file",
                "unable to find user "
            )
            .as_deref(),
            Some("appuser")
        );
    }

    #[test]
    fn gunicorn_not_found_with_the_venv_off_path_is_todo_5_path() {
        let e = explain(
            Failure::Start {
                error: r#"OCI runtime create failed: runc create failed: unable to start container process: exec: "gunicorn": executable file not found in $PATH: unknown"#,
                logs: "",
            },
            &facts_of(VENV_NO_PATH),
            &params(),
        );
        assert_eq!(e.todo, Some(5));
        assert!(e.text.contains("/opt/venv/bin"), "{}", e.text);
        assert!(e.text.contains("PATH"), "{}", e.text);
    }

    #[test]
    fn an_uninstalled_server_is_todo_7() {
        let text = VENV_NO_PATH
            .replace(
                "COPY --from=builder /opt/venv /opt/venv\n",
                "COPY --from=builder /opt/venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\n",
            )
            .replace(
                "gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app",
                "uvicorn\", \"app:app",
            );
        let e = explain(
            Failure::Start {
                error: r#"exec: "uvicorn": executable file not found in $PATH"#,
                logs: "",
            },
            &facts_of(&text),
            &params(),
        );
        assert_eq!(e.todo, Some(7), "{}", e.text);
    }

    #[test]
    fn copy_of_a_path_never_created_is_todo_5() {
        let text = "FROM python:3.11-slim AS builder\nRUN pip install --user -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv\n";
        for log in [
            "COPY failed: stat opt/venv: file does not exist",
            "failed to compute cache key: \"/opt/venv\": not found",
        ] {
            let e = explain(
                Failure::Build {
                    log,
                    step: Some("COPY --from=builder /opt/venv /opt/venv"),
                    missing_images: &[],
                    timed_out: false,
                },
                &facts_of(text),
                &params(),
            );
            assert_eq!(e.todo, Some(5), "{log}");
            assert!(e.text.contains("/root/.local"), "{}", e.text);
        }
    }

    #[test]
    fn user_packages_under_root_with_a_non_root_user_is_todo_5() {
        let text = "FROM python:3.11-slim AS b\nRUN pip install --user -r requirements.txt\nFROM python:3.11-slim\nRUN useradd app\nCOPY --from=b /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH\nUSER app\nCMD [\"gunicorn\", \"app:app\"]\n";
        let e = explain(
            Failure::Start {
                error: r#"exec: "gunicorn": executable file not found in $PATH"#,
                logs: "",
            },
            &facts_of(text),
            &params(),
        );
        assert_eq!(e.todo, Some(5));
        assert!(e.text.contains("/root"), "{}", e.text);
        assert!(e.text.contains("home"), "{}", e.text);
    }

    #[test]
    fn module_not_found_on_another_python_is_todo_4_else_5() {
        let other = "FROM python:3.11-slim AS builder\nRUN python -m venv /opt/venv\nFROM python:3.13-slim\nCOPY --from=builder /opt/venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\n";
        let logs =
            "Traceback (most recent call last):\nModuleNotFoundError: No module named 'gunicorn'\n";
        let e = explain(
            Failure::Start { error: "", logs },
            &facts_of(other),
            &params(),
        );
        assert_eq!(e.todo, Some(4));
        assert!(
            e.text.contains("3.11") && e.text.contains("3.13"),
            "{}",
            e.text
        );
        let same = other.replace("3.13", "3.11");
        let e = explain(
            Failure::Start { error: "", logs },
            &facts_of(&same),
            &params(),
        );
        assert_eq!(e.todo, Some(5));
    }

    #[test]
    fn a_missing_base_image_says_how_to_get_it() {
        let missing = vec!["python:3.11-slim".to_string()];
        let e = explain(
            Failure::Build {
                log: "pull access denied for python, repository does not exist or may require 'docker login'",
                step: Some("FROM python:3.11-slim AS builder"),
                missing_images: &missing,
                timed_out: false,
            },
            &facts_of(VENV_NO_PATH),
            &params(),
        );
        assert_eq!(e.todo, None);
        assert!(
            e.text.contains("docker pull python:3.11-slim"),
            "{}",
            e.text
        );
        assert!(e.text.contains("docker load"), "{}", e.text);
    }

    #[test]
    fn unknown_user_root_and_no_answer() {
        let f = facts_of(VENV_NO_PATH);
        let e = explain(
            Failure::Start {
                error: "unable to find user appuser: no matching entries in passwd file",
                logs: "",
            },
            &f,
            &params(),
        );
        assert_eq!(e.todo, Some(6));
        assert_eq!(explain(Failure::Root, &f, &params()).todo, Some(6));
        let e = explain(
            Failure::NoAnswer {
                logs: "[INFO] Listening at: http://127.0.0.1:5000",
                seconds: 30,
            },
            &f,
            &params(),
        );
        assert_eq!(e.todo, Some(7));
        assert!(e.text.contains("0.0.0.0:5000"), "{}", e.text);
    }
}
