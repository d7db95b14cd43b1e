//! Where the build stage put the packages, which stage that is, and how the packages reach
//! the final stage.

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
    for copy in fin
        .copies
        .iter()
        .filter(|c| c.from_stage() == Some(build.index))
    {
        for source in &copy.sources {
            let Some((stage, index)) = build.state.install_under(source) else {
                continue;
            };
            let install = facts.stages.get(stage)?.pip_installs.get(index)?;
            let dir = install.dir(facts.stages[stage].base.python)?;
            if let Some(lands_at) = copy.lands(&dir) {
                return Some(Delivery {
                    build,
                    copy,
                    install,
                    installed_at: dir,
                    lands_at,
                });
            }
        }
    }
    None
}

/// The stage the final stage takes its dependencies from: the one whose installed packages
/// it copies; else one it copies from that installs something; else one it copies from;
/// else the one it starts from.
pub fn find_build_stage(facts: &Facts) -> Option<usize> {
    let stages = &facts.stages;
    let last = stages.len().checked_sub(1)?;
    if last == 0 {
        return Some(0);
    }
    let fin = &stages[last];
    let mut first_source = None;
    let mut with_installs = None;
    let mut on_python = None;
    for c in &fin.copies {
        let Some(i) = c.from_stage().filter(|&i| i != last) else {
            continue;
        };
        let source = &stages[i];
        if c.sources
            .iter()
            .any(|s| source.state.install_under(s).is_some())
        {
            return Some(i);
        }
        first_source.get_or_insert(i);
        if with_installs.is_none() && source.state.install_under("").is_some() {
            with_installs = Some(i);
        }
        // Packages installed by a script the analyzer cannot read still come from a
        // Python stage rather than, say, a Node stage that built the assets.
        if on_python.is_none() && source.base.official_python {
            on_python = Some(i);
        }
    }
    with_installs
        .or(on_python)
        .or(first_source)
        .or(fin.parent)
        .or_else(|| {
            stages[..last]
                .iter()
                .position(|s| !s.pip_installs.is_empty())
        })
        .or(Some(0))
}
