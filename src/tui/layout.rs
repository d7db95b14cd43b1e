//! Where each pane goes for a window size: one function used by drawing and by the app
//! (mouse clicks, scroll limits), so both agree without drawing having to report back.

use ratatui::layout::{Constraint, Layout, Rect};

use super::app::SidePane;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;
/// From this width the lesson, the editor and the diagram stand side by side.
pub const WIDE: u16 = 130;
/// The editor gets at least this many columns when the window allows.
const EDITOR_MIN: u16 = 60;
/// The side pane keeps at least this many.
const SIDE_MIN: u16 = 36;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Panes {
    pub too_small: bool,
    pub wide: bool,
    /// Everything above the status lines (where overlays go).
    pub main: Rect,
    pub editor: Rect,
    pub lesson: Option<Rect>,
    pub diagram: Option<Rect>,
    pub status: Rect,
    pub keys: Rect,
}

pub fn panes(area: Rect, side: SidePane) -> Panes {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Panes {
            too_small: true,
            main: area,
            ..Panes::default()
        };
    }
    let [main, status, keys] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let wide = main.width >= WIDE;
    let (editor, lesson, diagram) = if wide {
        let lesson_w = main.width * 32 / 100;
        let diagram_w = main.width * 25 / 100;
        let [l, e, d] = Layout::horizontal([
            Constraint::Length(lesson_w),
            Constraint::Min(EDITOR_MIN.min(main.width - lesson_w - diagram_w)),
            Constraint::Length(diagram_w),
        ])
        .areas(main);
        (e, Some(l), Some(d))
    } else {
        let editor_w =
            (main.width * 55 / 100).max(EDITOR_MIN.min(main.width.saturating_sub(SIDE_MIN)));
        let [e, s] =
            Layout::horizontal([Constraint::Length(editor_w), Constraint::Min(1)]).areas(main);
        match side {
            SidePane::Lesson => (e, Some(s), None),
            SidePane::Diagram => (e, None, Some(s)),
        }
    };
    Panes {
        too_small: false,
        wide,
        main,
        editor,
        lesson,
        diagram,
        status,
        keys,
    }
}

/// Where the comparison pane (F10) goes: over the lesson pane (beside the editor, which
/// keeps its place), or over the diagram when that is the side pane shown.
pub fn compare_pane(panes: &Panes) -> Option<Rect> {
    panes.lesson.or(panes.diagram)
}

/// Inside a bordered pane.
pub fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x + 1,
        y: r.y + 1,
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

/// The editor's gutter (a mark column and line numbers) and its text area.
#[derive(Debug, Clone, Copy)]
pub struct EditorAreas {
    pub gutter: Rect,
    pub text: Rect,
    pub number_width: u16,
}

pub fn editor_areas(pane: Rect, line_count: usize) -> EditorAreas {
    let inner = inner(pane);
    let digits = line_count.max(1).to_string().len().max(2) as u16;
    // A mark, the numbers, a space.
    let gutter_w = (digits + 2).min(inner.width);
    EditorAreas {
        gutter: Rect {
            width: gutter_w,
            ..inner
        },
        text: Rect {
            x: inner.x + gutter_w,
            width: inner.width - gutter_w,
            ..inner
        },
        number_width: digits,
    }
}

/// A box of at most `width`×`height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The help box: as large as the window allows, up to a comfortable reading width.
pub fn help_box(main: Rect) -> Rect {
    centered(main, 84.min(main.width.saturating_sub(2)), main.height)
}
