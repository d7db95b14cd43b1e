//! Keys as the terminal views bind and name them: the tutorial's and `class watch`'s key
//! tables are both made of these.

use crossterm::event::{KeyCode, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

pub const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
pub const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}
pub const fn ctrl_shift(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL.union(KeyModifiers::SHIFT),
    }
}
pub const fn ctrl_key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::CONTROL,
    }
}
pub const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::ALT,
    }
}
pub const fn shift(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::SHIFT,
    }
}
pub const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

/// A key as the help and the key bar show it.
pub fn name(k: &Key, ascii: bool) -> String {
    let base = match k.code {
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => {
            if k.mods.is_empty() {
                c.to_string()
            } else {
                c.to_uppercase().to_string()
            }
        }
        KeyCode::Left if !ascii => "←".into(),
        KeyCode::Right if !ascii => "→".into(),
        KeyCode::Up if !ascii => "↑".into(),
        KeyCode::Down if !ascii => "↓".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Backspace => "Backspace".into(),
        other => format!("{other:?}"),
    };
    let mut out = String::new();
    if k.mods.contains(KeyModifiers::CONTROL) {
        out.push_str("Ctrl-");
    }
    if k.mods.contains(KeyModifiers::ALT) {
        out.push_str("Alt-");
    }
    if k.mods.contains(KeyModifiers::SHIFT) {
        out.push_str("Shift-");
    }
    out + &base
}
