//! The comparison pane (F10), beside the editor: the live progress of the real build, then
//! the results, drawn from the [`Report`] as a list of sections ([`SECTIONS`]), each a
//! function that adds its lines. A new kind of finding is one more function in the list.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::{Theme, wrap};
use crate::compare::report::{ENDPOINTS, fit, mb};
use crate::compare::{ImageReport, Phase, Progress, Report, Role};
use crate::tui::app::App;
use crate::tui::measure::{Pane, State};

/// Rows that name a TODO: Enter (with the pane focused) or a click opens its lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub rows: Range<usize>,
    pub todo: u32,
}

/// The pane's lines for an inner width (and, while running, height), built the same way
/// for drawing and for the app's scrolling and clicks.
pub struct Document {
    pub lines: Vec<Line<'static>>,
    pub links: Vec<Link>,
}

/// Lines being built, with the helpers every section uses.
pub struct Doc<'t> {
    theme: &'t Theme,
    width: usize,
    lines: Vec<Line<'static>>,
    links: Vec<Link>,
}

impl Doc<'_> {
    pub fn width(&self) -> usize {
        self.width
    }
    pub fn theme(&self) -> &Theme {
        self.theme
    }
    /// A section's title, after a blank line (none before the first).
    pub fn heading(&mut self, title: &str) {
        if !self.lines.is_empty() {
            self.lines.push(Line::raw(""));
        }
        self.lines.push(Line::styled(
            fit(title, self.width),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        ));
    }
    /// Wrapped text, indented by `indent` columns.
    pub fn para(&mut self, text: &str, style: Style, indent: usize) {
        let text = crate::text::printable(text);
        for piece in wrap(&text, self.width.saturating_sub(indent).max(1)) {
            self.lines.push(Line::styled(
                format!("{}{piece}", " ".repeat(indent)),
                style,
            ));
        }
    }
    /// One line, cut to the width.
    pub fn line(&mut self, text: &str, style: Style) {
        let text = crate::text::printable(text);
        self.lines.push(Line::styled(fit(&text, self.width), style));
    }
    pub fn spans(&mut self, spans: Vec<Span<'static>>) {
        self.lines.push(Line::from(spans));
    }
    /// Wrapped text that opens TODO `todo`'s lesson.
    pub fn link(&mut self, todo: u32, text: &str, style: Style) {
        let start = self.lines.len();
        self.para(text, style, 0);
        self.links.push(Link {
            rows: start..self.lines.len(),
            todo,
        });
    }
    fn finish(self) -> Document {
        Document {
            lines: self.lines,
            links: self.links,
        }
    }
}

/// A part of the results: adds its lines for the report.
pub type Section = fn(&Report, &mut Doc);

/// The results, top to bottom.
pub const SECTIONS: &[Section] = &[
    headline,
    predictions,
    sizes,
    your_run,
    baseline_run,
    rebuilds,
    layers,
    notes,
];

/// What check predicted of yours beside what happened, each linked to its TODO; then
/// what went wrong that no rule predicted.
fn predictions(report: &Report, doc: &mut Doc) {
    if report.predictions.is_empty() && report.unpredicted.is_empty() {
        return;
    }
    let theme = doc.theme;
    doc.heading("What check predicted, and what happened");
    for p in &report.predictions {
        let (mark, color) = match p.observed {
            Some(true) => (theme.ok(), Color::Green),
            Some(false) => (theme.bad(), Color::Red),
            None => ("?", Color::Gray),
        };
        let line = crate::compare::observe::prediction_line(p, &report.observed);
        doc.link(
            p.todo,
            &format!("{mark} TODO {} · {line}", p.todo),
            theme.fg(color),
        );
    }
    for f in &report.unpredicted {
        doc.para(
            &format!("{} not predicted: {}", theme.bad(), f.detail),
            theme.fg(Color::Red),
            0,
        );
    }
}

/// After a one-line change to app.py: the rebuild's time, and what the cache kept.
fn rebuilds(report: &Report, doc: &mut Doc) {
    let theme = doc.theme;
    for image in &report.images {
        let Some(r) = &image.rebuild else {
            continue;
        };
        doc.heading(&format!(
            "Rebuild after a change to {} ({})",
            r.changed,
            role_name(image.role)
        ));
        if !r.ok {
            doc.para(
                &format!(
                    "{} the rebuild failed: {}",
                    theme.bad(),
                    r.error.as_deref().unwrap_or("see the log")
                ),
                theme.fg(Color::Red),
                0,
            );
            continue;
        }
        doc.line(
            &format!(
                "{:.1} s · {} of {} steps from the cache",
                r.seconds,
                r.cached_steps,
                r.cached_steps + r.rerun_steps
            ),
            Style::default(),
        );
        if r.reinstalled.is_empty() {
            doc.spans(vec![
                Span::styled(format!("{} ", theme.ok()), theme.fg(Color::Green)),
                Span::raw("no install ran again"),
            ]);
        } else {
            let text = format!(
                "{} installs again on every change to {}: {}",
                theme.bad(),
                r.changed,
                r.reinstalled.join("; ")
            );
            if image.role == Role::Yours {
                doc.link(3, &text, theme.fg(Color::Red));
            } else {
                doc.para(&text, theme.fg(Color::Red), 0);
            }
        }
    }
}

/// The document for the pane's state at an inner `width`×`height`.
pub fn document(app: &App, width: usize, height: usize) -> Document {
    let theme = app.theme();
    let mut doc = Doc {
        theme: &theme,
        width: width.max(1),
        lines: Vec::new(),
        links: Vec::new(),
    };
    let Some(pane) = app.compare_pane() else {
        return doc.finish();
    };
    match pane.state() {
        State::Running {
            progress,
            cancelling,
        } => running(&mut doc, pane, progress.as_ref(), *cancelling, height),
        State::Done(report) => {
            for section in SECTIONS {
                section(report, &mut doc);
            }
        }
        State::NoEngine(why) => {
            let bad = theme.fg(Color::Red).add_modifier(Modifier::BOLD);
            doc.para(&format!("{} {}", theme.bad(), no_engine(why)), bad, 0);
            doc.lines.push(Line::raw(""));
            doc.para(
                "The comparison builds and runs your Dockerfile with Docker. Install Docker \
                 Engine (or Docker Desktop) and start it (for example `sudo systemctl start \
                 docker`), then press F10 again.",
                Style::default(),
                0,
            );
            doc.lines.push(Line::raw(""));
            doc.para(
                "Everything else works without it: the checks, the stage diagram and the \
                 size estimates (stagecraft analyze).",
                Style::default().add_modifier(Modifier::DIM),
                0,
            );
        }
        State::Cancelled => {
            doc.para(
                "Cancelled. The build was stopped and the containers and images it had made \
                 were removed (the single-stage baseline's image, once built, is kept: it \
                 makes the next comparison faster).",
                Style::default(),
                0,
            );
            doc.lines.push(Line::raw(""));
            doc.para(
                "F10 runs it again; Esc closes this pane.",
                Style::default().add_modifier(Modifier::DIM),
                0,
            );
        }
        State::Refused(why) => {
            doc.para(
                &format!("{} {why}", theme.bad()),
                theme.fg(Color::Red).add_modifier(Modifier::BOLD),
                0,
            );
        }
    }
    doc.finish()
}

/// The headline of the no-engine state: `why` as the engine check gave it ("the `docker`
/// command is not installed", "no Docker engine answered: Cannot connect … running?"),
/// said once, as one sentence.
fn no_engine(why: &str) -> String {
    let why = why.trim();
    let mut text = if why.is_empty() {
        "No Docker engine".to_string()
    } else if why.to_lowercase().starts_with("no docker engine") {
        let mut chars = why.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        format!("No Docker engine: {why}")
    };
    if !text.ends_with(['.', '?', '!']) {
        text.push('.');
    }
    text
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Baseline => "baseline",
        Role::Yours => "yours",
    }
}

/// `m:ss`.
fn clock(d: std::time::Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

fn running(
    doc: &mut Doc,
    pane: &Pane,
    progress: Option<&Progress>,
    cancelling: bool,
    height: usize,
) {
    let theme = doc.theme;
    let dim = Style::default().add_modifier(Modifier::DIM);
    if cancelling {
        doc.para(
            "Cancelling: stopping the build and removing what it started…",
            theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            0,
        );
    } else {
        doc.para("Building both images for real; keep editing.", dim, 0);
    }
    doc.lines.push(Line::raw(""));
    let current = progress.map_or(Role::Baseline, |p| p.role);
    let phase = |p: &Progress| match p.phase {
        Phase::Building => match p.step {
            Some((n, m)) => format!("building, step {n}/{m}"),
            None => "building".to_string(),
        },
        Phase::Measuring => "measuring".to_string(),
        Phase::Running => "running it".to_string(),
        Phase::CleaningUp => "cleaning up".to_string(),
    };
    for (i, role) in [Role::Baseline, Role::Yours].into_iter().enumerate() {
        let (mark, what, style) = if progress.is_some_and(|p| p.phase == Phase::CleaningUp) {
            (
                theme.ok(),
                if i == 0 { "done" } else { "cleaning up" }.to_string(),
                Style::default(),
            )
        } else if role == current {
            (
                if theme.ascii { ">" } else { "▶" },
                progress.map_or("starting".to_string(), phase),
                Style::default().add_modifier(Modifier::BOLD),
            )
        } else if i == 0 {
            (theme.ok(), "done".to_string(), Style::default())
        } else {
            (" ", "next".to_string(), dim)
        };
        doc.line(
            &format!("{mark} {}. {:<8}  {what}", i + 1, role_name(role)),
            style,
        );
    }
    doc.lines.push(Line::raw(""));
    if let Some(activity) = progress.and_then(|p| p.activity.as_deref()) {
        let text = activity.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut pieces = wrap(&text, doc.width);
        if pieces.len() > 3 {
            pieces.truncate(3);
            if let Some(last) = pieces.last_mut() {
                *last = fit(&format!("{last}…"), doc.width);
            }
        }
        for piece in pieces {
            doc.line(&piece, theme.fg(Color::Cyan));
        }
    }
    doc.line(
        &format!("Elapsed {}", clock(pane.elapsed())),
        Style::default(),
    );
    let shown = log_lines(progress.map_or(&[][..], |p| &p.log_tail[..]));
    let room = height.saturating_sub(doc.lines.len() + 2);
    if !shown.is_empty() && room > 0 {
        let dash = if theme.ascii { "-" } else { "─" };
        let title = " last lines ";
        let fill = doc.width.saturating_sub(title.width()) / 2;
        doc.line(
            &format!("{}{title}{}", dash.repeat(fill), dash.repeat(fill)),
            dim,
        );
        for l in &shown[shown.len().saturating_sub(room)..] {
            doc.line(l, dim);
        }
    }
}

/// The log lines worth a row: without colour codes, blank lines (what is left of a
/// line that only switched colours) and pip's download bars (`━━━━ 12.3/12.3 MB`).
fn log_lines(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| crate::text::without_escapes(l))
        .filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('━')
        })
        .collect()
}

/// Whole MB; a layer of a few KB (a user added, a small file copied) is `<1 MB`, not an
/// empty-looking `0 MB`.
fn size_mb(bytes: u64) -> String {
    let whole = format!("{:.0}", mb(bytes));
    if bytes > 0 && whole == "0" {
        "<1 MB".to_string()
    } else {
        format!("{whole} MB")
    }
}

fn headline(report: &Report, doc: &mut Doc) {
    let theme = doc.theme;
    let good = theme.fg(Color::Green).add_modifier(Modifier::BOLD);
    let bad = theme.fg(Color::Red).add_modifier(Modifier::BOLD);
    let Some(yours) = report.image(Role::Yours) else {
        doc.para(
            &format!("{} Your image was not built.", theme.bad()),
            bad,
            0,
        );
        return;
    };
    let (ok, text) = match (&yours.run, yours.built) {
        (_, false) => (
            false,
            format!(
                "Yours did not build: {}",
                yours
                    .run
                    .as_ref()
                    .and_then(|r| r.error.as_deref())
                    .unwrap_or("the build failed")
            ),
        ),
        (None, true) => (true, "Yours builds.".to_string()),
        (Some(run), true) if run.ok => (
            true,
            format!(
                "Yours builds and serves {} as uid {}.",
                ENDPOINTS.join(", "),
                run.uid.map_or("?".to_string(), |u| u.to_string())
            ),
        ),
        (Some(run), true) => (
            false,
            format!(
                "Yours builds, but {}.",
                run.error.as_deref().unwrap_or("the run failed")
            ),
        ),
    };
    let mark = if ok { theme.ok() } else { theme.bad() };
    doc.para(&format!("{mark} {text}"), if ok { good } else { bad }, 0);
}

fn sizes(report: &Report, doc: &mut Doc) {
    let theme = doc.theme;
    doc.heading("Image sizes (measured)");
    let widest = report.largest_size();
    let size_w = report
        .images
        .iter()
        .filter_map(|i| i.size_bytes)
        .map(|b| size_mb(b).width())
        .max()
        .unwrap_or(0);
    let bar_w = doc.width.saturating_sub(8 + 2 + size_w + 1).max(1);
    let full = if theme.ascii { "#" } else { "█" };
    for role in [Role::Baseline, Role::Yours] {
        let Some(image) = report.image(role) else {
            continue;
        };
        let color = match role {
            Role::Baseline => Color::Yellow,
            Role::Yours => Color::Green,
        };
        match image.size_bytes {
            Some(bytes) if widest > 0 => {
                let n = ((bytes as f64 / widest as f64) * bar_w as f64).round() as usize;
                let n = n.clamp(1, bar_w);
                doc.spans(vec![
                    Span::raw(format!("{:<8}  ", role_name(role))),
                    Span::styled(full.repeat(n), theme.fg(color)),
                    Span::raw(format!(
                        "{} {:>size_w$}",
                        " ".repeat(bar_w - n),
                        size_mb(bytes)
                    )),
                ]);
            }
            _ => doc.line(
                &format!(
                    "{:<8}  {}",
                    role_name(role),
                    if image.built {
                        "size unknown"
                    } else {
                        "did not build"
                    }
                ),
                Style::default().add_modifier(Modifier::DIM),
            ),
        }
    }
    match (report.saved_bytes, report.saved_percent) {
        (Some(saved), Some(percent)) if saved >= 0 => doc.para(
            &format!(
                "Saved {} ({percent:.1}%) against the single-stage baseline.",
                size_mb(saved as u64)
            ),
            theme.fg(Color::Green).add_modifier(Modifier::BOLD),
            0,
        ),
        (Some(saved), Some(percent)) => doc.para(
            &format!(
                "{} ({:.1}%) bigger than the single-stage baseline.",
                size_mb(saved.unsigned_abs()),
                -percent
            ),
            theme.fg(Color::Red).add_modifier(Modifier::BOLD),
            0,
        ),
        _ => {}
    }
    if let Some(estimate) = report.image(Role::Yours).and_then(|y| y.estimate_bytes) {
        doc.para(
            &format!("The estimate for yours was ~{}.", size_mb(estimate)),
            Style::default().add_modifier(Modifier::DIM),
            0,
        );
    }
}

fn your_run(report: &Report, doc: &mut Doc) {
    if let Some(image) = report.image(Role::Yours) {
        run(image, "Yours: run", doc);
    }
}

fn baseline_run(report: &Report, doc: &mut Doc) {
    if let Some(image) = report.image(Role::Baseline) {
        run(image, "Baseline: run", doc);
    }
}

/// Each endpoint ✓/✗, the user (root flagged), what failed with its TODO, the log's end.
fn run(image: &ImageReport, title: &str, doc: &mut Doc) {
    let theme = doc.theme;
    doc.heading(title);
    let Some(run) = &image.run else {
        doc.line("not run", Style::default().add_modifier(Modifier::DIM));
        return;
    };
    let dim = Style::default().add_modifier(Modifier::DIM);
    if image.built {
        let mut spans = Vec::new();
        for path in ENDPOINTS {
            let code = run.endpoints.get(path);
            let (mark, color) = if code == Some(200) {
                (theme.ok(), Color::Green)
            } else {
                (theme.bad(), Color::Red)
            };
            let status = match code {
                Some(200) => String::new(),
                Some(c) => format!(" {c}"),
                None => String::new(),
            };
            spans.push(Span::styled(format!("{mark} "), theme.fg(color)));
            spans.push(Span::raw(format!("{path}{status}  ")));
        }
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        if text.trim_end().width() <= doc.width {
            doc.spans(spans);
        } else {
            doc.para(text.trim_end(), Style::default(), 0);
        }
        match run.uid {
            Some(0) => doc.spans(vec![
                Span::styled(format!("{} ", theme.bad()), theme.fg(Color::Red)),
                Span::styled("user: root (uid 0)", theme.fg(Color::Red)),
            ]),
            Some(uid) => doc.spans(vec![
                Span::styled(format!("{} ", theme.ok()), theme.fg(Color::Green)),
                Span::raw(format!("user: uid {uid}")),
            ]),
            None => doc.line("user: unknown", dim),
        }
        doc.line(&format!("built in {:.1} s", image.build_seconds), dim);
    }
    if let Some(error) = &run.error
        && image.built
    {
        doc.para(
            &format!("{} {error}", theme.bad()),
            theme.fg(Color::Red).add_modifier(Modifier::BOLD),
            0,
        );
    }
    let arrow = if theme.ascii { "->" } else { "→" };
    match (&run.explanation, run.todo) {
        // The baseline is the single-stage file, kept as it is: what to change is for
        // yours, so it only names the TODO (still a link to its lesson).
        (Some(_), Some(todo)) if image.role == Role::Baseline => doc.link(
            todo,
            &format!(
                "{arrow} TODO {todo} covers this (the baseline stays as it is, to compare against)."
            ),
            theme.fg(Color::Yellow),
        ),
        (Some(explanation), Some(todo)) => doc.link(
            todo,
            &format!("{arrow} TODO {todo}: {explanation}"),
            theme.fg(Color::Yellow),
        ),
        (Some(explanation), None) => doc.para(explanation, theme.fg(Color::Yellow), 0),
        (None, _) => {}
    }
    // The log says why a server did not answer; when every endpoint did (it only runs as
    // root), it is the server's start-up chatter.
    if !run.log_tail.is_empty() && !run.ok && !run.endpoints.all_ok() {
        let shown = log_lines(&run.log_tail);
        for l in &shown[shown.len().saturating_sub(5)..] {
            doc.line(&format!("  {l}"), dim);
        }
    }
}

fn layers(report: &Report, doc: &mut Doc) {
    for (role, count) in [(Role::Yours, 5), (Role::Baseline, 3)] {
        let Some(image) = report.image(role).filter(|i| !i.layers.is_empty()) else {
            continue;
        };
        doc.heading(&format!("Biggest layers ({})", role_name(role)));
        for layer in image.layers.iter().take(count) {
            doc.line(
                &format!("{:>7}  {}", size_mb(layer.size_bytes), layer.instruction),
                Style::default(),
            );
        }
    }
}

fn notes(report: &Report, doc: &mut Doc) {
    let notes: Vec<&String> = report.images.iter().flat_map(|i| &i.notes).collect();
    if notes.is_empty() {
        return;
    }
    doc.heading("Notes");
    for note in notes {
        doc.para(note, Style::default().add_modifier(Modifier::DIM), 0);
    }
}

/// Draws the pane (progress or results) in `area`.
pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(pane) = app.compare_pane() else {
        return;
    };
    let inner = crate::tui::layout::inner(area);
    let doc = document(app, inner.width as usize, inner.height as usize);
    let scroll = pane.scroll();
    let below = doc
        .lines
        .len()
        .saturating_sub(scroll + inner.height as usize);
    let state = match pane.state() {
        State::Running { .. } => "running",
        // The text was edited since: these are not of what is on screen.
        State::Done(_) if app.compare_outdated() => "earlier results",
        State::Done(_) => "results",
        State::NoEngine(_) => "no Docker engine",
        State::Cancelled => "cancelled",
        State::Refused(_) => "not started",
    };
    let more = if below > 0 {
        format!(" · {}", theme.more_below())
    } else {
        String::new()
    };
    let title = format!(" Compare: {state}{more} ");
    let title = if theme.ascii {
        title.replace('·', "-")
    } else {
        title
    };
    let border = if pane.focused() {
        theme.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::default()
    };
    let mut lines = doc.lines;
    if pane.focused()
        && let Some(link) = doc.links.get(pane.selected())
    {
        for row in link.rows.clone() {
            if let Some(l) = lines.get_mut(row) {
                *l = l.clone().patch_style(Modifier::REVERSED);
            }
        }
    }
    let visible: Vec<Line> = lines.into_iter().skip(scroll).collect();
    Clear.render(area, buf);
    Paragraph::new(Text::from(visible))
        .block(
            theme
                .block(fit(&title, area.width.saturating_sub(2) as usize))
                .border_style(border),
        )
        .render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_engine_headline_says_it_once_as_one_sentence() {
        assert_eq!(
            no_engine("the `docker` command is not installed"),
            "No Docker engine: the `docker` command is not installed."
        );
        assert_eq!(
            no_engine(
                "no Docker engine answered: Cannot connect to the Docker daemon at \
                 unix:///x.sock. Is the docker daemon running?"
            ),
            "No Docker engine answered: Cannot connect to the Docker daemon at \
             unix:///x.sock. Is the docker daemon running?"
        );
        assert_eq!(
            no_engine("no Docker engine answered"),
            "No Docker engine answered."
        );
        assert_eq!(no_engine(""), "No Docker engine.");
    }

    #[test]
    fn a_small_layer_is_less_than_a_megabyte_not_none() {
        assert_eq!(size_mb(4_096), "<1 MB");
        assert_eq!(size_mb(0), "0 MB");
        assert_eq!(size_mb(499_999), "<1 MB");
        assert_eq!(size_mb(500_000), "<1 MB");
        assert_eq!(size_mb(600_000), "1 MB");
        assert_eq!(size_mb(1_282_002_432), "1282 MB");
    }

    #[test]
    fn blank_lines_and_download_bars_are_left_out_of_the_log() {
        let lines: Vec<String> = [
            "Collecting pandas",
            "     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 12.3/12.3 MB 5.1 MB/s eta 0:00:00",
            "\u{1b}[0m\u{1b}[91m",
            "   ",
            "Successfully installed pandas-2.1.3",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            log_lines(&lines),
            ["Collecting pandas", "Successfully installed pandas-2.1.3"]
        );
    }
}
