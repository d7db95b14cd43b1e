//! `stagecraft check`: grade a Dockerfile against the pack's TODOs.

use std::fmt::Write;

use serde::Serialize;

use super::{EXIT_FAILING, EXIT_OK, Format, Input, autograde};
use crate::grade::Analysis;
use crate::pack::Pack;
use crate::rules::Consequence;
use crate::syntax::{Diagnostic, DiagnosticLevel};

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    passed: bool,
    message: &'a str,
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consequence: Option<Consequence>,
}

#[derive(Serialize)]
struct JsonTodo<'a> {
    todo: u32,
    id: &'a str,
    title: &'a str,
    passed: bool,
    rules: Vec<JsonRule<'a>>,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    file: &'a str,
    passed: usize,
    total: usize,
    todos: Vec<JsonTodo<'a>>,
    diagnostics: Vec<&'a Diagnostic>,
}

/// `check`'s output formats: for people, for programs, and for CI systems and autograders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    /// JUnit XML, one testcase per TODO.
    Junit,
    /// GitHub Actions annotations (`::error file=…,line=…::`).
    Github,
    /// SARIF 2.1.0, one result per failing rule.
    Sarif,
}

impl From<Format> for CheckFormat {
    fn from(f: Format) -> CheckFormat {
        match f {
            Format::Text => CheckFormat::Text,
            Format::Json => CheckFormat::Json,
        }
    }
}

/// Renders the report; returns it with the exit code.
pub fn run(input: &Input, pack: &Pack, format: impl Into<CheckFormat>) -> (String, u8) {
    report(input, pack, format.into(), None)
}

/// Renders the report of TODO `only` (every TODO when None); returns it with the exit code.
pub fn report(input: &Input, pack: &Pack, format: CheckFormat, only: Option<u32>) -> (String, u8) {
    let mut analysis = Analysis::of(&input.text, pack);
    if let Some(n) = only {
        analysis.todos.retain(|t| t.todo == n);
    }
    let diagnostics: Vec<&Diagnostic> =
        input.warning.iter().chain(analysis.diagnostics()).collect();
    let code = if analysis.passed() == analysis.todos.len() {
        EXIT_OK
    } else {
        EXIT_FAILING
    };
    let out = match format {
        CheckFormat::Json => {
            let report = JsonCheck {
                file: &input.name,
                passed: analysis.passed(),
                total: analysis.todos.len(),
                todos: analysis
                    .todos
                    .iter()
                    .map(|t| JsonTodo {
                        todo: t.todo,
                        id: &t.id,
                        title: &t.title,
                        passed: t.passed,
                        rules: t
                            .rules
                            .iter()
                            .map(|r| JsonRule {
                                id: &r.id,
                                passed: r.passed,
                                message: &r.message,
                                line: r.line,
                                consequence: r.consequence,
                            })
                            .collect(),
                    })
                    .collect(),
                diagnostics,
            };
            serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
        }
        CheckFormat::Text => text(input, &analysis, &diagnostics),
        CheckFormat::Junit => autograde::junit(&input.name, &analysis, &diagnostics),
        CheckFormat::Github => autograde::github(&input.name, &analysis, &diagnostics),
        CheckFormat::Sarif => autograde::sarif(&input.name, &analysis, pack),
    };
    (out, code)
}

fn text(input: &Input, analysis: &Analysis, diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::new();
    // Each message is said once: a rule that repeats a diagnostic or an earlier rule points
    // back at it.
    let mut said: Vec<(&str, Option<usize>, String)> = Vec::new();
    for d in diagnostics {
        let level = match d.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "{}:{}:{}: {level}: {}",
            input.name, d.line, d.column, d.message
        );
        said.push((&d.message, Some(d.line), format!("line {}", d.line)));
    }
    for todo in &analysis.todos {
        let mark = if todo.passed { "✓" } else { "✗" };
        let _ = writeln!(out, "{mark} TODO {}  {}", todo.todo, todo.title);
        for (ids, r) in todo.distinct_failures() {
            let ids = ids.join(", ");
            let at = r.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            match said
                .iter()
                .find(|(m, l, _)| *m == r.message && *l == r.line)
            {
                Some((_, _, first)) => {
                    let _ = writeln!(out, "    {ids} (same as {first} above)");
                }
                None => {
                    let _ = writeln!(out, "    {ids} {at}{}", r.said());
                    said.push((&r.message, r.line, ids));
                }
            }
        }
        for r in todo.warnings() {
            let at = r.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            let _ = writeln!(out, "    {} (warning) {at}{}", r.id, r.message);
        }
    }
    let _ = writeln!(
        out,
        "{}: {}/{} TODOs pass",
        input.name,
        analysis.passed(),
        analysis.todos.len()
    );
    crate::text::printable_lines(out)
}
