//! The learner's files: the Dockerfile they edit and a plain JSON progress file, both written
//! atomically (temporary file in the same folder, flush, rename) so a crash loses nothing
//! that was saved.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::pack::Pack;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// The TODO number of the lesson on screen.
    pub lesson: u32,
    /// Hints revealed, by TODO number; one more than the lesson's hints once the learner has
    /// confirmed they want the solution.
    pub hints_used: BTreeMap<u32, usize>,
    /// TODOs that have passed at least once.
    pub passed: Vec<u32>,
    pub seconds_spent: u64,
    /// Cursor (row, column) in the Dockerfile.
    pub cursor: (usize, usize),
}

/// Progress for every Dockerfile the learner has worked on, keyed by its path.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ProgressFile {
    version: u32,
    files: BTreeMap<String, Progress>,
}

/// Where the learner's work lives.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub dockerfile: PathBuf,
    pub progress_file: PathBuf,
}

/// The data folder: `STAGECRAFT_DATA_DIR` if set (tests, classroom machines), else the
/// platform's user data folder.
pub fn data_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("STAGECRAFT_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "stagecraft")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            "cannot find a home folder for the progress file; set STAGECRAFT_DATA_DIR".into()
        })
}

impl Workspace {
    /// The default lab (a copy of the starter in the data folder), or `file`. A missing
    /// Dockerfile is created from the starter, with the app's files beside it so that
    /// `docker build` works in that folder.
    pub fn open(file: Option<&Path>, pack: &Pack) -> Result<Workspace, String> {
        let data = data_dir()?;
        let dockerfile = match file {
            Some(f) => f.to_path_buf(),
            None => data.join("lab").join("Dockerfile"),
        };
        if !dockerfile.exists() {
            let folder = dockerfile
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            fs::create_dir_all(folder)
                .map_err(|e| format!("{}: cannot create: {e}", folder.display()))?;
            write_atomic(&dockerfile, pack.starter.text.as_bytes())?;
            for f in &pack.exercise_files {
                let name = Path::new(&f.path).file_name().unwrap_or_default();
                let target = folder.join(name);
                if !target.exists() {
                    write_atomic(&target, f.text.as_bytes())?;
                }
            }
        }
        Ok(Workspace {
            dockerfile,
            progress_file: data.join("progress.json"),
        })
    }

    fn key(&self) -> String {
        fs::canonicalize(&self.dockerfile)
            .unwrap_or_else(|_| self.dockerfile.clone())
            .display()
            .to_string()
    }

    /// Loads progress. A corrupt file is moved aside (the message says where), never fatal.
    pub fn load_progress(&self) -> (Progress, Option<String>) {
        match read_progress(&self.progress_file) {
            Ok(file) => (
                file.files.get(&self.key()).cloned().unwrap_or_default(),
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

    pub fn save_progress(&self, progress: &Progress) -> Result<(), String> {
        let mut file = read_progress(&self.progress_file).unwrap_or_default();
        file.version = 1;
        file.files.insert(self.key(), progress.clone());
        let json = serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?;
        if let Some(dir) = self.progress_file.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        write_atomic(&self.progress_file, &json)
    }

    /// Keeps the current text as `Dockerfile.bak` before a reset.
    pub fn backup(&self, text: &str) -> Result<PathBuf, String> {
        let bak = self
            .dockerfile
            .with_file_name(format!("{}.bak", file_name(&self.dockerfile)));
        write_atomic(&bak, text.as_bytes())?;
        Ok(bak)
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read_progress(path: &Path) -> Result<ProgressFile, String> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "unreadable progress file (line {}, column {})",
                e.line(),
                e.column()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProgressFile::default()),
        Err(e) => Err(format!("cannot read: {e}")),
    }
}

/// Writes through a temporary file in the same folder, then renames: a reader sees the old
/// file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.tmp{}", file_name(path), std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{}: cannot save: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
