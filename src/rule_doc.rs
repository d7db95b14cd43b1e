//! A rule's words, rendered: the one source of the explanation that `stagecraft explain`
//! prints, SARIF carries as each rule's help, and the language server shows on hover. The
//! words themselves live in the rule's file (`src/rules/`); nothing here adds any.

use std::fmt::Write;

use crate::pack::Pack;
use crate::rules::Rule;

/// One part of the explanation: a heading and its body; `code` bodies are Dockerfile text.
pub struct Section {
    pub heading: &'static str,
    pub body: &'static str,
    pub code: bool,
}

/// What the rule does, why it matters, a fragment that fails and the one to write instead,
/// in that order (ruff's "What it does / Why is this bad? / Example / Use instead").
pub fn sections(rule: &Rule) -> [Section; 4] {
    [
        Section {
            heading: "What it does",
            body: rule.summary,
            code: false,
        },
        Section {
            heading: "Why it matters",
            body: rule.why,
            code: false,
        },
        Section {
            heading: "Fails",
            body: rule.example,
            code: true,
        },
        Section {
            heading: "Instead",
            body: rule.instead,
            code: true,
        },
    ]
}

/// The explanation as plain text: headings on their own lines, examples indented.
pub fn text(rule: &Rule) -> String {
    let mut out = String::new();
    for (i, s) in sections(rule).iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}:", s.heading);
        for line in s.body.lines() {
            if s.code {
                let _ = writeln!(out, "    {line}");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if let Some(eq) = rule.equivalent {
        let _ = writeln!(out, "\nSee also: {eq}");
    }
    out.truncate(out.trim_end().len());
    out
}

/// The explanation as Markdown: bold headings, examples in `dockerfile` code blocks.
pub fn markdown(rule: &Rule) -> String {
    let mut out = String::new();
    for (i, s) in sections(rule).iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        if s.code {
            let _ = write!(out, "**{}**\n```dockerfile\n{}\n```", s.heading, s.body);
        } else {
            let _ = write!(out, "**{}.** {}", s.heading, s.body);
        }
    }
    if let Some(eq) = rule.equivalent {
        let _ = write!(out, "\n\nSee also: {eq}");
    }
    out
}

/// Where a rule sits in a pack: the TODOs that grade with it, and those it advises.
pub struct Placement {
    pub graded_by: Vec<(u32, String)>,
    pub advises: Vec<(u32, String)>,
}

pub fn placement(rule: &Rule, pack: &Pack) -> Placement {
    let has = |ids: &[String]| ids.iter().any(|id| id.eq_ignore_ascii_case(rule.id));
    let todo = |l: &crate::pack::Lesson| (l.todo, l.title.clone());
    Placement {
        graded_by: pack
            .lessons
            .iter()
            .filter(|l| has(&l.rules))
            .map(todo)
            .collect(),
        advises: pack
            .lessons
            .iter()
            .filter(|l| has(&l.advice))
            .map(todo)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn every_rule_renders_all_its_words_once() {
        for r in rules::ALL {
            let t = text(r);
            let m = markdown(r);
            for words in [r.summary, r.why] {
                assert_eq!(t.matches(words).count(), 1, "{}", r.id);
                assert_eq!(m.matches(words).count(), 1, "{}", r.id);
            }
            for line in r.example.lines().chain(r.instead.lines()) {
                assert!(t.contains(&format!("    {line}")), "{}: {line}", r.id);
                assert!(m.contains(line), "{}: {line}", r.id);
            }
            assert_eq!(m.matches("```").count(), 4, "{}", r.id);
        }
    }
}
