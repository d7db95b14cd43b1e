//! Lesson packs: the YAML schema, loading (embedded or from a folder) and validation.
//! Every problem is reported with its file, line and column.

pub mod files;
mod hint_check;
mod validate;
mod yaml;

pub use validate::validate;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::facts::requirement_name;
use crate::rules::{self, Params};
use files::{FileError, MAX_FILE_BYTES, PathError, Root};

/// `pack.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    name: String,
    version: String,
    #[serde(default)]
    description: String,
    /// Where the exercise files live, relative to the pack folder (default: the pack folder).
    #[serde(default = "dot")]
    exercise_dir: String,
    starter: String,
    #[serde(default)]
    baseline: Option<String>,
    #[serde(default)]
    requirements: Option<String>,
    #[serde(default)]
    app_files: Vec<String>,
    solutions: Vec<String>,
    #[serde(default)]
    parameters: Params,
    lessons: Vec<String>,
}

fn dot() -> String {
    ".".into()
}

/// One lesson file: one TODO of the exercise.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub id: String,
    pub todo: u32,
    pub title: String,
    pub goal: String,
    pub explanation: String,
    /// Rule ids that grade this TODO: it passes when all of them pass.
    pub rules: Vec<String>,
    /// Rule ids shown as advice: never fail the TODO.
    #[serde(default)]
    pub advice: Vec<String>,
    /// From gentle to almost the answer.
    pub hints: Vec<String>,
    pub solution: String,
    /// The lesson file as shown in messages, and its text as loaded (checks that point at a
    /// line use it: a pack's file is read once, through the gate).
    #[serde(skip)]
    pub file: String,
    #[serde(skip)]
    pub source: String,
}

/// An exercise file of the pack with its path (as shown in messages) and text.
#[derive(Debug, Clone)]
pub struct PackText {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub version: String,
    pub description: String,
    pub starter: PackText,
    pub baseline: Option<PackText>,
    pub solutions: Vec<PackText>,
    /// The exercise's other files (app source, requirements), for `stagecraft` to write into
    /// a lab folder.
    pub exercise_files: Vec<PackText>,
    pub params: Params,
    pub lessons: Vec<Lesson>,
}

/// A problem with a pack, located in one of its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found in a pack, one per line when shown.
#[derive(Clone, PartialEq, Eq)]
pub struct PackErrors(pub Vec<PackError>);

impl fmt::Display for PackErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for PackErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for PackErrors {}

/// After this many problems the loader stops: a pack listing 100,000 missing files gets a
/// short answer, not 100,000 lines.
pub const MAX_ERRORS: usize = 50;

/// The most entries `lessons`, `solutions` and `app_files` may each list: every lesson
/// grades every Dockerfile on every change, every solution is graded when the pack loads.
pub const MAX_ENTRIES: usize = 100;

/// The most package names the requirements file may list.
pub const MAX_REQUIREMENTS: usize = 1000;

/// The longest value (a module, a file or package name) in `parameters`.
pub const MAX_PARAMETER_BYTES: usize = 256;

/// All the bytes one pack may make stagecraft read, over all its files: with the 1 MiB cap
/// per file, it bounds the time a hostile pack can cost (a file listed 10,000 times, say).
pub const MAX_PACK_BYTES: u64 = 4 * MAX_FILE_BYTES;

/// Line and column (1-based) of the first occurrence of `needle` in `text`, or 1:1.
pub fn locate(text: &str, needle: &str) -> (usize, usize) {
    match text.find(needle) {
        Some(pos) => line_column(text, pos),
        None => (1, 1),
    }
}

fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where the top-level `key:` of `text` starts, if it is there.
fn key_start(text: &str, key: &str) -> Option<usize> {
    let prefix = format!("{key}:");
    if text.starts_with(&prefix) {
        Some(0)
    } else {
        text.find(&format!("\n{prefix}")).map(|p| p + 1)
    }
}

/// Reads one pack: every file it names goes through [`Root`], within a byte budget, and
/// every problem is kept with its place so that all are reported at once.
struct Loader {
    pack_root: Root,
    exercise_root: Root,
    /// `pack.yaml` as shown in messages, and its text.
    pack_file: String,
    pack_text: String,
    budget: u64,
    /// Per key, where in pack.yaml the search for its next value starts: list entries are
    /// found in order, and the whole search stays linear in the file's length.
    cursors: HashMap<String, usize>,
    errors: Vec<PackError>,
}

impl Loader {
    fn full(&self) -> bool {
        self.errors.len() >= MAX_ERRORS
    }

    /// Where the value of `key` is written in pack.yaml (the key itself when the value is
    /// not written after it, the start when the key is absent); the next search for this key
    /// starts after it.
    fn place(&mut self, key: &str, value: Option<&str>) -> usize {
        let text = &self.pack_text;
        let Some(start) = key_start(text, key) else {
            return 0;
        };
        let from = self.cursors.get(key).copied().unwrap_or(start);
        let find = |at: usize| {
            value
                .filter(|v| !v.is_empty())
                .and_then(|v| text[at..].find(v).map(|p| (at + p, v.len())))
        };
        match find(from).or_else(|| find(start)) {
            Some((pos, len)) => {
                self.cursors.insert(key.to_string(), pos + len);
                pos
            }
            None => start,
        }
    }

    /// An error about the value of `key` in pack.yaml, placed at the value.
    fn at_key(&mut self, key: &str, value: Option<&str>, message: String) {
        let at = self.place(key, value);
        let (line, column) = line_column(&self.pack_text, at);
        self.errors.push(PackError {
            file: self.pack_file.clone(),
            line,
            column,
            message,
        });
    }

    /// Reads the file `rel` named by `key` in pack.yaml, resolved against `base` inside the
    /// exercise root (or the pack root for lessons). Refused paths and files are reported
    /// without a word of their contents.
    fn read(&mut self, lesson: bool, base: &Path, key: &str, rel: &str) -> Option<PackText> {
        if self.full() {
            return None;
        }
        let root = if lesson {
            &self.pack_root
        } else {
            &self.exercise_root
        };
        let result = root.resolve(base, rel).and_then(|path| {
            let cap = MAX_FILE_BYTES.min(self.budget);
            let bytes = root.read(&path, cap).map_err(|e| match e {
                FileError::TooLarge if cap < MAX_FILE_BYTES => PathError::OverBudget,
                e => PathError::File(e),
            })?;
            Ok((path, bytes))
        });
        let shown = rel.escape_debug().to_string();
        match result {
            Ok((path, bytes)) => {
                self.budget = self.budget.saturating_sub(bytes.len() as u64);
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        self.place(key, Some(rel));
                        Some(PackText {
                            path: path.display().to_string(),
                            text,
                        })
                    }
                    Err(_) => {
                        self.at_key(
                            key,
                            Some(rel),
                            format!("`{key}`: `{shown}` is not UTF-8 text"),
                        );
                        None
                    }
                }
            }
            Err(e) => {
                let folder = match e {
                    PathError::Absolute | PathError::Escapes | PathError::LinkLeaves => {
                        format!(" {}", root.path().display())
                    }
                    _ => String::new(),
                };
                self.at_key(key, Some(rel), format!("`{key}`: `{shown}` {e}{folder}"));
                None
            }
        }
    }
}

impl Pack {
    /// The pack every command uses: the one in `dir`, or the embedded one, loaded and
    /// validated. A pack that `lessons validate` refuses is refused here too, so it never
    /// starts the tutorial nor has a file copied into the lab folder.
    pub fn open(dir: Option<&Path>) -> Result<Pack, PackErrors> {
        let pack = match dir {
            Some(d) => Pack::from_dir(d)?,
            None => Pack::embedded()?,
        };
        validate(&pack)?;
        Ok(pack)
    }

    /// The default pack, compiled into the binary.
    pub fn embedded() -> Result<Pack, PackErrors> {
        let pack_dir = PathBuf::from("lessons");
        Self::load(Root::embedded(), Root::embedded(), &pack_dir)
    }

    /// A pack from a folder holding `pack.yaml`, not yet validated (see [`Pack::open`]).
    pub fn from_dir(dir: &Path) -> Result<Pack, PackErrors> {
        let canonical = std::fs::canonicalize(dir)
            .map_err(|e| e.to_string())
            .and_then(|d| {
                if d.is_dir() {
                    Ok(d)
                } else {
                    Err("not a folder".to_string())
                }
            })
            .map_err(|e| {
                PackErrors(vec![PackError {
                    file: dir.display().to_string(),
                    line: 1,
                    column: 1,
                    message: format!("cannot open the pack folder: {e}"),
                }])
            })?;
        Self::load(
            Root::pack(&canonical),
            Root::exercise(&canonical),
            &canonical,
        )
    }

    fn load(pack_root: Root, exercise_root: Root, dir: &Path) -> Result<Pack, PackErrors> {
        let pack_path = dir.join("pack.yaml");
        let pack_file = pack_path.display().to_string();
        let fatal = |message: String| {
            PackErrors(vec![PackError {
                file: pack_file.clone(),
                line: 1,
                column: 1,
                message,
            }])
        };
        let bytes = pack_root
            .resolve(dir, "pack.yaml")
            .and_then(|p| Ok(pack_root.read(&p, MAX_FILE_BYTES)?))
            .map_err(|e| fatal(format!("pack.yaml {e}")))?;
        let budget = MAX_PACK_BYTES - bytes.len() as u64;
        let pack_text =
            String::from_utf8(bytes).map_err(|_| fatal("pack.yaml is not UTF-8 text".into()))?;
        let file: PackFile =
            yaml::parse(&pack_file, &pack_text).map_err(|e| PackErrors(vec![e]))?;
        let mut loader = Loader {
            pack_root,
            exercise_root,
            pack_file,
            pack_text,
            budget,
            cursors: HashMap::new(),
            errors: vec![],
        };

        let exercise_dir = match loader.exercise_root.resolve_dir(dir, &file.exercise_dir) {
            Ok(d) => d,
            Err(e) => {
                let shown = file.exercise_dir.escape_debug().to_string();
                let root = loader.exercise_root.path().display().to_string();
                let hint = if matches!(e, PathError::Escapes) && file.exercise_dir == ".." {
                    format!(
                        " (its parent may hold the exercise files only if it holds a `{}` file)",
                        files::PROJECT_MARKER
                    )
                } else {
                    String::new()
                };
                loader.at_key(
                    "exercise_dir",
                    Some(&file.exercise_dir),
                    format!("`exercise_dir`: `{shown}` {e} {root}{hint}"),
                );
                return Err(PackErrors(loader.errors));
            }
        };
        let starter = loader.read(false, &exercise_dir, "starter", &file.starter);
        let baseline = file
            .baseline
            .as_ref()
            .and_then(|b| loader.read(false, &exercise_dir, "baseline", b));
        if file.solutions.is_empty() {
            loader.at_key(
                "solutions",
                None,
                "a pack needs at least one solution".into(),
            );
        }
        for (key, list) in [
            ("solutions", &file.solutions),
            ("app_files", &file.app_files),
            ("lessons", &file.lessons),
        ] {
            if list.len() > MAX_ENTRIES {
                loader.at_key(
                    key,
                    None,
                    format!(
                        "`{key}` lists {} files; a pack may list at most {MAX_ENTRIES}",
                        list.len()
                    ),
                );
            }
        }
        let solutions: Vec<_> = file
            .solutions
            .iter()
            .take(MAX_ENTRIES)
            .filter_map(|s| loader.read(false, &exercise_dir, "solutions", s))
            .collect();
        let mut params = file.parameters.clone();
        let mut exercise_files = Vec::new();
        if let Some(req) = &file.requirements
            && let Some(requirements) = loader.read(false, &exercise_dir, "requirements", req)
        {
            params.requirements = requirements
                .text
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty() && !l.starts_with('-'))
                .map(requirement_name)
                .collect();
            if params.requirements.len() > MAX_REQUIREMENTS {
                loader.at_key(
                    "requirements",
                    Some(req),
                    format!(
                        "`requirements`: `{}` lists {} packages; a pack may list at most {MAX_REQUIREMENTS}",
                        req.escape_debug(),
                        params.requirements.len()
                    ),
                );
            }
            exercise_files.push(requirements);
        }
        check_parameters(&params, &mut loader);
        for app in file.app_files.iter().take(MAX_ENTRIES) {
            if let Some(f) = loader.read(false, &exercise_dir, "app_files", app) {
                exercise_files.push(f);
            }
        }

        if file.lessons.is_empty() {
            loader.at_key(
                "lessons",
                None,
                "a pack needs at least one lesson file".into(),
            );
        }
        let mut lessons: Vec<Lesson> = Vec::new();
        for rel in file.lessons.iter().take(MAX_ENTRIES) {
            let Some(PackText { path, text }) = loader.read(true, dir, "lessons", rel) else {
                continue;
            };
            match yaml::parse::<Lesson>(&path, &text) {
                Ok(mut lesson) => {
                    check_lesson(&lesson, &path, &text, &mut loader.errors);
                    lesson.file = path;
                    lesson.source = text;
                    lessons.push(lesson);
                }
                Err(e) => loader.errors.push(e),
            }
            if loader.full() {
                break;
            }
        }
        lessons.sort_by_key(|l| l.todo);
        let mut ids: HashMap<&str, &str> = HashMap::new();
        for (i, lesson) in lessons.iter().enumerate() {
            let text = &lesson.source;
            if let Some(first) = ids.insert(&lesson.id, &lesson.file) {
                let (line, column) = locate(text, "id:");
                loader.errors.push(PackError {
                    file: lesson.file.clone(),
                    line,
                    column,
                    message: format!("lesson id `{}` is also the id of {first}", lesson.id),
                });
            }
            if let Some(previous) = i.checked_sub(1).map(|j| &lessons[j])
                && previous.todo == lesson.todo
            {
                let (line, column) = locate(text, "todo:");
                loader.errors.push(PackError {
                    file: lesson.file.clone(),
                    line,
                    column,
                    message: format!("TODO {} is also graded by {}", lesson.todo, previous.file),
                });
            }
        }
        if loader.full() {
            let file = loader.pack_file.clone();
            loader.errors.push(PackError {
                file,
                line: 1,
                column: 1,
                message: format!("stopped after {MAX_ERRORS} problems"),
            });
        }
        let Some(starter) = starter else {
            return Err(PackErrors(loader.errors));
        };
        if !loader.errors.is_empty() {
            return Err(PackErrors(loader.errors));
        }
        Ok(Pack {
            name: file.name,
            version: file.version,
            description: file.description,
            starter,
            baseline,
            solutions,
            exercise_files,
            params,
            lessons,
        })
    }
}

/// Bounds on `parameters`: every grade compares them with the Dockerfile's words and the
/// requirements, so a pack with 20,000 servers and 60,000 requirements took minutes to load.
fn check_parameters(params: &Params, loader: &mut Loader) {
    let lists = [
        ("build_packages", params.build_packages.len()),
        ("app_files", params.app_files.len()),
        ("wsgi_servers", params.wsgi_servers.len()),
    ];
    for (name, len) in lists {
        if len > MAX_ENTRIES {
            loader.at_key(
                "parameters",
                Some(name),
                format!("`parameters.{name}` has {len} entries; at most {MAX_ENTRIES}"),
            );
        }
    }
    let servers = params
        .wsgi_servers
        .iter()
        .flat_map(|s| [s.command.as_str(), s.package.as_str()]);
    let long = [params.app_module.as_str(), &params.requirements_file]
        .into_iter()
        .chain(params.build_packages.iter().map(String::as_str))
        .chain(params.app_files.iter().map(String::as_str))
        .chain(servers)
        .find(|v| v.len() > MAX_PARAMETER_BYTES);
    if let Some(value) = long {
        let start: String = value.chars().take(20).collect();
        loader.at_key(
            "parameters",
            Some(&start),
            format!("a value in `parameters` is longer than {MAX_PARAMETER_BYTES} bytes"),
        );
    }
}

/// The checks on one lesson that need no other file.
fn check_lesson(lesson: &Lesson, path: &str, text: &str, errors: &mut Vec<PackError>) {
    let mut at = |needle: &str, message: String| {
        let (line, column) = locate(text, needle);
        errors.push(PackError {
            file: path.into(),
            line,
            column,
            message,
        });
    };
    for id in lesson.rules.iter().chain(&lesson.advice) {
        if rules::by_id(id).is_none() {
            at(id, format!("unknown rule id `{id}`"));
        }
    }
    if lesson.hints.len() != 3 {
        at(
            "hints:",
            format!(
                "a lesson has three hints, from gentle to almost the answer; found {}",
                lesson.hints.len()
            ),
        );
    }
    if lesson.rules.is_empty() {
        at(
            "rules:",
            "a lesson needs at least one rule to grade it".into(),
        );
    }
}

#[cfg(test)]
mod tests;
