//! The blocking client: a socket loop around [`imap4_proto::Connection`].

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use imap4_proto::encode::{self, Command, Criteria, FetchAttr};
use imap4_proto::{
    Capability, ConnEvent, ConnState, Connection, Data, Fetch, ListData, MailboxState, Status,
    StatusKind,
};

use crate::error::{Abort, Error, Result};

/// What a completed command brought back.
#[derive(Debug)]
pub struct Reply {
    /// Untagged data that answers the command, in order.
    pub data: Vec<Data>,
    /// The tagged completion.
    pub status: Status,
}

/// A blocking IMAP client over any `Read + Write` stream.
///
/// Untagged data the server sends on its own (new mail, expunges from other sessions, flag
/// changes) is kept and can be drained with [`Client::take_unsolicited`] (imaplib's
/// `response()`).
#[derive(Debug)]
pub struct Client<S: Read + Write = TcpStream> {
    conn: Connection,
    stream: S,
    unsolicited: VecDeque<Data>,
    secure: bool,
    allow_plaintext: bool,
    buf: Vec<u8>,
}

impl Client<TcpStream> {
    /// Connects over plain TCP (imaplib's `IMAP4(host, port)`) and reads the greeting.
    ///
    /// Sets TCP_NODELAY (each command is written in one go) and a 60 s read timeout.
    #[doc(alias = "IMAP4")]
    pub fn connect(addr: impl ToSocketAddrs) -> Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        stream.set_write_timeout(Some(Duration::from_secs(60)))?;
        Client::from_stream(stream, false)
    }
}

impl<S: Read + Write> Client<S> {
    /// Wraps a connected stream and reads the greeting. `secure` says whether the stream is
    /// encrypted (credentials are only sent over secure streams unless
    /// [`allow_plaintext_login`](Self::allow_plaintext_login) is set).
    pub fn from_stream(stream: S, secure: bool) -> Result<Self> {
        let mut c = Client {
            conn: Connection::new(),
            stream,
            unsolicited: VecDeque::new(),
            secure,
            allow_plaintext: false,
            buf: vec![0; 64 * 1024],
        };
        loop {
            match c.next_event()? {
                ConnEvent::Greeting(g) if g.kind == StatusKind::Bye => {
                    return Err(Abort::Bye(g.text_str().into_owned()).into())
                }
                ConnEvent::Greeting(_) => return Ok(c),
                _ => {}
            }
        }
    }

    /// Allows LOGIN and AUTHENTICATE over a connection without TLS (for loopback test
    /// servers). Off by default: a password must not travel in clear by accident.
    pub fn allow_plaintext_login(&mut self, yes: bool) {
        self.allow_plaintext = yes;
    }

    /// The sans-IO connection state (capabilities, selected mailbox, protocol state).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The server greeting (imaplib's `welcome`).
    #[doc(alias = "welcome")]
    pub fn greeting(&self) -> Option<&Status> {
        self.conn.greeting()
    }

    /// Unsolicited data received so far, oldest first (imaplib's `response()`).
    #[doc(alias = "response")]
    pub fn take_unsolicited(&mut self) -> Vec<Data> {
        self.unsolicited.drain(..).collect()
    }

    fn flush(&mut self) -> Result<()> {
        if let Some(b) = self.conn.take_transmit() {
            self.stream.write_all(&b)?;
            self.stream.flush()?;
        }
        Ok(())
    }

    fn next_event(&mut self) -> Result<ConnEvent> {
        loop {
            self.flush()?;
            if let Some(e) = self.conn.poll_event()? {
                return Ok(e);
            }
            // Handling input can release bytes (a literal after `+`): send them first.
            self.flush()?;
            let n = self.stream.read(&mut self.buf)?;
            if n == 0 {
                return Err(Abort::Closed.into());
            }
            self.conn.feed(&self.buf[..n]);
        }
    }

    /// Sends any command and waits for its completion. NO and BAD become errors.
    #[doc(alias = "xatom")]
    pub fn run<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Reply> {
        let name = cmd.name();
        let tag = self.conn.send(cmd)?;
        let mut data = Vec::new();
        loop {
            match self.next_event()? {
                ConnEvent::Data {
                    tag: Some(t),
                    data: d,
                } if t == tag => data.push(d),
                ConnEvent::Data { data: d, .. } => self.unsolicited.push_back(d),
                ConnEvent::Done { tag: t, status, .. } if t == tag => {
                    return match status.kind {
                        StatusKind::Ok => Ok(Reply { data, status }),
                        StatusKind::No => Err(Error::No {
                            command: name,
                            text: status.text_str().into_owned(),
                            code: status.code,
                        }),
                        _ => Err(Error::Bad {
                            command: name,
                            text: status.text_str().into_owned(),
                            code: status.code,
                        }),
                    };
                }
                ConnEvent::Bye(s) if name != "LOGOUT" => {
                    return Err(Abort::Bye(s.text_str().into_owned()).into())
                }
                ConnEvent::ReadOnly(s) => return Err(Error::ReadOnly(s.text_str().into_owned())),
                ConnEvent::Malformed(m) if m.tag.as_ref() == Some(&tag) => {
                    return Err(Abort::Malformed {
                        command: name,
                        error: m.error,
                    }
                    .into())
                }
                _ => {}
            }
        }
    }

    /// `LOGIN` (refused over a connection without TLS unless allowed).
    pub fn login(&mut self, user: &str, password: &str) -> Result<()> {
        if !self.secure && !self.allow_plaintext {
            return Err(Error::PlaintextLogin);
        }
        self.run(&encode::Login::new(user, password))?;
        Ok(())
    }

    /// `CAPABILITY`: the server's capabilities (cached after the first call).
    pub fn capabilities(&mut self) -> Result<Vec<Capability>> {
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability)?;
        }
        Ok(self.conn.capabilities().to_vec())
    }

    /// `LIST reference pattern`.
    pub fn list(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListData>> {
        let r = self.run(
            &encode::List::new(reference, pattern).returning([encode::ListReturn::SpecialUse]),
        )?;
        Ok(r.data
            .into_iter()
            .filter_map(|d| match d {
                Data::List(l) => Some(l),
                _ => None,
            })
            .collect())
    }

    /// `SELECT mailbox`: its state (message count, UIDVALIDITY, flags, ...).
    pub fn select(&mut self, mailbox: &str) -> Result<MailboxState> {
        self.open(encode::Select::new(mailbox), mailbox)
    }

    /// `EXAMINE mailbox`: like [`select`](Self::select), read-only.
    pub fn examine(&mut self, mailbox: &str) -> Result<MailboxState> {
        self.open(encode::Select::examine(mailbox), mailbox)
    }

    fn open(&mut self, cmd: encode::Select, name: &str) -> Result<MailboxState> {
        self.run(&cmd)?;
        let mut m = self.conn.mailbox().cloned().unwrap_or_default();
        m.name = name.to_string();
        Ok(m)
    }

    /// `UID SEARCH`: the UIDs matching the criteria.
    pub fn uid_search(&mut self, criteria: Criteria) -> Result<Vec<u32>> {
        let r = self.run(&encode::Search::new(criteria).uid(true))?;
        Ok(r.data
            .into_iter()
            .flat_map(|d| match d {
                Data::Search { nums, .. } => nums,
                _ => Vec::new(),
            })
            .collect())
    }

    /// `UID FETCH uids (attrs)`: the messages' data, in server order. Flag updates for
    /// other messages that arrive meanwhile are not among them.
    pub fn uid_fetch(
        &mut self,
        uids: &imap4_proto::SequenceSet,
        attrs: impl IntoIterator<Item = FetchAttr>,
    ) -> Result<Vec<Fetch>> {
        let r = self.run(&encode::Fetch::new(uids.clone(), attrs).uid(true))?;
        Ok(r.data
            .into_iter()
            .filter_map(|d| match d {
                Data::Fetch(f) => Some(f),
                _ => None,
            })
            .collect())
    }

    /// `LOGOUT`.
    pub fn logout(&mut self) -> Result<()> {
        if self.conn.state() == ConnState::Logout {
            return Ok(());
        }
        self.run(&encode::Logout)?;
        Ok(())
    }
}
