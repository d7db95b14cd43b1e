//! Loading and validating packs, good and broken.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

/// A copy of the project's pack with its layout: `lessons/` beside `starter/` and
/// `solutions/`, under a folder marked as a stagecraft project.
fn copy_pack() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(
        root.join(files::PROJECT_MARKER),
        tmp.path().join(files::PROJECT_MARKER),
    )
    .unwrap();
    let pack = tmp.path().join("lessons");
    for dir in ["lessons", "starter", "solutions"] {
        let to = tmp.path().join(dir);
        fs::create_dir_all(&to).unwrap();
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let entry = entry.unwrap();
            // lessons/go is the Go track's pack, not part of this one.
            if entry.file_type().unwrap().is_dir() {
                continue;
            }
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    (tmp, pack)
}

fn errors(dir: &Path) -> Vec<PackError> {
    match Pack::open(Some(dir)) {
        Ok(_) => vec![],
        Err(PackErrors(e)) => e,
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_embedded_pack_is_valid() {
    let pack = Pack::embedded().unwrap();
    assert_eq!(pack.lessons.len(), 7);
    assert_eq!(
        pack.params.requirements,
        vec!["flask", "pandas", "matplotlib", "numpy", "gunicorn"]
    );
    validate(&pack).unwrap();
}

#[test]
fn a_copied_pack_on_disk_is_valid() {
    let (_tmp, dir) = copy_pack();
    assert_eq!(errors(&dir), vec![]);
}

#[test]
fn unknown_key_names_file_line_and_column() {
    let (_tmp, dir) = copy_pack();
    edit(&dir.join("03-python-dependencies.yaml"), "goal:", "gaol:");
    let e = errors(&dir);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].file.ends_with("03-python-dependencies.yaml"));
    assert_eq!((e[0].line, e[0].column), (4, 1));
    assert!(
        e[0].message.contains("unknown field `gaol`"),
        "{}",
        e[0].message
    );
}

#[test]
fn unknown_rule_id_is_located() {
    let (_tmp, dir) = copy_pack();
    edit(&dir.join("01-build-stage.yaml"), "SC103]", "SC999]");
    let e = errors(&dir);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].message, "unknown rule id `SC999`");
    let text = fs::read_to_string(dir.join("01-build-stage.yaml")).unwrap();
    assert_eq!(
        text.lines()
            .nth(e[0].line - 1)
            .unwrap()
            .find("SC999")
            .unwrap()
            + 1,
        e[0].column
    );
}

#[test]
fn missing_file_and_path_outside_the_pack() {
    let (_tmp, dir) = copy_pack();
    edit(
        &dir.join("pack.yaml"),
        "solutions/user.Dockerfile",
        "solutions/missing.Dockerfile",
    );
    edit(
        &dir.join("pack.yaml"),
        "- 07-production-command.yaml",
        "- ../../etc/passwd",
    );
    let e = errors(&dir);
    let messages: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert!(
        messages.iter().any(|m| m.contains("pack.yaml:")
            && m.contains("`solutions`: `solutions/missing.Dockerfile` does not exist")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`lessons`: `../../etc/passwd` leaves the pack folder")),
        "{messages:?}"
    );
}

#[test]
fn broken_yaml_is_located() {
    let (_tmp, dir) = copy_pack();
    edit(
        &dir.join("06-non-root-user.yaml"),
        "rules: [SC601, SC602, SC604]",
        "rules: [SC601, SC602, SC604",
    );
    let e = errors(&dir);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].file.ends_with("06-non-root-user.yaml") && e[0].line == 17,
        "{e:?}"
    );
}

#[test]
fn a_starter_that_passes_a_todo_and_a_failing_solution_are_reported() {
    let (tmp, dir) = copy_pack();
    edit(
        &tmp.path().join("starter/Dockerfile"),
        "CMD python app.py",
        "CMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]",
    );
    edit(
        &tmp.path().join("solutions/prefix.Dockerfile"),
        "USER 10001:10001",
        "USER root",
    );
    let messages: Vec<String> = errors(&dir).iter().map(ToString::to_string).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("starter already passes TODO 7")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("prefix.Dockerfile:") && m.contains("solution fails TODO 6")),
        "{messages:?}"
    );
}

#[test]
fn wrong_number_of_hints() {
    let (_tmp, dir) = copy_pack();
    edit(
        &dir.join("04-runtime-stage.yaml"),
        "  - Which image does the last FROM use, and how big is it?\n",
        "",
    );
    let e = errors(&dir);
    assert!(
        e[0].message.contains("three hints") && e[0].message.contains("found 2"),
        "{e:?}"
    );
}

// ---- Hostile packs: each is refused with its place, and nothing outside is read. ----

/// A file outside the pack's root whose text must never show up anywhere.
const SECRET: &str = "SECRET-7c1f: text of a file outside the pack";

fn outside_file() -> (tempfile::TempDir, PathBuf) {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    fs::write(&secret, format!("{SECRET}\nFROM python:3.11\n")).unwrap();
    (outside, secret)
}

fn messages(dir: &Path) -> Vec<String> {
    let messages: Vec<String> = errors(dir).iter().map(ToString::to_string).collect();
    assert!(!messages.is_empty(), "the pack was accepted");
    for m in &messages {
        assert!(!m.contains("SECRET"), "a refused file was quoted: {m}");
        assert!(!m.contains("root:x:0"), "a refused file was quoted: {m}");
    }
    messages
}

fn has(messages: &[String], parts: &[&str]) {
    assert!(
        messages
            .iter()
            .any(|m| parts.iter().all(|part| m.contains(part))),
        "no message with {parts:?} in {messages:#?}"
    );
}

/// `pack.yaml:line:column:` of `value`, written after `before`, in the pack's pack.yaml: the
/// place a message about that value must name.
fn at(dir: &Path, before: &str, value: &str) -> String {
    let text = fs::read_to_string(dir.join("pack.yaml")).unwrap();
    let pos = text
        .find(&format!("{before}{value}"))
        .unwrap_or_else(|| panic!("{before}{value:?} not in pack.yaml"))
        + before.len();
    let (line, column) = line_column(&text, pos);
    format!("pack.yaml:{line}:{column}:")
}

fn replace_with_link(path: &Path, target: &Path) {
    fs::remove_file(path).unwrap();
    std::os::unix::fs::symlink(target, path).unwrap();
}

#[test]
fn a_lesson_that_links_out_of_the_pack_folder_is_refused() {
    let (_tmp, dir) = copy_pack();
    let (_outside, secret) = outside_file();
    fs::write(
        &secret,
        fs::read_to_string(dir.join("01-build-stage.yaml"))
            .unwrap()
            .replace("title: ", &format!("title: {SECRET} ")),
    )
    .unwrap();
    replace_with_link(&dir.join("01-build-stage.yaml"), &secret);
    let m = messages(&dir);
    has(
        &m,
        &[
            at(&dir, "  - ", "01-build-stage.yaml").as_str(),
            "`lessons`: `01-build-stage.yaml` is a link that leads outside the pack folder",
        ],
    );
    // A lesson may not reach the exercise files beside its folder either.
    let (_tmp, dir) = copy_pack();
    edit(
        &dir.join("pack.yaml"),
        "- 01-build-stage.yaml",
        "- ../starter/app.py",
    );
    has(
        &messages(&dir),
        &["`lessons`: `../starter/app.py` leaves the pack folder"],
    );
}

#[test]
fn an_app_file_that_links_out_is_refused() {
    let (tmp, dir) = copy_pack();
    let (_outside, secret) = outside_file();
    replace_with_link(&tmp.path().join("starter/app.py"), &secret);
    has(
        &messages(&dir),
        &[
            at(&dir, "  - ", "starter/app.py").as_str(),
            "`app_files`: `starter/app.py` is a link that leads outside the pack folder",
        ],
    );
    // A link that stays inside is followed.
    let (tmp, dir) = copy_pack();
    fs::rename(
        tmp.path().join("starter/app.py"),
        tmp.path().join("starter/real_app.py"),
    )
    .unwrap();
    std::os::unix::fs::symlink("real_app.py", tmp.path().join("starter/app.py")).unwrap();
    let pack = Pack::open(Some(&dir)).unwrap();
    assert!(pack.exercise_files[1].path.ends_with("starter/real_app.py"));
}

#[test]
fn absolute_and_parent_paths_are_refused_with_their_key() {
    let (_tmp, dir) = copy_pack();
    edit(
        &dir.join("pack.yaml"),
        "starter: starter/Dockerfile",
        "starter: /etc/passwd",
    );
    edit(
        &dir.join("pack.yaml"),
        "baseline: starter/Dockerfile.single",
        "baseline: ../../../../../../etc/passwd",
    );
    edit(
        &dir.join("pack.yaml"),
        "- solutions/venv.Dockerfile",
        "- starter/../../etc/passwd",
    );
    let m = messages(&dir);
    has(
        &m,
        &[
            at(&dir, "starter: ", "/etc/passwd").as_str(),
            "`starter`: `/etc/passwd` is an absolute path",
        ],
    );
    has(
        &m,
        &[
            at(&dir, "baseline: ", "../../..").as_str(),
            "`baseline`: `../../../../../../etc/passwd` leaves the pack folder",
        ],
    );
    has(
        &m,
        &[
            at(&dir, "  - ", "starter/../../etc/passwd").as_str(),
            "`solutions`: `starter/../../etc/passwd` leaves the pack folder",
        ],
    );
}

#[test]
fn an_exercise_dir_outside_the_pack_is_refused() {
    for (dir_value, why) in [
        ("/etc", "is an absolute path"),
        ("../..", "leaves the pack folder"),
        ("../lessons/../..", "leaves the pack folder"),
    ] {
        let (_tmp, dir) = copy_pack();
        edit(
            &dir.join("pack.yaml"),
            "exercise_dir: ..",
            &format!("exercise_dir: {dir_value}"),
        );
        let m = messages(&dir);
        assert_eq!(m.len(), 1, "{m:?}");
        has(
            &m,
            &[
                at(&dir, "exercise_dir: ", dir_value).as_str(),
                &format!("`exercise_dir`: `{dir_value}` {why}"),
            ],
        );
    }
}

#[test]
fn exercise_dir_dot_dot_needs_the_project_marker() {
    // The same layout without the marker: `..` would be any folder the pack was put in.
    let (tmp, dir) = copy_pack();
    fs::remove_file(tmp.path().join(files::PROJECT_MARKER)).unwrap();
    let m = messages(&dir);
    assert_eq!(m.len(), 1, "{m:?}");
    has(
        &m,
        &[
            at(&dir, "exercise_dir: ", "..").as_str(),
            "`exercise_dir`: `..` leaves the pack folder",
        ],
    );
    // A marker that is a link (say, to a file the pack ships) does not count.
    std::os::unix::fs::symlink(
        dir.join("pack.yaml"),
        tmp.path().join(files::PROJECT_MARKER),
    )
    .unwrap();
    has(
        &messages(&dir),
        &["`exercise_dir`: `..` leaves the pack folder"],
    );
    // A self-contained pack needs no marker.
    let (tmp, dir) = copy_pack();
    fs::remove_file(tmp.path().join(files::PROJECT_MARKER)).unwrap();
    for sub in ["starter", "solutions"] {
        fs::rename(tmp.path().join(sub), dir.join(sub)).unwrap();
    }
    edit(
        &dir.join("pack.yaml"),
        "exercise_dir: ..",
        "exercise_dir: .",
    );
    assert_eq!(errors(&dir), vec![]);
}

#[test]
fn a_starter_linked_to_a_device_or_a_fifo_is_refused_without_reading_it() {
    let (tmp, dir) = copy_pack();
    replace_with_link(
        &tmp.path().join("starter/Dockerfile"),
        Path::new("/dev/zero"),
    );
    has(
        &messages(&dir),
        &["`starter`: `starter/Dockerfile` is a link that leads outside the pack folder"],
    );

    let (tmp, dir) = copy_pack();
    let fifo = tmp.path().join("starter/Dockerfile");
    fs::remove_file(&fifo).unwrap();
    make_fifo(&fifo);
    // Opening a FIFO for reading blocks until a writer comes: this returns only because the
    // loader never opens it.
    has(
        &messages(&dir),
        &[
            at(&dir, "starter: ", "starter/Dockerfile").as_str(),
            "`starter`: `starter/Dockerfile` is a named pipe, not a regular file",
        ],
    );
}

fn make_fifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path for the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[test]
fn the_gate_refuses_devices_fifos_and_large_files() {
    assert!(matches!(
        files::read_regular(Path::new("/dev/zero"), files::MAX_FILE_BYTES),
        Err(files::FileError::NotRegular("a device"))
    ));
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo");
    make_fifo(&fifo);
    assert!(matches!(
        files::read_regular(&fifo, files::MAX_FILE_BYTES),
        Err(files::FileError::NotRegular("a named pipe"))
    ));
    let big = tmp.path().join("big");
    fs::write(&big, vec![b'#'; files::MAX_FILE_BYTES as usize + 1]).unwrap();
    assert!(matches!(
        files::read_regular(&big, files::MAX_FILE_BYTES),
        Err(files::FileError::TooLarge)
    ));
    fs::write(&big, vec![b'#'; files::MAX_FILE_BYTES as usize]).unwrap();
    assert!(files::read_regular(&big, files::MAX_FILE_BYTES).is_ok());
    // A stream stops one byte past the cap, however long it is.
    let endless = std::io::repeat(0);
    assert!(matches!(
        files::read_capped(endless, 10),
        Err(files::FileError::TooLarge)
    ));
}

#[test]
fn a_file_past_the_cap_and_a_pack_past_its_budget_are_refused() {
    let (tmp, dir) = copy_pack();
    fs::write(
        tmp.path().join("starter/app.py"),
        "#".repeat(files::MAX_FILE_BYTES as usize + 1),
    )
    .unwrap();
    has(
        &messages(&dir),
        &["`app_files`: `starter/app.py` is larger than 1 MiB"],
    );
    // Under the cap, but listed often enough to go past what a whole pack may hold.
    let (tmp, dir) = copy_pack();
    fs::write(tmp.path().join("starter/app.py"), "#".repeat(900_000)).unwrap();
    edit(
        &dir.join("pack.yaml"),
        "  - starter/app.py\n",
        &"  - starter/app.py\n".repeat(6),
    );
    has(
        &messages(&dir),
        &[
            "`app_files`: `starter/app.py` takes the pack past the 4 MiB that all its files may hold",
        ],
    );
}

#[test]
fn pack_yaml_itself_must_be_a_regular_file_inside_the_folder() {
    let (_tmp, dir) = copy_pack();
    let (_outside, secret) = outside_file();
    replace_with_link(&dir.join("pack.yaml"), &secret);
    has(
        &messages(&dir),
        &["pack.yaml:1:1: pack.yaml is a link that leads outside the pack folder"],
    );
    let (_tmp, dir) = copy_pack();
    fs::write(dir.join("pack.yaml"), "#".repeat(2 << 20)).unwrap();
    has(&messages(&dir), &["pack.yaml is larger than 1 MiB"]);
}

#[test]
fn deeply_nested_yaml_is_refused_before_parsing() {
    // 160 KB of brackets took 10 s to refuse; the depth check stops at the limit.
    let (_tmp, dir) = copy_pack();
    let n = 80_000;
    fs::write(dir.join("pack.yaml"), "[".repeat(n) + &"]".repeat(n)).unwrap();
    has(
        &messages(&dir),
        &["pack.yaml:1:33: nested more than 32 levels deep"],
    );
    let (_tmp, dir) = copy_pack();
    let lesson = dir.join("05-copy-artifacts.yaml");
    let text = fs::read_to_string(&lesson).unwrap();
    fs::write(&lesson, text + "extra: " + &"{a: ".repeat(n)).unwrap();
    has(
        &messages(&dir),
        &["05-copy-artifacts.yaml:", "nested more than 32 levels deep"],
    );
}

#[test]
fn two_lessons_with_one_id_are_refused() {
    let (_tmp, dir) = copy_pack();
    edit(
        &dir.join("04-runtime-stage.yaml"),
        "id: runtime-stage",
        "id: build-stage",
    );
    let m = messages(&dir);
    assert_eq!(m.len(), 1, "{m:?}");
    has(
        &m,
        &[
            "04-runtime-stage.yaml:1:1:",
            "lesson id `build-stage` is also the id of",
            "01-build-stage.yaml",
        ],
    );
}

#[test]
fn a_pack_without_lessons_is_refused_at_the_key() {
    let (_tmp, dir) = copy_pack();
    let text = fs::read_to_string(dir.join("pack.yaml")).unwrap();
    let start = text.find("lessons:").unwrap();
    fs::write(
        dir.join("pack.yaml"),
        format!("{}lessons: []\n", &text[..start]),
    )
    .unwrap();
    let m = messages(&dir);
    assert_eq!(m.len(), 1, "{m:?}");
    has(
        &m,
        &[&format!(
            "{} a pack needs at least one lesson file",
            at(&dir, "\n", "lessons:")
        )],
    );
    // No solution either.
    edit(
        &dir.join("pack.yaml"),
        "solutions:\n  - solutions/venv.Dockerfile\n  - solutions/user.Dockerfile\n  - solutions/prefix.Dockerfile\n",
        "solutions: []\n",
    );
    has(
        &messages(&dir),
        &[&format!(
            "{} a pack needs at least one solution",
            at(&dir, "\n", "solutions:")
        )],
    );
}

/// Whatever path a pack writes, the gate either refuses it or returns a canonical path inside
/// the root: tried on random paths over a folder of links that stay, leave, loop and point
/// at absolute places.
mod containment {
    use std::fs;
    use std::os::unix::fs::symlink;
    use std::path::{Component, Path, PathBuf};

    use proptest::prelude::*;

    use crate::pack::files::Root;

    struct World {
        _tmp: tempfile::TempDir,
        root: PathBuf,
    }

    fn world() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(tmp.path()).unwrap();
        let root = base.join("pack");
        fs::create_dir_all(root.join("a/deeper")).unwrap();
        fs::create_dir_all(base.join("outside")).unwrap();
        fs::write(root.join("a/f"), "inside").unwrap();
        fs::write(root.join("f"), "inside").unwrap();
        fs::write(base.join("outside/f"), "outside").unwrap();
        fs::write(base.join("g"), "outside").unwrap();
        symlink("a", root.join("b")).unwrap();
        symlink("..", root.join("up")).unwrap();
        symlink(base.join("outside"), root.join("out")).unwrap();
        symlink("/etc", root.join("etc")).unwrap();
        symlink("loop", root.join("loop")).unwrap();
        symlink("../..", root.join("a/back")).unwrap();
        symlink("../a", root.join("a/in")).unwrap();
        symlink("f", root.join("a/deeper/f")).unwrap();
        symlink("../../pack/f", root.join("a/deeper/same")).unwrap();
        World { _tmp: tmp, root }
    }

    fn part() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            ".", "..", "", "a", "f", "g", "b", "up", "out", "etc", "loop", "back", "in", "deeper",
            "same", "passwd", "pack", "outside",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn no_pack_path_resolves_outside_its_folder(
            parts in prop::collection::vec(part(), 0..8),
            absolute in any::<bool>(),
            from_a in any::<bool>(),
        ) {
            let world = world();
            let root = Root::pack(&world.root);
            let rel = format!("{}{}", if absolute { "/" } else { "" }, parts.join("/"));
            let base = if from_a { world.root.join("a") } else { world.root.clone() };
            if let Ok(path) = root.resolve(&base, &rel) {
                prop_assert!(path.starts_with(&world.root), "{rel} -> {}", path.display());
                prop_assert_eq!(fs::canonicalize(&path).unwrap(), path.clone());
                if let Ok(text) = fs::read_to_string(&path) {
                    prop_assert_eq!(text, "inside");
                }
            }

            // The embedded folders: never above their root, never a path that names one.
            let embedded = Root::embedded();
            if let Ok(path) = embedded.resolve(Path::new("lessons"), &rel) {
                prop_assert!(
                    path.components().all(|c| matches!(c, Component::Normal(_))),
                    "{rel} -> {}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn a_pack_listing_thousands_of_files_gets_a_short_answer() {
    let (_tmp, dir) = copy_pack();
    let text = fs::read_to_string(dir.join("pack.yaml")).unwrap();
    let start = text.find("lessons:").unwrap();
    let many: String = (0..60_000).map(|i| format!("  - l{i}.yaml\n")).collect();
    fs::write(
        dir.join("pack.yaml"),
        format!("{}lessons:\n{many}", &text[..start]),
    )
    .unwrap();
    let m = messages(&dir);
    has(
        &m,
        &[&format!(
            "{} `lessons` lists 60000 files; a pack may list at most 100",
            at(&dir, "\n", "lessons:")
        )],
    );
    // Each missing file is placed on its own line, and the list stops at 50 problems.
    for entry in ["l0.yaml", "l1.yaml"] {
        has(
            &m,
            &[&format!(
                "{} `lessons`: `{entry}` does not exist",
                at(&dir, "  - ", entry)
            )],
        );
    }
    has(&m, &["stopped after 50 problems"]);
    assert!(m.len() <= MAX_ERRORS + 2, "{}", m.len());
}

#[test]
fn an_entry_is_placed_on_its_own_line_even_when_an_earlier_one_contains_it() {
    let (tmp, dir) = copy_pack();
    fs::copy(
        tmp.path().join("solutions/venv.Dockerfile"),
        tmp.path().join("solutions/a.Dockerfile.bak"),
    )
    .unwrap();
    edit(
        &dir.join("pack.yaml"),
        "  - solutions/venv.Dockerfile\n",
        "  - solutions/a.Dockerfile.bak\n  - solutions/a.Dockerfile\n",
    );
    let m = messages(&dir);
    assert_eq!(m.len(), 1, "{m:?}");
    has(
        &m,
        &[&format!(
            "{} `solutions`: `solutions/a.Dockerfile` does not exist",
            at(&dir, "  - ", "solutions/a.Dockerfile\n")
        )],
    );
}

#[test]
fn parameters_that_would_make_every_grade_slow_are_refused() {
    // 20,000 servers against 60,000 requirements took over a minute to load.
    let (tmp, dir) = copy_pack();
    let servers: String = (0..20_000)
        .map(|i| format!("    - {{ command: s{i}, package: p{i} }}\n"))
        .collect();
    edit(
        &dir.join("pack.yaml"),
        "    - { command: uwsgi, package: uwsgi }\n",
        &format!("    - {{ command: uwsgi, package: uwsgi }}\n{servers}"),
    );
    let requirements: String = (0..60_000).map(|i| format!("p{i}x==1.0\n")).collect();
    fs::write(tmp.path().join("starter/requirements.txt"), requirements).unwrap();
    let m = messages(&dir);
    has(
        &m,
        &[&format!(
            "{} `requirements`: `starter/requirements.txt` lists 60000 packages; a pack may list at most 1000",
            at(&dir, "requirements: ", "starter/requirements.txt")
        )],
    );
    has(
        &m,
        &[&format!(
            "{} `parameters.wsgi_servers` has 20003 entries; at most 100",
            at(&dir, "  ", "wsgi_servers:")
        )],
    );
    let (_tmp, dir) = copy_pack();
    edit(
        &dir.join("pack.yaml"),
        "app_module: \"app:app\"",
        &format!("app_module: \"{}:app\"", "a".repeat(300)),
    );
    has(
        &messages(&dir),
        &[&format!(
            "{} a value in `parameters` is longer than 256 bytes",
            at(&dir, "app_module: \"", "aaaa")
        )],
    );
}

#[test]
fn a_hint_with_an_unknown_placeholder_is_named_with_its_line() {
    let (_tmp, dir) = copy_pack();
    edit(
        &dir.join("05-copy-artifacts.yaml"),
        "COPY --from={build_stage} /opt/venv /opt/venv`, then",
        "COPY --from={bulid_stage} /opt/venv /opt/venv`, then",
    );
    let e = errors(&dir);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].file.ends_with("05-copy-artifacts.yaml"));
    assert_eq!(e[0].line, 19, "{e:?}");
    assert!(
        e[0].message.contains("unknown placeholder `{bulid_stage}`"),
        "{e:?}"
    );
}
