//! `stagecraft lsp` at the protocol level: the real server loop spoken to in memory
//! (`stagecraft::lsp::client`), and the real binary over stdio for what only a process shows
//! (bad frames, a closed pipe, exit codes). What a learner's editor sees is asserted by
//! structure (one diagnostic per failing rule, its TODO, code, severity, range, consequence
//! said once), not by sentences other work may reword. Random edits are fuzzed at the end
//! against an independent model of the text in UTF-16 code units.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId};
use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range};
use proptest::prelude::*;
use serde_json::{Value, json};

use stagecraft::grade::Analysis;
use stagecraft::lsp::client::TestClient;
use stagecraft::lsp::{Ended, grading};
use stagecraft::pack::Pack;
use stagecraft::rules::{self, Status};

const URI: &str = "file:///lab/Dockerfile";

fn pack() -> Pack {
    Pack::embedded().expect("the embedded pack loads")
}

fn client() -> TestClient {
    TestClient::start(pack(), json!({}))
}

fn code(d: &Diagnostic) -> Option<&str> {
    match &d.code {
        Some(NumberOrString::String(s)) => Some(s),
        _ => None,
    }
}

fn solution(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/solutions/{name}.Dockerfile",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The consequence's words, as said once (without a leading "it"/"the" the message may
/// phrase differently).
fn core(phrase: &str) -> &str {
    phrase
        .strip_prefix("it ")
        .or_else(|| phrase.strip_prefix("the "))
        .unwrap_or(phrase)
}

#[test]
fn the_starter_gets_one_diagnostic_per_failing_rule_naming_its_todo() {
    let pack = pack();
    let starter = pack.starter.text.clone();
    // What `check` grades with: the same engine, on the same text.
    let analysis = Analysis::of(&starter, &pack);
    let mut expected = Vec::new();
    for t in &analysis.todos {
        for r in t.rules.iter().filter(|r| r.status != Status::Pass) {
            if !expected
                .iter()
                .any(|(id, ..): &(String, u32, _)| *id == r.id)
            {
                expected.push((r.id.clone(), t.todo, r.clone()));
            }
        }
    }
    assert!(expected.len() >= 7, "the starter fails every TODO");

    let mut c = client();
    c.open(URI, 1, &starter);
    let ds = c.diagnostics(URI, 1);
    assert!(
        ds.iter().all(|d| code(d).is_some()),
        "the starter has no syntax problem: {ds:#?}"
    );
    let ids: Vec<&str> = ds.iter().filter_map(code).collect();
    let want: Vec<&str> = expected.iter().map(|(id, ..)| id.as_str()).collect();
    assert_eq!(ids, want, "one diagnostic per failing rule, in TODO order");
    for (d, (id, todo, verdict)) in ds.iter().zip(&expected) {
        assert_eq!(d.source.as_deref(), Some("stagecraft"), "{id}");
        let prefix = format!("TODO {todo} · ");
        assert!(d.message.starts_with(&prefix), "{id}: {}", d.message);
        assert!(
            d.message.contains(&verdict.message),
            "{id}: check's message"
        );
        let severity = if verdict.status == Status::Fail {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        };
        assert_eq!(d.severity, Some(severity), "{id}");
        if let Some(line) = verdict.line {
            assert_eq!(d.range.start.line as usize, line - 1, "{id}");
            assert!(d.range.end > d.range.start, "{id}: {:?}", d.range);
        }
        if let Some(c) = verdict.consequence {
            assert_eq!(
                d.message.matches(core(c.phrase())).count(),
                1,
                "{id}: the consequence said once: {}",
                d.message
            );
        }
        assert!(d.code_description.is_none(), "no URL is made up");
    }
    assert_eq!(
        c.finish(),
        Ended::Exit {
            after_shutdown: true
        }
    );
}

#[test]
fn an_instruction_over_several_lines_is_one_range_and_lines_count_from_zero() {
    let text = "FROM python:3.11-slim AS builder\nRUN pip install \\\n    -r requirements.txt\nFROM python:3.11-slim\n";
    let mut c = client();
    c.open(URI, 1, text);
    let ds = c.diagnostics(URI, 1);
    let sc303 = ds.iter().find(|d| code(d) == Some("SC303")).expect("SC303");
    assert_eq!(
        sc303.range,
        Range::new(Position::new(1, 0), Position::new(2, 23))
    );
}

#[test]
fn a_half_typed_line_is_a_syntax_error_and_the_rest_is_still_graded() {
    let mut text = pack().starter.text.clone();
    text.push_str("FR\n");
    let last = text.lines().count() as u32 - 1;
    let mut c = client();
    c.open(URI, 1, &text);
    let ds = c.diagnostics(URI, 1);
    let syntax: Vec<&Diagnostic> = ds.iter().filter(|d| code(d).is_none()).collect();
    assert_eq!(syntax.len(), 1, "{syntax:#?}");
    assert_eq!(syntax[0].severity, Some(DiagnosticSeverity::ERROR));
    assert_eq!(syntax[0].range.start, Position::new(last, 0));
    assert!(syntax[0].message.contains("FR"), "{}", syntax[0].message);
    assert!(ds.iter().any(|d| code(d) == Some("SC701")));
}

#[test]
fn hover_on_a_flagged_line_explains_every_rule_flagged_there() {
    let pack = pack();
    let starter = pack.starter.text.clone();
    let cmd_line = starter.lines().position(|l| l.starts_with("CMD")).unwrap() as u32;
    let mut c = client();
    c.open(URI, 1, &starter);
    let ds = c.diagnostics(URI, 1);
    let on_cmd: Vec<&str> = ds
        .iter()
        .filter(|d| d.range.start.line == cmd_line)
        .filter_map(code)
        .collect();
    assert!(on_cmd.contains(&"SC701"), "{on_cmd:?}");
    let hover = c
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI }, "position": { "line": cmd_line, "character": 3 } }),
        )
        .unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    let md = hover["contents"]["value"].as_str().unwrap();
    for id in &on_cmd {
        let rule = rules::by_id(id).unwrap();
        for words in [rule.title, rule.summary, rule.why, rule.instead] {
            assert!(md.contains(words), "{id}: {words:?} missing from\n{md}");
        }
        assert!(md.contains(&format!("### {id} ")), "{md}");
    }
    assert!(md.contains("TODO 7"), "{md}");
    assert!(md.contains("```dockerfile"), "{md}");
    // A line nothing flags: no hover.
    let none = c
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": 0 } }),
        )
        .unwrap();
    assert_eq!(none, Value::Null);
}

/// The code actions offered over the whole document.
fn actions(c: &mut TestClient, uri: &str) -> Vec<Value> {
    let v = c
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri },
                    "range": { "start": { "line": 0, "character": 0 },
                               "end": { "line": 9999, "character": 0 } },
                    "context": { "diagnostics": [] } }),
        )
        .unwrap();
    v.as_array().unwrap().clone()
}

/// An action's edits as an editor applies them: as incremental changes, the last first.
fn apply(c: &TestClient, uri: &str, version: i32, action: &Value) {
    let edit = &action["edit"];
    let edits = match edit["documentChanges"].as_array() {
        Some(changes) => changes[0]["edits"].as_array().unwrap().clone(),
        None => edit["changes"][uri].as_array().unwrap().clone(),
    };
    let mut changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "range": e["range"], "text": e["newText"] }))
        .collect();
    changes.sort_by_key(|ch| {
        (
            ch["range"]["start"]["line"].as_u64(),
            ch["range"]["start"]["character"].as_u64(),
        )
    });
    changes.reverse();
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
    );
}

#[test]
fn each_quick_fix_is_an_edit_that_clears_its_diagnostic() {
    let starter = pack().starter.text.clone();
    let mut c = client();
    let mut version = 1;
    c.open(URI, version, &starter);
    c.diagnostics(URI, version);
    let offered = actions(&mut c, URI);
    let rules_fixed: Vec<&str> = offered
        .iter()
        .map(|a| a["diagnostics"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(rules_fixed, ["SC102", "SC202", "SC303", "SC701"]);
    for a in &offered {
        assert_eq!(a["kind"], "quickfix");
        assert!(a["edit"]["changes"][URI].is_array(), "{a}");
    }
    // Each fix, applied alone to the starter, removes its rule from the line it was on.
    for a in &offered {
        let id = a["diagnostics"][0]["code"].as_str().unwrap();
        let line = a["diagnostics"][0]["range"]["start"]["line"]
            .as_u64()
            .unwrap() as u32;
        version += 1;
        c.replace(URI, version, &starter);
        c.diagnostics(URI, version);
        version += 1;
        apply(&c, URI, version, a);
        let after = c.diagnostics(URI, version);
        let still = after
            .iter()
            .any(|d| code(d) == Some(id) && d.range.start.line == line);
        // SC202 on the starter also says no `apt-get update` ran: the flag is added, the
        // other reason stays (a file failing only for the flag is cleared below).
        assert_eq!(still, id == "SC202", "{id} after {}", a["title"]);
    }
}

#[test]
fn no_install_recommends_and_versioned_edits_for_clients_that_ask_for_them() {
    let text = "FROM python:3.11-slim AS builder\nRUN apt-get update && apt-get install -y gcc g++ && rm -rf /var/lib/apt/lists/*\n";
    let mut c = TestClient::start(
        pack(),
        json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } }),
    );
    c.open(URI, 7, text);
    assert!(
        c.diagnostics(URI, 7)
            .iter()
            .any(|d| code(d) == Some("SC202"))
    );
    let offered = actions(&mut c, URI);
    let fix = offered
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "SC202")
        .expect("SC202's fix");
    let doc = &fix["edit"]["documentChanges"][0];
    assert_eq!(doc["textDocument"]["version"], 7, "{fix}");
    apply(&c, URI, 8, fix);
    assert!(
        !c.diagnostics(URI, 8)
            .iter()
            .any(|d| code(d) == Some("SC202"))
    );
}

#[test]
fn no_fix_is_offered_for_a_text_newer_than_the_one_graded() {
    // Grading 5,000 lines takes milliseconds: the request after a change is answered
    // before the new text is graded, and an edit for the old text would land wrongly.
    let text = format!(
        "{}FROM python:3.11\nCMD python app.py\n",
        stagecraft::bench_input::large_dockerfile(5000)
    );
    let mut c = client();
    c.open(URI, 1, &text);
    c.diagnostics(URI, 1);
    assert!(!actions(&mut c, URI).is_empty());
    c.edit(URI, 2, [[0, 0], [0, 0]], "# ");
    assert_eq!(actions(&mut c, URI), Vec::<Value>::new());
    c.diagnostics(URI, 2);
    assert!(!actions(&mut c, URI).is_empty());
    // Asked only for kinds other than quick fixes: none.
    let refactor = c
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": URI },
                    "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 99999, "character": 0 } },
                    "context": { "diagnostics": [], "only": ["refactor"] } }),
        )
        .unwrap();
    assert_eq!(refactor, json!([]));
}

#[test]
fn the_reference_solution_clears_every_error_and_the_count_says_so() {
    let starter = pack().starter.text.clone();
    let mut c = client();
    c.open(URI, 1, &starter);
    c.diagnostics(URI, 1);
    let first = c.notification("window/showMessage").unwrap();
    assert!(
        first["message"].as_str().unwrap().contains("0/7"),
        "{first}"
    );
    let lens = c
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": URI } }),
        )
        .unwrap();
    assert_eq!(lens[0]["range"]["start"]["line"], 0);
    assert!(
        lens[0]["command"]["title"]
            .as_str()
            .unwrap()
            .contains("0/7 TODOs pass")
    );
    // A change that passes no new TODO says nothing.
    c.edit(URI, 2, [[0, 0], [0, 0]], "# mine\n");
    c.diagnostics(URI, 2);
    for (v, name) in (3..).zip(["venv", "user", "prefix"]) {
        c.replace(URI, v, &solution(name));
        let ds = c.diagnostics(URI, v);
        let errors: Vec<&Diagnostic> = ds
            .iter()
            .filter(|d| d.severity == Some(DiagnosticSeverity::ERROR))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let messages: Vec<String> = c
        .drain(Duration::from_millis(300))
        .into_iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "window/showMessage" => {
                Some(n.params["message"].as_str().unwrap().to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        messages.len(),
        1,
        "said when the count changed, only: {messages:?}"
    );
    assert!(messages[0].contains("7/7"), "{messages:?}");
    let lens = c
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": URI } }),
        )
        .unwrap();
    assert!(
        lens[0]["command"]["title"]
            .as_str()
            .unwrap()
            .contains("7/7")
    );
}

#[test]
fn incremental_edits_count_utf16_columns_with_multibyte_characters() {
    let pack = pack();
    let line = "RUN echo \"é🐳\" && pip install flask";
    let mut text = format!("# ünïcödé 🐳🐳 notes\nFROM python:3.11-slim AS builder\n{line}\n");
    let mut c = client();
    c.open(URI, 1, &text);
    let ds = c.diagnostics(URI, 1);
    let sc303 = ds.iter().find(|d| code(d) == Some("SC303")).unwrap();
    let units = |s: &str| s.encode_utf16().count() as u32;
    assert_eq!(sc303.range.end, Position::new(2, units(line)));
    let fix = actions(&mut c, URI)
        .into_iter()
        .find(|a| a["diagnostics"][0]["code"] == "SC303")
        .unwrap();
    let at = units("RUN echo \"é🐳\" && pip install");
    assert_eq!(
        fix["edit"]["changes"][URI][0]["range"]["start"],
        json!({ "line": 2, "character": at })
    );
    // Replacing exactly the quoted "é🐳" (5 UTF-16 units, 8 bytes: any other count cuts
    // the quote in two, and pip's install moves into an unclosed string), then two
    // characters after the ü on line 0.
    let quoted = units("\"é🐳\"");
    c.edit(URI, 2, [[2, 9], [2, 9 + quoted]], "x");
    c.edit(URI, 3, [[0, 4], [0, 6]], "ß");
    text = text.replacen("\"é🐳\"", "x", 1).replacen("ïc", "ß", 1);
    let ds = c.diagnostics(URI, 3);
    assert_eq!(ds, grading::grade(&text, 3, &pack).diagnostics);
    let fix = actions(&mut c, URI)
        .into_iter()
        .find(|a| a["diagnostics"][0]["code"] == "SC303")
        .expect("the fix is still offered: the edit landed where it was meant");
    assert_eq!(
        fix["edit"]["changes"][URI][0]["range"]["start"]["character"],
        units("RUN echo x && pip install")
    );
}

#[test]
fn positions_out_of_range_are_clamped_never_a_panic() {
    let pack = pack();
    let mut c = client();
    c.open(URI, 1, "FROM a🐳\nRUN b\r\nCMD c");
    // A line far past the end, a column far past its line, a column inside the whale, ends
    // in reverse order.
    c.edit(URI, 2, [[1000, 5], [1000, 9]], "\nUSER x");
    c.edit(URI, 3, [[1, 4_000_000_000], [1, 4_000_000_000]], " y");
    c.edit(URI, 4, [[0, 7], [0, 7]], "z");
    c.edit(URI, 5, [[2, 3], [2, 0]], "ENTRYPOINT");
    let ds = c.diagnostics(URI, 5);
    let text = "FROM az🐳\nRUN b y\r\nENTRYPOINT c\nUSER x";
    assert_eq!(ds, grading::grade(text, 5, &pack).diagnostics);
}

#[test]
fn requests_about_unknown_documents_and_malformed_ones_get_error_responses() {
    let mut c = client();
    let nowhere = "file:///never/opened";
    for (method, params) in [
        (
            "textDocument/hover",
            json!({ "textDocument": { "uri": nowhere }, "position": { "line": 0, "character": 0 } }),
        ),
        (
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": nowhere },
                    "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                    "context": { "diagnostics": [] } }),
        ),
        (
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": nowhere } }),
        ),
    ] {
        let e = c.request(method, params).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParams as i32, "{method}");
        assert!(e.message.contains(nowhere), "{method}: {}", e.message);
    }
    let e = c
        .request("textDocument/hover", json!({ "nonsense": 1 }))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParams as i32);
    let e = c.request("textDocument/rename", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::MethodNotFound as i32);
    // A change to a document never opened: a log line, and the server goes on.
    c.edit(nowhere, 2, [[0, 0], [0, 0]], "x");
    let log = c.notification("window/logMessage").unwrap();
    assert!(log["message"].as_str().unwrap().contains(nowhere), "{log}");
    c.open(URI, 1, "FROM python:3.11\n");
    assert!(!c.diagnostics(URI, 1).is_empty());
    assert_eq!(
        c.finish(),
        Ended::Exit {
            after_shutdown: true
        }
    );
}

#[test]
fn a_text_over_one_mib_is_not_graded_and_says_so() {
    let big = format!("FROM python:3.11\n{}", "# x\n".repeat(300_000));
    assert!(big.len() > 1024 * 1024);
    let mut c = client();
    c.open(URI, 1, &big);
    let ds = c.diagnostics(URI, 1);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0].severity, Some(DiagnosticSeverity::WARNING));
    assert!(ds[0].message.contains("1 MiB"), "{}", ds[0].message);
    let lens = c
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": URI } }),
        )
        .unwrap();
    assert!(
        lens[0]["command"]["title"]
            .as_str()
            .unwrap()
            .contains("not graded")
    );
    // Cut back under the limit: graded again.
    c.replace(URI, 2, "FROM python:3.11\n");
    assert!(
        c.diagnostics(URI, 2)
            .iter()
            .any(|d| code(d) == Some("SC101"))
    );
}

#[test]
fn a_burst_of_typing_is_graded_once_it_pauses_not_once_per_keystroke() {
    let large = stagecraft::bench_input::large_dockerfile(5000);
    let mut c = client();
    c.open(URI, 1, &large);
    c.diagnostics(URI, 1);
    let keystrokes = 60;
    for v in 2..=keystrokes + 1 {
        c.edit(URI, v, [[0, 0], [0, 0]], "#");
    }
    let last = keystrokes + 1;
    c.diagnostics(URI, last);
    let published: Vec<i64> = c
        .drain(Duration::from_millis(200))
        .into_iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                n.params["version"].as_i64()
            }
            _ => None,
        })
        .collect();
    // The drained ones came before the last (which `diagnostics` took): fewer than the
    // keystrokes, in order, none after it.
    assert!(
        published.len() < (keystrokes / 4) as usize,
        "{} publications for {keystrokes} keystrokes: {published:?}",
        published.len()
    );
    assert!(published.windows(2).all(|w| w[0] < w[1]), "{published:?}");
    assert!(published.iter().all(|v| *v < last as i64));
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let mut c = client();
    c.open(URI, 1, "FROM python:3.11\n");
    assert!(!c.diagnostics(URI, 1).is_empty());
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    let cleared = c.notification("textDocument/publishDiagnostics").unwrap();
    assert_eq!(cleared["diagnostics"], json!([]));
}

#[test]
fn a_document_closed_and_reopened_gets_the_new_text_graded_not_the_old() {
    let pack = pack();
    let mut c = client();
    // The large text is still being graded when the document is closed and reopened with
    // the same URI and version: its result must not be taken for the new text's.
    c.open(URI, 1, &stagecraft::bench_input::large_dockerfile(5000));
    // Long enough for the grading thread to take the job, far shorter than grading it.
    std::thread::sleep(Duration::from_millis(5));
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    c.open(URI, 1, "FROM python:3.11\n");
    let ds = c.diagnostics(URI, 1);
    assert_eq!(
        ds,
        grading::grade("FROM python:3.11\n", 1, &pack).diagnostics
    );
}

#[test]
fn a_client_that_goes_away_ends_the_session() {
    let c = client();
    c.open(URI, 1, "FROM python:3.11\n");
    assert_eq!(c.disconnect(), Ended::Disconnected);
}

#[test]
fn requests_before_initialize_are_refused_and_exit_without_shutdown_is_code_1() {
    let (client, server) = Connection::memory();
    let handle = std::thread::spawn(move || stagecraft::lsp::serve(server, pack()));
    client
        .sender
        .send(
            Request::new(
                RequestId::from(1),
                "textDocument/hover".into(),
                json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
            )
            .into(),
        )
        .unwrap();
    match client
        .receiver
        .recv_timeout(Duration::from_secs(10))
        .unwrap()
    {
        Message::Response(r) => {
            assert_eq!(
                r.response_result.unwrap_err().code,
                ErrorCode::ServerNotInitialized as i32
            )
        }
        other => panic!("{other:?}"),
    }
    client
        .sender
        .send(Notification::new("exit".into(), Value::Null).into())
        .unwrap();
    let ended = handle.join().unwrap();
    assert_eq!(ended.code(), 1);
}

// The real binary over stdio.

fn frame(body: &Value) -> Vec<u8> {
    let body = body.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Reads framed messages from `out` until `wanted` picks one (or the stream ends).
fn read_until(out: &mut impl Read, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        // Headers, byte by byte, up to the blank line.
        buf.clear();
        while !buf.ends_with(b"\r\n\r\n") {
            if out.read(&mut byte).ok()? == 0 {
                return None;
            }
            buf.push(byte[0]);
        }
        let headers = String::from_utf8_lossy(&buf);
        let len: usize = headers
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))?
            .trim()
            .parse()
            .ok()?;
        let mut body = vec![0; len];
        out.read_exact(&mut body).ok()?;
        let v: Value = serde_json::from_slice(&body).ok()?;
        if wanted(&v) {
            return Some(v);
        }
    }
}

fn wait_exit(child: &mut std::process::Child) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_binary_survives_bad_frames_and_exits_when_the_editor_goes_away() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args(["lsp", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = child.stdout.take().unwrap();
    input
        .write_all(b"nonsense without a colon\r\n\r\n")
        .unwrap();
    input
        .write_all(b"Content-Length: 9\r\n\r\n{not json")
        .unwrap();
    input
        .write_all(&frame(
            &json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                                    "params": { "capabilities": {} } }),
        ))
        .unwrap();
    let init = read_until(&mut output, |v| v["id"] == 1).expect("initialize answered");
    assert_eq!(init["result"]["serverInfo"]["name"], "stagecraft");
    input
        .write_all(&frame(
            &json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": { "textDocument": { "uri": URI, "languageId": "dockerfile", "version": 1,
                                          "text": "FROM python:3.11\nCMD python app.py\n" } } }),
        ))
        .unwrap();
    let published = read_until(&mut output, |v| {
        v["method"] == "textDocument/publishDiagnostics"
    })
    .expect("diagnostics published");
    assert!(
        !published["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The editor crashes: its end of the pipe closes, with no shutdown.
    drop(input);
    assert_eq!(wait_exit(&mut child), Some(1));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("skipped"), "{stderr}");
}

#[test]
fn the_binary_exits_0_after_shutdown_and_refuses_an_unknown_track() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args(["lsp", "--track", "python"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = child.stdout.take().unwrap();
    input
        .write_all(&frame(
            &json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                                    "params": { "capabilities": {} } }),
        ))
        .unwrap();
    read_until(&mut output, |v| v["id"] == 1).unwrap();
    input
        .write_all(&frame(
            &json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
        ))
        .unwrap();
    read_until(&mut output, |v| v["id"] == 2).unwrap();
    input
        .write_all(&frame(&json!({ "jsonrpc": "2.0", "method": "exit" })))
        .unwrap();
    assert_eq!(wait_exit(&mut child), Some(0));

    let o = Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args(["lsp", "--track", "cobol"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cobol") && err.contains("python"), "{err}");
    assert!(o.stdout.is_empty(), "nothing but LSP goes to stdout");
}

// A real editor: Neovim's built-in client, headless, driven by tests/lsp/neovim.lua.

/// Neovim 0.7 or later on PATH; without it the test says so and passes, unless
/// STAGECRAFT_REQUIRE_NVIM=1 (which `.ci/run` sets after installing it).
fn neovim() -> Option<std::path::PathBuf> {
    let required = std::env::var("STAGECRAFT_REQUIRE_NVIM").is_ok_and(|v| v == "1");
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("nvim"))
            .find(|p| p.is_file())
    });
    let version = found.as_ref().and_then(|nvim| {
        let o = Command::new(nvim).arg("--version").output().ok()?;
        let first = String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()?
            .to_string();
        let v = first.strip_prefix("NVIM v")?;
        let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        Some((parts.next()?, parts.next()?))
    });
    match (found, version) {
        (Some(nvim), Some(v)) if v >= (0, 7) => Some(nvim),
        (found, v) => {
            let why = format!("Neovim 0.7 or later is needed (found {found:?}, version {v:?})");
            assert!(
                !required,
                "{why}: .ci/run installs it (apt-get install neovim)"
            );
            eprintln!("skipped: {why}");
            None
        }
    }
}

#[test]
fn neovim_as_a_real_client_sees_each_todo_a_hover_a_fix_and_a_clean_solution() {
    let Some(nvim) = neovim() else { return };
    let pack = pack();
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("Dockerfile");
    std::fs::write(&lab, &pack.starter.text).unwrap();
    let report = dir.path().join("report.json");
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {root}/tests/lsp/neovim.lua"))
        .env("STAGECRAFT_BIN", env!("CARGO_BIN_EXE_stagecraft"))
        .env("STAGECRAFT_LAB", &lab)
        .env(
            "STAGECRAFT_SOLUTION",
            format!("{root}/solutions/venv.Dockerfile"),
        )
        .env("STAGECRAFT_REPORT", &report)
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Neovim did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&report).expect("the script wrote its report");
    let r: Value = serde_json::from_str(&text).unwrap();
    assert!(r.get("error").is_none(), "the script failed: {r:#}");

    // One error per failing rule, each naming its TODO, with the rule id as its code.
    let analysis = Analysis::of(&pack.starter.text, &pack);
    let mut failing: Vec<(String, u32)> = Vec::new();
    for t in &analysis.todos {
        for rule in t.failing() {
            if !failing.iter().any(|(id, _)| *id == rule.id) {
                failing.push((rule.id.clone(), t.todo));
            }
        }
    }
    let starter = r["starter"].as_array().unwrap();
    let errors: Vec<&Value> = starter.iter().filter(|d| d["severity"] == 1).collect();
    assert_eq!(errors.len(), failing.len(), "{r:#}");
    for (id, todo) in &failing {
        let d = errors
            .iter()
            .find(|d| d["code"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} missing: {r:#}"));
        assert_eq!(d["source"], "stagecraft");
        let prefix = format!("TODO {todo} · ");
        assert!(d["message"].as_str().unwrap().starts_with(&prefix), "{d}");
    }
    assert!(
        r["first_ms"].as_f64().unwrap() < 5000.0,
        "diagnostics took {} ms",
        r["first_ms"]
    );

    // A hover that explains.
    let hover = r["hover"].as_str().expect("a hover on the CMD line");
    let sc701 = rules::by_id("SC701").unwrap();
    assert!(
        hover.contains(sc701.title) && hover.contains(sc701.why),
        "{hover}"
    );

    // The fix from the menu, applied by Neovim, clears SC102.
    let offered: Vec<&str> = r["offered"]
        .as_array()
        .expect("the code-action menu opened")
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        offered.iter().any(|t| t.contains("AS builder")),
        "{offered:?}"
    );
    assert!(
        r["from_after_fix"]
            .as_str()
            .unwrap()
            .ends_with("AS builder"),
        "{r:#}"
    );
    assert_eq!(r["fix_cleared"], true, "{r:#}");

    // The learner's finished file: no error left, within a few seconds, and 7/7 said.
    assert_eq!(r["cleared"], true, "{r:#}");
    assert!(r["solution_ms"].as_f64().unwrap() < 5000.0, "{r:#}");
    assert!(
        r["solution"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] != 1),
        "{r:#}"
    );
    let messages: Vec<&str> = r["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        messages.first().is_some_and(|m| m.contains("0/7")),
        "{messages:?}"
    );
    assert!(
        messages.last().is_some_and(|m| m.contains("7/7")),
        "{messages:?}"
    );
    assert!(r["lens"].as_str().unwrap().contains("7/7"), "{r:#}");
    assert_eq!(r["stopped"], true, "the server exits on shutdown + exit");
}

// Fuzzing: random edits through the server, against a model of the text in UTF-16 units.

/// The text as LSP sees it: UTF-16 code units, lines ended by `\n`, `\r\n` or `\r`.
struct Model(Vec<u16>);

impl Model {
    fn line_starts(&self) -> Vec<usize> {
        let u = &self.0;
        let mut starts = vec![0];
        let mut i = 0;
        while i < u.len() {
            if u[i] == b'\r' as u16 && u.get(i + 1) == Some(&(b'\n' as u16)) {
                starts.push(i + 2);
                i += 2;
                continue;
            }
            if u[i] == b'\n' as u16 || u[i] == b'\r' as u16 {
                starts.push(i + 1);
            }
            i += 1;
        }
        starts
    }

    /// The index of a position: clamped to the line's content, never between the halves
    /// of a surrogate pair.
    fn index(&self, line: u32, character: u32) -> usize {
        let u = &self.0;
        let starts = self.line_starts();
        let Some(&start) = starts.get(line as usize) else {
            return u.len();
        };
        let mut end = starts.get(line as usize + 1).copied().unwrap_or(u.len());
        let (cr, lf) = (b'\r' as u16, b'\n' as u16);
        if end > start && u[end - 1] == lf {
            end -= 1;
            if end > start && u[end - 1] == cr {
                end -= 1;
            }
        } else if end > start && u[end - 1] == cr {
            end -= 1;
        }
        let mut i = (start + character as usize).min(end);
        if i > start && i < u.len() && (0xDC00..0xE000).contains(&u[i]) {
            i -= 1;
        }
        i
    }

    fn edit(&mut self, a: (u32, u32), b: (u32, u32), text: &str) {
        let (x, y) = (self.index(a.0, a.1), self.index(b.0, b.1));
        let (x, y) = (x.min(y), x.max(y));
        self.0.splice(x..y, text.encode_utf16());
    }

    fn text(&self) -> String {
        String::from_utf16(&self.0).expect("the model never splits a pair")
    }
}

const SNIPPETS: &[&str] = &[
    "",
    "\n",
    "\r\n",
    "\r",
    "é",
    "🐳",
    "ü🐳\n",
    " ",
    "\\\n",
    "#",
    "FROM python:3.11 AS builder\n",
    "FROM python:3.11-slim\n",
    "RUN pip install flask\n",
    "RUN apt-get install -y gcc\n",
    "CMD python app.py\n",
    "CMD [\"gunicorn\"",
    "COPY --from=",
    "USER app\n",
    "<<EOF\n",
    "\u{feff}",
];

fn position() -> impl Strategy<Value = (u32, u32)> {
    prop_oneof![
        4 => (0u32..8, 0u32..30),
        1 => (0u32..u32::MAX, 0u32..u32::MAX),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_edits_never_panic_and_the_server_tracks_the_text(
        edits in proptest::collection::vec(
            (position(), position(), proptest::sample::select(SNIPPETS)), 1..24)
    ) {
        let pack = pack();
        let start = "# é🐳\nFROM python:3.11\nRUN pip install flask\r\nCMD python app.py\n";
        let mut model = Model(start.encode_utf16().collect());
        let mut c = client();
        c.open(URI, 0, start);
        for (v, (a, b, text)) in edits.iter().enumerate() {
            model.edit(*a, *b, text);
            c.edit(URI, v as i32 + 1, [[a.0, a.1], [b.0, b.1]], text);
        }
        let last = edits.len() as i32;
        let ds = c.diagnostics(URI, last);
        let text = model.text();
        prop_assert_eq!(&ds, &grading::grade(&text, last, &pack).diagnostics, "{:?}", text);
        let lines = model.line_starts().len() as u32;
        for d in &ds {
            prop_assert!(d.range.start <= d.range.end);
            prop_assert!(d.range.end.line < lines);
        }
        // Requests still answered, then a clean end.
        c.request("textDocument/codeLens", json!({ "textDocument": { "uri": URI } })).unwrap();
        prop_assert_eq!(c.finish(), Ended::Exit { after_shutdown: true });
    }
}
