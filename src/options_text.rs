//! The options text: how a caller's options object crosses into the module.
//! `readOptions` (js/values.js) reads the object in one pass and writes it as
//! one text (the format is described there); [`read`] parses it into
//! `(name, Opt)` pairs for [`crate::options`]. Plain Rust, so it is tested
//! natively, hostile texts included: whatever the bytes, it gives an error, not a panic.

use crate::error::{Error, Result};
use crate::options::{Opt, MAX_OPTION_KEYS};

/// What a JS value is (js/values.js): one call across the boundary, where
/// asking `is_string`, `length`, `as_f64`, `is_array`, ... takes one each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Undefined,
    Null,
    Bool(bool),
    Number,
    /// A string of this many UTF-16 units.
    Str(u32),
    Array,
    Function,
    /// An object whose prototype is `Object.prototype` (of any realm) or `null`.
    Plain,
    /// Any other object: a class instance, a Date, a Map, a Proxy whose traps throw, ...
    Object,
    /// A symbol or a bigint.
    Other,
}

impl Kind {
    /// A `kindOf` code as a [`Kind`].
    pub fn from_code(k: u32) -> Kind {
        match k & 15 {
            0 => Kind::Undefined,
            1 => Kind::Null,
            2 => Kind::Bool(false),
            3 => Kind::Bool(true),
            4 => Kind::Number,
            5 => Kind::Str(k >> 4),
            6 => Kind::Array,
            7 => Kind::Function,
            8 => Kind::Plain,
            9 => Kind::Object,
            _ => Kind::Other,
        }
    }
}

/// How a message names a value of this kind.
pub fn type_name(k: Kind) -> &'static str {
    match k {
        Kind::Undefined => "undefined",
        Kind::Null => "null",
        Kind::Str(_) => "a string",
        Kind::Number => "a number",
        Kind::Bool(_) => "a boolean",
        Kind::Function => "a function",
        Kind::Array => "an array",
        Kind::Plain | Kind::Object => "an object",
        Kind::Other => "a symbol or bigint",
    }
}

/// An options object read into `(name, Opt)` pairs, in the object's key
/// order, each name and string borrowed from the text (whose owner wipes it).
pub struct JsOptions<'a> {
    pub entries: Vec<(&'a str, Opt<'a>)>,
}

/// Codes `readOptions` (js/values.js) adds to `kindOf`'s: reading the
/// object's keys, or an option's value, threw; an AbortSignal; a string too
/// long to copy; a string with a lone surrogate. And the flag for a name too long to copy.
const THREW: u32 = 11;
const SIGNAL: u32 = 12;
const LONG_STRING: u32 = 13;
const LONE_SURROGATE: u32 = 14;
const LONG_NAME: u32 = 16;

/// The options as `readOptions` (js/values.js) wrote them: the UTF-8 of
/// their text (its format is described there). Wiped when dropped, whatever
/// path the call takes: it may hold the secret key. Every export that takes
/// options wraps them in this first.
pub type OptionsText = zeroize::Zeroizing<Vec<u8>>;

/// Reads the caller's options object from its text. `undefined` is an empty
/// object when `optional` (Client methods); anything else that is not an
/// object is refused.
pub fn read<'a>(text: &'a [u8], function: &str, optional: bool) -> Result<JsOptions<'a>> {
    read_text(std::str::from_utf8(text).map_err(|_| unreadable())?, function, optional)
}

/// How a message names a string with a lone surrogate.
pub const LONE: &str = "a string with a lone surrogate (half of a UTF-16 pair)";

fn unreadable() -> Error {
    Error::option("options", "the options object could not be read")
}

fn read_text<'a>(mut text: &'a str, function: &str, optional: bool) -> Result<JsOptions<'a>> {
    let mut out = JsOptions { entries: Vec::new() };
    let object = code(&mut text).unwrap_or(THREW);
    if object == THREW {
        return Err(unreadable());
    }
    match Kind::from_code(object) {
        Kind::Undefined if optional => return Ok(out),
        Kind::Plain | Kind::Object => {}
        k => {
            let mut m = String::from(function);
            m.push_str(" takes one options object, such as { accessKey, secretKey, … }; got ");
            m.push_str(type_name(k));
            return Err(Error::option("options", m));
        }
    }
    while let Some(header) = code(&mut text) {
        let name = match header & LONG_NAME {
            0 => piece(&mut text).ok_or_else(unreadable)?,
            _ => crate::options::TOO_LONG_TO_SHOW,
        };
        let opt = match header & 15 {
            THREW => {
                let mut m = String::from("option ");
                m.push_str(name);
                m.push_str(" could not be read (its getter threw)");
                return Err(Error::option(name, m));
            }
            SIGNAL => Opt::Signal,
            LONG_STRING => Opt::Other("a string over 4096 characters"),
            LONE_SURROGATE => Opt::Other(LONE),
            k => match Kind::from_code(k) {
                Kind::Str(_) => Opt::Str(piece(&mut text).ok_or_else(unreadable)?),
                Kind::Number => Opt::Num(number(&mut text).ok_or_else(unreadable)?),
                Kind::Bool(b) => Opt::Bool(b),
                Kind::Function => Opt::Func,
                k => Opt::Other(type_name(k)),
            },
        };
        out.entries.push((name, opt));
        if out.entries.len() > MAX_OPTION_KEYS {
            return Err(unreadable()); // readOptions writes no more than that
        }
    }
    Ok(out)
}

/// The code of the next character of `text`, taken off it.
fn code(text: &mut &str) -> Option<u32> {
    let c = text.chars().next()?;
    *text = text.get(c.len_utf8()..)?;
    Some(c.into())
}

/// The next piece of `text`, taken off it: its length in UTF-16 units (one
/// character), then that many units. Counted on the UTF-8 bytes: every byte
/// but a continuation byte starts a character of one unit, and a 4-byte
/// character (its first byte 0xF0 or more) is two.
fn piece<'a>(text: &mut &'a str) -> Option<&'a str> {
    let mut left = code(text)? as usize;
    let bytes = text.as_bytes();
    // Nearly every name and value is ASCII: a unit a byte, checked a word at a time.
    if bytes.get(..left).is_some_and(<[u8]>::is_ascii) {
        let (head, rest) = text.split_at_checked(left)?;
        *text = rest;
        return Some(head);
    }
    let mut end = 0;
    while left > 0 {
        let b = *bytes.get(end)?;
        left = left.checked_sub(usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))?;
        end += 1;
    }
    while bytes.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
        end += 1; // the rest of the last character
    }
    let (head, rest) = text.split_at_checked(end)?;
    *text = rest;
    Some(head)
}

/// The next number of `text`, taken off it: its 8 bytes, little-endian, a character each.
fn number(text: &mut &str) -> Option<f64> {
    let mut bytes = [0u8; 8];
    for b in &mut bytes {
        *b = u8::try_from(code(text)?).ok()?;
    }
    Some(f64::from_le_bytes(bytes))
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    // Texts written as `readOptions` (js/values.js) writes them.
    const PLAIN: char = '\u{8}';

    /// A piece: its length in UTF-16 units, then itself.
    fn piece_of(s: &str) -> String {
        let units = u32::try_from(s.encode_utf16().count()).unwrap();
        let mut t = String::from(char::from_u32(units).unwrap());
        t.push_str(s);
        t
    }

    fn header(kind: u32) -> char {
        char::from_u32(kind).unwrap()
    }

    fn string(name: &str, value: &str) -> String {
        format!("{}{}{}", header(5), piece_of(name), piece_of(value))
    }

    fn number(name: &str, value: f64) -> String {
        let bytes: String = value.to_le_bytes().iter().map(|&b| char::from(b)).collect();
        format!("{}{}{bytes}", header(4), piece_of(name))
    }

    fn entries(text: &str) -> Result<Vec<(&str, Opt<'_>)>> {
        read(text.as_bytes(), "exportBackup", false).map(|o| o.entries)
    }

    fn message(text: &str) -> String {
        entries(text).unwrap_err().message.clone()
    }

    #[test]
    fn names_and_values_arrive_whole_whatever_their_characters() {
        let odd = ["", "a", "é", "백업", "😀", "a😀b", "\u{10FFFF}", "\u{FFFD}", "x".repeat(4096).leak()];
        let mut text = String::from(PLAIN);
        let mut expected = Vec::new();
        for (i, value) in odd.iter().enumerate() {
            let name = format!("{}{i}", odd[odd.len() - 1 - i].chars().take(3).collect::<String>());
            text.push_str(&string(&name, value));
            expected.push((name, *value));
        }
        let got = entries(&text).unwrap();
        let expected: Vec<(&str, Opt)> = expected.iter().map(|(n, v)| (n.as_str(), Opt::Str(v))).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn numbers_arrive_to_the_bit() {
        for n in [0.0, -0.0, 1.5, -7.0, 2f64.powi(53) + 2.0, 5e-324, 1e308, f64::INFINITY, f64::NEG_INFINITY] {
            let text = format!("{PLAIN}{}", number("timeoutMs", n));
            let got = entries(&text).unwrap();
            let [(name, Opt::Num(m))] = got.as_slice() else { panic!("{got:?}") };
            assert_eq!((*name, m.to_bits()), ("timeoutMs", n.to_bits()));
        }
        let text = format!("{PLAIN}{}", number("x", f64::NAN));
        let nan = entries(&text).unwrap();
        assert!(matches!(nan.as_slice(), [(_, Opt::Num(m))] if m.is_nan()));
    }

    #[test]
    fn each_kind_of_value_and_the_codes_readoptions_adds() {
        let mut text = String::from(PLAIN);
        for (kind, name) in [
            (3, "t"),
            (2, "f"),
            (7, "fetch"),
            (SIGNAL, "signal"),
            (LONG_STRING, "long"),
            (LONE_SURROGATE, "lone"),
            (6, "arr"),
            (9, "obj"),
            (10, "sym"),
        ] {
            text.push(header(kind));
            text.push_str(&piece_of(name));
        }
        text.push(header(5 | LONG_NAME));
        text.push_str(&piece_of("the value of a name too long to copy"));
        let got = entries(&text).unwrap();
        let expected = [
            ("t", Opt::Bool(true)),
            ("f", Opt::Bool(false)),
            ("fetch", Opt::Func),
            ("signal", Opt::Signal),
            ("long", Opt::Other("a string over 4096 characters")),
            ("lone", Opt::Other(LONE)),
            ("arr", Opt::Other("an array")),
            ("obj", Opt::Other("an object")),
            ("sym", Opt::Other("a symbol or bigint")),
            (crate::options::TOO_LONG_TO_SHOW, Opt::Str("the value of a name too long to copy")),
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn what_is_not_an_object_and_what_could_not_be_read() {
        assert!(read("\u{0}".as_bytes(), "listBuckets", true).unwrap().entries.is_empty(), "undefined where optional");
        assert!(message("\u{0}").ends_with("got undefined"));
        assert!(message("\u{5}").starts_with("exportBackup takes one options object"));
        assert!(message("\u{5}").ends_with("got a string"));
        assert!(message("\u{6}").ends_with("got an array"));
        assert_eq!(message("\u{b}"), "the options object could not be read"); // Object.keys threw
        assert_eq!(message(""), "the options object could not be read");
        let threw = format!("{PLAIN}{}{}{}", string("a", "1"), header(THREW), piece_of("secretKey"));
        let e = entries(&threw).unwrap_err();
        assert_eq!(
            (e.option.as_deref(), e.message.as_str()),
            (Some("secretKey"), "option secretKey could not be read (its getter threw)")
        );
        assert!(read(&[8, 0xff], "exportBackup", false).is_err(), "not UTF-8");
    }

    #[test]
    fn at_most_the_keys_readoptions_writes() {
        let text = |n: usize| (0..n).fold(String::from(PLAIN), |t, i| t + &number(&format!("k{i}"), 1.0));
        assert_eq!(entries(&text(MAX_OPTION_KEYS)).unwrap().len(), MAX_OPTION_KEYS);
        assert_eq!(message(&text(MAX_OPTION_KEYS + 1)), "the options object could not be read");
    }

    #[test]
    fn a_piece_that_ends_inside_a_character_or_the_text_is_refused() {
        // "😀" is two units: a length of 1 ends inside it.
        let half = format!("{PLAIN}{}{}😀", header(5), char::from(1));
        assert!(entries(&half).is_err());
        let short = format!("{PLAIN}{}{}ab", header(5), char::from(3));
        assert!(entries(&short).is_err());
        // A number's 8 characters are bytes: one over 0xff is no byte.
        let not_a_byte = format!("{PLAIN}{}{}{}\u{100}", header(4), piece_of("n"), "\0".repeat(7));
        assert!(entries(&not_a_byte).is_err());
    }

    /// Whatever the text, an answer and never a panic (a panic would poison
    /// the wasm instance): every cut of a real text, and seeded random texts
    /// of the characters that matter (codes, lengths, many-byte characters).
    #[test]
    fn never_panics_on_any_text() {
        let real = format!(
            "{PLAIN}{}{}{}{}{}",
            string("accessKey", "AK😀"),
            number("timeoutMs", 30000.0),
            string("백업", "é"),
            header(SIGNAL),
            piece_of("signal")
        );
        assert_eq!(entries(&real).unwrap().len(), 4);
        for cut in 0..=real.len() {
            let _ = read(&real.as_bytes()[..cut], "call", cut % 2 == 0);
        }
        let alphabet: Vec<char> = (0..20u32)
            .chain([0x7f, 0x80, 0xff, 0x100, 0x7ff, 0x800, 0x1000, 0xfffd, 0xffff, 0x10000, 0x10ffff])
            .filter_map(char::from_u32)
            .chain("a😀é".chars())
            .collect();
        let mut seed = 12345u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            usize::try_from(seed >> 33).unwrap() % n
        };
        for _ in 0..20_000 {
            let mut text: String = (0..next(40)).map(|_| alphabet[next(alphabet.len())]).collect();
            if next(2) == 0 {
                text.insert(0, PLAIN);
            }
            let mut bytes = text.into_bytes();
            if next(8) == 0 && !bytes.is_empty() {
                let at = next(bytes.len());
                bytes[at] ^= 0x80; // sometimes not UTF-8
            }
            let _ = read(&bytes, "exportBackup", next(2) == 0);
        }
    }
}
