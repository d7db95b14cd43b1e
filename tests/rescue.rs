//! A panic anyway: the hook keeps the unsaved text in `Dockerfile.rescue` beside the file,
//! before the terminal is restored, and never touches the Dockerfile itself. Its own test
//! binary, because a panic hook is process-wide.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use stagecraft::tui::rescue::{self, Unsaved};

static RESTORED: AtomicBool = AtomicBool::new(false);
static RESCUE_EXISTED_AT_RESTORE: AtomicBool = AtomicBool::new(false);
static WATCH: Mutex<Option<PathBuf>> = Mutex::new(None);

fn restore() {
    let rescued = WATCH.lock().unwrap().as_ref().is_some_and(|p| p.exists());
    RESCUE_EXISTED_AT_RESTORE.store(rescued, Ordering::SeqCst);
    RESTORED.store(true, Ordering::SeqCst);
}

#[test]
fn a_panic_keeps_the_unsaved_text_beside_the_file_before_restoring_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, "FROM saved AS builder\n").unwrap();
    let rescue_path = dir.path().join("Dockerfile.rescue");
    *WATCH.lock().unwrap() = Some(rescue_path.clone());
    let slot = Arc::new(Mutex::new(Unsaved {
        dockerfile: file.clone(),
        data_dir: Some(dir.path().to_path_buf()),
        text: Some("FROM unsaved AS builder\n".into()),
    }));
    rescue::install_hook(Arc::clone(&slot), restore);
    let result = std::thread::spawn(|| panic!("an input nobody foresaw")).join();
    assert!(result.is_err());
    assert!(RESTORED.load(Ordering::SeqCst), "the terminal was restored");
    assert!(
        RESCUE_EXISTED_AT_RESTORE.load(Ordering::SeqCst),
        "the text was written before the terminal was restored"
    );
    assert_eq!(
        std::fs::read_to_string(&rescue_path).unwrap(),
        "FROM unsaved AS builder\n"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "FROM saved AS builder\n",
        "the good file is left alone"
    );

    // With nothing unsaved, a panic writes nothing.
    std::fs::remove_file(&rescue_path).unwrap();
    slot.lock().unwrap().text = None;
    let _ = std::thread::spawn(|| panic!("again")).join();
    assert!(!rescue_path.exists());

    // A poisoned slot (the panic happened while it was held) still gives up its text.
    slot.lock().unwrap().text = Some("FROM poisoned\n".into());
    let held = Arc::clone(&slot);
    let _ = std::thread::spawn(move || {
        let _guard = held.lock().unwrap();
        // The hook runs while this thread holds the lock: it cannot wait for it.
        panic!("while holding the slot");
    })
    .join();
    assert!(slot.is_poisoned());
    assert!(rescue::rescue_now(&slot).unwrap().is_ok());
    assert_eq!(
        std::fs::read_to_string(&rescue_path).unwrap(),
        "FROM poisoned\n"
    );
}
