//! Who works in a student folder: `owner.json` names the session (login, host, process,
//! start time) and is refreshed by a heartbeat, so that a second student who picks the
//! same name is refused instead of writing over the first one's work, while the same
//! student coming back (after quitting, a crash or a frozen machine) gets their work back.
//!
//! The rules, in [`decide`]: a session that is alive keeps the folder (on the same machine:
//! its process runs and its heartbeat is fresh; on another: its heartbeat is fresh). A
//! folder whose last session ended or went stale is taken over by the same login, and
//! refused to any other login.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::clock::span;
use super::clock::unix_now;
use crate::fsio::{FsError, write_atomic};

/// The heartbeat rewrites the owner file this often.
pub const HEARTBEAT: Duration = Duration::from_secs(30);
/// A session whose heartbeat is older than this has stopped (crashed, powered off, lost
/// its share).
pub const STALE_AFTER: u64 = 150;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// The student's name as typed (control characters removed).
    pub name: String,
    pub login: String,
    pub host: String,
    pub pid: u32,
    /// Unique per session: host, process and start time.
    pub session: String,
    pub started_at: u64,
    pub heartbeat_at: u64,
    /// Set when the session closed normally.
    #[serde(default)]
    pub ended_at: Option<u64>,
}

impl Owner {
    fn to_json(&self) -> Vec<u8> {
        // Plain strings and numbers: serializing cannot fail.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// This process, as the owner of a folder for `name`, at `now`.
    pub fn me(name: &str, now: u64) -> Owner {
        let host = hostname();
        let pid = std::process::id();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Owner {
            name: name.chars().filter(|c| !c.is_control()).take(100).collect(),
            login: login(),
            session: format!("{host}-{pid}-{now}.{nanos:09}"),
            host,
            pid,
            started_at: now,
            heartbeat_at: now,
            ended_at: None,
        }
    }

    /// Reads an owner file; None when it is missing, an error when it is not one.
    pub fn read(path: &Path) -> Result<Option<Owner>, ClaimError> {
        match fs::read(path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| ClaimError::NotAnOwnerFile {
                        path: path.to_path_buf(),
                        reason: e,
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FsError::new(path, "read", e).into()),
        }
    }

    /// Whether the session is running now, as seen from `me` at `now`.
    pub fn alive(&self, me: &Owner, now: u64, running: impl Fn(u32) -> bool) -> bool {
        if self.ended_at.is_some() {
            return false;
        }
        let fresh = now.saturating_sub(self.heartbeat_at) < STALE_AFTER;
        if self.host == me.host {
            fresh && running(self.pid)
        } else {
            fresh
        }
    }

    fn describe(&self, now: u64) -> String {
        format!(
            "{:?} (login {}) on {}, started {} ago, last seen {} ago",
            self.name,
            self.login,
            self.host,
            span(now.saturating_sub(self.started_at)),
            span(now.saturating_sub(self.heartbeat_at)),
        )
    }
}

/// What to do about the owner file found in a folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Take the folder; the note (if any) says whose session it continues.
    Take(Option<String>),
    Refuse(String),
}

/// See the module's rules. `folder` names the folder in messages.
pub fn decide(
    found: &Owner,
    me: &Owner,
    now: u64,
    running: impl Fn(u32) -> bool,
    folder: &str,
) -> Decision {
    let other_name = format!("{}-2", me.name);
    if found.alive(me, now, running) {
        return Decision::Refuse(format!(
            "{folder} is in use by {}. Two students cannot share a name: choose another with --student (for example --student {other_name:?}).",
            found.describe(now)
        ));
    }
    if found.login != me.login {
        return Decision::Refuse(format!(
            "{folder} belongs to login {} ({:?}, last on {} {} ago). Choose another name with --student (for example --student {other_name:?}); if the folder is yours from another account, remove {folder}/owner.json.",
            found.login,
            found.name,
            found.host,
            span(now.saturating_sub(found.heartbeat_at)),
        ));
    }
    Decision::Take(found.ended_at.is_none().then(|| {
        format!(
            "continuing the session on {} that stopped without closing (last seen {} ago)",
            found.host,
            span(now.saturating_sub(found.heartbeat_at))
        )
    }))
}

/// This session's hold on a student folder, kept fresh by a heartbeat thread.
pub struct Claim {
    path: PathBuf,
    me: Owner,
    /// Set by the heartbeat when another session has taken the folder.
    lost: Mutex<Option<String>>,
    stop: Mutex<Option<(Sender<()>, mpsc::Receiver<()>)>>,
}

/// Why a student folder could not be claimed, or is no longer this session's.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("{}: not an owner file ({reason})", path.display())]
    NotAnOwnerFile {
        path: PathBuf,
        reason: serde_json::Error,
    },
    /// Another session has the folder: who, in words, and what to do.
    #[error("{0}")]
    Taken(String),
    #[error("{}: the owner file could not be kept", .0.display())]
    NotKept(PathBuf),
}

impl std::fmt::Debug for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claim")
            .field("path", &self.path)
            .field("session", &self.me.session)
            .finish()
    }
}

impl Claim {
    /// Claims `folder` (created if missing) for the student `name`, or says who has it.
    /// Returns a note when it continues a session that stopped without closing.
    pub fn take(folder: &Path, name: &str) -> Result<(Arc<Claim>, Option<String>), ClaimError> {
        fs::create_dir_all(folder).map_err(FsError::at(folder, "create"))?;
        let path = folder.join(super::student::OWNER);
        let now = unix_now();
        let me = Owner::me(name, now);
        let shown = folder.display().to_string();
        let note = match Owner::read(&path) {
            Ok(None) => {
                if create_exclusive(&path, &me)? {
                    None
                } else {
                    // Another session created it between our look and our write.
                    return Claim::take(folder, name);
                }
            }
            Ok(Some(found)) => match decide(&found, &me, now, process_running, &shown) {
                Decision::Refuse(why) => return Err(ClaimError::Taken(why)),
                Decision::Take(note) => {
                    write_owner(&path, &me)?;
                    note
                }
            },
            Err(why) => {
                write_owner(&path, &me)?;
                Some(format!("{why}; the folder is now this session's"))
            }
        };
        // Two sessions taking over at the same moment: the last write wins, and the other
        // one sees it here.
        std::thread::sleep(Duration::from_millis(200));
        match Owner::read(&path) {
            Ok(Some(o)) if o.session == me.session => {}
            Ok(Some(o)) => {
                return Err(ClaimError::Taken(format!(
                    "{shown} was claimed at the same moment by {}; choose another name with --student",
                    o.describe(unix_now())
                )));
            }
            _ => {
                return Err(ClaimError::NotKept(path));
            }
        }
        let claim = Arc::new(Claim {
            path,
            me,
            lost: Mutex::new(None),
            stop: Mutex::new(None),
        });
        Ok((claim, note))
    }

    /// Ok while no other session has taken the folder.
    pub fn still_ours(&self) -> Result<(), ClaimError> {
        match self.lost.lock().map(|l| l.clone()) {
            Ok(None) => Ok(()),
            Ok(Some(why)) => Err(ClaimError::Taken(why)),
            Err(_) => Ok(()),
        }
    }

    pub fn owner(&self) -> &Owner {
        &self.me
    }

    /// Starts the heartbeat: the owner file is refreshed every [`HEARTBEAT`]; a folder
    /// taken by another session stops this one's writes (see [`Claim::still_ours`]).
    pub fn keep_alive(self: &Arc<Self>) {
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let claim = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("stagecraft-heartbeat".into())
            .spawn(move || {
                loop {
                    match stop_rx.recv_timeout(HEARTBEAT) {
                        Err(RecvTimeoutError::Timeout) => claim.beat(None),
                        _ => {
                            claim.beat(Some(unix_now()));
                            let _ = done_tx.send(());
                            return;
                        }
                    }
                }
            });
        if spawned.is_ok()
            && let Ok(mut s) = self.stop.lock()
        {
            *s = Some((stop_tx, done_rx));
        }
    }

    /// Marks the session closed (so the same student may come back at once from another
    /// machine); waits a moment at most for a slow share.
    pub fn release(&self) {
        let Some((stop, done)) = self.stop.lock().ok().and_then(|mut s| s.take()) else {
            self.beat(Some(unix_now()));
            return;
        };
        let _ = stop.send(());
        let _ = done.recv_timeout(Duration::from_secs(3));
    }

    /// Rewrites the owner file with a fresh heartbeat (and the end, when closing), unless
    /// another session holds it now.
    fn beat(&self, ended_at: Option<u64>) {
        if self.still_ours().is_err() {
            return;
        }
        match Owner::read(&self.path) {
            Ok(Some(o)) if o.session != self.me.session => {
                let why = format!(
                    "{} was taken by another session: {}; this one no longer writes there",
                    self.path.parent().unwrap_or(&self.path).display(),
                    o.describe(unix_now())
                );
                if let Ok(mut l) = self.lost.lock() {
                    *l = Some(why);
                }
            }
            // Unreadable for now (a flaky share): write ours again.
            _ => {
                let mut me = self.me.clone();
                me.heartbeat_at = unix_now();
                me.ended_at = ended_at;
                let _ = write_owner(&self.path, &me);
            }
        }
    }
}

fn write_owner(path: &Path, owner: &Owner) -> Result<(), ClaimError> {
    Ok(write_atomic(path, &owner.to_json())?)
}

/// Creates the owner file only if there is none, whole: written to a temporary file and
/// hard-linked into place (link fails when the name exists, also on NFS). Returns false
/// when another session's file got there first.
fn create_exclusive(path: &Path, owner: &Owner) -> Result<bool, FsError> {
    let json = owner.to_json();
    let tmp = path.with_extension(format!("json.{}.tmp", owner.pid));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(FsError::new(tmp, "write", e));
    }
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        // A share without hard links: exclusive create, then the content.
        Err(_) => match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(mut f) => f
                .write_all(&json)
                .and_then(|()| f.sync_all())
                .map(|()| true)
                .map_err(FsError::at(path, "write")),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(FsError::new(path, "create", e)),
        },
    }
}

fn process_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists; it sends nothing.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it or
    // truncates, and we stop at the first NUL.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return "unknown-host".into();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

fn login() -> String {
    for var in ["USER", "LOGNAME", "USERNAME"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return v;
        }
    }
    // SAFETY: getuid cannot fail.
    format!("uid {}", unsafe { libc::getuid() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(login: &str, host: &str, pid: u32, beat: u64) -> Owner {
        Owner {
            name: "Alex".into(),
            login: login.into(),
            host: host.into(),
            pid,
            session: format!("{host}-{pid}"),
            started_at: beat.saturating_sub(600),
            heartbeat_at: beat,
            ended_at: None,
        }
    }

    #[test]
    fn a_live_session_keeps_its_folder() {
        let now = 10_000;
        let me = owner("alex", "lab-12", 7, now);
        // On another machine, beating recently.
        let other = owner("alex2", "lab-07", 42, now - 20);
        let Decision::Refuse(why) = decide(&other, &me, now, |_| false, "students/Alex") else {
            panic!()
        };
        assert!(
            why.contains("is in use by \"Alex\" (login alex2) on lab-07"),
            "{why}"
        );
        assert!(why.contains("--student \"Alex-2\""), "{why}");
        // Even the same login: two windows of one student would overwrite each other.
        let same = owner("alex", "lab-07", 42, now - 20);
        assert!(matches!(
            decide(&same, &me, now, |_| false, "f"),
            Decision::Refuse(_)
        ));
        // On this machine, its process still runs.
        let here = owner("alex", "lab-12", 42, now - 5);
        assert!(matches!(
            decide(&here, &me, now, |p| p == 42, "f"),
            Decision::Refuse(_)
        ));
    }

    #[test]
    fn a_stopped_session_is_continued_by_the_same_login_only() {
        let now = 10_000;
        let me = owner("alex", "lab-12", 7, now);
        // Crashed on this machine a moment ago: its process is gone.
        let crashed = owner("alex", "lab-12", 42, now - 5);
        let Decision::Take(Some(note)) = decide(&crashed, &me, now, |_| false, "f") else {
            panic!()
        };
        assert!(note.contains("stopped without closing"), "{note}");
        // Another machine that stopped beating long ago.
        let frozen = owner("alex", "lab-07", 42, now - STALE_AFTER - 1);
        assert!(matches!(
            decide(&frozen, &me, now, |_| true, "f"),
            Decision::Take(Some(_))
        ));
        // Closed normally: no note, the student is simply back.
        let mut closed = owner("alex", "lab-07", 42, now - 5);
        closed.ended_at = Some(now - 5);
        assert_eq!(
            decide(&closed, &me, now, |_| true, "f"),
            Decision::Take(None)
        );
        // Another login's folder is never taken, even when closed.
        closed.login = "alexandra".into();
        let Decision::Refuse(why) = decide(&closed, &me, now, |_| true, "students/Alex") else {
            panic!()
        };
        assert!(why.contains("belongs to login alexandra"), "{why}");
    }

    #[test]
    fn a_second_claim_on_a_live_folder_is_refused_and_release_frees_it() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("students/Alex");
        let (first, note) = Claim::take(&folder, "Alex").unwrap();
        assert_eq!(note, None);
        first.keep_alive();
        let found = Owner::read(&folder.join("owner.json")).unwrap().unwrap();
        assert_eq!(found.pid, std::process::id());
        assert_eq!(found.name, "Alex");
        // This process is alive and its heartbeat fresh: the same name is refused.
        let e = Claim::take(&folder, "Alex").unwrap_err();
        assert!(matches!(e, ClaimError::Taken(_)), "{e:?}");
        assert!(e.to_string().contains("is in use by"), "{e}");
        first.release();
        let found = Owner::read(&folder.join("owner.json")).unwrap().unwrap();
        assert!(found.ended_at.is_some());
        // Closed: the same login comes back without a note.
        let (second, note) = Claim::take(&folder, "Alex").unwrap();
        assert_eq!(note, None);
        assert!(second.still_ours().is_ok());
        // Someone takes the folder from under it: the heartbeat notices, writes stop.
        let mut other = Owner::me("Alex", unix_now());
        other.session = "elsewhere".into();
        write_owner(&folder.join("owner.json"), &other).unwrap();
        second.beat(None);
        let e = second.still_ours().unwrap_err();
        assert!(
            e.to_string().contains("was taken by another session"),
            "{e}"
        );
        second.release();
        let found = Owner::read(&folder.join("owner.json")).unwrap().unwrap();
        assert_eq!(found.session, "elsewhere", "never written over");
    }

    #[test]
    fn a_corrupt_owner_file_is_taken_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("Sam");
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("owner.json"), "{\"name\": \"Sa").unwrap();
        let (_claim, note) = Claim::take(&folder, "Sam").unwrap();
        assert!(note.unwrap().contains("not an owner file"));
    }
}
