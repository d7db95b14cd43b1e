//! Parser edge cases: a learner's half-typed text, and the Dockerfile syntax the crate misses.

use super::*;
use crate::facts;

fn kinds(p: &Parsed) -> Vec<&str> {
    p.instructions.iter().map(|i| i.keyword.as_str()).collect()
}

#[test]
fn one_broken_line_is_one_diagnostic_and_the_rest_still_parses() {
    for broken in [
        "FROM",
        "COPY --from=",
        "RUN",
        "FR",
        "FROM python:3.11 AS",
        "CMD [\"gunicorn\", ",
    ] {
        let text = format!(
            "FROM python:3.11-slim AS builder\nRUN pip install --no-cache-dir -r requirements.txt\n{broken}\nFROM python:3.11-slim\nUSER app\nCMD [\"gunicorn\"]\n"
        );
        let p = parse(&text);
        let errors: Vec<_> = p.diagnostics.iter().filter(|d| d.line == 3).collect();
        assert_eq!(errors.len(), 1, "{broken:?}: {:?}", p.diagnostics);
        assert!(
            errors[0].column >= 1 && errors[0].column <= 6,
            "{broken:?}: {:?}",
            errors[0]
        );
        assert!(
            p.diagnostics.iter().all(|d| d.line == 3),
            "{broken:?}: {:?}",
            p.diagnostics
        );
        let f = facts::derive(&p);
        let fin = f.final_stage().unwrap();
        assert_eq!(fin.user().unwrap().value, "app", "{broken:?}");
        assert_eq!(f.stages[0].pip_installs.len(), 1, "{broken:?}");
    }
}

#[test]
fn unknown_instruction_suggests_the_keyword() {
    let p = parse("FR python\n");
    assert!(
        p.diagnostics[0].message.contains("did you mean FROM?"),
        "{:?}",
        p.diagnostics
    );
}

#[test]
fn continuations_with_comments_and_blank_lines() {
    let p = parse(
        "FROM python:3.11\nRUN apt-get update \\\n  # a comment\n\n  && apt-get install -y gcc \\\n  && echo done\nUSER app\n",
    );
    assert_eq!(kinds(&p), vec!["FROM", "RUN", "USER"]);
    let run = &p.instructions[1];
    assert_eq!((run.span.line, run.span.end_line), (2, 6));
    let words: Vec<&str> = run
        .script()
        .unwrap()
        .commands
        .iter()
        .map(|c| c.program())
        .collect();
    assert_eq!(words, vec!["apt-get", "apt-get", "echo"]);
    assert_eq!(p.instructions[2].span.line, 7);
    assert!(p.comments.iter().any(|c| c.line == 3));
}

#[test]
fn directives_escape_and_syntax() {
    let p = parse(
        "# syntax=docker/dockerfile:1\n# escape=`\nFROM python:3.11\nRUN echo a `\n  && echo b\n",
    );
    assert_eq!(p.syntax.as_deref(), Some("docker/dockerfile:1"));
    assert_eq!(p.escape, '`');
    assert_eq!(p.instructions[1].script().unwrap().commands.len(), 2);
    // A directive after an instruction is an ordinary comment.
    let p = parse("FROM python:3.11\n# escape=`\n");
    assert_eq!(p.escape, '\\');
}

#[test]
fn heredocs() {
    let p = parse(
        "FROM python:3.11\nRUN <<EOF\napt-get update\napt-get install -y gcc\nEOF\nUSER app\nCOPY <<-CONF /etc/app.conf\n\tkey=value\n\tCONF\n",
    );
    assert_eq!(kinds(&p), vec!["FROM", "RUN", "USER", "COPY"]);
    let cmds = &p.instructions[1].script().unwrap().commands;
    assert_eq!(cmds.len(), 2);
    assert_eq!(cmds[1].words, vec!["apt-get", "install", "-y", "gcc"]);
    assert_eq!(p.instructions[2].span.line, 6);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let p = parse("FROM python:3.11\nRUN <<EOF\necho never closed\n");
    assert!(p.diagnostics[0].message.contains("never closed"));
}

#[test]
fn lowercase_instructions_and_crlf() {
    let p = parse(
        "from python:3.11-slim as builder\r\nrun pip install -r requirements.txt\r\nuser app\r\n",
    );
    assert_eq!(kinds(&p), vec!["FROM", "RUN", "USER"]);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let f = facts::derive(&p);
    assert_eq!(f.stages[0].name.as_deref(), Some("builder"));
    assert_eq!(f.stages[0].user().unwrap().value, "app");
}

#[test]
fn not_utf8_is_read_lossily_with_a_warning() {
    let (text, warning) = decode(b"FROM python:3.11\nRUN echo \xff\xfe\n");
    let w = warning.unwrap();
    assert_eq!((w.line, w.column), (2, 10));
    assert!(text.contains('\u{fffd}'));
    assert_eq!(parse(&text).instructions.len(), 2);
    assert!(decode(b"\xEF\xBB\xBFFROM x\n").1.is_none());
}

#[test]
fn copy_flags_the_crate_mishandles() {
    let p = parse(
        "FROM a AS builder\nFROM b\nCOPY --link --chown=app:app --chmod=755 --from builder /opt/venv /opt/venv\nCOPY [\"a b\", \"/dst/\"]\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
    );
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let copy = &p.instructions[2];
    assert_eq!(copy.flag("from").unwrap().value.as_deref(), Some("builder"));
    assert_eq!(
        copy.flag("chown").unwrap().value.as_deref(),
        Some("app:app")
    );
    assert_eq!(copy.flag("chmod").unwrap().value.as_deref(), Some("755"));
    assert!(copy.flag("link").is_some());
    assert_eq!(
        copy.kind,
        Kind::Copy {
            sources: vec!["/opt/venv".into()],
            dest: "/opt/venv".into()
        }
    );
    assert_eq!(
        p.instructions[3].kind,
        Kind::Copy {
            sources: vec!["a b".into()],
            dest: "/dst/".into()
        }
    );
    assert_eq!(
        p.instructions[4].script().unwrap().commands[0].program(),
        "pip"
    );
    let f = facts::derive(&p);
    assert_eq!(f.stages[1].copies[0].from.as_ref().unwrap().stage, Some(0));
}

#[test]
fn todo_comments_keep_their_lines() {
    let p = parse(include_str!("../../starter/Dockerfile"));
    let numbers: Vec<u32> = p.todos.iter().map(|t| t.number).collect();
    assert_eq!(numbers, vec![1, 3, 2, 4, 5, 6, 7]);
    let t1 = &p.todos[0];
    assert_eq!(t1.line, 8);
    assert!(t1.text.starts_with("Create a proper build stage"));
}

#[test]
fn spans_have_line_and_column() {
    let p = parse("FROM python:3.11\n\n    RUN echo hi\n");
    assert_eq!(
        p.instructions[1].span,
        Span {
            line: 3,
            column: 5,
            end_line: 3
        }
    );
}

#[test]
fn exec_and_shell_forms() {
    let p = parse(
        "FROM x\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]\nENTRYPOINT python app.py\n",
    );
    let Kind::Cmd(cmd) = &p.instructions[1].kind else {
        panic!("{:?}", p.instructions[1].kind)
    };
    assert_eq!((cmd.form, cmd.problem), (Form::Exec, None));
    assert_eq!(cmd.words, vec!["gunicorn", "-b", "0.0.0.0:5000", "app:app"]);
    let Kind::Entrypoint(e) = &p.instructions[2].kind else {
        panic!()
    };
    assert_eq!(e.form, Form::Shell);
    assert_eq!(e.words, vec!["python", "app.py"]);
}

#[test]
fn arrays_docker_cannot_read_keep_their_intent() {
    let p = parse("FROM x\nCMD ['gunicorn', 'app:app']\nCMD [\"gunicorn\", \"app:app\"] # serve\n");
    let Kind::Cmd(single) = &p.instructions[1].kind else {
        panic!()
    };
    assert_eq!(single.problem, Some(ExecProblem::SingleQuotes));
    assert_eq!(single.form, Form::Shell);
    assert_eq!(single.words, vec!["gunicorn", "app:app"]);
    let Kind::Cmd(commented) = &p.instructions[2].kind else {
        panic!()
    };
    assert_eq!(commented.problem, Some(ExecProblem::TrailingComment));
    assert_eq!(p.diagnostics.len(), 2, "{:?}", p.diagnostics);
    assert!(p.diagnostics[0].message.contains("double quotes"));
}

#[test]
fn malformed_from_lines_say_how_to_fix_them() {
    for (line, needle, alias) in [
        (
            "FROM python:3.11AS builder",
            "put a space before AS",
            Some("builder"),
        ),
        (
            "FROM python:3.11 builder",
            "needs AS before it",
            Some("builder"),
        ),
        ("FROM python:3.11 AS", "AS needs a stage name", None),
        ("FROM python:3.11 AS 1st", "invalid", Some("1st")),
        ("FROM Python:3.11", "capital letters", None),
    ] {
        let p = parse(&format!("{line}\n"));
        assert_eq!(p.diagnostics.len(), 1, "{line}: {:?}", p.diagnostics);
        assert!(
            p.diagnostics[0].message.contains(needle),
            "{line}: {:?}",
            p.diagnostics
        );
        let Kind::From {
            alias: a, problem, ..
        } = &p.instructions[0].kind
        else {
            panic!()
        };
        assert_eq!(a.as_deref(), alias, "{line}");
        assert!(problem.is_some());
    }
    assert!(
        parse("FROM python:3.11 AS builder\nFROM ${BASE}\n")
            .diagnostics
            .is_empty()
    );
}

#[test]
fn comments_in_any_language_never_panic() {
    for comment in [
        "# café",
        "# 本番用の設定",
        "# 构建阶段",
        "# Київ",
        "# TODO 3: ação",
        "#tod",
        "# TOD€",
        "#todo€1",
    ] {
        let p = parse(&format!("FROM alpine:3.19\n{comment}\n"));
        assert_eq!(p.instructions.len(), 1, "{comment}");
    }
    let p = parse("FROM x\n# TODO 3: instalação\n");
    assert_eq!(p.todos[0].number, 3);
    assert_eq!(p.todos[0].text, "instalação");
}
