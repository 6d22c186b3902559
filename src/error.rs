//! The one error type. Every failure, from a bad option to a gateway refusal,
//! becomes an [`Error`]; the wasm edge turns it into the JS `NcloudError`.

use std::fmt;

/// What went wrong, as the JS `NcloudError.kind` string names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    InvalidOptions,
    Auth,
    Permission,
    NotFound,
    Throttled,
    Service,
    Gateway,
    Network,
    Timeout,
    Aborted,
    BadResponse,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::InvalidOptions => "invalid_options",
            Kind::Auth => "auth",
            Kind::Permission => "permission",
            Kind::NotFound => "not_found",
            Kind::Throttled => "throttled",
            Kind::Service => "service",
            Kind::Gateway => "gateway",
            Kind::Network => "network",
            Kind::Timeout => "timeout",
            Kind::Aborted => "aborted",
            Kind::BadResponse => "bad_response",
        }
    }
}

/// A failure with everything a caller needs to decide what to do next, boxed
/// so that every `Result` stays one pointer wide (measured: 4.5 KB less wasm than
/// moving the whole struct through every `?`).
///
/// Messages never contain the secret key: no code path formats it.
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<Details>);

/// What an [`Error`] holds (its fields read through the box).
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    pub kind: Kind,
    pub message: String,
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// NCP's `errorCode` (gateway) or `returnCode` (service).
    pub code: Option<String>,
    pub request_id: Option<String>,
    /// How many requests were sent (0 when the options were refused).
    pub attempts: u32,
    /// True when the backend did not run the request, so sending it again is safe.
    pub retryable: bool,
    /// For `invalid_options`: the option at fault.
    pub option: Option<String>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error(Box::new(Details {
            kind,
            message: message.into(),
            status: None,
            code: None,
            request_id: None,
            attempts: 0,
            retryable: false,
            option: None,
        }))
    }

    /// An `invalid_options` error about one option.
    pub fn option(name: &str, message: impl Into<String>) -> Self {
        let mut e = Error::new(Kind::InvalidOptions, message);
        e.option = Some(name.to_string());
        e
    }

    /// The fields, out of the box (for the conversion to the JS `NcloudError`).
    pub fn into_details(self) -> Details {
        *self.0
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

impl std::ops::Deref for Error {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
