//! What the commands of one RUN do: package installs, pip installs, virtualenvs, users,
//! directories, cleanup. Read from shell words, never from text.

use serde::Serialize;

use crate::shell::{Joiner, Script, ShellCommand};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Manager {
    Apt,
    Apk,
}

/// The package-manager work of one RUN instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRun {
    pub line: usize,
    pub manager: Manager,
    pub packages: Vec<String>,
    /// An install command appears in this RUN (an update alone has none).
    pub installs: bool,
    pub updates: bool,
    /// `apt-get update` comes before the install and a failure of it stops the install.
    pub update_chained: bool,
    pub assume_yes: bool,
    pub no_recommends: bool,
    /// `/var/lib/apt/lists/*` (apt) or `/var/cache/apk/*` (apk) removed in the same RUN.
    pub cleans_cache: bool,
    /// `apk add --no-cache`.
    pub no_cache: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "lowercase")]
pub enum PipTarget {
    Venv(String),
    User,
    Prefix(String),
    Target(String),
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipInstall {
    pub line: usize,
    pub requirement_files: Vec<String>,
    /// Packages named on the command line (`pip install flask pandas`).
    pub packages: Vec<String>,
    pub no_cache_dir: bool,
    pub target: PipTarget,
}

/// What one RUN tells about a stage.
#[derive(Debug, Default)]
pub struct RunEffects {
    pub package_run: Option<PackageRun>,
    pub pip_installs: Vec<PipInstall>,
    pub venvs: Vec<String>,
    pub created_dirs: Vec<String>,
    pub users: Vec<String>,
    pub chowns: bool,
}

/// `venv_on_path`: which virtualenv is first on PATH, given the virtualenvs that exist (a
/// venv created earlier in this same RUN counts).
pub fn read_run(
    script: &Script,
    line: usize,
    venv_on_path: &dyn Fn(&[String]) -> Option<String>,
) -> RunEffects {
    let mut fx = RunEffects::default();
    let mut sourced: Option<String> = None;
    let mut pkg: Option<PackageRun> = None;
    let mut last_update: Option<usize> = None;

    for (i, cmd) in script.commands.iter().enumerate() {
        let name = cmd.program_name();
        match name {
            "apt-get" | "apt" | "apk" => {
                let manager = if name == "apk" {
                    Manager::Apk
                } else {
                    Manager::Apt
                };
                let p = pkg.get_or_insert_with(|| PackageRun {
                    line,
                    manager,
                    packages: vec![],
                    installs: false,
                    updates: false,
                    update_chained: false,
                    assume_yes: false,
                    no_recommends: false,
                    cleans_cache: false,
                    no_cache: false,
                });
                let positional = positionals(
                    cmd.args(),
                    &["-o", "-t", "-c", "--repository", "-X", "--virtual"],
                );
                match positional.first().map(String::as_str) {
                    Some("update") => {
                        p.updates = true;
                        last_update = Some(i);
                    }
                    Some("install") | Some("add") => {
                        p.installs = true;
                        p.packages.extend(positional[1..].iter().cloned());
                        p.assume_yes |= cmd.has_flag(&["-y", "--yes", "--assume-yes"]);
                        p.no_recommends |= cmd.has_flag(&["--no-install-recommends"])
                            || cmd.args().iter().any(|a| {
                                a.contains("Install-Recommends=false")
                                    || a.contains("Install-Recommends=0")
                            });
                        p.no_cache |= cmd.has_flag(&["--no-cache"]);
                        if let Some(u) = last_update {
                            p.update_chained |= script.errexit
                                || script.commands[u + 1..=i]
                                    .iter()
                                    .all(|c| c.joiner == Joiner::And);
                        }
                    }
                    _ => {}
                }
            }
            "rm" => {
                for a in cmd.args() {
                    let cleans =
                        a.starts_with("/var/lib/apt/lists") || a.starts_with("/var/cache/apk");
                    if cleans && let Some(p) = pkg.as_mut() {
                        p.cleans_cache = true;
                    }
                }
            }
            "mkdir" => fx
                .created_dirs
                .extend(positionals(cmd.args(), &["-m", "--mode"])),
            "useradd" | "adduser" => {
                let valued = [
                    "-u",
                    "-g",
                    "-G",
                    "-d",
                    "-s",
                    "-c",
                    "-k",
                    "-e",
                    "-f",
                    "-p",
                    "-h",
                    "-K",
                    "--uid",
                    "--gid",
                    "--home",
                    "--shell",
                    "--ingroup",
                    "--gecos",
                    "--comment",
                    "--groups",
                    "--home-dir",
                ];
                let pos = positionals(cmd.args(), &valued);
                // `adduser NAME GROUP` adds a user to a group; the user is the first word.
                let user = if name == "adduser" {
                    pos.first()
                } else {
                    pos.last()
                };
                if let Some(u) = user {
                    fx.users.push(u.clone());
                }
                if let Some(home) = cmd.option_value(&["-d", "--home-dir", "--home", "-h"]) {
                    fx.created_dirs.push(home.to_string());
                }
            }
            "chown" => fx.chowns = true,
            "virtualenv" => {
                if let Some(dir) = positionals(cmd.args(), &["-p", "--python"]).first() {
                    venv_created(&mut fx, dir);
                }
            }
            "." | "source" => {
                if let Some(dir) = cmd
                    .args()
                    .first()
                    .and_then(|a| a.strip_suffix("/bin/activate"))
                {
                    sourced = Some(dir.to_string());
                }
            }
            _ => {}
        }
        if let Some(rest) = python_module(cmd, "venv")
            && let Some(dir) = positionals(rest, &["--prompt"]).first()
        {
            venv_created(&mut fx, dir);
        }
        let pip_args = if matches!(name, "pip" | "pip3") || name.starts_with("pip3.") {
            Some(cmd.args())
        } else {
            python_module(cmd, "pip")
        };
        if let Some(args) = pip_args
            && args.first().map(String::as_str) == Some("install")
        {
            // A pip at `/opt/venv/bin/pip` installs into that virtualenv.
            let program_venv = cmd
                .program()
                .strip_suffix(&format!("/bin/{name}"))
                .map(str::to_string);
            let env_venv = program_venv
                .or_else(|| sourced.clone())
                .or_else(|| venv_on_path(&fx.venvs));
            fx.pip_installs.push(read_pip(&args[1..], line, env_venv));
        }
    }
    fx.package_run = pkg;
    fx
}

fn venv_created(fx: &mut RunEffects, dir: &str) {
    if !fx.venvs.iter().any(|v| v == dir) {
        fx.venvs.push(dir.to_string());
    }
    fx.created_dirs.push(dir.to_string());
}

/// `python -m MODULE args…` (any python, python3, python3.11, /usr/bin/python3) → args.
fn python_module<'a>(cmd: &'a ShellCommand, module: &str) -> Option<&'a [String]> {
    let name = cmd.program_name();
    if !name.starts_with("python") {
        return None;
    }
    let args = cmd.args();
    let m = args.iter().position(|a| a == "-m")?;
    (args.get(m + 1)? == module).then(|| &args[m + 2..])
}

fn read_pip(args: &[String], line: usize, venv: Option<String>) -> PipInstall {
    let mut install = PipInstall {
        line,
        requirement_files: vec![],
        packages: vec![],
        no_cache_dir: false,
        target: PipTarget::System,
    };
    let mut explicit: Option<PipTarget> = None;
    let valued = [
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
    ];
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = |i: usize| args.get(i + 1).cloned().unwrap_or_default();
        if a == "-r" || a == "--requirement" {
            install.requirement_files.push(value(i));
            i += 1;
        } else if let Some(v) = a.strip_prefix("--requirement=").or_else(|| {
            a.strip_prefix("-r")
                .filter(|v| !v.is_empty() && !a.starts_with("--"))
        }) {
            install.requirement_files.push(v.to_string());
        } else if a == "--no-cache-dir" {
            install.no_cache_dir = true;
        } else if a == "--user" {
            explicit = Some(PipTarget::User);
        } else if a == "--prefix" || a == "--target" || a == "-t" {
            let v = value(i);
            explicit = Some(if a == "--prefix" {
                PipTarget::Prefix(v)
            } else {
                PipTarget::Target(v)
            });
            i += 1;
        } else if let Some(v) = a.strip_prefix("--prefix=") {
            explicit = Some(PipTarget::Prefix(v.to_string()));
        } else if let Some(v) = a.strip_prefix("--target=") {
            explicit = Some(PipTarget::Target(v.to_string()));
        } else if valued.contains(&a) {
            i += 1;
        } else if !a.starts_with('-') {
            install.packages.push(a.to_string());
        }
        i += 1;
    }
    install.target = explicit.unwrap_or(match venv {
        Some(v) => PipTarget::Venv(v),
        None => PipTarget::System,
    });
    install
}

/// Words that are not options nor the values of the named options.
fn positionals(args: &[String], valued: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
        } else if valued.contains(&a.as_str()) {
            skip = true;
        } else if !a.starts_with('-') {
            out.push(a.clone());
        }
    }
    out
}

/// The package name of a requirement (`pandas==2.2.2` → `pandas`, `Flask[async]` → `flask`).
pub fn requirement_name(spec: &str) -> String {
    spec.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace('_', "-")
}
