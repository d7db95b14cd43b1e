//! GO701: the binary runs as PID 1, in exec form, by its absolute path.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;
use crate::facts::go::{self, is_go_run};
use crate::syntax::Form;

pub const RULE: Rule = Rule {
    id: "GO701",
    title: "Exec form, absolute path",
    summary: "Checks that ENTRYPOINT or CMD of the final stage is a JSON array that runs the binary by its absolute path (`[\"/lab\"]`), where the binary was copied.",
    why: "In shell form Docker runs `/bin/sh -c …`, and scratch and distroless have no /bin/sh: built here, `CMD /lab` on scratch never starts (exit 127). Where a shell exists it becomes PID 1 and does not pass SIGTERM on, so `docker stop` waits 10 s and kills the server. A relative path works only from one working directory.",
    example: "CMD /lab",
    instead: "ENTRYPOINT [\"/lab\"]",
    equivalent: Some("DL3025, JSONArgsRecommended"),
    severity: Severity::Error,
    consequence: Consequence::WontStart,
    check,
};

pub const HINTS: [&str; 3] = [
    "What program does Docker start when the command is written as plain text instead of a JSON array? Does scratch have it?",
    "Write the command as a JSON array whose first element is the binary's full path in the runtime image.",
    "Write `ENTRYPOINT [\"/lab\"]` (the path you copied the binary to), with double quotes.",
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let p = common::go(params);
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let Some(cmd) = &fin.command else {
        return common::no_command(fin);
    };
    let line = Some(cmd.line);
    let base = common::base(fin);
    let image = &fin.base.text;
    if let Some(problem) = cmd.problem {
        return Outcome::fail(
            line,
            format!(
                "{}; as written, Docker runs the text with /bin/sh, which {}",
                problem.describe(),
                if base.has_shell() {
                    "fails, and the container stops at once"
                } else {
                    "this image does not have: the container never starts (exit 127)"
                }
            ),
        );
    }
    if cmd.form == Form::Shell {
        if !base.has_shell() {
            return Outcome::fail(
                line,
                format!(
                    "the command is in shell form, so Docker runs it with /bin/sh, and {image} has none: the container never starts (exit 127); write it as a JSON array"
                ),
            );
        }
        return Outcome::fail(
            line,
            "the command is in shell form, so /bin/sh is PID 1 and does not pass on SIGTERM: `docker stop` waits 10 s, then kills the server; write it as a JSON array",
        )
        .because(Consequence::NotProduction);
    }
    // `["sh", "-c", "…"]` is exec form around a shell.
    let raw = fin
        .state
        .entrypoint
        .as_ref()
        .or(fin.state.cmd.as_ref())
        .and_then(|c| c.value.words.first());
    if let Some(shell) = raw.filter(|w| matches!(w.rsplit('/').next(), Some("sh" | "bash")))
        && !base.has_shell()
    {
        return Outcome::fail(
            line,
            format!(
                "the command runs {shell}, and {image} has no shell: the container never starts"
            ),
        );
    }
    if is_go_run(cmd) {
        return Outcome::pass(line, "exec form");
    }
    let program = cmd.words.first().cloned().unwrap_or_default();
    let copied = go::binary_copy(facts, &p.module).map(|c| c.lands_at);
    if program.starts_with('/') {
        if let Some(at) = copied.as_deref()
            && at != program
            && !fin.created(&program)
        {
            return Outcome::fail(
                line,
                format!(
                    "the command runs {program}, but the binary is copied to {at}: the container never starts (`exec {program}: no such file or directory`)"
                ),
            );
        }
        return Outcome::pass(line, format!("runs {program} in exec form"));
    }
    let absolute = match copied.as_deref() {
        Some(at) => at.to_string(),
        None => format!("/{}", program.trim_start_matches("./")),
    };
    if program.contains('/') {
        let dir = crate::facts::go::workdir(&fin.state, &fin.base);
        return Outcome::fail(
            line,
            format!(
                "`{program}` is found only from the working directory {dir}: `docker run -w` elsewhere, or another WORKDIR, and it does not start; write the absolute path [\"{absolute}\"]"
            ),
        )
        .because(Consequence::NotProduction);
    }
    let dir = absolute.rsplit_once('/').map_or("/", |(d, _)| d);
    let dir = if dir.is_empty() { "/" } else { dir };
    if copied.is_some() && fin.state.on_path(dir) {
        return Outcome::fail(
            line,
            format!(
                "`{program}` is looked up on PATH: it is found while {dir} stays on PATH; write the absolute path [\"{absolute}\"]"
            ),
        )
        .because(Consequence::NotProduction);
    }
    Outcome::fail(
        line,
        format!(
            "`{program}` is looked up on PATH, and {dir} is not on it: the container never starts (`exec: \"{program}\": executable file not found in $PATH`); write [\"{absolute}\"]"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    const BUILD: &str = "FROM golang:1.24 AS build\nRUN CGO_ENABLED=0 go build -o /out/lab .\n";

    #[test]
    fn exec_form_absolute() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, crate::rules::go::DISTROLESS);
        assert_fails_as(
            &RULE,
            include_str!("../../../tests/fixtures/go/shell-cmd-on-scratch.Dockerfile"),
            "exit 127",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            include_str!("../../../go/starter/Dockerfile"),
            "does not pass on SIGTERM",
            Consequence::NotProduction,
        );
        assert_fails_as(
            &RULE,
            &format!(
                "{BUILD}FROM scratch\nCOPY --from=build /out/lab /lab\nENTRYPOINT [\"/app/lab\"]\n"
            ),
            "copied to /lab",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            &format!(
                "{BUILD}FROM scratch\nCOPY --from=build /out/lab /lab\nENTRYPOINT [\"lab\"]\n"
            ),
            "executable file not found",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            &format!(
                "{BUILD}FROM scratch\nCOPY --from=build /out/lab /usr/local/bin/lab\nENTRYPOINT [\"lab\"]\n"
            ),
            "looked up on PATH",
            Consequence::NotProduction,
        );
        assert_fails_as(
            &RULE,
            &format!(
                "{BUILD}FROM scratch\nWORKDIR /app\nCOPY --from=build /out/lab ./lab\nENTRYPOINT [\"./lab\"]\n"
            ),
            "working directory /app",
            Consequence::NotProduction,
        );
        assert_fails_as(
            &RULE,
            &format!(
                "{BUILD}FROM scratch\nCOPY --from=build /out/lab /lab\nENTRYPOINT [\"/bin/sh\", \"-c\", \"/lab\"]\n"
            ),
            "has no shell",
            Consequence::WontStart,
        );
        assert_fails_as(
            &RULE,
            &format!("{BUILD}FROM scratch\nCOPY --from=build /out/lab /lab\n"),
            "no ENTRYPOINT or CMD",
            Consequence::WontStart,
        );
    }
}
