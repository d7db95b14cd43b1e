//! An in-memory client for the protocol tests, the benchmarks and the fuzz target: the real
//! [`serve`] loop on a thread, spoken to through `lsp-server`'s memory connection. Waits are
//! bounded (a server that hangs fails the caller instead of hanging it).

use std::collections::VecDeque;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, ResponseError};
use lsp_types::Diagnostic;
use serde_json::{Value, json};

use super::{Ended, serve};
use crate::pack::Pack;

/// How long any wait lasts before the caller is told nothing came.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct TestClient {
    connection: Connection,
    server: Option<JoinHandle<Ended>>,
    next_id: i32,
    /// Messages received and not yet asked for.
    pending: VecDeque<Message>,
}

impl TestClient {
    /// Starts a server and completes the handshake, announcing `capabilities`.
    pub fn start(pack: Pack, capabilities: Value) -> TestClient {
        let (client, server) = Connection::memory();
        let handle = thread::spawn(move || serve(server, pack));
        let mut c = TestClient {
            connection: client,
            server: Some(handle),
            next_id: 0,
            pending: VecDeque::new(),
        };
        c.request("initialize", json!({ "capabilities": capabilities }))
            .expect("initialize answers");
        c.notify("initialized", json!({}));
        c
    }

    pub fn send(&self, message: Message) {
        // A server that has gone shows in what the caller waits for next.
        let _ = self.connection.sender.send(message);
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.into(), params).into());
    }

    /// Sends a request and waits for its answer (the result, or the error response).
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.into(), params).into());
        let found = self.wait(|m| matches!(m, Message::Response(r) if r.id == id));
        match found {
            Some(Message::Response(r)) => r.response_result,
            _ => panic!("no answer to {method} within {WAIT:?}"),
        }
    }

    /// The first message (received or arriving within [`WAIT`]) that `wanted` picks.
    pub fn wait(&mut self, wanted: impl Fn(&Message) -> bool) -> Option<Message> {
        if let Some(i) = self.pending.iter().position(&wanted) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self.connection.receiver.recv_timeout(left).ok()?;
            if wanted(&m) {
                return Some(m);
            }
            self.pending.push_back(m);
        }
    }

    /// The next notification of `method` (its params).
    pub fn notification(&mut self, method: &str) -> Option<Value> {
        match self.wait(|m| matches!(m, Message::Notification(n) if n.method == method))? {
            Message::Notification(n) => Some(n.params),
            _ => None,
        }
    }

    /// The diagnostics published for `uri` at `version`, skipping earlier publications.
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Diagnostic> {
        let found = self.wait(|m| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && n.params["version"] == version)
        });
        match found {
            Some(Message::Notification(n)) => {
                serde_json::from_value(n.params["diagnostics"].clone()).expect("diagnostics parse")
            }
            _ => panic!("no diagnostics for {uri} version {version} within {WAIT:?}"),
        }
    }

    /// Every message received so far, in order (waiting `settle` for more to arrive).
    pub fn drain(&mut self, settle: Duration) -> Vec<Message> {
        let mut out: Vec<Message> = self.pending.drain(..).collect();
        while let Ok(m) = self.connection.receiver.recv_timeout(settle) {
            out.push(m);
        }
        out
    }

    pub fn open(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "dockerfile",
                                      "version": version, "text": text } }),
        );
    }

    pub fn replace(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "text": text }] }),
        );
    }

    /// An incremental change: `range` is `[[line, character], [line, character]]`.
    pub fn edit(&self, uri: &str, version: i32, range: [[u32; 2]; 2], text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": {
                        "start": { "line": range[0][0], "character": range[0][1] },
                        "end": { "line": range[1][0], "character": range[1][1] } },
                        "text": text }] }),
        );
    }

    /// `shutdown`, then `exit`; how the server said the session ended.
    pub fn finish(mut self) -> Ended {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.join()
    }

    /// Drops the connection, as an editor that crashed; how the server ended.
    pub fn disconnect(self) -> Ended {
        let TestClient {
            connection,
            mut server,
            ..
        } = self;
        drop(connection);
        join(server.take())
    }

    fn join(mut self) -> Ended {
        join(self.server.take())
    }
}

fn join(server: Option<JoinHandle<Ended>>) -> Ended {
    let handle = server.expect("the server thread is joined once");
    let deadline = Instant::now() + WAIT;
    while !handle.is_finished() {
        assert!(
            Instant::now() < deadline,
            "the server did not end within {WAIT:?}"
        );
        thread::sleep(Duration::from_millis(5));
    }
    handle.join().expect("the server thread does not panic")
}
