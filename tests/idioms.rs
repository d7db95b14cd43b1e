//! Real-world idioms, each in a file of that shape written here (`tests/fixtures/idioms/`),
//! graded by the rubric: what the command runs is found from the command itself (an
//! entrypoint script the file writes, a module installed by uv or pip, PYTHONPATH, a
//! distroless image's `python3`), and a rule falls back to the pack's app file only when
//! nothing is found. Each file says what it expects in `# expect` lines:
//! `# expect SC504 pass "needle"`, `# expect SC402 fail wont-start "needle"`,
//! `# expect TODO 7 pass`.
//!
//! And over every file here, the starter and the reference solutions: a failing rule's
//! message never says its consequence itself; every view appends it once.

use std::path::{Path, PathBuf};

use stagecraft::grade::{Analysis, RuleVerdict};
use stagecraft::pack::Pack;
use stagecraft::rules::{self, Consequence, Status};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();
    files
}

/// Every verdict of a rule the pack grades with, advice included, or the rule run alone.
fn verdict(analysis: &Analysis, pack: &Pack, id: &str) -> RuleVerdict {
    if let Some(v) = analysis
        .todos
        .iter()
        .flat_map(|t| t.rules.iter().chain(&t.advice))
        .find(|r| r.id == id)
    {
        return v.clone();
    }
    let rule = rules::by_id(id).unwrap_or_else(|| panic!("no rule {id}"));
    let o = rule.run(&analysis.facts, &pack.params);
    RuleVerdict {
        id: id.to_string(),
        title: rule.title.to_string(),
        passed: o.passed(),
        status: o.status,
        message: o.message,
        line: o.line,
        consequence: o.consequence.filter(|_| o.status == Status::Fail),
    }
}

fn consequence(id: &str) -> Consequence {
    *Consequence::ALL
        .iter()
        .find(|c| c.id() == id)
        .unwrap_or_else(|| panic!("no consequence {id}"))
}

#[test]
fn every_idiom_is_graded_as_its_file_expects() {
    let pack = Pack::embedded().unwrap();
    let files = files_in("tests/fixtures/idioms");
    assert!(files.len() >= 12, "{files:?}");
    let mut checked = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let analysis = Analysis::of(&text, &pack);
        assert!(
            analysis.diagnostics().is_empty(),
            "{name}: {:?}",
            analysis.diagnostics()
        );
        let mut expectations = 0;
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("# expect ") else {
                continue;
            };
            expectations += 1;
            let (head, needle) = match rest.split_once(" \"") {
                Some((h, n)) => (h, n.strip_suffix('"')),
                None => (rest, None),
            };
            let words: Vec<&str> = head.split_whitespace().collect();
            match words.as_slice() {
                // `# expect none build-fails wont-start`: no failing rule claims these.
                ["none", claims @ ..] => {
                    for r in analysis.todos.iter().flat_map(|t| t.failing()) {
                        let c = r.consequence.map(|c| c.id()).unwrap_or_default();
                        assert!(
                            !claims.contains(&c),
                            "{name}: {} claims {c}: {}",
                            r.id,
                            r.message
                        );
                    }
                }
                ["TODO", n, state] => {
                    let n: u32 = n.parse().unwrap();
                    let todo = analysis.todos.iter().find(|t| t.todo == n).unwrap();
                    assert_eq!(
                        todo.passed,
                        *state == "pass",
                        "{name}: TODO {n}: {:#?}",
                        todo.rules
                    );
                }
                [id, state, rest @ ..] => {
                    let v = verdict(&analysis, &pack, id);
                    let want = match *state {
                        "pass" => Status::Pass,
                        "warn" => Status::Warn,
                        _ => Status::Fail,
                    };
                    assert_eq!(v.status, want, "{name}: {id}: {v:?}");
                    if let [c] = rest {
                        assert_eq!(v.consequence, Some(consequence(c)), "{name}: {id}: {v:?}");
                    }
                    if let Some(needle) = needle {
                        assert!(
                            v.message.contains(needle),
                            "{name}: {id}: {:?} lacks {needle:?}",
                            v.message
                        );
                    }
                }
                _ => panic!("{name}: cannot read {line:?}"),
            }
        }
        assert!(expectations > 0, "{name} expects nothing");
        checked += expectations;
    }
    eprintln!("idioms: {checked} expectations held");
}

#[test]
fn a_message_never_says_its_consequence_and_every_view_says_it_once() {
    let pack = Pack::embedded().unwrap();
    let mut files = files_in("tests/fixtures/idioms");
    files.extend(files_in("tests/fixtures/valid"));
    files.extend(files_in("solutions"));
    files.push(root().join("starter/Dockerfile"));
    files.push(root().join("starter/Dockerfile.single"));
    let mut failures = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let analysis = Analysis::of(&text, &pack);
        for r in analysis.todos.iter().flat_map(|t| t.rules.iter()) {
            let Some(c) = r.consequence else { continue };
            failures += 1;
            // The phrase, and the ways a message used to say the same thing.
            let echoes: &[&str] = match c {
                Consequence::RunsAsRoot => &["runs as root"],
                Consequence::BuildFails => &["the build fails", "build will fail"],
                Consequence::WontStart => &["will not start"],
                _ => &[],
            };
            for echo in std::iter::once(c.phrase()).chain(echoes.iter().copied()) {
                assert!(
                    !r.message.contains(echo),
                    "{}: {} says {echo:?} itself: {}",
                    path.display(),
                    r.id,
                    r.message
                );
            }
            assert_eq!(r.said().matches(c.phrase()).count(), 1, "{}", r.said());
            assert!(r.said().ends_with(&format!("({})", c.phrase())));
        }
    }
    assert!(failures > 50, "{failures}");
}
