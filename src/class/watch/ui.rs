//! `class watch`'s screens, drawn from `&Watch`; nothing here changes state. Only the rows
//! on screen are drawn, so 200 students cost what 30 do.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::app::{Detail, DetailLine, Flag, Row, Watch};
use super::keys;
use crate::class::roster::Record;
use crate::class::span;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 10;

struct Theme {
    color: bool,
    ascii: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    fn ok(&self) -> &'static str {
        if self.ascii { "+" } else { "✓" }
    }
    fn bad(&self) -> &'static str {
        if self.ascii { "x" } else { "✗" }
    }
    fn sep(&self) -> &'static str {
        if self.ascii { " | " } else { " · " }
    }
    /// A TODO not graded yet; a value not known.
    fn dot(&self) -> &'static str {
        if self.ascii { "." } else { "·" }
    }
    fn dash(&self) -> &'static str {
        if self.ascii { "-" } else { "—" }
    }
    fn fit(&self, text: &str, width: usize) -> String {
        fit_with(text, width, if self.ascii { '~' } else { '…' })
    }
}

/// `text` cut to `width` display columns (ending in `cut` when cut), padded to it.
fn fit_with(text: &str, width: usize, cut: char) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total = text.width();
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width || (total > width && used + w + 1 > width) {
            if total > width && used < width {
                out.push(cut);
                used += 1;
            }
            break;
        }
        out.push(c);
        used += w;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, w: &Watch) {
    let area = frame.area();
    let theme = Theme {
        color: w.color(),
        ascii: w.ascii(),
    };
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let x = if theme.ascii { "x" } else { "×" };
        let text = format!(
            "class watch needs a window of at least {MIN_WIDTH}{x}{MIN_HEIGHT} (this one is {}{x}{}); q quits.",
            area.width, area.height
        );
        Paragraph::new(text)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(area, frame.buffer_mut());
        return;
    }
    let buf = frame.buffer_mut();
    match w.detail() {
        Some(d) => draw_detail(buf, area, w, d, &theme),
        None => draw_table(buf, area, w, &theme),
    }
    let bar = keys::bar_text(&w.key_contexts(), area.width as usize, theme.ascii);
    Paragraph::new(Line::styled(
        theme.fit(&bar, area.width as usize),
        Style::default().add_modifier(Modifier::REVERSED),
    ))
    .render(Rect::new(0, area.height - 1, area.width, 1), buf);
    if w.help_shown() {
        draw_help(buf, area, &theme);
    }
}

const NAME_W: usize = 22;

fn line(buf: &mut Buffer, area: Rect, row: u16, l: Line) {
    Paragraph::new(l).render(Rect::new(area.x, area.y + row, area.width, 1), buf);
}

fn draw_table(buf: &mut Buffer, area: Rect, w: &Watch, theme: &Theme) {
    let rows = w.rows();
    let sep = theme.sep();
    let stuck = rows.iter().filter(|r| r.stuck()).count();
    let unreadable = rows.iter().filter(|r| r.unreadable()).count();
    let read_ago = w
        .refreshed()
        .map(|t| format!("read {} s ago", t.elapsed().as_secs()))
        .unwrap_or_default();
    let title = format!(
        "Class {}{sep}{} students{sep}{stuck} stuck{sep}{unreadable} unreadable{sep}{read_ago}",
        w.dir().display(),
        rows.len()
    );
    line(
        buf,
        area,
        0,
        Line::styled(
            theme.fit(&title, area.width as usize),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    );
    let todos = &w.pack().lessons;
    let heads: String = todos.iter().map(|l| format!("{} ", l.todo % 10)).collect();
    let header = format!(
        "  {}{heads} lesson hints   idle  flags",
        theme.fit("student", NAME_W + 1)
    );
    line(
        buf,
        area,
        1,
        Line::styled(
            theme.fit(&header, area.width as usize),
            Style::default().add_modifier(Modifier::UNDERLINED),
        ),
    );
    let height = w.table_height();
    let selected = w.selected();
    for (i, r) in rows.iter().enumerate().skip(w.scroll()).take(height) {
        let mut l = student_line(r, w, theme, area.width as usize);
        if Some(i) == selected {
            l = l.patch_style(Style::default().add_modifier(Modifier::REVERSED));
        }
        line(buf, area, 2 + (i - w.scroll()) as u16, l);
    }
    if rows.is_empty() {
        let text = format!(
            "No students yet: each appears when they start `stagecraft --student NAME` with STAGECRAFT_DATA_DIR on this share ({}).",
            w.dir().display()
        );
        Paragraph::new(text)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(Rect::new(2, 3, area.width.saturating_sub(4), 4), buf);
    }
    // The per-TODO pass counts, under the table.
    let counts = w.pass_counts();
    let mut spans = vec![Span::raw(format!(
        "  {}",
        theme.fit("passing now", NAME_W + 1)
    ))];
    for c in &counts {
        spans.push(Span::styled(format!("{c:<2}"), theme.fg(Color::Green)));
    }
    spans.push(Span::raw(format!(" of {}", rows.len())));
    let bottom = area.height - 3;
    line(
        buf,
        area,
        bottom,
        Line::from(spans).style(Style::default().add_modifier(Modifier::BOLD)),
    );
    let status = match w.problem() {
        Some(p) => Line::styled(
            theme.fit(&format!("Cannot read the folder: {p}"), area.width as usize),
            theme.fg(Color::Red).add_modifier(Modifier::BOLD),
        ),
        None => Line::styled(
            theme.fit(
                &format!(
                    "! stuck: no new {} for {} while working, or a 3rd hint on a failing TODO",
                    theme.ok(),
                    span(w.stuck_after())
                ),
                area.width as usize,
            ),
            Style::default().add_modifier(Modifier::DIM),
        ),
    };
    line(buf, area, bottom + 1, status);
}

fn student_line<'a>(r: &'a Row, w: &Watch, theme: &Theme, width: usize) -> Line<'a> {
    let mark = if r.stuck() {
        Span::styled("! ", theme.fg(Color::Red).add_modifier(Modifier::BOLD))
    } else {
        Span::raw("  ")
    };
    let mut name_style = Style::default();
    if r.stuck() {
        name_style = name_style.add_modifier(Modifier::BOLD);
    }
    if !r.online {
        name_style = name_style.add_modifier(Modifier::DIM);
    }
    let mut spans = vec![
        mark,
        Span::styled(theme.fit(&r.student.name, NAME_W + 1), name_style),
    ];
    let n = w.pack().lessons.len();
    let used = 2 + NAME_W + 1;
    match &r.student.record {
        Record::Unreadable(why) => {
            spans.push(Span::styled(
                theme.fit(&format!("unreadable: {why}"), width.saturating_sub(used)),
                theme.fg(Color::Yellow),
            ));
        }
        Record::NotStarted => {
            spans.push(Span::styled(
                format!("{} ", theme.dot()).repeat(n) + " not started yet",
                Style::default().add_modifier(Modifier::DIM),
            ));
        }
        Record::Read(s) => {
            for p in &s.passes {
                spans.push(match p {
                    Some(true) => Span::styled(format!("{} ", theme.ok()), theme.fg(Color::Green)),
                    Some(false) => Span::styled(format!("{} ", theme.bad()), theme.fg(Color::Red)),
                    None => Span::raw(format!("{} ", theme.dot())),
                });
            }
            let idle = r.idle.map(span).unwrap_or_else(|| theme.dash().into());
            let lesson = match s.lesson {
                0 => theme.dash().to_string(),
                n => format!("L{n}"),
            };
            spans.push(Span::raw(format!(
                "  {lesson:<5} {:>4} {:>7}  ",
                s.total_hints(),
                idle
            )));
            let flags: Vec<String> = r
                .flags
                .iter()
                .map(|f| match f {
                    Flag::NoNewPass(secs) => format!("no new {} for {}", theme.ok(), span(*secs)),
                    Flag::Hints { todo } => format!("3 hints on TODO {todo}"),
                })
                .collect();
            let rest = width.saturating_sub(used + 2 * n + 23);
            let text = if flags.is_empty() {
                if r.online {
                    String::new()
                } else {
                    "(not running)".into()
                }
            } else {
                flags.join(", ")
            };
            spans.push(Span::styled(
                theme.fit(&text, rest),
                theme.fg(Color::Red).add_modifier(Modifier::BOLD),
            ));
        }
    }
    Line::from(spans)
}

fn draw_detail(buf: &mut Buffer, area: Rect, w: &Watch, d: &Detail, theme: &Theme) {
    let passed = d.todos.iter().filter(|t| t.passed).count();
    let sep = theme.sep();
    let title = format!(
        "{}{sep}{}{sep}{passed}/{} TODOs{sep}read-only",
        d.name,
        d.path.display(),
        d.todos.len()
    );
    line(
        buf,
        area,
        0,
        Line::styled(
            theme.fit(&title, area.width as usize),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    );
    let rows = d.lines(area.width as usize);
    let digits = rows
        .iter()
        .filter_map(|l| match l {
            DetailLine::Code { number, .. } => Some(*number),
            _ => None,
        })
        .max()
        .unwrap_or(1)
        .to_string()
        .len();
    for (i, l) in rows
        .into_iter()
        .skip(d.scroll)
        .take(w.detail_height())
        .enumerate()
    {
        let shown = match l {
            DetailLine::Todo { text, passed } => {
                let (m, style) = if passed {
                    (theme.ok(), theme.fg(Color::Green))
                } else {
                    (theme.bad(), theme.fg(Color::Red))
                };
                Line::styled(format!("{m} {text}"), style)
            }
            DetailLine::Check(text) => Line::raw(format!("    {text}")),
            DetailLine::Blank => Line::raw(""),
            DetailLine::Heading(text) => {
                Line::styled(text, Style::default().add_modifier(Modifier::UNDERLINED))
            }
            DetailLine::Code {
                number,
                text,
                failing,
            } => Line::from(vec![
                if failing {
                    Span::styled(format!("{} ", theme.bad()), theme.fg(Color::Red))
                } else {
                    Span::raw("  ")
                },
                Span::styled(
                    format!("{number:>digits$} "),
                    Style::default().add_modifier(Modifier::DIM),
                ),
                Span::raw(text),
            ]),
            DetailLine::Note(text) => Line::styled(text, theme.fg(Color::Yellow)),
        };
        line(buf, area, 1 + i as u16, shown);
    }
}

fn draw_help(buf: &mut Buffer, area: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = Vec::new();
    for (section, rows) in keys::help_rows(theme.ascii) {
        lines.push(Line::styled(
            section,
            Style::default().add_modifier(Modifier::BOLD),
        ));
        for (k, what) in rows {
            lines.push(Line::raw(format!("  {} {what}", theme.fit(&k, 24))));
        }
    }
    let width = 80.min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let r = Rect::new(
        (area.width - width) / 2,
        (area.height - height) / 2,
        width,
        height,
    );
    Clear.render(r, buf);
    Paragraph::new(lines)
        .block(
            crate::ui_kit::Theme {
                color: theme.color,
                ascii: theme.ascii,
            }
            .block(" Keys "),
        )
        .render(r, buf);
}

#[cfg(test)]
mod tests {
    use super::fit_with;

    #[test]
    fn fit_cuts_and_pads_to_display_columns() {
        let fit = |t: &str, w: usize| fit_with(t, w, '…');
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語", 4), "日… ");
    }
}
