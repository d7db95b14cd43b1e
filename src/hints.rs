//! Hint templates: a lesson's hints and solution may name the learner's own choices with
//! `{placeholders}` (`{build_stage}`, `{line}`, ...), filled in from the facts of their
//! Dockerfile when shown. `{{` and `}}` are literal braces. `lessons validate` rejects a
//! template that names an unknown placeholder.

/// Every placeholder, with what it becomes (documented in `lessons/README.md`).
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    (
        "build_stage",
        "the name the learner gave their build stage (`builder` while it has none)",
    ),
    (
        "runtime_stage",
        "the name of the final stage (`runtime` while it has none)",
    ),
    (
        "line",
        "the line the lesson's first failing check points at (else its `# TODO` comment)",
    ),
    ("line_text", "the text of that line, trimmed"),
    ("port", "the exercise's port (`parameters.port`)"),
    (
        "app_module",
        "what the WSGI server serves (`parameters.app_module`)",
    ),
    (
        "requirements_file",
        "the requirements file (`parameters.requirements_file`)",
    ),
];

/// A problem in a template, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
}

enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str, usize),
}

/// Splits a template in one pass; errors for an unclosed `{` or a lone `}`.
fn pieces(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(i) = rest.find(['{', '}']) {
        out.push(Piece::Text(&rest[..i]));
        let brace = &rest[i..i + 1];
        let after = &rest[i + 1..];
        let doubled = after.starts_with(brace);
        if doubled {
            out.push(Piece::Text(brace));
            rest = &after[1..];
            offset += i + 2;
            continue;
        }
        if brace == "}" {
            return Err(TemplateError {
                offset: offset + i,
                message: "a lone `}` (write `}}` for a brace)".into(),
            });
        }
        let Some(end) = after.find('}') else {
            return Err(TemplateError {
                offset: offset + i,
                message: "`{` is never closed (write `{{` for a brace)".into(),
            });
        };
        out.push(Piece::Placeholder(&after[..end], offset + i));
        rest = &after[end + 1..];
        offset += i + 1 + end + 1;
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

/// The problems of a template: unknown placeholders, unbalanced braces.
pub fn check(template: &str) -> Vec<TemplateError> {
    match pieces(template) {
        Err(e) => vec![e],
        Ok(pieces) => pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Placeholder(name, offset)
                    if !PLACEHOLDERS.iter().any(|(known, _)| known == name) =>
                {
                    let known: Vec<String> = PLACEHOLDERS
                        .iter()
                        .map(|(k, _)| format!("{{{k}}}"))
                        .collect();
                    Some(TemplateError {
                        offset: *offset,
                        message: format!(
                            "unknown placeholder `{{{name}}}`; known: {}",
                            known.join(", ")
                        ),
                    })
                }
                _ => None,
            })
            .collect(),
    }
}

/// Fills a template from `value`; a template with errors is shown as written.
pub fn expand(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let Ok(pieces) = pieces(template) else {
        return template.to_string();
    };
    let mut out = String::with_capacity(template.len());
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Placeholder(name, _) => match value(name) {
                Some(v) => out.push_str(&v),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(name: &str) -> Option<String> {
        match name {
            "build_stage" => Some("build-deps".into()),
            "line" => Some("4".into()),
            _ => None,
        }
    }

    #[test]
    fn placeholders_are_filled_and_braces_escaped() {
        assert_eq!(
            expand("COPY --from={build_stage} (line {line}) {{x}}", values),
            "COPY --from=build-deps (line 4) {x}"
        );
        assert_eq!(expand("no braces", values), "no braces");
    }

    #[test]
    fn bad_templates_are_reported_where_they_go_wrong() {
        assert!(check("COPY --from={build_stage} {{ok}}").is_empty());
        let e = check("see {bulid_stage}");
        assert_eq!(e[0].offset, 4);
        assert!(e[0].message.contains("unknown placeholder `{bulid_stage}`"));
        assert_eq!(check("a { b")[0].offset, 2);
        assert_eq!(check("a } b")[0].offset, 2);
    }
}

#[cfg(test)]
mod docs {
    #[test]
    fn the_pack_guide_lists_every_placeholder() {
        let guide = include_str!("../lessons/README.md");
        for (name, what) in super::PLACEHOLDERS {
            assert!(
                guide.contains(&format!("| `{{{name}}}` | {what} |")),
                "lessons/README.md lacks {{{name}}}"
            );
        }
    }
}
