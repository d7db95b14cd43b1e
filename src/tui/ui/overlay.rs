//! Boxes over the panes: help, the lesson list, questions, and the end summary (a banner
//! beside the editor that leaves it the keyboard). Each fits the window it is drawn in.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{Theme, help, wrap};
use crate::report::diagram;
use crate::tui::app::{App, Overlay};
use crate::tui::layout::centered;

/// Cuts `text` to `width` columns with an ellipsis.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// A box of wrapped paragraphs, as wide as `max_width` allows in `area`.
fn dialog(buf: &mut Buffer, area: Rect, title: &str, body: &str, max_width: u16, theme: &Theme) {
    let width = max_width.min(area.width);
    let lines: Vec<Line> = wrap(body, width.saturating_sub(2) as usize)
        .into_iter()
        .map(Line::raw)
        .collect();
    let r = centered(area, width, lines.len() as u16 + 2);
    Clear.render(r, buf);
    Paragraph::new(Text::from(lines))
        .block(theme.block(title.to_string()))
        .render(r, buf);
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let buf = frame.buffer_mut();
    let file = app.file_name();
    match app.overlay() {
        Overlay::None => {}
        Overlay::Help { .. } => help::draw(buf, area, app, theme),
        Overlay::Lessons { selected } => {
            let width = 70.min(area.width);
            let inner_w = width.saturating_sub(2) as usize;
            let lines: Vec<Line> = app
                .pack()
                .lessons
                .iter()
                .zip(&app.analysis().todos)
                .enumerate()
                .map(|(i, (l, v))| {
                    let m = if v.passed { theme.ok() } else { theme.bad() };
                    let hints = app.progress().hints_used(l.todo);
                    let hint_note = match hints {
                        0 => String::new(),
                        1 => "  (1 hint)".into(),
                        n => format!("  ({n} hints)"),
                    };
                    let pointer = if i == selected { ">" } else { " " };
                    // One row per lesson, cut to fit, so every lesson is always listed.
                    let text = fit(
                        &format!("{pointer} {m} TODO {}  {}{hint_note}", l.todo, l.title),
                        inner_w,
                    );
                    let style = if i == selected {
                        Style::default().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default()
                    };
                    Line::styled(text, style)
                })
                .collect();
            let r = centered(area, width, lines.len() as u16 + 2);
            Clear.render(r, buf);
            Paragraph::new(Text::from(lines))
                .block(theme.block(" Lessons "))
                .render(r, buf);
        }
        Overlay::ConfirmReset => dialog(
            buf,
            area,
            " Reset? ",
            "Put the starter Dockerfile back?\n\nCtrl-Z brings your text back, and it is also kept as a .bak file beside it.\n\ny: reset   n or Esc: cancel",
            62,
            theme,
        ),
        Overlay::ConfirmSolution => dialog(
            buf,
            area,
            " Show the solution? ",
            "You have seen every hint. Show the solution snippet?\nTry once more first: typing it yourself is how it sticks.\n\ny: show   n or Esc: not yet",
            64,
            theme,
        ),
        Overlay::Conflict => dialog(
            buf,
            area,
            " Changed on disk ",
            &format!(
                "{file} was changed by another program while you had unsaved edits here. Both versions are kept:\n\nd: load the disk version (yours is kept as {file}.mine)\nk: keep yours (the disk version is kept as {file}.disk)\nEsc: decide later (nothing is saved until then)"
            ),
            72,
            theme,
        ),
        Overlay::QuitUnsaved => dialog(
            buf,
            area,
            " Not saved ",
            &format!(
                "Your latest text is not saved: {}\n\nr: keep it in a rescue copy ({file}.rescue) and quit\nq: quit without saving it\nEsc: stay (saving keeps retrying)",
                app.save_problem().unwrap_or("it could not be written")
            ),
            72,
            theme,
        ),
    }
}

/// The end summary, drawn over the side panes; the editor keeps the keyboard.
pub fn draw_summary(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let width = area.width.saturating_sub(2) as usize;
    let secs = app.seconds_spent();
    let hints: usize = app
        .pack()
        .lessons
        .iter()
        .map(|l| app.progress().todo(l.todo).hints.min(l.hints.len()))
        .sum();
    let cmp = crate::report::sizes::compare(&app.analysis().facts, &app.pack().params);
    let file = app.file_name();
    let mut lines: Vec<Line> = Vec::new();
    let para = |lines: &mut Vec<Line>, text: &str, style: Style| {
        for l in wrap(text, width) {
            lines.push(Line::styled(l, style));
        }
    };
    para(
        &mut lines,
        &format!(
            "Time: {} min {} s · hints used: {hints}",
            secs / 60,
            secs % 60
        ),
        Style::default(),
    );
    let sizes = match app.measured_now().and_then(|m| Some((m, m.sizes()?))) {
        Some((m, (baseline, yours))) => {
            let saved = baseline as i64 - yours as i64;
            let percent = if baseline > 0 {
                saved as f64 * 100.0 / baseline as f64
            } else {
                0.0
            };
            let change = if saved >= 0 {
                format!("{:.0} MB ({percent:.0}%) smaller", saved as f64 / 1e6)
            } else {
                format!("{:.0} MB ({:.0}%) bigger", -saved as f64 / 1e6, -percent)
            };
            format!(
                "Final image: {:.0} MB, {change} than the single-stage baseline ({:.0} MB): measured by compare at {}.",
                yours as f64 / 1e6,
                baseline as f64 / 1e6,
                super::local_hh_mm(m.at)
            )
        }
        None => format!(
            "Final image: ~{} MB, ~{} MB ({}%) smaller than the single-stage python:{} image: estimated (F10 measures it).",
            cmp.this_file,
            cmp.savings.max(0),
            cmp.savings_percent.max(0),
            cmp.python
        ),
    };
    para(&mut lines, &sizes, theme.fg(Color::Green));
    lines.push(Line::raw(""));
    let mut next: Vec<Line> = Vec::new();
    para(
        &mut next,
        "What next:",
        Style::default().add_modifier(Modifier::BOLD),
    );
    para(
        &mut next,
        &format!("stagecraft analyze {file}"),
        Style::default(),
    );
    para(
        &mut next,
        "docker build -t flask-demo:multistage .  (in that folder)",
        Style::default(),
    );
    para(&mut next, "docker images flask-demo", Style::default());
    para(
        &mut next,
        "Keep editing: the checklist is behind this box. Esc closes it.",
        Style::default().add_modifier(Modifier::DIM),
    );
    // The stage picture when there is room for it too.
    let picture = diagram::render(app.diagram(), width, app.ascii());
    if lines.len() + picture.len() + 1 + next.len() + 2 <= area.height as usize {
        lines.extend(picture.into_iter().map(|l| Line::raw(l.text)));
        lines.push(Line::raw(""));
    }
    lines.extend(next);
    let title = if theme.ascii {
        " All TODOs pass - Esc closes "
    } else {
        " ✓ All TODOs pass · Esc closes "
    };
    Clear.render(area, buf);
    Paragraph::new(Text::from(lines))
        .block(
            theme
                .block(title)
                .border_style(theme.fg(Color::Green).add_modifier(Modifier::BOLD)),
        )
        .render(area, buf);
}
