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

/// A log line as the terminal of `docker build` would show it, without its colours: the
/// engine wraps a step's stderr in colour codes (`ESC[91m`), which would otherwise show
/// as `�[91m`. Other control characters are left to [`printable`].
pub fn without_escapes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters and intermediates up to a final byte in @..~.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // OSC (a title, a link): up to BEL or ESC \.
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            // Any other escape is two characters long.
            _ => {}
        }
    }
    out
}

/// Text made safe inside XML or HTML, as element text or a quoted attribute. Characters
/// XML 1.0 does not allow (most control characters) become U+FFFD.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_codes_of_the_build_log_are_removed() {
        // As the engine sends a step's stderr (pip's warning) and Flask's banner.
        assert_eq!(
            without_escapes("\u{1b}[91mWARNING: Running pip as the 'root' user"),
            "WARNING: Running pip as the 'root' user"
        );
        assert_eq!(
            without_escapes("\u{1b}[0mRemoving intermediate container 8f3"),
            "Removing intermediate container 8f3"
        );
        assert_eq!(
            without_escapes("\u{1b}[33mPress CTRL+C to quit\u{1b}[0m"),
            "Press CTRL+C to quit"
        );
        assert_eq!(without_escapes("\u{1b}]0;title\u{7}text"), "text");
        assert_eq!(without_escapes("\u{1b}]8;;http://x\u{1b}\\link"), "link");
        assert_eq!(
            without_escapes("a\u{1b}"),
            "a",
            "an escape cut off at the end"
        );
        assert_eq!(without_escapes("no codes: 5 MB"), "no codes: 5 MB");
        // A tab is not an escape: printable() makes it one column later.
        assert_eq!(without_escapes("a\tb"), "a\tb");
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(
            printable("a\u{1b}[2Jb\tc\u{1}"),
            "a\u{fffd}[2Jb\u{fffd}c\u{fffd}"
        );
        assert!(matches!(printable("café 構築"), Cow::Borrowed(_)));
    }
}
