//! `check`'s formats for CI and autograders, read as those tools read them: JUnit XML
//! parsed, GitHub workflow commands split as the runner splits them, SARIF validated.

use std::process::{Command, Output};

use serde_json::Value;

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
fn junit_has_a_testcase_per_todo_and_failures_carry_the_rule_messages() {
    let o = stagecraft(&["check", "starter/Dockerfile", "--format", "junit"]);
    assert_eq!(o.status.code(), Some(1));
    let xml = stdout(&o);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("7"));
    assert_eq!(suite.attribute("failures"), Some("7"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 7);
    assert_eq!(
        cases[0].attribute("name"),
        Some("TODO 1: A proper build stage")
    );
    let failure = cases[6]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    let text = failure.text().unwrap();
    assert!(
        text.contains("SC701 line 57: the command is in shell form"),
        "{text}"
    );
    assert_eq!(failure.attribute("type"), Some("SC701"));
    // The consequence is said once, after the message.
    assert!(
        text.contains("write it as a JSON array (not fit for production)\n"),
        "{text}"
    );
    // SC703 passes TODO 7 with a warning: it is carried as one, in the testcase's output.
    let out = cases[6]
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(out.starts_with("SC703 (warning) line 57: "), "{out:?}");

    let o = stagecraft(&["check", "solutions/venv.Dockerfile", "--format", "junit"]);
    assert_eq!(o.status.code(), Some(0));
    let xml = stdout(&o);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        7
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
}

#[test]
fn junit_stays_well_formed_whatever_the_file_holds() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a \"quoted\" <name>.Dockerfile");
    std::fs::write(
        &file,
        "FROM python:3.11 AS b\u{1}<&>\nRUN echo \"]]>\" \u{1b}[31m\nFR\n",
    )
    .unwrap();
    let o = stagecraft(&["check", file.to_str().unwrap(), "--format", "junit"]);
    let xml = stdout(&o);
    roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
}

#[test]
fn github_annotations_point_at_the_lines() {
    let o = stagecraft(&["check", "starter/Dockerfile", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error ")).collect();
    assert!(!errors.is_empty());
    for line in &errors {
        // `::error PROPERTIES::MESSAGE`, properties `k=v` separated by commas.
        let rest = line.strip_prefix("::error ").unwrap();
        let (props, message) = rest.split_once("::").unwrap();
        assert!(!message.is_empty());
        for p in props.split(',') {
            let (k, _) = p.split_once('=').unwrap_or_else(|| panic!("{line}"));
            assert!(["file", "line", "col", "title"].contains(&k), "{line}");
        }
        assert!(props.starts_with("file=starter/Dockerfile"), "{line}");
    }
    assert!(
        out.contains("::error file=starter/Dockerfile,line=57,title=TODO 7 "),
        "{out}"
    );
    // Plain `check` shows SC703 as a warning on the starter; so does GitHub.
    assert!(
        out.contains("::warning file=starter/Dockerfile,line=57,title=TODO 7 A production command (SC703)::where `python app.py` listens"),
        "{out}"
    );
    // Each annotation says its consequence once: the runs-as-root message does not say it too.
    let root = errors
        .iter()
        .find(|l| l.contains("(SC601"))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(root.matches("runs as root").count(), 1, "{root}");
    assert!(out.ends_with("::notice file=starter/Dockerfile,title=stagecraft::0/7 TODOs pass\n"));
    let ok = stdout(&stagecraft(&[
        "check",
        "solutions/user.Dockerfile",
        "--format",
        "github",
    ]));
    assert!(!ok.contains("::error"), "{ok}");
}

fn sarif(file: &str) -> Value {
    let o = stagecraft(&["check", file, "--format", "sarif"]);
    serde_json::from_slice(&o.stdout).unwrap()
}

fn validate(log: &Value) {
    let schema: Value =
        serde_json::from_str(include_str!("sarif/sarif-2.1.0-subset.schema.json")).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // What the schema cannot say: each result's ruleIndex names its rule.
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn sarif_is_valid_with_one_result_per_failing_or_warning_rule() {
    let log = sarif("starter/Dockerfile");
    validate(&log);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    // One result per failing rule, as `check --format json` lists them.
    let json: Value = serde_json::from_slice(
        &stagecraft(&["check", "starter/Dockerfile", "--format", "json"]).stdout,
    )
    .unwrap();
    let mut failing: Vec<String> = json["todos"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["rules"].as_array().unwrap().clone())
        .filter(|r| r["passed"] == false)
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    failing.sort();
    failing.dedup();
    let ids_at = |level: &str| {
        let mut ids: Vec<String> = results
            .iter()
            .filter(|r| r["level"] == level)
            .map(|r| r["ruleId"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids_at("error"), failing);
    // The starter's SC703 passes with a warning (where `python app.py` listens is the app's
    // business): a warning result, as plain `check` shows it.
    assert_eq!(ids_at("warning"), vec!["SC703".to_string()]);
    let sc703 = results.iter().find(|r| r["ruleId"] == "SC703").unwrap();
    assert!(sc703["properties"].get("consequence").is_none(), "{sc703}");
    let sc701 = results.iter().find(|r| r["ruleId"] == "SC701").unwrap();
    assert_eq!(
        sc701["locations"][0]["physicalLocation"]["region"]["startLine"],
        57
    );
    assert_eq!(sc701["properties"]["consequence"], "not-production");
    // The rule's metadata comes from its file.
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "SC701")
        .unwrap();
    let words = stagecraft::rules::by_id("SC701").unwrap();
    assert_eq!(rule["fullDescription"]["text"], words.summary);
    assert!(rule["help"]["text"].as_str().unwrap().contains(words.why));
    assert_eq!(rule["properties"]["consequence"], words.consequence.id());

    let passing = sarif("solutions/prefix.Dockerfile");
    validate(&passing);
    assert_eq!(passing["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn sarif_check_catches_what_it_should() {
    // The hand-written schema is not a formality: a result without a message, a
    // line 0 and an invented property are all refused.
    let mut log = sarif("starter/Dockerfile");
    let schema: Value =
        serde_json::from_str(include_str!("sarif/sarif-2.1.0-subset.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&log));
    let result = &mut log["runs"][0]["results"][0];
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(!validator.is_valid(&log));
    let mut log = sarif("starter/Dockerfile");
    log["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&log));
    let mut log = sarif("starter/Dockerfile");
    log["runs"][0]["results"][0]["severity"] = "high".into();
    assert!(!validator.is_valid(&log));
}

#[test]
fn one_todo_at_a_time_for_partial_credit() {
    for n in 1..=7 {
        let n = n.to_string();
        let o = stagecraft(&["check", "solutions/venv.Dockerfile", "--todo", &n]);
        assert_eq!(o.status.code(), Some(0), "TODO {n}: {}", stdout(&o));
        let o = stagecraft(&["check", "starter/Dockerfile", "--todo", &n]);
        assert_eq!(o.status.code(), Some(1), "TODO {n}");
        assert!(
            stdout(&o).contains(&format!("✗ TODO {n} ")),
            "{}",
            stdout(&o)
        );
        assert_eq!(stdout(&o).matches("TODO").count(), 2, "{}", stdout(&o));
    }
    let o = stagecraft(&["check", "starter/Dockerfile", "--todo", "8"]);
    assert_eq!(o.status.code(), Some(2));
}
