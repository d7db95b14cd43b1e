//! Where a pack's files come from: embedded in the binary, or a folder on disk.

use std::io;
use std::path::{Component, Path, PathBuf};

use include_dir::{Dir, include_dir};

static LESSONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");
static SOLUTIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/solutions");
static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets");

#[derive(Debug, Clone)]
pub enum Source {
    /// The default pack, compiled in: the project's `lessons/`, `starter/`, `solutions/`
    /// and `assets/` folders, seen as if they stood side by side.
    Embedded,
    Disk,
}

impl Source {
    /// Reads a file given by its normalized path (`lessons/pack.yaml`, `/home/x/pack.yaml`).
    pub fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self {
            Source::Disk => std::fs::read(path),
            Source::Embedded => embedded(path)
                .map(|b| b.to_vec())
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not in the embedded pack")),
        }
    }
}

/// A file of the embedded folders by its path from the project root.
pub fn embedded(path: &Path) -> Option<&'static [u8]> {
    let mut parts = path.components();
    let top = match parts.next()? {
        Component::Normal(s) => s.to_str()?,
        _ => return None,
    };
    let rest = parts.as_path();
    let dir = match top {
        "lessons" => &LESSONS,
        "starter" => &STARTER,
        "solutions" => &SOLUTIONS,
        "assets" => &ASSETS,
        _ => return None,
    };
    dir.get_file(rest).map(|f| f.contents())
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
