//! An open document's text, and positions as LSP counts them: lines split at `\n`, `\r\n`
//! or a lone `\r`, columns in UTF-16 code units. Every position a client sends is clamped
//! into the text (a column past the end of its line is the line's end, a line past the end
//! is the end of the text, a column inside a surrogate pair is the start of its character),
//! so no edit can panic or leave the text split inside a character.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Where each line starts, as byte offsets into the text.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Lines as LSP counts them: `\n`, `\r\n` and a lone `\r` each end one.
    pub fn lsp(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// Lines as Docker (and the syntax layer) count them: only `\n` ends one.
    pub fn newlines(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of line `line` (0-based) without its line ending.
    pub fn line_span(&self, text: &str, line: usize) -> (usize, usize) {
        let Some(&start) = self.starts.get(line) else {
            return (text.len(), text.len());
        };
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end)
    }

    /// The line's text without its line ending ("" past the end).
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let (s, e) = self.line_span(text, line);
        &text[s..e]
    }

    /// The byte offset of an LSP position, clamped into the text.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (start, end) = self.line_span(text, line);
        start + utf16_to_byte(&text[start..end], pos.character as usize)
    }

    /// The LSP position of a byte offset (clamped to the text, and down to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let (start, end) = self.line_span(text, line);
        // An offset inside a `\r\n` counts as the end of the line.
        let column = text[start..offset.min(end)].encode_utf16().count();
        Position::new(to_u32(line), to_u32(column))
    }

    /// The byte offset of a 1-based line and 1-based column counted in characters (as the
    /// syntax layer gives them), clamped to that line.
    pub fn char_offset(&self, text: &str, line: usize, column: usize) -> usize {
        let (start, end) = self.line_span(text, line.saturating_sub(1));
        let within = &text[start..end];
        start
            + within
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(within.len(), |(i, _)| i)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The byte length of the first `units` UTF-16 code units of `line`, clamped to the line
/// and rounded down to a character boundary.
fn utf16_to_byte(line: &str, units: usize) -> usize {
    let mut seen = 0;
    for (i, c) in line.char_indices() {
        let next = seen + c.len_utf16();
        if next > units {
            return i;
        }
        seen = next;
    }
    line.len()
}

/// An open document: its text, the version the client gave it, and its line index.
#[derive(Debug)]
pub struct Document {
    pub version: i32,
    text: String,
    index: LineIndex,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let index = LineIndex::lsp(&text);
        Document {
            version,
            text,
            index,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    /// Applies a `didChange`'s edits in order: a change without a range replaces the text;
    /// a range is clamped into the text (and its ends put in order).
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(Range { start, end }) => {
                    let a = self.index.offset(&self.text, start);
                    let b = self.index.offset(&self.text, end);
                    let (a, b) = (a.min(b), a.max(b));
                    self.text.replace_range(a..b, &change.text);
                }
            }
            self.index = LineIndex::lsp(&self.text);
        }
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_as_two() {
        // "é" is one UTF-16 unit (2 bytes), "🐳" two (4 bytes).
        let text = "FROM é🐳x\nRUN y\r\nCMD z";
        let ix = LineIndex::lsp(text);
        assert_eq!(ix.offset(text, pos(0, 5)), 5);
        assert_eq!(ix.offset(text, pos(0, 6)), 7);
        // Inside the surrogate pair: the start of the whale.
        assert_eq!(ix.offset(text, pos(0, 7)), 7);
        assert_eq!(ix.offset(text, pos(0, 8)), 11);
        assert_eq!(&text[ix.offset(text, pos(0, 8))..][..1], "x");
        // Past the end of a line: its end, before the line ending.
        assert_eq!(ix.offset(text, pos(1, 99)), text.find("\r\n").unwrap());
        assert_eq!(ix.offset(text, pos(9, 0)), text.len());
        assert_eq!(ix.position(text, 11), pos(0, 8));
        assert_eq!(ix.position(text, text.len()), pos(2, 5));
        assert_eq!(ix.position(text, 8), pos(0, 6), "inside 🐳: its start");
    }

    #[test]
    fn a_lone_carriage_return_ends_an_lsp_line_not_a_docker_one() {
        let text = "a\rb\nc";
        assert_eq!(LineIndex::lsp(text).line_count(), 3);
        assert_eq!(LineIndex::newlines(text).line_count(), 2);
        assert_eq!(LineIndex::lsp(text).line(text, 1), "b");
    }

    #[test]
    fn edits_apply_in_order_and_clamp() {
        let mut d = Document::new("FROM python:3.11\n".into(), 1);
        d.apply(
            vec![
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(pos(0, 16), pos(0, 16))),
                    range_length: None,
                    text: " AS builder".into(),
                },
                // Reversed ends and a line far past the end.
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(pos(40, 0), pos(1, 0))),
                    range_length: None,
                    text: "é".into(),
                },
            ],
            2,
        );
        assert_eq!(d.text(), "FROM python:3.11 AS builder\né");
        assert_eq!(d.version, 2);
    }
}
