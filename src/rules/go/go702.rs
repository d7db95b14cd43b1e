//! GO702: the server listens where a published port reaches it.

use super::super::{Consequence, Outcome, Params, Rule, Severity};
use super::common;
use crate::facts::Facts;

pub const RULE: Rule = Rule {
    id: "GO702",
    title: "Reachable address",
    summary: "Checks that the address variable (ADDR) is unset, or binds every interface (`:8080`, `0.0.0.0:8080`, `[::]:8080`) on 8080 or a port the file EXPOSEs; `127.0.0.1:…` and `localhost:…` fail.",
    why: "Inside a container 127.0.0.1 is the container itself, and `docker run -p 8080:8080` forwards to the container's own interface. Built here with `ENV ADDR=127.0.0.1:8080`, the container runs and logs \"listening on 127.0.0.1:8080\", and every request through the published port is reset without an answer.",
    example: "ENV ADDR=127.0.0.1:8080",
    instead: "ENV ADDR=:8080",
    equivalent: None,
    severity: Severity::Error,
    consequence: Consequence::Unreachable,
    check,
};

pub const HINTS: [&str; 3] = [
    "Which network interfaces does the server listen on, and which one does `docker run -p` forward to?",
    "Leave the address variable unset (the app listens on :8080, every interface), or give it an address with no host part.",
    "Remove the ENV that sets ADDR, or write `ENV ADDR=:8080`.",
];

fn check(facts: &Facts, params: &Params) -> Outcome {
    let p = common::go(params);
    let Some(fin) = facts.final_stage() else {
        return Outcome::fail(None, "no stages yet");
    };
    let var = &p.addr_variable;
    let Some(at) = fin.state.env(var) else {
        return Outcome::pass(
            None,
            format!(
                "{var} unset: the app listens on :{} (every interface)",
                p.port
            ),
        );
    };
    let value = at.value.trim();
    let line = Some(at.line);
    if value.is_empty() {
        return Outcome::pass(
            line,
            format!(
                "{var} empty: the app listens on :{} (every interface)",
                p.port
            ),
        );
    }
    let Some((host, port)) = value.rsplit_once(':') else {
        return Outcome::fail(
            line,
            format!(
                "{var}={value} has no port: the server stops at once with `listen tcp: address {value}: missing port in address`; write {var}=:{}",
                p.port
            ),
        )
        .because(Consequence::WontStart);
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if !matches!(host, "" | "0.0.0.0" | "::") {
        let loopback = host.starts_with("127.") || host == "localhost" || host == "::1";
        let what = if loopback {
            "the loopback interface, which inside a container is the container itself"
        } else {
            "one address only, not the interface Docker forwards published ports to"
        };
        return Outcome::fail(
            line,
            format!(
                "{var}={value} listens on {what}: the container runs, and every request through `docker run -p {port}:{port}` is reset without an answer; write {var}=:{port}"
            ),
        );
    }
    let exposed = fin
        .expose
        .iter()
        .any(|e| e.value.split('/').next() == Some(port));
    if port == p.port.to_string() || exposed {
        return Outcome::pass(line, format!("{var}={value}: every interface"));
    }
    Outcome::fail(
        line,
        format!(
            "{var}={value} listens on port {port}, which the file does not EXPOSE: `docker run -p {0}:{0}` reaches nothing; use {var}=:{0} or EXPOSE {port}",
            p.port
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    fn with_env(env: &str) -> String {
        format!(
            "FROM golang:1.24 AS build\nFROM scratch\n{env}EXPOSE 8080\nENTRYPOINT [\"/lab\"]\n"
        )
    }

    #[test]
    fn addresses() {
        assert_passes(&RULE, crate::rules::go::GOOD);
        assert_passes(&RULE, crate::rules::go::DISTROLESS);
        for ok in [
            "ENV ADDR=:8080\n",
            "ENV ADDR=0.0.0.0:8080\n",
            "ENV ADDR=[::]:8080\n",
            "",
        ] {
            assert_passes(&RULE, &with_env(ok));
        }
        assert_fails_as(
            &RULE,
            include_str!("../../../tests/fixtures/go/addr-loopback.Dockerfile"),
            "loopback interface",
            Consequence::Unreachable,
        );
        assert_fails(&RULE, &with_env("ENV ADDR=localhost:8080\n"), "loopback");
        assert_fails(&RULE, &with_env("ENV ADDR=:9090\n"), "does not EXPOSE");
        assert_passes(&RULE, &with_env("ENV ADDR=:9090\nEXPOSE 9090\n"));
        assert_fails_as(
            &RULE,
            &with_env("ENV ADDR=8080\n"),
            "missing port in address",
            Consequence::WontStart,
        );
    }
}
