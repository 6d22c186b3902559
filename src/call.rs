//! One call of an action, from the first request to its result: the
//! [`Exchange`] for the current request, plus the pages still to fetch when a
//! list was asked for with `allPages`. Sans-IO like the exchange: the runtime
//! sends what [`Call::request`] gives and reports back to [`Call::outcome`].

use crate::actions::{self, Action, EXPORT};
use crate::engine::{Exchange, RawResponse, Step};
use crate::error::Result;
use crate::request::{Params, Plan, Request};
use crate::value::{integer_text, parse_unsigned, Value};

/// What the runtime does next.
#[derive(Debug)]
pub enum Next {
    /// Wait this many milliseconds (0: none), then send [`Call::request`].
    Send(u32),
    Done(Value),
}

#[derive(Debug)]
pub struct Call {
    action: &'static Action,
    exchange: Exchange,
    pages: Option<Pages>,
}

/// `allPages`: every page from `pageNo` on, collected into one result.
#[derive(Debug)]
struct Pages {
    /// The parameters without `pageNo`/`pageSize`; each page adds its own.
    params: Params,
    size: String,
    next: u64,
    last: u64,
    request_id: Option<String>,
    total: u64,
    items: Vec<Value>,
}

impl Call {
    pub fn new(action: &'static Action, mut plan: Plan, all_pages: bool) -> Call {
        let pages = (all_pages && action.list_field.is_some()).then(|| {
            // NCP's pageNo starts at 0, which is the first page as 1 is: counting
            // on from 0 would fetch the first page twice.
            let first = take_param(&mut plan.params, "pageNo").and_then(|p| parse_unsigned(&p, 10)).unwrap_or(1).max(1);
            let size = take_param(&mut plan.params, "pageSize").unwrap_or_else(|| "100".to_string());
            // Bounded: NCP's pageSize is at most 1000, so this covers ten million rows.
            Pages {
                params: plan.params.clone(),
                size,
                next: first,
                last: first.saturating_add(10_000),
                request_id: None,
                total: 0,
                items: Vec::new(),
            }
        });
        let mut call = Call { action, exchange: Exchange::new(plan), pages };
        call.next_page();
        call
    }

    /// The settings of the request being sent (timeout, endpoint, …).
    pub fn plan(&self) -> &Plan {
        self.exchange.plan()
    }

    /// The request to send now, signed at `now_ms`.
    pub fn request(&mut self, now_ms: f64) -> Request {
        self.exchange.request(now_ms)
    }

    /// Reads what the last request gave (see [`Exchange::outcome`]).
    pub fn outcome(&mut self, outcome: Result<RawResponse>, random: f64) -> Result<Next> {
        let reply = match self.exchange.outcome(outcome, random)? {
            Step::Retry(ms) => return Ok(Next::Send(ms)),
            Step::Done(reply) => reply,
        };
        if self.action.list_field.is_none() {
            return Ok(Next::Done(if std::ptr::eq(self.action, &EXPORT) {
                actions::export_result(&reply.body, reply.status)
            } else {
                Value::Obj(reply.body)
            }));
        }
        let (request_id, total, mut items) = actions::list_page(self.action, reply.body)?;
        let Some(pages) = self.pages.as_mut() else {
            return Ok(Next::Done(actions::list_result(self.action, request_id, total, items)));
        };
        pages.request_id.get_or_insert(request_id);
        pages.total = total;
        let got = items.len();
        pages.items.append(&mut items);
        if got == 0 || pages.items.len() as u64 >= total || pages.next >= pages.last {
            // A page came back empty before totalRows was reached: report what NCP gave.
            let total = pages.total.min(pages.items.len() as u64);
            let items = std::mem::take(&mut pages.items);
            let request_id = pages.request_id.take().unwrap_or_default();
            return Ok(Next::Done(actions::list_result(self.action, request_id, total, items)));
        }
        self.next_page();
        Ok(Next::Send(0))
    }

    /// With `allPages`, points the exchange at the next page.
    fn next_page(&mut self) {
        if let Some(pages) = &mut self.pages {
            let mut params = pages.params.clone();
            params.push(("pageNo".into(), integer_text(pages.next as f64).unwrap_or_default()));
            params.push(("pageSize".into(), pages.size.clone()));
            pages.next += 1;
            self.exchange.restart(params);
        }
    }
}

fn take_param(params: &mut Params, name: &str) -> Option<String> {
    let i = params.iter().position(|(k, _)| k == name)?;
    Some(params.remove(i).1)
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::LIST_BACKUPS;
    use crate::error::Error;
    use crate::options::{parse, Opt, Scope};
    use crate::response::decode;

    fn plan(extra: &[(&str, Opt)]) -> Plan {
        let mut e = vec![("accessKey", Opt::Str("AK")), ("secretKey", Opt::Str("SK"))];
        e.extend_from_slice(extra);
        Plan::new(&LIST_BACKUPS, LIST_BACKUPS.ncp.into(), parse(&e, Scope::Standalone(&LIST_BACKUPS)).unwrap()).unwrap()
    }

    /// A page of `n` backups named from `first`, out of `total`.
    fn page(first: u32, n: u32, total: u32) -> Result<RawResponse> {
        let items: Vec<String> = (first..first + n).map(|i| format!(r#"{{"backupFileName":"f{i}"}}"#)).collect();
        Ok(RawResponse {
            status: 200,
            body: decode(&format!(
                r#"{{"getCloudPostgresqlBackupListResponse":{{"requestId":"r{first}","returnCode":"0","totalRows":{total},"cloudPostgresqlBackupList":[{}]}}}}"#,
                items.join(",")
            )),
            retry_after_ms: None,
        })
    }

    /// Sends until done; returns the result and the query of every request sent.
    fn drive(mut call: Call, mut answers: Vec<Result<RawResponse>>) -> (Value, Vec<String>) {
        let mut sent = Vec::new();
        loop {
            let req = call.request(1000.0);
            sent.push(req.target.split_once('?').map(|(_, q)| q.to_string()).unwrap_or_default());
            match call.outcome(answers.remove(0), 0.5).unwrap() {
                Next::Send(_) => {}
                Next::Done(v) => return (v, sent),
            }
        }
    }

    fn names(v: &Value) -> Vec<String> {
        let items = v.as_object().and_then(|o| o.get("backups")).unwrap();
        match items {
            Value::Arr(a) => a.iter().map(|i| text(i.as_object().unwrap().get("backupFileName").unwrap())).collect(),
            _ => panic!("not a list"),
        }
    }

    fn text(v: &Value) -> String {
        match v {
            Value::Str(s) => s.clone(),
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn one_page_unless_all_pages() {
        let call = Call::new(&LIST_BACKUPS, plan(&[("pageSize", Opt::Num(2.0))]), false);
        let (v, sent) = drive(call, vec![page(1, 2, 5)]);
        assert_eq!(names(&v).len(), 2);
        assert_eq!(sent, vec!["pageSize=2&responseFormatType=json"]);
    }

    #[test]
    fn all_pages_collects_from_page_no_until_total_rows() {
        let p = plan(&[("pageNo", Opt::Num(2.0)), ("pageSize", Opt::Num(2.0))]);
        let (v, sent) = drive(Call::new(&LIST_BACKUPS, p, true), vec![page(1, 2, 5), page(3, 2, 5), page(5, 1, 5)]);
        assert_eq!(names(&v), ["f1", "f2", "f3", "f4", "f5"]);
        assert_eq!(text(v.as_object().unwrap().get("requestId").unwrap()), "r1");
        assert_eq!(sent[0], "pageNo=2&pageSize=2&responseFormatType=json");
        assert_eq!(sent[2], "pageNo=4&pageSize=2&responseFormatType=json");
    }

    /// pageNo 0 is NCP's first page, as 1 is: the next one asked for is 2.
    #[test]
    fn all_pages_from_page_no_0_asks_for_each_page_once() {
        let p = plan(&[("pageNo", Opt::Num(0.0)), ("pageSize", Opt::Num(2.0))]);
        let (v, sent) = drive(Call::new(&LIST_BACKUPS, p, true), vec![page(1, 2, 3), page(3, 1, 3)]);
        assert_eq!(names(&v), ["f1", "f2", "f3"]);
        assert_eq!(
            sent,
            ["pageNo=1&pageSize=2&responseFormatType=json", "pageNo=2&pageSize=2&responseFormatType=json"]
        );
    }

    #[test]
    fn an_empty_page_ends_the_list_with_the_rows_received() {
        let (v, sent) = drive(Call::new(&LIST_BACKUPS, plan(&[]), true), vec![page(1, 3, 9), page(4, 0, 9)]);
        assert_eq!(sent.len(), 2);
        assert_eq!(v.as_object().unwrap().get("totalRows"), Some(&Value::Num(3.0)));
    }

    #[test]
    fn a_failed_page_fails_the_call_with_its_attempts() {
        let mut call = Call::new(&LIST_BACKUPS, plan(&[("maxRetries", Opt::Num(0.0))]), true);
        call.request(1000.0);
        assert!(matches!(call.outcome(page(1, 1, 2), 0.5), Ok(Next::Send(0))));
        call.request(1000.0);
        let e = call.outcome(Err(Error::new(crate::error::Kind::Network, "reset")), 0.5).unwrap_err();
        assert_eq!(e.attempts, 1);
    }
}
