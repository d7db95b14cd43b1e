//! Rendered screens, as a learner sees them, pinned as insta snapshots (TestBackend).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use stagecraft::pack::Pack;
use stagecraft::tui::app::App;
use stagecraft::tui::storage::Progress;
use stagecraft::tui::ui;

fn app(text: &str) -> App {
    let pack = Pack::embedded().unwrap();
    App::new(pack, text, Progress::default(), None, false, true)
}

fn starter() -> App {
    let pack = Pack::embedded().unwrap();
    let text = pack.starter.text.clone();
    App::new(pack, &text, Progress::default(), None, false, true)
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| {
            ui::draw(f, app);
        })
        .unwrap();
    terminal.backend().to_string()
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn first_screen() {
    let mut a = starter();
    let s = screen(&mut a, 140, 40);
    assert!(s.contains("TODO 1/7: A proper build stage") && s.contains("0/7 TODOs"));
    insta::assert_snapshot!(s);
}

#[test]
fn lesson_after_its_todo_is_fixed() {
    let pack = Pack::embedded().unwrap();
    let fixed = pack
        .starter
        .text
        .replacen(
            "FROM python:3.11\n",
            "FROM python:3.11-slim AS builder\n",
            1,
        )
        .replacen("EXPOSE 5000", "FROM python:3.11-slim\nEXPOSE 5000", 1);
    let mut a = app(&fixed);
    let s = screen(&mut a, 140, 40);
    assert!(s.contains("✓ TODO 1/7") && s.contains("Done! F6: next lesson."));
    insta::assert_snapshot!(s);
}

#[test]
fn help_overlay() {
    let mut a = starter();
    key(&mut a, KeyCode::F(1));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("F2   next hint"));
    insta::assert_snapshot!(s);
}

#[test]
fn a_hint_revealed() {
    let mut a = starter();
    key(&mut a, KeyCode::F(2));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Hint 1/3:"), "{s}");
    assert!(s.contains("Hint 1 of 3 shown"));
    insta::assert_snapshot!(s);
}

#[test]
fn lesson_list() {
    let mut a = app(include_str!("../solutions/venv.Dockerfile"));
    key(&mut a, KeyCode::F(3));
    key(&mut a, KeyCode::Down);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("> ✓ TODO 2"));
    insta::assert_snapshot!(s);
}

#[test]
fn at_80_by_24_with_the_diagram() {
    let mut a = app(include_str!("../solutions/venv.Dockerfile"));
    a.overlay = stagecraft::tui::app::Overlay::None;
    key(&mut a, KeyCode::F(4));
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("Stages") && s.contains("7/7 TODOs"));
    insta::assert_snapshot!(s);
}

#[test]
fn too_small_a_terminal() {
    let mut a = starter();
    let s = screen(&mut a, 50, 12);
    assert!(s.contains("Make the window larger"));
    insta::assert_snapshot!(s);
}

#[test]
fn typing_goes_to_the_editor_and_regrades() {
    let mut a = app("FROM python:3.11\n");
    for c in " AS builder".chars() {
        a.handle_key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
        a.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    assert_eq!(a.editor.lines()[0], "FROM python:3.11 AS builder");
    assert!(
        a.analysis.todos[0]
            .rules
            .iter()
            .find(|r| r.id == "SC102")
            .unwrap()
            .passed
    );
    // Ctrl-U is the editor's undo, not an app key.
    a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_ne!(a.editor.lines()[0], "FROM python:3.11 AS builder");
}

#[test]
fn a_paste_is_one_edit_graded_once() {
    let mut a = app("");
    a.paste("FROM python:3.11-slim AS builder\r\nRUN pip install x\r\nFROM python:3.11-slim\r\n");
    a.refresh();
    assert_eq!(a.editor.lines()[0], "FROM python:3.11-slim AS builder");
    assert!(a.analysis.todos[0].passed, "TODO 1 graded after the paste");
    // Undo takes the whole paste back.
    a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(a.editor.lines().concat(), "");
    assert!(!a.analysis.todos[0].passed);
}

#[test]
fn reaching_seven_of_seven_opens_the_summary() {
    let mut a = app("");
    a.paste(include_str!("../solutions/venv.Dockerfile"));
    a.refresh();
    assert_eq!(a.overlay, stagecraft::tui::app::Overlay::Summary);
    let s = screen(&mut a, 120, 40);
    for text in [
        "All seven TODOs pass",
        "hints used: 0",
        "smaller than the",
        "Stage 2: runtime (final)",
        "stagecraft analyze",
        "docker build",
        "docker images flask-demo",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    // At 80×24 the diagram gives way, and what to do next still shows.
    let small = screen(&mut a, 80, 24);
    assert!(
        small.contains("stagecraft analyze") && !small.contains("Stage 2: runtime (final)"),
        "{small}"
    );
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay, stagecraft::tui::app::Overlay::None);
}

#[test]
fn clicking_a_failing_check_jumps_to_its_line() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut a = starter();
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).unwrap();
    let mut map = Default::default();
    terminal.draw(|f| map = ui::draw(f, &mut a)).unwrap();
    let map: stagecraft::tui::app::ScreenMap = map;
    let (row, line) = map.rule_rows[0];
    assert_eq!(line, 10, "SC101 points at the FROM on line 10");
    assert_eq!(a.editor.cursor().0, 0);
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: map.lesson.x + 2,
        row,
        modifiers: KeyModifiers::NONE,
    };
    a.handle_mouse(click, &map);
    assert_eq!(a.editor.cursor().0, 9);
}

#[test]
fn ascii_mode_draws_only_ascii() {
    let pack = Pack::embedded().unwrap();
    let mut a = App::new(
        pack,
        include_str!("../solutions/venv.Dockerfile"),
        Progress::default(),
        None,
        true,
        false,
    );
    for side in [false, true] {
        if side {
            key(&mut a, KeyCode::F(4));
        }
        let s = screen(&mut a, 100, 30);
        let odd: Vec<char> = s.chars().filter(|c| !c.is_ascii()).collect();
        assert!(odd.is_empty(), "non-ASCII {odd:?} in:\n{s}");
    }
}

#[test]
fn reset_restores_the_starter_and_keeps_a_backup() {
    use stagecraft::tui::storage::Workspace;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.Dockerfile");
    std::fs::write(&file, "FROM python:3.11-slim AS builder\n").unwrap();
    let pack = Pack::embedded().unwrap();
    let ws = Workspace {
        dockerfile: file.clone(),
        progress_file: dir.path().join("progress.json"),
    };
    let mut a = App::new(
        pack,
        "FROM python:3.11-slim AS builder\n",
        Progress::default(),
        Some(ws),
        false,
        true,
    );
    key(&mut a, KeyCode::F(9));
    key(&mut a, KeyCode::Char('n'));
    assert_eq!(
        a.editor.lines()[0],
        "FROM python:3.11-slim AS builder",
        "any key but y cancels"
    );
    key(&mut a, KeyCode::F(9));
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(a.text(), Pack::embedded().unwrap().starter.text);
    let bak = std::fs::read_to_string(dir.path().join("mine.Dockerfile.bak")).unwrap();
    assert_eq!(bak, "FROM python:3.11-slim AS builder\n");
    a.save().unwrap();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        Pack::embedded().unwrap().starter.text
    );
}

#[test]
fn f8_scrolls_the_lesson_and_wraps_to_the_top() {
    let mut a = starter();
    screen(&mut a, 100, 30);
    let mut seen = vec![a.lesson_scroll];
    for _ in 0..40 {
        key(&mut a, KeyCode::F(8));
        screen(&mut a, 100, 30);
        seen.push(a.lesson_scroll);
        if a.lesson_scroll == 0 {
            break;
        }
    }
    assert!(seen.iter().any(|&s| s > 0), "{seen:?}");
    assert_eq!(seen.last(), Some(&0), "back at the top: {seen:?}");
}
