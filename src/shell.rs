//! Shell text → commands and words. One tokenizer serves every place a Dockerfile holds shell
//! text (RUN scripts, shell-form CMD and ENTRYPOINT, COPY arguments), so words are split one
//! way everywhere: quotes and escapes are removed, `$(…)`, `${…}` and backticks stay whole
//! inside their word, control operators (`&&`, `||`, `;`, `|`, `&`, newlines) split commands,
//! and redirections are dropped. Half-typed text (a quote or `$(` never closed) runs to the
//! end of the text: that is the one fallback, and it never fails.

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
    /// The words, with leading `VAR=value` assignments, `sudo`, `exec` and shell keywords
    /// (`then`, `do`, `!`) removed.
    pub words: Vec<String>,
    /// The leading `VAR=value` assignments: the command's own environment
    /// (`PIPENV_VENV_IN_PROJECT=1 pipenv install`, `CGO_ENABLED=0 go build`,
    /// `env GOOS=linux go build`).
    pub assignments: Vec<(String, String)>,
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

    /// Whether any of `names` is given: `--flag`, `--flag=value`, or a short flag alone or
    /// bundled (`-y`, `-qy`).
    pub fn has_flag(&self, names: &[&str]) -> bool {
        self.args().iter().any(|w| {
            names.iter().any(|n| {
                w == n
                    || w.strip_prefix(n).is_some_and(|rest| rest.starts_with('='))
                    || (is_short(n) && is_bundle(w) && w.chars().skip(1).any(|c| n.ends_with(c)))
            })
        })
    }

    /// The value of an option: `--bind X`, `--bind=X`, `-b X`, `-bX`.
    pub fn option_value(&self, names: &[&str]) -> Option<&str> {
        option_value(self.args(), names)
    }

    /// The value a leading assignment gives `name` for this command alone.
    pub fn assigned(&self, name: &str) -> Option<&str> {
        self.assignments
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The value of an option among `args`: `--bind X`, `--bind=X`, `-b X`, `-bX`.
pub fn option_value<'a>(args: &'a [String], names: &[&str]) -> Option<&'a str> {
    for (i, w) in args.iter().enumerate() {
        for n in names {
            if w == n {
                return args.get(i + 1).map(String::as_str);
            }
            if let Some(v) = w.strip_prefix(n) {
                if let Some(v) = v.strip_prefix('=') {
                    return Some(v);
                }
                if is_short(n) && !v.is_empty() {
                    return Some(v);
                }
            }
        }
    }
    None
}

fn is_short(flag: &str) -> bool {
    flag.len() == 2 && flag.starts_with('-') && !flag.starts_with("--")
}

fn is_bundle(word: &str) -> bool {
    word.starts_with('-') && !word.starts_with("--") && word.len() > 2
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

/// Splits shell text into commands of words.
pub fn parse(text: &str) -> Script {
    let mut script = Script::default();
    let mut words = Vec::new();
    let mut joiner = Joiner::First;
    tokenize(text, |token| match token {
        Token::Word(w) => words.push(w),
        Token::Op(next) => {
            push_command(&mut script, joiner, std::mem::take(&mut words));
            joiner = next;
        }
    });
    push_command(&mut script, joiner, words);
    script
}

/// Every word of shell text, operators and redirections left out (COPY arguments, a
/// one-command shell-form CMD).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokenize(text, |token| {
        if let Token::Word(w) = token {
            out.push(w);
        }
    });
    out
}

enum Token {
    Word(String),
    Op(Joiner),
}

/// The tokenizer: one pass over the bytes, no backtracking, so its cost is linear in the
/// text whatever the text is. Every byte it acts on is ASCII, and no byte of a multi-byte
/// UTF-8 character is, so words are cut only between characters.
fn tokenize(text: &str, mut emit: impl FnMut(Token)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut word: Vec<u8> = Vec::new();
    // A word is open even when empty (`""` is a word).
    let mut open = false;
    // The next word is a redirection target and is dropped.
    let mut skip_next = false;

    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        match c {
            b' ' | b'\t' | b'\r' => {
                end_word(&mut word, &mut open, &mut skip_next, &mut emit);
                i += 1;
            }
            b'\n' => {
                end_word(&mut word, &mut open, &mut skip_next, &mut emit);
                skip_next = false;
                emit(Token::Op(Joiner::Newline));
                i += 1;
            }
            b'#' if !open => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' => {
                match next {
                    // A line continuation joins the lines.
                    Some(b'\n') => {}
                    Some(n) => {
                        word.push(n);
                        open = true;
                    }
                    None => {}
                }
                i += 2;
            }
            b'\'' => {
                open = true;
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    word.push(bytes[i]);
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                open = true;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    match bytes[i] {
                        b'\\' => match bytes.get(i + 1) {
                            Some(&n @ (b'"' | b'\\' | b'$' | b'`')) => {
                                word.push(n);
                                i += 2;
                            }
                            Some(b'\n') => i += 2,
                            _ => {
                                word.push(b'\\');
                                i += 1;
                            }
                        },
                        b'$' if matches!(bytes.get(i + 1), Some(b'(' | b'{')) => {
                            i = copy_expansion(bytes, i, &mut word);
                        }
                        b'`' => i = copy_backticks(bytes, i, &mut word),
                        ch => {
                            word.push(ch);
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            b'$' if matches!(next, Some(b'(' | b'{')) => {
                open = true;
                i = copy_expansion(bytes, i, &mut word);
            }
            b'`' => {
                open = true;
                i = copy_backticks(bytes, i, &mut word);
            }
            b'&' | b'|' | b';' => {
                end_word(&mut word, &mut open, &mut skip_next, &mut emit);
                skip_next = false;
                let (op, len) = match (c, next) {
                    (b'&', Some(b'&')) => (Some(Joiner::And), 2),
                    (b'|', Some(b'|')) => (Some(Joiner::Or), 2),
                    (b'|', Some(b'&')) => (Some(Joiner::Pipe), 2),
                    (b'&', Some(b'>')) => {
                        // `&>file`: a redirection of both streams.
                        skip_next = true;
                        (
                            None,
                            if bytes.get(i + 2) == Some(&b'>') {
                                3
                            } else {
                                2
                            },
                        )
                    }
                    (b';', Some(b';')) => (Some(Joiner::Semicolon), 2),
                    (b'&', _) => (Some(Joiner::Background), 1),
                    (b'|', _) => (Some(Joiner::Pipe), 1),
                    _ => (Some(Joiner::Semicolon), 1),
                };
                if let Some(op) = op {
                    emit(Token::Op(op));
                }
                i += len;
            }
            b'>' | b'<' => {
                // `2>&1`, `>>log`, `<in`: the digits before belong to the redirection.
                if open && !word.is_empty() && word.iter().all(u8::is_ascii_digit) {
                    word.clear();
                    open = false;
                } else {
                    end_word(&mut word, &mut open, &mut skip_next, &mut emit);
                }
                i += 1;
                while i < bytes.len() && matches!(bytes[i], b'>' | b'<' | b'&' | b'|' | b'-') {
                    i += 1;
                }
                skip_next = true;
            }
            b'(' | b')' if !open => {
                // Grouping is a command boundary: `( cd x && make )` lists its commands.
                end_word(&mut word, &mut open, &mut skip_next, &mut emit);
                emit(Token::Op(Joiner::Semicolon));
                i += 1;
            }
            b'{' | b'}' if !open && next.is_none_or(|n| n.is_ascii_whitespace() || n == b';') => {
                end_word(&mut word, &mut open, &mut skip_next, &mut emit);
                emit(Token::Op(Joiner::Semicolon));
                i += 1;
            }
            _ => {
                word.push(c);
                open = true;
                i += 1;
            }
        }
    }
    end_word(&mut word, &mut open, &mut skip_next, &mut emit);
}

/// Ends the word being read: emits it, or drops it when it is a redirection's target.
fn end_word(word: &mut Vec<u8>, open: &mut bool, skip: &mut bool, emit: &mut dyn FnMut(Token)) {
    if *open {
        if *skip {
            *skip = false;
        } else {
            let bytes = std::mem::take(word);
            // Cut only at ASCII bytes, so always UTF-8; lossy just in case.
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            emit(Token::Word(text));
        }
    }
    word.clear();
    *open = false;
}

/// Copies `$(…)`, `$((…))` or `${…}` starting at `start` into `word`, nesting and quotes
/// respected; returns the index after it (the end of the text if it is never closed).
fn copy_expansion(bytes: &[u8], start: usize, word: &mut Vec<u8>) -> usize {
    let (open, close) = if bytes.get(start + 1) == Some(&b'{') {
        (b'{', b'}')
    } else {
        (b'(', b')')
    };
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        word.push(c);
        i += 1;
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if c == b'\\' => {
                if let Some(&n) = bytes.get(i) {
                    word.push(n);
                    i += 1;
                }
            }
            None if c == open => depth += 1,
            None if c == close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            None => {}
        }
    }
    i
}

/// Copies a backtick command substitution into `word`; returns the index after it.
fn copy_backticks(bytes: &[u8], start: usize, word: &mut Vec<u8>) -> usize {
    word.push(b'`');
    let mut i = start + 1;
    while i < bytes.len() {
        let c = bytes[i];
        word.push(c);
        i += 1;
        if c == b'\\' {
            if let Some(&n) = bytes.get(i) {
                word.push(n);
                i += 1;
            }
        } else if c == b'`' {
            break;
        }
    }
    i
}

/// Words that open or close a compound command; the program is the word after them.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "time",
];
const CLOSERS: &[&str] = &["fi", "done", "esac"];

fn push_command(script: &mut Script, joiner: Joiner, mut words: Vec<String>) {
    // Leading assignments (`DEBIAN_FRONTEND=noninteractive apt-get …`), `sudo`, `exec`,
    // `env` and shell keywords are not the program.
    let skip = words
        .iter()
        .take_while(|w| {
            is_assignment(w)
                || KEYWORDS.contains(&w.as_str())
                || matches!(w.as_str(), "sudo" | "exec" | "command" | "env" | "nohup")
        })
        .count();
    let assignments = words
        .drain(..skip)
        .filter_map(|w| {
            w.split_once('=')
                .filter(|_| is_assignment(&w))
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    while words.last().is_some_and(|w| CLOSERS.contains(&w.as_str())) {
        words.pop();
    }
    if words.is_empty() || CLOSERS.contains(&words[0].as_str()) {
        return;
    }
    if words[0] == "set"
        && words[1..].iter().any(|a| {
            (a.starts_with('-') && !a.starts_with("--") && a.contains('e')) || a == "errexit"
        })
    {
        script.errexit = true;
    }
    let joiner = if script.commands.is_empty() {
        Joiner::First
    } else {
        joiner
    };
    script.commands.push(ShellCommand {
        joiner,
        words,
        assignments,
    });
}

/// `NAME=value`: an assignment, not a program.
pub fn is_assignment(word: &str) -> bool {
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

    fn words_of(script: &Script) -> Vec<Vec<&str>> {
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
            words_of(&s),
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
    fn half_typed_text_still_gives_words() {
        assert_eq!(
            words_of(&parse("pip install \"flask")),
            vec![vec!["pip", "install", "flask"]]
        );
        assert_eq!(
            words_of(&parse("pip install --prefix=$(pwd")),
            vec![vec!["pip", "install", "--prefix=$(pwd"]]
        );
        assert_eq!(words_of(&parse("echo 'abc")), vec![vec!["echo", "abc"]]);
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
            words_of(&s),
            vec![vec!["apt-get", "update"], vec!["pip", "install", "x"]]
        );
    }

    #[test]
    fn substitutions_stay_inside_their_word() {
        let s = parse("pip install --prefix=$(pwd)/deps -r requirements.txt");
        assert_eq!(
            words_of(&s),
            vec![vec![
                "pip",
                "install",
                "--prefix=$(pwd)/deps",
                "-r",
                "requirements.txt"
            ]]
        );
        let s =
            parse("cp \"$(dirname \"$(which python)\")/x\" `echo a b` /dst && ls ${HOME:-/root}");
        assert_eq!(
            words_of(&s),
            vec![
                vec![
                    "cp",
                    "$(dirname \"$(which python)\")/x",
                    "`echo a b`",
                    "/dst"
                ],
                vec!["ls", "${HOME:-/root}"]
            ]
        );
    }

    #[test]
    fn redirections_are_not_words() {
        let s = parse("pip install -r requirements.txt > /dev/null 2>&1 && echo ok >> log");
        assert_eq!(
            words_of(&s),
            vec![
                vec!["pip", "install", "-r", "requirements.txt"],
                vec!["echo", "ok"]
            ]
        );
        let s = parse("make &>/dev/null; ls");
        assert_eq!(words_of(&s), vec![vec!["make"], vec!["ls"]]);
    }

    #[test]
    fn compound_commands_name_their_programs() {
        let s = parse("if [ -f requirements.txt ]; then pip install -r requirements.txt; fi");
        assert_eq!(s.commands[1].program(), "pip");
        assert_eq!(s.commands.len(), 2);
        let s = parse("for p in a b; do apt-get install -y $p; done");
        assert_eq!(s.commands[1].program(), "apt-get");
    }

    #[test]
    fn words_in_any_script() {
        assert_eq!(
            words("echo \"🐳 café\" 構築\\ 段階 'Київ'&& ls"),
            vec!["echo", "🐳 café", "構築 段階", "Київ", "ls"]
        );
    }

    #[test]
    fn nested_quotes() {
        assert_eq!(
            words("sh -c \"echo 'a b' \\\"c\\\"\""),
            vec!["sh", "-c", "echo 'a b' \"c\""]
        );
    }
}
