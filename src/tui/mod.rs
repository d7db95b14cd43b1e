//! The tutorial: terminal set-up and the event loop. State lives in [`app`], drawing in
//! [`ui`], files in [`crate::workspace`], keys in [`keys`].

pub mod app;
pub mod disk;
pub mod editor;
pub mod highlight;
pub mod input;
pub mod keys;
pub mod layout;
pub mod measure;
pub mod rescue;
pub mod ui;

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use base64::Engine;
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::pack::Pack;
use crate::workspace::{self, Workspace};
use app::App;

fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Where the tutorial works: the lab copy in the data folder, a file of the learner's
/// own, or a student's folder in a shared data folder.
pub enum Place<'a> {
    Lab,
    File(&'a Path),
    /// `--student NAME`: `DIR/students/<name>/`.
    Student(&'a str),
}

/// Opens the tutorial on `place`.
pub fn run(pack: Pack, place: Place, ascii: bool) -> anyhow::Result<()> {
    let mut notes: Vec<String> = Vec::new();
    let mut claim = None;
    let workspace = match place {
        Place::Lab => Workspace::open(None, &pack)?,
        Place::File(f) => Workspace::open(Some(f), &pack)?,
        Place::Student(name) => {
            let safe = crate::workspace::student::sanitize_student(name)?;
            if !safe.changes.is_empty() {
                notes.push(format!(
                    "Your folder is named {:?}: {}.",
                    safe.folder,
                    safe.changes.join(", ")
                ));
            }
            let folder = workspace::data_dir()?
                .join(crate::workspace::student::STUDENTS)
                .join(&safe.folder);
            let (c, note) = crate::workspace::claim::Claim::take(&folder, name)?;
            notes.extend(note.map(|n| format!("{}: {n}.", folder.display())));
            c.keep_alive();
            claim = Some(c);
            match Workspace::for_student(&folder, &pack) {
                Ok(ws) => ws,
                Err(e) => {
                    if let Some(c) = &claim {
                        c.release();
                    }
                    return Err(e.into());
                }
            }
        }
    };
    let result = run_in(pack, workspace, claim.clone(), notes, ascii);
    if let Some(c) = claim {
        c.release();
    }
    result
}

fn run_in(
    pack: Pack,
    workspace: Workspace,
    claim: Option<Arc<crate::workspace::claim::Claim>>,
    notes: Vec<String>,
    ascii: bool,
) -> anyhow::Result<()> {
    // The same gate as the command line's: a regular file, at most 1 MiB.
    let bytes = read_dockerfile(&workspace.dockerfile)
        .with_context(|| workspace.dockerfile.display().to_string())?;
    let (text, warning) = crate::syntax::decode(&bytes);
    let (progress, progress_note) = workspace.load_progress();
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let slot: rescue::Slot = Arc::new(Mutex::new(rescue::Unsaved {
        dockerfile: workspace.dockerfile.clone(),
        data_dir: workspace.progress_file.parent().map(Path::to_path_buf),
        text: None,
    }));
    let mut notes = notes;
    notes.extend(progress_note);
    notes.extend(warning.map(|w| {
        format!(
            "line {}: {} (saving will write it back as UTF-8)",
            w.line, w.message
        )
    }));
    let mut app = App::new(pack, &text, progress, Some(workspace), ascii, color);
    app.set_io_wait(app::FRAME_IO_WAIT);
    if let Some(c) = claim {
        app.guard_writes(c);
    }
    if !notes.is_empty() {
        app.announce(notes.join(" "));
    }

    // SIGTERM and SIGHUP save the file first; the loop sees the flag within one poll.
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .context("cannot listen for SIGTERM and SIGHUP")?;
    }
    rescue::install_hook(Arc::clone(&slot), restore_terminal);

    enable_raw_mode().context("cannot use this terminal")?;
    let result = (|| -> io::Result<()> {
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        let size = terminal.size()?;
        app.resize(size.width, size.height);
        event_loop(&mut terminal, &mut app, &stop, &slot)
    })();
    let saved = if app.should_quit() {
        Ok(())
    } else {
        app.save()
    };
    restore_terminal();
    if app.compare_running() {
        eprintln!("stagecraft: stopping the comparison and removing what it started…");
        if !app.stop_compare(measure::STOP_WAIT) {
            eprintln!(
                "stagecraft: it did not finish within {} s; `docker ps -a --filter label={}` lists what is left",
                measure::STOP_WAIT.as_secs(),
                crate::compare::LABEL
            );
        }
    }
    if let Some(note) = app.farewell() {
        eprintln!("stagecraft: {note}");
    }
    result.context("the terminal failed")?;
    if let Err(e) = saved {
        // Closing the window or a signal: the text goes to a rescue copy rather than away.
        return Err(match app.rescue() {
            Some(Ok(p)) => anyhow::anyhow!("{e}; your text is in {}", p.display()),
            Some(Err(r)) => anyhow::anyhow!("{e}; and no rescue copy either: {r}"),
            None => e.into(),
        });
    }
    Ok(())
}

/// Whether the terminal has gone (window closed, ssh dropped, tmux killed): standard input
/// reports a hang-up. The file is then saved and the program exits instead of lingering.
fn terminal_hung_up() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout; poll only writes `revents`.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// Hands copied text to the terminal's clipboard (OSC 52); terminals that do not know it
/// ignore it.
fn send_clipboard(text: &str) {
    if text.len() > 100_000 {
        return;
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = io::stdout();
    let _ = write!(out, "\x1b]52;c;{b64}\x07");
    let _ = out.flush();
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    app: &mut App,
    stop: &AtomicBool,
    slot: &rescue::Slot,
) -> io::Result<()> {
    let mut keys = input::EscapeTail::default();
    let mut redraw = true;
    while !app.should_quit() && !stop.load(Ordering::Relaxed) && !terminal_hung_up() {
        if redraw {
            terminal.draw(|f| ui::draw(f, app))?;
        }
        let mut wait = match app.last_edit() {
            Some(t) => app::AUTOSAVE_AFTER
                .saturating_sub(t.elapsed())
                .max(Duration::from_millis(10)),
            None => app::WATCH_EVERY,
        };
        if keys.holding() {
            wait = wait.min(input::TAIL_WINDOW);
        }
        if app.compare_running() {
            // Its progress and clock are taken up a few times a second.
            wait = wait.min(Duration::from_millis(200));
        }
        if app.awaiting_disk() {
            // The disk thread's answer is taken up (and a slow write counted) soon.
            wait = wait.min(Duration::from_millis(50));
        }
        redraw = false;
        if event::poll(wait)? {
            // Drain what is queued (a paste, fast typing) before acting on it, so that the
            // escape-tail filter sees one terminal write at the times it arrived.
            let mut queued = Vec::new();
            loop {
                let now = Instant::now();
                match event::read()? {
                    Event::Key(k) => queued.extend(keys.feed(k, now).into_iter().map(Event::Key)),
                    other => queued.push(other),
                }
                if queued.len() > 4096 || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
            for e in queued {
                match e {
                    Event::Key(k) => app.apply_key(k),
                    Event::Mouse(m) => app.handle_mouse(m),
                    Event::Paste(s) => app.paste(&s),
                    Event::Resize(w, h) => app.resize(w, h),
                    Event::FocusGained | Event::FocusLost => {}
                }
                redraw = true;
                if app.should_quit() {
                    break;
                }
            }
        }
        for k in keys.flush(Instant::now()) {
            app.apply_key(k);
            redraw = true;
        }
        if redraw {
            // The rescue copy's text, before grading (a panic there keeps this burst).
            if let Ok(mut s) = slot.lock() {
                s.text = app.is_dirty().then(|| app.text());
            }
            app.refresh();
            if let Some(t) = app.take_clipboard() {
                send_clipboard(&t);
            }
        }
        redraw |= app.tick(Instant::now());
        if let Ok(mut s) = slot.lock()
            && !app.is_dirty()
        {
            s.text = None;
        }
    }
    Ok(())
}

/// Reads the Dockerfile the tutorial works on: a regular file of at most 1 MiB, so a link to
/// a device or a FIFO never blocks or fills memory.
pub fn read_dockerfile(path: &Path) -> Result<Vec<u8>, crate::pack::files::FileError> {
    crate::pack::files::read_regular(path, crate::pack::files::MAX_FILE_BYTES)
}
