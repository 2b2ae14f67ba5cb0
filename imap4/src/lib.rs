//! # imap4
//!
//! The IMAP client for Rust, the successor of Python's `imaplib`. The protocol lives in the
//! sans-IO core [`imap4_proto`] (re-exported as [`proto`]); this crate puts sockets under
//! it.
//!
//! Every command is written once, as `async fn`s on [`Session`], and runs in two drivers:
//!
//! - [`blocking::Client`]: plain method calls over a blocking [`blocking::Stream`] (TCP,
//!   TLS, STARTTLS, a spawned command via [`transport::Transport`]); no runtime.
//! - `tokio::Client` (feature `tokio`): the same methods with `.await`, over tokio streams;
//!   futures are `Send` and can be dropped mid-command without desynchronizing anything.
//!
//! ```no_run
//! use imap4::blocking::Client;
//! use imap4::proto::encode::Criteria;
//!
//! let mut client = Client::connect(("127.0.0.1", 10143))?;
//! client.allow_plaintext_login(true); // loopback test server without TLS
//! client.login("alice", "alicepw")?;
//! let inbox = client.select("INBOX")?;
//! println!("{} messages", inbox.exists);
//! let unseen = client.uid_search(Criteria::unseen())?;
//! println!("unseen UIDs: {unseen:?}");
//! client.logout()?;
//! # Ok::<(), imap4::Error>(())
//! ```
//!
//! Errors follow imaplib's model ([`Error::No`] / [`Error::Bad`]: the command failed;
//! [`Error::Abort`]: the connection is unusable; [`Error::ReadOnly`]). Coming from Python,
//! `docs/imaplib.md` in the repository maps every `imaplib` name; the methods also carry
//! the imaplib names as search aliases.
//!
//! # Tracing
//!
//! With a [`tracing`](https://docs.rs/tracing) subscriber installed before connecting:
//! target `imap4` at DEBUG logs each command's tag and name and each completion; target
//! `imap4::wire` at TRACE logs every line sent (`C:`) and received (`S:`), with the lines of
//! LOGIN and AUTHENTICATE replaced by their length and literal contents summarized by size.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod blocking;
mod engine;
mod error;
pub mod mime;
pub mod query;
pub mod session;
#[cfg(feature = "tokio")]
pub mod tokio;
mod trace;
pub mod transport;

pub use error::{Abort, Error, Result};
pub use imap4_proto as proto;
pub use session::{
    AclEntry, Annotation, AppendUid, AppendUids, Attachment, CopyUid, ESearchResult, Expunged,
    IdleEvent, Io, ListRights, MailboxStatus, MessageFlags, MessageText, Metadata, MetadataEntry,
    ModSeqUpdate, QResyncSelect, Quota, QuotaRoot, Reply, Rights, Session, StoreResult, Timeouts,
    Unsolicited, MAX_UNSOLICITED,
};
