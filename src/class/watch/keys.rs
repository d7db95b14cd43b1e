//! The one key table of `class watch`: handling, the help and the key bar all read
//! [`BINDINGS`], as the tutorial's `tui/keys.rs` does.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::ui_kit::keys::{Key, name};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Close,
    Refresh,
    Help,
    Quit,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Always,
    /// The table of students.
    List,
    /// One student's file and failing checks.
    Detail,
    Help,
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
    /// The key bar's label ("Enter open"), if it has one there.
    pub bar: Option<&'static str>,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn b(
    context: Context,
    keys: &'static [Key],
    action: Action,
    help: &'static str,
    bar: Option<&'static str>,
) -> Binding {
    Binding {
        context,
        keys,
        action,
        help,
        bar,
    }
}

use Context as C;
use KeyCode as K;

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    b(C::List, &[key(K::Up), key(K::Char('k'))], Action::Up, "previous student", Some("↑↓ choose")),
    b(C::List, &[key(K::Down), key(K::Char('j'))], Action::Down, "next student", None),
    b(C::List, &[key(K::PageUp)], Action::PageUp, "a page up", None),
    b(C::List, &[key(K::PageDown), key(K::Char(' '))], Action::PageDown, "a page down", None),
    b(C::List, &[key(K::Home)], Action::Top, "first student", None),
    b(C::List, &[key(K::End)], Action::Bottom, "last student", None),
    b(C::List, &[key(K::Enter)], Action::Open, "their file and failing checks, read-only", Some("Enter open")),
    b(C::Detail, &[key(K::Up), key(K::Char('k'))], Action::Up, "scroll up", Some("↑↓ scroll")),
    b(C::Detail, &[key(K::Down), key(K::Char('j'))], Action::Down, "scroll down", None),
    b(C::Detail, &[key(K::PageUp)], Action::PageUp, "a page up", None),
    b(C::Detail, &[key(K::PageDown), key(K::Char(' '))], Action::PageDown, "a page down", None),
    b(C::Detail, &[key(K::Home)], Action::Top, "top", None),
    b(C::Detail, &[key(K::End)], Action::Bottom, "bottom", None),
    b(C::Detail, &[key(K::Esc), key(K::Enter), key(K::Backspace), key(K::Left)], Action::Close, "back to the class", Some("Esc back")),
    b(C::Help, &[key(K::Esc), key(K::F(1)), key(K::Char('?')), key(K::Enter)], Action::Close, "close the help", Some("Esc close")),
    b(C::Always, &[key(K::Char('r')), key(K::F(5))], Action::Refresh, "read the folder now (also read every few seconds)", Some("r refresh")),
    b(C::Always, &[key(K::F(1)), key(K::Char('?'))], Action::Help, "this help", Some("? help")),
    b(C::Always, &[key(K::Char('q')), ctrl('q'), ctrl('c')], Action::Quit, "quit", Some("q quit")),
];

/// The action `event` asks for in `contexts` (searched in order).
pub fn lookup(event: &KeyEvent, contexts: &[Context]) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    // Shift only makes `?` and capitals: the table names the characters.
    let mods = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    let code = match event.code {
        KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    let k = Key { code, mods };
    contexts.iter().find_map(|c| {
        BINDINGS
            .iter()
            .find(|b| b.context == *c && b.keys.contains(&k))
            .map(|b| b.action)
    })
}

/// The key bar for `contexts`, cut to `width` (the last labels give way first).
pub fn bar_text(contexts: &[Context], width: usize, ascii: bool) -> String {
    let mut items: Vec<String> = contexts
        .iter()
        .flat_map(|c| BINDINGS.iter().filter(move |b| b.context == *c))
        .filter_map(|b| b.bar)
        .map(|t| {
            if ascii {
                t.replace("↑↓", "Up/Down")
            } else {
                t.to_string()
            }
        })
        .collect();
    loop {
        let line = items.join("  ");
        if line.chars().count() <= width || items.len() <= 1 {
            return line;
        }
        items.pop();
    }
}

/// The help's rows: (keys, what they do), per section.
pub fn help_rows(ascii: bool) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let section = |context: Context| {
        BINDINGS
            .iter()
            .filter(|b| b.context == context)
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(|k| name(k, ascii)).collect();
                (keys.join(" "), b.help)
            })
            .collect::<Vec<_>>()
    };
    vec![
        ("The class", section(Context::List)),
        ("A student", section(Context::Detail)),
        ("Everywhere", section(Context::Always)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.context == b.context || [a.context, b.context].contains(&Context::Always) {
                    for k in a.keys {
                        assert!(
                            !b.keys.contains(k)
                                || a.context == Context::Help
                                || b.context == Context::Help,
                            "{k:?} is bound twice"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn keys_are_found_in_order_of_contexts() {
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(
            lookup(&enter, &[Context::List, Context::Always]),
            Some(Action::Open)
        );
        assert_eq!(
            lookup(&enter, &[Context::Detail, Context::Always]),
            Some(Action::Close)
        );
        let q = KeyEvent::new(KeyCode::Char('Q'), KeyModifiers::SHIFT);
        assert_eq!(
            lookup(&q, &[Context::List, Context::Always]),
            Some(Action::Quit)
        );
        let help = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            lookup(&help, &[Context::Help, Context::Always]),
            Some(Action::Close)
        );
        assert_eq!(
            lookup(&help, &[Context::List, Context::Always]),
            Some(Action::Help)
        );
    }
}
