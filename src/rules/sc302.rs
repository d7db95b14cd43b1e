//! SC302: pip installs from requirements.txt, not a list of names.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, requirement_name};

pub const RULE: Rule = Rule {
    id: "SC302",
    title: "pip install -r",
    summary: "Checks that the build stage installs its Python packages with `pip install -r requirements.txt` and names none of them on the command line.",
    why: "requirements.txt pins the versions the app was tested with; `pip install pandas` takes whatever is newest today. One RUN per package also adds five layers and resolves dependencies five times.",
    example: "RUN pip install flask\nRUN pip install pandas",
    instead: "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt",
    equivalent: Some("DL3013"),
    severity: Severity::Error,
    consequence: Consequence::NotReproducible,
    check,
};

/// Installer tooling that may be upgraded by name.
const TOOLING: &[&str] = &["pip", "setuptools", "wheel", "uv", "poetry", "pipenv"];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts) {
        Ok(b) => b,
        Err(o) => return o,
    };
    if let Some(p) = facts.installs_of(build.index).find(|p| {
        p.packages
            .iter()
            .any(|n| !TOOLING.contains(&requirement_name(n).as_str()))
    }) {
        return Outcome::fail(
            Some(p.line),
            format!(
                "`pip install {}` names packages, so each build takes whatever version is newest that day; install them from {} with -r",
                p.packages.join(" "),
                params.requirements_file
            ),
        );
    }
    // The build stage's install, or the final stage's own (wheels built in the build stage
    // and installed from the requirements file in the runtime).
    let fin = facts.final_stage().unwrap_or(build);
    match common::requirements_install(facts, build, &params.requirements_file)
        .or_else(|| common::requirements_install(facts, fin, &params.requirements_file))
    {
        Some(p) => Outcome::pass(
            Some(p.line),
            format!("pip install -r {}", params.requirements_file),
        ),
        None => match common::missing_install_cost(facts) {
            Consequence::WontStart => Outcome::fail(
                Some(build.line),
                format!(
                    "{} never runs `pip install -r {}`, so the app's packages are not installed and it cannot import them",
                    build.label(),
                    params.requirements_file
                ),
            )
            .because(Consequence::WontStart),
            other => Outcome::fail(
                Some(build.line),
                format!(
                    "{} never runs `pip install -r {}`: the pinned versions there are not what gets installed",
                    build.label(),
                    params.requirements_file
                ),
            )
            .because(other),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn requirement_file() {
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN pip install flask pandas\n",
            "names packages",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11\nRUN pip install --upgrade pip\n",
            "never runs",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11\nRUN pip install --upgrade pip && python -m pip install --requirement=requirements.txt\n",
        );
    }
}
