//! Any bytes, as a Dockerfile, through everything the program does with one: decode, parse,
//! facts, grade, `check` and `analyze` in both formats, and the stage diagram laid out at
//! several widths, in Unicode and ASCII. Nothing may panic.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use unicode_width::UnicodeWidthStr;
use stagecraft::cli::{Format, Input, analyze, check};
use stagecraft::grade::Analysis;
use stagecraft::pack::Pack;
use stagecraft::report::{diagram, sizes};

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| Pack::embedded().expect("the embedded pack loads"))
}

fuzz_target!(|data: &[u8]| {
    let pack = pack();
    let (text, warning) = stagecraft::syntax::decode(data);
    let analysis = Analysis::of(&text, pack);
    let _ = analysis.failing_lines();
    for todo in &analysis.todos {
        let _ = todo.distinct_failures();
    }
    let stage_sizes = sizes::estimate(&analysis.facts, &pack.params);
    let d = diagram::build(&analysis.facts, &stage_sizes);
    for width in [1, 12, 24, 40, 76, 200] {
        for ascii in [false, true] {
            for line in diagram::render(&d, width, ascii) {
                assert!(
                    line.text.width() <= width,
                    "a diagram line wider than {width}: {:?}",
                    line.text
                );
                assert!(!line.text.chars().any(char::is_control), "{:?}", line.text);
            }
        }
    }
    let input = Input {
        name: "Dockerfile".into(),
        text,
        warning,
    };
    for format in [Format::Text, Format::Json] {
        let (out, code) = check::run(&input, pack, format);
        assert!(code <= 1);
        if format == Format::Json {
            serde_json::from_str::<serde_json::Value>(&out).expect("check JSON parses");
        }
        let out = analyze::run(&input, pack, format);
        if format == Format::Json {
            serde_json::from_str::<serde_json::Value>(&out).expect("analyze JSON parses");
        }
    }
});
