//! SC401: the final stage starts from a small, pinned base.

use super::{Consequence, Outcome, Params, Rule, Severity};
use crate::facts::{Facts, Variant};

pub const RULE: Rule = Rule {
    id: "SC401",
    title: "Small runtime base",
    summary: "Checks that the final stage starts from a `-slim` or `-alpine` Python image (or distroless Python) whose tag fixes the Python version.",
    why: "python:3.11 is about 1 GB: compilers, headers and documentation the app never uses. python:3.11-slim is about 130 MB and runs the same code.",
    example: "FROM python:3.11 AS runtime",
    instead: "FROM python:3.11-slim AS runtime",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::BiggerImage,
    check,
};

fn check(facts: &Facts, _: &Params) -> Outcome {
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let (line, base) = (Some(fin.line), &fin.base);
    if let Some(problem) = &fin.from_problem {
        return Outcome::fail(line, problem.clone()).because(Consequence::BuildFails);
    }
    // A final stage built on another stage stands on that stage's image; what the other
    // stage installed is SC404's question (build tools) or the app's own business.
    if !base.official_python && base.variant != Variant::Distroless {
        let python = match base.python_label() {
            Some(v) => format!("the distribution's python3 ({v})"),
            None => "whatever the image holds".to_string(),
        };
        return Outcome::fail(
            line,
            format!(
                "`{}` is not a Python image: the runtime's Python is {python}, which moves with the image's packages rather than a Python tag; start from python:3.11-slim (or a distroless Python image)",
                base.text
            ),
        )
        .because(Consequence::NotReproducible);
    }
    if !base.is_small() {
        return Outcome::fail(
            line,
            format!(
                "`{}` is a full image of about 1 GB; a -slim variant (about 130 MB) runs the same app",
                base.text
            ),
        );
    }
    if !base.is_pinned() {
        return Outcome::fail(
            line,
            format!(
                "`{}` does not fix the Python version, so a rebuild may get another Python than the build stage's; pin it, e.g. python:3.11-slim",
                base.text
            ),
        )
        .because(Consequence::NotReproducible);
    }
    Outcome::pass(line, format!("final stage on {}", base.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn small_base() {
        assert_fails(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM python:3.11\n",
            "full image",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS builder\nRUN pip install -r requirements.txt\nFROM builder\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM python:3.11-alpine\n",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS b\nFROM gcr.io/distroless/python3-debian12:nonroot\n",
        );
    }

    #[test]
    fn a_distribution_image_is_not_a_python_image() {
        for other in ["debian:12-slim", "ubuntu:22.04", "myorg/python:3.11-slim"] {
            let o = assert_fails_as(
                &RULE,
                &format!(
                    "FROM python:3.11-slim AS b\nFROM {other}\nRUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*\n"
                ),
                "is not a Python image",
                Consequence::NotReproducible,
            );
            // Not the python image's "about 1 GB".
            assert!(!o.message.contains("1 GB"), "{o:?}");
        }
    }

    #[test]
    fn pins_and_chains() {
        for moving in ["python:slim", "python:3-slim", "python:alpine3.19"] {
            assert_fails_as(
                &RULE,
                &format!("FROM python:3.11 AS b\nFROM {moving}\n"),
                "does not fix the Python version",
                Consequence::NotReproducible,
            );
        }
        // A base stage that only sets the environment gives the runtime its slim image.
        assert_passes(
            &RULE,
            "FROM python:3.11-slim AS base\nENV PYTHONUNBUFFERED=1\nFROM base AS builder\nRUN pip install --prefix=/install -r requirements.txt\nFROM base\nCOPY --from=builder /install /usr/local\n",
        );
        assert_fails(
            &RULE,
            "FROM python:3.11 AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\n",
            "full image",
        );
        assert_passes(
            &RULE,
            "FROM python:3.11 AS b\nFROM python:3.11-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
        );
    }
}
