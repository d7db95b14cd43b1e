//! Rules: one file each, with the check and the words a learner reads about it (ruff-style).
//! A rule reads facts and the exercise's parameters; it never reads Dockerfile text.

mod common;
pub mod go;
mod params;

pub use params::{Params, WsgiServer};

use serde::Serialize;

use crate::facts::Facts;

mod sc101;
mod sc102;
mod sc103;
mod sc201;
mod sc202;
mod sc203;
mod sc301;
mod sc302;
mod sc303;
mod sc304;
mod sc401;
mod sc402;
mod sc403;
mod sc404;
mod sc501;
mod sc502;
mod sc503;
mod sc504;
mod sc505;
mod sc601;
mod sc602;
mod sc603;
mod sc604;
mod sc701;
mod sc702;
mod sc703;
mod sc801;
mod sc802;
mod sc803;
mod sc804;
mod sc805;
mod sc806;
mod sc807;

/// Every rule, in id order.
pub const ALL: &[Rule] = &[
    sc101::RULE,
    sc102::RULE,
    sc103::RULE,
    sc201::RULE,
    sc202::RULE,
    sc203::RULE,
    sc301::RULE,
    sc302::RULE,
    sc303::RULE,
    sc304::RULE,
    sc401::RULE,
    sc402::RULE,
    sc403::RULE,
    sc404::RULE,
    sc501::RULE,
    sc502::RULE,
    sc503::RULE,
    sc504::RULE,
    sc505::RULE,
    sc601::RULE,
    sc602::RULE,
    sc603::RULE,
    sc604::RULE,
    sc701::RULE,
    sc702::RULE,
    sc703::RULE,
    sc801::RULE,
    sc802::RULE,
    sc803::RULE,
    sc804::RULE,
    sc805::RULE,
    sc806::RULE,
    sc807::RULE,
];

/// The seven best-practice checks of the `analyze` report, in report order.
pub const BEST_PRACTICES: &[&str] = &[
    "SC801", "SC802", "SC803", "SC804", "SC805", "SC806", "SC807",
];

pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter()
        .chain(go::ALL)
        .find(|r| r.id.eq_ignore_ascii_case(id))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the TODO that lists it.
    Error,
    /// Advice: shown, never fails a TODO.
    Info,
}

/// What failing a check does to the image or the container: a closed set, so that every
/// message states a consequence a real build can confirm or refute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Consequence {
    /// `docker build` stops with an error.
    BuildFails,
    /// The image builds; the container exits at once or never starts its server.
    WontStart,
    /// The container runs, but nobody can connect (wrong interface or port).
    Unreachable,
    /// The container's process runs as root.
    RunsAsRoot,
    /// The image carries what it does not need.
    BiggerImage,
    /// A change to the app rebuilds layers that could have come from cache.
    SlowerRebuilds,
    /// Another build of the same file may get other versions.
    NotReproducible,
    /// It serves, but not as production wants (a development server, signals not forwarded).
    NotProduction,
    /// Works here; breaks on another platform or architecture.
    Portability,
    /// Builds and runs as written; an ordinary later edit breaks it or makes it wrong without
    /// a word (a stage added above moves what `--from=0` copies).
    Fragile,
    /// Builds and runs the same; the file says less than it could (a stage name that says
    /// nothing, USER below the command).
    Unclear,
}

impl Consequence {
    pub const ALL: [Consequence; 11] = [
        Consequence::BuildFails,
        Consequence::WontStart,
        Consequence::Unreachable,
        Consequence::RunsAsRoot,
        Consequence::BiggerImage,
        Consequence::SlowerRebuilds,
        Consequence::NotReproducible,
        Consequence::NotProduction,
        Consequence::Portability,
        Consequence::Fragile,
        Consequence::Unclear,
    ];

    /// The id used in JSON (`build-fails`).
    pub fn id(self) -> &'static str {
        match self {
            Consequence::BuildFails => "build-fails",
            Consequence::WontStart => "wont-start",
            Consequence::Unreachable => "unreachable",
            Consequence::RunsAsRoot => "runs-as-root",
            Consequence::BiggerImage => "bigger-image",
            Consequence::SlowerRebuilds => "slower-rebuilds",
            Consequence::NotReproducible => "not-reproducible",
            Consequence::NotProduction => "not-production",
            Consequence::Portability => "portability",
            Consequence::Fragile => "fragile",
            Consequence::Unclear => "unclear",
        }
    }

    /// In the learner's words, for a label beside the message.
    pub fn phrase(self) -> &'static str {
        match self {
            Consequence::BuildFails => "the build fails",
            Consequence::WontStart => "the container will not start",
            Consequence::Unreachable => "the server cannot be reached",
            Consequence::RunsAsRoot => "it runs as root",
            Consequence::BiggerImage => "the image is bigger",
            Consequence::SlowerRebuilds => "rebuilds are slower",
            Consequence::NotReproducible => "builds are not reproducible",
            Consequence::NotProduction => "not fit for production",
            Consequence::Portability => "breaks on other platforms",
            Consequence::Fragile => "a later edit can break it",
            Consequence::Unclear => "harder to read",
        }
    }

    /// A message as every view shows it: the message, then what failing does, said once.
    pub fn appended_to(self, message: &str) -> String {
        format!("{message} ({})", self.phrase())
    }
}

pub struct Rule {
    pub id: &'static str,
    /// A short title (`Named build stage`).
    pub title: &'static str,
    /// What it does, in one sentence.
    pub summary: &'static str,
    /// Why it matters, concretely.
    pub why: &'static str,
    /// A fragment that fails.
    pub example: &'static str,
    /// The fragment to write instead.
    pub instead: &'static str,
    /// The hadolint or BuildKit check that covers the same ground.
    pub equivalent: Option<&'static str>,
    pub severity: Severity,
    /// What failing it does, unless the outcome says otherwise for this file.
    pub consequence: Consequence,
    pub check: fn(&Facts, &Params) -> Outcome,
}

impl Rule {
    pub fn run(&self, facts: &Facts, params: &Params) -> Outcome {
        let mut outcome = if facts.stages.is_empty() {
            Outcome::fail(
                None,
                "no FROM yet: start with `FROM python:3.11-slim AS builder`",
            )
            .because(Consequence::BuildFails)
        } else {
            (self.check)(facts, params)
        };
        if outcome.status == Status::Fail && outcome.consequence.is_none() {
            outcome.consequence = Some(self.consequence);
        }
        outcome
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    /// Passes, with something worth knowing.
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub status: Status,
    /// What is wrong (or right), without the line: the line is a field of its own.
    pub message: String,
    /// The line the message is about.
    pub line: Option<usize>,
    /// What failing does; set for every failure once the rule has run.
    pub consequence: Option<Consequence>,
}

impl Outcome {
    pub fn pass(line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            status: Status::Pass,
            message: message.into(),
            line,
            consequence: None,
        }
    }
    pub fn warn(line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            status: Status::Warn,
            message: message.into(),
            line,
            consequence: None,
        }
    }
    pub fn fail(line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            status: Status::Fail,
            message: message.into(),
            line,
            consequence: None,
        }
    }
    /// The consequence for this file, when it is not the rule's usual one.
    pub fn because(mut self, consequence: Consequence) -> Self {
        self.consequence = Some(consequence);
        self
    }
    pub fn passed(&self) -> bool {
        self.status != Status::Fail
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Runs one rule on Dockerfile text with the Flask exercise's parameters.
    pub fn run(rule: &Rule, dockerfile: &str) -> Outcome {
        let facts = crate::facts::derive(&crate::syntax::parse(dockerfile));
        rule.run(&facts, &Params::default())
    }

    /// Fails with the message and the consequence given.
    pub fn assert_fails_as(
        rule: &Rule,
        dockerfile: &str,
        needle: &str,
        consequence: Consequence,
    ) -> Outcome {
        let o = assert_fails(rule, dockerfile, needle);
        assert_eq!(o.consequence, Some(consequence), "{}: {o:?}", rule.id);
        o
    }

    pub fn assert_passes(rule: &Rule, dockerfile: &str) {
        let o = run(rule, dockerfile);
        assert!(
            o.passed(),
            "{} should pass, got: {o:?}\n{dockerfile}",
            rule.id
        );
    }

    pub fn assert_fails(rule: &Rule, dockerfile: &str, needle: &str) -> Outcome {
        let o = run(rule, dockerfile);
        assert!(
            !o.message.starts_with("line "),
            "{}: messages carry no line prefix: {:?}",
            rule.id,
            o.message
        );
        assert_eq!(
            o.status,
            Status::Fail,
            "{} should fail:\n{dockerfile}\n{o:?}",
            rule.id
        );
        assert!(
            o.message.contains(needle),
            "{}: message {:?} lacks {needle:?}",
            rule.id,
            o.message
        );
        o
    }

    /// A passing multi-stage file the rule tests vary one line of.
    pub const GOOD: &str = include_str!("../../solutions/venv.Dockerfile");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_sorted_and_documented() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} before {}",
                pair[0].id,
                pair[1].id
            );
        }
        for r in ALL {
            assert!(
                !r.summary.is_empty()
                    && !r.why.is_empty()
                    && !r.example.is_empty()
                    && !r.instead.is_empty(),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn every_rule_passes_the_reference_solution() {
        for r in ALL
            .iter()
            .filter(|r| r.id != "SC804" && r.severity == Severity::Error)
        {
            testing::assert_passes(r, testing::GOOD);
        }
    }

    #[test]
    fn an_empty_file_fails_every_rule_with_a_pointer() {
        for r in ALL {
            let o = testing::run(r, "# nothing yet\n");
            assert_eq!(o.status, Status::Fail);
            assert!(o.message.contains("FROM"));
        }
    }
}
