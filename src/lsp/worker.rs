//! Grading off the message loop, latest text wins: each document has at most one version
//! waiting, and a newer one replaces it, so a burst of keystrokes is graded once when the
//! worker is free and typing never queues work. Hover, code actions and new edits are
//! answered while a large file is being graded.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_types::Uri;

use super::grading::{self, Graded};
use crate::pack::Pack;

struct Job {
    uri: Uri,
    /// The server's count of changes to the document, returned with the result.
    rev: u64,
    version: i32,
    text: Arc<str>,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

/// What the worker sends back: a graded version, or the reason grading it failed.
pub enum Done {
    Graded(Uri, u64, Graded),
    Failed(Uri, i32, String),
}

pub struct Worker {
    shared: Arc<(Mutex<Queue>, Condvar)>,
    pub done: Receiver<Done>,
}

fn lock(m: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    // A panic while holding the lock cannot leave the queue half-changed (each change is
    // one push, pop or retain), so a poisoned lock is still a good queue.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Worker {
    pub fn start(pack: Arc<Pack>) -> std::io::Result<Worker> {
        let shared = Arc::new((Mutex::new(Queue::default()), Condvar::new()));
        let (send, done) = unbounded();
        let queue = Arc::clone(&shared);
        thread::Builder::new()
            .name("lsp-grader".into())
            .spawn(move || run(&queue, &pack, &send))?;
        Ok(Worker { shared, done })
    }

    /// Asks for `text` to be graded, replacing any version of `uri` still waiting.
    pub fn grade(&self, uri: &Uri, rev: u64, version: i32, text: Arc<str>) {
        let (m, ready) = &*self.shared;
        let mut q = lock(m);
        let job = Job {
            uri: uri.clone(),
            rev,
            version,
            text,
        };
        match q.jobs.iter_mut().find(|j| &j.uri == uri) {
            Some(waiting) => *waiting = job,
            None => q.jobs.push_back(job),
        }
        ready.notify_one();
    }

    /// Drops the waiting version of `uri` (its document was closed).
    pub fn forget(&self, uri: &Uri) {
        lock(&self.shared.0).jobs.retain(|j| &j.uri != uri);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let (m, ready) = &*self.shared;
        lock(m).closed = true;
        ready.notify_one();
    }
}

fn run(shared: &(Mutex<Queue>, Condvar), pack: &Pack, send: &Sender<Done>) {
    let (m, ready) = shared;
    loop {
        let job = {
            let mut q = lock(m);
            loop {
                if q.closed {
                    return;
                }
                if let Some(job) = q.jobs.pop_front() {
                    break job;
                }
                q = ready.wait(q).unwrap_or_else(|p| p.into_inner());
            }
        };
        // The engine is fuzzed never to panic; should it, this document's version goes
        // ungraded with a log line, and the server goes on.
        let result = catch_unwind(AssertUnwindSafe(|| {
            grading::grade(&job.text, job.version, pack)
        }));
        let done = match result {
            Ok(graded) => Done::Graded(job.uri, job.rev, graded),
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("unknown");
                Done::Failed(job.uri, job.version, why.to_string())
            }
        };
        if send.send(done).is_err() {
            return;
        }
    }
}
