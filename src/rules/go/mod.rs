//! The Go track's rules: they read the Go facts (`facts::go`: builds, cgo, binaries, test
//! stages) and the Go exercise's parameters ([`GoParams`]). One file per rule, with its
//! words, its consequence, and its three hints (`HINTS`, from gentle to almost the answer).
//!
//! | TODO | rules |
//! | --- | --- |
//! | 1 build stage | GO101 two stages · GO102 named build stage · GO103 pinned golang image |
//! | 2 modules first | GO201 go.mod alone, `go mod download`, then the source · GO202 no go.sum the app lacks |
//! | 3 test stage | GO301 `FROM build AS test` runs `go test` · GO302 the release does not need it |
//! | 4 static binary | GO401 cgo off · GO402 `-o` (or `go install`) |
//! | 5 minimal runtime | GO501 scratch / distroless static · GO502 the binary copied from where it was built · GO503 nothing else |
//! | 6 not root | GO601 non-root USER (or `:nonroot`) · GO602 a user the image knows |
//! | 7 command | GO701 exec form, absolute path · GO702 reachable ADDR · GO703 no `go run` |

mod common;
mod params;

pub use params::GoParams;

use super::Rule;

mod go101;
mod go102;
mod go103;
mod go201;
mod go202;
mod go301;
mod go302;
mod go401;
mod go402;
mod go501;
mod go502;
mod go503;
mod go601;
mod go602;
mod go701;
mod go702;
mod go703;

/// Every Go rule, in id order.
pub const ALL: &[Rule] = &[
    go101::RULE,
    go102::RULE,
    go103::RULE,
    go201::RULE,
    go202::RULE,
    go301::RULE,
    go302::RULE,
    go401::RULE,
    go402::RULE,
    go501::RULE,
    go502::RULE,
    go503::RULE,
    go601::RULE,
    go602::RULE,
    go701::RULE,
    go702::RULE,
    go703::RULE,
];

/// Each rule's hint ladder, by id (kept beside each rule's words; the Rule type gets a field
/// for it in the hint-ladder work, and these move there).
pub const HINTS: &[(&str, [&str; 3])] = &[
    (go101::RULE.id, go101::HINTS),
    (go102::RULE.id, go102::HINTS),
    (go103::RULE.id, go103::HINTS),
    (go201::RULE.id, go201::HINTS),
    (go202::RULE.id, go202::HINTS),
    (go301::RULE.id, go301::HINTS),
    (go302::RULE.id, go302::HINTS),
    (go401::RULE.id, go401::HINTS),
    (go402::RULE.id, go402::HINTS),
    (go501::RULE.id, go501::HINTS),
    (go502::RULE.id, go502::HINTS),
    (go503::RULE.id, go503::HINTS),
    (go601::RULE.id, go601::HINTS),
    (go602::RULE.id, go602::HINTS),
    (go701::RULE.id, go701::HINTS),
    (go702::RULE.id, go702::HINTS),
    (go703::RULE.id, go703::HINTS),
];

/// The hint ladder of a Go rule.
pub fn hints(id: &str) -> Option<&'static [&'static str; 3]> {
    HINTS
        .iter()
        .find(|(rule, _)| rule.eq_ignore_ascii_case(id))
        .map(|(_, h)| h)
}

/// Which TODO of the Go exercise each rule grades (the lessons in lessons/go say the same;
/// a test holds them together).
pub const TODO_OF: &[(&str, u32)] = &[
    ("GO101", 1),
    ("GO102", 1),
    ("GO103", 1),
    ("GO201", 2),
    ("GO202", 2),
    ("GO301", 3),
    ("GO302", 3),
    ("GO401", 4),
    ("GO402", 4),
    ("GO501", 5),
    ("GO502", 5),
    ("GO503", 5),
    ("GO601", 6),
    ("GO602", 6),
    ("GO701", 7),
    ("GO702", 7),
    ("GO703", 7),
];

/// The scratch reference solution, which every Go rule passes.
#[cfg(test)]
pub(crate) const GOOD: &str = include_str!("../../../go/solutions/scratch.Dockerfile");
/// The distroless `:nonroot` reference solution.
#[cfg(test)]
pub(crate) const DISTROLESS: &str = include_str!("../../../go/solutions/distroless.Dockerfile");

#[cfg(test)]
mod tests;
