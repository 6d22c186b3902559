//! The actions this package names, and how each answer becomes a result.
//!
//! Adding an action is a table entry: its NCP name, its parameters, and for a
//! list the field that holds the items and the name the result gives them.

use crate::error::{Error, Kind, Result};
use crate::response::field;
use crate::value::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamType {
    Text,
    Integer { min: f64, max: f64 },
}

#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    pub ty: ParamType,
    pub required: bool,
}

#[derive(Debug)]
pub struct Action {
    /// The JS function name, for messages.
    pub function: &'static str,
    /// NCP's action name: the last path segment.
    pub ncp: &'static str,
    pub params: &'static [Param],
    /// For list actions: NCP's list field and the result's name for it.
    pub list_field: Option<(&'static str, &'static str)>,
}

impl Action {
    pub fn accepts(&self, name: &str) -> bool {
        self.params.iter().any(|p| p.name == name) || (self.list_field.is_some() && name == "allPages")
    }
}

const fn text(name: &'static str, required: bool) -> Param {
    Param { name, ty: ParamType::Text, required }
}

const PAGE_NO: Param =
    Param { name: "pageNo", ty: ParamType::Integer { min: 0.0, max: 2_147_483_647.0 }, required: false };
const PAGE_SIZE: Param = Param { name: "pageSize", ty: ParamType::Integer { min: 1.0, max: 1000.0 }, required: false };

pub static EXPORT: Action = Action {
    function: "exportBackup",
    ncp: "exportBackupToObjectStorage",
    params: &[text("cloudPostgresqlInstanceNo", true), text("fileName", true), text("bucketName", true)],
    list_field: None,
};

pub static LIST_INSTANCES: Action = Action {
    function: "listInstances",
    ncp: "getCloudPostgresqlInstanceList",
    params: &[
        text("zoneCode", false),
        text("vpcNo", false),
        text("subnetNo", false),
        text("cloudPostgresqlServiceName", false),
        text("cloudPostgresqlServerName", false),
        PAGE_NO,
        PAGE_SIZE,
    ],
    list_field: Some(("cloudPostgresqlInstanceList", "instances")),
};

pub static LIST_BACKUPS: Action = Action {
    function: "listBackups",
    ncp: "getCloudPostgresqlBackupList",
    params: &[PAGE_NO, PAGE_SIZE],
    list_field: Some(("cloudPostgresqlBackupList", "backups")),
};

pub static LIST_BACKUP_FILES: Action = Action {
    function: "listBackupFiles",
    ncp: "getCloudPostgresqlBackupDetailList",
    params: &[text("cloudPostgresqlInstanceNo", true), PAGE_NO, PAGE_SIZE],
    list_field: Some(("cloudPostgresqlBackupDetailList", "files")),
};

pub static LIST_BUCKETS: Action = Action {
    function: "listBuckets",
    ncp: "getCloudPostgresqlBucketList",
    params: &[text("cloudPostgresqlServerInstanceNo", false), PAGE_NO, PAGE_SIZE],
    list_field: Some(("cloudPostgresqlBucketList", "buckets")),
};

/// `call(action, params, opts)`: any action; its parameters come as an object.
pub static CALL: Action = Action { function: "call", ncp: "", params: &[], list_field: None };

/// Checks a `call()` action name: a plain identifier, since it becomes a path segment.
pub fn check_action_name(name: &str) -> Result<()> {
    let ok = (1..=100).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
        && name.as_bytes().first().is_some_and(|b| b.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(Error::option(
            "action",
            "action must be a vpostgresql/v2 action name such as \"getCloudPostgresqlInstanceList\" (letters and digits only)",
        ))
    }
}

/// `{ requestId, returnCode, returnMessage, httpStatus }` for `exportBackup`.
pub fn export_result(body: &Map, status: u16) -> Value {
    let mut out = Map::new();
    for key in ["requestId", "returnCode", "returnMessage"] {
        out.insert(key.into(), Value::Str(field(body, key)));
    }
    out.insert("httpStatus".into(), Value::Num(status as f64));
    Value::Obj(out)
}

/// One page of a list action: `(requestId, totalRows, items)`.
pub fn list_page(action: &Action, mut body: Map) -> Result<(String, u64, Vec<Value>)> {
    let (list, _) = action.list_field.unwrap_or(("", ""));
    let items = match body.remove(list) {
        Some(Value::Arr(items)) => items,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            return Err(Error::new(Kind::BadResponse, concat_msg("the response's ", list, " is not a list")));
        }
    };
    let total = match body.get("totalRows") {
        Some(Value::Num(n)) if *n >= 0.0 => *n as u64,
        _ => items.len() as u64,
    };
    Ok((field(&body, "requestId"), total, items))
}

/// `{ requestId, totalRows, <items> }`.
pub fn list_result(action: &Action, request_id: String, total: u64, items: Vec<Value>) -> Value {
    let (_, name) = action.list_field.unwrap_or(("", "items"));
    let mut out = Map::new();
    out.insert("requestId".into(), Value::Str(request_id));
    out.insert("totalRows".into(), Value::Num(total as f64));
    out.insert(name.into(), Value::Arr(items));
    Value::Obj(out)
}

fn concat_msg(a: &str, b: &str, c: &str) -> String {
    let mut s = String::from(a);
    s.push_str(b);
    s.push_str(c);
    s
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: serde_json::Value) -> Value {
        Value::from(v)
    }

    fn obj(v: serde_json::Value) -> Map {
        match Value::from(v) {
            Value::Obj(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn export_result_is_flat_strings_and_status() {
        let body = obj(serde_json::json!({"requestId": "r-1", "returnCode": 0, "returnMessage": "success"}));
        let v = export_result(&body, 200);
        assert_eq!(
            v,
            json(
                serde_json::json!({"requestId": "r-1", "returnCode": "0", "returnMessage": "success", "httpStatus": 200})
            )
        );
    }

    #[test]
    fn list_pages_default_and_refuse_odd_shapes() {
        let body = obj(
            serde_json::json!({"requestId": "r", "totalRows": 3, "cloudPostgresqlBucketList": [{"bucketName": "a"}]}),
        );
        let (rid, total, items) = list_page(&LIST_BUCKETS, body).unwrap();
        assert_eq!((rid.as_str(), total, items.len()), ("r", 3, 1));
        let (_, total, items) = list_page(&LIST_BUCKETS, Map::new()).unwrap();
        assert_eq!((total, items.len()), (0, 0));
        let odd = obj(serde_json::json!({"cloudPostgresqlBucketList": "nope"}));
        assert_eq!(list_page(&LIST_BUCKETS, odd).unwrap_err().kind, Kind::BadResponse);
        let v = list_result(&LIST_BUCKETS, "r".into(), 1, vec![json(serde_json::json!({"bucketName": "a"}))]);
        assert_eq!(v, json(serde_json::json!({"requestId": "r", "totalRows": 1, "buckets": [{"bucketName": "a"}]})));
    }

    #[test]
    fn action_names() {
        assert!(check_action_name("getCloudPostgresqlInstanceList").is_ok());
        for bad in ["", "../x", "get list", "GetX", "a?b=c", "a/b"] {
            assert!(check_action_name(bad).is_err(), "{bad}");
        }
    }
}
