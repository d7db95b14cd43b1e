//! Command-line views: thin wrappers that read a file, call the engine and print.

pub mod analyze;
pub mod check;
pub mod compare;
pub mod validate;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::pack::Pack;
use crate::syntax::{self, Diagnostic};

/// Exit codes shared by the commands.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILING: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// A Dockerfile read for a command: its name as shown, its text, and a decoding warning.
pub struct Input {
    pub name: String,
    pub text: String,
    pub warning: Option<Diagnostic>,
}

/// Reads `path` (`-` for stdin). Errors name the file.
pub fn read_input(path: &Path) -> Result<Input, String> {
    let (name, bytes) = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("<stdin>: {e}"))?;
        ("<stdin>".to_string(), buf)
    } else {
        let bytes =
            std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        (path.display().to_string(), bytes)
    };
    let (text, warning) = syntax::decode(&bytes);
    Ok(Input {
        name,
        text,
        warning,
    })
}

/// The embedded pack, or the one in `dir`; errors are printed `file:line:col: message`.
pub fn load_pack(dir: Option<&PathBuf>) -> Result<Pack, String> {
    match dir {
        Some(d) => Pack::from_dir(d),
        None => Pack::embedded(),
    }
    .map_err(|e| e.to_string().trim_end().to_string())
}
