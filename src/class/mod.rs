//! A class in a shared folder: each student's files under `DIR/students/<name>/`, and the
//! instructor's views of it (`class watch`, `class grade`).
//!
//! The folder is the only thing students and instructor share: no server, no network.

pub mod grade;
pub mod html;
pub mod report;
pub mod roster;
pub mod watch;

use std::path::{Path, PathBuf};

pub use crate::workspace::student::{
    DOCKERFILE, MAX_NAME, NoFolderName, OWNER, PROGRESS, STUDENTS, StudentName, sanitize_student,
};

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

pub use crate::workspace::clock::span;

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
