//! Runs a built image the way seed 004 tests it: detached, published on a loopback port,
//! then GET /status, /info and /plot, and the user it runs as. The container is removed
//! by the caller's [`Containers`] guard on every path.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::build::Cancelled;
use super::docker::Docker;
use super::http;
use super::report::{ENDPOINTS, Endpoints};

/// How long one endpoint may take to answer (the first /plot imports matplotlib).
const ENDPOINT_TIMEOUT: Duration = Duration::from_secs(60);
const LOG_LINES: usize = 15;

/// Containers this run started; all removed when dropped (also on panic and cancel).
pub struct Containers {
    docker: Docker,
    names: Mutex<Vec<String>>,
}

impl Containers {
    pub fn new(docker: Docker) -> Containers {
        Containers {
            docker,
            names: Mutex::new(Vec::new()),
        }
    }

    fn add(&self, name: &str) {
        if let Ok(mut names) = self.names.lock() {
            names.push(name.to_string());
        }
    }

    /// Removes every container started so far.
    pub fn remove_all(&self) {
        let names: Vec<String> = match self.names.lock() {
            Ok(mut n) => std::mem::take(&mut *n),
            Err(_) => return,
        };
        for name in names {
            let _ = self.docker.remove_container(&name);
        }
    }
}

impl Drop for Containers {
    fn drop(&mut self) {
        self.remove_all();
    }
}

/// What happened when the image ran.
#[derive(Debug, Clone, Default)]
pub struct Ran {
    /// It started and answered /status.
    pub answered: bool,
    pub uid: Option<u32>,
    pub endpoints: Endpoints,
    /// Content type of /plot when it answered.
    pub plot_type: Option<String>,
    /// Why it did not start or stopped (Docker's error, or the exit code).
    pub start_error: Option<String>,
    /// Running, but no answer within the time limit.
    pub no_answer: bool,
    pub logs: String,
}

/// What to run: the container's name, the image, the port it serves in the container, and
/// how long to wait for its first answer.
pub struct Spec<'a> {
    pub name: &'a str,
    pub image: &'a str,
    pub port: u16,
    pub timeout: Duration,
}

/// Starts the image, waits for an answer on /status, then asks every endpoint and the
/// user. Polls `cancel` while waiting.
pub fn run(
    docker: &Docker,
    containers: &Containers,
    spec: &Spec<'_>,
    on_wait: &mut dyn FnMut(&str),
    cancel: &AtomicBool,
) -> Result<Ran, Cancelled> {
    let Spec {
        name,
        image,
        port,
        timeout,
    } = *spec;
    let mut ran = Ran::default();
    // A leftover of an earlier run killed before it could clean up has the same name.
    let _ = docker.remove_container(name);
    containers.add(name);
    if let Err(e) = docker.run_detached(name, image, port) {
        ran.start_error = Some(e.to_string());
        ran.logs = docker.logs(name, LOG_LINES);
        return Ok(ran);
    }
    let host_port = match docker.published_port(name, port) {
        Ok(p) => p,
        Err(e) => {
            ran.start_error = Some(format!("no port published for {port}: {e}"));
            ran.logs = docker.logs(name, LOG_LINES);
            return Ok(ran);
        }
    };
    let started = Instant::now();
    loop {
        if cancel.load(Ordering::SeqCst) {
            return Err(Cancelled);
        }
        if http::get(host_port, ENDPOINTS[0], Duration::from_secs(3)).is_ok() {
            ran.answered = true;
            break;
        }
        match docker.state(name) {
            Ok(state) if !state.running => {
                let mut error = format!("the container exited with code {}", state.exit_code);
                if state.oom_killed {
                    error.push_str(" (out of memory)");
                }
                if !state.error.is_empty() {
                    error = format!("{error}: {}", state.error);
                }
                ran.start_error = Some(error);
                ran.logs = docker.logs(name, LOG_LINES);
                return Ok(ran);
            }
            Err(e) => {
                ran.start_error = Some(e.to_string());
                return Ok(ran);
            }
            Ok(_) => {}
        }
        if started.elapsed() > timeout {
            ran.no_answer = true;
            ran.logs = docker.logs(name, LOG_LINES);
            return Ok(ran);
        }
        on_wait(&format!(
            "waiting for 127.0.0.1:{host_port}{} ({} s)",
            ENDPOINTS[0],
            started.elapsed().as_secs()
        ));
        std::thread::sleep(Duration::from_millis(500));
    }
    for path in ENDPOINTS {
        if cancel.load(Ordering::SeqCst) {
            return Err(Cancelled);
        }
        on_wait(&format!("GET {path}"));
        let answer = http::get(host_port, path, ENDPOINT_TIMEOUT).ok();
        if path == "/plot" {
            ran.plot_type = answer.as_ref().and_then(|a| a.content_type.clone());
        }
        ran.endpoints.set(path, answer.map(|a| a.status));
    }
    ran.uid = docker.container_uid(name);
    ran.logs = docker.logs(name, LOG_LINES);
    Ok(ran)
}
