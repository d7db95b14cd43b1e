//! Lesson packs: the YAML schema, loading (embedded or from a folder) and validation.
//! Every problem is reported with its file, line and column.

pub mod files;
mod hint_check;
mod validate;

pub use validate::validate;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::facts::requirement_name;
use crate::rules::{self, Params};
use files::{Source, normalize};

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
    #[serde(skip)]
    pub file: String,
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

/// Where a pack is read from.
struct Loader {
    source: Source,
    errors: Vec<PackError>,
}

impl Loader {
    fn display(&self, path: &Path) -> String {
        path.display().to_string()
    }

    /// Reads `rel` (relative to `base`), refusing paths that leave `base`.
    fn read(
        &mut self,
        base: &Path,
        rel: &str,
        from: &str,
        from_text: &str,
    ) -> Option<(String, String)> {
        let path = normalize(&base.join(rel));
        let (line, column) = locate(from_text, rel);
        if !path.starts_with(base) || Path::new(rel).is_absolute() {
            self.errors.push(PackError {
                file: from.into(),
                line,
                column,
                message: format!("`{rel}` is outside the pack folder {}", self.display(base)),
            });
            return None;
        }
        let shown = self.display(&path);
        match self.source.read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Some((shown, text)),
                Err(_) => {
                    self.errors.push(PackError {
                        file: from.into(),
                        line,
                        column,
                        message: format!("`{rel}` is not UTF-8 text"),
                    });
                    None
                }
            },
            Err(e) => {
                self.errors.push(PackError {
                    file: from.into(),
                    line,
                    column,
                    message: format!("cannot read `{rel}`: {e}"),
                });
                None
            }
        }
    }
}

/// Line and column (1-based) of the first occurrence of `needle` in `text`, or 1:1.
pub fn locate(text: &str, needle: &str) -> (usize, usize) {
    match text.find(needle) {
        Some(pos) => {
            let before = &text[..pos];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        }
        None => (1, 1),
    }
}

fn yaml_error(file: &str, e: &serde_yaml::Error) -> PackError {
    let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    // serde_yaml appends " at line X column Y"; the location is already in front.
    let message = e.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    PackError {
        file: file.into(),
        line,
        column,
        message,
    }
}

impl Pack {
    /// The default pack, compiled into the binary.
    pub fn embedded() -> Result<Pack, PackErrors> {
        Self::load_from(Source::Embedded, PathBuf::from("lessons"))
    }

    /// A pack from a folder holding `pack.yaml`.
    pub fn from_dir(dir: &Path) -> Result<Pack, PackErrors> {
        let dir = std::fs::canonicalize(dir).map_err(|e| {
            PackErrors(vec![PackError {
                file: dir.display().to_string(),
                line: 1,
                column: 1,
                message: format!("cannot open the pack folder: {e}"),
            }])
        })?;
        Self::load_from(Source::Disk, dir)
    }

    fn load_from(source: Source, dir: PathBuf) -> Result<Pack, PackErrors> {
        let mut loader = Loader {
            source,
            errors: vec![],
        };
        let pack_path = dir.join("pack.yaml");
        let pack_name = loader.display(&pack_path);
        let text = match loader.source.read(&pack_path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                return Err(PackErrors(vec![PackError {
                    file: pack_name,
                    line: 1,
                    column: 1,
                    message: format!("cannot read pack.yaml: {e}"),
                }]));
            }
        };
        let file: PackFile = serde_yaml::from_str(&text)
            .map_err(|e| PackErrors(vec![yaml_error(&pack_name, &e)]))?;

        let exercise_root = normalize(&dir.join(&file.exercise_dir));
        let starter = loader.read(&exercise_root, &file.starter, &pack_name, &text);
        let baseline = file
            .baseline
            .as_ref()
            .and_then(|b| loader.read(&exercise_root, b, &pack_name, &text));
        let solutions: Vec<_> = file
            .solutions
            .iter()
            .filter_map(|s| loader.read(&exercise_root, s, &pack_name, &text))
            .collect();
        let mut params = file.parameters.clone();
        let mut exercise_files = Vec::new();
        if let Some(req) = &file.requirements
            && let Some((path, req_text)) = loader.read(&exercise_root, req, &pack_name, &text)
        {
            params.requirements = req_text
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty() && !l.starts_with('-'))
                .map(requirement_name)
                .collect();
            exercise_files.push(PackText {
                path,
                text: req_text,
            });
        }
        for app in &file.app_files {
            if let Some((path, t)) = loader.read(&exercise_root, app, &pack_name, &text) {
                exercise_files.push(PackText { path, text: t });
            }
        }

        let mut lessons = Vec::new();
        for rel in &file.lessons {
            let Some((path, lesson_text)) = loader.read(&dir, rel, &pack_name, &text) else {
                continue;
            };
            match serde_yaml::from_str::<Lesson>(&lesson_text) {
                Ok(mut lesson) => {
                    for id in lesson.rules.iter().chain(&lesson.advice) {
                        if rules::by_id(id).is_none() {
                            let (line, column) = locate(&lesson_text, id);
                            loader.errors.push(PackError {
                                file: path.clone(),
                                line,
                                column,
                                message: format!("unknown rule id `{id}`"),
                            });
                        }
                    }
                    if lesson.hints.len() != 3 {
                        let (line, column) = locate(&lesson_text, "hints:");
                        loader.errors.push(PackError { file: path.clone(), line, column, message: format!("a lesson has three hints, from gentle to almost the answer; found {}", lesson.hints.len()) });
                    }
                    if lesson.rules.is_empty() {
                        let (line, column) = locate(&lesson_text, "rules:");
                        loader.errors.push(PackError {
                            file: path.clone(),
                            line,
                            column,
                            message: "a lesson needs at least one rule to grade it".into(),
                        });
                    }
                    lesson.file = path;
                    lessons.push(lesson);
                }
                Err(e) => loader.errors.push(yaml_error(&path, &e)),
            }
        }
        lessons.sort_by_key(|l| l.todo);
        for pair in lessons.windows(2) {
            if pair[0].todo == pair[1].todo {
                let (line, column) = locate(
                    &std::fs::read_to_string(&pair[1].file).unwrap_or_default(),
                    "todo:",
                );
                loader.errors.push(PackError {
                    file: pair[1].file.clone(),
                    line,
                    column,
                    message: format!("TODO {} is also graded by {}", pair[1].todo, pair[0].file),
                });
            }
        }
        if !loader.errors.is_empty() {
            return Err(PackErrors(loader.errors));
        }
        let Some((starter_path, starter_text)) = starter else {
            return Err(PackErrors(loader.errors));
        };
        let to_text = |(path, text): (String, String)| PackText { path, text };
        Ok(Pack {
            name: file.name,
            version: file.version,
            description: file.description,
            starter: PackText {
                path: starter_path,
                text: starter_text,
            },
            baseline: baseline.map(to_text),
            solutions: solutions.into_iter().map(to_text).collect(),
            exercise_files,
            params,
            lessons,
        })
    }
}

#[cfg(test)]
mod tests;
