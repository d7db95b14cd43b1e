//! Accounts: the users and groups a RUN creates, the ownership it sets, and which accounts
//! the base images already have.

use super::packages::positionals;
use crate::shell::Script;

/// What one RUN does to accounts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Accounts {
    /// Users created, with their home folder when one is made.
    pub users: Vec<(String, Option<String>)>,
    pub groups: Vec<String>,
    /// `chown OWNER …`: the owner specs (`app`, `app:app`, `1000:1000`).
    pub chowns: Vec<String>,
}

const USERADD_VALUED: &[&str] = &[
    "-u",
    "-g",
    "-G",
    "-d",
    "-s",
    "-c",
    "-k",
    "-e",
    "-f",
    "-p",
    "-K",
    "-b",
    "-h",
    "--uid",
    "--gid",
    "--groups",
    "--home-dir",
    "--home",
    "--shell",
    "--comment",
    "--skel",
    "--expiredate",
    "--inactive",
    "--password",
    "--base-dir",
    "--key",
    "--ingroup",
    "--gecos",
    "--firstuid",
    "--lastuid",
    "--conf",
    "--add_extra_groups",
];

pub fn read(script: &Script) -> Accounts {
    let mut acc = Accounts::default();
    for cmd in &script.commands {
        let args = cmd.args();
        match cmd.program_name() {
            "useradd" => {
                let Some(user) = positionals(args, USERADD_VALUED).last().cloned() else {
                    continue;
                };
                // Debian's useradd makes a group of the user's name unless told a group.
                if !cmd.has_flag(&["-g", "--gid", "-N", "--no-user-group"]) {
                    acc.groups.push(user.clone());
                }
                let home = if cmd.has_flag(&["-m", "--create-home"]) {
                    Some(
                        cmd.option_value(&["-d", "--home-dir"])
                            .map_or_else(|| format!("/home/{user}"), str::to_string),
                    )
                } else {
                    None
                };
                acc.users.push((user, home));
            }
            "adduser" => {
                let pos = positionals(args, USERADD_VALUED);
                // `adduser USER GROUP` adds an existing user to a group.
                let [user] = pos.as_slice() else { continue };
                let system = cmd.has_flag(&["--system", "-S"]);
                let named_group = cmd.has_flag(&["--ingroup", "-G", "--gid"]);
                if !named_group && (!system || cmd.has_flag(&["--group"]) || cmd.has_flag(&["-S"]))
                {
                    acc.groups.push(user.clone());
                }
                let no_home = cmd.has_flag(&["--no-create-home", "-H"])
                    || (system && !cmd.has_flag(&["--home", "-h"]));
                let home = (!no_home).then(|| {
                    cmd.option_value(&["--home", "-h"])
                        .map_or_else(|| format!("/home/{user}"), str::to_string)
                });
                acc.users.push((user.clone(), home));
            }
            "groupadd" | "addgroup" => {
                if let [group] = positionals(args, USERADD_VALUED).as_slice() {
                    acc.groups.push(group.clone());
                }
            }
            "chown" => {
                if let Some(owner) = positionals(args, &["--reference", "--from"]).first() {
                    acc.chowns.push(owner.clone());
                }
            }
            _ => {}
        }
    }
    acc
}

/// Users every Debian, Alpine and distroless base image has.
pub fn built_in_user(name: &str) -> bool {
    matches!(
        name,
        "root"
            | "daemon"
            | "bin"
            | "sys"
            | "nobody"
            | "www-data"
            | "nonroot"
            | "games"
            | "man"
            | "mail"
            | "news"
            | "backup"
            | "list"
            | "irc"
            | "proxy"
    )
}

/// Groups every Debian and Alpine base image has.
pub fn built_in_group(name: &str) -> bool {
    matches!(
        name,
        "root"
            | "daemon"
            | "bin"
            | "sys"
            | "adm"
            | "tty"
            | "disk"
            | "mail"
            | "staff"
            | "users"
            | "nogroup"
            | "www-data"
            | "nonroot"
            | "games"
            | "audio"
            | "video"
    )
}

/// `app:app` → (`app`, Some(`app`)); `1000` → (`1000`, None).
pub fn split_owner(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once([':', '.']) {
        Some((u, g)) => (u, Some(g).filter(|g| !g.is_empty())),
        None => (spec, None),
    }
}

pub fn is_numeric(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse;

    #[test]
    fn who_creates_what() {
        let a = read(&parse(
            "groupadd --system app && useradd --system --gid app --create-home app",
        ));
        assert_eq!(a.groups, vec!["app"]);
        assert_eq!(
            a.users,
            vec![("app".to_string(), Some("/home/app".to_string()))]
        );
        let a = read(&parse("useradd -u 10001 appuser"));
        assert_eq!(a.groups, vec!["appuser"]);
        assert_eq!(a.users, vec![("appuser".to_string(), None)]);
        let a = read(&parse("addgroup -S app && adduser -S app -G app"));
        assert_eq!(a.groups, vec!["app"]);
        assert_eq!(a.users[0].0, "app");
        let a = read(&parse(
            "adduser --disabled-password --gecos '' web && adduser web sudo",
        ));
        assert_eq!(a.users.len(), 1);
        assert_eq!(a.groups, vec!["web"]);
        let a = read(&parse("chown -R app:app /app"));
        assert_eq!(a.chowns, vec!["app:app"]);
    }
}
