//! What is true inside a stage at a given instruction: its environment, PATH, user, working
//! directory, command, and what exists (paths, virtualenvs, users, groups). A stage built on
//! an earlier stage (`FROM builder`) starts from that stage's state; the maps are persistent,
//! so starting from a parent's state costs nothing, whatever the parent holds.

use std::sync::Arc;

use imbl::{HashMap, HashSet};

use super::At;
use crate::syntax::Command;

/// The PATH of the official images (Debian's default with /usr/local first).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// PATH entries kept: a PATH longer than this is nonsense in a Dockerfile, and a bound keeps
/// `ENV PATH=/x:$PATH` repeated a hundred thousand times linear.
const PATH_LIMIT: usize = 32;

/// PATH as entries shared between the states that hold them.
pub type PathEntries = Arc<[Arc<str>]>;

fn default_path() -> PathEntries {
    static DEFAULT: std::sync::OnceLock<PathEntries> = std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| DEFAULT_PATH.split(':').map(Arc::from).collect())
        .clone()
}

#[derive(Debug, Clone)]
pub struct State {
    env: HashMap<String, At<String>>,
    /// Build arguments in scope: `ARG NAME=value` in the stage, or a global ARG redeclared.
    args: HashMap<String, String>,
    path: PathEntries,
    pub user: Option<At<String>>,
    pub workdir: Option<String>,
    pub cmd: Option<At<Command>>,
    pub entrypoint: Option<At<Command>>,
    /// Every path created, with every directory above it.
    created: HashSet<String>,
    /// Folders whose content is unknown (WORKDIR, a COPY destination, mkdir): anything may
    /// be inside them.
    holding: HashSet<String>,
    venvs: HashSet<String>,
    users: HashMap<String, usize>,
    groups: HashMap<String, usize>,
    /// The first packages (system or Python) installed in this stage or one it starts from.
    pub installed: Option<At<String>>,
    /// The line of the RUN whose `apt-get update` left the package lists now in the image
    /// (none once a RUN removes /var/lib/apt/lists).
    pub apt_lists: Option<usize>,
    /// Every install directory and every folder above one → the install (stage, index in
    /// its pip_installs), so "does copying this folder carry an install?" is one lookup.
    installs_under: HashMap<String, (usize, usize)>,
    /// Every folder a COPY from the build context wrote into (and the folders above it) →
    /// the names of what it copied (`.` for the whole context).
    copied_under: HashMap<String, HashSet<String>>,
    /// Files whose text the Dockerfile itself holds (`COPY <<EOF /app/entrypoint.sh`).
    written: HashMap<String, Arc<str>>,
}

impl Default for State {
    fn default() -> Self {
        State {
            env: HashMap::new(),
            args: HashMap::new(),
            path: default_path(),
            user: None,
            workdir: None,
            cmd: None,
            entrypoint: None,
            created: HashSet::new(),
            holding: HashSet::new(),
            venvs: HashSet::new(),
            users: HashMap::new(),
            groups: HashMap::new(),
            installed: None,
            apt_lists: None,
            installs_under: HashMap::new(),
            copied_under: HashMap::new(),
            written: HashMap::new(),
        }
    }
}

impl State {
    /// The state a child stage starts with: everything but the build arguments, which Docker
    /// scopes to one stage.
    pub fn for_child(&self) -> State {
        State {
            args: HashMap::new(),
            ..self.clone()
        }
    }

    pub fn env(&self, key: &str) -> Option<&At<String>> {
        self.env.get(key)
    }

    pub fn env_value(&self, key: &str) -> Option<&str> {
        self.env(key).map(|a| a.value.as_str())
    }

    /// An environment variable that is set to something other than an off value.
    pub fn env_on(&self, key: &str) -> bool {
        self.env_value(key).is_some_and(|v| {
            !matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "" | "0" | "false" | "no" | "off"
            )
        })
    }

    pub fn set_env(&mut self, key: &str, value: String, line: usize) {
        if key == "PATH" {
            self.path = split_path(value.split(':').map(Arc::from));
        }
        self.env.insert(key.to_string(), At { value, line });
    }

    /// `ENV PATH=<value>` as written: `$PATH` in it stands for the current entries, taken as
    /// they are rather than joined and split again.
    pub fn set_path(&mut self, written: &str, line: usize) {
        let mut entries: Vec<Arc<str>> = Vec::new();
        for piece in written.split(':') {
            if piece == "$PATH" || piece == "${PATH}" {
                entries.extend(self.path.iter().cloned());
            } else {
                entries.extend(self.expand(piece).split(':').map(Arc::from));
            }
        }
        self.path = split_path(entries.into_iter());
        let value = self.path.join(":");
        self.env.insert("PATH".to_string(), At { value, line });
    }

    pub fn set_arg(&mut self, key: &str, value: String) {
        self.args.insert(key.to_string(), value);
    }

    /// PATH entries in order.
    pub fn path(&self) -> &[Arc<str>] {
        &self.path
    }

    pub fn on_path(&self, dir: &str) -> bool {
        let dir = dir.trim_end_matches('/');
        self.path.iter().any(|p| p.trim_end_matches('/') == dir)
    }

    /// Whether `dir` comes before every system directory on PATH (so its `python` wins).
    pub fn first_on_path(&self, dir: &str) -> bool {
        let dir = dir.trim_end_matches('/');
        for p in self.path.iter() {
            let p = p.trim_end_matches('/');
            if p == dir {
                return true;
            }
            if DEFAULT_PATH.split(':').any(|d| d == p) {
                return false;
            }
        }
        false
    }

    /// `$NAME`, `${NAME}` and `${NAME:-default}` replaced by the environment or the stage's
    /// build arguments, in one pass. Unknown names are left as written.
    pub fn expand(&self, text: &str) -> String {
        expand(text, |name| {
            if name == "PATH" {
                return Some(self.path.join(":"));
            }
            self.env
                .get(name)
                .map(|a| a.value.clone())
                .or_else(|| self.args.get(name).cloned())
        })
    }

    pub fn mark_created(&mut self, path: &str) {
        let mut p = path.trim_end_matches('/');
        while !p.is_empty() {
            // Looked up before inserting: an insert into a map shared with a parent stage
            // copies nodes even when the key is already there.
            if self.created.contains(p) {
                // Its parents are already in.
                return;
            }
            self.created.insert(p.to_string());
            p = match p.rfind('/') {
                Some(i) => p.get(..i).unwrap_or(""),
                None => "",
            };
        }
    }

    /// Whether `path`, or something inside it, was created in this stage or one it starts
    /// from.
    pub fn created(&self, path: &str) -> bool {
        let p = path.trim_end_matches('/');
        p.is_empty() || self.created.contains(p)
    }

    /// A folder made by means whose result is not known (WORKDIR, COPY, mkdir).
    pub fn mark_holding(&mut self, dir: &str) {
        self.mark_created(dir);
        let dir = dir.trim_end_matches('/');
        if !dir.is_empty() && !self.holding.contains(dir) {
            self.holding.insert(dir.to_string());
        }
    }

    /// Whether `path` lies inside a folder whose content is not known.
    pub fn holds(&self, path: &str) -> bool {
        let mut p = path.trim_end_matches('/');
        while let Some(i) = p.rfind('/') {
            p = p.get(..i).unwrap_or("");
            if p.is_empty() {
                return false;
            }
            if self.holding.contains(p) {
                return true;
            }
        }
        false
    }

    /// Records an install directory (install `index` of stage `stage`) and the folders
    /// above it.
    pub fn add_install_dir(&mut self, dir: &str, stage: usize, index: usize) {
        for a in self_and_ancestors(dir) {
            if self.installs_under.contains_key(a) {
                continue;
            }
            self.installs_under.insert(a.to_string(), (stage, index));
        }
    }

    /// The install whose directory is `path` or inside it: (stage, index).
    pub fn install_under(&self, path: &str) -> Option<(usize, usize)> {
        self.installs_under.get(path.trim_end_matches('/')).copied()
    }

    /// Records a COPY from the build context of `names` into `dest`.
    pub fn add_copied(&mut self, dest: &str, names: &[String]) {
        for a in self_and_ancestors(dest) {
            let known = self.copied_under.get(a);
            if known.is_some_and(|set| names.iter().all(|n| set.contains(n))) {
                continue;
            }
            let mut set = known.cloned().unwrap_or_default();
            for n in names {
                set.insert(n.clone());
            }
            self.copied_under.insert(a.to_string(), set);
        }
    }

    /// The names copied from the context into `path` or below it.
    pub fn copied_under(&self, path: &str) -> Option<&HashSet<String>> {
        self.copied_under.get(path.trim_end_matches('/'))
    }

    /// A file written with the text of a heredoc.
    pub fn add_written(&mut self, path: &str, text: &str) {
        self.mark_created(path);
        self.written.insert(path.to_string(), Arc::from(text));
    }

    /// The text of a file the Dockerfile wrote, by absolute path.
    pub fn written(&self, path: &str) -> Option<&str> {
        self.written.get(path).map(|t| &**t)
    }

    pub fn add_venv(&mut self, dir: &str) {
        if !self.is_venv(dir) {
            self.venvs.insert(dir.trim_end_matches('/').to_string());
        }
        self.mark_created(dir);
    }

    pub fn is_venv(&self, dir: &str) -> bool {
        self.venvs.contains(dir.trim_end_matches('/'))
    }

    pub fn has_venvs(&self) -> bool {
        !self.venvs.is_empty()
    }

    pub fn venvs(&self) -> impl Iterator<Item = &String> {
        self.venvs.iter()
    }

    pub fn add_user(&mut self, name: &str, line: usize) {
        self.users.entry(name.to_string()).or_insert(line);
    }

    pub fn add_group(&mut self, name: &str, line: usize) {
        self.groups.entry(name.to_string()).or_insert(line);
    }

    /// The line a user was created on, if it was.
    pub fn user_created(&self, name: &str) -> Option<usize> {
        self.users.get(name).copied()
    }

    pub fn group_created(&self, name: &str) -> Option<usize> {
        self.groups.get(name).copied()
    }

    /// Takes another stage's users and groups: a copy of its `/etc` replaced the files that
    /// listed this stage's own.
    pub fn replace_accounts(&mut self, from: &State) {
        self.users = from.users.clone();
        self.groups = from.groups.clone();
    }
}

/// The first entries of a PATH, empty ones dropped. Repeats are kept (the first one wins, as
/// in a shell), and the bound keeps `ENV PATH=/x:$PATH` repeated from growing it.
fn split_path(entries: impl Iterator<Item = Arc<str>>) -> PathEntries {
    entries.filter(|p| !p.is_empty()).take(PATH_LIMIT).collect()
}

/// `/a/b/c`, `/a/b`, `/a` and `` (the root), without allocating.
fn self_and_ancestors(path: &str) -> impl Iterator<Item = &str> {
    let start = path.trim_end_matches('/');
    std::iter::successors(Some(start), |p| {
        if p.is_empty() {
            None
        } else {
            Some(p.rfind('/').and_then(|i| p.get(..i)).unwrap_or(""))
        }
    })
}

/// Replaces `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME-default}` by `lookup`, in one
/// pass over the text. Names `lookup` does not know stay as written (or take their default).
pub fn expand(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    if !text.contains('$') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        let (before, from_dollar) = rest.split_at(pos);
        out.push_str(before);
        let after = from_dollar.get(1..).unwrap_or("");
        if let Some(braced) = after.strip_prefix('{') {
            if let Some(end) = closing_brace(braced) {
                let (inner, tail) = braced.split_at(end);
                let name_len = inner
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(inner.len());
                let (name, op) = inner.split_at(name_len);
                let value = lookup(name);
                let colon = op.starts_with(':');
                let op_rest = op.strip_prefix(':').unwrap_or(op);
                let expanded = match op_rest.chars().next() {
                    None => value,
                    // `${A:-word}`: the value, or the word when unset (or empty, with `:`).
                    Some('-') => Some(match value {
                        Some(v) if !(colon && v.is_empty()) => v,
                        _ => op_rest.get(1..).unwrap_or("").to_string(),
                    }),
                    // `${A:+word}`: the word when set (and not empty, with `:`), else nothing;
                    // an argument the file never sets stays as written.
                    Some('+') => value.map(|v| {
                        if colon && v.is_empty() {
                            String::new()
                        } else {
                            op_rest.get(1..).unwrap_or("").to_string()
                        }
                    }),
                    // `${A:?message}`, patterns: the value where it is known.
                    Some(_) => value,
                };
                match expanded {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push_str("${");
                        out.push_str(inner);
                        out.push('}');
                    }
                }
                rest = tail.get(1..).unwrap_or("");
                continue;
            }
            out.push_str(from_dollar);
            return out;
        }
        let name_len = after
            .char_indices()
            .take_while(|(i, c)| {
                c.is_ascii_alphanumeric() && !(*i == 0 && c.is_ascii_digit()) || *c == '_'
            })
            .count();
        let (name, tail) = after.split_at(name_len);
        if name.is_empty() {
            out.push('$');
        } else {
            match lookup(name) {
                Some(v) => out.push_str(&v),
                None => {
                    out.push('$');
                    out.push_str(name);
                }
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Where the `}` closing a `${` is, nested references (`${A:+--flag ${A}}`) skipped.
fn closing_brace(braced: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in braced.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_every_spelling_once() {
        let look = |n: &str| match n {
            "A" => Some("x".to_string()),
            "PATH" => Some("/bin".to_string()),
            _ => None,
        };
        assert_eq!(
            expand("$A/${A}:${B:-d}:$B:${B}:$$", look),
            "x/x:d:$B:${B}:$$"
        );
        assert_eq!(expand("/opt/$A/bin:$PATH", look), "/opt/x/bin:/bin");
        assert_eq!(expand("${unclosed", look), "${unclosed");
        assert_eq!(expand("${A:+--flag ${A}}", look), "--flag ${A}");
        assert_eq!(
            expand("${B:+x}|${A+y}|${B-z}|${A:?no}", look),
            "${B:+x}|y|z|x"
        );
        assert_eq!(expand("café $A ünï", look), "café x ünï");
    }

    #[test]
    fn created_paths_include_their_parents() {
        let mut s = State::default();
        s.mark_created("/opt/venv/lib");
        assert!(s.created("/opt/venv") && s.created("/opt/venv/lib") && s.created("/"));
        assert!(!s.created("/opt/other"));
    }

    #[test]
    fn a_child_shares_without_copying_and_does_not_write_back() {
        let mut parent = State::default();
        parent.set_env("VIRTUAL_ENV", "/opt/venv".into(), 2);
        parent.set_arg("PY", "3.11".into());
        let mut child = parent.for_child();
        child.set_env("X", "1".into(), 5);
        assert_eq!(child.env_value("VIRTUAL_ENV"), Some("/opt/venv"));
        assert!(parent.env("X").is_none());
        assert_eq!(child.expand("$PY"), "$PY");
    }

    #[test]
    fn path_is_bounded() {
        let mut s = State::default();
        let long: Vec<String> = (0..1000).map(|i| format!("/p{i}")).collect();
        s.set_env("PATH", format!("/a::{}", long.join(":")), 1);
        assert_eq!(s.path().len(), PATH_LIMIT);
        assert_eq!(&*s.path()[0], "/a");
        assert_eq!(&*s.path()[1], "/p0");
        s.set_path("/x/bin:$PATH:/y", 2);
        assert_eq!(&*s.path()[0], "/x/bin");
        assert_eq!(s.path().len(), PATH_LIMIT);
    }
}
