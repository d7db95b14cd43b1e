//! Parsing a pack's YAML within limits. libyaml (under serde_yaml) does work in proportion to
//! the nesting depth for every token it scans, so 160 KB of nested brackets took seconds to
//! refuse; the depth is checked first, by the same scanner, stopping at the limit.

use std::mem::MaybeUninit;

use serde::de::DeserializeOwned;

use super::PackError;

/// The deepest nesting of mappings and lists a pack file may have. The schema needs 4.
pub const MAX_DEPTH: usize = 32;

/// Where nesting first goes deeper than [`MAX_DEPTH`] (1-based line and column), if it does.
/// A scanner error stops the check: serde_yaml then reports it with its place.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    // SAFETY: the parser lives in a Box, so it does not move while libyaml holds pointers to
    // it (its read handler's data is the parser itself); `text` outlives it; every token
    // scanned is deleted, and the parser is deleted before returning.
    unsafe {
        let mut parser = Box::<unsafe_libyaml::yaml_parser_t>::new_uninit();
        let p = parser.as_mut_ptr();
        if unsafe_libyaml::yaml_parser_initialize(p).fail {
            return None;
        }
        unsafe_libyaml::yaml_parser_set_encoding(p, unsafe_libyaml::YAML_UTF8_ENCODING);
        unsafe_libyaml::yaml_parser_set_input_string(p, text.as_ptr(), text.len() as u64);
        let mut depth = 0usize;
        let mut deepest = None;
        loop {
            let mut token = MaybeUninit::<unsafe_libyaml::yaml_token_t>::uninit();
            let t = token.as_mut_ptr();
            if unsafe_libyaml::yaml_parser_scan(p, t).fail {
                break;
            }
            let kind = (*t).type_;
            let mark = (*t).start_mark;
            unsafe_libyaml::yaml_token_delete(t);
            match kind {
                unsafe_libyaml::YAML_BLOCK_SEQUENCE_START_TOKEN
                | unsafe_libyaml::YAML_BLOCK_MAPPING_START_TOKEN
                | unsafe_libyaml::YAML_FLOW_SEQUENCE_START_TOKEN
                | unsafe_libyaml::YAML_FLOW_MAPPING_START_TOKEN => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        deepest = Some((mark.line as usize + 1, mark.column as usize + 1));
                        break;
                    }
                }
                unsafe_libyaml::YAML_BLOCK_END_TOKEN
                | unsafe_libyaml::YAML_FLOW_SEQUENCE_END_TOKEN
                | unsafe_libyaml::YAML_FLOW_MAPPING_END_TOKEN => depth = depth.saturating_sub(1),
                unsafe_libyaml::YAML_STREAM_END_TOKEN => break,
                _ => {}
            }
        }
        unsafe_libyaml::yaml_parser_delete(p);
        deepest
    }
}

/// Parses one pack file (`file` is its name as shown), or says where and why not.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, PackError> {
    if let Some((line, column)) = too_deep(text) {
        return Err(PackError {
            file: file.into(),
            line,
            column,
            message: format!("nested more than {MAX_DEPTH} levels deep"),
        });
    }
    serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        // serde_yaml appends " at line X column Y"; the place is already in front.
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        PackError {
            file: file.into(),
            line,
            column,
            message,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_flow_and_block_nesting() {
        assert_eq!(too_deep("a: [1, {b: [c]}]\nd:\n  - e: f\n"), None);
        let flow = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(too_deep(&flow), Some((1, MAX_DEPTH + 1)));
        let block = "- ".repeat(MAX_DEPTH + 1) + "x\n";
        assert_eq!(too_deep(&block), Some((1, 2 * MAX_DEPTH + 1)));
        // Brackets inside quotes and block scalars are text, not nesting.
        let text = format!("a: \"{}\"\nb: |\n  {}\n", "[".repeat(100), "{".repeat(100));
        assert_eq!(too_deep(&text), None);
    }

    #[test]
    fn a_deep_document_is_refused_with_its_place() {
        let text = format!("name: x\nlessons: {}", "[".repeat(80_000));
        let e = parse::<serde_yaml::Value>("pack.yaml", &text).unwrap_err();
        assert_eq!((e.line, e.column), (2, 10 + MAX_DEPTH - 1));
        assert!(e.message.contains("nested more than 32 levels"), "{e}");
    }
}
