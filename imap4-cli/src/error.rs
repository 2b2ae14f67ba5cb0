//! Errors a person can act on, in one line, and the exit codes (documented in
//! docs/cli.md): 0 done, 1 error, 2 usage, 3 nothing matched, 130 interrupted.

use std::fmt;
use std::io;
use std::process::ExitCode;

use imap4::proto::{Code, Rfc5530Code};
use imap4::{Abort, Error};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done.
    Ok,
    /// An error (connection, login, server refusal, bad file, ...).
    Error,
    /// The command line was wrong (clap's usage errors, a bad query, bad UIDs).
    Usage,
    /// The command ran but nothing matched (an empty search, UIDs that do not exist).
    NoMatch,
    /// Stopped by Ctrl-C or SIGTERM; what was done is reported, nothing half done.
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Error => 1,
            Exit::Usage => 2,
            Exit::NoMatch => 3,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

/// A failure, with the one line shown to the user and the exit status.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub exit: Exit,
    /// A new attempt may succeed (the connection was lost or could not be made).
    pub retry: bool,
}

pub type CliResult<T = Exit> = Result<T, CliError>;

impl CliError {
    pub fn new(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            exit: Exit::Error,
            retry: false,
        }
    }

    /// An error a later attempt may not have (the connection dropped or was refused).
    pub fn transient(message: impl Into<String>) -> CliError {
        CliError {
            retry: true,
            ..CliError::new(message)
        }
    }

    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            exit: Exit::Usage,
            retry: false,
        }
    }

    pub fn no_match(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            exit: Exit::NoMatch,
            retry: false,
        }
    }

    pub fn interrupted(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            exit: Exit::Interrupted,
            retry: false,
        }
    }

    /// Prints the error and turns it into the process exit status. A closed stdout (the
    /// reader of a pipe went away: `imap4 search ... | head`) ends quietly.
    pub fn report(self) -> ExitCode {
        if self.exit != Exit::Ok {
            eprintln!("imap4: {}", self.message);
        }
        self.exit.into()
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> CliError {
        if e.kind() == io::ErrorKind::BrokenPipe {
            // Nobody reads our output any more: stop without a message.
            return CliError {
                message: String::new(),
                exit: Exit::Ok,
                retry: false,
            };
        }
        CliError::new(e.to_string())
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> CliError {
        CliError::from_lib(&e)
    }
}

impl CliError {
    pub fn from_lib(e: &Error) -> CliError {
        CliError {
            retry: is_connection_lost(e),
            ..CliError::new(describe(e))
        }
    }
}

/// Adds what was being done to an error: `cannot select "Archive": ...`.
pub trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> CliResult<T>;
}

impl<T> Context<T> for Result<T, Error> {
    fn context(self, what: impl FnOnce() -> String) -> CliResult<T> {
        self.map_err(|e| CliError {
            retry: is_connection_lost(&e),
            ..CliError::new(format!("{}: {}", what(), describe(&e)))
        })
    }
}

impl<T> Context<T> for Result<T, io::Error> {
    fn context(self, what: impl FnOnce() -> String) -> CliResult<T> {
        self.map_err(|e| {
            if e.kind() == io::ErrorKind::BrokenPipe {
                CliError::from(e)
            } else {
                CliError::new(format!("{}: {e}", what()))
            }
        })
    }
}

impl<T> Context<T> for CliResult<T> {
    fn context(self, what: impl FnOnce() -> String) -> CliResult<T> {
        self.map_err(|e| CliError {
            message: format!("{}: {}", what(), e.message),
            ..e
        })
    }
}

/// The name of a response code as the server sent it: `AUTHENTICATIONFAILED`, `TRYCREATE`.
pub fn code_name(code: &Code) -> String {
    match code {
        Code::Alert => "ALERT".into(),
        Code::TryCreate => "TRYCREATE".into(),
        Code::ReadOnly => "READ-ONLY".into(),
        Code::ReadWrite => "READ-WRITE".into(),
        Code::Parse => "PARSE".into(),
        Code::TooBig => "TOOBIG".into(),
        Code::Closed => "CLOSED".into(),
        Code::HasChildren => "HASCHILDREN".into(),
        Code::UidNotSticky => "UIDNOTSTICKY".into(),
        Code::NoModSeq => "NOMODSEQ".into(),
        Code::Rfc5530(c) => c.as_str().to_string(),
        Code::Other { name, .. } => String::from_utf8_lossy(name).into_owned(),
        other => {
            // The remaining codes carry data; their name is the first word of the Debug form.
            let d = format!("{other:?}");
            d.split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or("")
                .to_ascii_uppercase()
        }
    }
}

/// True when the server said the mailbox does not exist.
pub fn is_nonexistent(e: &Error) -> bool {
    matches!(
        e,
        Error::No {
            code: Some(Code::TryCreate | Code::Rfc5530(Rfc5530Code::NonExistent)),
            ..
        }
    )
}

/// One line for a library error, with the server's text and response code.
pub fn describe(e: &Error) -> String {
    match e {
        Error::No {
            command,
            text,
            code,
        }
        | Error::Bad {
            command,
            text,
            code,
        } => {
            let verdict = if matches!(e, Error::Bad { .. }) {
                "rejected"
            } else {
                "failed"
            };
            match code {
                Some(c) => format!("{command} {verdict}: [{}] {text}", code_name(c)),
                None => format!("{command} {verdict}: {text}"),
            }
        }
        Error::Abort(a) => describe_abort(a),
        other => other.to_string(),
    }
}

fn describe_abort(a: &Abort) -> String {
    match a {
        Abort::Io(io) => {
            if let Some(tls) = imap4::transport::io_tls_error(io) {
                return format!("TLS: {tls}");
            }
            match io.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                    "connection timed out".to_string()
                }
                io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof => {
                    "the server closed the connection".to_string()
                }
                _ => format!("I/O error: {io}"),
            }
        }
        Abort::Bye(text) => format!("the server ended the session: {text}"),
        Abort::Closed => "the server closed the connection".to_string(),
        Abort::Timeout { waiting_for, after } => {
            format!(
                "no answer from the server for {} s while waiting for {waiting_for}",
                after.as_secs()
            )
        }
        other => format!("connection lost: {other}"),
    }
}

/// True for errors after which the connection cannot be used and a new one may help.
pub fn is_connection_lost(e: &Error) -> bool {
    matches!(e, Error::Abort(_))
}
