//! Widgets: they draw the app's state and change nothing but the highlight cache.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::app::{App, Overlay, ScreenMap, SidePane};
use crate::report::diagram::{self, LineKind};
use crate::rules::{self, Status};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

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
        if self.ascii { "[x]" } else { "✓" }
    }
    /// Separates the parts of the status line.
    fn sep(&self) -> &'static str {
        if self.ascii { " | " } else { " · " }
    }
    fn bad(&self) -> &'static str {
        if self.ascii { "[ ]" } else { "✗" }
    }
    fn block<'a>(&self, title: impl Into<Line<'a>>) -> Block<'a> {
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

pub fn draw(frame: &mut Frame, app: &mut App) -> ScreenMap {
    let area = frame.area();
    let theme = Theme {
        color: app.color,
        ascii: app.ascii,
    };
    let mut map = ScreenMap::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
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
        return map;
    }
    let [main, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(area);
    let wide = main.width >= 130;
    let (lesson_area, editor_area, diagram_area) = if wide {
        let [l, e, d] = Layout::horizontal([
            Constraint::Percentage(32),
            Constraint::Percentage(43),
            Constraint::Percentage(25),
        ])
        .areas(main);
        (Some(l), e, Some(d))
    } else {
        let [e, side] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(main);
        match app.side {
            SidePane::Lesson => (Some(side), e, None),
            SidePane::Diagram => (None, e, Some(side)),
        }
    };
    map.editor = editor_area;
    draw_editor(frame.buffer_mut(), editor_area, app, &theme);
    if let Some(l) = lesson_area {
        map.lesson = l;
        map.rule_rows = draw_lesson(frame.buffer_mut(), l, app, &theme);
    }
    if let Some(d) = diagram_area {
        draw_diagram(frame.buffer_mut(), d, app, &theme);
    }
    draw_status(frame.buffer_mut(), status, app, &theme, wide);
    draw_overlay(frame, main, app, &theme);
    map
}

fn draw_editor(buf: &mut Buffer, area: Rect, app: &mut App, theme: &Theme) {
    let name = app
        .workspace
        .as_ref()
        .map_or("Dockerfile".to_string(), |w| {
            w.dockerfile.display().to_string()
        });
    let block = theme.block(format!(" {name} "));
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    // One column of gutter marks to the left of the textarea's own line numbers.
    let gutter = Rect { width: 1, ..inner };
    let text_area = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    ratatui::widgets::Widget::render(&app.editor, text_area, buf);
    let (top, left) = app.editor.scroll_offset();
    let numbers = app.editor.line_number_width();
    let failing = app.analysis.failing_lines();
    let todo_line = app.todo_line();
    let lines = app.editor.lines().to_vec();
    let styles = app.highlighter.as_mut().map(|h| {
        h.update(&lines)
            .iter()
            .map(|c| c.2.clone())
            .collect::<Vec<_>>()
    });
    for screen_row in 0..text_area.height {
        let row = top as usize + screen_row as usize;
        if row >= lines.len() {
            break;
        }
        let y = text_area.y + screen_row;
        let line_no = row + 1;
        if failing.binary_search(&line_no).is_ok() {
            buf[(gutter.x, y)]
                .set_symbol(if theme.ascii { "!" } else { "●" })
                .set_style(theme.fg(Color::Red));
        } else if todo_line == Some(line_no) {
            buf[(gutter.x, y)]
                .set_symbol(">")
                .set_style(theme.fg(Color::Yellow).add_modifier(Modifier::BOLD));
        }
        let Some(styles) = styles.as_ref().and_then(|s| s.get(row)) else {
            continue;
        };
        for x in text_area.x + numbers..text_area.x + text_area.width {
            let col = left as usize + (x - text_area.x - numbers) as usize;
            let Some((_, _, style)) = styles.iter().find(|(s, e, _)| col >= *s && col < *e) else {
                continue;
            };
            let cell = &mut buf[(x, y)];
            // The cursor and selections keep their own look.
            if cell.modifier.contains(Modifier::REVERSED) || cell.bg != Color::Reset {
                continue;
            }
            if let Some(fg) = style.fg {
                cell.set_fg(fg);
            }
            cell.modifier |= style.add_modifier;
        }
    }
}

/// Draws the lesson pane; returns the rows of failing rules (for clicks).
fn draw_lesson(buf: &mut Buffer, area: Rect, app: &mut App, theme: &Theme) -> Vec<(u16, usize)> {
    let lesson = app.current().clone();
    let verdict = app.verdict().clone();
    let mark = if verdict.passed {
        theme.ok()
    } else {
        theme.bad()
    };
    let title = format!(
        " {mark} TODO {}/{}: {} ",
        lesson.todo,
        app.pack.lessons.len(),
        lesson.title
    );
    let block = theme.block(Span::styled(
        title,
        Style::default().add_modifier(Modifier::BOLD),
    ));
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    let width = inner.width.max(1) as usize;

    // Built as wrapped lines so the rows of each rule are known.
    let mut lines: Vec<Line> = Vec::new();
    let mut rule_lines: Vec<(usize, usize)> = Vec::new();
    let push_wrapped = |lines: &mut Vec<Line>, text: &str, style: Style, indent: usize| {
        for para in text.split('\n') {
            for piece in diagram::wrap(para, width.saturating_sub(indent).max(1)) {
                lines.push(Line::styled(
                    format!("{}{piece}", " ".repeat(indent)),
                    style,
                ));
            }
        }
    };
    push_wrapped(
        &mut lines,
        &lesson.goal,
        Style::default().add_modifier(Modifier::BOLD),
        0,
    );
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Checklist",
        Style::default().add_modifier(Modifier::UNDERLINED),
    ));
    // The "why" of the first failing check only, so the list stays short.
    let first_failing = verdict.rules.iter().position(|r| !r.passed);
    for (index, r) in verdict.rules.iter().enumerate() {
        let (m, st) = match r.status {
            Status::Pass => (theme.ok(), theme.fg(Color::Green)),
            Status::Warn => ("!", theme.fg(Color::Yellow)),
            Status::Fail => (theme.bad(), theme.fg(Color::Red)),
        };
        let line_note = r.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!("{m} "), st.add_modifier(Modifier::BOLD)),
            Span::raw(format!(
                "{}{}",
                r.title,
                if r.passed { String::new() } else { line_note }
            )),
        ]));
        if !r.passed || r.status == Status::Warn {
            let start = lines.len();
            push_wrapped(&mut lines, &r.message, st, 4);
            if let Some(l) = r.line {
                rule_lines.push((start - 1, l));
                for i in start..lines.len() {
                    rule_lines.push((i, l));
                }
            }
            if let Some(rule) = rules::by_id(&r.id).filter(|_| first_failing == Some(index)) {
                push_wrapped(
                    &mut lines,
                    rule.why,
                    Style::default().add_modifier(Modifier::DIM),
                    4,
                );
            }
        }
    }
    for r in verdict.advice.iter().filter(|r| !r.passed) {
        push_wrapped(
            &mut lines,
            &format!("Tip: {}", r.message),
            theme.fg(Color::Blue),
            0,
        );
    }
    if verdict.passed {
        lines.push(Line::raw(""));
        push_wrapped(
            &mut lines,
            &format!("{} Done! F6: next lesson.", theme.ok()),
            theme.fg(Color::Green).add_modifier(Modifier::BOLD),
            0,
        );
    }
    lines.push(Line::raw(""));
    // Explanations are folded YAML: one paragraph per line, shown with a blank line between.
    let explanation = lesson.explanation.trim_end().replace('\n', "\n\n");
    push_wrapped(&mut lines, &explanation, Style::default(), 0);
    let used = app.hints_used().min(lesson.hints.len());
    let mut newest_hint = None;
    for (i, h) in lesson.hints.iter().take(used).enumerate() {
        lines.push(Line::raw(""));
        newest_hint = Some(lines.len());
        push_wrapped(
            &mut lines,
            &format!("Hint {}/{}:", i + 1, lesson.hints.len()),
            theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            0,
        );
        push_wrapped(&mut lines, h.trim_end(), theme.fg(Color::Yellow), 2);
    }
    if app.solution_visible() {
        lines.push(Line::raw(""));
        if app.hints_used() > lesson.hints.len() {
            newest_hint = Some(lines.len());
        }
        push_wrapped(
            &mut lines,
            "Solution:",
            theme.fg(Color::Green).add_modifier(Modifier::BOLD),
            0,
        );
        push_wrapped(
            &mut lines,
            lesson.solution.trim_end(),
            theme.fg(Color::Green),
            2,
        );
    }
    if std::mem::take(&mut app.scroll_to_hint) {
        app.lesson_scroll = newest_hint.unwrap_or(0) as u16;
    }
    let max_scroll = (lines.len() as u16).saturating_sub(inner.height);
    app.lesson_scroll = app.lesson_scroll.min(max_scroll);
    app.lesson_scroll_max = max_scroll;
    let scroll = app.lesson_scroll;
    ratatui::widgets::Widget::render(
        Paragraph::new(Text::from(lines)).scroll((scroll, 0)),
        inner,
        buf,
    );
    rule_lines
        .into_iter()
        .filter_map(|(i, l)| {
            let row = (i as u16).checked_sub(scroll)?;
            (row < inner.height).then_some((inner.y + row, l))
        })
        .collect()
}

fn draw_diagram(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let block = theme.block(" Stages ");
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    let lines: Vec<Line> = diagram::render(&app.diagram, inner.width as usize, app.ascii)
        .into_iter()
        .map(|l| {
            let style = match l.kind {
                LineKind::Arrow => theme.fg(Color::Cyan),
                LineKind::Box(i) => {
                    let b = &app.diagram.boxes[i];
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

fn draw_status(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme, wide: bool) {
    let [top, keys] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let passed = app.analysis.passed();
    let total = app.analysis.todos.len();
    let bar_width = 14usize;
    let filled = passed * bar_width / total.max(1);
    let (full, empty) = if theme.ascii {
        ("#", "-")
    } else {
        ("█", "░")
    };
    let bar = format!(
        "{}{}",
        full.repeat(filled),
        empty.repeat(bar_width - filled)
    );
    let saved = app.status_saved();
    let sep = theme.sep();
    let left = vec![
        Span::styled(bar, theme.fg(Color::Green)),
        Span::raw(format!(
            " {passed}/{total} TODOs{sep}lesson {}/{}{sep}{saved}",
            app.lesson + 1,
            app.pack.lessons.len()
        )),
    ];
    let mut spans = left;
    if let Some(m) = &app.message {
        spans.push(Span::styled(
            format!("{sep}{m}"),
            theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    } else if let Some(d) = app.analysis.diagnostics().first() {
        spans.push(Span::styled(
            format!("{sep}line {}: {}", d.line, d.message),
            theme.fg(Color::Red),
        ));
    }
    ratatui::widgets::Widget::render(Paragraph::new(Line::from(spans)), top, buf);
    let bar = match app.overlay {
        Overlay::Lessons { .. } if theme.ascii => {
            "Up/Down choose  Enter open  1-7 jump  Esc close".to_string()
        }
        Overlay::Lessons { .. } => "↑↓ choose  Enter open  1-7 jump  Esc close".to_string(),
        Overlay::ConfirmReset | Overlay::ConfirmSolution => "y yes  any other key: no".to_string(),
        Overlay::Help | Overlay::Summary => "Esc close  Ctrl-Q quit".to_string(),
        Overlay::None => {
            let side = if wide {
                ""
            } else if app.side == SidePane::Lesson {
                " F4 diagram"
            } else {
                " F4 lesson"
            };
            let save = if wide { "  ^S save" } else { "" };
            format!(
                "F1 help F2 hint F3 list{side} F5/6 prev/next F7 problem F9 reset{save} ^Q quit"
            )
        }
    };
    ratatui::widgets::Widget::render(
        Paragraph::new(Line::styled(
            bar,
            Style::default().add_modifier(Modifier::REVERSED),
        )),
        keys,
        buf,
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn draw_overlay(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (title, body, width, height): (&str, Text, u16, u16) = match app.overlay {
        Overlay::None => return,
        Overlay::Help => (" Help ", Text::from(HELP), 64, 22),
        Overlay::Lessons { selected } => {
            let lines: Vec<Line> = app
                .pack
                .lessons
                .iter()
                .zip(&app.analysis.todos)
                .enumerate()
                .map(|(i, (l, v))| {
                    let m = if v.passed { theme.ok() } else { theme.bad() };
                    let hints = app.progress.hints_used.get(&l.todo).copied().unwrap_or(0);
                    let hint_note = if hints > 0 {
                        format!("  ({hints} hint{})", if hints == 1 { "" } else { "s" })
                    } else {
                        String::new()
                    };
                    let text = format!(
                        "{} {m} TODO {}  {}{hint_note}",
                        if i == selected { ">" } else { " " },
                        l.todo,
                        l.title
                    );
                    let style = if i == selected {
                        Style::default().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default()
                    };
                    Line::styled(text, style)
                })
                .collect();
            (
                " Lessons ",
                Text::from(lines),
                64,
                app.pack.lessons.len() as u16 + 2,
            )
        }
        Overlay::ConfirmReset => (
            " Reset? ",
            Text::from(
                "Put the starter Dockerfile back?\nYour current text is kept as a .bak file beside it.\n\ny: reset   any other key: cancel",
            ),
            60,
            6,
        ),
        Overlay::ConfirmSolution => (
            " Show the solution? ",
            Text::from(
                "You have seen every hint. Show the solution snippet?\nTry once more first: typing it yourself is how it sticks.\n\ny: show   any other key: not yet",
            ),
            64,
            6,
        ),
        Overlay::Summary => {
            let text = summary(app, area.height);
            // Room for every line, and for the one long line that wraps.
            let height = text.lines.len() as u16 + 4;
            (" All seven TODOs pass ", text, 70, height)
        }
    };
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(body)
            .block(theme.block(title))
            .wrap(Wrap { trim: false }),
        r,
    );
}

const HELP: &str = "Edit the Dockerfile on the left; each TODO re-grades as you type.

F1         this help              F2   next hint (then the solution)
F3         lesson list            F4   switch lesson / diagram pane
F5 / F6    previous / next lesson F7   cursor to the current problem
F8         scroll the lesson/top  F9   reset to the starter (keeps a .bak)
Ctrl-S     save                   Ctrl-Q  save and quit
Mouse      wheel scrolls; click a failing check to jump to its line

Editing keys are the editor's own (emacs-style):
arrows, Home/End, Ctrl-A/E line start/end, Ctrl-F/B/N/P move,
Alt-F/B word, Ctrl-K/J delete to end/start, Ctrl-W delete word,
Ctrl-U undo, Ctrl-R redo, Ctrl-C copy, Ctrl-X cut, Ctrl-Y paste,
Ctrl-V / Alt-V page down / up.

Your file autosaves a second after you stop typing.";

/// The end screen; the final diagram is left out when `max_height` rows cannot hold it.
fn summary(app: &App, max_height: u16) -> Text<'static> {
    let secs = app.seconds_spent();
    // A confirmed solution is stored as one more than the hints; count only hints.
    let hints: usize = app
        .pack
        .lessons
        .iter()
        .map(|l| {
            app.progress
                .hints_used
                .get(&l.todo)
                .copied()
                .unwrap_or(0)
                .min(l.hints.len())
        })
        .sum();
    let cmp = crate::report::sizes::compare(&app.analysis.facts, &app.pack.params);
    let file = app
        .workspace
        .as_ref()
        .map_or("Dockerfile".to_string(), |w| {
            w.dockerfile.display().to_string()
        });
    let mut lines = vec![
        format!(
            "Time: {} min {} s · hints used: {hints}",
            secs / 60,
            secs % 60
        ),
        format!(
            "Estimated final image: ~{} MB, ~{} MB ({}%) smaller than the single-stage python:{} image.",
            cmp.this_file,
            cmp.savings.max(0),
            cmp.savings_percent.max(0),
            cmp.python
        ),
        String::new(),
    ];
    let picture = diagram::render(&app.diagram, 66, app.ascii);
    // Header, picture, "what next" (5 lines) and the frame must fit.
    if lines.len() + picture.len() + 5 + 4 <= max_height as usize {
        lines.extend(picture.into_iter().map(|l| l.text));
        lines.push(String::new());
    }
    lines.push("What next:".into());
    lines.push(format!("  stagecraft analyze {file}"));
    lines.push("  docker build -t flask-demo:multistage .   (in that folder)".into());
    lines.push("  docker images flask-demo".into());
    Text::from(lines.into_iter().map(Line::from).collect::<Vec<_>>())
}
