//! The tutorial's state and what keys do to it. No terminal code here: the event loop feeds
//! events in, the widgets draw from it.

use std::time::{Duration, Instant};

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea};

use super::highlight::Highlighter;
use super::storage::{Progress, Workspace};
use crate::grade::Analysis;
use crate::pack::{Lesson, Pack};
use crate::report::diagram::{self, Diagram};
use crate::report::sizes;

/// Autosave this long after the last change.
pub const AUTOSAVE_AFTER: Duration = Duration::from_millis(800);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Lessons { selected: usize },
    ConfirmReset,
    ConfirmSolution,
    Summary,
}

/// Which pane shares the screen with the editor when there is no room for three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidePane {
    Lesson,
    Diagram,
}

/// What the last frame put where, for mouse clicks.
#[derive(Debug, Clone, Default)]
pub struct ScreenMap {
    pub editor: ratatui::layout::Rect,
    pub lesson: ratatui::layout::Rect,
    /// Screen rows of the lesson pane that name a failing rule, with the line it points at.
    pub rule_rows: Vec<(u16, usize)>,
}

pub struct App {
    pub pack: Pack,
    pub editor: TextArea<'static>,
    pub analysis: Analysis,
    pub diagram: Diagram,
    pub highlighter: Option<Highlighter>,
    /// Index into `pack.lessons`.
    pub lesson: usize,
    pub progress: Progress,
    pub overlay: Overlay,
    pub side: SidePane,
    pub lesson_scroll: u16,
    /// The largest useful scroll of the lesson pane, as last drawn.
    pub lesson_scroll_max: u16,
    /// The text changed since the last grading.
    stale: bool,
    /// Scroll the lesson pane to the newest hint (or the solution) on the next draw.
    pub scroll_to_hint: bool,
    pub dirty: bool,
    pub last_edit: Option<Instant>,
    pub message: Option<String>,
    pub workspace: Option<Workspace>,
    pub ascii: bool,
    pub color: bool,
    pub quit: bool,
    session_start: Instant,
    seconds_before: u64,
}

impl App {
    pub fn new(
        pack: Pack,
        text: &str,
        progress: Progress,
        workspace: Option<Workspace>,
        ascii: bool,
        color: bool,
    ) -> App {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut editor = TextArea::new(if lines.is_empty() {
            vec![String::new()]
        } else {
            lines
        });
        editor.set_line_number_style(Style::default().add_modifier(Modifier::DIM));
        editor.set_cursor_line_style(Style::default());
        editor.set_max_histories(500);
        let (row, col) = progress.cursor;
        editor.move_cursor(CursorMove::Jump(
            row.min(u16::MAX as usize) as u16,
            col.min(u16::MAX as usize) as u16,
        ));
        let lesson = pack
            .lessons
            .iter()
            .position(|l| l.todo == progress.lesson)
            .unwrap_or(0);
        let analysis = Analysis::of(text, &pack);
        let diagram = diagram::build(
            &analysis.facts,
            &sizes::estimate(&analysis.facts, &pack.params),
        );
        let mut app = App {
            highlighter: Highlighter::new(color),
            pack,
            editor,
            analysis,
            diagram,
            lesson,
            seconds_before: progress.seconds_spent,
            progress,
            overlay: Overlay::None,
            side: SidePane::Lesson,
            lesson_scroll: 0,
            lesson_scroll_max: 0,
            stale: false,
            scroll_to_hint: false,
            dirty: false,
            last_edit: None,
            message: None,
            workspace,
            ascii,
            color,
            quit: false,
            session_start: Instant::now(),
        };
        app.record_passes(false);
        // Coming back to a lesson mid-way: show the hints already asked for.
        app.scroll_to_hint = app.hints_used() > 0;
        app
    }

    pub fn text(&self) -> String {
        let mut t = self.editor.lines().join("\n");
        t.push('\n');
        t
    }

    pub fn current(&self) -> &Lesson {
        &self.pack.lessons[self.lesson]
    }

    pub fn verdict(&self) -> &crate::grade::TodoVerdict {
        &self.analysis.todos[self.lesson]
    }

    pub fn hints_used(&self) -> usize {
        self.progress
            .hints_used
            .get(&self.current().todo)
            .copied()
            .unwrap_or(0)
    }

    /// The solution snippet is shown once the TODO passes, or after the last hint and a
    /// confirmation.
    pub fn solution_visible(&self) -> bool {
        self.verdict().passed || self.hints_used() > self.current().hints.len()
    }

    pub fn seconds_spent(&self) -> u64 {
        self.seconds_before + self.session_start.elapsed().as_secs()
    }

    fn reanalyze(&mut self) {
        let text = self.text();
        self.analysis = Analysis::of(&text, &self.pack);
        self.diagram = diagram::build(
            &self.analysis.facts,
            &sizes::estimate(&self.analysis.facts, &self.pack.params),
        );
        self.record_passes(true);
    }

    /// Notes newly passing TODOs; with `announce`, says so (never moves on by itself).
    fn record_passes(&mut self, announce: bool) {
        let before = self.progress.passed.len();
        let mut newly = Vec::new();
        for t in &self.analysis.todos {
            if t.passed && !self.progress.passed.contains(&t.todo) {
                self.progress.passed.push(t.todo);
                newly.push(t.todo);
            }
        }
        self.progress.passed.sort_unstable();
        if !announce {
            return;
        }
        let current = self.current().todo;
        if newly.contains(&current) {
            self.message = Some(format!(
                "✓ TODO {current} passes! Press F6 for the next lesson."
            ));
        }
        let all = self.analysis.todos.iter().all(|t| t.passed);
        if all && (before < self.pack.lessons.len() || !newly.is_empty()) {
            self.overlay = Overlay::Summary;
        }
    }

    /// The text changed: grade again before the next frame (see [`App::refresh`]).
    fn edited(&mut self) {
        self.dirty = true;
        self.stale = true;
        self.last_edit = Some(Instant::now());
    }

    /// Re-grades after edits. The event loop calls this once per burst of input (fast
    /// typing, a paste), not once per character.
    pub fn refresh(&mut self) {
        if std::mem::take(&mut self.stale) {
            self.reanalyze();
        }
    }

    /// Inserts pasted text as one edit.
    pub fn paste(&mut self, text: &str) {
        if self.overlay == Overlay::None
            && self
                .editor
                .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"))
        {
            self.edited();
        }
    }

    /// Saves the Dockerfile and progress now.
    pub fn save(&mut self) -> Result<(), String> {
        let cursor = self.editor.cursor();
        self.progress.cursor = (cursor.0, cursor.1);
        self.progress.lesson = self.current().todo;
        self.progress.seconds_spent = self.seconds_spent();
        if let Some(ws) = &self.workspace {
            super::storage::write_atomic(&ws.dockerfile, self.text().as_bytes())?;
            ws.save_progress(&self.progress)?;
        }
        self.dirty = false;
        Ok(())
    }

    /// Autosave when the last change is old enough; called by the event loop.
    pub fn tick(&mut self, now: Instant) {
        if self.dirty
            && self
                .last_edit
                .is_some_and(|t| now.duration_since(t) >= AUTOSAVE_AFTER)
            && let Err(e) = self.save()
        {
            self.message = Some(e);
        }
    }

    fn save_progress_only(&mut self) {
        self.progress.lesson = self.current().todo;
        if let Some(ws) = &self.workspace {
            let _ = ws.save_progress(&self.progress);
        }
    }

    pub fn go_to_lesson(&mut self, index: usize) {
        self.lesson = index.min(self.pack.lessons.len() - 1);
        self.lesson_scroll = 0;
        self.message = None;
        self.side = SidePane::Lesson;
        self.save_progress_only();
    }

    /// Moves the cursor to the first line a failing rule of this lesson points at, or to the
    /// lesson's `# TODO n` comment.
    pub fn jump_to_problem(&mut self) {
        let line = self
            .verdict()
            .failing()
            .find_map(|r| r.line)
            .or_else(|| self.todo_line());
        if let Some(l) = line {
            self.jump_to_line(l);
        }
    }

    pub fn jump_to_line(&mut self, line: usize) {
        let row = line.saturating_sub(1).min(u16::MAX as usize) as u16;
        self.editor.move_cursor(CursorMove::Jump(row, 0));
    }

    /// The line of the current lesson's `# TODO n` comment.
    pub fn todo_line(&self) -> Option<usize> {
        let todo = self.current().todo;
        self.analysis
            .parsed
            .todos
            .iter()
            .find(|t| t.number == todo)
            .map(|t| t.line)
    }

    fn reveal_hint(&mut self) {
        let todo = self.current().todo;
        let hints = self.current().hints.len();
        let used = self.hints_used();
        if used < hints {
            self.progress.hints_used.insert(todo, used + 1);
            self.message = Some(format!(
                "Hint {} of {hints} shown in the lesson pane.",
                used + 1
            ));
            self.side = SidePane::Lesson;
            self.scroll_to_hint = true;
            self.save_progress_only();
        } else if !self.solution_visible() {
            self.overlay = Overlay::ConfirmSolution;
        } else {
            self.message = Some("The solution is already shown in the lesson pane.".into());
        }
    }

    fn reset(&mut self) {
        if let Some(ws) = &self.workspace {
            match ws.backup(&self.text()) {
                Ok(p) => {
                    self.message = Some(format!(
                        "Starter restored; your previous text is in {}",
                        p.display()
                    ))
                }
                Err(e) => {
                    self.message = Some(format!("Reset cancelled: {e}"));
                    return;
                }
            }
        }
        let lines: Vec<String> = self.pack.starter.text.lines().map(str::to_string).collect();
        self.editor.select_all();
        self.editor.cut();
        self.editor.insert_str(lines.join("\n"));
        self.editor.move_cursor(CursorMove::Top);
        self.edited();
    }

    /// Applies one key and re-grades.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.apply_key(key);
        self.refresh();
    }

    /// Applies one key; an edit leaves the grading stale until [`App::refresh`].
    pub fn apply_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let editor_key = self.overlay == Overlay::None
            && !matches!(key.code, KeyCode::F(_) | KeyCode::Esc)
            && !(key.modifiers.contains(KeyModifiers::CONTROL)
                && matches!(key.code, KeyCode::Char('q' | 's')));
        if !editor_key {
            // App keys read the verdicts (F7, F2, the summary): they must be current.
            self.refresh();
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (ctrl, key.code) {
            (true, KeyCode::Char('q')) => {
                if let Err(e) = self.save() {
                    self.message = Some(format!("{e} (press Ctrl-Q again to quit without saving)"));
                    if !self.dirty {
                        self.quit = true;
                    }
                    self.dirty = false;
                    return;
                }
                self.quit = true;
                return;
            }
            (true, KeyCode::Char('s')) => {
                self.message = Some(match self.save() {
                    Ok(()) => "Saved.".into(),
                    Err(e) => e,
                });
                return;
            }
            _ => {}
        }
        match self.overlay {
            Overlay::None => {}
            Overlay::Lessons { selected } => {
                match key.code {
                    KeyCode::Up => {
                        self.overlay = Overlay::Lessons {
                            selected: selected.saturating_sub(1),
                        }
                    }
                    KeyCode::Down => {
                        self.overlay = Overlay::Lessons {
                            selected: (selected + 1).min(self.pack.lessons.len() - 1),
                        }
                    }
                    KeyCode::Enter => {
                        self.overlay = Overlay::None;
                        self.go_to_lesson(selected);
                    }
                    KeyCode::Char(c) if c.is_ascii_digit() => {
                        if let Some(i) = self
                            .pack
                            .lessons
                            .iter()
                            .position(|l| l.todo == c.to_digit(10).unwrap_or(0))
                        {
                            self.overlay = Overlay::None;
                            self.go_to_lesson(i);
                        }
                    }
                    KeyCode::Esc | KeyCode::F(3) => self.overlay = Overlay::None,
                    _ => {}
                }
                return;
            }
            Overlay::ConfirmReset | Overlay::ConfirmSolution => {
                let yes = matches!(key.code, KeyCode::Char('y' | 'Y'));
                let confirm = self.overlay;
                self.overlay = Overlay::None;
                if yes && confirm == Overlay::ConfirmReset {
                    self.reset();
                } else if yes {
                    let todo = self.current().todo;
                    self.progress
                        .hints_used
                        .insert(todo, self.current().hints.len() + 1);
                    self.scroll_to_hint = true;
                    self.save_progress_only();
                } else {
                    self.message = Some("Cancelled.".into());
                }
                return;
            }
            Overlay::Help | Overlay::Summary => {
                if matches!(key.code, KeyCode::Esc | KeyCode::F(1) | KeyCode::Enter) {
                    self.overlay = Overlay::None;
                }
                return;
            }
        }
        match key.code {
            KeyCode::F(1) => self.overlay = Overlay::Help,
            KeyCode::F(2) => self.reveal_hint(),
            KeyCode::F(3) => {
                self.overlay = Overlay::Lessons {
                    selected: self.lesson,
                }
            }
            KeyCode::F(4) => {
                self.side = if self.side == SidePane::Lesson {
                    SidePane::Diagram
                } else {
                    SidePane::Lesson
                }
            }
            KeyCode::F(5) => self.go_to_lesson(self.lesson.saturating_sub(1)),
            KeyCode::F(6) => self.go_to_lesson(self.lesson + 1),
            KeyCode::F(7) => self.jump_to_problem(),
            // Down a few lines; at the end, back to the top.
            KeyCode::F(8) if self.lesson_scroll >= self.lesson_scroll_max => self.lesson_scroll = 0,
            KeyCode::F(8) => self.lesson_scroll = self.lesson_scroll.saturating_add(5),
            KeyCode::F(9) => self.overlay = Overlay::ConfirmReset,
            KeyCode::Esc => self.message = None,
            _ => {
                // Everything else is the editor's, including its own Ctrl/Alt keys.
                let before = self.editor.lines().len();
                let changed = self.editor.input(key);
                if changed || self.editor.lines().len() != before {
                    self.edited();
                }
            }
        }
    }

    pub fn handle_mouse(&mut self, mouse: MouseEvent, map: &ScreenMap) {
        let inside = |r: ratatui::layout::Rect| {
            mouse.column >= r.x
                && mouse.column < r.x + r.width
                && mouse.row >= r.y
                && mouse.row < r.y + r.height
        };
        match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp if inside(map.lesson) => {
                self.lesson_scroll = if mouse.kind == MouseEventKind::ScrollDown {
                    self.lesson_scroll.saturating_add(2)
                } else {
                    self.lesson_scroll.saturating_sub(2)
                };
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp if inside(map.editor) => {
                self.editor.input(mouse);
            }
            MouseEventKind::Down(MouseButton::Left) if inside(map.lesson) => {
                if let Some((_, line)) = map.rule_rows.iter().find(|(row, _)| *row == mouse.row) {
                    self.jump_to_line(*line);
                }
            }
            _ => {}
        }
    }

    pub fn status_saved(&self) -> &'static str {
        if self.dirty { "unsaved" } else { "saved" }
    }
}
