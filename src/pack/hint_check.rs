//! `lessons validate`: hint and solution templates name only known placeholders (see
//! [`crate::hints`]).

use super::{Pack, PackError, locate};

pub fn check(pack: &Pack) -> Vec<PackError> {
    let mut errors = Vec::new();
    for lesson in &pack.lessons {
        for template in lesson.hints.iter().chain([&lesson.solution]) {
            for e in crate::hints::check(template) {
                // The placeholder as written; YAML quoting leaves it unchanged.
                let snippet: String = template
                    .get(e.offset..)
                    .unwrap_or("")
                    .chars()
                    .take_while(|c| *c != '}')
                    .chain(['}'])
                    .collect();
                let (line, column) = locate(&lesson.source, snippet.trim_end_matches('}'));
                errors.push(PackError {
                    file: lesson.file.clone(),
                    line,
                    column,
                    message: format!("hint template: {}", e.message),
                });
            }
        }
    }
    errors
}
