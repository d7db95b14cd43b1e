//! Hostile input through the real binary: packs that try to read outside their folder or to
//! hang the loader, inputs that are not files, and output that cannot be written.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn stagecraft() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stagecraft"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    stagecraft().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The project's pack copied with its layout (`lessons/` beside `starter/`, `solutions/`,
/// under a folder marked as a stagecraft project).
fn copy_pack() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(
        root.join(".stagecraft-root"),
        tmp.path().join(".stagecraft-root"),
    )
    .unwrap();
    for dir in ["lessons", "starter", "solutions"] {
        fs::create_dir_all(tmp.path().join(dir)).unwrap();
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let entry = entry.unwrap();
            // lessons/go is the Go track's pack, not part of this one.
            if entry.file_type().unwrap().is_dir() {
                continue;
            }
            fs::copy(entry.path(), tmp.path().join(dir).join(entry.file_name())).unwrap();
        }
    }
    let pack = tmp.path().join("lessons");
    (tmp, pack)
}

/// A pack whose `app.py` is a link to a file outside it.
fn pack_with_app_linked_out() -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let (tmp, pack) = copy_pack();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.py");
    fs::write(&secret, "SECRET = 'outside the pack'\n").unwrap();
    let app = tmp.path().join("starter/app.py");
    fs::remove_file(&app).unwrap();
    std::os::unix::fs::symlink(&secret, &app).unwrap();
    (tmp, outside, pack)
}

#[test]
fn a_refused_pack_never_starts_the_tutorial_nor_copies_a_file() {
    let (_tmp, _outside, pack) = pack_with_app_linked_out();
    let data = tempfile::tempdir().unwrap();
    let o = stagecraft()
        .arg("--pack")
        .arg(&pack)
        .env("STAGECRAFT_DATA_DIR", data.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let line = fs::read_to_string(pack.join("pack.yaml"))
        .unwrap()
        .lines()
        .position(|l| l == "  - starter/app.py")
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "pack.yaml:{line}:5: `app_files`: `starter/app.py` is a link that leads outside"
        )),
        "{err}"
    );
    assert!(!err.contains("SECRET"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !data.path().join("lab").exists(),
        "files were copied into the lab folder"
    );

    // `--file` names the lab folder: nothing is written there either.
    let lab = data.path().join("mine/Dockerfile");
    let o = stagecraft()
        .arg("--pack")
        .arg(&pack)
        .arg("--file")
        .arg(&lab)
        .env("STAGECRAFT_DATA_DIR", data.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!data.path().join("mine").exists());
}

#[test]
fn check_and_analyze_refuse_the_pack_that_validate_refuses() {
    let (_tmp, _outside, pack) = pack_with_app_linked_out();
    let pack = pack.to_str().unwrap();
    for args in [
        vec!["lessons", "validate", pack],
        vec!["check", "solutions/venv.Dockerfile", "--pack", pack],
        vec!["analyze", "solutions/venv.Dockerfile", "--pack", pack],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(
            stderr(&o).contains("is a link that leads outside the pack folder"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // A pack whose solution fails a TODO is refused by every command, not only validate.
    let (tmp, pack) = copy_pack();
    let solution = tmp.path().join("solutions/user.Dockerfile");
    let text = fs::read_to_string(&solution).unwrap();
    fs::write(&solution, text.replace("USER ", "# USER ")).unwrap();
    let o = run(&[
        "check",
        "starter/Dockerfile",
        "--pack",
        pack.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("solution fails TODO 6"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_pack_with_a_starter_linked_to_dev_zero_or_a_fifo_is_refused_at_once() {
    let (tmp, pack) = copy_pack();
    let starter = tmp.path().join("starter/Dockerfile");
    fs::remove_file(&starter).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &starter).unwrap();
    let o = run(&["lessons", "validate", pack.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`starter`: `starter/Dockerfile` is a link that leads outside"),
        "{}",
        stderr(&o)
    );

    fs::remove_file(&starter).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(&starter)
            .status()
            .unwrap()
            .success()
    );
    let o = run(&[
        "check",
        "starter/Dockerfile",
        "--pack",
        pack.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`starter`: `starter/Dockerfile` is a named pipe, not a regular file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_deeply_nested_pack_yaml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let n = 80_000;
    fs::write(dir.path().join("pack.yaml"), "[".repeat(n) + &"]".repeat(n)).unwrap();
    let o = run(&["lessons", "validate", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("pack.yaml:1:33: nested more than 32 levels deep"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_refuses_a_device_a_fifo_and_a_large_file_but_reads_stdin() {
    let o = run(&["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "stagecraft: /dev/zero: is a device, not a regular file\n"
    );

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("Dockerfile");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // No one writes to the FIFO: reading it would block forever.
    let o = run(&["analyze", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a named pipe, not a regular file"));

    let big = dir.path().join("big.Dockerfile");
    fs::write(&big, "#".repeat((1 << 20) + 1)).unwrap();
    let o = run(&["check", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is larger than 1 MiB"),
        "{}",
        stderr(&o)
    );

    // Standard input is capped the same way, and still works under the cap.
    let o = stagecraft()
        .args(["check", "-"])
        .stdin(fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("<stdin>: is larger than 1 MiB"));
    let o = stagecraft()
        .args(["check", "-"])
        .stdin(
            fs::File::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("solutions/venv.Dockerfile"))
                .unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The three commands that print, each with its exit code when all is written.
fn printing_commands() -> Vec<(Vec<&'static str>, i32)> {
    vec![
        (vec!["check", "starter/Dockerfile"], 1),
        (vec!["analyze", "starter/Dockerfile"], 0),
        (vec!["lessons", "validate", "lessons"], 0),
    ]
}

#[test]
fn a_closed_pipe_ends_output_quietly_with_the_commands_exit_code() {
    for (args, code) in printing_commands() {
        // The reader is gone before the first write: that write fails with EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = stagecraft()
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}

#[test]
fn head_c1_reads_one_byte_of_a_long_report_and_closes() {
    // Longer than a pipe's buffer, so the writer is still writing when the reader goes.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    fs::write(
        &file,
        "FROM python:3.11\n".to_string() + &"FR x\n".repeat(5_000),
    )
    .unwrap();
    let mut child = stagecraft()
        .args(["check", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    out.read_exact(&mut byte).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_full_disk_is_one_line_on_stderr_and_exit_2() {
    for (args, _) in printing_commands() {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = stagecraft().args(&args).stdout(full).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            "stagecraft: cannot write the output: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
    // Help goes through the same place.
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = stagecraft().arg("--help").stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_tutorial_reads_its_file_through_the_same_gate() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("Dockerfile");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let o = stagecraft()
        .env("STAGECRAFT_DATA_DIR", dir.path().join("data"))
        .args(["--file", link.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is a device, not a regular file"),
        "{}",
        stderr(&o)
    );
    let big = dir.path().join("big.Dockerfile");
    std::fs::write(&big, "# x\n".repeat(300_000)).unwrap();
    let o = stagecraft()
        .env("STAGECRAFT_DATA_DIR", dir.path().join("data"))
        .args(["--file", big.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("larger than 1 MiB"), "{}", stderr(&o));
}
