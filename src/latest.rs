//! Which backup file is the newest: by `endTime`, as an instant, whatever
//! the list's order (NCP promises none).

use crate::value::{Map, Value};

/// The newest of `files` (NCP's backup file items) by `endTime`: its
/// `fileName` and `endTime`. Files whose `endTime` does not read as a time
/// are passed over; `None` when no file has one. Of two with the same
/// instant, the later in the list.
pub fn newest(files: &[Value]) -> Option<(String, String)> {
    files
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|f: &Map| Some((instant(&f.text("endTime")?)?, f.text("fileName")?, f.text("endTime")?)))
        .filter(|(_, name, _)| !name.is_empty())
        .fold(None, |best: Option<(i64, String, String)>, f| match best {
            Some(b) if b.0 > f.0 => Some(b),
            _ => Some(f),
        })
        .map(|(_, name, end)| (name, end))
}

/// Milliseconds since the epoch of an ISO 8601 time as NCP writes them:
/// `2026-11-20T03:00:05+0900`, also with `Z`, `+09:00`, a fraction of a
/// second, a space for the `T`, or no offset (read as UTC).
pub fn instant(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let seps = s.as_bytes();
    if seps.get(4) != Some(&b'-') || seps.get(7) != Some(&b'-') || !matches!(seps.get(10), Some(b'T' | b' ')) {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let ms: String = frac.get(..digits)?.chars().chain("000".chars()).take(3).collect();
        millis = ms.parse().ok()?;
        rest = frac.get(digits..)?;
    }
    let offset_min = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hm = rest.get(1..)?.replace(':', "");
            if hm.len() != 4 || !hm.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            sign * (hm.get(..2)?.parse::<i64>().ok()? * 60 + hm.get(2..)?.parse::<i64>().ok()?)
        }
    };
    let days = days_from_civil(y, mo, d);
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60) * 1000) + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_ncp_writes_them() {
        let utc = instant("2026-11-19T18:00:05Z").unwrap();
        assert_eq!(utc, 1_795_111_205_000); // Date.parse of the same
        assert_eq!(instant("2026-11-20T03:00:05+0900"), Some(utc));
        assert_eq!(instant("2026-11-20T03:00:05+09:00"), Some(utc));
        assert_eq!(instant("2026-11-19 18:00:05"), Some(utc));
        assert_eq!(instant("2026-11-19T18:00:05.25Z"), Some(utc + 250));
        assert_eq!(instant("2026-11-19T13:00:05-0500"), Some(utc));
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some(0));
        for bad in [
            "",
            "20261120",
            "2026-13-01T00:00:00Z",
            "2026-11-20T03:00:05+9",
            "2026/11/20 03:00:05",
            "x026-11-20T03:00:05Z",
        ] {
            assert_eq!(instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_newest_by_end_time_whatever_the_order() {
        let files: Vec<Value> = serde_json::from_str(
            r#"[{"fileName":"a","endTime":"2026-11-20T03:00:05+0900"},
                {"fileName":"b","endTime":"2026-11-20T00:00:06Z"},
                {"fileName":"c","endTime":"not a time"},
                {"fileName":"d"},
                {"fileName":"e","endTime":"2026-11-19T10:00:00+0900"}]"#,
        )
        .unwrap();
        assert_eq!(newest(&files), Some(("b".to_string(), "2026-11-20T00:00:06Z".to_string())));
        assert_eq!(newest(&files[2..4]), None);
        assert_eq!(newest(&[]), None);
    }
}
