//! `lessons validate`: hint and solution templates name only known placeholders (see
//! [`crate::hints`]).

use std::path::Path;

use super::{Pack, PackError, files, locate};

/// The lesson file's text, to point at the line of a bad template.
fn lesson_text(file: &str) -> String {
    files::embedded(Path::new(file))
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .or_else(|| std::fs::read_to_string(file).ok())
        .unwrap_or_default()
}

pub fn check(pack: &Pack) -> Vec<PackError> {
    let mut errors = Vec::new();
    for lesson in &pack.lessons {
        let mut text = None;
        for template in lesson.hints.iter().chain([&lesson.solution]) {
            for e in crate::hints::check(template) {
                let source = text.get_or_insert_with(|| lesson_text(&lesson.file));
                // The placeholder as written; YAML quoting leaves it unchanged.
                let snippet: String = template[e.offset..]
                    .chars()
                    .take_while(|c| *c != '}')
                    .chain(['}'])
                    .collect();
                let (line, column) = locate(source, snippet.trim_end_matches('}'));
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
