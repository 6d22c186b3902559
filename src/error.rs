//! The one error type. Every failure, from a bad option to a gateway refusal,
//! is an [`Error`]; the JS exports turn it into the JS `NcloudError`.

use std::fmt;

/// What went wrong, as the JS `NcloudError.kind` string names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Refused before anything was sent: a missing, empty or mistyped option.
    InvalidOptions,
    /// Gateway 401/200 or Object Storage's refused signature: a wrong key pair, a
    /// clock more than 5 minutes off, or a storage region the endpoint does not serve.
    Auth,
    /// Gateway 401/210 (or Object Storage's 403): the key may not do this.
    Permission,
    /// Gateway 404/300, or an unknown bucket.
    NotFound,
    /// HTTP 429: too many requests.
    Throttled,
    /// Cloud DB for PostgreSQL refused the request (`returnCode` other than 0), or
    /// Object Storage refused it as sent (a 4xx that is no other kind).
    Service,
    /// Another gateway error: 400/100, 413/430, 503/500, 504/510, 500/900.
    Gateway,
    /// `fetch` failed: connection refused or reset, DNS, a caller's fetch threw.
    Network,
    /// No answer in time.
    Timeout,
    /// The caller's signal fired.
    Aborted,
    /// An answer that is not NCP's: HTML, truncated, too large, a redirect.
    BadResponse,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidOptions => "invalid_options",
            ErrorKind::Auth => "auth",
            ErrorKind::Permission => "permission",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Service => "service",
            ErrorKind::Gateway => "gateway",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::BadResponse => "bad_response",
        }
    }
}

/// A failure with everything a caller needs to decide what to do next.
/// Messages never contain the secret key: no code path formats it, and what
/// a failed call repeats of a server's answer, a `fetch` error or its own
/// values is searched for it ([`crate::sign::Keys::hide_secret`]).
///
/// ```
/// use ncloud_pg_backup::{Client, ErrorKind};
/// let e = Client::new("", "secret").unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::InvalidOptions);
/// assert_eq!(e.option(), Some("accessKey"));
/// assert_eq!(e.attempts(), 0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<Details>);

#[derive(Clone, Debug, PartialEq)]
struct Details {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    code: Option<String>,
    request_id: Option<String>,
    attempts: u32,
    retryable: bool,
    option: Option<String>,
    /// The runtime's own error, for a network failure.
    #[cfg(target_arch = "wasm32")]
    cause: Option<wasm_bindgen::JsValue>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Details {
            kind,
            message: message.into(),
            status: None,
            code: None,
            request_id: None,
            attempts: 0,
            retryable: false,
            option: None,
            #[cfg(target_arch = "wasm32")]
            cause: None,
        }))
    }

    /// An `invalid_options` error about one option.
    pub(crate) fn invalid(name: &str, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::InvalidOptions, message);
        e.0.option = Some(name.to_string());
        e
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// What happened and what to do about it.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The HTTP status, when an answer arrived.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    /// NCP's `errorCode` (gateway) or `returnCode` (service), or Object Storage's `Code`.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// How many requests were sent (0 when the options were refused).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }
    /// True when the request did not run, so sending it again is safe.
    pub fn retryable(&self) -> bool {
        self.0.retryable
    }
    /// For `InvalidOptions`: the option at fault.
    pub fn option(&self) -> Option<&str> {
        self.0.option.as_deref()
    }
    /// The runtime's own error behind a network failure (what `fetch` threw).
    #[cfg(target_arch = "wasm32")]
    pub fn cause(&self) -> Option<&wasm_bindgen::JsValue> {
        self.0.cause.as_ref()
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }
    pub(crate) fn with_code(mut self, code: Option<String>) -> Self {
        self.0.code = code.filter(|c| !c.is_empty());
        self
    }
    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        self.0.request_id = id.filter(|r| !r.is_empty());
        self
    }
    pub(crate) fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn with_cause(mut self, cause: wasm_bindgen::JsValue) -> Self {
        self.0.cause = Some(cause);
        self
    }
    /// This error with the secret key hidden wherever its message, code or
    /// request id repeat it. (The runtime's error behind a failed `fetch` is
    /// not kept when it holds the secret: `crate::js::transport`.)
    pub(crate) fn hiding_secret(mut self, keys: &crate::sign::Keys) -> Self {
        if let Some(m) = keys.hide_secret(&self.0.message) {
            self.0.message = m;
        }
        for field in [&mut self.0.code, &mut self.0.request_id] {
            if let Some(hidden) = field.as_deref().and_then(|v| keys.hide_secret(v)) {
                *field = Some(hidden);
            }
        }
        self
    }
    pub(crate) fn push_message(&mut self, more: &str) {
        self.0.message.push_str(more);
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind.as_str(), self.0.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
