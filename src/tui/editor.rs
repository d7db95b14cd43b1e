//! The text being edited. A [`ratatui_textarea::TextArea`] holds the lines, the cursor, the
//! selection and the clipboard (its yank buffer), and does the editing: typing, deleting,
//! word moves, cut and paste, search.
//!
//! [`Editor`] is the app's face of it and adds what the tutorial needs on top:
//! - undo that takes back a word or a burst of typing at a time, and a paste, a cut, a reset
//!   or a reload as one step. The textarea's own history undoes one key at a time, so it is
//!   off; every change goes through [`Editor::change`], which records what the textarea did.
//! - the keys students expect from other editors: Home to the indentation first, Up and Down
//!   keeping their column, copy and cut of the whole line with nothing selected.
//! - the view's scroll. The textarea's widget scrolls only while it draws and takes the line
//!   numbers sideways with the text; ours keeps the gutter fixed, highlights with syntect and
//!   fills the pane after a resize (see `ui::editor`), and drawing does not change state.
//!
//! No terminal code here.

use std::time::{Duration, Instant};

use ratatui_textarea::{CursorMove, TextArea};
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
/// `CursorMove::Jump` takes `u16` rows and columns; places beyond are walked to.
const JUMP_MAX: usize = u16::MAX as usize;
/// A walk along a line costs a pass over the line per step: a bound keeps a selection on a
/// line longer than `JUMP_MAX` characters fast (its far end stops short).
const WALK_STEPS: usize = 256;

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

impl Edit {
    /// Folds in `next`, made just after this edit where it ends (typing on, deleting back or
    /// forward), so that undoing a burst is one replacement.
    fn absorb(&mut self, next: &Edit) -> bool {
        if next.removed.is_empty() && next.at == end_of(self.at, &self.inserted) {
            self.inserted.push_str(&next.inserted);
            return true;
        }
        if !(self.inserted.is_empty() && next.inserted.is_empty()) {
            return false;
        }
        if end_of(next.at, &next.removed) == self.at {
            self.removed.insert_str(0, &next.removed);
            self.at = next.at;
            true
        } else if next.at == self.at {
            self.removed.push_str(&next.removed);
            true
        } else {
            false
        }
    }
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
    area: TextArea<'static>,
    /// Display column kept while moving up and down through shorter lines.
    goal_col: Option<usize>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    history_bytes: usize,
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

/// The one edit that turns `old` into `new`, both the text of the lines from `row` on:
/// what they start and end with alike is left out.
fn diff(row: usize, old: &str, new: &str) -> Option<Edit> {
    if old == new {
        return None;
    }
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut head = common_prefix(a, b);
    // The same bytes up to `head`, so a character boundary in one is one in the other.
    while !old.is_char_boundary(head) {
        head -= 1;
    }
    // The end alike, not reaching back into the start alike.
    let mut tail = common_suffix(&a[head..], &b[head..]);
    while !old.is_char_boundary(a.len() - tail) {
        tail -= 1;
    }
    Some(Edit {
        at: end_of(Pos::new(row, 0), &old[..head]),
        removed: old[head..a.len() - tail].to_string(),
        inserted: new[head..b.len() - tail].to_string(),
    })
}

/// How many bytes `a` and `b` start with alike. Whole 64-byte blocks are compared first:
/// a long line edited near one end is common.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let blocks = a.chunks(64).zip(b.chunks(64));
    let same = (blocks.take_while(|(x, y)| x == y).count() * 64)
        .min(a.len())
        .min(b.len());
    same + a[same..]
        .iter()
        .zip(&b[same..])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` end with alike.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let blocks = a.rchunks(64).zip(b.rchunks(64));
    let same = (blocks.take_while(|(x, y)| x == y).count() * 64)
        .min(a.len())
        .min(b.len());
    let (a, b) = (&a[..a.len() - same], &b[..b.len() - same]);
    same + a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
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

fn jump(row: usize, col: usize) -> CursorMove {
    CursorMove::Jump(row as u16, col as u16)
}

impl Editor {
    pub fn new(text: &str) -> Editor {
        let mut area = TextArea::new(split_lines(text));
        // Undo is ours: a word or a burst at a time, not a key.
        area.set_max_histories(0);
        // (Setting it re-measures every line: only when it differs.)
        if area.tab_length() as usize != TAB_WIDTH {
            area.set_tab_length(TAB_WIDTH as u8);
        }
        Editor {
            area,
            goal_col: None,
            undo: Vec::new(),
            redo: Vec::new(),
            history_bytes: 0,
            top: 0,
            left: 0,
            page: 20,
        }
    }

    pub fn lines(&self) -> &[String] {
        self.area.lines()
    }

    /// The whole text, ending with a newline.
    pub fn text(&self) -> String {
        let mut t = self.lines().join("\n");
        t.push('\n');
        t
    }

    pub fn cursor(&self) -> Pos {
        let c = self.area.cursor();
        Pos::new(c.0, c.1)
    }

    pub fn scroll(&self) -> (usize, usize) {
        (self.top, self.left)
    }

    /// What Ctrl-V pastes.
    pub fn clipboard(&self) -> String {
        self.area.yank_text()
    }

    /// The selection as (start, end), start first; None when nothing is selected.
    pub fn selection(&self) -> Option<(Pos, Pos)> {
        let (s, e) = self.area.selection_range()?;
        (s != e).then(|| (Pos::new(s.0, s.1), Pos::new(e.0, e.1)))
    }

    pub fn selected_text(&self) -> Option<String> {
        let (s, e) = self.selection()?;
        let lines = self.lines();
        if s.row == e.row {
            let l = &lines[s.row];
            return Some(l[byte_at(l, s.col)..byte_at(l, e.col)].to_string());
        }
        let (first, last) = (&lines[s.row], &lines[e.row]);
        let mut out = first[byte_at(first, s.col)..].to_string();
        for l in &lines[s.row + 1..e.row] {
            out.push('\n');
            out.push_str(l);
        }
        out.push('\n');
        out.push_str(&last[..byte_at(last, e.col)]);
        Some(out)
    }

    fn line_len(&self, row: usize) -> usize {
        self.lines()[row].chars().count()
    }

    fn clamp(&self, p: Pos) -> Pos {
        let row = p.row.min(self.lines().len() - 1);
        Pos::new(row, p.col.min(self.line_len(row)))
    }

    // ---- Moving the textarea's cursor ----

    /// Moves the cursor to `p` (clamped) with the textarea's moves; a selection under way
    /// follows it.
    fn walk_to(&mut self, p: Pos) {
        let p = self.clamp(p);
        if p.row <= JUMP_MAX && p.col <= JUMP_MAX {
            return self.area.move_cursor(jump(p.row, p.col));
        }
        let c = self.cursor();
        if p.row == c.row && p.col.abs_diff(c.col) <= WALK_STEPS {
            return self.step_along(c.col, p.col);
        }
        if p.row <= JUMP_MAX {
            self.area.move_cursor(jump(p.row, JUMP_MAX));
        } else {
            let last = self.lines().len() - 1;
            if last - p.row < p.row - JUMP_MAX {
                self.area.move_cursor(CursorMove::Bottom);
                self.area.move_cursor(CursorMove::Head);
                (p.row..last).for_each(|_| self.area.move_cursor(CursorMove::Up));
            } else {
                self.area.move_cursor(jump(JUMP_MAX, 0));
                (JUMP_MAX..p.row).for_each(|_| self.area.move_cursor(CursorMove::Down));
            }
        }
        if p.col == self.line_len(p.row) {
            self.area.move_cursor(CursorMove::End);
        } else {
            let from = self.cursor().col;
            self.step_along(from, p.col.min(from + WALK_STEPS));
        }
    }

    fn step_along(&mut self, from: usize, to: usize) {
        let m = if to > from {
            CursorMove::Forward
        } else {
            CursorMove::Back
        };
        (0..to.abs_diff(from)).for_each(|_| self.area.move_cursor(m));
    }

    /// Puts the cursor exactly at `p` (clamped), with nothing selected.
    fn place(&mut self, p: Pos) {
        self.area.cancel_selection();
        let p = self.clamp(p);
        let reachable = (p.row <= JUMP_MAX && p.col <= JUMP_MAX)
            || p.col <= WALK_STEPS
            || p.col == self.line_len(p.row);
        if reachable {
            return self.walk_to(p);
        }
        // Too far along a line to jump or walk to: the line is written back in two halves,
        // which leaves the cursor between them (no history: nothing changes).
        self.walk_to(Pos::new(p.row, 0));
        let line = self.lines()[p.row].clone();
        let (before, after) = line.split_at(byte_at(&line, p.col));
        self.area.start_selection();
        self.area.move_cursor(CursorMove::End);
        self.area.insert_str(after);
        self.area.move_cursor(CursorMove::Head);
        self.area.insert_str(before);
    }

    /// Selects the whole of lines `first` to `last`, the cursor at the end.
    fn select_rows(&mut self, first: usize, last: usize) {
        self.place(Pos::new(first, 0));
        self.area.start_selection();
        self.walk_to(Pos::new(last, usize::MAX));
    }

    // ---- Changing the text ----

    /// Lets the textarea make one change (`op`) and records it for undo, merging typing and
    /// deleting into the step before while they continue it. Every change here is made
    /// at the cursor, so only the lines from one above the cursor or the selection to one
    /// below can change, and only those are compared.
    fn change(
        &mut self,
        kind: Kind,
        typed: Option<char>,
        now: Instant,
        op: impl FnOnce(&mut Editor),
    ) -> bool {
        let c = self.area.cursor().0;
        let (s, e) = self
            .area
            .selection_range()
            .map_or((c, c), |(s, e)| (s.0, e.0));
        let lo = c.min(s).saturating_sub(1);
        let hi = (c.max(e) + 1).min(self.lines().len() - 1);
        self.change_rows(lo, hi, kind, typed, now, op)
    }

    fn change_rows(
        &mut self,
        lo: usize,
        hi: usize,
        kind: Kind,
        typed: Option<char>,
        now: Instant,
        op: impl FnOnce(&mut Editor),
    ) -> bool {
        let before = self.cursor();
        let count = self.lines().len();
        let old = self.lines()[lo..=hi].join("\n");
        op(self);
        self.goal_col = None;
        let new_hi = (hi + self.lines().len()).saturating_sub(count).max(lo);
        let new = self.lines()[lo..=new_hi].join("\n");
        let Some(edit) = diff(lo, &old, &new) else {
            return false;
        };
        self.record(edit, kind, typed, before, now);
        true
    }

    fn record(&mut self, edit: Edit, kind: Kind, typed: Option<char>, before: Pos, now: Instant) {
        let after = self.cursor();
        self.redo.clear();
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
            let absorbed = step.edits.last_mut().is_some_and(|e| e.absorb(&edit));
            if !absorbed {
                step.edits.push(edit);
            }
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

    /// Types one character (replacing the selection).
    pub fn type_char(&mut self, c: char, now: Instant) {
        let kind = if self.selection().is_some() {
            Kind::Block
        } else {
            Kind::Typing
        };
        self.change(kind, Some(c), now, |e| e.area.insert_char(c));
    }

    /// A new line, indented like the current one (continuation lines stay aligned).
    pub fn newline(&mut self, now: Instant) {
        let c = self.cursor();
        let indent: String = self.lines()[c.row]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .take(c.col)
            .collect();
        self.change(Kind::Typing, Some('\n'), now, |e| {
            e.area.insert_str(format!("\n{indent}"));
        });
    }

    /// Spaces to the next tab stop. (The textarea's `insert_tab` counts a tab already in the
    /// line as no width, so after one it would not reach the stop.)
    pub fn tab(&mut self, now: Instant) {
        let c = self.cursor();
        let x = display_col(&self.lines()[c.row], c.col);
        let spaces = " ".repeat(TAB_WIDTH - x % TAB_WIDTH);
        self.change(Kind::Typing, Some(' '), now, |e| {
            e.area.insert_str(spaces);
        });
    }

    /// Inserts text as one step (a paste from the terminal, a snippet).
    pub fn insert(&mut self, text: &str, now: Instant) -> bool {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        self.change(Kind::Block, None, now, |e| {
            e.area.insert_str(text);
        })
    }

    pub fn backspace(&mut self, now: Instant) -> bool {
        self.change(Kind::Deleting, None, now, |e| {
            e.area.delete_char();
        })
    }

    pub fn delete(&mut self, now: Instant) -> bool {
        self.change(Kind::Deleting, None, now, |e| {
            e.area.delete_next_char();
        })
    }

    pub fn delete_word_back(&mut self, now: Instant) -> bool {
        self.change(Kind::Block, None, now, |e| {
            e.keeping_clipboard(|a| a.delete_word())
        })
    }

    pub fn delete_to_line_end(&mut self, now: Instant) -> bool {
        self.change(Kind::Block, None, now, |e| {
            e.keeping_clipboard(|a| a.delete_line_by_end())
        })
    }

    /// The textarea puts what its word and line deletions take into its yank buffer (as
    /// emacs does); here Ctrl-V pastes only what Ctrl-C or Ctrl-X took.
    fn keeping_clipboard(&mut self, op: impl FnOnce(&mut TextArea<'static>) -> bool) {
        let kept = self.area.yank_text();
        op(&mut self.area);
        self.area.set_yank_text(kept);
    }

    /// Replaces the whole text as one undoable step (reset, reload); the cursor goes to
    /// `cursor` (clamped).
    pub fn replace_all(&mut self, text: &str, cursor: Pos, now: Instant) {
        let body = text
            .strip_suffix('\n')
            .unwrap_or(text)
            .replace("\r\n", "\n");
        let last = self.lines().len() - 1;
        self.change_rows(0, last, Kind::Block, None, now, |e| {
            e.select_rows(0, last);
            e.area.insert_str(body);
        });
        self.place(cursor);
    }

    pub fn select_all(&mut self) {
        self.area.select_all();
        // The textarea jumps there, and a jump reaches only so many lines.
        self.walk_to(Pos::new(usize::MAX, usize::MAX));
    }

    pub fn clear_selection(&mut self) {
        self.area.cancel_selection();
    }

    /// Copies the selection (or the current line, as editors do with nothing selected). The
    /// selection stays, as in other editors (the textarea's `copy` would end it).
    pub fn copy(&mut self) -> String {
        let text = self
            .selected_text()
            .unwrap_or_else(|| format!("{}\n", self.lines()[self.cursor().row]));
        self.area.set_yank_text(text.clone());
        text
    }

    /// Cuts the selection (or the current line).
    pub fn cut(&mut self, now: Instant) -> String {
        let copied = self.copy();
        if self.selection().is_none() {
            let row = self.cursor().row;
            let (s, e) = if row + 1 < self.lines().len() {
                (Pos::new(row, 0), Pos::new(row + 1, 0))
            } else if row > 0 {
                (
                    Pos::new(row - 1, self.line_len(row - 1)),
                    Pos::new(row, self.line_len(row)),
                )
            } else {
                (Pos::new(0, 0), Pos::new(0, self.line_len(0)))
            };
            self.place(s);
            self.area.start_selection();
            self.walk_to(e);
        }
        self.change(Kind::Block, None, now, |e| {
            e.area.cut();
        });
        // The line with its newline, whichever side of it went.
        self.area.set_yank_text(copied.clone());
        copied
    }

    pub fn paste(&mut self, now: Instant) -> bool {
        !self.clipboard().is_empty()
            && self.change(Kind::Block, None, now, |e| {
                e.area.paste();
            })
    }

    /// Puts `new` where the text reads `old` from `at`, through the textarea. The lines it
    /// spans are written whole, so no column has to be reached.
    fn apply(&mut self, at: Pos, old: &str, new: &str) {
        let end = end_of(at, old);
        let lines = self.lines();
        let (first, last) = (&lines[at.row], &lines[end.row]);
        let text = format!(
            "{}{new}{}",
            &first[..byte_at(first, at.col)],
            &last[byte_at(last, end.col)..]
        );
        self.select_rows(at.row, end.row);
        self.area.insert_str(text);
    }

    /// Takes back the last step; false when there is none.
    pub fn undo(&mut self) -> bool {
        let Some(step) = self.undo.pop() else {
            return false;
        };
        for e in step.edits.iter().rev() {
            self.apply(e.at, &e.inserted, &e.removed);
        }
        self.history_bytes -= step.bytes();
        self.place(step.cursor_before);
        self.goal_col = None;
        self.redo.push(step);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(mut step) = self.redo.pop() else {
            return false;
        };
        for e in &step.edits {
            self.apply(e.at, &e.removed, &e.inserted);
        }
        self.history_bytes += step.bytes();
        self.place(step.cursor_after);
        self.goal_col = None;
        // A redone step is finished: typing after it starts a new one.
        step.kind = Kind::Block;
        self.undo.push(step);
        true
    }

    // ---- Moving ----

    /// Where Up/Down by `rows` go, keeping the display column the moves started from.
    fn vertical(&mut self, rows: isize) -> Pos {
        let c = self.cursor();
        let lines = self.area.lines();
        let goal = *self
            .goal_col
            .get_or_insert_with(|| display_col(&lines[c.row], c.col));
        let row = (c.row as isize + rows).clamp(0, lines.len() as isize - 1) as usize;
        Pos::new(row, col_at_display(&lines[row], goal))
    }

    /// Moves the cursor; with `select`, extends the selection (Shift + a movement key).
    pub fn move_cursor(&mut self, m: Move, select: bool) {
        if select {
            if !self.area.is_selecting() {
                self.area.start_selection();
            }
        } else if let Some((s, e)) = self.selection() {
            // Left/Right with a selection go to its edge, as editors do.
            self.area.cancel_selection();
            match m {
                Move::Left => return self.set_cursor(s),
                Move::Right => return self.set_cursor(e),
                _ => {}
            }
        } else {
            self.area.cancel_selection();
        }
        let page = self.page.max(1) as isize;
        let rows = match m {
            Move::Up => -1,
            Move::Down => 1,
            Move::PageUp => -page,
            Move::PageDown => page,
            _ => 0,
        };
        if rows != 0 {
            let p = self.vertical(rows);
            return self.walk_to(p);
        }
        self.goal_col = None;
        let c = self.cursor();
        match m {
            Move::Left => self.area.move_cursor(CursorMove::Back),
            Move::Right => self.area.move_cursor(CursorMove::Forward),
            Move::WordLeft => self.area.move_cursor(CursorMove::WordBack),
            Move::WordRight => self.area.move_cursor(CursorMove::WordForward),
            Move::LineEnd => self.area.move_cursor(CursorMove::End),
            Move::LineStart => {
                // First to the indentation, then to column 0.
                let indent = self.lines()[c.row]
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .count();
                let col = if c.col == indent { 0 } else { indent };
                self.walk_to(Pos::new(c.row, col));
            }
            Move::Top => self.walk_to(Pos::default()),
            Move::Bottom => self.walk_to(Pos::new(usize::MAX, usize::MAX)),
            Move::Up | Move::Down | Move::PageUp | Move::PageDown => {}
        }
    }

    fn set_cursor(&mut self, p: Pos) {
        self.place(p);
        self.goal_col = None;
    }

    /// Puts the cursor at `p` (a click, a jump); with `select`, extends the selection (a drag).
    pub fn place_cursor(&mut self, p: Pos, select: bool) {
        if select {
            if !self.area.is_selecting() {
                self.area.start_selection();
            }
            self.walk_to(p);
        } else {
            self.place(p);
        }
        self.goal_col = None;
    }

    /// The character position under screen cell (`row`, `x`) of the text area, as drawn
    /// with the current scroll.
    pub fn pos_at_screen(&self, row: usize, x: usize) -> Pos {
        let lines = self.lines();
        let r = (self.top + row).min(lines.len() - 1);
        Pos::new(r, col_at_display(&lines[r], self.left + x))
    }

    /// Selects the next match of `query` after the cursor (case-insensitive), wrapping to
    /// the top; false when there is none.
    pub fn find_next(&mut self, query: &str) -> bool {
        let pattern = format!("(?i){}", regex::escape(query));
        if query.is_empty() || self.area.set_search_pattern(pattern).is_err() {
            return false;
        }
        let was = (self.area.selection_range(), self.cursor());
        // From just after the current match's start, or from the cursor.
        let from_selection = match self.selection() {
            Some((s, _)) => {
                self.place(s);
                true
            }
            None => {
                self.area.cancel_selection();
                false
            }
        };
        if !self.area.search_forward(!from_selection) {
            // Nothing anywhere: leave the cursor and the selection as they were.
            if let (Some((s, e)), cursor) = was {
                let anchor = if cursor == Pos::new(s.0, s.1) { e } else { s };
                self.place(Pos::new(anchor.0, anchor.1));
                self.area.start_selection();
                self.walk_to(cursor);
            }
            return false;
        }
        let at = self.cursor();
        let line = &self.lines()[at.row];
        let start = byte_at(line, at.col);
        let len = self
            .area
            .search_pattern()
            .and_then(|re| re.find_at(line, start))
            .map_or(0, |m| line[m.start()..m.end()].chars().count());
        self.area.start_selection();
        self.walk_to(Pos::new(at.row, at.col + len));
        self.goal_col = None;
        true
    }

    // ---- The view ----

    /// Scrolls so the cursor is on screen in a text area of `height` rows and `width`
    /// columns, then keeps the text filling the area.
    pub fn scroll_to_cursor(&mut self, height: usize, width: usize) {
        self.page = height.saturating_sub(1).max(1);
        let c = self.cursor();
        if c.row < self.top {
            self.top = c.row;
        } else if height > 0 && c.row >= self.top + height {
            self.top = c.row + 1 - height;
        }
        let x = display_col(&self.lines()[c.row], c.col);
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
        let max_top = self.lines().len().saturating_sub(height.max(1));
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
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect()
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
    fn diff_finds_the_one_change_in_long_text() {
        // Longer than the 64-byte blocks it compares first, changed at either end and inside.
        let old = "x".repeat(200) + "\n" + &"y".repeat(130);
        for (at, len, inserted) in [(0, 0, "a"), (70, 3, "日"), (201, 0, "\n"), (331, 0, "z")] {
            let mut new = old.clone();
            new.replace_range(at..at + len, inserted);
            let e = diff(4, &old, &new).unwrap();
            assert_eq!(e.at, end_of(Pos::new(4, 0), &old[..at]), "{at}");
            assert_eq!(
                (e.removed.as_str(), e.inserted.as_str()),
                (&old[at..at + len], inserted)
            );
        }
        assert!(diff(4, &old, &old).is_none());
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
    fn a_burst_of_deleting_is_one_step() {
        let now = Instant::now();
        let mut e = Editor::new("RUN pip install flask\n");
        e.move_cursor(Move::LineEnd, false);
        for _ in 0..6 {
            e.backspace(now);
        }
        assert_eq!(e.text(), "RUN pip install\n");
        e.undo();
        assert_eq!(e.text(), "RUN pip install flask\n");
        assert_eq!(e.cursor(), Pos::new(0, 21));
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
        // Selected upwards, the cursor at the top.
        e.place_cursor(Pos::new(2, 1), false);
        e.place_cursor(Pos::new(0, 1), true);
        e.type_char('Y', now);
        assert_eq!(e.text(), "aYf\n");
        e.undo();
        assert_eq!(e.text(), "ab\ncd\nef\n");
    }

    #[test]
    fn copy_cut_paste_and_select_all() {
        let now = Instant::now();
        let mut e = Editor::new("one two\nthree\n");
        e.move_cursor(Move::WordRight, true);
        assert_eq!(e.copy(), "one ");
        assert_eq!(e.selected_text().as_deref(), Some("one "), "copy keeps it");
        e.move_cursor(Move::Bottom, false);
        e.paste(now);
        assert_eq!(e.text(), "one two\nthreeone \n");
        e.select_all();
        assert_eq!(e.cut(now), "one two\nthreeone ");
        assert_eq!(e.text(), "\n");
        e.undo();
        assert_eq!(e.text(), "one two\nthreeone \n");
        // Nothing selected: the line, with its newline.
        e.place_cursor(Pos::new(1, 2), false);
        assert_eq!(e.cut(now), "threeone \n");
        assert_eq!(e.text(), "one two\n");
        e.place_cursor(Pos::new(0, 0), false);
        e.paste(now);
        assert_eq!(e.text(), "threeone \none two\n");
    }

    #[test]
    fn word_and_line_deletions_leave_the_clipboard_alone() {
        let now = Instant::now();
        let mut e = Editor::new("RUN pip install flask\n");
        e.copy();
        e.move_cursor(Move::LineEnd, false);
        e.delete_word_back(now);
        assert_eq!(e.text(), "RUN pip install \n");
        e.place_cursor(Pos::new(0, 3), false);
        e.delete_to_line_end(now);
        assert_eq!(e.text(), "RUN\n");
        assert_eq!(e.clipboard(), "RUN pip install flask\n");
        e.undo();
        e.undo();
        assert_eq!(e.text(), "RUN pip install flask\n");
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
    fn home_goes_to_the_indentation_first_and_up_down_keep_the_column() {
        let mut e = Editor::new("RUN a \\\n    && b\n\nRUN long line\n");
        e.place_cursor(Pos::new(1, 7), false);
        e.move_cursor(Move::LineStart, false);
        assert_eq!(e.cursor(), Pos::new(1, 4));
        e.move_cursor(Move::LineStart, false);
        assert_eq!(e.cursor(), Pos::new(1, 0));
        e.place_cursor(Pos::new(1, 7), false);
        e.move_cursor(Move::Down, false);
        assert_eq!(e.cursor(), Pos::new(2, 0));
        e.move_cursor(Move::Down, false);
        assert_eq!(e.cursor(), Pos::new(3, 7), "back to the column it left");
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
        assert_eq!(e.selection(), Some((Pos::new(0, 0), Pos::new(0, 4))));
        // Taken as typed, not as a pattern.
        let mut e = Editor::new("RUN a.b\nRUN a*b (c)\n");
        assert!(e.find_next("a*b (c"));
        assert_eq!(e.selected_text().as_deref(), Some("a*b (c"));
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
        let now = Instant::now();
        let mut e = Editor::new("\tx\n日本語\n");
        e.place_cursor(Pos::new(0, 1), false);
        e.tab(now);
        assert_eq!(
            e.text(),
            "\t    x\n日本語\n",
            "to the next stop after the tab"
        );
        e.place_cursor(Pos::new(1, 1), false);
        e.move_cursor(Move::Right, true);
        assert_eq!(e.selected_text().as_deref(), Some("本"));
        e.type_char('x', now);
        assert_eq!(e.lines()[1], "日x語");
        e.undo();
        assert_eq!(e.lines()[1], "日本語");
    }

    #[test]
    fn very_long_lines_and_files_are_edited_exactly() {
        // Beyond what the textarea's Jump (u16) reaches, in both directions.
        let now = Instant::now();
        let line = "ab".repeat(40_000);
        let mut e = Editor::new(&format!("{line}\n"));
        e.place_cursor(Pos::new(0, 70_001), false);
        assert_eq!(e.cursor(), Pos::new(0, 70_001));
        e.type_char('X', now);
        assert_eq!(&e.lines()[0][70_000..70_003], "aXb");
        e.place_cursor(Pos::new(0, 5), false);
        assert!(e.undo());
        assert_eq!(e.lines()[0], line);
        assert_eq!(e.cursor(), Pos::new(0, 70_001));
        let many: String = (0..66_000).map(|i| format!("{i}\n")).collect();
        let mut e = Editor::new(&many);
        e.place_cursor(Pos::new(65_600, 1), false);
        assert_eq!(e.cursor(), Pos::new(65_600, 1));
        e.type_char('X', now);
        assert_eq!(e.lines()[65_600], "6X5600");
        e.select_all();
        assert_eq!(e.cursor(), Pos::new(65_999, 5));
        e.place_cursor(Pos::new(0, 0), false);
        assert!(e.undo());
        assert_eq!(e.text(), many);
        // Far along a line that is itself beyond the rows a jump reaches.
        let mut e = Editor::new(&format!("{many}{line}\n"));
        e.place_cursor(Pos::new(66_000, 1_000), false);
        assert_eq!(e.cursor(), Pos::new(66_000, 1_000));
        e.type_char('X', now);
        assert_eq!(&e.lines()[66_000][999..1_002], "bXa");
        e.undo();
        assert_eq!(e.lines()[66_000], line);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            Type(char),
            Newline,
            Tab,
            Backspace,
            Delete,
            DeleteWord,
            DeleteToEnd,
            Move(Move, bool),
            Click(usize, usize, bool),
            Insert(String),
            Cut,
            Copy,
            Paste,
            SelectAll,
            Undo,
            Redo,
            Pause,
        }

        fn op() -> impl Strategy<Value = Op> {
            let moves = prop::sample::select(vec![
                Move::Left,
                Move::Right,
                Move::Up,
                Move::Down,
                Move::WordLeft,
                Move::WordRight,
                Move::LineStart,
                Move::LineEnd,
                Move::Top,
                Move::Bottom,
                Move::PageUp,
                Move::PageDown,
            ]);
            prop_oneof![
                8 => prop::sample::select(vec!['a', 'b', ' ', '\t', '日', 'é', '\\', '"'])
                    .prop_map(Op::Type),
                1 => Just(Op::Newline),
                1 => Just(Op::Tab),
                3 => Just(Op::Backspace),
                2 => Just(Op::Delete),
                1 => Just(Op::DeleteWord),
                1 => Just(Op::DeleteToEnd),
                4 => (moves, any::<bool>()).prop_map(|(m, s)| Op::Move(m, s)),
                2 => (0usize..8, 0usize..12, any::<bool>()).prop_map(|(r, c, s)| Op::Click(r, c, s)),
                1 => "[a-c \n日]{0,8}".prop_map(Op::Insert),
                1 => Just(Op::Cut),
                1 => Just(Op::Copy),
                1 => Just(Op::Paste),
                1 => Just(Op::SelectAll),
                2 => Just(Op::Undo),
                1 => Just(Op::Redo),
                1 => Just(Op::Pause),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

            /// Whatever is done, undoing everything gives the text back, and redoing
            /// everything gives the text after the last change: nothing typed is lost.
            #[test]
            fn undo_all_then_redo_all_round_trips(
                start in "[ab \n日\t]{0,20}",
                ops in prop::collection::vec(op(), 0..60),
            ) {
                let mut now = Instant::now();
                let mut e = Editor::new(&start);
                let original = e.text();
                // The text after the last change: where redoing everything ends.
                let mut tip = original.clone();
                for op in ops {
                    let before = e.text();
                    let edits = !matches!(op, Op::Undo | Op::Redo);
                    match op {
                        Op::Type(c) => e.type_char(c, now),
                        Op::Newline => e.newline(now),
                        Op::Tab => e.tab(now),
                        Op::Backspace => { e.backspace(now); }
                        Op::Delete => { e.delete(now); }
                        Op::DeleteWord => { e.delete_word_back(now); }
                        Op::DeleteToEnd => { e.delete_to_line_end(now); }
                        Op::Move(m, s) => e.move_cursor(m, s),
                        Op::Click(r, c, s) => e.place_cursor(Pos::new(r, c), s),
                        Op::Insert(t) => { e.insert(&t, now); }
                        Op::Cut => { e.cut(now); }
                        Op::Copy => { e.copy(); }
                        Op::Paste => { e.paste(now); }
                        Op::SelectAll => e.select_all(),
                        Op::Undo => { e.undo(); }
                        Op::Redo => { e.redo(); }
                        Op::Pause => now += Duration::from_secs(2),
                    }
                    if edits && e.text() != before {
                        tip = e.text();
                    }
                    let c = e.cursor();
                    prop_assert!(c.row < e.lines().len());
                    prop_assert!(c.col <= e.lines()[c.row].chars().count());
                }
                while e.undo() {}
                prop_assert_eq!(e.text(), original);
                while e.redo() {}
                prop_assert_eq!(e.text(), tip);
            }
        }
    }
}
