//! `class watch` drawn into a test terminal: the table with every kind of student, the
//! detail view, the help, ASCII mode and a window too small. Snapshots are committed.

use std::path::Path;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use stagecraft::class::watch::{Watch, ui};
use stagecraft::pack::Pack;
use stagecraft::workspace::claim::Owner;
use stagecraft::workspace::{Progress, Workspace};

/// The clock the snapshots are drawn at.
const NOW: u64 = 1_700_000_000;

fn owner(name: &str, started_ago: u64, closed: bool) -> Owner {
    Owner {
        name: name.into(),
        login: name.to_lowercase(),
        host: "lab-01".into(),
        pid: 4242,
        session: format!("lab-01-{name}"),
        started_at: NOW - started_ago,
        heartbeat_at: NOW - 5,
        ended_at: closed.then_some(NOW - 5),
    }
}

fn student(share: &Path, name: &str, owner: Option<Owner>, edit: impl FnOnce(&mut Progress)) {
    let pack = Pack::embedded().unwrap();
    let folder = share.join("students").join(name);
    let ws = Workspace::for_student(&folder, &pack).unwrap();
    let mut p = Progress {
        changed_at: Some(NOW - 90),
        ..Progress::default()
    };
    for t in 1..=7 {
        p.todo_mut(t).failing_rule = Some(format!("SC{t}01"));
    }
    edit(&mut p);
    ws.save_progress(&p).unwrap();
    if let Some(o) = owner {
        std::fs::write(folder.join("owner.json"), serde_json::to_vec(&o).unwrap()).unwrap();
    }
}

fn pass(p: &mut Progress, todo: u32, at: u64) {
    let r = p.todo_mut(todo);
    r.passed = true;
    r.passes_now = true;
    r.failing_rule = None;
    r.first_passed_at = Some(at);
}

fn class(share: &Path) {
    student(share, "Ana", Some(owner("Ana", 3000, false)), |p| {
        p.lesson = 7;
        for t in 1..=7 {
            pass(p, t, NOW - 100);
        }
    });
    student(share, "Bo", Some(owner("Bo", 300, false)), |p| {
        p.lesson = 2;
        pass(p, 1, NOW - 200);
        p.todo_mut(2).hints = 3;
    });
    student(share, "Cy", Some(owner("Cy", 20 * 60, false)), |p| {
        p.changed_at = Some(NOW - 700);
    });
    student(share, "Fay", Some(owner("Fay", 5000, true)), |p| {
        p.lesson = 3;
        pass(p, 1, NOW - 4000);
        pass(p, 2, NOW - 3000);
    });
    let dee = share.join("students/Dee");
    std::fs::create_dir_all(&dee).unwrap();
    std::fs::write(dee.join("progress.json"), "{\"version\": 2, \"fi").unwrap();
    std::fs::create_dir_all(share.join("students/Eve")).unwrap();
}

fn screen(w: &mut Watch, width: u16, height: u16, share: &Path) -> String {
    w.resize(width, height);
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| ui::draw(f, w)).unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let row: String = (0..width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out.replace(&share.join("students").display().to_string(), "<DIR>")
}

fn key(w: &mut Watch, code: KeyCode) {
    w.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn watch(share: &Path) -> Watch {
    let mut w = Watch::new(
        share,
        Pack::embedded().unwrap(),
        Duration::from_secs(600),
        Duration::from_secs(3),
    );
    w.resize(100, 16);
    w.refresh(NOW);
    w
}

#[test]
fn the_class_table() {
    let share = tempfile::tempdir().unwrap();
    class(share.path());
    let mut w = watch(share.path());
    let s = screen(&mut w, 100, 16, share.path());
    insta::assert_snapshot!("class_table", s);
    // Stuck first (the longest wait first), then unreadable, then by name.
    let order: Vec<&str> = w.rows().iter().map(|r| r.student.name.as_str()).collect();
    assert_eq!(order, ["Cy", "Bo", "Dee", "Ana", "Eve", "Fay"]);
}

#[test]
fn the_class_table_in_ascii() {
    let share = tempfile::tempdir().unwrap();
    class(share.path());
    let mut w = watch(share.path());
    w.set_style(true, false);
    let s = screen(&mut w, 80, 14, share.path());
    assert!(s.is_ascii(), "{s}");
    insta::assert_snapshot!("class_table_ascii", s);
}

#[test]
fn a_student_opened_and_the_help() {
    let share = tempfile::tempdir().unwrap();
    class(share.path());
    let mut w = watch(share.path());
    // Down to Bo, then open.
    key(&mut w, KeyCode::Down);
    key(&mut w, KeyCode::Enter);
    insta::assert_snapshot!("student_detail", screen(&mut w, 100, 16, share.path()));
    key(&mut w, KeyCode::End);
    let end = screen(&mut w, 100, 16, share.path());
    assert!(end.contains("✗ 57 CMD python app.py"), "{end}");
    key(&mut w, KeyCode::Esc);
    key(&mut w, KeyCode::Char('?'));
    insta::assert_snapshot!("help", screen(&mut w, 100, 30, share.path()));
    key(&mut w, KeyCode::Esc);
    assert!(!w.help_shown());
    w.set_style(true, false);
    key(&mut w, KeyCode::F(1));
    let help = screen(&mut w, 100, 30, share.path());
    assert!(help.is_ascii(), "{help}");
    key(&mut w, KeyCode::Esc);
    let tiny = screen(&mut w, 40, 8, share.path());
    assert!(
        tiny.contains("needs a window of at least") && tiny.contains("60x10"),
        "{tiny}"
    );
}
