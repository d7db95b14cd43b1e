//! `compare`: build the baseline and the learner's Dockerfile for real, measure both, run
//! them, and explain what failed. The real build is the final judge of the grader.
//!
//! [`compare`] is synchronous and reports progress through a callback, so a TUI can run it
//! on a background thread and cancel it with a flag: cancelling kills the build and removes
//! the containers (and the pieces of an unfinished build) it started.
//!
//! With `rebuild`, each image is built a second time from a copy of the context with a
//! one-line change to the app ([`rebuild`]), to show what the layer cache gives back. The
//! finished report sorts what was seen into the rules' consequences and sets each failing
//! rule's prediction beside it ([`observe`]).

pub mod build;
pub mod docker;
pub mod explain;
pub mod http;
pub mod observe;
pub mod probe;
pub mod rebuild;
pub mod report;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

pub use build::Cancelled;
pub use docker::{Docker, LABEL, NoEngine};
pub use observe::{Expected, Finding, Prediction};
pub use report::{
    Endpoints, ImageReport, Layer, RebuildReport, RebuildStep, Report, Role, RunOutcome, RunReport,
};

use crate::facts::{self, Facts};
use crate::report::sizes;
use crate::rules::Params;
use crate::syntax;
use explain::{Explanation, Failure};

/// How long the clean-up after a cancelled build keeps trying to remove what the engine
/// still holds.
const KILLED_BUILD_CLEAN_UP: Duration = Duration::from_secs(8);

/// How many log lines a report and a progress event carry.
const LOG_TAIL: usize = 12;

/// A Dockerfile to build: its name as shown and its text.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub yours: Dockerfile,
    pub baseline: Dockerfile,
    /// The build context of both.
    pub context: PathBuf,
    /// The repository of the two tags (`stagecraft-lab:baseline`, `stagecraft-lab:yours`).
    pub image_name: String,
    /// Run the images after building them.
    pub run: bool,
    /// Keep the images afterwards (they are the layer cache of the next build).
    pub keep: bool,
    /// Keep the baseline's image only: the baseline does not change between comparisons,
    /// and its layers let the next one build it from the cache in seconds (the tutorial's
    /// F10 keeps it; `--keep` keeps both).
    pub keep_baseline: bool,
    pub build_timeout: Duration,
    pub run_timeout: Duration,
    /// After each build, build again with a one-line change to the app file and report
    /// which steps came from the cache.
    pub rebuild: bool,
    /// What `check` predicts of yours: its failing rules (see [`Options::predict`]).
    pub expected: Vec<Expected>,
}

impl Options {
    pub fn new(yours: Dockerfile, baseline: Dockerfile, context: PathBuf) -> Options {
        Options {
            yours,
            baseline,
            context,
            image_name: "stagecraft-lab".to_string(),
            run: true,
            keep: false,
            keep_baseline: false,
            build_timeout: Duration::from_secs(1800),
            run_timeout: Duration::from_secs(60),
            rebuild: false,
            expected: Vec::new(),
        }
    }

    /// Sets what `check` predicts of yours: the rules of the pack's lessons that fail on
    /// it, each with its consequence.
    pub fn predict(&mut self, pack: &crate::pack::Pack) {
        let analysis = crate::grade::Analysis::of(&self.yours.text, pack);
        self.expected = observe::expected(&analysis.todos);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Building,
    Measuring,
    Running,
    CleaningUp,
}

/// One moment of a comparison, for a progress view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub role: Role,
    pub phase: Phase,
    /// Step N of M of the build.
    pub step: Option<(usize, usize)>,
    /// The instruction being built, or what the run is waiting for.
    pub activity: Option<String>,
    /// Since the comparison started.
    pub elapsed: Duration,
    pub log_tail: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    NoEngine(String),
    Cancelled,
}

impl From<Cancelled> for Error {
    fn from(_: Cancelled) -> Self {
        Error::Cancelled
    }
}

/// Builds, measures and (unless `options.run` is off) runs the baseline and yours.
pub fn compare(
    options: &Options,
    params: &Params,
    on_progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<Report, Error> {
    let mut docker = Docker::detect().map_err(|NoEngine(why)| Error::NoEngine(why))?;
    let containers = probe::Containers::new(docker.clone());
    let started = Instant::now();
    let mut session = Session {
        docker: &mut docker,
        containers: &containers,
        options,
        params,
        started,
        on_progress,
        cancel,
        built_tags: Vec::new(),
    };
    let mut images = Vec::new();
    let mut outcome = Ok(());
    for (role, file) in [
        (Role::Baseline, &options.baseline),
        (Role::Yours, &options.yours),
    ] {
        match session.image(role, file) {
            Ok(image) => images.push(image),
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    session.report(Role::Yours, Phase::CleaningUp, None, None, &[]);
    containers.remove_all();
    if !options.keep {
        let baseline_tag = format!("{}:{}", options.image_name, Role::Baseline.as_str());
        for tag in &session.built_tags {
            if !(options.keep_baseline && *tag == baseline_tag) {
                let _ = session.docker.remove_image(tag);
            }
        }
    }
    outcome?;
    Ok(Report::new(images, &options.expected))
}

struct Session<'a> {
    docker: &'a mut Docker,
    containers: &'a probe::Containers,
    options: &'a Options,
    params: &'a Params,
    started: Instant,
    on_progress: &'a mut dyn FnMut(&Progress),
    cancel: &'a AtomicBool,
    built_tags: Vec<String>,
}

impl Session<'_> {
    fn report(
        &mut self,
        role: Role,
        phase: Phase,
        step: Option<(usize, usize)>,
        activity: Option<String>,
        tail: &[String],
    ) {
        let progress = Progress {
            role,
            phase,
            step,
            activity,
            elapsed: self.started.elapsed(),
            log_tail: last(tail, LOG_TAIL),
        };
        (self.on_progress)(&progress);
    }

    fn image(&mut self, role: Role, file: &Dockerfile) -> Result<ImageReport, Error> {
        let tag = format!("{}:{}", self.options.image_name, role.as_str());
        let facts = facts::derive(&syntax::parse(&file.text));
        let estimate = sizes::compare(&facts, self.params).this_file;
        let mut image = ImageReport {
            role,
            file: file.name.clone(),
            tag: tag.clone(),
            built: false,
            build_seconds: 0.0,
            size_bytes: None,
            estimate_bytes: (estimate > 0).then_some(u64::from(estimate) * 1_000_000),
            layers: vec![],
            run: None,
            notes: vec![],
            rebuild: None,
        };
        let missing_images: Vec<String> = base_images(&facts)
            .into_iter()
            .filter(|i| !self.docker.image_exists(i))
            .collect();
        let docker_view = self.docker.clone();
        let (text, note) =
            build::without_missing_frontend(&file.text, |i| docker_view.image_exists(i));
        image.notes.extend(note);
        let previous = self.docker.image_id(&tag);

        self.report(role, Phase::Building, None, None, &[]);
        let built = {
            let started = self.started;
            let on_progress = &mut *self.on_progress;
            let mut on_line = |step: &build::Step, tail: &[String]| {
                on_progress(&Progress {
                    role,
                    phase: Phase::Building,
                    step: step.number,
                    activity: step.instruction.clone(),
                    elapsed: started.elapsed(),
                    log_tail: last(tail, LOG_TAIL),
                });
            };
            build::build(
                self.docker,
                &tag,
                &text,
                &self.options.context,
                self.options.build_timeout,
                &mut on_line,
                self.cancel,
            )
        };
        if built.cancelled {
            self.clean_up_killed_build(&built);
            return Err(Error::Cancelled);
        }
        image.build_seconds = (built.seconds * 10.0).round() / 10.0;
        image.notes.extend(built.notes.iter().cloned());
        if !built.ok {
            self.remove_step_images(&built);
            let log = built.log.join("\n");
            let why = explain::explain(
                Failure::Build {
                    log: &log,
                    step: built.step.as_deref(),
                    missing_images: &missing_images,
                    timed_out: built.timed_out,
                },
                &facts,
                self.params,
            );
            image.run = Some(failed_run(
                built.error.clone().or(Some("the build failed".into())),
                why,
                last(&built.log, LOG_TAIL),
            ));
            return Ok(image);
        }
        image.built = true;
        self.built_tags.push(tag.clone());
        if self.options.rebuild {
            // Before the build stages' step images go: they are the cache it reads.
            let rebuilt = self.rebuild(role, &tag, &text);
            if let Err(e) = rebuilt {
                self.remove_step_images(&built);
                return Err(e);
            }
            image.rebuild = rebuilt.ok();
        }
        self.remove_step_images(&built);

        self.report(role, Phase::Measuring, None, None, &[]);
        image.size_bytes = self.docker.image_size(&tag).ok();
        image.layers = self.layers(&tag, &file.text, &facts);
        if let Some(previous) = previous
            && self.docker.image_id(&tag).as_deref() != Some(previous.as_str())
        {
            // The tag moved to the new build: the old image is no one's any more.
            let _ = self.docker.remove_untagged(&previous);
        }
        if self.options.run {
            image.run = Some(self.run(role, &tag, &facts)?);
        }
        Ok(image)
    }

    /// Builds `text` again from a copy of the context with one line added to the app file,
    /// then removes what that build made.
    fn rebuild(&mut self, role: Role, tag: &str, text: &str) -> Result<RebuildReport, Error> {
        let app_file = self
            .params
            .app_files
            .first()
            .cloned()
            .unwrap_or_else(|| "app.py".to_string());
        let rebuild_tag = format!("{tag}-rebuild");
        let what = format!("rebuild after a change to {app_file}");
        self.report(role, Phase::Building, None, Some(what.clone()), &[]);
        let started = self.started;
        let on_progress = &mut *self.on_progress;
        let mut on_line = |step: &build::Step, tail: &[String]| {
            on_progress(&Progress {
                role,
                phase: Phase::Building,
                step: step.number,
                activity: Some(match &step.instruction {
                    Some(i) => format!("{what}: {i}"),
                    None => what.clone(),
                }),
                elapsed: started.elapsed(),
                log_tail: last(tail, LOG_TAIL),
            });
        };
        let spec = rebuild::Spec {
            tag: &rebuild_tag,
            dockerfile: text,
            context: &self.options.context,
            app_file: &app_file,
            timeout: self.options.build_timeout,
        };
        let (report, built) = rebuild::rebuild(self.docker, &spec, &mut on_line, self.cancel);
        if let Some(built) = &built {
            if built.ok {
                let _ = self.docker.remove_image(&rebuild_tag);
            }
            if built.cancelled {
                self.clean_up_killed_build(built);
                return Err(Error::Cancelled);
            }
            self.remove_step_images(built);
        }
        Ok(report)
    }

    /// Removes the step images of a build (legacy builder) that nothing names and nothing
    /// builds on: the steps of a build that failed or was cancelled, and the build stages of
    /// a multi-stage build, which the final image does not contain. The final image's own
    /// chain stays (its steps have children); a later build redoes what was removed.
    fn remove_step_images(&self, built: &build::Built) {
        // Only the steps this build made: a step it took from the cache is another build's,
        // which may be using it right now (a build between "Using cache" and its next step
        // fails with "unknown parent image ID" when its parent goes).
        for (id, _) in built.step_images.iter().rev().filter(|(_, cached)| !cached) {
            let _ = self.docker.remove_untagged(id);
        }
    }

    /// A build killed mid-step leaves that step's container running in the engine, which
    /// commits it as an image when it ends (seconds later, after a long `pip install`), and
    /// holds the steps below it meanwhile. The container goes first; then the steps this
    /// build made (not those it took from the cache: other builds share them) and whatever
    /// the engine committed from that container, newest first, trying again for a few
    /// seconds while the engine still holds them. An image someone built on stays.
    fn clean_up_killed_build(&self, built: &build::Built) {
        let Some(container) = &built.running_container else {
            // Killed between steps (or BuildKit, which keeps no step images): nothing holds them.
            self.remove_step_images(built);
            return;
        };
        let mut left: Vec<String> = built
            .step_images
            .iter()
            .filter(|(_, cached)| !cached)
            .map(|(id, _)| id.clone())
            .collect();
        let _ = self.docker.remove_container(container);
        let deadline = Instant::now() + KILLED_BUILD_CLEAN_UP;
        loop {
            for id in self.docker.committed_from(container) {
                if !left.contains(&id) {
                    left.push(id);
                }
            }
            for id in left.clone().iter().rev() {
                let gone = match self.docker.remove_untagged(id) {
                    Ok(()) => true,
                    Err(e) => e.has_dependents() || !self.docker.image_exists(id),
                };
                if gone {
                    left.retain(|l| l != id);
                }
            }
            if left.is_empty() || Instant::now() >= deadline {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    fn layers(&self, tag: &str, text: &str, facts: &Facts) -> Vec<Layer> {
        let Ok(rows) = self.docker.history(tag) else {
            return vec![];
        };
        let base = final_base(facts);
        let base_rows = base
            .as_deref()
            .filter(|b| *b != "scratch")
            .and_then(|b| self.docker.history(b).ok())
            .map_or(0, |h| h.len());
        let own = if base_rows > 0 && base_rows <= rows.len() {
            rows.len() - base_rows
        } else {
            rows.len()
        };
        let size = |r: &docker::HistoryRow| r.size.trim().parse::<u64>().unwrap_or(0);
        let written = written_instructions(&rows[..own], text, facts);
        let mut layers: Vec<Layer> = rows[..own]
            .iter()
            .zip(written)
            .filter(|(r, _)| size(r) > 0)
            .map(|(r, written)| Layer {
                instruction: written.unwrap_or_else(|| instruction_of(&r.created_by)),
                size_bytes: size(r),
            })
            .collect();
        if own < rows.len() {
            layers.push(Layer {
                instruction: format!("FROM {}", base.unwrap_or_default()),
                size_bytes: rows[own..].iter().map(size).sum(),
            });
        }
        layers.sort_by_key(|l| std::cmp::Reverse(l.size_bytes));
        layers
    }

    fn run(&mut self, role: Role, tag: &str, facts: &Facts) -> Result<RunReport, Error> {
        let name = format!(
            "{}-{}-{}",
            self.options.image_name.replace(['/', ':'], "-"),
            role.as_str(),
            std::process::id()
        );
        self.report(
            role,
            Phase::Running,
            None,
            Some(format!("docker run {tag}")),
            &[],
        );
        let docker = self.docker.clone();
        let started = self.started;
        let on_progress = &mut *self.on_progress;
        let mut on_wait = |what: &str| {
            on_progress(&Progress {
                role,
                phase: Phase::Running,
                step: None,
                activity: Some(what.to_string()),
                elapsed: started.elapsed(),
                log_tail: vec![],
            });
        };
        let spec = probe::Spec {
            name: &name,
            image: tag,
            port: self.params.port,
            timeout: self.options.run_timeout,
        };
        let ran = probe::run(&docker, self.containers, &spec, &mut on_wait, self.cancel)?;
        self.containers.remove_all();
        if self.cancel.load(std::sync::atomic::Ordering::SeqCst) {
            // A Ctrl-C also stops the docker commands the probe ran: what they said is moot.
            return Err(Error::Cancelled);
        }
        let log_lines: Vec<String> = ran.logs.lines().map(str::to_string).collect();
        let failure = if let Some(error) = &ran.start_error {
            Some((
                error.clone(),
                Failure::Start {
                    error,
                    logs: &ran.logs,
                },
            ))
        } else if ran.no_answer {
            Some((
                format!(
                    "nothing answered on port {} within {} s",
                    self.params.port,
                    self.options.run_timeout.as_secs()
                ),
                Failure::NoAnswer {
                    logs: &ran.logs,
                    seconds: self.options.run_timeout.as_secs(),
                },
            ))
        } else if let Some(path) = report::ENDPOINTS
            .iter()
            .find(|p| ran.endpoints.get(p) != Some(200))
        {
            let status = ran.endpoints.get(path);
            Some((
                match status {
                    Some(code) => format!("GET {path} answered {code}"),
                    None => format!("GET {path} got no answer"),
                },
                Failure::Endpoint {
                    path,
                    status,
                    logs: &ran.logs,
                },
            ))
        } else if ran.uid == Some(0) {
            Some(("it runs as root (uid 0)".to_string(), Failure::Root))
        } else {
            None
        };
        let outcome = if ran.start_error.is_some() {
            RunOutcome::Exited
        } else if ran.no_answer {
            RunOutcome::NoAnswer
        } else {
            RunOutcome::Answered
        };
        let mut run = RunReport {
            ok: failure.is_none() && ran.uid.is_some(),
            outcome,
            uid: ran.uid,
            endpoints: ran.endpoints.clone(),
            error: None,
            todo: None,
            explanation: None,
            log_tail: last(&log_lines, LOG_TAIL),
        };
        if let Some((error, failure)) = failure {
            let why = explain::explain(failure, facts, self.params);
            run.error = Some(error);
            run.todo = why.todo;
            run.explanation = Some(why.text);
        } else if ran.uid.is_none() {
            run.error = Some("could not tell which user it runs as".to_string());
        } else if ran
            .plot_type
            .as_deref()
            .is_some_and(|t| !t.starts_with("image/png"))
        {
            run.explanation = Some(format!(
                "/plot answered with {} instead of a PNG image",
                ran.plot_type.clone().unwrap_or_default()
            ));
        }
        Ok(run)
    }
}

fn failed_run(error: Option<String>, why: Explanation, log_tail: Vec<String>) -> RunReport {
    RunReport {
        ok: false,
        outcome: RunOutcome::NotBuilt,
        uid: None,
        endpoints: Endpoints::default(),
        error,
        todo: why.todo,
        explanation: Some(why.text),
        log_tail,
    }
}

fn last(lines: &[String], n: usize) -> Vec<String> {
    lines[lines.len().saturating_sub(n)..].to_vec()
}

/// Images the stages start from (not stages, not `scratch`).
fn base_images(facts: &Facts) -> Vec<String> {
    let images: Vec<String> = facts
        .stages
        .iter()
        .filter(|s| s.parent.is_none() && s.base.text != "scratch")
        .map(|s| s.base.text.clone())
        .fold(Vec::new(), |mut seen, i| {
            if !seen.contains(&i) {
                seen.push(i);
            }
            seen
        });
    images
}

/// The image the final stage starts from, through `FROM <stage>` chains.
fn final_base(facts: &Facts) -> Option<String> {
    facts.final_stage().map(|s| s.base.text.clone())
}

/// For each history row of the file's own layers (newest first), the instruction as the
/// file writes it, when the rows and the final stage's instructions line up keyword by
/// keyword; `None` where they do not (then the history's own text is shown).
fn written_instructions(
    rows: &[docker::HistoryRow],
    text: &str,
    facts: &Facts,
) -> Vec<Option<String>> {
    let fallback = vec![None; rows.len()];
    let Some(fin) = facts.final_stage() else {
        return fallback;
    };
    let mut instructions = stage_instructions(text, facts, fin.index);
    let oldest_first: Vec<&docker::HistoryRow> = rows.iter().rev().collect();
    // The legacy builder records `--label org.stagecraft=1` as a last LABEL step.
    if oldest_first.len() == instructions.len() + 1
        && oldest_first
            .last()
            .is_some_and(|r| r.created_by.contains("LABEL org.stagecraft=1"))
    {
        instructions.push(("LABEL".into(), "LABEL org.stagecraft=1".into()));
    }
    if oldest_first.len() != instructions.len()
        || oldest_first
            .iter()
            .zip(&instructions)
            .any(|(r, (keyword, _))| row_keyword(&r.created_by) != *keyword)
    {
        return fallback;
    }
    instructions
        .into_iter()
        .rev()
        .map(|(_, t)| Some(t))
        .collect()
}

/// The instructions (keyword, one-line text) of a stage and the stages it starts from,
/// oldest first, FROM lines left out.
fn stage_instructions(text: &str, facts: &Facts, index: usize) -> Vec<(String, String)> {
    let parsed = syntax::parse(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut per_stage: Vec<Vec<(String, String)>> = Vec::new();
    for ins in &parsed.instructions {
        if ins.keyword == "FROM" {
            per_stage.push(Vec::new());
            continue;
        }
        let Some(current) = per_stage.last_mut() else {
            continue;
        };
        let first = ins.span.line.saturating_sub(1);
        let last = ins.span.end_line.max(ins.span.line).min(lines.len());
        let body: Vec<&str> = lines
            .get(first..last)
            .unwrap_or_default()
            .iter()
            .map(|l| l.trim().trim_end_matches('\\').trim())
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        current.push((ins.keyword.clone(), body.join(" ")));
    }
    let lineage: Vec<usize> = facts.lineage(index).map(|s| s.index).collect();
    lineage
        .iter()
        .rev()
        .flat_map(|&i| per_stage.get(i).cloned().unwrap_or_default())
        .collect()
}

/// The Dockerfile keyword a history row was made by.
fn row_keyword(created_by: &str) -> String {
    let text = created_by.trim();
    if text.starts_with('|') || (text.starts_with("/bin/sh -c ") && !text.contains("#(nop)")) {
        return "RUN".into();
    }
    let text = text
        .strip_prefix("/bin/sh -c #(nop)")
        .unwrap_or(text)
        .trim_start();
    text.split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

/// A history row's instruction as written in a Dockerfile, on one line.
pub fn instruction_of(created_by: &str) -> String {
    let mut text = created_by.trim();
    // Build arguments in legacy rows: "|2 A=1 B=2 /bin/sh -c ..."
    if text.starts_with('|')
        && let Some(i) = text.find("/bin/sh -c ")
    {
        text = &text[i..];
    }
    let text = text.trim_end_matches(" # buildkit");
    let text = if let Some(rest) = text.strip_prefix("/bin/sh -c #(nop) ") {
        rest.trim().to_string()
    } else if let Some(rest) = text.strip_prefix("/bin/sh -c ") {
        format!("RUN {}", rest.trim())
    } else if text.is_empty() {
        "(imported file system)".to_string()
    } else {
        text.to_string()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_rows_read_as_instructions() {
        assert_eq!(
            instruction_of("/bin/sh -c #(nop)  CMD [\"gunicorn\" \"app:app\"]"),
            "CMD [\"gunicorn\" \"app:app\"]"
        );
        assert_eq!(
            instruction_of("/bin/sh -c apt-get update \t&& apt-get install -y gcc"),
            "RUN apt-get update && apt-get install -y gcc"
        );
        assert_eq!(
            instruction_of("|1 V=3 /bin/sh -c pip install x"),
            "RUN pip install x"
        );
        assert_eq!(
            instruction_of("RUN /bin/sh -c pip install -r requirements.txt # buildkit"),
            "RUN /bin/sh -c pip install -r requirements.txt"
        );
        assert_eq!(
            instruction_of("COPY /opt/venv /opt/venv # buildkit"),
            "COPY /opt/venv /opt/venv"
        );
        assert_eq!(instruction_of(""), "(imported file system)");
    }

    fn row(created_by: &str, size: u64) -> docker::HistoryRow {
        serde_json::from_value(serde_json::json!({
            "ID": "x", "CreatedBy": created_by, "Size": size.to_string()
        }))
        .unwrap()
    }

    #[test]
    fn history_rows_line_up_with_the_file() {
        let text = "FROM python:3.11-slim AS builder\nRUN pip install \\\n    flask\nFROM python:3.11-slim\nCOPY --from=builder /usr/local /usr/local\nCMD [\"gunicorn\"]\n";
        let facts = facts::derive(&syntax::parse(text));
        // Newest first, as docker history lists them; the legacy builder's LABEL last.
        let rows = [
            row("/bin/sh -c #(nop)  LABEL org.stagecraft=1", 0),
            row("/bin/sh -c #(nop)  CMD [\"gunicorn\"]", 0),
            row("/bin/sh -c #(nop) COPY dir:0123abcd in /usr/local", 100),
        ];
        assert_eq!(
            written_instructions(&rows, text, &facts),
            vec![
                Some("LABEL org.stagecraft=1".to_string()),
                Some("CMD [\"gunicorn\"]".to_string()),
                Some("COPY --from=builder /usr/local /usr/local".to_string()),
            ]
        );
        // BuildKit rows, no LABEL row.
        let rows = [
            row("CMD [\"gunicorn\"]", 0),
            row("COPY /usr/local /usr/local # buildkit", 100),
        ];
        assert_eq!(
            written_instructions(&rows, text, &facts)[1].as_deref(),
            Some("COPY --from=builder /usr/local /usr/local")
        );
        // Rows that do not line up keep the history's text.
        let rows = [row("/bin/sh -c pip install flask", 5)];
        assert_eq!(written_instructions(&rows, text, &facts), vec![None]);
        let lineage = stage_instructions(
            "FROM python:3.11 AS b\nRUN a\nFROM b\nRUN b \\\n  c\n",
            &facts::derive(&syntax::parse(
                "FROM python:3.11 AS b\nRUN a\nFROM b\nRUN b \\\n  c\n",
            )),
            1,
        );
        assert_eq!(
            lineage,
            vec![
                ("RUN".to_string(), "RUN a".to_string()),
                ("RUN".to_string(), "RUN b c".to_string())
            ]
        );
    }

    #[test]
    fn base_images_and_final_base() {
        let f = facts::derive(&syntax::parse(
            "FROM python:3.11 AS b\nFROM b AS c\nFROM python:3.11-slim\nFROM c\n",
        ));
        assert_eq!(base_images(&f), vec!["python:3.11", "python:3.11-slim"]);
        assert_eq!(final_base(&f).as_deref(), Some("python:3.11"));
    }
}
