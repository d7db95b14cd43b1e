//! One logical instruction → its meaning. Flags are read here (the crate mishandles `--link`,
//! `--chmod`, `--from builder` and `RUN --mount`); CMD, ENTRYPOINT, ENV and ARG are then
//! parsed by `dockerfile-parser`, one instruction at a time, so a bad one is one diagnostic,
//! and FROM's image reference by its `ImageRef`. RUN text goes to [`crate::shell`].

use dockerfile_parser::{Dockerfile, ImageRef, Instruction as Parsed, ShellOrExecExpr};

use super::logical::RawInstruction;
use super::{Diagnostic, Instruction, Span};
use crate::shell::{self, Script};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "form", content = "value", rename_all = "lowercase")]
pub enum CommandForm {
    /// `["gunicorn", "-b", "0.0.0.0:5000", "app:app"]`
    Exec(Vec<String>),
    /// `gunicorn -b 0.0.0.0:5000 app:app`, run by `/bin/sh -c`.
    Shell(String),
}

impl CommandForm {
    /// The words the command runs: exec elements, or the shell text split into words.
    pub fn words(&self) -> Vec<String> {
        match self {
            CommandForm::Exec(v) => v.clone(),
            CommandForm::Shell(s) => shlex::split(s)
                .unwrap_or_else(|| s.split_whitespace().map(str::to_string).collect()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    From {
        image: ImageRef,
        image_text: String,
        alias: Option<String>,
    },
    Run {
        script: Script,
        exec: bool,
    },
    Cmd(CommandForm),
    Entrypoint(CommandForm),
    Copy {
        sources: Vec<String>,
        dest: String,
    },
    Env(Vec<(String, String)>),
    Arg(Vec<(String, Option<String>)>),
    Workdir(String),
    User(String),
    Expose(Vec<String>),
    Healthcheck(Option<CommandForm>),
    /// Any other known instruction (LABEL, SHELL, VOLUME, STOPSIGNAL, ONBUILD, MAINTAINER).
    Other,
    /// Half-typed or broken: a diagnostic says why.
    Invalid,
}

const KNOWN: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// Flags that take a value even when written `--flag value` (the rubric treats
/// `--from builder` like `--from=builder`).
const VALUED: &[&str] = &[
    "from",
    "chown",
    "chmod",
    "platform",
    "mount",
    "network",
    "security",
    "exclude",
    "interval",
    "timeout",
    "start-period",
    "start-interval",
    "retries",
    "checksum",
    "keep-git-dir",
];

pub fn interpret(raw: RawInstruction, diagnostics: &mut Vec<Diagnostic>) -> Instruction {
    let span = Span {
        line: raw.line,
        column: raw.column,
        end_line: raw.end_line,
    };
    let args_column = raw.column + raw.keyword.len() + 1;
    let (flags, rest) = split_flags(&raw.args);
    // One broken line gives one diagnostic: a flag without its value says so, and nothing else.
    let flag_error = flags
        .iter()
        .find(|f| VALUED.contains(&f.name.as_str()) && f.value.as_deref().is_none_or(str::is_empty))
        .map(|f| {
            Diagnostic::error(
                raw.line,
                args_column,
                format!(
                    "--{} needs a value{}",
                    f.name,
                    if f.name == "from" {
                        ", e.g. --from=builder"
                    } else {
                        ""
                    }
                ),
            )
        });
    let quiet = flag_error.is_some();
    diagnostics.extend(flag_error);
    let mut error = |message: String| {
        if !quiet {
            diagnostics.push(Diagnostic::error(raw.line, raw.column, message));
        }
    };

    let keyword = raw.keyword.as_str();
    let kind = if !KNOWN.contains(&keyword) {
        let hint = KNOWN
            .iter()
            .find(|k| k.starts_with(keyword) && !keyword.is_empty())
            .map(|k| format!(" (did you mean {k}?)"))
            .unwrap_or_default();
        error(format!("unknown instruction `{}`{hint}", raw.keyword));
        Kind::Invalid
    } else if rest.is_empty() && raw.heredocs.is_empty() && keyword != "HEALTHCHECK" {
        error(format!("{keyword} needs arguments{}", example(keyword)));
        Kind::Invalid
    } else {
        match keyword {
            "FROM" => parse_from(rest, &mut error),
            "RUN" => parse_run(rest, &raw, &mut error),
            "CMD" => parse_command(keyword, rest, &mut error).map_or(Kind::Invalid, Kind::Cmd),
            "ENTRYPOINT" => {
                parse_command(keyword, rest, &mut error).map_or(Kind::Invalid, Kind::Entrypoint)
            }
            "COPY" | "ADD" => parse_copy(keyword, rest, &raw, &mut error),
            "ENV" => parse_env(rest, &mut error),
            "ARG" => parse_arg(rest, &mut error),
            "WORKDIR" => Kind::Workdir(unquote(rest)),
            "USER" => Kind::User(unquote(rest)),
            "EXPOSE" => Kind::Expose(rest.split_whitespace().map(str::to_string).collect()),
            "HEALTHCHECK" => parse_healthcheck(rest, &mut error),
            _ => Kind::Other,
        }
    };
    Instruction {
        keyword: raw.keyword,
        span,
        flags,
        args: raw.args,
        heredocs: raw.heredocs,
        kind,
    }
}

fn example(keyword: &str) -> &'static str {
    match keyword {
        "FROM" => ", e.g. `FROM python:3.11-slim AS builder`",
        "RUN" => ", e.g. `RUN pip install --no-cache-dir -r requirements.txt`",
        "COPY" => ", e.g. `COPY requirements.txt .`",
        "CMD" => r#", e.g. `CMD ["gunicorn", "-b", "0.0.0.0:5000", "app:app"]`"#,
        "USER" => ", e.g. `USER appuser`",
        _ => "",
    }
}

/// Leading `--name=value` / `--name value` flags, and the rest of the text.
fn split_flags(args: &str) -> (Vec<Flag>, &str) {
    let mut flags = Vec::new();
    let mut rest = args.trim_start();
    while let Some(after) = rest.strip_prefix("--") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let token = &after[..end];
        rest = after[end..].trim_start();
        let (name, value) = match token.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.trim_matches('"').to_string())),
            None if VALUED.contains(&token) && !rest.is_empty() && !rest.starts_with("--") => {
                let vend = rest.find(char::is_whitespace).unwrap_or(rest.len());
                let v = rest[..vend].to_string();
                rest = rest[vend..].trim_start();
                (token.to_string(), Some(v))
            }
            None => (token.to_string(), None),
        };
        flags.push(Flag {
            name: name.to_ascii_lowercase(),
            value,
        });
    }
    (flags, rest)
}

fn crate_parse(keyword: &str, rest: &str) -> Result<Parsed, String> {
    let text = format!("{keyword} {rest}\n");
    match Dockerfile::parse(&text) {
        Ok(mut df) if !df.instructions.is_empty() => Ok(df.instructions.remove(0)),
        Ok(_) => Err(format!("{keyword} could not be read")),
        Err(e) => Err(format!(
            "{keyword} could not be read: {}",
            first_line(&e.to_string())
        )),
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

fn parse_from(rest: &str, error: &mut impl FnMut(String)) -> Kind {
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.len() == 2
        || words.len() > 3
        || (words.len() == 3 && !words[1].eq_ignore_ascii_case("as"))
    {
        error(
            "FROM takes an image and optionally `AS name`, e.g. `FROM python:3.11-slim AS builder`"
                .into(),
        );
    }
    // Flags are already split off, so `image [AS name]` is three words at most; the image
    // reference itself is read by the crate's ImageRef. (A full crate parse here cost a
    // seventh of the time per keystroke on large files and told nothing more.)
    Kind::From {
        image: ImageRef::parse(words[0]),
        image_text: words[0].to_string(),
        alias: (words.len() == 3 && words[1].eq_ignore_ascii_case("as"))
            .then(|| words[2].to_string()),
    }
}

fn parse_run(rest: &str, raw: &RawInstruction, error: &mut impl FnMut(String)) -> Kind {
    if let Some(doc) = raw.heredocs.first() {
        // `RUN <<EOF` runs the body as a script; `RUN python3 <<EOF` feeds it to python.
        let command: String = rest
            .split_whitespace()
            .filter(|w| !w.starts_with("<<"))
            .collect::<Vec<_>>()
            .join(" ");
        let script = if command.is_empty()
            || matches!(
                command.as_str(),
                "sh" | "bash" | "/bin/sh" | "/bin/bash" | "sh -e" | "bash -e"
            ) {
            let mut s = shell::parse(&doc.body);
            s.errexit |= command.ends_with("-e");
            s
        } else {
            shell::parse(&command)
        };
        return Kind::Run {
            script,
            exec: false,
        };
    }
    if rest.starts_with('[') {
        return match exec_array(rest) {
            Some(words) => Kind::Run {
                script: exec_script(words),
                exec: true,
            },
            None => {
                error("RUN's JSON array is not valid; check the quotes and commas".into());
                Kind::Invalid
            }
        };
    }
    Kind::Run {
        script: shell::parse(rest),
        exec: false,
    }
}

/// `["sh", "-c", "a && b"]` runs a shell script; other arrays run one program.
fn exec_script(words: Vec<String>) -> Script {
    if words.len() == 3
        && matches!(words[0].as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash")
        && words[1] == "-c"
    {
        shell::parse(&words[2])
    } else {
        Script::from_words(words)
    }
}

fn exec_array(text: &str) -> Option<Vec<String>> {
    serde_json::from_str::<Vec<String>>(text.trim()).ok()
}

fn parse_command(keyword: &str, rest: &str, error: &mut impl FnMut(String)) -> Option<CommandForm> {
    if rest.starts_with('[') {
        // Docker itself runs a broken JSON array as a shell string; say so rather than guess.
        return match exec_array(rest) {
            Some(words) => Some(CommandForm::Exec(words)),
            None => {
                error(format!(
                    "{keyword}'s JSON array is not valid (use double quotes and commas); Docker would run it as a shell string"
                ));
                Some(CommandForm::Shell(rest.to_string()))
            }
        };
    }
    match crate_parse(keyword, rest) {
        Ok(Parsed::Cmd(c)) => Some(form(c.expr)),
        Ok(Parsed::Entrypoint(e)) => Some(form(e.expr)),
        _ => Some(CommandForm::Shell(rest.to_string())),
    }
}

fn form(expr: ShellOrExecExpr) -> CommandForm {
    match expr {
        ShellOrExecExpr::Exec(a) => {
            CommandForm::Exec(a.elements.into_iter().map(|e| e.content).collect())
        }
        ShellOrExecExpr::Shell(s) => CommandForm::Shell(s.to_string().trim().to_string()),
    }
}

fn parse_copy(
    keyword: &str,
    rest: &str,
    raw: &RawInstruction,
    error: &mut impl FnMut(String),
) -> Kind {
    let mut words = if rest.starts_with('[') {
        match exec_array(rest) {
            Some(w) => w,
            None => {
                error(format!(
                    "{keyword}'s JSON array is not valid; check the quotes and commas"
                ));
                return Kind::Invalid;
            }
        }
    } else {
        shlex::split(rest).unwrap_or_else(|| rest.split_whitespace().map(str::to_string).collect())
    };
    // Heredoc sources (`COPY <<EOF /app/x`) are inline files, not context paths.
    words.retain(|w| !w.starts_with("<<"));
    if words.is_empty() || (words.len() < 2 && raw.heredocs.is_empty()) {
        error(format!(
            "{keyword} needs a source and a destination, e.g. `{keyword} app.py .`"
        ));
        return Kind::Invalid;
    }
    let dest = words.pop().unwrap_or_default();
    Kind::Copy {
        sources: words,
        dest,
    }
}

fn parse_env(rest: &str, error: &mut impl FnMut(String)) -> Kind {
    match crate_parse("ENV", rest) {
        Ok(Parsed::Env(env)) => Kind::Env(
            env.vars
                .into_iter()
                .map(|v| {
                    (
                        v.key.content,
                        v.value.to_string().trim_matches('"').to_string(),
                    )
                })
                .collect(),
        ),
        _ => {
            error("ENV needs `NAME=value`, e.g. `ENV PATH=\"/opt/venv/bin:$PATH\"`".into());
            Kind::Invalid
        }
    }
}

fn parse_arg(rest: &str, error: &mut impl FnMut(String)) -> Kind {
    match crate_parse("ARG", rest) {
        Ok(Parsed::Arg(arg)) => Kind::Arg(vec![(arg.name.content, arg.value.map(|v| v.content))]),
        _ => {
            error("ARG needs a name, e.g. `ARG PYTHON_VERSION=3.11`".into());
            Kind::Invalid
        }
    }
}

fn parse_healthcheck(rest: &str, error: &mut impl FnMut(String)) -> Kind {
    if rest.eq_ignore_ascii_case("none") {
        return Kind::Healthcheck(None);
    }
    match rest.get(..3) {
        Some(cmd) if cmd.eq_ignore_ascii_case("cmd") => {
            let command = rest[3..].trim();
            if command.is_empty() {
                error("HEALTHCHECK CMD needs a command, e.g. `HEALTHCHECK CMD curl -f http://localhost:5000/status`".into());
                return Kind::Invalid;
            }
            Kind::Healthcheck(parse_command("HEALTHCHECK", command, error))
        }
        _ => {
            error("HEALTHCHECK needs `CMD <command>` or `NONE`".into());
            Kind::Invalid
        }
    }
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').trim_matches('\'').to_string()
}
