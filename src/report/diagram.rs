//! The stage diagram: a model built from facts, and a text layout that fits any width.
//! `analyze` prints the lines; the TUI styles them (dimmed stages, the final stage marked).

use serde::Serialize;

use super::sizes::StageSize;
use crate::facts::Facts;

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
                if !instructions.contains(&i.value) {
                    instructions.push(i.value.clone());
                }
            }
            StageBox {
                index: s.index,
                name: s.name.clone().unwrap_or_else(|| "(unnamed)".into()),
                base: s.base.text.clone(),
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
                label: format!("FROM {}", facts.stages[p].label()),
            });
        }
        for c in &s.copies {
            if let Some(from) = c.from.as_ref().and_then(|f| f.stage.map(|st| (f, st))) {
                edges.push(Edge {
                    from: from.1,
                    to: s.index,
                    label: format!(
                        "COPY --from={} {} → {}",
                        from.0.text,
                        c.sources.join(" "),
                        c.dest
                    ),
                });
            }
        }
    }
    Diagram { boxes, edges }
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
    for (i, b) in diagram.boxes.iter().enumerate() {
        if i > 0 {
            let incoming: Vec<&Edge> = diagram.edges.iter().filter(|e| e.to == b.index).collect();
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
            .map(|l| l.chars().count())
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
            let pad = inner - l.chars().count().min(inner);
            out.push(DiagramLine {
                text: format!("{} {}{} {}", g.v, clip(&l, inner), " ".repeat(pad), g.v),
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

fn clip(s: &str, width: usize) -> String {
    s.chars().take(width).collect()
}

/// Wraps at spaces (after commas, so instruction lists break cleanly); words longer than the
/// width are broken. One pass over the text (textwrap), so a 600 KB image name costs
/// milliseconds, not seconds.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(1))
        .break_words(true)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let lines: Vec<String> = textwrap::wrap(text, &options)
        .into_iter()
        .map(|l| l.into_owned())
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
    fn never_wider_than_asked() {
        let d = diagram(include_str!("../../solutions/venv.Dockerfile"));
        for width in [8, 12, 20, 30, 44, 80, 200] {
            for line in render(&d, width, false) {
                assert!(
                    line.text.chars().count() <= width,
                    "{width}: {:?}",
                    line.text
                );
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
