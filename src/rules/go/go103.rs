//! GO103: the build stage is on an official Go image that pins the Go minor version.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;
use crate::facts::go::GoBase;

pub const RULE: Rule = Rule {
    id: "GO103",
    title: "Pinned Go build image",
    summary: "Checks that the build stage's base is the official `golang` image with a tag that fixes the Go minor version (`golang:1.24`, `golang:1.24.5-bookworm`, `golang:1.24-alpine`), or a digest.",
    why: "`golang`, `golang:latest`, `golang:1` and `golang:alpine` move to each new Go release: next month's build compiles with another compiler and standard library than the one the tests passed on. The official image is the one whose toolchain, GOPATH (/go) and PATH the rest of the file relies on.",
    example: "FROM golang:latest AS build",
    instead: "FROM golang:1.24 AS build",
    equivalent: Some("DL3007"),
    severity: Severity::Error,
    consequence: Consequence::NotReproducible,
    check,
};

pub const HINTS: [&str; 3] = [
    "Which Go version will this file build with next year? Look at the tag after `golang`.",
    "Use a tag that names the Go minor version, the one go.mod's `go 1.24` line asks for.",
    "Write the build stage's FROM as `FROM golang:1.24 AS build` (or `golang:1.24-bookworm`).",
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts, common::go(params)) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let line = Some(build.line);
    if let Some(problem) = &build.from_problem {
        return Outcome::fail(line, problem.clone()).because(Consequence::BuildFails);
    }
    let text = &build.base.text;
    match common::base(build) {
        GoBase::Golang { pinned: true, .. } => {
            Outcome::pass(line, format!("build stage on {text}"))
        }
        GoBase::Golang { pinned: false, .. } => {
            let tag = build.base.tag.as_deref().unwrap_or("latest");
            Outcome::fail(
                line,
                format!(
                    "`{text}` does not fix the Go version (`{tag}` moves to each new release); pin the minor version, e.g. golang:1.24"
                ),
            )
        }
        _ => Outcome::fail(
            line,
            format!(
                "`{text}` is not the official golang image, so which Go (if any) the build gets, and where, depends on that image; build on golang:1.24"
            ),
        )
        .because(Consequence::Portability),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    fn file(from: &str) -> String {
        format!(
            "FROM {from} AS build\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=build /out/lab /lab\n"
        )
    }

    #[test]
    fn pinned_official_go() {
        for moving in ["golang", "golang:latest", "golang:1", "golang:alpine"] {
            assert_fails_as(
                &RULE,
                &file(moving),
                "does not fix the Go version",
                Consequence::NotReproducible,
            );
        }
        assert_fails_as(
            &RULE,
            &file("debian:bookworm"),
            "not the official golang image",
            Consequence::Portability,
        );
        for pinned in [
            "golang:1.24",
            "golang:1.24.5-bookworm",
            "golang:1.24-alpine",
            "golang@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_passes(&RULE, &file(pinned));
        }
    }
}
