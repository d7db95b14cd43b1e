//! Lesson packs as an attacker would write them: the default pack laid out in a temporary
//! project folder, then its YAML edited, files replaced by links (out of the folder, to
//! devices, in loops), FIFOs, folders and large or deeply nested files; then loaded through
//! the gate every command uses. (Validation after loading reads no file: it grades the
//! texts already loaded, which the Dockerfile target covers.)
//!
//! What must hold: no panic, no hang (libFuzzer's -timeout), and nothing from outside the
//! project folder ever read: a file there holds a marker that must appear in no text the
//! pack loaded and no message about it.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run pack -- -timeout=5`

#![no_main]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use stagecraft::pack::{Pack, files};

/// Marks the files outside the project. The fuzzer learns strings the target compares, so
/// an input that writes the marker itself into the project is skipped (it is no leak).
const SECRET: &str = "SECRET-e5b2";

fn mentions_secret(input: &Input) -> bool {
    let texts =
        input
            .edits
            .iter()
            .map(|e| e.insert.as_str())
            .chain(input.changes.iter().filter_map(|c| match &c.kind {
                Kind::Text(t) => Some(t.as_str()),
                Kind::Repeat { unit, .. } => Some(unit.as_str()),
                _ => None,
            }));
    texts
        .into_iter()
        .any(|t| t.contains("SECRET") || t.contains("e5b2"))
}

/// The files of the default pack, by their path in the project.
const PACK_FILES: &[&str] = &[
    "lessons/pack.yaml",
    "lessons/01-build-stage.yaml",
    "lessons/02-system-packages.yaml",
    "lessons/03-python-dependencies.yaml",
    "lessons/04-runtime-stage.yaml",
    "lessons/05-copy-artifacts.yaml",
    "lessons/06-non-root-user.yaml",
    "lessons/07-production-command.yaml",
    "starter/Dockerfile",
    "starter/Dockerfile.single",
    "starter/app.py",
    "starter/requirements.txt",
    "solutions/venv.Dockerfile",
    "solutions/user.Dockerfile",
    "solutions/prefix.Dockerfile",
];

/// Other paths an edit may create or replace.
const OTHER_PATHS: &[&str] = &[
    ".stagecraft-root",
    "lessons",
    "starter",
    "lessons/sub",
    "lessons/sub/x.yaml",
    "lessons/x",
    "x",
];

/// Where a link may point.
const TARGETS: &[&str] = &[
    "@outside/lesson.yaml",
    "@outside/Dockerfile",
    "@outside",
    "/dev/zero",
    "/dev/null",
    "/etc/passwd",
    "/",
    "..",
    ".",
    "../..",
    "../outside/Dockerfile",
    "../../outside/lesson.yaml",
    "../starter/Dockerfile",
    "01-build-stage.yaml",
    "loop",
    "x",
    "@fifo",
];

#[derive(Arbitrary, Debug)]
enum Kind {
    Text(String),
    /// `unit` repeated `times` times (deep nesting, large files).
    Repeat {
        unit: String,
        times: u16,
    },
    Link(u8),
    Fifo,
    Folder,
    Remove,
}

#[derive(Arbitrary, Debug)]
struct Change {
    path: u8,
    kind: Kind,
}

/// An edit of one YAML file's text: replace `delete` bytes at `at` by `insert`.
#[derive(Arbitrary, Debug)]
struct Edit {
    file: u8,
    at: u16,
    delete: u8,
    insert: String,
}

#[derive(Arbitrary, Debug)]
struct Input {
    edits: Vec<Edit>,
    changes: Vec<Change>,
}

fn path_of(index: u8) -> &'static str {
    let all = PACK_FILES.len() + OTHER_PATHS.len();
    let i = usize::from(index) % all;
    PACK_FILES
        .get(i)
        .copied()
        .unwrap_or_else(|| OTHER_PATHS[i - PACK_FILES.len()])
}

fn target_of(index: u8, base: &Path) -> PathBuf {
    let t = TARGETS[usize::from(index) % TARGETS.len()];
    match t.strip_prefix('@') {
        Some(rest) => base.join(rest),
        None => PathBuf::from(t),
    }
}

/// Replaces whatever is at `path` (file, link, folder) by nothing.
fn clear(path: &Path) {
    if let Ok(meta) = fs::symlink_metadata(path) {
        if meta.is_dir() {
            let _ = fs::remove_dir_all(path);
        } else {
            let _ = fs::remove_file(path);
        }
    }
}

fn make_fifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c` is a NUL-terminated path, valid for the call.
    unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
}

fn build(input: &Input, base: &Path) -> PathBuf {
    let project = base.join("project");
    let outside = base.join("outside");
    fs::create_dir_all(&outside).unwrap();
    let lesson =
        String::from_utf8_lossy(files::embedded(Path::new("lessons/01-build-stage.yaml")).unwrap())
            .replace("title: ", &format!("title: {SECRET} "));
    fs::write(outside.join("lesson.yaml"), lesson).unwrap();
    let dockerfile =
        String::from_utf8_lossy(files::embedded(Path::new("solutions/venv.Dockerfile")).unwrap())
            .replace("FROM ", &format!("# {SECRET}\nFROM "));
    fs::write(outside.join("Dockerfile"), dockerfile).unwrap();
    make_fifo(&base.join("fifo"));

    for rel in PACK_FILES {
        let path = project.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut text =
            String::from_utf8_lossy(files::embedded(Path::new(rel)).unwrap()).into_owned();
        for edit in input.edits.iter().filter(|e| path_of(e.file) == *rel) {
            let at = usize::from(edit.at).min(text.len());
            let end = (at + usize::from(edit.delete)).min(text.len());
            if text.is_char_boundary(at) && text.is_char_boundary(end) {
                text.replace_range(at..end, &edit.insert);
            }
        }
        fs::write(&path, text).unwrap();
    }
    fs::write(project.join(".stagecraft-root"), "").unwrap();
    for change in &input.changes {
        let path = project.join(path_of(change.path));
        clear(&path);
        if let Some(parent) = path.parent() {
            let _ = fs::create_dir_all(parent);
        }
        let _ = match &change.kind {
            Kind::Text(t) => fs::write(&path, t),
            Kind::Repeat { unit, times } => {
                fs::write(&path, unit.repeat(usize::from(*times).min(1 << 15)))
            }
            Kind::Link(t) => symlink(target_of(*t, base), &path),
            Kind::Fifo => {
                make_fifo(&path);
                Ok(())
            }
            Kind::Folder => fs::create_dir_all(&path),
            Kind::Remove => Ok(()),
        };
    }
    project
}

fuzz_target!(|input: Input| {
    if input.edits.len() > 16 || input.changes.len() > 16 || mentions_secret(&input) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let base = fs::canonicalize(tmp.path()).unwrap();
    let project = build(&input, &base);
    match Pack::from_dir(&project.join("lessons")) {
        Ok(pack) => {
            let texts = std::iter::once(&pack.starter)
                .chain(&pack.baseline)
                .chain(&pack.solutions)
                .chain(&pack.exercise_files);
            for t in texts {
                assert!(
                    Path::new(&t.path).starts_with(&project),
                    "read outside the project: {}",
                    t.path
                );
                assert!(!t.text.contains(SECRET), "read {}", t.path);
            }
            for lesson in &pack.lessons {
                assert!(Path::new(&lesson.file).starts_with(project.join("lessons")));
                assert!(!lesson.title.contains(SECRET), "read {}", lesson.file);
            }
        }
        Err(errors) => {
            let shown = errors.to_string();
            assert!(!shown.contains(SECRET), "{shown}");
        }
    }
});
