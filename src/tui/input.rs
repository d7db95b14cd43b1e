//! Keys as the terminal sends them, made safe for the editor.
//!
//! Esc pressed just before an F-key sends `ESC ESC [17~`. crossterm reads `ESC ESC` as one
//! Esc and the rest as the letters `[`, `1`, `7`, `~`, which would be typed into the file.
//! [`EscapeTail`] holds letters that arrive right after an Esc, and turns a complete escape
//! sequence back into its key; anything else is let through unchanged once it is clear
//! that it is not one.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The rest of an escape sequence arrives within this long of its Esc (the terminal sends
/// it in one write); a person typing `[` after Esc is far slower.
pub const TAIL_WINDOW: Duration = Duration::from_millis(40);

#[derive(Debug, Default)]
pub struct EscapeTail {
    esc_at: Option<Instant>,
    held: Vec<KeyEvent>,
}

fn plain_char(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c)
            if k.kind != KeyEventKind::Release
                && !k
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// What an escape sequence's tail (after its ESC) means, if it is complete.
/// `None` with `complete == false` means: wait for more.
fn decode(tail: &str) -> (Option<KeyEvent>, bool) {
    let mut chars = tail.chars();
    match chars.next() {
        Some('O') => {
            let Some(c) = chars.next() else {
                return (None, false);
            };
            let code = match c {
                'P'..='S' => KeyCode::F(1 + c as u8 - b'P'),
                'A' => KeyCode::Up,
                'B' => KeyCode::Down,
                'C' => KeyCode::Right,
                'D' => KeyCode::Left,
                'H' => KeyCode::Home,
                'F' => KeyCode::End,
                _ => return (None, true),
            };
            (Some(KeyEvent::new(code, KeyModifiers::NONE)), true)
        }
        Some('[') => {
            let rest: String = chars.collect();
            let Some(last) = rest.chars().last() else {
                return (None, false);
            };
            if last.is_ascii_digit() || last == ';' {
                // Parameters so far; a sequence is short.
                return (None, rest.len() > 8);
            }
            let params: Vec<&str> = rest[..rest.len() - last.len_utf8()].split(';').collect();
            if !params.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
                return (None, true);
            }
            let modifiers =
                params
                    .get(1)
                    .and_then(|m| m.parse::<u8>().ok())
                    .map_or(KeyModifiers::NONE, |m| {
                        let bits = m.saturating_sub(1);
                        let mut out = KeyModifiers::NONE;
                        if bits & 1 != 0 {
                            out |= KeyModifiers::SHIFT;
                        }
                        if bits & 2 != 0 {
                            out |= KeyModifiers::ALT;
                        }
                        if bits & 4 != 0 {
                            out |= KeyModifiers::CONTROL;
                        }
                        out
                    });
            let code = match last {
                '~' => match params[0].parse::<u8>().unwrap_or(0) {
                    1 | 7 => KeyCode::Home,
                    2 => KeyCode::Insert,
                    3 => KeyCode::Delete,
                    4 | 8 => KeyCode::End,
                    5 => KeyCode::PageUp,
                    6 => KeyCode::PageDown,
                    n @ 11..=15 => KeyCode::F(n - 10),
                    n @ 17..=21 => KeyCode::F(n - 11),
                    n @ 23..=26 => KeyCode::F(n - 12),
                    n @ 28..=29 => KeyCode::F(n - 13),
                    n @ 31..=34 => KeyCode::F(n - 14),
                    _ => return (None, true),
                },
                'A' => KeyCode::Up,
                'B' => KeyCode::Down,
                'C' => KeyCode::Right,
                'D' => KeyCode::Left,
                'H' => KeyCode::Home,
                'F' => KeyCode::End,
                'P'..='S' => KeyCode::F(1 + last as u8 - b'P'),
                _ => return (None, true),
            };
            (Some(KeyEvent::new(code, modifiers)), true)
        }
        _ => (None, true),
    }
}

impl EscapeTail {
    /// Feeds one key; returns the keys to act on now (possibly none while a tail is held).
    pub fn feed(&mut self, key: KeyEvent, now: Instant) -> Vec<KeyEvent> {
        if key.kind == KeyEventKind::Release {
            return vec![];
        }
        let in_window = self
            .esc_at
            .is_some_and(|t| now.duration_since(t) <= TAIL_WINDOW);
        if in_window && plain_char(&key).is_some() {
            self.held.push(key);
            let tail: String = self.held.iter().filter_map(plain_char).collect();
            return match decode(&tail) {
                (Some(k), _) => {
                    self.reset();
                    vec![k]
                }
                (None, false) => vec![],
                (None, true) => self.release(),
            };
        }
        let mut out = self.release();
        if key.code == KeyCode::Esc && key.modifiers.is_empty() {
            self.esc_at = Some(now);
        }
        out.push(key);
        out
    }

    /// Lets held keys through once the window has passed without completing a sequence.
    pub fn flush(&mut self, now: Instant) -> Vec<KeyEvent> {
        match self.esc_at {
            Some(t) if now.duration_since(t) > TAIL_WINDOW => self.release(),
            _ => vec![],
        }
    }

    /// Whether keys are held, waiting for the window to pass.
    pub fn holding(&self) -> bool {
        !self.held.is_empty()
    }

    fn release(&mut self) -> Vec<KeyEvent> {
        self.esc_at = None;
        std::mem::take(&mut self.held)
    }

    fn reset(&mut self) {
        self.esc_at = None;
        self.held.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<KeyEvent> {
        text.chars()
            .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
            .collect()
    }

    fn esc() -> KeyEvent {
        KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)
    }

    #[test]
    fn esc_then_an_f_key_is_the_f_key_not_text() {
        let now = Instant::now();
        let mut f = EscapeTail::default();
        let mut out = f.feed(esc(), now);
        for k in keys("[17~") {
            out.extend(f.feed(k, now));
        }
        assert_eq!(
            out,
            vec![esc(), KeyEvent::new(KeyCode::F(6), KeyModifiers::NONE)]
        );
        let mut out = f.feed(esc(), now);
        for k in keys("OP") {
            out.extend(f.feed(k, now));
        }
        assert_eq!(out[1], KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE));
        let mut out = f.feed(esc(), now);
        for k in keys("[19;2~") {
            out.extend(f.feed(k, now));
        }
        assert_eq!(out[1], KeyEvent::new(KeyCode::F(8), KeyModifiers::SHIFT));
    }

    #[test]
    fn typing_after_esc_is_kept() {
        let now = Instant::now();
        let mut f = EscapeTail::default();
        f.feed(esc(), now);
        // `[` alone could start a sequence: held until the window passes.
        assert!(f.feed(keys("[")[0], now).is_empty());
        assert!(f.flush(now).is_empty());
        assert_eq!(f.flush(now + Duration::from_millis(100)), keys("["));
        // Not a sequence at all: through at once.
        f.feed(esc(), now);
        assert_eq!(f.feed(keys("a")[0], now), keys("a"));
        let mut out = f.feed(esc(), now);
        out.clear();
        for k in keys("[x") {
            out.extend(f.feed(k, now));
        }
        assert_eq!(out, keys("[x"));
        // Slow typing after Esc is plain text.
        f.feed(esc(), now);
        assert_eq!(
            f.feed(keys("[")[0], now + Duration::from_millis(500)),
            keys("[")
        );
    }
}
