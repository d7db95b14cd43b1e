//! Estimated image sizes from the table in `assets/sizes.yaml`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::facts::{Facts, PipTarget, Stage, Variant, requirement_name};
use crate::pack::files;
use crate::rules::Params;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeTable {
    base_images: BTreeMap<String, u32>,
    full_image_includes: Vec<String>,
    apt_packages: BTreeMap<String, u32>,
    apt_lists: u32,
    pip_packages: BTreeMap<String, PipSize>,
    /// What `python -m venv` adds before anything is installed (its pip and setuptools).
    virtualenv: u32,
    /// Image sizes measured with `stagecraft compare`, by file: what the estimates are
    /// held to.
    measured: BTreeMap<String, u32>,
}

/// One requirement with the dependencies it brings.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PipSize {
    /// Installed, byte-code included.
    installed: u32,
    /// The wheels pip downloads for it: what its cache keeps.
    wheels: u32,
}

/// The table compiled into the binary (a broken table is a build-time mistake that the
/// tests catch, so the fallback is only an empty table).
pub fn table() -> &'static SizeTable {
    static TABLE: OnceLock<SizeTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let text = files::embedded(Path::new("assets/sizes.yaml")).unwrap_or_default();
        serde_yaml::from_slice(text).unwrap_or(SizeTable {
            base_images: BTreeMap::new(),
            full_image_includes: vec![],
            apt_packages: BTreeMap::new(),
            apt_lists: 0,
            pip_packages: BTreeMap::new(),
            virtualenv: 0,
            measured: BTreeMap::new(),
        })
    })
}

impl SizeTable {
    fn base(&self, variant: Variant) -> u32 {
        let key = match variant {
            Variant::Full => "full",
            Variant::Slim => "slim",
            Variant::Alpine => "alpine",
            Variant::Distroless => "distroless",
            Variant::Other => "other",
        };
        self.base_images.get(key).copied().unwrap_or(0)
    }
    pub fn apt(&self, pkg: &str) -> u32 {
        let name = pkg.split('=').next().unwrap_or(pkg);
        self.apt_packages
            .get(name)
            .or(self.apt_packages.get("default"))
            .copied()
            .unwrap_or(0)
    }
    fn pip_size(&self, pkg: &str) -> PipSize {
        self.pip_packages
            .get(pkg)
            .or(self.pip_packages.get("default"))
            .copied()
            .unwrap_or_default()
    }
    fn pip(&self, pkg: &str) -> u32 {
        self.pip_size(pkg).installed
    }
    /// pip's cache after installing `packages`: the wheels it downloaded.
    fn cache<'a>(&self, packages: impl IntoIterator<Item = &'a String>) -> u32 {
        packages.into_iter().map(|p| self.pip_size(p).wheels).sum()
    }
    /// The measured size of a reference file, in MB.
    pub fn measured(&self, file: &str) -> Option<u32> {
        self.measured.get(file).copied()
    }
}

/// Python packages a stage installs itself (requirements resolved through the pack).
fn pip_packages(stage: &Stage, params: &Params) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for pip in stage.pip_installs.iter().filter(|p| p.line > stage.line) {
        if !pip.requirement_files.is_empty() {
            names.extend(params.requirements.iter().cloned());
        }
        names.extend(
            pip.packages
                .iter()
                .map(|p| requirement_name(p))
                .filter(|p| !matches!(p.as_str(), "pip" | "setuptools" | "wheel")),
        );
    }
    names
}

fn pip_mb(stage: &Stage, params: &Params) -> u32 {
    pip_packages(stage, params)
        .iter()
        .map(|p| table().pip(p))
        .sum()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub what: String,
    pub mb: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageSize {
    pub total: u32,
    pub parts: Vec<Part>,
}

/// The estimated size of every stage.
pub fn estimate(facts: &Facts, params: &Params) -> Vec<StageSize> {
    let t = table();
    let mut sizes: Vec<StageSize> = Vec::with_capacity(facts.stages.len());
    for stage in &facts.stages {
        let mut parts = Vec::new();
        let base = match stage.parent {
            Some(p) => sizes[p].total,
            None => t.base(stage.base.variant),
        };
        parts.push(Part {
            what: stage.base.text.clone(),
            mb: base,
        });
        let own_runs = stage.package_runs.iter().filter(|r| r.line > stage.line);
        for run in own_runs {
            for pkg in &run.packages {
                if stage.base.variant == Variant::Full && t.full_image_includes.contains(pkg) {
                    continue;
                }
                parts.push(Part {
                    what: pkg.clone(),
                    mb: t.apt(pkg),
                });
            }
            if run.updates && !run.cleans_cache && run.manager == crate::facts::Manager::Apt {
                parts.push(Part {
                    what: "apt package lists".into(),
                    mb: t.apt_lists,
                });
            }
        }
        let pip = pip_mb(stage, params);
        if pip > 0 {
            if stage
                .pip_installs
                .iter()
                .any(|p| matches!(p.target, PipTarget::Venv(_)))
            {
                parts.push(Part {
                    what: "virtualenv".into(),
                    mb: t.virtualenv,
                });
            }
            parts.push(Part {
                what: "Python packages".into(),
                mb: pip,
            });
            let cached = stage
                .pip_installs
                .iter()
                .filter(|p| p.line > stage.line)
                .any(|p| !p.cache_off);
            if cached {
                parts.push(Part {
                    what: "pip cache".into(),
                    mb: t.cache(&pip_packages(stage, params)),
                });
            }
        }
        for copy in &stage.copies {
            let Some(src) = copy
                .from
                .as_ref()
                .and_then(|f| f.stage)
                .filter(|&s| s < sizes.len())
            else {
                continue;
            };
            let from = &facts.stages[src];
            if copy
                .sources
                .iter()
                .any(|s| s.trim_end_matches('/').is_empty())
            {
                parts.push(Part {
                    what: format!("all of {}", from.label()),
                    mb: sizes[src].total,
                });
            } else if let Some(target) = copy.sources.iter().find_map(|s| installs_into(from, s)) {
                let venv = if matches!(target, PipTarget::Venv(_)) {
                    t.virtualenv
                } else {
                    0
                };
                parts.push(Part {
                    what: format!("Python packages from {}", from.label()),
                    mb: pip_mb(from, params) + venv,
                });
            }
        }
        let total = parts.iter().map(|p| p.mb).sum();
        sizes.push(StageSize { total, parts });
    }
    sizes
}

/// The install whose folder `source` is, if one of the stage's installs filled it.
fn installs_into<'a>(stage: &'a Stage, source: &str) -> Option<&'a PipTarget> {
    let source = source.trim_end_matches('/');
    stage
        .pip_installs
        .iter()
        .map(|p| &p.target)
        .find(|target| match target {
            PipTarget::Venv(d)
            | PipTarget::Prefix(d)
            | PipTarget::Target(d)
            | PipTarget::User(d) => d.trim_end_matches('/') == source,
            PipTarget::System => source.contains("site-packages"),
        })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub full_single: u32,
    pub slim_single: u32,
    pub this_file: u32,
    pub savings: i64,
    pub savings_percent: i64,
    /// What the build stages carry that the final image leaves out.
    pub excluded: Vec<Part>,
    pub python: String,
}

pub fn compare(facts: &Facts, params: &Params) -> Comparison {
    let t = table();
    let sizes = estimate(facts, params);
    let pip: u32 = params.requirements.iter().map(|p| t.pip(p)).sum();
    let build_tools: u32 = params.build_packages.iter().map(|p| t.apt(p)).sum();
    let full_single = t.base(Variant::Full) + pip + t.cache(&params.requirements);
    let slim_single = t.base(Variant::Slim) + build_tools + pip;
    let this_file = sizes.last().map_or(0, |s| s.total);
    let savings = i64::from(full_single) - i64::from(this_file);
    let mut excluded = Vec::new();
    if let Some(fin) = facts.final_stage() {
        // What the final image has, and what was already listed: each thing once.
        let mut seen: BTreeSet<&str> = sizes[fin.index]
            .parts
            .iter()
            .map(|p| p.what.as_str())
            .collect();
        seen.insert("Python packages");
        // The stages the final one starts from are in it whole; from the others, what its
        // copies take (`COPY --from=builder /opt/venv` takes the virtualenv and its packages;
        // `COPY --from=builder / /` takes everything).
        let lineage: Vec<usize> = facts.lineage(fin.index).map(|s| s.index).collect();
        let mut taken: BTreeSet<(usize, &str)> = BTreeSet::new();
        let mut whole: BTreeSet<usize> = BTreeSet::new();
        for stage in facts.lineage(fin.index) {
            for copy in &stage.copies {
                let Some(src) = copy.from_stage() else {
                    continue;
                };
                let from = &facts.stages[src];
                if copy
                    .sources
                    .iter()
                    .any(|s| s.trim_end_matches('/').is_empty())
                {
                    whole.insert(src);
                } else if copy
                    .sources
                    .iter()
                    .any(|s| installs_into(from, s).is_some())
                {
                    taken.insert((src, "virtualenv"));
                    taken.insert((src, "Python packages"));
                }
            }
        }
        for (i, size) in sizes
            .iter()
            .enumerate()
            .filter(|(i, _)| facts.needed[*i] && !lineage.contains(i) && !whole.contains(i))
        {
            for part in size.parts.iter().skip(1) {
                if taken.contains(&(i, part.what.as_str())) {
                    continue;
                }
                if seen.insert(part.what.as_str()) {
                    excluded.push(Part {
                        what: format!("{} (in {})", part.what, facts.stages[i].label()),
                        mb: part.mb,
                    });
                }
            }
        }
    }
    let python = facts
        .build()
        .and_then(|b| b.base.python)
        .map_or("3".to_string(), |(a, b)| format!("{a}.{b}"));
    Comparison {
        full_single,
        slim_single,
        this_file,
        savings,
        savings_percent: if full_single > 0 {
            savings * 100 / i64::from(full_single)
        } else {
            0
        },
        excluded,
        python,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts;
    use crate::syntax;

    fn sizes(text: &str) -> Vec<StageSize> {
        estimate(&facts::derive(&syntax::parse(text)), &Params::default())
    }

    #[test]
    fn table_loads_and_multistage_is_smaller() {
        assert!(table().base(Variant::Full) > 900);
        let single = sizes(include_str!("../../starter/Dockerfile"));
        let multi = sizes(include_str!("../../solutions/venv.Dockerfile"));
        let final_multi = multi.last().unwrap().total;
        assert!(
            final_multi < single[0].total / 2,
            "{final_multi} vs {}",
            single[0].total
        );
        // The runtime has the Python packages but not the compilers.
        let parts: Vec<&str> = multi
            .last()
            .unwrap()
            .parts
            .iter()
            .map(|p| p.what.as_str())
            .collect();
        assert!(
            parts
                .iter()
                .any(|p| p.starts_with("Python packages from builder")),
            "{parts:?}"
        );
        assert!(!parts.contains(&"gcc"));
    }

    #[test]
    fn excluded_lists_only_what_the_final_image_lacks() {
        let excluded = |text: &str| -> Vec<String> {
            compare(&facts::derive(&syntax::parse(text)), &Params::default())
                .excluded
                .into_iter()
                .map(|p| p.what)
                .collect()
        };
        // The virtualenv is copied: only the compilers stay behind.
        assert_eq!(
            excluded(include_str!("../../solutions/venv.Dockerfile")),
            vec!["gcc (in builder)", "g++ (in builder)"]
        );
        // A final stage built on the build stage has everything it has.
        assert!(
            excluded("FROM python:3.11-slim AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt\nFROM builder\n").is_empty()
        );
        // So does one that copies the whole stage.
        assert!(
            excluded("FROM python:3.11-slim AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nFROM python:3.11-slim\nCOPY --from=builder / /\n").is_empty()
        );
    }

    /// The reference files, the baseline and the starter, against their measured sizes.
    #[test]
    fn estimates_are_within_ten_percent_of_the_measured_sizes() {
        let pack = crate::pack::Pack::embedded().unwrap();
        let files = [
            (
                "starter/Dockerfile.single",
                include_str!("../../starter/Dockerfile.single"),
            ),
            (
                "starter/Dockerfile",
                include_str!("../../starter/Dockerfile"),
            ),
            (
                "solutions/venv.Dockerfile",
                include_str!("../../solutions/venv.Dockerfile"),
            ),
            (
                "solutions/user.Dockerfile",
                include_str!("../../solutions/user.Dockerfile"),
            ),
            (
                "solutions/prefix.Dockerfile",
                include_str!("../../solutions/prefix.Dockerfile"),
            ),
        ];
        for (name, text) in files {
            let facts = facts::derive(&syntax::parse(text));
            let estimate = f64::from(compare(&facts, &pack.params).this_file);
            let measured = f64::from(table().measured(name).expect(name));
            let off = (estimate - measured) / measured;
            assert!(
                off.abs() <= 0.10,
                "{name}: estimated {estimate} MB, measured {measured} MB ({:+.1}%)",
                off * 100.0
            );
        }
    }

    #[test]
    fn pip_cache_is_the_downloaded_wheels() {
        let pack = crate::pack::Pack::embedded().unwrap();
        let total =
            |text: &str| compare(&facts::derive(&syntax::parse(text)), &pack.params).this_file;
        let cached = total("FROM python:3.11-slim\nRUN pip install -r requirements.txt\n");
        let uncached =
            total("FROM python:3.11-slim\nRUN pip install --no-cache-dir -r requirements.txt\n");
        let wheels: u32 = pack
            .params
            .requirements
            .iter()
            .map(|p| table().pip_size(p).wheels)
            .sum();
        assert_eq!(cached - uncached, wheels);
        assert!((50..=60).contains(&wheels), "{wheels}");
    }

    #[test]
    fn pip_cache_is_counted_when_not_disabled() {
        let with = sizes("FROM python:3.11-slim\nRUN pip install -r requirements.txt\n");
        let without =
            sizes("FROM python:3.11-slim\nRUN pip install --no-cache-dir -r requirements.txt\n");
        assert!(with[0].total > without[0].total);
    }
}
