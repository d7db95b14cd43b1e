//! `class grade --format html`: one static page with everything inline (styles, no
//! scripts, no fonts or images from anywhere), so it opens from a USB stick in a lab with
//! no network: per-TODO pass-rate bars, where the class is stuck (the rules failed by most
//! students, in the rules' own words), and a row per student.

use std::fmt::Write;

use super::grade::{ClassGrades, Verdict};
use super::span;
use crate::rules;
use crate::text::escape_markup as e;

/// How many rules "where the class is stuck" explains.
const STUCK_SHOWN: usize = 5;

const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d232a; background: #fff; }
h1 { margin-bottom: .2rem; }
.summary { color: #4a5561; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .3rem .5rem; text-align: left; border-bottom: 1px solid #dde3e9; vertical-align: top; }
th { background: #f1f4f7; }
.bars td.bar { width: 45%; }
.track { background: #e6eaee; border-radius: 4px; height: 1.1rem; }
.fill { background: #2f9e5b; border-radius: 4px; height: 1.1rem; }
.rule { border-left: 4px solid #d9822b; padding: .2rem 1rem; margin: 1rem 0; background: #fdf7f1; }
.rule h3 { margin: .4rem 0; }
.pair { display: flex; gap: 1rem; flex-wrap: wrap; }
.pair > div { flex: 1 1 20rem; }
pre { background: #1d232a; color: #e8edf2; padding: .6rem; border-radius: 4px; overflow-x: auto; }
td.pass { background: #dff3e6; color: #1f7a43; text-align: center; font-weight: bold; }
td.fail { background: #fbe3e1; color: #b3261e; text-align: center; font-weight: bold; }
tr.bad td.reason { background: #fff4d6; color: #7a5b00; }
td.num { text-align: right; }
";

pub fn page(g: &ClassGrades) -> String {
    let graded = g.graded().count();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>stagecraft: class report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Class report</h1>\n<p class=\"summary\" id=\"summary\">{}.</p>\n",
        e(&g.summary())
    );

    out.push_str("<section id=\"todos\">\n<h2>Each TODO</h2>\n<table class=\"bars\">\n");
    for ((n, _, title), passed) in g.todos.iter().zip(g.pass_counts()) {
        let pct = (passed * 100).checked_div(graded).unwrap_or(0);
        let _ = writeln!(
            out,
            "<tr class=\"todo\"><th>TODO {n}</th><td>{}</td><td class=\"bar\"><div class=\"track\"><div class=\"fill\" style=\"width:{pct}%\"></div></div></td><td class=\"num\">{passed}/{graded} ({pct}%)</td></tr>",
            e(title)
        );
    }
    out.push_str("</table>\n</section>\n");

    out.push_str("<section id=\"stuck\">\n<h2>Where the class is stuck</h2>\n");
    let stuck = g.stuck();
    if stuck.is_empty() {
        out.push_str("<p>No rule fails for any student.</p>\n");
    }
    for s in stuck.iter().take(STUCK_SHOWN) {
        let todos: Vec<String> = s.todos.iter().map(|t| format!("TODO {t}")).collect();
        let Some(rule) = rules::by_id(&s.rule) else {
            let _ = writeln!(
                out,
                "<article class=\"rule\"><h3>{}: {} of {graded} students</h3></article>",
                e(&s.rule),
                s.students
            );
            continue;
        };
        let _ = writeln!(
            out,
            "<article class=\"rule\" id=\"rule-{id}\">\n<h3>{id} {title}: {n} of {graded} students ({todos})</h3>\n<p>{summary}</p>\n<p><strong>Why it matters ({cost}).</strong> {why}</p>\n<div class=\"pair\"><div><h4>Fails</h4><pre>{example}</pre></div><div><h4>Instead</h4><pre>{instead}</pre></div></div>\n</article>",
            id = e(rule.id),
            title = e(rule.title),
            n = s.students,
            todos = todos.join(", "),
            summary = e(rule.summary),
            cost = e(rule.consequence.phrase()),
            why = e(rule.why),
            example = e(rule.example),
            instead = e(rule.instead),
        );
    }
    out.push_str("</section>\n");

    out.push_str("<section id=\"students\">\n<h2>Students</h2>\n<table id=\"students-table\">\n<thead><tr><th>Student</th>");
    for (n, _, title) in &g.todos {
        let _ = write!(out, "<th title=\"{}\">{n}</th>", e(title));
    }
    out.push_str(
        "<th>Passed</th><th>First failing</th><th>Hints</th><th>Time</th></tr></thead>\n<tbody>\n",
    );
    for s in &g.students {
        let hints = s
            .effort
            .as_ref()
            .map(|x| x.hints.to_string())
            .unwrap_or_default();
        let time = s
            .effort
            .as_ref()
            .map(|x| span(x.seconds))
            .unwrap_or_default();
        match &s.verdict {
            Verdict::Bad(why) => {
                let _ = writeln!(
                    out,
                    "<tr class=\"student bad\"><td title=\"{}\">{}</td><td colspan=\"{}\" class=\"reason\">bad submission: {}</td><td class=\"num\">—</td><td></td><td class=\"num\">{hints}</td><td>{time}</td></tr>",
                    e(&s.file),
                    e(&s.student),
                    g.todos.len(),
                    e(why)
                );
            }
            Verdict::Graded(todos) => {
                let _ = write!(
                    out,
                    "<tr class=\"student\"><td title=\"{}\">{}</td>",
                    e(&s.file),
                    e(&s.student)
                );
                for t in todos {
                    let (class, mark, word) = if t.passed {
                        ("pass", "✓", "passes")
                    } else {
                        ("fail", "✗", "fails")
                    };
                    let why = t
                        .first_failing()
                        .map(|f| format!(": {} {}", f.id, f.message))
                        .unwrap_or_default();
                    let _ = write!(
                        out,
                        "<td class=\"{class}\" title=\"TODO {} {word}{}\">{mark}</td>",
                        t.todo,
                        e(&why)
                    );
                }
                let first = todos
                    .iter()
                    .find_map(|t| t.first_failing().map(|f| (t.todo, f)))
                    .map(|(n, f)| {
                        let at = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                        format!("TODO {n}: {}{at}", e(&f.id))
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<td class=\"num\">{}/{}</td><td>{first}</td><td class=\"num\">{hints}</td><td>{time}</td></tr>",
                    s.passed(),
                    todos.len()
                );
            }
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n</body>\n</html>\n");
    out
}
