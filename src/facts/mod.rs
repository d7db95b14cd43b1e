//! Instructions → facts per stage, derived once. Rules and views read these, never text.
//!
//! A stage that starts `FROM <earlier stage>` starts from that stage's [`State`], which is
//! shared, not copied: a chain of stages costs what its instructions cost. Stages are found
//! by name in a map and global build arguments are read once, so the whole derivation is
//! linear in the file.

mod base;
mod command;
pub mod go;
mod install;
mod packages;
mod python;
mod state;
mod users;

pub use base::{Base, Libc, Variant};
pub use command::{AppRef, Bind, BindSource, ContainerCommand, ServerKind};
pub use install::Delivery;
pub use packages::{Manager, PackageRun, is_build_tool, provides};
pub use python::{Installer, PipInstall, PipTarget, requirement_name};
pub use state::State;
pub use users::{built_in_group, built_in_user, is_numeric, split_owner};

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use dockerfile_parser::ImageRef;

use crate::syntax::{Instruction, Kind, Parsed};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub line: usize,
}

/// Where a `COPY --from` copies from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyFrom {
    /// As written: `builder`, `0`, or an image name.
    pub text: String,
    /// The earlier stage it names, if it names one.
    pub stage: Option<usize>,
    pub by_index: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyFact {
    pub line: usize,
    pub from: Option<CopyFrom>,
    pub sources: Vec<String>,
    pub dest: String,
    /// The destination resolved against WORKDIR.
    pub dest_abs: String,
    pub chown: Option<String>,
    /// `COPY . .` and the like: the whole build context.
    pub whole_context: bool,
}

impl CopyFact {
    pub fn from_stage(&self) -> Option<usize> {
        self.from.as_ref().and_then(|f| f.stage)
    }

    /// Where `path` of the source lands, if this copy carries it: the source itself or a
    /// folder above it (`COPY --from=b /opt /opt` carries `/opt/venv`).
    pub fn lands(&self, path: &str) -> Option<String> {
        let path = path.trim_end_matches('/');
        self.sources.iter().find_map(|s| {
            let s = s.trim_end_matches('/');
            let rest = if s.is_empty() {
                Some(path)
            } else if path == s {
                Some("")
            } else {
                path.strip_prefix(s).filter(|r| r.starts_with('/'))
            }?;
            Some(format!("{}{rest}", self.dest_abs.trim_end_matches('/')))
        })
    }
}

/// A `chown` or `COPY --chown` and whether its user and group exist at that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ownership {
    pub line: usize,
    pub spec: String,
    /// The user or group named that does not exist at that point.
    pub missing: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub index: usize,
    pub name: Option<String>,
    /// Line of the FROM.
    pub line: usize,
    /// What the FROM line is malformed by, if it is.
    pub from_problem: Option<String>,
    /// The image this stage stands on, followed through earlier stages (`FROM base` where
    /// `base` is `python:3.11-slim` is `python:3.11-slim`).
    pub base: Base,
    /// `FROM builder`: the stage this one starts from.
    pub parent: Option<usize>,
    /// Keywords in order, with their lines (for the diagram and for ordering checks).
    pub instructions: Vec<At<&'static str>>,
    // What this stage itself does (a parent's work is reached through `parent`).
    pub package_runs: Vec<PackageRun>,
    pub pip_installs: Vec<PipInstall>,
    pub venvs: Vec<At<String>>,
    pub users_created: Vec<At<String>>,
    pub ownership: Vec<Ownership>,
    pub env: Vec<At<(String, String)>>,
    pub expose: Vec<At<String>>,
    pub healthcheck: Option<usize>,
    pub copies: Vec<CopyFact>,
    /// A COPY that replaced the stage's accounts (`/etc/passwd`) with another stage's.
    pub accounts_replaced: Option<usize>,
    /// Everything true at the end of the stage, inherited included. Dropped (left empty)
    /// for a stage nothing builds on or copies from, once it is read: only the stages the
    /// final image is made from are asked about it, and a file of 100,000 stages would
    /// otherwise hold 100,000 of them.
    pub state: Arc<State>,
    /// The command a container of this stage starts with.
    pub command: Option<Box<ContainerCommand>>,
    /// What the go command does in this stage.
    pub go: go::GoWork,
}

impl Stage {
    /// `builder` or `stage 1`, for messages.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("stage {}", self.index + 1))
    }

    pub fn user(&self) -> Option<&At<String>> {
        self.state.user.as_ref()
    }

    pub fn env_value(&self, key: &str) -> Option<&str> {
        self.state.env_value(key)
    }

    pub fn path(&self) -> &[std::sync::Arc<str>] {
        self.state.path()
    }

    /// Whether a path (or something inside it) was created in this stage or one it starts
    /// from.
    pub fn created(&self, path: &str) -> bool {
        self.state.created(path)
    }

    /// Whether the stage can be said for certain not to have `path`: nothing created it or
    /// a folder it lives in, and it is not where base images keep their own files.
    pub fn lacks(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        if self.state.created(path) || self.state.holds(path) {
            return false;
        }
        let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
        let base_dir = matches!(
            top,
            "" | "usr"
                | "etc"
                | "bin"
                | "lib"
                | "lib64"
                | "sbin"
                | "var"
                | "proc"
                | "sys"
                | "dev"
                | "run"
                | "boot"
                | "media"
                | "mnt"
                | "tmp"
        ) || matches!(path, "/root" | "/home" | "/opt" | "/srv");
        !base_dir
            && matches!(
                self.base.variant,
                Variant::Full | Variant::Slim | Variant::Alpine
            )
    }

    pub fn apt_packages(&self) -> impl Iterator<Item = &str> {
        self.package_runs.iter().flat_map(PackageRun::names)
    }

    /// Whether `name` exists as a user at `line` (created before it, built in, or a number).
    pub fn user_exists(&self, name: &str, line: usize) -> bool {
        is_numeric(name)
            || !self.base.known_accounts()
            || (self.base.nonroot && name == "nonroot")
            || built_in_user(name)
            || self.state.user_created(name).is_some_and(|l| l < line)
    }
}

#[derive(Debug, Clone)]
pub struct Facts {
    pub stages: Vec<Stage>,
    /// The stage the final stage copies its dependencies from (the only stage when there is
    /// one): what the rubric calls the build stage.
    pub build_stage: Option<usize>,
    /// `needed[i]`: the final image depends on stage i (itself included).
    pub needed: Vec<bool>,
    /// Lines of `# TODO n` comments, by number.
    pub todo_lines: Vec<(u32, usize)>,
    names: HashMap<String, usize>,
}

impl Facts {
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    pub fn build(&self) -> Option<&Stage> {
        self.build_stage.and_then(|i| self.stages.get(i))
    }

    pub fn stage_named(&self, name: &str) -> Option<usize> {
        self.names.get(&name.to_ascii_lowercase()).copied()
    }

    /// The stage and the stages it starts from, nearest first.
    pub fn lineage(&self, index: usize) -> impl Iterator<Item = &Stage> {
        std::iter::successors(self.stages.get(index), |s| {
            s.parent.and_then(|p| self.stages.get(p))
        })
    }

    /// Every pip (or uv, pipenv, poetry) install of a stage and the stages it starts from.
    pub fn installs_of(&self, index: usize) -> impl Iterator<Item = &PipInstall> {
        self.lineage(index).flat_map(|s| s.pip_installs.iter())
    }

    /// How the installed packages reach the final stage, if they do.
    pub fn delivery(&self) -> Option<Delivery<'_>> {
        install::delivery(self)
    }
}

/// Derives the facts of every stage.
pub fn derive(parsed: &Parsed) -> Facts {
    let mut global_args: HashMap<String, String> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let referenced = referenced_stages(parsed);
    let last_base_use = last_base_use(parsed, &referenced);

    for (position, ins) in parsed.instructions.iter().enumerate() {
        if let Kind::From {
            image,
            image_text,
            alias,
            problem,
        } = &ins.kind
        {
            let text = if image_text.contains('$') {
                state::expand(image_text, |n| global_args.get(n).cloned())
            } else {
                image_text.clone()
            };
            let parent = names.get(&text.to_ascii_lowercase()).copied();
            if let Some(done) = stages.last_mut() {
                finish(done, &referenced);
            }
            let (base, state) = match parent.and_then(|p| stages.get_mut(p)) {
                Some(p) => {
                    let state = p.state.for_child();
                    // The last stage built on it, and nothing copies from it: the child
                    // takes the state over instead of sharing it, so a chain of stages
                    // grows its maps in place rather than copying a path per insert.
                    if last_base_use.get(&text.to_ascii_lowercase()) == Some(&position) {
                        p.state = empty_state();
                    }
                    (p.base.clone(), state)
                }
                None => {
                    let reference = if text == *image_text {
                        image.clone()
                    } else {
                        ImageRef::parse(&text)
                    };
                    (Base::classify(&text, &reference), State::default())
                }
            };
            let index = stages.len();
            if let Some(a) = alias {
                names.entry(a.to_ascii_lowercase()).or_insert(index);
            }
            stages.push(Stage {
                index,
                name: alias.clone(),
                line: ins.span.line,
                from_problem: problem.clone(),
                base,
                parent,
                instructions: vec![At {
                    value: "FROM",
                    line: ins.span.line,
                }],
                package_runs: vec![],
                pip_installs: vec![],
                venvs: vec![],
                users_created: vec![],
                ownership: vec![],
                env: vec![],
                expose: vec![],
                healthcheck: None,
                copies: vec![],
                accounts_replaced: None,
                state: Arc::new(state),
                command: None,
                go: go::GoWork::default(),
            });
            continue;
        }
        let Some((current, earlier)) = stages.split_last_mut() else {
            if let Kind::Arg(args) = &ins.kind {
                for (k, v) in args {
                    global_args.insert(k.clone(), v.clone().unwrap_or_default());
                }
            }
            continue;
        };
        current.instructions.push(At {
            value: ins.known_keyword(),
            line: ins.span.line,
        });
        add_instruction(current, earlier, ins, &names, &global_args);
    }

    if let Some(last) = stages.last_mut() {
        last.command = command::read(&last.state, &last.base).map(Box::new);
    }
    let needed = needed_stages(&stages);
    let mut facts = Facts {
        stages,
        build_stage: None,
        needed,
        todo_lines: parsed.todos.iter().map(|t| (t.number, t.line)).collect(),
        names,
    };
    facts.build_stage = install::find_build_stage(&facts);
    facts
}

/// Names and numbers a `FROM` or `COPY --from` mentions: the stages that may be built on.
fn referenced_stages(parsed: &Parsed) -> HashSet<String> {
    let mut names = HashSet::new();
    for ins in &parsed.instructions {
        match &ins.kind {
            Kind::From { image_text, .. } => {
                names.insert(image_text.to_ascii_lowercase());
            }
            Kind::Copy { .. } => {
                if let Some(v) = ins.flag("from").and_then(|f| f.value.as_ref()) {
                    names.insert(v.to_ascii_lowercase());
                }
            }
            _ => {}
        }
    }
    names
}

/// For each stage name that only `FROM` lines use (no `COPY --from`, no `--mount from=`,
/// no `$` that could name any stage), where the last `FROM` naming it is.
fn last_base_use(parsed: &Parsed, referenced: &HashSet<String>) -> HashMap<String, usize> {
    let mut last = HashMap::new();
    if referenced.iter().any(|r| r.contains('$')) {
        return last;
    }
    let mut copied_from: HashSet<String> = HashSet::new();
    let mut aliases: Vec<Option<String>> = Vec::new();
    for (position, ins) in parsed.instructions.iter().enumerate() {
        if let Kind::From {
            image_text, alias, ..
        } = &ins.kind
        {
            last.insert(image_text.to_ascii_lowercase(), position);
            aliases.push(alias.as_ref().map(|a| a.to_ascii_lowercase()));
        }
        for flag in &ins.flags {
            if flag.name == "from" {
                copied_from.extend(flag.value.as_ref().map(|v| v.to_ascii_lowercase()));
            } else if flag.name == "mount"
                && let Some(v) = &flag.value
            {
                copied_from.extend(
                    v.split(',')
                        .filter_map(|kv| kv.trim().strip_prefix("from="))
                        .map(str::to_ascii_lowercase),
                );
            }
        }
    }
    // `--from=1` names a stage by its number.
    let by_number: Vec<String> = copied_from
        .iter()
        .filter_map(|r| r.parse::<usize>().ok())
        .filter_map(|n| aliases.get(n).cloned().flatten())
        .collect();
    last.retain(|name, _| !copied_from.contains(name) && !by_number.contains(name));
    last
}

/// A stage is complete: read its command, and let its state go if nothing can refer to it.
fn finish(stage: &mut Stage, referenced: &HashSet<String>) {
    stage.command = command::read(&stage.state, &stage.base).map(Box::new);
    let named = stage
        .name
        .as_ref()
        .is_some_and(|n| referenced.contains(&n.to_ascii_lowercase()));
    // `FROM ${BASE}` may name any stage once its argument is known: keep them all then.
    if !named
        && !referenced.contains(&stage.index.to_string())
        && !referenced.iter().any(|r| r.contains('$'))
    {
        stage.state = empty_state();
    }
}

fn empty_state() -> Arc<State> {
    static EMPTY: std::sync::OnceLock<Arc<State>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::new(State::default())).clone()
}

fn add_instruction(
    stage: &mut Stage,
    earlier: &[Stage],
    ins: &Instruction,
    names: &HashMap<String, usize>,
    global_args: &HashMap<String, String>,
) {
    let line = ins.span.line;
    match &ins.kind {
        Kind::Run { script, .. } => add_run(stage, ins, script, line),
        Kind::Env(vars) => {
            // Every value of one ENV sees the environment from before the instruction.
            let before = stage.state.clone();
            for (k, v) in vars {
                if k == "PATH" {
                    Arc::make_mut(&mut stage.state).set_path(v, line);
                } else {
                    Arc::make_mut(&mut stage.state).set_env(k, before.expand(v), line);
                }
                let value = stage.state.env_value(k).unwrap_or_default().to_string();
                stage.env.push(At {
                    value: (k.clone(), value),
                    line,
                });
            }
        }
        Kind::Arg(args) => {
            for (k, v) in args {
                let value = match v {
                    Some(v) => Some(stage.state.expand(v)),
                    None => global_args.get(k).cloned(),
                };
                if let Some(value) = value {
                    Arc::make_mut(&mut stage.state).set_arg(k, value);
                }
            }
        }
        Kind::Workdir(dir) => {
            let abs = absolute(stage.state.workdir.as_deref(), &stage.state.expand(dir));
            Arc::make_mut(&mut stage.state).mark_holding(&abs);
            Arc::make_mut(&mut stage.state).workdir = Some(abs);
        }
        Kind::User(u) => {
            let user = stage.state.expand(u);
            Arc::make_mut(&mut stage.state).user = Some(At { value: user, line })
        }
        Kind::Expose(ports) => stage.expose.extend(ports.iter().map(|p| At {
            value: p.clone(),
            line,
        })),
        Kind::Healthcheck(cmd) => stage.healthcheck = cmd.as_ref().map(|_| line),
        Kind::Cmd(c) => {
            Arc::make_mut(&mut stage.state).cmd = Some(At {
                value: c.clone(),
                line,
            })
        }
        Kind::Entrypoint(e) => {
            Arc::make_mut(&mut stage.state).entrypoint = Some(At {
                value: e.clone(),
                line,
            });
            // Docker resets CMD when ENTRYPOINT is set in the same stage.
            Arc::make_mut(&mut stage.state).cmd = None;
        }
        Kind::Copy { sources, dest } => add_copy(stage, earlier, ins, sources, dest, names),
        _ => {}
    }
}

fn add_run(stage: &mut Stage, ins: &Instruction, script: &crate::shell::Script, line: usize) {
    // The shell expands the variables the stage's environment and build arguments hold.
    let expanded;
    let script = if script
        .commands
        .iter()
        .any(|c| c.words.iter().any(|w| w.contains('$')))
    {
        let mut s = script.clone();
        for c in &mut s.commands {
            for w in &mut c.words {
                if w.contains('$') {
                    *w = stage.state.expand(w);
                }
            }
        }
        expanded = s;
        &expanded
    } else {
        script
    };

    if let Some(mut run) = packages::read(script, line) {
        run.lists_from = stage.state.apt_lists;
        let lists_after = if run.cleans_cache {
            None
        } else if run.updates && run.manager == Manager::Apt {
            Some(line)
        } else {
            stage.state.apt_lists
        };
        if lists_after != stage.state.apt_lists {
            Arc::make_mut(&mut stage.state).apt_lists = lists_after;
        }
        // A Debian or Ubuntu stage that installs the distribution's python3 runs that Python.
        if stage.base.python.is_none()
            && run.installs
            && run
                .names()
                .any(|p| p == "python3" || p.starts_with("python3-") || p.starts_with("python3."))
        {
            stage.base.python = stage.base.distro_python;
        }
        if run.installs && !run.packages.is_empty() && stage.state.installed.is_none() {
            Arc::make_mut(&mut stage.state).installed = Some(At {
                value: run.packages.join(" "),
                line,
            });
        }
        stage.package_runs.push(run);
    }

    let cache_mount = ins
        .flags
        .iter()
        .any(|f| f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("type=cache")));
    let work = python::read(
        script,
        &python::RunContext {
            line,
            state: &stage.state,
            cache_mount,
        },
    );
    for (k, v) in work.settings {
        Arc::make_mut(&mut stage.state).set_env(&k, v, line);
    }
    for v in work.venvs {
        Arc::make_mut(&mut stage.state).add_venv(&v);
        stage.venvs.push(At { value: v, line });
    }
    for pip in work.installs {
        if let Some(dir) = pip.dir(stage.base.python) {
            Arc::make_mut(&mut stage.state).mark_created(&dir);
            let index = stage.pip_installs.len();
            Arc::make_mut(&mut stage.state).add_install_dir(&dir, stage.index, index);
        }
        if stage.state.installed.is_none() {
            Arc::make_mut(&mut stage.state).installed = Some(At {
                value: "Python packages".into(),
                line,
            });
        }
        stage.pip_installs.push(pip);
    }

    for cmd in &script.commands {
        if cmd.program_name() == "mkdir" {
            for dir in packages::positionals(cmd.args(), &["-m", "--mode"]) {
                let abs = absolute(stage.state.workdir.as_deref(), &dir);
                Arc::make_mut(&mut stage.state).mark_holding(&abs);
            }
        }
        // Any absolute path a command names may be made by it (`pip wheel -w /wheels`,
        // `git clone … /src`, `python -m build --outdir=/dist`): never say such a folder is
        // missing. The go command's outputs are known exactly (go::add_run, below).
        if cmd.program_name() == "go" {
            continue;
        }
        for word in cmd.args() {
            let path = if word.starts_with('/') {
                word.as_str()
            } else {
                match word.split_once("=/") {
                    Some((_, rest)) if word.starts_with('-') => {
                        &word[word.len() - rest.len() - 1..]
                    }
                    _ => continue,
                }
            };
            if !path.contains(['$', '*', '?', '`']) && !stage.state.created(path) {
                Arc::make_mut(&mut stage.state).mark_holding(path);
            }
        }
    }

    let accounts = users::read(script);
    for g in &accounts.groups {
        Arc::make_mut(&mut stage.state).add_group(g, line);
    }
    for (u, home) in accounts.users {
        Arc::make_mut(&mut stage.state).add_user(&u, line);
        if let Some(h) = home {
            Arc::make_mut(&mut stage.state).mark_holding(&h);
        }
        stage.users_created.push(At { value: u, line });
    }
    go::add_run(stage, script, line);
    for spec in accounts.chowns {
        // A chown in the same RUN as the useradd sees the new user.
        let missing = missing_owner(stage, &spec, line + 1);
        stage.ownership.push(Ownership {
            line,
            spec,
            missing,
        });
    }
}

fn add_copy(
    stage: &mut Stage,
    earlier: &[Stage],
    ins: &Instruction,
    sources: &[String],
    dest: &str,
    names: &HashMap<String, usize>,
) {
    let line = ins.span.line;
    let from = ins
        .flag("from")
        .and_then(|f| f.value.clone())
        .filter(|v| !v.is_empty())
        .map(|text| {
            let by_index = text.chars().all(|c| c.is_ascii_digit());
            let stage_ix = if by_index {
                text.parse::<usize>().ok()
            } else {
                names.get(&text.to_ascii_lowercase()).copied()
            }
            .filter(|&i| i < stage.index);
            CopyFrom {
                text,
                stage: stage_ix,
                by_index,
            }
        });
    let sources: Vec<String> = sources.iter().map(|s| stage.state.expand(s)).collect();
    let dest = stage.state.expand(dest);
    let dest_abs = absolute(stage.state.workdir.as_deref(), &dest);
    let whole_context = from.is_none()
        && sources
            .iter()
            .any(|s| matches!(s.trim_end_matches('/'), "." | "./" | "*" | "./*" | ""));
    let source_stage = from
        .as_ref()
        .and_then(|f| f.stage)
        .and_then(|i| earlier.get(i));
    let chown = ins.flag("chown").and_then(|f| f.value.clone());
    if let Some(spec) = &chown {
        let missing = missing_owner(stage, spec, line);
        stage.ownership.push(Ownership {
            line,
            spec: spec.clone(),
            missing,
        });
    }
    for s in &sources {
        let landed = |p: &str| {
            let s = s.trim_end_matches('/');
            if s.is_empty() {
                Some(p.to_string())
            } else {
                p.strip_prefix(s)
                    .filter(|r| r.is_empty() || r.starts_with('/'))
                    .map(|r| format!("{}{r}", dest_abs.trim_end_matches('/')))
            }
        };
        if let Some(src) = source_stage
            && landed("/etc/passwd").as_deref() == Some("/etc/passwd")
        {
            Arc::make_mut(&mut stage.state).replace_accounts(&src.state);
            stage.accounts_replaced = Some(line);
        }
    }
    // `COPY <<EOF /app/entrypoint.sh`: the file's text is the heredoc's (into a folder, the
    // file is named after the delimiter).
    if from.is_none() {
        for doc in &ins.heredocs {
            let path = if dest.ends_with('/') || ins.heredocs.len() > 1 {
                format!("{}/{}", dest_abs.trim_end_matches('/'), doc.delimiter)
            } else {
                dest_abs.clone()
            };
            Arc::make_mut(&mut stage.state).add_written(&path, &doc.body);
        }
    }
    Arc::make_mut(&mut stage.state).mark_holding(&dest_abs);
    // `COPY requirements.txt .` makes /requirements.txt when the destination is a folder.
    if dest.ends_with('/') || dest == "." || sources.len() > 1 {
        for s in &sources {
            let name = s.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            if !name.is_empty() && !name.contains(['*', '?']) && name != "." {
                let file = format!("{}/{name}", dest_abs.trim_end_matches('/'));
                Arc::make_mut(&mut stage.state).mark_created(&file);
            }
        }
    }
    if from.is_none() {
        let names: Vec<String> = sources
            .iter()
            .map(|s| match s.trim_end_matches('/') {
                "" | "." | "*" | "./*" => ".".to_string(),
                s => s.rsplit('/').next().unwrap_or(s).to_string(),
            })
            .collect();
        Arc::make_mut(&mut stage.state).add_copied(&dest_abs, &names);
    }
    stage.copies.push(CopyFact {
        line,
        from,
        sources,
        dest,
        dest_abs,
        chown,
        whole_context,
    });
}

/// The user or group of an owner spec that does not exist at `line`.
fn missing_owner(stage: &Stage, spec: &str, line: usize) -> Option<String> {
    let (user, group) = split_owner(spec);
    if !stage.user_exists(user, line) {
        return Some(user.to_string());
    }
    let group = group?;
    let exists = is_numeric(group)
        || !stage.base.known_accounts()
        || built_in_group(group)
        || stage.state.group_created(group).is_some_and(|l| l < line);
    (!exists).then(|| group.to_string())
}

/// Resolves `dest` against the working directory, as Docker does for relative paths.
pub fn absolute(workdir: Option<&str>, dest: &str) -> String {
    let dest = dest.trim_matches('"');
    let joined = if dest.starts_with('/') {
        dest.to_string()
    } else {
        let wd = workdir.unwrap_or("/");
        format!("{}/{}", wd.trim_end_matches('/'), dest)
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn needed_stages(stages: &[Stage]) -> Vec<bool> {
    let mut needed = vec![false; stages.len()];
    let mut todo: Vec<usize> = stages.len().checked_sub(1).into_iter().collect();
    while let Some(i) = todo.pop() {
        if std::mem::replace(&mut needed[i], true) {
            continue;
        }
        let s = &stages[i];
        todo.extend(s.parent);
        todo.extend(
            s.copies
                .iter()
                .filter_map(CopyFact::from_stage)
                .filter(|&j| j != i),
        );
    }
    needed
}

#[cfg(test)]
mod tests;
