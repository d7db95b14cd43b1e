//! GO501: the final stage starts from a minimal image.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;
use crate::facts::go::GoBase;

pub const RULE: Rule = Rule {
    id: "GO501",
    title: "Minimal runtime base",
    summary: "Checks that the final stage starts FROM scratch or a distroless static image (`gcr.io/distroless/static-debian12`, optionally `:nonroot`); alpine and debian `-slim` are accepted as small; a golang image fails.",
    why: "A static Go binary needs no operating system. Measured here: the binary on scratch is 5.7 MB, on distroless static 7.2 MB (with CA certificates, time zones and a nonroot user); the same binary on golang:1.24 is 858 MB, the toolchain, gcc and git included, and every tool in it is one an attacker can use.",
    example: "FROM golang:1.24\nCOPY --from=build /out/lab /lab",
    instead: "FROM scratch\nCOPY --from=build /out/lab /lab",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

pub const HINTS: [&str; 3] = [
    "What does a static binary need from the image it runs in? Look at what your runtime stage's image brings along.",
    "Start the runtime stage from an image with nothing in it (scratch), or almost nothing (distroless static).",
    "Write the runtime stage's FROM as `FROM scratch` (or `FROM gcr.io/distroless/static-debian12:nonroot`).",
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let (_, fin) = match common::ship_and_final(facts, common::go(params)) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let line = Some(fin.line);
    let text = &fin.base.text;
    match common::base(fin) {
        GoBase::Scratch => Outcome::pass(line, "runtime on scratch: nothing but what you copy"),
        GoBase::DistrolessStatic { .. } => Outcome::pass(line, format!("runtime on {text}")),
        GoBase::Alpine | GoBase::DebianSlim => Outcome::warn(
            line,
            format!(
                "{text} is accepted as small, but it carries a shell and a package manager the binary never uses; scratch holds only what you copy"
            ),
        ),
        GoBase::Golang { .. } => Outcome::fail(
            line,
            format!(
                "the final stage runs on {text}, so the whole Go toolchain ships with the binary (858 MB here, against 5.7 MB on scratch); start it FROM scratch"
            ),
        ),
        _ => Outcome::fail(
            line,
            format!(
                "{text} is not a minimal image for a static binary: it ships what the binary never uses; start the final stage FROM scratch or gcr.io/distroless/static-debian12"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn runtime_base() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, crate::rules::go::DISTROLESS);
        assert_fails_as(
            &RULE,
            include_str!("../../../tests/fixtures/go/final-golang.Dockerfile"),
            "858 MB here",
            Consequence::BiggerImage,
        );
        assert_fails(
            &RULE,
            include_str!("../../../go/starter/Dockerfile"),
            "only one stage",
        );
        assert_fails(
            &RULE,
            "FROM golang:1.24 AS build\nFROM debian:bookworm\nCOPY --from=build /out/lab /lab\n",
            "not a minimal image",
        );
        for small in ["alpine:3.21", "debian:bookworm-slim"] {
            assert_passes(
                &RULE,
                &format!(
                    "FROM golang:1.24 AS build\nFROM {small}\nCOPY --from=build /out/lab /lab\n"
                ),
            );
        }
    }
}
