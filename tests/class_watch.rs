//! `stagecraft class watch` in a pseudo-terminal over a shared folder that three simulated
//! students fill as they work. Each student is the tutorial's own `App` (the code a
//! student's seat runs), so the files are the ones the tutorial really writes.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stagecraft::pack::Pack;
use stagecraft::tui::app::App;
use stagecraft::workspace::claim::Owner;
use stagecraft::workspace::{Workspace, unix_now};
use support::pty::{DOWN, ENTER, ESC, Session};

/// A student at a seat: their tutorial, working in `students/<name>/`.
struct Seat {
    app: App,
}

impl Seat {
    fn sit(share: &Path, name: &str, started_secs_ago: u64) -> Seat {
        let pack = Pack::embedded().unwrap();
        let folder = share.join("students").join(name);
        let ws = Workspace::for_student(&folder, &pack).unwrap();
        // The owner file a running session keeps fresh.
        let mut me = Owner::me(name, unix_now());
        me.started_at -= started_secs_ago;
        std::fs::write(folder.join("owner.json"), serde_json::to_vec(&me).unwrap()).unwrap();
        let text = pack.starter.text.clone();
        let (progress, _) = ws.load_progress();
        let mut app = App::new(pack, &text, progress, Some(ws), false, false);
        app.save().unwrap();
        Seat { app }
    }

    /// Replaces the whole text, as typing it would, and saves.
    fn write(&mut self, text: &str) {
        self.app
            .handle_key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL));
        self.app.paste(text);
        self.app.refresh();
        self.app.save().unwrap();
    }

    fn hint(&mut self) {
        self.app
            .handle_key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE));
        self.app.save().unwrap();
    }
}

/// The starter with TODO 1 done: a named build stage and a runtime stage.
fn todo_1_done(starter: &str) -> String {
    starter.replacen(
        "FROM python:3.11",
        "FROM python:3.11 AS builder\nFROM python:3.11-slim",
        1,
    )
}

/// The row of the screen that names `who`.
fn row_of(s: &Session, who: &str) -> String {
    s.contents()
        .lines()
        .find(|l| l.contains(who))
        .unwrap_or_else(|| panic!("{who} not on screen:\n{}", s.contents()))
        .to_string()
}

fn wait_row(s: &Session, who: &str, ok: impl Fn(&str) -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if s.contents()
            .lines()
            .find(|l| l.contains(who))
            .is_some_and(&ok)
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{who}'s row never showed {what}:\n{}", s.contents());
}

/// The index of the screen line naming `who`.
fn line_no(s: &Session, who: &str) -> usize {
    s.contents()
        .lines()
        .position(|l| l.contains(who))
        .unwrap_or_else(|| panic!("{who} not on screen:\n{}", s.contents()))
}

#[test]
fn the_instructor_watches_three_students_progress() {
    let share = tempfile::tempdir().unwrap();
    let pack = Pack::embedded().unwrap();
    let starter = pack.starter.text.clone();
    let solution = pack.solutions[0].text.clone();

    let mut ana = Seat::sit(share.path(), "Ana", 60);
    let mut bo = Seat::sit(share.path(), "Bo", 120);
    // Cy has been at it for 15 minutes without a single ✓.
    let _cy = Seat::sit(share.path(), "Cy", 15 * 60);

    let mut s = Session::start(
        share.path(),
        &[
            "class",
            "watch",
            share.path().to_str().unwrap(),
            "--poll",
            "1",
            "--stuck-after",
            "10",
        ],
        &[],
        (120, 30),
    );
    s.wait_for("3 students");
    // Cy is flagged and sorted to the top; Ana and Bo are working.
    wait_row(
        &s,
        "Cy",
        |l| l.contains("no new ✓ for 15 min"),
        "the stuck flag",
    );
    assert!(row_of(&s, "Cy").starts_with("! Cy"), "{}", s.contents());
    assert!(line_no(&s, "Cy") < line_no(&s, "Ana"), "{}", s.contents());
    assert!(
        row_of(&s, "Ana").contains("✗ ✗ ✗ ✗ ✗ ✗ ✗"),
        "{}",
        s.contents()
    );
    s.wait_for("1 stuck");

    // Ana fixes TODO 1: her first cell turns ✓ and the pass count row says so.
    ana.write(&todo_1_done(&starter));
    wait_row(&s, "Ana", |l| l.contains("✓ ✗ ✗ ✗ ✗ ✗ ✗"), "TODO 1 passing");
    wait_row(
        &s,
        "passing now",
        |l| l.contains("1 0 0 0 0 0 0  of 3"),
        "one pass of TODO 1",
    );

    // Bo takes three hints on TODO 1: flagged, and up top with Cy.
    for _ in 0..3 {
        bo.hint();
    }
    wait_row(
        &s,
        "Bo",
        |l| l.contains("3 hints on TODO 1"),
        "the hints flag",
    );
    assert!(line_no(&s, "Bo") < line_no(&s, "Ana"), "{}", s.contents());
    s.wait_for("2 stuck");

    // Ana finishes: seven ✓.
    ana.write(&solution);
    wait_row(&s, "Ana", |l| l.contains("✓ ✓ ✓ ✓ ✓ ✓ ✓"), "all seven");

    // Bo's fix clears the hints flag.
    bo.write(&todo_1_done(&starter));
    wait_row(
        &s,
        "Bo",
        |l| !l.contains("3 hints") && l.contains("✓ ✗"),
        "the flag gone",
    );
    s.wait_for("1 stuck");

    // A folder whose progress file was cut short: "unreadable", and the view goes on.
    let dee = share.path().join("students/Dee");
    std::fs::create_dir_all(&dee).unwrap();
    std::fs::write(
        dee.join("progress.json"),
        "{\"version\": 2, \"files\": {\"Dockerfile\": {\"les",
    )
    .unwrap();
    wait_row(&s, "Dee", |l| l.contains("unreadable"), "unreadable");
    s.wait_for("4 students");

    // Enter on a student: their file and failing checks, read-only.
    let cy_row = line_no(&s, "Cy") - 2;
    for _ in 0..cy_row {
        s.send(DOWN);
    }
    s.send(ENTER);
    s.wait_for("read-only");
    s.wait_for("✗ TODO 1  A proper build stage");
    s.wait_for("SC101");
    // The file is below its checks: End shows its last lines, the failing one marked.
    s.send("\x1b[F");
    s.wait_for("✗ 57 CMD python app.py");
    s.send(ESC);
    s.wait_for("passing now");

    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
}
