//! F1: generated from the key table, sized to the window, scrolled when it does not fit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{Theme, wrap};
use crate::tui::app::{App, Overlay};
use crate::tui::keys;
use crate::tui::layout;

fn inner_of(app: &App) -> Rect {
    layout::inner(layout::help_box(app.panes().main))
}

/// Every line of the help at `width` columns.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let plain = |out: &mut Vec<Line<'static>>, text: &str| {
        for l in wrap(text, width) {
            out.push(Line::raw(l));
        }
    };
    plain(
        &mut out,
        "Edit the Dockerfile; each TODO is graded again as you type. Type to insert text.",
    );
    let rows = keys::help_rows(app.ascii());
    let key_w = rows
        .iter()
        .flat_map(|(_, r)| r.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(0)
        .min(width / 2)
        .max(1);
    for (title, rows) in rows {
        out.push(Line::raw(""));
        out.push(Line::styled(
            title,
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        ));
        for (k, what) in rows {
            let keys_lines = wrap(&k, key_w);
            let what_lines = wrap(what, width.saturating_sub(key_w + 2).max(1));
            for i in 0..keys_lines.len().max(what_lines.len()) {
                let k = keys_lines.get(i).map_or("", String::as_str);
                let w = what_lines.get(i).map_or("", String::as_str);
                out.push(Line::from(vec![
                    Span::styled(
                        format!("{k:<key_w$}  "),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(w.to_string()),
                ]));
            }
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "Mouse and clipboard",
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    ));
    plain(
        &mut out,
        "Click places the cursor and dragging selects; the wheel scrolls the pane under it; \
         clicking a failing check jumps to its line. Shift-drag selects for your terminal's \
         own copy. Ctrl-C also copies to the system clipboard where the terminal allows \
         (OSC 52); paste from other programs with the terminal's paste (often Ctrl-Shift-V).",
    );
    out.push(Line::raw(""));
    out.push(Line::styled(
        "Your work",
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    ));
    plain(
        &mut out,
        &format!(
            "{} saves itself a second after you stop typing, and again on quit. Edits made \
             to it in another editor are loaded here while you have none of your own; when \
             both changed, you choose, and the other version is kept beside it. A reset keeps \
             Dockerfile.bak, and Ctrl-Z undoes it.",
            app.file_name()
        ),
    );
    out
}

/// Rows the help shows at once.
pub fn page(app: &App) -> usize {
    (inner_of(app).height as usize).max(1)
}

pub fn max_scroll(app: &App) -> usize {
    let inner = inner_of(app);
    lines(app, inner.width as usize)
        .len()
        .saturating_sub(inner.height as usize)
}

pub fn draw(buf: &mut Buffer, main: Rect, app: &App, theme: &Theme) {
    let Overlay::Help { scroll } = app.overlay() else {
        return;
    };
    let r = layout::help_box(main);
    let inner = layout::inner(r);
    let all = lines(app, inner.width as usize);
    let below = all.len().saturating_sub(scroll + inner.height as usize);
    let title = if below > 0 {
        format!(" Help · {} (↓ PgDn End) ", theme.more_below())
    } else {
        " Help ".to_string()
    };
    let title = if theme.ascii {
        title.replace('·', "-").replace("↓", "Down")
    } else {
        title
    };
    Clear.render(r, buf);
    let visible: Vec<Line> = all.into_iter().skip(scroll).collect();
    Paragraph::new(Text::from(visible))
        .block(theme.block(title))
        .render(r, buf);
}
