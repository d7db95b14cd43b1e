//! `stagecraft lsp` (issue 21): from a change sent by the editor to its diagnostics
//! published, through the real server loop (in memory), for the exercise and for a
//! 5,000-line file; targets 20 ms and 100 ms on the 2-core machine. Before the timings, the
//! resident memory of the real binary over stdio with ten open documents (target: under
//! 30 MB), read from /proc.

use std::io::{BufReader, Write};
use std::process::{Command, Stdio};

use criterion::Criterion;
use serde_json::{Value, json};

use stagecraft::bench_input::large_dockerfile;
use stagecraft::lsp::client::TestClient;
use stagecraft::lsp::transport::{Read1, read_message};
use stagecraft::pack::Pack;

const URI: &str = "file:///lab/Dockerfile";

/// One keystroke and its diagnostics: a `#` typed at the start of line 1, then taken back
/// (so the text stays the same size), each waited for until published.
fn keystrokes(c: &mut Criterion, name: &str, text: &str) {
    let mut client = TestClient::start(Pack::embedded().expect("pack"), json!({}));
    client.open(URI, 0, text);
    client.diagnostics(URI, 0);
    let mut version = 0;
    c.bench_function(name, |b| {
        b.iter(|| {
            version += 1;
            if version % 2 == 1 {
                client.edit(URI, version, [[0, 0], [0, 0]], "#");
            } else {
                client.edit(URI, version, [[0, 0], [0, 1]], "");
            }
            client.diagnostics(URI, version)
        })
    });
    client.finish();
}

fn frame(v: &Value) -> Vec<u8> {
    let body = v.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// VmRSS and VmHWM of a process, in MB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The real binary with ten documents open (each graded), its resident memory printed.
fn memory_with_ten_documents(label: &str, texts: &[String]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin");
    let mut output = BufReader::new(child.stdout.take().expect("stdout"));
    let mut next = |want: &dyn Fn(&Value) -> bool| loop {
        match read_message(&mut output) {
            Ok(Read1::Message(m)) => {
                let v = serde_json::to_value(&m).expect("a message");
                if want(&v) {
                    return;
                }
            }
            Ok(Read1::Skipped(_)) => {}
            _ => panic!("the server stopped"),
        }
    };
    let send = |input: &mut std::process::ChildStdin, v: Value| {
        input.write_all(&frame(&v)).expect("write");
        input.flush().expect("flush");
    };
    send(
        &mut input,
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
    );
    next(&|v| v["id"] == 1);
    send(
        &mut input,
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    );
    let idle = memory(child.id());
    for (i, text) in texts.iter().enumerate() {
        let uri = format!("file:///lab/{i}/Dockerfile");
        send(
            &mut input,
            json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
                    "params": { "textDocument": { "uri": uri, "languageId": "dockerfile",
                                                  "version": 1, "text": text } } }),
        );
        next(&|v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri.as_str()
        });
    }
    let (rss, peak) = memory(child.id());
    println!(
        "memory, {label}: {rss:.1} MB resident with ten documents open (peak {peak:.1} MB; {:.1} MB before the first)",
        idle.0
    );
    send(
        &mut input,
        json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
    );
    next(&|v| v["id"] == 2);
    send(&mut input, json!({ "jsonrpc": "2.0", "method": "exit" }));
    let _ = child.wait();
}

fn main() {
    let pack = Pack::embedded().expect("pack");
    let starter = pack.starter.text.clone();
    let large = large_dockerfile(5000);
    memory_with_ten_documents("the exercise", &vec![starter.clone(); 10]);
    memory_with_ten_documents("5,000-line files", &vec![large.clone(); 10]);

    let mut c = Criterion::default().sample_size(30).configure_from_args();
    keystrokes(&mut c, "lsp keystroke -> diagnostics, exercise", &starter);
    keystrokes(&mut c, "lsp keystroke -> diagnostics, 5000 lines", &large);
    c.final_summary();
}
