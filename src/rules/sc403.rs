//! SC403: build and runtime stages use the same C library.

use super::{Consequence, Outcome, Params, Rule, Severity, common};
use crate::facts::{Facts, Libc};

pub const RULE: Rule = Rule {
    id: "SC403",
    title: "Same C library",
    summary: "Checks that a Debian-based build stage is not paired with an Alpine runtime, or the reverse.",
    why: "Wheels built against glibc (Debian) do not load on musl (Alpine): the image builds, then the app dies at start-up with `Error loading shared library`.",
    example: "FROM python:3.11-slim AS builder\n...\nFROM python:3.11-alpine",
    instead: "FROM python:3.11-slim AS builder\n...\nFROM python:3.11-slim",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let (build, fin) = match common::build_and_final(facts) {
        Ok(pair) => pair,
        Err(o) => return o,
    };
    let name = |l: Libc| {
        if l == Libc::Musl {
            "Alpine (musl)"
        } else {
            "Debian (glibc)"
        }
    };
    match (build.base.libc, fin.base.libc) {
        (Libc::Unknown, _) | (_, Libc::Unknown) => {
            Outcome::warn(Some(fin.line), "cannot tell which C library the images use")
        }
        (b, f) if b == f => Outcome::pass(Some(fin.line), format!("both {}", name(b))),
        (b, f) => Outcome::fail(
            Some(fin.line),
            format!(
                "the runtime is {} but {} is {}: compiled packages will not load and the app stops at start-up",
                name(f),
                build.label(),
                name(b)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn libc() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS builder\nFROM python:3.11-alpine\nCOPY --from=builder /a /a\n",
            "will not load",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-alpine AS builder\nFROM python:3.11-alpine3.19\nCOPY --from=builder /a /a\n",
        );
    }
}
