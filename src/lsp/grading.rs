//! One version of a document → what the server publishes about it: the engine's
//! [`Analysis`] (the same as `check`'s) turned into LSP diagnostics with ranges, the quick
//! fixes for them, and the TODO count.

use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range, TextEdit};

use super::document::LineIndex;
use super::fix;
use crate::grade::{Analysis, RuleVerdict};
use crate::pack::Pack;
use crate::rules::Status;
use crate::syntax::{DiagnosticLevel, Instruction};

pub const SOURCE: &str = "stagecraft";

/// The largest text graded: the limit `check` and the tutorial read files under.
pub const MAX_TEXT_BYTES: usize = crate::pack::files::MAX_FILE_BYTES as usize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Summary {
    Graded {
        passed: usize,
        total: usize,
        /// The first TODO that does not pass.
        next: Option<(u32, String)>,
    },
    TooLarge {
        bytes: usize,
    },
}

impl Summary {
    /// One line for a code lens or a message: `3/7 TODOs pass · next: TODO 4 (…)`.
    pub fn line(&self) -> String {
        match self {
            Summary::Graded {
                passed,
                total,
                next,
            } => match next {
                Some((n, title)) => {
                    format!("stagecraft: {passed}/{total} TODOs pass · next: TODO {n} ({title})")
                }
                None => format!("stagecraft: {passed}/{total} TODOs pass"),
            },
            Summary::TooLarge { bytes } => format!(
                "stagecraft: not graded, the text is {bytes} bytes (the limit is {} = 1 MiB)",
                MAX_TEXT_BYTES
            ),
        }
    }

    pub fn count(&self) -> Option<(usize, usize)> {
        match self {
            Summary::Graded { passed, total, .. } => Some((*passed, *total)),
            Summary::TooLarge { .. } => None,
        }
    }
}

/// A quick fix for the diagnostic at index `diagnostic`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub diagnostic: usize,
    pub title: String,
    pub edits: Vec<TextEdit>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub version: i32,
    pub diagnostics: Vec<Diagnostic>,
    pub fixes: Vec<Fix>,
    pub summary: Summary,
}

/// A failing (or warning) rule of the file, with every TODO it belongs to.
struct Finding<'a> {
    verdict: &'a RuleVerdict,
    todos: Vec<u32>,
}

/// Grades one version of a document's text.
pub fn grade(text: &str, version: i32, pack: &Pack) -> Graded {
    if text.len() > MAX_TEXT_BYTES {
        return too_large(text.len(), version);
    }
    let lsp = LineIndex::lsp(text);
    // A byte-order mark is not part of the Dockerfile (`check` drops it when it reads bytes).
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[base..];
    let lines = LineIndex::newlines(body);
    let (analysis, instructions) = Analysis::with_syntax(body, pack);
    let at = |offset: usize| lsp.position(text, base + offset);
    let place = Place {
        body,
        lines: &lines,
        instructions: &instructions,
    };

    let mut diagnostics = Vec::new();
    for d in analysis.diagnostics() {
        let start = lines.char_offset(body, d.line, d.column);
        let (_, end) = lines.line_span(body, d.line.saturating_sub(1));
        diagnostics.push(Diagnostic {
            range: Range::new(at(start), at(end.max(start))),
            severity: Some(match d.level {
                DiagnosticLevel::Error => DiagnosticSeverity::ERROR,
                DiagnosticLevel::Warning => DiagnosticSeverity::WARNING,
            }),
            source: Some(SOURCE.into()),
            message: d.message.clone(),
            ..Diagnostic::default()
        });
    }

    let mut fixes = Vec::new();
    for finding in findings(&analysis) {
        let r = finding.verdict;
        // A rule with no line points at its TODO's marker comment, or the first line.
        let line = r
            .line
            .or_else(|| {
                analysis
                    .parsed
                    .todos
                    .iter()
                    .find(|m| finding.todos.contains(&m.number))
                    .map(|m| m.line)
            })
            .unwrap_or(1);
        let (start, end) = place.range(line);
        let todos: Vec<String> = finding.todos.iter().map(u32::to_string).collect();
        if r.status == Status::Fail
            && let Some(f) = fix::for_rule(body, &lines, &instructions, &r.id, line)
        {
            fixes.push(Fix {
                diagnostic: diagnostics.len(),
                title: f.title,
                edits: f
                    .edits
                    .into_iter()
                    .map(|e| TextEdit::new(Range::new(at(e.start), at(e.end)), e.text))
                    .collect(),
            });
        }
        diagnostics.push(Diagnostic {
            range: Range::new(at(start), at(end)),
            severity: Some(if r.status == Status::Fail {
                DiagnosticSeverity::ERROR
            } else {
                DiagnosticSeverity::WARNING
            }),
            code: Some(NumberOrString::String(r.id.clone())),
            source: Some(SOURCE.into()),
            message: format!("TODO {} · {}", todos.join(", "), r.said()),
            ..Diagnostic::default()
        });
    }

    let next = analysis
        .todos
        .iter()
        .find(|t| !t.passed)
        .map(|t| (t.todo, t.title.clone()));
    Graded {
        version,
        diagnostics,
        fixes,
        summary: Summary::Graded {
            passed: analysis.passed(),
            total: analysis.todos.len(),
            next,
        },
    }
}

fn too_large(bytes: usize, version: i32) -> Graded {
    let summary = Summary::TooLarge { bytes };
    Graded {
        version,
        diagnostics: vec![Diagnostic {
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            severity: Some(DiagnosticSeverity::WARNING),
            source: Some(SOURCE.into()),
            message: format!(
                "not graded: the text is {bytes} bytes; stagecraft grades Dockerfiles up to 1 MiB, as `check` reads them"
            ),
            ..Diagnostic::default()
        }],
        fixes: Vec::new(),
        summary,
    }
}

/// One finding per rule that fails (or warns), in TODO order, naming every TODO that
/// lists it.
fn findings(analysis: &Analysis) -> Vec<Finding<'_>> {
    let mut out: Vec<Finding> = Vec::new();
    for todo in &analysis.todos {
        for r in todo.rules.iter().filter(|r| r.status != Status::Pass) {
            match out.iter_mut().find(|f| f.verdict.id == r.id) {
                Some(f) => f.todos.push(todo.todo),
                None => out.push(Finding {
                    verdict: r,
                    todos: vec![todo.todo],
                }),
            }
        }
    }
    out
}

/// Byte ranges of the text for a 1-based line the engine named.
struct Place<'a> {
    body: &'a str,
    lines: &'a LineIndex,
    instructions: &'a [Instruction],
}

impl Place<'_> {
    /// The instruction on `line`, from its keyword to the end of its last line; or the
    /// line's own text when no instruction is there.
    fn range(&self, line: usize) -> (usize, usize) {
        let line = line.clamp(1, self.lines.line_count());
        let found = self
            .instructions
            .binary_search_by(|i| {
                if i.span.end_line < line {
                    std::cmp::Ordering::Less
                } else if i.span.line > line {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .ok()
            .map(|k| &self.instructions[k]);
        match found {
            Some(i) => {
                let start = self
                    .lines
                    .char_offset(self.body, i.span.line, i.span.column);
                let (_, end) = self
                    .lines
                    .line_span(self.body, i.span.end_line.saturating_sub(1));
                (start, end.max(start))
            }
            None => {
                let (start, end) = self.lines.line_span(self.body, line - 1);
                let text = &self.body[start..end];
                (start + text.len() - text.trim_start().len(), end)
            }
        }
    }
}
