//! Request signing: NCP API Gateway signature v2, in the `ncp-signature`
//! crate (crates/ncp-signature), which is compiled for speed.

pub use ncp_signature::{decimal, Signer};
