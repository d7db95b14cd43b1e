//! Rendered screens, as a learner sees them, pinned as insta snapshots (TestBackend), and
//! what keys and clicks do to them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use stagecraft::pack::Pack;
use stagecraft::tui::app::{App, Overlay};
use stagecraft::tui::editor::Pos;
use stagecraft::tui::ui;
use stagecraft::workspace::{Progress, Workspace};

fn app(text: &str) -> App {
    let pack = Pack::embedded().unwrap();
    App::new(pack, text, Progress::default(), None, false, true)
}

fn starter_text() -> String {
    Pack::embedded().unwrap().starter.text
}

fn starter() -> App {
    app(&starter_text())
}

/// The app told its window size, as the event loop does, then drawn.
fn screen(app: &mut App, width: u16, height: u16) -> String {
    if app.size() != (width, height) {
        app.resize(width, height);
    }
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn shift(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::SHIFT));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn click(app: &mut App, kind: MouseEventKind, column: u16, row: u16) {
    app.handle_mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    });
}

/// The rows of a rendered screen (TestBackend quotes each row).
fn rows(s: &str) -> Vec<String> {
    s.lines().map(|l| l.trim_matches('"').to_string()).collect()
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
    let fixed = starter_text()
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
fn help_at_80_by_24_scrolls_to_its_last_line() {
    let mut a = starter();
    screen(&mut a, 80, 24);
    key(&mut a, KeyCode::F(1));
    let first = screen(&mut a, 80, 24);
    assert!(
        first.contains("F2") && first.contains("next hint"),
        "{first}"
    );
    assert!(first.contains("more"), "says there is more below:\n{first}");
    // Every row fits inside the box: nothing is cut at the right edge.
    for row in rows(&first) {
        assert!(row.chars().count() <= 80);
    }
    insta::assert_snapshot!("help_first_page_80x24", first);
    key(&mut a, KeyCode::End);
    let last = screen(&mut a, 80, 24);
    assert!(
        last.contains("undoes it."),
        "the help's last line is reachable:\n{last}"
    );
    assert!(last.contains("Your work"));
    insta::assert_snapshot!("help_last_page_80x24", last);
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay(), Overlay::None);
}

#[test]
fn help_and_key_bar_come_from_the_same_table() {
    use stagecraft::tui::keys::{BINDINGS, Context, name};
    let mut a = starter();
    key(&mut a, KeyCode::F(1));
    // At a size where the whole help fits, every tutorial and editor key is listed.
    let s = screen(&mut a, 120, 80);
    for b in BINDINGS
        .iter()
        .filter(|b| matches!(b.context, Context::Tutorial | Context::Editor))
    {
        assert!(
            s.contains(&name(&b.keys[0], false)),
            "{:?} missing",
            b.keys[0]
        );
        let start: String = b.help.chars().take(20).collect();
        assert!(s.contains(&start), "{} missing", b.help);
    }
}

#[test]
fn a_hint_keeps_the_checklist_in_view() {
    let mut a = starter();
    screen(&mut a, 100, 30);
    key(&mut a, KeyCode::F(2));
    key(&mut a, KeyCode::F(2));
    key(&mut a, KeyCode::F(2));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Hint 3/3:"), "{s}");
    assert!(
        s.contains("Checklist") && s.contains("At least two stages"),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn the_lesson_pane_scrolls_both_ways() {
    let mut a = starter();
    screen(&mut a, 80, 24);
    assert_eq!(a.lesson_scroll(), 0);
    key(&mut a, KeyCode::F(8));
    let down = a.lesson_scroll();
    assert!(down > 0);
    key(&mut a, KeyCode::F(8));
    assert!(a.lesson_scroll() >= down);
    for _ in 0..30 {
        key(&mut a, KeyCode::F(8));
    }
    let bottom = a.lesson_scroll();
    key(&mut a, KeyCode::F(8));
    assert_eq!(a.lesson_scroll(), bottom, "stops at the bottom, no wrap");
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("Checklist"), "{s}");
    shift(&mut a, KeyCode::F(8));
    assert!(a.lesson_scroll() < bottom);
    for _ in 0..30 {
        a.handle_key(KeyEvent::new(KeyCode::PageUp, KeyModifiers::ALT));
    }
    assert_eq!(a.lesson_scroll(), 0);
}

#[test]
fn lesson_list_at_80_by_24_lists_every_lesson() {
    let mut a = app(include_str!("../solutions/venv.Dockerfile"));
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::F(3));
    key(&mut a, KeyCode::Down);
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("> ✓ TODO 2"));
    assert!(s.contains("TODO 7"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn at_80_by_24_with_the_diagram() {
    let mut a = app(include_str!("../solutions/venv.Dockerfile"));
    key(&mut a, KeyCode::F(4));
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("Stages") && s.contains("7/7 TODOs"));
    insta::assert_snapshot!(s);
}

#[test]
fn the_starter_reads_without_scrolling_at_100_columns() {
    for line in starter_text().lines() {
        assert!(
            line.chars().count() <= 54,
            "too long for a 60-column editor: {line}"
        );
    }
    let mut a = starter();
    let s = screen(&mut a, 100, 60);
    assert!(
        !s.contains('›'),
        "no line runs past the editor's edge:\n{s}"
    );
    assert!(s.contains("# descriptive name (FROM ... AS name) and a pinned"));
}

#[test]
fn the_gutter_stays_while_a_long_line_scrolls_sideways() {
    let long = format!(
        "FROM python:3.11 AS builder\nRUN pip install {} && echo END-OF-LINE\n",
        "package ".repeat(30)
    );
    let mut a = app(&long);
    screen(&mut a, 80, 24);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::End);
    let s = screen(&mut a, 80, 24);
    let row = rows(&s)
        .into_iter()
        .find(|r| r.contains("END-OF-LINE"))
        .expect("the end of the line is in view");
    // The line number is still at the left edge of the pane, in front of the text.
    assert!(
        row.starts_with("│  2 ‹") || row.starts_with("│● 2 ‹"),
        "{row}"
    );
    let first = rows(&s).into_iter().find(|r| r.contains(" 1 ")).unwrap();
    assert!(first.contains(" 1 "), "line 1's number too: {first}");
    insta::assert_snapshot!(s);
}

#[test]
fn growing_the_window_fills_the_editor_again() {
    let text: String = (1..=100).map(|i| format!("# line {i}\n")).collect();
    let mut a = app(&text);
    screen(&mut a, 100, 20);
    a.handle_key(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL));
    let small = screen(&mut a, 100, 20);
    assert!(small.contains("# line 100"));
    let big = screen(&mut a, 100, 60);
    // The last line sits at the bottom of the pane, not above empty rows.
    let r = rows(&big);
    let last_row = r.iter().position(|l| l.contains("# line 100")).unwrap();
    assert_eq!(last_row, 60 - 2 - 2, "{big}");
    assert!(big.contains("# line 45"));
}

#[test]
fn a_syntax_error_shows_in_the_checklist_at_its_line() {
    let text = starter_text().replacen("FROM python:3.11\n", "FROM python:3.11AS builder\n", 1);
    let mut a = app(&text);
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("✗ line 14: the FROM line is"), "{s}");
    // A gutter mark on that line, too.
    let row = rows(&s)
        .into_iter()
        .find(|r| r.contains("14 FROM python:3.11AS"))
        .unwrap();
    assert!(row.starts_with("│!14"), "{row}");
    // Another message does not hide it.
    key(&mut a, KeyCode::F(2));
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("✗ line 14: the FROM line is"), "{s}");
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
    key(&mut a, KeyCode::End);
    type_text(&mut a, " AS builder");
    assert_eq!(a.editor().lines()[0], "FROM python:3.11 AS builder");
    let sc102 = |a: &App| {
        a.analysis().todos[0]
            .rules
            .iter()
            .find(|r| r.id == "SC102")
            .unwrap()
            .passed
    };
    assert!(sc102(&a));
    // Ctrl-Z takes back a word at a time.
    ctrl(&mut a, 'z');
    assert_eq!(a.editor().lines()[0], "FROM python:3.11 AS ");
    assert!(!sc102(&a));
    ctrl(&mut a, 'y');
    assert_eq!(a.editor().lines()[0], "FROM python:3.11 AS builder");
}

#[test]
fn copy_cut_paste_select_all_and_shift_arrows() {
    let mut a = app("FROM python:3.11\nRUN x\n");
    for _ in 0..4 {
        shift(&mut a, KeyCode::Right);
    }
    ctrl(&mut a, 'c');
    assert_eq!(a.take_clipboard().as_deref(), Some("FROM"));
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::End);
    ctrl(&mut a, 'v');
    assert_eq!(a.editor().lines()[1], "RUN xFROM");
    ctrl(&mut a, 'a');
    ctrl(&mut a, 'x');
    assert_eq!(a.text(), "\n");
    ctrl(&mut a, 'z');
    assert_eq!(a.text(), "FROM python:3.11\nRUN xFROM\n");
    // Ctrl-V does not page down: the cursor stays on its line.
    ctrl(&mut a, 'v');
    assert_eq!(a.editor().cursor().row, a.editor().lines().len() - 1);
}

#[test]
fn a_paste_is_one_edit_graded_once() {
    let mut a = app("");
    a.paste("FROM python:3.11-slim AS builder\r\nRUN pip install x\r\nFROM python:3.11-slim\r\n");
    a.refresh();
    assert_eq!(a.editor().lines()[0], "FROM python:3.11-slim AS builder");
    assert!(
        a.analysis().todos[0].passed,
        "TODO 1 graded after the paste"
    );
    ctrl(&mut a, 'z');
    assert_eq!(a.editor().lines().concat(), "");
    assert!(!a.analysis().todos[0].passed);
}

#[test]
fn click_places_the_cursor_and_drag_selects() {
    let mut a = app("FROM python:3.11 AS builder\nRUN pip install flask\n");
    screen(&mut a, 100, 30);
    let areas = stagecraft::tui::layout::editor_areas(a.panes().editor, 2);
    let (x, y) = (areas.text.x, areas.text.y);
    click(
        &mut a,
        MouseEventKind::Down(MouseButton::Left),
        x + 4,
        y + 1,
    );
    assert_eq!(a.editor().cursor(), Pos::new(1, 4));
    click(
        &mut a,
        MouseEventKind::Drag(MouseButton::Left),
        x + 7,
        y + 1,
    );
    click(&mut a, MouseEventKind::Up(MouseButton::Left), x + 7, y + 1);
    assert_eq!(a.editor().selected_text().as_deref(), Some("pip"));
    assert_eq!(a.take_clipboard().as_deref(), Some("pip"));
    type_text(&mut a, "uv");
    assert_eq!(a.editor().lines()[1], "RUN uv install flask");
}

#[test]
fn ctrl_f_finds_and_esc_closes() {
    let mut a = app("FROM a AS builder\nRUN x\nFROM b\n");
    screen(&mut a, 100, 30);
    ctrl(&mut a, 'f');
    type_text(&mut a, "from");
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Find: from"), "{s}");
    assert_eq!(a.editor().cursor(), Pos::new(0, 4));
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.editor().cursor(), Pos::new(2, 4));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.find_query(), None);
    // Typing goes to the file again, replacing the match.
    type_text(&mut a, "X");
    assert_eq!(a.editor().lines()[2], "X b");
}

#[test]
fn a_pass_message_goes_when_the_state_changes() {
    let solved = include_str!("../solutions/venv.Dockerfile");
    // Everything but TODO 7.
    let almost = solved.replace("CMD [\"gunicorn\"", "CMD [\"flask\"");
    let mut a = app(&almost);
    key(&mut a, KeyCode::F(3));
    key(&mut a, KeyCode::Char('6'));
    // Break TODO 6, then fix it: the message appears.
    let user_line = a
        .editor()
        .lines()
        .iter()
        .position(|l| l == "USER appuser")
        .unwrap();
    a.jump_to_line(user_line + 1);
    key(&mut a, KeyCode::Home);
    key(&mut a, KeyCode::Char('#'));
    assert!(!a.analysis().todos[5].passed);
    key(&mut a, KeyCode::Backspace);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("TODO 6 passes! F6: next lesson"), "{s}");
    // Now another TODO breaks: the message no longer holds, so it goes.
    let from = a
        .editor()
        .lines()
        .iter()
        .position(|l| l.starts_with("FROM"))
        .unwrap();
    a.jump_to_line(from + 1);
    key(&mut a, KeyCode::Delete);
    assert!(!a.analysis().todos[0].passed);
    let s = screen(&mut a, 100, 30);
    assert!(!s.contains("TODO 6 passes"), "{s}");
}

#[test]
fn the_last_lesson_does_not_promise_a_next_one() {
    let mut a = app(include_str!("../solutions/venv.Dockerfile"));
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::F(3));
    key(&mut a, KeyCode::Char('7'));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Done! This was the last lesson."), "{s}");
    assert!(!s.contains("F6: next lesson"));
    key(&mut a, KeyCode::F(6));
    assert!(screen(&mut a, 100, 30).contains("This is the last lesson."));
    // F7 with nothing failing says so instead of doing nothing.
    key(&mut a, KeyCode::F(7));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Nothing fails in TODO 7"), "{s}");
}

#[test]
fn the_summary_is_a_banner_that_leaves_the_keyboard_to_the_editor() {
    let mut a = app("");
    a.paste(include_str!("../solutions/venv.Dockerfile"));
    a.refresh();
    assert!(a.summary_shown());
    let s = screen(&mut a, 120, 40);
    for text in [
        "All TODOs pass",
        "hints used: 0",
        "smaller than the",
        "stagecraft analyze",
        "docker images flask-demo",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    // The next keystrokes go to the file.
    type_text(&mut a, "# done");
    assert!(a.text().ends_with("# done\n"), "{}", a.text());
    assert!(a.summary_shown());
    let small = screen(&mut a, 80, 24);
    assert!(small.contains("stagecraft analyze"), "{small}");
    insta::assert_snapshot!(
        "summary_banner_80x24",
        small
            .lines()
            .map(|l| if l.contains("Time:") {
                "<time line>"
            } else {
                l
            })
            .collect::<Vec<_>>()
            .join("\n")
    );
    key(&mut a, KeyCode::Esc);
    assert!(!a.summary_shown());
}

#[test]
fn hints_name_the_learners_own_stage() {
    let text = include_str!("../solutions/user.Dockerfile").replace(
        "COPY --from=build-deps --chown=app:app /root/.local /home/app/.local\n",
        "",
    );
    let mut a = app(&text);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::F(3));
    key(&mut a, KeyCode::Char('5'));
    key(&mut a, KeyCode::F(2));
    key(&mut a, KeyCode::F(2));
    let s = screen(&mut a, 140, 40);
    assert!(s.contains("COPY --from=build-deps /opt/venv"), "{s}");
    assert!(!s.contains("--from=builder"), "{s}");
    // TODO 1's last hint names the actual line.
    let mut a = starter();
    for _ in 0..3 {
        key(&mut a, KeyCode::F(2));
    }
    let s = screen(&mut a, 140, 40);
    assert!(s.contains("Change line 14 (`FROM python:3.11`)"), "{s}");
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
    key(&mut a, KeyCode::Esc);
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
fn reset_is_one_step_that_undo_takes_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.Dockerfile");
    std::fs::write(&file, "FROM python:3.11-slim AS builder\n").unwrap();
    let ws = Workspace {
        dockerfile: file.clone(),
        progress_file: dir.path().join("progress.json"),
    };
    let mut a = App::new(
        Pack::embedded().unwrap(),
        "FROM python:3.11-slim AS builder\n",
        Progress::default(),
        Some(ws),
        false,
        true,
    );
    key(&mut a, KeyCode::F(9));
    key(&mut a, KeyCode::Char('n'));
    assert_eq!(
        a.editor().lines()[0],
        "FROM python:3.11-slim AS builder",
        "n cancels"
    );
    key(&mut a, KeyCode::F(9));
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(a.text(), starter_text());
    let bak = std::fs::read_to_string(dir.path().join("mine.Dockerfile.bak")).unwrap();
    assert_eq!(bak, "FROM python:3.11-slim AS builder\n");
    ctrl(&mut a, 'z');
    assert_eq!(a.text(), "FROM python:3.11-slim AS builder\n");
    ctrl(&mut a, 'z');
    assert_eq!(
        a.text(),
        "FROM python:3.11-slim AS builder\n",
        "never back to an empty buffer"
    );
    a.save().unwrap();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "FROM python:3.11-slim AS builder\n"
    );
}

#[test]
fn a_failed_save_is_shown_and_retried_until_it_works() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("lab");
    std::fs::create_dir(&lab).unwrap();
    let file = lab.join("Dockerfile");
    std::fs::write(&file, "FROM a\n").unwrap();
    let ws = Workspace {
        dockerfile: file.clone(),
        progress_file: dir.path().join("progress.json"),
    };
    let mut a = App::new(
        Pack::embedded().unwrap(),
        "FROM a\n",
        Progress::default(),
        Some(ws),
        false,
        true,
    );
    type_text(&mut a, "# mine ");
    // The lab folder goes away (an unmounted share).
    std::fs::remove_dir_all(&lab).unwrap();
    let later = Instant::now() + Duration::from_secs(2);
    a.tick(later);
    // The watch noticed the file is gone; the next autosave tries to write it back.
    a.tick(later + Duration::from_secs(1));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("NOT SAVED") && s.contains("cannot save"), "{s}");
    // Quitting asks instead of dropping the text.
    ctrl(&mut a, 'q');
    assert_eq!(a.overlay(), Overlay::QuitUnsaved);
    assert!(!a.should_quit());
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("r: keep it in a rescue copy"), "{s}");
    key(&mut a, KeyCode::Esc);
    // The folder is back: the next retry saves.
    std::fs::create_dir(&lab).unwrap();
    a.tick(later + Duration::from_secs(5));
    a.tick(later + Duration::from_secs(6));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine FROM a\n");
    let s = screen(&mut a, 100, 30);
    assert!(!s.contains("NOT SAVED"), "{s}");
}

#[test]
fn a_file_changed_elsewhere_is_reloaded_or_asked_about() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, "FROM a\n").unwrap();
    let ws = Workspace {
        dockerfile: file.clone(),
        progress_file: dir.path().join("progress.json"),
    };
    let mut a = App::new(
        Pack::embedded().unwrap(),
        "FROM a\n",
        Progress::default(),
        Some(ws),
        false,
        true,
    );
    let mut now = Instant::now();
    let mut later = || {
        now += Duration::from_secs(1);
        now
    };
    // No edits here: the other editor's version is loaded.
    std::fs::write(&file, "FROM b\n").unwrap();
    a.tick(later());
    assert_eq!(a.text(), "FROM b\n");
    // Edits on both sides: asked, and both kept.
    type_text(&mut a, "# here ");
    std::fs::write(&file, "FROM c\n").unwrap();
    a.tick(later());
    assert_eq!(a.overlay(), Overlay::Conflict);
    a.tick(later());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "FROM c\n",
        "not overwritten"
    );
    key(&mut a, KeyCode::Char('d'));
    assert_eq!(a.text(), "FROM c\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile.mine")).unwrap(),
        "# here FROM b\n"
    );
}

#[test]
fn quitting_when_saving_fails_keeps_a_rescue_copy() {
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("lab");
    std::fs::create_dir(&lab).unwrap();
    let file = lab.join("Dockerfile");
    std::fs::write(&file, "FROM a\n").unwrap();
    let ws = Workspace {
        dockerfile: file.clone(),
        progress_file: dir.path().join("data/progress.json"),
    };
    let mut a = App::new(
        Pack::embedded().unwrap(),
        "FROM a\n",
        Progress::default(),
        Some(ws),
        false,
        true,
    );
    type_text(&mut a, "# keep me ");
    std::fs::remove_dir_all(&lab).unwrap();
    ctrl(&mut a, 'q');
    assert_eq!(a.overlay(), Overlay::QuitUnsaved);
    key(&mut a, KeyCode::Char('r'));
    assert!(a.should_quit());
    // The lab folder is gone, so the copy went to the data folder, and the learner is told.
    let note = a.farewell().unwrap().to_string();
    let path = note.rsplit(" is in ").next().unwrap();
    assert!(path.contains("data/rescue/"), "{note}");
    assert_eq!(std::fs::read_to_string(path).unwrap(), "# keep me FROM a\n");
}
