//! The Go rules together: their words, the reference solutions, the starter, and the
//! predictions the fixtures in tests/fixtures/go make (each was built and run on the
//! stand-in images: scripts/go-outcomes.sh).

use super::super::{Consequence, Outcome, Params, Severity, Status};
use super::{ALL, DISTROLESS, GOOD, HINTS, TODO_OF, hints};
use crate::facts::derive;
use crate::syntax::parse;

const STARTER: &str = include_str!("../../../go/starter/Dockerfile");

/// Every fixture: its name and text.
const FIXTURES: &[(&str, &str)] = &[
    (
        "cgo-on-scratch",
        include_str!("../../../tests/fixtures/go/cgo-on-scratch.Dockerfile"),
    ),
    (
        "user-name-on-scratch",
        include_str!("../../../tests/fixtures/go/user-name-on-scratch.Dockerfile"),
    ),
    (
        "shell-cmd-on-scratch",
        include_str!("../../../tests/fixtures/go/shell-cmd-on-scratch.Dockerfile"),
    ),
    (
        "addr-loopback",
        include_str!("../../../tests/fixtures/go/addr-loopback.Dockerfile"),
    ),
    (
        "go-sum-missing",
        include_str!("../../../tests/fixtures/go/go-sum-missing.Dockerfile"),
    ),
    (
        "go-run-nonroot",
        include_str!("../../../tests/fixtures/go/go-run-nonroot.Dockerfile"),
    ),
    (
        "final-golang",
        include_str!("../../../tests/fixtures/go/final-golang.Dockerfile"),
    ),
    (
        "copy-unbuilt-path",
        include_str!("../../../tests/fixtures/go/copy-unbuilt-path.Dockerfile"),
    ),
    (
        "distroless-nonroot",
        include_str!("../../../tests/fixtures/go/distroless-nonroot.Dockerfile"),
    ),
];

fn grade(text: &str) -> Vec<(&'static str, Outcome)> {
    let facts = derive(&parse(text));
    let params = Params::default();
    ALL.iter().map(|r| (r.id, r.run(&facts, &params))).collect()
}

/// TODO number → whether every rule of it passes.
fn todos(text: &str) -> Vec<(u32, bool)> {
    let outcomes = grade(text);
    (1..=7)
        .map(|todo| {
            let passed = TODO_OF
                .iter()
                .filter(|(_, t)| *t == todo)
                .all(|(id, _)| outcomes.iter().any(|(r, o)| r == id && o.passed()));
            (todo, passed)
        })
        .collect()
}

#[test]
fn ids_are_unique_sorted_documented_and_mapped() {
    for pair in ALL.windows(2) {
        assert!(
            pair[0].id < pair[1].id,
            "{} before {}",
            pair[0].id,
            pair[1].id
        );
    }
    for r in ALL {
        assert!(r.id.starts_with("GO"), "{}", r.id);
        assert!(
            !r.title.is_empty()
                && !r.summary.is_empty()
                && !r.why.is_empty()
                && !r.example.is_empty()
                && !r.instead.is_empty(),
            "{}",
            r.id
        );
        assert_eq!(r.severity, Severity::Error, "{}", r.id);
        assert!(
            crate::rules::by_id(r.id).is_some_and(|found| found.id == r.id),
            "{}",
            r.id
        );
        assert_eq!(
            TODO_OF.iter().filter(|(id, _)| *id == r.id).count(),
            1,
            "{} grades one TODO",
            r.id
        );
    }
    assert_eq!(TODO_OF.len(), ALL.len());
    assert!(
        crate::rules::ALL
            .iter()
            .all(|sc| ALL.iter().all(|go| go.id != sc.id))
    );
}

#[test]
fn every_rule_has_a_ladder_of_three_hints() {
    assert_eq!(HINTS.len(), ALL.len());
    for r in ALL {
        let ladder = hints(r.id).unwrap_or_else(|| panic!("{} has no hints", r.id));
        for hint in ladder {
            assert!(
                hint.len() > 20 && hint.ends_with(['.', '?', ')']),
                "{}: {hint:?}",
                r.id
            );
        }
        // From gentle to almost the answer: the last one says what to write.
        assert!(
            ladder[2].contains('`'),
            "{}: the last hint shows the line",
            r.id
        );
    }
}

#[test]
fn both_reference_solutions_pass_every_rule_and_every_todo() {
    for (name, text) in [("scratch", GOOD), ("distroless", DISTROLESS)] {
        for (id, o) in grade(text) {
            assert!(o.passed(), "{name}: {id} fails: {o:?}");
        }
        assert!(todos(text).iter().all(|(_, passed)| *passed), "{name}");
    }
}

#[test]
fn the_starter_fails_every_todo() {
    for (todo, passed) in todos(STARTER) {
        assert!(!passed, "the starter passes TODO {todo}");
    }
}

/// `# predicts: GO401 wont-start` in a fixture: that rule fails with that consequence;
/// `# predicts: serves`: no rule predicts a failed build, a container that will not start,
/// an unreachable server or root.
#[test]
fn each_fixture_fails_as_measured() {
    for (name, text) in FIXTURES {
        let predicts = text
            .lines()
            .find_map(|l| l.strip_prefix("# predicts: "))
            .unwrap_or_else(|| panic!("{name} has no `# predicts:` line"));
        let outcomes = grade(text);
        if predicts == "serves" {
            for (id, o) in &outcomes {
                assert!(
                    !matches!(
                        o.consequence,
                        Some(
                            Consequence::BuildFails
                                | Consequence::WontStart
                                | Consequence::Unreachable
                                | Consequence::RunsAsRoot
                        )
                    ),
                    "{name}: {id} predicts {o:?}"
                );
            }
            continue;
        }
        let (id, consequence) = predicts.split_once(' ').unwrap();
        let (_, o) = outcomes
            .iter()
            .find(|(r, _)| r == &id)
            .unwrap_or_else(|| panic!("{name}: no rule {id}"));
        assert_eq!(o.status, Status::Fail, "{name}: {id} {o:?}");
        assert_eq!(
            o.consequence.map(|c| c.id()),
            Some(consequence),
            "{name}: {id} {o:?}"
        );
        // The one flaw the fixture has is the only thing that stops it from running.
        for (other, o) in &outcomes {
            if other != &id
                && matches!(
                    o.consequence,
                    Some(
                        Consequence::BuildFails | Consequence::WontStart | Consequence::Unreachable
                    )
                )
            {
                panic!("{name}: {other} also predicts {o:?}");
            }
        }
    }
}

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    /// Lines a Go Dockerfile is made of, with the words that vary replaced at random.
    fn fragment() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            "[a-z0-9:./_=-]{0,12}",
            "\\PC{0,8}",
            Just("/".to_string()),
            Just(".".to_string()),
            Just("./...".to_string()),
            Just("$GOBIN".to_string()),
            Just("構築".to_string()),
        ];
        prop_oneof![
            word.clone()
                .prop_map(|a| format!("FROM golang:1.24 AS {a}")),
            word.clone().prop_map(|a| format!("FROM {a}")),
            word.clone().prop_map(|a| format!("FROM {a} AS test")),
            word.clone()
                .prop_map(|a| format!("RUN CGO_ENABLED={a} go build -o {a} {a}")),
            word.clone()
                .prop_map(|a| format!("RUN export CGO_ENABLED=0; cd {a} && go install {a}")),
            word.clone()
                .prop_map(|a| format!("RUN go build -C {a} -ldflags \"-s -w\" -o={a}/")),
            word.clone()
                .prop_map(|a| format!("RUN go mod download && go test {a}")),
            word.clone()
                .prop_map(|a| format!("COPY --from={a} /out/{a} {a}")),
            word.clone()
                .prop_map(|a| format!("COPY --from=build {a} /")),
            word.clone().prop_map(|a| format!("COPY go.mod {a} ./")),
            word.clone()
                .prop_map(|a| format!("ENV ADDR={a} CGO_ENABLED={a} GOBIN=/{a}")),
            word.clone().prop_map(|a| format!("ARG CGO_ENABLED={a}")),
            word.clone().prop_map(|a| format!("USER {a}")),
            word.clone().prop_map(|a| format!("WORKDIR {a}")),
            word.clone().prop_map(|a| format!("EXPOSE {a}")),
            word.clone().prop_map(|a| format!("ENTRYPOINT [\"{a}\"]")),
            word.clone().prop_map(|a| format!("CMD go run {a}")),
            word.clone()
                .prop_map(|a| format!("CMD [\"/bin/sh\", \"-c\", \"{a}\"]")),
            "\\PC{0,40}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Every Go rule answers any file, without a line number in its message, and says
        /// what a failure does.
        #[test]
        fn any_go_dockerfile_is_answered(lines in prop::collection::vec(fragment(), 0..20)) {
            for (id, o) in grade(&lines.join("\n")) {
                prop_assert!(!o.message.is_empty() && !o.message.starts_with("line "), "{id}: {o:?}");
                prop_assert!(o.status != Status::Fail || o.consequence.is_some(), "{id}: {o:?}");
            }
        }
    }
}
