//! Where the build stage put the packages, which stage that is, and how the packages reach
//! the final stage.

use std::collections::{HashMap, HashSet};

use super::{CopyFact, Facts, PipInstall, PipTarget, Stage};

/// The final stage's `COPY --from` that carries the installed packages.
#[derive(Debug, Clone)]
pub struct Delivery<'a> {
    pub build: &'a Stage,
    pub copy: &'a CopyFact,
    pub install: &'a PipInstall,
    /// The folder in the build stage that holds the packages.
    pub installed_at: String,
    /// Where that folder lands in the final stage.
    pub lands_at: String,
}

impl Delivery<'_> {
    /// A virtualenv moved away from the path it was created at: its scripts still name the
    /// old path in their first line.
    pub fn relocated_venv(&self) -> bool {
        matches!(self.install.target, PipTarget::Venv(_)) && self.installed_at != self.lands_at
    }

    /// Where the copied console scripts (gunicorn) are.
    pub fn bin_dir(&self) -> String {
        format!("{}/bin", self.lands_at.trim_end_matches('/'))
    }

    /// `--prefix` copied into `/usr/local`: scripts on PATH, packages on sys.path already.
    pub fn into_system(&self) -> bool {
        matches!(
            self.install.target,
            PipTarget::Prefix(_) | PipTarget::System
        ) && (self.lands_at == "/usr/local" || self.lands_at == self.installed_at)
    }
}

pub fn delivery(facts: &Facts) -> Option<Delivery<'_>> {
    let fin = facts.final_stage()?;
    let build = facts.build()?;
    if build.index == fin.index {
        return None;
    }
    let installs: Vec<(&PipInstall, String)> = facts
        .installs_of(build.index)
        .filter_map(|p| Some((p, p.dir(build.base.python)?)))
        .collect();
    for copy in fin
        .copies
        .iter()
        .filter(|c| c.from_stage() == Some(build.index))
    {
        for (install, dir) in &installs {
            if let Some(lands_at) = copy.lands(dir) {
                return Some(Delivery {
                    build,
                    copy,
                    install,
                    installed_at: dir.clone(),
                    lands_at,
                });
            }
        }
    }
    None
}

/// The stage the final stage takes its dependencies from: the one whose installed packages
/// it copies; else one it copies from; else the one it starts from.
pub fn find_build_stage(facts: &Facts) -> Option<usize> {
    let stages = &facts.stages;
    let last = stages.len().checked_sub(1)?;
    if last == 0 {
        return Some(0);
    }
    let fin = &stages[last];
    let mut sources: Vec<usize> = Vec::new();
    let mut seen = HashSet::new();
    for c in &fin.copies {
        if let Some(i) = c.from_stage().filter(|&i| i != last)
            && seen.insert(i)
        {
            sources.push(i);
        }
    }
    let mut with_installs = None;
    for &i in &sources {
        // Every folder above an install directory, so each copy source is one lookup.
        let mut covered: HashMap<String, ()> = HashMap::new();
        let python = stages[i].base.python;
        let mut any = false;
        for p in facts.installs_of(i) {
            any = true;
            let Some(dir) = p.dir(python) else { continue };
            let mut d = dir.trim_end_matches('/');
            loop {
                covered.insert(d.to_string(), ());
                match d.rfind('/') {
                    Some(pos) => d = d.get(..pos).unwrap_or(""),
                    None => break,
                }
                if d.is_empty() {
                    covered.insert(String::new(), ());
                    break;
                }
            }
        }
        let carries = fin.copies.iter().any(|c| {
            c.from_stage() == Some(i)
                && c.sources
                    .iter()
                    .any(|s| covered.contains_key(s.trim_end_matches('/')))
        });
        if carries {
            return Some(i);
        }
        if any && with_installs.is_none() {
            with_installs = Some(i);
        }
    }
    with_installs
        .or(sources.first().copied())
        .or(fin.parent)
        .or_else(|| {
            stages[..last]
                .iter()
                .position(|s| !s.pip_installs.is_empty())
        })
        .or(Some(0))
}
