//! SC703: the server listens on all interfaces at the exercise's port.

use super::{Outcome, Params, Rule, Severity, sc702};
use crate::facts::Facts;
use crate::shell::{Joiner, ShellCommand};

pub const RULE: Rule = Rule {
    id: "SC703",
    title: "Bind 0.0.0.0 on the app port",
    summary: "Checks that the server binds all interfaces on the exercise's port (`-b 0.0.0.0:5000`).",
    why: "Inside a container, 127.0.0.1 is the container itself: `docker run -p 5000:5000` forwards to an address nothing listens on, and every request is refused. gunicorn's default is 127.0.0.1:8000.",
    example: "CMD [\"gunicorn\", \"app:app\"]",
    instead: "CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:5000\", \"app:app\"]",
    equivalent: None,
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(l) = fin.command_line() else {
        return Outcome::fail(Some(fin.line), "the final stage has no CMD yet");
    };
    let words = fin.command_words();
    let (program, args) = sc702::server_words(&words);
    let cmd = ShellCommand {
        joiner: Joiner::First,
        words: std::iter::once(program.to_string())
            .chain(args.iter().cloned())
            .collect(),
    };
    let want = format!("0.0.0.0:{}", params.port);
    let bind = match program {
        "gunicorn" => cmd
            .option_value(&["-b", "--bind"])
            .map(str::to_string)
            .or_else(|| Some("127.0.0.1:8000".into())),
        "waitress-serve" | "waitress" => cmd
            .option_value(&["--listen"])
            .map(str::to_string)
            .or_else(|| {
                let host = cmd.option_value(&["--host"]).unwrap_or("0.0.0.0");
                Some(format!(
                    "{host}:{}",
                    cmd.option_value(&["--port"]).unwrap_or("8080")
                ))
            }),
        "uwsgi" => cmd
            .option_value(&["--http", "--http-socket"])
            .map(str::to_string),
        _ => None,
    };
    let line = Some(l);
    match bind {
        None => Outcome::fail(
            line,
            format!("line {l}: no production server to bind; it should listen on {want}"),
        ),
        Some(b) if b == want || b == format!("[::]:{}", params.port) => {
            Outcome::pass(line, format!("listens on {b}"))
        }
        Some(b) if b.starts_with("127.") || b.starts_with("localhost") => Outcome::fail(
            line,
            format!(
                "line {l}: {program} listens on {b}, which is unreachable from outside the container; bind {want}"
            ),
        ),
        Some(b) => Outcome::fail(
            line,
            format!("line {l}: {program} listens on {b}; bind {want}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn bind() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"app:app\"]\n",
            "127.0.0.1:8000",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
            "0.0.0.0:8000",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind=0.0.0.0:5000\", \"app:app\"]\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nENTRYPOINT [\"gunicorn\", \"-b\", \"0.0.0.0:5000\"]\nCMD [\"app:app\"]\n",
        );
    }
}
