//! GO402: the binary's path is named in the file.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "GO402",
    title: "Binary written where you say",
    summary: "Checks that `go build` names the binary's path with `-o` (or that `go install` puts it in GOBIN or $GOPATH/bin, /go/bin on the official images).",
    why: "Without -o, `go build` names the binary after the last element of go.mod's module path and writes it to the working directory: the COPY --from that takes it depends on a line in go.mod the Dockerfile does not show, and renaming the module leaves the COPY pointing at nothing, which stops the build.",
    example: "WORKDIR /src\nRUN CGO_ENABLED=0 go build .\n...\nCOPY --from=build /src/lab /lab",
    instead: "RUN CGO_ENABLED=0 go build -o /out/lab .\n...\nCOPY --from=build /out/lab /lab",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::NotReproducible,
    check,
};

pub const HINTS: [&str; 3] = [
    "Where does `go build` put the binary when you do not say, and what is it called?",
    "Give `go build` the output path with `-o`, outside the source folder, and copy that path in the runtime stage.",
    "Write `RUN CGO_ENABLED=0 go build -o /out/lab .` and `COPY --from=build /out/lab /lab`.",
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
    let path = go_build.output.binary(&p.module);
    let line = Some(go_build.line);
    if go_build.output.named() {
        return Outcome::pass(line, format!("the binary is written to {path}"));
    }
    Outcome::fail(
        line,
        format!(
            "`go build` has no -o, so the binary is named after go.mod's module path and lands in the working directory ({path}); rename the module and the COPY that takes it finds nothing; name it with `-o /out/{}`",
            p.binary_name()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn output() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, include_str!("../../../go/starter/Dockerfile"));
        assert_passes(
            &RULE,
            "FROM golang:1.24 AS build\nWORKDIR /src\nRUN CGO_ENABLED=0 go install .\nFROM scratch\nCOPY --from=build /go/bin/lab /lab\n",
        );
        let o = assert_fails_as(
            &RULE,
            "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build .\nFROM scratch\nCOPY --from=build /src/lab /lab\n",
            "has no -o",
            Consequence::NotReproducible,
        );
        assert!(o.message.contains("(/src/lab)"), "{o:?}");
        assert_fails(
            &RULE,
            "FROM golang:1.24 AS build\nFROM scratch\nCOPY --from=build /out/lab /lab\n",
            "runs no `go build` yet",
        );
    }
}
