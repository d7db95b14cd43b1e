//! F10 in the real binary, in a pseudo-terminal, against a fake `docker` first on PATH
//! (tests/support/fake_docker.py, a python3 script): the progress and the results on
//! screen, Esc during a slow build and what it removes, quitting during a comparison, and
//! no engine at all. The comparison code (build output parsing, sizes, history, the run
//! probe over HTTP, the clean-up) is the real one.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::pty::{CTRL_Q, ESC, Session};

const F10: &str = "\x1b[21~";

/// A folder with the fake `docker`, its state folder, and a lab folder holding `file`
/// (with the app and its requirements beside it).
struct Fake {
    dir: tempfile::TempDir,
}

impl Fake {
    fn new(dockerfile: &str) -> Fake {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let script = bin.join("fake_docker.py");
        std::fs::write(&script, include_str!("support/fake_docker.py")).unwrap();
        // python3 -S: no site packages to look at, a quicker start on a busy machine.
        let docker = bin.join("docker");
        std::fs::write(
            &docker,
            format!("#!/bin/sh\nexec python3 -S '{}' \"$@\"\n", script.display()),
        )
        .unwrap();
        std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
        let lab = dir.path().join("work");
        std::fs::create_dir_all(&lab).unwrap();
        std::fs::write(lab.join("Dockerfile"), dockerfile).unwrap();
        for f in ["app.py", "requirements.txt"] {
            std::fs::copy(Path::new("starter").join(f), lab.join(f)).unwrap();
        }
        std::fs::create_dir_all(dir.path().join("state")).unwrap();
        Fake { dir }
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("work/Dockerfile")
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    fn env(&self) -> Vec<(String, String)> {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        vec![
            ("PATH".into(), path),
            ("FAKE_DOCKER_DIR".into(), self.state().display().to_string()),
        ]
    }

    fn start(&self, extra: &[(&str, &str)]) -> Session {
        let mut env = self.env();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let file = self.file();
        Session::start(
            &self.dir.path().join("data"),
            &["--file", file.to_str().unwrap()],
            &env,
            (120, 40),
        )
    }

    /// Every docker command the comparison ran, as argument lists.
    fn calls(&self) -> Vec<Vec<String>> {
        std::fs::read_to_string(self.state().join("log"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn ran(&self, prefix: &[&str]) -> Vec<Vec<String>> {
        self.calls()
            .into_iter()
            .filter(|c| c.len() >= prefix.len() && c[..prefix.len()] == *prefix)
            .collect()
    }
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only asks whether the process exists.
    unsafe { libc::kill(pid, 0) == 0 }
}

/// Each fake docker call starts python (a few tenths of a second on a busy machine) and a
/// comparison makes dozens: the waits for its end are longer than the pty helper's.
const LONG: Duration = Duration::from_secs(120);

fn wait_screen(s: &Session, what: &str) {
    let deadline = Instant::now() + LONG;
    while !s.contents().contains(what) {
        assert!(
            Instant::now() < deadline,
            "{what:?} never appeared; the screen:\n{}",
            s.contents()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_until(what: &str, ok: impl Fn() -> bool) {
    let deadline = Instant::now() + LONG;
    while !ok() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn f10_builds_runs_and_shows_both_images() {
    let venv = include_str!("../solutions/venv.Dockerfile");
    let fake = Fake::new(venv);
    let mut s = fake.start(&[]);
    s.wait_for("7/7");
    s.send(F10);
    // The live progress: which image, its step, the instruction.
    s.wait_until("the baseline building", |t| {
        t.contains("1. baseline  building, step")
    });
    s.wait_for("Elapsed");
    wait_screen(&s, "2. yours     building");
    // The results.
    wait_screen(&s, "Saved 854 MB (68.2%)");
    let screen = s.contents();
    for text in [
        "Yours builds and serves",
        "1253 MB",
        "399 MB",
        "✓ /status  ✓ /info  ✓ /plot",
        "✓ user: uid 1000",
        "✗ user: root (uid 0)",
    ] {
        assert!(screen.contains(text), "missing {text:?}:\n{screen}");
    }
    // The baseline runs as root: its explanation names TODO 6.
    s.send(F10);
    s.wait_for("Enter open TODO");
    s.send(support::pty::ENTER);
    s.wait_for("TODO 6/7");
    // What ran: both built, each run and removed; yours removed, the baseline kept as the
    // next comparison's cache.
    let builds = fake.ran(&["build"]);
    assert_eq!(builds.len(), 2, "{builds:?}");
    assert!(builds[0].contains(&"stagecraft-lab:baseline".to_string()));
    assert!(builds[1].contains(&"stagecraft-lab:yours".to_string()));
    assert!(
        builds
            .iter()
            .all(|b| b.contains(&"org.stagecraft=1".to_string()))
    );
    let runs = fake.ran(&["run"]);
    assert_eq!(runs.len(), 2);
    let calls = fake.calls();
    for run in &runs {
        let name = &run[run.iter().position(|a| a == "--name").unwrap() + 1];
        let started = calls.iter().position(|c| c == run).unwrap();
        let removed = ["rm", "--force", "--volumes", name.as_str()];
        assert!(
            calls[started..].iter().any(|c| c == &removed),
            "{name} removed after it ran: {calls:?}"
        );
        assert!(run.contains(&"127.0.0.1::5000".to_string()), "{run:?}");
    }
    assert_eq!(
        fake.ran(&["image", "rm", "stagecraft-lab:yours"]).len(),
        1,
        "yours removed"
    );
    assert_eq!(
        fake.ran(&["image", "rm", "stagecraft-lab:baseline"]).len(),
        0,
        "the baseline kept"
    );
    s.send(CTRL_Q);
    s.wait_exit();
    // The progress file keeps what was measured, of this text.
    let progress: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fake.dir.path().join("data/progress.json")).unwrap(),
    )
    .unwrap();
    let file = progress["files"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!(file["measured"]["baseline_bytes"], 1_253_000_000u64);
    assert_eq!(file["measured"]["yours_bytes"], 399_000_000u64);
}

#[test]
fn esc_during_a_slow_build_kills_it_and_removes_what_it_made() {
    let fake = Fake::new(include_str!("../solutions/venv.Dockerfile"));
    let mut s = fake.start(&[("FAKE_DOCKER_SLOW", "yours")]);
    s.wait_for("TODO 1/7");
    s.send(F10);
    wait_screen(&s, "2. yours     building");
    let pid_file = fake.state().join("build-pid-yours");
    let steps_file = fake.state().join("steps-yours");
    // The fake notes its step images, then sleeps in step 2 until it is killed.
    wait_until("the slow step", || {
        pid_file.exists() && std::fs::read_to_string(&steps_file).is_ok_and(|t| !t.is_empty())
    });
    let build_pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(alive(build_pid));
    // The editor still takes text while it builds.
    s.send("# typed during the build\r");
    s.wait_for("# typed during the build");
    s.send(ESC);
    wait_screen(&s, "Compare: cancelled");
    s.wait_for("Cancelled. The build was stopped");
    assert!(!alive(build_pid), "the build was killed");
    assert!(
        !fake.state().join("finished-yours").exists(),
        "it never finished"
    );
    // What it had made is gone: the baseline's container, and the step image the killed
    // build left behind. The baseline's image stays: the next comparison's cache.
    let runs = fake.ran(&["run"]);
    assert_eq!(runs.len(), 1, "only the baseline ran");
    let name = &runs[0][runs[0].iter().position(|a| a == "--name").unwrap() + 1];
    assert_eq!(
        fake.ran(&["rm", "--force", "--volumes", name]).len(),
        2,
        "before and after"
    );
    assert_eq!(
        fake.ran(&["image", "rm", "stagecraft-lab:baseline"]).len(),
        0
    );
    let steps = std::fs::read_to_string(&steps_file).unwrap();
    assert!(!steps.trim().is_empty());
    for id in steps.split_whitespace() {
        assert_eq!(
            fake.ran(&["image", "rm", id]).len(),
            1,
            "the killed build's step image {id}: {:?}",
            fake.calls()
        );
    }
    assert!(
        std::fs::read_dir(fake.state()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("container-")),
        "no container is left"
    );

    // Again, and quit while it builds: it is cancelled and cleaned up before the exit.
    s.send(F10);
    wait_screen(&s, "Compare: running");
    wait_until("the second slow step", || fake.ran(&["build"]).len() == 4);
    s.send(CTRL_Q);
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        fake.ran(&["image", "rm", "stagecraft-lab:baseline"]).len(),
        0,
        "kept on quitting too"
    );
    assert!(
        std::fs::read_dir(fake.state()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("container-")),
        "no container is left after quitting"
    );
    let text = std::fs::read_to_string(fake.file()).unwrap();
    assert!(text.starts_with("# typed during the build\n"), "{text}");
}

#[test]
fn without_an_engine_the_pane_says_what_to_do() {
    let fake = Fake::new(include_str!("../solutions/venv.Dockerfile"));
    let mut s = fake.start(&[("FAKE_DOCKER_NO_ENGINE", "1")]);
    s.wait_for("TODO 1/7");
    s.send(F10);
    // The engine's own words, said once (not "No Docker engine: no Docker engine …").
    s.wait_for("No Docker engine answered: Cannot connect");
    s.wait_for("sudo systemctl start");
    assert_eq!(fake.ran(&["build"]).len(), 0);
    // Still editing, and quitting works as ever.
    s.send("# still here\r");
    s.wait_for("# still here");
    s.send(CTRL_Q);
    s.wait_exit();
}
