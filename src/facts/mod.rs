//! Instructions → facts per stage, derived once. Rules and views read these, never text.

mod base;
mod commands;

pub use base::{Base, Libc, Variant};
pub use commands::{Manager, PackageRun, PipInstall, PipTarget, requirement_name};

use serde::Serialize;

use crate::syntax::{CommandForm, Instruction, Kind, Parsed};

const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct At<T> {
    pub value: T,
    pub line: usize,
}

/// Where a `COPY --from` copies from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyFrom {
    /// As written: `builder`, `0`, or an image name.
    pub text: String,
    /// The stage it names, if it names one.
    pub stage: Option<usize>,
    pub by_index: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    pub index: usize,
    pub name: Option<String>,
    /// Line of the FROM.
    pub line: usize,
    pub base: Base,
    /// `FROM builder`: the stage this one starts from.
    pub parent: Option<usize>,
    /// Keywords in order, with their lines (for the diagram and for ordering checks).
    pub instructions: Vec<At<String>>,
    pub package_runs: Vec<PackageRun>,
    pub pip_installs: Vec<PipInstall>,
    pub venvs: Vec<At<String>>,
    pub created_paths: Vec<At<String>>,
    pub users_created: Vec<At<String>>,
    pub chowns: bool,
    pub env: Vec<At<(String, String)>>,
    /// PATH at the end of the stage, split into entries.
    pub path: Vec<String>,
    /// The last USER of the stage (inherited from a parent stage when it has none).
    pub user: Option<At<String>>,
    pub expose: Vec<At<String>>,
    pub healthcheck: Option<usize>,
    pub cmd: Option<At<CommandForm>>,
    pub entrypoint: Option<At<CommandForm>>,
    pub copies: Vec<CopyFact>,
    pub workdir: Option<String>,
}

impl Stage {
    /// `builder` or `stage 1`, for messages.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("stage {}", self.index + 1))
    }

    pub fn env_value(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|e| e.value.0 == key)
            .map(|e| e.value.1.as_str())
    }

    pub fn apt_packages(&self) -> impl Iterator<Item = &str> {
        self.package_runs
            .iter()
            .flat_map(|r| r.packages.iter().map(String::as_str))
    }

    /// The program words that run when the container starts: ENTRYPOINT then CMD, as
    /// Docker combines them (a shell-form ENTRYPOINT ignores CMD).
    pub fn command_words(&self) -> Vec<String> {
        match (&self.entrypoint, &self.cmd) {
            (Some(e), _) if matches!(e.value, CommandForm::Shell(_)) => e.value.words(),
            (Some(e), Some(c)) => [e.value.words(), c.value.words()].concat(),
            (Some(e), None) => e.value.words(),
            (None, Some(c)) => c.value.words(),
            (None, None) => vec![],
        }
    }

    /// Line of the instruction that sets the command (the later of ENTRYPOINT and CMD).
    pub fn command_line(&self) -> Option<usize> {
        self.entrypoint
            .iter()
            .map(|e| e.line)
            .chain(self.cmd.iter().map(|c| c.line))
            .max()
    }

    /// Whether a Python install location (virtualenv, prefix, ...) was created here.
    pub fn created(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        self.created_paths.iter().any(|p| {
            let p = p.value.trim_end_matches('/');
            p == path || p.starts_with(&format!("{path}/"))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub stages: Vec<Stage>,
    /// The stage the final stage copies its dependencies from (the only stage when there is
    /// one): what the rubric calls the build stage.
    pub build_stage: Option<usize>,
    /// `needed[i]`: the final image depends on stage i (itself included).
    pub needed: Vec<bool>,
    /// Lines of `# TODO n` comments, by number.
    pub todo_lines: Vec<(u32, usize)>,
}

impl Facts {
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    pub fn build(&self) -> Option<&Stage> {
        self.build_stage.map(|i| &self.stages[i])
    }

    pub fn stage_named(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    }
}

/// Derives the facts of every stage.
pub fn derive(parsed: &Parsed) -> Facts {
    let mut global_args: Vec<(String, String)> = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    // Stage names kept apart so they can be read while the current stage is borrowed.
    let mut names: Vec<Option<String>> = Vec::new();

    for ins in &parsed.instructions {
        if let Kind::From {
            image,
            image_text,
            alias,
        } = &ins.kind
        {
            let text = substitute(image_text, &global_args);
            let parent = stages.iter().position(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&text))
            });
            let parsed_ref = if text != *image_text {
                dockerfile_parser::ImageRef::parse(&text)
            } else {
                image.clone()
            };
            let mut stage = Stage {
                index: stages.len(),
                name: alias.clone(),
                line: ins.span.line,
                base: Base::classify(&text, &parsed_ref, parent.is_some()),
                parent,
                instructions: vec![At {
                    value: "FROM".into(),
                    line: ins.span.line,
                }],
                package_runs: vec![],
                pip_installs: vec![],
                venvs: vec![],
                created_paths: vec![],
                users_created: vec![],
                chowns: false,
                env: vec![],
                path: DEFAULT_PATH.split(':').map(str::to_string).collect(),
                user: None,
                expose: vec![],
                healthcheck: None,
                cmd: None,
                entrypoint: None,
                copies: vec![],
                workdir: None,
            };
            if let Some(p) = parent {
                inherit(&mut stage, &stages[p]);
            }
            names.push(stage.name.clone());
            stages.push(stage);
            continue;
        }
        let Some(stage) = stages.last_mut() else {
            if let Kind::Arg(args) = &ins.kind {
                global_args.extend(
                    args.iter()
                        .map(|(k, v)| (k.clone(), v.clone().unwrap_or_default())),
                );
            }
            continue;
        };
        stage.instructions.push(At {
            value: ins.keyword.clone(),
            line: ins.span.line,
        });
        add_instruction(stage, ins, &names);
    }

    resolve_copy_sources(&mut stages);
    let needed = needed_stages(&stages);
    let build_stage = find_build_stage(&stages);
    Facts {
        stages,
        build_stage,
        needed,
        todo_lines: parsed.todos.iter().map(|t| (t.number, t.line)).collect(),
    }
}

fn inherit(stage: &mut Stage, parent: &Stage) {
    stage.env = parent.env.clone();
    stage.path = parent.path.clone();
    stage.user = parent.user.clone();
    stage.cmd = parent.cmd.clone();
    stage.entrypoint = parent.entrypoint.clone();
    stage.workdir = parent.workdir.clone();
    stage.venvs = parent.venvs.clone();
    stage.created_paths = parent.created_paths.clone();
    stage.users_created = parent.users_created.clone();
    stage.package_runs = parent.package_runs.clone();
    stage.pip_installs = parent.pip_installs.clone();
}

fn add_instruction(stage: &mut Stage, ins: &Instruction, names: &[Option<String>]) {
    let line = ins.span.line;
    match &ins.kind {
        Kind::Run { script, .. } => {
            let fx = commands::read_run(script, line, &|new_venvs| active_venv(stage, new_venvs));
            if let Some(run) = fx.package_run {
                stage.package_runs.push(run);
            }
            for dir in fx.created_dirs {
                let abs = absolute(stage.workdir.as_deref(), &dir);
                stage.created_paths.push(At { value: abs, line });
            }
            for v in fx.venvs {
                let abs = absolute(stage.workdir.as_deref(), &v);
                stage.venvs.push(At { value: abs, line });
            }
            for mut pip in fx.pip_installs {
                let created = match &mut pip.target {
                    PipTarget::Venv(p) | PipTarget::Prefix(p) | PipTarget::Target(p) => {
                        *p = absolute(stage.workdir.as_deref(), p);
                        Some(p.clone())
                    }
                    PipTarget::User => Some(user_base(stage)),
                    PipTarget::System => None,
                };
                if let Some(p) = created {
                    stage.created_paths.push(At { value: p, line });
                }
                stage.pip_installs.push(pip);
            }
            for u in fx.users {
                stage.users_created.push(At { value: u, line });
            }
            stage.chowns |= fx.chowns;
        }
        Kind::Env(vars) => {
            for (k, v) in vars {
                let value = if k == "PATH" {
                    expand_path(v, &stage.path)
                } else {
                    v.clone()
                };
                if k == "PATH" {
                    stage.path = value
                        .split(':')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect();
                }
                stage.env.push(At {
                    value: (k.clone(), value),
                    line,
                });
            }
        }
        Kind::Workdir(dir) => {
            let abs = absolute(stage.workdir.as_deref(), dir);
            stage.created_paths.push(At {
                value: abs.clone(),
                line,
            });
            stage.workdir = Some(abs);
        }
        Kind::User(u) => {
            stage.user = Some(At {
                value: u.clone(),
                line,
            })
        }
        Kind::Expose(ports) => stage.expose.extend(ports.iter().map(|p| At {
            value: p.clone(),
            line,
        })),
        Kind::Healthcheck(cmd) => stage.healthcheck = cmd.as_ref().map(|_| line),
        Kind::Cmd(c) => {
            stage.cmd = Some(At {
                value: c.clone(),
                line,
            })
        }
        Kind::Entrypoint(e) => {
            stage.entrypoint = Some(At {
                value: e.clone(),
                line,
            });
            // Docker resets CMD when ENTRYPOINT is set in the same stage.
            stage.cmd = None;
        }
        Kind::Copy { sources, dest } => {
            let from = ins
                .flag("from")
                .and_then(|f| f.value.clone())
                .filter(|v| !v.is_empty())
                .map(|text| {
                    let by_index = text.chars().all(|c| c.is_ascii_digit());
                    let stage_ix = if by_index {
                        text.parse::<usize>().ok().filter(|&i| i < names.len())
                    } else {
                        names.iter().position(|n| {
                            n.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&text))
                        })
                    };
                    CopyFrom {
                        text,
                        stage: stage_ix,
                        by_index,
                    }
                });
            let dest_abs = absolute(stage.workdir.as_deref(), dest);
            let whole_context = from.is_none()
                && sources
                    .iter()
                    .any(|s| matches!(s.trim_end_matches('/'), "." | "./" | "*" | "./*" | ""));
            stage.created_paths.push(At {
                value: dest_abs.clone(),
                line,
            });
            stage.copies.push(CopyFact {
                line,
                from,
                sources: sources.clone(),
                dest: dest.clone(),
                dest_abs,
                chown: ins.flag("chown").and_then(|f| f.value.clone()),
                whole_context,
            });
        }
        _ => {}
    }
}

/// The virtualenv that `pip` would run from: one whose `bin` is on PATH ahead of the
/// system's, or `VIRTUAL_ENV`.
fn active_venv(stage: &Stage, new_venvs: &[String]) -> Option<String> {
    for entry in &stage.path {
        if let Some(dir) = entry.trim_end_matches('/').strip_suffix("/bin") {
            let exists = stage.venvs.iter().any(|v| v.value == dir)
                || new_venvs
                    .iter()
                    .any(|v| absolute(stage.workdir.as_deref(), v) == dir);
            if exists || stage.env_value("VIRTUAL_ENV") == Some(dir) {
                return Some(dir.to_string());
            }
        }
        if DEFAULT_PATH.split(':').any(|d| d == entry) {
            break;
        }
    }
    None
}

/// `~/.local` of the user pip runs as.
fn user_base(stage: &Stage) -> String {
    if let Some(base) = stage.env_value("PYTHONUSERBASE") {
        return base.to_string();
    }
    match stage
        .user
        .as_ref()
        .map(|u| u.value.split(':').next().unwrap_or("").to_string())
    {
        None => "/root/.local".into(),
        Some(u) if u == "root" || u == "0" => "/root/.local".into(),
        Some(u) => format!("/home/{u}/.local"),
    }
}

fn expand_path(value: &str, current: &[String]) -> String {
    let old = current.join(":");
    value.replace("${PATH}", &old).replace("$PATH", &old)
}

fn substitute(text: &str, args: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in args {
        out = out
            .replace(&format!("${{{k}}}"), v)
            .replace(&format!("${k}"), v);
    }
    out
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

/// `COPY --from=name` written before stage `name` exists cannot be resolved in one pass;
/// resolve names against all stages now.
fn resolve_copy_sources(stages: &mut [Stage]) {
    let names: Vec<Option<String>> = stages.iter().map(|s| s.name.clone()).collect();
    for stage in stages.iter_mut() {
        for copy in &mut stage.copies {
            if let Some(from) = &mut copy.from
                && from.stage.is_none()
                && !from.by_index
            {
                from.stage = names.iter().position(|n| {
                    n.as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(&from.text))
                });
            }
        }
    }
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
                .filter_map(|c| c.from.as_ref()?.stage)
                .filter(|&j| j != i),
        );
    }
    needed
}

fn find_build_stage(stages: &[Stage]) -> Option<usize> {
    let last = stages.len().checked_sub(1)?;
    if last == 0 {
        return Some(0);
    }
    let fin = &stages[last];
    let sources: Vec<(usize, &CopyFact)> = fin
        .copies
        .iter()
        .filter_map(|c| Some((c.from.as_ref()?.stage?, c)))
        .filter(|(i, _)| *i != last)
        .collect();
    // Prefer the stage whose pip installs the final stage copies.
    sources
        .iter()
        .find(|(i, c)| {
            !stages[*i].pip_installs.is_empty() && c.sources.iter().any(|s| stages[*i].created(s))
        })
        .or_else(|| {
            sources
                .iter()
                .find(|(i, _)| !stages[*i].pip_installs.is_empty())
        })
        .or(sources.first())
        .map(|(i, _)| *i)
        .or(fin.parent)
        .or_else(|| {
            stages[..last]
                .iter()
                .position(|s| !s.pip_installs.is_empty())
        })
        .or(Some(0))
}

#[cfg(test)]
mod tests;
