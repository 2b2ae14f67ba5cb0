//! One module per subcommand. Each has an `...Args` struct (clap derive, with examples in
//! its `--help`) and a `run` that does the work through the library and hands the
//! result to `output`.

pub mod append;
pub mod backup;
pub mod capabilities;
pub mod completions;
pub mod config;
pub mod cp;
pub mod flag;
pub mod ls;
pub mod man;
pub mod migrate;
pub mod mkdir;
pub mod mv;
pub mod parse;
pub mod rename;
pub mod restore;
pub mod rm;
pub mod rmdir;
pub mod save_attachments;
pub mod search;
pub mod shell;
pub mod show;
pub mod status;
pub mod subscribe;
pub mod verify;
pub mod watch;

use imap4::proto::encode::{List, ListReturn};
use imap4::proto::{ListData, MailboxAttr, MailboxState};

use crate::account::Conn;
use crate::error::{describe, is_nonexistent, CliError, CliResult};

/// Refuses mailbox names that no server accepts and that could smuggle a second command
/// (CR, LF, NUL and other control characters), before anything is sent.
pub fn check_mailbox(name: &str) -> CliResult<()> {
    if name.is_empty() {
        return Err(CliError::usage("empty mailbox name"));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(CliError::usage(format!(
            "mailbox name {name:?} contains the control character {:?}; IMAP mailbox names cannot",
            c
        )));
    }
    Ok(())
}

/// SELECT (or EXAMINE when `read_only`) with an error that names the mailbox.
pub fn open_mailbox(conn: &mut Conn, mailbox: &str, read_only: bool) -> CliResult<MailboxState> {
    check_mailbox(mailbox)?;
    let r = if read_only {
        conn.examine(mailbox)
    } else {
        conn.select(mailbox)
    };
    r.map_err(|e| mailbox_error(&e, mailbox))
}

/// An error about a mailbox, with "no such mailbox" said plainly.
pub fn mailbox_error(e: &imap4::Error, mailbox: &str) -> CliError {
    if is_nonexistent(e) {
        return CliError::new(format!("no mailbox \"{mailbox}\" ({})", describe(e)));
    }
    let mut err = CliError::from_lib(e);
    err.message = format!("\"{mailbox}\": {}", err.message);
    err
}

/// Every mailbox with its attributes; special-use attributes asked for explicitly where
/// the server has LIST-EXTENDED (some servers only show them then).
pub fn list_all(conn: &mut Conn) -> CliResult<Vec<ListData>> {
    let extended = conn.has_capability("SPECIAL-USE")? && conn.has_capability("LIST-EXTENDED")?;
    let r = if extended {
        conn.list_with(List::new("", "*").returning([ListReturn::SpecialUse]))
    } else {
        conn.list("", "*")
    };
    Ok(r?)
}

/// The special-use role of a mailbox (`sent`, `trash`, ...), lowercase.
pub fn role(l: &ListData) -> Option<&'static str> {
    let a = l.special_use()?;
    Some(match a {
        MailboxAttr::All => "all",
        MailboxAttr::Archive => "archive",
        MailboxAttr::Drafts => "drafts",
        MailboxAttr::Flagged => "flagged",
        MailboxAttr::Junk => "junk",
        MailboxAttr::Sent => "sent",
        MailboxAttr::Trash => "trash",
        MailboxAttr::Important => "important",
        _ => return None,
    })
}

/// The name of the mailbox with special-use `role`, if the server marks one.
pub fn find_role(conn: &mut Conn, want: &MailboxAttr) -> CliResult<Option<String>> {
    Ok(list_all(conn)?
        .into_iter()
        .find(|l| l.attributes.contains(want))
        .map(|l| l.mailbox.name()))
}
