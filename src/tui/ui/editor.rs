//! The editor pane: a fixed gutter (marks and line numbers) and the text, scrolled sideways
//! on its own when lines are long.
//!
//! Drawn here from the textarea's lines, cursor and selection rather than with the
//! textarea's own widget: that one scrolls its line numbers sideways with the text, has no
//! place for syntect's colours or the gutter's marks, and moves its view while drawing.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;

use super::Theme;
use crate::tui::app::App;
use crate::tui::editor::{Pos, char_width};
use crate::tui::layout;

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let dirty = if app.is_dirty() { " (unsaved)" } else { "" };
    let block = theme.block(format!(" {}{dirty} ", app.file_name()));
    block.render(area, buf);
    let editor = app.editor();
    let lines = editor.lines();
    let areas = layout::editor_areas(area, lines.len());
    let (top, left) = editor.scroll();
    let failing = app.analysis().failing_lines();
    let syntax: Vec<usize> = app
        .analysis()
        .diagnostics()
        .iter()
        .map(|d| d.line)
        .collect();
    let todo_line = app.todo_line();
    let selection = editor.selection();
    let cursor = editor.cursor();
    let number_style = Style::default().add_modifier(Modifier::DIM);
    let selected_style = if theme.color {
        Style::default().bg(Color::LightBlue).fg(Color::Black)
    } else {
        Style::default().add_modifier(Modifier::REVERSED)
    };
    let text = areas.text;
    for screen_row in 0..text.height {
        let row = top + screen_row as usize;
        let Some(line) = lines.get(row) else {
            break;
        };
        let y = text.y + screen_row;
        let line_no = row + 1;
        // The gutter: a mark, then the number; it never scrolls sideways.
        let g = areas.gutter;
        if g.width > 0 {
            let (mark, style) = if syntax.contains(&line_no) {
                (
                    "!",
                    theme
                        .fg(Color::Red)
                        .add_modifier(Modifier::BOLD | Modifier::REVERSED),
                )
            } else if failing.binary_search(&line_no).is_ok() {
                (if theme.ascii { "!" } else { "●" }, theme.fg(Color::Red))
            } else if todo_line == Some(line_no) {
                (">", theme.fg(Color::Yellow).add_modifier(Modifier::BOLD))
            } else {
                (" ", Style::default())
            };
            buf[(g.x, y)].set_symbol(mark).set_style(style);
            let number = format!("{:>w$} ", line_no, w = areas.number_width as usize);
            buf.set_stringn(
                g.x + 1,
                y,
                number,
                g.width.saturating_sub(1) as usize,
                number_style,
            );
        }
        let runs = app.line_styles(row);
        let mut run = 0;
        let mut x_col = 0usize;
        let right = left + text.width as usize;
        let mut cut = false;
        for (i, c) in line.chars().enumerate() {
            let w = char_width(c, x_col);
            let start = x_col;
            x_col += w;
            if start < left {
                continue;
            }
            if x_col > right {
                cut = true;
                break;
            }
            let mut style = Style::default();
            if let Some(runs) = runs {
                while run < runs.len() && runs[run].1 <= i {
                    run += 1;
                }
                if let Some((s, e, st)) = runs.get(run)
                    && *s <= i
                    && i < *e
                {
                    style = *st;
                }
            }
            let here = Pos::new(row, i);
            if selection.is_some_and(|(s, e)| s <= here && here < e) {
                style = selected_style;
            }
            if here == cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let x = text.x + (start - left) as u16;
            let symbol = if c == '\t' || c.is_control() {
                " ".to_string()
            } else {
                c.to_string()
            };
            buf[(x, y)].set_symbol(&symbol).set_style(style);
            for k in 1..w {
                let cell = &mut buf[(x + k as u16, y)];
                cell.set_symbol(" ").set_style(style);
            }
        }
        // The cursor after the last character.
        if !cut
            && cursor.row == row
            && cursor.col >= line.chars().count()
            && x_col >= left
            && x_col < right
        {
            let x = text.x + (x_col - left) as u16;
            buf[(x, y)].set_style(Style::default().add_modifier(Modifier::REVERSED));
        }
        // Marks for text beyond the edges.
        let more = Style::default().add_modifier(Modifier::DIM | Modifier::BOLD);
        if cut && text.width > 1 {
            buf[(text.x + text.width - 1, y)]
                .set_symbol(if theme.ascii { ">" } else { "›" })
                .set_style(more);
        }
        if left > 0 && !line.is_empty() && text.width > 1 {
            buf[(text.x, y)]
                .set_symbol(if theme.ascii { "<" } else { "‹" })
                .set_style(more);
        }
    }
}
