//! The learner's files, for the tutorial and the class tools alike (it knows neither): the
//! Dockerfile they edit and its lab folder, the progress file, a student's folder and its
//! owner claim in a class folder. Files are written atomically with `atomic-write-file`
//! (temporary file beside it, fsync of the file and its folder, rename), so a crash or a full
//! disk leaves the old file whole.

pub mod claim;
pub mod clock;
pub mod student;

use std::collections::BTreeMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::fsio::{FsError, write_atomic};
use crate::pack::Pack;
use claim::ClaimError;

/// What one learner has done with one Dockerfile. Kept in memory per TODO; written in the
/// shape [`ProgressOnDisk`] gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ProgressOnDisk", into = "ProgressOnDisk")]
pub struct Progress {
    /// The TODO number of the lesson on screen.
    pub lesson: u32,
    pub seconds_spent: u64,
    /// Cursor (row, column) in the Dockerfile.
    pub cursor: (usize, usize),
    /// When the text last changed (Unix seconds), for the instructor's view.
    pub changed_at: Option<u64>,
    /// By TODO number.
    pub todos: BTreeMap<u32, TodoProgress>,
    /// The sizes the last comparison (F10) measured.
    pub measured: Option<Measured>,
}

/// What the last comparison (F10, `compare`) measured, and of which text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Measured {
    /// The single-stage baseline's image, in bytes; None when it did not build.
    pub baseline_bytes: Option<u64>,
    /// The learner's image; None when it did not build.
    pub yours_bytes: Option<u64>,
    /// When (Unix seconds).
    pub at: u64,
    /// [`text_hash`] of the Dockerfile text that was built.
    pub text_hash: String,
}

impl Measured {
    /// Both sizes, when both images were built.
    pub fn sizes(&self) -> Option<(u64, u64)> {
        Some((self.baseline_bytes?, self.yours_bytes?))
    }
}

/// A hash of a Dockerfile's text that stays the same across versions of this program
/// (FNV-1a, 64 bits, in hex), to tell whether a measurement is of the text on screen.
pub fn text_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// One TODO's record, so that the instructor's views need no re-grading guesswork.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TodoProgress {
    /// It has passed at least once.
    pub passed: bool,
    /// When it first passed (Unix seconds); None for a pass recorded before version 2.
    pub first_passed_at: Option<u64>,
    /// Hints revealed.
    pub hints: usize,
    /// The learner confirmed they wanted the solution.
    pub solution_shown: bool,
    /// Seconds with this lesson on screen.
    pub seconds_spent: u64,
    /// It passes as last graded.
    pub passes_now: bool,
    /// The first rule failing as last graded (`SC503`).
    pub failing_rule: Option<String>,
}

impl Progress {
    pub fn todo(&self, todo: u32) -> TodoProgress {
        self.todos.get(&todo).cloned().unwrap_or_default()
    }

    pub fn todo_mut(&mut self, todo: u32) -> &mut TodoProgress {
        self.todos.entry(todo).or_default()
    }

    /// Hints revealed for `todo`, plus one once the solution is shown (as the tutorial
    /// counts its F2 presses).
    pub fn hints_used(&self, todo: u32) -> usize {
        self.todos
            .get(&todo)
            .map_or(0, |t| t.hints + usize::from(t.solution_shown))
    }

    /// Fits the record to the pack's lessons: version 1 stored a shown solution as one
    /// hint more than the lesson has.
    pub fn fit_to(&mut self, pack: &Pack) {
        for lesson in &pack.lessons {
            if let Some(t) = self.todos.get_mut(&lesson.todo)
                && t.hints > lesson.hints.len()
            {
                t.hints = lesson.hints.len();
                t.solution_shown = true;
            }
        }
    }
}

/// The progress entry as written: version 2's per-TODO records, plus version 1's fields
/// (`hints_used`, `passed`) derived from them, so that an older stagecraft on another seat
/// of a shared folder still reads the hints and passes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct ProgressOnDisk {
    lesson: u32,
    hints_used: BTreeMap<u32, usize>,
    passed: Vec<u32>,
    seconds_spent: u64,
    cursor: (usize, usize),
    #[serde(skip_serializing_if = "Option::is_none")]
    changed_at: Option<u64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    todos: BTreeMap<u32, TodoProgress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    measured: Option<Measured>,
}

impl From<ProgressOnDisk> for Progress {
    fn from(d: ProgressOnDisk) -> Progress {
        let mut todos = d.todos;
        if todos.is_empty() {
            // Version 1: only the hint counts and the TODOs that passed.
            for (todo, hints) in d.hints_used {
                todos.entry(todo).or_default().hints = hints;
            }
            for todo in d.passed {
                todos.entry(todo).or_default().passed = true;
            }
        }
        Progress {
            lesson: d.lesson,
            seconds_spent: d.seconds_spent,
            cursor: d.cursor,
            changed_at: d.changed_at,
            todos,
            measured: d.measured,
        }
    }
}

impl From<Progress> for ProgressOnDisk {
    fn from(p: Progress) -> ProgressOnDisk {
        ProgressOnDisk {
            lesson: p.lesson,
            hints_used: p
                .todos
                .keys()
                .map(|&n| (n, p.hints_used(n)))
                .filter(|(_, h)| *h > 0)
                .collect(),
            passed: p
                .todos
                .iter()
                .filter(|(_, t)| t.passed)
                .map(|(n, _)| *n)
                .collect(),
            seconds_spent: p.seconds_spent,
            cursor: p.cursor,
            changed_at: p.changed_at,
            todos: p.todos,
            measured: p.measured,
        }
    }
}

/// The progress file's format; bump it when a field changes meaning, and read the older
/// ones in [`read_progress`]. Version 2 added the per-TODO records (`todos`, `changed_at`)
/// and keys files inside the progress file's folder by their relative path (a shared
/// folder is mounted at different paths on different seats).
pub const PROGRESS_VERSION: u32 = 2;

/// Progress for every Dockerfile the learner has worked on, keyed by its path.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ProgressFile {
    pub version: u32,
    pub files: BTreeMap<String, Progress>,
}

pub use clock::unix_now;

/// What the file on disk looked like when last read or written, to notice edits made
/// elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

/// The file's stamp now (through symlinks); None when it is gone.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let m = fs::metadata(path).ok()?;
    Some(Stamp {
        modified: m.modified().ok(),
        len: m.len(),
        inode: m.ino(),
    })
}

/// A hash of file contents, to tell a real change from a touch.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The file a path finally names, following symlinks (also dangling ones, whose target
/// is then created).
pub fn resolve_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match fs::read_link(&p) {
                Ok(target) => {
                    p = match p.parent() {
                        Some(dir) if target.is_relative() => dir.join(target),
                        _ => target,
                    }
                }
                Err(_) => return p,
            },
            _ => return p,
        }
    }
    p
}

/// Why the learner's files or progress could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("cannot find a home folder for the progress file; set STAGECRAFT_DATA_DIR")]
    NoHome,
    /// The student folder is another session's now.
    #[error(transparent)]
    Claim(#[from] ClaimError),
    #[error("the disk thread stopped; restart stagecraft")]
    WorkerStopped,
    #[error("{}: not saved: it changed on disk too", .0.display())]
    ChangedOnDisk(PathBuf),
    #[error("{}: still saving: the folder is slow (your text is safe here; it keeps trying)", .0.display())]
    StillSaving(PathBuf),
    /// An earlier save failed and is being retried: its message as shown.
    #[error("{0}")]
    Retrying(String),
}

/// Why a progress file could not be read; the caller names the file.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    #[error("unreadable progress file (line {line}, column {column})")]
    Corrupt { line: usize, column: usize },
}

/// Saves the learner's Dockerfile: through a symlink to its target, keeping the file's
/// permissions, atomically. Returns the new stamp.
pub fn save_dockerfile(path: &Path, text: &str) -> Result<Option<Stamp>, FsError> {
    let target = resolve_links(path);
    write_atomic(&target, text.as_bytes())?;
    Ok(stamp(path))
}

/// Where the learner's work lives.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub dockerfile: PathBuf,
    pub progress_file: PathBuf,
}

/// The data folder: `STAGECRAFT_DATA_DIR` if set (tests, classroom machines), else the
/// platform's user data folder.
pub fn data_dir() -> Result<PathBuf, StorageError> {
    if let Some(dir) = std::env::var_os("STAGECRAFT_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "stagecraft")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(StorageError::NoHome)
}

impl Workspace {
    /// The default lab (a copy of the starter in the data folder), or `file`; a missing
    /// Dockerfile is created from the starter.
    pub fn open(file: Option<&Path>, pack: &Pack) -> Result<Workspace, StorageError> {
        let data = data_dir()?;
        let dockerfile = match file {
            Some(f) => f.to_path_buf(),
            None => data.join("lab").join("Dockerfile"),
        };
        create_from_starter(&dockerfile, pack)?;
        Ok(Workspace {
            dockerfile,
            progress_file: data.join("progress.json"),
        })
    }

    /// A student's own folder in a shared data folder (`DIR/students/<name>/`): their
    /// Dockerfile (created from the starter) and their progress file.
    pub fn for_student(folder: &Path, pack: &Pack) -> Result<Workspace, StorageError> {
        let dockerfile = folder.join(student::DOCKERFILE);
        create_from_starter(&dockerfile, pack)?;
        Ok(Workspace {
            dockerfile,
            progress_file: folder.join(student::PROGRESS),
        })
    }
    /// The Dockerfile's key in the progress file: its path relative to the progress file's
    /// folder when it is inside it (the same on every seat that mounts a shared folder),
    /// else its absolute path.
    fn key(&self) -> String {
        let file = self.legacy_key();
        let dir = self
            .progress_file
            .parent()
            .and_then(|d| fs::canonicalize(d).ok());
        match dir
            .as_deref()
            .and_then(|d| Path::new(&file).strip_prefix(d).ok())
        {
            Some(rel) => rel.display().to_string(),
            None => file,
        }
    }

    /// Version 1's key: always the absolute path.
    fn legacy_key(&self) -> String {
        fs::canonicalize(&self.dockerfile)
            .unwrap_or_else(|_| self.dockerfile.clone())
            .display()
            .to_string()
    }

    /// Loads progress. A corrupt file is moved aside (the message says where), never fatal.
    pub fn load_progress(&self) -> (Progress, Option<String>) {
        match read_progress(&self.progress_file) {
            Ok(file) => (
                file.files
                    .get(&self.key())
                    .or_else(|| file.files.get(&self.legacy_key()))
                    .cloned()
                    .unwrap_or_default(),
                None,
            ),
            Err(why) => {
                let aside = self.progress_file.with_extension("json.corrupt");
                let moved = fs::rename(&self.progress_file, &aside).is_ok();
                let note = if moved {
                    format!("; it was moved to {}", aside.display())
                } else {
                    String::new()
                };
                (
                    Progress::default(),
                    Some(format!(
                        "{}: {why}: starting with fresh progress{note}",
                        self.progress_file.display()
                    )),
                )
            }
        }
    }

    pub fn save_progress(&self, progress: &Progress) -> Result<(), FsError> {
        let mut file = read_progress(&self.progress_file).unwrap_or_default();
        file.version = PROGRESS_VERSION;
        let key = self.key();
        let legacy = self.legacy_key();
        if legacy != key {
            file.files.remove(&legacy);
        }
        file.files.insert(key, progress.clone());
        // Plain strings and numbers: serializing cannot fail.
        let json = serde_json::to_vec_pretty(&file).unwrap_or_default();
        if let Some(dir) = self.progress_file.parent() {
            fs::create_dir_all(dir).map_err(FsError::at(dir, "create"))?;
        }
        write_atomic(&self.progress_file, &json)
    }

    /// Keeps the current text as `Dockerfile.bak` before a reset.
    pub fn backup(&self, text: &str) -> Result<PathBuf, FsError> {
        self.keep_beside("bak", text)
    }

    /// Writes `text` beside the Dockerfile as `Dockerfile.<suffix>` (through a symlinked
    /// Dockerfile, beside its target).
    pub fn keep_beside(&self, suffix: &str, text: &str) -> Result<PathBuf, FsError> {
        let target = resolve_links(&self.dockerfile);
        let path = target.with_file_name(format!("{}.{suffix}", file_name(&target)));
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Keeps text that could not be saved: beside the Dockerfile as `Dockerfile.rescue`,
    /// or, when that folder refuses, in the data folder.
    pub fn rescue(&self, text: &str) -> Result<PathBuf, FsError> {
        rescue(&self.dockerfile, self.progress_file.parent(), text)
    }
}

/// Creates a missing Dockerfile from the starter, with the app's files beside it so that
/// `docker build` works in that folder. An existing file is the learner's: left alone.
fn create_from_starter(dockerfile: &Path, pack: &Pack) -> Result<(), FsError> {
    if dockerfile.exists() {
        return Ok(());
    }
    let folder = dockerfile
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(FsError::at(folder, "create"))?;
    write_atomic(dockerfile, pack.starter.text.as_bytes())?;
    for f in &pack.exercise_files {
        let name = Path::new(&f.path).file_name().unwrap_or_default();
        let target = folder.join(name);
        if !target.exists() {
            write_atomic(&target, f.text.as_bytes())?;
        }
    }
    Ok(())
}

/// See [`Workspace::rescue`]; also used by the panic hook, which has only the paths.
pub fn rescue(dockerfile: &Path, data_dir: Option<&Path>, text: &str) -> Result<PathBuf, FsError> {
    let target = resolve_links(dockerfile);
    let beside = target.with_file_name(format!("{}.rescue", file_name(&target)));
    let first = match write_atomic(&beside, text.as_bytes()) {
        Ok(()) => return Ok(beside),
        Err(e) => e,
    };
    if let Some(dir) = data_dir {
        let folder = dir.join("rescue");
        let _ = fs::create_dir_all(&folder);
        let secs = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let path = folder.join(format!("{}-{secs}.rescue", file_name(&target)));
        if write_atomic(&path, text.as_bytes()).is_ok() {
            return Ok(path);
        }
    }
    Err(first)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads a progress file of any version; a missing file is empty progress.
pub fn read_progress(path: &Path) -> Result<ProgressFile, ProgressError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| ProgressError::Corrupt {
            line: e.line(),
            column: e.column(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProgressFile::default()),
        Err(e) => Err(ProgressError::Read(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn saving_goes_through_a_symlink_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.Dockerfile");
        fs::write(&real, "FROM old\n").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("Dockerfile");
        std::os::unix::fs::symlink("real.Dockerfile", &link).unwrap();
        let stamp_after = save_dockerfile(&link, "FROM new\n").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "FROM new\n");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(stamp_after, stamp(&link));
        // No temporary files are left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_failed_save_says_which_file_and_why() {
        let dir = tempfile::tempdir().unwrap();
        // The folder went away (an unmounted share, a deleted lab folder).
        let file = dir.path().join("gone/Dockerfile");
        let e = save_dockerfile(&file, "FROM new\n").unwrap_err();
        assert!(
            e.to_string().contains("gone/Dockerfile: cannot save"),
            "{e}"
        );
        assert!(!file.exists());
    }

    #[test]
    fn a_rescue_copy_goes_beside_the_file_and_never_over_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Dockerfile");
        fs::write(&file, "FROM saved\n").unwrap();
        let path = rescue(&file, Some(dir.path()), "FROM unsaved\n").unwrap();
        assert_eq!(path, dir.path().join("Dockerfile.rescue"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "FROM unsaved\n");
        assert_eq!(fs::read_to_string(&file).unwrap(), "FROM saved\n");
        // A folder that cannot be written: the data folder takes it.
        let gone = dir.path().join("no/such/folder/Dockerfile");
        let path = rescue(&gone, Some(dir.path()), "FROM unsaved\n").unwrap();
        assert!(path.starts_with(dir.path().join("rescue")), "{path:?}");
    }

    #[test]
    fn a_lab_folder_is_created_from_the_starter() {
        let dir = tempfile::tempdir().unwrap();
        let pack = Pack::embedded().unwrap();
        let file = dir.path().join("lab/Dockerfile");
        let ws = Workspace::open(Some(&file), &pack).unwrap();
        assert_eq!(
            fs::read_to_string(&ws.dockerfile).unwrap(),
            pack.starter.text
        );
        // With the app beside it, `docker build` works in that folder.
        assert!(dir.path().join("lab/app.py").exists());
        assert!(
            fs::read_to_string(dir.path().join("lab/requirements.txt"))
                .unwrap()
                .contains("gunicorn")
        );
        // An existing file is the learner's: never overwritten.
        fs::write(&file, "FROM mine\n").unwrap();
        Workspace::open(Some(&file), &pack).unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "FROM mine\n");
    }

    #[test]
    fn version_1_progress_is_read_and_written_back_as_version_2() {
        let dir = tempfile::tempdir().unwrap();
        let pack = Pack::embedded().unwrap();
        let data = fs::canonicalize(dir.path()).unwrap();
        let ws = Workspace::open(Some(&data.join("lab/Dockerfile")), &pack).unwrap();
        let ws = Workspace {
            progress_file: data.join("progress.json"),
            ..ws
        };
        // Written by version 1: an absolute key, a shown solution as one hint too many.
        let v1 = serde_json::json!({"version": 1, "files": {
            data.join("lab/Dockerfile").display().to_string(): {
                "lesson": 3, "hints_used": {"2": 4, "3": 1}, "passed": [1, 2],
                "seconds_spent": 100, "cursor": [4, 2]}}});
        fs::write(&ws.progress_file, v1.to_string()).unwrap();
        let (mut p, note) = ws.load_progress();
        assert_eq!(note, None);
        p.fit_to(&pack);
        assert_eq!((p.lesson, p.seconds_spent, p.cursor), (3, 100, (4, 2)));
        let two = p.todo(2);
        assert!(
            two.passed && two.solution_shown && two.hints == 3,
            "{two:?}"
        );
        assert_eq!(two.first_passed_at, None, "version 1 did not say when");
        assert_eq!(p.hints_used(2), 4);
        assert_eq!(p.todo(3).hints, 1);
        assert!(!p.todo(3).passed);

        ws.save_progress(&p).unwrap();
        let v2: serde_json::Value =
            serde_json::from_slice(&fs::read(&ws.progress_file).unwrap()).unwrap();
        assert_eq!(v2["version"], 2);
        let files = v2["files"].as_object().unwrap();
        assert_eq!(files.len(), 1, "the absolute key is replaced: {files:?}");
        let entry = &files["lab/Dockerfile"];
        // Version 1's fields stay readable by an older stagecraft on another seat.
        assert_eq!(entry["hints_used"], serde_json::json!({"2": 4, "3": 1}));
        assert_eq!(entry["passed"], serde_json::json!([1, 2]));
        assert_eq!(entry["todos"]["2"]["solution_shown"], true);
        assert_eq!(ws.load_progress().0, p);
    }

    #[test]
    fn a_student_folder_holds_the_dockerfile_and_progress() {
        let dir = tempfile::tempdir().unwrap();
        let pack = Pack::embedded().unwrap();
        let folder = dir.path().join("students/Ada");
        let ws = Workspace::for_student(&folder, &pack).unwrap();
        assert_eq!(ws.dockerfile, folder.join("Dockerfile"));
        assert!(folder.join("app.py").exists());
        let mut p = Progress::default();
        p.todo_mut(1).first_passed_at = Some(5);
        ws.save_progress(&p).unwrap();
        let file = read_progress(&folder.join("progress.json")).unwrap();
        // Keyed the same on every seat, wherever the share is mounted.
        assert_eq!(file.files.keys().collect::<Vec<_>>(), ["Dockerfile"]);
    }

    #[test]
    fn the_last_measurement_is_kept_with_the_hash_of_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace {
            dockerfile: dir.path().join("Dockerfile"),
            progress_file: dir.path().join("progress.json"),
        };
        let p = Progress {
            measured: Some(Measured {
                baseline_bytes: Some(1_253_000_000),
                yours_bytes: Some(399_000_000),
                at: 1_700_000_000,
                text_hash: text_hash("FROM python:3.11-slim\n"),
            }),
            ..Progress::default()
        };
        ws.save_progress(&p).unwrap();
        let (back, note) = ws.load_progress();
        assert_eq!(note, None);
        assert_eq!(back, p);
        assert_eq!(
            back.measured.unwrap().sizes(),
            Some((1_253_000_000, 399_000_000))
        );
        // The hash is FNV-1a: the same on every seat and every build of stagecraft.
        assert_eq!(text_hash(""), "cbf29ce484222325");
        assert_eq!(text_hash("a"), "af63dc4c8601ec8c");
        assert_ne!(text_hash("FROM a\n"), text_hash("FROM b\n"));
        // A file without the field (every earlier version) reads as never measured.
        fs::write(
            &ws.progress_file,
            r#"{"version":2,"files":{"Dockerfile":{"lesson":1}}}"#,
        )
        .unwrap();
        assert_eq!(ws.load_progress().0.measured, None);
    }

    #[test]
    fn corrupt_progress_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace {
            dockerfile: dir.path().join("Dockerfile"),
            progress_file: dir.path().join("progress.json"),
        };
        fs::write(&ws.progress_file, "{not json").unwrap();
        let (p, msg) = ws.load_progress();
        assert_eq!(p, Progress::default());
        assert!(msg.unwrap().contains("moved to"));
        assert!(dir.path().join("progress.json.corrupt").exists());
        let saved = Progress {
            lesson: 3,
            cursor: (4, 2),
            ..Progress::default()
        };
        ws.save_progress(&saved).unwrap();
        assert_eq!(ws.load_progress(), (saved, None));
    }
}
