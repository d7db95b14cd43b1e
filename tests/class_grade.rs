//! `stagecraft class grade` on a class of 30 mixed submissions (student folders with
//! progress, plain files, and bad ones of every kind), in every format; the HTML page is
//! opened in headless Chromium and read back from its DOM and a screenshot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use stagecraft::grade::Analysis;
use stagecraft::pack::Pack;
use stagecraft::workspace::{Progress, Workspace};

fn stagecraft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What each good submission holds, and how many TODOs it passes (graded by `check`'s
/// engine, so the class report must agree).
fn texts(pack: &Pack) -> Vec<String> {
    let starter = pack.starter.text.clone();
    vec![
        starter.clone(),
        pack.solutions[0].text.clone(),
        pack.solutions[1].text.clone(),
        pack.solutions[2].text.clone(),
        starter.replacen(
            "FROM python:3.11",
            "FROM python:3.11 AS builder\nFROM python:3.11-slim",
            1,
        ),
        // Half-typed: a diagnostic, still graded.
        "FROM python:3.11-slim AS builder\nFR\nRUN pip install flask\n".into(),
    ]
}

const BAD: usize = 8;

/// The class: 10 student folders (8 with progress), 10 `<name>.Dockerfile` files, two
/// with names a spreadsheet or a browser would run, and 8 bad submissions. Returns the folder and the expected passes per student.
fn class(dir: &Path, pack: &Pack) -> Vec<(String, Option<usize>)> {
    let texts = texts(pack);
    let mut expected = Vec::new();
    for i in 0..10 {
        let name = format!("folder{i:02}");
        let ws = Workspace::for_student(&dir.join(&name), pack).unwrap();
        let text = &texts[i % texts.len()];
        std::fs::write(&ws.dockerfile, text).unwrap();
        if i < 8 {
            let mut p = Progress {
                seconds_spent: 600 + 60 * i as u64,
                ..Progress::default()
            };
            p.todo_mut(1).hints = i % 4;
            p.todo_mut(2).solution_shown = i == 3;
            ws.save_progress(&p).unwrap();
        }
        expected.push((name, Some(Analysis::of(text, pack).passed())));
    }
    for i in 0..10 {
        let name = format!("file{i:02}");
        let text = &texts[(i + 3) % texts.len()];
        std::fs::write(dir.join(format!("{name}.Dockerfile")), text).unwrap();
        expected.push((name, Some(Analysis::of(text, pack).passed())));
    }
    // Names a spreadsheet or a browser would run.
    std::fs::write(dir.join("=HYPERLINK(1).Dockerfile"), &texts[1]).unwrap();
    expected.push(("=HYPERLINK(1)".into(), Some(7)));
    std::fs::write(
        dir.join("<img src=x onerror=alert(1)>.Dockerfile"),
        &texts[0],
    )
    .unwrap();
    expected.push(("<img src=x onerror=alert(1)>".into(), Some(0)));
    // The bad ones.
    std::fs::write(dir.join("empty.Dockerfile"), "").unwrap();
    std::fs::write(dir.join("binary.Dockerfile"), b"\x7fELF\0\0\x01").unwrap();
    std::fs::write(dir.join("latin1.Dockerfile"), b"FROM python\n# caf\xe9\n").unwrap();
    std::fs::create_dir(dir.join("folder.Dockerfile")).unwrap();
    std::fs::write(dir.join("huge.Dockerfile"), vec![b'#'; 1024 * 1024 + 10]).unwrap();
    std::os::unix::fs::symlink("loop.Dockerfile", dir.join("loop.Dockerfile")).unwrap();
    std::fs::create_dir(dir.join("nofile")).unwrap();
    std::fs::write(dir.join("blank.Dockerfile"), "\n\n   \n").unwrap();
    for n in [
        "empty", "binary", "latin1", "folder", "huge", "loop", "nofile", "blank",
    ] {
        expected.push((n.into(), None));
    }
    // Not a submission: passed over, and said so.
    std::fs::write(dir.join("README.txt"), "grading notes").unwrap();
    expected.sort();
    assert_eq!(expected.len(), 30);
    expected
}

fn grade(dir: &Path, format: &str) -> String {
    let o = stagecraft(&["class", "grade", dir.to_str().unwrap(), "--format", format]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
}

#[test]
fn thirty_mixed_submissions_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pack = Pack::embedded().unwrap();
    let expected = class(dir, &pack);

    let text = grade(dir, "text");
    assert!(
        text.contains(&format!(
            "30 students: {} graded, {BAD} bad submissions",
            30 - BAD
        )),
        "{text}"
    );
    assert!(
        text.contains("Not submissions (passed over): README.txt"),
        "{text}"
    );
    assert!(text.contains("Where the class is stuck:"), "{text}");

    // CSV: one row per student, each TODO and its first failing rule.
    let csv = grade(dir, "csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.len(), 6 + 2 * 7 + 3);
    assert_eq!(&header[6], "todo1");
    assert_eq!(&header[7], "todo1_first_failing");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 30);
    let by_name = |n: &str| {
        rows.iter()
            .find(|r| r[0].trim_start_matches('\'') == n)
            .unwrap_or_else(|| panic!("{n} not in\n{csv}"))
    };
    for (name, passes) in &expected {
        let r = by_name(name);
        match passes {
            Some(p) => {
                assert_eq!(&r[2], "graded", "{name}");
                assert_eq!(r[4].parse::<usize>().unwrap(), *p, "{name}");
            }
            None => {
                assert_eq!(&r[2], "bad", "{name}");
                assert!(!r[3].is_empty(), "{name} has a reason");
            }
        }
    }
    let starter = by_name("folder00");
    assert_eq!((&starter[6], &starter[7]), ("fail", "SC101"));
    assert_eq!(&starter[20], "0", "hints from the progress file");
    assert_eq!(&starter[22], "10", "minutes from the progress file");
    assert_eq!(&by_name("folder03")[21], "1", "the solution shown");
    assert_eq!(&by_name("folder09")[20], "", "no progress file: no figures");
    assert_eq!(&by_name("=HYPERLINK(1)")[0], "'=HYPERLINK(1)", "no formula");
    let reasons: Vec<(&str, &str)> = [
        ("empty", "empty"),
        ("blank", "empty (only whitespace)"),
        ("binary", "binary: a NUL byte at offset 4"),
        ("latin1", "not UTF-8: byte 0xE9 on line 2"),
        ("folder", "a directory, not a Dockerfile"),
        ("huge", "too large: 1048586 bytes"),
        ("loop", "unreadable: "),
        ("nofile", "no Dockerfile in the student's folder"),
    ]
    .to_vec();
    for (name, why) in reasons {
        assert!(
            by_name(name)[3].starts_with(why),
            "{name}: {}",
            &by_name(name)[3]
        );
    }

    // JSON: the same rows, with each TODO's first failing rule in full.
    let json: serde_json::Value = serde_json::from_str(&grade(dir, "json")).unwrap();
    assert_eq!(json["students_total"], 30);
    assert_eq!(json["bad"], BAD);
    let students = json["students"].as_array().unwrap();
    let starter = students
        .iter()
        .find(|s| s["student"] == "folder00")
        .unwrap();
    let first = &starter["todos"][6]["first_failing"];
    assert_eq!(first["id"], "SC701");
    assert_eq!(first["line"], 57);
    assert!(first["consequence"].is_string(), "{first}");
    assert_eq!(json["todos"][0]["title"], "A proper build stage");
    let stuck = json["stuck"].as_array().unwrap();
    assert!(stuck[0]["students"].as_u64() >= stuck[1]["students"].as_u64());

    // Markdown: one table row per student, every row with the same number of cells.
    let md = grade(dir, "md");
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), 2 + 30 + 1, "{md}");
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    assert!(table.iter().all(|l| cells(l) == cells(table[0])), "{md}");
    assert!(
        md.contains("| folder01 | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | 7/7 |"),
        "{md}"
    );
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"), "{md}");

    // HTML, written to a file.
    let page = dir.join("report.html");
    let o = stagecraft(&[
        "class",
        "grade",
        dir.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("report.html: 30 students: 22 graded, 8 bad submissions"),
        "{}",
        stdout(&o)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing is fetched from anywhere.
    for outside in ["http://", "https://", "<script", "<link", "@import", "url("] {
        assert!(!html.contains(outside), "{outside} in the page");
    }
    check_in_chromium(&page, tmp.path());
}

#[test]
fn files_named_one_by_one_and_nothing_to_grade() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = Pack::embedded().unwrap();
    let a = tmp.path().join("ana.Dockerfile");
    std::fs::write(&a, &pack.solutions[0].text).unwrap();
    let o = stagecraft(&[
        "class",
        "grade",
        a.to_str().unwrap(),
        "/no/such/bo.Dockerfile",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("ana "), "{out}");
    assert!(out.contains("bad") && out.contains("missing"), "{out}");
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = stagecraft(&["class", "grade", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no submissions"));
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
    })
}

/// Runs headless Chromium with `args`, 90 s at most.
fn run_chromium(bin: &Path, profile: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

fn check_in_chromium(page: &Path, tmp: &Path) {
    let Some(bin) = chromium() else {
        println!(
            "skipped the Chromium check: chromium is not installed (apt-get install chromium)"
        );
        return;
    };
    let url = format!("file://{}", page.display());
    let profile = tmp.join("chromium-profile");
    let o = run_chromium(&bin, &profile, &["--dump-dom", &url]);
    let dom = stdout(&o);
    assert!(
        dom.contains("<table id=\"students-table\">"),
        "no table in the DOM; stderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(dom.matches("<tr class=\"student").count(), 30, "{dom}");
    assert_eq!(dom.matches("<tr class=\"student bad\">").count(), BAD);
    assert_eq!(dom.matches("<tr class=\"todo\">").count(), 7);
    assert_eq!(
        dom.matches("<td class=\"pass\"").count() + dom.matches("<td class=\"fail\"").count(),
        22 * 7
    );
    assert!(dom.contains("<h2>Where the class is stuck</h2>"));
    assert!(
        dom.contains("<article class=\"rule\" id=\"rule-SC"),
        "{dom}"
    );
    // The student named like markup is text in their cell, not an element.
    assert!(
        dom.contains(">&lt;img src=x onerror=alert(1)&gt;</td>"),
        "{dom}"
    );
    assert!(!dom.contains("<img"), "{dom}");

    let shot = tmp.join("shot.png");
    let o = run_chromium(
        &bin,
        &profile,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600",
            &url,
        ],
    );
    assert!(
        shot.is_file(),
        "no screenshot; stderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let pixels = &pixels[..info.buffer_size()];
    let total = pixels.len() / channels;
    let mut not_white = 0;
    let mut green = 0;
    for p in pixels.chunks(channels) {
        let (r, g, b) = (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
        if r < 240 || g < 240 || b < 240 {
            not_white += 1;
        }
        // The pass-rate bars' and ✓ cells' green.
        if g > r + 40 && g > b + 20 {
            green += 1;
        }
    }
    assert!(
        not_white * 100 > total * 3,
        "the screenshot is nearly blank: {not_white} of {total} pixels drawn"
    );
    assert!(
        green > 500,
        "no green bars or ✓ cells on screen: {green} pixels"
    );
}
