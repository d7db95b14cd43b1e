//! GO302: the release does not need the test stage.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use std::collections::{HashMap, HashSet};

use crate::facts::{CopyFact, Facts};

pub const RULE: Rule = Rule {
    id: "GO302",
    title: "Release without the tests",
    summary: "Checks that the final stage neither copies from the test stage nor is built on it, and that the test stage is not the last stage.",
    why: "BuildKit builds only the stages the target needs: while the release takes nothing from the test stage, `docker build .` skips the tests and `docker build --target test .` runs them. A `COPY --from=test` makes every release build run them, and a test stage left last becomes the image `docker build .` makes: the toolchain and the source, not the runtime.",
    example: "FROM build AS test\nRUN go test ./...\n\nFROM scratch\nCOPY --from=test /out/lab /lab",
    instead: "FROM build AS test\nRUN go test ./...\n\nFROM scratch\nCOPY --from=build /out/lab /lab",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::SlowerRebuilds,
    check,
};

pub const HINTS: [&str; 3] = [
    "Which stages does `docker build .` need to build the last stage? The test stage should not be one of them.",
    "Copy the binary from the build stage, not the test stage, and keep the runtime stage last in the file.",
    "Use `COPY --from=build …` in the runtime stage, and put `FROM build AS test` above the runtime stage's FROM.",
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts, common::go(params)) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let tests = common::test_stages(facts, build);
    if tests.is_empty() {
        // GO301 asks for the test stage; there is nothing here yet to keep out.
        return Outcome::pass(
            None,
            "no test stage yet, so the release cannot depend on one",
        );
    }
    let under_final: HashSet<usize> = facts.lineage(fin.index).map(|s| s.index).collect();
    // The first copy from each stage.
    let mut copied_from: HashMap<usize, &CopyFact> = HashMap::new();
    for c in &fin.copies {
        if let Some(from) = c.from_stage() {
            copied_from.entry(from).or_insert(c);
        }
    }
    for test in &tests {
        if test.index == fin.index {
            return Outcome::fail(
                Some(test.line),
                format!(
                    "{} is the last stage, so `docker build .` makes it the image: the Go toolchain and the source instead of the runtime; move it above the runtime stage",
                    test.label()
                ),
            )
            .because(Consequence::BiggerImage);
        }
        if under_final.contains(&test.index) {
            return Outcome::fail(
                Some(fin.line),
                format!(
                    "the final stage is built on {}, so it ships the toolchain and the source it tested; start it FROM scratch and copy the binary from {}",
                    test.label(),
                    build.label()
                ),
            )
            .because(Consequence::BiggerImage);
        }
        if let Some(c) = copied_from.get(&test.index) {
            return Outcome::fail(
                Some(c.line),
                format!(
                    "the final stage copies from {}, so every release build runs the tests first; copy from {} instead",
                    test.label(),
                    build.label()
                ),
            );
        }
    }
    let test = tests[0];
    Outcome::pass(
        Some(test.line),
        format!("the release takes nothing from {}", test.label()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const BUILD: &str = "FROM golang:1.24 AS build\nRUN CGO_ENABLED=0 go build -o /out/lab .\n";

    #[test]
    fn release_without_tests() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_fails_as(
            &RULE,
            &format!(
                "{BUILD}FROM build AS test\nRUN go test ./...\nFROM scratch\nCOPY --from=test /out/lab /lab\n"
            ),
            "copies from test",
            Consequence::SlowerRebuilds,
        );
        assert_fails_as(
            &RULE,
            &format!(
                "{BUILD}FROM scratch AS runtime\nCOPY --from=build /out/lab /lab\nFROM build AS test\nRUN go test ./...\n"
            ),
            "is the last stage",
            Consequence::BiggerImage,
        );
        assert_passes(
            &RULE,
            &format!("{BUILD}FROM scratch\nCOPY --from=build /out/lab /lab\n"),
        );
    }
}
