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

/// Lines longer than this (in bytes) are not highlighted.
pub const LONG_LINE: usize = 4096;

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

    /// Per line: its text, the parse state after it, and its style runs.
    pub fn cache(&self) -> &[(String, ParseState, LineStyles)] {
        &self.cache
    }

    fn syntax(&self) -> &SyntaxReference {
        &self.set.syntaxes()[0]
    }

    /// Brings the cache up to date with the first `upto` of `lines` (what is on screen and
    /// above it: a 30,000-line file is not highlighted before its first frame), re-parsing
    /// only from the first changed line until the parse state agrees with the old results
    /// again.
    pub fn update(&mut self, lines: &[String], upto: usize) -> &[(String, ParseState, LineStyles)] {
        let same = self
            .cache
            .iter()
            .zip(lines)
            .take_while(|(o, l)| o.0 == **l)
            .count();
        let shift = self.cache.len() as isize - lines.len() as isize;
        let mut fresh: Vec<(String, ParseState, LineStyles)> = Vec::new();
        let mut resume = None;
        let mut j = same;
        let limit = upto.min(lines.len());
        while j < limit {
            let state = fresh
                .last()
                .map(|c| c.1.clone())
                .or_else(|| same.checked_sub(1).map(|p| self.cache[p].1.clone()))
                .unwrap_or_else(|| ParseState::new(self.syntax()));
            // Past the edit, once a line and the state before it match the old results (at
            // the position the edit shifted them to), everything after is unchanged too.
            let o = j as isize + shift;
            if j > same && o > 0 && (o as usize) < self.cache.len() {
                let o = o as usize;
                if self.cache[o].0 == lines[j] && self.cache[o - 1].1 == state {
                    resume = Some(o);
                    break;
                }
            }
            let mut after = state;
            // A line longer than anyone reads is drawn plain: the grammar's regexes are
            // not worth seconds on a 600 KB word. No scope spans lines, so the state after
            // it is the state before.
            let styles = if lines[j].len() > LONG_LINE {
                Vec::new()
            } else {
                let line = format!("{}\n", lines[j]);
                let ops = after.parse_line(&line, &self.set).unwrap_or_default();
                // The grammar opens no scope that spans lines, so each line starts with none.
                self.styles(&line, &ops, &mut ScopeStack::new())
            };
            fresh.push((lines[j].clone(), after, styles));
            j += 1;
        }
        match resume {
            Some(o) => {
                let end = o.max(same).min(self.cache.len());
                self.cache.splice(same..end, fresh);
                self.cache.truncate(lines.len());
            }
            None => {
                // What lay past the edit is unknown until it is on screen.
                self.cache.truncate(same);
                self.cache.extend(fresh);
            }
        }
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
        // Character index of byte `last`, counted once along the line.
        let mut last_char = 0;
        for (byte, op) in ops {
            let byte = (*byte).min(line.len());
            if byte > last {
                let chars = last_char + line[last..byte].chars().count();
                out.push((last_char, chars, self.paint(stack)));
                last_char = chars;
                last = byte;
            }
            let _ = stack.apply(op);
        }
        if last < line.len() {
            let chars = last_char + line[last..].chars().count();
            out.push((last_char, chars, self.paint(stack)));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn incremental_update_matches_a_fresh_highlight() {
        let before = lines(
            "FROM python:3.11 AS builder\nRUN apt-get update \\\n  && apt-get install -y gcc\n# TODO 2: x\nCMD [\"gunicorn\"]\n",
        );
        let after = lines(
            "FROM python:3.11 AS builder\nRUN apt-get update\n  && apt-get install -y gcc\n# TODO 2: x\ncmd [\"gunicorn\"]\n",
        );
        let mut incremental = Highlighter::new(true).unwrap();
        incremental.update(&before, usize::MAX);
        let got: Vec<LineStyles> = incremental
            .update(&after, usize::MAX)
            .iter()
            .map(|c| c.2.clone())
            .collect();
        let mut fresh = Highlighter::new(true).unwrap();
        let want: Vec<LineStyles> = fresh
            .update(&after, usize::MAX)
            .iter()
            .map(|c| c.2.clone())
            .collect();
        assert_eq!(got, want);
        // Keywords are styled in any case; the TODO comment stands out.
        let keyword = |l: &LineStyles| l.iter().find(|(s, _, _)| *s == 0).map(|r| r.2);
        assert_eq!(keyword(&want[0]), keyword(&want[4]));
        assert_eq!(keyword(&want[3]).and_then(|s| s.fg), Some(Color::Yellow));
    }
}
