//! Pack + facts → a verdict per TODO. The one entry point views call: [`Analysis::of`].

use serde::Serialize;

use crate::facts::{self, Facts};
use crate::pack::{Lesson, Pack};
use crate::rules::{self, Consequence, Outcome, Params, Status};
use crate::syntax::{self, Diagnostic, Instruction, Parsed};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleVerdict {
    pub id: String,
    pub title: String,
    pub passed: bool,
    pub status: Status,
    pub message: String,
    pub line: Option<usize>,
    /// What failing does (set when the rule fails).
    pub consequence: Option<Consequence>,
}

impl RuleVerdict {
    /// The message as every view says it: a failure ends with what failing does, once (the
    /// rules' messages never say it themselves).
    pub fn said(&self) -> String {
        match self.consequence.filter(|_| !self.passed) {
            Some(c) => c.appended_to(&self.message),
            None => self.message.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodoVerdict {
    pub todo: u32,
    pub id: String,
    pub title: String,
    pub passed: bool,
    pub rules: Vec<RuleVerdict>,
    /// Advice rules: shown, never failing the TODO.
    #[serde(skip)]
    pub advice: Vec<RuleVerdict>,
}

impl TodoVerdict {
    pub fn failing(&self) -> impl Iterator<Item = &RuleVerdict> {
        self.rules.iter().filter(|r| !r.passed)
    }

    /// The rules that pass with something worth knowing.
    pub fn warnings(&self) -> impl Iterator<Item = &RuleVerdict> {
        self.rules.iter().filter(|r| r.status == Status::Warn)
    }

    /// The failing rules with one entry per distinct message: checks that fail for the
    /// same reason (no CMD yet) are said once, with every id that gives it.
    pub fn distinct_failures(&self) -> Vec<(Vec<&str>, &RuleVerdict)> {
        let mut out: Vec<(Vec<&str>, &RuleVerdict)> = Vec::new();
        for r in self.failing() {
            match out
                .iter_mut()
                .find(|(_, first)| first.message == r.message && first.line == r.line)
            {
                Some((ids, _)) => ids.push(&r.id),
                None => out.push((vec![r.id.as_str()], r)),
            }
        }
        out
    }
}

/// Everything derived from one version of the Dockerfile text. `parsed` keeps its
/// diagnostics, comments and TODO markers; its instructions are read into `facts` and let go.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub parsed: Parsed,
    pub facts: Facts,
    pub todos: Vec<TodoVerdict>,
}

impl Analysis {
    pub fn of(text: &str, pack: &Pack) -> Analysis {
        Analysis::with_syntax(text, pack).0
    }

    /// [`Analysis::of`], and the instructions it was read from: the language server places
    /// its ranges and edits with their spans.
    pub fn with_syntax(text: &str, pack: &Pack) -> (Analysis, Vec<Instruction>) {
        let mut parsed = syntax::parse(text);
        let facts = facts::derive(&parsed);
        // Views read the diagnostics and TODO markers; the instructions live on as facts.
        let instructions = std::mem::take(&mut parsed.instructions);
        let todos = grade(&pack.lessons, &pack.params, &facts);
        (
            Analysis {
                parsed,
                facts,
                todos,
            },
            instructions,
        )
    }

    /// The seven best-practice checks of the `analyze` report, in report order.
    pub fn best_practices(&self, params: &Params) -> Vec<RuleVerdict> {
        rules::BEST_PRACTICES
            .iter()
            .filter_map(|id| rules::by_id(id))
            .map(|r| verdict(r.id, r.run(&self.facts, params)))
            .collect()
    }

    pub fn passed(&self) -> usize {
        self.todos.iter().filter(|t| t.passed).count()
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.parsed.diagnostics
    }

    /// Lines a failing rule points at, for gutter marks.
    pub fn failing_lines(&self) -> Vec<usize> {
        let mut lines: Vec<usize> = self
            .todos
            .iter()
            .flat_map(|t| t.failing().filter_map(|r| r.line))
            .collect();
        lines.extend(self.parsed.diagnostics.iter().map(|d| d.line));
        lines.sort_unstable();
        lines.dedup();
        lines
    }
}

fn verdict(id: &str, outcome: Outcome) -> RuleVerdict {
    let title = rules::by_id(id).map_or("", |r| r.title).to_string();
    RuleVerdict {
        id: id.to_string(),
        title,
        passed: outcome.passed(),
        status: outcome.status,
        message: outcome.message,
        line: outcome.line,
        consequence: outcome
            .consequence
            .filter(|_| outcome.status == Status::Fail),
    }
}

pub fn grade(lessons: &[Lesson], params: &Params, facts: &Facts) -> Vec<TodoVerdict> {
    let run = |ids: &[String]| -> Vec<RuleVerdict> {
        ids.iter()
            .map(|id| match rules::by_id(id) {
                Some(rule) => verdict(rule.id, rule.run(facts, params)),
                None => verdict(id, Outcome::fail(None, format!("unknown rule {id}"))),
            })
            .collect()
    };
    lessons
        .iter()
        .map(|lesson| {
            let rules = run(&lesson.rules);
            TodoVerdict {
                todo: lesson.todo,
                id: lesson.id.clone(),
                title: lesson.title.clone(),
                passed: rules.iter().all(|r| r.passed),
                rules,
                advice: run(&lesson.advice),
            }
        })
        .collect()
}
