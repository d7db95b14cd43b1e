//! SC503: the copied programs are found at run time.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, PipTarget};

pub const RULE: Rule = Rule {
    id: "SC503",
    title: "Copied programs on PATH",
    summary: "Checks that the `bin` directory of the copied virtualenv or user base is on PATH in the final stage (or that the command names it by absolute path); a --prefix copied into /usr/local needs nothing more.",
    why: "The runtime starts from a fresh image whose PATH knows nothing of /opt/venv: `gunicorn` is in the image but the container exits with `executable file not found in $PATH`.",
    example: "COPY --from=builder /opt/venv /opt/venv\nCMD [\"gunicorn\", \"app:app\"]",
    instead: "COPY --from=builder /opt/venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nCMD [\"gunicorn\", \"app:app\"]",
    equivalent: None,
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let (build, fin) = match common::build_and_final(facts) {
        Ok(pair) => pair,
        Err(o) => return o,
    };
    let Some((copy, pip, _)) = common::dependency_copy(build, fin) else {
        return Outcome::fail(
            Some(fin.line),
            format!(
                "the installed packages are not copied from {} yet",
                build.label()
            ),
        );
    };
    let dest = copy.dest_abs.trim_end_matches('/').to_string();
    let bin = format!("{dest}/bin");
    let on_path = fin.path.iter().any(|p| p.trim_end_matches('/') == bin);
    let by_absolute = fin
        .command_words()
        .first()
        .is_some_and(|w| w.starts_with(&format!("{bin}/")));
    let line = Some(copy.line);
    match &pip.target {
        PipTarget::Target(_) => {
            if fin
                .env_value("PYTHONPATH")
                .is_some_and(|p| p.split(':').any(|e| e.trim_end_matches('/') == dest))
            {
                Outcome::pass(line, format!("{dest} is on PYTHONPATH"))
            } else {
                Outcome::fail(
                    line,
                    format!(
                        "line {}: packages copied to {dest} but PYTHONPATH does not include it",
                        copy.line
                    ),
                )
            }
        }
        PipTarget::Prefix(_) if dest == "/usr/local" => {
            Outcome::pass(line, "copied into /usr/local, already on PATH")
        }
        PipTarget::System => Outcome::fail(
            line,
            "only site-packages were copied; the scripts in /usr/local/bin (gunicorn) stay behind",
        ),
        _ if on_path || by_absolute => Outcome::pass(line, format!("{bin} is on PATH")),
        _ => Outcome::fail(
            line,
            format!(
                "line {}: {bin} is not on PATH in the final stage; add ENV PATH=\"{bin}:$PATH\"",
                copy.line
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const BUILD: &str = "FROM python:3.11-slim AS builder\nRUN python -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nRUN pip install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv\n";

    #[test]
    fn path() {
        assert_fails(
            &RULE,
            &format!("{BUILD}CMD [\"gunicorn\", \"app:app\"]\n"),
            "not on PATH",
        );
        assert_passes(
            &RULE,
            &format!("{BUILD}ENV PATH=\"/opt/venv/bin:${{PATH}}\"\n"),
        );
        assert_passes(
            &RULE,
            &format!("{BUILD}CMD [\"/opt/venv/bin/gunicorn\", \"app:app\"]\n"),
        );
    }
}
