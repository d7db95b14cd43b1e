//! Diagnostics are for text Docker refuses or misreads: valid Dockerfile syntax gets none.
//!
//! Two kinds of evidence. `tests/fixtures/valid/` holds one small file per construct real
//! files use (each built with BuildKit here, except the Dockerfile 1.4 features the local
//! engine predates, as the file says). And a property test writes files from a grammar of
//! valid constructs modelled on BuildKit's own parser test files
//! (`frontend/dockerfile/parser/testfiles`): directives, both escape characters,
//! continuations with comment and blank lines between them, heredocs, JSON and shell forms,
//! ENV in both forms and ARG with every quoting, and asserts that no diagnostic comes back
//! and that every value reads as BuildKit reads it.

use std::path::Path;

use proptest::prelude::*;
use stagecraft::syntax::{self, Form, Kind};

#[test]
fn every_valid_fixture_parses_without_a_diagnostic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = syntax::parse(&text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}: {:?}",
            path.display(),
            parsed.diagnostics
        );
        assert!(
            parsed
                .instructions
                .iter()
                .all(|i| !matches!(i.kind, Kind::Invalid)),
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} fixtures");
}

#[test]
fn the_constructs_of_the_issue_read_as_docker_reads_them() {
    let p = syntax::parse(
        "ARG X=\nARG FLAGS=${V:+\"--flag $V\"}\nFROM debian:bookworm-slim\nENV CC=\"$P\"gcc OLD=1\nENV NAME two words\nRUN [ \"$X\" = \"true\" ] && echo yes\n",
    );
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let kinds: Vec<&Kind> = p.instructions.iter().map(|i| &i.kind).collect();
    assert_eq!(
        kinds[0],
        &Kind::Arg(vec![("X".to_string(), Some(String::new()))])
    );
    assert_eq!(
        kinds[1],
        &Kind::Arg(vec![(
            "FLAGS".to_string(),
            Some("${V:+--flag ${V}}".to_string())
        )])
    );
    assert_eq!(
        kinds[3],
        &Kind::Env(vec![
            ("CC".to_string(), "${P}gcc".to_string()),
            ("OLD".to_string(), "1".to_string())
        ])
    );
    assert_eq!(
        kinds[4],
        &Kind::Env(vec![("NAME".to_string(), "two words".to_string())])
    );
    let Kind::Run { exec, script } = kinds[5] else {
        panic!("{:?}", kinds[5]);
    };
    assert!(!exec, "a shell test is shell form");
    assert_eq!(script.commands[0].program(), "[");
}

#[test]
fn misread_arrays_and_refused_lines_still_get_their_diagnostic() {
    for (text, needle) in [
        ("CMD ['gunicorn', 'app:app']\n", "double quotes"),
        ("CMD [\"gunicorn\", \"app:app\"] # serve\n", "own line"),
        ("CMD [\"echo\", \"no closing bracket\"\n", "not valid"),
        ("CMD [\"sleep\", 5]\n", "must be a string"),
        ("ENV name='a\\'b'\n", "single-quote"),
        ("ENV A=1 B\n", "`B` has no `=`"),
        ("ARG =x\n", "blank"),
    ] {
        let p = syntax::parse(&format!("FROM debian:bookworm-slim\n{text}"));
        assert_eq!(p.diagnostics.len(), 1, "{text:?}: {:?}", p.diagnostics);
        assert!(
            p.diagnostics[0].message.contains(needle),
            "{text:?}: {:?}",
            p.diagnostics
        );
    }
}

// ---- the grammar ----

/// What an instruction must read as.
#[derive(Debug, Clone)]
enum Expect {
    Env(Vec<(String, String)>),
    Arg(Vec<(String, Option<String>)>),
    Exec(Vec<String>),
    Shell,
    Anything,
}

/// One instruction: its words (a continuation may go between any two), whether a
/// continuation may split it (it may not where the spaces it adds would change a value),
/// its heredoc bodies, and what it must read as.
#[derive(Debug, Clone)]
struct Piece {
    words: Vec<String>,
    breakable: bool,
    heredocs: Vec<(String, Vec<String>)>,
    expect: Expect,
}

fn piece(words: Vec<String>, expect: Expect) -> Piece {
    Piece {
        words,
        breakable: true,
        heredocs: vec![],
        expect,
    }
}

fn content() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            6 => proptest::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
            1 => Just(' '),
            1 => Just('"'),
            1 => Just('\''),
            1 => Just('\\'),
            1 => prop::sample::select(vec!['/', ':', '.', '-', '_', '=', ',', '#', '{', '}', '@', 'é', '中']),
        ],
        0..10,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn name() -> impl Strategy<Value = String> {
    "[A-Z][A-Z0-9_]{0,6}"
}

/// `text` written so that BuildKit reads exactly `text` back, in one of the ways files write
/// values: bare, double-quoted, single-quoted, or with escapes.
fn encode(text: &str, how: u8, escape: char) -> String {
    let bare_ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "/:._-=,@{}".contains(c));
    match how % 4 {
        0 if bare_ok => text.to_string(),
        1 if !text.contains('\'') => format!("'{text}'"),
        // An escaped space at the end of a line would read as a continuation.
        2 if !text.is_empty() && !text.ends_with(char::is_whitespace) => {
            let mut out = String::new();
            for c in text.chars() {
                if c.is_whitespace() || c == '"' || c == '\'' || c == escape {
                    out.push(escape);
                }
                out.push(c);
            }
            out
        }
        _ => {
            let mut out = String::from('"');
            for c in text.chars() {
                if c == '"' || c == escape {
                    out.push(escape);
                }
                out.push(c);
            }
            out.push('"');
            out
        }
    }
}

fn env_piece(escape: char) -> impl Strategy<Value = Piece> {
    proptest::collection::vec((name(), content(), any::<u8>()), 1..4).prop_map(move |pairs| {
        let words = std::iter::once("ENV".to_string())
            .chain(
                pairs
                    .iter()
                    .map(|(n, v, how)| format!("{n}={}", encode(v, *how, escape))),
            )
            .collect();
        piece(
            words,
            Expect::Env(pairs.into_iter().map(|(n, v, _)| (n, v)).collect()),
        )
    })
}

fn old_env_piece(escape: char) -> impl Strategy<Value = Piece> {
    (name(), content(), any::<u8>(), "[a-z]{1,5}").prop_map(move |(n, v, how, tail)| {
        let value = encode(&v, how, escape);
        Piece {
            words: vec!["ENV".into(), n.clone(), format!("{value} {tail}")],
            // A continuation inside the value would add its indentation to the value.
            breakable: false,
            heredocs: vec![],
            expect: Expect::Env(vec![(n, format!("{v} {tail}"))]),
        }
    })
}

fn arg_piece(escape: char) -> impl Strategy<Value = Piece> {
    proptest::collection::vec((name(), content(), 0u8..6), 1..4).prop_map(move |args| {
        let mut words = vec!["ARG".to_string()];
        let mut expect = Vec::new();
        for (n, v, how) in args {
            match how {
                0 => {
                    words.push(n.clone());
                    expect.push((n, None));
                }
                1 => {
                    words.push(format!("{n}="));
                    expect.push((n, Some(String::new())));
                }
                _ => {
                    words.push(format!("{n}={}", encode(&v, how, escape)));
                    expect.push((n, Some(v)));
                }
            }
        }
        piece(words, Expect::Arg(expect))
    })
}

/// References stay references, whatever their form.
fn reference_piece() -> impl Strategy<Value = Piece> {
    (name(), name(), "[a-z ]{0,8}", 0u8..6).prop_map(|(n, other, word, form)| {
        let value = match form {
            0 => format!("${other}"),
            1 => format!("${{{other}}}/bin"),
            2 => format!("${{{other}:-{}}}", word.replace(' ', "_")),
            3 => format!("${{{other}:+\"{word}\"}}"),
            4 => format!("\"${other}\"suffix"),
            _ => format!("${{{other}-x}}:${{{other}+y}}"),
        };
        piece(vec!["ARG".into(), format!("{n}={value}")], Expect::Anything)
    })
}

fn exec_piece() -> impl Strategy<Value = Piece> {
    (
        prop::sample::select(vec!["CMD", "ENTRYPOINT", "RUN"]),
        proptest::collection::vec(any::<String>(), 1..4),
    )
        .prop_map(|(keyword, words)| {
            let n = words.len();
            let mut tokens = vec![keyword.to_string()];
            for (i, w) in words.iter().enumerate() {
                let json = serde_json::to_string(w).unwrap();
                let open = if i == 0 { "[" } else { "" };
                let close = if i + 1 == n { "]" } else { "," };
                tokens.push(format!("{open}{json}{close}"));
            }
            // A JSON string may hold a newline escape, never a raw one: one line each.
            piece(tokens, Expect::Exec(words))
        })
}

fn shell_piece() -> impl Strategy<Value = Piece> {
    (
        prop::sample::select(vec!["RUN", "CMD", "ENTRYPOINT"]),
        prop::sample::select(vec![
            "[ \"$FLAG\" = \"true\" ] && echo yes || echo no",
            "[ -f /etc/passwd ]",
            "[ ! -d /opt/x ] && mkdir -p /opt/x",
            "echo \"two words\" 'and more' && true",
            "set -e; apt-get update; apt-get install -y --no-install-recommends gcc",
            "gunicorn --bind 0.0.0.0:5000 app:app",
            "python -c \"print('hi')\" # not a comment",
        ]),
    )
        .prop_map(|(keyword, text)| {
            let words = std::iter::once(keyword.to_string())
                .chain(text.split(' ').map(str::to_string))
                .collect();
            Piece {
                words,
                // Spaces inside the quoted text would be changed by a break's indentation.
                breakable: false,
                heredocs: vec![],
                expect: Expect::Shell,
            }
        })
}

fn heredoc_piece() -> impl Strategy<Value = Piece> {
    (
        prop::sample::select(vec![
            "RUN <<EOF",
            "RUN python3 <<EOF",
            "COPY <<EOF /app/entrypoint.sh",
            "RUN <<-EOF",
            "COPY --chmod=755 <<\"EOF\" /usr/local/bin/start",
        ]),
        proptest::collection::vec("[ -~]{0,20}", 0..4),
    )
        .prop_map(|(opener, body)| {
            let body: Vec<String> = body.into_iter().filter(|l| l.trim() != "EOF").collect();
            Piece {
                words: opener.split(' ').map(str::to_string).collect(),
                breakable: false,
                heredocs: vec![("EOF".into(), body)],
                expect: Expect::Anything,
            }
        })
}

fn other_piece(escape: char) -> impl Strategy<Value = Piece> {
    (name(), content(), any::<u8>(), 0u8..8).prop_map(move |(n, v, how, which)| {
        let value = encode(&v, how, escape);
        let words: Vec<String> = match which {
            0 => vec![
                "LABEL".into(),
                format!("org.example.{}={value}", n.to_lowercase()),
            ],
            1 => vec!["EXPOSE".into(), "5000".into(), "53/udp".into()],
            2 => vec!["WORKDIR".into(), format!("/app/{}", n.to_lowercase())],
            3 => vec!["USER".into(), "10001:10001".into()],
            4 => vec![
                "COPY".into(),
                "--chown=10001:10001".into(),
                "app.py".into(),
                "./".into(),
            ],
            5 => vec![
                "HEALTHCHECK".into(),
                "--interval=30s".into(),
                "CMD".into(),
                "python".into(),
                "-c".into(),
                "\"print(1)\"".into(),
            ],
            6 => vec!["STOPSIGNAL".into(), "SIGTERM".into()],
            _ => vec!["VOLUME".into(), "[\"/data\"]".into()],
        };
        piece(words, Expect::Anything)
    })
}

fn pieces(escape: char) -> impl Strategy<Value = Vec<Piece>> {
    proptest::collection::vec(
        prop_oneof![
            env_piece(escape),
            old_env_piece(escape),
            arg_piece(escape),
            reference_piece(),
            exec_piece(),
            shell_piece(),
            heredoc_piece(),
            other_piece(escape),
        ],
        1..8,
    )
}

/// How an instruction's words are laid out: a continuation before some of them, with
/// comment and blank lines between.
fn layout() -> impl Strategy<Value = Vec<(bool, u8)>> {
    proptest::collection::vec((any::<bool>(), 0u8..4), 12)
}

fn write(pieces: &[Piece], layouts: &[Vec<(bool, u8)>], escape: char, directive: bool) -> String {
    let mut out = String::new();
    if directive {
        out.push_str("# syntax=docker/dockerfile:1\n");
    }
    if escape != '\\' || directive {
        out.push_str(&format!("# escape={escape}\n"));
    }
    out.push_str("FROM python:3.11-slim AS builder\n");
    for (p, lay) in pieces.iter().zip(layouts.iter().cycle()) {
        for (i, w) in p.words.iter().enumerate() {
            let (broken, between) = lay.get(i).copied().unwrap_or((false, 0));
            if i == 0 {
                out.push_str(w);
            } else if p.breakable && broken {
                out.push(' ');
                out.push(escape);
                out.push('\n');
                match between {
                    1 => out.push_str("# a comment between continuations\n"),
                    2 => out.push('\n'),
                    3 => out.push_str("    # indented comment\n\n"),
                    _ => {}
                }
                out.push_str("    ");
                out.push_str(w);
            } else {
                out.push(' ');
                out.push_str(w);
            }
        }
        out.push('\n');
        for (delimiter, body) in &p.heredocs {
            for line in body {
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(delimiter);
            out.push('\n');
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_file_of_valid_constructs_gets_no_diagnostic_and_reads_as_buildkit_reads_it(
        directive in any::<bool>(),
        (escape, ps) in any::<bool>().prop_flat_map(|b| {
            let escape = if b { '`' } else { '\\' };
            (Just(escape), pieces(escape))
        }),
        layouts in proptest::collection::vec(layout(), 1..4),
    ) {
        let text = write(&ps, &layouts, escape, directive);
        let parsed = syntax::parse(&text);
        prop_assert!(parsed.diagnostics.is_empty(), "{}\n{:?}", text, parsed.diagnostics);
        prop_assert_eq!(parsed.escape, escape);
        // The FROM, then one instruction per piece.
        prop_assert_eq!(parsed.instructions.len(), ps.len() + 1, "{}", text);
        for (p, ins) in ps.iter().zip(parsed.instructions.iter().skip(1)) {
            match (&p.expect, &ins.kind) {
                (Expect::Env(want), Kind::Env(got)) => prop_assert_eq!(want, got, "{}", text),
                (Expect::Arg(want), Kind::Arg(got)) => prop_assert_eq!(want, got, "{}", text),
                (Expect::Exec(want), Kind::Cmd(c) | Kind::Entrypoint(c)) => {
                    prop_assert_eq!(c.form, Form::Exec, "{}", text);
                    prop_assert_eq!(want, &c.words, "{}", text);
                }
                (Expect::Exec(_), Kind::Run { exec, .. }) => prop_assert!(*exec, "{}", text),
                (Expect::Shell, Kind::Cmd(c) | Kind::Entrypoint(c)) => {
                    prop_assert_eq!(c.form, Form::Shell, "{}", text);
                }
                (Expect::Shell, Kind::Run { exec, .. }) => prop_assert!(!*exec, "{}", text),
                (Expect::Anything, kind) => prop_assert!(!matches!(kind, Kind::Invalid), "{}", text),
                (want, got) => prop_assert!(false, "{:?} read as {:?}\n{}", want, got, text),
            }
        }
    }
}
