//! The real binary in a pseudo-terminal, driven as a learner would: type, read the screen,
//! quit, come back, and survive a kill -9.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::pty::{CTRL_Q, Session};

/// The tutorial on `data`, with `args`, in a 110×30 terminal.
fn start_with(data: &Path, args: &[&str]) -> Session {
    Session::start(data, args, &[], (110, 30))
}

fn start(data: &Path) -> Session {
    start_with(data, &[])
}

const F2: &str = "\x1b[12~";
const F9: &str = "\x1b[20~";
const CTRL_Z: &str = "\x1a";
const F7: &str = "\x1b[18~";
const END: &str = "\x1b[F";

#[test]
fn a_learner_fixes_todo_1_quits_and_comes_back() {
    let data = tempfile::tempdir().unwrap();
    let mut s = start(data.path());
    s.wait_for("TODO 1/7: A proper build stage");
    s.wait_for("0/7 TODOs");
    // F7 puts the cursor on the line the first failing check points at: the FROM.
    s.send(F7);
    s.send(END);
    s.send(" AS builder");
    s.send("\rFROM python:3.11-slim");
    s.wait_for("✓ TODO 1/7");
    s.wait_for("TODO 1 passes! F6: next lesson");
    s.send(F2);
    s.wait_for("Hint 1/3");
    s.send(CTRL_Q);
    s.wait_exit();

    let saved = std::fs::read_to_string(data.path().join("lab/Dockerfile")).unwrap();
    assert!(
        saved.contains("FROM python:3.11 AS builder\nFROM python:3.11-slim\n"),
        "{saved}"
    );
    let progress: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.path().join("progress.json")).unwrap())
            .unwrap();
    let file = progress["files"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!(file["hints_used"]["1"], 1);
    assert_eq!(file["cursor"][0], 14, "cursor on the second FROM (line 15)");

    // Back again: the text, the hint and the cursor are restored.
    let mut s = start(data.path());
    s.wait_for("✓ TODO 1/7");
    s.wait_for("Hint 1/3");
    s.send("X");
    s.send(CTRL_Q);
    s.wait_exit();
    let saved = std::fs::read_to_string(data.path().join("lab/Dockerfile")).unwrap();
    assert!(
        saved.contains("FROM python:3.11-slimX\n"),
        "typed at the restored cursor: {saved}"
    );
}

#[test]
fn kill_9_loses_at_most_the_last_second() {
    let data = tempfile::tempdir().unwrap();
    let mut s = start(data.path());
    s.wait_for("0/7 TODOs");
    s.send("# my edit\r");
    s.wait_for("unsaved");
    s.wait_for("· saved");
    s.child.kill().unwrap();
    let _ = s.child.wait();
    let saved = std::fs::read_to_string(data.path().join("lab/Dockerfile")).unwrap();
    assert!(
        saved.starts_with("# my edit\n# Multi-stage build exercise"),
        "{saved}"
    );
}

#[test]
fn a_hang_up_saves_and_exits() {
    let data = tempfile::tempdir().unwrap();
    let mut s = start(data.path());
    s.wait_for("0/7 TODOs");
    s.send("# typed just before the window closed\r");
    s.wait_for("# typed just before the window closed");
    s.wait_for("unsaved");
    s.hang_up();
    s.wait_exit();
    let saved = std::fs::read_to_string(data.path().join("lab/Dockerfile")).unwrap();
    assert!(
        saved.starts_with("# typed just before the window closed\n"),
        "{saved}"
    );
}

/// Waits until `path` holds text for which `ok` is true.
fn wait_for_file(path: &Path, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if ok(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never matched:\n{text}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_edit_made_elsewhere_is_loaded_and_never_overwritten() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("lab/Dockerfile");
    let mut s = start(data.path());
    s.wait_for("0/7 TODOs");
    // Another editor saves the file while the tutorial has no edits of its own: loaded
    // and graded.
    std::fs::write(
        &file,
        "FROM python:3.11-slim AS builder\nFROM python:3.11-slim\n",
    )
    .unwrap();
    s.wait_for("Reloaded");
    s.wait_for("✓ TODO 1/7");
    // Now both sides change: the tutorial asks, and the other editor's text stays put.
    s.send("# mine\r");
    std::fs::write(&file, "FROM python:3.11 AS theirs\n").unwrap();
    s.wait_for("Changed on disk");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "FROM python:3.11 AS theirs\n",
        "not overwritten while the question is open"
    );
    s.send("k");
    let mine = wait_for_file(&file, |t| t.starts_with("# mine\n"));
    assert!(mine.contains("FROM python:3.11-slim AS builder"), "{mine}");
    assert_eq!(
        std::fs::read_to_string(data.path().join("lab/Dockerfile.disk")).unwrap(),
        "FROM python:3.11 AS theirs\n",
        "the other version is kept too"
    );
    s.send(CTRL_Q);
    s.wait_exit();
}

#[test]
fn reset_then_undo_brings_the_text_back_on_disk() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("lab/Dockerfile");
    let mut s = start(data.path());
    s.wait_for("0/7 TODOs");
    s.send("# my own work\r");
    wait_for_file(&file, |t| t.starts_with("# my own work\n"));
    s.send(F9);
    s.wait_for("Put the starter Dockerfile back?");
    s.send("y");
    s.wait_for("Starter restored");
    wait_for_file(&file, |t| t.starts_with("# Multi-stage build exercise"));
    s.send(CTRL_Z);
    let back = wait_for_file(&file, |t| t.starts_with("# my own work\n"));
    assert!(back.contains("# Multi-stage build exercise"), "{back}");
    s.send(CTRL_Q);
    s.wait_exit();
}

#[test]
fn esc_then_an_f_key_types_nothing_into_the_file() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("lab/Dockerfile");
    let mut s = start(data.path());
    s.wait_for("TODO 1/7");
    // Esc and F6 pressed together arrive as one write: ESC ESC [17~.
    s.send("\x1b\x1b[17~");
    s.wait_for("TODO 2/7");
    s.send(CTRL_Q);
    s.wait_exit();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("[17~") && !text.contains("17~"), "{text}");
    assert!(text.starts_with("# Multi-stage build exercise\n"), "{text}");
}

#[test]
fn a_symlinked_file_is_saved_through_the_link() {
    use std::os::unix::fs::PermissionsExt;
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let real = work.path().join("real.Dockerfile");
    std::fs::write(&real, "FROM python:3.11\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o664)).unwrap();
    let link = work.path().join("Dockerfile");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut s = start_with(data.path(), &["--file", link.to_str().unwrap()]);
    s.wait_for("TODO 1/7");
    s.send("# via the link\r");
    s.wait_for("# via the link");
    s.send(CTRL_Q);
    s.wait_exit();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "# via the link\nFROM python:3.11\n"
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
}
