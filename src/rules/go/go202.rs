//! GO202: no COPY names a go.sum the app does not have.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "GO202",
    title: "Only files the app has",
    summary: "Checks that no COPY from the build context names a go.sum when the app has none (a module that requires no other module has no go.sum); `go.sum*` is fine.",
    why: "COPY stops the build when a file it names is not in the context. Built here, `COPY go.mod go.sum ./` on this app stops with `COPY failed: file not found in build context or excluded by .dockerignore: stat go.sum: file does not exist`.",
    example: "COPY go.mod go.sum ./",
    instead: "COPY go.mod ./",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BuildFails,
    check,
};

pub const HINTS: [&str; 3] = [
    "List the files in the exercise folder. Is every file your COPY lines name there?",
    "A module with no dependencies has no go.sum, and COPY stops the build on a file that is not there.",
    "Copy go.mod alone: `COPY go.mod ./` (or `COPY go.mod go.sum* ./`, which works with and without a go.sum).",
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let p = common::go(params);
    if p.go_sum {
        return Outcome::pass(None, "the app has a go.sum to copy");
    }
    let named = facts.stages.iter().flat_map(|s| s.copies.iter()).find(|c| {
        c.from.is_none()
            && c.sources
                .iter()
                .any(|s| s.trim_start_matches("./") == "go.sum")
    });
    match named {
        Some(c) => Outcome::fail(
            Some(c.line),
            "COPY names go.sum, which this app does not have (it requires no module), so the build stops here with `stat go.sum: file does not exist`; copy go.mod alone",
        ),
        None => Outcome::pass(None, "every file copied by name exists"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn go_sum() {
        assert_fails_as(
            &RULE,
            include_str!("../../../tests/fixtures/go/go-sum-missing.Dockerfile"),
            "stat go.sum: file does not exist",
            Consequence::BuildFails,
        );
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(
            &RULE,
            "FROM golang:1.24 AS build\nCOPY go.mod go.sum* ./\nRUN go mod download\n",
        );
        let mut params = Params::default();
        params.go.go_sum = true;
        let facts = crate::facts::derive(&crate::syntax::parse(
            "FROM golang:1.24 AS build\nCOPY go.mod go.sum ./\n",
        ));
        assert!(RULE.run(&facts, &params).passed());
    }
}
