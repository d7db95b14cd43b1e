//! GO401: the binary is built with cgo off.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;
use crate::facts::go::CgoSource;

pub const RULE: Rule = Rule {
    id: "GO401",
    title: "A static binary",
    summary: "Checks that the binary the final stage copies is built with cgo off: `CGO_ENABLED=0` on the build's RUN, exported before it, or in the stage's ENV or ARG default.",
    why: "The golang image has gcc, so the go command turns cgo on, and a binary that uses net/http is then linked against the C library. scratch and distroless static have no C library: built here with cgo on, the container stops at once with `exec /lab: no such file or directory` (the dynamic loader is what is missing). With cgo off the binary needs nothing but the kernel.",
    example: "RUN go build -o /out/lab .",
    instead: "RUN CGO_ENABLED=0 go build -o /out/lab .",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

pub const HINTS: [&str; 3] = [
    "Run `ldd` on a binary built in the golang image: what does it need that scratch does not have?",
    "Turn cgo off for the build, with the CGO_ENABLED environment variable, so the binary is linked statically.",
    "Write the build as `RUN CGO_ENABLED=0 go build -o /out/lab .` (or put `ENV CGO_ENABLED=0` above it).",
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let p = common::go(params);
    let ship = match common::ship(facts, p) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let build = ship.build;
    let Some(go_build) = common::main_build(facts, &ship) else {
        return common::no_build(facts, build);
    };
    let line = Some(go_build.line);
    if go_build.cgo.off() {
        return Outcome::pass(line, format!("static: {}", go_build.cgo.describe()));
    }
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let runtime = common::base(fin);
    let explicit = go_build.cgo.source != CgoSource::Unset;
    let compiler = common::base(build).has_c_compiler();
    if !explicit && !compiler {
        return Outcome::fail(
            line,
            format!(
                "{}: the binary is static only because {} has no C compiler; with gcc in the image (or on golang:1.24) it would need the C library; set CGO_ENABLED=0",
                go_build.cgo.describe(),
                build.base.text
            ),
        )
        .because(Consequence::Portability);
    }
    let how = if explicit {
        go_build.cgo.describe()
    } else {
        format!("cgo is on ({} has gcc)", build.base.text)
    };
    if !runtime.has_glibc() {
        return Outcome::fail(
            line,
            format!(
                "{how}, so the binary is linked against the C library, and {} has none: the container stops at once with `exec {}: no such file or directory`; build with CGO_ENABLED=0",
                fin.base.text,
                ship.binary
                    .as_ref()
                    .map_or_else(|| go_build.output.binary(&p.module), |c| c.lands_at.clone())
            ),
        );
    }
    Outcome::fail(
        line,
        format!(
            "{how}, so the binary needs a C library like the one of the image it was built on ({} has one), and will not start on scratch, distroless static or alpine; build with CGO_ENABLED=0",
            fin.base.text
        ),
    )
    .because(Consequence::Portability)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn cgo() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, crate::rules::go::DISTROLESS);
        assert_fails_as(
            &RULE,
            include_str!("../../../tests/fixtures/go/cgo-on-scratch.Dockerfile"),
            "exec /lab: no such file or directory",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            include_str!("../../../go/starter/Dockerfile"),
            "will not start on scratch",
            Consequence::Portability,
        );
        assert_fails_as(
            &RULE,
            "FROM golang:1.24-alpine AS build\nRUN go build -o /out/lab .\nFROM scratch\nCOPY --from=build /out/lab /lab\n",
            "has no C compiler",
            Consequence::Portability,
        );
        assert_fails_as(
            &RULE,
            "FROM golang:1.24 AS build\nENV CGO_ENABLED=1\nRUN go build -o /out/lab .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/lab /lab\n",
            "ENV CGO_ENABLED=1 on line 2",
            Consequence::WontStart,
        );
    }

    #[test]
    fn the_build_judged_is_the_one_copied() {
        // A cgo build of a tool the runtime does not take does not matter.
        assert_passes(
            &RULE,
            "FROM golang:1.24 AS build\nRUN go build -o /out/tool ./tool\nRUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=build /out/lab /lab\n",
        );
    }
}
