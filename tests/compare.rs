//! `stagecraft compare` for real: the baseline and every reference solution are built with
//! Docker, run and asked for /status, /info and /plot; broken files must fail for the right
//! reason, naming the right TODO. Interrupting or timing out leaves no container behind.
//!
//! They need a Docker engine and the stand-in base images (`scripts/stand-in-images.sh`).
//! Without them the tests print why and pass, unless STAGECRAFT_REQUIRE_DOCKER=1 (as
//! `.ci/run` sets it), which makes a missing engine or image a failure.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const STAND_INS: [&str; 3] = [
    "python:3.11",
    "python:3.11-slim",
    "python:3.11-slim-bookworm",
];
/// The Python the "different Python" case runs on (the stand-in script's --with-3.13).
const OTHER_PYTHON: &str = "python:3.13-slim";

fn require_docker() -> bool {
    std::env::var("STAGECRAFT_REQUIRE_DOCKER").is_ok_and(|v| v == "1")
}

fn docker(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("docker runs")
}

fn docker_ok(args: &[&str]) -> bool {
    Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether the tests can run; prints why not (or fails, when Docker is required).
fn ready(images: &[&str]) -> bool {
    let why = if !docker_ok(&["version"]) {
        Some("no Docker engine answers `docker version`".to_string())
    } else {
        images
            .iter()
            .find(|i| !docker_ok(&["image", "inspect", i]))
            .map(|i| format!("the stand-in image {i} is missing: run scripts/stand-in-images.sh"))
    };
    match why {
        None => true,
        Some(why) if require_docker() => panic!("STAGECRAFT_REQUIRE_DOCKER=1 but {why}"),
        Some(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

fn stagecraft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stagecraft"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Containers labelled by `compare` whose names start with `prefix`.
fn containers(prefix: &str) -> Vec<String> {
    let out = docker(&[
        "ps",
        "--all",
        "--filter",
        "label=org.stagecraft=1",
        "--format",
        "{{.Names}}",
    ]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|n| n.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

/// Removes the images a test kept, when dropped (also when the test fails).
struct Images(&'static str);

impl Drop for Images {
    fn drop(&mut self) {
        for role in ["yours", "baseline"] {
            let _ = docker(&["image", "rm", &format!("{}:{role}", self.0)]);
        }
    }
}

/// `compare FILE --context DIR --format json`, keeping the images (the next case's layer
/// cache) under `name`. Returns the exit code and the report.
fn compare_in(context: &str, file: &Path, name: &str, extra: &[&str]) -> (i32, Value, String) {
    let started = Instant::now();
    let mut args = vec![
        "compare",
        file.to_str().unwrap(),
        "--context",
        context,
        "--format",
        "json",
        "--keep",
        "--image-name",
        name,
    ];
    args.extend_from_slice(extra);
    let o = stagecraft(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let report: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON report ({e}); stderr:\n{stderr}",
            file.display()
        )
    });
    eprintln!(
        "{}: exit {:?} in {:.0} s",
        file.display(),
        o.status.code(),
        started.elapsed().as_secs_f64()
    );
    (o.status.code().unwrap_or(-1), report, stderr)
}

fn compare(file: &Path, name: &str, extra: &[&str]) -> (i32, Value, String) {
    compare_in("starter", file, name, extra)
}

fn image<'a>(report: &'a Value, role: &str) -> &'a Value {
    report["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["role"] == role)
        .unwrap()
}

fn within_ten_percent(what: &str, image: &Value) {
    let measured = image["size_bytes"].as_f64().unwrap();
    let estimate = image["estimate_bytes"].as_f64().unwrap();
    let off = (estimate - measured) / measured * 100.0;
    eprintln!(
        "  {what}: measured {:.0} MB, estimated {:.0} MB ({off:+.1}%)",
        measured / 1e6,
        estimate / 1e6
    );
    assert!(
        off.abs() <= 10.0,
        "{what}: the estimate {estimate} is {off:+.1}% off the measured {measured}"
    );
}

/// A broken variant of a reference solution, written to a temporary folder.
/// Writes a fixture. Every stage gets a label naming the test's own folder, so no step of it
/// is a step another test (running at the same time on the same engine) builds, takes from
/// the cache or removes; the fixtures of one test still share their layers.
fn broken(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let marker = format!(
        "LABEL org.stagecraft.test={}",
        dir.file_name()
            .unwrap()
            .to_string_lossy()
            .trim_start_matches('.')
    );
    let mut marked = String::new();
    for line in text.lines() {
        marked.push_str(line);
        marked.push('\n');
        if line.trim_start().to_ascii_uppercase().starts_with("FROM ") {
            marked.push_str(&marker);
            marked.push('\n');
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, marked).unwrap();
    path
}

fn solution(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("solutions").join(name)).unwrap()
}

#[test]
fn reference_solutions_build_serve_and_are_small() {
    if !ready(&STAND_INS) {
        return;
    }
    const NAME: &str = "stagecraft-test-compare";
    let _images = Images(NAME);

    // Every reference solution: builds, serves the three endpoints as a non-root user,
    // is at most 40% of the baseline, and the estimates are within 10% of the sizes.
    for file in [
        "solutions/venv.Dockerfile",
        "solutions/user.Dockerfile",
        "solutions/prefix.Dockerfile",
    ] {
        let (code, report, stderr) = compare(Path::new(file), NAME, &[]);
        assert_eq!(code, 0, "{file}: {report:#}\n{stderr}");
        let yours = image(&report, "yours");
        let baseline = image(&report, "baseline");
        for (role, img) in [("yours", yours), ("baseline", baseline)] {
            assert_eq!(img["built"], true, "{file} {role}");
            for endpoint in ["/status", "/info", "/plot"] {
                assert_eq!(
                    img["run"]["endpoints"][endpoint], 200,
                    "{file} {role} {endpoint}: {img:#}"
                );
            }
        }
        assert_ne!(yours["run"]["uid"], 0, "{file} runs as root");
        assert!(yours["run"]["uid"].as_u64().is_some(), "{yours:#}");
        assert_eq!(yours["run"]["ok"], true);
        // The baseline runs as root, and is told so.
        assert_eq!(baseline["run"]["uid"], 0);
        assert_eq!(baseline["run"]["todo"], 6);
        let (b, y) = (
            baseline["size_bytes"].as_f64().unwrap(),
            yours["size_bytes"].as_f64().unwrap(),
        );
        assert!(y <= 0.4 * b, "{file}: {y} is more than 40% of {b}");
        assert!(report["saved_percent"].as_f64().unwrap() >= 60.0);
        within_ten_percent(file, yours);
        within_ten_percent("starter/Dockerfile.single", baseline);
        let layers = yours["layers"].as_array().unwrap();
        assert!(
            layers.iter().any(|l| l["instruction"]
                .as_str()
                .unwrap()
                .starts_with("FROM python:3.11")),
            "{layers:#?}"
        );
        let sizes: Vec<u64> = layers
            .iter()
            .map(|l| l["size_bytes"].as_u64().unwrap())
            .collect();
        assert!(
            sizes.windows(2).all(|w| w[0] >= w[1]),
            "biggest first: {sizes:?}"
        );
    }

    assert_eq!(
        containers(NAME),
        Vec::<String>::new(),
        "containers left behind"
    );
}

/// A reference solution without its compilers step: the light requirements below are all
/// wheels, and none of the failures depends on gcc.
fn without_compilers(text: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with("RUN apt-get update") {
            skipping = true;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
        if skipping && !line.trim_end().ends_with('\\') {
            skipping = false;
        }
    }
    out
}

#[test]
fn broken_files_fail_for_the_right_reason() {
    if !ready(&STAND_INS) {
        return;
    }
    const NAME: &str = "stagecraft-test-broken";
    let _images = Images(NAME);
    // The broken files fail before the app imports pandas or matplotlib, so they build in
    // a context whose requirements are only Flask and gunicorn: minutes less per case.
    let dir = tempfile::tempdir().unwrap();
    let light = dir.path().join("context");
    std::fs::create_dir(&light).unwrap();
    std::fs::copy(Path::new(ROOT).join("starter/app.py"), light.join("app.py")).unwrap();
    std::fs::write(
        light.join("requirements.txt"),
        "flask==3.1.0\ngunicorn==23.0.0\n",
    )
    .unwrap();
    let light = light.to_str().unwrap();
    let venv = without_compilers(&solution("venv.Dockerfile"));
    let user = without_compilers(&solution("user.Dockerfile"));
    assert!(
        !venv.contains("gcc")
            && !user.contains("gcc")
            && venv.contains("FROM python:3.11-slim AS runtime")
    );

    // A virtualenv copied without its bin on PATH: builds, then gunicorn is not found.
    let no_path = venv.replace(
        "ENV PATH=\"/opt/venv/bin:$PATH\" \\\n    PYTHONUNBUFFERED=1",
        "ENV PYTHONUNBUFFERED=1",
    );
    assert_ne!(no_path, venv);
    let (code, report, _) = compare_in(
        light,
        &broken(dir.path(), "no-path.Dockerfile", &no_path),
        NAME,
        &[],
    );
    let yours = image(&report, "yours");
    assert_eq!(code, 1);
    assert_eq!(yours["built"], true);
    assert_eq!(yours["run"]["ok"], false);
    assert_eq!(yours["run"]["todo"], 5, "{yours:#}");
    assert!(
        yours["run"]["error"]
            .as_str()
            .unwrap()
            .contains("executable file not found")
    );
    assert!(
        yours["run"]["explanation"]
            .as_str()
            .unwrap()
            .contains("/opt/venv/bin")
    );

    // COPY --from of a path the build stage never created: the build fails there.
    let never_created = venv.replace(
        "RUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"",
        "RUN python -m venv /opt/env\nENV PATH=\"/opt/env/bin:$PATH\"",
    );
    assert_ne!(never_created, venv);
    let (code, report, _) = compare_in(
        light,
        &broken(dir.path(), "never-created.Dockerfile", &never_created),
        NAME,
        &[],
    );
    let yours = image(&report, "yours");
    assert_eq!(code, 1);
    assert_eq!(yours["built"], false, "{yours:#}");
    assert_eq!(yours["run"]["todo"], 5, "{yours:#}");
    assert!(
        yours["run"]["explanation"]
            .as_str()
            .unwrap()
            .contains("/opt/env"),
        "{yours:#}"
    );
    assert!(!yours["run"]["log_tail"].as_array().unwrap().is_empty());

    // --user packages left in /root/.local while a non-root user runs the app.
    let under_root = user
        .replace(
            "COPY --from=build-deps --chown=app:app /root/.local /home/app/.local\nENV PATH=/home/app/.local/bin:$PATH",
            "COPY --from=build-deps /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH",
        );
    assert_ne!(under_root, user);
    let (code, report, _) = compare_in(
        light,
        &broken(dir.path(), "under-root.Dockerfile", &under_root),
        NAME,
        &[],
    );
    let yours = image(&report, "yours");
    assert_eq!(code, 1);
    assert_eq!(yours["built"], true);
    assert_eq!(yours["run"]["todo"], 5, "{yours:#}");
    assert!(
        yours["run"]["explanation"]
            .as_str()
            .unwrap()
            .contains("/root")
    );

    // A runtime on another Python than the build stage.
    if ready(&[OTHER_PYTHON]) {
        let other = venv.replace(
            "FROM python:3.11-slim AS runtime",
            &format!("FROM {OTHER_PYTHON} AS runtime"),
        );
        let (code, report, _) = compare_in(
            light,
            &broken(dir.path(), "other-python.Dockerfile", &other),
            NAME,
            &[],
        );
        let yours = image(&report, "yours");
        assert_eq!(code, 1);
        assert_eq!(yours["built"], true);
        assert_eq!(yours["run"]["todo"], 4, "{yours:#}");
        let why = yours["run"]["explanation"].as_str().unwrap();
        assert!(why.contains("3.11") && why.contains("3.13"), "{why}");
    }

    assert_eq!(
        containers(NAME),
        Vec::<String>::new(),
        "containers left behind"
    );
}

/// A baseline that builds in a second, for the tests that are about clean-up.
const QUICK_BASELINE: &str =
    "FROM python:3.11-slim\nCMD [\"python\", \"-m\", \"http.server\", \"5000\"]\n";

#[test]
fn no_answer_times_out_and_removes_the_container() {
    if !ready(&["python:3.11-slim"]) {
        return;
    }
    const NAME: &str = "stagecraft-test-timeout";
    let _images = Images(NAME);
    let dir = tempfile::tempdir().unwrap();
    let baseline = broken(dir.path(), "baseline.Dockerfile", QUICK_BASELINE);
    // Serves, but on the container's loopback only: nothing outside can reach it.
    let loopback = broken(
        dir.path(),
        "loopback.Dockerfile",
        "FROM python:3.11-slim\nUSER 10001\nCMD [\"python\", \"-m\", \"http.server\", \"--bind\", \"127.0.0.1\", \"5000\"]\n",
    );
    let (code, report, _) = compare(
        &loopback,
        NAME,
        &[
            "--baseline",
            baseline.to_str().unwrap(),
            "--run-timeout",
            "5",
        ],
    );
    let yours = image(&report, "yours");
    assert_eq!(code, 1);
    assert_eq!(yours["run"]["todo"], 7, "{yours:#}");
    assert!(
        yours["run"]["error"]
            .as_str()
            .unwrap()
            .contains("nothing answered")
    );
    assert_eq!(containers(NAME), Vec::<String>::new());
}

#[test]
fn interrupting_removes_what_it_started() {
    if !ready(&["python:3.11-slim"]) {
        return;
    }
    const NAME: &str = "stagecraft-test-interrupt";
    let _images = Images(NAME);
    let dir = tempfile::tempdir().unwrap();
    let baseline = broken(dir.path(), "baseline.Dockerfile", QUICK_BASELINE);
    // Never answers: the interrupt comes while compare waits for it.
    let silent = broken(
        dir.path(),
        "silent.Dockerfile",
        "FROM python:3.11-slim\nCMD [\"sleep\", \"600\"]\n",
    );
    // Marks the steps of this run's slow build, to look for them among the images after.
    let nonce = format!(
        "stagecraft-interrupt-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    for (phase, file) in [("running", &silent), ("building", &silent)] {
        let slow_build;
        let file = if phase == "building" {
            // A finished step (an image of its own), then one that never ends.
            slow_build = broken(
                dir.path(),
                "slow.Dockerfile",
                &format!(
                    "FROM python:3.11-slim\nRUN echo {nonce} > /done\nRUN sleep 600 # {nonce}\n"
                ),
            );
            &slow_build
        } else {
            file
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_stagecraft"))
            .args([
                "compare",
                file.to_str().unwrap(),
                "--baseline",
                baseline.to_str().unwrap(),
                "--image-name",
                NAME,
                "--run-timeout",
                "300",
            ])
            .current_dir(ROOT)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let deadline = Instant::now() + Duration::from_secs(300);
        let mut seen = String::new();
        let mut sent = false;
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            let reached = match phase {
                "running" => line.contains("yours running: waiting"),
                _ => line.contains("yours building step 4/"),
            };
            if reached && !sent {
                // Let the step get going inside the engine, then interrupt as Ctrl-C does.
                std::thread::sleep(Duration::from_secs(2));
                unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
                sent = true;
            }
            assert!(Instant::now() < deadline, "never reached {phase}:\n{seen}");
        }
        assert!(sent, "never reached {phase}:\n{seen}");
        assert!(seen.contains("interrupted"), "{seen}");
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{phase}:\n{seen}");
        assert_eq!(containers(NAME), Vec::<String>::new(), "{phase}");
        // Nor a build container: the engine stops the build when the client goes.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = docker(&[
                "ps",
                "--all",
                "--filter",
                "ancestor=python:3.11-slim",
                "--format",
                "{{.Command}}",
            ]);
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            if !text.contains("sleep 600") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{phase}: a build container is still there:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        // Nor an image of its steps: neither the finished step nor the one that was running.
        let ids = docker(&["image", "ls", "--all", "--quiet", "--no-trunc"]);
        let ids = String::from_utf8_lossy(&ids.stdout).into_owned();
        let mut args = vec![
            "image",
            "inspect",
            "--format",
            "{{.Id}} {{json .ContainerConfig.Cmd}}",
        ];
        args.extend(ids.lines().filter(|l| !l.trim().is_empty()));
        let rows = String::from_utf8_lossy(&docker(&args).stdout).into_owned();
        let left: Vec<&str> = rows.lines().filter(|r| r.contains(&nonce)).collect();
        assert!(
            left.is_empty(),
            "{phase}: step images left behind: {left:?}"
        );
    }
}

/// The exercise app's three endpoints without pandas and matplotlib, so that the
/// prediction fixtures build in seconds in a context whose requirements are Flask and
/// gunicorn only. /plot answers a 1×1 PNG.
const LIGHT_APP: &str = r#"import platform

from flask import Flask, Response, jsonify

app = Flask(__name__)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4ca00"
    "00000049454e44ae426082"
)


@app.get("/status")
def status():
    return jsonify(status="ok")


@app.get("/info")
def info():
    return jsonify(python=platform.python_version())


@app.get("/plot")
def plot():
    return Response(PNG, mimetype="image/png")
"#;

/// Every consequence a build and a run can show, each made by one broken variant of the
/// venv solution, built and run for real with `--rebuild`: every prediction of that
/// consequence by a failing rule is observed, no prediction is refuted, and nothing
/// failed that no rule predicted.
#[test]
fn predictions_are_borne_out() {
    if !ready(&STAND_INS) {
        return;
    }
    const NAME: &str = "stagecraft-test-predict";
    let _images = Images(NAME);
    let dir = tempfile::tempdir().unwrap();
    let light = dir.path().join("context");
    std::fs::create_dir(&light).unwrap();
    std::fs::write(light.join("app.py"), LIGHT_APP).unwrap();
    std::fs::write(
        light.join("requirements.txt"),
        "flask==3.1.0\ngunicorn==23.0.0\n",
    )
    .unwrap();
    let light = light.to_str().unwrap();
    let venv = without_compilers(&solution("venv.Dockerfile"));
    let fixture = |from: &str, to: &str| {
        let text = venv.replace(from, to);
        assert_ne!(text, venv, "{from:?} is not in the venv solution");
        text
    };
    let fixtures = [
        (
            "build-fails",
            fixture(
                "RUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"",
                "RUN python -m venv /opt/env\nENV PATH=\"/opt/env/bin:$PATH\"",
            ),
        ),
        (
            "wont-start",
            fixture(
                "ENV PATH=\"/opt/venv/bin:$PATH\" \\\n    PYTHONUNBUFFERED=1",
                "ENV PYTHONUNBUFFERED=1",
            ),
        ),
        (
            "unreachable",
            fixture(
                "\"--bind\", \"0.0.0.0:5000\"",
                "\"--bind\", \"127.0.0.1:5000\"",
            ),
        ),
        (
            "runs-as-root",
            fixture("RUN useradd --create-home --uid 10001 appuser\n", "")
                .replace("COPY --chown=appuser:appuser app.py .", "COPY app.py .")
                .replace("USER appuser\n", ""),
        ),
        (
            "bigger-image",
            fixture(
                "RUN useradd --create-home --uid 10001 appuser\n",
                "RUN useradd --create-home --uid 10001 appuser\n\
                 RUN apt-get update && apt-get install -y --no-install-recommends gcc \
                 && rm -rf /var/lib/apt/lists/*\n",
            ),
        ),
        (
            "slower-rebuilds",
            fixture("COPY requirements.txt .\nRUN pip", "COPY . .\nRUN pip"),
        ),
    ];
    for (consequence, text) in &fixtures {
        let file = broken(dir.path(), &format!("{consequence}.Dockerfile"), text);
        let timeout = if *consequence == "unreachable" {
            "15"
        } else {
            "60"
        };
        let (code, report, stderr) =
            compare_in(light, &file, NAME, &["--rebuild", "--run-timeout", timeout]);
        // Bigger, or slower to rebuild, it still builds and serves as a non-root user.
        let serves = matches!(*consequence, "bigger-image" | "slower-rebuilds");
        assert_eq!(
            code,
            if serves { 0 } else { 1 },
            "{consequence}: {report:#}\n{stderr}"
        );
        let predictions = report["predictions"].as_array().unwrap();
        for p in predictions {
            eprintln!(
                "  {consequence}: {} {} observed {}",
                p["rule"], p["consequence"], p["observed"]
            );
        }
        let of_it: Vec<&Value> = predictions
            .iter()
            .filter(|p| p["consequence"] == *consequence)
            .collect();
        assert!(
            !of_it.is_empty(),
            "{consequence}: no failing rule predicts it: {predictions:#?}"
        );
        for p in &of_it {
            assert_eq!(p["observed"], true, "{consequence}: {p:#}\n{report:#}");
        }
        let refuted: Vec<&Value> = predictions
            .iter()
            .filter(|p| p["observed"] == false)
            .collect();
        assert!(refuted.is_empty(), "{consequence}: refuted {refuted:#?}");
        assert_eq!(
            report["unpredicted"],
            serde_json::json!([]),
            "{consequence}: {:#}",
            report["observed"]
        );
        let yours = image(&report, "yours");
        let baseline = image(&report, "baseline");
        if let Some(size) = yours["size_bytes"].as_f64() {
            eprintln!(
                "  {consequence}: {:.0} MB (baseline {:.0} MB)",
                size / 1e6,
                baseline["size_bytes"].as_f64().unwrap_or(0.0) / 1e6
            );
        }
        for (role, img) in [("yours", yours), ("baseline", baseline)] {
            if let Some(r) = img["rebuild"].as_object() {
                eprintln!(
                    "  {consequence}: {role} built in {} s, rebuilt in {} s, {} steps cached, {} ran again, reinstalled {}",
                    img["build_seconds"],
                    r["seconds"],
                    r["cached_steps"],
                    r["rerun_steps"],
                    r["reinstalled"]
                );
            }
        }
        // The baseline copies its requirements first: a change to app.py reinstalls nothing.
        assert_eq!(
            baseline["rebuild"]["reinstalled"],
            serde_json::json!([]),
            "{consequence}: {baseline:#}"
        );
        if yours["built"] == true {
            assert_eq!(yours["rebuild"]["ok"], true, "{consequence}: {yours:#}");
            assert!(yours["rebuild"]["rerun_steps"].as_u64().unwrap() >= 1);
        }
    }

    assert_eq!(
        containers(NAME),
        Vec::<String>::new(),
        "containers left behind"
    );
    let out = docker(&["images", "--format", "{{.Repository}}:{{.Tag}}", NAME]);
    let left: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.ends_with("-rebuild"))
        .map(str::to_string)
        .collect();
    assert_eq!(left, Vec::<String>::new(), "rebuild images left behind");
}
