//! If the tutorial panics anyway, the panic hook writes the unsaved text beside the file
//! (`Dockerfile.rescue`, atomically, never over the Dockerfile) before it restores the
//! terminal. The event loop keeps [`Slot`] up to date after every burst of input.

use std::panic::PanicHookInfo;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, TryLockError};

use crate::fsio::FsError;
use crate::workspace;

/// What the hook needs: where the file is and the text not yet saved.
#[derive(Debug, Clone, Default)]
pub struct Unsaved {
    pub dockerfile: PathBuf,
    pub data_dir: Option<PathBuf>,
    /// None while the file on disk holds the text.
    pub text: Option<String>,
}

pub type Slot = Arc<Mutex<Unsaved>>;

/// Writes the slot's unsaved text to its rescue file; None when there is nothing to save
/// (or the slot is busy, which a panic in the middle of an update can leave it).
pub fn rescue_now(slot: &Slot) -> Option<Result<PathBuf, FsError>> {
    let guard = match slot.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => return None,
    };
    let text = guard.text.as_ref()?;
    Some(workspace::rescue(
        &guard.dockerfile,
        guard.data_dir.as_deref(),
        text,
    ))
}

/// Installs the hook: rescue, then `restore` the terminal, then the default report, then
/// where the text went.
pub fn install_hook(slot: Slot, restore: fn()) {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info: &PanicHookInfo| {
        let saved = rescue_now(&slot);
        restore();
        default_hook(info);
        match saved {
            Some(Ok(path)) => eprintln!(
                "stagecraft stopped on an internal error; your unsaved text is in {}",
                path.display()
            ),
            Some(Err(e)) => {
                eprintln!("stagecraft stopped; the unsaved text could not be kept: {e}")
            }
            None => {}
        }
    }));
}
