//! `stagecraft explain RULE` (the `rustc --explain` model) and `stagecraft explain --list`:
//! a rule's words from its file, laid out by [`crate::rule_doc`], which SARIF's help and the
//! language server's hover share.

use std::fmt::Write;

use super::{EXIT_OK, Output};
use crate::pack::Pack;
use crate::rule_doc::{self, Placement};
use crate::rules::{self, Rule};

/// Prose is wrapped to this width; examples are printed as written.
const WIDTH: usize = 80;

/// `explain ID`: the rule's title, TODO, consequence and explanation; exit 2 naming the
/// closest ids when there is no such rule.
pub fn run(id: &str, pack: &Pack) -> Output {
    match rules::by_id(id.trim()) {
        Some(rule) => Output::out(explain(rule, pack), EXIT_OK),
        None => Output::error(format!(
            "no rule {:?}; the closest: {} (`stagecraft explain --list` lists every rule)",
            crate::text::printable(id),
            closest(id).join(", ")
        )),
    }
}

/// The ids nearest to `id` by edit distance, nearest first (three at most).
pub fn closest(id: &str) -> Vec<&'static str> {
    let wanted = id.trim().to_ascii_uppercase();
    let mut scored: Vec<(usize, &'static str)> = rules::ALL
        .iter()
        .map(|r| (strsim::levenshtein(&wanted, r.id), r.id))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

fn wrapped(out: &mut String, text: &str, indent: &str) {
    // Lines break at spaces only: `python3-debian12` and long paths stay whole.
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(indent)
        .subsequent_indent(indent)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    for line in textwrap::wrap(text, options) {
        let _ = writeln!(out, "{line}");
    }
}

fn todos(list: &[(u32, String)]) -> String {
    list.iter()
        .map(|(n, title)| format!("TODO {n} ({title})"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn explain(rule: &Rule, pack: &Pack) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", rule.id, rule.title);
    let Placement { graded_by, advises } = rule_doc::placement(rule, pack);
    let place = if !graded_by.is_empty() {
        format!("{} passes only when it passes.", todos(&graded_by))
    } else if !advises.is_empty() {
        format!("Advice in {}: shown, never fails it.", todos(&advises))
    } else if rules::BEST_PRACTICES.contains(&rule.id) {
        "One of `stagecraft analyze`'s best-practice checks; no TODO grades it.".to_string()
    } else {
        "No TODO of this pack grades it.".to_string()
    };
    let _ = writeln!(out, "{place}");
    let _ = writeln!(
        out,
        "What failing it does: {} (`{}`); a file can earn another, which `check` names.",
        rule.consequence.phrase(),
        rule.consequence.id()
    );
    for s in rule_doc::sections(rule) {
        let _ = writeln!(out, "\n{}:", s.heading);
        if s.code {
            for line in s.body.lines() {
                let _ = writeln!(out, "    {line}");
            }
        } else {
            wrapped(&mut out, s.body, "");
        }
    }
    if let Some(eq) = rule.equivalent {
        let _ = writeln!(out, "\nSee also: {eq} (hadolint / BuildKit)");
    }
    out
}

/// `explain --list`: every rule by the TODO that grades it, then the rest.
pub fn list(pack: &Pack) -> Output {
    let mut out = String::new();
    let mut listed: Vec<&str> = Vec::new();
    fn row(out: &mut String, listed: &mut Vec<&'static str>, rule: &'static Rule, note: &str) {
        let _ = writeln!(out, "  {}  {}{note}", rule.id, rule.title);
        listed.push(rule.id);
    }
    for lesson in &pack.lessons {
        let _ = writeln!(out, "TODO {}  {}", lesson.todo, lesson.title);
        for id in &lesson.rules {
            if let Some(rule) = rules::by_id(id) {
                row(&mut out, &mut listed, rule, "");
            }
        }
        for id in &lesson.advice {
            if let Some(rule) = rules::by_id(id) {
                row(&mut out, &mut listed, rule, " (advice)");
            }
        }
    }
    let practices: Vec<&'static Rule> = rules::BEST_PRACTICES
        .iter()
        .filter_map(|id| rules::by_id(id))
        .filter(|r| !listed.contains(&r.id))
        .collect();
    if !practices.is_empty() {
        let _ = writeln!(out, "Best practices (stagecraft analyze)");
        for rule in practices {
            row(&mut out, &mut listed, rule, "");
        }
    }
    let rest: Vec<&'static Rule> = rules::ALL
        .iter()
        .filter(|r| !listed.contains(&r.id))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(out, "Not graded by this pack");
        for rule in rest {
            row(&mut out, &mut listed, rule, "");
        }
    }
    let _ = writeln!(
        out,
        "\n`stagecraft explain ID` explains one (what it checks, why, an example and the fix)."
    );
    Output::out(out, EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_ids_come_first() {
        assert_eq!(closest("SC13")[0], "SC103");
        assert_eq!(closest("sc7O1")[0], "SC701");
    }
}
