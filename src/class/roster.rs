//! The class as `class watch` sees it: one [`Student`] per folder of `students/`, read
//! from the progress and owner files the tutorial writes there. A file that is missing,
//! half-written or not ours makes that student "unreadable", never the view.
//!
//! Re-reading 200 folders every few seconds must stay cheap: a folder whose files have
//! the same size and time as last time is not parsed again.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{DOCKERFILE, OWNER, PROGRESS};
use crate::fsio::FsError;
use crate::pack::Pack;
use crate::workspace::claim::{Owner, STALE_AFTER};
use crate::workspace::{Progress, read_progress};

/// What the tutorial recorded for one student.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    /// Per TODO of the pack, in order: passes now (None: not graded yet).
    pub passes: Vec<Option<bool>>,
    /// Per TODO: the first failing rule.
    pub failing_rules: Vec<Option<String>>,
    /// Per TODO: hints taken (the solution counts as one more).
    pub hints: Vec<usize>,
    /// The lesson on screen (TODO number).
    pub lesson: u32,
    pub solutions: usize,
    pub seconds_spent: u64,
    /// When the text last changed (Unix seconds).
    pub changed_at: Option<u64>,
    /// The latest first pass of any TODO (Unix seconds).
    pub last_new_pass_at: Option<u64>,
}

impl Snapshot {
    pub fn passing(&self) -> usize {
        self.passes.iter().filter(|p| **p == Some(true)).count()
    }

    pub fn all_pass(&self) -> bool {
        !self.passes.is_empty() && self.passes.iter().all(|p| *p == Some(true))
    }

    pub fn total_hints(&self) -> usize {
        self.hints.iter().sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Read(Snapshot),
    /// No progress file yet (the student has just started).
    NotStarted,
    /// Why the files could not be read.
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    /// The folder's name.
    pub folder: String,
    /// The name the student typed (from the owner file), else the folder's.
    pub name: String,
    pub record: Record,
    /// The session that works in the folder, when the owner file says.
    pub owner: Option<Owner>,
}

impl Student {
    /// Whether the student's tutorial is running (its heartbeat is fresh and it has not
    /// closed), as seen at `now`.
    pub fn online(&self, now: u64) -> bool {
        self.owner.as_ref().is_some_and(|o| {
            o.ended_at.is_none() && now.saturating_sub(o.heartbeat_at) < STALE_AFTER
        })
    }
}

/// Size and time of a file, to skip parsing what did not change.
type Stamp = Option<(u64, Option<SystemTime>)>;

fn stamp(path: &Path) -> Stamp {
    fs::metadata(path)
        .ok()
        .map(|m| (m.len(), m.modified().ok()))
}

/// The students of a folder, kept between polls.
#[derive(Debug, Default)]
pub struct Roster {
    dir: PathBuf,
    cache: HashMap<String, ((Stamp, Stamp), Student)>,
    /// Folders in name order.
    students: Vec<Student>,
}

impl Roster {
    pub fn new(dir: &Path) -> Roster {
        Roster {
            dir: dir.to_path_buf(),
            ..Roster::default()
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn students(&self) -> &[Student] {
        &self.students
    }

    /// Forgets what was read (the next refresh parses every file again).
    pub fn forget(&mut self) {
        self.cache.clear();
    }

    /// Reads the folder again. Errors say why the folder itself could not be listed; the
    /// students read before are kept then.
    pub fn refresh(&mut self, pack: &Pack) -> Result<(), FsError> {
        let entries = fs::read_dir(&self.dir).map_err(FsError::at(&self.dir, "read"))?;
        let mut folders: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        folders.sort();
        let mut cache = std::mem::take(&mut self.cache);
        self.students = folders
            .into_iter()
            .map(|folder| {
                let path = self.dir.join(&folder);
                let stamps = (stamp(&path.join(PROGRESS)), stamp(&path.join(OWNER)));
                let student = match cache.remove(&folder) {
                    Some((old, s)) if old == stamps => s,
                    _ => read_student(&path, &folder, pack),
                };
                self.cache.insert(folder, (stamps, student.clone()));
                student
            })
            .collect();
        Ok(())
    }
}

/// Reads one student's folder.
pub fn read_student(path: &Path, folder: &str, pack: &Pack) -> Student {
    let owner = Owner::read(&path.join(OWNER));
    let mut problems: Vec<String> = Vec::new();
    let owner = match owner {
        Ok(o) => o,
        Err(why) => {
            problems.push(why.to_string());
            None
        }
    };
    let progress_path = path.join(PROGRESS);
    let record = if !progress_path.exists() {
        Record::NotStarted
    } else {
        match read_progress(&progress_path) {
            Ok(file) => match file
                .files
                .get(DOCKERFILE)
                .or_else(|| file.files.values().next())
            {
                Some(p) => Record::Read(snapshot(p, pack)),
                None => Record::NotStarted,
            },
            Err(why) => {
                problems.insert(0, format!("{PROGRESS}: {why}"));
                Record::Unreadable(problems.join("; "))
            }
        }
    };
    let record = match record {
        Record::Read(_) | Record::NotStarted if !problems.is_empty() => {
            Record::Unreadable(problems.join("; "))
        }
        r => r,
    };
    Student {
        folder: folder.to_string(),
        name: owner
            .as_ref()
            .map(|o| o.name.clone())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| folder.to_string()),
        record,
        owner,
    }
}

fn snapshot(p: &Progress, pack: &Pack) -> Snapshot {
    let mut p = p.clone();
    p.fit_to(pack);
    let mut s = Snapshot {
        lesson: p.lesson,
        seconds_spent: p.seconds_spent,
        changed_at: p.changed_at,
        ..Snapshot::default()
    };
    for lesson in &pack.lessons {
        let t = p.todos.get(&lesson.todo);
        // A record from before version 2 has no current state: unknown, not failing.
        s.passes.push(
            t.filter(|t| t.passes_now || t.failing_rule.is_some())
                .map(|t| t.passes_now),
        );
        s.failing_rules.push(t.and_then(|t| t.failing_rule.clone()));
        s.hints.push(p.hints_used(lesson.todo));
        if t.is_some_and(|t| t.solution_shown) {
            s.solutions += 1;
        }
        if let Some(at) = t.and_then(|t| t.first_passed_at) {
            s.last_new_pass_at = Some(s.last_new_pass_at.map_or(at, |x: u64| x.max(at)));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever bytes the files hold (half-written, another program's, binary), the
        /// student is read without a panic, and a file that is not ours is "unreadable".
        #[test]
        fn any_bytes_are_read_without_a_panic(
            progress in proptest::collection::vec(any::<u8>(), 0..300),
            owner in proptest::collection::vec(any::<u8>(), 0..300),
            json_prefix in 0usize..400,
        ) {
            let pack = Pack::embedded().unwrap();
            let dir = tempfile::tempdir().unwrap();
            let folder = dir.path().join("x");
            fs::create_dir_all(&folder).unwrap();
            fs::write(folder.join(PROGRESS), &progress).unwrap();
            fs::write(folder.join(OWNER), &owner).unwrap();
            let s = read_student(&folder, "x", &pack);
            prop_assert!(matches!(s.record, Record::Unreadable(_)) || progress.is_empty());
            // A real progress file cut anywhere.
            let mut p = Progress::default();
            p.todo_mut(3).hints = 2;
            let whole = serde_json::to_vec(&crate::workspace::ProgressFile {
                version: 2,
                files: [("Dockerfile".to_string(), p)].into(),
            })
            .unwrap();
            let cut = &whole[..json_prefix.min(whole.len())];
            fs::write(folder.join(PROGRESS), cut).unwrap();
            fs::remove_file(folder.join(OWNER)).unwrap();
            let s = read_student(&folder, "x", &pack);
            if cut.len() < whole.len() {
                prop_assert!(matches!(s.record, Record::Unreadable(_)), "{:?}", s.record);
            } else {
                prop_assert!(matches!(s.record, Record::Read(_)));
            }
        }
    }

    #[test]
    fn students_are_read_and_broken_files_make_them_unreadable() {
        let pack = Pack::embedded().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // A student the tutorial wrote for.
        let ws = Workspace::for_student(&d.join("ana"), &pack).unwrap();
        let mut p = Progress {
            lesson: 2,
            ..Progress::default()
        };
        let one = p.todo_mut(1);
        one.passed = true;
        one.passes_now = true;
        one.first_passed_at = Some(100);
        p.todo_mut(2).failing_rule = Some("SC201".into());
        p.todo_mut(2).hints = 3;
        ws.save_progress(&p).unwrap();
        // One whose progress file was cut short (copied by hand, a sync tool).
        fs::create_dir_all(d.join("bo")).unwrap();
        fs::write(
            d.join("bo/progress.json"),
            "{\"version\": 2, \"files\": {\"Dock",
        )
        .unwrap();
        // One who has only just started.
        fs::create_dir_all(d.join("cy")).unwrap();
        // A binary owner file.
        fs::create_dir_all(d.join("dee")).unwrap();
        fs::write(d.join("dee/owner.json"), [0xff, 0, 1]).unwrap();

        let mut r = Roster::new(d);
        r.refresh(&pack).unwrap();
        let s = r.students();
        assert_eq!(s.len(), 4);
        let Record::Read(ana) = &s[0].record else {
            panic!("{:?}", s[0])
        };
        assert_eq!(ana.passes[0], Some(true));
        assert_eq!(ana.passes[1], Some(false));
        assert_eq!(ana.passes[2], None);
        assert_eq!(ana.failing_rules[1].as_deref(), Some("SC201"));
        assert_eq!(ana.total_hints(), 3);
        assert_eq!(ana.last_new_pass_at, Some(100));
        let Record::Unreadable(why) = &s[1].record else {
            panic!("{:?}", s[1])
        };
        assert!(
            why.contains("progress.json: unreadable progress file"),
            "{why}"
        );
        assert_eq!(s[2].record, Record::NotStarted);
        assert!(matches!(&s[3].record, Record::Unreadable(w) if w.contains("not an owner file")));

        // Fixed on disk: read again at the next refresh.
        fs::write(
            d.join("bo/progress.json"),
            "{\"version\": 2, \"files\": {}}",
        )
        .unwrap();
        r.refresh(&pack).unwrap();
        assert_eq!(r.students()[1].record, Record::NotStarted);
    }
}
