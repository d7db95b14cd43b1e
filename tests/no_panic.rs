//! Whatever the file holds and whatever is pressed, clicked or resized, the tutorial draws
//! and never panics (issue 11).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use stagecraft::pack::Pack;
use stagecraft::tui::app::App;
use stagecraft::tui::ui;
use stagecraft::workspace::Progress;

#[derive(Debug, Clone)]
enum Input {
    Key(KeyCode, KeyModifiers),
    Paste(String),
    Mouse(MouseEventKind, u16, u16),
    Resize(u16, u16),
}

fn key_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        prop::sample::select(vec!['y', 'n', 'd', 'k', 'q', 'r', '[', '~', ' ', '\t'])
            .prop_map(KeyCode::Char),
        (1u8..=12).prop_map(KeyCode::F),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Esc,
        ]),
    ]
}

fn modifiers() -> impl Strategy<Value = KeyModifiers> {
    (0u8..8).prop_map(|b| {
        let mut m = KeyModifiers::NONE;
        if b & 1 != 0 {
            m |= KeyModifiers::SHIFT;
        }
        if b & 2 != 0 {
            m |= KeyModifiers::CONTROL;
        }
        if b & 4 != 0 {
            m |= KeyModifiers::ALT;
        }
        m
    })
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        6 => (key_code(), modifiers()).prop_map(|(c, m)| Input::Key(c, m)),
        1 => ".{0,40}".prop_map(Input::Paste),
        1 => (
            prop::sample::select(vec![
                MouseEventKind::Down(MouseButton::Left),
                MouseEventKind::Drag(MouseButton::Left),
                MouseEventKind::Up(MouseButton::Left),
                MouseEventKind::ScrollDown,
                MouseEventKind::ScrollUp,
            ]),
            0u16..200,
            0u16..60,
        )
            .prop_map(|(k, x, y)| Input::Mouse(k, x, y)),
        1 => (1u16..200, 1u16..60).prop_map(|(w, h)| Input::Resize(w, h)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        "(FROM|RUN|COPY|USER|CMD|ENV|#|\\\\|\\n| |AS|--from=|[a-z0-9:./]{1,12}|\"|\\[|\\]){0,80}",
        Just(Pack::embedded().unwrap().starter.text),
        Just(include_str!("../solutions/venv.Dockerfile").to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_file_and_any_input_draws_without_panicking(
        text in text(),
        inputs in prop::collection::vec(input(), 0..40),
    ) {
        let pack = Pack::embedded().unwrap();
        let mut app = App::new(pack, &text, Progress::default(), None, false, true);
        let (mut w, mut h) = (100u16, 30u16);
        app.resize(w, h);
        for i in inputs {
            match i {
                Input::Key(c, m) => app.handle_key(KeyEvent::new(c, m)),
                Input::Paste(s) => app.paste(&s),
                Input::Mouse(kind, column, row) => app.handle_mouse(MouseEvent {
                    kind,
                    column,
                    row,
                    modifiers: KeyModifiers::NONE,
                }),
                Input::Resize(nw, nh) => {
                    (w, h) = (nw, nh);
                    app.resize(w, h);
                }
            }
            app.refresh();
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal.draw(|f| ui::draw(f, &app)).unwrap();
        }
    }
}
