//! `docker build` of one Dockerfile, followed line by line: step N of M, the instruction
//! running, the last log lines. Works with BuildKit and with the legacy builder, and falls
//! back to the legacy builder where BuildKit cannot run (no buildx plugin).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::docker::{Docker, LABEL};

/// How many log lines are kept for explanations and the progress view.
const TAIL: usize = 400;

/// The line Docker prints when BuildKit is asked for and the buildx plugin is missing.
const NO_BUILDX: &str = "buildx component is missing or broken";

/// The build was cancelled (the child was killed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// What one build did.
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub ok: bool,
    pub seconds: f64,
    /// The last lines of its output, noise (container ids) left out.
    pub log: Vec<String>,
    /// The instruction it was running last (where it stopped, when it failed).
    pub step: Option<String>,
    /// Docker's error line when it failed.
    pub error: Option<String>,
    pub timed_out: bool,
    /// Stopped by the cancel flag (the build was killed).
    pub cancelled: bool,
    /// Steps that came from the layer cache, and steps in all.
    pub cached_steps: usize,
    pub total_steps: usize,
    /// Image ids of finished steps (legacy builder), for removing what a failed build left.
    pub step_images: Vec<(String, bool)>,
    /// The container of the step running when the output stopped (legacy builder): a build
    /// killed mid-step leaves it running in the engine, which commits it when it ends.
    pub running_container: Option<String>,
    /// Every step the builder announced, in order, and whether it came from the cache.
    pub steps: Vec<StepRun>,
    pub notes: Vec<String>,
}

/// One step of a build as the builder reported it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepRun {
    /// The instruction, as the builder printed it (`RUN pip install -r requirements.txt`).
    pub instruction: String,
    /// Taken from the layer cache ("Using cache", "CACHED").
    pub cached: bool,
    /// BuildKit's vertex (`#8`), which its later lines name; None for the legacy builder.
    pub vertex: Option<String>,
}

impl StepRun {
    /// A `FROM` step: it names an image, it runs nothing.
    pub fn is_from(&self) -> bool {
        self.instruction
            .split_whitespace()
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case("FROM"))
    }
}

/// One moment of a build, for progress views.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    pub number: Option<(usize, usize)>,
    pub instruction: Option<String>,
}

/// Builds `dockerfile` (its text, sent on standard input) in `context` as `tag`. When
/// `cancel` is raised the build is killed and the result says `cancelled`, with the step
/// images made so far, for the caller to remove.
pub fn build(
    docker: &mut Docker,
    tag: &str,
    dockerfile: &str,
    context: &Path,
    timeout: Duration,
    on_line: &mut dyn FnMut(&Step, &[String]),
    cancel: &AtomicBool,
) -> Built {
    let first = build_once(docker, tag, dockerfile, context, timeout, on_line, cancel);
    let buildkit_unusable = !first.ok
        && !first.cancelled
        && docker.buildkit() != Some(false)
        && first.log.iter().any(|l| l.contains(NO_BUILDX));
    if !buildkit_unusable {
        return first;
    }
    docker.use_legacy_builder();
    let mut again = build_once(docker, tag, dockerfile, context, timeout, on_line, cancel);
    again.notes.push(
        "BuildKit cannot run here (the buildx plugin is missing): built with the legacy builder (DOCKER_BUILDKIT=0)"
            .to_string(),
    );
    again
}

enum Line {
    Out(String),
    Err(String),
}

fn build_once(
    docker: &Docker,
    tag: &str,
    dockerfile: &str,
    context: &Path,
    timeout: Duration,
    on_line: &mut dyn FnMut(&Step, &[String]),
    cancel: &AtomicBool,
) -> Built {
    let started = Instant::now();
    let mut cmd = docker.command();
    cmd.args([
        "build",
        "--file",
        "-",
        "--tag",
        tag,
        "--label",
        LABEL,
        "--rm",
        "--force-rm",
    ])
    .arg(context)
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Built {
                error: Some(format!("cannot run docker build: {e}")),
                ..Built::default()
            };
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A Dockerfile is small; the pipe takes it whole before docker reads the context.
        let _ = stdin.write_all(dockerfile.as_bytes());
    }
    let (tx, rx) = mpsc::channel();
    let readers = [
        child
            .stdout
            .take()
            .map(|s| spawn_reader(s, tx.clone(), false)),
        child
            .stderr
            .take()
            .map(|s| spawn_reader(s, tx.clone(), true)),
    ];
    drop(tx);

    let mut built = Built::default();
    let mut step = Step::default();
    let mut errors: Vec<String> = Vec::new();
    let mut tail: Vec<String> = Vec::new();
    let mut last_id_cached = false;
    loop {
        if cancel.load(Ordering::SeqCst) {
            let _ = child.kill();
            built.cancelled = true;
            break;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            built.timed_out = true;
            built.error = Some(format!(
                "the build did not finish within {} s",
                timeout.as_secs()
            ));
            break;
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => {
                let (text, is_err) = match line {
                    Line::Out(t) => (t, false),
                    Line::Err(t) => (t, true),
                };
                // The engine colours a step's stderr (`ESC[91m`): read and keep lines as a
                // terminal would show them.
                let text = crate::text::without_escapes(&text);
                let changed = read_line(&text, &mut step, &mut built, &mut last_id_cached);
                if is_noise(&text) || text.trim().is_empty() {
                    continue;
                }
                if is_err && !text.trim().is_empty() {
                    errors.push(text.clone());
                }
                tail.push(text);
                if tail.len() > TAIL {
                    tail.drain(..tail.len() - TAIL);
                }
                if changed || tail.len().is_multiple_of(4) {
                    on_line(&step, &tail);
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    for reader in readers.into_iter().flatten() {
        let _ = reader.join();
    }
    let status = child.wait().ok();
    built.seconds = started.elapsed().as_secs_f64();
    // A Ctrl-C reaches docker too: it may stop before the flag is seen above.
    built.cancelled |= cancel.load(Ordering::SeqCst);
    built.ok = !built.timed_out && !built.cancelled && status.is_some_and(|s| s.success());
    if !built.ok && built.error.is_none() {
        built.error = errors
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| is_error_line(l))
            .or_else(|| errors.last().map(|l| l.trim()))
            .map(str::to_string);
    }
    built.step = step.instruction;
    built.log = tail;
    built
}

fn spawn_reader(
    stream: impl Read + Send + 'static,
    tx: mpsc::Sender<Line>,
    is_err: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let reader = BufReader::new(stream);
        for line in reader.split(b'\n').map_while(Result::ok) {
            let text = String::from_utf8_lossy(&line)
                .trim_end_matches('\r')
                .to_string();
            let msg = if is_err {
                Line::Err(text)
            } else {
                Line::Out(text)
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    })
}

/// Updates the step from one output line; true when the step changed.
fn read_line(text: &str, step: &mut Step, built: &mut Built, last_cached: &mut bool) -> bool {
    // Legacy builder: "Step 3/12 : RUN apt-get update"
    if let Some(rest) = text.strip_prefix("Step ")
        && let Some((numbers, instruction)) = rest.split_once(" : ")
        && let Some((n, m)) = numbers.split_once('/')
        && let (Ok(n), Ok(m)) = (n.trim().parse(), m.trim().parse())
    {
        step.number = Some((n, m));
        step.instruction = Some(instruction.trim().to_string());
        built.total_steps = m;
        built.steps.push(StepRun {
            instruction: instruction.trim().to_string(),
            cached: false,
            vertex: None,
        });
        *last_cached = false;
        return true;
    }
    let trimmed = text.trim();
    if trimmed == "---> Using cache" {
        built.cached_steps += 1;
        if let Some(last) = built.steps.last_mut() {
            last.cached = true;
        }
        *last_cached = true;
        return false;
    }
    if let Some(id) = trimmed.strip_prefix("---> Running in ") {
        built.running_container = Some(id.trim().to_string());
        return false;
    }
    if let Some(id) = trimmed.strip_prefix("---> ")
        && id.len() == 12
        && id.bytes().all(|b| b.is_ascii_hexdigit())
    {
        built.running_container = None;
        let is_from = step
            .instruction
            .as_deref()
            .is_some_and(|i| i.to_uppercase().starts_with("FROM"));
        if !is_from {
            built.step_images.push((id.to_string(), *last_cached));
        }
        return false;
    }
    // BuildKit (plain progress): "#8 [builder 3/6] RUN pip install ..." and "#8 CACHED"
    if let Some(rest) = trimmed.strip_prefix('#')
        && let Some((vertex, rest)) = rest.split_once(' ')
    {
        if rest == "CACHED" {
            built.cached_steps += 1;
            if let Some(s) = built
                .steps
                .iter_mut()
                .rev()
                .find(|s| s.vertex.as_deref() == Some(vertex))
            {
                s.cached = true;
            }
            return false;
        }
        if let Some(rest) = rest.strip_prefix('[')
            && let Some((label, instruction)) = rest.split_once("] ")
            && let Some(numbers) = label.split_whitespace().last()
            && let Some((n, m)) = numbers.split_once('/')
            && let (Ok(n), Ok(m)) = (n.parse::<usize>(), m.parse::<usize>())
        {
            let new = Some(instruction.trim().to_string());
            if !built
                .steps
                .iter()
                .any(|s| s.vertex.as_deref() == Some(vertex))
            {
                built.steps.push(StepRun {
                    instruction: instruction.trim().to_string(),
                    cached: false,
                    vertex: Some(vertex.to_string()),
                });
            }
            if step.instruction != new {
                step.number = Some((n, m));
                step.instruction = new;
                built.total_steps += 1;
                return true;
            }
        }
    }
    false
}

/// Lines that say nothing to a learner: container bookkeeping of the legacy builder and its
/// deprecation notice.
fn is_noise(text: &str) -> bool {
    let t = text.trim();
    let step_image = t
        .strip_prefix("---> ")
        .is_some_and(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit()));
    step_image
        || t.starts_with("---> Running in ")
        || t.starts_with("Removing intermediate container")
        || t.starts_with("DEPRECATED: The legacy builder")
        || t.starts_with("Install the buildx component")
        || t.starts_with("https://docs.docker.com/go/buildx")
        || t.starts_with("Sending build context to Docker daemon")
        // pip's download bars: `━━━━━━ 12.3/12.3 MB 4.1 MB/s`.
        || t.starts_with('━')
}

fn is_error_line(l: &str) -> bool {
    l.contains("returned a non-zero code")
        || l.starts_with("ERROR")
        || l.starts_with("COPY failed")
        || l.contains("failed to")
        || l.contains("unable to")
        || l.starts_with("error")
        || l.contains("Error response from daemon")
}

/// The Dockerfile as it will be sent: a `# syntax=` directive is dropped (keeping the line
/// count) when its frontend image is not on this machine, since it cannot be pulled offline.
/// Returns the text and the note to show.
pub fn without_missing_frontend(
    text: &str,
    frontend_present: impl Fn(&str) -> bool,
) -> (String, Option<String>) {
    let mut lines: Vec<&str> = text.split('\n').collect();
    for i in 0..lines.len() {
        let line = lines[i].trim();
        if !line.starts_with('#') {
            break; // directives only come before the first instruction or blank line
        }
        let body = line.trim_start_matches('#').trim();
        let Some((key, value)) = body.split_once('=') else {
            break;
        };
        if !key.trim().eq_ignore_ascii_case("syntax") {
            continue;
        }
        let image = value.trim().to_string();
        if frontend_present(&image) {
            return (text.to_string(), None);
        }
        lines[i] = "";
        return (
            lines.join("\n"),
            Some(format!(
                "built without its `# syntax={image}` line: that frontend image is not on this machine and cannot be pulled offline, so the builder's own Dockerfile parser was used"
            )),
        );
    }
    (text.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(lines: &[&str]) -> (Step, Built) {
        let mut step = Step::default();
        let mut built = Built::default();
        let mut cached = false;
        for l in lines {
            read_line(l, &mut step, &mut built, &mut cached);
        }
        (step, built)
    }

    #[test]
    fn the_step_running_when_the_output_stops_is_known() {
        let (_, built) = feed(&[
            "Step 2/4 : RUN pip install -r requirements.txt",
            " ---> Running in 1111aaaa2222",
            "Collecting flask",
        ]);
        assert_eq!(built.running_container.as_deref(), Some("1111aaaa2222"));
        let (_, built) = feed(&[
            "Step 2/4 : RUN pip install -r requirements.txt",
            " ---> Running in 1111aaaa2222",
            " ---> fedcba987654",
            "Step 3/4 : COPY app.py .",
        ]);
        assert_eq!(built.running_container, None, "that step was committed");
    }

    #[test]
    fn colour_codes_and_download_bars_are_not_kept() {
        assert!(is_noise(
            "━━━━━━━━━━━━━━━━━━━━━━━━ 12.3/12.3 MB 4.1 MB/s eta 0:00:00"
        ));
        assert!(is_noise(&crate::text::without_escapes(
            "\u{1b}[0mRemoving intermediate container 8f3"
        )));
    }

    #[test]
    fn legacy_steps_cache_and_step_images() {
        let (step, built) = feed(&[
            "Step 1/4 : FROM python:3.11-slim",
            " ---> 0123456789ab",
            "Step 2/4 : COPY requirements.txt .",
            " ---> Using cache",
            " ---> 89abcdef0123",
            "Step 3/4 : RUN pip install -r requirements.txt",
            " ---> Running in 1111aaaa2222",
            " ---> fedcba987654",
            "Step 4/4 : COPY --from=builder /opt/venv /opt/venv",
        ]);
        assert_eq!(step.number, Some((4, 4)));
        assert_eq!(
            step.instruction.as_deref(),
            Some("COPY --from=builder /opt/venv /opt/venv")
        );
        assert_eq!(built.cached_steps, 1);
        assert_eq!(built.total_steps, 4);
        let steps: Vec<(&str, bool)> = built
            .steps
            .iter()
            .map(|s| (s.instruction.as_str(), s.cached))
            .collect();
        assert_eq!(
            steps,
            vec![
                ("FROM python:3.11-slim", false),
                ("COPY requirements.txt .", true),
                ("RUN pip install -r requirements.txt", false),
                ("COPY --from=builder /opt/venv /opt/venv", false),
            ]
        );
        assert!(built.steps[0].is_from() && !built.steps[1].is_from());
        // The FROM's id is the base image: never one to remove.
        assert_eq!(
            built.step_images,
            vec![
                ("89abcdef0123".to_string(), true),
                ("fedcba987654".to_string(), false)
            ]
        );
    }

    #[test]
    fn buildkit_steps() {
        let (step, built) = feed(&[
            "#1 [internal] load build definition from Dockerfile",
            "#5 [builder 2/6] RUN apt-get update",
            "#5 CACHED",
            "#9 [runtime 3/5] COPY --from=builder /opt/venv /opt/venv",
            "#9 DONE 0.3s",
            "#6 [builder 3/6] COPY . .",
            "#6 CACHED",
        ]);
        let steps: Vec<(&str, bool)> = built
            .steps
            .iter()
            .map(|s| (s.instruction.as_str(), s.cached))
            .collect();
        assert_eq!(
            steps,
            vec![
                ("RUN apt-get update", true),
                ("COPY --from=builder /opt/venv /opt/venv", false),
                ("COPY . .", true),
            ]
        );
        assert_eq!(step.number, Some((3, 6)));
        assert_eq!(step.instruction.as_deref(), Some("COPY . ."));
        assert_eq!(built.cached_steps, 2);
    }

    #[test]
    fn syntax_line_dropped_only_when_the_frontend_is_missing() {
        let text = "# syntax=docker/dockerfile:1\n# comment\nFROM python:3.11-slim\n";
        let (out, note) = without_missing_frontend(text, |_| false);
        assert_eq!(out, "\n# comment\nFROM python:3.11-slim\n");
        assert!(note.unwrap().contains("docker/dockerfile:1"));
        let (out, note) = without_missing_frontend(text, |i| i == "docker/dockerfile:1");
        assert_eq!(out, text);
        assert!(note.is_none());
        // Not a directive after the first instruction.
        let late = "FROM python:3.11-slim\n# syntax=docker/dockerfile:1\n";
        assert_eq!(without_missing_frontend(late, |_| false).0, late);
    }
}
