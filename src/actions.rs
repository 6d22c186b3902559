//! The actions this package names, and how each answer becomes a result.
//!
//! Adding an action is a table entry: its NCP name, its parameters, and for a
//! list the field that holds the items and the name the result gives them.

use crate::error::{Error, Kind, Result};
use serde_json::{Map, Value};

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

const PAGE_NO: Param = Param { name: "pageNo", ty: ParamType::Integer { min: 0.0, max: 2_147_483_647.0 }, required: false };
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
        text("generationCode", false),
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
pub fn export_result(body: &Map<String, Value>, status: u16) -> Value {
    let mut out = Map::new();
    for key in ["requestId", "returnCode", "returnMessage"] {
        out.insert(key.into(), Value::String(string_field(body, key)));
    }
    out.insert("httpStatus".into(), Value::from(status));
    Value::Object(out)
}

/// One page of a list action: `(requestId, totalRows, items)`.
pub fn list_page(action: &Action, body: &Map<String, Value>) -> Result<(String, u64, Vec<Value>)> {
    let (field, _) = action.list_field.unwrap_or(("", ""));
    let items = match body.get(field) {
        Some(Value::Array(items)) => items.clone(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            return Err(Error::new(Kind::BadResponse, concat_msg("the response's ", field, " is not a list")));
        }
    };
    let total = match body.get("totalRows") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(items.len() as u64),
        _ => items.len() as u64,
    };
    Ok((string_field(body, "requestId"), total, items))
}

/// `{ requestId, totalRows, <items> }`.
pub fn list_result(action: &Action, request_id: String, total: u64, items: Vec<Value>) -> Value {
    let (_, name) = action.list_field.unwrap_or(("", "items"));
    let mut out = Map::new();
    out.insert("requestId".into(), Value::String(request_id));
    out.insert("totalRows".into(), Value::from(total));
    out.insert(name.into(), Value::Array(items));
    Value::Object(out)
}

fn string_field(body: &Map<String, Value>, key: &str) -> String {
    match body.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn concat_msg(a: &str, b: &str, c: &str) -> String {
    let mut s = String::from(a);
    s.push_str(b);
    s.push_str(c);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn export_result_is_flat_strings_and_status() {
        let body = json!({"requestId": "r-1", "returnCode": 0, "returnMessage": "success"});
        let v = export_result(body.as_object().unwrap(), 200);
        assert_eq!(v, json!({"requestId": "r-1", "returnCode": "0", "returnMessage": "success", "httpStatus": 200}));
    }

    #[test]
    fn list_pages_default_and_refuse_odd_shapes() {
        let body = json!({"requestId": "r", "totalRows": 3, "cloudPostgresqlBucketList": [{"bucketName": "a"}]});
        let (rid, total, items) = list_page(&LIST_BUCKETS, body.as_object().unwrap()).unwrap();
        assert_eq!((rid.as_str(), total, items.len()), ("r", 3, 1));
        let (_, total, items) = list_page(&LIST_BUCKETS, json!({}).as_object().unwrap()).unwrap();
        assert_eq!((total, items.len()), (0, 0));
        let odd = json!({"cloudPostgresqlBucketList": "nope"});
        assert_eq!(list_page(&LIST_BUCKETS, odd.as_object().unwrap()).unwrap_err().kind, Kind::BadResponse);
        let v = list_result(&LIST_BUCKETS, "r".into(), 1, vec![json!({"bucketName": "a"})]);
        assert_eq!(v, json!({"requestId": "r", "totalRows": 1, "buckets": [{"bucketName": "a"}]}));
    }

    #[test]
    fn action_names() {
        assert!(check_action_name("getCloudPostgresqlInstanceList").is_ok());
        for bad in ["", "../x", "get list", "GetX", "a?b=c", "a/b"] {
            assert!(check_action_name(bad).is_err(), "{bad}");
        }
    }
}
