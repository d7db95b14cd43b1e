//! Questions several rules ask of the facts, answered once. Rules share these, never each
//! other's code.

use super::{Consequence, Outcome};
use crate::facts::{CopyFact, Facts, PipInstall, Stage};

pub fn basename(path: &str) -> &str {
    let p = path.trim_end_matches('/');
    p.rsplit('/').next().unwrap_or(p)
}

pub fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    matches!(name, "root" | "0" | "")
}

/// The build stage, or a failure that says there is none yet.
pub fn build_stage(facts: &Facts) -> Result<&Stage, Outcome> {
    facts
        .build()
        .ok_or_else(|| Outcome::fail(None, "no build stage yet"))
}

/// The build stage and a separate final stage, or a failure that says a runtime stage is
/// still missing.
pub fn build_and_final(facts: &Facts) -> Result<(&Stage, &Stage), Outcome> {
    let fin = facts
        .final_stage()
        .ok_or_else(|| Outcome::fail(None, "no stages yet"))?;
    let build = build_stage(facts)?;
    if facts.stages.len() < 2 || build.index == fin.index {
        return Err(one_stage(fin));
    }
    Ok((build, fin))
}

/// What every runtime-stage check says while there is only one stage.
pub fn one_stage(fin: &Stage) -> Outcome {
    Outcome::fail(
        Some(fin.line),
        "there is only one stage: add a runtime stage with a second FROM",
    )
    .because(Consequence::BiggerImage)
}

/// What the user checks say while the final stage has no USER (what that does, running as
/// root, is the consequence's to say).
pub fn no_user(fin: &Stage) -> Outcome {
    let how = if fin.base.variant == crate::facts::Variant::Distroless {
        format!(
            "the final stage has no USER, and `{}` starts as uid 0; use its `:nonroot` tag or add `USER 65532`",
            fin.base.text
        )
    } else {
        "the final stage has no USER: create a user (`RUN useradd --create-home appuser`) and add `USER appuser` before the command".to_string()
    };
    Outcome::fail(Some(fin.line), how).because(Consequence::RunsAsRoot)
}

/// The install that reads the exercise's requirements file, in the stage or one it starts
/// from.
pub fn requirements_install<'a>(
    facts: &'a Facts,
    stage: &Stage,
    requirements_file: &str,
) -> Option<&'a PipInstall> {
    facts
        .installs_of(stage.index)
        .find(|p| p.reads(requirements_file))
}

/// Whether what the image installs is the exercise's requirements file (so the pack's
/// list says which servers are there); a project installed from its own `pyproject.toml`,
/// `Pipfile` or another requirements file may hold any.
pub fn installs_pack_requirements(facts: &Facts, requirements_file: &str) -> bool {
    let Some(build) = facts.build() else {
        return true;
    };
    let mut installs = facts.installs_of(build.index).peekable();
    installs.peek().is_none() || requirements_install(facts, build, requirements_file).is_some()
}

/// The install that matters: the one reading the requirements file, else the first that
/// installs more than the installer itself (`pip install pipenv` is tooling).
pub fn main_install<'a>(
    facts: &'a Facts,
    stage: &Stage,
    requirements_file: &str,
) -> Option<&'a PipInstall> {
    const TOOLING: &[&str] = &["pip", "setuptools", "wheel", "uv", "poetry", "pipenv"];
    requirements_install(facts, stage, requirements_file)
        .or_else(|| {
            facts.installs_of(stage.index).find(|p| {
                !p.requirement_files.is_empty()
                    || p.project.is_some()
                    || p.packages
                        .iter()
                        .any(|n| !TOOLING.contains(&crate::facts::requirement_name(n).as_str()))
            })
        })
        .or_else(|| facts.installs_of(stage.index).next())
}

/// Layer caching: the requirements file is copied on its own, and nothing else from the
/// context is copied before pip installs from it. `Ok(line of that COPY)` or the failure.
pub fn requirements_copied_first(
    facts: &Facts,
    stage: &Stage,
    requirements_file: &str,
) -> Result<usize, Outcome> {
    let Some(pip) = requirements_install(facts, stage, requirements_file) else {
        return Err(Outcome::fail(
            Some(stage.line),
            format!(
                "{} never runs `pip install -r {requirements_file}`",
                stage.label()
            ),
        ));
    };
    let before: Vec<&CopyFact> = facts
        .lineage(stage.index)
        .flat_map(|s| s.copies.iter())
        .filter(|c| c.line < pip.line && c.from.is_none())
        .collect();
    if let Some(c) = before.iter().find(|c| c.whole_context) {
        return Err(Outcome::fail(
            Some(c.line),
            format!(
                "COPY {} copies the whole context before the pip install (line {}), so any change to the app reinstalls every package",
                c.sources.join(" "),
                pip.line
            ),
        )
        .because(Consequence::SlowerRebuilds));
    }
    let alone = before.iter().find(|c| {
        c.sources
            .iter()
            .all(|s| basename(s) == basename(requirements_file))
    });
    match alone {
        Some(c) => Ok(c.line),
        None => {
            let mixed = before.iter().find(|c| {
                c.sources
                    .iter()
                    .any(|s| basename(s) == basename(requirements_file))
            });
            Err(match mixed {
                Some(c) => Outcome::fail(
                    Some(c.line),
                    format!(
                        "{requirements_file} is copied together with other files, so a change to any of them reinstalls every package; copy it on its own"
                    ),
                )
                .because(Consequence::SlowerRebuilds),
                None => Outcome::fail(
                    Some(pip.line),
                    format!(
                        "pip reads {requirements_file}, but it is not copied in before this line: pip stops with \"Could not open requirements file\""
                    ),
                )
                .because(Consequence::BuildFails),
            })
        }
    }
}

/// The one message every check that needs the packages copied gives while they are not: a
/// learner reads it once, not once per check. A final stage that installs them itself still
/// starts (while every package has a wheel); one with no install has nothing to import.
pub fn not_delivered(facts: &Facts, build: &Stage) -> Outcome {
    if let Some(pip) = final_installs(facts) {
        return Outcome::fail(
            Some(pip.line),
            format!(
                "the final stage installs the packages itself instead of copying them from {}: that works while every package has a prebuilt wheel, and breaks where one must be compiled, since this stage has no compilers",
                build.label()
            ),
        )
        .because(Consequence::Portability);
    }
    Outcome::fail(
        None,
        format!(
            "the installed packages are not copied from {} yet, so the app cannot import them",
            build.label()
        ),
    )
    .because(Consequence::WontStart)
}

/// A pip (or uv, pipenv, poetry) install of the final stage or a stage it starts from: the
/// image has packages whatever the build stage does.
pub fn final_installs(facts: &Facts) -> Option<&PipInstall> {
    let fin = facts.final_stage()?;
    facts.installs_of(fin.index).next()
}

/// What not installing from the requirements file costs: nothing starts without the
/// packages, unless the image installs them some other way (by name, a project, a wheel
/// folder), which another build may resolve to other versions.
pub fn missing_install_cost(facts: &Facts) -> Consequence {
    let elsewhere = final_installs(facts).is_some()
        || facts.delivery().is_some()
        || facts
            .build()
            .is_some_and(|b| facts.installs_of(b.index).next().is_some());
    if elsewhere {
        Consequence::NotReproducible
    } else {
        Consequence::WontStart
    }
}

/// The message every command check gives while the final stage has no command.
pub fn no_command(fin: &Stage) -> Outcome {
    Outcome::fail(
        Some(fin.line),
        "the final stage has no CMD yet, so the container runs the base image's default (a Python prompt) and serves nothing",
    )
    .because(Consequence::WontStart)
}

/// The home folder of the user the container runs as.
pub fn runtime_home(fin: &Stage) -> String {
    if let Some(home) = fin.env_value("HOME") {
        return home.trim_end_matches('/').to_string();
    }
    match fin
        .user()
        .map(|u| u.value.split(':').next().unwrap_or("").to_string())
    {
        None => "/root".into(),
        Some(u) if is_root(&u) => "/root".into(),
        Some(u) if crate::facts::is_numeric(&u) => "/".into(),
        Some(u) if u == "nonroot" => "/home/nonroot".into(),
        Some(u) => format!("/home/{u}"),
    }
}

/// Whether the container runs as root: no USER (and a base that does not set one), or a
/// root USER.
pub fn runs_as_root(fin: &Stage) -> bool {
    match fin.user() {
        Some(u) => is_root(&u.value),
        None => !fin.base.nonroot,
    }
}
