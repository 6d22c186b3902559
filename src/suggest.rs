//! "Did you mean …?" for an unknown option name.
//!
//! People shorten names (`region`, `bucket`), lengthen them
//! (`cloudPostgresqlInstanceNumber`), drop a prefix (`retries`), use another
//! plural (`maxRetry`) or mistype them (`bucketNme`). Each candidate is
//! compared with the name case-insensitively, plurals folded: the same stem,
//! one stem inside the other, or a few edits apart. The closest kind of match
//! wins; several equally close candidates are all named.

/// Up to three candidates close to `name`, best first.
pub fn nearest<'a>(name: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let scored: Vec<(usize, &'a str)> = candidates.iter().filter_map(|c| score(name, c).map(|s| (s, *c))).collect();
    let Some(best) = scored.iter().map(|(s, _)| *s).min() else { return Vec::new() };
    let mut out: Vec<&'a str> = scored.iter().filter(|(s, _)| *s == best).map(|(_, c)| *c).collect();
    out.dedup();
    out.truncate(3);
    out
}

/// Lower-case, with a plural ending folded (`retries` → `retry`, `pages` → `page`).
fn stem(s: &str) -> String {
    let s = s.to_ascii_lowercase();
    if let Some(base) = s.strip_suffix("ies") {
        format!("{base}y")
    } else if s.len() > 3 && s.ends_with('s') && !s.ends_with("ss") {
        s[..s.len() - 1].to_string()
    } else {
        s
    }
}

/// 0: the same stem; 1: one name inside the other; 2: one stem inside the
/// other, or the two sharing most of the shorter one as a prefix; 3 + n: n
/// edits apart. `None`: not close.
fn score(name: &str, candidate: &str) -> Option<usize> {
    let inside = |a: &str, b: &str| {
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        short.len() >= 4 && long.contains(short)
    };
    let (a, b) = (stem(name), stem(candidate));
    if a == b {
        return Some(0);
    }
    if inside(&name.to_ascii_lowercase(), &candidate.to_ascii_lowercase()) {
        return Some(1);
    }
    let prefix = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    if inside(&a, &b) || (prefix >= 4 && prefix * 4 >= a.len().min(b.len()) * 3) {
        return Some(2);
    }
    let limit = (name.chars().count() / 3).clamp(1, 4);
    let d = distance(&a, &b);
    (d <= limit).then_some(3 + d)
}

/// Levenshtein distance over bytes (both sides cut at 64).
fn distance(a: &str, b: &str) -> usize {
    let a = &a.as_bytes()[..a.len().min(64)];
    let b = &b.as_bytes()[..b.len().min(64)];
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &[&str] = &[
        "accessKey",
        "secretKey",
        "regionCode",
        "responseFormatType",
        "method",
        "site",
        "endpoint",
        "timeoutMs",
        "maxRetries",
        "clockOffsetMs",
        "fetch",
        "retryUnsafe",
        "signal",
        "timestamp",
        "cloudPostgresqlInstanceNo",
        "fileName",
        "bucketName",
    ];

    #[test]
    fn the_near_misses_people_make() {
        for (typed, meant) in [
            ("maxRetry", "maxRetries"),
            ("retries", "maxRetries"),
            ("region", "regionCode"),
            ("bucket", "bucketName"),
            ("cloudPostgresqlInstanceNumber", "cloudPostgresqlInstanceNo"),
            ("instanceNo", "cloudPostgresqlInstanceNo"),
            ("bucketNme", "bucketName"),
            ("filename", "fileName"),
            ("acessKey", "accessKey"),
            ("timeout", "timeoutMs"),
            ("format", "responseFormatType"),
            ("secret", "secretKey"),
        ] {
            assert_eq!(nearest(typed, EXPORT), [meant], "{typed}");
        }
    }

    #[test]
    fn ties_name_each_candidate_and_strangers_none() {
        assert_eq!(nearest("name", EXPORT), ["fileName", "bucketName"]);
        assert!(nearest("zzzzzzzzzz", EXPORT).is_empty());
        assert!(nearest("qqqq", &["fileName"]).is_empty());
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }
}
