//! The one key table. Key handling, the F1 help and the key bar are all read from
//! [`BINDINGS`], so the three cannot disagree (as gitui's `key_list.rs` does it).
//!
//! F10 runs the real build comparison. Its pane never takes the editing keys unless the
//! learner gives it the keyboard (F10 on the results): while it runs only Esc (cancel) and
//! F10 (hide or show it) are its own.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::editor::Move;
pub use crate::ui_kit::keys::{Key, name};
use crate::ui_kit::keys::{alt, ch, ctrl, ctrl_key, ctrl_shift, key, shift};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Help,
    Hint,
    LessonList,
    ToggleSide,
    PrevLesson,
    NextLesson,
    JumpToProblem,
    LessonDown,
    LessonUp,
    Reset,
    Save,
    Quit,
    Find,
    /// Esc: closes what is open, clears the selection and the message.
    Dismiss,
    Undo,
    Redo,
    Copy,
    Cut,
    Paste,
    SelectAll,
    Move(Move),
    Newline,
    Tab,
    Backspace,
    Delete,
    DeleteWordBack,
    DeleteToLineEnd,
    // Inside overlays and prompts.
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Open,
    Yes,
    Close,
    FindNext,
    UseDisk,
    KeepMine,
    RescueAndQuit,
    QuitAnyway,
    /// F10: run the comparison, or show / focus its pane (see `App::compare_key`).
    Compare,
    /// The comparison again, then a rebuild of both after a one-line change to app.py.
    CompareRebuild,
    CancelCompare,
    CloseCompare,
    /// The next TODO link in the comparison's results.
    NextLink,
    /// Open the lesson of the chosen TODO link.
    OpenTodo,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere, even with an overlay open.
    Always,
    /// The tutorial's own keys, when no overlay is open.
    Tutorial,
    /// Editing, when no overlay is open.
    Editor,
    Help,
    LessonList,
    Confirm,
    Conflict,
    QuitUnsaved,
    Find,
    /// A comparison is running (its pane shown or not); the editor has the keyboard.
    CompareRunning,
    /// The comparison's results are beside the editor, which has the keyboard.
    CompareShown,
    /// The comparison's results have the keyboard (F10 gave it to them).
    CompareFocus,
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    /// What F1 says it does.
    pub help: &'static str,
    /// Its label in the key bar, if it has one there.
    pub bar: Option<&'static str>,
    /// Which key bar labels give way first when the bar is too narrow (higher first).
    pub drop_rank: u8,
    /// The label already names its keys ("↑↓ choose"); else the first key is put in front.
    pub bar_names_keys: bool,
    /// A movement key: with Shift it extends the selection.
    pub selects: bool,
}

const fn b(context: Context, keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding {
        context,
        keys,
        action,
        help,
        bar: None,
        drop_rank: 0,
        bar_names_keys: false,
        selects: false,
    }
}

const fn bar(mut binding: Binding, label: &'static str, drop_rank: u8) -> Binding {
    binding.bar = Some(label);
    binding.drop_rank = drop_rank;
    binding
}

const fn bar_as(mut binding: Binding, label: &'static str, drop_rank: u8) -> Binding {
    binding.bar = Some(label);
    binding.drop_rank = drop_rank;
    binding.bar_names_keys = true;
    binding
}

const fn moves(keys: &'static [Key], m: Move, help: &'static str) -> Binding {
    let mut binding = b(Context::Editor, keys, Action::Move(m), help);
    binding.selects = true;
    binding
}

use Context as C;
use KeyCode as K;

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    // The tutorial.
    bar(b(C::Tutorial, &[key(K::F(1))], Action::Help, "this help"), "help", 0),
    bar(b(C::Tutorial, &[key(K::F(2))], Action::Hint, "next hint; after the last one, the solution (asks first)"), "hint", 1),
    bar(b(C::Tutorial, &[key(K::F(3))], Action::LessonList, "lesson list, with each TODO's state"), "lessons", 2),
    bar(b(C::Tutorial, &[key(K::F(4))], Action::ToggleSide, "switch the side pane: lesson or stage diagram (narrow windows)"), "diagram", 5),
    bar(b(C::Tutorial, &[key(K::F(5))], Action::PrevLesson, "previous lesson"), "prev", 7),
    bar(b(C::Tutorial, &[key(K::F(6))], Action::NextLesson, "next lesson (never automatic)"), "next", 4),
    bar(b(C::Tutorial, &[key(K::F(7))], Action::JumpToProblem, "cursor to the line the first failing check points at"), "problem", 3),
    bar(b(C::Tutorial, &[key(K::F(8)), alt(K::PageDown)], Action::LessonDown, "scroll the lesson down"), "scroll", 9),
    b(C::Tutorial, &[shift(K::F(8)), alt(K::PageUp)], Action::LessonUp, "scroll the lesson up"),
    bar(b(C::Tutorial, &[key(K::F(9))], Action::Reset, "reset to the starter (asks first; Ctrl-Z takes it back)"), "reset", 10),
    bar(b(C::Tutorial, &[ctrl('f')], Action::Find, "find in the file"), "find", 11),
    bar(b(C::Tutorial, &[key(K::F(10))], Action::Compare, "compare: build your Dockerfile and the single-stage baseline with Docker, run both, measure them (you keep editing meanwhile); with results on screen, F10 gives them the keyboard"), "compare", 6),
    b(C::Tutorial, &[key(K::Esc)], Action::Dismiss, "close the summary, the message, the selection"),
    bar(b(C::Always, &[ctrl('s')], Action::Save, "save now (the file also saves itself)"), "save", 12),
    bar(b(C::Always, &[ctrl('q')], Action::Quit, "save and quit"), "quit", 0),
    // Editing.
    bar(b(C::Editor, &[ctrl('z')], Action::Undo, "undo (a word or a burst of typing at a time)"), "undo", 8),
    b(C::Editor, &[ctrl('y'), ctrl_shift('z'), ctrl('r')], Action::Redo, "redo"),
    b(C::Editor, &[ctrl('c')], Action::Copy, "copy the selection (the line if none)"),
    b(C::Editor, &[ctrl('x')], Action::Cut, "cut the selection (the line if none)"),
    b(C::Editor, &[ctrl('v')], Action::Paste, "paste what Ctrl-C or Ctrl-X took"),
    b(C::Editor, &[ctrl('a')], Action::SelectAll, "select all"),
    moves(&[key(K::Left)], Move::Left, "character left (with Shift: select)"),
    moves(&[key(K::Right)], Move::Right, "character right (with Shift: select)"),
    moves(&[key(K::Up), ctrl('p')], Move::Up, "line up"),
    moves(&[key(K::Down), ctrl('n')], Move::Down, "line down"),
    moves(&[ctrl_key(K::Left), alt(K::Char('b'))], Move::WordLeft, "word left"),
    moves(&[ctrl_key(K::Right), alt(K::Char('f'))], Move::WordRight, "word right"),
    moves(&[key(K::Home)], Move::LineStart, "line start (indentation first)"),
    moves(&[key(K::End), ctrl('e')], Move::LineEnd, "line end"),
    moves(&[ctrl_key(K::Home)], Move::Top, "top of the file"),
    moves(&[ctrl_key(K::End)], Move::Bottom, "end of the file"),
    moves(&[key(K::PageUp)], Move::PageUp, "page up"),
    moves(&[key(K::PageDown)], Move::PageDown, "page down"),
    b(C::Editor, &[key(K::Enter)], Action::Newline, "new line, indented like this one"),
    b(C::Editor, &[key(K::Tab)], Action::Tab, "indent with spaces"),
    b(C::Editor, &[key(K::Backspace), ctrl('h')], Action::Backspace, "delete left"),
    b(C::Editor, &[key(K::Delete), ctrl('d')], Action::Delete, "delete right"),
    b(C::Editor, &[ctrl('w'), alt(K::Backspace)], Action::DeleteWordBack, "delete the word left"),
    b(C::Editor, &[ctrl('k')], Action::DeleteToLineEnd, "delete to the end of the line"),
    // Help.
    bar_as(b(C::Help, &[key(K::Up)], Action::Up, "scroll up"), "↑↓ scroll", 1),
    b(C::Help, &[key(K::Down)], Action::Down, "scroll down"),
    bar_as(b(C::Help, &[key(K::PageUp)], Action::PageUp, "page up"), "PgUp/PgDn page", 2),
    b(C::Help, &[key(K::PageDown), key(K::Char(' '))], Action::PageDown, "page down"),
    b(C::Help, &[key(K::Home)], Action::Home, "top"),
    bar_as(b(C::Help, &[key(K::End)], Action::End, "bottom"), "End bottom", 3),
    bar_as(b(C::Help, &[key(K::Esc), key(K::F(1)), key(K::Enter)], Action::Close, "close"), "Esc close", 0),
    // The lesson list.
    bar_as(b(C::LessonList, &[key(K::Up)], Action::Up, "previous"), "↑↓ choose", 1),
    b(C::LessonList, &[key(K::Down)], Action::Down, "next"),
    bar_as(b(C::LessonList, &[key(K::Enter)], Action::Open, "open"), "Enter open", 0),
    bar_as(b(C::LessonList, &[key(K::Esc), key(K::F(3))], Action::Close, "close"), "Esc close", 0),
    // Yes/no questions.
    bar_as(b(C::Confirm, &[ch('y')], Action::Yes, "yes"), "y yes", 0),
    bar_as(b(C::Confirm, &[key(K::Esc), ch('n')], Action::Close, "no"), "n/Esc no", 0),
    // The file changed on disk and here.
    bar_as(b(C::Conflict, &[ch('d')], Action::UseDisk, "use the version on disk (yours is kept beside it)"), "d disk version", 0),
    bar_as(b(C::Conflict, &[ch('k')], Action::KeepMine, "keep yours (the disk version is kept beside it)"), "k keep mine", 0),
    bar_as(b(C::Conflict, &[key(K::Esc)], Action::Close, "decide later (nothing is saved until then)"), "Esc later", 1),
    // Quitting with text that could not be saved.
    bar_as(b(C::QuitUnsaved, &[ch('r')], Action::RescueAndQuit, "keep a rescue copy and quit"), "r rescue copy + quit", 0),
    bar_as(b(C::QuitUnsaved, &[ch('q')], Action::QuitAnyway, "quit without saving"), "q quit anyway", 1),
    bar_as(b(C::QuitUnsaved, &[key(K::Esc)], Action::Close, "stay (saving keeps retrying)"), "Esc stay", 0),
    // The comparison (F10). While it runs, the editor keeps every key but these.
    bar_as(b(C::CompareRunning, &[key(K::Esc)], Action::CancelCompare, "cancel the comparison: stops the build, removes its containers and images"), "Esc cancel compare", 0),
    bar_as(b(C::CompareRunning, &[key(K::F(10))], Action::Compare, "hide or show the comparison's progress (it keeps running)"), "F10 hide/show", 6),
    bar_as(b(C::CompareShown, &[key(K::F(10))], Action::Compare, "give the results the keyboard (to scroll them and open the TODO they name); without results (no engine, cancelled), run it again"), "F10 to results", 0),
    bar_as(b(C::CompareShown, &[key(K::Esc)], Action::CloseCompare, "close the comparison's results"), "Esc close", 2),
    bar_as(b(C::CompareFocus, &[key(K::Up)], Action::Up, "scroll up"), "↑↓ scroll", 2),
    b(C::CompareFocus, &[key(K::Down)], Action::Down, "scroll down"),
    b(C::CompareFocus, &[key(K::PageUp)], Action::PageUp, "page up"),
    b(C::CompareFocus, &[key(K::PageDown), key(K::Char(' '))], Action::PageDown, "page down"),
    b(C::CompareFocus, &[key(K::Home)], Action::Home, "top"),
    b(C::CompareFocus, &[key(K::End)], Action::End, "bottom"),
    bar_as(b(C::CompareFocus, &[key(K::Tab)], Action::NextLink, "next TODO named by the results"), "Tab next TODO", 3),
    bar_as(b(C::CompareFocus, &[key(K::Enter)], Action::OpenTodo, "open the lesson of that TODO (a click on it does too)"), "Enter open TODO", 0),
    bar_as(b(C::CompareFocus, &[key(K::F(10))], Action::Compare, "run the comparison again"), "F10 again", 4),
    bar_as(b(C::CompareFocus, &[key(K::Char('r'))], Action::CompareRebuild, "run it again, then rebuild both after a one-line change to app.py: which steps the layer cache keeps (TODO 3), and how long a rebuild takes"), "r rebuild test", 5),
    bar_as(b(C::CompareFocus, &[key(K::Esc)], Action::Close, "back to the editor (Esc again closes the results)"), "Esc editor", 0),
    // Find.
    bar_as(b(C::Find, &[key(K::Enter), ctrl('f'), ctrl('g')], Action::FindNext, "next match"), "Enter next", 0),
    bar_as(b(C::Find, &[key(K::Esc)], Action::Close, "close find"), "Esc close", 0),
];

/// The same key however the terminal reports it: letters lowercase, Shift kept only where
/// it changes the meaning (Ctrl-Shift-Z, Shift-F8).
fn normalize(event: &KeyEvent) -> Key {
    let mut mods =
        event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    let code = match event.code {
        KeyCode::Char(c) => {
            if c.is_uppercase() && mods.contains(KeyModifiers::CONTROL) {
                mods |= KeyModifiers::SHIFT;
            } else if !mods.contains(KeyModifiers::CONTROL) {
                mods.remove(KeyModifiers::SHIFT);
            }
            KeyCode::Char(c.to_lowercase().next().unwrap_or(c))
        }
        KeyCode::BackTab => {
            mods.remove(KeyModifiers::SHIFT);
            KeyCode::Tab
        }
        other => other,
    };
    Key { code, mods }
}

/// The action `event` asks for in `contexts` (searched in order), and whether Shift
/// extends a selection.
pub fn lookup(event: &KeyEvent, contexts: &[Context]) -> Option<(Action, bool)> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let k = normalize(event);
    let unshifted = Key {
        mods: k.mods - KeyModifiers::SHIFT,
        ..k
    };
    for context in contexts {
        for binding in BINDINGS.iter().filter(|b| b.context == *context) {
            if binding.keys.contains(&k) {
                return Some((binding.action, false));
            }
            if binding.selects
                && k.mods.contains(KeyModifiers::SHIFT)
                && binding.keys.contains(&unshifted)
            {
                return Some((binding.action, true));
            }
        }
    }
    None
}

/// The rows of the F1 help: (keys, what they do), per section.
pub fn help_rows(ascii: bool) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let section = |contexts: &[Context]| {
        BINDINGS
            .iter()
            .filter(|b| contexts.contains(&b.context))
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(|k| name(k, ascii)).collect();
                (keys.join(" "), b.help)
            })
            .collect::<Vec<_>>()
    };
    vec![
        (
            "The tutorial",
            section(&[Context::Tutorial, Context::Always]),
        ),
        ("Editing", section(&[Context::Editor])),
        ("Find (Ctrl-F)", section(&[Context::Find])),
        (
            "Compare (F10)",
            section(&[
                Context::CompareRunning,
                Context::CompareShown,
                Context::CompareFocus,
            ]),
        ),
    ]
}

/// The key bar for `contexts`: every binding with a label, dropping the least needed
/// ones until the bar fits `width`. `label` may rename a label from the app's state.
pub fn bar_text(
    contexts: &[Context],
    width: usize,
    ascii: bool,
    label: impl Fn(Action, &'static str) -> Option<String>,
) -> String {
    let mut items: Vec<(u8, String)> = Vec::new();
    for (i, context) in contexts.iter().enumerate() {
        for binding in BINDINGS.iter().filter(|b| b.context == *context) {
            // A key an earlier context takes (F10 while comparing) is labelled there.
            let shadowed = BINDINGS
                .iter()
                .any(|o| contexts[..i].contains(&o.context) && o.keys.contains(&binding.keys[0]));
            if shadowed {
                continue;
            }
            let Some(text) = binding.bar.and_then(|t| label(binding.action, t)) else {
                continue;
            };
            let text = if ascii {
                text.replace("↑↓", "Up/Down")
            } else {
                text
            };
            let shown = if binding.bar_names_keys {
                text
            } else {
                let k = short_name(&binding.keys[0]);
                format!("{k} {text}")
            };
            items.push((binding.drop_rank, shown));
        }
    }
    loop {
        let line = items
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("  ");
        if line.chars().count() <= width || items.len() <= 1 {
            return line;
        }
        let worst = items
            .iter()
            .enumerate()
            .max_by_key(|(i, (rank, _))| (*rank, *i))
            .map(|(i, _)| i)
            .unwrap_or(0);
        items.remove(worst);
    }
}

/// `^Q` rather than `Ctrl-Q`, where room is short.
fn short_name(k: &Key) -> String {
    match (k.code, k.mods) {
        (KeyCode::Char(c), m) if m == KeyModifiers::CONTROL => {
            format!("^{}", c.to_ascii_uppercase())
        }
        _ => name(k, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn common_editor_keys_are_bound() {
        let editor = [Context::Tutorial, Context::Editor];
        let find = |code, mods| lookup(&ev(code, mods), &editor).map(|a| a.0);
        assert_eq!(
            find(K::Char('z'), KeyModifiers::CONTROL),
            Some(Action::Undo)
        );
        assert_eq!(
            find(K::Char('y'), KeyModifiers::CONTROL),
            Some(Action::Redo)
        );
        // Ctrl-Shift-Z as a terminal with the kitty protocol reports it.
        assert_eq!(
            find(K::Char('Z'), KeyModifiers::CONTROL | KeyModifiers::SHIFT),
            Some(Action::Redo)
        );
        assert_eq!(
            find(K::Char('v'), KeyModifiers::CONTROL),
            Some(Action::Paste)
        );
        assert_eq!(
            find(K::Char('a'), KeyModifiers::CONTROL),
            Some(Action::SelectAll)
        );
        assert_eq!(
            find(K::Char('f'), KeyModifiers::CONTROL),
            Some(Action::Find)
        );
        assert_eq!(
            find(K::F(10), KeyModifiers::NONE),
            Some(Action::Compare),
            "F10 runs the comparison"
        );
        // While it runs, Esc cancels it and every editing key still edits.
        let running = [
            Context::CompareRunning,
            Context::Always,
            Context::Tutorial,
            Context::Editor,
        ];
        let find_running = |code, mods| lookup(&ev(code, mods), &running).map(|a| a.0);
        assert_eq!(
            find_running(K::Esc, KeyModifiers::NONE),
            Some(Action::CancelCompare)
        );
        assert_eq!(
            find_running(K::Enter, KeyModifiers::NONE),
            Some(Action::Newline)
        );
        assert_eq!(
            find_running(K::Down, KeyModifiers::NONE),
            Some(Action::Move(Move::Down))
        );
        assert_eq!(find_running(K::Char('x'), KeyModifiers::NONE), None, "text");
        // The results with the keyboard: Enter opens the TODO they name.
        let focus = [Context::CompareFocus, Context::Always];
        assert_eq!(
            lookup(&ev(K::Enter, KeyModifiers::NONE), &focus).map(|a| a.0),
            Some(Action::OpenTodo)
        );
        assert_eq!(
            lookup(&ev(K::Left, KeyModifiers::SHIFT), &editor),
            Some((Action::Move(Move::Left), true))
        );
        assert_eq!(
            lookup(&ev(K::F(8), KeyModifiers::SHIFT), &editor),
            Some((Action::LessonUp, false))
        );
        // Plain letters are text, not commands.
        assert_eq!(find(K::Char('y'), KeyModifiers::NONE), None);
        assert_eq!(
            lookup(&ev(K::Char('Y'), KeyModifiers::SHIFT), &[Context::Confirm]),
            Some((Action::Yes, false))
        );
    }

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let overlapping =
                    a.context == b.context || [a.context, b.context].contains(&Context::Always);
                if overlapping {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{k:?} is bound twice");
                    }
                }
            }
        }
    }

    #[test]
    fn the_bar_drops_the_least_needed_labels_to_fit() {
        let all = |_, t: &'static str| Some(t.to_string());
        let ctx = [Context::Tutorial, Context::Always, Context::Editor];
        let wide = bar_text(&ctx, 400, false, all);
        assert!(
            wide.contains("F9 reset") && wide.contains("^Z undo"),
            "{wide}"
        );
        let narrow = bar_text(&ctx, 78, false, all);
        assert!(narrow.chars().count() <= 78, "{narrow}");
        assert!(
            narrow.contains("F1 help") && narrow.contains("^Q quit"),
            "{narrow}"
        );
        assert!(!narrow.contains("F9 reset"));
    }

    #[test]
    fn help_lists_every_tutorial_and_editor_binding() {
        let rows = help_rows(false);
        let count: usize = rows.iter().map(|(_, r)| r.len()).sum();
        let expected = BINDINGS
            .iter()
            .filter(|b| {
                matches!(
                    b.context,
                    Context::Tutorial
                        | Context::Always
                        | Context::Editor
                        | Context::Find
                        | Context::CompareRunning
                        | Context::CompareShown
                        | Context::CompareFocus
                )
            })
            .count();
        assert_eq!(count, expected);
        assert!(
            rows[1]
                .1
                .iter()
                .any(|(k, _)| k == "Ctrl-Y Ctrl-Shift-Z Ctrl-R")
        );
    }
}
