//! What a backup remembers between runs, per mailbox: UIDVALIDITY, the UID up to which
//! everything is saved, HIGHESTMODSEQ, and for each message its file, size, date,
//! Message-ID and flags (keywords included, also those a file name has no letter for).
//!
//! The state is a JSON file (`.imap4-state.json`) in the mailbox's directory, replaced by
//! write-fsync-rename. It is a summary, not the only record: every file's name carries
//! its UIDVALIDITY and UID, so a run killed after a file was renamed into place but
//! before the state was written finds the file again (see [`crate::backup`]).
//!
//! ```
//! use imap4_sync::state::{Entry, MailboxState};
//!
//! let dir = std::env::temp_dir().join(format!("imap4-state-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let mut s = MailboxState::new("INBOX");
//! s.uid_validity = Some(7);
//! s.messages.insert(1, Entry { file: "cur/7-1.imap4,S=10:2,S".into(), size: 10, ..Entry::default() });
//! s.save(&dir)?;
//! let back = MailboxState::load(&dir)?.unwrap();
//! assert_eq!(back.messages[&1].size, 10);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The state file's name inside a mailbox's directory.
pub const STATE_FILE: &str = ".imap4-state.json";

/// The version written; older files are read, newer ones refused.
pub const VERSION: u32 = 1;

/// One mailbox's saved state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailboxState {
    /// Format version.
    pub version: u32,
    /// The server's name of the mailbox (UTF-8).
    pub mailbox: String,
    /// The UIDVALIDITY the messages below belong to.
    pub uid_validity: Option<u32>,
    /// Every message with a smaller UID that the server had is saved (or failed and is
    /// listed in `failed`).
    pub uid_next: u32,
    /// The mailbox's HIGHESTMODSEQ when the flags below were read (CONDSTORE).
    pub highest_modseq: Option<u64>,
    /// The saved messages by UID.
    pub messages: BTreeMap<u32, Entry>,
    /// Files kept although their message is gone from the server (`--no-delete`), or left
    /// from an earlier UIDVALIDITY, relative to the mailbox's directory.
    #[serde(default)]
    pub kept: Vec<String>,
    /// For an mbox backup: the bytes of the file that the entries account for (anything
    /// after is the remains of an interrupted append, cut off by the next run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mbox_length: Option<u64>,
}

/// One saved message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The file, relative to the mailbox's directory (`cur/...`), or the byte range
    /// `mbox:OFFSET:LEN` of an mbox backup.
    pub file: String,
    /// The message's size on the server (RFC822.SIZE).
    pub size: u64,
    /// INTERNALDATE as Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<i64>,
    /// The Message-ID header's value, for re-matching after a UIDVALIDITY change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The flags and keywords as the server names them (`\Seen`, `$Junk`).
    #[serde(default)]
    pub flags: Vec<String>,
}

/// Why a state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The file is not a state this version can read.
    #[error("{path}: not a usable imap4 state file ({reason})")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

impl MailboxState {
    /// An empty state for `mailbox`.
    pub fn new(mailbox: &str) -> MailboxState {
        MailboxState {
            version: VERSION,
            mailbox: mailbox.to_string(),
            uid_validity: None,
            uid_next: 1,
            highest_modseq: None,
            messages: BTreeMap::new(),
            kept: Vec::new(),
            mbox_length: None,
        }
    }

    /// Reads `dir`'s state; `Ok(None)` when there is none yet.
    pub fn load(dir: &Path) -> Result<Option<MailboxState>, StateError> {
        MailboxState::load_file(&dir.join(STATE_FILE))
    }

    /// Reads the state file `path`; `Ok(None)` when there is none.
    pub fn load_file(path: &Path) -> Result<Option<MailboxState>, StateError> {
        let path = path.to_path_buf();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StateError::Io { path, source }),
        };
        let s: MailboxState = serde_json::from_slice(&bytes).map_err(|e| StateError::Invalid {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if s.version > VERSION {
            return Err(StateError::Invalid {
                path,
                reason: format!(
                    "version {} is newer than this program's {VERSION}",
                    s.version
                ),
            });
        }
        Ok(Some(s))
    }

    /// Replaces `dir`'s state (write, fsync, rename, fsync the directory).
    pub fn save(&self, dir: &Path) -> Result<(), StateError> {
        self.save_file(&dir.join(STATE_FILE))
    }

    /// Replaces the state file `path` (write, fsync, rename, fsync the directory).
    pub fn save_file(&self, path: &Path) -> Result<(), StateError> {
        let path = path.to_path_buf();
        let bytes = serde_json::to_vec(self).map_err(|e| StateError::Invalid {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        crate::maildir::write_atomic(&path, &bytes)
            .map_err(|source| StateError::Io { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_future_versions_are_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("imap4-state-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(MailboxState::load(&dir).unwrap().is_none());
        std::fs::write(dir.join(STATE_FILE), b"{\"version\": 1, \"mail").unwrap();
        let e = MailboxState::load(&dir).unwrap_err().to_string();
        assert!(e.contains(STATE_FILE) && e.contains("not a usable"), "{e}");
        let mut s = MailboxState::new("x");
        s.version = 99;
        std::fs::write(dir.join(STATE_FILE), serde_json::to_vec(&s).unwrap()).unwrap();
        let e = MailboxState::load(&dir).unwrap_err().to_string();
        assert!(e.contains("version 99"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
