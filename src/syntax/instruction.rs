//! One logical instruction → its meaning. Flags are read here (the crate mishandles `--link`,
//! `--chmod`, `--from builder` and `RUN --mount`); ENV, ARG, COPY and ADD words as BuildKit
//! reads them ([`super::words`]: `dockerfile-parser` refused valid ENV and ARG lines, such
//! as `ARG X=` and `ENV A="$P"gcc`), exec arrays as JSON, and FROM's image reference by
//! `dockerfile-parser`'s `ImageRef`. RUN text goes to [`crate::shell`]. One bad instruction
//! is one diagnostic.

use dockerfile_parser::ImageRef;
#[cfg(test)]
use dockerfile_parser::{Dockerfile, Instruction as Parsed};

use super::logical::RawInstruction;
use super::words;
use super::{Diagnostic, Instruction, Span};
use crate::shell::{self, Script};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
}

/// How Docker runs a CMD, ENTRYPOINT or HEALTHCHECK command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// `["gunicorn", "-b", "0.0.0.0:5000", "app:app"]`: run directly, as PID 1.
    Exec,
    /// `gunicorn -b 0.0.0.0:5000 app:app`: run by `/bin/sh -c`.
    Shell,
}

/// Why text that was meant as an exec array is not one (Docker then runs it as a shell
/// string, which fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExecProblem {
    /// `['gunicorn', 'app:app']`
    SingleQuotes,
    /// `["gunicorn", "app:app"] # serve it`
    TrailingComment,
    /// Anything else JSON cannot read (a missing comma or bracket).
    Invalid,
    /// `["sleep", 5]`: JSON, but not every element a string (Docker refuses the line).
    NotStrings,
}

impl ExecProblem {
    pub fn describe(self) -> &'static str {
        match self {
            ExecProblem::SingleQuotes => {
                "a JSON array needs double quotes: write [\"gunicorn\", …], not ['gunicorn', …]"
            }
            ExecProblem::TrailingComment => {
                "a comment must be on its own line: put the `# …` above the instruction"
            }
            ExecProblem::Invalid => {
                "the JSON array is not valid: check the quotes, commas and brackets"
            }
            ExecProblem::NotStrings => {
                "every element of the JSON array must be a string: quote each one"
            }
        }
    }
}

/// A command as Docker will run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub form: Form,
    /// The program and its arguments: the exec elements, or the words of the main (last)
    /// command of the shell text. For an array Docker cannot read, the words it was meant
    /// to have, so later checks judge the intent and the problem is reported once.
    pub words: Vec<String>,
    /// The shell text's commands, for shell form.
    pub script: Option<Script>,
    pub problem: Option<ExecProblem>,
}

impl Command {
    fn exec(words: Vec<String>) -> Self {
        Command {
            form: Form::Exec,
            words,
            script: None,
            problem: None,
        }
    }

    fn shell(text: &str) -> Self {
        let script = shell::parse(text);
        let words = script
            .commands
            .last()
            .map(|c| c.words.clone())
            .unwrap_or_default();
        Command {
            form: Form::Shell,
            words,
            script: Some(script),
            problem: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    From {
        image: ImageRef,
        image_text: String,
        alias: Option<String>,
        /// Why the line is malformed (Docker refuses it), and how to write it.
        problem: Option<String>,
    },
    Run {
        script: Script,
        exec: bool,
    },
    Cmd(Command),
    Entrypoint(Command),
    Copy {
        sources: Vec<String>,
        dest: String,
    },
    Env(Vec<(String, String)>),
    Arg(Vec<(String, Option<String>)>),
    Workdir(String),
    User(String),
    Expose(Vec<String>),
    Healthcheck(Option<Command>),
    /// Any other known instruction (LABEL, SHELL, VOLUME, STOPSIGNAL, ONBUILD, MAINTAINER).
    Other,
    /// Half-typed or broken: a diagnostic says why.
    Invalid,
}

/// Every instruction Docker knows.
pub const KNOWN: &[&str] = &[
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
            "CMD" => Kind::Cmd(parse_command(keyword, rest, &mut error)),
            "ENTRYPOINT" => Kind::Entrypoint(parse_command(keyword, rest, &mut error)),
            "COPY" | "ADD" => parse_copy(keyword, rest, &raw, &mut error),
            "ENV" => parse_env(rest, raw.escape, &mut error),
            "ARG" => parse_arg(rest, raw.escape, &mut error),
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

#[cfg(test)]
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

#[cfg(test)]
fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

fn parse_from(rest: &str, error: &mut impl FnMut(String)) -> Kind {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let is_as = |w: &str| w.eq_ignore_ascii_case("as");
    // `FROM image AS name` is one or three words; anything else is refused by Docker ("FROM
    // requires either one or three arguments"). The intended image and name are kept so the
    // checks that read this line can say what is wrong with it rather than that it is missing.
    let glued_as = |w: &str| {
        w.len() > 2 && w.get(w.len() - 2..).is_some_and(is_as) && w.get(..w.len() - 2).is_some()
    };
    let (image, alias, problem) = match words.as_slice() {
        [image] => (*image, None, None),
        [image, kw, name] if is_as(kw) => (*image, Some(*name), None),
        [glued, name] if glued_as(glued) => {
            let image = glued.get(..glued.len() - 2).unwrap_or(glued);
            (
                image,
                Some(*name),
                Some(format!(
                    "the FROM line is malformed: put a space before AS, e.g. `FROM {image} AS {name}`"
                )),
            )
        }
        [image, kw] if is_as(kw) => (
            *image,
            None,
            Some(format!(
                "the FROM line is malformed: AS needs a stage name after it, e.g. `FROM {image} AS builder`"
            )),
        ),
        [image, name] => (
            *image,
            Some(*name),
            Some(format!(
                "the FROM line is malformed: the stage name needs AS before it, e.g. `FROM {image} AS {name}`"
            )),
        ),
        [image, ..] => (
            *image,
            None,
            Some(
                "the FROM line is malformed: FROM takes an image and optionally `AS name`, e.g. `FROM python:3.11-slim AS builder`"
                    .to_string(),
            ),
        ),
        [] => ("", None, None),
    };
    let problem = problem.or_else(|| {
        let name = alias?;
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        (!valid).then(|| {
            format!(
                "the stage name `{name}` is invalid: Docker wants a letter first, then letters, digits, `-`, `_` or `.`"
            )
        })
    });
    let problem = problem.or_else(|| {
        let repository = image.split(['@', ':']).next().unwrap_or(image);
        (!repository.contains('$') && repository.chars().any(|c| c.is_ascii_uppercase())).then(|| {
            format!(
                "the image name `{image}` has capital letters, which Docker refuses (\"repository name must be lowercase\"); write `{}`",
                image.to_ascii_lowercase()
            )
        })
    });
    if let Some(p) = &problem {
        error(p.clone());
    }
    // The image reference itself is read by the crate's ImageRef. (A full crate parse here
    // cost a seventh of the time per keystroke on large files and told nothing more.)
    Kind::From {
        image: ImageRef::parse(image),
        image_text: image.to_string(),
        alias: alias.map(str::to_string),
        problem,
    }
}

fn parse_run(rest: &str, raw: &RawInstruction, error: &mut impl FnMut(String)) -> Kind {
    if let Some(doc) = raw.heredocs.first() {
        // `RUN <<EOF` runs the body as a script; `RUN python3 <<EOF` feeds it to python.
        let command: Vec<String> = shell::words(rest)
            .into_iter()
            .filter(|w| !w.starts_with("<<"))
            .collect();
        let shell_program = matches!(
            command.first().map(String::as_str),
            None | Some("sh" | "bash" | "/bin/sh" | "/bin/bash")
        );
        let script = if shell_program {
            let mut s = shell::parse(&doc.body);
            s.errexit |= command.iter().skip(1).any(|w| w == "-e" || w == "-ex");
            s
        } else {
            Script::from_words(command)
        };
        return Kind::Run {
            script,
            exec: false,
        };
    }
    if let Some(array) = exec_array(rest) {
        let words = match array {
            Ok(words) => words,
            Err((problem, words)) => {
                error(format!("RUN: {}", problem.describe()));
                words
            }
        };
        return Kind::Run {
            script: exec_script(words),
            exec: true,
        };
    }
    Kind::Run {
        script: shell::parse(rest),
        exec: false,
    }
}

/// `["sh", "-c", "a && b"]` runs a shell script; other arrays run one program.
fn exec_script(words: Vec<String>) -> Script {
    match words.as_slice() {
        [sh, c, script]
            if matches!(sh.as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash") && c == "-c" =>
        {
            shell::parse(script)
        }
        _ => Script::from_words(words),
    }
}

/// An exec array's words, or why Docker cannot read it with the words it was meant to have.
type ArrayRead = Result<Vec<String>, (ExecProblem, Vec<String>)>;

/// Reads a JSON array of strings as Docker does; `None` when the text is shell text (which
/// may start with `[`: `[ "$X" = "true" ] && …` is a test command). Text meant as an array
/// that JSON cannot read is run by Docker as a shell string, which is not what was meant:
/// it says why, and gives the words it was meant to have (single quotes read as quotes, a
/// trailing comment dropped).
fn exec_array(text: &str) -> Option<ArrayRead> {
    let text = text.trim();
    if !text.starts_with('[') {
        return None;
    }
    if let Ok(words) = serde_json::from_str::<Vec<String>>(text) {
        return Some(Ok(words));
    }
    if let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(text) {
        let words = values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect();
        return Some(Err((ExecProblem::NotStrings, words)));
    }
    if !meant_as_array(text) {
        return None;
    }
    let (words, rest, single) = lenient_array(text);
    let problem = if rest.trim_start().starts_with('#') {
        ExecProblem::TrailingComment
    } else if single {
        ExecProblem::SingleQuotes
    } else {
        ExecProblem::Invalid
    };
    Some(Err((problem, words)))
}

/// Whether text starting with `[` was meant as an exec array: between the brackets only
/// quoted strings, commas and spaces (a closing bracket missing, or a comment after it, are
/// the mistakes it is read for). A shell test (`[ -f x ]`, `[ "$X" = "true" ] && …`) has bare
/// words or text after its bracket.
fn meant_as_array(text: &str) -> bool {
    let mut chars = text.chars().skip(1);
    let mut strings = 0;
    while let Some(c) = chars.next() {
        match c {
            ']' => {
                let rest: String = chars.collect();
                let rest = rest.trim_start();
                return rest.is_empty() || rest.starts_with('#');
            }
            '"' | '\'' => {
                strings += 1;
                while let Some(ch) = chars.next() {
                    if ch == '\\' {
                        chars.next();
                    } else if ch == c {
                        break;
                    }
                }
            }
            ',' => {}
            c if c.is_whitespace() => {}
            _ => return false,
        }
    }
    strings > 0
}

/// `['a', "b"] rest` → (["a", "b"], " rest", used single quotes). Never fails: a half-typed
/// array gives the words typed so far.
fn lenient_array(text: &str) -> (Vec<String>, &str, bool) {
    let mut words = Vec::new();
    let mut single = false;
    let mut chars = text.char_indices().skip(1);
    let mut rest_at = text.len();
    while let Some((i, c)) = chars.next() {
        match c {
            ']' => {
                rest_at = i + 1;
                break;
            }
            '"' | '\'' => {
                single |= c == '\'';
                let mut word = String::new();
                while let Some((_, ch)) = chars.next() {
                    match ch {
                        '\\' => {
                            if let Some((_, n)) = chars.next() {
                                word.push(n);
                            }
                        }
                        q if q == c => break,
                        other => word.push(other),
                    }
                }
                words.push(word);
            }
            _ => {}
        }
    }
    (words, text.get(rest_at..).unwrap_or(""), single)
}

fn parse_command(keyword: &str, rest: &str, error: &mut impl FnMut(String)) -> Command {
    if let Some(array) = exec_array(rest) {
        return match array {
            Ok(words) => Command::exec(words),
            Err((problem, words)) => {
                // Docker runs an array it cannot read as a shell string: `/bin/sh -c "['a']"`.
                error(format!("{keyword}: {}", problem.describe()));
                Command {
                    form: Form::Shell,
                    words,
                    script: None,
                    problem: Some(problem),
                }
            }
        };
    }
    Command::shell(rest)
}

fn parse_copy(
    keyword: &str,
    rest: &str,
    raw: &RawInstruction,
    error: &mut impl FnMut(String),
) -> Kind {
    let mut words = match exec_array(rest) {
        Some(Ok(w)) => w,
        Some(Err((problem, _))) => {
            error(format!("{keyword}: {}", problem.describe()));
            return Kind::Invalid;
        }
        // Whitespace-separated, each word unquoted, as BuildKit reads them: a path with
        // spaces needs the JSON form, and a backslash is literal under `# escape=\``.
        None => rest
            .split_whitespace()
            .map(|w| words::unquote(w, raw.escape).unwrap_or_else(|_| w.to_string()))
            .collect(),
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

/// `NAME=value` pairs with nothing to unquote or unescape (`A=1 PATH=/x/bin:$PATH`), the
/// way most ENV and ARG lines are written: split by hand, which is what dockerfile-parser
/// gives for them (a test holds the two together), at a fraction of its cost; anything
/// else goes to the crate.
fn plain_pairs(rest: &str) -> Option<Vec<(String, String)>> {
    let name_ok = |n: &str| {
        n.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic()) // as the crate's ARG names: `_X` goes to it
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let value_ok = |v: &str| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_./:,@%+-=$".contains(c))
    };
    rest.split_ascii_whitespace()
        .map(|pair| {
            let (name, value) = pair.split_once('=')?;
            (name_ok(name) && value_ok(value)).then(|| (name.to_string(), value.to_string()))
        })
        .collect::<Option<Vec<_>>>()
        .filter(|pairs| !pairs.is_empty())
}

/// An ENV line's pairs as dockerfile-parser reads them (held beside [`plain_pairs`] by a
/// test).
#[cfg(test)]
fn env_pairs_by_the_crate(rest: &str) -> Option<Vec<(String, String)>> {
    match crate_parse("ENV", rest) {
        Ok(Parsed::Env(env)) => Some(
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
        _ => None,
    }
}

/// ENV as BuildKit reads it: `NAME=value` pairs or the old `NAME value`, values unquoted.
fn parse_env(rest: &str, escape: char, error: &mut impl FnMut(String)) -> Kind {
    let pairs = match plain_pairs(rest) {
        Some(pairs) => Ok(pairs),
        None => words::env_pairs(rest, escape),
    };
    match pairs {
        Ok(pairs) => Kind::Env(pairs),
        Err(why) => {
            error(format!("ENV: {why}"));
            Kind::Invalid
        }
    }
}

/// ARG as BuildKit reads it: names, with or without a (possibly empty) default.
fn parse_arg(rest: &str, escape: char, error: &mut impl FnMut(String)) -> Kind {
    if let Some(pairs) = plain_pairs(rest).filter(|p| p.len() == 1) {
        return Kind::Arg(pairs.into_iter().map(|(k, v)| (k, Some(v))).collect());
    }
    match words::arg_pairs(rest, escape) {
        Ok(pairs) => Kind::Arg(pairs),
        Err(why) => {
            error(format!("ARG: {why}"));
            Kind::Invalid
        }
    }
}

fn parse_healthcheck(rest: &str, error: &mut impl FnMut(String)) -> Kind {
    if rest.eq_ignore_ascii_case("none") {
        return Kind::Healthcheck(None);
    }
    match rest.get(..3).zip(rest.get(3..)) {
        Some((cmd, tail)) if cmd.eq_ignore_ascii_case("cmd") => {
            let command = tail.trim();
            if command.is_empty() {
                error("HEALTHCHECK CMD needs a command, e.g. `HEALTHCHECK CMD curl -f http://localhost:5000/status`".into());
                return Kind::Invalid;
            }
            Kind::Healthcheck(Some(parse_command("HEALTHCHECK", command, error)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use env_pairs_by_the_crate as by_the_crate;

    #[test]
    fn plain_pairs_are_what_the_crate_reads() {
        for rest in [
            "A=1",
            "PATH=/opt/venv/bin:$PATH",
            "A=1 B=2",
            "PYTHONDONTWRITEBYTECODE=1   PIP_NO_CACHE_DIR=off",
            "URL=https://example.com/x?y",
            "X=a=b",
            "V=$HOME/.local",
        ] {
            if let Some(plain) = plain_pairs(rest) {
                assert_eq!(Some(plain), by_the_crate(rest), "{rest}");
            }
        }
        // ARG reads a single pair the same way.
        for rest in ["PY=3.11", "BASE=python:3.11-slim@sha256:abc", "V=$X-y"] {
            let plain = plain_pairs(rest).unwrap();
            let Ok(Parsed::Arg(arg)) = crate_parse("ARG", rest) else {
                panic!("{rest}");
            };
            assert_eq!(
                plain,
                vec![(arg.name.content, arg.value.map(|v| v.content).unwrap())]
            );
        }
        // Quotes, escapes, braces, spaces and the old `ENV NAME value` form go to the crate.
        for rest in [
            "A=\"x y\"",
            "A=x\\ y",
            "A=${B}",
            "A b",
            "A=",
            "1A=x",
            "_A=x",
        ] {
            assert_eq!(plain_pairs(rest), None, "{rest}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn plain_pairs_never_differ_from_the_crate(
            pairs in proptest::collection::vec(
                ("[A-Za-z][A-Za-z0-9_]{0,6}", "[A-Za-z0-9_./:,@%+=$-]{1,10}"),
                1..4,
            ),
            gaps in proptest::collection::vec(" {1,3}", 4),
        ) {
            let rest: String = pairs
                .iter()
                .zip(&gaps)
                .map(|((k, v), g)| format!("{k}={v}{g}"))
                .collect::<String>()
                .trim_end()
                .to_string();
            if let Some(plain) = plain_pairs(&rest) {
                prop_assert_eq!(Some(plain), by_the_crate(&rest), "{}", rest);
            }
        }
    }
}
