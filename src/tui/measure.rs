//! F10: the real build (`compare`) on a background thread, and the state of the pane that
//! shows it. The thread only reports; the app takes its events up on each tick and keeps
//! what the pane shows here, so the widgets draw from `&App` as everywhere else.
//!
//! Cancelling raises the flag `compare` polls: it kills the build and removes the
//! containers and images it started, then reports `Cancelled`. Dropping a [`Job`] (the
//! tutorial quitting, or a panic unwinding) cancels it and waits, bounded, for that.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::compare::{self, Options, Progress, Report};
use crate::rules::Params;

/// How long quitting waits for a cancelled comparison to remove what it started.
pub const STOP_WAIT: Duration = Duration::from_secs(20);

/// What the comparison thread reports.
#[derive(Debug, Clone)]
pub enum Event {
    Progress(Progress),
    Done(Result<Report, compare::Error>),
}

/// Runs one comparison on the calling (background) thread, sending its events; the real
/// one is [`real_runner`]. Tests of the app's states give their own.
pub type Runner = Arc<dyn Fn(Options, Params, Sender<Event>, Arc<AtomicBool>) + Send + Sync>;

/// `compare::compare`, its progress and its result sent as events.
pub fn real_runner() -> Runner {
    Arc::new(|options, params, tx, cancel| {
        let mut on_progress = |p: &Progress| {
            let _ = tx.send(Event::Progress(p.clone()));
        };
        let result = compare::compare(&options, &params, &mut on_progress, &cancel);
        let _ = tx.send(Event::Done(result));
    })
}

/// A comparison running on its own thread.
pub struct Job {
    cancel: Arc<AtomicBool>,
    events: Receiver<Event>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Job {
    pub fn start(runner: &Runner, options: Options, params: Params) -> Job {
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, events) = mpsc::channel();
        let runner = Arc::clone(runner);
        let flag = Arc::clone(&cancel);
        let thread = std::thread::Builder::new()
            .name("compare".into())
            .spawn(move || runner(options, params, tx, flag))
            .ok();
        Job {
            cancel,
            events,
            thread: Mutex::new(thread),
        }
    }

    /// Asks the comparison to stop (it kills the build and removes what it started).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// The events reported since the last call.
    pub fn take_events(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Whether the thread has ended (it always sends `Done` first, unless it panicked).
    pub fn finished(&self) -> bool {
        self.thread
            .lock()
            .map(|t| t.as_ref().is_none_or(JoinHandle::is_finished))
            .unwrap_or(true)
    }

    /// Waits until the thread ends or `deadline` passes; true when it ended.
    pub fn wait_until(&self, deadline: Instant) -> bool {
        while !self.finished() {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Ok(mut t) = self.thread.lock()
            && let Some(handle) = t.take()
        {
            let _ = handle.join();
        }
        true
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if !self.finished() {
            self.cancel();
            self.wait_until(Instant::now() + STOP_WAIT);
        }
    }
}

/// What the comparison pane shows.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Building, measuring or running; the latest progress, once there is one.
    Running {
        progress: Option<Progress>,
        /// Esc was pressed: waiting for the clean-up.
        cancelling: bool,
    },
    Done(Box<Report>),
    /// No Docker engine answered: why.
    NoEngine(String),
    Cancelled,
    /// It could not be started: why (no baseline in the pack, no app beside the file).
    Refused(String),
}

/// The comparison pane: what it shows, whether it has the keyboard, how far it is
/// scrolled and which TODO link is chosen.
#[derive(Debug, Clone)]
pub struct Pane {
    state: State,
    shown: bool,
    focused: bool,
    scroll: usize,
    selected: usize,
    /// Since the comparison started, as last told (a tick or a progress event).
    elapsed: Duration,
    started: Instant,
    /// The hash of the text that was built ([`super::workspace::text_hash`]).
    text_hash: String,
}

impl Pane {
    pub fn start(text_hash: String, now: Instant) -> Pane {
        Pane {
            state: State::Running {
                progress: None,
                cancelling: false,
            },
            shown: true,
            focused: false,
            scroll: 0,
            selected: 0,
            elapsed: Duration::ZERO,
            started: now,
            text_hash,
        }
    }

    pub fn refused(why: String, now: Instant) -> Pane {
        Pane {
            state: State::Refused(why),
            ..Pane::start(String::new(), now)
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }
    pub fn shown(&self) -> bool {
        self.shown
    }
    pub fn focused(&self) -> bool {
        self.shown && self.focused
    }
    pub fn scroll(&self) -> usize {
        self.scroll
    }
    pub fn selected(&self) -> usize {
        self.selected
    }
    pub fn running(&self) -> bool {
        matches!(self.state, State::Running { .. })
    }
    pub fn cancelling(&self) -> bool {
        matches!(
            self.state,
            State::Running {
                cancelling: true,
                ..
            }
        )
    }
    pub fn text_hash(&self) -> &str {
        &self.text_hash
    }
    /// Time since the comparison started.
    pub fn elapsed(&self) -> Duration {
        let reported = match &self.state {
            State::Running {
                progress: Some(p), ..
            } => p.elapsed,
            _ => Duration::ZERO,
        };
        self.elapsed.max(reported)
    }
    pub fn report(&self) -> Option<&Report> {
        match &self.state {
            State::Done(r) => Some(r),
            _ => None,
        }
    }

    // Changes, made by the app.

    pub(super) fn show(&mut self, focused: bool) {
        self.shown = true;
        self.focused = focused;
    }
    pub(super) fn hide(&mut self) {
        self.shown = false;
        self.focused = false;
    }
    pub(super) fn unfocus(&mut self) {
        self.focused = false;
    }
    pub(super) fn tick(&mut self, now: Instant) -> bool {
        if !self.running() {
            return false;
        }
        let before = self.elapsed.as_secs();
        self.elapsed = now.saturating_duration_since(self.started);
        self.elapsed.as_secs() != before
    }
    pub(super) fn mark_cancelling(&mut self) {
        if let State::Running { cancelling, .. } = &mut self.state {
            *cancelling = true;
        }
    }
    pub(super) fn on_event(&mut self, event: Event) {
        match event {
            Event::Progress(p) => {
                if let State::Running { progress, .. } = &mut self.state {
                    *progress = Some(p);
                }
            }
            Event::Done(result) => {
                self.scroll = 0;
                self.selected = 0;
                self.state = match result {
                    Ok(report) => State::Done(Box::new(report)),
                    Err(compare::Error::NoEngine(why)) => State::NoEngine(why),
                    Err(compare::Error::Cancelled) => State::Cancelled,
                };
            }
        }
    }
    /// Scrolls to `scroll`, at most `max`.
    pub(super) fn scroll_to(&mut self, scroll: usize, max: usize) {
        self.scroll = scroll.min(max);
    }
    pub(super) fn select(&mut self, index: usize) {
        self.selected = index;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Dockerfile;

    fn options() -> Options {
        let file = |name: &str| Dockerfile {
            name: name.into(),
            text: "FROM scratch\n".into(),
        };
        Options::new(file("yours"), file("baseline"), ".".into())
    }

    /// Waits for the cancel flag, as `compare` does between steps, then reports it.
    fn until_cancelled(stopped: Arc<AtomicBool>) -> Runner {
        Arc::new(move |_, _, tx, cancel| {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !cancel.load(Ordering::SeqCst) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(50)); // the clean-up
            stopped.store(true, Ordering::SeqCst);
            let _ = tx.send(Event::Done(Err(compare::Error::Cancelled)));
        })
    }

    #[test]
    fn a_dropped_job_cancels_the_comparison_and_waits_for_its_clean_up() {
        let stopped = Arc::new(AtomicBool::new(false));
        let job = Job::start(
            &until_cancelled(Arc::clone(&stopped)),
            options(),
            Params::default(),
        );
        assert!(!job.finished());
        drop(job);
        assert!(
            stopped.load(Ordering::SeqCst),
            "cleaned up before the drop returned"
        );
    }

    #[test]
    fn cancelling_ends_in_the_cancelled_state() {
        let stopped = Arc::new(AtomicBool::new(false));
        let job = Job::start(
            &until_cancelled(Arc::clone(&stopped)),
            options(),
            Params::default(),
        );
        let mut pane = Pane::start("h".into(), Instant::now());
        pane.on_event(Event::Progress(Progress {
            role: compare::Role::Yours,
            phase: compare::Phase::Building,
            step: Some((2, 5)),
            activity: Some("RUN pip install".into()),
            elapsed: Duration::from_secs(7),
            log_tail: vec![],
        }));
        assert_eq!(pane.elapsed(), Duration::from_secs(7));
        job.cancel();
        pane.mark_cancelling();
        assert!(pane.cancelling() && pane.running());
        assert!(job.wait_until(Instant::now() + Duration::from_secs(10)));
        for event in job.take_events() {
            pane.on_event(event);
        }
        assert_eq!(pane.state(), &State::Cancelled);
        assert!(!pane.running());
    }
}
