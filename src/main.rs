//! The `stagecraft` binary: no command opens the tutorial; `check`, `analyze` and
//! `lessons validate` are the command-line views.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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

/// Runs the command and says what it has to print; nothing here writes.
fn run(cli: Cli) -> Output {
    let pack_dir = cli.pack.as_deref();
    match cli.command {
        Some(Command::Lessons {
            command: LessonsCommand::Validate { dir },
        }) => cli::validate::run(dir.as_deref().or(pack_dir)),
        Some(Command::Check { file, format }) => {
            // The input first: a file that cannot be read is reported before a pack problem.
            let input = match cli::read_input(&file) {
                Ok(i) => i,
                Err(e) => return Output::error(e),
            };
            match cli::load_pack(pack_dir) {
                Ok(pack) => {
                    let (out, code) = cli::check::run(&input, &pack, format);
                    Output::out(out, code)
                }
                Err(e) => Output::error(e),
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
        None => match cli::load_pack(pack_dir) {
            Ok(pack) => match stagecraft::tui::run(pack, cli.file.as_deref(), cli.ascii) {
                Ok(()) => Output::default(),
                Err(e) => Output::error(e),
            },
            Err(e) => Output::error(e),
        },
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
