//! GO301: a stage built on the build stage runs `go test`.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "GO301",
    title: "A test stage",
    summary: "Checks that a stage built on the build stage (`FROM build AS test`) runs `go test`, so that `docker build --target test .` runs the tests on exactly what the release builds.",
    why: "Tests run in the build stage hold up every release build and make a test failure look like a broken image; tests never run in a build let a broken handler ship. A stage of their own on the build stage reuses its downloaded modules and source, and BuildKit builds it only when asked (`--target test`) or when the release needs it.",
    example: "FROM golang:1.24 AS build\n...\nRUN go test ./...\nRUN CGO_ENABLED=0 go build -o /out/lab .",
    instead: "FROM golang:1.24 AS build\n...\nRUN CGO_ENABLED=0 go build -o /out/lab .\n\nFROM build AS test\nRUN go test ./...",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::SlowerRebuilds,
    check,
};

pub const HINTS: [&str; 3] = [
    "A stage can start from another stage instead of an image. What would a stage that starts from your build stage already have?",
    "Add a stage that starts FROM the build stage and runs `go test ./...`; take the test run out of the build stage.",
    "Below the build stage write `FROM build AS test` and `RUN go test ./...`, and run it with `docker build --target test .`.",
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let build = match common::build_stage(facts, common::go(params)) {
        Ok(b) => b,
        Err(o) => return o,
    };
    if let Some(test) = common::test_stages(facts, build).into_iter().next() {
        return Outcome::pass(
            Some(test.line),
            format!(
                "{} runs go test on {}: docker build --target {} .",
                test.label(),
                build.label(),
                test.name.as_deref().unwrap_or("<name it>")
            ),
        );
    }
    if let Some(line) = facts
        .lineage(build.index)
        .flat_map(|s| s.go.tests.iter().copied())
        .min()
    {
        return Outcome::fail(
            Some(line),
            format!(
                "`go test` runs in {} itself, so every release build waits for the tests and a failing test looks like a broken image; move it into `FROM {} AS test`",
                build.label(),
                build.name.as_deref().unwrap_or("build")
            ),
        );
    }
    if let Some(other) = common::testing_stages(facts).next() {
        return Outcome::fail(
            Some(other.line),
            format!(
                "{} runs go test, but it does not start FROM {}: it tests a separate copy of the source and compiles it all again; start it with `FROM {} AS test`",
                other.label(),
                build.label(),
                build.name.as_deref().unwrap_or("build")
            ),
        );
    }
    Outcome::fail(
        None,
        "no stage runs `go test`, so `docker build --target test .` has nothing to run and a broken handler ships unnoticed",
    )
    .because(Consequence::NotProduction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn test_stage() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_fails_as(
            &RULE,
            include_str!("../../../go/starter/Dockerfile"),
            "runs in stage 1 itself",
            Consequence::SlowerRebuilds,
        );
        assert_fails_as(
            &RULE,
            "FROM golang:1.24 AS build\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=build /out/lab /lab\n",
            "no stage runs `go test`",
            Consequence::NotProduction,
        );
        assert_fails(
            &RULE,
            "FROM golang:1.24 AS build\nRUN CGO_ENABLED=0 go build -o /out/lab .\n\
             FROM golang:1.24 AS test\nCOPY . .\nRUN go test ./...\n\
             FROM scratch\nCOPY --from=build /out/lab /lab\n",
            "does not start FROM build",
        );
    }

    #[test]
    fn a_test_stage_on_a_stage_built_on_the_build_stage_counts() {
        assert_passes(
            &RULE,
            "FROM golang:1.24 AS build\nRUN CGO_ENABLED=0 go build -o /out/lab .\n\
             FROM build AS lint\nRUN go vet ./...\nFROM lint AS test\nRUN go test ./...\n\
             FROM scratch\nCOPY --from=build /out/lab /lab\n",
        );
    }
}
