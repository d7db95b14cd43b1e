//! GO201: go.mod is copied on its own and the modules downloaded before the source.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::{CopyFact, Facts};

pub const RULE: Rule = Rule {
    id: "GO201",
    title: "Modules before source",
    summary: "Checks that the build stage copies go.mod (with go.sum when the app has one) on its own, runs `go mod download`, and only then copies the rest of the source.",
    why: "Docker reuses a layer only while everything before it is unchanged. With the module files alone in their own layer, `go mod download` comes from the cache until go.mod changes; after `COPY . .` every edit to main.go downloads every module again (this app has none yet: the first one go.mod requires pays).",
    example: "COPY . .\nRUN go mod download\nRUN CGO_ENABLED=0 go build -o /out/lab .",
    instead: "COPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/lab .",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::SlowerRebuilds,
    check,
};

pub const HINTS: [&str; 3] = [
    "Which of your files decides which modules are downloaded? Docker can cache the download for as long as that file alone is unchanged.",
    "Copy go.mod by itself, run `go mod download`, and only then copy the rest of the source.",
    "Put `COPY go.mod ./` and `RUN go mod download` above the `COPY . .` line of the build stage (this app has no go.sum to copy).",
];

fn is_module_file(source: &str) -> bool {
    let name = source
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    // `go.sum*` and `go.*` copy the module files and nothing else.
    matches!(name, "go.mod" | "go.sum" | "go.sum*" | "go.*" | "go.mod*")
}

fn carries_go_mod(copy: &CopyFact) -> bool {
    copy.whole_context
        || copy.sources.iter().any(|s| {
            let name = s.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            matches!(name, "go.mod" | "go.*" | "go.mod*" | "*")
        })
}

fn check(facts: &Facts, params: &Params) -> Outcome {
    let p = common::go(params);
    let build = match common::build_stage(facts, p) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let stages: Vec<_> = facts.lineage(build.index).collect();
    let Some(download) = stages
        .iter()
        .flat_map(|s| s.go.downloads.iter().copied())
        .min()
    else {
        let at = stages
            .iter()
            .flat_map(|s| s.go.builds.iter().map(|b| b.line))
            .min()
            .unwrap_or(build.line);
        return Outcome::fail(
            Some(at),
            format!(
                "{} never runs `go mod download` on its own, so the modules are fetched by `go build` after the source is copied: once go.mod requires a module, every change to main.go downloads it again",
                build.label()
            ),
        );
    };
    let mut before: Vec<&CopyFact> = stages
        .iter()
        .flat_map(|s| s.copies.iter())
        .filter(|c| c.from.is_none() && c.line < download)
        .collect();
    before.sort_by_key(|c| c.line);
    if let Some(c) = before.iter().find(|c| c.whole_context) {
        return Outcome::fail(
            Some(c.line),
            format!(
                "`COPY {} {}` copies all the source before `go mod download` (line {download}), so every change to main.go invalidates the download's layer and the modules are downloaded again",
                c.sources.join(" "),
                c.dest
            ),
        );
    }
    if let Some(c) = before
        .iter()
        .find(|c| c.sources.iter().any(|s| !is_module_file(s)))
    {
        return Outcome::fail(
            Some(c.line),
            format!(
                "`COPY {} {}` brings source in before `go mod download` (line {download}): a change to it downloads the modules again; copy only go.mod there",
                c.sources.join(" "),
                c.dest
            ),
        );
    }
    let Some(module_copy) = before.iter().find(|c| carries_go_mod(c)) else {
        return Outcome::fail(
            Some(download),
            "`go mod download` runs before go.mod is copied in, so it finds no module and stops the build (`go: no modules specified`); copy go.mod first",
        )
        .because(Consequence::BuildFails);
    };
    if p.go_sum
        && !before.iter().any(|c| {
            c.sources.iter().any(|s| {
                let name = s.rsplit('/').next().unwrap_or(s);
                matches!(name, "go.sum" | "go.sum*" | "go.*")
            })
        })
    {
        return Outcome::fail(
            Some(module_copy.line),
            "go.sum is not copied with go.mod, so `go mod download` cannot check the modules against the sums the app recorded; copy both: `COPY go.mod go.sum ./`",
        )
        .because(Consequence::NotReproducible);
    }
    Outcome::pass(
        Some(module_copy.line),
        format!(
            "module files copied on line {}, downloaded on line {download}, before the source",
            module_copy.line
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const TAIL: &str =
        "RUN CGO_ENABLED=0 go build -o /out/lab .\nFROM scratch\nCOPY --from=build /out/lab /lab\n";

    fn file(steps: &str) -> String {
        format!("FROM golang:1.24 AS build\nWORKDIR /src\n{steps}{TAIL}")
    }

    #[test]
    fn module_files_first() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(
            &RULE,
            &file("COPY go.mod go.sum* ./\nRUN go mod download\nCOPY . .\n"),
        );
        assert_fails_as(
            &RULE,
            &file("COPY . .\nRUN go mod download\n"),
            "copies all the source before `go mod download`",
            Consequence::SlowerRebuilds,
        );
        assert_fails_as(
            &RULE,
            &file("COPY go.mod main.go ./\nRUN go mod download\nCOPY . .\n"),
            "brings source in before",
            Consequence::SlowerRebuilds,
        );
        assert_fails_as(
            &RULE,
            &file("COPY . .\n"),
            "never runs `go mod download`",
            Consequence::SlowerRebuilds,
        );
        assert_fails_as(
            &RULE,
            &file("RUN go mod download\nCOPY . .\n"),
            "go: no modules specified",
            Consequence::BuildFails,
        );
    }

    #[test]
    fn a_download_in_a_stage_the_build_starts_from_counts() {
        assert_passes(
            &RULE,
            "FROM golang:1.24 AS deps\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\n\
             FROM deps AS build\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/lab .\n\
             FROM scratch\nCOPY --from=build /out/lab /lab\n",
        );
    }

    #[test]
    fn an_app_with_go_sum_copies_it_too() {
        let mut params = Params::default();
        params.go.go_sum = true;
        let run =
            |text: &str| RULE.run(&crate::facts::derive(&crate::syntax::parse(text)), &params);
        let o = run(&file("COPY go.mod ./\nRUN go mod download\nCOPY . .\n"));
        assert!(
            !o.passed() && o.message.contains("go.sum is not copied"),
            "{o:?}"
        );
        assert!(
            run(&file(
                "COPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
            ))
            .passed()
        );
    }
}
