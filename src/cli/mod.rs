//! Command-line views: thin wrappers that read a file, call the engine and print.

pub mod analyze;
pub mod autograde;
pub mod check;
pub mod class;
pub mod compare;
pub mod explain;
pub mod validate;

use std::path::Path;

use crate::pack::files::{self, FileError};
use crate::pack::{Pack, PackErrors};
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

/// A Dockerfile that was not read, and why; the message names it and says why (no separate
/// `source()`, so printing the causes too does not say it twice).
#[derive(Debug, thiserror::Error)]
#[error("{name}: {error}")]
pub struct InputError {
    pub name: String,
    pub error: FileError,
}

/// Reads `path` (`-` for stdin), under the same rule as a pack's files: a regular file (or
/// standard input) of at most 1 MiB.
pub fn read_input(path: &Path) -> Result<Input, InputError> {
    let (name, bytes) = if path == Path::new("-") {
        (
            "<stdin>".to_string(),
            files::read_capped(std::io::stdin().lock(), files::MAX_FILE_BYTES),
        )
    } else {
        (
            path.display().to_string(),
            files::read_regular(path, files::MAX_FILE_BYTES),
        )
    };
    let bytes = bytes.map_err(|error| InputError {
        name: name.clone(),
        error,
    })?;
    let (text, warning) = syntax::decode(&bytes);
    Ok(Input {
        name,
        text,
        warning,
    })
}

/// The pack for every command: the embedded one, or the one in `dir`, loaded and validated.
pub fn load_pack(dir: Option<&Path>) -> Result<Pack, PackErrors> {
    Pack::open(dir)
}

/// What a command has to say: text for standard output and for standard error, and the exit
/// code. `main` writes it, and owns what happens when writing fails.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

impl Output {
    pub fn out(stdout: String, code: u8) -> Output {
        Output {
            stdout,
            code,
            ..Output::default()
        }
    }

    /// A usage or input error: one message on stderr, exit 2.
    pub fn error(message: impl std::fmt::Display) -> Output {
        let message = message.to_string();
        Output {
            stderr: format!("stagecraft: {}\n", message.trim_end()),
            code: EXIT_USAGE,
            ..Output::default()
        }
    }
}
