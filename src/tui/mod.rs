//! The tutorial: terminal set-up and the event loop. State lives in [`app`], drawing in
//! [`ui`], files in [`storage`].

pub mod app;
pub mod highlight;
pub mod storage;
pub mod ui;

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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
use app::App;
use storage::Workspace;

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

/// Opens the tutorial on `file` (or the lab copy in the data folder).
pub fn run(pack: Pack, file: Option<&Path>, ascii: bool) -> Result<(), String> {
    let workspace = Workspace::open(file, &pack)?;
    let bytes = std::fs::read(&workspace.dockerfile)
        .map_err(|e| format!("{}: cannot read: {e}", workspace.dockerfile.display()))?;
    let (text, warning) = crate::syntax::decode(&bytes);
    let (progress, progress_note) = workspace.load_progress();
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut app = App::new(pack, &text, progress, Some(workspace), ascii, color);
    app.message = progress_note.or(warning.map(|w| {
        format!(
            "line {}: {} (saving will write it back as UTF-8)",
            w.line, w.message
        )
    }));

    // SIGTERM and SIGHUP save the file first; the loop sees the flag within one poll.
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop)).map_err(|e| e.to_string())?;
    }
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        default_hook(info);
    }));

    enable_raw_mode().map_err(|e| format!("cannot use this terminal: {e}"))?;
    let result = (|| -> io::Result<()> {
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        event_loop(&mut terminal, &mut app, &stop)
    })();
    let saved = app.save();
    restore_terminal();
    result.map_err(|e| e.to_string())?;
    saved
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

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    app: &mut App,
    stop: &AtomicBool,
) -> io::Result<()> {
    let mut map = app::ScreenMap::default();
    let mut redraw = true;
    while !app.quit && !stop.load(Ordering::Relaxed) && !terminal_hung_up() {
        if redraw {
            terminal.draw(|f| map = ui::draw(f, app))?;
        }
        let wait = match app.last_edit {
            Some(t) if app.dirty => app::AUTOSAVE_AFTER
                .saturating_sub(t.elapsed())
                .max(Duration::from_millis(10)),
            _ => Duration::from_millis(250),
        };
        redraw = false;
        if event::poll(wait)? {
            // Drain what is queued (a paste, fast typing) before drawing again.
            loop {
                match event::read()? {
                    Event::Key(k) => app.apply_key(k),
                    Event::Mouse(m) => app.handle_mouse(m, &map),
                    Event::Paste(s) => app.paste(&s),
                    Event::Resize(..) | Event::FocusGained | Event::FocusLost => {}
                }
                redraw = true;
                if app.quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
            app.refresh();
        }
        let was_dirty = app.dirty;
        app.tick(Instant::now());
        redraw |= was_dirty != app.dirty;
    }
    Ok(())
}
