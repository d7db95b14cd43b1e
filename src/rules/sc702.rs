//! SC702: the command runs a production WSGI server for the app.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{AppRef, Facts, ServerKind};

pub const RULE: Rule = Rule {
    id: "SC702",
    title: "Production WSGI server",
    summary: "Checks that the command starts a WSGI server the requirements provide (gunicorn here) and tells it which app to serve (`app:app`).",
    why: "`python app.py` and `flask run` start Flask's development server: one request at a time, no worker restarts, and a warning not to use it in production. gunicorn runs several workers and recovers from crashes.",
    example: "CMD [\"python\", \"app.py\"]",
    instead: "CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:5000\", \"app:app\"]",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

/// Whether `package` is installed, as far as the file tells: the pack's requirements list
/// it, or the file installs a project of its own, whose requirements it does not show.
fn installed(facts: &Facts, params: &Params, package: &str) -> bool {
    params
        .requirements
        .iter()
        .any(|r| r.eq_ignore_ascii_case(package))
        || !common::installs_pack_requirements(facts, &params.requirements_file)
}

fn check(facts: &Facts, params: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(cmd) = &fin.command else {
        return common::no_command(fin);
    };
    let line = Some(cmd.line);
    let program = cmd.program.as_str();
    let servers: Vec<&str> = params
        .available_servers()
        .map(|s| s.command.as_str())
        .collect();
    let use_instead = servers.join(" or ");
    let known = params
        .wsgi_servers
        .iter()
        .find(|s| s.command == program || (program == "waitress" && s.command == "waitress-serve"));

    match (cmd.server, known) {
        (Some(ServerKind::Wsgi), Some(server)) if !installed(facts, params, &server.package) => {
            Outcome::fail(
                line,
                format!(
                    "{program} is not installed ({} does not list {}), so the container stops with `executable file not found`; use {use_instead}",
                    params.requirements_file, server.package
                ),
            )
        }
        (Some(ServerKind::Wsgi), _) => match &cmd.app {
            None => Outcome::fail(
                line,
                format!(
                    "{program} is not told which app to serve, so it exits at start-up; add {}",
                    params.app_module
                ),
            ),
            Some(AppRef::Module(m)) => {
                let target = cmd
                    .args
                    .iter()
                    .find(|a| a.split(':').next() == Some(m.as_str()))
                    .cloned()
                    .unwrap_or_else(|| m.clone());
                let (want_module, want_object) = params
                    .app_module
                    .split_once(':')
                    .unwrap_or((params.app_module.as_str(), "app"));
                let object = target.split_once(':').map(|(_, o)| o);
                match object {
                    Some(o) if m == want_module && o != want_object => Outcome::fail(
                        line,
                        format!(
                            "{program} looks for `{o}` in {m}.py, but the app object there is `{want_object}`: it stops with \"Failed to find attribute\"; serve {}",
                            params.app_module
                        ),
                    ),
                    _ => Outcome::pass(line, format!("{program} serves {target}")),
                }
            }
            Some(AppRef::File(f) | AppRef::Script(f)) => {
                Outcome::pass(line, format!("{program} serves {f}"))
            }
        },
        (Some(ServerKind::Asgi), _) => {
            let package = if program == "uvicorn" || program == "hypercorn" || program == "daphne" {
                program
            } else {
                ""
            };
            if !installed(facts, params, package) {
                Outcome::fail(
                    line,
                    format!(
                        "{program} is not installed ({} does not list it), so the container stops with `exec: \"{program}\": executable file not found in $PATH`; use {use_instead}",
                        params.requirements_file
                    ),
                )
            } else {
                Outcome::fail(
                    line,
                    format!(
                        "{program} is an ASGI server and a Flask app speaks WSGI: it cannot call the app, so nothing is served; use {use_instead}"
                    ),
                )
            }
        }
        (Some(ServerKind::Development), _) => Outcome::fail(
            line,
            if program == "flask" {
                format!(
                    "`{}` runs Flask's development server: it serves one request at a time and warns not to be used in production; use {use_instead}",
                    cmd.shown()
                )
            } else {
                format!(
                    "`{}` runs the app with Python itself, so a Flask app serves with its development server: one request at a time, with a warning not to use it in production; use {use_instead}",
                    cmd.shown()
                )
            },
        )
        .because(Consequence::NotProduction),
        (None, _) if program.is_empty() => Outcome::fail(line, "the command is empty, so the container has nothing to run"),
        (None, _) => Outcome::fail(
            line,
            format!(
                "`{program}` is not a WSGI server this exercise installs, so what it serves cannot be told; use {use_instead}"
            ),
        )
        .because(Consequence::NotProduction),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn servers() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD python app.py\n",
            "development server",
            Consequence::NotProduction,
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"flask\", \"run\"]\n",
            "development server",
            Consequence::NotProduction,
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"uvicorn\", \"app:app\"]\n",
            "uvicorn is not installed",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"waitress-serve\", \"app:app\"]\n",
            "not installed",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\"]\n",
            "which app",
            Consequence::WontStart,
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"python\", \"-m\", \"gunicorn\", \"app:app\"]\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nENTRYPOINT [\"gunicorn\"]\nCMD [\"app:app\"]\n",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"app:application\"]\n",
            "Failed to find attribute",
        );
    }

    #[test]
    fn the_message_quotes_the_learners_own_command() {
        let o = assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"python\", \"main.py\"]\n",
            "`python main.py` runs the app with Python itself",
            Consequence::NotProduction,
        );
        assert!(!o.message.contains("app.py"), "{o:?}");
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"python3\", \"-m\", \"orderdesk\"]\n",
            "`python3 -m orderdesk`",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD flask --app web run --host 0.0.0.0\n",
            "`flask --app web run --host 0.0.0.0` runs Flask's development server",
        );
    }

    #[test]
    fn an_installed_asgi_server_cannot_serve_flask() {
        let mut params = Params::default();
        params.requirements.push("uvicorn".into());
        let facts = crate::facts::derive(&crate::syntax::parse(
            "FROM python:3.11-slim\nCMD [\"uvicorn\", \"app:app\", \"--host\", \"0.0.0.0\"]\n",
        ));
        let o = RULE.run(&facts, &params);
        assert!(o.message.contains("ASGI"), "{o:?}");
        assert_eq!(o.consequence, Some(Consequence::WontStart));
    }
}
