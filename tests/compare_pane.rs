//! F10 in the tutorial: the app's states (start, progress, cancel, finish, no engine, the
//! jump to a TODO) driven by a scripted comparison thread, and the pane as it is drawn
//! (insta snapshots, TestBackend) from hand-made progress and reports.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use stagecraft::compare::report::{RebuildReport, RunOutcome};
use stagecraft::compare::{
    self, Endpoints, Expected, ImageReport, Layer, Options, Phase, Progress, Report, Role,
    RunReport,
};
use stagecraft::pack::Pack;
use stagecraft::rules::Consequence;
use stagecraft::rules::Params;
use stagecraft::tui::app::App;
use stagecraft::tui::keys::Context;
use stagecraft::tui::measure::{Event, Runner, State};
use stagecraft::tui::ui;
use stagecraft::workspace::{self, Workspace};

/// What the scripted comparison was asked to build, and whether it was told to stop.
#[derive(Default)]
struct Seen {
    options: Option<Options>,
    cancelled: bool,
}

/// A comparison thread that reports nothing by itself (the test feeds the app its
/// events) and ends the way the real one does when cancelled: `Cancelled`, after its
/// clean-up.
fn scripted(seen: Arc<Mutex<Seen>>) -> Runner {
    Arc::new(
        move |options: Options, _: Params, tx: Sender<Event>, cancel: Arc<AtomicBool>| {
            seen.lock().unwrap().options = Some(options);
            let deadline = Instant::now() + Duration::from_secs(20);
            while !cancel.load(Ordering::SeqCst) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if cancel.load(Ordering::SeqCst) {
                seen.lock().unwrap().cancelled = true;
                let _ = tx.send(Event::Done(Err(compare::Error::Cancelled)));
            }
        },
    )
}

struct Lab {
    _dir: tempfile::TempDir,
    folder: PathBuf,
    app: App,
    seen: Arc<Mutex<Seen>>,
}

/// The tutorial on a lab folder (the starter, app.py and requirements.txt), with the
/// scripted comparison.
fn lab(text: Option<&str>) -> Lab {
    let dir = tempfile::tempdir().unwrap();
    let pack = Pack::embedded().unwrap();
    let file = dir.path().join("lab/Dockerfile");
    let ws = Workspace::open(Some(&file), &pack).unwrap();
    let ws = Workspace {
        progress_file: dir.path().join("progress.json"),
        ..ws
    };
    let text = text.map_or(pack.starter.text.clone(), str::to_string);
    std::fs::write(&file, &text).unwrap();
    let mut app = App::new(
        pack,
        &text,
        workspace::Progress::default(),
        Some(ws),
        false,
        true,
    );
    let seen = Arc::new(Mutex::new(Seen::default()));
    app.set_compare_runner(scripted(Arc::clone(&seen)));
    Lab {
        folder: dir.path().join("lab"),
        _dir: dir,
        app,
        seen,
    }
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    if app.size() != (width, height) {
        app.resize(width, height);
    }
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(f, app)).unwrap();
    let s = terminal.backend().to_string();
    // The lab's temporary folder, as a name of the same width (snapshots stay put).
    match app
        .workspace()
        .and_then(|w| w.dockerfile.parent()?.parent())
    {
        Some(dir) => {
            let dir = dir.display().to_string();
            s.replace(&dir, &"/tmp/.tmpXXXXXXXXXXXX"[..dir.len().min(21)])
        }
        None => s,
    }
}

fn state(app: &App) -> State {
    app.compare_pane().unwrap().state().clone()
}

/// Ticks the app (as the event loop does) until `ok` holds; 10 s at most.
fn tick_until(app: &mut App, what: &str, ok: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ok(app) {
        assert!(Instant::now() < deadline, "never: {what}");
        app.tick(Instant::now());
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn progress(role: Role, phase: Phase, step: Option<(usize, usize)>, activity: &str) -> Progress {
    Progress {
        role,
        phase,
        step,
        activity: Some(activity.to_string()),
        elapsed: Duration::from_secs(83),
        log_tail: vec![
            "Step 3/9 : RUN pip install --no-cache-dir -r requirements.txt".to_string(),
            "Collecting flask==3.0.0".to_string(),
            "  Downloading flask-3.0.0-py3-none-any.whl (99 kB)".to_string(),
            "Collecting pandas==2.1.3".to_string(),
            "Installing collected packages: numpy, pandas, matplotlib, gunicorn".to_string(),
        ],
    }
}

const MB: u64 = 1_000_000;

fn layer(instruction: &str, mb: u64) -> Layer {
    Layer {
        instruction: instruction.to_string(),
        size_bytes: mb * MB,
    }
}

/// The starter-like baseline serves as root; yours built with the venv copied and its
/// `bin` left off PATH, so gunicorn is not found.
fn failing_report() -> Report {
    let baseline = ImageReport {
        role: Role::Baseline,
        file: "starter/Dockerfile.single".into(),
        tag: "stagecraft-lab:baseline".into(),
        built: true,
        build_seconds: 140.2,
        size_bytes: Some(1253 * MB),
        estimate_bytes: Some(1240 * MB),
        layers: vec![
            layer("FROM python:3.11", 1000),
            layer("RUN pip install -r requirements.txt", 250),
            layer("COPY . .", 3),
        ],
        run: Some(RunReport {
            ok: false,
            outcome: RunOutcome::Answered,
            uid: Some(0),
            endpoints: Endpoints {
                status: Some(200),
                info: Some(200),
                plot: Some(200),
            },
            error: Some("it runs as root (uid 0)".into()),
            todo: Some(6),
            explanation: Some("It serves, but as root (uid 0). Create a user in the runtime stage and switch to it with USER before CMD.".into()),
            log_tail: vec![],
        }),
        notes: vec![],
        rebuild: None,
    };
    let yours = ImageReport {
        role: Role::Yours,
        file: "lab/Dockerfile".into(),
        tag: "stagecraft-lab:yours".into(),
        built: true,
        build_seconds: 95.0,
        size_bytes: Some(399 * MB),
        estimate_bytes: Some(396 * MB),
        layers: vec![
            layer("COPY --from=builder /opt/venv /opt/venv", 268),
            layer("FROM python:3.11-slim", 128),
            layer("RUN useradd --create-home app", 3),
        ],
        run: Some(RunReport {
            ok: false,
            outcome: RunOutcome::Exited,
            uid: None,
            endpoints: Endpoints::default(),
            error: Some(r#"exec: "gunicorn": executable file not found in $PATH"#.into()),
            todo: Some(5),
            explanation: Some("gunicorn is in /opt/venv/bin, which is not on PATH in the final stage: add ENV PATH=\"/opt/venv/bin:$PATH\" after the COPY.".into()),
            log_tail: vec![
                "docker: Error response from daemon: failed to create task for container".into(),
                r#"exec: "gunicorn": executable file not found in $PATH: unknown."#.into(),
            ],
        }),
        notes: vec!["built without its `# syntax=docker/dockerfile:1` line: that frontend image is not on this machine".into()],
        rebuild: Some(RebuildReport {
            changed: "app.py".into(),
            ok: true,
            seconds: 44.6,
            steps: vec![],
            cached_steps: 4,
            rerun_steps: 10,
            reinstalled: vec!["RUN pip install -r requirements.txt".into()],
            error: None,
        }),
    };
    // What check says of such a file: gunicorn not on PATH, and COPY . . before the install.
    let expected = [
        Expected {
            rule: "SC301".into(),
            todo: 3,
            consequence: Consequence::SlowerRebuilds,
            message: "COPY . . comes before the dependencies are installed".into(),
        },
        Expected {
            rule: "SC503".into(),
            todo: 5,
            consequence: Consequence::WontStart,
            message: "gunicorn is not on PATH in the final stage".into(),
        },
    ];
    Report::new(vec![baseline, yours], &expected)
}

/// Yours serves as uid 1000, its rebuild reuses the install, and check has nothing to say.
fn passing_report() -> Report {
    let mut images = failing_report().images;
    let yours = &mut images[1];
    yours.notes.clear();
    yours.run = Some(RunReport::served(1000));
    yours.rebuild = None;
    Report::new(images, &[])
}

#[test]
fn f10_compares_the_text_on_screen_and_the_editor_keeps_its_keys() {
    let mut l = lab(None);
    screen(&mut l.app, 100, 30);
    key(&mut l.app, KeyCode::F(10));
    assert!(l.app.compare_running());
    assert!(l.app.compare_pane().unwrap().shown());
    assert_eq!(
        l.app.key_contexts()[0],
        Context::CompareRunning,
        "Esc cancels the comparison"
    );
    // The comparison got the buffer, the pack's baseline and the lab folder as context.
    tick_until(&mut l.app, "the thread starts", |_| true);
    let deadline = Instant::now() + Duration::from_secs(5);
    while l.seen.lock().unwrap().options.is_none() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    let options = l.seen.lock().unwrap().options.clone().unwrap();
    assert_eq!(options.yours.text, l.app.text());
    assert_eq!(options.baseline.name, "starter/Dockerfile.single");
    assert!(options.baseline.text.contains("FROM python:3.11"));
    assert_eq!(options.context, l.folder);
    // Typing, Enter and arrows still edit while it runs.
    key(&mut l.app, KeyCode::Char('#'));
    key(&mut l.app, KeyCode::Enter);
    key(&mut l.app, KeyCode::Down);
    assert!(l.app.text().starts_with("#\n"), "{}", l.app.text());
    // F10 hides the progress (it keeps running) and shows it again.
    key(&mut l.app, KeyCode::F(10));
    assert!(!l.app.compare_pane().unwrap().shown() && l.app.compare_running());
    key(&mut l.app, KeyCode::F(10));
    assert!(l.app.compare_pane().unwrap().shown());
    // Progress events update the pane.
    l.app.compare_event(Event::Progress(progress(
        Role::Yours,
        Phase::Building,
        Some((4, 12)),
        "COPY --from=builder /opt/venv /opt/venv",
    )));
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("building, step 4/12"), "{s}");
    assert!(s.contains("COPY --from=builder /opt/venv"), "{s}");
    // Hidden, it is still said to be running, with its time.
    key(&mut l.app, KeyCode::F(10));
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("comparing 1:23 (F10)"), "{s}");
    assert!(!s.contains("Compare: running"), "{s}");
}

#[test]
fn esc_cancels_and_the_pane_says_what_was_removed() {
    let mut l = lab(None);
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Progress(progress(
        Role::Baseline,
        Phase::Building,
        Some((3, 9)),
        "RUN pip install -r requirements.txt",
    )));
    key(&mut l.app, KeyCode::Esc);
    assert!(l.app.compare_pane().unwrap().cancelling());
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("Cancelling"), "{s}");
    tick_until(&mut l.app, "the cancelled state", |a| !a.compare_running());
    assert!(
        l.seen.lock().unwrap().cancelled,
        "the thread was told to stop"
    );
    assert_eq!(state(&l.app), State::Cancelled);
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("containers and images it had made"), "{s}");
    assert_eq!(l.app.key_contexts()[0], Context::CompareShown);
    assert!(s.lines().last().unwrap().contains("F10 again"), "{s}");
    // Esc now closes the pane; nothing was measured.
    key(&mut l.app, KeyCode::Esc);
    assert!(!l.app.compare_pane().unwrap().shown());
    assert_eq!(l.app.progress().measured, None);
}

#[test]
fn quitting_during_a_comparison_cancels_it_and_waits_for_the_clean_up() {
    let mut l = lab(None);
    key(&mut l.app, KeyCode::F(10));
    l.app
        .handle_key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert!(l.app.should_quit());
    assert!(l.app.stop_compare(Duration::from_secs(10)));
    assert!(l.seen.lock().unwrap().cancelled);
    assert!(!l.app.compare_running());
}

#[test]
fn the_results_are_kept_in_the_progress_file_for_the_text_they_measured() {
    let venv = include_str!("../solutions/venv.Dockerfile");
    let mut l = lab(Some(""));
    l.app.paste(venv);
    l.app.refresh();
    assert!(l.app.summary_shown());
    let before = screen(&mut l.app, 120, 40);
    assert!(before.contains("image: estimated (F10"), "{before}");
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Done(Ok(passing_report())));
    assert!(!l.app.compare_running());
    let m = l.app.progress().measured.clone().unwrap();
    assert_eq!(m.sizes(), Some((1253 * MB, 399 * MB)));
    assert_eq!(m.text_hash, workspace::text_hash(&l.app.text()));
    assert!(l.app.text().contains(venv));
    assert!(l.app.measured_now().is_some());
    // Written to disk (the disk thread writes it; a save waits for it).
    l.app.save().unwrap();
    let (back, _) = l.app.workspace().unwrap().load_progress();
    assert_eq!(back.measured, Some(m));
    // The summary shows the measured figures once the pane is closed.
    key(&mut l.app, KeyCode::Esc);
    let s = screen(&mut l.app, 120, 40);
    assert!(
        s.contains("Final image: 399 MB, 854 MB (68%) smaller"),
        "{s}"
    );
    assert!(s.contains("baseline (1253 MB): measured by compare"), "{s}");
    let clock = ui::local_hh_mm(l.app.progress().measured.as_ref().unwrap().at);
    assert!(
        s.contains(&clock),
        "the time it was measured, {clock}:\n{s}"
    );
    // Another text: the measurement is of an earlier version, so back to estimates.
    l.app.paste("# changed\n");
    l.app.refresh();
    assert!(l.app.measured_now().is_none());
    let s = screen(&mut l.app, 120, 40);
    assert!(s.contains("image: estimated (F10"), "{s}");
}

#[test]
fn enter_and_a_click_on_an_explanation_open_its_todo() {
    let mut l = lab(None);
    screen(&mut l.app, 100, 30);
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Done(Ok(failing_report())));
    assert_eq!(l.app.key_contexts()[0], Context::CompareShown);
    // The editor keeps the keys until F10 gives them to the results.
    key(&mut l.app, KeyCode::Enter);
    assert!(l.app.text().starts_with('\n'));
    key(&mut l.app, KeyCode::F(10));
    assert_eq!(l.app.key_contexts()[0], Context::CompareFocus);
    // Letters type nothing while the results have the keyboard.
    let text = l.app.text();
    key(&mut l.app, KeyCode::Char('j'));
    assert_eq!(l.app.text(), text);
    // Yours' explanation (TODO 5) comes first; Tab goes on to the baseline's (TODO 6).
    key(&mut l.app, KeyCode::Tab);
    key(&mut l.app, KeyCode::Tab);
    let text_before = l.app.text();
    key(&mut l.app, KeyCode::Enter);
    assert_eq!(l.app.current().todo, 5);
    assert_eq!(l.app.text(), text_before, "Enter opened, not typed");
    assert!(!l.app.compare_pane().unwrap().shown());
    assert_eq!(l.app.key_contexts()[0], Context::Always);
    // Back on lesson 1, a new comparison (the text changed: Enter typed a line), and a
    // click on the baseline's TODO 6 opens that lesson.
    key(&mut l.app, KeyCode::F(3));
    key(&mut l.app, KeyCode::Char('1'));
    assert_eq!(l.app.current().todo, 1);
    key(&mut l.app, KeyCode::F(10));
    assert!(l.app.compare_running(), "the text changed: it runs anew");
    l.app.compare_event(Event::Done(Ok(failing_report())));
    key(&mut l.app, KeyCode::F(10));
    key(&mut l.app, KeyCode::End);
    let s = screen(&mut l.app, 100, 30);
    let rows: Vec<&str> = s.lines().collect();
    let row = rows
        .iter()
        .position(|r| r.contains("TODO 6 covers this"))
        .unwrap_or_else(|| panic!("the link is on screen:\n{s}"));
    let col = rows[row].find("TODO 6").unwrap();
    let col = rows[row][..col].chars().count() as u16 - 1;
    l.app.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: col,
        row: row as u16,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(l.app.current().todo, 6);
    assert!(!l.app.compare_pane().unwrap().shown());
}

#[test]
fn an_engine_that_does_not_answer_is_named_once() {
    let mut l = lab(None);
    key(&mut l.app, KeyCode::F(10));
    l.app
        .compare_event(Event::Done(Err(compare::Error::NoEngine(
            "no Docker engine answered: Cannot connect to the Docker daemon at \
         unix:///var/run/docker.sock. Is the docker daemon running?"
                .into(),
        ))));
    let s = screen(&mut l.app, 140, 40);
    assert!(s.contains("✗ No Docker engine answered: Cannot"), "{s}");
    assert!(!s.contains("engine: no Docker engine"), "{s}");
    assert!(s.contains("running?"), "{s}");
    assert!(!s.contains("running?."), "{s}");
}

#[test]
fn without_an_engine_the_pane_says_what_to_install() {
    let mut l = lab(None);
    key(&mut l.app, KeyCode::F(10));
    l.app
        .compare_event(Event::Done(Err(compare::Error::NoEngine(
            "the `docker` command is not installed".into(),
        ))));
    assert!(matches!(state(&l.app), State::NoEngine(_)));
    let s = screen(&mut l.app, 80, 24);
    for text in ["No Docker engine", "not installed", "Docker", "F10 again"] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    // No results to give the keyboard to: F10 runs it again, and the bar says so.
    assert!(!s.contains("F10 to results"), "{s}");
    assert!(s.lines().last().unwrap().contains("F10 again"), "{s}");
    insta::assert_snapshot!("no_engine_80x24", s);
}

#[test]
fn a_folder_without_the_app_is_refused_before_building() {
    let mut l = lab(None);
    std::fs::remove_file(l.folder.join("app.py")).unwrap();
    key(&mut l.app, KeyCode::F(10));
    assert!(!l.app.compare_running());
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("has no app.py"), "{s}");
    assert!(
        l.seen.lock().unwrap().options.is_none(),
        "nothing was started"
    );
}

fn running_at(width: u16, height: u16) -> String {
    let mut l = lab(None);
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Progress(progress(
        Role::Baseline,
        Phase::Building,
        Some((3, 9)),
        "RUN pip install --no-cache-dir -r requirements.txt && python -c 'import pandas, matplotlib, numpy'",
    )));
    screen(&mut l.app, width, height)
}

#[test]
fn progress_80x24() {
    let s = running_at(80, 24);
    for text in [
        "baseline",
        "building, step 3/9",
        "RUN pip install",
        "Elapsed 1:23",
        "Installing collected packages",
        "Esc cancel",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    insta::assert_snapshot!(s);
}

#[test]
fn progress_wide() {
    let s = running_at(140, 40);
    assert!(s.contains("Collecting flask"), "{s}");
    insta::assert_snapshot!(s);
}

fn results_at(width: u16, height: u16) -> (App, String) {
    let mut l = lab(None);
    screen(&mut l.app, width, height);
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Done(Ok(failing_report())));
    let s = screen(&mut l.app, width, height);
    (l.app, s)
}

#[test]
fn results_80x24_scroll_to_their_end() {
    let (mut app, s) = results_at(80, 24);
    for text in [
        "Yours builds, but exec",
        "baseline",
        "1253 MB",
        "399 MB",
        "Saved 854 MB (68.2%)",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    // Every row fits.
    for row in s.lines() {
        assert!(row.trim_matches('"').chars().count() <= 80, "{row}");
    }
    insta::assert_snapshot!("results_80x24_top", s);
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::End);
    let end = screen(&mut app, 80, 24);
    assert!(
        end.contains("Notes"),
        "the last section is reachable:\n{end}"
    );
    assert!(end.contains("FROM python:3.11"), "{end}");
    insta::assert_snapshot!("results_80x24_end", end);
}

#[test]
fn results_wide() {
    let (_, s) = results_at(140, 50);
    for text in [
        // check's predictions beside what the build and run showed.
        "What check predicted",
        "✓ TODO 5 · SC503 predicted it would not",
        "✓ TODO 3 · SC301 predicted slower",
        "✗ /status",
        "✓ /status",
        "user: root (uid 0)",
        "TODO 5: gunicorn",
        "TODO 6 covers this",
        "Rebuild after a change to app.py (yours)",
        "installs again on every change to",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    insta::assert_snapshot!(s);
}

#[test]
fn a_passing_result_shows_the_user_and_every_endpoint() {
    let mut l = lab(None);
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Done(Ok(passing_report())));
    let s = screen(&mut l.app, 140, 40);
    assert!(
        s.contains("✓ Yours builds and serves /status, /info,"),
        "{s}"
    );
    assert!(s.contains("✓ user: uid 1000"), "{s}");
    assert!(s.contains("✓ /status  ✓ /info  ✓ /plot"), "{s}");
}

/// Waits for the scripted comparison to be handed its options.
fn options_seen(l: &Lab) -> Options {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(o) = l.seen.lock().unwrap().options.take() {
            return o;
        }
        assert!(Instant::now() < deadline, "the comparison never started");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn f10_hands_over_checks_predictions_and_r_asks_for_the_rebuild() {
    let mut l = lab(None);
    screen(&mut l.app, 100, 30);
    key(&mut l.app, KeyCode::F(10));
    let first = options_seen(&l);
    // The starter fails every TODO: check's failing rules go along, to be set beside
    // what the build and run show.
    assert!(!first.rebuild, "F10 alone does not rebuild");
    assert!(
        first.keep_baseline && !first.keep,
        "the baseline's image stays as the next comparison's cache; yours goes"
    );
    let rules: Vec<&str> = first.expected.iter().map(|e| e.rule.as_str()).collect();
    assert!(rules.contains(&"SC601"), "{rules:?}");
    assert!(
        first
            .expected
            .iter()
            .any(|e| e.consequence == Consequence::RunsAsRoot),
        "{rules:?}"
    );
    l.app.compare_event(Event::Done(Ok(failing_report())));
    // With the results focused, `r` runs it again and asks for the rebuild test.
    key(&mut l.app, KeyCode::F(10));
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("r rebuild test"), "the key bar offers it:\n{s}");
    key(&mut l.app, KeyCode::Char('r'));
    assert!(l.app.compare_running());
    let second = options_seen(&l);
    assert!(second.rebuild);
    key(&mut l.app, KeyCode::Esc);
}

#[test]
fn results_of_an_earlier_text_say_so() {
    let mut l = lab(None);
    screen(&mut l.app, 100, 30);
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Done(Ok(failing_report())));
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("Compare: results"), "{s}");
    assert!(!l.app.compare_outdated());
    // The learner edits with the results beside the editor: they are of the old text.
    key(&mut l.app, KeyCode::Char('#'));
    assert!(l.app.compare_outdated());
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("Compare: earlier results"), "{s}");
    // F10 gives them the keyboard (a build takes minutes: not by accident), saying so.
    key(&mut l.app, KeyCode::F(10));
    assert!(!l.app.compare_running());
    assert_eq!(l.app.key_contexts()[0], Context::CompareFocus);
    let s = screen(&mut l.app, 80, 24);
    assert!(
        s.contains("Results of an earlier text; F10 again builds it as it is now."),
        "the whole notice fits at 80 columns:\n{s}"
    );
    // F10 again builds the text on screen.
    key(&mut l.app, KeyCode::F(10));
    assert!(l.app.compare_running());
    let deadline = Instant::now() + Duration::from_secs(5);
    while l.seen.lock().unwrap().options.is_none() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    let options = l.seen.lock().unwrap().options.clone().unwrap();
    assert!(options.yours.text.starts_with('#'), "the new text is built");
    assert!(l.app.stop_compare(Duration::from_secs(10)));
}

#[test]
fn undoing_the_edit_makes_the_results_current_again() {
    let mut l = lab(None);
    screen(&mut l.app, 100, 30);
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Done(Ok(failing_report())));
    key(&mut l.app, KeyCode::Char('#'));
    assert!(l.app.compare_outdated());
    key(&mut l.app, KeyCode::Backspace);
    assert!(!l.app.compare_outdated());
    let s = screen(&mut l.app, 100, 30);
    assert!(s.contains("Compare: results"), "{s}");
}

#[test]
fn the_build_log_shows_no_colour_codes_nor_download_bars() {
    let mut l = lab(None);
    key(&mut l.app, KeyCode::F(10));
    let mut p = progress(
        Role::Baseline,
        Phase::Building,
        Some((5, 9)),
        "RUN pip install -r requirements.txt",
    );
    // As the engine sends them: pip's stderr wrapped in colour codes.
    p.log_tail = [
        "Collecting pandas",
        "     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 12.3/12.3 MB 5.1 MB/s eta 0:00:00",
        "\u{1b}[91mWARNING: Running pip as the 'root' user",
        "\u{1b}[0m\u{1b}[91m",
        "\u{1b}[0mStep 6/9 : COPY app.py .",
    ]
    .map(String::from)
    .to_vec();
    l.app.compare_event(Event::Progress(p));
    let s = screen(&mut l.app, 100, 30);
    assert!(!s.contains('\u{fffd}'), "{s}");
    assert!(!s.contains('━'), "{s}");
    for text in [
        "Collecting pandas",
        "WARNING: Running pip",
        "Step 6/9 : COPY app.py .",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    // And the log of a failed run, in the results.
    let mut report = failing_report();
    report.images[1].run.as_mut().unwrap().log_tail =
        vec!["\u{1b}[33mPress CTRL+C to quit\u{1b}[0m".into()];
    l.app.compare_event(Event::Done(Ok(report)));
    key(&mut l.app, KeyCode::F(10));
    let doc = (0..6).fold(String::new(), |mut all, _| {
        all.push_str(&screen(&mut l.app, 100, 30));
        key(&mut l.app, KeyCode::PageDown);
        all
    });
    assert!(doc.contains("  Press CTRL+C to quit"), "{doc}");
    assert!(!doc.contains('\u{fffd}'), "{doc}");
}

#[test]
fn the_baseline_names_its_todo_without_telling_the_learner_to_change_it() {
    let mut report = passing_report();
    // A root-only failure: every endpoint answered, the log is the server starting.
    report.images[0].run.as_mut().unwrap().log_tail = vec![
        "[2026-11-26 19:38:33 +0000] [1] [INFO] Starting gunicorn 23.0.0".into(),
        "[2026-11-26 19:38:33 +0000] [8] [INFO] Booting worker with pid: 8".into(),
    ];
    let mut l = lab(None);
    key(&mut l.app, KeyCode::F(10));
    l.app.compare_event(Event::Done(Ok(report)));
    let s = screen(&mut l.app, 140, 40);
    assert!(s.contains("✓ Yours builds and serves"), "{s}");
    assert!(s.contains("✗ it runs as root (uid 0)"), "{s}");
    assert!(s.contains("→ TODO 6 covers this"), "{s}");
    assert!(
        !s.contains("Create a user"),
        "not an instruction for the baseline:\n{s}"
    );
    assert!(!s.contains("Booting worker"), "{s}");
    // Still a link: Tab-free, the first one; Enter opens lesson 6.
    key(&mut l.app, KeyCode::F(10));
    key(&mut l.app, KeyCode::Enter);
    assert_eq!(l.app.current().todo, 6);
}
