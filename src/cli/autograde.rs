//! `check`'s formats for CI and autograders: JUnit XML (one testcase per TODO), GitHub
//! workflow commands (`::error file=…,line=…::`), and SARIF 2.1.0 (one result per failing
//! rule, the rule's own words as its metadata).

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::grade::{Analysis, RuleVerdict};
use crate::pack::Pack;
use crate::rules::{self, Status};
use crate::syntax::{Diagnostic, DiagnosticLevel};
pub use crate::text::escape_markup;

/// A failing rule as one line: `SC101 line 14: message (the build fails)`; a warning as
/// `SC703 (warning) line 57: message`.
fn rule_line(r: &RuleVerdict) -> String {
    let at = r.line.map(|l| format!(" line {l}")).unwrap_or_default();
    let warning = if r.status == Status::Warn {
        " (warning)"
    } else {
        ""
    };
    format!("{}{warning}{at}: {}", r.id, r.said())
}

/// JUnit XML: a testsuite for the file, a testcase per TODO; a failing TODO's failure
/// carries every failing rule's message. Syntax diagnostics go to `system-out`.
pub fn junit(file: &str, analysis: &Analysis, diagnostics: &[&Diagnostic]) -> String {
    let tests = analysis.todos.len();
    let failures = tests - analysis.passed();
    let e = escape_markup;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"stagecraft\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        e(file)
    );
    for todo in &analysis.todos {
        let name = format!("TODO {}: {}", todo.todo, todo.title);
        let line = todo
            .failing()
            .find_map(|r| r.line)
            .map(|l| format!(" line=\"{l}\""))
            .unwrap_or_default();
        let _ = write!(
            out,
            "    <testcase classname=\"stagecraft.{}\" name=\"{}\" file=\"{}\"{line}",
            e(&todo.id),
            e(&name),
            e(file)
        );
        // Warnings pass the TODO; they go to the testcase's own output, as JUnit readers
        // show it beside a passing or failing case.
        let warnings: Vec<String> = todo.warnings().map(rule_line).collect();
        let warned = if warnings.is_empty() {
            String::new()
        } else {
            format!(
                "\n      <system-out>{}</system-out>",
                e(&warnings.join("\n"))
            )
        };
        if todo.passed {
            if warned.is_empty() {
                out.push_str("/>\n");
            } else {
                let _ = writeln!(out, ">{warned}\n    </testcase>");
            }
            continue;
        }
        let failing: Vec<&RuleVerdict> = todo.failing().collect();
        let first = failing.first().map(|r| rule_line(r)).unwrap_or_default();
        let body: Vec<String> = failing.iter().map(|r| rule_line(r)).collect();
        let _ = writeln!(
            out,
            ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>{warned}\n    </testcase>",
            e(&first),
            e(failing.first().map_or("", |r| r.id.as_str())),
            e(&body.join("\n"))
        );
    }
    if !diagnostics.is_empty() {
        let lines: Vec<String> = diagnostics
            .iter()
            .map(|d| format!("{file}:{}:{}: {}", d.line, d.column, d.message))
            .collect();
        let _ = writeln!(out, "    <system-out>{}</system-out>", e(&lines.join("\n")));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// A workflow command's message: `%`, CR and LF escaped.
fn gh_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn gh_property(text: &str) -> String {
    gh_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: an `::error` annotation per failing rule (on its
/// line) and per syntax error, a `::warning` per rule that passes with a warning, then a
/// `::notice` with the count.
pub fn github(file: &str, analysis: &Analysis, diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::new();
    let f = gh_property(file);
    for d in diagnostics {
        let level = match d.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "::{level} file={f},line={},col={},title={}::{}",
            d.line,
            d.column,
            gh_property("syntax"),
            gh_data(&d.message)
        );
    }
    for todo in &analysis.todos {
        for (ids, r) in todo.distinct_failures() {
            let line = r.line.map(|l| format!(",line={l}")).unwrap_or_default();
            let title = format!("TODO {} {} ({})", todo.todo, todo.title, ids.join(", "));
            let _ = writeln!(
                out,
                "::error file={f}{line},title={}::{}",
                gh_property(&title),
                gh_data(&r.said())
            );
        }
        for r in todo.warnings() {
            let line = r.line.map(|l| format!(",line={l}")).unwrap_or_default();
            let title = format!("TODO {} {} ({})", todo.todo, todo.title, r.id);
            let _ = writeln!(
                out,
                "::warning file={f}{line},title={}::{}",
                gh_property(&title),
                gh_data(&r.message)
            );
        }
    }
    let _ = writeln!(
        out,
        "::notice file={f},title=stagecraft::{}",
        gh_data(&format!(
            "{}/{} TODOs pass",
            analysis.passed(),
            analysis.todos.len()
        ))
    );
    out
}

/// A path as a SARIF `uri` (a URI reference): bytes outside the unreserved set and `/`
/// percent-encoded.
fn uri_reference(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The rule's metadata for SARIF, from its file in `src/rules/`.
fn sarif_rule(id: &str) -> Value {
    let Some(r) = rules::by_id(id) else {
        return json!({ "id": id });
    };
    let level = match r.severity {
        rules::Severity::Error => "error",
        rules::Severity::Info => "note",
    };
    // The same words as `stagecraft explain` and the language server's hover.
    let help = crate::rule_doc::text(r);
    let markdown = crate::rule_doc::markdown(r);
    json!({
        "id": r.id,
        "name": r.title,
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": r.summary },
        "help": { "text": help, "markdown": markdown },
        "defaultConfiguration": { "level": level },
        "properties": {
            "consequence": r.consequence.id(),
            "tags": ["dockerfile", "multi-stage", r.consequence.id()],
        },
    })
}

/// SARIF 2.1.0: the rules the pack grades with as the driver's rules, and one result per
/// failing rule (level `error`) or rule passing with a warning (level `warning`); a rule
/// that fails several TODOs once, naming them all.
pub fn sarif(file: &str, analysis: &Analysis, pack: &Pack) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for lesson in &pack.lessons {
        for id in lesson.rules.iter().chain(&lesson.advice) {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
    }
    // Rule id → (the first failing or warning verdict, the TODOs it is about).
    let mut failing: BTreeMap<&str, (&RuleVerdict, Vec<u32>)> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for todo in &analysis.todos {
        for r in todo.rules.iter().filter(|r| r.status != Status::Pass) {
            let entry = failing.entry(&r.id).or_insert_with(|| {
                order.push(&r.id);
                (r, Vec::new())
            });
            entry.1.push(todo.todo);
        }
    }
    for id in &order {
        if !ids.contains(id) {
            ids.push(id);
        }
    }
    let uri = uri_reference(file);
    let results: Vec<Value> = order
        .iter()
        .map(|id| {
            let (r, todos) = &failing[id];
            let index = ids.iter().position(|i| i == id).unwrap_or(0);
            let mut location = json!({
                "physicalLocation": { "artifactLocation": { "uri": uri } }
            });
            if let Some(line) = r.line.filter(|l| *l >= 1) {
                location["physicalLocation"]["region"] = json!({ "startLine": line });
            }
            let titles: Vec<String> = todos
                .iter()
                .filter_map(|n| analysis.todos.iter().find(|t| t.todo == *n))
                .map(|t| format!("TODO {}: {}", t.todo, t.title))
                .collect();
            let mut properties = json!({ "todos": todos, "todoTitles": titles });
            if let Some(c) = r.consequence {
                properties["consequence"] = json!(c.id());
                properties["consequencePhrase"] = json!(c.phrase());
            }
            let level = if r.status == Status::Warn {
                "warning"
            } else {
                "error"
            };
            json!({
                "ruleId": id,
                "ruleIndex": index,
                "level": level,
                "kind": "fail",
                "message": { "text": r.said() },
                "locations": [location],
                "properties": properties,
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stagecraft",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": ids.iter().map(|id| sarif_rule(id)).collect::<Vec<_>>(),
            }},
            "results": results,
            "properties": {
                "passed": analysis.passed(),
                "total": analysis.todos.len(),
            },
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_stays_valid_xml() {
        assert_eq!(
            escape_markup("<a href=\"x\">&'\u{1b}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\u{FFFD}&lt;/a&gt;"
        );
    }

    #[test]
    fn workflow_commands_cannot_be_broken_out_of() {
        assert_eq!(gh_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(gh_property("a,b:c"), "a%2Cb%3Ac");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_reference("my dir/Dockerfile"), "my%20dir/Dockerfile");
        assert_eq!(uri_reference("<stdin>"), "%3Cstdin%3E");
    }
}
