//! `class watch`'s state and everything that changes it. No terminal code: the event loop
//! feeds keys, resizes and polls in; [`super::ui`] draws from `&Watch`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::KeyEvent;

use super::keys::{self, Action, Context};
use crate::class::grade::read_submission_within;
use crate::class::roster::{Record, Roster, Student};
use crate::class::{DOCKERFILE, students_dir};
use crate::grade::{Analysis, TodoVerdict};
use crate::pack::Pack;
use crate::workspace::unix_now;

/// Why a student is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// No new ✓ for this many seconds while the tutorial runs.
    NoNewPass(u64),
    /// The third hint (or the solution) taken on a TODO that still fails.
    Hints { todo: u32 },
}

/// A student as the table shows them.
#[derive(Debug, Clone)]
pub struct Row {
    pub student: Student,
    pub flags: Vec<Flag>,
    /// Seconds since the text last changed.
    pub idle: Option<u64>,
    pub online: bool,
}

impl Row {
    pub fn stuck(&self) -> bool {
        !self.flags.is_empty()
    }

    pub fn unreadable(&self) -> bool {
        matches!(self.student.record, Record::Unreadable(_))
    }
}

/// One student's file and verdicts, read-only.
#[derive(Debug, Clone)]
pub struct Detail {
    pub folder: String,
    pub name: String,
    pub path: PathBuf,
    /// The file's lines, or why it cannot be shown.
    pub lines: Result<Vec<String>, String>,
    pub todos: Vec<TodoVerdict>,
    pub failing_lines: Vec<usize>,
    pub scroll: usize,
    stamp: Option<(u64, Option<std::time::SystemTime>)>,
}

impl Detail {
    fn open(dir: &Path, folder: &str, name: &str, pack: &Pack) -> Detail {
        let path = dir.join(folder).join(DOCKERFILE);
        let stamp = std::fs::metadata(&path)
            .ok()
            .map(|m| (m.len(), m.modified().ok()));
        let (lines, todos, failing_lines) = match read_submission_within(&path, Some(dir)) {
            Ok(text) => {
                let analysis = Analysis::of(&text, pack);
                let failing = analysis.failing_lines();
                (
                    Ok(text.lines().map(str::to_string).collect()),
                    analysis.todos,
                    failing,
                )
            }
            Err(why) => (Err(why.to_string()), Vec::new(), Vec::new()),
        };
        Detail {
            folder: folder.to_string(),
            name: name.to_string(),
            path,
            lines,
            todos,
            failing_lines,
            scroll: 0,
            stamp,
        }
    }

    /// The detail view's lines at `width` columns: each TODO with its failing checks
    /// (wrapped), then the file with line numbers.
    pub fn lines(&self, width: usize) -> Vec<DetailLine> {
        let mut out = Vec::new();
        for t in &self.todos {
            out.push(DetailLine::Todo {
                text: format!("TODO {}  {}", t.todo, t.title),
                passed: t.passed,
            });
            for (ids, r) in t.distinct_failures() {
                let at = r.line.map(|l| format!("line {l}: ")).unwrap_or_default();
                let text = format!("{} {at}{}", ids.join(", "), r.message);
                let wrapped = textwrap::wrap(&text, width.saturating_sub(4).max(20));
                out.extend(
                    wrapped
                        .into_iter()
                        .map(|l| DetailLine::Check(l.into_owned())),
                );
            }
        }
        out.push(DetailLine::Blank);
        out.push(DetailLine::Heading(format!("{}:", DOCKERFILE)));
        match &self.lines {
            Ok(lines) => {
                for (i, l) in lines.iter().enumerate() {
                    let number = i + 1;
                    out.push(DetailLine::Code {
                        number,
                        text: l.replace('\t', "    "),
                        failing: self.failing_lines.binary_search(&number).is_ok(),
                    });
                }
            }
            Err(why) => out.push(DetailLine::Note(format!("cannot show it: {why}"))),
        }
        out
    }
}

/// A line of the detail view; the widget gives each kind its style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailLine {
    Todo {
        text: String,
        passed: bool,
    },
    Check(String),
    Blank,
    Heading(String),
    Code {
        number: usize,
        text: String,
        failing: bool,
    },
    Note(String),
}

pub struct Watch {
    pack: Pack,
    roster: Roster,
    /// No new ✓ for this long flags a student (seconds).
    stuck_after: u64,
    poll_every: Duration,
    rows: Vec<Row>,
    /// The selected student's folder: selection follows the student when rows move.
    selected: Option<String>,
    /// First row of the table on screen.
    scroll: usize,
    detail: Option<Detail>,
    help: bool,
    size: (u16, u16),
    /// Unix time of the last refresh: the minutes shown are counted to it.
    now: u64,
    refreshed: Option<Instant>,
    /// Why the folder itself could not be read at the last poll.
    problem: Option<String>,
    ascii: bool,
    color: bool,
    quit: bool,
}

impl Watch {
    /// Watches `dir` (a shared data folder, or its `students/`).
    pub fn new(dir: &Path, pack: Pack, stuck_after: Duration, poll_every: Duration) -> Watch {
        Watch {
            pack,
            roster: Roster::new(&students_dir(dir)),
            stuck_after: stuck_after.as_secs(),
            poll_every,
            rows: Vec::new(),
            selected: None,
            scroll: 0,
            detail: None,
            help: false,
            size: (100, 30),
            now: 0,
            refreshed: None,
            problem: None,
            ascii: false,
            color: true,
            quit: false,
        }
    }

    pub fn set_style(&mut self, ascii: bool, color: bool) {
        self.ascii = ascii;
        self.color = color;
    }

    // ---- Reading the state (for drawing and tests) ----

    pub fn pack(&self) -> &Pack {
        &self.pack
    }
    pub fn dir(&self) -> &Path {
        self.roster.dir()
    }
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }
    pub fn selected(&self) -> Option<usize> {
        let folder = self.selected.as_ref()?;
        self.rows.iter().position(|r| &r.student.folder == folder)
    }
    pub fn scroll(&self) -> usize {
        self.scroll
    }
    pub fn detail(&self) -> Option<&Detail> {
        self.detail.as_ref()
    }
    pub fn help_shown(&self) -> bool {
        self.help
    }
    pub fn size(&self) -> (u16, u16) {
        self.size
    }
    pub fn now(&self) -> u64 {
        self.now
    }
    pub fn stuck_after(&self) -> u64 {
        self.stuck_after
    }
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
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
    /// When the folder was last read.
    pub fn refreshed(&self) -> Option<Instant> {
        self.refreshed
    }

    /// How many students pass each TODO now.
    pub fn pass_counts(&self) -> Vec<usize> {
        (0..self.pack.lessons.len())
            .map(|i| {
                self.rows
                    .iter()
                    .filter(|r| match &r.student.record {
                        Record::Read(s) => s.passes.get(i) == Some(&Some(true)),
                        _ => false,
                    })
                    .count()
            })
            .collect()
    }

    /// Rows of the table that fit the window: all but the title, the header, the
    /// pass-count row, the status line and the key bar (see `ui::draw`).
    pub fn table_height(&self) -> usize {
        self.size.1.saturating_sub(5).max(1) as usize
    }

    pub fn key_contexts(&self) -> Vec<Context> {
        if self.help {
            vec![Context::Help, Context::Always]
        } else if self.detail.is_some() {
            vec![Context::Detail, Context::Always]
        } else {
            vec![Context::List, Context::Always]
        }
    }

    // ---- Polling ----

    /// Whether the folder is due to be read again.
    pub fn due(&self, now: Instant) -> bool {
        self.refreshed
            .is_none_or(|t| now.duration_since(t) >= self.poll_every)
    }

    /// When the next poll is due.
    pub fn next_poll(&self) -> Instant {
        self.refreshed
            .map_or_else(Instant::now, |t| t + self.poll_every)
    }

    /// Reads the folder now, with the clock at `now_unix`.
    pub fn refresh(&mut self, now_unix: u64) {
        self.now = now_unix;
        self.refreshed = Some(Instant::now());
        self.problem = self.roster.refresh(&self.pack).err().map(|e| e.to_string());
        let todos: Vec<u32> = self.pack.lessons.iter().map(|l| l.todo).collect();
        let mut rows: Vec<Row> = self
            .roster
            .students()
            .iter()
            .map(|s| row(s, now_unix, self.stuck_after, &todos))
            .collect();
        // Stuck students first (the longest without a new ✓ first), then the unreadable
        // ones, then everyone by name.
        rows.sort_by_key(|r| {
            let group = if r.stuck() {
                0
            } else if r.unreadable() {
                1
            } else {
                2
            };
            let waited = r
                .flags
                .iter()
                .map(|f| match f {
                    Flag::NoNewPass(s) => *s,
                    Flag::Hints { .. } => 0,
                })
                .max()
                .unwrap_or(0);
            (
                group,
                std::cmp::Reverse(waited),
                r.student.name.to_lowercase(),
            )
        });
        self.rows = rows;
        if self.selected().is_none() {
            self.selected = self.rows.first().map(|r| r.student.folder.clone());
        }
        self.clamp_scroll();
        // The open file follows the student's edits.
        if let Some(d) = &self.detail {
            let stamp = std::fs::metadata(&d.path)
                .ok()
                .map(|m| (m.len(), m.modified().ok()));
            if stamp != d.stamp {
                let scroll = d.scroll;
                let mut fresh = Detail::open(self.roster.dir(), &d.folder, &d.name, &self.pack);
                fresh.scroll = scroll;
                self.detail = Some(fresh);
                self.clamp_detail();
            }
        }
    }

    /// Polls when due; returns whether the folder was read.
    pub fn tick(&mut self, now: Instant) -> bool {
        if self.due(now) {
            self.refresh(unix_now());
            true
        } else {
            false
        }
    }

    // ---- Events ----

    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
        self.clamp_scroll();
        self.clamp_detail();
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        let Some(action) = keys::lookup(&key, &self.key_contexts()) else {
            return;
        };
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = true,
            Action::Refresh => {
                self.roster.forget();
                self.refresh(unix_now());
            }
            Action::Close if self.help => self.help = false,
            Action::Close => self.detail = None,
            Action::Open => self.open_selected(),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                if self.detail.is_some() {
                    self.scroll_detail(action);
                } else {
                    self.move_selection(action);
                }
            }
        }
    }

    fn open_selected(&mut self) {
        let Some(i) = self.selected() else {
            return;
        };
        let s = &self.rows[i].student;
        self.detail = Some(Detail::open(
            self.roster.dir(),
            &s.folder,
            &s.name,
            &self.pack,
        ));
    }

    fn move_selection(&mut self, action: Action) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        let page = self.table_height();
        let at = self.selected().unwrap_or(0);
        let to = match action {
            Action::Up => at.saturating_sub(1),
            Action::Down => (at + 1).min(last),
            Action::PageUp => at.saturating_sub(page),
            Action::PageDown => (at + page).min(last),
            Action::Top => 0,
            _ => last,
        };
        self.selected = Some(self.rows[to].student.folder.clone());
        self.clamp_scroll();
    }

    /// Keeps the selected row on screen.
    fn clamp_scroll(&mut self) {
        let height = self.table_height();
        let at = self.selected().unwrap_or(0);
        if at < self.scroll {
            self.scroll = at;
        } else if at >= self.scroll + height {
            self.scroll = at + 1 - height;
        }
        self.scroll = self.scroll.min(self.rows.len().saturating_sub(height));
    }

    fn scroll_detail(&mut self, action: Action) {
        let page = self.detail_height().saturating_sub(1).max(1);
        if let Some(d) = self.detail.as_mut() {
            d.scroll = match action {
                Action::Up => d.scroll.saturating_sub(1),
                Action::Down => d.scroll + 1,
                Action::PageUp => d.scroll.saturating_sub(page),
                Action::PageDown => d.scroll + page,
                Action::Top => 0,
                _ => usize::MAX,
            };
        }
        self.clamp_detail();
    }

    /// Rows of the detail view on screen: all but its title and the key bar.
    pub fn detail_height(&self) -> usize {
        self.size.1.saturating_sub(2).max(1) as usize
    }

    fn clamp_detail(&mut self) {
        let height = self.detail_height();
        let width = self.size.0 as usize;
        if let Some(d) = self.detail.as_mut() {
            d.scroll = d.scroll.min(d.lines(width).len().saturating_sub(height));
        }
    }
}

/// A student's row at `now`, flagged when stuck.
fn row(s: &Student, now: u64, stuck_after: u64, todos: &[u32]) -> Row {
    let online = s.online(now);
    let mut flags = Vec::new();
    let mut idle = None;
    if let Record::Read(snap) = &s.record {
        idle = snap.changed_at.map(|t| now.saturating_sub(t));
        if !snap.all_pass() {
            // Time counts only while the tutorial runs: a student who left is not stuck.
            let since = snap
                .last_new_pass_at
                .or(s.owner.as_ref().map(|o| o.started_at));
            if let Some(since) = since.filter(|_| online) {
                let waited = now.saturating_sub(since);
                if waited >= stuck_after {
                    flags.push(Flag::NoNewPass(waited));
                }
            }
            for (i, hints) in snap.hints.iter().enumerate() {
                let passing = snap.passes.get(i) == Some(&Some(true));
                if *hints >= 3 && !passing {
                    let todo = todos.get(i).copied().unwrap_or(i as u32 + 1);
                    flags.push(Flag::Hints { todo });
                }
            }
        }
    }
    Row {
        student: s.clone(),
        flags,
        idle,
        online,
    }
}
