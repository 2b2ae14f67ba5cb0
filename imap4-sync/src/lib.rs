//! The sync engine of imap4: moving mail between IMAP servers and local stores.
//!
//! This crate is library code of its own, usable without the `imap4` command line. Today
//! it reads local mail stores ([`source`]: Maildir, mbox, `.eml` files) for uploading;
//! backup, restore and migrate build on it.
//!
//! ```
//! use imap4_sync::source::Source;
//!
//! let dir = std::env::temp_dir().join(format!("imap4-sync-doc-lib-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(dir.join("hello.eml"), "Subject: hi\n\nhello\n")?;
//! for m in Source::open(&dir)? {
//!     let m = m?;
//!     assert_eq!(m.bytes, b"Subject: hi\r\n\r\nhello\r\n");
//! }
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod backup;
pub mod maildir;
pub mod mbox;
pub mod migrate;
pub mod names;
pub mod restore;
pub mod source;
pub mod state;
pub mod verify;
