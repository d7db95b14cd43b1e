//! The status line (progress, saved or not, the one message that is true now) and the key
//! bar, generated from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::Theme;
use crate::tui::app::{App, SidePane, Tone};
use crate::tui::keys::{self, Action};

pub fn draw(buf: &mut Buffer, top: Rect, keys_row: Rect, app: &App, theme: &Theme, wide: bool) {
    let passed = app.analysis().passed();
    let total = app.analysis().todos.len();
    let sep = theme.sep();
    let saved = if app.save_problem().is_some() {
        "NOT SAVED"
    } else if app.slow_write().is_some() {
        "saving"
    } else if app.is_dirty() {
        "unsaved"
    } else {
        "saved"
    };
    let message: Option<(String, Style)> = if let Some(q) = app.find_query() {
        Some((
            format!("Find: {q}_"),
            Style::default().add_modifier(Modifier::BOLD),
        ))
    } else if let Some(p) = app.save_problem() {
        Some((
            format!("Not saved: {p}"),
            theme.fg(Color::Red).add_modifier(Modifier::BOLD),
        ))
    } else if let Some(d) = app.slow_write() {
        Some((
            format!(
                "Saving in the background: the folder is slow ({} s); keep typing, nothing is lost.",
                d.as_secs()
            ),
            theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ))
    } else {
        app.notice().map(|n| {
            let color = match n.tone {
                Tone::Info => Color::Yellow,
                Tone::Good => Color::Green,
                Tone::Warn => Color::Yellow,
                Tone::Bad => Color::Red,
            };
            (n.text.clone(), theme.fg(color).add_modifier(Modifier::BOLD))
        })
    };
    let mut spans = Vec::new();
    if message.is_none() || top.width >= 120 {
        let bar_width = 14usize;
        let filled = passed * bar_width / total.max(1);
        let (full, empty) = if theme.ascii {
            ("#", "-")
        } else {
            ("█", "░")
        };
        spans.push(Span::styled(
            format!(
                "{}{}",
                full.repeat(filled),
                empty.repeat(bar_width - filled)
            ),
            theme.fg(Color::Green),
        ));
        spans.push(Span::raw(format!(
            " {passed}/{total} TODOs{sep}lesson {}/{}{sep}{saved}",
            app.lesson_index() + 1,
            app.pack().lessons.len()
        )));
    } else {
        // A message needs the room: the short form of the progress.
        spans.push(Span::raw(format!("{passed}/{total}{sep}{saved}")));
    }
    if let Some(p) = app.compare_pane().filter(|p| p.running() && !p.shown()) {
        // The comparison goes on with its pane hidden: say so, and for how long.
        let secs = p.elapsed().as_secs();
        spans.push(Span::styled(
            format!("{sep}comparing {}:{:02} (F10)", secs / 60, secs % 60),
            theme.fg(Color::Cyan),
        ));
    }
    if let Some((text, style)) = message {
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        let room = (top.width as usize).saturating_sub(used + sep.chars().count());
        let mut text = text;
        if text.chars().count() > room {
            text = text
                .chars()
                .take(room.saturating_sub(1))
                .collect::<String>()
                + "…";
        }
        spans.push(Span::raw(sep));
        spans.push(Span::styled(text, style));
    }
    Paragraph::new(Line::from(spans)).render(top, buf);

    let side_label = match app.side() {
        SidePane::Lesson => "diagram",
        SidePane::Diagram => "lesson",
    };
    let again = app
        .compare_pane()
        .is_some_and(|p| p.shown() && !p.focused() && !p.running() && p.report().is_none());
    // The mode's own keys first, the ever-present ones (save, quit) last.
    let mut contexts = app.key_contexts();
    contexts.sort_by_key(|c| *c == keys::Context::Always);
    let text = keys::bar_text(
        &contexts,
        keys_row.width as usize,
        theme.ascii,
        |action, label| match action {
            Action::ToggleSide if wide => None,
            Action::ToggleSide => Some(side_label.to_string()),
            // No results to go to (no engine, cancelled, not started): F10 runs it.
            Action::Compare if again => Some("F10 again".to_string()),
            _ => Some(label.to_string()),
        },
    );
    Paragraph::new(Line::styled(
        text,
        Style::default().add_modifier(Modifier::REVERSED),
    ))
    .render(keys_row, buf);
}
