//! SC703: the server listens on all interfaces at the exercise's port.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{BindSource, Facts, ServerKind};

pub const RULE: Rule = Rule {
    id: "SC703",
    title: "Bind 0.0.0.0 on the app port",
    summary: "Checks that the server binds all interfaces on the exercise's port (`-b 0.0.0.0:5000`, `:5000`, `[::]:5000`, or GUNICORN_CMD_ARGS in ENV), each argument its own array element.",
    why: "Inside a container, 127.0.0.1 is the container itself: `docker run -p 5000:5000` forwards to an address nothing listens on, and every request is refused. gunicorn's default is 127.0.0.1:8000.",
    example: "CMD [\"gunicorn\", \"app:app\"]",
    instead: "CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:5000\", \"app:app\"]",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::Unreachable,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(cmd) = &fin.command else {
        return common::no_command(fin);
    };
    let line = Some(cmd.line);
    let port = params.port;
    let program = cmd.program.as_str();
    if let Some(glued) = &cmd.glued {
        let parts: Vec<&str> = glued.split_whitespace().collect();
        return Outcome::fail(
            line,
            format!(
                "`\"{glued}\"` is one array element, so {program} gets one argument it does not know rather than an option and its value, and stops at start-up; write {}",
                parts
                    .iter()
                    .map(|p| format!("\"{p}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .because(Consequence::WontStart);
    }
    let installed = params.requirements.iter().any(|r| {
        r.eq_ignore_ascii_case(program) || (program == "waitress-serve" && r == "waitress")
    }) || !common::installs_pack_requirements(facts, &params.requirements_file);
    match cmd.server {
        None | Some(ServerKind::Development) if cmd.binds.is_empty() => {
            return Outcome::warn(
                line,
                format!(
                    "where `{}` listens is set in the app's code, not the command",
                    cmd.words.join(" ")
                ),
            );
        }
        Some(ServerKind::Wsgi | ServerKind::Asgi) if !installed && program != "flask" => {
            return Outcome::warn(
                line,
                format!("{program} is not installed, so it listens nowhere (see SC702)"),
            );
        }
        _ => {}
    }
    if cmd.binds.is_empty() {
        let how = if program == "uwsgi" {
            format!(
                "uWSGI is given no --http address, so it serves no HTTP; add \"--http\", \"0.0.0.0:{port}\""
            )
        } else {
            format!(
                "cannot tell where {program} listens (its config file decides); make sure it binds 0.0.0.0:{port}"
            )
        };
        return if program == "uwsgi" {
            Outcome::fail(line, how)
        } else {
            Outcome::warn(line, how)
        };
    }
    if let Some(b) = cmd.binds.iter().find(|b| b.all_interfaces_on(port)) {
        let via = match &b.source {
            BindSource::Environment(var) => format!(" (from {var})"),
            _ => String::new(),
        };
        return Outcome::pass(line, format!("listens on {}{via}", b.address));
    }
    let b = &cmd.binds[0];
    let default = if b.source == BindSource::Default {
        format!(" ({program}'s default)")
    } else {
        String::new()
    };
    if b.loopback() {
        Outcome::fail(
            line,
            format!(
                "{program} listens on {}{default}, which only the container itself can reach, so requests from outside are refused; bind 0.0.0.0:{port}",
                b.address
            ),
        )
    } else {
        Outcome::fail(
            line,
            format!(
                "{program} listens on {}{default}, not on port {port} that the container publishes, so requests to {port} are refused; bind 0.0.0.0:{port}",
                b.address
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Status;
    use crate::rules::testing::*;

    #[test]
    fn bind() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"app:app\"]\n",
            "127.0.0.1:8000 (gunicorn's default)",
            Consequence::Unreachable,
        );
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
            "0.0.0.0:8000",
            Consequence::Unreachable,
        );
        for ok in [
            "CMD [\"gunicorn\", \"--bind=0.0.0.0:5000\", \"app:app\"]",
            "ENTRYPOINT [\"gunicorn\", \"-b\", \"0.0.0.0:5000\"]\nCMD [\"app:app\"]",
            "CMD [\"gunicorn\", \"-b\", \":5000\", \"app:app\"]",
            "CMD [\"gunicorn\", \"-b\", \"[::]:5000\", \"app:app\"]",
            "ENV GUNICORN_CMD_ARGS=\"--bind=0.0.0.0:5000 --workers 2\"\nCMD [\"gunicorn\", \"app:app\"]",
            "CMD [\"gunicorn\", \"-b\", \"127.0.0.1:5000\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]",
        ] {
            assert_passes(&RULE, &format!("FROM python:3.11-slim\n{ok}\n"));
        }
    }

    #[test]
    fn one_element_holding_two_words() {
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind 0.0.0.0:5000\", \"app:app\"]\n",
            "is one array element",
            Consequence::WontStart,
        );
    }

    #[test]
    fn the_development_server_is_not_called_unreachable() {
        for text in ["CMD python app.py", "CMD [\"python\", \"app.py\"]"] {
            let o = run(&RULE, &format!("FROM python:3.11-slim\n{text}\n"));
            assert_eq!(o.status, Status::Warn, "{o:?}");
        }
        assert_fails_as(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"flask\", \"run\"]\n",
            "127.0.0.1:5000",
            Consequence::Unreachable,
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"flask\", \"run\", \"--host\", \"0.0.0.0\"]\n",
        );
        // An ASGI server that is not installed listens nowhere: no claim about reaching it.
        let o = run(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"uvicorn\", \"app:app\"]\n",
        );
        assert_eq!(o.status, Status::Warn, "{o:?}");
    }
}
