//! Dockerfile highlighting with syntect and the grammar in `assets/`, loaded into its own
//! small syntax set. Parse states are kept per line, so an edit re-highlights from the first
//! changed line only until the state matches again.

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use syntect::parsing::syntax_definition::SyntaxDefinition;
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet, SyntaxSetBuilder};

use crate::pack::files;

/// Style runs of one line: (start char, end char, style).
/// Cached per line: its text, the parse state after it, and its styles.
pub type LineStyles = Vec<(usize, usize, Style)>;

pub struct Highlighter {
    set: SyntaxSet,
    /// Per line: the text it was computed for, the parse state before it, and its styles.
    cache: Vec<(String, ParseState, LineStyles)>,
    color: bool,
}

fn load() -> Option<SyntaxSet> {
    let text = std::str::from_utf8(files::embedded(Path::new(
        "assets/Dockerfile.sublime-syntax",
    ))?)
    .ok()?;
    let def = SyntaxDefinition::load_from_str(text, true, None).ok()?;
    let mut builder = SyntaxSetBuilder::new();
    builder.add(def);
    Some(builder.build())
}

fn style_for(scopes: &ScopeStack) -> Style {
    let mut style = Style::default();
    for scope in scopes.as_slice() {
        let name = scope.build_string();
        style = if name.starts_with("comment.line.todo") {
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else if name.starts_with("comment") {
            Style::default().fg(Color::DarkGray)
        } else if name.starts_with("keyword.control") {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else if name.starts_with("keyword.operator") {
            Style::default().fg(Color::Magenta)
        } else if name.starts_with("entity.name") {
            Style::default()
                .fg(Color::LightGreen)
                .add_modifier(Modifier::BOLD)
        } else if name.starts_with("string") {
            Style::default().fg(Color::Green)
        } else if name.starts_with("variable.parameter") {
            Style::default().fg(Color::LightBlue)
        } else if name.starts_with("variable") {
            Style::default().fg(Color::Yellow)
        } else if name.starts_with("constant") {
            Style::default().fg(Color::LightMagenta)
        } else {
            style
        };
    }
    style
}

impl Highlighter {
    /// `color: false` (NO_COLOR) keeps only bold for keywords.
    pub fn new(color: bool) -> Option<Highlighter> {
        Some(Highlighter {
            set: load()?,
            cache: Vec::new(),
            color,
        })
    }

    fn syntax(&self) -> &SyntaxReference {
        &self.set.syntaxes()[0]
    }

    /// Styles for every line of `lines`, reusing what has not changed.
    pub fn update(&mut self, lines: &[String]) -> &[(String, ParseState, LineStyles)] {
        let fresh = ParseState::new(self.syntax());
        let old = std::mem::take(&mut self.cache);
        // Lines before the first change keep their results.
        let same = old
            .iter()
            .zip(lines)
            .take_while(|(o, l)| o.0 == **l)
            .count();
        let mut cache: Vec<_> = old[..same].to_vec();
        let shift = old.len() as isize - lines.len() as isize;
        let mut j = same;
        while j < lines.len() {
            let state = cache.last().map_or_else(|| fresh.clone(), |c| c.1.clone());
            // Past the edit, once a line and the state before it match the old results (at
            // the position the edit shifted them to), everything after is unchanged too.
            let o = j as isize + shift;
            if j > same && o > 0 && (o as usize) < old.len() {
                let o = o as usize;
                if old[o].0 == lines[j] && old[o - 1].1 == state {
                    cache.extend_from_slice(&old[o..]);
                    break;
                }
            }
            let mut after = state;
            let line = format!("{}\n", lines[j]);
            let ops = after.parse_line(&line, &self.set).unwrap_or_default();
            // The grammar opens no scope that spans lines, so each line starts with none.
            let styles = self.styles(&line, &ops, &mut ScopeStack::new());
            cache.push((lines[j].clone(), after, styles));
            j += 1;
        }
        cache.truncate(lines.len());
        self.cache = cache;
        &self.cache
    }

    fn styles(
        &self,
        line: &str,
        ops: &[(usize, syntect::parsing::ScopeStackOp)],
        stack: &mut ScopeStack,
    ) -> LineStyles {
        let mut out = Vec::new();
        let mut last = 0;
        let char_index = |byte: usize| line[..byte.min(line.len())].chars().count();
        for (byte, op) in ops {
            if *byte > last {
                out.push((char_index(last), char_index(*byte), self.paint(stack)));
            }
            let _ = stack.apply(op);
            last = *byte;
        }
        if last < line.len() {
            out.push((char_index(last), char_index(line.len()), self.paint(stack)));
        }
        out
    }

    fn paint(&self, stack: &ScopeStack) -> Style {
        let s = style_for(stack);
        if self.color {
            s
        } else {
            Style::default().add_modifier(s.add_modifier & Modifier::BOLD)
        }
    }
}
