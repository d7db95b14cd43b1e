//! Widgets: they draw the app's state from `&App` and change nothing. Where things go is
//! decided by [`super::layout`], shared with the app's mouse handling.

pub mod compare;
pub mod editor;
pub mod help;
pub mod lesson;
pub mod overlay;
pub mod status;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::app::App;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
pub use crate::ui_kit::{Theme, local_hh_mm};

/// Wraps `text` to `width` columns, keeping its line breaks (one pass, long words broken).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    text.split('\n')
        .flat_map(|para| crate::report::diagram::wrap(para, width))
        .collect()
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = app.theme();
    let panes = layout::panes(area, app.side());
    if panes.too_small {
        let text = format!(
            "stagecraft needs a window of at least {MIN_WIDTH}×{MIN_HEIGHT}.\nThis one is {}×{}.\n\nMake the window larger.\nYour work is saved; Ctrl-Q quits.",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let buf = frame.buffer_mut();
    editor::draw(buf, panes.editor, app, &theme);
    if let Some(l) = panes.lesson {
        lesson::draw(buf, l, app, &theme);
    }
    if let Some(d) = panes.diagram {
        draw_diagram(buf, d, app, &theme);
    }
    if app.summary_shown() {
        // Over the side panes, beside the editor, which keeps the keyboard.
        let side: Vec<Rect> = [panes.lesson, panes.diagram]
            .into_iter()
            .flatten()
            .collect();
        if let Some(r) = side.into_iter().reduce(|a, b| a.union(b)) {
            overlay::draw_summary(buf, r, app, &theme);
        }
    }
    if app.compare_pane().is_some_and(|p| p.shown())
        && let Some(r) = layout::compare_pane(&panes)
    {
        // Over the side pane (and the summary); the editor keeps its place.
        compare::draw(buf, r, app, &theme);
    }
    status::draw(buf, panes.status, panes.keys, app, &theme, panes.wide);
    overlay::draw(frame, panes.main, app, &theme);
}

fn draw_diagram(buf: &mut ratatui::buffer::Buffer, area: Rect, app: &App, theme: &Theme) {
    use crate::report::diagram::{self, LineKind};
    use ratatui::style::Modifier;
    use ratatui::text::Text;
    let block = theme.block(" Stages ");
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    let lines: Vec<Line> = diagram::render(app.diagram(), inner.width as usize, app.ascii())
        .into_iter()
        .map(|l| {
            let style = match l.kind {
                LineKind::Arrow => theme.fg(Color::Cyan),
                LineKind::Box(i) => {
                    let b = &app.diagram().boxes[i];
                    if !b.needed {
                        Style::default().add_modifier(Modifier::DIM)
                    } else if b.is_final {
                        theme.fg(Color::Green).add_modifier(Modifier::BOLD)
                    } else {
                        Style::default()
                    }
                }
            };
            Line::styled(l.text, style)
        })
        .collect();
    ratatui::widgets::Widget::render(Paragraph::new(Text::from(lines)), inner, buf);
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrapping_keeps_every_character_and_fits() {
        let word = "a".repeat(1000);
        let lines = super::wrap(&format!("FROM {word} AS b"), 40);
        assert!(lines.iter().all(|l| l.chars().count() <= 40));
        assert_eq!(lines.concat().matches('a').count(), 1000);
        assert_eq!(super::wrap("one\n\ntwo", 10), ["one", "", "two"]);
    }
}
