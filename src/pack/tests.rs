//! Loading and validating packs, good and broken.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

/// A copy of the default pack laid out as an instructor would: one self-contained folder.
fn copy_pack() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pack = tmp.path().join("lessons");
    for dir in ["lessons", "starter", "solutions"] {
        let to = tmp.path().join(dir);
        fs::create_dir_all(&to).unwrap();
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    (tmp, pack)
}

fn errors(dir: &Path) -> Vec<PackError> {
    match Pack::from_dir(dir).and_then(|p| validate(&p).map(|()| p)) {
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
            && m.contains("cannot read `solutions/missing.Dockerfile`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`../../etc/passwd` is outside the pack folder")),
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
