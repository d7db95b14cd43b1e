//! Words as BuildKit reads them, for the instructions whose arguments are name=value pairs
//! (ENV, ARG) or plain words (COPY, ADD): `parseWords` and `parseNameVal` of BuildKit's
//! `frontend/dockerfile/parser/line_parsers.go`, and the quote and escape removal of its
//! shell lexer (`frontend/dockerfile/shell/lex.go`). Variable references are kept, for the
//! facts to expand with what the stage knows; a reference a quote ended is braced
//! (`"$P"gcc` → `${P}gcc`), so it still names `P` once the quotes are gone.

/// Whitespace-separated words; quotes are kept (and hold spaces), an escape character keeps
/// the character after it, and one at the very end is dropped (BuildKit's `parseWords`).
pub fn parse_words(rest: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    // A quoted empty word (`""`) is still a word.
    let mut blank_ok = false;
    let mut quote: Option<char> = None;
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            None if c.is_whitespace() => {
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                blank_ok = false;
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    blank_ok = true;
                }
                if c == escape {
                    // An escape at the very end is dropped.
                    if let Some(n) = chars.next() {
                        word.push(c);
                        word.push(n);
                    }
                    continue;
                }
                word.push(c);
            }
            Some(q) => {
                if c == q {
                    quote = None;
                }
                if c == escape && q != '\'' {
                    match chars.next() {
                        Some(n) => {
                            word.push(c);
                            word.push(n);
                        }
                        None => quote = None,
                    }
                    continue;
                }
                word.push(c);
            }
        }
    }
    if blank_ok || !word.is_empty() {
        words.push(word);
    }
    words
}

/// A word with its quotes and escapes removed as BuildKit's lexer removes them, variable
/// references kept. `Err` says what BuildKit stops the build with (a quote or `${` never
/// closed).
pub fn unquote(word: &str, escape: char) -> Result<String, String> {
    let chars: Vec<char> = word.chars().collect();
    let mut lexer = Lexer {
        chars: &chars,
        at: 0,
        escape,
    };
    lexer.until(None)
}

struct Lexer<'a> {
    chars: &'a [char],
    at: usize,
    escape: char,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    /// Up to `stop` (consumed) or the end.
    fn until(&mut self, stop: Option<char>) -> Result<String, String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.at += 1;
                return Ok(out);
            }
            match c {
                '\'' => out.push_str(&self.single_quoted()?),
                '"' => out.push_str(&self.double_quoted()?),
                '$' => out.push_str(&self.dollar()?),
                _ => {
                    self.at += 1;
                    if c == self.escape {
                        match self.next() {
                            Some(n) => out.push(n),
                            None => break,
                        }
                    } else {
                        out.push(c);
                    }
                }
            }
        }
        match stop {
            Some(s) => Err(format!(
                "unexpected end of statement while looking for matching {s}"
            )),
            None => Ok(out),
        }
    }

    fn single_quoted(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    );
                }
                Some('\'') => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quoted(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    );
                }
                Some('"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some('$') => out.push_str(&self.dollar()?),
                Some(c) => {
                    self.at += 1;
                    if c == self.escape {
                        match self.peek() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                self.at += 1;
                                out.push(n);
                                continue;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    /// `$NAME`, `${NAME}`, `${NAME:-word}` …, kept as a reference.
    fn dollar(&mut self) -> Result<String, String> {
        self.at += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".into());
            }
            // Braced when what follows could join the name once quotes are gone.
            let joins = self
                .peek()
                .is_some_and(|c| c == '"' || c == '\'' || c == self.escape);
            return Ok(if joins {
                format!("${{{name}}}")
            } else {
                format!("${name}")
            });
        }
        self.at += 1;
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.name();
        let Some(c) = self.next() else {
            return Err("syntax error: missing '}'".into());
        };
        match c {
            '}' => Ok(format!("${{{name}}}")),
            ':' | '+' | '-' | '?' | '#' | '%' | '/' => {
                let mut modifier = c.to_string();
                if c == ':' {
                    match self.next() {
                        Some(m @ ('+' | '-' | '?')) => modifier.push(m),
                        Some(m) => {
                            return Err(format!("unsupported modifier ({c}{m}) in substitution"));
                        }
                        None => return Err("syntax error: missing '}'".into()),
                    }
                }
                let word = if matches!(c, '#' | '%' | '/') {
                    // Patterns keep their text as written.
                    let mut raw = String::new();
                    loop {
                        match self.next() {
                            None => return Err("syntax error: missing '}'".into()),
                            Some('}') => break raw,
                            Some(ch) => raw.push(ch),
                        }
                    }
                } else {
                    self.until(Some('}'))
                        .map_err(|_| "syntax error: missing '}'".to_string())?
                };
                Ok(format!("${{{name}{modifier}{word}}}"))
            }
            other => Err(format!("unsupported modifier ({other}) in substitution")),
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    self.at += 1;
                    name.push(d);
                }
                return name;
            }
            Some(c @ ('@' | '*' | '#' | '?' | '-' | '$' | '!')) => {
                self.at += 1;
                return c.to_string();
            }
            _ => {}
        }
        while let Some(c) = self.peek().filter(|c| c.is_alphanumeric() || *c == '_') {
            self.at += 1;
            name.push(c);
        }
        name
    }
}

/// ENV's pairs: `NAME=value …`, or the old `NAME value` (the rest of the line is the
/// value), each value unquoted.
pub fn env_pairs(rest: &str, escape: char) -> Result<Vec<(String, String)>, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Err("ENV needs `NAME=value`, e.g. `ENV PATH=\"/opt/venv/bin:$PATH\"`".into());
    };
    if !first.contains('=') {
        let rest = rest.trim();
        let Some((name, value)) = rest.split_once(char::is_whitespace) else {
            return Err(format!(
                "ENV {name} needs a value: write `ENV {name}=value`",
                name = rest
            ));
        };
        return Ok(vec![(
            unquote(name, escape)?,
            unquote(value.trim_start(), escape)?,
        )]);
    }
    words
        .iter()
        .map(|w| {
            let Some((name, value)) = w.split_once('=') else {
                return Err(format!(
                    "`{w}` has no `=`: ENV takes `NAME=value` pairs (quote a value with spaces)"
                ));
            };
            let name = unquote(name, escape)?;
            if name.is_empty() {
                return Err("ENV names can not be blank".into());
            }
            Ok((name, unquote(value, escape)?))
        })
        .collect()
}

/// ARG's declarations: `NAME`, `NAME=value` (an empty value included), several per line.
pub fn arg_pairs(rest: &str, escape: char) -> Result<Vec<(String, Option<String>)>, String> {
    let words = parse_words(rest, escape);
    if words.is_empty() {
        return Err("ARG needs a name, e.g. `ARG PYTHON_VERSION=3.11`".into());
    }
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some(("", _)) => Err("ARG names can not be blank".into()),
            Some((name, value)) => Ok((name.to_string(), Some(unquote(value, escape)?))),
            None => Ok((w.clone(), None)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_quotes_and_escapes() {
        assert_eq!(
            parse_words(r#"a="x y" b=c\ d  'e f'"#, '\\'),
            vec![r#"a="x y""#, r"b=c\ d", "'e f'"]
        );
        assert_eq!(parse_words(r#"x="" y"#, '\\'), vec![r#"x="""#, "y"]);
        assert_eq!(parse_words("trailing\\", '\\'), vec!["trailing"]);
    }

    #[test]
    fn unquoting_follows_buildkit() {
        let u = |w: &str| unquote(w, '\\').unwrap();
        assert_eq!(u(r#""value value1""#), "value value1");
        assert_eq!(u(r"value\ value2"), "value value2");
        assert_eq!(
            u(r#""value'quote space'value2""#),
            "value'quote space'value2"
        );
        assert_eq!(
            u(r#"'value"double quote"value2'"#),
            r#"value"double quote"value2"#
        );
        assert_eq!(u(r#""a\"b""#), r#"a"b"#);
        assert_eq!(u(r#""a\'b""#), r"a\'b");
        assert_eq!(u(r"'a\'b"), r"a\b");
        assert_eq!(u(r#""''""#), "''");
        assert_eq!(u(r#""$P"gcc"#), "${P}gcc");
        assert_eq!(u("/opt/venv/bin:$PATH"), "/opt/venv/bin:$PATH");
        assert_eq!(u(r#"${VAR:+"--flag $VAR"}"#), "${VAR:+--flag ${VAR}}");
        assert_eq!(u("${A:-x}${B}"), "${A:-x}${B}");
        assert_eq!(unquote(r"C:\tools", '`').unwrap(), r"C:\tools");
        assert!(unquote("\"open", '\\').is_err());
        assert!(unquote("${A", '\\').is_err());
    }

    #[test]
    fn env_in_both_forms() {
        assert_eq!(
            env_pairs("name value with spaces", '\\').unwrap(),
            vec![("name".to_string(), "value with spaces".to_string())]
        );
        assert_eq!(
            env_pairs(r#"A="$P"gcc B='x y'"#, '\\').unwrap(),
            vec![
                ("A".to_string(), "${P}gcc".to_string()),
                ("B".to_string(), "x y".to_string())
            ]
        );
        assert!(env_pairs("A=1 B", '\\').is_err());
        assert!(env_pairs("name", '\\').is_err());
    }

    #[test]
    fn args_with_empty_and_many() {
        assert_eq!(
            arg_pairs(r#"foo bar=baz X= Q="a b""#, '\\').unwrap(),
            vec![
                ("foo".to_string(), None),
                ("bar".to_string(), Some("baz".to_string())),
                ("X".to_string(), Some(String::new())),
                ("Q".to_string(), Some("a b".to_string())),
            ]
        );
        assert!(arg_pairs("=x", '\\').is_err());
    }
}
