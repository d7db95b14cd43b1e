//! The text being edited: lines, cursor, selection, clipboard, and undo that steps back a
//! word or a burst of typing at a time. Every change goes through [`Editor::replace`], so
//! undo is exact for typing, pastes, resets and reloads alike. No terminal code here.

use std::time::{Duration, Instant};

use unicode_width::UnicodeWidthChar;

/// A place in the text: line index and character index within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub row: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(row: usize, col: usize) -> Pos {
        Pos { row, col }
    }
}

pub const TAB_WIDTH: usize = 4;

/// Typing or deleting within this long of the previous key belongs to the same undo step.
const BURST: Duration = Duration::from_millis(1500);
/// Undo keeps at most this much text; the oldest steps go first.
const HISTORY_BYTES: usize = 64 << 20;
const HISTORY_STEPS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Left,
    Right,
    Up,
    Down,
    WordLeft,
    WordRight,
    LineStart,
    LineEnd,
    Top,
    Bottom,
    PageUp,
    PageDown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Typing,
    Deleting,
    /// Pastes, cuts, resets, reloads: always a step of their own.
    Block,
}

/// One replacement: at `at`, `removed` gave way to `inserted`.
#[derive(Debug, Clone)]
struct Edit {
    at: Pos,
    removed: String,
    inserted: String,
}

/// One undo step.
#[derive(Debug, Clone)]
struct Step {
    edits: Vec<Edit>,
    kind: Kind,
    cursor_before: Pos,
    cursor_after: Pos,
    last: Instant,
    /// The last character typed, to cut steps at word starts.
    last_char: Option<char>,
}

impl Step {
    fn bytes(&self) -> usize {
        self.edits
            .iter()
            .map(|e| e.removed.len() + e.inserted.len())
            .sum()
    }
}

#[derive(Debug, Clone)]
pub struct Editor {
    lines: Vec<String>,
    cursor: Pos,
    anchor: Option<Pos>,
    /// Display column kept while moving up and down through shorter lines.
    goal_col: Option<usize>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    history_bytes: usize,
    clipboard: String,
    /// First line and first display column on screen.
    top: usize,
    left: usize,
    page: usize,
}

/// The position after `text` is inserted at `at`.
fn end_of(at: Pos, text: &str) -> Pos {
    match text.rfind('\n') {
        None => Pos::new(at.row, at.col + text.chars().count()),
        Some(i) => Pos::new(
            at.row + text.matches('\n').count(),
            text[i + 1..].chars().count(),
        ),
    }
}

/// Byte offset of character `col` in `line` (its length when past the end).
fn byte_at(line: &str, col: usize) -> usize {
    line.char_indices().nth(col).map_or(line.len(), |(b, _)| b)
}

/// How wide `c` is on screen at display column `x` (tabs reach the next stop).
pub fn char_width(c: char, x: usize) -> usize {
    if c == '\t' {
        TAB_WIDTH - x % TAB_WIDTH
    } else {
        // Control characters are drawn as one replacement cell.
        c.width().unwrap_or(1)
    }
}

/// Display column of character `col` in `line`.
pub fn display_col(line: &str, col: usize) -> usize {
    let mut x = 0;
    for c in line.chars().take(col) {
        x += char_width(c, x);
    }
    x
}

/// The character whose cell covers display column `x` (the line's end when past it).
pub fn col_at_display(line: &str, x: usize) -> usize {
    let mut at = 0;
    for (i, c) in line.chars().enumerate() {
        let w = char_width(c, at);
        if at + w > x {
            return i;
        }
        at += w;
    }
    line.chars().count()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Editor {
    pub fn new(text: &str) -> Editor {
        Editor {
            lines: split_lines(text),
            cursor: Pos::default(),
            anchor: None,
            goal_col: None,
            undo: Vec::new(),
            redo: Vec::new(),
            history_bytes: 0,
            clipboard: String::new(),
            top: 0,
            left: 0,
            page: 20,
        }
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The whole text, ending with a newline.
    pub fn text(&self) -> String {
        let mut t = self.lines.join("\n");
        t.push('\n');
        t
    }

    pub fn cursor(&self) -> Pos {
        self.cursor
    }

    pub fn scroll(&self) -> (usize, usize) {
        (self.top, self.left)
    }

    pub fn clipboard(&self) -> &str {
        &self.clipboard
    }

    /// The selection as (start, end), start first; None when nothing is selected.
    pub fn selection(&self) -> Option<(Pos, Pos)> {
        let a = self.anchor?;
        (a != self.cursor).then(|| (a.min(self.cursor), a.max(self.cursor)))
    }

    pub fn selected_text(&self) -> Option<String> {
        let (s, e) = self.selection()?;
        Some(self.slice(s, e))
    }

    fn clamp(&self, p: Pos) -> Pos {
        let row = p.row.min(self.lines.len() - 1);
        Pos::new(row, p.col.min(self.lines[row].chars().count()))
    }

    fn line_len(&self, row: usize) -> usize {
        self.lines[row].chars().count()
    }

    fn slice(&self, s: Pos, e: Pos) -> String {
        if s.row == e.row {
            let l = &self.lines[s.row];
            return l[byte_at(l, s.col)..byte_at(l, e.col)].to_string();
        }
        let first = &self.lines[s.row];
        let last = &self.lines[e.row];
        let mut out = first[byte_at(first, s.col)..].to_string();
        for l in &self.lines[s.row + 1..e.row] {
            out.push('\n');
            out.push_str(l);
        }
        out.push('\n');
        out.push_str(&last[..byte_at(last, e.col)]);
        out
    }

    /// Replaces the text between `s` and `e` with `text`; returns what was there.
    fn splice(&mut self, s: Pos, e: Pos, text: &str) -> String {
        let removed = self.slice(s, e);
        if s.row == e.row && !text.contains('\n') {
            let l = &mut self.lines[s.row];
            let (a, b) = (byte_at(l, s.col), byte_at(l, e.col));
            l.replace_range(a..b, text);
            return removed;
        }
        let head = {
            let l = &self.lines[s.row];
            l[..byte_at(l, s.col)].to_string()
        };
        let tail = {
            let l = &self.lines[e.row];
            l[byte_at(l, e.col)..].to_string()
        };
        let mut new: Vec<String> = text.split('\n').map(str::to_string).collect();
        new[0].insert_str(0, &head);
        if let Some(last) = new.last_mut() {
            last.push_str(&tail);
        }
        self.lines.splice(s.row..=e.row, new);
        removed
    }

    /// The one way text changes: records the edit for undo, merging typing and deleting
    /// into the step before it while they continue it.
    fn replace(&mut self, s: Pos, e: Pos, text: &str, kind: Kind, now: Instant) {
        let before = self.cursor;
        let removed = self.splice(s, e, text);
        let after = end_of(s, text);
        self.cursor = after;
        self.anchor = None;
        self.goal_col = None;
        self.redo.clear();
        let typed = text.chars().last();
        let edit = Edit {
            at: s,
            removed,
            inserted: text.to_string(),
        };
        self.history_bytes += edit.removed.len() + edit.inserted.len();
        let merge = self.undo.last().is_some_and(|step| {
            step.kind == kind
                && kind != Kind::Block
                && step.cursor_after == before
                && now.duration_since(step.last) < BURST
                // A new word starts a new step: undo takes back a word at a time.
                && !(kind == Kind::Typing
                    && typed.is_some_and(|c| !c.is_whitespace())
                    && step.last_char.is_some_and(char::is_whitespace))
        });
        if merge && let Some(step) = self.undo.last_mut() {
            step.edits.push(edit);
            step.cursor_after = after;
            step.last = now;
            step.last_char = typed;
        } else {
            self.undo.push(Step {
                edits: vec![edit],
                kind,
                cursor_before: before,
                cursor_after: after,
                last: now,
                last_char: typed,
            });
        }
        while self.undo.len() > HISTORY_STEPS
            || (self.history_bytes > HISTORY_BYTES && self.undo.len() > 1)
        {
            let old = self.undo.remove(0);
            self.history_bytes -= old.bytes();
        }
    }

    fn delete_selection_or(&mut self, s: Pos, e: Pos, kind: Kind, now: Instant) -> bool {
        let (s, e) = self.selection().unwrap_or((s, e));
        if s == e {
            return false;
        }
        self.replace(s, e, "", kind, now);
        true
    }

    /// Types one character (replacing the selection).
    pub fn type_char(&mut self, c: char, now: Instant) {
        let (s, e) = self.selection().unwrap_or((self.cursor, self.cursor));
        let kind = if s == e { Kind::Typing } else { Kind::Block };
        self.replace(s, e, &c.to_string(), kind, now);
    }

    /// A new line, indented like the current one (continuation lines stay aligned).
    pub fn newline(&mut self, now: Instant) {
        let indent: String = self.lines[self.cursor.row]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .take(self.cursor.col)
            .collect();
        let (s, e) = self.selection().unwrap_or((self.cursor, self.cursor));
        self.replace(s, e, &format!("\n{indent}"), Kind::Typing, now);
    }

    pub fn tab(&mut self, now: Instant) {
        let x = display_col(&self.lines[self.cursor.row], self.cursor.col);
        let spaces = " ".repeat(TAB_WIDTH - x % TAB_WIDTH);
        let (s, e) = self.selection().unwrap_or((self.cursor, self.cursor));
        self.replace(s, e, &spaces, Kind::Typing, now);
    }

    /// Inserts text as one step (a paste, a snippet).
    pub fn insert(&mut self, text: &str, now: Instant) -> bool {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let (s, e) = self.selection().unwrap_or((self.cursor, self.cursor));
        if text.is_empty() && s == e {
            return false;
        }
        self.replace(s, e, &text, Kind::Block, now);
        true
    }

    pub fn backspace(&mut self, now: Instant) -> bool {
        let c = self.cursor;
        let s = if c.col > 0 {
            Pos::new(c.row, c.col - 1)
        } else if c.row > 0 {
            Pos::new(c.row - 1, self.line_len(c.row - 1))
        } else {
            c
        };
        self.delete_selection_or(s, c, Kind::Deleting, now)
    }

    pub fn delete(&mut self, now: Instant) -> bool {
        let c = self.cursor;
        let e = if c.col < self.line_len(c.row) {
            Pos::new(c.row, c.col + 1)
        } else if c.row + 1 < self.lines.len() {
            Pos::new(c.row + 1, 0)
        } else {
            c
        };
        self.delete_selection_or(c, e, Kind::Deleting, now)
    }

    pub fn delete_word_back(&mut self, now: Instant) -> bool {
        let c = self.cursor;
        let s = self.word_left(c);
        self.delete_selection_or(s, c, Kind::Block, now)
    }

    pub fn delete_to_line_end(&mut self, now: Instant) -> bool {
        let c = self.cursor;
        let e = if c.col < self.line_len(c.row) {
            Pos::new(c.row, self.line_len(c.row))
        } else if c.row + 1 < self.lines.len() {
            Pos::new(c.row + 1, 0)
        } else {
            c
        };
        self.delete_selection_or(c, e, Kind::Block, now)
    }

    /// Replaces the whole text as one undoable step (reset, reload); the cursor goes to
    /// `cursor` (clamped).
    pub fn replace_all(&mut self, text: &str, cursor: Pos, now: Instant) {
        let end = Pos::new(self.lines.len() - 1, self.line_len(self.lines.len() - 1));
        let body = text.strip_suffix('\n').unwrap_or(text);
        let body = body.replace("\r\n", "\n");
        self.replace(Pos::default(), end, &body, Kind::Block, now);
        self.cursor = self.clamp(cursor);
    }

    pub fn select_all(&mut self) {
        self.anchor = Some(Pos::default());
        let last = self.lines.len() - 1;
        self.cursor = Pos::new(last, self.line_len(last));
    }

    pub fn clear_selection(&mut self) {
        self.anchor = None;
    }

    /// Copies the selection (or the current line, as editors do with nothing selected).
    pub fn copy(&mut self) -> String {
        self.clipboard = match self.selected_text() {
            Some(t) => t,
            None => format!("{}\n", self.lines[self.cursor.row]),
        };
        self.clipboard.clone()
    }

    /// Cuts the selection (or the current line).
    pub fn cut(&mut self, now: Instant) -> String {
        let copied = self.copy();
        if self.selection().is_none() {
            let row = self.cursor.row;
            let (s, e) = if row + 1 < self.lines.len() {
                (Pos::new(row, 0), Pos::new(row + 1, 0))
            } else if row > 0 {
                (
                    Pos::new(row - 1, self.line_len(row - 1)),
                    Pos::new(row, self.line_len(row)),
                )
            } else {
                (Pos::new(0, 0), Pos::new(0, self.line_len(0)))
            };
            if s != e {
                self.replace(s, e, "", Kind::Block, now);
            }
        } else {
            self.delete_selection_or(self.cursor, self.cursor, Kind::Block, now);
        }
        copied
    }

    pub fn paste(&mut self, now: Instant) -> bool {
        let text = self.clipboard.clone();
        !text.is_empty() && self.insert(&text, now)
    }

    fn apply(&mut self, edit: &Edit, forward: bool) {
        let (old, new) = if forward {
            (&edit.removed, &edit.inserted)
        } else {
            (&edit.inserted, &edit.removed)
        };
        let end = end_of(edit.at, old);
        self.splice(edit.at, end, new);
    }

    /// Takes back the last step; false when there is none.
    pub fn undo(&mut self) -> bool {
        let Some(step) = self.undo.pop() else {
            return false;
        };
        for e in step.edits.iter().rev() {
            self.apply(e, false);
        }
        self.history_bytes -= step.bytes();
        self.cursor = self.clamp(step.cursor_before);
        self.anchor = None;
        self.goal_col = None;
        self.redo.push(step);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(mut step) = self.redo.pop() else {
            return false;
        };
        for e in &step.edits {
            self.apply(e, true);
        }
        self.history_bytes += step.bytes();
        self.cursor = self.clamp(step.cursor_after);
        self.anchor = None;
        self.goal_col = None;
        // A redone step is finished: typing after it starts a new one.
        step.kind = Kind::Block;
        self.undo.push(step);
        true
    }

    fn word_left(&self, p: Pos) -> Pos {
        if p.col == 0 {
            return if p.row > 0 {
                Pos::new(p.row - 1, self.line_len(p.row - 1))
            } else {
                p
            };
        }
        let chars: Vec<char> = self.lines[p.row].chars().take(p.col).collect();
        let mut i = chars.len();
        while i > 0 && !is_word(chars[i - 1]) {
            i -= 1;
        }
        while i > 0 && is_word(chars[i - 1]) {
            i -= 1;
        }
        Pos::new(p.row, i)
    }

    fn word_right(&self, p: Pos) -> Pos {
        let len = self.line_len(p.row);
        if p.col >= len {
            return if p.row + 1 < self.lines.len() {
                Pos::new(p.row + 1, 0)
            } else {
                p
            };
        }
        let chars: Vec<char> = self.lines[p.row].chars().collect();
        let mut i = p.col;
        while i < len && !is_word(chars[i]) {
            i += 1;
        }
        while i < len && is_word(chars[i]) {
            i += 1;
        }
        Pos::new(p.row, i)
    }

    fn vertical(&mut self, rows: isize) -> Pos {
        let c = self.cursor;
        let goal = *self
            .goal_col
            .get_or_insert_with(|| display_col(&self.lines[c.row], c.col));
        let row = (c.row as isize + rows).clamp(0, self.lines.len() as isize - 1) as usize;
        Pos::new(row, col_at_display(&self.lines[row], goal))
    }

    /// Moves the cursor; with `select`, extends the selection (Shift + a movement key).
    pub fn move_cursor(&mut self, m: Move, select: bool) {
        if select {
            self.anchor.get_or_insert(self.cursor);
        } else if let Some((s, e)) = self.selection() {
            // Left/Right with a selection go to its edge, as editors do.
            self.anchor = None;
            match m {
                Move::Left => return self.set_cursor(s),
                Move::Right => return self.set_cursor(e),
                _ => {}
            }
        } else {
            self.anchor = None;
        }
        let c = self.cursor;
        let page = self.page.max(1) as isize;
        let next = match m {
            Move::Up => return self.cursor = self.vertical(-1),
            Move::Down => return self.cursor = self.vertical(1),
            Move::PageUp => return self.cursor = self.vertical(-page),
            Move::PageDown => return self.cursor = self.vertical(page),
            Move::Left if c.col > 0 => Pos::new(c.row, c.col - 1),
            Move::Left if c.row > 0 => Pos::new(c.row - 1, self.line_len(c.row - 1)),
            Move::Left => c,
            Move::Right if c.col < self.line_len(c.row) => Pos::new(c.row, c.col + 1),
            Move::Right if c.row + 1 < self.lines.len() => Pos::new(c.row + 1, 0),
            Move::Right => c,
            Move::WordLeft => self.word_left(c),
            Move::WordRight => self.word_right(c),
            Move::LineStart => {
                // First to the indentation, then to column 0.
                let indent = self.lines[c.row]
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .count();
                Pos::new(c.row, if c.col == indent { 0 } else { indent })
            }
            Move::LineEnd => Pos::new(c.row, self.line_len(c.row)),
            Move::Top => Pos::default(),
            Move::Bottom => {
                let last = self.lines.len() - 1;
                Pos::new(last, self.line_len(last))
            }
        };
        self.cursor = next;
        self.goal_col = None;
    }

    fn set_cursor(&mut self, p: Pos) {
        self.cursor = self.clamp(p);
        self.goal_col = None;
    }

    /// Puts the cursor at `p` (a click, a jump); with `select`, extends the selection (a drag).
    pub fn place_cursor(&mut self, p: Pos, select: bool) {
        if select {
            self.anchor.get_or_insert(self.cursor);
        } else {
            self.anchor = None;
        }
        self.set_cursor(p);
    }

    /// The character position under screen cell (`row`, `x`) of the text area, as drawn
    /// with the current scroll.
    pub fn pos_at_screen(&self, row: usize, x: usize) -> Pos {
        let r = (self.top + row).min(self.lines.len() - 1);
        Pos::new(r, col_at_display(&self.lines[r], self.left + x))
    }

    /// Selects the next match of `query` after the cursor (case-insensitive), wrapping to
    /// the top; false when there is none.
    pub fn find_next(&mut self, query: &str) -> bool {
        if query.is_empty() {
            return false;
        }
        let q: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
        let start = self
            .selection()
            .map_or(self.cursor, |(s, _)| Pos::new(s.row, s.col + 1));
        let n = self.lines.len();
        for k in 0..=n {
            let row = (start.row + k) % n;
            let line: Vec<char> = self.lines[row].chars().collect();
            let from = if k == 0 { start.col } else { 0 };
            let found = (from..line.len()).find(|&i| {
                i + q.len() <= line.len()
                    && line[i..i + q.len()]
                        .iter()
                        .zip(&q)
                        .all(|(a, b)| a.to_lowercase().eq(std::iter::once(*b)))
            });
            if let Some(i) = found {
                if k == n && i >= start.col {
                    return false;
                }
                self.anchor = Some(Pos::new(row, i));
                self.cursor = Pos::new(row, i + q.len());
                self.goal_col = None;
                return true;
            }
        }
        false
    }

    /// Scrolls so the cursor is on screen in a text area of `height` rows and `width`
    /// columns, then keeps the text filling the area.
    pub fn scroll_to_cursor(&mut self, height: usize, width: usize) {
        self.page = height.saturating_sub(1).max(1);
        let c = self.cursor;
        if c.row < self.top {
            self.top = c.row;
        } else if height > 0 && c.row >= self.top + height {
            self.top = c.row + 1 - height;
        }
        let x = display_col(&self.lines[c.row], c.col);
        // Keep a little context to the left of the cursor when scrolling sideways.
        if x < self.left {
            self.left = x.saturating_sub(width / 4);
        } else if width > 0 && x >= self.left + width {
            self.left = x + 1 - width + width / 4;
        }
        self.clamp_scroll(height);
    }

    /// After the window grows or the text shrinks: no empty rows below the text while
    /// lines are scrolled off above.
    pub fn clamp_scroll(&mut self, height: usize) {
        self.page = height.saturating_sub(1).max(1);
        let max_top = self.lines.len().saturating_sub(height.max(1));
        self.top = self.top.min(max_top);
    }

    /// Scrolls the view by `rows` without moving the cursor (the mouse wheel).
    pub fn scroll_by(&mut self, rows: isize, height: usize) {
        self.top = (self.top as isize + rows).max(0) as usize;
        self.clamp_scroll(height);
    }
}

fn split_lines(text: &str) -> Vec<String> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(e: &mut Editor, text: &str, now: Instant) {
        for c in text.chars() {
            if c == '\n' {
                e.newline(now);
            } else {
                e.type_char(c, now);
            }
        }
    }

    #[test]
    fn undo_takes_back_a_word_at_a_time() {
        let now = Instant::now();
        let mut e = Editor::new("");
        typed(&mut e, "FROM python AS builder", now);
        assert_eq!(e.text(), "FROM python AS builder\n");
        assert!(e.undo());
        assert_eq!(e.text(), "FROM python AS \n");
        assert!(e.undo());
        assert_eq!(e.text(), "FROM python \n");
        assert!(e.redo());
        assert_eq!(e.text(), "FROM python AS \n");
        assert_eq!(e.cursor(), Pos::new(0, 15));
    }

    #[test]
    fn a_pause_ends_a_burst() {
        let now = Instant::now();
        let mut e = Editor::new("");
        typed(&mut e, "abc", now);
        typed(&mut e, "def", now + Duration::from_secs(3));
        e.undo();
        assert_eq!(e.text(), "abc\n");
    }

    #[test]
    fn reset_is_one_step_and_undo_brings_the_text_back() {
        let now = Instant::now();
        let mut e = Editor::new("FROM mine AS builder\nRUN my work\n");
        e.replace_all("FROM starter\n", Pos::default(), now);
        assert_eq!(e.text(), "FROM starter\n");
        assert!(e.undo());
        assert_eq!(e.text(), "FROM mine AS builder\nRUN my work\n");
        assert!(!e.undo(), "nothing older: never an empty buffer");
        assert_eq!(e.text(), "FROM mine AS builder\nRUN my work\n");
    }

    #[test]
    fn deleting_across_lines_undoes_exactly() {
        let now = Instant::now();
        let mut e = Editor::new("ab\ncd\nef\n");
        e.place_cursor(Pos::new(0, 1), false);
        e.place_cursor(Pos::new(2, 1), true);
        assert_eq!(e.selected_text().unwrap(), "b\ncd\ne");
        e.type_char('X', now);
        assert_eq!(e.text(), "aXf\n");
        e.undo();
        assert_eq!(e.text(), "ab\ncd\nef\n");
        e.place_cursor(Pos::new(1, 0), false);
        e.backspace(now);
        assert_eq!(e.text(), "abcd\nef\n");
        e.undo();
        assert_eq!(e.text(), "ab\ncd\nef\n");
    }

    #[test]
    fn copy_cut_paste_and_select_all() {
        let now = Instant::now();
        let mut e = Editor::new("one two\nthree\n");
        e.move_cursor(Move::WordRight, true);
        assert_eq!(e.copy(), "one");
        e.move_cursor(Move::Bottom, false);
        e.paste(now);
        assert_eq!(e.text(), "one two\nthreeone\n");
        e.select_all();
        assert_eq!(e.cut(now), "one two\nthreeone");
        assert_eq!(e.text(), "\n");
        e.undo();
        assert_eq!(e.text(), "one two\nthreeone\n");
    }

    #[test]
    fn shift_moves_select_and_plain_moves_collapse() {
        let mut e = Editor::new("hello world\n");
        e.move_cursor(Move::Right, true);
        e.move_cursor(Move::Right, true);
        assert_eq!(e.selected_text().as_deref(), Some("he"));
        e.move_cursor(Move::Left, false);
        assert_eq!(e.selection(), None);
        assert_eq!(e.cursor(), Pos::new(0, 0));
    }

    #[test]
    fn find_selects_matches_and_wraps() {
        let mut e = Editor::new("FROM a\nrun x\nFROM b\n");
        assert!(e.find_next("from"));
        assert_eq!(e.selection(), Some((Pos::new(0, 0), Pos::new(0, 4))));
        assert!(e.find_next("from"));
        assert_eq!(e.cursor(), Pos::new(2, 4));
        assert!(e.find_next("from"));
        assert_eq!(e.cursor(), Pos::new(0, 4));
        assert!(!e.find_next("nowhere"));
    }

    #[test]
    fn the_view_follows_the_cursor_and_fills_the_pane() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let mut e = Editor::new(&text);
        e.move_cursor(Move::Bottom, false);
        e.scroll_to_cursor(10, 40);
        assert_eq!(e.scroll().0, 90);
        // The window grows: no empty rows under the last line.
        e.clamp_scroll(30);
        assert_eq!(e.scroll().0, 70);
        let mut wide = Editor::new(&format!("{}\n", "x".repeat(200)));
        wide.move_cursor(Move::LineEnd, false);
        wide.scroll_to_cursor(10, 40);
        let (_, left) = wide.scroll();
        assert!(left <= 200 && left + 40 > 200, "{left}");
    }

    #[test]
    fn wide_characters_and_tabs_map_to_cells() {
        assert_eq!(display_col("a\tb", 2), 4);
        assert_eq!(display_col("日本", 1), 2);
        assert_eq!(col_at_display("日本", 3), 1);
        assert_eq!(col_at_display("ab", 9), 2);
    }
}
