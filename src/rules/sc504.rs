//! SC504: the app is copied by name, not the whole build context.

use super::{Outcome, Params, Rule, Severity, common};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "SC504",
    title: "Copy the app by name",
    summary: "Checks that the final stage copies the app's files by name (`COPY app.py .`, or a folder of app code) and not the whole build context.",
    why: "`COPY . .` ships whatever is in the folder: the Dockerfile, .git, tests, a stray .env with secrets, and breaks the layer cache on every change.",
    example: "COPY . .",
    instead: "COPY app.py .",
    equivalent: None,
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, params: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    if let Some(c) = fin.copies.iter().find(|c| c.whole_context) {
        return Outcome::fail(
            Some(c.line),
            format!(
                "line {}: COPY {} copies the whole build context; copy {} by name",
                c.line,
                c.sources.join(" "),
                params.app_files.join(", ")
            ),
        );
    }
    let is_app = |s: &String| {
        params
            .app_files
            .iter()
            .any(|a| common::basename(s) == common::basename(a))
    };
    let is_code_dir = |s: &String| s.ends_with('/') && !s.trim_end_matches('/').is_empty();
    match fin.copies.iter().find(|c| {
        c.sources
            .iter()
            .any(|s| is_app(s) || (c.from.is_none() && is_code_dir(s)))
    }) {
        Some(c) => Outcome::pass(
            Some(c.line),
            format!("app copied by name (line {})", c.line),
        ),
        None => Outcome::fail(
            Some(fin.line),
            format!(
                "the final stage never copies {}; add `COPY {} .`",
                params.app_files.join(", "),
                params.app_files.join(" ")
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn app_copy() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCOPY . /app\n",
            "whole build context",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim\nCOPY requirements.txt .\n",
            "never copies app.py",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY --chown=app:app app.py /srv/\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim\nCOPY [\"src/\", \"/app/src/\"]\n",
        );
    }
}
