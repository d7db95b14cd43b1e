//! The `docker` command line, run through `std::process::Command` and read through its
//! `--format '{{json .}}'` output. Every call has a time limit, so a hung engine never
//! hangs the program.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// The label on every container and image `compare` makes; nothing without it is removed.
pub const LABEL: &str = "org.stagecraft=1";

/// How long a short query (inspect, port, logs, rm) may take.
const QUERY_TIMEOUT: Duration = Duration::from_secs(30);

/// Why no engine can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoEngine(pub String);

/// A reachable Docker engine and how to build with it.
#[derive(Debug, Clone)]
pub struct Docker {
    program: String,
    /// `Some(false)`: `DOCKER_BUILDKIT=0` (the legacy builder); `Some(true)`: BuildKit;
    /// `None`: the client's default.
    buildkit: Option<bool>,
    pub server_version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VersionJson {
    server: Option<ServerJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ServerJson {
    #[serde(default)]
    version: String,
}

/// One row of `docker history`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HistoryRow {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
    /// Bytes, as text (`--human=false`).
    #[serde(default)]
    pub size: String,
}

/// What `docker inspect` says of a container's state.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerState {
    pub status: String,
    pub running: bool,
    pub exit_code: i64,
    pub error: String,
    #[serde(rename = "OOMKilled")]
    pub oom_killed: bool,
}

/// A `docker` command that failed: it could not run, the engine said no (its first line of
/// error output), or it answered something this program cannot read.
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error("`docker {command}` could not run: {reason}")]
    Spawn {
        command: String,
        reason: std::io::Error,
    },
    #[error("{0}")]
    Refused(String),
    #[error("{id} is tagged {tags}")]
    Tagged { id: String, tags: String },
    #[error("unexpected answer from `docker {command}`: {text:?}")]
    Unexpected { command: String, text: String },
}

impl DockerError {
    /// The engine refused to remove an image because another image was built on it.
    pub fn has_dependents(&self) -> bool {
        matches!(self, DockerError::Refused(m) if m.contains("dependent child images"))
    }

    fn unexpected(command: &str, text: &str) -> DockerError {
        DockerError::Unexpected {
            command: command.to_string(),
            text: text.trim().chars().take(200).collect(),
        }
    }
}

impl Docker {
    /// Finds the engine: `docker version` must answer for both client and server.
    pub fn detect() -> Result<Docker, NoEngine> {
        let program = "docker".to_string();
        let mut cmd = Command::new(&program);
        cmd.args(["version", "--format", "{{json .}}"]);
        let out = run_with_timeout(cmd, Duration::from_secs(20)).map_err(|e| {
            NoEngine(if e.kind() == std::io::ErrorKind::NotFound {
                "the `docker` command is not installed".to_string()
            } else {
                format!("`docker version` did not answer: {e}")
            })
        })?;
        let parsed: Option<VersionJson> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| serde_json::from_str(l).ok());
        match parsed.and_then(|v| v.server) {
            Some(server) if out.status.success() => Ok(Docker {
                program,
                buildkit: buildkit_from_env(),
                server_version: server.version,
            }),
            _ => {
                let err = String::from_utf8_lossy(&out.stderr);
                let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                Err(NoEngine(format!(
                    "no Docker engine answered{}",
                    if first.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", first.trim())
                    }
                )))
            }
        }
    }

    /// A `docker` command with the builder choice applied.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        match self.buildkit {
            Some(true) => cmd.env("DOCKER_BUILDKIT", "1"),
            Some(false) => cmd.env("DOCKER_BUILDKIT", "0"),
            None => cmd.env_remove("DOCKER_BUILDKIT"),
        };
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Whether builds use BuildKit (as far as this program can tell before building).
    pub fn buildkit(&self) -> Option<bool> {
        self.buildkit
    }

    /// After a build failed because BuildKit is not usable: build with the legacy builder.
    pub fn use_legacy_builder(&mut self) {
        self.buildkit = Some(false);
    }

    fn query(&self, args: &[&str]) -> std::io::Result<Output> {
        let mut cmd = self.command();
        cmd.args(args);
        run_with_timeout(cmd, QUERY_TIMEOUT)
    }

    fn query_ok(&self, args: &[&str]) -> Result<String, DockerError> {
        let out = self.query(args).map_err(|reason| DockerError::Spawn {
            command: args.first().copied().unwrap_or_default().to_string(),
            reason,
        })?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(DockerError::Refused(first_line(&String::from_utf8_lossy(
                &out.stderr,
            ))))
        }
    }

    /// Untagged images the engine committed from `container` (an id, short or long): what
    /// a build step left when its client was killed while it ran.
    pub fn committed_from(&self, container: &str) -> Vec<String> {
        let Ok(all) = self.query_ok(&["image", "ls", "--all", "--quiet", "--no-trunc"]) else {
            return vec![];
        };
        let ids: Vec<&str> = all
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if ids.is_empty() || container.is_empty() {
            return vec![];
        }
        let mut args = vec![
            "image",
            "inspect",
            "--format",
            "{{.Id}} {{.Container}} {{len .RepoTags}}",
        ];
        args.extend(ids);
        let Ok(rows) = self.query_ok(&args) else {
            return vec![];
        };
        rows.lines()
            .filter_map(|row| {
                let mut f = row.split_whitespace();
                let (id, from, tags) = (f.next()?, f.next()?, f.next()?);
                (from.starts_with(container) && tags == "0")
                    .then(|| id.trim_start_matches("sha256:").to_string())
            })
            .collect()
    }

    pub fn image_exists(&self, image: &str) -> bool {
        self.query(&["image", "inspect", "--format", "{{.Id}}", image])
            .is_ok_and(|o| o.status.success())
    }

    pub fn image_id(&self, image: &str) -> Option<String> {
        self.query_ok(&["image", "inspect", "--format", "{{.Id}}", image])
            .ok()
            .map(|t| t.trim().to_string())
    }

    /// Removes an image by id only when no tag names it (a step image of a build, or an
    /// image whose tag moved on), so nothing anyone named is lost.
    pub fn remove_untagged(&self, id: &str) -> Result<(), DockerError> {
        let tags = self.query_ok(&["image", "inspect", "--format", "{{json .RepoTags}}", id])?;
        if !matches!(tags.trim(), "[]" | "null") {
            return Err(DockerError::Tagged {
                id: id.to_string(),
                tags: tags.trim().to_string(),
            });
        }
        self.remove_image(id)
    }

    /// The image's size in bytes, as `docker images` counts it.
    pub fn image_size(&self, image: &str) -> Result<u64, DockerError> {
        let text = self.query_ok(&["image", "inspect", "--format", "{{json .Size}}", image])?;
        text.trim()
            .parse()
            .map_err(|_| DockerError::unexpected("image inspect", &text))
    }

    /// Newest layer first, as `docker history` lists them.
    pub fn history(&self, image: &str) -> Result<Vec<HistoryRow>, DockerError> {
        let text = self.query_ok(&[
            "history",
            "--human=false",
            "--no-trunc",
            "--format",
            "{{json .}}",
            image,
        ])?;
        Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect())
    }

    /// Starts a labelled container publishing `port` on a random loopback port. The
    /// container may exist even when this fails (created but not started): the caller
    /// removes it by name either way.
    pub fn run_detached(&self, name: &str, image: &str, port: u16) -> Result<String, DockerError> {
        let publish = format!("127.0.0.1::{port}");
        self.query_ok(&[
            "run",
            "--detach",
            "--name",
            name,
            "--label",
            LABEL,
            "--publish",
            &publish,
            image,
        ])
        .map(|id| id.trim().to_string())
    }

    /// The loopback port Docker published for the container's `port`.
    pub fn published_port(&self, container: &str, port: u16) -> Result<u16, DockerError> {
        let text = self.query_ok(&["port", container, &format!("{port}/tcp")])?;
        text.lines()
            .find_map(|l| l.trim().rsplit(':').next()?.parse().ok())
            .ok_or_else(|| DockerError::unexpected("port", &text))
    }

    pub fn state(&self, container: &str) -> Result<ContainerState, DockerError> {
        let text = self.query_ok(&["inspect", "--format", "{{json .State}}", container])?;
        serde_json::from_str(text.trim()).map_err(|_| DockerError::unexpected("inspect", &text))
    }

    /// The container's output (stdout and stderr together), its last `lines` lines.
    pub fn logs(&self, container: &str, lines: usize) -> String {
        match self.query(&["logs", "--tail", &lines.to_string(), container]) {
            Ok(out) => {
                let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
                text.push_str(&String::from_utf8_lossy(&out.stderr));
                // Without colour codes (Flask's banner is coloured), as a terminal shows it.
                text.lines()
                    .map(crate::text::without_escapes)
                    .filter(|l| !l.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Err(_) => String::new(),
        }
    }

    /// The user id the container's processes run as: `id -u` inside, or `docker top`
    /// when the image has no `id`.
    pub fn container_uid(&self, container: &str) -> Option<u32> {
        if let Ok(text) = self.query_ok(&["exec", container, "id", "-u"])
            && let Ok(uid) = text.trim().parse()
        {
            return Some(uid);
        }
        let text = self.query_ok(&["top", container, "-o", "uid"]).ok()?;
        text.lines().nth(1)?.trim().parse().ok()
    }

    /// Removes a container (running or not). Only called on containers this program made.
    pub fn remove_container(&self, name: &str) -> Result<(), DockerError> {
        self.query_ok(&["rm", "--force", "--volumes", name])
            .map(drop)
    }

    /// Removes an image tag or id, and with it the layers nothing else uses.
    pub fn remove_image(&self, image: &str) -> Result<(), DockerError> {
        self.query_ok(&["image", "rm", image]).map(drop)
    }

    /// Containers carrying [`LABEL`] whose names start with `prefix`.
    pub fn labelled_containers(&self, prefix: &str) -> Vec<String> {
        self.query_ok(&[
            "ps",
            "--all",
            "--filter",
            &format!("label={LABEL}"),
            "--format",
            "{{.Names}}",
        ])
        .map(|t| {
            t.lines()
                .filter(|n| n.starts_with(prefix))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
    }
}

/// `DOCKER_BUILDKIT` as the user set it, if they did.
fn buildkit_from_env() -> Option<bool> {
    match std::env::var("DOCKER_BUILDKIT").ok()?.trim() {
        "0" | "false" => Some(false),
        "1" | "true" => Some(true),
        _ => None,
    }
}

pub fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

/// Runs `cmd` to completion with output captured, killing it after `timeout`.
pub fn run_with_timeout(mut cmd: Command, timeout: Duration) -> std::io::Result<Output> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer in {} s", timeout.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    })
}
