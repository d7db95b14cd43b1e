//! GO102: the build stage is named, descriptively and in lowercase.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "GO102",
    title: "Named build stage",
    summary: "Checks that the stage the binary is copied from is named with `AS name`, and that the name says what it does: at least 3 characters, not a number, lowercase.",
    why: "`COPY --from=build` says where the binary comes from, and `docker build --target build` (or `FROM build AS test`) needs the name. `COPY --from=0` silently copies from another stage once a stage is added above it.",
    example: "FROM golang:1.24\n...\nFROM scratch\nCOPY --from=0 /out/lab /lab",
    instead: "FROM golang:1.24 AS build\n...\nFROM scratch\nCOPY --from=build /out/lab /lab",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::NotReproducible,
    check,
};

pub const HINTS: [&str; 3] = [
    "Later lines will refer to the build stage: the test stage starts from it, the runtime copies from it. What do they call it?",
    "Add `AS` and a short lowercase word to the golang FROM line: what the stage does, such as build.",
    "Write the first FROM as `FROM golang:1.24 AS build`, and refer to it as `--from=build` and `FROM build AS test`.",
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
    match build.name.as_deref() {
        None => Outcome::fail(
            line,
            "the build stage has no name, so the test stage cannot start FROM it and COPY --from must use its number, which changes when a stage is added above it; add `AS build`",
        ),
        Some(n) if n.chars().all(|c| c.is_ascii_digit()) || n.chars().count() < 3 => Outcome::fail(
            line,
            format!("`{n}` does not say what the stage does; try `build`"),
        ),
        Some(n) if n.chars().any(char::is_uppercase) => Outcome::fail(
            line,
            format!(
                "stage names are lowercase: Docker reads `{n}` as `{}`, so write it that way",
                n.to_lowercase()
            ),
        ),
        Some(n) => Outcome::pass(line, format!("build stage `{n}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn names() {
        assert_fails(
            &RULE,
            "FROM golang:1.24\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=0 /out/lab /lab\n",
            "no name",
        );
        assert_fails(
            &RULE,
            "FROM golang:1.24 AS b\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=b /out/lab /lab\n",
            "does not say",
        );
        assert_fails(
            &RULE,
            "FROM golang:1.24 AS Build\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=Build /out/lab /lab\n",
            "lowercase",
        );
        assert_passes(&RULE, crate::rules::go::GOOD);
    }

    #[test]
    fn the_stage_named_is_the_one_the_binary_comes_from() {
        // The first stage is named; the one that builds the binary is not.
        assert_fails(
            &RULE,
            "FROM alpine:3.21 AS certs\nFROM golang:1.24\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=1 /out/lab /lab\n",
            "no name",
        );
    }
}
