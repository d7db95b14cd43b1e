//! The `stagecraft` binary: no command opens the tutorial; `check`, `analyze` and
//! `lessons validate` are the command-line views.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use stagecraft::class::report::ClassFormat;
use stagecraft::cli::check::CheckFormat;
use stagecraft::cli::{self, EXIT_OK, EXIT_USAGE, Format, Output};

#[derive(Parser)]
#[command(
    name = "stagecraft",
    version,
    about = "An interactive tutorial for Docker multi-stage builds"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Load the lesson pack from this folder (holding pack.yaml) instead of the built-in one.
    #[arg(long, global = true, value_name = "DIR")]
    pack: Option<PathBuf>,
    /// Work on this Dockerfile (created from the starter if missing) instead of the copy
    /// kept in the data folder.
    #[arg(long, value_name = "PATH", conflicts_with = "student")]
    file: Option<PathBuf>,
    /// Work in this student's own folder of a shared data folder
    /// (`STAGECRAFT_DATA_DIR/students/NAME/`), for a class.
    #[arg(long, value_name = "NAME", env = "STAGECRAFT_STUDENT")]
    student: Option<String>,
    /// Draw with ASCII only, for terminals without box-drawing glyphs.
    #[arg(long)]
    ascii: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Grade a Dockerfile against the pack's TODOs (exit 0: all pass, 1: some fail, 2: error).
    Check {
        /// The Dockerfile; `-` reads standard input.
        #[arg(default_value = "Dockerfile")]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Grade only this TODO (exit 0 when it passes): one autograding test per TODO.
        #[arg(long, value_name = "N")]
        todo: Option<u32>,
    },
    /// Print the stage flow, best-practice checks, estimated sizes and build commands.
    Analyze {
        #[arg(default_value = "Dockerfile")]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Build the baseline and your Dockerfile with Docker, measure and run both (exit 0:
    /// yours builds and serves as non-root, 1: it does not, 2: usage, 3: no Docker engine).
    Compare(cli::compare::Args),
    /// Explain a rule: what it checks, why it matters, an example that fails and the fix,
    /// its TODO and what failing it does (`--list`: every rule by TODO).
    Explain {
        /// The rule's id (SC101); `--list` lists them.
        #[arg(required_unless_present = "list", value_name = "RULE")]
        rule: Option<String>,
        #[arg(long, conflicts_with = "rule")]
        list: bool,
    },
    /// A language server on standard input and output: your editor shows each failing TODO
    /// as you type (see the README for Neovim, VS Code, Helix and Emacs).
    Lsp {
        /// The track to grade against (today: python, the built-in pack).
        #[arg(long, value_name = "NAME")]
        track: Option<String>,
        /// Accepted and ignored: clients that add it (vscode-languageclient) speak stdio,
        /// the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Work on lesson packs.
    Lessons {
        #[command(subcommand)]
        command: LessonsCommand,
    },
    /// For instructors: watch a class in a shared folder, grade its submissions.
    Class {
        #[command(subcommand)]
        command: ClassCommand,
    },
}

#[derive(Subcommand)]
enum ClassCommand {
    /// A live view of the students working in DIR (the shared STAGECRAFT_DATA_DIR, or its
    /// students/ folder): who passes what, who is stuck.
    Watch {
        dir: PathBuf,
        /// Flag a student with no new ✓ for this many minutes.
        #[arg(long, value_name = "MIN", default_value_t = 10)]
        stuck_after: u64,
        /// Read the folder every this many seconds.
        #[arg(long, value_name = "SECS", default_value_t = 3)]
        poll: u64,
        /// Draw with ASCII only.
        #[arg(long)]
        ascii: bool,
    },
    /// Grade every submission: DIR/<name>/Dockerfile, DIR/<name>.Dockerfile, or the files named.
    Grade {
        #[arg(required = true, value_name = "DIR|FILES")]
        inputs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = ClassFormat::Text)]
        format: ClassFormat,
        /// Write the report to this file (atomically) instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Threads to grade on (default: one per core).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
    },
}

#[derive(Subcommand)]
enum LessonsCommand {
    /// Check a pack: schema, rule ids, files, starter fails every TODO, solutions pass all.
    Validate {
        /// The pack folder (holding pack.yaml); the built-in pack when omitted.
        dir: Option<PathBuf>,
    },
}

/// Runs the command and says what it has to print; nothing here writes.
fn run(cli: Cli) -> Output {
    let pack_dir = cli.pack.as_deref();
    match cli.command {
        Some(Command::Lessons {
            command: LessonsCommand::Validate { dir },
        }) => cli::validate::run(dir.as_deref().or(pack_dir)),
        Some(Command::Check { file, format, todo }) => {
            // The input first: a file that cannot be read is reported before a pack problem.
            let input = match cli::read_input(&file) {
                Ok(i) => i,
                Err(e) => return Output::error(e),
            };
            match cli::load_pack(pack_dir) {
                Ok(pack) => {
                    if let Some(n) = todo.filter(|n| !pack.lessons.iter().any(|l| l.todo == *n)) {
                        let known: Vec<String> =
                            pack.lessons.iter().map(|l| l.todo.to_string()).collect();
                        return Output::error(format!(
                            "--todo {n}: the pack has TODOs {}",
                            known.join(", ")
                        ));
                    }
                    let (out, code) = cli::check::report(&input, &pack, format, todo);
                    Output::out(out, code)
                }
                Err(e) => Output::error(e),
            }
        }
        Some(Command::Class { command }) => {
            let pack = match cli::load_pack(pack_dir) {
                Ok(p) => p,
                Err(e) => return Output::error(e),
            };
            match command {
                ClassCommand::Watch {
                    dir,
                    stuck_after,
                    poll,
                    ascii,
                } => {
                    let stuck = std::time::Duration::from_secs(stuck_after.saturating_mul(60));
                    let poll = std::time::Duration::from_secs(poll.max(1));
                    match stagecraft::class::watch::run(&dir, pack, stuck, poll, ascii || cli.ascii)
                    {
                        Ok(()) => Output::default(),
                        Err(e) => Output::error(format!("{e:#}")),
                    }
                }
                ClassCommand::Grade {
                    inputs,
                    format,
                    output,
                    jobs,
                } => match cli::class::grade(&inputs, &pack, format, output.as_deref(), jobs) {
                    Ok(out) => Output::out(out, EXIT_OK),
                    Err(e) => Output::error(format!("{e:#}")),
                },
            }
        }
        Some(Command::Analyze { file, format }) => {
            let input = match cli::read_input(&file) {
                Ok(i) => i,
                Err(e) => return Output::error(e),
            };
            match cli::load_pack(pack_dir) {
                Ok(pack) => Output::out(cli::analyze::run(&input, &pack, format), EXIT_OK),
                Err(e) => Output::error(e),
            }
        }
        Some(Command::Explain { rule, list }) => match cli::load_pack(pack_dir) {
            Ok(pack) => match rule {
                Some(id) if !list => cli::explain::run(&id, &pack),
                _ => cli::explain::list(&pack),
            },
            Err(e) => Output::error(e),
        },
        // The server owns standard input and output until the client says exit.
        Some(Command::Lsp { track, stdio: _ }) => {
            match stagecraft::lsp::pack_for(track.as_deref(), pack_dir) {
                Ok(pack) => Output {
                    code: stagecraft::lsp::run_stdio(pack),
                    ..Output::default()
                },
                Err(e) => Output::error(e),
            }
        }
        // compare streams its progress and prints its own report: only the code is left.
        Some(Command::Compare(args)) => Output {
            code: cli::compare::main(args, pack_dir),
            ..Output::default()
        },
        None => match cli::load_pack(pack_dir) {
            Ok(pack) => match stagecraft::tui::run(pack, place(&cli), cli.ascii) {
                Ok(()) => Output::default(),
                // `{:#}`: the context and its cause, "FILE: not a regular file".
                Err(e) => Output::error(format!("{e:#}")),
            },
            Err(e) => Output::error(e),
        },
    }
}

/// Where the tutorial works: `--file`, `--student` (or STAGECRAFT_STUDENT), or the lab.
fn place(cli: &Cli) -> stagecraft::tui::Place<'_> {
    match (&cli.file, &cli.student) {
        (Some(f), _) => stagecraft::tui::Place::File(f),
        (None, Some(name)) => stagecraft::tui::Place::Student(name),
        (None, None) => stagecraft::tui::Place::Lab,
    }
}

/// clap's help, version and usage errors, as output like any command's (clap would print
/// them itself and ignore write errors).
fn clap_output(e: &clap::Error) -> Output {
    let to_stderr = e.use_stderr();
    let is_terminal = if to_stderr {
        io::stderr().is_terminal()
    } else {
        io::stdout().is_terminal()
    };
    let text = if is_terminal {
        e.render().ansi().to_string()
    } else {
        e.render().to_string()
    };
    let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE);
    if to_stderr {
        Output {
            stderr: text,
            code,
            ..Output::default()
        }
    } else {
        Output::out(text, code)
    }
}

fn write_flushed(stream: &mut impl Write, text: &str) -> io::Result<()> {
    stream.write_all(text.as_bytes())?;
    stream.flush()
}

/// The one place that writes a command's output. A closed pipe (`stagecraft check | head -1`)
/// ends the output quietly and keeps the command's exit code, as if it had all been read;
/// any other write error (a full disk) is one line on stderr and exit 2. Errors writing to
/// stderr itself have nowhere to go and are dropped; they never panic as `print!` would.
fn deliver(output: &Output) -> ExitCode {
    let code = match write_flushed(&mut io::stdout().lock(), &output.stdout) {
        Ok(()) => output.code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => output.code,
        Err(e) => {
            let _ = write_flushed(
                &mut io::stderr().lock(),
                &format!("stagecraft: cannot write the output: {e}\n"),
            );
            EXIT_USAGE
        }
    };
    let _ = write_flushed(&mut io::stderr().lock(), &output.stderr);
    ExitCode::from(code)
}

fn main() -> ExitCode {
    let output = match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => clap_output(&e),
    };
    deliver(&output)
}
