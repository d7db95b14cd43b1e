//! The command-line views, run as a user runs them: the real binary, its output and exit code.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn stagecraft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn every_solution_passes_seven_of_seven() {
    for s in [
        "solutions/venv.Dockerfile",
        "solutions/user.Dockerfile",
        "solutions/prefix.Dockerfile",
    ] {
        let o = stagecraft(&["check", s]);
        assert_eq!(o.status.code(), Some(0), "{s}: {}", stdout(&o));
        assert!(stdout(&o).contains("7/7 TODOs pass"), "{}", stdout(&o));
    }
}

#[test]
fn the_starter_fails_every_todo() {
    let o = stagecraft(&["check", "starter/Dockerfile"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("0/7 TODOs pass"));
    assert_eq!(out.matches('✗').count(), 7);
    assert!(
        out.contains("SC701 line 57: the command is in shell form"),
        "{out}"
    );
}

#[test]
fn json_follows_the_contract() {
    let o = stagecraft(&["check", "starter/Dockerfile", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["file"], "starter/Dockerfile");
    assert_eq!(v["passed"], 0);
    assert_eq!(v["total"], 7);
    let todos = v["todos"].as_array().unwrap();
    assert_eq!(todos.len(), 7);
    assert_eq!(todos[0]["todo"], 1);
    assert_eq!(todos[0]["id"], "build-stage");
    let rule = &todos[0]["rules"][0];
    assert_eq!(rule["id"], "SC101");
    assert_eq!(rule["passed"], false);
    assert_eq!(rule["line"], 14);
    assert!(rule["message"].as_str().unwrap().contains("only one stage"));
    assert!(v["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn stdin_and_diagnostics() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args(["check", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"FROM python:3.11-slim AS builder\nCOPY --from=\nFROM python:3.11-slim\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["file"], "<stdin>");
    assert_eq!(v["diagnostics"][0]["line"], 2);
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("--from needs a value")
    );
    assert_eq!(
        v["todos"][0]["passed"], true,
        "TODO 1 still graded around the broken line"
    );
}

#[test]
fn unreadable_file_is_a_usage_error_naming_it() {
    let o = stagecraft(&["check", "no/such/Dockerfile"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no/such/Dockerfile: does not exist"), "{err}");
}

#[test]
fn a_file_error_is_said_once_with_its_cause() {
    // compare, the tutorial and class grade print errors with their causes: each reason
    // once, after the file it is about.
    let o = stagecraft(&["compare", "no/such/Dockerfile"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no/such/Dockerfile: does not exist"), "{err}");
    assert_eq!(err.matches("does not exist").count(), 1, "{err}");

    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    let out = blocker.join("report.html");
    let o = stagecraft(&[
        "class",
        "grade",
        "solutions/venv.Dockerfile",
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("report.html: cannot save"), "{err}");
    assert_eq!(err.matches("Not a directory").count(), 1, "{err}");
}

#[test]
fn not_utf8_is_a_warning_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, b"FROM python:3.11\nRUN echo \xff\n").unwrap();
    let o = stagecraft(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(":2:10: warning: the file is not valid UTF-8"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn analyze_shows_every_section() {
    let o = stagecraft(&["analyze", "solutions/venv.Dockerfile"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for section in [
        "Found 2 build stage(s)",
        "Build Stage Flow",
        "Stage 1: builder",
        "COPY --from=builder /opt/venv",
        "Best Practices Validation",
        "Score: 7/7 checks passed",
        "Estimated Size Comparison",
        "Savings:",
        "Excluded from final image",
        "gcc (in builder)",
        "Build Commands",
        "docker build --target builder",
        "Key Takeaways",
    ] {
        assert!(out.contains(section), "missing {section:?}:\n{out}");
    }
    // Boxes are sized to their content: every line of a box has the same width.
    let widths: Vec<usize> = out
        .lines()
        .filter(|l| l.trim_start().starts_with('│'))
        .map(|l| l.chars().count())
        .collect();
    let first_box: Vec<&usize> = widths.iter().take(4).collect();
    assert!(first_box.windows(2).all(|w| w[0] == w[1]), "{widths:?}");
    let json = stagecraft(&["analyze", "starter/Dockerfile", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["score"], 0);
    assert_eq!(v["stages"], 1);
}

#[test]
fn lessons_validate_exit_codes() {
    let o = stagecraft(&["lessons", "validate", "lessons"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pack.yaml"),
        "name: x\nversion: 1\nstarter: Dockerfile\nsolutions: []\nlessons: []\ncolour: red\n",
    )
    .unwrap();
    let o = stagecraft(&["lessons", "validate", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("pack.yaml:6:1: unknown field `colour`"),
        "{err}"
    );
}

#[test]
fn check_with_another_pack() {
    let o = stagecraft(&["check", "solutions/venv.Dockerfile", "--pack", "lessons"]);
    assert_eq!(o.status.code(), Some(0));
    let o = stagecraft(&[
        "check",
        "solutions/venv.Dockerfile",
        "--pack",
        "/nonexistent",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent"));
}

#[test]
fn a_broken_line_is_reported_as_an_error_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    std::fs::write(
        &path,
        "FROM python:3.11-slim AS builder\nFR\nFROM python:3.11-slim\n",
    )
    .unwrap();
    let o = stagecraft(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(":2:1: error: unknown instruction `FR` (did you mean FROM?)"),
        "{out}"
    );
    assert!(out.contains("✓ TODO 1"), "the rest is still graded:\n{out}");
}

/// A learner at 7/7 without a HEALTHCHECK (no lesson teaches one) is not told they failed
/// without being told it lies beyond the exercise, and is shown one that works on
/// python:3.11-slim. The excluded list holds only what the final image lacks, and the build
/// commands use the folder that holds the app as the context.
#[test]
fn analyze_agrees_with_the_tutorial_at_seven_of_seven() {
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("lab");
    std::fs::create_dir(&lab).unwrap();
    let text = std::fs::read_to_string("solutions/venv.Dockerfile").unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("HEALTHCHECK"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(lab.join("Dockerfile"), &text).unwrap();
    std::fs::write(lab.join("app.py"), "app = None\n").unwrap();
    let file = lab.join("Dockerfile");
    assert_eq!(
        stagecraft(&["check", file.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let out = stdout(&stagecraft(&["analyze", file.to_str().unwrap()]));
    assert!(out.contains("Score: 6/7 checks passed"), "{out}");
    assert!(
        out.contains("❌ Health Check: no HEALTHCHECK in the final stage (beyond the exercise: no lesson asks for it; see the next step below)"),
        "{out}"
    );
    assert!(
        out.contains("All 7 TODOs of the exercise pass; what is left goes beyond it."),
        "{out}"
    );
    assert!(
        out.contains("HEALTHCHECK --interval=30s --timeout=3s CMD python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/status', timeout=2)\""),
        "{out}"
    );
    // The virtualenv is copied into the final image: not "excluded".
    let excluded = out
        .split("Excluded from final image:")
        .nth(1)
        .and_then(|s| s.split("(estimates").next())
        .unwrap();
    assert!(excluded.contains("gcc (in builder)"), "{excluded}");
    assert!(!excluded.contains("virtualenv"), "{excluded}");
    // The context is the folder with app.py, not wherever the command was run.
    let lab_shown = lab.display().to_string();
    assert!(
        out.contains(&format!(
            "docker build -t flask-demo:multistage -f {} {lab_shown}",
            file.display()
        )),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &stagecraft(&["analyze", file.to_str().unwrap(), "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(json["todos_passed"], 7);
    assert_eq!(json["checks"][4]["beyond_exercise"], true);
    assert_eq!(json["context"], lab_shown.as_str());
    assert!(
        json["next_step"]["example"]
            .as_str()
            .unwrap()
            .starts_with("HEALTHCHECK")
    );

    // Where no folder at hand holds app.py, the commands say so.
    let out = stdout(&stagecraft(&["analyze", "solutions/venv.Dockerfile"]));
    assert!(
        out.contains("# app.py is not in solutions: run these with the folder that holds app.py"),
        "{out}"
    );
    // The starter is not offered a next step it is far from.
    let out = stdout(&stagecraft(&["analyze", "starter/Dockerfile"]));
    assert!(!out.contains("Next step"), "{out}");
}

/// The tutorial calls every reference solution complete; `analyze` agrees (each has a
/// HEALTHCHECK, as pack.yaml says).
#[test]
fn analyze_scores_every_reference_solution_seven_of_seven() {
    for s in [
        "solutions/venv.Dockerfile",
        "solutions/user.Dockerfile",
        "solutions/prefix.Dockerfile",
    ] {
        let o = stagecraft(&["analyze", s, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            (v["score"].as_u64(), v["total"].as_u64()),
            (Some(7), Some(7)),
            "{s}"
        );
    }
}

/// A file through `check` from a temporary folder.
fn check_text(text: &str, format: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, text).unwrap();
    stagecraft(&["check", path.to_str().unwrap(), "--format", format])
}

#[test]
fn every_failing_rule_carries_a_consequence_and_no_passing_one_does() {
    let allowed = [
        "build-fails",
        "wont-start",
        "unreachable",
        "runs-as-root",
        "bigger-image",
        "slower-rebuilds",
        "not-reproducible",
        "not-production",
        "portability",
        "fragile",
        "unclear",
    ];
    for file in [
        "starter/Dockerfile",
        "starter/Dockerfile.single",
        "solutions/venv.Dockerfile",
    ] {
        let o = stagecraft(&["check", file, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for todo in v["todos"].as_array().unwrap() {
            for rule in todo["rules"].as_array().unwrap() {
                let consequence = &rule["consequence"];
                if rule["passed"] == true {
                    assert!(consequence.is_null(), "{file}: {rule}");
                } else {
                    assert!(
                        allowed.contains(&consequence.as_str().unwrap_or("")),
                        "{file}: {rule}"
                    );
                    assert!(
                        !rule["message"].as_str().unwrap().starts_with("line "),
                        "the line is a field, not part of the message: {rule}"
                    );
                }
            }
        }
    }
}

#[test]
fn check_never_says_the_same_thing_twice() {
    for text in [
        std::fs::read_to_string("starter/Dockerfile").unwrap(),
        "FROM python:3.11\n".to_string(),
        "FROM python:3.11AS builder\nRUN pip install -r requirements.txt\nFROM python:3.11-slim\n"
            .to_string(),
        "# nothing yet\n".to_string(),
    ] {
        let out = stdout(&check_text(&text, "text"));
        let mut messages: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("    ") && !l.contains("(same as"))
            .map(|l| l.split_once(": ").map_or(l, |(_, m)| m))
            .collect();
        let n = messages.len();
        messages.sort_unstable();
        messages.dedup();
        assert_eq!(messages.len(), n, "{out}");
    }
}

#[test]
fn a_malformed_from_line_is_named_by_the_check_that_reads_it() {
    let o = check_text(
        "FROM python:3.11AS builder\nRUN pip install -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=builder /x /x\n",
        "json",
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sc102 = &v["todos"][0]["rules"][1];
    assert_eq!(sc102["id"], "SC102");
    assert!(
        sc102["message"].as_str().unwrap().contains("malformed"),
        "{sc102}"
    );
    assert_eq!(sc102["consequence"], "build-fails");
}

#[test]
fn analyze_json_carries_the_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, "FROM python:3.11-slim\nFR x\n").unwrap();
    let o = stagecraft(&["analyze", path.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["line"], 2);
}

// `stagecraft explain`

/// Text with runs of whitespace made one space (explain wraps its prose).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn explain_covers_every_rule_with_its_words_todo_and_consequence() {
    let pack = stagecraft::pack::Pack::embedded().unwrap();
    for rule in stagecraft::rules::ALL {
        let o = stagecraft(&["explain", &rule.id.to_lowercase()]);
        assert_eq!(o.status.code(), Some(0), "{}", rule.id);
        let out = stdout(&o);
        assert!(
            out.starts_with(&format!("{}: {}\n", rule.id, rule.title)),
            "{out}"
        );
        let words = flat(&out);
        for prose in [rule.summary, rule.why, rule.consequence.phrase()] {
            assert!(
                words.contains(&flat(prose)),
                "{}: {prose:?}\n{out}",
                rule.id
            );
        }
        for line in rule.example.lines().chain(rule.instead.lines()) {
            assert!(
                out.contains(&format!("    {line}\n")),
                "{}: {line}",
                rule.id
            );
        }
        let place = stagecraft::rule_doc::placement(rule, &pack);
        for (n, title) in place.graded_by.iter().chain(&place.advises) {
            assert!(out.contains(&format!("TODO {n} ({title})")), "{out}");
        }
    }
}

#[test]
fn explain_list_names_every_rule_once_under_its_todo() {
    let o = stagecraft(&["explain", "--list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for rule in stagecraft::rules::ALL {
        let rows = out
            .lines()
            .filter(|l| l.trim_start().starts_with(&format!("{} ", rule.id)))
            .count();
        assert_eq!(rows, 1, "{}\n{out}", rule.id);
    }
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with("TODO ")).collect();
    assert_eq!(headings.len(), 7, "{out}");
    for (i, h) in headings.iter().enumerate() {
        assert!(h.starts_with(&format!("TODO {} ", i + 1)), "{h}");
    }
    // SC101 sits under TODO 1, SC701 under TODO 7.
    let under = |id: &str| {
        out.lines()
            .take_while(|l| !l.contains(id))
            .filter(|l| l.starts_with("TODO "))
            .last()
            .map(str::to_string)
    };
    assert!(under("SC101").unwrap().starts_with("TODO 1 "));
    assert!(under("SC701").unwrap().starts_with("TODO 7 "));
}

#[test]
fn explain_an_unknown_rule_exits_2_naming_the_closest() {
    let o = stagecraft(&["explain", "SC13"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("SC13") && err.contains("SC103"), "{err}");
    assert!(err.contains("--list"), "{err}");
    // No argument at all: a usage error.
    assert_eq!(stagecraft(&["explain"]).status.code(), Some(2));
}

#[test]
fn sarif_help_and_explain_share_one_source() {
    let o = stagecraft(&["check", "starter/Dockerfile", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for r in rules {
        let rule = stagecraft::rules::by_id(r["id"].as_str().unwrap()).unwrap();
        assert_eq!(r["help"]["text"], stagecraft::rule_doc::text(rule));
        assert_eq!(r["help"]["markdown"], stagecraft::rule_doc::markdown(rule));
        let explained = flat(&stdout(&stagecraft(&["explain", rule.id])));
        for s in stagecraft::rule_doc::sections(rule) {
            assert!(
                explained.contains(&flat(s.body)),
                "{}: {}",
                rule.id,
                s.heading
            );
        }
    }
}
