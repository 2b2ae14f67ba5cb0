//! Typed IMAP values: what the [`Decoder`](crate::Decoder) produces and the encoder consumes.
//!
//! Every value owns its data through [`Bytes`](bytes::Bytes) slices of the buffer it was parsed from, so
//! values are cheap to clone and carry no lifetimes. Names follow the RFC grammar.

pub(crate) mod body;
mod core;
pub(crate) mod envelope;
mod fetch;
mod mailbox;
mod response;

pub use self::body::*;
pub use self::core::*;
pub use self::envelope::*;
pub use self::fetch::*;
pub use self::mailbox::*;
pub use self::response::*;
