//! GO602: the user the final stage names exists in its image.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::{Facts, built_in_group, is_numeric, split_owner};

pub const RULE: Rule = Rule {
    id: "GO602",
    title: "A user the image knows",
    summary: "Checks that a USER given by name (user or group) exists in the final stage's image: scratch has no /etc/passwd, so only numbers work there; distroless has root, nobody and nonroot; on alpine or debian the stage must create the user before USER names it.",
    why: "Docker looks a user name up in the image's /etc/passwd when the container starts. Built here, `USER appuser` on scratch builds fine and then never starts: exit 128, `unable to find user appuser: no matching entries in passwd file`. A number needs no lookup.",
    example: "FROM scratch\nUSER appuser",
    instead: "FROM scratch\nUSER 65532:65532",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

pub const HINTS: [&str; 3] = [
    "Where does Docker look up the user name you gave USER? Is that file in your runtime image?",
    "scratch has no /etc/passwd: give USER a number instead of a name.",
    "Write `USER 65532:65532` (or base the runtime on distroless static's :nonroot image, which has that user).",
];

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let base = common::base(fin);
    let Some(user) = fin.user() else {
        if base.nonroot() {
            return Outcome::pass(Some(fin.line), "the image's own nonroot user");
        }
        return common::no_user(fin);
    };
    let (name, group) = split_owner(&user.value);
    let line = Some(user.line);
    let created = |n: &str| fin.state.user_created(n).is_some_and(|l| l < user.line);
    let replaced = fin.accounts_replaced.is_some_and(|l| l < user.line);
    let known = |n: &str| {
        is_numeric(n)
            || created(n)
            || base.has_user(n)
            || (replaced && crate::facts::built_in_user(n))
    };
    let image = &fin.base.text;
    if !known(name) {
        let has_passwd = !matches!(base, crate::facts::go::GoBase::Scratch) || replaced;
        let why = if has_passwd {
            format!(
                "no user `{name}` exists in {image} when USER runs (create it first, or give a number)"
            )
        } else {
            format!("scratch has no /etc/passwd to find `{name}` in")
        };
        return Outcome::fail(
            line,
            format!(
                "{why}: the image builds, and the container never starts (exit 128, `unable to find user {name}`); use USER 65532:65532"
            ),
        );
    }
    if let Some(g) = group
        && !is_numeric(g)
        && !(fin.state.group_created(g).is_some_and(|l| l < user.line)
            || (base.has_user(g) && !matches!(base, crate::facts::go::GoBase::Scratch))
            || ((replaced || !matches!(base, crate::facts::go::GoBase::Scratch))
                && built_in_group(g)))
    {
        return Outcome::fail(
            line,
            format!(
                "no group `{g}` exists in {image}: the container never starts (`unable to find group {g}`); give the group as a number"
            ),
        );
    }
    Outcome::pass(line, format!("USER {} exists in {image}", user.value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn names_need_a_passwd_file() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, crate::rules::go::DISTROLESS);
        assert_fails_as(
            &RULE,
            include_str!("../../../tests/fixtures/go/user-name-on-scratch.Dockerfile"),
            "unable to find user appuser",
            Consequence::WontStart,
        );
        assert_fails(&RULE, "FROM scratch\nUSER 65532:app\n", "no group `app`");
        assert_passes(
            &RULE,
            "FROM gcr.io/distroless/static-debian12\nUSER nonroot:nonroot\n",
        );
        assert_fails(
            &RULE,
            "FROM alpine:3.21\nUSER appuser\n",
            "no user `appuser` exists in alpine:3.21",
        );
        assert_passes(
            &RULE,
            "FROM alpine:3.21\nRUN adduser -D -u 10001 appuser\nUSER appuser\n",
        );
        // A passwd file copied in from the build stage brings its users along.
        assert_passes(
            &RULE,
            "FROM golang:1.24 AS build\nRUN useradd -u 10001 app\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\nUSER app\n",
        );
    }
}
