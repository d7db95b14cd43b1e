//! GO502: the final stage copies the binary from where the build wrote it.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::{Facts, Stage};

pub const RULE: Rule = Rule {
    id: "GO502",
    title: "Copy the binary that was built",
    summary: "Checks that the final stage copies the binary from the build stage with `COPY --from`, from the path the build wrote (its `-o`, or GOBIN for `go install`).",
    why: "The runtime stage starts empty: without the copy there is nothing to run. `COPY --from` of a path the build stage never wrote stops the build (built here: `COPY failed: stat app/server: file does not exist`); a copy of a folder that does not hold the binary leaves the command nothing to start.",
    example: "RUN CGO_ENABLED=0 go build -o /out/lab .\n...\nCOPY --from=build /src/app /app",
    instead: "RUN CGO_ENABLED=0 go build -o /out/lab .\n...\nCOPY --from=build /out/lab /lab",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

pub const HINTS: [&str; 3] = [
    "The runtime stage starts with nothing in it. Which file does it need from the build stage, and where did the build put it?",
    "Copy from the build stage with `COPY --from=<name>`, naming the exact path after `go build -o`.",
    "Write `COPY --from=build /out/lab /lab` in the runtime stage (the path after -o, then where it goes).",
];

/// Where base images keep their own files: a copy from there may well find something.
fn in_base_image(path: &str) -> bool {
    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
    matches!(
        top,
        "" | "usr"
            | "etc"
            | "bin"
            | "lib"
            | "lib64"
            | "sbin"
            | "var"
            | "root"
            | "home"
            | "go"
            | "tmp"
            | "opt"
            | "srv"
    )
}

/// A path the stage (and the stages it starts from) can be said never to have written.
fn never_written(stage: &Stage, path: &str) -> bool {
    !path.contains(['*', '?', '$'])
        && !stage.created(path)
        && !stage.state.holds(path)
        && !in_base_image(path)
}

fn check(facts: &Facts, params: &Params) -> Outcome {
    let p = common::go(params);
    let (ship, fin) = match common::ship_and_final(facts, p) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let build = ship.build;
    if let Some(c) = &ship.binary {
        return Outcome::pass(
            Some(c.copy.line),
            format!(
                "copies {} from {} to {}",
                c.built_at,
                c.from_stage.label(),
                c.lands_at
            ),
        );
    }
    let built = common::main_build(facts, &ship).map(|b| b.output.binary(&p.module));
    let wrote = built
        .as_deref()
        .map_or(String::new(), |b| format!(" (its go build writes {b})"));
    for copy in &fin.copies {
        let Some(source) = copy.from_stage().and_then(|i| facts.stages.get(i)) else {
            continue;
        };
        if let Some(missing) = copy.sources.iter().find(|s| never_written(source, s)) {
            return Outcome::fail(
                Some(copy.line),
                format!(
                    "{} never writes {missing}{wrote}, so this COPY stops the build",
                    source.label()
                ),
            )
            .because(Consequence::BuildFails);
        }
    }
    let Some(built) = built else {
        return common::no_build(facts, build);
    };
    Outcome::fail(
        Some(fin.line),
        format!(
            "the final stage does not copy {built} from {}, so the image has no binary to run; add `COPY --from={} {built} /{}`",
            build.label(),
            build.name.as_deref().unwrap_or("build"),
            p.binary_name()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const BUILD: &str = "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/lab .\n";

    #[test]
    fn the_binary_is_copied() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, crate::rules::go::DISTROLESS);
        assert_passes(
            &RULE,
            &format!("{BUILD}FROM scratch\nCOPY --from=build /out /app\n"),
        );
        assert_fails_as(
            &RULE,
            &format!("{BUILD}FROM scratch\nCOPY --from=build /app/server /server\n"),
            "build never writes /app/server (its go build writes /out/lab)",
            Consequence::BuildFails,
        );
        assert_fails_as(
            &RULE,
            &format!("{BUILD}FROM scratch\nCOPY --from=build /out/server /server\n"),
            "never writes /out/server",
            Consequence::BuildFails,
        );
        assert_fails_as(
            &RULE,
            &format!("{BUILD}FROM scratch\nENTRYPOINT [\"/lab\"]\n"),
            "has no binary to run",
            Consequence::WontStart,
        );
        // A folder whose content the analyzer cannot know: no claim that the build stops.
        let o = assert_fails(
            &RULE,
            &format!("{BUILD}FROM scratch\nCOPY --from=build /src/lab /lab\n"),
            "does not copy /out/lab",
        );
        assert_eq!(o.consequence, Some(Consequence::WontStart));
    }
}
