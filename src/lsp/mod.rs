//! `stagecraft lsp`: the grader in the learner's own editor, over the Language Server
//! Protocol on standard input and output.
//!
//! It grades each open Dockerfile with the engine `check` uses ([`crate::grade::Analysis`]),
//! on open and on every change, and publishes one diagnostic per failing rule (the rule id
//! as its code, the message starting with the TODO), syntax problems as errors, the rule's
//! explanation on hover, quick fixes where the edit is certain, and the TODO count as a code
//! lens on line 1 and a `window/showMessage` whenever it changes.
//!
//! Layers: [`transport`] (bytes ↔ messages) → [`server`] (the loop, documents, requests) →
//! [`worker`] (grading off the loop, latest text wins) → [`grading`] (analysis → LSP
//! diagnostics, fixes and summary), with [`document`] (text and UTF-16 positions) and
//! [`fix`] (the quick fixes' edits).

#[doc(hidden)]
pub mod client;
pub mod document;
pub mod fix;
pub mod grading;
pub mod server;
pub mod transport;
pub mod worker;

use std::path::Path;

use crate::pack::Pack;

/// The protocol types, for the fuzz target and tests that build requests.
pub use lsp_types;
pub use server::{Ended, serve};

/// The tracks the server can grade against today. Tracks (issue 20) are wired in here and
/// only here: `--track NAME`, and the folder `stagecraft init` wrote, choose the pack.
pub const TRACKS: &[&str] = &["python"];

/// The pack the server grades with: the one place a track or a pack folder is chosen.
/// Today the only track is the built-in Python/Flask one (`--pack DIR` loads another pack,
/// exactly as `check --pack` does).
pub fn pack_for(track: Option<&str>, pack_dir: Option<&Path>) -> Result<Pack, String> {
    if let Some(track) = track
        && !TRACKS.contains(&track)
    {
        return Err(format!(
            "--track {}: no such track (the tracks are: {})",
            crate::text::printable(track),
            TRACKS.join(", ")
        ));
    }
    crate::cli::load_pack(pack_dir).map_err(|e| e.to_string())
}

/// Serves on standard input and output until the client says `exit` or goes away; returns
/// the process's exit code.
pub fn run_stdio(pack: Pack) -> u8 {
    let (connection, transport) = match transport::stdio() {
        Ok(c) => c,
        Err(e) => {
            transport::log(&format!("could not start: {e}"));
            return 1;
        }
    };
    let ended = serve(connection, pack);
    // The session (and every sender to the writer) is gone: what it sent is written (two
    // seconds at most), then the process exits.
    transport.finish();
    ended.code()
}
