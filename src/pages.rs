//! A list action's pages: what one page holds, and for `allPages` which page
//! to ask for next and when the list is complete. No I/O (the loop is in
//! [`crate::run`]).

use crate::error::{Error, ErrorKind, Result};
use crate::value::{Map, Value};

/// One page of a list action's answer: `(requestId, totalRows, items)`.
pub fn page_of(field: &str, mut body: Map) -> Result<(String, u64, Vec<Value>)> {
    let items = match body.remove(field) {
        Some(Value::Arr(items)) => items,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(Error::new(ErrorKind::BadResponse, format!("the response's {field} is not a list"))),
    };
    let total = match body.number("totalRows") {
        Some(n) if n >= 0.0 => n as u64,
        _ => items.len() as u64,
    };
    Ok((body.text("requestId").unwrap_or_default(), total, items))
}

/// Every page from `pageNo` on, collected.
#[derive(Debug)]
pub struct Pages {
    size: String,
    first: u64,
    next: u64,
    last: u64,
    request_id: Option<String>,
    total: u64,
    items: Vec<Value>,
    /// Page 0's items, while page 1 is awaited: NCP's smallest `pageNo` is
    /// 0, and nothing it publishes says whether 0 and 1 are the same page.
    page_zero: Option<Vec<Value>>,
}

impl Pages {
    /// From `pageNo` (default 1) with `pageSize` (default 100) rows a page.
    pub fn new(page_no: Option<&str>, page_size: Option<&str>) -> Pages {
        let first = page_no.and_then(|p| p.parse().ok()).unwrap_or(1);
        Pages {
            size: page_size.unwrap_or("100").to_string(),
            first,
            next: first,
            // NCP's pageSize is at most 1000, so this covers ten million rows.
            last: first.saturating_add(10_000),
            request_id: None,
            total: 0,
            items: Vec::new(),
            page_zero: None,
        }
    }

    /// `params` with the next page's `pageNo` and `pageSize`.
    pub fn next_params(&self, params: &[(String, String)]) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> =
            params.iter().filter(|(k, _)| k != "pageNo" && k != "pageSize").cloned().collect();
        p.push(("pageNo".into(), self.next.to_string()));
        p.push(("pageSize".into(), self.size.clone()));
        p
    }

    /// Adds the page just read; whether another is to be asked for. A list
    /// that has not ended by the last page this reads is refused, not cut short.
    pub fn add(&mut self, request_id: String, total: u64, items: Vec<Value>) -> Result<bool> {
        let page = self.next;
        self.next += 1;
        self.request_id.get_or_insert(request_id);
        self.total = total;
        let repeats_zero = page == 1 && !items.is_empty() && self.page_zero.as_ref() == Some(&items);
        self.page_zero = (page == 0).then(|| items.clone());
        // Pages 0 and 1 the same page: on with page 2.
        let more = repeats_zero || {
            let empty = items.is_empty();
            self.items.extend(items);
            !empty && (self.items.len() as u64) < total
        };
        if more && self.next > self.last {
            let read = self.next - self.first;
            return Err(Error::new(
                ErrorKind::BadResponse,
                format!(
                    "the list did not end after {read} pages: {} rows of the {total} its totalRows gives; \
                     read it in parts with pageNo and a larger pageSize",
                    self.items.len()
                ),
            ));
        }
        Ok(more)
    }

    /// `(requestId, totalRows, items)`: the first page's request id, and the
    /// rows received when a page came back empty before `totalRows` was reached.
    pub fn finish(self) -> (String, u64, Vec<Value>) {
        let total = self.total.min(self.items.len() as u64);
        (self.request_id.unwrap_or_default(), total, self.items)
    }
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    fn items(names: &[&str]) -> Vec<Value> {
        names.iter().map(|n| Value::Str((*n).into())).collect()
    }

    fn page_no(p: &Pages) -> String {
        p.next_params(&[]).iter().find(|(k, _)| k == "pageNo").map(|(_, v)| v.clone()).unwrap()
    }

    #[test]
    fn collects_from_page_no_until_total_rows() {
        let mut p = Pages::new(Some("2"), Some("2"));
        assert_eq!(p.next_params(&[("pageNo".into(), "9".into()), ("x".into(), "y".into())]).len(), 3);
        assert_eq!(page_no(&p), "2");
        assert!(p.add("r1".into(), 5, items(&["a", "b"])).unwrap());
        assert_eq!(page_no(&p), "3");
        assert!(p.add("r2".into(), 5, items(&["c", "d"])).unwrap());
        assert!(!p.add("r3".into(), 5, items(&["e"])).unwrap());
        assert_eq!(p.finish(), ("r1".to_string(), 5, items(&["a", "b", "c", "d", "e"])));
    }

    #[test]
    fn an_empty_page_ends_the_list_with_the_rows_received() {
        let mut p = Pages::new(None, None);
        assert!(p.add("r".into(), 9, items(&["a", "b", "c"])).unwrap());
        assert!(!p.add("r".into(), 9, vec![]).unwrap());
        assert_eq!(p.finish().1, 3);
    }

    /// From pageNo 0 whether NCP counts 0 and 1 as the same page or not.
    #[test]
    fn from_page_zero_each_row_once_either_way() {
        let mut same = Pages::new(Some("0"), Some("2"));
        assert!(same.add("r".into(), 3, items(&["a", "b"])).unwrap());
        assert!(same.add("r".into(), 3, items(&["a", "b"])).unwrap()); // page 1 is page 0 again
        assert!(!same.add("r".into(), 3, items(&["c"])).unwrap());
        assert_eq!(same.finish().2, items(&["a", "b", "c"]));
        let mut apart = Pages::new(Some("0"), Some("2"));
        assert!(apart.add("r".into(), 3, items(&["a", "b"])).unwrap());
        assert!(!apart.add("r".into(), 3, items(&["c"])).unwrap());
        assert_eq!(apart.finish().2, items(&["a", "b", "c"]));
    }

    #[test]
    fn a_list_that_does_not_end_by_the_last_page_is_refused() {
        let mut p = Pages::new(Some("5"), Some("1"));
        for _ in 0..10_000 {
            assert!(p.add("r".into(), u64::MAX, items(&["a"])).unwrap());
        }
        let e = p.add("r".into(), u64::MAX, items(&["a"])).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadResponse);
        assert!(
            e.message().starts_with("the list did not end after 10001 pages: 10001 rows of the "),
            "{}",
            e.message()
        );
        // The same last page ends a list that is complete there.
        let mut q = Pages::new(Some("5"), Some("1"));
        for _ in 0..10_000 {
            assert!(q.add("r".into(), 10_001, items(&["a"])).unwrap());
        }
        assert!(!q.add("r".into(), 10_001, items(&["a"])).unwrap());
    }

    #[test]
    fn a_page_is_read_or_refused() {
        let body: Map = serde_json::from_str::<Value>(r#"{"requestId":"r","totalRows":3,"xList":[{"a":1}]}"#)
            .unwrap()
            .as_object()
            .unwrap()
            .clone();
        let (rid, total, got) = page_of("xList", body).unwrap();
        assert_eq!((rid.as_str(), total, got.len()), ("r", 3, 1));
        assert_eq!(page_of("xList", Map::new()).unwrap(), (String::new(), 0, vec![]));
        let mut odd = Map::new();
        odd.insert("xList", Value::Str("nope".into()));
        assert_eq!(page_of("xList", odd).unwrap_err().kind(), ErrorKind::BadResponse);
    }
}
