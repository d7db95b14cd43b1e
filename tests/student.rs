//! Students in a shared folder, driven as a class would: `--student NAME` (or
//! `STAGECRAFT_STUDENT`) in a pseudo-terminal, a namesake at another seat, a share that
//! stops answering.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::pty::{CTRL_Q, Session};

const SIZE: (u16, u16) = (110, 30);

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

fn stagecraft_at_another_seat(data: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stagecraft"));
    cmd.args(args)
        .env("STAGECRAFT_DATA_DIR", data)
        .env_remove("STAGECRAFT_STUDENT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_student_works_in_their_own_folder_and_a_namesake_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("students/Ada");
    let mut ada = Session::start(data.path(), &["--student", "Ada"], &[], SIZE);
    ada.wait_for("0/7 TODOs");
    ada.send("# ada was here\r");
    wait_for_file(&folder.join("Dockerfile"), |t| {
        t.starts_with("# ada was here\n")
    });

    // Another student types the same name (here through the environment): refused,
    // and nothing of Ada's is touched.
    let (code, err) =
        stagecraft_at_another_seat(data.path(), &[], &[("STAGECRAFT_STUDENT", "Ada")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is in use by \"Ada\""), "{err}");
    assert!(err.contains("--student \"Ada-2\""), "{err}");
    let text = std::fs::read_to_string(folder.join("Dockerfile")).unwrap();
    assert!(text.starts_with("# ada was here\n"));

    ada.send(CTRL_Q);
    ada.wait_exit();
    let owner: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("owner.json")).unwrap()).unwrap();
    assert!(owner["ended_at"].is_u64(), "{owner}");
    let progress: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("progress.json")).unwrap()).unwrap();
    assert_eq!(progress["version"], 2);
    let record = &progress["files"]["Dockerfile"];
    assert_eq!(record["todos"]["1"]["passes_now"], false);
    assert_eq!(record["todos"]["1"]["failing_rule"], "SC101");
    assert!(record["changed_at"].is_u64(), "{record}");

    // Ada comes back (the same login): her text is there.
    let mut again = Session::start(data.path(), &[], &[("STAGECRAFT_STUDENT", "Ada")], SIZE);
    again.wait_for("# ada was here");
    again.send(CTRL_Q);
    again.wait_exit();
}

#[test]
fn an_unsafe_name_is_made_safe_and_the_student_is_told() {
    let data = tempfile::tempdir().unwrap();
    let mut s = Session::start(data.path(), &["--student", "../Eve/x"], &[], (160, 30));
    s.wait_for("Your folder is named \"Eve-x\": path separator `/` replaced by `-`");
    s.send(CTRL_Q);
    s.wait_exit();
    assert!(data.path().join("students/Eve-x/Dockerfile").is_file());
    let entries: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["students"], "nothing outside the students folder");
    let (code, err) = stagecraft_at_another_seat(data.path(), &["--student", ".."], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("has no letter or digit"), "{err}");
    let (code, err) =
        stagecraft_at_another_seat(data.path(), &["--student", "x", "--file", "D"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn a_share_that_stops_answering_never_blocks_typing() {
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("students/Sam");
    let mut s = Session::start(data.path(), &["--student", "Sam"], &[], SIZE);
    s.wait_for("0/7 TODOs");
    // The progress file becomes a FIFO: reading it blocks until someone writes, as a
    // hung network share does.
    let progress = folder.join("progress.json");
    let _ = std::fs::remove_file(&progress);
    let c = std::ffi::CString::new(progress.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    s.send("# one\r");
    wait_for_file(&folder.join("Dockerfile"), |t| t.starts_with("# one\n"));
    // The disk thread is now stuck on the progress file; typing goes on.
    let typed = Instant::now();
    s.send("# two\r");
    s.wait_for("# two");
    assert!(typed.elapsed() < Duration::from_secs(2));
    s.wait_for("Saving in the background: the folder is slow");
    s.wait_for("· saving");
    assert!(
        !std::fs::read_to_string(folder.join("Dockerfile"))
            .unwrap()
            .contains("# two"),
        "queued behind the stuck write"
    );
    // The share answers again: everything is written, in order.
    std::fs::write(&progress, r#"{"version": 2, "files": {}}"#).unwrap();
    wait_for_file(&folder.join("Dockerfile"), |t| {
        t.starts_with("# one\n# two\n")
    });
    s.wait_for("· saved");
    s.send(CTRL_Q);
    s.wait_exit();
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&progress).unwrap()).unwrap();
    assert!(
        written["files"]["Dockerfile"]["todos"].is_object(),
        "{written}"
    );
}

#[test]
fn the_tutorial_records_each_todo_for_the_instructor() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use stagecraft::pack::Pack;
    use stagecraft::tui::app::App;
    use stagecraft::workspace::{Progress, Workspace, unix_now};

    let dir = tempfile::tempdir().unwrap();
    let pack = Pack::embedded().unwrap();
    let ws = Workspace::for_student(&dir.path().join("students/Ana"), &pack).unwrap();
    let starter = pack.starter.text.clone();
    let mut app = App::new(
        pack,
        &starter,
        Progress::default(),
        Some(ws.clone()),
        false,
        false,
    );
    let key = |app: &mut App, code: KeyCode, mods: KeyModifiers| {
        app.handle_key(KeyEvent::new(code, mods));
    };
    for _ in 0..3 {
        key(&mut app, KeyCode::F(2), KeyModifiers::NONE);
    }
    // The fourth asks for the solution.
    key(&mut app, KeyCode::F(2), KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('y'), KeyModifiers::NONE);
    std::thread::sleep(Duration::from_millis(1100));
    let before = unix_now();
    let text = starter.replacen(
        "FROM python:3.11",
        "FROM python:3.11 AS builder\nFROM python:3.11-slim",
        1,
    );
    key(&mut app, KeyCode::Char('a'), KeyModifiers::CONTROL);
    app.paste(&text);
    app.refresh();
    app.save().unwrap();

    let (p, _) = ws.load_progress();
    let one = p.todo(1);
    assert_eq!((one.hints, one.solution_shown), (3, true), "{one:?}");
    assert!(one.passed && one.passes_now && one.failing_rule.is_none());
    let at = one.first_passed_at.unwrap();
    assert!(at >= before && at <= unix_now() + 1, "{at}");
    assert!(one.seconds_spent >= 1, "time on lesson 1: {one:?}");
    let two = p.todo(2);
    assert!(!two.passed && !two.passes_now);
    // The rule `check` names first for TODO 2.
    let graded = stagecraft::grade::Analysis::of(&text, app.pack());
    let first = graded.todos[1].failing().next().unwrap().id.clone();
    assert_eq!(two.failing_rule, Some(first));
    assert!(p.changed_at.is_some_and(|t| t >= before));
}
