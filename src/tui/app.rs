//! The tutorial's state and everything that changes it. No terminal code here: the event
//! loop feeds keys, mouse, resizes and clock ticks in; the widgets draw from `&App`.
//!
//! Fields are private; every change goes through a method that keeps the state whole
//! (scrolls clamped, messages true, the file saved or the reason shown).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::disk::{self, DiskWorker, Reply, Request, Seen};
use super::editor::{Editor, Pos};
use super::highlight::{Highlighter, LineStyles};
use super::keys::{self, Action, Context};
use super::layout::{self, Panes};
use super::measure::{self, Job, Pane, Runner};
use super::ui::{compare as compare_view, help, lesson};
use crate::fsio::FsError;
use crate::grade::{Analysis, TodoVerdict};
use crate::pack::{Lesson, Pack};
use crate::report::diagram::{self, Diagram};
use crate::report::sizes;
use crate::workspace::claim::Claim;
use crate::workspace::{self, Measured, Progress, Stamp, StorageError, Workspace};

/// Autosave this long after the last change.
pub const AUTOSAVE_AFTER: Duration = Duration::from_millis(800);
/// A failed save is tried again this often.
pub const RETRY_SAVE: Duration = Duration::from_secs(2);
/// How often the file on disk is looked at for edits made elsewhere.
pub const WATCH_EVERY: Duration = Duration::from_millis(400);
/// How long a message stays (unless what it says stops being true first).
pub const NOTICE_FOR: Duration = Duration::from_secs(8);
/// How long the tutorial's frames wait for the disk before carrying on (the disk thread
/// keeps going; its answer is taken up on a later frame).
pub const FRAME_IO_WAIT: Duration = Duration::from_millis(25);
/// How long an explicit save (Ctrl-S, quitting) waits for a slow disk.
pub const SAVE_WAIT: Duration = Duration::from_secs(4);
/// A write in flight longer than this is called slow in the status line.
pub const SLOW_WRITE: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help {
        scroll: usize,
    },
    Lessons {
        selected: usize,
    },
    ConfirmReset,
    ConfirmSolution,
    /// The file changed on disk while the buffer had unsaved edits.
    Conflict,
    /// Quitting while the text could not be saved.
    QuitUnsaved,
}

/// Which pane shares the screen with the editor when there is no room for three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidePane {
    Lesson,
    Diagram,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Good,
    Warn,
    Bad,
}

/// A status message, and what keeps it true.
#[derive(Debug, Clone)]
pub struct Notice {
    pub text: String,
    pub tone: Tone,
    until: Instant,
    /// Gone once any TODO's state differs from this ("✓ TODO 7 passes! F6 ...").
    while_passes: Option<Vec<bool>>,
    /// Gone once another lesson is shown.
    lesson: Option<usize>,
}

#[derive(Debug, Clone)]
struct SaveFailure {
    message: String,
    retry_at: Instant,
}

/// The file as last read or written, to notice edits made elsewhere.
#[derive(Debug, Clone, Default)]
struct Disk {
    stamp: Option<Stamp>,
    hash: u64,
    next_look: Option<Instant>,
}

/// The version found on disk while the buffer had its own edits.
#[derive(Debug, Clone)]
struct Conflict {
    text: String,
    stamp: Option<Stamp>,
    hash: u64,
}

pub struct App {
    pack: Pack,
    editor: Editor,
    analysis: Analysis,
    diagram: Diagram,
    highlighter: Option<Highlighter>,
    /// Index into `pack.lessons`.
    lesson: usize,
    progress: Progress,
    overlay: Overlay,
    side: SidePane,
    /// First row of the lesson body on screen.
    lesson_scroll: usize,
    /// The window, as last told.
    size: (u16, u16),
    /// The text changed since the last grading.
    stale: bool,
    /// The text differs from the file on disk.
    dirty: bool,
    last_edit: Option<Instant>,
    notice: Option<Notice>,
    save_failure: Option<SaveFailure>,
    workspace: Option<Workspace>,
    disk: Disk,
    /// Every read and write of the files, off the typing thread.
    disk_io: DiskWorker,
    /// How long a frame waits for the disk thread's answer.
    io_wait: Duration,
    /// A save of the Dockerfile is in flight.
    saving: bool,
    /// Progress changed while a progress write was in flight: write it again after.
    progress_unsaved: bool,
    /// Why the progress file could not be written, until it can.
    progress_failure: Option<String>,
    conflict: Option<Conflict>,
    /// The end summary, shown beside the editor once every TODO passes.
    summary: bool,
    /// The find prompt's query, while it is open.
    find: Option<String>,
    /// A mouse drag in the editor is selecting.
    dragging: bool,
    /// Text copied in the editor, for the terminal's clipboard (OSC 52).
    clipboard_out: Option<String>,
    ascii: bool,
    color: bool,
    quit: bool,
    /// Said on the terminal after the tutorial closes (where a rescue copy went).
    farewell: Option<String>,
    session_start: Instant,
    seconds_before: u64,
    /// Since when the current lesson's time is not yet counted in its record.
    lesson_clock: Instant,
    /// The comparison pane (F10): progress, then results; kept when hidden.
    compare: Option<Pane>,
    /// The comparison running on its own thread.
    compare_job: Option<Job>,
    /// What runs a comparison (`compare::compare`; the tests give their own).
    compare_runner: Runner,
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
        let mut progress = progress;
        progress.fit_to(&pack);
        let mut editor = Editor::new(text);
        let (row, col) = progress.cursor;
        editor.place_cursor(Pos::new(row, col), false);
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
        let disk = workspace
            .as_ref()
            .map(|ws| Disk {
                stamp: workspace::stamp(&ws.dockerfile),
                hash: super::read_dockerfile(&ws.dockerfile)
                    .map(|b| workspace::content_hash(&b))
                    .unwrap_or(0),
                next_look: None,
            })
            .unwrap_or_default();
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
            size: (100, 30),
            stale: false,
            dirty: false,
            last_edit: None,
            notice: None,
            save_failure: None,
            workspace,
            disk,
            disk_io: DiskWorker::start(),
            // A library caller (and the tests) get each answer before `tick` returns;
            // the terminal loop sets a frame's worth (`FRAME_IO_WAIT`).
            io_wait: SAVE_WAIT,
            saving: false,
            progress_unsaved: false,
            progress_failure: None,
            conflict: None,
            summary: false,
            find: None,
            dragging: false,
            clipboard_out: None,
            ascii,
            color,
            quit: false,
            farewell: None,
            session_start: Instant::now(),
            lesson_clock: Instant::now(),
            compare: None,
            compare_job: None,
            compare_runner: measure::real_runner(),
        };
        app.record_passes(None);
        app.highlight_visible();
        // Coming back to a lesson mid-way: show the hints already asked for.
        if app.hints_used() > 0 {
            app.scroll_lesson_to_newest_hint();
        }
        app
    }

    // ---- Reading the state (for drawing and tests) ----

    pub fn pack(&self) -> &Pack {
        &self.pack
    }
    pub fn editor(&self) -> &Editor {
        &self.editor
    }
    pub fn text(&self) -> String {
        self.editor.text()
    }
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }
    pub fn diagram(&self) -> &Diagram {
        &self.diagram
    }
    /// The highlight runs of line `row`, once it has been highlighted.
    pub fn line_styles(&self, row: usize) -> Option<&LineStyles> {
        self.highlighter.as_ref()?.cache().get(row).map(|c| &c.2)
    }
    pub fn lesson_index(&self) -> usize {
        self.lesson
    }
    pub fn current(&self) -> &Lesson {
        &self.pack.lessons[self.lesson]
    }
    pub fn verdict(&self) -> &TodoVerdict {
        &self.analysis.todos[self.lesson]
    }
    pub fn progress(&self) -> &Progress {
        &self.progress
    }
    pub fn overlay(&self) -> Overlay {
        self.overlay
    }
    pub fn side(&self) -> SidePane {
        self.side
    }
    pub fn lesson_scroll(&self) -> usize {
        self.lesson_scroll
    }
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }
    /// Why the text is not saved, while saving fails.
    pub fn save_problem(&self) -> Option<&str> {
        if self.conflict.is_some() {
            return Some("the file changed on disk too; press Ctrl-S to choose a version");
        }
        self.save_failure.as_ref().map(|f| f.message.as_str())
    }
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }
    pub fn file_name(&self) -> String {
        self.workspace
            .as_ref()
            .map_or("Dockerfile".to_string(), |w| {
                w.dockerfile.display().to_string()
            })
    }
    pub fn workspace(&self) -> Option<&Workspace> {
        self.workspace.as_ref()
    }
    pub fn summary_shown(&self) -> bool {
        self.summary && self.analysis.todos.iter().all(|t| t.passed)
    }
    pub fn find_query(&self) -> Option<&str> {
        self.find.as_deref()
    }
    /// How to draw: colour and glyphs as the terminal allows.
    pub fn theme(&self) -> crate::ui_kit::Theme {
        crate::ui_kit::Theme {
            color: self.color(),
            ascii: self.ascii(),
        }
    }
    pub fn ascii(&self) -> bool {
        self.ascii
    }
    pub fn color(&self) -> bool {
        self.color
    }
    pub fn should_quit(&self) -> bool {
        self.quit
    }
    /// What to tell the learner once the terminal is back.
    pub fn farewell(&self) -> Option<&str> {
        self.farewell.as_deref()
    }
    pub fn size(&self) -> (u16, u16) {
        self.size
    }
    pub fn panes(&self) -> Panes {
        layout::panes(Rect::new(0, 0, self.size.0, self.size.1), self.side)
    }
    /// Text copied since the last call, for the terminal's clipboard.
    pub fn take_clipboard(&mut self) -> Option<String> {
        self.clipboard_out.take()
    }
    /// The last edit, for the event loop's autosave timer.
    pub fn last_edit(&self) -> Option<Instant> {
        self.last_edit.filter(|_| self.dirty)
    }

    pub fn hints_used(&self) -> usize {
        self.progress.hints_used(self.current().todo)
    }

    /// The solution snippet is shown once the TODO passes, or after the last hint and a
    /// confirmation.
    pub fn solution_visible(&self) -> bool {
        self.verdict().passed || self.hints_used() > self.current().hints.len()
    }

    pub fn seconds_spent(&self) -> u64 {
        self.seconds_before + self.session_start.elapsed().as_secs()
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

    /// The line the lesson's first failing check points at, else its TODO comment.
    pub fn problem_line(&self) -> Option<usize> {
        self.verdict()
            .failing()
            .find_map(|r| r.line)
            .or_else(|| self.todo_line())
    }

    /// What a hint's `{placeholder}` stands for in this learner's file (see `crate::hints`).
    pub fn hint_value(&self, name: &str) -> Option<String> {
        let facts = &self.analysis.facts;
        let params = &self.pack.params;
        Some(match name {
            "build_stage" => facts
                .build()
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| "builder".into()),
            "runtime_stage" => facts
                .final_stage()
                .filter(|_| facts.stages.len() > 1)
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| "runtime".into()),
            "line" => self.problem_line().unwrap_or(1).to_string(),
            "line_text" => {
                let row = self.problem_line().unwrap_or(1).saturating_sub(1);
                let text = self.editor.lines().get(row).map_or("", |l| l.trim());
                let mut short: String = text.chars().take(60).collect();
                if text.chars().count() > 60 {
                    short.push('…');
                }
                short
            }
            "port" => params.port.to_string(),
            "app_module" => params.app_module.clone(),
            "requirements_file" => params.requirements_file.clone(),
            _ => return None,
        })
    }

    /// Which key contexts are live, most specific first.
    pub fn key_contexts(&self) -> Vec<Context> {
        let mode = match self.overlay {
            Overlay::Help { .. } => Some(Context::Help),
            Overlay::Lessons { .. } => Some(Context::LessonList),
            Overlay::ConfirmReset | Overlay::ConfirmSolution => Some(Context::Confirm),
            Overlay::Conflict => Some(Context::Conflict),
            Overlay::QuitUnsaved => Some(Context::QuitUnsaved),
            Overlay::None => None,
        };
        let pane = self.compare.as_ref();
        match mode {
            Some(m) => vec![m, Context::Always],
            None if self.find.is_some() => vec![
                Context::Find,
                Context::Always,
                Context::Tutorial,
                Context::Editor,
            ],
            None if pane.is_some_and(Pane::focused) => {
                vec![Context::CompareFocus, Context::Always]
            }
            None if pane.is_some_and(Pane::running) => vec![
                Context::CompareRunning,
                Context::Always,
                Context::Tutorial,
                Context::Editor,
            ],
            None if pane.is_some_and(Pane::shown) => vec![
                Context::CompareShown,
                Context::Always,
                Context::Tutorial,
                Context::Editor,
            ],
            None => vec![Context::Always, Context::Tutorial, Context::Editor],
        }
    }

    // ---- Grading ----

    fn reanalyze(&mut self) {
        let before = self.passes();
        let text = self.text();
        self.analysis = Analysis::of(&text, &self.pack);
        self.diagram = diagram::build(
            &self.analysis.facts,
            &sizes::estimate(&self.analysis.facts, &self.pack.params),
        );
        self.record_passes(Some(before));
        self.expire_notice(Instant::now());
        self.clamp_lesson_scroll();
    }

    fn passes(&self) -> Vec<bool> {
        self.analysis.todos.iter().map(|t| t.passed).collect()
    }

    /// Notes each TODO's state in the progress record; given the passes before this
    /// grading, says what changed (never moves on by itself).
    fn record_passes(&mut self, before: Option<Vec<bool>>) {
        let now = workspace::unix_now();
        for t in &self.analysis.todos {
            let record = self.progress.todos.entry(t.todo).or_default();
            if t.passed && !record.passed {
                record.passed = true;
                record.first_passed_at = Some(now);
            }
            record.passes_now = t.passed;
            record.failing_rule = t.failing().next().map(|r| r.id.clone());
        }
        let now = self.passes();
        let all = now.iter().all(|p| *p);
        if !all {
            self.summary = false;
        }
        let Some(before) = before else {
            return;
        };
        let current = self.current().todo;
        if all && !before.iter().all(|p| *p) {
            // A banner beside the editor: the keyboard stays with the editor.
            self.summary = true;
            self.set_notice_while(
                format!("✓ All {} TODOs pass! Esc closes the summary.", now.len()),
                Tone::Good,
            );
        } else if now[self.lesson] && !before[self.lesson] {
            let text = match self.next_failing() {
                Some(n) if self.lesson + 1 < self.pack.lessons.len() => {
                    format!("✓ TODO {current} passes! F6: next lesson (TODO {n} still fails).")
                }
                Some(n) => format!("✓ TODO {current} passes! TODO {n} still fails: F3 lists them."),
                None => format!("✓ TODO {current} passes!"),
            };
            self.set_notice_while(text, Tone::Good);
        }
    }

    fn next_failing(&self) -> Option<u32> {
        let n = self.analysis.todos.len();
        (1..n)
            .map(|k| &self.analysis.todos[(self.lesson + k) % n])
            .find(|t| !t.passed)
            .map(|t| t.todo)
    }

    /// The text changed: grade again before the next frame (see [`App::refresh`]).
    fn edited(&mut self, now: Instant) {
        self.dirty = true;
        self.stale = true;
        self.last_edit = Some(now);
        self.progress.changed_at = Some(workspace::unix_now());
    }

    /// Re-grades and re-highlights after edits. The event loop calls this once per burst
    /// of input (fast typing, a paste), not once per character.
    pub fn refresh(&mut self) {
        if std::mem::take(&mut self.stale) {
            self.reanalyze();
            self.highlight_visible();
        }
    }

    // ---- Messages ----

    fn set_notice(&mut self, text: impl Into<String>, tone: Tone) {
        self.notice = Some(Notice {
            text: text.into(),
            tone,
            until: Instant::now() + NOTICE_FOR,
            while_passes: None,
            lesson: Some(self.lesson),
        });
    }

    /// A message from outside the app (start-up warnings).
    pub fn announce(&mut self, text: String) {
        self.set_notice(text, Tone::Warn);
        if let Some(n) = self.notice.as_mut() {
            // Start-up warnings stay until read and dismissed (Esc) or replaced.
            n.until = Instant::now() + Duration::from_secs(3600);
        }
    }

    /// A message about the TODOs' states: gone when any of them changes.
    fn set_notice_while(&mut self, text: String, tone: Tone) {
        let passes = self.passes();
        self.set_notice(text, tone);
        if let Some(n) = self.notice.as_mut() {
            n.while_passes = Some(passes);
        }
    }

    /// Drops the message once it is old or no longer true.
    fn expire_notice(&mut self, now: Instant) -> bool {
        let Some(n) = &self.notice else {
            return false;
        };
        let stale = now >= n.until
            || n.while_passes.as_ref().is_some_and(|p| *p != self.passes())
            || n.lesson.is_some_and(|l| l != self.lesson);
        if stale {
            self.notice = None;
        }
        stale
    }

    // ---- Files ----

    /// How long each frame waits for the disk thread's answers (the terminal loop gives
    /// it [`FRAME_IO_WAIT`]; the answers that come later are taken up on later frames).
    pub fn set_io_wait(&mut self, wait: Duration) {
        self.io_wait = wait;
    }

    /// From now on the files are written only while `claim` on a student folder holds.
    pub fn guard_writes(&mut self, claim: Arc<Claim>) {
        self.disk_io.send(Request::Guard(claim), Instant::now());
    }

    /// How long the oldest write has been waiting for the disk, once that is slow.
    pub fn slow_write(&self) -> Option<Duration> {
        self.disk_io
            .oldest_write()
            .map(|t| t.elapsed())
            .filter(|d| *d >= SLOW_WRITE)
    }

    /// Whether an answer from the disk thread is awaited (the event loop comes back soon).
    pub fn awaiting_disk(&self) -> bool {
        !self.disk_io.idle()
    }

    /// Adds the time on the current lesson to its record.
    fn count_lesson_time(&mut self) {
        let secs = self.lesson_clock.elapsed().as_secs();
        if secs > 0 {
            let todo = self.current().todo;
            self.progress.todo_mut(todo).seconds_spent += secs;
            self.lesson_clock += Duration::from_secs(secs);
        }
    }

    fn stamp_progress(&mut self) {
        let cursor = self.editor.cursor();
        self.progress.cursor = (cursor.row, cursor.col);
        self.progress.lesson = self.current().todo;
        self.progress.seconds_spent = self.seconds_spent();
        self.count_lesson_time();
    }

    /// Saves the Dockerfile (when changed) and progress now. A slow disk is waited for up
    /// to [`SAVE_WAIT`]; past that the write goes on in the background and this says so.
    pub fn save(&mut self) -> Result<(), StorageError> {
        self.stamp_progress();
        let Some(ws) = self.workspace.clone() else {
            self.dirty = false;
            return Ok(());
        };
        let deadline = Instant::now() + SAVE_WAIT.max(self.io_wait);
        let changed_too = || StorageError::ChangedOnDisk(ws.dockerfile.clone());
        // Earlier requests first: what they find decides what may be written.
        self.settle_io(deadline);
        if self.dirty {
            if self.conflict.is_some() {
                return Err(changed_too());
            }
            if !self.saving {
                self.send_save();
            }
            self.settle_io(deadline);
            if self.conflict.is_some() {
                return Err(changed_too());
            }
            if self.saving {
                return Err(StorageError::StillSaving(ws.dockerfile.clone()));
            }
            if let Some(f) = &self.save_failure {
                return Err(StorageError::Retrying(f.message.clone()));
            }
        }
        self.send_progress();
        self.settle_io(deadline);
        if self.disk_io.pending(disk::Kind::Progress) {
            return Err(StorageError::StillSaving(ws.progress_file.clone()));
        }
        match &self.progress_failure {
            Some(e) => Err(StorageError::Retrying(e.clone())),
            None => Ok(()),
        }
    }

    /// Autosave, retries, the file watch, the disk thread's answers and message expiry;
    /// called by the event loop. Returns whether anything on screen changed.
    pub fn tick(&mut self, now: Instant) -> bool {
        let mut changed = self.expire_notice(now);
        changed |= self.poll_compare(now);
        changed |= self.settle_io(Instant::now());
        if self.workspace.is_some()
            && self.conflict.is_none()
            && self.disk_io.idle()
            && self.disk.next_look.is_none_or(|t| now >= t)
        {
            self.disk.next_look = Some(now + WATCH_EVERY);
            if let Some(ws) = &self.workspace {
                let look = Request::Look {
                    path: ws.dockerfile.clone(),
                    known: self.disk.stamp,
                };
                self.disk_io.send(look, Instant::now());
            }
            changed |= self.settle_io(Instant::now() + self.io_wait);
        }
        let due = self
            .last_edit
            .is_some_and(|t| now.duration_since(t) >= AUTOSAVE_AFTER)
            && self.save_failure.as_ref().is_none_or(|f| now >= f.retry_at);
        if self.dirty && due && self.conflict.is_none() && !self.saving {
            self.stamp_progress();
            self.send_save();
            self.settle_io(Instant::now() + self.io_wait);
            changed = true;
        }
        // While a write is slow the status line counts its seconds.
        changed | self.slow_write().is_some()
    }

    fn send_save(&mut self) {
        let Some(ws) = &self.workspace else {
            return;
        };
        let save = Request::Save {
            path: ws.dockerfile.clone(),
            text: self.editor.text(),
            known: self.disk.stamp,
            known_hash: self.disk.hash,
        };
        self.disk_io.send(save, Instant::now());
        self.saving = true;
    }

    /// Writes the progress record (after the one in flight, if any).
    fn send_progress(&mut self) {
        let Some(ws) = &self.workspace else {
            return;
        };
        if self.disk_io.pending(disk::Kind::Progress) {
            self.progress_unsaved = true;
            return;
        }
        let request = Request::Progress {
            workspace: ws.clone(),
            progress: self.progress.clone(),
        };
        self.disk_io.send(request, Instant::now());
    }

    /// Takes up the disk thread's answers, waiting until `deadline` for those in flight.
    /// Returns whether anything on screen changed.
    fn settle_io(&mut self, deadline: Instant) -> bool {
        let mut changed = false;
        while let Some(reply) = self.disk_io.recv_until(deadline) {
            changed |= self.on_reply(reply);
        }
        changed
    }

    fn on_reply(&mut self, reply: Reply) -> bool {
        let now = Instant::now();
        match reply {
            Reply::Looked(seen) => self.on_seen(seen, now),
            Reply::ChangedBeforeSave { stamp, bytes } => {
                self.saving = false;
                self.on_seen(Seen::Changed { stamp, bytes }, now)
            }
            Reply::Saved {
                result: Ok(stamp),
                hash,
            } => {
                self.saving = false;
                self.disk.stamp = stamp;
                self.disk.hash = hash;
                // Typing while it was written leaves the buffer dirty for the next save.
                if hash == workspace::content_hash(self.editor.text().as_bytes()) {
                    self.dirty = false;
                }
                if self.save_failure.take().is_some() {
                    self.set_notice("Saved again: the file is up to date.", Tone::Good);
                }
                self.send_progress();
                true
            }
            Reply::Saved { result: Err(e), .. } => {
                self.saving = false;
                self.save_failure = Some(SaveFailure {
                    message: format!("{e} (your text is safe here; retrying)"),
                    retry_at: now + RETRY_SAVE,
                });
                true
            }
            Reply::ProgressSaved(result) => {
                let failed_before = self.progress_failure.is_some();
                self.progress_failure = result.err().map(|e| e.to_string());
                if let Some(e) = self.progress_failure.clone() {
                    self.set_notice(e, Tone::Warn);
                } else if failed_before {
                    self.set_notice("Progress saved again.", Tone::Good);
                }
                if std::mem::take(&mut self.progress_unsaved) {
                    self.send_progress();
                }
                true
            }
        }
    }

    /// What a look at the file on disk found: an edit made elsewhere is loaded when the
    /// buffer has no edits of its own, and asked about when it has. Returns whether
    /// something happened.
    fn on_seen(&mut self, seen: Seen, now: Instant) -> bool {
        if self.conflict.is_some() {
            return false;
        }
        let Some(path) = self.workspace.as_ref().map(|w| w.dockerfile.clone()) else {
            return false;
        };
        let (stamp, bytes) = match seen {
            Seen::Unchanged | Seen::Unreadable => return false,
            Seen::Gone if self.disk.stamp.is_none() => return false,
            Seen::Gone => {
                // Deleted elsewhere: write the text back on the next autosave.
                self.disk.stamp = None;
                self.edited(now);
                self.stale = false;
                self.set_notice(
                    format!("{} was removed; saving your text again.", path.display()),
                    Tone::Warn,
                );
                return true;
            }
            Seen::Changed { stamp, bytes } => (stamp, bytes),
        };
        let hash = workspace::content_hash(&bytes);
        if hash == self.disk.hash {
            self.disk.stamp = Some(stamp);
            return false;
        }
        let (text, _) = crate::syntax::decode(&bytes);
        if !self.dirty {
            let cursor = self.editor.cursor();
            self.editor.replace_all(&text, cursor, now);
            self.disk = Disk {
                stamp: Some(stamp),
                hash,
                next_look: self.disk.next_look,
            };
            self.stale = true;
            self.refresh();
            self.set_notice(
                "Reloaded: the file changed on disk (Ctrl-Z brings back the text before).",
                Tone::Info,
            );
        } else {
            self.conflict = Some(Conflict {
                text,
                stamp: Some(stamp),
                hash,
            });
            self.overlay = Overlay::Conflict;
        }
        true
    }

    fn resolve_conflict(&mut self, use_disk: bool) {
        let Some(conflict) = self.conflict.clone() else {
            return;
        };
        let Some(ws) = self.workspace.clone() else {
            return;
        };
        let now = Instant::now();
        let mine = self.text();
        let kept = if use_disk {
            ws.keep_beside("mine", &mine)
        } else {
            ws.keep_beside("disk", &conflict.text)
        };
        let kept = match kept {
            Ok(p) => p,
            Err(e) => {
                self.set_notice(format!("{e}; nothing changed"), Tone::Bad);
                return;
            }
        };
        self.conflict = None;
        self.overlay = Overlay::None;
        self.disk.stamp = conflict.stamp;
        self.disk.hash = conflict.hash;
        if use_disk {
            let cursor = self.editor.cursor();
            self.editor.replace_all(&conflict.text, cursor, now);
            self.stale = true;
            self.dirty = false;
            self.refresh();
            self.set_notice(
                format!("Loaded the version on disk; yours is in {}", kept.display()),
                Tone::Info,
            );
        } else {
            self.dirty = true;
            let result = self.save();
            let text = match result {
                Ok(()) => format!("Kept yours; the disk version is in {}", kept.display()),
                Err(e) => e.to_string(),
            };
            self.set_notice(text, Tone::Info);
        }
    }

    fn save_progress_only(&mut self) {
        self.stamp_progress();
        self.send_progress();
    }

    /// What to do with text that cannot be saved when the session ends.
    pub fn rescue(&self) -> Option<Result<PathBuf, FsError>> {
        let ws = self.workspace.as_ref()?;
        (self.dirty || self.conflict.is_some()).then(|| ws.rescue(&self.text()))
    }

    // ---- Events ----

    /// The window's size, at start and on every resize: scrolls are clamped to it.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
        self.clamp_editor_scroll();
        self.clamp_lesson_scroll();
        self.clamp_help_scroll();
    }

    /// Inserts pasted text as one edit.
    pub fn paste(&mut self, text: &str) {
        if self.overlay != Overlay::None {
            return;
        }
        if let Some(q) = self.find.as_mut() {
            q.push_str(text.lines().next().unwrap_or(""));
            return;
        }
        let now = Instant::now();
        if self.editor.insert(text, now) {
            self.edited(now);
        }
        self.follow_cursor();
    }

    /// Applies one key and re-grades.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.apply_key(key);
        self.refresh();
    }

    /// Applies one key; an edit leaves the grading stale until [`App::refresh`].
    pub fn apply_key(&mut self, key: KeyEvent) {
        let now = Instant::now();
        let contexts = self.key_contexts();
        match keys::lookup(&key, &contexts) {
            Some((action, select)) => {
                // App keys read the verdicts (F7, F2, the summary): they must be current.
                // Editing keys leave grading to the end of the burst.
                if !is_editing(action) {
                    self.refresh();
                }
                self.perform(action, select, now);
            }
            None => self.unbound_key(key, now),
        }
    }

    /// Keys the table does not name: plain characters are text (or the find query).
    fn unbound_key(&mut self, key: KeyEvent, now: Instant) {
        use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};
        if key.kind == KeyEventKind::Release {
            return;
        }
        let KeyCode::Char(c) = key.code else {
            return;
        };
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return;
        }
        match self.overlay {
            // The results have the keyboard: letters type nothing into the file.
            Overlay::None if self.compare.as_ref().is_some_and(Pane::focused) => return,
            Overlay::None => {}
            Overlay::Lessons { .. } => {
                if let Some(i) = c
                    .to_digit(10)
                    .and_then(|d| self.pack.lessons.iter().position(|l| l.todo == d))
                {
                    self.overlay = Overlay::None;
                    self.go_to_lesson(i);
                }
                return;
            }
            // Any other key is "no" to a question.
            Overlay::ConfirmReset | Overlay::ConfirmSolution => {
                self.overlay = Overlay::None;
                self.set_notice("Cancelled.", Tone::Info);
                return;
            }
            _ => return,
        }
        if let Some(q) = self.find.as_mut() {
            q.push(c);
            let query = q.clone();
            self.find_from_selection_start(&query);
            return;
        }
        self.editor.type_char(c, now);
        self.edited(now);
        self.follow_cursor();
    }

    fn find_from_selection_start(&mut self, query: &str) {
        // Typing more of the query keeps the match where it is if it still matches.
        if let Some((s, _)) = self.editor.selection() {
            self.editor.place_cursor(s, false);
        }
        if self.editor.find_next(query) {
            self.follow_cursor();
        }
    }

    fn perform(&mut self, action: Action, select: bool, now: Instant) {
        match action {
            Action::Quit => self.request_quit(),
            Action::Save => {
                if self.conflict.is_some() {
                    self.overlay = Overlay::Conflict;
                    return;
                }
                let text = match self.save() {
                    Ok(()) => "Saved.".to_string(),
                    Err(e) => e.to_string(),
                };
                self.set_notice(text, Tone::Info);
            }
            Action::Help => self.overlay = Overlay::Help { scroll: 0 },
            Action::Hint => self.reveal_hint(),
            Action::LessonList => {
                self.overlay = Overlay::Lessons {
                    selected: self.lesson,
                }
            }
            Action::ToggleSide => {
                self.side = match self.side {
                    SidePane::Lesson => SidePane::Diagram,
                    SidePane::Diagram => SidePane::Lesson,
                };
                self.clamp_editor_scroll();
            }
            Action::PrevLesson => {
                if self.lesson == 0 {
                    self.set_notice("This is the first lesson.", Tone::Info);
                } else {
                    self.go_to_lesson(self.lesson - 1);
                }
            }
            Action::NextLesson => {
                if self.lesson + 1 >= self.pack.lessons.len() {
                    self.set_notice("This is the last lesson.", Tone::Info);
                } else {
                    self.go_to_lesson(self.lesson + 1);
                }
            }
            Action::JumpToProblem => self.jump_to_problem(),
            Action::LessonDown => self.scroll_lesson(self.lesson_page() as isize),
            Action::LessonUp => self.scroll_lesson(-(self.lesson_page() as isize)),
            Action::Reset => self.overlay = Overlay::ConfirmReset,
            Action::Find => {
                self.find = Some(String::new());
            }
            Action::Dismiss => {
                if self.summary_shown() {
                    self.summary = false;
                    // The "all pass" message goes with the summary it announced.
                    if self.notice.as_ref().is_some_and(|n| n.tone == Tone::Good) {
                        self.notice = None;
                    }
                } else if self.editor.selection().is_some() {
                    self.editor.clear_selection();
                } else {
                    self.notice = None;
                }
            }
            Action::Undo | Action::Redo => {
                let done = if action == Action::Undo {
                    self.editor.undo()
                } else {
                    self.editor.redo()
                };
                if done {
                    self.edited(now);
                } else {
                    self.set_notice(
                        if action == Action::Undo {
                            "Nothing to undo."
                        } else {
                            "Nothing to redo."
                        },
                        Tone::Info,
                    );
                }
                self.follow_cursor();
            }
            Action::Copy => {
                let copied = self.editor.copy();
                self.clipboard_out = Some(copied);
            }
            Action::Cut => {
                let copied = self.editor.cut(now);
                self.clipboard_out = Some(copied);
                self.edited(now);
                self.follow_cursor();
            }
            Action::Paste => {
                if self.editor.clipboard().is_empty() {
                    self.set_notice(
                        "Nothing copied yet. To paste from another program, use your terminal's paste (often Ctrl-Shift-V).",
                        Tone::Info,
                    );
                } else if self.editor.paste(now) {
                    self.edited(now);
                    self.follow_cursor();
                }
            }
            Action::SelectAll => self.editor.select_all(),
            Action::Move(m) => {
                self.editor.move_cursor(m, select);
                self.follow_cursor();
            }
            Action::Newline
            | Action::Tab
            | Action::Backspace
            | Action::Delete
            | Action::DeleteWordBack
            | Action::DeleteToLineEnd => {
                if let (Some(q), Action::Backspace) = (self.find.as_mut(), action) {
                    q.pop();
                    return;
                }
                let changed = match action {
                    Action::Newline => {
                        self.editor.newline(now);
                        true
                    }
                    Action::Tab => {
                        self.editor.tab(now);
                        true
                    }
                    Action::Backspace => self.editor.backspace(now),
                    Action::Delete => self.editor.delete(now),
                    Action::DeleteWordBack => self.editor.delete_word_back(now),
                    _ => self.editor.delete_to_line_end(now),
                };
                if changed {
                    self.edited(now);
                }
                self.follow_cursor();
            }
            Action::FindNext => {
                let query = self.find.clone().unwrap_or_default();
                if self.editor.find_next(&query) {
                    self.follow_cursor();
                } else if !query.is_empty() {
                    self.set_notice(format!("`{query}` is not in the file."), Tone::Info);
                }
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => self.overlay_move(action),
            Action::Open => {
                if let Overlay::Lessons { selected } = self.overlay {
                    self.overlay = Overlay::None;
                    self.go_to_lesson(selected);
                }
            }
            Action::Yes => {
                let confirm = self.overlay;
                self.overlay = Overlay::None;
                if confirm == Overlay::ConfirmReset {
                    self.reset(now);
                } else {
                    let todo = self.current().todo;
                    let hints = self.current().hints.len();
                    let record = self.progress.todo_mut(todo);
                    record.hints = hints;
                    record.solution_shown = true;
                    self.scroll_lesson_to_newest_hint();
                    self.save_progress_only();
                }
            }
            Action::Close => {
                if self.find.is_some() && self.overlay == Overlay::None {
                    self.find = None;
                } else if let Some(p) = self.compare.as_mut().filter(|p| p.focused()) {
                    p.unfocus();
                } else {
                    if matches!(
                        self.overlay,
                        Overlay::ConfirmReset | Overlay::ConfirmSolution
                    ) {
                        self.set_notice("Cancelled.", Tone::Info);
                    }
                    self.overlay = Overlay::None;
                }
            }
            Action::UseDisk => self.resolve_conflict(true),
            Action::KeepMine => self.resolve_conflict(false),
            Action::RescueAndQuit => match self.rescue() {
                Some(Err(e)) => self.set_notice(format!("{e}; not quitting"), Tone::Bad),
                kept => {
                    self.farewell = kept
                        .and_then(Result::ok)
                        .map(|p| format!("your unsaved text is in {}", p.display()));
                    self.save_progress_only();
                    self.settle_io(Instant::now() + SAVE_WAIT);
                    self.dirty = false;
                    self.conflict = None;
                    self.quit = true;
                }
            },
            Action::QuitAnyway => {
                self.dirty = false;
                self.conflict = None;
                self.quit = true;
            }
            Action::Compare => self.compare_key(now),
            Action::CompareRebuild => self.start_compare(now, true),
            Action::CancelCompare => self.cancel_compare(),
            Action::CloseCompare => {
                if let Some(p) = self.compare.as_mut().filter(|p| !p.running()) {
                    p.hide();
                }
            }
            Action::NextLink => {
                let links = self.compare_document().links.len();
                if let Some(p) = self.compare.as_mut()
                    && links > 0
                {
                    p.select((p.selected() + 1) % links);
                }
                self.scroll_to_link();
            }
            Action::OpenTodo => {
                let doc = self.compare_document();
                let chosen = self.compare.as_ref().map_or(0, Pane::selected);
                match doc.links.get(chosen) {
                    Some(link) => self.open_todo(link.todo),
                    None => self.set_notice("The results name no TODO to open.", Tone::Info),
                }
            }
        }
    }

    /// Ctrl-Q: save and quit; when the text cannot be saved, ask.
    fn request_quit(&mut self) {
        self.refresh();
        // A comparison stops now; the caller waits for its clean-up (`stop_compare`).
        self.cancel_compare();
        if self.conflict.is_some() {
            self.overlay = Overlay::QuitUnsaved;
            return;
        }
        match self.save() {
            Ok(()) => self.quit = true,
            Err(_) if !self.dirty => self.quit = true,
            Err(_) => self.overlay = Overlay::QuitUnsaved,
        }
    }

    fn overlay_move(&mut self, action: Action) {
        match self.overlay {
            Overlay::Lessons { selected } => {
                let last = self.pack.lessons.len() - 1;
                let selected = match action {
                    Action::Up => selected.saturating_sub(1),
                    Action::Down => (selected + 1).min(last),
                    _ => selected,
                };
                self.overlay = Overlay::Lessons { selected };
            }
            Overlay::Help { scroll } => {
                let page = help::page(self) as isize;
                let delta = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -page,
                    Action::PageDown => page,
                    Action::Home => -(scroll as isize),
                    _ => isize::MAX / 2,
                };
                self.overlay = Overlay::Help {
                    scroll: (scroll as isize).saturating_add(delta).max(0) as usize,
                };
                self.clamp_help_scroll();
            }
            Overlay::None => self.scroll_compare(action),
            _ => {}
        }
    }

    pub fn handle_mouse(&mut self, mouse: MouseEvent) {
        let panes = self.panes();
        let inside = |r: Rect| {
            mouse.column >= r.x
                && mouse.column < r.x + r.width
                && mouse.row >= r.y
                && mouse.row < r.y + r.height
        };
        let editor = layout::editor_areas(panes.editor, self.editor.lines().len());
        let wheel = match mouse.kind {
            MouseEventKind::ScrollDown => 3,
            MouseEventKind::ScrollUp => -3,
            _ => 0,
        };
        if let Overlay::Help { .. } = self.overlay {
            if wheel != 0 {
                self.overlay_move(if wheel > 0 { Action::Down } else { Action::Up });
            }
            return;
        }
        if self.overlay != Overlay::None {
            return;
        }
        if let Some(area) = self.compare_area().filter(|a| inside(*a)) {
            self.compare_mouse(mouse, area);
            return;
        }
        if let (MouseEventKind::Down(_), Some(p)) = (mouse.kind, self.compare.as_mut()) {
            // A click elsewhere gives the keyboard back to the editor.
            p.unfocus();
        }
        match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                if panes.lesson.is_some_and(inside) && !self.summary_shown() {
                    self.scroll_lesson(wheel);
                } else if inside(panes.editor) {
                    self.editor.scroll_by(wheel, editor.text.height as usize);
                    self.highlight_visible();
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if inside(editor.text) || inside(editor.gutter) {
                    let x = mouse.column.saturating_sub(editor.text.x) as usize;
                    let pos = self
                        .editor
                        .pos_at_screen((mouse.row - editor.text.y) as usize, x);
                    self.editor.place_cursor(pos, false);
                    self.dragging = true;
                    self.follow_cursor();
                } else if let Some(l) = panes.lesson.filter(|l| inside(*l)) {
                    let doc = lesson::document(self, layout::inner(l));
                    let row = mouse.row.saturating_sub(l.y + 1) as usize;
                    if let Some((_, line)) = doc.rule_rows.iter().find(|(r, _)| *r == row) {
                        self.jump_to_line(*line);
                    }
                }
            }
            MouseEventKind::Drag(MouseButton::Left) if self.dragging => {
                let text = editor.text;
                let row = mouse.row.clamp(text.y, text.y + text.height.max(1) - 1) - text.y;
                let x = mouse.column.saturating_sub(text.x) as usize;
                let pos = self.editor.pos_at_screen(row as usize, x);
                self.editor.place_cursor(pos, true);
                self.follow_cursor();
            }
            MouseEventKind::Up(MouseButton::Left) if self.dragging => {
                self.dragging = false;
                if let Some(t) = self.editor.selected_text() {
                    // A drag selection goes to the clipboard too, as terminals do.
                    self.clipboard_out = Some(t);
                }
            }
            _ => {}
        }
    }

    // ---- The comparison (F10) ----

    /// The comparison pane, shown or not, once F10 was pressed.
    pub fn compare_pane(&self) -> Option<&Pane> {
        self.compare.as_ref()
    }

    pub fn compare_running(&self) -> bool {
        self.compare.as_ref().is_some_and(Pane::running)
    }

    /// Runs comparisons with `runner` from now on (the tests' scripted comparisons).
    pub fn set_compare_runner(&mut self, runner: Runner) {
        self.compare_runner = runner;
    }

    /// Whether the results on hand are of an earlier text than the one on screen.
    pub fn compare_outdated(&self) -> bool {
        self.compare.as_ref().is_some_and(|p| {
            p.report().is_some() && p.text_hash() != workspace::text_hash(&self.text())
        })
    }

    /// The last measurement, when it is of the text on screen and both images were built.
    pub fn measured_now(&self) -> Option<&Measured> {
        self.progress
            .measured
            .as_ref()
            .filter(|m| m.sizes().is_some() && m.text_hash == workspace::text_hash(&self.text()))
    }

    /// F10. Hidden pane: shows the last results when they are of this very text, else runs
    /// the comparison. Running: hides or shows its progress. Results beside the editor: gives
    /// them the keyboard (saying so when they are of an earlier text). Results with the
    /// keyboard: runs it again.
    fn compare_key(&mut self, now: Instant) {
        let hash = workspace::text_hash(&self.text());
        let Some(pane) = self.compare.as_mut() else {
            self.start_compare(now, false);
            return;
        };
        if pane.running() {
            if pane.shown() {
                pane.hide();
                self.set_notice(
                    "The comparison goes on in the background: F10 shows it, Esc cancels it.",
                    Tone::Info,
                );
            } else {
                pane.show(false);
            }
        } else if pane.focused() || pane.report().is_none() {
            self.start_compare(now, false);
        } else if pane.shown() {
            pane.show(true);
            if pane.text_hash() != hash {
                self.set_notice(
                    "Results of an earlier text; F10 again builds it as it is now.",
                    Tone::Info,
                );
            }
        } else if pane.text_hash() == hash {
            pane.show(true);
            self.set_notice(
                "Your file has not changed since this comparison; F10 again runs it anew.",
                Tone::Info,
            );
        } else {
            self.start_compare(now, false);
        }
    }

    /// Starts the comparison of the text on screen against the pack's baseline, built in
    /// the Dockerfile's folder, on its own thread.
    fn start_compare(&mut self, now: Instant, rebuild: bool) {
        use crate::compare::{Dockerfile, Options};
        let text = self.text();
        let Some(baseline) = self.pack.baseline.clone() else {
            self.compare = Some(Pane::refused(
                "This lesson pack names no baseline Dockerfile to compare with (`baseline:` \
                 in its pack.yaml)."
                    .into(),
                now,
            ));
            return;
        };
        let context = match &self.workspace {
            Some(ws) => ws
                .dockerfile
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), PathBuf::from),
            None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        };
        if self.workspace.is_some() {
            let missing: Vec<String> = self
                .pack
                .exercise_files
                .iter()
                .filter_map(|f| std::path::Path::new(&f.path).file_name())
                .filter(|name| !context.join(name).exists())
                .map(|name| name.to_string_lossy().into_owned())
                .collect();
            if !missing.is_empty() {
                let lab = workspace::data_dir().ok().map(|d| d.join("lab"));
                self.compare = Some(Pane::refused(
                    missing_files(&context, &missing, lab.as_deref()),
                    now,
                ));
                return;
            }
        }
        // The file on disk becomes what is built, too (the build reads the text given).
        if self.dirty && !self.saving && self.conflict.is_none() {
            self.send_save();
        }
        let mut options = Options::new(
            Dockerfile {
                name: self.file_name(),
                text: text.clone(),
            },
            Dockerfile {
                name: baseline.path,
                text: baseline.text,
            },
            context,
        );
        options.rebuild = rebuild;
        // The baseline never changes: its image is the cache that makes the next F10 build
        // it in seconds instead of minutes.
        options.keep_baseline = true;
        // What check says of this text, to set beside what the build and run show.
        options.predict(&self.pack);
        // A comparison still running (it cannot be, F10 toggles it) would be cancelled here.
        self.compare_job = None;
        self.compare_job = Some(Job::start(
            &self.compare_runner,
            options,
            self.pack.params.clone(),
        ));
        self.compare = Some(Pane::start(workspace::text_hash(&text), now));
        self.set_notice(
            "Comparing: building the baseline, then yours. Keep editing; Esc cancels.",
            Tone::Info,
        );
    }

    /// Esc while it runs (and quitting): the comparison stops and removes what it made.
    fn cancel_compare(&mut self) {
        let Some(job) = &self.compare_job else {
            return;
        };
        job.cancel();
        if let Some(p) = self.compare.as_mut() {
            p.mark_cancelling();
            p.show(false);
        }
    }

    /// What the comparison reported: progress, or its end. Called for each event the
    /// thread sends (and by tests, with events of their own).
    pub fn compare_event(&mut self, event: measure::Event) {
        let Some(pane) = self.compare.as_mut().filter(|p| p.running()) else {
            return;
        };
        let done = matches!(event, measure::Event::Done(_));
        pane.on_event(event);
        if !done {
            return;
        }
        pane.show(false);
        let hash = pane.text_hash().to_string();
        let state = pane.state().clone();
        self.compare_job = None;
        match state {
            measure::State::Done(report) => {
                use crate::compare::Role;
                let size = |role| report.image(role).and_then(|i| i.size_bytes);
                if size(Role::Baseline).is_some() || size(Role::Yours).is_some() {
                    self.progress.measured = Some(Measured {
                        baseline_bytes: size(Role::Baseline),
                        yours_bytes: size(Role::Yours),
                        at: workspace::unix_now(),
                        text_hash: hash,
                    });
                    self.save_progress_only();
                }
                let text = match (report.passed(), report.saved_percent) {
                    (true, Some(p)) => format!("Compared: yours builds, serves and is {p:.0}% smaller. F10 shows the details."),
                    (true, None) => "Compared: yours builds and serves. F10 shows the details.".to_string(),
                    (false, _) => "Compared: yours does not pass yet; the results say why (F10 gives them the keyboard).".to_string(),
                };
                self.set_notice(
                    text,
                    if report.passed() {
                        Tone::Good
                    } else {
                        Tone::Warn
                    },
                );
            }
            measure::State::NoEngine(_) => {
                self.set_notice("No Docker engine: the comparison needs one.", Tone::Bad);
            }
            measure::State::Cancelled => {
                self.set_notice(
                    "Comparison cancelled; what it started was removed.",
                    Tone::Info,
                );
            }
            _ => {}
        }
    }

    /// Takes up the comparison thread's events; returns whether the pane changed.
    fn poll_compare(&mut self, now: Instant) -> bool {
        let mut changed = false;
        if let Some(job) = &self.compare_job {
            let ended = job.finished();
            let events = job.take_events();
            changed |= !events.is_empty();
            for event in events {
                self.compare_event(event);
            }
            if ended && self.compare_running() {
                // The thread ended without a result (it panicked): say so, never hang.
                self.compare_job = None;
                self.compare = Some(Pane::refused(
                    "The comparison stopped without a result (an internal error); F10 tries again."
                        .into(),
                    now,
                ));
                changed = true;
            }
        }
        if let Some(p) = self.compare.as_mut() {
            changed |= p.tick(now) && p.shown();
        }
        changed
    }

    /// Quitting: cancels a running comparison and waits up to `wait` for it to remove what
    /// it started. False when it had not finished by then.
    pub fn stop_compare(&mut self, wait: Duration) -> bool {
        self.cancel_compare();
        let ended = self
            .compare_job
            .as_ref()
            .is_none_or(|j| j.wait_until(Instant::now() + wait));
        if ended {
            for event in self
                .compare_job
                .as_ref()
                .map(Job::take_events)
                .unwrap_or_default()
            {
                self.compare_event(event);
            }
            self.compare_job = None;
        }
        ended
    }

    /// The pane's area on screen, while it is shown.
    fn compare_area(&self) -> Option<Rect> {
        self.compare.as_ref().filter(|p| p.shown())?;
        layout::compare_pane(&self.panes())
    }

    fn compare_document(&self) -> compare_view::Document {
        let inner = self.compare_area().map(layout::inner).unwrap_or_default();
        compare_view::document(self, inner.width as usize, inner.height as usize)
    }

    fn scroll_compare(&mut self, action: Action) {
        let Some(area) = self.compare_area().map(layout::inner) else {
            return;
        };
        let height = area.height as usize;
        let max = self.compare_document().lines.len().saturating_sub(height);
        let Some(p) = self.compare.as_mut() else {
            return;
        };
        let page = height.saturating_sub(1).max(1) as isize;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Home => -(p.scroll() as isize),
            _ => max as isize,
        };
        let to = (p.scroll() as isize).saturating_add(delta).max(0) as usize;
        p.scroll_to(to, max);
    }

    /// Scrolls the results so the chosen TODO link is on screen.
    fn scroll_to_link(&mut self) {
        let Some(area) = self.compare_area().map(layout::inner) else {
            return;
        };
        let doc = self.compare_document();
        let max = doc.lines.len().saturating_sub(area.height as usize);
        let Some(p) = self.compare.as_mut() else {
            return;
        };
        if let Some(link) = doc.links.get(p.selected()) {
            let height = area.height as usize;
            let scroll = if link.rows.start < p.scroll() {
                link.rows.start
            } else if link.rows.end > p.scroll() + height {
                link.rows.end.saturating_sub(height)
            } else {
                p.scroll()
            };
            p.scroll_to(scroll, max);
        }
    }

    /// Opens TODO `todo`'s lesson from the results (the pane steps aside for it).
    fn open_todo(&mut self, todo: u32) {
        let Some(index) = self.pack.lessons.iter().position(|l| l.todo == todo) else {
            return;
        };
        if let Some(p) = self.compare.as_mut() {
            p.hide();
        }
        self.summary = false;
        self.go_to_lesson(index);
        self.set_notice(
            format!("TODO {todo}, which the comparison named. F10 shows its results again."),
            Tone::Info,
        );
    }

    fn compare_mouse(&mut self, mouse: MouseEvent, area: Rect) {
        let inner = layout::inner(area);
        match mouse.kind {
            MouseEventKind::ScrollDown => {
                for _ in 0..3 {
                    self.scroll_compare(Action::Down);
                }
            }
            MouseEventKind::ScrollUp => {
                for _ in 0..3 {
                    self.scroll_compare(Action::Up);
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if mouse.row < inner.y || mouse.row >= inner.y + inner.height {
                    return;
                }
                let scroll = self.compare.as_ref().map_or(0, Pane::scroll);
                let row = (mouse.row - inner.y) as usize + scroll;
                let doc = self.compare_document();
                if let Some(link) = doc.links.iter().find(|l| l.rows.contains(&row)) {
                    self.open_todo(link.todo);
                } else if let Some(p) = self.compare.as_mut().filter(|p| p.report().is_some()) {
                    p.show(true);
                }
            }
            _ => {}
        }
    }

    // ---- Lessons, hints, scrolling ----

    pub fn go_to_lesson(&mut self, index: usize) {
        self.count_lesson_time();
        self.lesson = index.min(self.pack.lessons.len() - 1);
        self.lesson_scroll = 0;
        self.expire_notice(Instant::now());
        self.side = SidePane::Lesson;
        if self.hints_used() > 0 {
            self.scroll_lesson_to_newest_hint();
        }
        self.save_progress_only();
    }

    /// Moves the cursor to the first line a failing rule of this lesson points at, or says
    /// that nothing fails.
    pub fn jump_to_problem(&mut self) {
        let todo = self.current().todo;
        if self.verdict().passed {
            let text = match self.next_failing() {
                Some(n) => format!("Nothing fails in TODO {todo}; TODO {n} still does (F3)."),
                None => format!("Nothing fails in TODO {todo}: every TODO passes."),
            };
            self.set_notice(text, Tone::Info);
            return;
        }
        match self.problem_line() {
            Some(l) => self.jump_to_line(l),
            None => self.set_notice(
                format!("TODO {todo}'s checks name no line; read the checklist."),
                Tone::Info,
            ),
        }
    }

    pub fn jump_to_line(&mut self, line: usize) {
        self.editor
            .place_cursor(Pos::new(line.saturating_sub(1), 0), false);
        self.follow_cursor();
    }

    fn reveal_hint(&mut self) {
        let todo = self.current().todo;
        let hints = self.current().hints.len();
        let used = self.hints_used();
        if used < hints {
            self.progress.todo_mut(todo).hints = used + 1;
            self.set_notice(
                format!("Hint {} of {hints} shown in the lesson pane.", used + 1),
                Tone::Info,
            );
            self.side = SidePane::Lesson;
            self.summary = false;
            self.scroll_lesson_to_newest_hint();
            self.save_progress_only();
        } else if !self.solution_visible() {
            self.overlay = Overlay::ConfirmSolution;
        } else {
            self.set_notice(
                "The solution is already shown in the lesson pane.",
                Tone::Info,
            );
        }
    }

    /// Puts the starter back as one undoable step, keeping a `.bak` copy too.
    fn reset(&mut self, now: Instant) {
        if let Some(ws) = &self.workspace {
            match ws.backup(&self.text()) {
                Ok(p) => self.set_notice(
                    format!(
                        "Starter restored. Ctrl-Z brings your text back; it is also in {}",
                        p.display()
                    ),
                    Tone::Info,
                ),
                Err(e) => {
                    self.set_notice(format!("Reset cancelled: {e}"), Tone::Bad);
                    return;
                }
            }
        } else {
            self.set_notice(
                "Starter restored. Ctrl-Z brings your text back.",
                Tone::Info,
            );
        }
        let starter = self.pack.starter.text.clone();
        self.editor.replace_all(&starter, Pos::default(), now);
        self.edited(now);
        self.follow_cursor();
    }

    fn scroll_lesson_to_newest_hint(&mut self) {
        if let Some(area) = self.panes().lesson.map(layout::inner) {
            let doc = lesson::document(self, area);
            self.lesson_scroll = doc.newest_hint.unwrap_or(0);
        }
        self.clamp_lesson_scroll();
    }

    fn lesson_page(&self) -> usize {
        self.panes().lesson.map(layout::inner).map_or(5, |a| {
            lesson::document(self, a)
                .body_height
                .saturating_sub(1)
                .max(1)
        })
    }

    fn scroll_lesson(&mut self, rows: isize) {
        self.lesson_scroll = (self.lesson_scroll as isize + rows).max(0) as usize;
        self.clamp_lesson_scroll();
    }

    fn clamp_lesson_scroll(&mut self) {
        if let Some(area) = self.panes().lesson.map(layout::inner) {
            let doc = lesson::document(self, area);
            let max = doc.body.len().saturating_sub(doc.body_height);
            self.lesson_scroll = self.lesson_scroll.min(max);
        }
    }

    fn clamp_help_scroll(&mut self) {
        if let Overlay::Help { scroll } = self.overlay {
            self.overlay = Overlay::Help {
                scroll: scroll.min(help::max_scroll(self)),
            };
        }
    }

    /// Highlights the lines down to the bottom of the editor's view.
    fn highlight_visible(&mut self) {
        let height = layout::editor_areas(self.panes().editor, self.editor.lines().len())
            .text
            .height as usize;
        let upto = self.editor.scroll().0 + height + 1;
        if let Some(h) = self.highlighter.as_mut() {
            h.update(self.editor.lines(), upto);
        }
    }

    /// Scrolls the editor so the cursor is in view.
    fn follow_cursor(&mut self) {
        let panes = self.panes();
        let areas = layout::editor_areas(panes.editor, self.editor.lines().len());
        self.editor
            .scroll_to_cursor(areas.text.height as usize, areas.text.width as usize);
        self.highlight_visible();
    }

    fn clamp_editor_scroll(&mut self) {
        let panes = self.panes();
        let areas = layout::editor_areas(panes.editor, self.editor.lines().len());
        self.editor.clamp_scroll(areas.text.height as usize);
        // A shrunk window must still show the cursor.
        self.editor
            .scroll_to_cursor(areas.text.height as usize, areas.text.width as usize);
        self.highlight_visible();
    }
}

fn is_editing(action: Action) -> bool {
    matches!(
        action,
        Action::Move(_)
            | Action::Undo
            | Action::Redo
            | Action::Copy
            | Action::Cut
            | Action::Paste
            | Action::SelectAll
            | Action::Newline
            | Action::Tab
            | Action::Backspace
            | Action::Delete
            | Action::DeleteWordBack
            | Action::DeleteToLineEnd
    )
}

/// Why F10 cannot build in `context`: it lacks the exercise's `missing` files. Names the
/// tutorial's own lab folder when that folder has them, so the learner knows where to
/// copy them from.
fn missing_files(
    context: &std::path::Path,
    missing: &[String],
    lab: Option<&std::path::Path>,
) -> String {
    let whence = match lab {
        Some(lab) if lab != context && missing.iter().all(|n| lab.join(n).is_file()) => {
            format!("Copy them beside it from {}.", lab.display())
        }
        _ => "Put them beside it: `stagecraft` without --file makes a lab folder that has them."
            .to_string(),
    };
    format!(
        "{} has no {}: the build copies the exercise's files from the Dockerfile's folder. {whence}",
        context.display(),
        missing.join(" or ")
    )
}

#[cfg(test)]
mod tests {
    use super::missing_files;

    #[test]
    fn missing_exercise_files_name_the_lab_folder_that_has_them() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("own");
        let lab = dir.path().join("lab");
        std::fs::create_dir_all(&own).unwrap();
        std::fs::create_dir_all(&lab).unwrap();
        let missing = ["requirements.txt".to_string(), "app.py".to_string()];
        // No lab folder with the files: how to get one.
        let why = missing_files(&own, &missing, Some(&lab));
        assert!(
            why.starts_with(&format!(
                "{} has no requirements.txt or app.py",
                own.display()
            )),
            "{why}"
        );
        assert!(why.contains("without --file"), "{why}");
        let why = missing_files(&own, &missing, None);
        assert!(why.contains("without --file"), "{why}");
        // The lab folder has them: where to copy them from.
        std::fs::write(lab.join("requirements.txt"), "flask\n").unwrap();
        std::fs::write(lab.join("app.py"), "").unwrap();
        let why = missing_files(&own, &missing, Some(&lab));
        assert!(
            why.ends_with(&format!("Copy them beside it from {}.", lab.display())),
            "{why}"
        );
        // The lab folder itself lacking them: not "copy from here".
        let why = missing_files(&lab, &["x.py".to_string()], Some(&lab));
        assert!(why.contains("without --file"), "{why}");
    }
}
