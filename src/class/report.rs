//! `class grade`'s reports: text for the terminal, CSV and JSON (one row per student),
//! a Markdown table to paste into an LMS, and a self-contained HTML page ([`super::html`]).

use std::fmt::Write;

use serde::Serialize;

use super::grade::{ClassGrades, Effort, Failing, Graded, Stuck, Verdict};
use super::span;
use crate::rules::Consequence;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClassFormat {
    Text,
    Csv,
    Json,
    Md,
    Html,
}

pub fn render(grades: &ClassGrades, format: ClassFormat) -> String {
    match format {
        ClassFormat::Text => text(grades),
        ClassFormat::Csv => csv(grades),
        ClassFormat::Json => json(grades),
        ClassFormat::Md => markdown(grades),
        ClassFormat::Html => super::html::page(grades),
    }
}

/// `45 min`, or empty when the tutorial recorded nothing.
fn time(effort: Option<&Effort>) -> String {
    effort.map(|e| span(e.seconds)).unwrap_or_default()
}

/// The first failing rule of the first failing TODO.
fn first_failing(s: &Graded) -> Option<(u32, &Failing)> {
    s.todos()
        .iter()
        .find_map(|t| t.first_failing().map(|f| (t.todo, f)))
}

/// Cuts `text` to `width` characters, with `…` when cut.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn text(g: &ClassGrades) -> String {
    let mut out = String::new();
    let name_w = g
        .students
        .iter()
        .map(|s| s.student.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 24);
    let heads: String = g.todos.iter().map(|(n, _, _)| format!("{n} ")).collect();
    let _ = writeln!(
        out,
        "{:name_w$}  {heads} pass  hints  time    first failing",
        "student"
    );
    for s in &g.students {
        let name = cut(&s.student, name_w);
        let hints = s
            .effort
            .as_ref()
            .map(|e| e.hints.to_string())
            .unwrap_or_default();
        match &s.verdict {
            Verdict::Bad(why) => {
                let _ = writeln!(
                    out,
                    "{name:name_w$}  {:w$} bad   {hints:>5}  {:6}  {why}",
                    "",
                    time(s.effort.as_ref()),
                    w = heads.len()
                );
            }
            Verdict::Graded(todos) => {
                let cells: String = todos
                    .iter()
                    .map(|t| if t.passed { "✓ " } else { "✗ " })
                    .collect();
                let first = first_failing(s)
                    .map(|(n, f)| {
                        let at = f.line.map(|l| format!(" line {l}")).unwrap_or_default();
                        format!("TODO {n} {}{at}: {}", f.id, cut(&f.message, 60))
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{name:name_w$}  {cells} {}/{}  {hints:>5}  {:6}  {first}",
                    s.passed(),
                    todos.len(),
                    time(s.effort.as_ref())
                );
            }
        }
    }
    let counts = g.pass_counts();
    let graded = g.graded().count();
    let row: String = counts.iter().map(|c| format!("{c} ")).collect();
    let _ = writeln!(out, "{:name_w$}  {row}(of {graded} graded)", "passing");
    let _ = writeln!(out, "\n{}", g.summary());
    let stuck = g.stuck();
    if !stuck.is_empty() {
        let _ = writeln!(out, "\nWhere the class is stuck:");
        for s in stuck.iter().take(5) {
            let title = crate::rules::by_id(&s.rule).map_or("", |r| r.title);
            let _ = writeln!(
                out,
                "  {} {title}: {} of {graded} students",
                s.rule, s.students
            );
        }
    }
    if !g.skipped.is_empty() {
        let _ = writeln!(
            out,
            "\nNot submissions (passed over): {}",
            g.skipped.join(", ")
        );
    }
    out
}

/// A CSV cell that a spreadsheet shows as text: one starting with `=`, `+`, `-`, `@`
/// (a formula) gets a leading `'`. Student names and file names are untrusted.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn csv(g: &ClassGrades) -> String {
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header: Vec<String> = ["student", "file", "status", "reason", "passed", "total"]
        .map(String::from)
        .to_vec();
    for (n, _, _) in &g.todos {
        header.push(format!("todo{n}"));
        header.push(format!("todo{n}_first_failing"));
    }
    header.extend(["hints", "solutions_shown", "minutes"].map(String::from));
    let _ = w.write_record(&header);
    for s in &g.students {
        let mut row: Vec<String> = vec![cell(&s.student), cell(&s.file)];
        match &s.verdict {
            Verdict::Bad(why) => {
                row.extend(["bad".into(), cell(why), String::new(), String::new()]);
                for _ in &g.todos {
                    row.extend([String::new(), String::new()]);
                }
            }
            Verdict::Graded(todos) => {
                row.extend([
                    "graded".into(),
                    String::new(),
                    s.passed().to_string(),
                    todos.len().to_string(),
                ]);
                for t in todos {
                    row.push(if t.passed { "pass" } else { "fail" }.into());
                    row.push(t.first_failing().map(|f| f.id.clone()).unwrap_or_default());
                }
            }
        }
        match &s.effort {
            Some(e) => row.extend([
                e.hints.to_string(),
                e.solutions_shown.to_string(),
                (e.seconds / 60).to_string(),
            ]),
            None => row.extend([String::new(), String::new(), String::new()]),
        }
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[derive(Serialize)]
struct JsonFailing<'a> {
    id: &'a str,
    message: &'a str,
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consequence: Option<Consequence>,
}

#[derive(Serialize)]
struct JsonTodo<'a> {
    todo: u32,
    passed: bool,
    first_failing: Option<JsonFailing<'a>>,
}

#[derive(Serialize)]
struct JsonStudent<'a> {
    student: &'a str,
    file: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    passed: usize,
    total: usize,
    todos: Vec<JsonTodo<'a>>,
    hints: Option<usize>,
    solutions_shown: Option<usize>,
    minutes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    progress_note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonTodoHead<'a> {
    todo: u32,
    id: &'a str,
    title: &'a str,
    passed_by: usize,
}

#[derive(Serialize)]
struct JsonClass<'a> {
    students_total: usize,
    graded: usize,
    bad: usize,
    todos: Vec<JsonTodoHead<'a>>,
    stuck: Vec<Stuck>,
    students: Vec<JsonStudent<'a>>,
    skipped: &'a [String],
}

fn json(g: &ClassGrades) -> String {
    let counts = g.pass_counts();
    let graded = g.graded().count();
    let report = JsonClass {
        students_total: g.students.len(),
        graded,
        bad: g.students.len() - graded,
        todos: g
            .todos
            .iter()
            .zip(&counts)
            .map(|((todo, id, title), c)| JsonTodoHead {
                todo: *todo,
                id,
                title,
                passed_by: *c,
            })
            .collect(),
        stuck: g.stuck(),
        students: g
            .students
            .iter()
            .map(|s| JsonStudent {
                student: &s.student,
                file: &s.file,
                status: if s.bad_reason().is_some() {
                    "bad"
                } else {
                    "graded"
                },
                reason: s.bad_reason(),
                passed: s.passed(),
                total: g.todos.len(),
                todos: s
                    .todos()
                    .iter()
                    .map(|t| JsonTodo {
                        todo: t.todo,
                        passed: t.passed,
                        first_failing: t.first_failing().map(|f| JsonFailing {
                            id: &f.id,
                            message: &f.message,
                            line: f.line,
                            consequence: f.consequence,
                        }),
                    })
                    .collect(),
                hints: s.effort.as_ref().map(|e| e.hints),
                solutions_shown: s.effort.as_ref().map(|e| e.solutions_shown),
                minutes: s.effort.as_ref().map(|e| e.seconds / 60),
                progress_note: s.effort_note.as_deref(),
            })
            .collect(),
        skipped: &g.skipped,
    };
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}

/// Text made safe in a Markdown table cell.
fn md_cell(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' | '*' | '_' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn markdown(g: &ClassGrades) -> String {
    let mut out = String::new();
    let heads: Vec<String> = g
        .todos
        .iter()
        .map(|(n, _, _)| format!("TODO {n}"))
        .collect();
    let _ = writeln!(
        out,
        "| Student | {} | Passed | First failing | Hints | Time |",
        heads.join(" | ")
    );
    let _ = writeln!(
        out,
        "|---|{}---:|---|---:|---:|",
        ":---:|".repeat(g.todos.len())
    );
    for s in &g.students {
        let hints = s
            .effort
            .as_ref()
            .map(|e| e.hints.to_string())
            .unwrap_or_default();
        let (cells, passed, first) = match &s.verdict {
            Verdict::Bad(why) => (
                vec![String::new(); g.todos.len()],
                "—".to_string(),
                format!("bad submission: {}", md_cell(why)),
            ),
            Verdict::Graded(todos) => (
                todos
                    .iter()
                    .map(|t| if t.passed { "✓" } else { "✗" }.to_string())
                    .collect(),
                format!("{}/{}", s.passed(), todos.len()),
                first_failing(s)
                    .map(|(n, f)| format!("TODO {n}: {} {}", f.id, md_cell(&cut(&f.message, 80))))
                    .unwrap_or_default(),
            ),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {passed} | {first} | {hints} | {} |",
            md_cell(&s.student),
            cells.join(" | "),
            time(s.effort.as_ref())
        );
    }
    let counts: Vec<String> = g.pass_counts().iter().map(|c| c.to_string()).collect();
    let _ = writeln!(
        out,
        "| **Passing** | {} | of {} | | | |",
        counts.join(" | "),
        g.graded().count()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_formulas_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("ana"), "ana");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
        assert_eq!(md_cell("<script>"), "&lt;script&gt;");
    }
}
