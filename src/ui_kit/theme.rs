//! How the terminal views draw: colour or not, box-drawing glyphs or ASCII.

use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders};

/// What the terminal allows: set once from `NO_COLOR` and `--ascii`.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Theme {
    pub fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    pub fn ok(&self) -> &'static str {
        if self.ascii { "[x]" } else { "✓" }
    }
    pub fn bad(&self) -> &'static str {
        if self.ascii { "[ ]" } else { "✗" }
    }
    /// Separates the parts of the status line.
    pub fn sep(&self) -> &'static str {
        if self.ascii { " | " } else { " · " }
    }
    pub fn more_below(&self) -> &'static str {
        if self.ascii { "v more" } else { "↓ more" }
    }
    pub fn block<'a>(&self, title: impl Into<Line<'a>>) -> Block<'a> {
        let b = Block::default().borders(Borders::ALL).title(title);
        if self.ascii {
            b.border_set(ratatui::symbols::border::Set {
                top_left: "+",
                top_right: "+",
                bottom_left: "+",
                bottom_right: "+",
                vertical_left: "|",
                vertical_right: "|",
                horizontal_top: "-",
                horizontal_bottom: "-",
            })
        } else {
            b.border_type(BorderType::Rounded)
        }
    }
}

/// A Unix time as the local clock shows it, `HH:MM`.
pub fn local_hh_mm(unix: u64) -> String {
    let t = unix as libc::time_t;
    // SAFETY: `localtime_r` writes only into the `tm` given; both pointers are valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = !unsafe { libc::localtime_r(&t, &mut tm) }.is_null();
    if ok {
        format!("{:02}:{:02}", tm.tm_hour, tm.tm_min)
    } else {
        format!("{:02}:{:02}", unix / 3600 % 24, unix / 60 % 60)
    }
}
