//! The lesson pane: the checklist stays on top (syntax errors first, each failing check at
//! its line); below it the goal, the explanation, hints and the solution scroll.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget};

use super::{Theme, wrap};
use crate::rules::{self, Status};
use crate::tui::app::App;

/// The pane's content for an inner area, built the same way for drawing and for the app's
/// scroll limits and clicks.
pub struct Document {
    /// The checklist, always on screen.
    pub sticky: Vec<Line<'static>>,
    /// The rest, scrolled.
    pub body: Vec<Line<'static>>,
    /// Rows of `sticky` that point at a Dockerfile line (clicking jumps there).
    pub rule_rows: Vec<(usize, usize)>,
    /// Row of `body` where the newest hint (or the solution) starts.
    pub newest_hint: Option<usize>,
    /// Rows for the body below the checklist and its rule line.
    pub body_height: usize,
}

fn push(lines: &mut Vec<Line<'static>>, text: &str, style: Style, indent: usize, width: usize) {
    for piece in wrap(text, width.saturating_sub(indent).max(1)) {
        lines.push(Line::styled(
            format!("{}{piece}", " ".repeat(indent)),
            style,
        ));
    }
}

/// The checklist: syntax errors, then each check with its line. `messages` says which
/// checks' messages are shown under them (by index); the rows that point at a line come
/// with it.
fn checklist(
    app: &App,
    theme: &Theme,
    width: usize,
    messages: impl Fn(usize) -> bool,
) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    let verdict = app.verdict();
    let mut sticky: Vec<Line<'static>> = Vec::new();
    let mut rule_rows = Vec::new();
    // Syntax errors come first: nothing else is trustworthy until they are fixed.
    for d in app
        .analysis()
        .diagnostics()
        .iter()
        .filter(|d| d.level == crate::syntax::DiagnosticLevel::Error)
    {
        let start = sticky.len();
        push(
            &mut sticky,
            &format!("{} line {}: {}", theme.bad(), d.line, d.message),
            theme.fg(Color::Red).add_modifier(Modifier::BOLD),
            0,
            width,
        );
        rule_rows.extend((start..sticky.len()).map(|r| (r, d.line)));
    }
    sticky.push(Line::styled(
        "Checklist",
        Style::default().add_modifier(Modifier::UNDERLINED),
    ));
    // A reason shared by several checks (no CMD yet) is said under the first one only.
    let mut said: Vec<(&str, Option<usize>)> = Vec::new();
    for (i, r) in verdict.rules.iter().enumerate() {
        let (m, st) = match r.status {
            Status::Pass => (theme.ok(), theme.fg(Color::Green)),
            Status::Warn => ("!", theme.fg(Color::Yellow)),
            Status::Fail => (theme.bad(), theme.fg(Color::Red)),
        };
        let line_note = match r.line {
            Some(l) if !r.passed => format!(" (line {l})"),
            _ => String::new(),
        };
        let start = sticky.len();
        let title = format!("{}{line_note}", r.title);
        let pieces = wrap(&title, width.saturating_sub(2).max(1));
        for (k, piece) in pieces.into_iter().enumerate() {
            let lead = if k == 0 { format!("{m} ") } else { "  ".into() };
            sticky.push(Line::from(vec![
                Span::styled(lead, st.add_modifier(Modifier::BOLD)),
                Span::raw(piece),
            ]));
        }
        let repeated = said.contains(&(r.message.as_str(), r.line));
        if (!r.passed || r.status == Status::Warn) && !repeated && messages(i) {
            said.push((r.message.as_str(), r.line));
            push(&mut sticky, &rule_message(r), st, 4, width);
        }
        if let Some(l) = r.line.filter(|_| !r.passed) {
            rule_rows.extend((start..sticky.len()).map(|row| (row, l)));
        }
    }
    if verdict.passed {
        let last = app.lesson_index() + 1 >= app.pack().lessons.len();
        let next = if last {
            "This was the last lesson."
        } else {
            "F6: next lesson."
        };
        push(
            &mut sticky,
            &format!("{} Done! {next}", theme.ok()),
            theme.fg(Color::Green).add_modifier(Modifier::BOLD),
            0,
            width,
        );
    }
    (sticky, rule_rows)
}

/// A check's message, with what failing it does where the rule says.
fn rule_message(r: &crate::grade::RuleVerdict) -> String {
    r.said()
}

pub fn document(app: &App, area: Rect) -> Document {
    let theme = app.theme();
    let width = area.width.max(1) as usize;
    let lesson = app.current();
    let verdict = app.verdict();
    // The checklist keeps at most two thirds of the pane. When every message does not fit,
    // only the first failing check's stays there (or none), and the messages lead the
    // text below.
    let cap = (area.height as usize * 2 / 3).max(3);
    let (mut sticky, mut rule_rows) = checklist(app, &theme, width, |_| true);
    let mut compact = false;
    if sticky.len() > cap {
        let first = verdict.rules.iter().position(|r| !r.passed);
        (sticky, rule_rows) = checklist(app, &theme, width, |i| Some(i) == first);
        compact = true;
    }
    if sticky.len() > cap {
        (sticky, rule_rows) = checklist(app, &theme, width, |_| false);
    }
    if sticky.len() > cap {
        sticky.truncate(cap - 1);
        sticky.push(Line::styled(
            "… (F7 jumps to the first problem)",
            Style::default().add_modifier(Modifier::DIM),
        ));
        rule_rows.retain(|(r, _)| *r < cap - 1);
    }

    let mut body: Vec<Line<'static>> = Vec::new();
    push(
        &mut body,
        &lesson.goal,
        Style::default().add_modifier(Modifier::BOLD),
        0,
        width,
    );
    if compact {
        let mut said: Vec<(&str, Option<usize>)> = Vec::new();
        for r in verdict.rules.iter().filter(|r| !r.passed) {
            if said.contains(&(r.message.as_str(), r.line)) {
                continue;
            }
            said.push((r.message.as_str(), r.line));
            body.push(Line::raw(""));
            let at = r.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            push(
                &mut body,
                &format!("{} {}{at}: {}", theme.bad(), r.title, rule_message(r)),
                theme.fg(Color::Red),
                0,
                width,
            );
        }
    }
    let first_failing = verdict.rules.iter().find(|r| !r.passed);
    if let Some(rule) = first_failing.and_then(|r| rules::by_id(&r.id)) {
        body.push(Line::raw(""));
        push(
            &mut body,
            &format!("Why it matters: {}", rule.why),
            Style::default().add_modifier(Modifier::DIM),
            0,
            width,
        );
    }
    for r in verdict.advice.iter().filter(|r| !r.passed) {
        push(
            &mut body,
            &format!("Tip: {}", r.message),
            theme.fg(Color::Blue),
            0,
            width,
        );
    }
    body.push(Line::raw(""));
    // Explanations are folded YAML: one paragraph per line, shown with a blank line between.
    let explanation = lesson.explanation.trim_end().replace('\n', "\n\n");
    push(&mut body, &explanation, Style::default(), 0, width);
    let fill = |t: &str| crate::hints::expand(t, |name| app.hint_value(name));
    let used = app.hints_used().min(lesson.hints.len());
    let mut newest_hint = None;
    for (i, h) in lesson.hints.iter().take(used).enumerate() {
        body.push(Line::raw(""));
        newest_hint = Some(body.len());
        push(
            &mut body,
            &format!("Hint {}/{}:", i + 1, lesson.hints.len()),
            theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            0,
            width,
        );
        push(
            &mut body,
            fill(h).trim_end(),
            theme.fg(Color::Yellow),
            2,
            width,
        );
    }
    if app.solution_visible() {
        body.push(Line::raw(""));
        if app.hints_used() > lesson.hints.len() {
            newest_hint = Some(body.len());
        }
        push(
            &mut body,
            "Solution:",
            theme.fg(Color::Green).add_modifier(Modifier::BOLD),
            0,
            width,
        );
        push(
            &mut body,
            fill(&lesson.solution).trim_end(),
            theme.fg(Color::Green),
            2,
            width,
        );
    }
    let body_height = (area.height as usize).saturating_sub(sticky.len() + 1);
    Document {
        sticky,
        body,
        rule_rows,
        newest_hint,
        body_height,
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let lesson = app.current();
    let mark = if app.verdict().passed {
        theme.ok()
    } else {
        theme.bad()
    };
    let title = format!(
        " {mark} TODO {}/{}: {} ",
        lesson.todo,
        app.pack().lessons.len(),
        lesson.title
    );
    let block = theme.block(Span::styled(
        title,
        Style::default().add_modifier(Modifier::BOLD),
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    let doc = document(app, inner);
    let sticky_h = doc.sticky.len() as u16;
    Paragraph::new(Text::from(doc.sticky)).render(
        Rect {
            height: sticky_h.min(inner.height),
            ..inner
        },
        buf,
    );
    if inner.height <= sticky_h {
        return;
    }
    // A rule between checklist and text, saying where the text is.
    let scroll = app.lesson_scroll();
    let below = doc.body.len().saturating_sub(scroll + doc.body_height);
    let rule_y = inner.y + sticky_h;
    let dash = if theme.ascii { "-" } else { "─" };
    let note = match (scroll > 0, below > 0) {
        (_, true) => format!(" {} (F8) ", theme.more_below()),
        (true, false) => " Shift-F8: up ".to_string(),
        _ => String::new(),
    };
    let fill = (inner.width as usize).saturating_sub(note.chars().count());
    buf.set_stringn(
        inner.x,
        rule_y,
        format!("{}{note}", dash.repeat(fill)),
        inner.width as usize,
        Style::default().add_modifier(Modifier::DIM),
    );
    let body_area = Rect {
        y: rule_y + 1,
        height: inner.height - sticky_h - 1,
        ..inner
    };
    let visible: Vec<Line> = doc
        .body
        .into_iter()
        .skip(scroll)
        .take(body_area.height as usize)
        .collect();
    Paragraph::new(Text::from(visible)).render(body_area, buf);
}
