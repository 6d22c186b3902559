//! JSON text to a [`Value`].
//!
//! In wasm the runtime's own `JSON.parse` parses and `crate::js`'s bounded
//! walk reads its result (shipping serde_json's parser would cost tens of KB
//! of module); natively serde_json does, for the tests. Either way the nesting
//! is checked on the text first, so no parser or reader recurses deeper than
//! [`MAX_DEPTH`] levels, whatever an answer holds.

use crate::value::Value;

/// NCP's answers nest a handful of levels; a body nested deeper is refused.
pub const MAX_DEPTH: usize = 64;

/// Why a body that looked like JSON was not read.
pub const UNPARSED: &str = "JSON that does not parse (truncated?)";
pub const TOO_DEEP: &str = "JSON nested deeper than an NCP answer is";

pub fn parse(text: &str) -> Result<Value, &'static str> {
    if !within_depth(text, MAX_DEPTH) {
        return Err(TOO_DEEP);
    }
    parse_checked(text)
}

#[cfg(not(target_arch = "wasm32"))]
fn parse_checked(text: &str) -> Result<Value, &'static str> {
    serde_json::from_str(text).map_err(|_| UNPARSED)
}

#[cfg(target_arch = "wasm32")]
fn parse_checked(text: &str) -> Result<Value, &'static str> {
    crate::js::parse_json(text).ok_or(UNPARSED)
}

/// Whether `[` and `{` nest at most `max` deep outside strings.
fn within_depth(text: &str, max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_is_counted_outside_strings() {
        assert!(within_depth(r#"{"a":[[1]]}"#, 3));
        assert!(!within_depth(r#"{"a":[[1]]}"#, 2));
        assert!(within_depth(r#"{"a":"[[[[[[\"[["}"#, 1));
        assert_eq!(parse(&"[".repeat(100_000)), Err(TOO_DEEP));
        assert_eq!(parse(&format!("{}{}", "[".repeat(64), "]".repeat(64))).map(|_| ()), Ok(()));
        assert_eq!(parse("{\"a\":"), Err(UNPARSED));
    }
}
