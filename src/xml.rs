//! A small XML reader for NCP's responses, producing the same
//! [`Value`] shape as NCP's JSON.
//!
//! NCP's XML is plain: elements and text, no namespaces, attributes unused. A
//! list is a wrapper element whose name ends in `List` holding repeated
//! children, so such an element becomes an array (empty when it has no
//! children). Other elements with children become objects; text-only elements
//! become strings. Hand-written rather than a general XML crate because this
//! subset is all NCP sends and it costs a few KB of wasm instead of tens.

use crate::value::{Map, Value};
use std::collections::BTreeMap;

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

/// Parses a document into `{ rootName: value }`. `None` when it is not
/// well-formed enough to trust (mismatched or unclosed tags, too deep).
pub fn parse(doc: &str) -> Option<Value> {
    let mut p = Parser { s: doc.as_bytes(), i: 0 };
    p.skip_misc();
    let (name, value) = p.element(0)?;
    p.skip_misc();
    if p.i != p.s.len() {
        return None;
    }
    let mut root = Map::new();
    root.insert(name, value);
    Some(Value::Obj(root))
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a [u8] {
        self.s.get(self.i..).unwrap_or(&[])
    }

    fn starts(&self, p: &[u8]) -> bool {
        self.rest().starts_with(p)
    }

    /// Skips white space, the XML declaration, processing instructions and comments.
    fn skip_misc(&mut self) {
        loop {
            while self.rest().first().is_some_and(|b| b.is_ascii_whitespace()) {
                self.i += 1;
            }
            if self.starts(b"<?") {
                self.skip_past(b"?>");
            } else if self.starts(b"<!--") {
                self.skip_past(b"-->");
            } else {
                return;
            }
        }
    }

    fn skip_past(&mut self, end: &[u8]) {
        match find(self.rest(), end) {
            Some(at) => self.i += at + end.len(),
            None => self.i = self.s.len(),
        }
    }

    /// A tag name at the cursor, borrowed from the document.
    fn name(&mut self) -> Option<&'a str> {
        let start = self.i;
        while self
            .rest()
            .first()
            .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':') || b >= 0x80)
        {
            self.i += 1;
        }
        let bytes = self.s.get(start..self.i)?;
        if bytes.is_empty() {
            return None;
        }
        std::str::from_utf8(bytes).ok()
    }

    /// Reads `<name …>…</name>` or `<name …/>` at the cursor.
    fn element(&mut self, depth: usize) -> Option<(String, Value)> {
        if depth > MAX_DEPTH || !self.starts(b"<") {
            return None;
        }
        self.i += 1;
        let name = self.name()?.to_string();
        // Attributes are not used by NCP; skip to the end of the tag, honouring quotes.
        let mut quote = None;
        let self_closing = loop {
            let b = *self.rest().first()?;
            self.i += 1;
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => break false,
                (None, b'/') if self.starts(b">") => {
                    self.i += 1;
                    break true;
                }
                _ => {}
            }
        };
        let is_list = name.ends_with("List");
        if self_closing {
            return Some((name, if is_list { Value::Arr(Vec::new()) } else { Value::Str(String::new()) }));
        }
        let mut text = String::new();
        let mut children: Vec<(String, Value)> = Vec::new();
        loop {
            if self.starts(b"</") {
                self.i += 2;
                let close = self.name()?;
                while self.rest().first().is_some_and(|b| b.is_ascii_whitespace()) {
                    self.i += 1;
                }
                if close != name || !self.starts(b">") {
                    return None;
                }
                self.i += 1;
                break;
            } else if self.starts(b"<!--") {
                self.skip_past(b"-->");
            } else if self.starts(b"<![CDATA[") {
                self.i += 9;
                let at = find(self.rest(), b"]]>")?;
                text.push_str(std::str::from_utf8(self.rest().get(..at)?).ok()?);
                self.i += at + 3;
            } else if self.starts(b"<?") {
                self.skip_past(b"?>");
            } else if self.starts(b"<") {
                children.push(self.element(depth + 1)?);
            } else {
                let at = self.rest().iter().position(|&b| b == b'<')?;
                let raw = std::str::from_utf8(self.rest().get(..at)?).ok()?;
                unescape_into(&mut text, raw)?;
                self.i += at;
            }
        }
        let value = if is_list {
            Value::Arr(children.into_iter().map(|(_, v)| v).collect())
        } else if children.is_empty() {
            Value::Str(if text.trim_ascii().is_empty() { String::new() } else { text })
        } else {
            Value::Obj(object_of(children))
        };
        Some((name, value))
    }
}

/// Children as an object. A name repeated outside a `*List` wrapper keeps
/// every value, as an array in the place of its first occurrence.
fn object_of(children: Vec<(String, Value)>) -> Map {
    let mut fields: Vec<(String, Value)> = Vec::with_capacity(children.len());
    // Each name's place in `fields`, and whether its value is the array of its repeats yet.
    let mut seen: BTreeMap<String, (usize, bool)> = BTreeMap::new();
    for (k, v) in children {
        let Some((at, grouped)) = seen.get_mut(&k) else {
            seen.insert(k.clone(), (fields.len(), false));
            fields.push((k, v));
            continue;
        };
        if let Some((_, slot)) = fields.get_mut(*at) {
            if !*grouped {
                *slot = Value::Arr(vec![std::mem::replace(slot, Value::Null)]);
                *grouped = true;
            }
            if let Value::Arr(items) = slot {
                items.push(v);
            }
        }
    }
    Map::from_distinct(fields)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes the five named entities and numeric references.
fn unescape_into(out: &mut String, raw: &str) -> Option<()> {
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp)?);
        let after = rest.get(amp + 1..)?;
        let semi = after.find(';')?;
        let entity = after.get(..semi)?;
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    entity.strip_prefix('#')?.parse().ok()?
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = after.get(semi + 1..)?;
    }
    out.push_str(rest);
    Some(())
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: serde_json::Value) -> Value {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn success_body() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<exportBackupToObjectStorageResponse>
  <requestId>abc-1</requestId>
  <returnCode>0</returnCode>
  <returnMessage>success</returnMessage>
</exportBackupToObjectStorageResponse>"#;
        assert_eq!(
            parse(doc).unwrap(),
            json(
                serde_json::json!({"exportBackupToObjectStorageResponse": {"requestId": "abc-1", "returnCode": "0", "returnMessage": "success"}})
            )
        );
    }

    #[test]
    fn lists_are_arrays_with_zero_one_or_many_items() {
        let doc = "<r><totalRows>1</totalRows><aList><a><x>1</x></a></aList><bList></bList><cList/>\
                   <dList><d>p</d><d>q</d></dList></r>";
        assert_eq!(
            parse(doc).unwrap(),
            json(
                serde_json::json!({"r": {"totalRows": "1", "aList": [{"x": "1"}], "bList": [], "cList": [], "dList": ["p", "q"]}})
            )
        );
    }

    #[test]
    fn entities_cdata_and_attributes() {
        let doc = "<r a=\"x>y\"><t>a &amp; b &lt;&#65;&#x42;&gt; &quot;&apos;</t><c><![CDATA[<raw>&]]></c><e/></r>";
        assert_eq!(
            parse(doc).unwrap(),
            json(serde_json::json!({"r": {"t": "a & b <AB> \"'", "c": "<raw>&", "e": ""}}))
        );
    }

    #[test]
    fn repeated_names_outside_lists_keep_every_value() {
        assert_eq!(
            parse("<r><k>1</k><k>2</k><k>3</k></r>").unwrap(),
            json(serde_json::json!({"r": {"k": ["1", "2", "3"]}}))
        );
        let got = parse("<r><a>1</a><k>x</k><a>2</a><b>y</b><a>3</a><b>z</b></r>").unwrap();
        let r = got.as_object().unwrap().get("r").unwrap().as_object().unwrap();
        let keys: Vec<&str> = r.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "k", "b"]);
        assert_eq!(r.get("a"), Some(&json(serde_json::json!(["1", "2", "3"]))));
        assert_eq!(r.get("b"), Some(&json(serde_json::json!(["y", "z"]))));
    }

    #[test]
    fn repeats_keep_document_order_among_many() {
        // Enough equal names for an unstable sort to reorder them, were the
        // position not its tiebreak.
        let mut doc = String::from("<r>");
        for i in 0..3000 {
            doc.push_str(&format!("<n{m}>{i}</n{m}>", m = i % 3));
        }
        doc.push_str("</r>");
        let parsed = parse(&doc).unwrap();
        let r = parsed.as_object().unwrap().get("r").unwrap().as_object().unwrap();
        for m in 0..3 {
            let want: Vec<String> = (0..3000).filter(|i| i % 3 == m).map(|i| i.to_string()).collect();
            assert_eq!(r.get(&format!("n{m}")), Some(&json(serde_json::json!(want))), "n{m}");
        }
    }

    #[test]
    fn many_children_keep_their_order_and_repeats_group() {
        let mut doc = String::from("<r><z>first</z>");
        for i in 0..50_000 {
            doc.push_str(&format!("<k{i}>v</k{i}>"));
        }
        doc.push_str("<z>second</z><a>x</a></r>");
        let parsed = parse(&doc).unwrap();
        let r = parsed.as_object().unwrap().get("r").unwrap().as_object().unwrap();
        let keys: Vec<&str> = r.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys.len(), 50_002);
        assert_eq!((keys[0], keys[1], keys[50_001]), ("z", "k0", "a"));
        assert_eq!(r.get("z"), Some(&json(serde_json::json!(["first", "second"]))));
    }

    #[test]
    fn malformed_documents_are_refused() {
        for bad in [
            "",
            "<r>",
            "<r></s>",
            "<r><a></r>",
            "<r>&bogus;</r>",
            "<r>&#xD800;</r>",
            "<r></r>trailing",
            "<!DOCTYPE html><html>",
            "<r",
            "<>",
            "<r><![CDATA[x</r>",
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let doc = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
        assert!(parse(&doc).is_none());
    }
}
