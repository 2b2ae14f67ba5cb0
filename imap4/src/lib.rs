//! # imap4
//!
//! The IMAP client for Rust, the successor of Python's `imaplib`. The protocol lives in the
//! sans-IO core [`imap4_proto`] (re-exported as [`proto`]); this crate puts sockets under it.
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
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod blocking;
mod engine;
mod error;
pub mod mime;
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
    Unsolicited,
};
