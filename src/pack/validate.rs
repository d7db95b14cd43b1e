//! `stagecraft lessons validate`: a pack loads, its starter fails every TODO, and each of its
//! solutions passes every TODO (as `rustlings dev check` does for exercises).

use std::collections::HashSet;

use super::{Pack, PackError, PackErrors, locate};
use crate::grade::Analysis;

pub fn validate(pack: &Pack) -> Result<(), PackErrors> {
    let mut errors = super::hint_check::check(pack);
    let starter = Analysis::of(&pack.starter.text, pack);
    for todo in starter.todos.iter().filter(|t| t.passed) {
        errors.push(PackError {
            file: pack.starter.path.clone(),
            line: 1,
            column: 1,
            message: format!(
                "the starter already passes TODO {} ({}); it should fail every TODO",
                todo.todo, todo.title
            ),
        });
    }
    let marked: HashSet<u32> = starter.parsed.todos.iter().map(|m| m.number).collect();
    for lesson in &pack.lessons {
        if !marked.contains(&lesson.todo) {
            errors.push(PackError {
                file: pack.starter.path.clone(),
                line: 1,
                column: 1,
                message: format!(
                    "the starter has no `# TODO {}:` comment for lesson {}",
                    lesson.todo, lesson.id
                ),
            });
        }
    }
    for solution in &pack.solutions {
        let analysis = Analysis::of(&solution.text, pack);
        for d in analysis.diagnostics() {
            errors.push(PackError {
                file: solution.path.clone(),
                line: d.line,
                column: d.column,
                message: d.message.clone(),
            });
        }
        for todo in analysis.todos.iter().filter(|t| !t.passed) {
            for rule in todo.failing() {
                let (line, column) = match rule.line {
                    Some(l) => (l, 1),
                    None => locate(&solution.text, "FROM"),
                };
                errors.push(PackError {
                    file: solution.path.clone(),
                    line,
                    column,
                    message: format!(
                        "solution fails TODO {}: {} {}",
                        todo.todo, rule.id, rule.message
                    ),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PackErrors(errors))
    }
}
