//! Random edits to an open document, as `stagecraft lsp` receives them: any text, any
//! positions (past the end, inside surrogate pairs, reversed), full and incremental changes.
//! After each, the document is graded as the server grades it. Nothing may panic, every
//! range published lies inside the text, and every quick fix applies to it.

#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use stagecraft::lsp::document::Document;
use stagecraft::lsp::grading;
use stagecraft::lsp::lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use stagecraft::pack::Pack;

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| Pack::embedded().expect("the embedded pack loads"))
}

#[derive(Arbitrary, Debug)]
struct Edit {
    start: (u32, u32),
    end: (u32, u32),
    text: String,
    whole: bool,
}

#[derive(Arbitrary, Debug)]
struct Session {
    initial: String,
    edits: Vec<Edit>,
}

fuzz_target!(|session: Session| {
    let mut doc = Document::new(session.initial, 0);
    for (i, e) in session.edits.into_iter().take(32).enumerate() {
        let range = (!e.whole).then(|| {
            Range::new(
                Position::new(e.start.0 % 64, e.start.1),
                Position::new(e.end.0 % 64, e.end.1),
            )
        });
        doc.apply(
            vec![TextDocumentContentChangeEvent {
                range,
                range_length: None,
                text: e.text,
            }],
            i as i32 + 1,
        );
        let graded = grading::grade(doc.text(), doc.version, pack());
        let lines = doc.index().line_count() as u32;
        let inside = |r: &Range| r.start <= r.end && r.end.line < lines;
        for d in &graded.diagnostics {
            assert!(inside(&d.range), "{:?} in {:?}", d.range, doc.text());
        }
        for fix in &graded.fixes {
            assert!(fix.diagnostic < graded.diagnostics.len());
            let mut copy = Document::new(doc.text().to_string(), 0);
            let mut edits = fix.edits.clone();
            edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
            for e in edits {
                assert!(inside(&e.range), "{:?}", e.range);
                copy.apply(
                    vec![TextDocumentContentChangeEvent {
                        range: Some(e.range),
                        range_length: None,
                        text: e.new_text,
                    }],
                    1,
                );
            }
            // A fix only adds or rewrites words: the text keeps its lines.
            assert_eq!(copy.index().line_count(), doc.index().line_count());
        }
    }
});
