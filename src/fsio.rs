//! File errors that name their file, and the one way files are written whole.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use atomic_write_file::AtomicWriteFile;

/// A file operation that failed: which file, what was being done, and the system's reason.
/// Shown as `PATH: cannot ACTION: REASON`. The reason is part of the message, not a
/// separate `source()`, so a report that prints the causes too (`{:#}`) says it once.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot {action}: {reason}", path.display())]
pub struct FsError {
    pub path: PathBuf,
    pub action: &'static str,
    pub reason: io::Error,
}

impl FsError {
    pub fn new(path: impl Into<PathBuf>, action: &'static str, reason: io::Error) -> FsError {
        FsError {
            path: path.into(),
            action,
            reason,
        }
    }

    /// A closure for `map_err`: `fs::read(p).map_err(FsError::at(p, "read"))`.
    pub fn at<'a>(path: &'a Path, action: &'static str) -> impl FnOnce(io::Error) -> FsError + 'a {
        move |reason| FsError::new(path, action, reason)
    }
}

/// Writes through a temporary file in the same folder, fsyncs it and the folder, then
/// renames: a reader sees the old file or the new one, never half of one. An existing
/// file's permissions are kept.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let result = (|| {
        let mut f = AtomicWriteFile::options().open(path)?;
        f.write_all(bytes)?;
        f.commit()
    })();
    result.map_err(FsError::at(path, "save"))
}
