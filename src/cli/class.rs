//! `stagecraft class grade`: the class graded, as a report on stdout or in a file.

use std::path::{Path, PathBuf};

use crate::class::grade::grade_class;
use crate::class::report::{ClassFormat, render};
use crate::fsio::write_atomic;
use crate::pack::Pack;

/// Grades `inputs` and renders the report: the report itself, or with `output` a line
/// saying where it was written (atomically).
pub fn grade(
    inputs: &[PathBuf],
    pack: &Pack,
    format: ClassFormat,
    output: Option<&Path>,
    jobs: Option<usize>,
) -> anyhow::Result<String> {
    let grades = grade_class(inputs, pack, jobs)?;
    let report = render(&grades, format);
    let Some(path) = output else {
        return Ok(report);
    };
    write_atomic(path, report.as_bytes())?;
    Ok(format!("{}: {}\n", path.display(), grades.summary()))
}
