//! Physical lines → logical instructions: directives, comments, continuations, heredocs.

use super::{Comment, Diagnostic, Parsed, TodoMarker};

/// A heredoc attached to an instruction (`RUN <<EOF … EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    pub body: String,
    pub line: usize,
}

/// One instruction before interpretation: its keyword and its joined argument text.
#[derive(Debug)]
pub struct RawInstruction {
    pub keyword: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub args: String,
    pub heredocs: Vec<Heredoc>,
    /// The file's escape character: a backslash, or a backtick after an escape directive.
    pub escape: char,
}

pub struct Split {
    pub raw: Vec<RawInstruction>,
    pub out: Parsed,
}

pub fn split(lines: &[&str]) -> Split {
    let mut out = Parsed {
        escape: '\\',
        ..Parsed::default()
    };
    let mut raw = Vec::new();
    let mut i = 0;

    // Parser directives are only read before anything else, as BuildKit does.
    while i < lines.len() {
        let Some((key, value)) = directive(lines[i]) else {
            break;
        };
        match key.as_str() {
            "escape" => match value.as_str() {
                "\\" => out.escape = '\\',
                "`" => out.escape = '`',
                other => out.diagnostics.push(Diagnostic::error(
                    i + 1,
                    1,
                    format!("escape directive must be \\ or `, not `{other}`"),
                )),
            },
            _ => out.syntax = Some(value),
        }
        out.comments.push(Comment {
            line: i + 1,
            text: lines[i].trim().to_string(),
        });
        i += 1;
    }

    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if trimmed.starts_with('#') {
            record_comment(&mut out, i + 1, trimmed);
            i += 1;
            continue;
        }

        let start = i;
        let column = line.chars().count() - trimmed.chars().count() + 1;
        let mut text = String::new();
        let mut current = trimmed;
        let mut last = i;
        while let Some(body) = strip_continuation(current, out.escape) {
            text.push_str(body);
            let mut next = last + 1;
            // Comment and blank lines inside a continuation are skipped, as Docker does.
            while next < lines.len() {
                let t = lines[next].trim_start();
                if t.is_empty() {
                    next += 1;
                } else if t.starts_with('#') {
                    record_comment(&mut out, next + 1, t);
                    next += 1;
                } else {
                    break;
                }
            }
            if next >= lines.len() {
                current = "";
                break;
            }
            last = next;
            current = lines[next];
        }
        text.push_str(current);
        let end_line = last + 1;
        i = last + 1;

        let (keyword, args) = match text.find(char::is_whitespace) {
            Some(pos) => (&text[..pos], text[pos..].trim()),
            None => (text.as_str(), ""),
        };
        let keyword = keyword.to_ascii_uppercase();
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delimiter, strip_tabs) in heredoc_markers(args, out.escape) {
                let open_line = end_line;
                let mut body = String::new();
                let mut closed = false;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let cmp = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    if cmp == delimiter {
                        closed = true;
                        break;
                    }
                    body.push_str(if strip_tabs { cmp } else { l });
                    body.push('\n');
                }
                if !closed {
                    out.diagnostics.push(Diagnostic::error(
                        open_line,
                        column,
                        format!("heredoc <<{delimiter} is never closed: add a line `{delimiter}`"),
                    ));
                }
                heredocs.push(Heredoc {
                    delimiter,
                    body,
                    line: open_line + 1,
                });
            }
        }
        raw.push(RawInstruction {
            keyword,
            line: start + 1,
            column,
            end_line: end_line.max(i.min(lines.len())),
            args: args.to_string(),
            heredocs,
            escape: out.escape,
        });
    }
    Split { raw, out }
}

fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim().strip_prefix('#')?;
    let (key, value) = rest.split_once('=')?;
    let key = key.trim().to_ascii_lowercase();
    (key == "syntax" || key == "escape").then(|| (key, value.trim().to_string()))
}

fn record_comment(out: &mut Parsed, line: usize, text: &str) {
    if let Some(todo) = todo_marker(line, text) {
        out.todos.push(todo);
    }
    out.comments.push(Comment {
        line,
        text: text.trim_end().to_string(),
    });
}

/// `# TODO 3: …`, `# todo 3 - …`, `#TODO3:` → TODO 3.
fn todo_marker(line: usize, comment: &str) -> Option<TodoMarker> {
    let rest = comment.trim_start_matches('#').trim_start();
    // `get` rather than `[..4]`: the fourth byte may sit inside a multi-byte character.
    let (word, rest) = (rest.get(..4)?, rest.get(4..)?);
    if !word.eq_ignore_ascii_case("todo") {
        return None;
    }
    let rest = rest.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let number = digits.parse().ok()?;
    let text = rest[digits.len()..]
        .trim_start_matches([':', '-', ' ', '.'])
        .trim()
        .to_string();
    Some(TodoMarker { number, line, text })
}

/// The line without its trailing escape character, if it continues onto the next line:
/// BuildKit's `([^E])E[ \t]*$|^E[ \t]*$`, so an escape after another escape (`\\` at the
/// end) is a literal character, not a continuation.
fn strip_continuation(line: &str, escape: char) -> Option<&str> {
    let t = line.trim_end_matches([' ', '\t']);
    let body = t.strip_suffix(escape)?;
    (!body.ends_with(escape)).then_some(body)
}

/// Heredoc openers in an instruction's arguments, as BuildKit finds them: a word that is
/// `<<NAME` or `<<-NAME` once its quotes are removed (`<<"EOF"`, `2<<EOF`), in shell form;
/// an exec array (`RUN ["sh", "-c", "cat <<EOF"]`) has none, and neither has a word that
/// merely holds `<<` (`"a <<b"`, `<<<here-string`).
fn heredoc_markers(args: &str, escape: char) -> Vec<(String, bool)> {
    if !args.contains("<<") {
        return Vec::new();
    }
    let words = super::words::parse_words(args, escape);
    let first_plain = words
        .iter()
        .find(|w| !w.starts_with("--"))
        .map_or("", String::as_str);
    if first_plain.starts_with('[') {
        return Vec::new();
    }
    words
        .iter()
        .filter_map(|w| {
            let word = super::words::unquote(w, escape).unwrap_or_else(|_| w.clone());
            let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
            let rest = rest.strip_prefix("<<")?;
            let (strip_tabs, name) = match rest.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let name = name.trim();
            (!name.is_empty() && !name.contains('<')).then(|| (name.to_string(), strip_tabs))
        })
        .collect()
}
