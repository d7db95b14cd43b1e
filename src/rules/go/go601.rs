//! GO601: the final stage runs as a non-root user.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "GO601",
    title: "Not root",
    summary: "Checks that the final stage's last USER is a non-root user (a non-zero uid such as `65532` or `65532:65532`), or that it runs on a distroless `:nonroot` image and no USER switches back to root.",
    why: "Without USER the binary runs as uid 0: a flaw in it, or in a library it uses, then acts as root on every file the container can see, a step closer to the host. Measured here: the reference on scratch and on distroless :nonroot answer /info with uid 65532.",
    example: "FROM scratch\nCOPY --from=build /out/lab /lab\nENTRYPOINT [\"/lab\"]",
    instead: "FROM scratch\nCOPY --from=build /out/lab /lab\nUSER 65532:65532\nENTRYPOINT [\"/lab\"]",
    equivalent: Some("DL3002"),
    severity: Severity::Error,
    consequence: Consequence::RunsAsRoot,
    check,
};

pub const HINTS: [&str; 3] = [
    "Which user does a container run as when the Dockerfile does not say?",
    "Add a USER line to the runtime stage, before the command, with a user id other than 0.",
    "Write `USER 65532:65532` in the runtime stage (or use gcr.io/distroless/static-debian12:nonroot, which runs as 65532 already).",
];

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(user) = fin.user() else {
        if common::base(fin).nonroot() {
            return Outcome::pass(
                Some(fin.line),
                format!("{} runs as nonroot (uid 65532)", fin.base.text),
            );
        }
        return common::no_user(fin);
    };
    if common::is_root(&user.value) {
        return Outcome::fail(
            Some(user.line),
            format!("USER {} is root, so the binary runs as root", user.value),
        );
    }
    Outcome::pass(Some(user.line), format!("runs as {}", user.value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn user() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, crate::rules::go::DISTROLESS);
        assert_fails_as(
            &RULE,
            include_str!("../../../go/starter/Dockerfile"),
            "no USER",
            Consequence::RunsAsRoot,
        );
        assert_fails_as(
            &RULE,
            "FROM gcr.io/distroless/static-debian12:nonroot\nUSER root\n",
            "is root",
            Consequence::RunsAsRoot,
        );
        assert_fails(&RULE, "FROM scratch\nUSER 65532\nUSER 0:0\n", "is root");
        assert_fails(
            &RULE,
            "FROM gcr.io/distroless/static-debian12\nENTRYPOINT [\"/lab\"]\n",
            "no USER",
        );
    }
}
