//! The command a container starts with (ENTRYPOINT and CMD as Docker combines them), read
//! once: which program runs, whether it is a server and of which kind, which app it serves,
//! and where it listens.

use super::At;
use super::base::{Base, Variant};
use super::state::State;
use crate::shell::{self, option_value};
use crate::syntax::{Command, ExecProblem, Form};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    /// gunicorn, waitress, uWSGI: serve a WSGI app such as Flask's.
    Wsgi,
    /// uvicorn, hypercorn, daphne: serve ASGI apps.
    Asgi,
    /// `flask run` or `python app.py`: Flask's development server.
    Development,
}

/// What the command names as the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppRef {
    /// `gunicorn app:app` → `app` (an `app.py` file or an `app/` package).
    Module(String),
    /// `python main.py` → `main.py`.
    File(String),
    /// `["./start.sh"]`: a script whose text the Dockerfile does not hold, so what it serves
    /// cannot be read; the script itself is what must be there.
    Script(String),
}

impl AppRef {
    /// The files or folders that hold it: `app` → `app.py`, `app/`.
    pub fn candidates(&self) -> Vec<String> {
        match self {
            AppRef::File(f) | AppRef::Script(f) => vec![f.clone()],
            AppRef::Module(m) => {
                let top = m.split('.').next().unwrap_or(m);
                vec![format!("{top}.py"), format!("{top}/")]
            }
        }
    }
}

/// Where a server listens, and what said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    pub address: String,
    pub source: BindSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindSource {
    Option,
    /// An environment variable such as `GUNICORN_CMD_ARGS` or `PORT`.
    Environment(String),
    /// The server's own default.
    Default,
}

impl Bind {
    /// Listens on every interface (`0.0.0.0`, `::`, or an empty host) at `port`.
    pub fn all_interfaces_on(&self, port: u16) -> bool {
        let Some((host, p)) = self.address.rsplit_once(':') else {
            return false;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        p == port.to_string() && matches!(host, "" | "0.0.0.0" | "::" | "*")
    }

    pub fn loopback(&self) -> bool {
        let host = self
            .address
            .rsplit_once(':')
            .map_or(self.address.as_str(), |(h, _)| h);
        host.starts_with("127.") || host == "localhost" || host == "[::1]" || host == "::1"
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerCommand {
    /// Line of the later of ENTRYPOINT and CMD.
    pub line: usize,
    /// Exec when every part Docker runs is an exec array.
    pub form: Form,
    pub problem: Option<ExecProblem>,
    /// Every word, init wrappers (`tini --`) left out.
    pub words: Vec<String>,
    /// The program that does the work: `gunicorn`, also for `python -m gunicorn`; `python`
    /// for `python app.py`.
    pub program: String,
    /// Its arguments (after `-m module` when Python runs a module).
    pub args: Vec<String>,
    /// `python -m X` or `python file.py`: Python itself starts, so nothing else needs to be
    /// on PATH. Holds the interpreter as written.
    pub interpreter: Option<String>,
    /// The program as written, when written with a directory (`/opt/venv/bin/gunicorn`).
    pub program_path: Option<String>,
    pub server: Option<ServerKind>,
    pub app: Option<AppRef>,
    /// Where it listens, when its options, environment or defaults say.
    pub binds: Vec<Bind>,
    /// An exec element holding two words (`"--bind 0.0.0.0:5000"`): one argument to the
    /// program, not an option and its value.
    pub glued: Option<String>,
    /// An entrypoint script that runs the command after it (`docker-entrypoint.sh`).
    pub wrapper: Option<String>,
}

impl ContainerCommand {
    /// The command as written, for messages: `python main.py`.
    pub fn shown(&self) -> String {
        self.words.join(" ")
    }
}

/// A script an ENTRYPOINT runs before handing over to CMD.
fn is_wrapper_script(word: &str) -> bool {
    let name = basename(word).to_ascii_lowercase();
    name.ends_with(".sh") || name.contains("entrypoint") || name.contains("docker-entry")
}

/// The ENTRYPOINT an image sets for the stages built on it: distroless Python images run
/// `python3`, so `CMD ["app.py"]` runs the app.
fn base_entrypoint(base: &Base) -> Option<Command> {
    (base.variant == Variant::Distroless).then(|| Command {
        form: Form::Exec,
        words: vec!["/usr/bin/python3".into()],
        script: None,
        problem: None,
    })
}

/// Combines ENTRYPOINT and CMD as Docker does: a shell-form ENTRYPOINT ignores CMD; an
/// exec ENTRYPOINT takes CMD's words as arguments; without an ENTRYPOINT of the file's own,
/// the base image's applies. An entrypoint script the file writes itself (`COPY <<EOF
/// /app/entrypoint.sh`) is read: what it runs last is the command.
pub fn read(state: &State, base: &Base) -> Option<ContainerCommand> {
    let inherited = base_entrypoint(base).map(|value| At { value, line: 0 });
    let cmd = state.cmd.as_ref();
    let entry = state
        .entrypoint
        .as_ref()
        .or(inherited.as_ref().filter(|_| cmd.is_some()));
    let parts: Vec<&Command> = match (entry, cmd) {
        (Some(e), _) if e.value.form == Form::Shell => vec![&e.value],
        (Some(e), Some(c)) => vec![&e.value, &c.value],
        (Some(e), None) => vec![&e.value],
        (None, Some(c)) => vec![&c.value],
        (None, None) => return None,
    };
    let line = entry
        .iter()
        .map(|e| e.line)
        .chain(cmd.iter().map(|c| c.line))
        .max()?;
    let form = if parts.iter().all(|p| p.form == Form::Exec) {
        Form::Exec
    } else {
        Form::Shell
    };
    let problem = parts.iter().find_map(|p| p.problem);
    let exec_parts = form == Form::Exec || problem.is_some();
    let mut words: Vec<String> = parts.iter().flat_map(|p| p.words.iter().cloned()).collect();
    let mut wrapper = None;
    if let Some((script, ran)) = written_script(&words, state) {
        wrapper = Some(script);
        words = ran;
    }
    // `ENTRYPOINT ["./docker-entrypoint.sh"]` with `CMD ["gunicorn", …]`: entrypoint scripts
    // set things up and end with `exec "$@"`, so the command's program is CMD's.
    else if let [entry, cmd] = parts.as_slice()
        && entry.form == Form::Exec
        && let [script] = entry.words.as_slice()
        && is_wrapper_script(script)
        && cmd.words.first().is_some_and(|w| !w.starts_with('-'))
    {
        wrapper = Some(script.clone());
        words = cmd.words.clone();
    }
    // An element holding two words is one argument; the text after `-c` is a script.
    let glued = if exec_parts {
        words
            .iter()
            .enumerate()
            .find(|(i, w)| {
                w.split_whitespace().count() > 1
                    && !(*i > 0 && words.get(i - 1).is_some_and(|p| p == "-c"))
            })
            .map(|(_, w)| w.clone())
    } else {
        None
    };
    // `["sh", "-c", "cd /app && exec gunicorn …"]`: the script's last command is the program.
    if let [sh, c, script, ..] = words.as_slice()
        && matches!(basename(sh), "sh" | "bash")
        && c == "-c"
    {
        words = shell::parse(script)
            .commands
            .last()
            .map(|c| c.words.clone())
            .unwrap_or_default();
    }
    if form == Form::Shell && problem.is_none() {
        // The shell expands variables when the container starts.
        words = words.iter().map(|w| state.expand(w)).collect();
    }
    strip_init(&mut words);

    let first = words.first().cloned().unwrap_or_default();
    let program_path = first.contains('/').then(|| first.clone());
    let mut program = basename(&first).to_string();
    let mut args: Vec<String> = words.get(1..).unwrap_or(&[]).to_vec();
    let mut interpreter = None;
    let mut by_module = false;
    if program.starts_with("python") {
        interpreter = Some(first.clone());
        let opts = args
            .iter()
            .take_while(|a| a.starts_with('-') && *a != "-m")
            .count();
        match args.get(opts).map(String::as_str) {
            Some("-m") => {
                if let Some(module) = args.get(opts + 1) {
                    by_module = true;
                    program = module.clone();
                    args = args.get(opts + 2..).unwrap_or(&[]).to_vec();
                }
            }
            Some(_) => {}
            None => {}
        }
    }
    let (mut server, mut app, binds) = server_facts(&program, &args, interpreter.is_some(), state);
    if app.is_none() && server.is_none() {
        if by_module {
            // `python -m orderdesk`: the module is the app, and Python runs it as `python
            // app.py` would.
            app = module_of(&program);
            server = app.as_ref().map(|_| ServerKind::Development);
        } else if is_wrapper_script(&first) {
            app = Some(AppRef::Script(first.clone()));
        }
    }
    Some(ContainerCommand {
        line,
        form,
        problem,
        words,
        program,
        args,
        interpreter,
        program_path,
        server,
        app,
        binds,
        glued,
        wrapper,
    })
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `["/app/entrypoint.sh", …]` or `["sh", "entrypoint.sh", …]` where the file holds the
/// script's text: the script, and the words of what it runs last (`exec gunicorn …`), with
/// `"$@"` standing for the words after the script.
fn written_script(words: &[String], state: &State) -> Option<(String, Vec<String>)> {
    let (script, after) = match words {
        [sh, script, rest @ ..]
            if matches!(basename(sh), "sh" | "bash" | "dash") && !script.starts_with('-') =>
        {
            (script, rest)
        }
        [script, rest @ ..] => (script, rest),
        [] => return None,
    };
    let path = super::absolute(state.workdir.as_deref(), script);
    let text = state.written(&path)?;
    let last = shell::parse(text).commands.pop()?;
    let mut ran = Vec::new();
    for w in last.words {
        if w == "$@" || w == "${@}" || w == "$*" {
            ran.extend(after.iter().cloned());
        } else {
            ran.push(state.expand(&w));
        }
    }
    Some((script.clone(), ran))
}

/// `tini --`, `dumb-init --`: init processes that forward signals and run the rest.
fn strip_init(words: &mut Vec<String>) {
    if words
        .first()
        .is_some_and(|w| matches!(basename(w), "tini" | "dumb-init" | "catatonit"))
    {
        let skip = 1 + words
            .iter()
            .skip(1)
            .take_while(|w| w.starts_with('-'))
            .count();
        words.drain(..skip.min(words.len()));
    }
}

/// Options that take a value, per server, so the app is found among the positionals.
fn valued(program: &str) -> &'static [&'static str] {
    match program {
        "gunicorn" => &[
            "-b",
            "--bind",
            "-w",
            "--workers",
            "-k",
            "--worker-class",
            "-t",
            "--timeout",
            "-c",
            "--config",
            "--chdir",
            "--log-level",
            "--access-logfile",
            "--error-logfile",
            "-e",
            "--env",
            "--threads",
            "--worker-connections",
            "--max-requests",
            "--graceful-timeout",
            "--keep-alive",
            "-p",
            "--pid",
            "-u",
            "--user",
            "-g",
            "--group",
            "-m",
            "--umask",
            "-n",
            "--name",
            "--forwarded-allow-ips",
            "--log-config",
            "--access-logformat",
            "--max-requests-jitter",
            "--worker-tmp-dir",
            "--pythonpath",
            "--log-file",
        ],
        "uvicorn" => &[
            "--host",
            "--port",
            "--uds",
            "--fd",
            "--workers",
            "--loop",
            "--http",
            "--ws",
            "--interface",
            "--log-level",
            "--app-dir",
            "--root-path",
            "--env-file",
            "--log-config",
            "--forwarded-allow-ips",
            "--timeout-keep-alive",
            "--factory",
        ],
        "hypercorn" => &[
            "-b",
            "--bind",
            "-w",
            "--workers",
            "-k",
            "--worker-class",
            "-c",
            "--config",
            "--log-level",
        ],
        "daphne" => &[
            "-b",
            "--bind",
            "-p",
            "--port",
            "-u",
            "--unix-socket",
            "-v",
            "--verbosity",
        ],
        "waitress-serve" | "waitress" => &[],
        _ => &[],
    }
}

fn first_positional(program: &str, args: &[String]) -> Option<String> {
    let valued = valued(program);
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
        } else if valued.contains(&a.as_str()) {
            skip = true;
        } else if !a.starts_with('-') {
            return Some(a.clone());
        }
    }
    None
}

/// `app:app` → module `app`; `app` → module `app`.
fn module_of(target: &str) -> Option<AppRef> {
    let module = target.split(':').next().unwrap_or(target).trim();
    let valid = !module.is_empty()
        && module
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    valid.then(|| AppRef::Module(module.to_string()))
}

fn server_facts(
    program: &str,
    args: &[String],
    by_python: bool,
    state: &State,
) -> (Option<ServerKind>, Option<AppRef>, Vec<Bind>) {
    let opt = |names: &[&str]| option_value(args, names).map(str::to_string);
    let env = |key: &str| state.env_value(key).map(str::to_string);
    let bind = |address: String, source: BindSource| Bind { address, source };
    match program {
        "gunicorn" => {
            let app = first_positional(program, args).and_then(|t| module_of(&t));
            let mut binds: Vec<Bind> = all_values(args, &["-b", "--bind"])
                .into_iter()
                .map(|a| bind(a, BindSource::Option))
                .collect();
            if binds.is_empty()
                && let Some(extra) = env("GUNICORN_CMD_ARGS")
            {
                let words = shell::words(&extra);
                binds.extend(
                    all_values(&words, &["-b", "--bind"])
                        .into_iter()
                        .map(|a| bind(a, BindSource::Environment("GUNICORN_CMD_ARGS".into()))),
                );
            }
            if binds.is_empty()
                && let Some(port) = env("PORT")
            {
                binds.push(bind(
                    format!("0.0.0.0:{port}"),
                    BindSource::Environment("PORT".into()),
                ));
            }
            if binds.is_empty() && opt(&["-c", "--config"]).is_none() {
                binds.push(bind("127.0.0.1:8000".into(), BindSource::Default));
            }
            (Some(ServerKind::Wsgi), app, binds)
        }
        "waitress-serve" | "waitress" => {
            let app = args
                .iter()
                .find(|a| !a.starts_with('-'))
                .or_else(|| {
                    args.iter()
                        .find_map(|a| a.strip_prefix("--call").map(|_| a))
                })
                .and_then(|t| module_of(t));
            let binds = match opt(&["--listen"]) {
                Some(l) => vec![bind(l, BindSource::Option)],
                None => {
                    let host = opt(&["--host"]);
                    let port = opt(&["--port"]);
                    let source = if host.is_some() || port.is_some() {
                        BindSource::Option
                    } else {
                        BindSource::Default
                    };
                    vec![bind(
                        format!(
                            "{}:{}",
                            host.unwrap_or_else(|| "0.0.0.0".into()),
                            port.unwrap_or_else(|| "8080".into())
                        ),
                        source,
                    )]
                }
            };
            (Some(ServerKind::Wsgi), app, binds)
        }
        "uwsgi" => {
            let app = opt(&["--module", "-w", "--wsgi"])
                .and_then(|m| module_of(&m))
                .or_else(|| opt(&["--wsgi-file", "--file"]).map(AppRef::File));
            let binds = opt(&["--http", "--http-socket"])
                .map(|a| vec![bind(a, BindSource::Option)])
                .unwrap_or_default();
            (Some(ServerKind::Wsgi), app, binds)
        }
        "uvicorn" | "hypercorn" | "daphne" => {
            let app = first_positional(program, args).and_then(|t| module_of(&t));
            let address = match program {
                "uvicorn" => format!(
                    "{}:{}",
                    opt(&["--host"]).unwrap_or_else(|| "127.0.0.1".into()),
                    opt(&["--port"]).unwrap_or_else(|| "8000".into())
                ),
                "daphne" => format!(
                    "{}:{}",
                    opt(&["-b", "--bind"]).unwrap_or_else(|| "127.0.0.1".into()),
                    opt(&["-p", "--port"]).unwrap_or_else(|| "8000".into())
                ),
                _ => opt(&["-b", "--bind"]).unwrap_or_else(|| "127.0.0.1:8000".into()),
            };
            let source = if args.iter().any(|a| {
                a.starts_with("--host")
                    || a.starts_with("--port")
                    || a.starts_with("-b")
                    || a.starts_with("--bind")
                    || a == "-p"
            }) {
                BindSource::Option
            } else {
                BindSource::Default
            };
            // `uvicorn --interface wsgi` serves WSGI apps too.
            let kind = if opt(&["--interface"]).as_deref() == Some("wsgi") {
                ServerKind::Wsgi
            } else {
                ServerKind::Asgi
            };
            (Some(kind), app, vec![bind(address, source)])
        }
        // `flask run`, `flask --app web run`.
        "flask" if args.iter().any(|a| a == "run") => {
            let app = opt(&["--app", "-A"])
                .or_else(|| env("FLASK_APP"))
                .and_then(|m| {
                    if m.ends_with(".py") {
                        Some(AppRef::File(m))
                    } else {
                        module_of(&m)
                    }
                });
            let host = opt(&["--host", "-h"])
                .map(|h| (h, BindSource::Option))
                .or_else(|| {
                    env("FLASK_RUN_HOST")
                        .map(|h| (h, BindSource::Environment("FLASK_RUN_HOST".into())))
                })
                .unwrap_or_else(|| ("127.0.0.1".into(), BindSource::Default));
            let port = opt(&["--port", "-p"])
                .or_else(|| env("FLASK_RUN_PORT"))
                .unwrap_or_else(|| "5000".into());
            (
                Some(ServerKind::Development),
                app,
                vec![bind(format!("{}:{port}", host.0), host.1)],
            )
        }
        p if p.starts_with("python") && by_python => {
            // `python app.py`: the app's own `app.run(...)` decides where it listens.
            let file = args.iter().find(|a| !a.starts_with('-')).cloned();
            let app = file.filter(|f| f.ends_with(".py")).map(AppRef::File);
            let kind = app.as_ref().map(|_| ServerKind::Development);
            (kind, app, vec![])
        }
        _ => (None, None, vec![]),
    }
}

/// Every value of a repeatable option (`-b a -b b`, `--bind=a`, `-ba`).
fn all_values(args: &[String], names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let w = &args[i];
        for n in names {
            if w == n {
                if let Some(v) = args.get(i + 1) {
                    out.push(v.clone());
                    i += 1;
                }
                break;
            }
            if let Some(v) = w.strip_prefix(n) {
                if let Some(v) = v.strip_prefix('=') {
                    out.push(v.to_string());
                    break;
                }
                if n.len() == 2 && !v.is_empty() {
                    out.push(v.to_string());
                    break;
                }
            }
        }
        i += 1;
    }
    out
}
