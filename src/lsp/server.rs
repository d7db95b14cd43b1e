//! The message loop: the initialize handshake, open documents, and the requests the server
//! answers (hover, code actions, code lens). Grading runs on the [`Worker`]; every result
//! that is still about the current text is published.

use std::collections::HashMap;
use std::sync::Arc;

use crossbeam_channel::select;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeLens, CodeLensOptions, CodeLensParams, Command,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentChanges, Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeResult,
    LogMessageParams, MarkupContent, MarkupKind, MessageType, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, PositionEncodingKind,
    PublishDiagnosticsParams, Range, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentEdit, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    Uri, WorkspaceEdit,
};
use serde_json::Value;

use super::document::Document;
use super::grading::{self, Graded, MAX_TEXT_BYTES};
use super::transport::log;
use super::worker::{Done, Worker};
use crate::pack::Pack;
use crate::rule_doc;
use crate::rules;

/// How the session ended, as the process's exit code: 0 after `shutdown` then `exit`, 1
/// for an `exit` without `shutdown` (as the protocol asks) or a client that went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Exit { after_shutdown: bool },
    Disconnected,
}

impl Ended {
    pub fn code(self) -> u8 {
        match self {
            Ended::Exit {
                after_shutdown: true,
            } => 0,
            _ => 1,
        }
    }
}

struct Open {
    doc: Document,
    /// The server-wide change count when this text was set: a graded result is current
    /// only if its revision matches (the same across a close and a reopen of one URI).
    rev: u64,
    graded: Option<(u64, Graded)>,
    /// The TODO count last shown with `window/showMessage`.
    shown: Option<(usize, usize)>,
}

/// What the client said it can do, read from `initialize` (anything missing is "no").
#[derive(Debug, Default, Clone, Copy)]
struct Client {
    document_changes: bool,
    lens_refresh: bool,
}

impl Client {
    fn read(params: &Value) -> Client {
        let yes = |pointer: &str| params.pointer(pointer) == Some(&Value::Bool(true));
        Client {
            document_changes: yes("/capabilities/workspace/workspaceEdit/documentChanges"),
            lens_refresh: yes("/capabilities/workspace/codeLens/refreshSupport"),
        }
    }
}

type Answer = Result<Value, (ErrorCode, String)>;

pub struct Server {
    connection: Connection,
    worker: Worker,
    pack: Arc<Pack>,
    docs: HashMap<Uri, Open>,
    client: Client,
    shut_down: bool,
    /// The client stopped reading: nothing more can be said.
    gone: bool,
    requests_sent: u64,
    /// Counts every change to every document.
    revisions: u64,
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        ..ServerCapabilities::default()
    }
}

/// Runs a session on `connection` until `exit` or until the client goes away.
pub fn serve(connection: Connection, pack: Pack) -> Ended {
    let pack = Arc::new(pack);
    let worker = match Worker::start(Arc::clone(&pack)) {
        Ok(w) => w,
        Err(e) => {
            log(&format!("could not start the grading thread: {e}"));
            return Ended::Disconnected;
        }
    };
    let mut server = Server {
        connection,
        worker,
        pack,
        docs: HashMap::new(),
        client: Client::default(),
        shut_down: false,
        gone: false,
        requests_sent: 0,
        revisions: 0,
    };
    if let Some(end) = server.initialize() {
        return end;
    }
    server.run()
}

impl Server {
    fn send(&mut self, message: impl Into<Message>) {
        if self.connection.sender.send(message.into()).is_err() {
            self.gone = true;
        }
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    /// A log line in the client's log (`window/logMessage`) and on standard error.
    fn log(&mut self, typ: MessageType, message: String) {
        log(&message);
        self.notify(
            "window/logMessage",
            LogMessageParams {
                typ,
                message: format!("stagecraft: {message}"),
            },
        );
    }

    /// Waits for `initialize` and answers it; requests before it are refused, as the
    /// protocol says. Returns how the session ended if it ended here.
    fn initialize(&mut self) -> Option<Ended> {
        loop {
            let Ok(message) = self.connection.receiver.recv() else {
                return Some(Ended::Disconnected);
            };
            match message {
                Message::Request(req) if req.method == "initialize" => {
                    self.client = Client::read(&req.params);
                    let result = InitializeResult {
                        capabilities: capabilities(),
                        server_info: Some(ServerInfo {
                            name: "stagecraft".into(),
                            version: Some(env!("CARGO_PKG_VERSION").into()),
                        }),
                    };
                    self.send(Response::new_ok(req.id, result));
                    return self.gone.then_some(Ended::Disconnected);
                }
                Message::Request(req) => self.send(Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("{} before initialize", req.method),
                )),
                Message::Notification(n) if n.method == "exit" => {
                    return Some(Ended::Exit {
                        after_shutdown: false,
                    });
                }
                _ => {}
            }
        }
    }

    fn run(mut self) -> Ended {
        loop {
            if self.gone {
                return Ended::Disconnected;
            }
            select! {
                recv(self.connection.receiver) -> message => {
                    let Ok(message) = message else {
                        log("the client closed the connection");
                        return Ended::Disconnected;
                    };
                    if let Some(end) = self.handle(message) {
                        return end;
                    }
                }
                recv(self.worker.done) -> done => {
                    if let Ok(done) = done {
                        self.finished(done);
                    }
                }
            }
        }
    }

    fn handle(&mut self, message: Message) -> Option<Ended> {
        match message {
            Message::Request(req) => self.request(req),
            Message::Notification(n) if n.method == "exit" => {
                return Some(Ended::Exit {
                    after_shutdown: self.shut_down,
                });
            }
            Message::Notification(n) => self.notification(n),
            // Answers to our refresh requests: nothing to do.
            Message::Response(_) => {}
        }
        None
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let answer: Answer = if self.shut_down {
            Err((
                ErrorCode::InvalidRequest,
                format!("{}: the server is shutting down", req.method),
            ))
        } else {
            match req.method.as_str() {
                "shutdown" => {
                    self.shut_down = true;
                    Ok(Value::Null)
                }
                "initialize" => Err((ErrorCode::InvalidRequest, "already initialized".into())),
                "textDocument/hover" => params(req).and_then(|p| self.hover(p)),
                "textDocument/codeAction" => params(req).and_then(|p| self.code_action(p)),
                "textDocument/codeLens" => params(req).and_then(|p| self.code_lens(p)),
                other => Err((
                    ErrorCode::MethodNotFound,
                    format!("stagecraft does not answer {other}"),
                )),
            }
        };
        let response = match answer {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response);
    }

    fn notification(&mut self, n: Notification) {
        let Notification { method, params } = n;
        match method.as_str() {
            "textDocument/didOpen" => match serde_json::from_value(params) {
                Ok(p) => self.did_open(p),
                Err(e) => self.log(MessageType::ERROR, format!("{method}: {e}")),
            },
            "textDocument/didChange" => match serde_json::from_value(params) {
                Ok(p) => self.did_change(p),
                Err(e) => self.log(MessageType::ERROR, format!("{method}: {e}")),
            },
            "textDocument/didClose" => match serde_json::from_value(params) {
                Ok(p) => self.did_close(p),
                Err(e) => self.log(MessageType::ERROR, format!("{method}: {e}")),
            },
            // Saving changes nothing the server has not seen; the rest is not ours.
            _ => {}
        }
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let item = p.text_document;
        self.revisions += 1;
        let open = Open {
            doc: Document::new(item.text, item.version),
            rev: self.revisions,
            graded: None,
            shown: None,
        };
        self.docs.insert(item.uri.clone(), open);
        self.schedule(&item.uri);
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(open) = self.docs.get_mut(&uri) else {
            self.log(
                MessageType::WARNING,
                format!(
                    "didChange for {}, which was never opened: ignored",
                    uri.as_str()
                ),
            );
            return;
        };
        open.doc.apply(p.content_changes, p.text_document.version);
        self.revisions += 1;
        open.rev = self.revisions;
        self.schedule(&uri);
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.worker.forget(&uri);
        if self.docs.remove(&uri).is_some() {
            self.notify(
                "textDocument/publishDiagnostics",
                PublishDiagnosticsParams::new(uri, Vec::new(), None),
            );
        }
    }

    /// Hands the current text to the worker; a text over the limit is answered here at once.
    fn schedule(&mut self, uri: &Uri) {
        let Some(open) = self.docs.get(uri) else {
            return;
        };
        let (rev, version) = (open.rev, open.doc.version);
        let len = open.doc.text().len();
        if len > MAX_TEXT_BYTES {
            let graded = grading::grade(open.doc.text(), version, &self.pack);
            let was_large = matches!(
                open.graded,
                Some((
                    _,
                    Graded {
                        summary: grading::Summary::TooLarge { .. },
                        ..
                    }
                ))
            );
            if !was_large {
                self.log(
                    MessageType::WARNING,
                    format!("{}: {len} bytes, over 1 MiB: not graded", uri.as_str()),
                );
            }
            self.finished(Done::Graded(uri.clone(), rev, graded));
            return;
        }
        self.worker
            .grade(uri, rev, version, Arc::from(open.doc.text()));
    }

    /// A graded version came back: published if it is still the document's text.
    fn finished(&mut self, done: Done) {
        let (uri, rev, graded) = match done {
            Done::Graded(uri, rev, graded) => (uri, rev, graded),
            Done::Failed(uri, version, why) => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "internal error grading {} (version {version}): {why}",
                        uri.as_str()
                    ),
                );
                return;
            }
        };
        let Some(open) = self.docs.get_mut(&uri) else {
            return;
        };
        if open.rev != rev {
            return;
        }
        let version = open.doc.version;
        let count = graded.summary.count();
        let line = graded.summary.line();
        let changed = count.is_some() && count != open.shown;
        if changed {
            open.shown = count;
        }
        let diagnostics = graded.diagnostics.clone();
        open.graded = Some((rev, graded));
        self.notify(
            "textDocument/publishDiagnostics",
            PublishDiagnosticsParams::new(uri, diagnostics, Some(version)),
        );
        if changed {
            self.notify(
                "window/showMessage",
                ShowMessageParams {
                    typ: MessageType::INFO,
                    message: line,
                },
            );
            if self.client.lens_refresh {
                self.requests_sent += 1;
                let id = RequestId::from(format!("stagecraft-{}", self.requests_sent));
                self.send(Request::new(
                    id,
                    "workspace/codeLens/refresh".into(),
                    Value::Null,
                ));
            }
        }
    }

    fn open(&self, uri: &Uri) -> Result<&Open, (ErrorCode, String)> {
        self.docs.get(uri).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!(
                    "unknown document {}: it was not opened (textDocument/didOpen)",
                    uri.as_str()
                ),
            )
        })
    }

    /// The explanation of every rule flagged on the line under the cursor.
    fn hover(&self, p: HoverParams) -> Answer {
        let at = p.text_document_position_params;
        let open = self.open(&at.text_document.uri)?;
        let Some((_, graded)) = &open.graded else {
            return Ok(Value::Null);
        };
        let line = at.position.line;
        let mut sections = Vec::new();
        let mut range: Option<Range> = None;
        for d in &graded.diagnostics {
            if d.range.start.line > line || d.range.end.line < line {
                continue;
            }
            let Some(lsp_types::NumberOrString::String(id)) = &d.code else {
                continue;
            };
            let Some(rule) = rules::by_id(id) else {
                continue;
            };
            range.get_or_insert(d.range);
            let place = rule_doc::placement(rule, &self.pack);
            let todos: Vec<String> = place
                .graded_by
                .iter()
                .chain(&place.advises)
                .map(|(n, title)| format!("TODO {n} ({title})"))
                .collect();
            // The message without its "TODO n · ", which the line above says.
            let message = d
                .message
                .split_once(" · ")
                .map_or(d.message.as_str(), |(_, m)| m);
            sections.push(format!(
                "### {} · {}\n*{}*\n\n> {}\n\n{}",
                rule.id,
                rule.title,
                todos.join(", "),
                message,
                rule_doc::markdown(rule)
            ));
        }
        if sections.is_empty() {
            return Ok(Value::Null);
        }
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: sections.join("\n\n---\n\n"),
            }),
            range,
        };
        Ok(to_value(hover))
    }

    /// The quick fixes for the diagnostics in the range asked about, if the graded text is
    /// still the document's (an edit for an older text would land in the wrong place).
    fn code_action(&self, p: CodeActionParams) -> Answer {
        let uri = p.text_document.uri;
        let open = self.open(&uri)?;
        let wants_fixes = p.context.only.as_ref().is_none_or(|kinds| {
            kinds
                .iter()
                .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
        });
        let Some((rev, graded)) = &open.graded else {
            return Ok(Value::Array(Vec::new()));
        };
        if !wants_fixes || *rev != open.rev {
            return Ok(Value::Array(Vec::new()));
        }
        let overlaps =
            |r: &Range| r.start.line <= p.range.end.line && r.end.line >= p.range.start.line;
        let mut actions = Vec::new();
        for fix in &graded.fixes {
            let Some(diagnostic) = graded.diagnostics.get(fix.diagnostic) else {
                continue;
            };
            if !overlaps(&diagnostic.range) {
                continue;
            }
            let edit = if self.client.document_changes {
                WorkspaceEdit {
                    document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            uri: uri.clone(),
                            version: Some(open.doc.version),
                        },
                        edits: fix.edits.iter().cloned().map(OneOf::Left).collect(),
                    }])),
                    ..WorkspaceEdit::default()
                }
            } else {
                WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), fix.edits.clone())])),
                    ..WorkspaceEdit::default()
                }
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
        Ok(to_value(actions))
    }

    /// One lens on the first line: the TODO count and the next TODO.
    fn code_lens(&self, p: CodeLensParams) -> Answer {
        let open = self.open(&p.text_document.uri)?;
        let Some((_, graded)) = &open.graded else {
            return Ok(Value::Array(Vec::new()));
        };
        let lens = CodeLens {
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            command: Some(Command {
                title: graded.summary.line(),
                command: String::new(),
                arguments: None,
            }),
            data: None,
        };
        Ok(to_value(vec![lens]))
    }
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, (ErrorCode, String)> {
    let Request { method, params, .. } = req;
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, format!("{method}: {e}")))
}

fn to_value(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
