//! Checking a backup against the server: every message there is saved once, with its
//! size and flags, and nothing is saved that the server does not have.
//!
//! ```no_run
//! let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143))?;
//! client.login("alice", "alicepw")?;
//! let v = imap4_sync::verify::verify_mailbox(&mut client, "INBOX", "backup/INBOX".as_ref())?;
//! assert!(v.is_ok(), "{v:?}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use imap4::blocking::{Client, Stream};
use imap4::proto::encode::FetchAttr;
use imap4::proto::SequenceSet;
use serde::Serialize;

use crate::backup::Error;
use crate::state::{MailboxState, StateError};

/// What [`verify_mailbox`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// The mailbox.
    pub mailbox: String,
    /// Messages on the server.
    pub server_messages: u64,
    /// Messages in the backup (current UIDVALIDITY).
    pub local_messages: u64,
    /// Bytes on the server (sum of RFC822.SIZE).
    pub server_bytes: u64,
    /// Bytes of the saved files.
    pub local_bytes: u64,
    /// UIDs on the server with no file.
    pub missing: Vec<u32>,
    /// UIDs saved that the server no longer has (expunged since the last run).
    pub extra: Vec<u32>,
    /// UIDs whose file's size differs from the server's size.
    pub size_mismatch: Vec<u32>,
    /// UIDs whose saved flags differ from the server's (changed since the last run).
    pub flags_differ: Vec<u32>,
    /// The backup was made under another UIDVALIDITY (or there is none).
    pub uid_validity_differs: bool,
}

impl Verified {
    /// Whether the backup holds exactly the server's messages, byte counts included
    /// (flag differences alone do not count: they are news, not damage).
    pub fn is_ok(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.size_mismatch.is_empty()
            && !self.uid_validity_differs
    }
}

/// Compares the Maildir `dir` (made by [`crate::backup`]) with `mailbox` on the server:
/// `UID FETCH 1:* (UID RFC822.SIZE FLAGS)` against the state and the files on disk.
pub fn verify_mailbox<S: Stream>(
    client: &mut Client<S>,
    mailbox: &str,
    dir: &Path,
) -> Result<Verified, Error> {
    let state = match MailboxState::load(dir)? {
        Some(s) => s,
        None => {
            return Err(StateError::Invalid {
                path: dir.join(crate::state::STATE_FILE),
                reason: "no backup here (the state file is missing)".into(),
            }
            .into())
        }
    };
    let mbx = client.examine(mailbox)?;
    let mut v = Verified {
        mailbox: mailbox.to_string(),
        server_messages: u64::from(mbx.exists),
        uid_validity_differs: state.uid_validity != mbx.uid_validity,
        ..Verified::default()
    };
    let server = server_messages(client, mbx.exists)?;
    v.server_bytes = server.values().map(|s| s.0).sum();
    for (uid, e) in &state.messages {
        let on_disk = std::fs::metadata(dir.join(&e.file)).map(|m| m.len());
        match (&on_disk, server.get(uid)) {
            (Err(_), Some(_)) => v.missing.push(*uid),
            (Err(_), None) => {}
            (Ok(len), s) => {
                v.local_messages += 1;
                v.local_bytes += len;
                match s {
                    None => v.extra.push(*uid),
                    Some((size, flags)) => {
                        if size != len {
                            v.size_mismatch.push(*uid);
                        }
                        if flags != &e.flags {
                            v.flags_differ.push(*uid);
                        }
                    }
                }
            }
        }
    }
    for uid in server.keys() {
        if !state.messages.contains_key(uid) {
            v.missing.push(*uid);
        }
    }
    v.missing.sort_unstable();
    v.missing.dedup();
    Ok(v)
}

/// [`verify_mailbox`] for an mbox backup ([`crate::mbox`]): every UID on the server is
/// in the state, nothing more, and each message's bytes lie inside the file. (Sizes are
/// not compared: a message's mbox form differs from the server's bytes.)
pub fn verify_mbox<S: Stream>(
    client: &mut Client<S>,
    mailbox: &str,
    file: &Path,
) -> Result<Verified, Error> {
    let spath = crate::mbox::state_path(file);
    let Some(state) = MailboxState::load_file(&spath)? else {
        return Err(StateError::Invalid {
            path: spath,
            reason: "no backup here (the state file is missing)".into(),
        }
        .into());
    };
    let mbx = client.examine(mailbox)?;
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let mut v = Verified {
        mailbox: mailbox.to_string(),
        server_messages: u64::from(mbx.exists),
        uid_validity_differs: state.uid_validity != mbx.uid_validity,
        local_bytes: len,
        ..Verified::default()
    };
    let server = server_messages(client, mbx.exists)?;
    v.server_bytes = server.values().map(|s| s.0).sum();
    for (uid, e) in &state.messages {
        let inside = e
            .file
            .strip_prefix("mbox:")
            .and_then(|r| r.split_once(':'))
            .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
            .is_some_and(|(a, b)| a + b <= len);
        match server.get(uid) {
            Some((_, flags)) if inside => {
                v.local_messages += 1;
                if flags != &e.flags {
                    v.flags_differ.push(*uid);
                }
            }
            Some(_) => v.missing.push(*uid),
            None => {
                v.local_messages += 1;
                v.extra.push(*uid);
            }
        }
    }
    for uid in server.keys() {
        if !state.messages.contains_key(uid) {
            v.missing.push(*uid);
        }
    }
    v.missing.sort_unstable();
    v.missing.dedup();
    Ok(v)
}

/// The selected mailbox's messages: UID → (RFC822.SIZE, flags as the state keeps them).
fn server_messages<S: Stream>(
    client: &mut Client<S>,
    exists: u32,
) -> Result<BTreeMap<u32, (u64, Vec<String>)>, Error> {
    let mut server = BTreeMap::new();
    if exists == 0 {
        return Ok(server);
    }
    let all = SequenceSet::parse(b"1:*").expect("static set");
    for f in client.uid_fetch(
        &all,
        [FetchAttr::Uid, FetchAttr::Rfc822Size, FetchAttr::Flags],
    )? {
        let f = f?;
        if let Some(uid) = f.uid() {
            let flags = crate::backup::flag_strings(f.flags().unwrap_or(&[]));
            server.insert(uid, (f.size().unwrap_or(0), flags));
        }
    }
    Ok(server)
}
