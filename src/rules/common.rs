//! Questions several rules ask of the facts, answered once.

use super::Outcome;
use crate::facts::{CopyFact, Facts, PipInstall, PipTarget, Stage};

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
        return Err(Outcome::fail(
            Some(fin.line),
            format!(
                "line {}: there is only one stage; add a runtime stage with a second FROM",
                fin.line
            ),
        ));
    }
    Ok((build, fin))
}

/// The pip install that reads the exercise's requirements file.
pub fn requirements_install<'a>(
    stage: &'a Stage,
    requirements_file: &str,
) -> Option<&'a PipInstall> {
    stage.pip_installs.iter().find(|p| {
        p.requirement_files
            .iter()
            .any(|r| basename(r) == basename(requirements_file))
    })
}

/// Layer caching: the requirements file is copied on its own, and nothing else from the
/// context is copied before pip installs from it. `Ok(pip line)` or the failure.
pub fn requirements_copied_first(stage: &Stage, requirements_file: &str) -> Result<usize, Outcome> {
    let Some(pip) = requirements_install(stage, requirements_file) else {
        return Err(Outcome::fail(
            None,
            format!(
                "{} never runs `pip install -r {requirements_file}`",
                stage.label()
            ),
        ));
    };
    let before: Vec<&CopyFact> = stage
        .copies
        .iter()
        .filter(|c| c.line < pip.line && c.from.is_none())
        .collect();
    if let Some(c) = before.iter().find(|c| c.whole_context) {
        return Err(Outcome::fail(
            Some(c.line),
            format!(
                "line {}: COPY {} copies the whole context before pip install (line {}), so any source change reinstalls every package",
                c.line,
                c.sources.join(" "),
                pip.line
            ),
        ));
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
                        "line {}: {requirements_file} is copied together with other files; copy it on its own",
                        c.line
                    ),
                ),
                None => Outcome::fail(
                    Some(pip.line),
                    format!(
                        "line {}: pip reads {requirements_file}, but it is not copied in before that line",
                        pip.line
                    ),
                ),
            })
        }
    }
}

/// Where a pip install put its packages, as a path another stage could copy.
pub fn install_dir(pip: &PipInstall, stage: &Stage) -> Option<String> {
    match &pip.target {
        PipTarget::Venv(p) | PipTarget::Prefix(p) | PipTarget::Target(p) => Some(p.clone()),
        PipTarget::User => stage
            .created_paths
            .iter()
            .find(|c| c.line == pip.line)
            .map(|c| c.value.clone()),
        PipTarget::System => stage
            .base
            .python
            .map(|(major, minor)| format!("/usr/local/lib/python{major}.{minor}/site-packages")),
    }
}

/// The final stage's COPY --from of the build stage that carries the installed packages,
/// with the pip install it carries.
pub fn dependency_copy<'a>(
    build: &'a Stage,
    fin: &'a Stage,
) -> Option<(&'a CopyFact, &'a PipInstall, String)> {
    for copy in fin
        .copies
        .iter()
        .filter(|c| c.from.as_ref().and_then(|f| f.stage) == Some(build.index))
    {
        for pip in &build.pip_installs {
            if let Some(dir) = install_dir(pip, build)
                && copy
                    .sources
                    .iter()
                    .any(|s| s.trim_end_matches('/') == dir.trim_end_matches('/'))
            {
                return Some((copy, pip, dir));
            }
        }
    }
    None
}
