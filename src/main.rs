//! The `stagecraft` binary: no command opens the tutorial; `check`, `analyze` and
//! `lessons validate` are the command-line views.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
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
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
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
    /// Work on lesson packs.
    Lessons {
        #[command(subcommand)]
        command: LessonsCommand,
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
        Some(Command::Lessons {
            command: LessonsCommand::Validate { dir },
        }) => {
            let (out, code) = cli::validate::run(dir.as_ref().or(cli.pack.as_ref()));
            emit(out, code)
        }
        Some(Command::Check { file, format }) => {
            let pack = match cli::load_pack(cli.pack.as_ref()) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            match cli::read_input(&file) {
                Ok(input) => {
                    let (out, code) = cli::check::run(&input, &pack, format);
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
        Some(Command::Compare(args)) => ExitCode::from(cli::compare::main(args, cli.pack.as_ref())),
        None => {
            let pack = match cli::load_pack(cli.pack.as_ref()) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            match stagecraft::tui::run(pack, cli.file.as_deref(), cli.ascii) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
    }
}
