//! A student's folder in a shared class folder: its name made safe, and the files in it.

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
