//! Go in a stage: what each RUN does with the go command (`go build` and `go install` with
//! cgo on or off and where the binary goes, `go mod download`, `go test`), what a base image
//! is to a Go program, and which stage builds the binary the final stage copies.
//!
//! Read from the shell words the RUN already split, with the environment the RUN sees:
//! `CGO_ENABLED=0 go build`, `export CGO_ENABLED=0; go build`, `ENV CGO_ENABLED=0` or an
//! `ARG CGO_ENABLED=0` default before it.

use std::collections::{HashMap, HashSet};

use super::state::State;
use super::{Base, ContainerCommand, CopyFact, Facts, Stage, absolute};
use crate::shell::{Script, ShellCommand, is_assignment};

/// Where a build's CGO_ENABLED came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CgoSource {
    /// Nothing set it: the go command turns cgo on when it finds a C compiler.
    Unset,
    /// `CGO_ENABLED=0 go build` or `env CGO_ENABLED=0 go build`.
    Command,
    /// `export CGO_ENABLED=0` earlier in the same RUN.
    Export,
    /// `ENV CGO_ENABLED=0` on this line (of this stage or one it starts from).
    Env(usize),
    /// An `ARG CGO_ENABLED=0` default in the stage.
    Arg,
}

/// CGO_ENABLED as one `go build` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cgo {
    /// The value, when something set it.
    pub value: Option<String>,
    pub source: CgoSource,
}

impl Cgo {
    /// Set to `0`: the binary is static, whatever the image has.
    pub fn off(&self) -> bool {
        self.value.as_deref().map(str::trim) == Some("0")
    }

    /// Where it was set, for messages: `CGO_ENABLED=1 in ENV on line 4`.
    pub fn describe(&self) -> String {
        let value = self.value.as_deref().unwrap_or("");
        match &self.source {
            CgoSource::Unset => "CGO_ENABLED is not set".into(),
            CgoSource::Command => format!("the command sets CGO_ENABLED={value}"),
            CgoSource::Export => format!("`export CGO_ENABLED={value}` in the same RUN"),
            CgoSource::Env(line) => format!("ENV CGO_ENABLED={value} on line {line}"),
            CgoSource::Arg => format!("ARG CGO_ENABLED={value}"),
        }
    }
}

/// Where a `go build` or `go install` writes the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoOutput {
    /// `-o PATH`, absolute: the binary itself.
    File(String),
    /// `-o DIR/` (or `-o` naming a folder the stage made): the binary goes inside, named
    /// after the package.
    Folder { dir: String, package: String },
    /// `go install`: GOBIN, else the first GOPATH's `bin` (`/go/bin` on the official
    /// images), named after the package.
    Installed { dir: String, package: String },
    /// `go build` without -o: the working directory, named after the package.
    Default { dir: String, package: String },
}

impl GoOutput {
    /// The binary's absolute path. A package written `.` (or `./...` in a module with one
    /// main package) is named after the last element of `module`, go.mod's module path.
    pub fn binary(&self, module: &str) -> String {
        match self {
            GoOutput::File(path) => path.clone(),
            GoOutput::Folder { dir, package }
            | GoOutput::Installed { dir, package }
            | GoOutput::Default { dir, package } => {
                format!(
                    "{}/{}",
                    dir.trim_end_matches('/'),
                    binary_name(package, module)
                )
            }
        }
    }

    /// Named in the file: `-o` or `go install`, not the module's name in go.mod.
    pub fn named(&self) -> bool {
        !matches!(self, GoOutput::Default { .. })
    }
}

/// The name go gives a main package's binary: its import path's last element (`.` and
/// `./...` are the module's own).
pub fn binary_name(package: &str, module: &str) -> String {
    let package = package.trim_end_matches("/...").trim_end_matches('/');
    let last = package.rsplit('/').next().unwrap_or(package);
    let last = if matches!(last, "" | "." | "...") {
        module
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(module)
    } else {
        last
    };
    // `example.com/lab/v2` builds `lab`: a major-version suffix is not the name.
    if last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
        let parent = module.trim_end_matches(last).trim_end_matches('/');
        if let Some(name) = parent.rsplit('/').next().filter(|n| !n.is_empty()) {
            return name.to_string();
        }
    }
    last.to_string()
}

/// One `go build` or `go install`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoBuild {
    pub line: usize,
    /// `go install` rather than `go build`.
    pub install: bool,
    pub cgo: Cgo,
    pub output: GoOutput,
    /// The package arguments as written (`.` when none).
    pub packages: Vec<String>,
}

/// What the go command does in one stage's RUN instructions, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoWork {
    pub builds: Vec<GoBuild>,
    /// Lines of `go mod download`.
    pub downloads: Vec<usize>,
    /// Lines of `go test`.
    pub tests: Vec<usize>,
}

impl GoWork {
    pub fn is_empty(&self) -> bool {
        self.builds.is_empty() && self.downloads.is_empty() && self.tests.is_empty()
    }
}

/// What a base image is to a Go binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoBase {
    /// The official `golang` image; `pinned` when the tag fixes the Go minor version (or a
    /// digest fixes the image), `alpine` for the -alpine variants (no C compiler).
    Golang {
        pinned: bool,
        alpine: bool,
    },
    /// `FROM scratch`: nothing at all, no C library, no shell, no /etc/passwd.
    Scratch,
    /// `gcr.io/distroless/static…`: CA certificates, tzdata, /etc/passwd with nonroot; no C
    /// library, no shell (the `:debug` tags have busybox's).
    DistrolessStatic {
        nonroot: bool,
        debug: bool,
    },
    /// Another distroless image (`base`, `cc`, language runtimes): a C library, no shell.
    Distroless {
        nonroot: bool,
    },
    Alpine,
    /// `debian:…-slim` or `ubuntu`.
    DebianSlim,
    /// Full Debian or Ubuntu.
    Debian,
    Other,
}

impl GoBase {
    pub fn of(base: &Base) -> GoBase {
        let image = base.image.as_str();
        let registry_image = base.text.split('@').next().unwrap_or("");
        let official = |name: &str| {
            image == name
                && !registry_image.contains('/')
                    | registry_image.starts_with("docker.io/")
                    | registry_image.starts_with("index.docker.io/")
                    | registry_image.starts_with("library/")
        };
        let tag = base.tag.as_deref().unwrap_or("");
        if image == "scratch" {
            GoBase::Scratch
        } else if official("golang") {
            GoBase::Golang {
                pinned: base.digest.is_some() || go_minor(tag).is_some(),
                alpine: tag.contains("alpine"),
            }
        } else if image.starts_with("distroless/") {
            let nonroot = tag.contains("nonroot");
            if image.starts_with("distroless/static") {
                GoBase::DistrolessStatic {
                    nonroot,
                    debug: tag.contains("debug"),
                }
            } else {
                GoBase::Distroless { nonroot }
            }
        } else if image == "alpine" || tag.contains("alpine") {
            GoBase::Alpine
        } else if matches!(image, "debian" | "ubuntu") {
            if tag.contains("slim") || image == "ubuntu" {
                GoBase::DebianSlim
            } else {
                GoBase::Debian
            }
        } else {
            GoBase::Other
        }
    }

    /// Has `/bin/sh`, so a shell-form command can start.
    pub fn has_shell(self) -> bool {
        match self {
            GoBase::Scratch | GoBase::Distroless { .. } => false,
            GoBase::DistrolessStatic { debug, .. } => debug,
            _ => true,
        }
    }

    /// Has glibc, which a binary built with cgo on Debian's golang image links against.
    pub fn has_glibc(self) -> bool {
        matches!(
            self,
            GoBase::Golang { alpine: false, .. }
                | GoBase::Distroless { .. }
                | GoBase::DebianSlim
                | GoBase::Debian
                | GoBase::Other
        )
    }

    /// Has a C compiler, so the go command turns cgo on by default.
    pub fn has_c_compiler(self) -> bool {
        matches!(self, GoBase::Golang { alpine: false, .. })
    }

    /// Runs as a non-root user when no USER says otherwise.
    pub fn nonroot(self) -> bool {
        matches!(
            self,
            GoBase::DistrolessStatic { nonroot: true, .. } | GoBase::Distroless { nonroot: true }
        )
    }

    /// Has an /etc/passwd to look user names up in, and which names it lists.
    pub fn has_user(self, name: &str) -> bool {
        match self {
            GoBase::Scratch => false,
            GoBase::DistrolessStatic { .. } | GoBase::Distroless { .. } => {
                matches!(name, "root" | "nobody" | "nonroot")
            }
            _ => crate::facts::built_in_user(name),
        }
    }
}

/// `1.24`, `1.24.5-bookworm`, `1.24-alpine3.21` → (1, 24). `1`, `alpine`, `latest` fix no
/// minor version.
pub fn go_minor(tag: &str) -> Option<(u32, u32)> {
    let mut parts = tag.splitn(3, '.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

/// `go build` flags that take a value (`-o x` or `-o=x`); every other flag is a switch.
const VALUED: &[&str] = &[
    "o",
    "C",
    "p",
    "ldflags",
    "gcflags",
    "asmflags",
    "gccgoflags",
    "tags",
    "mod",
    "modfile",
    "buildmode",
    "compiler",
    "installsuffix",
    "overlay",
    "pgo",
    "pkgdir",
    "toolexec",
    "coverpkg",
    "covermode",
    "exec",
    "run",
    "count",
    "timeout",
];

/// A go command's flags by name (without dashes) and its positional arguments.
fn split_args(args: &[String]) -> (Vec<(String, Option<String>)>, Vec<String>) {
    let mut flags = Vec::new();
    let mut positionals = Vec::new();
    let mut i = 0;
    while let Some(word) = args.get(i) {
        i += 1;
        if word == "--" {
            positionals.extend(args[i..].iter().cloned());
            break;
        }
        let Some(flag) = word.strip_prefix("--").or_else(|| word.strip_prefix('-')) else {
            positionals.push(word.clone());
            continue;
        };
        if flag.is_empty() {
            positionals.push(word.clone());
            continue;
        }
        match flag.split_once('=') {
            Some((name, value)) => flags.push((name.to_string(), Some(value.to_string()))),
            None if VALUED.contains(&flag) => {
                flags.push((flag.to_string(), args.get(i).cloned()));
                i += 1;
            }
            None => flags.push((flag.to_string(), None)),
        }
    }
    (flags, positionals)
}

fn flag<'a>(flags: &'a [(String, Option<String>)], name: &str) -> Option<&'a str> {
    flags
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.as_deref())
}

/// The value a command sees for `name`: its own assignment, an export earlier in the RUN,
/// the stage's ENV, or its ARG default.
fn variable(
    name: &str,
    cmd: &ShellCommand,
    exported: &[(String, String)],
    state: &State,
) -> (Option<String>, CgoSource) {
    if let Some((_, v)) = cmd.assignments.iter().rev().find(|(n, _)| n == name) {
        return (Some(v.clone()), CgoSource::Command);
    }
    if let Some((_, v)) = exported.iter().rev().find(|(n, _)| n == name) {
        return (Some(v.clone()), CgoSource::Export);
    }
    if let Some(at) = state.env(name) {
        return (Some(at.value.clone()), CgoSource::Env(at.line));
    }
    // A build argument in scope: expansion finds it when ENV does not hold the name.
    let written = format!("${{{name}}}");
    let value = state.expand(&written);
    if value != written {
        return (Some(value), CgoSource::Arg);
    }
    (None, CgoSource::Unset)
}

/// Whether the stage made `path` as a folder (WORKDIR, mkdir, a COPY destination): `-o`
/// naming it writes the binary inside. `holds` asks about the folders above a path, so the
/// path itself is such a folder when a file in it is held and the path is not.
fn is_folder(state: &State, path: &str) -> bool {
    state.holds(&format!("{}/_", path.trim_end_matches('/'))) && !state.holds(path)
}

/// The directory `go install` writes to.
fn install_dir(state: &State, base: &Base, env_of: impl Fn(&str) -> Option<String>) -> String {
    if let Some(bin) = env_of("GOBIN").filter(|b| !b.is_empty()) {
        return bin;
    }
    if let Some(path) = env_of("GOPATH").filter(|p| !p.is_empty()) {
        let first = path.split(':').next().unwrap_or(&path);
        return format!("{}/bin", first.trim_end_matches('/'));
    }
    if matches!(GoBase::of(base), GoBase::Golang { .. }) {
        return "/go/bin".into();
    }
    let home = state.env_value("HOME").unwrap_or("/root");
    format!("{}/go/bin", home.trim_end_matches('/'))
}

/// The working directory a RUN starts in: WORKDIR, else the image's (`/go` on golang).
pub fn workdir(state: &State, base: &Base) -> String {
    match &state.workdir {
        Some(w) => w.clone(),
        None if matches!(GoBase::of(base), GoBase::Golang { .. }) => "/go".into(),
        None => "/".into(),
    }
}

/// What the go command does in one RUN.
pub fn read(script: &Script, line: usize, state: &State, base: &Base) -> GoWork {
    let mut work = GoWork::default();
    let mut exported: Vec<(String, String)> = Vec::new();
    let mut dir = workdir(state, base);
    for cmd in &script.commands {
        match cmd.program_name() {
            "export" => exported.extend(
                cmd.args()
                    .iter()
                    .filter(|w| is_assignment(w))
                    .filter_map(|w| w.split_once('='))
                    .map(|(n, v)| (n.to_string(), v.to_string())),
            ),
            "cd" => {
                if let Some(to) = cmd.args().first() {
                    dir = absolute(Some(&dir), to);
                }
            }
            "go" => read_go(cmd, line, state, base, &exported, &dir, &mut work),
            _ => {}
        }
    }
    work
}

fn read_go(
    cmd: &ShellCommand,
    line: usize,
    state: &State,
    base: &Base,
    exported: &[(String, String)],
    dir: &str,
    work: &mut GoWork,
) {
    let args = cmd.args();
    let Some(sub) = args.first() else { return };
    let (flags, positionals) = split_args(&args[1..]);
    match sub.as_str() {
        "mod" if positionals.first().is_some_and(|p| p == "download") => work.downloads.push(line),
        "test" => work.tests.push(line),
        "build" | "install" => {
            let install = sub == "install";
            let dir = match flag(&flags, "C") {
                Some(c) => absolute(Some(dir), c),
                None => dir.to_string(),
            };
            let packages = if positionals.is_empty() {
                vec![".".to_string()]
            } else {
                positionals
            };
            let package = packages[0].clone();
            let (value, source) = variable("CGO_ENABLED", cmd, exported, state);
            let env_of = |name: &str| variable(name, cmd, exported, state).0;
            let output = match flag(&flags, "o").filter(|_| !install) {
                Some(o) => {
                    let path = absolute(Some(&dir), o);
                    if o.ends_with('/') || is_folder(state, &path) {
                        GoOutput::Folder { dir: path, package }
                    } else {
                        GoOutput::File(path)
                    }
                }
                None if install => GoOutput::Installed {
                    dir: install_dir(state, base, env_of),
                    package,
                },
                None => GoOutput::Default { dir, package },
            };
            work.builds.push(GoBuild {
                line,
                install,
                cgo: Cgo { value, source },
                output,
                packages,
            });
        }
        _ => {}
    }
}

/// Reads one RUN's go commands into the stage, and records the binaries it writes as
/// created (a later `COPY --from` of them copies something that exists).
pub fn add_run(stage: &mut Stage, script: &Script, line: usize) {
    if !script.commands.iter().any(|c| c.program_name() == "go") {
        return;
    }
    let work = read(script, line, &stage.state, &stage.base);
    for build in &work.builds {
        let made = match &build.output {
            GoOutput::File(p) => p,
            GoOutput::Folder { dir, .. }
            | GoOutput::Installed { dir, .. }
            | GoOutput::Default { dir, .. } => dir,
        };
        std::sync::Arc::make_mut(&mut stage.state).mark_created(made);
    }
    stage.go.builds.extend(work.builds);
    stage.go.downloads.extend(work.downloads);
    stage.go.tests.extend(work.tests);
}

/// The final stage's copy of a binary a Go build wrote.
#[derive(Debug, Clone)]
pub struct BinaryCopy<'a> {
    /// The stage that ran the build: the stage copied from, or one it starts from (`COPY
    /// --from=test` of a binary `build` wrote, where test starts `FROM build`).
    pub build_stage: &'a Stage,
    /// The stage the COPY names.
    pub from_stage: &'a Stage,
    pub build: &'a GoBuild,
    pub copy: &'a CopyFact,
    /// Where the build wrote it.
    pub built_at: String,
    /// Where it lands in the final stage.
    pub lands_at: String,
}

/// The binaries a stage holds from Go builds, its own and those of the stages it starts
/// from, as far as the final stage's copies ask about them: each binary's path → (stage,
/// build), and each folder above one → the build written last under it, for the paths some
/// `COPY --from` names. The maps are persistent (a stage shares its parent's), and only the
/// paths a copy names go in, so a chain of stages costs what its builds cost, and every
/// COPY is one lookup.
#[derive(Clone, Default)]
struct Binaries {
    // Shared keys: a persistent map copies the entries of the nodes an insert touches.
    files: imbl::HashMap<std::sync::Arc<str>, (usize, usize)>,
    folders: imbl::HashMap<std::sync::Arc<str>, (usize, usize)>,
}

/// How many folders above a binary are indexed for a `COPY --from` of a folder: the first
/// levels, where real paths end (`/`, `/out`, `/go/bin`).
const FOLDER_DEPTH: usize = 16;

fn binaries(facts: &Facts, module: &str, asked: &HashSet<String>) -> Vec<Binaries> {
    let mut out: Vec<Binaries> = Vec::with_capacity(facts.stages.len());
    for (i, stage) in facts.stages.iter().enumerate() {
        let mut held = stage
            .parent
            .and_then(|p| out.get(p))
            .cloned()
            .unwrap_or_default();
        for (j, build) in stage.go.builds.iter().enumerate() {
            let path = build.output.binary(module);
            for (at, _) in path.match_indices('/').take(FOLDER_DEPTH) {
                let folder = &path[..at];
                if asked.contains(folder) {
                    held.folders.insert(folder.into(), (i, j));
                }
            }
            if asked.contains(&path) {
                held.files.insert(path.into(), (i, j));
            }
        }
        out.push(held);
    }
    out
}

/// A COPY source as a path in the source stage: absolute, no trailing slash (`/` is ``).
fn source_path(source: &str) -> String {
    let trimmed = source.trim_end_matches('/');
    if trimmed.is_empty() || trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("/{}", trimmed.trim_start_matches("./"))
    }
}

/// Where the binary at `built_at`, carried by the source `source` (itself or a folder above
/// it), lands. A file named itself lands inside a destination folder (`COPY --from=b
/// /out/lab /usr/local/bin/`, `… .` or `… /`, or with several sources) and at the
/// destination otherwise; a folder's contents go into the destination.
fn lands(copy: &CopyFact, source: &str, built_at: &str) -> String {
    let dest = copy.dest_abs.trim_end_matches('/');
    if source == built_at {
        let into_folder = copy.dest.ends_with('/')
            || matches!(copy.dest.as_str(), "." | "./")
            || dest.is_empty()
            || copy.sources.len() > 1;
        if !into_folder {
            return copy.dest_abs.clone();
        }
        let name = built_at.rsplit('/').next().unwrap_or(built_at);
        return format!("{dest}/{name}");
    }
    format!("{dest}{}", &built_at[source.len()..])
}

/// Every Go build of a stage and the stages it starts from.
pub fn builds_of(facts: &Facts, index: usize) -> impl Iterator<Item = &GoBuild> {
    facts.lineage(index).flat_map(|s| s.go.builds.iter())
}

/// The first `COPY --from` of the final stage that carries a binary some stage built, if
/// one does (of a binary built twice, the build written last).
pub fn binary_copy<'a>(facts: &'a Facts, module: &str) -> Option<BinaryCopy<'a>> {
    let fin = facts.final_stage()?;
    let copies: Vec<(usize, &CopyFact)> = fin
        .copies
        .iter()
        .filter_map(|c| Some((c.from_stage().filter(|&i| i != fin.index)?, c)))
        .collect();
    let mut asked: HashMap<usize, HashSet<String>> = HashMap::new();
    for (from, copy) in &copies {
        asked
            .entry(*from)
            .or_default()
            .extend(copy.sources.iter().map(|s| source_path(s)));
    }
    let found = carried(facts, module, &asked);
    for (from, copy) in copies {
        for source in &copy.sources {
            let source = source_path(source);
            let Some(&(stage, index)) = found.get(&from).and_then(|f| f.get(&source)) else {
                continue;
            };
            let build_stage = &facts.stages[stage];
            let build = &build_stage.go.builds[index];
            let built_at = build.output.binary(module);
            return Some(BinaryCopy {
                build_stage,
                from_stage: &facts.stages[from],
                build,
                copy,
                lands_at: lands(copy, &source, &built_at),
                built_at,
            });
        }
    }
    None
}

/// For each stage copied from, the sources asked of it that hold a built binary: source →
/// (stage, build) of the nearest stage's last build there. A few stages are answered by
/// walking their lineage; many stages on long lineages by the persistent maps of
/// [`binaries`], whose cost does not multiply with the number of stages asked.
fn carried(
    facts: &Facts,
    module: &str,
    asked: &HashMap<usize, HashSet<String>>,
) -> HashMap<usize, HashMap<String, (usize, usize)>> {
    // What walking would cost: the stages and builds on each asked stage's lineage.
    let mut reach: Vec<usize> = Vec::with_capacity(facts.stages.len());
    for stage in &facts.stages {
        let above = stage
            .parent
            .and_then(|p| reach.get(p))
            .copied()
            .unwrap_or(0);
        reach.push(above + 1 + stage.go.builds.len());
    }
    let walk: usize = asked.keys().filter_map(|&f| reach.get(f)).sum();
    let total: usize = facts.stages.len()
        + facts
            .stages
            .iter()
            .map(|s| s.go.builds.len())
            .sum::<usize>();
    if walk > 4 * total {
        let all: HashSet<String> = asked.values().flatten().cloned().collect();
        let held = binaries(facts, module, &all);
        return asked
            .iter()
            .filter_map(|(&f, sources)| {
                let b = held.get(f)?;
                let hits = sources
                    .iter()
                    .filter_map(|s| {
                        let at = b
                            .files
                            .get(s.as_str())
                            .or_else(|| b.folders.get(s.as_str()))?;
                        Some((s.clone(), *at))
                    })
                    .collect();
                Some((f, hits))
            })
            .collect();
    }
    let mut out = HashMap::new();
    for (&f, sources) in asked {
        let mut hits: HashMap<String, (usize, usize)> = HashMap::new();
        'walk: for stage in facts.lineage(f) {
            for (j, build) in stage.go.builds.iter().enumerate().rev() {
                let path = build.output.binary(module);
                for (at, _) in path.match_indices('/').take(FOLDER_DEPTH) {
                    let folder = &path[..at];
                    if sources.contains(folder) && !hits.contains_key(folder) {
                        hits.insert(folder.to_string(), (stage.index, j));
                    }
                }
                if sources.contains(&path) {
                    hits.entry(path).or_insert((stage.index, j));
                }
                if hits.len() == sources.len() {
                    break 'walk;
                }
            }
        }
        out.insert(f, hits);
    }
    out
}

/// For each stage, whether it is built on `base` (starts FROM it, or from a stage that
/// does); `base` itself is not.
pub fn built_on(facts: &Facts, base: usize) -> Vec<bool> {
    let mut on = vec![false; facts.stages.len()];
    for (i, stage) in facts.stages.iter().enumerate() {
        on[i] = stage
            .parent
            .is_some_and(|p| p == base || on.get(p).copied().unwrap_or(false));
    }
    on
}

/// The build stage: the one that built the binary the final stage copies; else the first
/// stage it copies from that runs a Go build (or starts from one that does); else the first
/// stage that runs one; else what the generic facts call the build stage.
pub fn build_stage<'a>(facts: &'a Facts, module: &str) -> Option<&'a Stage> {
    build_stage_of(facts, binary_copy(facts, module).as_ref())
}

/// [`build_stage`] when the final stage's binary copy is already known.
pub fn build_stage_of<'a>(facts: &'a Facts, copy: Option<&BinaryCopy<'a>>) -> Option<&'a Stage> {
    if let Some(c) = copy {
        return Some(c.build_stage);
    }
    let fin = facts.final_stage()?;
    let mut building = vec![false; facts.stages.len()];
    for (i, stage) in facts.stages.iter().enumerate() {
        building[i] = !stage.go.builds.is_empty()
            || stage
                .parent
                .is_some_and(|p| building.get(p).copied().unwrap_or(false));
    }
    fin.copies
        .iter()
        .filter_map(CopyFact::from_stage)
        .filter(|&i| i != fin.index)
        .find(|&i| building.get(i).copied().unwrap_or(false))
        .or_else(|| {
            (0..facts.stages.len())
                .filter(|&i| i != fin.index || facts.stages.len() == 1)
                .find(|&i| !facts.stages[i].go.builds.is_empty())
        })
        .and_then(|i| facts.stages.get(i))
        .or_else(|| facts.build())
}

/// `go run …` as the container's command.
pub fn is_go_run(cmd: &ContainerCommand) -> bool {
    cmd.program == "go" && cmd.args.first().is_some_and(|a| a == "run")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::derive;
    use crate::syntax::parse;

    fn stage(text: &str) -> Stage {
        derive(&parse(text)).stages.pop().unwrap()
    }

    #[test]
    fn cgo_from_the_command_an_export_env_or_arg() {
        let cgo = |text: &str| stage(text).go.builds[0].cgo.clone();
        let c = cgo("FROM golang:1.24\nRUN CGO_ENABLED=0 go build -o /out/lab .\n");
        assert!(c.off() && c.source == CgoSource::Command);
        let c = cgo("FROM golang:1.24\nRUN env CGO_ENABLED=0 GOOS=linux go build -o /lab .\n");
        assert!(c.off());
        let c = cgo("FROM golang:1.24\nRUN export CGO_ENABLED=0 && go build -o /lab .\n");
        assert!(c.off() && c.source == CgoSource::Export);
        let c = cgo("FROM golang:1.24\nENV CGO_ENABLED=0\nRUN go build -o /lab .\n");
        assert_eq!((c.off(), c.source), (true, CgoSource::Env(2)));
        let c = cgo("FROM golang:1.24\nARG CGO_ENABLED=0\nRUN go build -o /lab .\n");
        assert_eq!((c.off(), c.source), (true, CgoSource::Arg));
        // The command's own value wins over the stage's.
        let c = cgo("FROM golang:1.24\nENV CGO_ENABLED=0\nRUN CGO_ENABLED=1 go build -o /lab .\n");
        assert!(!c.off());
        let c = cgo("FROM golang:1.24\nRUN go build -o /lab .\n");
        assert_eq!((c.off(), c.source), (false, CgoSource::Unset));
        // A plain shell assignment is not exported: go never sees it.
        let c = cgo("FROM golang:1.24\nRUN CGO_ENABLED=0; go build -o /lab .\n");
        assert!(!c.off());
        // An ENV in the stage it starts from counts; an ARG does not cross stages.
        let c = cgo(
            "FROM golang:1.24 AS base\nENV CGO_ENABLED=0\nFROM base AS build\nRUN go build -o /lab .\n",
        );
        assert!(c.off());
        let c = cgo(
            "FROM golang:1.24 AS base\nARG CGO_ENABLED=0\nFROM base AS build\nRUN go build -o /lab .\n",
        );
        assert!(!c.off());
    }

    #[test]
    fn outputs() {
        let out = |text: &str| stage(text).go.builds[0].output.binary("example.com/lab");
        assert_eq!(
            out(
                "FROM golang:1.24\nWORKDIR /src\nRUN go build -trimpath -ldflags=\"-s -w\" -o /out/lab .\n"
            ),
            "/out/lab"
        );
        assert_eq!(
            out("FROM golang:1.24\nWORKDIR /src\nRUN go build -o bin/server ./cmd/server\n"),
            "/src/bin/server"
        );
        assert_eq!(
            out("FROM golang:1.24\nWORKDIR /src\nRUN go build -o /out/ .\n"),
            "/out/lab"
        );
        assert_eq!(
            out("FROM golang:1.24\nWORKDIR /src\nRUN mkdir -p /out && go build -o /out .\n"),
            "/out/lab"
        );
        assert_eq!(
            out("FROM golang:1.24\nWORKDIR /src\nRUN go build .\n"),
            "/src/lab"
        );
        assert_eq!(out("FROM golang:1.24\nRUN go build\n"), "/go/lab");
        assert_eq!(
            out("FROM golang:1.24\nWORKDIR /src\nRUN go install .\n"),
            "/go/bin/lab"
        );
        assert_eq!(
            out("FROM golang:1.24\nENV GOBIN=/usr/local/bin\nRUN go install ./cmd/lab\n"),
            "/usr/local/bin/lab"
        );
        assert_eq!(
            out("FROM golang:1.24\nWORKDIR /src\nRUN cd cmd && go build -o ../lab .\n"),
            "/src/lab"
        );
        assert_eq!(
            out("FROM golang:1.24\nRUN go build -C /src -o lab .\n"),
            "/src/lab"
        );
        assert!(
            !stage("FROM golang:1.24\nRUN go build .\n").go.builds[0]
                .output
                .named()
        );
    }

    #[test]
    fn downloads_and_tests() {
        let s = stage(
            "FROM golang:1.24\nCOPY go.mod ./\nRUN go mod download && go mod verify\nCOPY . .\nRUN go vet ./... && go test -v ./...\n",
        );
        assert_eq!(s.go.downloads, vec![3]);
        assert_eq!(s.go.tests, vec![5]);
        assert!(s.go.builds.is_empty());
    }

    #[test]
    fn many_stages_copied_from_are_answered_as_a_few_are() {
        // 40 stages in a chain, each building one binary: copies from each of them take the
        // persistent maps, a copy from one stage the walk; both find the same builds.
        let mut text = String::from("FROM golang:1.24 AS s0\n");
        for i in 1..40 {
            text.push_str(&format!(
                "FROM s{} AS s{i}\nRUN CGO_ENABLED=0 go build -o /o/{i} .\n",
                i - 1
            ));
        }
        let few = format!("{text}FROM scratch\nCOPY --from=s39 /x /x\nCOPY --from=s39 /o /app\n");
        let mut many = format!("{text}FROM scratch\n");
        for i in 1..40 {
            many.push_str(&format!("COPY --from=s{i} /x{i} /x{i}\n"));
        }
        many.push_str("COPY --from=s39 /o /app\nCOPY --from=s20 /o/7 /seven\n");
        for text in [few, many] {
            let facts = derive(&parse(&text));
            let copy = binary_copy(&facts, "example.com/lab").unwrap();
            // The folder holds every binary; the nearest stage's build is the one found.
            assert_eq!(copy.build_stage.name.as_deref(), Some("s39"));
            assert_eq!(
                (copy.built_at.as_str(), copy.lands_at.as_str()),
                ("/o/39", "/app/39")
            );
        }
    }

    #[test]
    fn names_of_binaries() {
        assert_eq!(binary_name(".", "example.com/lab"), "lab");
        assert_eq!(binary_name("./...", "example.com/lab"), "lab");
        assert_eq!(binary_name("./cmd/api", "example.com/lab"), "api");
        assert_eq!(binary_name(".", "example.com/lab/v2"), "lab");
        assert_eq!(binary_name(".", "lab"), "lab");
    }

    #[test]
    fn bases() {
        let of = |text: &str| GoBase::of(&stage(&format!("FROM {text}\n")).base);
        assert_eq!(
            of("golang:1.24.5-bookworm"),
            GoBase::Golang {
                pinned: true,
                alpine: false
            }
        );
        assert_eq!(
            of("golang:1.24-alpine"),
            GoBase::Golang {
                pinned: true,
                alpine: true
            }
        );
        for moving in ["golang", "golang:latest", "golang:1", "golang:alpine"] {
            assert!(
                matches!(of(moving), GoBase::Golang { pinned: false, .. }),
                "{moving}"
            );
        }
        assert!(matches!(
            of("docker.io/library/golang:1.24"),
            GoBase::Golang { pinned: true, .. }
        ));
        assert_eq!(of("ghcr.io/someone/golang:1.24"), GoBase::Other);
        assert_eq!(of("scratch"), GoBase::Scratch);
        assert_eq!(
            of("gcr.io/distroless/static-debian12:nonroot"),
            GoBase::DistrolessStatic {
                nonroot: true,
                debug: false
            }
        );
        assert!(of("gcr.io/distroless/static:debug").has_shell());
        assert!(!of("gcr.io/distroless/static").has_shell());
        assert_eq!(of("alpine:3.21"), GoBase::Alpine);
        assert_eq!(of("debian:bookworm-slim"), GoBase::DebianSlim);
    }

    #[test]
    fn the_build_stage_is_the_one_the_binary_comes_from() {
        let facts = derive(&parse(
            "FROM alpine:3.21 AS certs\nRUN apk add --no-cache ca-certificates\n\
             FROM golang:1.24 AS compile\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/lab .\n\
             FROM scratch\nCOPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n\
             COPY --from=compile /out/lab /usr/local/bin/lab\n",
        ));
        let copy = binary_copy(&facts, "example.com/lab").unwrap();
        assert_eq!(copy.build_stage.name.as_deref(), Some("compile"));
        assert_eq!(copy.lands_at, "/usr/local/bin/lab");
        assert_eq!(
            build_stage(&facts, "example.com/lab")
                .unwrap()
                .name
                .as_deref(),
            Some("compile")
        );
        // A file copied into a folder keeps its name.
        for (copy, lands) in [
            (
                "COPY --from=b /out/lab /usr/local/bin/",
                "/usr/local/bin/lab",
            ),
            ("COPY --from=b /out/lab .", "/lab"),
            ("COPY --from=b /out/lab /", "/lab"),
            ("COPY --from=b /out/lab /server", "/server"),
        ] {
            let facts = derive(&parse(&format!(
                "FROM golang:1.24 AS b\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\n{copy}\n"
            )));
            assert_eq!(
                binary_copy(&facts, "example.com/lab").unwrap().lands_at,
                lands,
                "{copy}"
            );
        }
        // A folder above the binary carries it too.
        let facts = derive(&parse(
            "FROM golang:1.24 AS b\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=b /out /app\n",
        ));
        assert_eq!(
            binary_copy(&facts, "example.com/lab").unwrap().lands_at,
            "/app/lab"
        );
    }
}
