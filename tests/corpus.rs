//! The real binary over Dockerfiles that nobody on this project wrote.
//!
//! `check` and `analyze` must answer every file as a user would see it: exit 0 or 1, a JSON
//! report on stdout, no panic. The third-party corpus is not committed (public repositories'
//! text stays out of this repository; `tests/corpus/SOURCES.md` lists each file with the
//! repository, path and commit it came from). The test reads it from every folder named in
//! `STAGECRAFT_CORPUS` (separated like `PATH`); without that, from `../shared/corpus` when it
//! exists and from `tests/corpus/` (where `.gitignore` keeps the files out of commits). The
//! project's own starter and reference solutions are always part of the run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn project_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("starter/Dockerfile"),
        root.join("starter/Dockerfile.single"),
    ];
    files.extend(dockerfiles_under(&root.join("solutions")));
    files
}

/// Every file under `dir` that is a Dockerfile by name (`*.Dockerfile`, `Dockerfile*`).
fn dockerfiles_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                pending.push(path);
            } else if name.ends_with(".Dockerfile") || name.starts_with("Dockerfile") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The corpus folders asked for; a folder that was asked for must exist and hold files.
fn corpus_files() -> Vec<PathBuf> {
    let asked: Vec<PathBuf> = match std::env::var_os("STAGECRAFT_CORPUS") {
        Some(dirs) => std::env::split_paths(&dirs).collect(),
        None => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let found: Vec<PathBuf> = [root.join("../shared/corpus"), root.join("tests/corpus")]
                .into_iter()
                .filter(|d| d.is_dir() && !dockerfiles_under(d).is_empty())
                .collect();
            if found.is_empty() {
                eprintln!(
                    "corpus: no third-party corpus here (set STAGECRAFT_CORPUS); \
                     running the project's own Dockerfiles only"
                );
            }
            found
        }
    };
    let mut files = Vec::new();
    for dir in asked {
        assert!(
            dir.is_dir(),
            "STAGECRAFT_CORPUS names {}, which is not a folder",
            dir.display()
        );
        let found = dockerfiles_under(&dir);
        assert!(!found.is_empty(), "{} holds no Dockerfile", dir.display());
        files.extend(found);
    }
    files
}

fn run(command: &str, file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args([command, file.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap()
}

/// What is wrong with one run, as a learner would notice it; `None` when nothing is.
fn fault(command: &str, file: &Path, o: &Output) -> Option<String> {
    let stderr = String::from_utf8_lossy(&o.stderr);
    let code = o.status.code();
    if !matches!(code, Some(0 | 1)) || stderr.contains("panicked") {
        // The panic message is on the line after "thread 'main' panicked at FILE:LINE:".
        let said: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(2)
            .collect();
        return Some(format!("exit {code:?}: {}", said.join(" / ")));
    }
    let report: serde_json::Value = match serde_json::from_slice(&o.stdout) {
        Ok(v) => v,
        Err(e) => return Some(format!("stdout is not JSON: {e}")),
    };
    if report["file"] != file.to_str().unwrap() {
        return Some(format!("the report names {} as its file", report["file"]));
    }
    if command == "check" {
        let (passed, total) = (report["passed"].as_u64(), report["total"].as_u64());
        let todos = report["todos"].as_array().map(Vec::len);
        if total.is_none() || todos != total.map(|t| t as usize) {
            return Some(format!("{total:?} TODOs counted, {todos:?} listed"));
        }
        if (code == Some(0)) != (passed == total) {
            return Some(format!("exit {code:?} with {passed:?}/{total:?} passing"));
        }
    }
    None
}

#[test]
fn every_dockerfile_gets_an_answer_and_no_panic() {
    let files: Vec<PathBuf> = project_files().into_iter().chain(corpus_files()).collect();
    let mut faults = Vec::new();
    for file in &files {
        for command in ["check", "analyze"] {
            if let Some(f) = fault(command, file, &run(command, file)) {
                faults.push(format!("{} ({command}): {f}", file.display()));
            }
        }
    }
    eprintln!(
        "corpus: {} files, each through check and analyze",
        files.len()
    );
    assert!(
        faults.is_empty(),
        "{} of {} runs failed:\n{}",
        faults.len(),
        files.len() * 2,
        faults.join("\n")
    );
}
