//! Quick fixes: edits that are mechanical and certain. A rule says what is wrong and on
//! which line; this module finds, in the instruction on that line, the one place to change,
//! using the syntax layer's spans and words, and offers nothing when the text leaves any
//! doubt (a continuation in the way, a quoted word, more places in the text than commands).

use std::sync::LazyLock;

use regex::Regex;

use super::document::LineIndex;
use crate::shell::ShellCommand;
use crate::syntax::{Form, Instruction, Kind};

/// A replacement of the bytes `start..end` of the graded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Replace>,
}

/// The fix for rule `rule` failing at `line` (1-based), if one is certain.
pub fn for_rule(
    text: &str,
    lines: &LineIndex,
    instructions: &[Instruction],
    rule: &str,
    line: usize,
) -> Option<Fix> {
    let at = instructions
        .iter()
        .find(|i| i.span.line <= line && line <= i.span.end_line)?;
    let source = Source::of(text, lines, at);
    match rule {
        "SC102" => name_the_stage(&source, at, instructions),
        "SC303" => add_flag(&source, at, &PIP, is_pip_install, "--no-cache-dir", &[]),
        "SC202" => add_flag(
            &source,
            at,
            &APT,
            is_apt_install,
            "--no-install-recommends",
            &["Install-Recommends"],
        ),
        "SC701" => exec_form(&source, at),
        _ => None,
    }
}

/// The instruction's text as written: from its keyword to the end of its last line.
struct Source<'t> {
    start: usize,
    text: &'t str,
}

impl<'t> Source<'t> {
    fn of(text: &'t str, lines: &LineIndex, at: &Instruction) -> Source<'t> {
        let start = lines.char_offset(text, at.span.line, at.span.column);
        let (_, end) = lines.line_span(text, at.span.end_line.saturating_sub(1));
        let end = end.max(start);
        Source {
            start,
            text: &text[start..end],
        }
    }

    fn single_line(&self, at: &Instruction) -> bool {
        at.span.line == at.span.end_line && !self.text.contains(['\n', '\r'])
    }
}

/// SC102: `AS builder` after the build stage's image, when the FROM line is one line with
/// no name and no stage is called `builder` yet.
fn name_the_stage(source: &Source, at: &Instruction, all: &[Instruction]) -> Option<Fix> {
    let Kind::From {
        alias: None,
        problem: None,
        ..
    } = &at.kind
    else {
        return None;
    };
    let taken = all.iter().any(|i| {
        matches!(&i.kind, Kind::From { alias: Some(a), .. } if a.eq_ignore_ascii_case("builder"))
    });
    if taken || !source.single_line(at) || !at.heredocs.is_empty() {
        return None;
    }
    // `as` in the case the keyword was typed in.
    let lower = source.text.starts_with(|c: char| c.is_ascii_lowercase());
    let end = source.start + source.text.trim_end().len();
    Some(Fix {
        title: "Name the build stage: add `AS builder`".into(),
        edits: vec![Replace {
            start: end,
            end,
            text: if lower { " as builder" } else { " AS builder" }.into(),
        }],
    })
}

static PIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s/;&|(])pip[0-9.]*[ \t]+install\b").expect("a valid pattern")
});
static APT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s/;&|(])apt(?:-get)?[ \t]+install\b").expect("a valid pattern")
});

fn name_is(name: &str, stem: &str) -> bool {
    name.strip_prefix(stem)
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// A pip install, and whether `install` comes right after `pip` (the only shape whose text
/// the pattern finds).
fn is_pip_install(c: &ShellCommand) -> Option<bool> {
    let args = c.args();
    if name_is(c.program_name(), "pip") && args.iter().any(|a| a == "install") {
        return Some(args.first().is_some_and(|a| a == "install"));
    }
    if name_is(c.program_name(), "python") && args.iter().any(|a| a == "pip") {
        return Some(args.len() >= 3 && args[..3] == ["-m", "pip", "install"]);
    }
    None
}

fn is_apt_install(c: &ShellCommand) -> Option<bool> {
    let name = c.program_name();
    let args = c.args();
    ((name == "apt-get" || name == "apt") && args.iter().any(|a| a == "install"))
        .then(|| args.first().is_some_and(|a| a == "install"))
}

/// Adds `flag` right after `install` in every install command of the RUN that lacks it.
/// Certain only when the text shows exactly as many `… install` as the shell layer found
/// install commands, each written the plain way, and none is `uv pip install`.
fn add_flag(
    source: &Source,
    at: &Instruction,
    pattern: &Regex,
    is_install: fn(&ShellCommand) -> Option<bool>,
    flag: &str,
    also_satisfied_by: &[&str],
) -> Option<Fix> {
    let Kind::Run {
        script,
        exec: false,
    } = &at.kind
    else {
        return None;
    };
    if !at.heredocs.is_empty() || script.commands.iter().any(|c| c.program_name() == "uv") {
        return None;
    }
    let mut installs = Vec::new();
    for c in &script.commands {
        match is_install(c) {
            Some(true) => installs.push(c),
            Some(false) => return None,
            None => {}
        }
    }
    let places: Vec<usize> = pattern
        .find_iter(source.text)
        .map(|m| source.start + m.end())
        .collect();
    if places.len() != installs.len() || places.is_empty() {
        return None;
    }
    let edits: Vec<Replace> = places
        .into_iter()
        .zip(installs)
        .filter(|(_, c)| {
            !c.has_flag(&[flag])
                && !c
                    .args()
                    .iter()
                    .any(|a| also_satisfied_by.iter().any(|s| a.contains(s)))
        })
        .map(|(at, _)| Replace {
            start: at,
            end: at,
            text: format!(" {flag}"),
        })
        .collect();
    if edits.is_empty() {
        return None;
    }
    let program = if flag == "--no-cache-dir" {
        "pip install"
    } else {
        "apt-get install"
    };
    Some(Fix {
        title: format!("Add {flag} to {program}"),
        edits,
    })
}

/// SC701: a one-line shell-form CMD or ENTRYPOINT of plain words (no quotes, variables,
/// globs or operators, which exec form would read differently) as a JSON array.
fn exec_form(source: &Source, at: &Instruction) -> Option<Fix> {
    let command = match &at.kind {
        Kind::Cmd(c) | Kind::Entrypoint(c) => c,
        _ => return None,
    };
    if command.form != Form::Shell
        || command.problem.is_some()
        || !at.flags.is_empty()
        || !at.heredocs.is_empty()
        || !source.single_line(at)
    {
        return None;
    }
    let plain =
        |c: char| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c) || c == ' ' || c == '\t';
    let args = at.args.trim();
    if args.is_empty() || !args.chars().all(plain) {
        return None;
    }
    // The arguments as written must be exactly the text after the keyword.
    let keyword_len = at.keyword.len();
    let after = source.text.get(keyword_len..)?;
    if after.trim() != args || !after.starts_with([' ', '\t']) {
        return None;
    }
    let start = source.start + keyword_len + (after.len() - after.trim_start().len());
    let end = source.start + source.text.trim_end().len();
    let words: Vec<String> = args
        .split_whitespace()
        .map(|w| serde_json::Value::from(w).to_string())
        .collect();
    Some(Fix {
        title: format!("Write {} in exec form (a JSON array)", at.keyword),
        edits: vec![Replace {
            start,
            end,
            text: format!("[{}]", words.join(", ")),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax;

    /// The text after the fix for `rule` at `line`, or None when none is offered.
    fn fixed(text: &str, rule: &str, line: usize) -> Option<String> {
        let parsed = syntax::parse(text);
        let lines = LineIndex::newlines(text);
        let fix = for_rule(text, &lines, &parsed.instructions, rule, line)?;
        let mut out = text.to_string();
        for e in fix.edits.iter().rev() {
            out.replace_range(e.start..e.end, &e.text);
        }
        Some(out)
    }

    #[test]
    fn as_builder_goes_after_the_image() {
        assert_eq!(
            fixed("# x\nFROM python:3.11  \nRUN a\n", "SC102", 2).unwrap(),
            "# x\nFROM python:3.11 AS builder  \nRUN a\n"
        );
        assert_eq!(
            fixed("from python:3.11\n", "SC102", 1).unwrap(),
            "from python:3.11 as builder\n"
        );
        // Already named, a name taken, a FROM over two lines: nothing.
        assert_eq!(fixed("FROM python:3.11 AS b\n", "SC102", 1), None);
        assert_eq!(
            fixed("FROM python:3.11\nFROM debian AS builder\n", "SC102", 1),
            None
        );
        assert_eq!(fixed("FROM \\\n python:3.11\n", "SC102", 1), None);
    }

    #[test]
    fn no_cache_dir_goes_after_each_install_that_lacks_it() {
        assert_eq!(
            fixed("FROM p\nRUN pip install flask\n", "SC303", 2).unwrap(),
            "FROM p\nRUN pip install --no-cache-dir flask\n"
        );
        assert_eq!(
            fixed(
                "FROM p\nRUN python -m venv /v && /v/bin/pip3 install -r r.txt \\\n && pip install --no-cache-dir x\n",
                "SC303",
                2
            )
            .unwrap(),
            "FROM p\nRUN python -m venv /v && /v/bin/pip3 install --no-cache-dir -r r.txt \\\n && pip install --no-cache-dir x\n"
        );
        assert_eq!(
            fixed("FROM p\nRUN python3 -m pip install x\n", "SC303", 2).unwrap(),
            "FROM p\nRUN python3 -m pip install --no-cache-dir x\n"
        );
        // Quoted text that reads like an install, uv, an install the pattern cannot place:
        // nothing.
        assert_eq!(
            fixed(
                "FROM p\nRUN echo \"then pip install\" && pip install x\n",
                "SC303",
                2
            ),
            None
        );
        // A quoted word right after its quote is not taken for a command.
        assert_eq!(
            fixed(
                "FROM p\nRUN echo 'pip install' && pip install x\n",
                "SC303",
                2
            )
            .unwrap(),
            "FROM p\nRUN echo 'pip install' && pip install --no-cache-dir x\n"
        );
        assert_eq!(fixed("FROM p\nRUN uv pip install x\n", "SC303", 2), None);
        assert_eq!(
            fixed(
                "FROM p\nRUN pip -q install x && pip install y\n",
                "SC303",
                2
            ),
            None
        );
        assert_eq!(fixed("FROM p\nRUN pip \\\n  install x\n", "SC303", 2), None);
    }

    #[test]
    fn no_install_recommends_goes_after_apt_get_install() {
        assert_eq!(
            fixed(
                "FROM p\nRUN apt-get update && apt-get install -y gcc\n",
                "SC202",
                2
            )
            .unwrap(),
            "FROM p\nRUN apt-get update && apt-get install --no-install-recommends -y gcc\n"
        );
        assert_eq!(
            fixed(
                "FROM p\nRUN apt-get install -y --no-install-recommends gcc\n",
                "SC202",
                2
            ),
            None
        );
    }

    #[test]
    fn shell_form_commands_of_plain_words_become_arrays() {
        assert_eq!(
            fixed("FROM p\nCMD python app.py\n", "SC701", 2).unwrap(),
            "FROM p\nCMD [\"python\", \"app.py\"]\n"
        );
        assert_eq!(
            fixed(
                "FROM p\n  CMD   gunicorn -b 0.0.0.0:5000 app:app  \n",
                "SC701",
                2
            )
            .unwrap(),
            "FROM p\n  CMD   [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]  \n"
        );
        // Variables, operators, quotes: exec form would mean something else.
        for cmd in [
            "CMD gunicorn -b 0.0.0.0:$PORT app:app",
            "CMD cd /app && python app.py",
            "CMD python \"app.py\"",
            "CMD [\"python\", \"app.py\"]",
        ] {
            assert_eq!(
                fixed(&format!("FROM p\n{cmd}\n"), "SC701", 2),
                None,
                "{cmd}"
            );
        }
    }
}
