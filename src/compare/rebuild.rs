//! Layer caching made visible: build again from a copy of the context in which the app
//! file has one line more, and read which steps came from the cache. A file that copies
//! the whole context before `pip install` reinstalls every package here; one that copies
//! the requirements first reruns only the steps after its `COPY app.py`.
//!
//! The copy lives in a temporary folder removed afterwards (also on a panic); the image it
//! makes is tagged `<name>:<role>-rebuild`, labelled like every other, and removed by the
//! caller.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::build::{self, Built, Step};
use super::docker::Docker;
use super::report::{RebuildReport, RebuildStep};
use crate::fsio::FsError;

/// The line appended to the app file: a comment, so the app itself does not change.
pub const CHANGE: &str =
    "\n# stagecraft compare --rebuild: one line more, to see which steps the cache gives back\n";
/// A context bigger than this is not copied (the rebuild is skipped, and says why).
const MAX_CONTEXT_BYTES: u64 = 512 * 1024 * 1024;
const MAX_CONTEXT_ENTRIES: usize = 20_000;

/// A temporary folder, removed with everything in it when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "stagecraft-rebuild-{}-{}-{nanos}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir(&path)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Why the context could not be copied for the rebuild (which is then skipped, saying so).
#[derive(Debug, thiserror::Error)]
enum CopyError {
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("the build context has more than {MAX_CONTEXT_ENTRIES} files: not copied")]
    TooManyFiles,
    #[error("the build context is bigger than {} MB: not copied", MAX_CONTEXT_BYTES / 1024 / 1024)]
    TooBig,
}

/// Copies `from` into `to` (files, folders, and symbolic links as links). Counts what it
/// copied against the limits.
fn copy_tree(from: &Path, to: &Path, budget: &mut (u64, usize)) -> Result<(), CopyError> {
    let entries = std::fs::read_dir(from).map_err(FsError::at(from, "read"))?;
    for entry in entries {
        let entry = entry.map_err(FsError::at(from, "read"))?;
        let path = entry.path();
        budget.1 += 1;
        if budget.1 > MAX_CONTEXT_ENTRIES {
            return Err(CopyError::TooManyFiles);
        }
        let kind = entry.file_type().map_err(FsError::at(&path, "read"))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            std::fs::create_dir(&target).map_err(FsError::at(&target, "create"))?;
            copy_tree(&path, &target, budget)?;
        } else if kind.is_symlink() {
            #[cfg(unix)]
            {
                let link = std::fs::read_link(&path).map_err(FsError::at(&path, "read"))?;
                std::os::unix::fs::symlink(link, &target)
                    .map_err(FsError::at(&target, "create"))?;
            }
        } else if kind.is_file() {
            budget.0 += std::fs::copy(&path, &target).map_err(FsError::at(&path, "copy"))?;
            if budget.0 > MAX_CONTEXT_BYTES {
                return Err(CopyError::TooBig);
            }
        }
        // Sockets, pipes and devices are not part of any build context.
    }
    Ok(())
}

/// Whether a step installs packages: what a change to the app should never run again.
pub fn installs(instruction: &str) -> bool {
    let text = instruction.split_whitespace().collect::<Vec<_>>().join(" ");
    let upper = text.to_ascii_uppercase();
    if !upper.starts_with("RUN ") && !upper.starts_with("|") {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    [
        "pip install",
        "pip3 install",
        "pip wheel",
        "apt-get install",
        "apt install",
        "apk add",
        "uv sync",
        "uv pip install",
        "poetry install",
        "pipenv install",
        "pipenv sync",
        "conda install",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The report of a rebuild from its build output.
pub fn report_of(changed: &str, built: &Built) -> RebuildReport {
    let steps: Vec<RebuildStep> = built
        .steps
        .iter()
        .filter(|s| !s.is_from() && s.instruction.trim() != format!("LABEL {}", super::LABEL))
        .map(|s| RebuildStep {
            instruction: s.instruction.clone(),
            cached: s.cached,
        })
        .collect();
    let cached_steps = steps.iter().filter(|s| s.cached).count();
    let reinstalled = steps
        .iter()
        .filter(|s| !s.cached && installs(&s.instruction))
        .map(|s| s.instruction.clone())
        .collect();
    RebuildReport {
        changed: changed.to_string(),
        ok: built.ok,
        seconds: (built.seconds * 10.0).round() / 10.0,
        rerun_steps: steps.len() - cached_steps,
        cached_steps,
        steps,
        reinstalled,
        error: if built.ok { None } else { built.error.clone() },
    }
}

/// What a rebuild needs: the builder, the tag for its image, the Dockerfile text as it
/// was built, the context, the app file to change, and the limits.
pub struct Spec<'a> {
    pub tag: &'a str,
    pub dockerfile: &'a str,
    pub context: &'a Path,
    pub app_file: &'a str,
    pub timeout: Duration,
}

/// Builds again from a copy of the context with one line added to the app file. Returns
/// the report and the build (its step images are the caller's to remove); `None` for the
/// build when it could not be tried (no app file, a context too big to copy).
pub fn rebuild(
    docker: &mut Docker,
    spec: &Spec<'_>,
    on_line: &mut dyn FnMut(&Step, &[String]),
    cancel: &AtomicBool,
) -> (RebuildReport, Option<Built>) {
    let failed = |error: String| RebuildReport {
        changed: spec.app_file.to_string(),
        ok: false,
        seconds: 0.0,
        steps: vec![],
        cached_steps: 0,
        rerun_steps: 0,
        reinstalled: vec![],
        error: Some(error),
    };
    let dir = match TempDir::new() {
        Ok(d) => d,
        Err(e) => return (failed(format!("no temporary folder: {e}")), None),
    };
    if let Err(e) = copy_tree(spec.context, &dir.0, &mut (0, 0)) {
        return (failed(e.to_string()), None);
    }
    let app = dir.0.join(spec.app_file);
    if !app.is_file() {
        return (
            failed(format!("the build context has no {}", spec.app_file)),
            None,
        );
    }
    let appended = std::fs::OpenOptions::new()
        .append(true)
        .open(&app)
        .and_then(|mut f| std::io::Write::write_all(&mut f, CHANGE.as_bytes()));
    if let Err(e) = appended {
        return (failed(format!("{}: {e}", spec.app_file)), None);
    }
    let built = build::build(
        docker,
        spec.tag,
        spec.dockerfile,
        &dir.0,
        spec.timeout,
        on_line,
        cancel,
    );
    (report_of(spec.app_file, &built), Some(built))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_steps() {
        assert!(installs(
            "RUN pip install --no-cache-dir -r requirements.txt"
        ));
        assert!(installs(
            "RUN apt-get update && apt-get install -y --no-install-recommends gcc"
        ));
        assert!(installs("RUN /bin/sh -c pip install -r requirements.txt"));
        assert!(!installs("COPY . ."));
        assert!(!installs("RUN python -m venv /opt/venv"));
        assert!(!installs("ENV PIP_INSTALL=1 pip install"));
    }

    #[test]
    fn which_steps_ran_again() {
        let step = |instruction: &str, cached| build::StepRun {
            instruction: instruction.into(),
            cached,
            vertex: None,
        };
        let built = Built {
            ok: true,
            seconds: 48.24,
            steps: vec![
                step("FROM python:3.11-slim AS builder", false),
                step("WORKDIR /app", true),
                step("COPY . .", false),
                step("RUN pip install -r requirements.txt", false),
                step("FROM python:3.11-slim", false),
                step("COPY --from=builder /opt/venv /opt/venv", false),
                step("LABEL org.stagecraft=1", false),
            ],
            ..Built::default()
        };
        let r = report_of("app.py", &built);
        assert!(r.ok);
        assert_eq!(r.seconds, 48.2);
        assert_eq!((r.cached_steps, r.rerun_steps), (1, 3));
        assert_eq!(r.steps.len(), 4, "FROM and the label step left out");
        assert_eq!(r.reinstalled, vec!["RUN pip install -r requirements.txt"]);
    }

    #[test]
    fn the_copy_is_whole_and_goes_away() {
        let context = std::env::temp_dir().join(format!("stagecraft-ctx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&context);
        std::fs::create_dir_all(context.join("sub")).unwrap();
        std::fs::write(context.join("app.py"), "print(1)\n").unwrap();
        std::fs::write(context.join("sub/x.txt"), "x").unwrap();
        let dir = TempDir::new().unwrap();
        let kept = dir.0.clone();
        copy_tree(&context, &dir.0, &mut (0, 0)).unwrap();
        assert_eq!(
            std::fs::read_to_string(kept.join("sub/x.txt")).unwrap(),
            "x"
        );
        drop(dir);
        assert!(!kept.exists());
        let _ = std::fs::remove_dir_all(&context);
    }
}
