//! Shell text of a RUN → commands and words, so rules see `apt-get install -y gcc` rather
//! than a string. The split at control operators (`&&`, `||`, `;`, `|`, `&`, newlines) is
//! done here because it must respect quotes; the words of each command are then split by the
//! `shlex` crate (POSIX quoting and escapes).

/// How a command is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joiner {
    First,
    And,
    Or,
    Semicolon,
    Pipe,
    Background,
    Newline,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellCommand {
    pub joiner: Joiner,
    /// The words, with leading `VAR=value` assignments and `sudo` removed.
    pub words: Vec<String>,
}

impl ShellCommand {
    pub fn program(&self) -> &str {
        self.words.first().map(String::as_str).unwrap_or("")
    }

    /// The program name without its directory (`/usr/bin/apt-get` → `apt-get`).
    pub fn program_name(&self) -> &str {
        let p = self.program();
        p.rsplit('/').next().unwrap_or(p)
    }

    pub fn args(&self) -> &[String] {
        self.words.get(1..).unwrap_or(&[])
    }

    pub fn has_flag(&self, names: &[&str]) -> bool {
        self.args().iter().any(|w| {
            names
                .iter()
                .any(|n| w == n || (w.starts_with(n) && w[n.len()..].starts_with('=')))
        }) || self
            .short_flags()
            .any(|c| names.iter().any(|n| n.len() == 2 && n.ends_with(c)))
    }

    /// Single-letter flags, including bundled ones (`-yq` → y, q).
    fn short_flags(&self) -> impl Iterator<Item = char> + '_ {
        self.args()
            .iter()
            .filter(|w| w.starts_with('-') && !w.starts_with("--") && w.len() > 2)
            .flat_map(|w| w.chars().skip(1))
    }

    /// The value of an option: `--bind X`, `--bind=X`, `-b X`, `-bX`.
    pub fn option_value(&self, names: &[&str]) -> Option<&str> {
        let args = self.args();
        for (i, w) in args.iter().enumerate() {
            for n in names {
                if w == n {
                    return args.get(i + 1).map(String::as_str);
                }
                if let Some(v) = w.strip_prefix(n) {
                    if let Some(v) = v.strip_prefix('=') {
                        return Some(v);
                    }
                    if n.len() == 2 && !n.starts_with("--") && !v.is_empty() {
                        return Some(v);
                    }
                }
            }
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub commands: Vec<ShellCommand>,
    /// `set -e` (or `-eu`, `-o errexit`) appears, so `;` stops on failure like `&&`.
    pub errexit: bool,
}

impl Script {
    pub fn from_words(words: Vec<String>) -> Self {
        let mut script = Script::default();
        push_command(&mut script, Joiner::First, words);
        script
    }
}

/// Splits shell text into commands.
pub fn parse(text: &str) -> Script {
    let mut script = Script::default();
    let mut current = String::new();
    let mut joiner = Joiner::First;
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    let mut at_word_start = true;

    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            current.push(c);
            if c == q {
                quote = None;
            } else if c == '\\'
                && q == '"'
                && let Some(n) = chars.next()
            {
                current.push(n);
            }
            continue;
        }
        let next_joiner = match c {
            '\'' | '"' => {
                quote = Some(c);
                current.push(c);
                at_word_start = false;
                continue;
            }
            '\\' => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
                at_word_start = false;
                continue;
            }
            '#' if at_word_start => {
                // A comment runs to the end of the line.
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
                continue;
            }
            '&' if chars.peek() == Some(&'&') => {
                chars.next();
                Joiner::And
            }
            '|' if chars.peek() == Some(&'|') => {
                chars.next();
                Joiner::Or
            }
            '|' => Joiner::Pipe,
            '&' => Joiner::Background,
            ';' => Joiner::Semicolon,
            '\n' => Joiner::Newline,
            // Grouping is treated as a command boundary: `( cd x && make )` lists its commands.
            '(' | ')' | '{' | '}' if at_word_start || c == ')' => Joiner::Semicolon,
            _ => {
                at_word_start = c.is_whitespace();
                current.push(c);
                continue;
            }
        };
        flush(&mut script, joiner, &current);
        current.clear();
        at_word_start = true;
        joiner = next_joiner;
    }
    flush(&mut script, joiner, &current);
    script
}

fn flush(script: &mut Script, joiner: Joiner, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    // A half-typed quote makes shlex give up; fall back to whitespace so rules still see words.
    let words = shlex::split(text).unwrap_or_else(|| {
        text.split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']).to_string())
            .collect()
    });
    push_command(script, joiner, words);
}

fn push_command(script: &mut Script, joiner: Joiner, mut words: Vec<String>) {
    // Leading assignments (`DEBIAN_FRONTEND=noninteractive apt-get …`) and `sudo` are not the
    // program.
    let skip = words
        .iter()
        .take_while(|w| is_assignment(w) || *w == "sudo" || *w == "exec" || *w == "command")
        .count();
    words.drain(..skip);
    if words.is_empty() {
        return;
    }
    if words[0] == "set" {
        let args = &words[1..];
        if args.iter().any(|a| {
            (a.starts_with('-') && !a.starts_with("--") && a.contains('e')) || a == "errexit"
        }) {
            script.errexit = true;
        }
    }
    let joiner = if script.commands.is_empty() {
        Joiner::First
    } else {
        joiner
    };
    script.commands.push(ShellCommand { joiner, words });
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &Script) -> Vec<Vec<&str>> {
        script
            .commands
            .iter()
            .map(|c| c.words.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn splits_on_operators_outside_quotes() {
        let s = parse("apt-get update && apt-get install -y gcc; echo 'a && b' | tee x || true");
        assert_eq!(
            words(&s),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "gcc"],
                vec!["echo", "a && b"],
                vec!["tee", "x"],
                vec!["true"],
            ]
        );
        let joiners: Vec<_> = s.commands.iter().map(|c| c.joiner).collect();
        assert_eq!(
            joiners,
            vec![
                Joiner::First,
                Joiner::And,
                Joiner::Semicolon,
                Joiner::Pipe,
                Joiner::Or
            ]
        );
    }

    #[test]
    fn set_e_and_env_prefixes() {
        let s = parse("set -eux; DEBIAN_FRONTEND=noninteractive sudo apt-get install -y g++");
        assert!(s.errexit);
        assert_eq!(s.commands[1].program(), "apt-get");
        assert!(s.commands[1].has_flag(&["-y", "--yes"]));
    }

    #[test]
    fn option_values_in_every_spelling() {
        for text in [
            "gunicorn -b 0.0.0.0:5000 app:app",
            "gunicorn --bind=0.0.0.0:5000 app:app",
            "gunicorn -b0.0.0.0:5000 app:app",
            "gunicorn --bind 0.0.0.0:5000 app:app",
        ] {
            let s = parse(text);
            assert_eq!(
                s.commands[0].option_value(&["-b", "--bind"]),
                Some("0.0.0.0:5000"),
                "{text}"
            );
        }
    }

    #[test]
    fn half_typed_quote_still_gives_words() {
        let s = parse("pip install \"flask");
        assert_eq!(words(&s), vec![vec!["pip", "install", "flask"]]);
    }

    #[test]
    fn bundled_short_flags() {
        let s = parse("apt-get install -qy gcc");
        assert!(s.commands[0].has_flag(&["-y"]));
        assert!(!s.commands[0].has_flag(&["-x"]));
    }

    #[test]
    fn comments_in_heredoc_bodies_are_ignored() {
        let s = parse("# install\napt-get update\n  pip install x # trailing\n");
        assert_eq!(
            words(&s),
            vec![vec!["apt-get", "update"], vec!["pip", "install", "x"]]
        );
    }
}
