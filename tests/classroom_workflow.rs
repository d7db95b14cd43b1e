//! The GitHub Classroom workflow in docs/ is what an instructor copies: its tests must be
//! one per TODO of the pack, named after it, and its commands must give the points the
//! grader gives, run here with the real binary.

use std::process::Command;

use serde_yaml::Value;
use stagecraft::pack::Pack;

fn workflow() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/classroom/classroom.yml"
    ))
    .unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// The autograding tests: (step id, test name, command).
fn tests(w: &Value) -> Vec<(String, String, String)> {
    let steps = w["jobs"]["run-autograding-tests"]["steps"]
        .as_sequence()
        .unwrap();
    steps
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("classroom-resources/autograding-command-grader@"))
        })
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["with"]["test-name"].as_str().unwrap().to_string(),
                s["with"]["command"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Runs a test's command as the runner would, with the binary built here, in `dir`.
fn score(dir: &std::path::Path, command: &str) -> bool {
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args[0], "stagecraft", "{command}");
    let status = Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args(&args[1..])
        .current_dir(dir)
        .output()
        .unwrap()
        .status;
    assert!(matches!(status.code(), Some(0 | 1)), "{command}: {status}");
    status.success()
}

#[test]
fn one_test_per_todo_named_after_it_and_reported() {
    let w = workflow();
    let pack = Pack::embedded().unwrap();
    let tests = tests(&w);
    assert_eq!(tests.len(), pack.lessons.len());
    for ((id, name, command), lesson) in tests.iter().zip(&pack.lessons) {
        assert_eq!(id, &format!("todo-{}", lesson.todo));
        assert_eq!(name, &format!("TODO {}: {}", lesson.todo, lesson.title));
        assert_eq!(
            command,
            &format!("stagecraft check Dockerfile --todo {}", lesson.todo)
        );
    }
    let steps = w["jobs"]["run-autograding-tests"]["steps"]
        .as_sequence()
        .unwrap();
    let reporter = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("classroom-resources/autograding-grading-reporter@"))
        })
        .unwrap();
    let ids: Vec<&str> = tests.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(reporter["with"]["runners"].as_str().unwrap(), ids.join(","));
    for id in ids {
        let env = format!("{}_RESULTS", id.to_uppercase());
        assert_eq!(
            reporter["env"][env.as_str()].as_str().unwrap(),
            format!("${{{{steps.{id}.outputs.result}}}}")
        );
    }
}

#[test]
fn the_tests_give_partial_credit() {
    let w = workflow();
    let pack = Pack::embedded().unwrap();
    let tests = tests(&w);
    let dir = tempfile::tempdir().unwrap();
    let points = |text: &str| {
        std::fs::write(dir.path().join("Dockerfile"), text).unwrap();
        tests
            .iter()
            .filter(|(_, _, c)| score(dir.path(), c))
            .count()
    };
    for s in &pack.solutions {
        assert_eq!(points(&s.text), 7, "{}", s.path);
    }
    assert_eq!(points(&pack.starter.text), 0);
    let todo_1 = pack.starter.text.replacen(
        "FROM python:3.11",
        "FROM python:3.11 AS builder\nFROM python:3.11-slim",
        1,
    );
    assert_eq!(points(&todo_1), 1);
}
