//! SC502: the copied path is where the build stage put the packages.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC502",
    title: "Copy what was built",
    summary: "Checks that the COPY --from source is the directory the build stage's pip install filled: the virtualenv, the --prefix or --target directory, or /root/.local for --user.",
    why: "COPY --from fails the build when the path does not exist, or silently copies the wrong folder when it does; copying `/` drags the whole build stage, compilers and all, into the runtime.",
    example: "RUN pip install --user -r requirements.txt\n...\nCOPY --from=builder /opt/venv /opt/venv",
    instead: "RUN pip install --user -r requirements.txt\n...\nCOPY --from=builder /root/.local /root/.local",
    equivalent: None,
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let (build, fin) = match common::build_and_final(facts) {
        Ok(pair) => pair,
        Err(o) => return o,
    };
    if let Some((copy, _, dir)) = common::dependency_copy(build, fin) {
        return Outcome::pass(
            Some(copy.line),
            format!(
                "copies {dir}, where {} installed the packages",
                build.label()
            ),
        );
    }
    let copies: Vec<_> = fin
        .copies
        .iter()
        .filter(|c| c.from.as_ref().and_then(|f| f.stage) == Some(build.index))
        .collect();
    let dirs: Vec<String> = build
        .pip_installs
        .iter()
        .filter_map(|p| common::install_dir(p, build))
        .collect();
    let hint = match dirs.first() {
        Some(d) => format!(" (it installed into {d})"),
        None => String::new(),
    };
    for c in &copies {
        if let Some(s) = c
            .sources
            .iter()
            .find(|s| s.trim_end_matches('/').is_empty())
        {
            return Outcome::fail(
                Some(c.line),
                format!(
                    "line {}: COPY --from copies `{s}`, the whole build stage{hint}",
                    c.line
                ),
            );
        }
        if let Some(s) = c.sources.iter().find(|s| !build.created(s)) {
            return Outcome::fail(
                Some(c.line),
                format!("line {}: {} never created {s}{hint}", c.line, build.label()),
            );
        }
    }
    match copies.first() {
        Some(c) => Outcome::fail(
            Some(c.line),
            format!(
                "line {}: this copy does not carry the installed packages{hint}",
                c.line
            ),
        ),
        None => Outcome::fail(
            Some(fin.line),
            format!("nothing is copied from {}{hint}", build.label()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const BUILD: &str = "FROM python:3.11-slim AS builder\nRUN pip install --user --no-cache-dir -r requirements.txt\nFROM python:3.11-slim\n";

    #[test]
    fn source_paths() {
        assert_passes(
            &RULE,
            &format!("{BUILD}COPY --from=builder /root/.local /root/.local\n"),
        );
        assert_fails(
            &RULE,
            &format!("{BUILD}COPY --from=builder /opt/venv /opt/venv\n"),
            "never created /opt/venv (it installed into /root/.local)",
        );
        assert_fails(
            &RULE,
            &format!("{BUILD}COPY --from=builder / /\n"),
            "whole build stage",
        );
        let prefix = "FROM python:3.11-slim AS b\nWORKDIR /w\nRUN pip install --prefix=install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=b /w/install /usr/local\n";
        assert_passes(&RULE, prefix);
    }
}
