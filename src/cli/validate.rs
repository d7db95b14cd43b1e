//! `stagecraft lessons validate [DIR]`.

use std::path::PathBuf;

use super::{EXIT_OK, EXIT_USAGE};
use crate::pack;

pub fn run(dir: Option<&PathBuf>) -> (String, u8) {
    let pack = match super::load_pack(dir) {
        Ok(p) => p,
        Err(e) => return (e + "\n", EXIT_USAGE),
    };
    match pack::validate(&pack) {
        Ok(()) => (
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
        Err(e) => (e.to_string(), EXIT_USAGE),
    }
}
