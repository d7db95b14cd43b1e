//! Text from a learner's file, made safe to print: control characters (an ESC would start a
//! terminal escape sequence, a tab or a NUL would break a layout) become `�`, which is one
//! column wide like the other characters layouts count.

use std::borrow::Cow;

pub fn printable(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(
            text.chars()
                .map(|c| if c.is_control() { '\u{fffd}' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// Every line of a report made printable, the line breaks kept.
pub fn printable_lines(report: String) -> String {
    if !report.chars().any(|c| c.is_control() && c != '\n') {
        return report;
    }
    let mut out = String::with_capacity(report.len());
    for (i, line) in report.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&printable(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(
            printable("a\u{1b}[2Jb\tc\u{1}"),
            "a\u{fffd}[2Jb\u{fffd}c\u{fffd}"
        );
        assert!(matches!(printable("café 構築"), Cow::Borrowed(_)));
    }
}
