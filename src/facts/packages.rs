//! System packages: what the apt-get / apk commands of one RUN install, and how cleanly.

use crate::shell::{Joiner, Script, ShellCommand};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manager {
    Apt,
    Apk,
}

/// The package-manager work of one RUN instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The line of an earlier RUN (in this stage or one it starts from) whose `apt-get
    /// update` left package lists that are still there when this RUN starts.
    pub lists_from: Option<usize>,
}

impl PackageRun {
    fn new(line: usize, manager: Manager) -> Self {
        PackageRun {
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
            lists_from: None,
        }
    }

    /// Package names without version pins (`gcc=4:12.2.0-3` → `gcc`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.packages
            .iter()
            .map(|p| p.split('=').next().unwrap_or(p))
    }
}

/// The package-manager work of a RUN's script, if it has any.
pub fn read(script: &Script, line: usize) -> Option<PackageRun> {
    let mut run: Option<PackageRun> = None;
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
                let p = run.get_or_insert_with(|| PackageRun::new(line, manager));
                let positional = positionals(
                    cmd.args(),
                    &["-o", "-t", "-c", "--repository", "-X", "--virtual"],
                );
                match positional.first().map(String::as_str) {
                    Some("update") => {
                        p.updates = true;
                        last_update = Some(i);
                    }
                    Some("install" | "add") => {
                        p.installs = true;
                        p.packages.extend(
                            positional
                                .iter()
                                .skip(1)
                                .filter(|w| !w.contains('$'))
                                .cloned(),
                        );
                        read_install_flags(p, cmd);
                        if let Some(u) = last_update {
                            p.update_chained |= script.errexit
                                || script
                                    .commands
                                    .get(u + 1..=i)
                                    .is_some_and(|c| c.iter().all(|c| c.joiner == Joiner::And));
                        }
                    }
                    _ => {}
                }
            }
            "rm" => {
                if let Some(p) = run.as_mut()
                    && cmd.args().iter().any(|a| {
                        a.starts_with("/var/lib/apt/lists") || a.starts_with("/var/cache/apk")
                    })
                {
                    p.cleans_cache = true;
                }
            }
            _ => {}
        }
    }
    run
}

fn read_install_flags(p: &mut PackageRun, cmd: &ShellCommand) {
    p.assume_yes |= cmd.has_flag(&["-y", "--yes", "--assume-yes"])
        || cmd.args().iter().any(|a| a == "-qq" || a == "--quiet=2");
    p.no_recommends |= cmd.has_flag(&["--no-install-recommends"])
        || cmd
            .args()
            .iter()
            .any(|a| a.contains("Install-Recommends=false") || a.contains("Install-Recommends=0"));
    p.no_cache |= cmd.has_flag(&["--no-cache"]);
}

/// Words that are not options nor the values of the named options.
pub fn positionals(args: &[String], valued: &[&str]) -> Vec<String> {
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

/// Compilers and build tooling: what a runtime image does not need.
pub fn is_build_tool(package: &str) -> bool {
    const BUILD_TOOLS: &[&str] = &[
        "gcc",
        "g++",
        "make",
        "cmake",
        "clang",
        "build-essential",
        "build-base",
        "musl-dev",
        "libc-dev",
        "libc6-dev",
        "cpp",
        "gfortran",
    ];
    let name = package.split('=').next().unwrap_or(package);
    BUILD_TOOLS.contains(&name)
        || name.ends_with("-dev")
        || name.ends_with("-devel")
        || name.starts_with("gcc-")
        || name.starts_with("g++-")
}

/// Meta-packages that bring the usual compilers along.
pub fn provides(package: &str) -> &'static [&'static str] {
    match package {
        "build-essential" | "build-base" => &["gcc", "g++", "make"],
        // g++ depends on gcc on Debian and on Alpine.
        "g++" => &["gcc"],
        _ => &[],
    }
}
