//! `stagecraft lessons validate [DIR]`.

use std::path::Path;

use super::{EXIT_OK, Output};

pub fn run(dir: Option<&Path>) -> Output {
    match super::load_pack(dir) {
        Ok(pack) => Output::out(
            format!(
                "{} {}: {} lessons, starter fails all {} TODOs, {} solutions pass them all\n",
                pack.name,
                pack.version,
                pack.lessons.len(),
                pack.lessons.len(),
                pack.solutions.len()
            ),
            EXIT_OK,
        ),
        // One `file:line:col: message` per line, as compilers print them.
        Err(e) => Output {
            stderr: e.to_string(),
            code: super::EXIT_USAGE,
            ..Output::default()
        },
    }
}
