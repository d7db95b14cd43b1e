//! GO703: the command runs the compiled binary, not `go run`.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;
use crate::facts::go::{GoBase, is_go_run};

pub const RULE: Rule = Rule {
    id: "GO703",
    title: "No go run",
    summary: "Checks that the final stage's command is not `go run`.",
    why: "`go run` compiles the program at every start and needs the whole toolchain in the image. Built here, `CMD [\"go\", \"run\", \".\"]` as uid 65532 on golang:1.24 never starts: `failed to initialize build cache at /.cache/go-build: mkdir /.cache: permission denied`; as root it starts after a compile, in an 853 MB image; on scratch there is no go to run.",
    example: "CMD [\"go\", \"run\", \".\"]",
    instead: "ENTRYPOINT [\"/lab\"]",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

pub const HINTS: [&str; 3] = [
    "What does `go run` do before your program starts, every time the container starts?",
    "Compile once in the build stage with `go build -o`, and make the command run that binary.",
    "Replace the command with `ENTRYPOINT [\"/lab\"]`, the path the runtime stage copies the binary to.",
];

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(cmd) = &fin.command else {
        return common::no_command(fin);
    };
    let line = Some(cmd.line);
    if !is_go_run(cmd) {
        return Outcome::pass(line, "runs a compiled program");
    }
    let image = &fin.base.text;
    if !matches!(common::base(fin), GoBase::Golang { .. }) {
        return Outcome::fail(
            line,
            format!(
                "the command runs `go run`, and {image} has no go: the container never starts (`exec: \"go\": executable file not found in $PATH`); run the compiled binary"
            ),
        );
    }
    if fin.user().is_some_and(|u| !common::is_root(&u.value)) {
        return Outcome::fail(
            line,
            "`go run` compiles at every start and needs a build cache in the user's home, which a non-root user here does not have: the container stops with `failed to initialize build cache at /.cache/go-build`; run the binary `go build` made",
        );
    }
    Outcome::fail(
        line,
        "`go run` compiles the program at every start, so the container serves only after a compile and ships the whole toolchain; run the binary `go build` made",
    )
    .because(Consequence::NotProduction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn go_run() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, include_str!("../../../go/starter/Dockerfile"));
        assert_fails_as(
            &RULE,
            include_str!("../../../tests/fixtures/go/go-run-nonroot.Dockerfile"),
            "failed to initialize build cache",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            "FROM golang:1.24\nWORKDIR /src\nCOPY . .\nCMD go run .\n",
            "compiles the program at every start",
            Consequence::NotProduction,
        );
        assert_fails_as(
            &RULE,
            "FROM golang:1.24 AS build\nFROM scratch\nCMD [\"go\", \"run\", \".\"]\n",
            "has no go",
            Consequence::WontStart,
        );
    }
}
