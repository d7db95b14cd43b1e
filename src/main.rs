//! The `stagecraft` binary: no command opens the tutorial; `check`, `analyze` and
//! `lessons validate` are the command-line views.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use stagecraft::class::report::ClassFormat;
use stagecraft::cli::check::CheckFormat;
use stagecraft::cli::{self, EXIT_USAGE, Format};

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

fn emit(out: String, code: u8) -> ExitCode {
    let mut stream: Box<dyn Write> = if code == EXIT_USAGE {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    let _ = stream.write_all(out.as_bytes());
    ExitCode::from(code)
}

fn fail(message: String) -> ExitCode {
    eprintln!("stagecraft: {message}");
    ExitCode::from(EXIT_USAGE)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Class {
            command:
                ClassCommand::Watch {
                    dir,
                    stuck_after,
                    poll,
                    ascii,
                },
        }) => {
            let pack = match cli::load_pack(cli.pack.as_ref()) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            let stuck = std::time::Duration::from_secs(stuck_after.saturating_mul(60));
            let poll = std::time::Duration::from_secs(poll.max(1));
            match stagecraft::class::watch::run(&dir, pack, stuck, poll, ascii || cli.ascii) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Some(Command::Class {
            command:
                ClassCommand::Grade {
                    inputs,
                    format,
                    output,
                    jobs,
                },
        }) => {
            let pack = match cli::load_pack(cli.pack.as_ref()) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            match cli::class::grade(&inputs, &pack, format, output.as_deref(), jobs) {
                Ok(out) => emit(out, cli::EXIT_OK),
                Err(e) => fail(e),
            }
        }
        Some(Command::Lessons {
            command: LessonsCommand::Validate { dir },
        }) => {
            let (out, code) = cli::validate::run(dir.as_ref().or(cli.pack.as_ref()));
            emit(out, code)
        }
        Some(Command::Check { file, format, todo }) => {
            let pack = match cli::load_pack(cli.pack.as_ref()) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            if let Some(n) = todo.filter(|n| !pack.lessons.iter().any(|l| l.todo == *n)) {
                let known: Vec<String> = pack.lessons.iter().map(|l| l.todo.to_string()).collect();
                return fail(format!(
                    "--todo {n}: the pack has TODOs {}",
                    known.join(", ")
                ));
            }
            match cli::read_input(&file) {
                Ok(input) => {
                    let (out, code) = cli::check::report(&input, &pack, format, todo);
                    print!("{out}");
                    ExitCode::from(code)
                }
                Err(e) => fail(e),
            }
        }
        Some(Command::Analyze { file, format }) => {
            let pack = match cli::load_pack(cli.pack.as_ref()) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            match cli::read_input(&file) {
                Ok(input) => {
                    print!("{}", cli::analyze::run(&input, &pack, format));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        None => {
            let pack = match cli::load_pack(cli.pack.as_ref()) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            let place = match (&cli.file, &cli.student) {
                (Some(f), _) => stagecraft::tui::Place::File(f),
                (None, Some(name)) => stagecraft::tui::Place::Student(name),
                (None, None) => stagecraft::tui::Place::Lab,
            };
            match stagecraft::tui::run(pack, place, cli.ascii) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
    }
}
