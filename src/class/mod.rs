//! A class in a shared folder: each student's files under `DIR/students/<name>/`, and the
//! instructor's views of it (`class watch`, `class grade`).
//!
//! The folder is the only thing students and instructor share: no server, no network.

pub mod claim;
pub mod grade;
pub mod html;
pub mod report;
pub mod roster;
pub mod watch;

use std::path::{Path, PathBuf};

/// The folder of student folders inside a data folder.
pub const STUDENTS: &str = "students";
/// A student's Dockerfile, progress and owner file, inside their folder.
pub const DOCKERFILE: &str = "Dockerfile";
pub const PROGRESS: &str = "progress.json";
pub const OWNER: &str = "owner.json";

/// The longest folder name a student name becomes (in characters).
pub const MAX_NAME: usize = 64;

/// A student name made safe as one folder name on any share, and what was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentName {
    /// The folder name.
    pub folder: String,
    /// What was changed, in words ("`/` replaced by `-`"); empty when nothing was.
    pub changes: Vec<String>,
}

/// A student name with nothing in it to make a folder name from.
#[derive(Debug, thiserror::Error)]
#[error("the student name {0:?} has no letter or digit to make a folder name from")]
pub struct NoFolderName(pub String);

/// Makes `name` one safe folder name: no path separators, no `.`/`..` or hidden names, no
/// control characters, nothing Windows shares refuse (`:*?"<>|`, trailing dots and
/// spaces, `CON`, `NUL`...), at most [`MAX_NAME`] characters.
pub fn sanitize_student(name: &str) -> Result<StudentName, NoFolderName> {
    let mut changes: Vec<String> = Vec::new();
    let mut note = |what: String| {
        if !changes.contains(&what) {
            changes.push(what);
        }
    };
    let mut out = String::new();
    for c in name.trim().chars() {
        match c {
            '/' | '\\' => {
                note(format!("path separator `{c}` replaced by `-`"));
                out.push('-');
            }
            ':' | '*' | '?' | '"' | '<' | '>' | '|' => {
                note(format!(
                    "`{c}` replaced by `-` (not allowed on shared folders)"
                ));
                out.push('-');
            }
            c if c.is_control() => note("control characters removed".into()),
            c => out.push(c),
        }
    }
    if name.trim() != name {
        note("spaces around the name removed".into());
    }
    let trimmed = out.trim_start_matches(['.', ' ', '-']);
    if trimmed.len() != out.len() && out.starts_with('.') {
        note("leading dots removed (no hidden or `..` folders)".into());
    }
    let mut folder: String = trimmed.trim_end_matches(['.', ' ']).to_string();
    if folder.len() != trimmed.len() {
        note("trailing dots and spaces removed".into());
    }
    if folder.chars().count() > MAX_NAME {
        folder = folder.chars().take(MAX_NAME).collect();
        note(format!("cut to {MAX_NAME} characters"));
    }
    let stem = folder.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        folder.push('-');
        note(format!(
            "`-` added (`{stem}` is a reserved name on Windows)"
        ));
    }
    if !folder.chars().any(char::is_alphanumeric) {
        return Err(NoFolderName(name.to_string()));
    }
    Ok(StudentName { folder, changes })
}

/// The folder that holds the student folders: `DIR/students` when it exists, else `DIR`
/// itself (the instructor may point at either).
pub fn students_dir(dir: &Path) -> PathBuf {
    let inner = dir.join(STUDENTS);
    if inner.is_dir() {
        inner
    } else {
        dir.to_path_buf()
    }
}

/// A span of seconds as an instructor reads it: `45 s`, `12 min`, `3 h 05`.
pub fn span(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        _ => format!("{} h {:02}", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> String {
        sanitize_student(name).unwrap().folder
    }

    #[test]
    fn a_plain_name_is_kept_as_it_is() {
        let n = sanitize_student("Ada Lovelace").unwrap();
        assert_eq!(n.folder, "Ada Lovelace");
        assert!(n.changes.is_empty());
        assert_eq!(folder("Zoë_2"), "Zoë_2");
    }

    #[test]
    fn names_never_leave_the_students_folder() {
        assert_eq!(folder("../../etc/passwd"), "etc-passwd");
        let n = sanitize_student("../x").unwrap();
        assert!(
            n.changes.iter().any(|c| c.contains("path separator")),
            "{n:?}"
        );
        assert_eq!(folder("..hidden"), "hidden");
        assert_eq!(folder("a\\b"), "a-b");
        for bad in ["..", ".", "/", "  ", "\u{7}", "---"] {
            assert!(sanitize_student(bad).is_err(), "{bad:?}");
        }
        let n = sanitize_student("eve\u{1b}[31m").unwrap();
        assert_eq!(n.folder, "eve[31m");
        assert_eq!(n.changes, ["control characters removed"]);
    }

    #[test]
    fn shares_get_names_they_accept() {
        assert_eq!(folder("what?"), "what-");
        assert_eq!(folder("con"), "con-");
        assert_eq!(folder("COM1.txt"), "COM1.txt-");
        assert_eq!(folder("dots..."), "dots");
        let long = "x".repeat(200);
        let n = sanitize_student(&long).unwrap();
        assert_eq!(n.folder.chars().count(), MAX_NAME);
        assert!(n.changes.iter().any(|c| c.contains("cut to")));
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(5), "5 s");
        assert_eq!(span(600), "10 min");
        assert_eq!(span(3 * 3600 + 5 * 60), "3 h 05");
    }
}
