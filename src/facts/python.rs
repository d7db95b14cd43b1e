//! Python packaging in one RUN: virtualenvs created, and the installs of pip, `uv`, pipenv
//! and poetry, with where each put its packages.

use super::absolute;
use super::state::State;
use crate::shell::{Script, ShellCommand};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installer {
    Pip,
    /// `uv pip install` or `uv sync`.
    Uv,
    Pipenv,
    Poetry,
}

/// Where an install puts the packages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipTarget {
    Venv(String),
    User(String),
    Prefix(String),
    Target(String),
    System,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipInstall {
    pub line: usize,
    pub installer: Installer,
    /// `-r FILE` for pip; the project file (`pyproject.toml`, `Pipfile`) for the others.
    pub requirement_files: Vec<String>,
    /// Packages named on the command line (`pip install flask pandas`).
    pub packages: Vec<String>,
    /// No download cache is left in the image: `--no-cache-dir`, `PIP_NO_CACHE_DIR`, a
    /// BuildKit cache mount, or the cache removed in the same RUN.
    pub cache_off: bool,
    pub target: PipTarget,
    /// The virtualenv the stage created that this install passed by: the system pip filled
    /// the system Python instead.
    pub missed_venv: Option<String>,
    /// The project itself is installed too (`pip install .`, `uv sync`, `poetry install`),
    /// so its packages are importable from where the install went.
    pub project: Option<ProjectInstall>,
}

/// A project installed from its source folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectInstall {
    /// The folder holding `pyproject.toml` or `setup.py`.
    pub dir: String,
    /// Installed as a link to `dir` (`pip install -e`, uv's and poetry's default): the
    /// source must stay where it is.
    pub editable: bool,
}

impl PipInstall {
    /// The directory holding what was installed, as another stage would copy it; for a
    /// system install, the stage Python's site-packages.
    pub fn dir(&self, python: Option<(u32, u32)>) -> Option<String> {
        match &self.target {
            PipTarget::Venv(p)
            | PipTarget::User(p)
            | PipTarget::Prefix(p)
            | PipTarget::Target(p) => Some(p.clone()),
            PipTarget::System => python.map(|(major, minor)| {
                format!("/usr/local/lib/python{major}.{minor}/site-packages")
            }),
        }
    }

    pub fn reads(&self, requirements_file: &str) -> bool {
        self.requirement_files
            .iter()
            .any(|r| basename(r) == basename(requirements_file))
    }
}

fn basename(path: &str) -> &str {
    let p = path.trim_end_matches('/');
    p.rsplit('/').next().unwrap_or(p)
}

/// What one RUN does with Python packaging.
#[derive(Debug, Default)]
pub struct PythonWork {
    pub installs: Vec<PipInstall>,
    /// Virtualenvs created, absolute.
    pub venvs: Vec<String>,
    /// Settings that outlive the RUN (`poetry config virtualenvs.in-project true`), as the
    /// environment variables the tool also reads.
    pub settings: Vec<(String, String)>,
}

/// How a RUN instruction runs, beyond its script.
pub struct RunContext<'a> {
    pub line: usize,
    pub state: &'a State,
    /// `RUN --mount=type=cache,…`: caches live outside the image.
    pub cache_mount: bool,
}

pub fn read(script: &Script, ctx: &RunContext) -> PythonWork {
    let state = ctx.state;
    let mut work = PythonWork::default();
    let mut cwd = state.workdir.clone();
    // A virtualenv activated in this RUN (`. /opt/venv/bin/activate`).
    let mut sourced: Option<String> = None;
    let setting = |work: &PythonWork, key: &str| -> bool {
        match work.settings.iter().rev().find(|(k, _)| k == key) {
            Some((_, v)) => is_on(v),
            None => state.env_on(key),
        }
    };
    let cache_cleared = script.commands.iter().any(|c| {
        (c.program_name() == "rm" && c.args().iter().any(|a| a.contains(".cache")))
            || (c.program_name().starts_with("pip")
                && c.args().first().is_some_and(|a| a == "cache"))
    });

    let mut exported: Vec<(String, String)> = Vec::new();
    for cmd in &script.commands {
        let name = cmd.program_name();
        let here = |p: &str| absolute(cwd.as_deref(), p);
        // A command's own assignments (`PIPENV_VENV_IN_PROJECT=1 pipenv install`) win, then
        // what this RUN exported (gone with the RUN), then the stage's.
        let own = |work: &PythonWork, key: &str| {
            let exported = exported.iter().rev().find(|(k, _)| k == key);
            match cmd.assigned(key).or(exported.map(|(_, v)| v.as_str())) {
                Some(v) => is_on(v),
                None => setting(work, key),
            }
        };
        match name {
            "export" => {
                exported.extend(
                    cmd.args()
                        .iter()
                        .filter_map(|a| a.split_once('='))
                        .map(|(k, v)| (k.to_string(), v.to_string())),
                );
                continue;
            }
            "cd" => {
                if let Some(dir) = cmd.args().first() {
                    cwd = Some(here(dir));
                }
                continue;
            }
            "." | "source" => {
                if let Some(dir) = cmd
                    .args()
                    .first()
                    .and_then(|a| a.strip_suffix("/bin/activate"))
                {
                    sourced = Some(here(dir));
                }
                continue;
            }
            "virtualenv" => {
                if let Some(dir) = positionals(cmd.args(), &["-p", "--python", "--prompt"]).first()
                {
                    work.venvs.push(here(dir));
                }
                continue;
            }
            "uv" => {
                read_uv(
                    cmd,
                    ctx,
                    &mut work,
                    cwd.as_deref(),
                    sourced.as_deref(),
                    cache_cleared,
                );
                continue;
            }
            "pipenv"
                if cmd
                    .args()
                    .first()
                    .is_some_and(|a| a == "install" || a == "sync") =>
            {
                let target = if cmd.has_flag(&["--system"]) {
                    PipTarget::System
                } else if own(&work, "PIPENV_VENV_IN_PROJECT") {
                    PipTarget::Venv(here(".venv"))
                } else {
                    PipTarget::Venv(format!("{}/.local/share/virtualenvs", home(state)))
                };
                work.installs.push(PipInstall {
                    line: ctx.line,
                    installer: Installer::Pipenv,
                    requirement_files: vec![here("Pipfile")],
                    packages: positionals(cmd.args().get(1..).unwrap_or(&[]), &[]),
                    cache_off: ctx.cache_mount || cache_cleared || pip_cache_env_off(state),
                    target,
                    missed_venv: None,
                    project: None,
                });
                continue;
            }
            "poetry" => {
                let args = cmd.args();
                match args.first().map(String::as_str) {
                    Some("config") => {
                        let pos = positionals(args.get(1..).unwrap_or(&[]), &[]);
                        if let [key, value, ..] = pos.as_slice() {
                            let var = format!(
                                "POETRY_{}",
                                key.to_ascii_uppercase().replace(['.', '-'], "_")
                            );
                            work.settings.push((var, value.clone()));
                        }
                    }
                    Some("install" | "sync") => {
                        let target = if !own(&work, "POETRY_VIRTUALENVS_CREATE")
                            && (cmd.assigned("POETRY_VIRTUALENVS_CREATE").is_some()
                                || work_or_state_set(&work, state, "POETRY_VIRTUALENVS_CREATE"))
                        {
                            active_venv(state, &work, sourced.as_deref())
                                .map_or(PipTarget::System, PipTarget::Venv)
                        } else if own(&work, "POETRY_VIRTUALENVS_IN_PROJECT") {
                            PipTarget::Venv(here(".venv"))
                        } else {
                            PipTarget::Venv(format!("{}/.cache/pypoetry/virtualenvs", home(state)))
                        };
                        work.installs.push(PipInstall {
                            line: ctx.line,
                            installer: Installer::Poetry,
                            requirement_files: vec![here("pyproject.toml")],
                            packages: vec![],
                            cache_off: ctx.cache_mount
                                || cache_cleared
                                || cmd.has_flag(&["--no-cache"])
                                || state.env_on("POETRY_NO_CACHE"),
                            target,
                            missed_venv: None,
                            // Poetry installs the project itself, as a link to its source,
                            // unless told not to.
                            project: (!cmd.has_flag(&["--no-root", "--only"])
                                || cmd.has_flag(&["--only-root"]))
                            .then(|| ProjectInstall {
                                dir: cwd.clone().unwrap_or_else(|| "/".into()),
                                editable: true,
                            }),
                        });
                    }
                    _ => {}
                }
                continue;
            }
            _ => {}
        }
        if let Some(args) = python_module(cmd, "venv").or_else(|| python_module(cmd, "virtualenv"))
        {
            let dirs = positionals(args, &["--prompt"]);
            work.venvs.extend(dirs.iter().map(|d| here(d)));
            continue;
        }
        // `pip install`, `pip3.11 install`, `python -m pip install`, `/opt/venv/bin/pip install`.
        let (pip_args, interpreter) = if name == "pip" || name.starts_with("pip3") {
            (Some(cmd.args()), cmd.program())
        } else {
            (python_module(cmd, "pip"), cmd.program())
        };
        let Some(args) = pip_args else { continue };
        if args.first().map(String::as_str) != Some("install") {
            continue;
        }
        // The virtualenv whose pip this is: named by path, activated, or first on PATH.
        let venv = interpreter
            .rsplit_once("/bin/")
            .map(|(dir, _)| here(dir))
            .filter(|dir| !is_system_dir(dir))
            .or_else(|| sourced.clone())
            .or_else(|| active_venv(state, &work, None));
        let mut install = read_pip(args.get(1..).unwrap_or(&[]), ctx, venv, cwd.as_deref());
        install.cache_off |= cache_cleared;
        if install.target == PipTarget::System {
            install.missed_venv = state
                .venvs()
                .next()
                .cloned()
                .or_else(|| work.venvs.first().cloned());
        }
        work.installs.push(install);
    }
    work
}

fn work_or_state_set(work: &PythonWork, state: &State, key: &str) -> bool {
    work.settings.iter().any(|(k, _)| k == key) || state.env(key).is_some()
}

/// pip turns its cache off for any yes/no value of `PIP_NO_CACHE_DIR`, `0` and `off`
/// included (pip keeps that for backward compatibility; see `_handle_no_cache_dir` in pip's
/// cmdoptions); any other value is an error that stops pip.
fn pip_cache_env_off(state: &State) -> bool {
    state.env_value("PIP_NO_CACHE_DIR").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "y" | "yes" | "t" | "true" | "on" | "1" | "n" | "no" | "f" | "false" | "off" | "0"
        )
    })
}

fn is_on(v: &str) -> bool {
    !matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "" | "0" | "false" | "no" | "off"
    )
}

fn is_system_dir(dir: &str) -> bool {
    matches!(dir, "/usr" | "/usr/local" | "/" | "")
}

/// The home of the user the RUN runs as.
fn home(state: &State) -> String {
    if let Some(h) = state.env_value("HOME") {
        return h.trim_end_matches('/').to_string();
    }
    match state
        .user
        .as_ref()
        .map(|u| u.value.split(':').next().unwrap_or("").to_string())
    {
        None => "/root".into(),
        Some(u) if u == "root" || u == "0" || u.is_empty() => "/root".into(),
        Some(u) => format!("/home/{u}"),
    }
}

/// The user base `pip install --user` fills.
pub fn user_base(state: &State) -> String {
    match state.env_value("PYTHONUSERBASE") {
        Some(base) => base.trim_end_matches('/').to_string(),
        None => format!("{}/.local", home(state)),
    }
}

/// The virtualenv `pip` and `python` resolve to: one whose `bin` comes first on PATH (before
/// the system's), or `VIRTUAL_ENV` when its `bin` is on PATH.
fn active_venv(state: &State, work: &PythonWork, sourced: Option<&str>) -> Option<String> {
    if let Some(s) = sourced {
        return Some(s.to_string());
    }
    let named = |key: &str| state.env_value(key).map(|v| v.trim_end_matches('/'));
    let (virtual_env, uv_env) = (named("VIRTUAL_ENV"), named("UV_PROJECT_ENVIRONMENT"));
    if virtual_env.is_none() && uv_env.is_none() && work.venvs.is_empty() && !state.has_venvs() {
        return None;
    }
    for entry in state.path() {
        let entry = entry.trim_end_matches('/');
        if super::state::DEFAULT_PATH.split(':').any(|d| d == entry) {
            break;
        }
        if let Some(dir) = entry.strip_suffix("/bin") {
            let known = virtual_env == Some(dir)
                || uv_env == Some(dir)
                || work.venvs.iter().any(|v| v == dir)
                || state.is_venv(dir);
            if known {
                return Some(dir.to_string());
            }
        }
    }
    None
}

/// `python -m MODULE args…` (any python, python3, python3.11, /usr/bin/python3) → args.
fn python_module<'a>(cmd: &'a ShellCommand, module: &str) -> Option<&'a [String]> {
    if !cmd.program_name().starts_with("python") {
        return None;
    }
    let args = cmd.args();
    let m = args.iter().position(|a| a == "-m")?;
    (args.get(m + 1)? == module).then(|| args.get(m + 2..).unwrap_or(&[]))
}

fn read_uv(
    cmd: &ShellCommand,
    ctx: &RunContext,
    work: &mut PythonWork,
    cwd: Option<&str>,
    sourced: Option<&str>,
    cache_cleared: bool,
) {
    let state = ctx.state;
    let args = cmd.args();
    let here = |p: &str| absolute(cwd, p);
    let project_env = || {
        state
            .env_value("UV_PROJECT_ENVIRONMENT")
            .map(here)
            .unwrap_or_else(|| here(".venv"))
    };
    let cache_off = ctx.cache_mount
        || cache_cleared
        || cmd.has_flag(&["--no-cache", "-n"])
        || state.env_on("UV_NO_CACHE");
    match args.first().map(String::as_str) {
        Some("venv") => {
            let dirs = positionals(
                args.get(1..).unwrap_or(&[]),
                &["-p", "--python", "--prompt"],
            );
            work.venvs
                .push(dirs.first().map_or_else(|| here(".venv"), |d| here(d)));
        }
        Some("sync") => work.installs.push(PipInstall {
            line: ctx.line,
            installer: Installer::Uv,
            requirement_files: vec![here("pyproject.toml")],
            packages: vec![],
            cache_off,
            target: PipTarget::Venv(project_env()),
            missed_venv: None,
            // `uv sync` installs the project too, editable unless `--no-editable`.
            project: (!cmd.has_flag(&["--no-install-project", "--only-group"])).then(|| {
                ProjectInstall {
                    dir: cwd.unwrap_or("/").to_string(),
                    editable: !(cmd.has_flag(&["--no-editable"]) || state.env_on("UV_NO_EDITABLE")),
                }
            }),
        }),
        Some("pip") if args.get(1).is_some_and(|a| a == "install" || a == "sync") => {
            let rest = args.get(2..).unwrap_or(&[]);
            let venv = if cmd.has_flag(&["--system"]) || state.env_on("UV_SYSTEM_PYTHON") {
                None
            } else {
                crate::shell::option_value(rest, &["--python", "-p"])
                    .and_then(|p| p.rsplit_once("/bin/").map(|(d, _)| here(d)))
                    .or_else(|| sourced.map(str::to_string))
                    .or_else(|| active_venv(state, work, None))
                    .or_else(|| state.env_value("VIRTUAL_ENV").map(str::to_string))
                    .or_else(|| Some(here(".venv")))
            };
            let mut install = read_pip(rest, ctx, venv, cwd);
            install.installer = Installer::Uv;
            install.cache_off |= cache_off;
            work.installs.push(install);
        }
        _ => {}
    }
}

/// `.`, `./pkg`, `/src`: a folder on disk rather than a package name.
fn is_local_path(word: &str) -> bool {
    word == "." || word.starts_with("./") || word.starts_with('/') || word.starts_with("..")
}

/// `.[dev]` → `.`.
fn local_dir(word: &str) -> &str {
    word.split('[').next().unwrap_or(word)
}

fn read_pip(
    args: &[String],
    ctx: &RunContext,
    venv: Option<String>,
    cwd: Option<&str>,
) -> PipInstall {
    let state = ctx.state;
    let here = |p: &str| absolute(cwd, p);
    let mut install = PipInstall {
        line: ctx.line,
        installer: Installer::Pip,
        requirement_files: vec![],
        packages: vec![],
        cache_off: ctx.cache_mount || pip_cache_env_off(state),
        target: PipTarget::System,
        missed_venv: None,
        project: None,
    };
    let mut explicit: Option<PipTarget> = None;
    const VALUED: &[&str] = &[
        "-c",
        "--constraint",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--root",
        "--src",
        "-e",
        "--editable",
        "--platform",
        "--python-version",
        "--only-binary",
        "--no-binary",
        "--trusted-host",
        "--timeout",
        "--retries",
        "--python",
        "-p",
        "--cache-dir",
        "--progress-bar",
        "--implementation",
        "--abi",
        "--upgrade-strategy",
        "--log",
        "--proxy",
        "--cert",
    ];
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = args.get(i + 1).cloned().unwrap_or_default();
        if a == "-r" || a == "--requirement" || a == "--requirements" {
            install.requirement_files.push(value);
            i += 1;
        } else if let Some(v) = a.strip_prefix("--requirement=").or_else(|| {
            a.strip_prefix("-r")
                .filter(|v| !v.is_empty() && !a.starts_with("--"))
        }) {
            install.requirement_files.push(v.to_string());
        } else if a == "--no-cache-dir" || a == "--no-cache" {
            install.cache_off = true;
        } else if a == "--user" {
            explicit = Some(PipTarget::User(user_base(state)));
        } else if a == "--prefix" || a == "--target" || a == "-t" {
            explicit = Some(if a == "--prefix" {
                PipTarget::Prefix(here(&value))
            } else {
                PipTarget::Target(here(&value))
            });
            i += 1;
        } else if let Some(v) = a.strip_prefix("--prefix=") {
            explicit = Some(PipTarget::Prefix(here(v)));
        } else if let Some(v) = a.strip_prefix("--target=") {
            explicit = Some(PipTarget::Target(here(v)));
        } else if a == "-e" || a == "--editable" {
            if is_local_path(&value) {
                install.project = Some(ProjectInstall {
                    dir: here(local_dir(&value)),
                    editable: true,
                });
            }
            i += 1;
        } else if VALUED.contains(&a) {
            i += 1;
        } else if is_local_path(a) && !a.ends_with(".whl") && !a.ends_with(".tar.gz") {
            // `pip install .`, `pip install /src[extra]`: the project in that folder.
            install.project = Some(ProjectInstall {
                dir: here(local_dir(a)),
                editable: false,
            });
        } else if !a.starts_with('-') {
            install.packages.push(a.to_string());
        }
        i += 1;
    }
    let from_env = || {
        if state.env_on("PIP_USER") {
            Some(PipTarget::User(user_base(state)))
        } else if let Some(p) = state.env_value("PIP_PREFIX") {
            Some(PipTarget::Prefix(here(p)))
        } else {
            state
                .env_value("PIP_TARGET")
                .map(|t| PipTarget::Target(here(t)))
        }
    };
    install.target = explicit.or_else(from_env).unwrap_or(match venv {
        Some(v) => PipTarget::Venv(v),
        None => PipTarget::System,
    });
    install
}

/// Words that are not options nor the values of the named options.
fn positionals(args: &[String], valued: &[&str]) -> Vec<String> {
    super::packages::positionals(args, valued)
}

/// The package name of a requirement (`pandas==2.2.2` → `pandas`, `Flask[async]` → `flask`).
pub fn requirement_name(spec: &str) -> String {
    spec.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace('_', "-")
}
