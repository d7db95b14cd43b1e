//! The stage diagram: a model built from facts, and a text layout that fits any width.
//! `analyze` prints the lines; the TUI styles them (dimmed stages, the final stage marked).

use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::sizes::StageSize;
use crate::facts::Facts;
use crate::text::printable;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageBox {
    pub index: usize,
    pub name: String,
    pub base: String,
    /// Distinct instruction keywords after FROM, in order of first use.
    pub instructions: Vec<String>,
    pub size_mb: u32,
    pub is_final: bool,
    /// The final image depends on this stage.
    pub needed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// `COPY --from=builder /opt/venv → /opt/venv`, or `FROM builder`.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagram {
    pub boxes: Vec<StageBox>,
    pub edges: Vec<Edge>,
}

pub fn build(facts: &Facts, sizes: &[StageSize]) -> Diagram {
    let last = facts.stages.len().saturating_sub(1);
    let boxes = facts
        .stages
        .iter()
        .map(|s| {
            let mut instructions: Vec<String> = Vec::new();
            for i in s.instructions.iter().skip(1) {
                if !instructions.iter().any(|k| k == i.value) {
                    instructions.push(i.value.to_string());
                }
            }
            StageBox {
                index: s.index,
                name: printable(s.name.as_deref().unwrap_or("(unnamed)")).into_owned(),
                base: printable(&s.base.text).into_owned(),
                instructions,
                size_mb: sizes.get(s.index).map_or(0, |z| z.total),
                is_final: s.index == last,
                needed: facts.needed.get(s.index).copied().unwrap_or(true),
            }
        })
        .collect();
    let mut edges = Vec::new();
    for s in &facts.stages {
        if let Some(p) = s.parent {
            edges.push(Edge {
                from: p,
                to: s.index,
                label: printable(&format!("FROM {}", facts.stages[p].label())).into_owned(),
            });
        }
        for c in &s.copies {
            if let Some(from) = c.from.as_ref().and_then(|f| f.stage.map(|st| (f, st))) {
                edges.push(Edge {
                    from: from.1,
                    to: s.index,
                    label: printable(&format!(
                        "COPY --from={} {} → {}",
                        from.0.text,
                        c.sources.join(" "),
                        c.dest
                    ))
                    .into_owned(),
                });
            }
        }
    }
    Diagram { boxes, edges }
}

impl Diagram {
    /// At most `max` boxes: the first and last halves, and a note of how many are left out
    /// (a diagram of thousands of stages helps nobody, and costs memory to draw).
    pub fn trimmed(&self, max: usize) -> (Diagram, usize) {
        let n = self.boxes.len();
        if n <= max {
            return (self.clone(), 0);
        }
        let keep = |i: usize| i < max / 2 || i >= n - (max - max / 2);
        let boxes = self
            .boxes
            .iter()
            .filter(|b| keep(b.index))
            .cloned()
            .collect();
        let edges = self
            .edges
            .iter()
            .filter(|e| keep(e.from) && keep(e.to))
            .cloned()
            .collect();
        (Diagram { boxes, edges }, n - max)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Part of the box of stage n.
    Box(usize),
    /// An arrow between stages.
    Arrow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramLine {
    pub text: String,
    pub kind: LineKind,
}

struct Glyphs {
    tl: char,
    tr: char,
    bl: char,
    br: char,
    h: char,
    v: char,
    down: char,
}

const UNICODE: Glyphs = Glyphs {
    tl: '┌',
    tr: '┐',
    bl: '└',
    br: '┘',
    h: '─',
    v: '│',
    down: '▼',
};
const ASCII: Glyphs = Glyphs {
    tl: '+',
    tr: '+',
    bl: '+',
    br: '+',
    h: '-',
    v: '|',
    down: 'v',
};

/// Lays the diagram out in at most `width` columns: boxes sized to their content (never
/// wider than the width), text wrapped inside them, arrows labelled with what they carry.
pub fn render(diagram: &Diagram, width: usize, ascii: bool) -> Vec<DiagramLine> {
    let g = if ascii { &ASCII } else { &UNICODE };
    let mut out = Vec::new();
    if width < 12 {
        // Too narrow for boxes: one line per stage.
        for b in &diagram.boxes {
            out.push(DiagramLine {
                text: clip(
                    &format!("{}{}", b.index + 1, if b.is_final { "*" } else { "" }),
                    width,
                ),
                kind: LineKind::Box(b.index),
            });
        }
        return out;
    }
    // Edges grouped by the box they enter, once, rather than searched for every box.
    let position = |index: usize| diagram.boxes.binary_search_by_key(&index, |b| b.index).ok();
    let mut incoming: Vec<Vec<&Edge>> = vec![Vec::new(); diagram.boxes.len()];
    for e in &diagram.edges {
        if let Some(list) = position(e.to).and_then(|p| incoming.get_mut(p)) {
            list.push(e);
        }
    }
    for (i, b) in diagram.boxes.iter().enumerate() {
        if i > 0 {
            let incoming = incoming.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let skipped = b.index - diagram.boxes[i - 1].index - 1;
            if skipped > 0 {
                out.push(DiagramLine {
                    text: clip(&format!("   {}  ({skipped} stages not shown)", g.v), width),
                    kind: LineKind::Arrow,
                });
            }
            out.push(DiagramLine {
                text: format!("   {}", g.v),
                kind: LineKind::Arrow,
            });
            for e in incoming {
                let label = if ascii {
                    e.label.replace('→', "->")
                } else {
                    e.label.clone()
                };
                for (k, piece) in wrap(&label, width.saturating_sub(6).max(1))
                    .into_iter()
                    .enumerate()
                {
                    let lead = if k == 0 {
                        format!("   {}  ", g.v)
                    } else {
                        format!("   {}    ", g.v)
                    };
                    out.push(DiagramLine {
                        text: clip(&format!("{lead}{piece}"), width),
                        kind: LineKind::Arrow,
                    });
                }
            }
            out.push(DiagramLine {
                text: format!("   {}", g.down),
                kind: LineKind::Arrow,
            });
        }
        let marker = if b.is_final {
            " (final)"
        } else if !b.needed {
            " (unused)"
        } else {
            ""
        };
        let mut content = vec![
            format!("Stage {}: {}{marker}", b.index + 1, b.name),
            format!("Base: {}", b.base),
        ];
        if !b.instructions.is_empty() {
            content.push(format!("Instructions: {}", b.instructions.join(", ")));
        }
        content.push(format!("Size: ~{} MB", b.size_mb));
        let inner_max = width.saturating_sub(4).max(1);
        let wrapped: Vec<String> = content.iter().flat_map(|c| wrap(c, inner_max)).collect();
        let inner = wrapped
            .iter()
            .map(|l| l.width())
            .max()
            .unwrap_or(0)
            .min(inner_max);
        let kind = LineKind::Box(b.index);
        let rule: String = std::iter::repeat_n(g.h, inner + 2).collect();
        out.push(DiagramLine {
            text: format!("{}{rule}{}", g.tl, g.tr),
            kind,
        });
        for l in wrapped {
            let l = clip(&l, inner);
            let pad = inner - l.width().min(inner);
            out.push(DiagramLine {
                text: format!("{} {l}{} {}", g.v, " ".repeat(pad), g.v),
                kind,
            });
        }
        out.push(DiagramLine {
            text: format!("{}{rule}{}", g.bl, g.br),
            kind,
        });
    }
    out
}

/// The longest start of `s` that fits in `width` terminal columns.
fn clip(s: &str, width: usize) -> String {
    let mut used = 0;
    s.chars()
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= width
        })
        .collect()
}

/// Wraps at spaces (after commas, so instruction lists break cleanly), in terminal columns;
/// words longer than the width are cut. One pass over the text, whatever its shape.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(1))
        .break_words(true)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let lines: Vec<String> = textwrap::wrap(text, options)
        .into_iter()
        .map(|l| clip(&l, width))
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Params;
    use crate::{facts, report::sizes, syntax};

    fn diagram(text: &str) -> Diagram {
        let f = facts::derive(&syntax::parse(text));
        build(&f, &sizes::estimate(&f, &Params::default()))
    }

    #[test]
    fn edges_and_unused_stages() {
        let d = diagram(
            "FROM python:3.11-slim AS builder\nRUN pip install x\nFROM alpine:3.19 AS unused\nFROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv\n",
        );
        assert_eq!(d.edges.len(), 1);
        assert_eq!(
            d.edges[0].label,
            "COPY --from=builder /opt/venv → /opt/venv"
        );
        assert!(!d.boxes[1].needed && d.boxes[0].needed && d.boxes[2].is_final);
    }

    #[test]
    fn control_characters_never_reach_the_screen() {
        // Found by the fuzzer: a \u{1} counted as no column made a box one column too wide.
        let d = diagram("FROM UUU\u{1}:ltsc AS b\u{1b}[2J\nFROM python:3.11-slim\n");
        for width in [12, 40] {
            for line in render(&d, width, false) {
                assert!(line.text.width() <= width, "{:?}", line.text);
                assert!(!line.text.chars().any(char::is_control), "{:?}", line.text);
            }
        }
    }

    #[test]
    fn wide_characters_and_long_words_fit() {
        let d = diagram(&format!(
            "FROM python:3.11 AS 構築段階の名前がとても長い\nFROM {}\nCOPY --from=構築段階の名前がとても長い /opt/venv /opt/venv\n",
            "x".repeat(5000)
        ));
        for width in [12, 20, 41, 76] {
            let lines = render(&d, width, false);
            for line in &lines {
                assert!(line.text.width() <= width, "{width}: {:?}", line.text);
            }
            // Every box closes: its lines are all as wide as its top.
            assert!(lines.iter().any(|l| l.text.contains("構築")));
        }
    }

    #[test]
    fn never_wider_than_asked() {
        let d = diagram(include_str!("../../solutions/venv.Dockerfile"));
        for width in [8, 12, 20, 30, 44, 80, 200] {
            for line in render(&d, width, false) {
                assert!(line.text.width() <= width, "{width}: {:?}", line.text);
            }
        }
        let wide = render(&d, 200, true);
        assert!(
            wide.iter()
                .any(|l| l.text.contains("COPY --from=builder /opt/venv"))
        );
        assert!(wide.iter().all(|l| l.text.is_ascii()));
    }
}
