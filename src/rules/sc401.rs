//! SC401: the final stage starts from a small, pinned base.

use super::{Outcome, Params, Rule, Severity};
use crate::facts::{Facts, Variant};

pub const RULE: Rule = Rule {
    id: "SC401",
    title: "Small runtime base",
    summary: "Checks that the final stage starts from a `-slim` or `-alpine` Python image (or distroless Python) with an explicit version tag.",
    why: "python:3.11 is about 1 GB: compilers, headers and documentation the app never uses. python:3.11-slim is about 130 MB and runs the same code.",
    example: "FROM python:3.11 AS runtime",
    instead: "FROM python:3.11-slim AS runtime",
    equivalent: None,
    severity: Severity::Error,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let (line, base) = (fin.line, &fin.base);
    if base.variant == Variant::Stage {
        return Outcome::fail(
            Some(line),
            format!(
                "line {line}: the final stage starts from stage `{}`, so it keeps everything that stage installed",
                base.text
            ),
        );
    }
    if !base.is_small() {
        return Outcome::fail(
            Some(line),
            format!(
                "line {line}: `{}` is a full image; use a -slim or -alpine variant",
                base.text
            ),
        );
    }
    if !base.is_pinned() {
        return Outcome::fail(
            Some(line),
            format!("line {line}: `{}` has no version tag", base.text),
        );
    }
    Outcome::pass(Some(line), format!("final stage on {}", base.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn small_base() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM python:3.11\n",
            "full image",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM builder\n",
            "starts from stage",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM python:3.11-alpine\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM gcr.io/distroless/python3-debian12:nonroot\n",
        );
    }
}
