//! `stagecraft compare`: builds the baseline and your Dockerfile with Docker, measures and
//! runs both, and explains what failed. Progress goes to stderr, the report to stdout.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::{EXIT_FAILING, EXIT_OK, EXIT_USAGE, Format};
use crate::compare::{self, Dockerfile, Error, Options, Phase, Progress};

/// No Docker engine could be reached.
pub const EXIT_NO_ENGINE: u8 = 3;
/// Interrupted (Ctrl-C, hang-up, SIGTERM): what it started was removed.
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Your Dockerfile.
    #[arg(default_value = "Dockerfile")]
    file: PathBuf,
    /// The single-stage Dockerfile to compare against (default: the pack's baseline,
    /// starter/Dockerfile.single).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// The build context of both builds (default: FILE's folder).
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Build and measure only; do not run the images.
    #[arg(long)]
    no_run: bool,
    /// Keep the two images afterwards (they are also the layer cache of the next build).
    #[arg(long)]
    keep: bool,
    /// After each build, build again with a one-line change to app.py and report which
    /// steps came from the layer cache, which ran again, and the rebuild time.
    #[arg(long)]
    rebuild: bool,
    /// Give up on a build after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 1800)]
    build_timeout: u64,
    /// Wait this many seconds for a started container to answer.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    run_timeout: u64,
    /// The repository name of the two tags (NAME:baseline and NAME:yours).
    #[arg(long, value_name = "NAME", default_value = "stagecraft-lab")]
    image_name: String,
}

/// Runs the command; returns the exit code.
pub fn main(args: Args, pack_dir: Option<&Path>) -> u8 {
    match prepare(&args, pack_dir) {
        Ok((options, params)) => execute(&options, &params, args.format),
        Err(message) => {
            say(&format!("stagecraft compare: {message:#}"));
            EXIT_USAGE
        }
    }
}

fn prepare(
    args: &Args,
    pack_dir: Option<&Path>,
) -> anyhow::Result<(Options, crate::rules::Params)> {
    if !valid_image_name(&args.image_name) {
        anyhow::bail!(
            "--image-name {:?}: use lowercase letters, digits, '-', '_' and '.'",
            args.image_name
        );
    }
    // Every problem of the pack, one per line, as `lessons validate` lists them.
    let pack =
        super::load_pack(pack_dir).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end()))?;
    let yours = super::read_input(&args.file)?;
    let baseline = match &args.baseline {
        Some(path) => {
            let input = super::read_input(path)?;
            Dockerfile {
                name: input.name,
                text: input.text,
            }
        }
        None => {
            let b = pack.baseline.as_ref().ok_or_else(|| {
                anyhow::anyhow!(
                    "the lesson pack names no baseline Dockerfile: pass one with --baseline FILE"
                )
            })?;
            Dockerfile {
                name: b.path.clone(),
                text: b.text.clone(),
            }
        }
    };
    let context = match &args.context {
        Some(dir) => dir.clone(),
        None => match args.file.parent() {
            Some(p) if !p.as_os_str().is_empty() && args.file != Path::new("-") => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
    };
    if !context.is_dir() {
        anyhow::bail!(
            "{}: the build context is not a folder (set it with --context DIR)",
            context.display()
        );
    }
    let mut options = Options::new(
        Dockerfile {
            name: yours.name,
            text: yours.text,
        },
        baseline,
        context,
    );
    options.image_name = args.image_name.clone();
    options.run = !args.no_run;
    options.keep = args.keep;
    options.rebuild = args.rebuild;
    options.predict(&pack);
    options.build_timeout = Duration::from_secs(args.build_timeout.max(1));
    options.run_timeout = Duration::from_secs(args.run_timeout.max(1));
    Ok((options, pack.params))
}

fn valid_image_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn execute(options: &Options, params: &crate::rules::Params, format: Format) -> u8 {
    let cancel = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        // Failing to register only loses the clean-up on that signal.
        let _ = signal_hook::flag::register(signal, Arc::clone(&cancel));
    }
    let mut printer = ProgressPrinter::new();
    let result = compare::compare(options, params, &mut |p| printer.show(p), &cancel);
    printer.finish();
    match result {
        Ok(report) => {
            let out = match format {
                Format::Json => report.to_json(),
                Format::Text => compare::report::render(&report),
            };
            let _ = std::io::stdout().write_all(out.as_bytes());
            if report.passed() {
                EXIT_OK
            } else {
                EXIT_FAILING
            }
        }
        Err(Error::NoEngine(why)) => {
            let stop = if why.ends_with(['.', '?', '!']) {
                ""
            } else {
                "."
            };
            say(&format!(
                "stagecraft compare: {why}{stop}\n\
                 It needs a running Docker Engine: install Docker Engine (or Docker Desktop) and \
                 start it (for example `sudo systemctl start docker`), then try again.\n\
                 `stagecraft analyze` still estimates the sizes without one."
            ));
            EXIT_NO_ENGINE
        }
        Err(Error::Cancelled) => {
            say("stagecraft compare: interrupted; the containers it started were removed.");
            EXIT_INTERRUPTED
        }
    }
}

/// A line on stderr; a closed stderr (the reader went away) is not worth a panic.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// Progress on stderr: one line per step; on a terminal the line is rewritten in place.
struct ProgressPrinter {
    terminal: bool,
    last: Option<(compare::Role, Phase, Option<String>)>,
    dirty: bool,
}

impl ProgressPrinter {
    fn new() -> Self {
        ProgressPrinter {
            terminal: std::io::stderr().is_terminal(),
            last: None,
            dirty: false,
        }
    }

    fn show(&mut self, p: &Progress) {
        let key = (p.role, p.phase, p.activity.clone());
        if self.last.as_ref() == Some(&key) {
            return;
        }
        self.last = Some(key);
        let phase = match p.phase {
            Phase::Building => "building",
            Phase::Measuring => "measuring",
            Phase::Running => "running",
            Phase::CleaningUp => "cleaning up",
        };
        let step = p
            .step
            .map(|(n, m)| format!(" step {n}/{m}"))
            .unwrap_or_default();
        let activity = p
            .activity
            .as_deref()
            .map(|a| format!(": {}", a.split_whitespace().collect::<Vec<_>>().join(" ")))
            .unwrap_or_default();
        let line = format!(
            "[{:>4}s] {} {phase}{step}{activity}",
            p.elapsed.as_secs(),
            p.role.as_str()
        );
        let mut err = std::io::stderr();
        if self.terminal {
            let width = crossterm::terminal::size().map_or(100, |(w, _)| usize::from(w).max(20));
            let _ = write!(err, "\r\x1b[2K{}", compare::report::fit(&line, width - 1));
            self.dirty = true;
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }

    fn finish(&mut self) {
        if self.dirty {
            let _ = writeln!(std::io::stderr());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names() {
        assert!(valid_image_name("stagecraft-lab"));
        assert!(valid_image_name("stagecraft-test.1"));
        assert!(!valid_image_name("Stagecraft"));
        assert!(!valid_image_name("a:b"));
        assert!(!valid_image_name("-x"));
        assert!(!valid_image_name(""));
    }
}
