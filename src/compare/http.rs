//! A minimal HTTP/1.0 GET over `TcpStream`, enough to ask a container on a loopback port
//! for a status code and a content type.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// The most of a response body that is read.
const MAX_BODY: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// `GET path` from 127.0.0.1:`port`. An error means no HTTP answer came back (refused,
/// reset, closed without a status line, or nothing within `timeout`).
pub fn get(port: u16, path: &str, timeout: Duration) -> std::io::Result<Response> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let request = format!(
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: stagecraft\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.take(MAX_BODY).read_to_end(&mut raw)?;
    parse(&raw).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            if raw.is_empty() {
                "the connection closed without an answer".to_string()
            } else {
                "the answer is not HTTP".to_string()
            },
        )
    })
}

fn parse(raw: &[u8]) -> Option<Response> {
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let content_type = lines.find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-type")
            .then(|| value.trim().to_string())
    });
    Some(Response {
        status,
        content_type,
        body: raw[head_end + 4..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn parses_status_and_content_type() {
        let r = parse(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.content_type.as_deref(), Some("image/png"));
        assert_eq!(r.body, b"\x89PNG");
        assert!(parse(b"SSH-2.0-OpenSSH\r\n\r\n").is_none());
        assert!(parse(b"").is_none());
    }

    fn read_request(s: &mut std::net::TcpStream) -> String {
        let mut request = Vec::new();
        let mut byte = [0u8; 1];
        while !request.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap() == 1 {
            request.push(byte[0]);
        }
        String::from_utf8(request).unwrap()
    }

    #[test]
    fn gets_from_a_local_server_and_reports_a_closed_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            // First connection: a real answer; second: closed without one (what Docker's
            // port proxy does while nothing listens in the container).
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 512];
            let n = s.read(&mut buf).unwrap();
            assert!(
                std::str::from_utf8(&buf[..n])
                    .unwrap()
                    .starts_with("GET /info HTTP/1.0")
            );
            s.write_all(b"HTTP/1.0 404 NOT FOUND\r\nContent-Type: text/html\r\n\r\nno")
                .unwrap();
            drop(s);
            let (mut s, _) = listener.accept().unwrap();
            read_request(&mut s);
            drop(s);
        });
        let r = get(port, "/info", Duration::from_secs(5)).unwrap();
        assert_eq!(r.status, 404);
        let e = get(port, "/status", Duration::from_secs(5)).unwrap_err();
        assert!(e.to_string().contains("without an answer"), "{e}");
        server.join().unwrap();
    }
}
