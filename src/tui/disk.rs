//! The disk worker: every read and write of the learner's files while the tutorial runs
//! happens on one background thread, in the order asked, so that a slow or flaky shared
//! folder never holds up typing. The app sends [`Request`]s and reads [`Reply`]s; it waits
//! for a reply only as long as a frame allows (see `App::set_io_wait`).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Instant;

use crate::workspace::claim::Claim;
use crate::workspace::{self, Progress, Stamp, StorageError, Workspace};

pub enum Request {
    /// Look at the Dockerfile: read it when its stamp differs from `known`.
    Look { path: PathBuf, known: Option<Stamp> },
    /// Write the Dockerfile, unless it changed on disk since `known` (an edit made
    /// elsewhere is never written over).
    Save {
        path: PathBuf,
        text: String,
        known: Option<Stamp>,
        known_hash: u64,
    },
    Progress {
        workspace: Workspace,
        progress: Progress,
    },
    /// From now on, write only while this claim on a student's folder holds.
    Guard(Arc<Claim>),
}

/// What a look found.
#[derive(Debug)]
pub enum Seen {
    Unchanged,
    Gone,
    Changed {
        stamp: Stamp,
        bytes: Vec<u8>,
    },
    /// It is there but could not be read now (a flaky share); looked at again later.
    Unreadable,
}

#[derive(Debug)]
pub enum Reply {
    Looked(Seen),
    /// The text with hash `hash` was written (or why not).
    Saved {
        result: Result<Option<Stamp>, StorageError>,
        hash: u64,
    },
    /// The save found the file changed on disk: nothing was written.
    ChangedBeforeSave {
        stamp: Stamp,
        bytes: Vec<u8>,
    },
    ProgressSaved(Result<(), StorageError>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Look,
    Save,
    Progress,
}

/// The app's handle on the worker thread. Dropping it lets the thread finish what it was
/// given and end; a thread stuck on a dead share is not waited for.
pub struct DiskWorker {
    requests: Sender<Request>,
    replies: Receiver<Reply>,
    /// Requests sent and not answered yet, oldest first.
    in_flight: VecDeque<(Kind, Instant)>,
}

impl Default for DiskWorker {
    fn default() -> Self {
        Self::start()
    }
}

impl DiskWorker {
    pub fn start() -> DiskWorker {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, replies) = mpsc::channel::<Reply>();
        std::thread::Builder::new()
            .name("stagecraft-disk".into())
            .spawn(move || work(inbox, outbox))
            .expect("spawning the disk thread");
        DiskWorker {
            requests,
            replies,
            in_flight: VecDeque::new(),
        }
    }

    pub fn send(&mut self, request: Request, now: Instant) {
        let kind = match &request {
            Request::Look { .. } => Kind::Look,
            Request::Save { .. } => Kind::Save,
            Request::Progress { .. } => Kind::Progress,
            Request::Guard(_) => {
                let _ = self.requests.send(request);
                return;
            }
        };
        if self.requests.send(request).is_ok() {
            self.in_flight.push_back((kind, now));
        }
    }

    /// Whether a request of this kind is waiting for its reply.
    pub fn pending(&self, kind: Kind) -> bool {
        self.in_flight.iter().any(|(k, _)| *k == kind)
    }

    pub fn idle(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// When the oldest unanswered write was sent.
    pub fn oldest_write(&self) -> Option<Instant> {
        self.in_flight
            .iter()
            .find(|(k, _)| *k != Kind::Look)
            .map(|(_, t)| *t)
    }

    /// The next reply, waiting until `deadline` at most.
    pub fn recv_until(&mut self, deadline: Instant) -> Option<Reply> {
        if self.in_flight.is_empty() {
            return None;
        }
        let wait = deadline.saturating_duration_since(Instant::now());
        let reply = match self.replies.recv_timeout(wait) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => {
                // The thread is gone (it panicked): say so once per request.
                self.in_flight.pop_front();
                return Some(Reply::Saved {
                    result: Err(StorageError::WorkerStopped),
                    hash: 0,
                });
            }
        };
        self.in_flight.pop_front();
        Some(reply)
    }
}

fn work(inbox: Receiver<Request>, outbox: Sender<Reply>) {
    let mut guard: Option<Arc<Claim>> = None;
    for request in inbox {
        let reply = match request {
            Request::Guard(claim) => {
                guard = Some(claim);
                continue;
            }
            Request::Look { path, known } => Reply::Looked(look(&path, known)),
            Request::Save {
                path,
                text,
                known,
                known_hash,
            } => save(&path, &text, known, known_hash, guard.as_deref()),
            Request::Progress {
                workspace,
                progress,
            } => Reply::ProgressSaved(
                guard
                    .as_deref()
                    .map_or(Ok(()), Claim::still_ours)
                    .map_err(StorageError::from)
                    .and_then(|()| Ok(workspace.save_progress(&progress)?)),
            ),
        };
        if outbox.send(reply).is_err() {
            return;
        }
    }
}

fn look(path: &std::path::Path, known: Option<Stamp>) -> Seen {
    let Some(stamp) = workspace::stamp(path) else {
        return Seen::Gone;
    };
    if Some(stamp) == known {
        return Seen::Unchanged;
    }
    match super::read_dockerfile(path) {
        Ok(bytes) => Seen::Changed { stamp, bytes },
        Err(_) => Seen::Unreadable,
    }
}

fn save(
    path: &std::path::Path,
    text: &str,
    known: Option<Stamp>,
    known_hash: u64,
    guard: Option<&Claim>,
) -> Reply {
    let hash = workspace::content_hash(text.as_bytes());
    if let Some(Err(e)) = guard.map(Claim::still_ours) {
        return Reply::Saved {
            result: Err(e.into()),
            hash,
        };
    }
    // Never write over an edit made elsewhere since the app last looked. A file that is
    // gone is written back: there is nothing on disk to lose.
    if let Some(stamp) = workspace::stamp(path)
        && Some(stamp) != known
        && let Ok(bytes) = super::read_dockerfile(path)
        && workspace::content_hash(&bytes) != known_hash
    {
        return Reply::ChangedBeforeSave { stamp, bytes };
    }
    Reply::Saved {
        result: workspace::save_dockerfile(path, text).map_err(StorageError::from),
        hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn reply(w: &mut DiskWorker) -> Reply {
        w.recv_until(Instant::now() + Duration::from_secs(10))
            .expect("a reply")
    }

    #[test]
    fn a_save_never_writes_over_a_change_made_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Dockerfile");
        std::fs::write(&file, "FROM a\n").unwrap();
        let known = workspace::stamp(&file);
        let known_hash = workspace::content_hash(b"FROM a\n");
        let mut w = DiskWorker::start();
        std::fs::write(&file, "FROM theirs\n").unwrap();
        w.send(
            Request::Save {
                path: file.clone(),
                text: "FROM mine\n".into(),
                known,
                known_hash,
            },
            Instant::now(),
        );
        assert!(w.pending(Kind::Save));
        match reply(&mut w) {
            Reply::ChangedBeforeSave { bytes, .. } => assert_eq!(bytes, b"FROM theirs\n"),
            other => panic!("{other:?}"),
        }
        assert!(w.idle());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "FROM theirs\n");
        // With the new stamp known, it is written.
        let known = workspace::stamp(&file);
        let known_hash = workspace::content_hash(b"FROM theirs\n");
        w.send(
            Request::Save {
                path: file.clone(),
                text: "FROM mine\n".into(),
                known,
                known_hash,
            },
            Instant::now(),
        );
        match reply(&mut w) {
            Reply::Saved { result, .. } => assert!(result.is_ok()),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "FROM mine\n");
    }

    #[test]
    fn a_fifo_in_place_of_the_dockerfile_is_unreadable_at_once() {
        // A FIFO would block its reader until a writer comes; the file gate refuses anything
        // but a regular file before opening it, so the worker answers at once.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("Dockerfile");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let mut w = DiskWorker::start();
        let sent = Instant::now();
        w.send(
            Request::Look {
                path: fifo.clone(),
                known: None,
            },
            sent,
        );
        match reply(&mut w) {
            Reply::Looked(Seen::Unreadable) => {}
            other => panic!("{other:?}"),
        }
        assert!(sent.elapsed() < Duration::from_secs(2));
    }
}
