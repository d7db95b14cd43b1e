//! GO101: a build stage and a separate runtime stage.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "GO101",
    title: "At least two stages",
    summary: "Checks that the Dockerfile has at least two FROM instructions: a stage that builds the binary and a stage that runs it.",
    why: "With one stage the image you run is the build environment: the Go toolchain, gcc, git, the source and the build cache. Built here, the exercise's one-stage image is 961 MB; the same binary alone on scratch is 5.7 MB.",
    example: "FROM golang:1.24\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/lab .\nCMD [\"/out/lab\"]",
    instead: "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/lab .\n\nFROM scratch\nCOPY --from=build /out/lab /lab\nENTRYPOINT [\"/lab\"]",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

/// From gentle to almost the answer.
pub const HINTS: [&str; 3] = [
    "Each FROM starts a new stage with an empty slate; only the last one becomes the image. How many does your file have?",
    "Keep the golang stage for building, and add a second FROM below it for the image that runs the binary.",
    "Add `FROM scratch` after the `go build` line, then `COPY --from=<build stage> /out/lab /lab` under it.",
];

fn check(facts: &Facts, _: &Params) -> Outcome {
    let n = facts.stages.len();
    let first = facts.stages[0].line;
    if n >= 2 {
        let label = |i: usize| facts.stages[i].label();
        let names: Vec<String> = if n <= 6 {
            (0..n).map(label).collect()
        } else {
            vec![label(0), label(1), "…".into(), label(n - 2), label(n - 1)]
        };
        return Outcome::pass(Some(first), format!("{n} stages: {}", names.join(" → ")));
    }
    Outcome::fail(
        Some(first),
        "only one stage, so the Go toolchain, gcc and the source ship with the binary (961 MB here, against 5.7 MB on scratch); a multi-stage build needs a second FROM",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn one_stage_fails_two_pass() {
        assert_fails_as(
            &RULE,
            include_str!("../../../go/starter/Dockerfile"),
            "only one stage",
            Consequence::BiggerImage,
        );
        assert_passes(
            &RULE,
            "FROM golang:1.24 AS build\nFROM scratch\nCOPY --from=build /out/lab /lab\n",
        );
    }
}
