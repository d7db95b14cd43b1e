//! GO503: the final stage takes only the binary (and certificates, time zones).

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::{CopyFact, Facts, Stage};

pub const RULE: Rule = Rule {
    id: "GO503",
    title: "Only the binary",
    summary: "Checks that the final stage copies no source tree, no module or build cache and no whole stage: neither `COPY . .` from the context nor `COPY --from=build` of the source folder, /go, /root/.cache or `/`. CA certificates and /usr/share/zoneinfo are fine.",
    why: "The binary holds everything the program needs; the source, the module cache (/go/pkg/mod) and the build cache (/root/.cache/go-build) only make the image bigger and show your code to whoever gets the image. Copying `/` from the build stage copies the whole golang image, 853 MB, into a scratch stage.",
    example: "FROM scratch\nCOPY --from=build / /\nENTRYPOINT [\"/out/lab\"]",
    instead: "FROM scratch\nCOPY --from=build /out/lab /lab\nENTRYPOINT [\"/lab\"]",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

pub const HINTS: [&str; 3] = [
    "Read each COPY of the runtime stage: does the binary need that to run?",
    "The runtime stage needs the binary (and, if it calls out over TLS, the CA certificates); drop every other COPY.",
    "Keep only `COPY --from=build /out/lab /lab` (and `COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/` if you want TLS).",
];

/// What a copy from a build stage brings that the binary does not need, if anything.
fn extra(copy: &CopyFact, source: &Stage, app_files: &[String]) -> Option<String> {
    for s in &copy.sources {
        let path = s.trim_end_matches('/');
        if path.is_empty() || path == "/" {
            return Some(format!("the whole {} stage (`/`)", source.label()));
        }
        if path == "/go" || path.starts_with("/go/pkg") || path.starts_with("/go/src") {
            return Some(format!("the Go module cache and workspace ({path})"));
        }
        if path.contains("/.cache") {
            return Some(format!("the build cache ({path})"));
        }
        if path == "/usr/local/go" || path.starts_with("/usr/lib/go") {
            return Some(format!("the Go toolchain ({path})"));
        }
        if let Some(names) = source.state.copied_under(path)
            && (names.contains(".") || app_files.iter().any(|f| names.contains(f.as_str())))
        {
            return Some(format!("the source tree ({path})"));
        }
    }
    None
}

fn check(facts: &Facts, params: &Params) -> Outcome {
    let p = common::go(params);
    let (ship, fin) = match common::ship_and_final(facts, p) {
        Ok(s) => s,
        Err(o) => return o,
    };
    for copy in &fin.copies {
        let line = Some(copy.line);
        if copy.from.is_none() {
            let source = copy
                .whole_context
                .then(|| "the whole build context".to_string())
                .or_else(|| {
                    copy.sources
                        .iter()
                        .find(|s| p.app_files.iter().any(|f| s.trim_start_matches("./") == f))
                        .map(|s| format!("{s} from the context"))
                });
            if let Some(what) = source {
                return Outcome::fail(
                    line,
                    format!(
                        "the final stage copies {what}: source the compiled binary does not need, shipped in the image"
                    ),
                );
            }
            continue;
        }
        let Some(stage) = copy.from_stage().and_then(|i| facts.stages.get(i)) else {
            continue;
        };
        if let Some(what) = extra(copy, stage, &p.app_files) {
            return Outcome::fail(
                line,
                format!(
                    "the final stage copies {what}, which the binary does not need to run; copy only the binary"
                ),
            );
        }
    }
    Outcome::pass(
        ship.binary.as_ref().map(|c| c.copy.line),
        "the final stage takes only what the binary needs",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const BUILD: &str = "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/lab .\n";

    #[test]
    fn only_the_binary() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(
            &RULE,
            &format!(
                "{BUILD}FROM scratch\nCOPY --from=build /out/lab /lab\nCOPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo\n"
            ),
        );
        for (copy, needle) in [
            ("COPY --from=build / /", "the whole build stage"),
            ("COPY --from=build /src /src", "the source tree (/src)"),
            ("COPY --from=build /go /go", "module cache"),
            (
                "COPY --from=build /root/.cache/go-build /cache",
                "build cache",
            ),
            ("COPY . .", "the whole build context"),
            ("COPY main.go .", "main.go from the context"),
        ] {
            assert_fails_as(
                &RULE,
                &format!("{BUILD}FROM scratch\nCOPY --from=build /out/lab /lab\n{copy}\n"),
                needle,
                Consequence::BiggerImage,
            );
        }
    }
}
