//! Each fact, per stage, on a small fixture.

use super::*;
use crate::syntax::{Form, parse};

fn facts(text: &str) -> Facts {
    derive(&parse(text))
}

#[test]
fn stages_names_parents_and_resolved_bases() {
    let f = facts(
        "ARG PY=3.11\nFROM python:${PY}-slim AS base\nENV A=1\nFROM base AS Builder\nRUN pip install -r requirements.txt\nFROM base\nCOPY --from=builder /usr/local /usr/local\n",
    );
    assert_eq!(f.stages.len(), 3);
    assert_eq!(f.stage_named("BUILDER"), Some(1));
    assert_eq!(f.stages[1].parent, Some(0));
    assert_eq!(f.stages[2].parent, Some(0));
    // The alias chain resolves to the image.
    for s in &f.stages {
        assert_eq!(s.base.text, "python:3.11-slim");
        assert_eq!(s.base.python, Some((3, 11)));
    }
    assert_eq!(f.build_stage, Some(1));
    assert_eq!(f.needed, vec![true, true, true]);
    // Inherited environment, not copied into the child's own list.
    assert_eq!(f.stages[2].env_value("A"), Some("1"));
    assert!(f.stages[2].env.is_empty());
    assert_eq!(
        f.lineage(2).map(|s| s.index).collect::<Vec<_>>(),
        vec![2, 0]
    );
}

#[test]
fn package_runs() {
    let f = facts(
        "FROM python:3.11\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc=4:12.2.0-3 g++ && rm -rf /var/lib/apt/lists/*\n",
    );
    let run = &f.stages[0].package_runs[0];
    assert!(run.installs && run.updates && run.update_chained);
    assert!(run.assume_yes && run.no_recommends && run.cleans_cache);
    assert_eq!(run.names().collect::<Vec<_>>(), vec!["gcc", "g++"]);
    assert_eq!(run.manager, Manager::Apt);
}

#[test]
fn pip_installs_and_where_they_land() {
    let f = facts(
        "FROM python:3.11 AS b\nWORKDIR /w\nENV VIRTUAL_ENV=/opt/venv\nRUN python -m venv $VIRTUAL_ENV\nENV PATH=\"$VIRTUAL_ENV/bin:$PATH\"\nRUN pip install --no-cache-dir -r requirements.txt flask\nRUN pip install --user x\nRUN pip install --prefix=deps y\nRUN --mount=type=cache,target=/root/.cache/pip /usr/local/bin/pip install -t /t z\n",
    );
    let s = &f.stages[0];
    assert_eq!(s.venvs[0].value, "/opt/venv");
    let targets: Vec<&PipTarget> = s.pip_installs.iter().map(|p| &p.target).collect();
    assert_eq!(
        targets,
        vec![
            &PipTarget::Venv("/opt/venv".into()),
            &PipTarget::User("/root/.local".into()),
            &PipTarget::Prefix("/w/deps".into()),
            &PipTarget::Target("/t".into()),
        ]
    );
    let first = &s.pip_installs[0];
    assert!(first.cache_off && first.reads("requirements.txt"));
    assert_eq!(first.packages, vec!["flask"]);
    assert!(!s.pip_installs[1].cache_off);
    // A BuildKit cache mount keeps the cache out of the image.
    assert!(s.pip_installs[3].cache_off);
    assert!(s.created("/opt/venv") && s.created("/w/deps") && s.created("/root/.local"));
}

#[test]
fn a_venv_passed_by_is_noticed() {
    let f = facts("FROM python:3.11\nRUN python -m venv /venv\nRUN pip install -r r.txt\n");
    let pip = &f.stages[0].pip_installs[0];
    assert_eq!(pip.target, PipTarget::System);
    assert_eq!(pip.missed_venv.as_deref(), Some("/venv"));
    let f = facts(
        "FROM python:3.11\nRUN python -m venv /venv && . /venv/bin/activate && pip install -r r.txt\n",
    );
    assert_eq!(
        f.stages[0].pip_installs[0].target,
        PipTarget::Venv("/venv".into())
    );
}

#[test]
fn users_groups_and_owners() {
    let f = facts(
        "FROM python:3.11-slim\nCOPY --chown=app:app a .\nRUN groupadd -r grp && useradd -r -g grp -m app\nCOPY --chown=app:grp b .\nCOPY --chown=app:app c .\nUSER app\n",
    );
    let s = &f.stages[0];
    assert_eq!(s.users_created[0].value, "app");
    assert_eq!(s.state.user_created("app"), Some(3));
    assert_eq!(s.state.group_created("grp"), Some(3));
    let missing: Vec<Option<&str>> = s.ownership.iter().map(|o| o.missing.as_deref()).collect();
    // Before the user exists; then fine; then a group useradd did not make (it had -g).
    assert_eq!(missing, vec![Some("app"), None, Some("app")]);
    assert_eq!(s.user().unwrap().value, "app");
    assert!(s.user_exists("app", 6) && !s.user_exists("app", 2));
}

#[test]
fn copying_another_stages_etc_replaces_the_accounts() {
    let f = facts(
        "FROM python:3.11-slim AS b\nRUN useradd builder\nFROM python:3.11-slim\nRUN useradd app\nCOPY --from=b / /\nUSER app\n",
    );
    let s = &f.stages[1];
    assert_eq!(s.accounts_replaced, Some(5));
    assert!(!s.user_exists("app", 6));
    assert!(s.user_exists("builder", 6));
}

#[test]
fn copies_and_what_they_carry() {
    let f = facts(
        "FROM python:3.11 AS b\nRUN python -m venv /opt/venv\nFROM python:3.11-slim\nWORKDIR /app\nCOPY --from=b /opt /opt\nCOPY . .\nCOPY [\"a b.py\", \"./\"]\n",
    );
    let s = &f.stages[1];
    let c = &s.copies[0];
    assert_eq!(c.from_stage(), Some(0));
    assert_eq!(c.lands("/opt/venv").as_deref(), Some("/opt/venv"));
    assert_eq!(c.lands("/usr"), None);
    assert!(s.copies[1].whole_context);
    assert_eq!(s.copies[2].sources, vec!["a b.py"]);
    assert_eq!(s.copies[2].dest_abs, "/app");
    // What was copied may hold anything, the venv included.
    assert!(!s.lacks("/opt/venv"));
}

#[test]
fn what_a_stage_lacks() {
    let f = facts("FROM python:3.11 AS b\nWORKDIR /src\nRUN pip install --prefix=/install x\n");
    let s = &f.stages[0];
    assert!(s.lacks("/opt/venv"));
    assert!(!s.lacks("/install"));
    // Anything may be inside a WORKDIR, and base images have their own /usr.
    assert!(!s.lacks("/src/dist"));
    assert!(!s.lacks("/usr/local/lib"));
}

#[test]
fn the_container_command() {
    let f = facts(
        "FROM python:3.11-slim\nENV GUNICORN_CMD_ARGS=\"--workers 2 --bind=0.0.0.0:5000\"\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"/opt/venv/bin/gunicorn\", \"-w\", \"2\", \"app:create_app()\"]\n",
    );
    let c = f.stages[0].command.as_ref().unwrap();
    // ENTRYPOINT resets an earlier CMD only in the same stage; here CMD comes after it.
    assert_eq!(c.form, Form::Exec);
    assert_eq!(c.program, "gunicorn");
    assert_eq!(c.program_path.as_deref(), Some("/opt/venv/bin/gunicorn"));
    assert_eq!(c.server, Some(ServerKind::Wsgi));
    assert_eq!(c.app, Some(AppRef::Module("app".into())));
    assert_eq!(c.binds[0].address, "0.0.0.0:5000");
    assert!(c.binds[0].all_interfaces_on(5000));

    let f =
        facts("FROM python:3.11-slim\nCMD cd /app && exec python -m flask run --host=0.0.0.0\n");
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.form, Form::Shell);
    assert_eq!(c.program, "flask");
    assert!(c.interpreter.is_some());
    assert_eq!(c.server, Some(ServerKind::Development));
    assert_eq!(c.binds[0].address, "0.0.0.0:5000");

    let f = facts("FROM python:3.11-slim\nCMD [\"python\", \"main.py\"]\n");
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.app, Some(AppRef::File("main.py".into())));
    assert!(c.binds.is_empty());

    let f =
        facts("FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind 0.0.0.0:5000\", \"app:app\"]\n");
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.glued.as_deref(), Some("--bind 0.0.0.0:5000"));
}

#[test]
fn entrypoint_in_a_stage_resets_its_cmd() {
    let f = facts(
        "FROM python:3.11-slim AS a\nCMD [\"x\"]\nENTRYPOINT [\"gunicorn\"]\nFROM a\nCMD [\"app:app\"]\n",
    );
    assert_eq!(
        f.stages[0].command.as_ref().unwrap().words,
        vec!["gunicorn"]
    );
    assert_eq!(
        f.stages[1].command.as_ref().unwrap().words,
        vec!["gunicorn", "app:app"]
    );
}

#[test]
fn delivery_of_the_packages() {
    let f = facts(
        "FROM python:3.11 AS b\nRUN pip install --user -r requirements.txt\nFROM python:3.11-slim\nRUN useradd -m app\nCOPY --from=b /root/.local /home/app/.local\nUSER app\n",
    );
    let d = f.delivery().unwrap();
    assert_eq!(d.installed_at, "/root/.local");
    assert_eq!(d.lands_at, "/home/app/.local");
    assert_eq!(d.bin_dir(), "/home/app/.local/bin");
    assert!(!d.relocated_venv());
}

#[test]
fn the_build_stage_is_the_one_whose_packages_are_copied() {
    let f = facts(
        "FROM python:3.11 AS assets\nRUN echo hi > /x\nFROM python:3.11 AS deps\nRUN pip install --prefix=/install -r r.txt\nFROM python:3.11-slim\nCOPY --from=assets /x /x\nCOPY --from=deps /install /usr/local\n",
    );
    assert_eq!(f.build_stage, Some(1));
    assert_eq!(f.needed, vec![true, true, true]);
    let f = facts("FROM a AS x\nFROM b AS unused\nFROM c\nCOPY --from=x /a /a\n");
    assert_eq!(f.needed, vec![true, false, true]);
}

#[test]
fn chained_stages_share_their_parents_state() {
    // Each stage inherits a growing install list and environment: shared, not copied.
    let mut text = String::from("FROM python:3.11-slim AS s0\n");
    for i in 1..1500 {
        text.push_str(&format!(
            "FROM s{} AS s{i}\nRUN pip install p{i}\nENV E{i}=v\n",
            i - 1
        ));
    }
    let f = facts(&text);
    assert_eq!(f.stages.len(), 1500);
    assert_eq!(f.stages[1499].env_value("E1"), Some("v"));
    assert_eq!(f.installs_of(1499).count(), 1499);
}

#[test]
fn an_entrypoint_script_hands_over_to_cmd() {
    let f = facts(
        "FROM python:3.11-slim\nENTRYPOINT [\"/app/bin/docker-entrypoint-web\"]\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]\n",
    );
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.program, "gunicorn");
    assert_eq!(c.wrapper.as_deref(), Some("/app/bin/docker-entrypoint-web"));
    // A program is not a wrapper: its CMD words are its arguments.
    let f = facts("FROM python:3.11-slim\nENTRYPOINT [\"gunicorn\"]\nCMD [\"app:app\"]\n");
    assert_eq!(f.stages[0].command.as_ref().unwrap().args, vec!["app:app"]);
}

#[test]
fn the_build_stage_is_a_python_stage_before_an_assets_stage() {
    let f = facts(
        "FROM node:24-slim AS assets\nRUN yarn build\nFROM python:3.14-slim AS app-build\nRUN bin/install-deps\nFROM python:3.14-slim\nCOPY --from=assets /app/public /public\nCOPY --from=app-build /home/python/.local /home/python/.local\n",
    );
    assert_eq!(f.build_stage, Some(1));
}

#[test]
fn owners_on_an_image_whose_accounts_are_unknown_are_not_called_missing() {
    let f = facts(
        "FROM node:24-slim\nCOPY --chown=node:node package.json .\nFROM python:3.11-slim\nCOPY --chown=node:node x .\n",
    );
    assert_eq!(f.stages[0].ownership[0].missing, None);
    assert_eq!(f.stages[1].ownership[0].missing.as_deref(), Some("node"));
}

#[test]
fn pip_reads_any_yes_no_value_of_pip_no_cache_dir_as_off() {
    for v in ["1", "true", "off", "0", "no"] {
        let f = facts(&format!(
            "FROM python:3.11\nENV PIP_NO_CACHE_DIR={v}\nRUN pip install x\n"
        ));
        assert!(f.stages[0].pip_installs[0].cache_off, "{v}");
    }
    let f = facts("FROM python:3.11\nRUN pip install x\n");
    assert!(!f.stages[0].pip_installs[0].cache_off);
}

#[test]
fn a_base_only_built_on_hands_its_state_to_its_last_child() {
    let f = facts(
        "FROM python:3.11-slim AS s0\nRUN python -m venv /v0\nFROM s0 AS s1\nRUN python -m venv /v1\nFROM s1 AS s2\nENV X=1\nFROM python:3.11-slim\nCOPY --from=s2 /v1 /v1\n",
    );
    // The chain's end still sees everything its ancestors made.
    assert!(f.stages[2].state.created("/v0"));
    assert!(f.stages[2].state.created("/v1"));
    // s0 and s1 are only built on: their own states were handed over, not kept twice.
    assert!(!f.stages[0].state.created("/v0"));
    assert!(!f.stages[1].state.created("/v1"));
}

#[test]
fn a_base_that_is_also_copied_from_keeps_its_state() {
    for copy in ["--from=base", "--from=0", "--from=BASE"] {
        let f = facts(&format!(
            "FROM python:3.11-slim AS base\nRUN python -m venv /opt/venv\nFROM base AS tests\nRUN true\nFROM python:3.11-slim\nCOPY {copy} /opt/venv /opt/venv\n"
        ));
        assert!(f.stages[0].state.created("/opt/venv"), "{copy}");
    }
    // A RUN --mount from= is a reference too.
    let f = facts(
        "FROM python:3.11-slim AS base\nRUN python -m venv /opt/venv\nFROM base AS b\nRUN true\nFROM python:3.11-slim\nRUN --mount=type=bind,from=base,target=/x true\n",
    );
    assert!(f.stages[0].state.created("/opt/venv"));
}

#[test]
fn an_entrypoint_script_written_by_a_heredoc_is_read() {
    let f = facts(
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY <<EOF ./entrypoint.sh\n#!/bin/sh\nset -e\nflask db upgrade\nexec gunicorn -b 0.0.0.0:${PORT:-5000} wsgi:app\nEOF\nENTRYPOINT [\"./entrypoint.sh\"]\n",
    );
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.program, "gunicorn");
    assert_eq!(c.app, Some(AppRef::Module("wsgi".into())));
    assert_eq!(c.wrapper.as_deref(), Some("./entrypoint.sh"));
    assert!(c.binds.iter().any(|b| b.address == "0.0.0.0:5000"), "{c:?}");
    // A script that hands over with `exec "$@"` runs CMD.
    let f = facts(
        "FROM python:3.11-slim\nCOPY <<EOF /docker-entrypoint.sh\n#!/bin/sh\nexec \"$@\"\nEOF\nENTRYPOINT [\"sh\", \"/docker-entrypoint.sh\"]\nCMD [\"gunicorn\", \"app:app\"]\n",
    );
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(
        (c.program.as_str(), c.args.clone()),
        ("gunicorn", vec!["app:app".to_string()])
    );
    // A script from the context cannot be read: it is what must be there.
    let f = facts("FROM python:3.11-slim\nCOPY start.sh /\nCMD [\"/start.sh\"]\n");
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.app, Some(AppRef::Script("/start.sh".into())));
}

#[test]
fn a_distroless_python_image_runs_python3_with_cmd_as_arguments() {
    let f =
        facts("FROM gcr.io/distroless/python3-debian12\nCMD [\"-m\", \"gunicorn\", \"app:app\"]\n");
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.program, "gunicorn");
    assert_eq!(c.interpreter.as_deref(), Some("/usr/bin/python3"));
    let f = facts("FROM gcr.io/distroless/python3-debian12\nCMD [\"app.py\"]\n");
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.app, Some(AppRef::File("app.py".into())));
    // Without a CMD there is nothing to run but a prompt; an ENTRYPOINT of the file's own wins.
    assert!(
        facts("FROM gcr.io/distroless/python3-debian12\n").stages[0]
            .command
            .is_none()
    );
    let f = facts(
        "FROM gcr.io/distroless/python3-debian12\nENTRYPOINT [\"/venv/bin/gunicorn\"]\nCMD [\"app:app\"]\n",
    );
    assert_eq!(f.stages[0].command.as_ref().unwrap().program, "gunicorn");
}

#[test]
fn python_dash_m_names_the_module_it_runs() {
    let f = facts("FROM python:3.11-slim\nCMD [\"python\", \"-m\", \"orderdesk\"]\n");
    let c = f.stages[0].command.as_ref().unwrap();
    assert_eq!(c.app, Some(AppRef::Module("orderdesk".into())));
    assert_eq!(c.shown(), "python -m orderdesk");
}

#[test]
fn project_installs_are_known_with_their_folder_and_mode() {
    let f = facts(
        "FROM python:3.12-slim\nWORKDIR /app\nRUN uv sync --frozen --no-install-project\nRUN uv sync --frozen\nRUN uv sync --no-editable\nRUN pip install .\nRUN pip install -e ./lib\nRUN poetry install --no-root\nRUN poetry install\n",
    );
    let projects: Vec<Option<(String, bool)>> = f.stages[0]
        .pip_installs
        .iter()
        .map(|p| p.project.as_ref().map(|p| (p.dir.clone(), p.editable)))
        .collect();
    let at = |d: &str, e: bool| Some((d.to_string(), e));
    assert_eq!(
        projects,
        vec![
            None,
            at("/app", true),
            at("/app", false),
            at("/app", false),
            at("/app/lib", true),
            None,
            at("/app", true),
        ]
    );
    // `pip install .` names no package.
    assert!(f.stages[0].pip_installs[3].packages.is_empty());
}

#[test]
fn a_distribution_stage_that_installs_python3_runs_its_python() {
    let f = facts(
        "FROM ubuntu:22.04 AS base\nRUN apt-get update && apt-get install -y python3-venv && rm -rf /var/lib/apt/lists/*\nFROM base\nFROM debian:12\n",
    );
    assert_eq!(f.stages[0].base.python, Some((3, 10)));
    assert_eq!(f.stages[1].base.python, Some((3, 10)));
    assert_eq!(f.stages[2].base.python, None);
}

#[test]
fn a_commands_own_assignment_settles_where_pipenv_installs() {
    let f = facts(
        "FROM python:3.11\nWORKDIR /app\nRUN pip install pipenv && PIPENV_VENV_IN_PROJECT=1 pipenv install --deploy\nRUN export PIPENV_VENV_IN_PROJECT=1 && pipenv install\nRUN pipenv install\n",
    );
    let targets: Vec<&PipTarget> = f.stages[0]
        .pip_installs
        .iter()
        .skip(1)
        .map(|p| &p.target)
        .collect();
    assert_eq!(targets[0], &PipTarget::Venv("/app/.venv".into()));
    assert_eq!(targets[1], &PipTarget::Venv("/app/.venv".into()));
    // An export does not outlive its RUN.
    assert_eq!(
        targets[2],
        &PipTarget::Venv("/root/.local/share/virtualenvs".into())
    );
}
