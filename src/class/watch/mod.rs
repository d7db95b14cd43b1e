//! `stagecraft class watch DIR`: the instructor's live view of a class in a shared folder.
//! State in [`app`], drawing in [`ui`], keys in [`keys`]; this file is the terminal and the
//! event loop, which polls the folder every few seconds.

pub mod app;
pub mod keys;
pub mod ui;

use std::io;

use anyhow::Context;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::pack::Pack;
use crate::workspace::unix_now;
pub use app::Watch;

fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Runs the view until the instructor quits (or the terminal goes, or SIGTERM/SIGHUP).
pub fn run(
    dir: &Path,
    pack: Pack,
    stuck_after: Duration,
    poll_every: Duration,
    ascii: bool,
) -> anyhow::Result<()> {
    if !dir.is_dir() {
        anyhow::bail!("{}: not a folder", dir.display());
    }
    let mut watch = Watch::new(dir, pack, stuck_after, poll_every);
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    watch.set_style(ascii, color);
    watch.refresh(unix_now());

    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .context("cannot listen for SIGTERM and SIGHUP")?;
    }
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        default_hook(info);
    }));

    enable_raw_mode().context("cannot use this terminal")?;
    let result = (|| -> io::Result<()> {
        execute!(io::stdout(), EnterAlternateScreen)?;
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        let size = terminal.size()?;
        watch.resize(size.width, size.height);
        let mut redraw = true;
        let mut last_second = Instant::now();
        while !watch.should_quit() && !stop.load(Ordering::Relaxed) {
            if redraw {
                terminal.draw(|f| ui::draw(f, &watch))?;
                redraw = false;
            }
            let wait = watch
                .next_poll()
                .saturating_duration_since(Instant::now())
                .clamp(Duration::from_millis(10), Duration::from_secs(1));
            if event::poll(wait)? {
                match event::read()? {
                    Event::Key(k) => watch.handle_key(k),
                    Event::Resize(w, h) => watch.resize(w, h),
                    _ => {}
                }
                redraw = true;
            }
            redraw |= watch.tick(Instant::now());
            // The "read N s ago" counter.
            if last_second.elapsed() >= Duration::from_secs(1) {
                last_second = Instant::now();
                redraw = true;
            }
        }
        Ok(())
    })();
    restore_terminal();
    result.context("the terminal failed")
}
