//! The one gate through which stagecraft reads a file it did not write: a pack's files and the
//! Dockerfile given on the command line.
//!
//! A pack is untrusted input. Every path it names is resolved against a root folder it may
//! not leave, after symlinks are followed; only regular files are read, and none past
//! [`MAX_FILE_BYTES`].

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use include_dir::{Dir, include_dir};

static LESSONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");
static SOLUTIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/solutions");
static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// The largest file stagecraft reads: a pack's file, or the Dockerfile to check.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The file that lets a pack folder share its parent folder with the exercise files (see
/// [`Root::for_pack`]).
pub const PROJECT_MARKER: &str = ".stagecraft-root";

/// Why a file was not read. The messages never quote the file's text.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("does not exist")]
    Missing,
    #[error("cannot be read: {0}")]
    Io(io::Error),
    #[error("is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("is larger than 1 MiB, the most stagecraft reads")]
    TooLarge,
}

impl From<io::Error> for FileError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::NotFound {
            FileError::Missing
        } else {
            FileError::Io(e)
        }
    }
}

/// Why a path a pack names was refused.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("is an absolute path; pack paths are relative to the pack folder")]
    Absolute,
    #[error("leaves the pack folder")]
    Escapes,
    #[error("is a link that leads outside the pack folder")]
    LinkLeaves,
    #[error("is not a folder")]
    NotAFolder,
    #[error("takes the pack past the 4 MiB that all its files may hold")]
    OverBudget,
    #[error("{0}")]
    File(#[from] FileError),
}

/// What kind of file a path is, in words, for anything but a regular file.
fn not_regular(file_type: fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("a folder")
    } else if file_type.is_fifo() {
        Some("a named pipe")
    } else if file_type.is_char_device() || file_type.is_block_device() {
        Some("a device")
    } else if file_type.is_socket() {
        Some("a socket")
    } else if file_type.is_symlink() {
        Some("a link")
    } else {
        Some("a special file")
    }
}

/// Reads at most `cap` bytes from `reader`; one byte more is an error, so an endless stream
/// (`/dev/zero`, `yes |`) stops at the cap.
pub fn read_capped(reader: impl Read, cap: u64) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    reader.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(FileError::TooLarge);
    }
    Ok(bytes)
}

/// Reads a regular file of at most `cap` bytes. The type is checked before opening, so a
/// FIFO or a device is never opened, and again on the open file, so a file swapped for one
/// in between is refused too. `O_NONBLOCK` keeps even that open from blocking.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, FileError> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(kind) = not_regular(fs::metadata(path)?.file_type()) {
        return Err(FileError::NotRegular(kind));
    }
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = not_regular(meta.file_type()) {
        return Err(FileError::NotRegular(kind));
    }
    if meta.len() > cap {
        return Err(FileError::TooLarge);
    }
    read_capped(file, cap)
}

/// Joins and removes `.`/`..` without touching the disk, so containment can be checked on
/// paths that may not exist.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Where a pack's files come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The default pack, compiled in: the project's `lessons/`, `starter/`, `solutions/`
    /// and `assets/` folders, seen as if they stood side by side under an empty root path.
    Embedded,
    Disk,
}

/// A folder that no path of a pack may leave, as a canonical path (on disk) or as the
/// empty path (the embedded folders).
#[derive(Debug, Clone)]
pub struct Root {
    source: Source,
    path: PathBuf,
}

impl Root {
    /// The root of the embedded pack: the project folder, holding `lessons/`, `starter/`...
    pub fn embedded() -> Root {
        Root {
            source: Source::Embedded,
            path: PathBuf::new(),
        }
    }

    /// The pack folder `dir` (canonical) itself: where `pack.yaml` and the lessons are.
    pub fn pack(dir: &Path) -> Root {
        Root {
            source: Source::Disk,
            path: dir.to_path_buf(),
        }
    }

    /// The root for the exercise files of the pack in `dir` (canonical): `dir` itself, or
    /// its parent when the parent holds [`PROJECT_MARKER`] (a project that keeps `lessons/`
    /// beside `starter/` and `solutions/`, as this repository does). A pack cannot put that
    /// marker above its own folder, so it cannot widen its root by itself.
    pub fn exercise(dir: &Path) -> Root {
        let path = dir
            .parent()
            .filter(|parent| {
                fs::symlink_metadata(parent.join(PROJECT_MARKER)).is_ok_and(|m| m.is_file())
            })
            .unwrap_or(dir)
            .to_path_buf();
        Root {
            source: Source::Disk,
            path,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `rel`, resolved against `base` (a folder inside the root, as returned by this
    /// function): refused if absolute, or if it leaves the root before or after its links are
    /// followed. The result is canonical, so it can be opened as it is.
    pub fn resolve(&self, base: &Path, rel: &str) -> Result<PathBuf, PathError> {
        let rel_path = Path::new(rel);
        if rel_path.has_root() || rel_path.is_absolute() {
            return Err(PathError::Absolute);
        }
        let joined = normalize(&base.join(rel_path));
        if !joined.starts_with(&self.path) || joined.starts_with("..") {
            return Err(PathError::Escapes);
        }
        match self.source {
            Source::Embedded => {
                if embedded(&joined).is_none() && embedded_dir(&joined).is_none() {
                    return Err(FileError::Missing.into());
                }
                Ok(joined)
            }
            Source::Disk => {
                let canonical = fs::canonicalize(&joined).map_err(FileError::from)?;
                if !canonical.starts_with(&self.path) {
                    return Err(PathError::LinkLeaves);
                }
                Ok(canonical)
            }
        }
    }

    /// A folder `rel` inside the root (the pack's `exercise_dir`).
    pub fn resolve_dir(&self, base: &Path, rel: &str) -> Result<PathBuf, PathError> {
        let path = self.resolve(base, rel)?;
        let is_dir = match self.source {
            Source::Embedded => embedded_dir(&path).is_some(),
            Source::Disk => fs::metadata(&path).is_ok_and(|m| m.is_dir()),
        };
        if is_dir {
            Ok(path)
        } else {
            Err(PathError::NotAFolder)
        }
    }

    /// Reads a file returned by [`Root::resolve`], at most `cap` bytes.
    pub fn read(&self, path: &Path, cap: u64) -> Result<Vec<u8>, FileError> {
        match self.source {
            Source::Embedded => {
                let bytes = embedded(path).ok_or(FileError::Missing)?;
                if bytes.len() as u64 > cap {
                    return Err(FileError::TooLarge);
                }
                Ok(bytes.to_vec())
            }
            Source::Disk => read_regular(path, cap),
        }
    }
}

/// The embedded folder holding `path` and the rest of the path inside it.
fn embedded_parts(path: &Path) -> Option<(&'static Dir<'static>, &Path)> {
    let mut parts = path.components();
    let top = match parts.next()? {
        Component::Normal(s) => s.to_str()?,
        _ => return None,
    };
    let dir = match top {
        "lessons" => &LESSONS,
        "starter" => &STARTER,
        "solutions" => &SOLUTIONS,
        "assets" => &ASSETS,
        _ => return None,
    };
    Some((dir, parts.as_path()))
}

/// A file of the embedded folders by its path from the project root.
pub fn embedded(path: &Path) -> Option<&'static [u8]> {
    let (dir, rest) = embedded_parts(path)?;
    dir.get_file(rest).map(|f| f.contents())
}

/// A folder of the embedded ones (the project root is the empty path).
fn embedded_dir(path: &Path) -> Option<()> {
    if path.as_os_str().is_empty() {
        return Some(());
    }
    let (dir, rest) = embedded_parts(path)?;
    if rest.as_os_str().is_empty() {
        return Some(());
    }
    dir.get_dir(rest).map(|_| ())
}
