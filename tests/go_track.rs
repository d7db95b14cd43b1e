//! The Go track's pack and app, until the loader carries a second stack: the lessons in
//! lessons/go are read as the loader would read them and go through `lessons validate`'s
//! checks (the starter fails every TODO and has its seven `# TODO n:` comments, both
//! reference solutions pass every TODO, the hint templates are valid); each lesson grades
//! its TODO with the Go rules of that TODO; and the app's own tests run with `go test` in the
//! golang stand-in image.
//!
//! The app's test needs a Docker engine and the golang:1.24 stand-in
//! (`scripts/stand-in-images.sh`); without them it prints why and passes, unless
//! STAGECRAFT_REQUIRE_DOCKER=1 (as `.ci/run` sets it).

use std::path::Path;
use std::process::{Command, Stdio};

use serde::Deserialize;
use stagecraft::pack::{Lesson, Pack, PackText, validate};
use stagecraft::rules::Params;
use stagecraft::rules::go::{GoParams, TODO_OF};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The keys of lessons/go/pack.yaml this test reads.
#[derive(Deserialize)]
struct GoPackFile {
    name: String,
    version: String,
    #[serde(default)]
    description: String,
    exercise_dir: String,
    starter: String,
    baseline: Option<String>,
    app_files: Vec<String>,
    solutions: Vec<String>,
    parameters: GoPackParameters,
    lessons: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GoPackParameters {
    go: GoParams,
}

fn text(path: &Path) -> PackText {
    PackText {
        path: path.display().to_string(),
        text: std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    }
}

fn go_pack() -> Pack {
    let dir = Path::new(ROOT).join("lessons/go");
    let file: GoPackFile =
        serde_yaml::from_str(&std::fs::read_to_string(dir.join("pack.yaml")).unwrap()).unwrap();
    let exercise = dir.join(&file.exercise_dir);
    let lessons = file
        .lessons
        .iter()
        .map(|name| {
            let path = dir.join(name);
            let source = std::fs::read_to_string(&path).unwrap();
            let mut lesson: Lesson =
                serde_yaml::from_str(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            lesson.file = path.display().to_string();
            lesson.source = source;
            lesson
        })
        .collect();
    Pack {
        name: file.name,
        version: file.version,
        description: file.description,
        starter: text(&exercise.join(&file.starter)),
        baseline: file.baseline.map(|b| text(&exercise.join(b))),
        solutions: file
            .solutions
            .iter()
            .map(|s| text(&exercise.join(s)))
            .collect(),
        exercise_files: file
            .app_files
            .iter()
            .map(|f| text(&exercise.join(f)))
            .collect(),
        params: Params {
            go: file.parameters.go,
            ..Params::default()
        },
        lessons,
    }
}

#[test]
fn the_go_pack_passes_lessons_validate() {
    let pack = go_pack();
    assert_eq!(pack.lessons.len(), 7);
    assert_eq!(pack.solutions.len(), 2);
    if let Err(errors) = validate(&pack) {
        panic!("{errors}");
    }
    // The pack's parameters are the ones the rule tests use.
    assert_eq!(pack.params.go, GoParams::default());
}

#[test]
fn each_go_lesson_is_graded_by_the_go_rules_of_its_todo() {
    let pack = go_pack();
    for lesson in &pack.lessons {
        let mut expected: Vec<&str> = TODO_OF
            .iter()
            .filter(|(_, todo)| *todo == lesson.todo)
            .map(|(id, _)| *id)
            .collect();
        expected.sort_unstable();
        let mut listed: Vec<&str> = lesson.rules.iter().map(String::as_str).collect();
        listed.sort_unstable();
        assert_eq!(listed, expected, "{}", lesson.file);
        assert_eq!(lesson.hints.len(), 3, "{}", lesson.file);
    }
}

#[test]
fn the_starter_is_graded_0_of_7_and_the_solutions_7_of_7() {
    let pack = go_pack();
    let starter = stagecraft::grade::Analysis::of(&pack.starter.text, &pack);
    assert_eq!(starter.passed(), 0, "{:#?}", starter.todos);
    for solution in &pack.solutions {
        let analysis = stagecraft::grade::Analysis::of(&solution.text, &pack);
        assert_eq!(
            analysis.passed(),
            7,
            "{}: {:#?}",
            solution.path,
            analysis.todos
        );
    }
}

fn require_docker() -> bool {
    std::env::var("STAGECRAFT_REQUIRE_DOCKER").is_ok_and(|v| v == "1")
}

/// Whether the engine and the golang stand-in are there; else why not (a failure under
/// STAGECRAFT_REQUIRE_DOCKER=1).
fn golang_image_ready() -> bool {
    let ok = |args: &[&str]| {
        Command::new("docker")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let why = if !ok(&["version"]) {
        Some("no Docker engine answers")
    } else if !ok(&["image", "inspect", "golang:1.24"]) {
        Some("the golang:1.24 stand-in is missing (scripts/stand-in-images.sh)")
    } else {
        None
    };
    match why {
        None => true,
        Some(why) if require_docker() => panic!("STAGECRAFT_REQUIRE_DOCKER=1 but {why}"),
        Some(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

/// The app's tests, `go vet` and gofmt, in golang:1.24 with no network (the app uses only
/// the standard library). The source is mounted read-only and copied, so nothing is written
/// into go/starter.
#[test]
fn the_go_app_passes_its_own_tests_in_the_golang_image() {
    if !golang_image_ready() {
        return;
    }
    let app = Path::new(ROOT).join("go/starter");
    let out = Command::new("docker")
        .args(["run", "--rm", "--network", "none", "--label", "org.stagecraft.test=1"])
        .arg("-v")
        .arg(format!("{}:/app:ro", app.display()))
        .args([
            "golang:1.24",
            "sh",
            "-c",
            "cp -r /app /tmp/src && cd /tmp/src && test -z \"$(gofmt -l .)\" && go vet ./... && go test -v ./...",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("docker runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "go test failed:\n{log}");
    for test in [
        "TestStatus",
        "TestInfo",
        "TestOnlyGetIsServed",
        "TestListenAddr",
    ] {
        assert!(
            log.contains(&format!("--- PASS: {test}")),
            "{test} did not pass:\n{log}"
        );
    }
}
