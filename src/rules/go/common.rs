//! Questions several Go rules ask, answered once; the messages they share are written once,
//! so a learner reads "there is only one stage" once, not once per check.

use super::super::{Consequence, Outcome, Params};
use super::GoParams;
use crate::facts::go::{self, BinaryCopy, GoBase, GoBuild};
use crate::facts::{Facts, Stage};

pub fn go(params: &Params) -> &GoParams {
    &params.go
}

pub fn base(stage: &Stage) -> GoBase {
    GoBase::of(&stage.base)
}

/// The build stage: the one that built the binary the final stage copies (see
/// [`go::build_stage`]).
pub fn build_stage<'a>(facts: &'a Facts, p: &GoParams) -> Result<&'a Stage, Outcome> {
    go::build_stage(facts, &p.module).ok_or_else(|| Outcome::fail(None, "no build stage yet"))
}

/// The build stage with the final stage's copy of the binary, found once.
pub struct Ship<'a> {
    pub build: &'a Stage,
    pub binary: Option<BinaryCopy<'a>>,
}

pub fn ship<'a>(facts: &'a Facts, p: &GoParams) -> Result<Ship<'a>, Outcome> {
    let binary = go::binary_copy(facts, &p.module);
    let build = go::build_stage_of(facts, binary.as_ref())
        .ok_or_else(|| Outcome::fail(None, "no build stage yet"))?;
    Ok(Ship { build, binary })
}

/// The build stage and a separate final stage, or the one-stage failure.
pub fn ship_and_final<'a>(
    facts: &'a Facts,
    p: &GoParams,
) -> Result<(Ship<'a>, &'a Stage), Outcome> {
    let fin = facts
        .final_stage()
        .ok_or_else(|| Outcome::fail(None, "no stages yet"))?;
    let ship = ship(facts, p)?;
    if facts.stages.len() < 2 || ship.build.index == fin.index {
        return Err(one_stage(fin));
    }
    Ok((ship, fin))
}

/// What every runtime-stage check says while there is only one stage.
pub fn one_stage(fin: &Stage) -> Outcome {
    Outcome::fail(
        Some(fin.line),
        "there is only one stage, so the Go toolchain ships with the binary: add a runtime stage (FROM scratch) that copies only the binary",
    )
    .because(Consequence::BiggerImage)
}

/// The Go build that matters: the one whose binary the final stage copies, else the last
/// one of the build stage (and the stages it starts from).
pub fn main_build<'a>(facts: &'a Facts, ship: &Ship<'a>) -> Option<&'a GoBuild> {
    ship.binary.as_ref().map(|c| c.build).or_else(|| {
        let mut builds: Vec<&GoBuild> = go::builds_of(facts, ship.build.index).collect();
        builds.sort_by_key(|b| b.line);
        builds.pop()
    })
}

/// What the binary checks say while the build stage compiles nothing: nothing to run,
/// unless the command compiles at start (`go run`, which GO703 is about).
pub fn no_build(facts: &Facts, build: &Stage) -> Outcome {
    let compiles_at_start = facts
        .final_stage()
        .and_then(|f| f.command.as_deref())
        .is_some_and(go::is_go_run);
    let (message, consequence) = if compiles_at_start {
        (
            "runs no `go build` yet, so `go run` compiles the program at every start instead",
            Consequence::NotProduction,
        )
    } else {
        (
            "runs no `go build` yet, so there is no binary to ship",
            Consequence::WontStart,
        )
    };
    Outcome::fail(Some(build.line), format!("{} {message}", build.label())).because(consequence)
}

/// The stages that run `go test` themselves (not by inheriting a parent's RUN).
pub fn testing_stages(facts: &Facts) -> impl Iterator<Item = &Stage> {
    facts.stages.iter().filter(|s| !s.go.tests.is_empty())
}

/// The stages that run `go test` themselves and are built on `build`.
pub fn test_stages<'a>(facts: &'a Facts, build: &Stage) -> Vec<&'a Stage> {
    let on = go::built_on(facts, build.index);
    testing_stages(facts)
        .filter(|s| on.get(s.index).copied().unwrap_or(false))
        .collect()
}

/// What the user checks say while the final stage has no USER.
pub fn no_user(fin: &Stage) -> Outcome {
    Outcome::fail(
        Some(fin.line),
        "the final stage has no USER, so the binary runs as root (uid 0)",
    )
    .because(Consequence::RunsAsRoot)
}

/// What the command checks say while the final stage has no command.
pub fn no_command(fin: &Stage) -> Outcome {
    Outcome::fail(
        Some(fin.line),
        "the final stage has no ENTRYPOINT or CMD yet, so a container of it runs nothing (scratch has no default command)",
    )
    .because(Consequence::WontStart)
}

/// `root`, `0`, `0:0`, empty.
pub fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    matches!(name, "root" | "0" | "")
}
