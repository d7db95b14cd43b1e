//! Arbitrary text, Unicode included, through everything the analyzer does with a file: parse,
//! facts, grade, `check` and `analyze` in both formats, and the stage diagram at several
//! widths. Nothing may panic, JSON must parse, and no diagram line may be wider than asked.
//! The case count is bounded so `cargo test` stays quick; `fuzz/` runs the same path for
//! as long as one likes.

use proptest::prelude::*;
use unicode_width::UnicodeWidthStr;

use stagecraft::cli::{Format, Input, analyze, check};
use stagecraft::grade::Analysis;
use stagecraft::pack::Pack;
use stagecraft::report::{diagram, sizes};

/// Pieces a Dockerfile is made of, so random files reach deep into the analyzer rather than
/// stopping at the first unknown word.
fn fragment() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[a-z0-9:./_-]{0,12}",
        "\\PC{0,8}",
        Just("構築".to_string()),
        Just("café".to_string()),
        Just("🐳".to_string()),
        Just("Київ".to_string()),
        Just("$PATH".to_string()),
        Just("${A:-b}".to_string()),
        Just("\u{1}\u{1b}[31m\t".to_string()),
    ];
    prop_oneof![
        (word.clone(), word.clone()).prop_map(|(a, b)| format!("FROM python:3.11-slim AS {a}{b}")),
        word.clone().prop_map(|a| format!("FROM {a}")),
        word.clone().prop_map(|a| format!("# {a} コメント")),
        word.clone().prop_map(|a| format!("# TODO 3: {a}")),
        word.clone()
            .prop_map(|a| format!("RUN pip install --no-cache-dir -r {a} && echo \"{a}\"")),
        word.clone()
            .prop_map(|a| format!("RUN python -m venv /{a} && /{a}/bin/pip install x")),
        word.clone()
            .prop_map(|a| format!("RUN apt-get update && apt-get install -y {a} \\")),
        word.clone()
            .prop_map(|a| format!("COPY --from={a} /opt/{a} /opt/{a}")),
        word.clone()
            .prop_map(|a| format!("COPY --chown={a}:{a} app.py .")),
        word.clone()
            .prop_map(|a| format!("ENV PATH=\"/{a}/bin:$PATH\" {a}=1")),
        word.clone().prop_map(|a| format!("USER {a}")),
        word.clone().prop_map(|a| format!("WORKDIR {a}")),
        word.clone()
            .prop_map(|a| format!("CMD [\"gunicorn\", \"-b\", \"{a}\", \"app:app\"]")),
        word.clone()
            .prop_map(|a| format!("CMD ['{a}', \"x\"] # {a}")),
        word.clone()
            .prop_map(|a| format!("ENTRYPOINT {a} $0 \"$@\"")),
        word.clone().prop_map(|a| format!("RUN <<EOF\n{a}\nEOF")),
        word.clone().prop_map(|a| format!("ARG {a}={a}")),
        Just("RUN <<EOF".to_string()),
        Just("\\".to_string()),
        "\\PC{0,40}",
    ]
}

fn dockerfile() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|lines| lines.join("\n"))
}

fn run_everything(pack: &Pack, text: String) {
    let analysis = Analysis::of(&text, pack);
    let _ = analysis.failing_lines();
    let sizes = sizes::estimate(&analysis.facts, &pack.params);
    let d = diagram::build(&analysis.facts, &sizes);
    for width in [1, 12, 30, 76] {
        for ascii in [false, true] {
            for line in diagram::render(&d, width, ascii) {
                assert!(
                    line.text.width() <= width,
                    "wider than {width}: {:?}",
                    line.text
                );
                assert!(!line.text.chars().any(char::is_control), "{:?}", line.text);
            }
        }
    }
    let input = Input {
        name: "Dockerfile".into(),
        text,
        warning: None,
    };
    let (json, code) = check::run(&input, pack, Format::Json);
    assert!(code <= 1);
    serde_json::from_str::<serde_json::Value>(&json).expect("check JSON");
    let _ = check::run(&input, pack, Format::Text);
    serde_json::from_str::<serde_json::Value>(&analyze::run(&input, pack, Format::Json))
        .expect("analyze JSON");
    let _ = analyze::run(&input, pack, Format::Text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_dockerfile_is_answered(text in dockerfile()) {
        let pack = Pack::embedded().expect("embedded pack");
        run_everything(&pack, text);
    }

    #[test]
    fn any_bytes_are_answered(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let pack = Pack::embedded().expect("embedded pack");
        let (text, _) = stagecraft::syntax::decode(&bytes);
        run_everything(&pack, text);
    }
}
