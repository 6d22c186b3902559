//! The functions this package offers, one table entry each: what it is
//! called in JS, NCP's action behind it, the options it takes and needs.
//! Adding an option to a function is a line here (and its [`Spec`] in
//! `crate::options`, if it is new).

use crate::options::{
    Spec, BUCKET_NAME, CLOCK_OFFSET_MS, CREDENTIALS, FETCH, FILE_NAME, INSTANCE_NO, INTERVAL_MS, MAX_RETRIES,
    ON_PROGRESS, PAGING, PER_CALL, RETRY_UNSAFE, SERVER_INSTANCE_NO, SERVER_NAME, SERVICE_NAME, SIGN_METHOD, SITE,
    SKIP_EXISTING, STORAGE, STORAGE_ENDPOINT, SUBNET_NO, TIMEOUT_MS, TIMESTAMP, TRANSPORT, URL, VPC_NO, ZONE_CODE,
};
use crate::sign::Uses;

#[derive(Debug)]
pub struct Function {
    /// The JS name, for messages.
    pub name: &'static str,
    /// NCP's action: the last path segment of `/vpostgresql/v2/{action}`.
    pub ncp: Option<&'static str>,
    /// For a list: NCP's list field and the result's name for it.
    pub list: Option<(&'static str, &'static str)>,
    /// The options it takes besides the key pair, in the order NCP's
    /// parameters are sent.
    pub options: &'static [&'static [&'static Spec]],
    /// The options it needs besides the key pair.
    pub required: &'static [&'static Spec],
}

impl Function {
    /// Every option it takes, the key pair among them when `credentials`.
    pub fn specs_for(&self, credentials: bool) -> impl Iterator<Item = &'static Spec> + '_ {
        let keys: &'static [&'static Spec] = if credentials { CREDENTIALS } else { &[] };
        keys.iter().chain(self.options.iter().flat_map(|group| group.iter())).copied()
    }

    /// Every option it takes besides the key pair.
    pub fn specs(&self) -> impl Iterator<Item = &'static Spec> + '_ {
        self.specs_for(false)
    }

    /// Which signatures its key pair will make: the API's when it calls an
    /// action (or signs: `signRequest`), Object Storage's when it lists a
    /// bucket; a Client's make both.
    pub fn uses(&self) -> Uses {
        let lists_buckets = self.specs().any(|s| s.name == STORAGE_ENDPOINT.name);
        let calls_api = self.ncp.is_some() || std::ptr::eq(self, &CALL) || std::ptr::eq(self, &SIGN_REQUEST);
        if std::ptr::eq(self, &NEW_CLIENT) {
            return Uses { api: true, storage: true };
        }
        Uses { api: calls_api, storage: lists_buckets }
    }

    /// The option called `name`, if this function takes it.
    pub fn find(&self, name: &str, credentials: bool) -> Option<&'static Spec> {
        self.specs_for(credentials).find(|s| s.name == name)
    }
}

const fn list(
    name: &'static str,
    ncp: &'static str,
    field: (&'static str, &'static str),
    options: &'static [&'static [&'static Spec]],
    required: &'static [&'static Spec],
) -> Function {
    Function { name, ncp: Some(ncp), list: Some(field), options, required }
}

/// The options of the functions that look in a bucket (Object Storage is signed with the same key pair).
const STORAGE_TRANSPORT: &[&Spec] = &[&SITE, &TIMEOUT_MS, &MAX_RETRIES, &CLOCK_OFFSET_MS, &FETCH, &RETRY_UNSAFE];

pub static EXPORT_BACKUP: Function = Function {
    name: "exportBackup",
    ncp: Some("exportBackupToObjectStorage"),
    list: None,
    options: &[TRANSPORT, PER_CALL, &[&INSTANCE_NO, &FILE_NAME, &BUCKET_NAME]],
    required: &[&INSTANCE_NO, &FILE_NAME, &BUCKET_NAME],
};

pub static LIST_INSTANCES: Function = list(
    "listInstances",
    "getCloudPostgresqlInstanceList",
    ("cloudPostgresqlInstanceList", "instances"),
    &[TRANSPORT, PER_CALL, &[&ZONE_CODE, &VPC_NO, &SUBNET_NO, &SERVICE_NAME, &SERVER_NAME], PAGING],
    &[],
);

pub static LIST_BACKUPS: Function = list(
    "listBackups",
    "getCloudPostgresqlBackupList",
    ("cloudPostgresqlBackupList", "backups"),
    &[TRANSPORT, PER_CALL, PAGING],
    &[],
);

pub static LIST_BACKUP_FILES: Function = list(
    "listBackupFiles",
    "getCloudPostgresqlBackupDetailList",
    ("cloudPostgresqlBackupDetailList", "files"),
    &[TRANSPORT, PER_CALL, &[&INSTANCE_NO], PAGING],
    &[&INSTANCE_NO],
);

/// NCP documents no paging for the bucket list.
pub static LIST_BUCKETS: Function = list(
    "listBuckets",
    "getCloudPostgresqlBucketList",
    ("cloudPostgresqlBucketList", "buckets"),
    &[TRANSPORT, PER_CALL, &[&SERVER_INSTANCE_NO]],
    &[],
);

/// `call(action, params, opts)`: any action; its parameters come apart, as an object.
pub static CALL: Function =
    Function { name: "call", ncp: None, list: None, options: &[TRANSPORT, PER_CALL], required: &[] };

pub static EXPORT_LATEST_BACKUP: Function = Function {
    name: "exportLatestBackup",
    ncp: Some("exportBackupToObjectStorage"),
    list: None,
    options: &[TRANSPORT, STORAGE, PER_CALL, &[&INSTANCE_NO, &BUCKET_NAME, &SKIP_EXISTING]],
    required: &[&INSTANCE_NO, &BUCKET_NAME],
};

pub static FIND_EXPORTED_OBJECT: Function = Function {
    name: "findExportedObject",
    ncp: None,
    list: None,
    options: &[STORAGE_TRANSPORT, STORAGE, PER_CALL, &[&BUCKET_NAME, &FILE_NAME]],
    required: &[&BUCKET_NAME, &FILE_NAME],
};

pub static WAIT_FOR_EXPORT: Function = Function {
    name: "waitForExport",
    ncp: None,
    list: None,
    options: &[STORAGE_TRANSPORT, STORAGE, PER_CALL, &[&BUCKET_NAME, &FILE_NAME, &INTERVAL_MS, &ON_PROGRESS]],
    required: &[&BUCKET_NAME, &FILE_NAME],
};

/// `new Client(config)`: the key pair and the settings every call shares.
pub static NEW_CLIENT: Function =
    Function { name: "new Client", ncp: None, list: None, options: &[TRANSPORT, STORAGE], required: &[] };

pub static SIGN_REQUEST: Function = Function {
    name: "signRequest",
    ncp: None,
    list: None,
    options: &[&[&SIGN_METHOD, &URL, &TIMESTAMP, &CLOCK_OFFSET_MS]],
    required: &[&SIGN_METHOD, &URL],
};

/// Checks a `call()` action name: a plain identifier, since it becomes a path segment.
pub fn check_action_name(name: &str) -> crate::error::Result<()> {
    let ok = (1..=100).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
        && name.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    if ok {
        Ok(())
    } else {
        Err(crate::error::Error::invalid(
            "action",
            "action must be a vpostgresql/v2 action name such as \"getCloudPostgresqlInstanceList\" (letters and digits only)",
        ))
    }
}

// never panics in the module: every unwrap()/expect() in this file is in these
// tests, which #[cfg(test)] keeps out of the wasm build (clippy refuses one elsewhere).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{ALL_PAGES, PAGE_NO, PAGE_SIZE, SIGNAL};

    const ALL: [&Function; 11] = [
        &EXPORT_BACKUP,
        &LIST_INSTANCES,
        &LIST_BACKUPS,
        &LIST_BACKUP_FILES,
        &LIST_BUCKETS,
        &CALL,
        &EXPORT_LATEST_BACKUP,
        &FIND_EXPORTED_OBJECT,
        &WAIT_FOR_EXPORT,
        &NEW_CLIENT,
        &SIGN_REQUEST,
    ];

    /// Each function takes each name once, and fewer than the reader's bound.
    #[test]
    fn names_are_distinct_and_few() {
        for f in ALL {
            let mut names: Vec<&str> = f.specs_for(true).map(|s| s.name).collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{}", f.name);
            assert!(n < 64, "{}: {n}", f.name);
            for r in f.required {
                assert!(f.find(r.name, false).is_some(), "{} needs {} it does not take", f.name, r.name);
            }
        }
        assert!(LIST_BUCKETS.find("pageNo", true).is_none(), "NCP documents no paging for buckets");
        assert!(FIND_EXPORTED_OBJECT.find("endpoint", true).is_none());
        assert!(SIGN_REQUEST.find("signal", true).is_none());
        assert!(
            EXPORT_BACKUP.find("allPages", true).is_none()
                && LIST_BACKUPS.find("allPages", true).map(|s| s.name) == Some(ALL_PAGES.name)
        );
        assert_eq!(LIST_BACKUPS.find("pageSize", false).map(|s| s.name), Some(PAGE_SIZE.name));
        assert_eq!(WAIT_FOR_EXPORT.find("signal", false).map(|s| s.name), Some(SIGNAL.name));
        assert_eq!(LIST_BACKUPS.find("pageNo", false).map(|s| s.name), Some(PAGE_NO.name));
        assert_eq!(EXPORT_LATEST_BACKUP.find("timestamp", false).map(|s| s.name), Some(TIMESTAMP.name));
    }

    #[test]
    fn each_function_prepares_the_keys_it_signs_with() {
        let uses = |f: &Function| (f.uses().api, f.uses().storage);
        assert_eq!(uses(&EXPORT_BACKUP), (true, false));
        assert_eq!(uses(&SIGN_REQUEST), (true, false));
        assert_eq!(uses(&CALL), (true, false));
        assert_eq!(uses(&FIND_EXPORTED_OBJECT), (false, true));
        assert_eq!(uses(&EXPORT_LATEST_BACKUP), (true, true));
        assert_eq!(uses(&NEW_CLIENT), (true, true));
    }

    #[test]
    fn action_names() {
        assert!(check_action_name("getCloudPostgresqlInstanceList").is_ok());
        for bad in ["", "../x", "get list", "GetX", "a?b=c", "a/b"] {
            assert!(check_action_name(bad).is_err(), "{bad}");
        }
    }
}
