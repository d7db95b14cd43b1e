//! Dockerfile text → instructions with spans.
//!
//! `dockerfile-parser` rejects a whole file for one bad line, drops comments and knows no
//! heredocs, so this layer splits the text into logical instructions itself (continuations,
//! comment lines inside them, heredocs, directives, CRLF) and hands each instruction to the
//! crate on its own. A half-typed line becomes one diagnostic; every other instruction is
//! still parsed.

mod instruction;
mod logical;
mod words;

pub use instruction::{Command, ExecProblem, Flag, Form, KNOWN, Kind};
pub use logical::Heredoc;

use crate::shell::Script;

/// A position in the source: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// Upper-cased keyword (`FROM`, `RUN`, …) as typed, whatever its case.
    pub keyword: String,
    pub span: Span,
    pub flags: Vec<Flag>,
    /// The arguments with continuations and interleaved comment lines removed.
    pub args: String,
    pub heredocs: Vec<Heredoc>,
    pub kind: Kind,
}

impl Instruction {
    /// The keyword as a static string (`?` for one Docker does not know), so facts that
    /// list keywords allocate nothing per instruction.
    pub fn known_keyword(&self) -> &'static str {
        KNOWN
            .iter()
            .find(|k| **k == self.keyword)
            .copied()
            .unwrap_or("?")
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// The shell script a RUN executes, if this is a RUN.
    pub fn script(&self) -> Option<&Script> {
        match &self.kind {
            Kind::Run { script, .. } => Some(script),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub line: usize,
    pub text: String,
}

/// A `# TODO n: …` comment of the exercise; lessons point at these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodoMarker {
    pub number: u32,
    pub line: usize,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip)]
    pub level: DiagnosticLevel,
}

impl Diagnostic {
    pub fn error(line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            column,
            message: message.into(),
            level: DiagnosticLevel::Error,
        }
    }
    pub fn warning(line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            column,
            message: message.into(),
            level: DiagnosticLevel::Warning,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub instructions: Vec<Instruction>,
    pub comments: Vec<Comment>,
    pub todos: Vec<TodoMarker>,
    pub diagnostics: Vec<Diagnostic>,
    /// The `# syntax=` directive, if any.
    pub syntax: Option<String>,
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
}

/// Decodes file bytes. Text that is not UTF-8 is read lossily with a warning that names the
/// first bad line, so a learner sees their file rather than an error screen.
pub fn decode(bytes: &[u8]) -> (String, Option<Diagnostic>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(Diagnostic::warning(
                    line,
                    column,
                    "the file is not valid UTF-8; unreadable bytes were replaced with �",
                )),
            )
        }
    }
}

/// Parses Dockerfile text. Never fails: problems become diagnostics.
pub fn parse(text: &str) -> Parsed {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut parsed = logical::split(&lines);
    let mut instructions = Vec::with_capacity(parsed.raw.len());
    for raw in parsed.raw.drain(..) {
        instructions.push(instruction::interpret(raw, &mut parsed.out.diagnostics));
    }
    parsed.out.instructions = instructions;
    parsed.out.diagnostics.sort_by_key(|d| (d.line, d.column));
    parsed.out
}

#[cfg(test)]
mod tests;
