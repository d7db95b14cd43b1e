//! JSON-RPC over standard input and output, with `lsp-server`'s message types. Its own stdio
//! transport unwraps a failed channel send and allocates whatever `Content-Length` says;
//! this one never panics: a malformed header or body is a log line and is skipped, a message
//! over [`MAX_MESSAGE_BYTES`] is read past without being kept, and end of input or a closed
//! output ends the session.

use std::io::{self, BufRead, Read, Write};
use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lsp_server::{Connection, Message};

/// The largest message read: a 1 MiB document whose every character JSON escapes as
/// `\u00XX` is 6 MiB, so 64 MiB leaves room for any text the server would grade.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// Writes a line to standard error (the editor's log of the server); a failure to write it
/// has nowhere to go and is dropped.
pub fn log(line: &str) {
    let _ = writeln!(io::stderr().lock(), "stagecraft lsp: {line}");
}

/// What a read of one message gave.
#[derive(Debug)]
pub enum Read1 {
    Message(Message),
    /// A message that could not be used, and why; the stream goes on after it.
    Skipped(String),
    End,
}

/// Reads one message: headers up to an empty line, then `Content-Length` bytes of JSON.
pub fn read_message(input: &mut impl BufRead) -> io::Result<Read1> {
    let mut length: Option<usize> = None;
    let mut problem: Option<String> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        // A header line longer than this is not a header; read past it.
        let n = input.by_ref().take(8 * 1024).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(Read1::End);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_some() || problem.is_some() {
                break;
            }
            // Blank lines between messages are tolerated.
            continue;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => problem = Some(format!("bad Content-Length {:?}", value.trim())),
                }
            }
            Some(_) => {}
            None => problem = Some(format!("malformed header {text:?}")),
        }
    }
    let Some(length) = length else {
        return Ok(Read1::Skipped(
            problem.unwrap_or_else(|| "a message without Content-Length".into()),
        ));
    };
    if length > MAX_MESSAGE_BYTES {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Read1::Skipped(format!(
            "a message of {length} bytes (the limit is {MAX_MESSAGE_BYTES}) was read past"
        )));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    if let Some(problem) = problem {
        return Ok(Read1::Skipped(problem));
    }
    match serde_json::from_slice::<Message>(&body) {
        Ok(m) => Ok(Read1::Message(m)),
        Err(e) => Ok(Read1::Skipped(format!("not a JSON-RPC message: {e}"))),
    }
}

/// The transport's threads; [`Transport::finish`] lets the writer flush what is queued.
pub struct Transport {
    writer_done: Receiver<()>,
}

impl Transport {
    /// Waits (two seconds at most: a client that stopped reading cannot hold the server)
    /// for the messages already sent to be written; call it once the connection is dropped.
    pub fn finish(self) {
        let _ = self.writer_done.recv_timeout(Duration::from_secs(2));
    }
}

/// A connection over standard input and output.
pub fn stdio() -> io::Result<(Connection, Transport)> {
    let (to_server, from_client) = bounded::<Message>(64);
    let (to_client, outgoing) = unbounded::<Message>();
    let (done, writer_done) = bounded::<()>(1);
    thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = io::BufReader::new(stdin.lock());
            read_loop(&mut input, &to_server);
        })?;
    thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let mut out = io::stdout().lock();
            write_loop(&outgoing, &mut out);
            let _ = done.send(());
        })?;
    Ok((
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Transport { writer_done },
    ))
}

pub fn read_loop(input: &mut impl BufRead, to_server: &Sender<Message>) {
    loop {
        match read_message(input) {
            Ok(Read1::Message(m)) => {
                if to_server.send(m).is_err() {
                    return;
                }
            }
            Ok(Read1::Skipped(why)) => log(&format!("skipped {why}")),
            Ok(Read1::End) => return,
            Err(e) => {
                log(&format!("reading from the client failed: {e}"));
                return;
            }
        }
    }
}

pub fn write_loop(outgoing: &Receiver<Message>, out: &mut impl Write) {
    for message in outgoing {
        if let Err(e) = message.write(out) {
            log(&format!("writing to the client failed: {e}"));
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_are_skipped_and_the_stream_goes_on() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "{}garbage line\r\n\r\n{}Content-Length: 99999999999\r\n\r\n{}",
            framed("{not json"),
            framed(good),
            framed(good)
        );
        let mut r = io::Cursor::new(input.into_bytes());
        assert!(matches!(read_message(&mut r), Ok(Read1::Skipped(_))));
        assert!(matches!(read_message(&mut r), Ok(Read1::Skipped(_))));
        assert!(matches!(read_message(&mut r), Ok(Read1::Message(_))));
        // The oversized one reads past the rest of the input: end, not a hang or a panic.
        assert!(matches!(
            read_message(&mut r),
            Ok(Read1::Skipped(_)) | Err(_) | Ok(Read1::End)
        ));
    }
}
