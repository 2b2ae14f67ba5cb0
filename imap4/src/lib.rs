//! # imap4
//!
//! The IMAP client for Rust. This crate will hold the blocking and tokio drivers; today it
//! re-exports the sans-IO core, [`imap4_proto`].
//!
//! ```
//! let limits = imap4::proto::Limits::default();
//! assert!(limits.max_line > 0);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use imap4_proto as proto;
