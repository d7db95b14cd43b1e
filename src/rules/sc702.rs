//! SC702: the command runs a production WSGI server for the app.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC702",
    title: "Production WSGI server",
    summary: "Checks that the command starts a WSGI server the requirements provide (gunicorn here) and tells it which app to serve (`app:app`).",
    why: "`python app.py` and `flask run` start Flask's development server: one request at a time, no worker restarts, and a warning not to use it in production. gunicorn runs several workers and recovers from crashes.",
    example: "CMD [\"python\", \"app.py\"]",
    instead: "CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:5000\", \"app:app\"]",
    equivalent: None,
    severity: Severity::Error,
    check,
};

/// The server program of a command: `gunicorn`, also when run as `python -m gunicorn`.
pub fn server_words(words: &[String]) -> (&str, &[String]) {
    let Some(first) = words.first() else {
        return ("", &[]);
    };
    let program = common::basename(first);
    if program.starts_with("python")
        && words.get(1).is_some_and(|w| w == "-m")
        && let Some(module) = words.get(2)
    {
        return (module.as_str(), &words[3..]);
    }
    (program, &words[1..])
}

fn check(facts: &Facts, params: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let words = fin.command_words();
    let line = fin.command_line();
    let Some(l) = line else {
        return Outcome::fail(Some(fin.line), "the final stage has no CMD yet");
    };
    let (program, args) = server_words(&words);
    let servers: Vec<&str> = params
        .available_servers()
        .map(|s| s.command.as_str())
        .collect();
    if servers.contains(&program) || (program == "waitress" && servers.contains(&"waitress-serve"))
    {
        return if args
            .iter()
            .any(|a| a == &params.app_module || a.ends_with(&format!("={}", params.app_module)))
        {
            Outcome::pass(line, format!("{program} serves {}", params.app_module))
        } else {
            Outcome::fail(
                line,
                format!(
                    "line {l}: {program} is not told which app to serve; add {}",
                    params.app_module
                ),
            )
        };
    }
    let why = match program {
        p if p.starts_with("python") => "runs Flask's development server".to_string(),
        "flask" => "`flask run` is the development server".to_string(),
        "uvicorn" | "hypercorn" | "daphne" => {
            format!("{program} is an ASGI server; a Flask app needs a WSGI server")
        }
        "" => "the command is empty".to_string(),
        p if params.wsgi_servers.iter().any(|s| s.command == p) => {
            format!("{p} is not in {}", params.requirements_file)
        }
        p => format!("`{p}` is not a WSGI server"),
    };
    Outcome::fail(
        line,
        format!("line {l}: {why}; use {}", servers.join(" or ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn servers() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD python app.py\n",
            "development server",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"flask\", \"run\"]\n",
            "development server",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"uvicorn\", \"app:app\"]\n",
            "ASGI",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"waitress-serve\", \"app:app\"]\n",
            "not in requirements.txt",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\"]\n",
            "which app",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"python\", \"-m\", \"gunicorn\", \"app:app\"]\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nENTRYPOINT [\"gunicorn\"]\nCMD [\"app:app\"]\n",
        );
    }
}
