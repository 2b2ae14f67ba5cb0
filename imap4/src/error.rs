//! The error type, modelled on imaplib's `error` / `abort` / `readonly`.

use imap4_proto::{Code, ConnState, ProtocolError, SendError};

/// What can go wrong. Mirrors imaplib: [`Error::No`] and [`Error::Bad`] are imaplib's
/// `error` (the command failed, the connection is fine), [`Error::Abort`] is its `abort`
/// (the connection is unusable), [`Error::ReadOnly`] its `readonly`.
///
/// Every variant but `Abort` leaves the connection usable: the others are refusals made
/// before anything was sent ([`Error::Capability`], [`Error::State`],
/// [`Error::PlaintextLogin`], ...) or trouble with one reply or with the caller's writer
/// ([`Error::Unparsed`], [`Error::Output`]). The enum is `#[non_exhaustive]`, so a `match`
/// ends with a catch-all arm.
///
/// ```
/// use imap4::proto::Code;
/// use imap4::{Abort, Error};
///
/// // What to do after a failed command.
/// fn advice(e: &Error) -> &'static str {
///     match e {
///         Error::No { code: Some(Code::TryCreate), .. } => "create the mailbox, then retry",
///         Error::No { .. } | Error::Bad { .. } => "give up on this command", // `error`
///         Error::ReadOnly(_) => "stop changing this mailbox",                // `readonly`
///         Error::Abort(_) => "reconnect",                                     // `abort`
///         _ => "the connection is fine: see the message",
///     }
/// }
///
/// let e = Error::No {
///     command: "APPEND",
///     text: "Mailbox doesn't exist: Archive".into(),
///     code: Some(Code::TryCreate),
/// };
/// assert_eq!(advice(&e), "create the mailbox, then retry");
/// assert_eq!(e.to_string(), "APPEND failed: Mailbox doesn't exist: Archive");
/// assert_eq!(advice(&Abort::Closed.into()), "reconnect");
/// ```
///
/// Against a server, the response code tells the ordinary failures apart:
///
/// ```no_run
/// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
/// use imap4::proto::{Code, Rfc5530Code};
/// use imap4::Error;
/// match client.create("Archive") {
///     Ok(()) => {}
///     Err(Error::No { code: Some(Code::Rfc5530(Rfc5530Code::AlreadyExists)), .. }) => {}
///     Err(e) => return Err(e),
/// }
/// # Ok::<(), imap4::Error>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered NO: the command failed.
    #[error("{command} failed: {text}")]
    No {
        /// The command.
        command: &'static str,
        /// The server's text.
        text: String,
        /// The response code, if any.
        code: Option<Code>,
    },
    /// The server answered BAD: it did not accept the command.
    #[error("{command} rejected (BAD): {text}")]
    Bad {
        /// The command.
        command: &'static str,
        /// The server's text.
        text: String,
        /// The response code, if any.
        code: Option<Code>,
    },
    /// The connection is unusable: I/O error, BYE, protocol violation, or timeout.
    #[error("connection aborted: {0}")]
    Abort(#[from] Abort),
    /// The selected mailbox became read-only (another client changed its status).
    #[error("mailbox became read-only: {0}")]
    ReadOnly(String),
    /// The command is not valid now (wrong state), or could not be encoded.
    #[error(transparent)]
    Send(#[from] SendError),
    /// A SASL mechanism could not go on: the credentials cannot be used (SASLprep forbids a
    /// character, a NUL in a PLAIN password; nothing was sent), or the server's challenge
    /// made no sense to it (the exchange was cancelled; the connection is fine).
    #[error("SASL: {0}")]
    Sasl(#[from] imap4_proto::sasl::SaslError),
    /// Refused to send a password over a connection without TLS.
    #[error("refusing to send credentials in clear over a connection without TLS (see allow_plaintext_login)")]
    PlaintextLogin,
    /// The server lacks a capability the command needs (checked before sending, so the
    /// connection is fine).
    #[error("{command} needs the server capability {capability}, which it does not announce")]
    Capability {
        /// The command.
        command: &'static str,
        /// The capability it needs.
        capability: &'static str,
    },
    /// One response to the command could not be parsed; the connection is fine and the
    /// command's other responses are still delivered. The error carries the raw bytes.
    #[error("unreadable response to {command}: {error}")]
    Unparsed {
        /// The command.
        command: &'static str,
        /// The parse error (offending bytes and offset).
        error: Box<imap4_proto::ParseError>,
        /// The whole raw response.
        raw: bytes::Bytes,
    },
    /// Writing fetched data to the caller's writer failed (the connection is fine: the
    /// rest of the reply was read and discarded).
    #[error("writing the fetched data failed: {0}")]
    Output(#[source] std::io::Error),
    /// The transport cannot do what was asked (STARTTLS on a connection that is already
    /// TLS, or on a spawned command's pipe); nothing was sent, the connection is fine.
    #[error("{0}")]
    Unsupported(&'static str),
    /// A command needs a state the connection is not in.
    #[error("{command} needs state {needed:?}, connection is {state:?}")]
    State {
        /// The command.
        command: &'static str,
        /// What it needs.
        needed: ConnState,
        /// What it is.
        state: ConnState,
    },
}

/// Why the connection ended: the payload of [`Error::Abort`] (imaplib's `abort`). After
/// any of these the session refuses further commands with [`Abort::Unusable`]; the way on
/// is a new connection.
///
/// ```
/// use imap4::{Abort, Error};
///
/// let e: Error = Abort::Bye("Server shutting down.".into()).into();
/// match &e {
///     Error::Abort(Abort::Bye(text)) => assert_eq!(text, "Server shutting down."),
///     _ => unreachable!(),
/// }
/// assert_eq!(e.to_string(), "connection aborted: server said BYE: Server shutting down.");
///
/// // An I/O error is an abort too.
/// let reset = Error::from(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
/// assert!(matches!(reset, Error::Abort(Abort::Io(_))));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Abort {
    /// Reading or writing failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The server said BYE.
    #[error("server said BYE: {0}")]
    Bye(String),
    /// The server closed the connection.
    #[error("server closed the connection")]
    Closed,
    /// The server broke the protocol.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The server said nothing for longer than the time budget while `waiting_for` ran
    /// (the reply may have been cut in half, so the connection is unusable).
    #[error("timed out after {after:?} waiting for the reply to {waiting_for}")]
    Timeout {
        /// The command (or `"greeting"`, `"IDLE"`).
        waiting_for: &'static str,
        /// The budget that ran out.
        after: std::time::Duration,
    },
    /// The server accepted the login without proving it knows the password (SCRAM server
    /// signature missing or wrong): this is not the server you meant to talk to.
    #[error("server authentication failed: {0}")]
    ServerAuthentication(imap4_proto::sasl::SaslError),
    /// An earlier error already broke the connection; this is what it was.
    #[error("the connection is unusable since an earlier error: {0}")]
    Unusable(String),
    /// Reading the message being appended from the caller's source failed (or it ended
    /// before its announced length) after part of it was sent: the server is waiting in
    /// the middle of a literal, so the connection cannot go on.
    #[error("reading the message to append failed: {0}")]
    Source(std::io::Error),
    /// A command's reply could not be parsed.
    #[error("unreadable reply to {command}: {error}")]
    Malformed {
        /// The command.
        command: &'static str,
        /// The parse error (with the offending bytes).
        error: imap4_proto::ParseError,
    },
}

/// `Result` with [`Error`], the return type of every command. The error type is only a
/// default: `imap4::Result<T, MyError>` is a plain `std::result::Result<T, MyError>`.
///
/// ```
/// use imap4::proto::encode::StatusAttr;
///
/// /// How many messages in INBOX are unseen.
/// fn unseen(client: &mut imap4::blocking::Client) -> imap4::Result<u32> {
///     let st = client.status("INBOX", [StatusAttr::Unseen])?;
///     Ok(st.unseen.unwrap_or(0))
/// }
///
/// let r: imap4::Result<u32> = Err(imap4::Abort::Closed.into());
/// assert!(matches!(r, Err(imap4::Error::Abort(imap4::Abort::Closed))));
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Abort(Abort::Io(e))
    }
}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Self {
        Error::Abort(Abort::Protocol(e))
    }
}
