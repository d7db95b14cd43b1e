//! `class grade`: every submission graded with the same engine as `check`
//! ([`Analysis::of`]), in parallel across the machine's cores. A bad submission (empty,
//! binary, not UTF-8, a directory, unreadable, too large) is a row with its reason; no
//! submission stops the batch.

use std::fs;
use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::{DOCKERFILE, PROGRESS, students_dir};
use crate::fsio::FsError;
use crate::grade::Analysis;
use crate::pack::Pack;
use crate::rules::Consequence;
use crate::workspace::{Progress, read_progress};

/// A larger file is not a Dockerfile a student wrote; it is not read past this.
pub const MAX_SUBMISSION: u64 = 1024 * 1024;

/// One student's submission: where it is and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub student: String,
    pub path: PathBuf,
    /// The student's folder, when the submission is one (its progress file is read).
    pub folder: Option<PathBuf>,
    /// The class folder it was found in: nothing outside it is read (a student's link to
    /// the instructor's files is refused). None for files named one by one.
    pub root: Option<PathBuf>,
}

/// The submissions in `inputs`: one folder holding the class (`DIR/<name>/Dockerfile`,
/// `DIR/<name>.Dockerfile`, or a shared data folder with `students/`), or files and
/// student folders named one by one. Also returns the entries that were passed over.
pub fn collect(inputs: &[PathBuf]) -> Result<(Vec<Submission>, Vec<String>), ClassError> {
    if let [dir] = inputs
        && dir.is_dir()
        && !dir.join(DOCKERFILE).is_file()
    {
        return collect_dir(&students_dir(dir));
    }
    let subs = inputs.iter().map(|p| submission_of(p)).collect();
    Ok((subs, Vec::new()))
}

fn collect_dir(dir: &Path) -> Result<(Vec<Submission>, Vec<String>), ClassError> {
    let entries = fs::read_dir(dir).map_err(FsError::at(dir, "read"))?;
    let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    let mut subs = Vec::new();
    let mut skipped = Vec::new();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if name.ends_with(".Dockerfile") || path.is_dir() {
            let mut sub = submission_of(&path);
            sub.root = Some(dir.to_path_buf());
            subs.push(sub);
        } else {
            skipped.push(name);
        }
    }
    Ok((subs, skipped))
}

/// Whose a path is: `alice.Dockerfile` → alice, `alice/Dockerfile` or `alice/` → alice.
fn submission_of(path: &Path) -> Submission {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let file_name = name(path);
    if let Some(stem) = file_name.strip_suffix(".Dockerfile")
        && !stem.is_empty()
    {
        return Submission {
            student: stem.to_string(),
            path: path.to_path_buf(),
            folder: None,
            root: None,
        };
    }
    if path.is_dir() {
        return Submission {
            student: file_name,
            path: path.join(DOCKERFILE),
            folder: Some(path.to_path_buf()),
            root: None,
        };
    }
    match path.parent().filter(|_| file_name == DOCKERFILE) {
        Some(parent) if !parent.as_os_str().is_empty() => Submission {
            student: name(parent),
            path: path.to_path_buf(),
            folder: Some(parent.to_path_buf()),
            root: None,
        },
        _ => Submission {
            student: file_name,
            path: path.to_path_buf(),
            folder: None,
            root: None,
        },
    }
}

/// A rule that fails, as the class reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failing {
    pub id: String,
    pub message: String,
    pub line: Option<usize>,
    pub consequence: Option<Consequence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodoResult {
    pub todo: u32,
    pub passed: bool,
    /// Every rule that fails this TODO, in the lesson's order (the first is reported).
    #[serde(skip)]
    pub failing: Vec<Failing>,
}

impl TodoResult {
    pub fn first_failing(&self) -> Option<&Failing> {
        self.failing.first()
    }
}

/// What the tutorial recorded in the student's folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Effort {
    pub hints: usize,
    pub solutions_shown: usize,
    pub seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Graded(Vec<TodoResult>),
    /// Not gradable, and why.
    Bad(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graded {
    pub student: String,
    /// The submission's path, as given.
    pub file: String,
    pub verdict: Verdict,
    /// None when the submission has no progress file (a plain file, or the tutorial was
    /// not used); see `effort_note`.
    pub effort: Option<Effort>,
    /// Why the progress file could not be used, when there is one.
    pub effort_note: Option<String>,
}

impl Graded {
    pub fn todos(&self) -> &[TodoResult] {
        match &self.verdict {
            Verdict::Graded(t) => t,
            Verdict::Bad(_) => &[],
        }
    }

    pub fn passed(&self) -> usize {
        self.todos().iter().filter(|t| t.passed).count()
    }

    pub fn bad_reason(&self) -> Option<&str> {
        match &self.verdict {
            Verdict::Bad(r) => Some(r),
            Verdict::Graded(_) => None,
        }
    }
}

/// The class, graded.
#[derive(Debug, Clone)]
pub struct ClassGrades {
    /// The pack's TODOs: number, id, title.
    pub todos: Vec<(u32, String, String)>,
    pub students: Vec<Graded>,
    /// Entries of the folder that are not submissions.
    pub skipped: Vec<String>,
}

/// How many students fail a rule, for "where the class is stuck".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stuck {
    pub rule: String,
    pub students: usize,
    /// The TODOs it fails.
    pub todos: Vec<u32>,
}

impl ClassGrades {
    /// Students whose submission was graded.
    pub fn graded(&self) -> impl Iterator<Item = &Graded> {
        self.students
            .iter()
            .filter(|s| matches!(s.verdict, Verdict::Graded(_)))
    }

    /// "30 students: 27 graded, 3 bad submissions".
    pub fn summary(&self) -> String {
        let graded = self.graded().count();
        let bad = self.students.len() - graded;
        let s = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "{} student{}: {graded} graded, {bad} bad submission{}",
            self.students.len(),
            s(self.students.len()),
            s(bad)
        )
    }

    /// How many students pass each TODO, in the pack's order.
    pub fn pass_counts(&self) -> Vec<usize> {
        self.todos
            .iter()
            .enumerate()
            .map(|(i, _)| {
                self.graded()
                    .filter(|s| s.todos().get(i).is_some_and(|t| t.passed))
                    .count()
            })
            .collect()
    }

    /// The rules failed by the most students (each student counted once per rule), most
    /// first, then by id.
    pub fn stuck(&self) -> Vec<Stuck> {
        let mut out: Vec<Stuck> = Vec::new();
        for s in self.graded() {
            let mut seen: Vec<&str> = Vec::new();
            for t in s.todos() {
                for f in &t.failing {
                    let at = match out.iter().position(|x| x.rule == f.id) {
                        Some(i) => i,
                        None => {
                            out.push(Stuck {
                                rule: f.id.clone(),
                                students: 0,
                                todos: Vec::new(),
                            });
                            out.len() - 1
                        }
                    };
                    if !out[at].todos.contains(&t.todo) {
                        out[at].todos.push(t.todo);
                    }
                    if !seen.contains(&f.id.as_str()) {
                        seen.push(&f.id);
                        out[at].students += 1;
                    }
                }
            }
        }
        out.sort_by(|a, b| b.students.cmp(&a.students).then(a.rule.cmp(&b.rule)));
        out
    }
}

/// Grades `subs` on `threads` threads (the machine's cores when None).
pub fn grade_all(subs: &[Submission], pack: &Pack, threads: Option<usize>) -> Vec<Graded> {
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .clamp(1, subs.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Graded)>> = Mutex::new(Vec::with_capacity(subs.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(sub) = subs.get(i) else {
                        break;
                    };
                    mine.push((i, grade_one(sub, pack)));
                }
                if let Ok(mut all) = results.lock() {
                    all.extend(mine);
                }
            });
        }
    });
    let mut all = results.into_inner().unwrap_or_else(|p| p.into_inner());
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, g)| g).collect()
}

/// Collects and grades a class.
pub fn grade_class(
    inputs: &[PathBuf],
    pack: &Pack,
    threads: Option<usize>,
) -> Result<ClassGrades, ClassError> {
    let (subs, skipped) = collect(inputs)?;
    if subs.is_empty() {
        let place = inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        return Err(ClassError::NoSubmissions(place));
    }
    Ok(ClassGrades {
        todos: pack
            .lessons
            .iter()
            .map(|l| (l.todo, l.id.clone(), l.title.clone()))
            .collect(),
        students: grade_all(&subs, pack, threads),
        skipped,
    })
}

/// One submission: read, checked, graded. Never panics out: an internal error in the
/// grader is this submission's reason.
pub fn grade_one(sub: &Submission, pack: &Pack) -> Graded {
    let (effort, effort_note) = match &sub.folder {
        Some(f) => read_effort(&f.join(PROGRESS)),
        None => (None, None),
    };
    let verdict = match read_submission_within(&sub.path, sub.root.as_deref()) {
        Err(why) => Verdict::Bad(why.to_string()),
        Ok(text) => {
            match panic::catch_unwind(AssertUnwindSafe(|| Analysis::of(&text, pack))) {
                Ok(analysis) => Verdict::Graded(
                    analysis
                        .todos
                        .iter()
                        .map(|t| TodoResult {
                            todo: t.todo,
                            passed: t.passed,
                            failing: t
                                .failing()
                                .map(|r| Failing {
                                    id: r.id.clone(),
                                    message: r.message.clone(),
                                    line: r.line,
                                    consequence: r.consequence,
                                })
                                .collect(),
                        })
                        .collect(),
                ),
                Err(_) => Verdict::Bad(
                    "the grader failed on this file (an internal error; please report it with the file)"
                        .into(),
                ),
            }
        }
    };
    Graded {
        student: sub.student.clone(),
        file: sub.path.display().to_string(),
        verdict,
        effort,
        effort_note,
    }
}

/// Why a class could not be graded at all.
#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("{0}: no submissions (expected <name>/Dockerfile or <name>.Dockerfile)")]
    NoSubmissions(String),
}

/// Why a submission cannot be graded; shown as the student's row in every report.
#[derive(Debug, thiserror::Error)]
pub enum BadSubmission {
    #[error("a link that leads outside the class folder: not read")]
    OutsideClass,
    #[error("no Dockerfile in the student's folder")]
    NoDockerfile,
    #[error("missing")]
    Missing,
    #[error("unreadable: {0}")]
    Unreadable(std::io::Error),
    #[error("a directory, not a Dockerfile")]
    Directory,
    #[error("not a regular file")]
    NotRegular,
    #[error("too large: {0} bytes (a submission is at most 1 MiB)")]
    TooLarge(u64),
    /// It grew past the cap while being read.
    #[error("too large: more than 1 MiB")]
    GrewTooLarge,
    #[error("empty")]
    Empty,
    #[error("empty (only whitespace)")]
    OnlyWhitespace,
    #[error("binary: a NUL byte at offset {0}")]
    Binary(usize),
    #[error("not UTF-8: byte 0x{byte:02X} on line {line}")]
    NotUtf8 { byte: u8, line: usize },
}

/// The submission's text, or why it cannot be graded; with `root`, a file that is (or
/// links to) something outside that folder is not read.
pub fn read_submission_within(path: &Path, root: Option<&Path>) -> Result<String, BadSubmission> {
    if let Some(root) = root
        && let (Ok(file), Ok(root)) = (fs::canonicalize(path), fs::canonicalize(root))
        && !file.starts_with(&root)
    {
        return Err(BadSubmission::OutsideClass);
    }
    read_submission(path)
}

/// The submission's text, or why it cannot be graded.
pub fn read_submission(path: &Path) -> Result<String, BadSubmission> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(match path.parent().filter(|p| p.is_dir()) {
                Some(_) if path.file_name().is_some_and(|n| n == DOCKERFILE) => {
                    BadSubmission::NoDockerfile
                }
                _ => BadSubmission::Missing,
            });
        }
        Err(e) => return Err(BadSubmission::Unreadable(e)),
    };
    if meta.is_dir() {
        return Err(BadSubmission::Directory);
    }
    if !meta.is_file() {
        return Err(BadSubmission::NotRegular);
    }
    if meta.len() > MAX_SUBMISSION {
        return Err(BadSubmission::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    fs::File::open(path)
        .and_then(|f| f.take(MAX_SUBMISSION + 1).read_to_end(&mut bytes))
        .map_err(BadSubmission::Unreadable)?;
    if bytes.len() as u64 > MAX_SUBMISSION {
        return Err(BadSubmission::GrewTooLarge);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(if bytes.is_empty() {
            BadSubmission::Empty
        } else {
            BadSubmission::OnlyWhitespace
        });
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(BadSubmission::Binary(at));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        BadSubmission::NotUtf8 {
            byte: e.as_bytes()[at],
            line: e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1,
        }
    })
}

/// Hints, solutions and time from a student's progress file.
fn read_effort(path: &Path) -> (Option<Effort>, Option<String>) {
    if !path.exists() {
        return (None, None);
    }
    let file = match read_progress(path) {
        Ok(f) => f,
        Err(why) => return (None, Some(format!("{}: {why}", path.display()))),
    };
    let progress: Option<&Progress> = file
        .files
        .get(DOCKERFILE)
        .or_else(|| file.files.values().next());
    let Some(p) = progress else {
        return (None, None);
    };
    (
        Some(Effort {
            hints: p.todos.values().map(|t| t.hints).sum(),
            solutions_shown: p.todos.values().filter(|t| t.solution_shown).count(),
            seconds: p.seconds_spent,
        }),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_submissions_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        fs::write(p("empty"), "").unwrap();
        fs::write(p("blank"), "\n  \n").unwrap();
        fs::write(p("bin"), b"FROM x\n\0\x01").unwrap();
        fs::write(p("latin1"), b"FROM x\n# caf\xe9\n").unwrap();
        fs::create_dir(p("dir")).unwrap();
        fs::write(p("big"), vec![b'#'; MAX_SUBMISSION as usize + 1]).unwrap();
        let why = |n: &str| read_submission(&p(n)).unwrap_err().to_string();
        assert_eq!(why("empty"), "empty");
        assert_eq!(why("blank"), "empty (only whitespace)");
        assert_eq!(why("bin"), "binary: a NUL byte at offset 7");
        assert_eq!(why("latin1"), "not UTF-8: byte 0xE9 on line 2");
        assert_eq!(why("dir"), "a directory, not a Dockerfile");
        assert!(why("big").starts_with("too large: 1048577 bytes"));
        assert_eq!(why("nothing"), "missing");
    }

    #[test]
    fn a_link_out_of_the_class_folder_is_not_read() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("grades.csv");
        fs::write(&secret, "FROM secret AS builder\n").unwrap();
        let class = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&secret, class.path().join("eve.Dockerfile")).unwrap();
        fs::write(class.path().join("ana.Dockerfile"), "FROM x\n").unwrap();
        std::os::unix::fs::symlink("ana.Dockerfile", class.path().join("al.Dockerfile")).unwrap();
        let (subs, _) = collect(&[class.path().to_path_buf()]).unwrap();
        let g = grade_all(&subs, &Pack::embedded().unwrap(), Some(1));
        assert_eq!(g[2].student, "eve");
        assert_eq!(
            g[2].bad_reason(),
            Some("a link that leads outside the class folder: not read")
        );
        // A link inside the folder is fine.
        assert_eq!(g[0].student, "al");
        assert!(g[0].bad_reason().is_none());
    }

    #[test]
    fn a_class_folder_is_read_in_every_layout() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("ana")).unwrap();
        fs::write(d.join("ana/Dockerfile"), "FROM x\n").unwrap();
        fs::write(d.join("bo.Dockerfile"), "FROM x\n").unwrap();
        fs::create_dir_all(d.join("cy")).unwrap();
        fs::write(d.join("notes.txt"), "").unwrap();
        fs::write(d.join(".hidden.Dockerfile"), "").unwrap();
        let (subs, skipped) = collect(&[d.to_path_buf()]).unwrap();
        let names: Vec<&str> = subs.iter().map(|s| s.student.as_str()).collect();
        assert_eq!(names, ["ana", "bo", "cy"]);
        assert_eq!(subs[0].folder.as_deref(), Some(d.join("ana").as_path()));
        assert_eq!(skipped, ["notes.txt"]);
        let pack = Pack::embedded().unwrap();
        let g = grade_all(&subs, &pack, Some(2));
        assert_eq!(
            g[2].bad_reason(),
            Some("no Dockerfile in the student's folder")
        );
        assert_eq!(g[0].todos().len(), 7);
        // A shared data folder: its students/ is used.
        let share = tempfile::tempdir().unwrap();
        fs::create_dir_all(share.path().join("students/dee")).unwrap();
        let (subs, _) = collect(&[share.path().to_path_buf()]).unwrap();
        assert_eq!(subs[0].student, "dee");
        // Files named one by one.
        let (subs, _) = collect(&[d.join("ana/Dockerfile"), d.join("bo.Dockerfile")]).unwrap();
        assert_eq!(subs[0].student, "ana");
        assert_eq!(subs[1].student, "bo");
    }

    #[test]
    fn parallel_grading_matches_one_at_a_time_and_keeps_order() {
        let pack = Pack::embedded().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let texts = [
            pack.starter.text.clone(),
            pack.solutions[0].text.clone(),
            String::new(),
            "FROM python:3.11 AS builder\nFROM python:3.11-slim\n".into(),
        ];
        let subs: Vec<Submission> = (0..40)
            .map(|i| {
                let path = dir.path().join(format!("s{i:02}.Dockerfile"));
                fs::write(&path, &texts[i % texts.len()]).unwrap();
                submission_of(&path)
            })
            .collect();
        let serial = grade_all(&subs, &pack, Some(1));
        let parallel = grade_all(&subs, &pack, Some(4));
        assert_eq!(serial, parallel);
        assert_eq!(parallel[1].passed(), 7);
        assert_eq!(parallel[0].passed(), 0);
        assert_eq!(parallel[2].bad_reason(), Some("empty"));
        // The same verdicts as `check`.
        assert_eq!(
            parallel[3].passed(),
            Analysis::of(&texts[3], &pack).passed()
        );
        assert_eq!(parallel[39].student, "s39");
    }
}
