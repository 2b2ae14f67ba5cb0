use std::fmt;

use bytes::Bytes;

/// Where a string of an [`Envelope`] sits in its buffer; `NIL` when absent.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Span {
    pub(crate) const NIL: Span = Span {
        start: u32::MAX,
        len: 0,
    };

    fn get(self, raw: &[u8]) -> Option<&[u8]> {
        if self.start == u32::MAX {
            return None;
        }
        let s = self.start as usize;
        raw.get(s..s + self.len as usize)
    }
}

/// A message envelope (RFC 3501 7.4.2 ENVELOPE, RFC 9051 7.5.2). Strings are raw header
/// values (RFC 2047 encoded words are not decoded here); `None` means NIL.
///
/// An envelope keeps all its strings in one shared buffer (usually a slice of the
/// response it came from), so parsing one costs one reference count, not one per address
/// field. Read it through the accessors; [`AddressRef::to_owned`] gives an owned
/// [`Address`].
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response};
/// let r = parse_response(b"* 1 FETCH (ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Hi\" ((\"Fred\" NIL \"fred\" \"ex.org\")) NIL NIL ((NIL NIL \"jo\" \"ex.com\")) NIL NIL NIL \"<1@ex.org>\"))\r\n").unwrap();
/// let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let env = f.envelope().unwrap();
/// assert_eq!(env.subject(), Some(&b"Hi"[..]));
/// assert_eq!(env.from().get(0).unwrap().name(), Some(&b"Fred"[..]));
/// assert_eq!(env.to().iter().map(|a| a.email().unwrap()).collect::<Vec<_>>(), ["jo@ex.com"]);
/// assert!(env.cc().is_empty());
/// ```
#[derive(Clone, Default)]
pub struct Envelope {
    pub(crate) raw: Bytes,
    /// date, subject, in-reply-to, message-id
    pub(crate) fields: [Span; 4],
    /// name, adl, mailbox, host of every address, list after list.
    pub(crate) addrs: Vec<[Span; 4]>,
    /// End (exclusive) in `addrs` of from, sender, reply-to, to, cc, bcc.
    pub(crate) ends: [u32; 6],
}

impl Envelope {
    /// Builds an envelope from owned values (for tests and for clients that synthesise one).
    ///
    /// ```
    /// use imap4_proto::{Address, Envelope};
    /// let jo = Address::new(Some("Jo"), "jo", "ex.org");
    /// let e = Envelope::new(None, Some(b"Hello"), [&[jo][..], &[], &[], &[], &[], &[]], None, None);
    /// assert_eq!(e.from().get(0).unwrap().email().as_deref(), Some("jo@ex.org"));
    /// ```
    pub fn new(
        date: Option<&[u8]>,
        subject: Option<&[u8]>,
        lists: [&[Address]; 6],
        in_reply_to: Option<&[u8]>,
        message_id: Option<&[u8]>,
    ) -> Envelope {
        let mut raw = Vec::new();
        let mut put = |s: Option<&[u8]>| match s {
            None => Span::NIL,
            Some(s) => {
                let sp = Span {
                    start: raw.len() as u32,
                    len: s.len() as u32,
                };
                raw.extend_from_slice(s);
                sp
            }
        };
        let d = put(date);
        let s = put(subject);
        let mut addrs = Vec::new();
        let mut ends = [0u32; 6];
        for (i, list) in lists.iter().enumerate() {
            for a in list.iter() {
                addrs.push([
                    put(a.name.as_deref()),
                    put(a.adl.as_deref()),
                    put(a.mailbox.as_deref()),
                    put(a.host.as_deref()),
                ]);
            }
            ends[i] = addrs.len() as u32;
        }
        let r = put(in_reply_to);
        let m = put(message_id);
        Envelope {
            raw: Bytes::from(raw),
            fields: [d, s, r, m],
            addrs,
            ends,
        }
    }

    /// `Date:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.date(), Some(&b"Tue, 4 Mar 2025 09:15:02 +0100"[..]));
    /// ```
    pub fn date(&self) -> Option<&[u8]> {
        self.fields[0].get(&self.raw)
    }
    /// `Subject:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.subject(), Some(&b"Quarterly report"[..]));
    /// ```
    pub fn subject(&self) -> Option<&[u8]> {
        self.fields[1].get(&self.raw)
    }
    /// `In-Reply-To:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.in_reply_to(), Some(&b"<a1b2@example.com>"[..]));
    /// ```
    pub fn in_reply_to(&self) -> Option<&[u8]> {
        self.fields[2].get(&self.raw)
    }
    /// `Message-ID:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.message_id(), Some(&b"<c3d4@example.com>"[..]));
    /// ```
    pub fn message_id(&self) -> Option<&[u8]> {
        self.fields[3].get(&self.raw)
    }
    /// The subject as text (lossy; encoded words are left as they are).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.subject_str().unwrap(), "Quarterly report");
    /// ```
    pub fn subject_str(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.subject().map(String::from_utf8_lossy)
    }

    fn list(&self, i: usize) -> AddressList<'_> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        AddressList {
            raw: &self.raw,
            spans: self.addrs.get(start..end).unwrap_or(&[]),
        }
    }
    /// `From:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// let from = env.from().get(0).unwrap();
    /// assert_eq!(from.name(), Some(&b"Alice Example"[..]));
    /// assert_eq!(from.email().unwrap(), "alice@example.com");
    /// ```
    pub fn from(&self) -> AddressList<'_> {
        self.list(0)
    }
    /// `Sender:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.sender().get(0).unwrap().email().unwrap(), "assistant@example.com");
    /// ```
    pub fn sender(&self) -> AddressList<'_> {
        self.list(1)
    }
    /// `Reply-To:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.reply_to().get(0).unwrap().email().unwrap(), "reports@example.com");
    /// ```
    pub fn reply_to(&self) -> AddressList<'_> {
        self.list(2)
    }
    /// `To:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// let to: Vec<String> = env.to().iter().filter_map(|a| a.email()).collect();
    /// assert_eq!(to, ["bob@example.org", "carol@example.net"]);
    /// ```
    pub fn to(&self) -> AddressList<'_> {
        self.list(3)
    }
    /// `Cc:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// // A group: its start marker, one member, its end marker.
    /// assert_eq!(env.cc().len(), 3);
    /// assert_eq!(env.cc().get(1).unwrap().email().unwrap(), "dave@example.org");
    /// ```
    pub fn cc(&self) -> AddressList<'_> {
        self.list(4)
    }
    /// `Bcc:`
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert!(env.bcc().is_empty());
    /// ```
    pub fn bcc(&self) -> AddressList<'_> {
        self.list(5)
    }

    /// A `Bytes` sharing this envelope's buffer for one of its strings (no copy), e.g.
    /// `env.share(env.subject().unwrap())`.
    ///
    /// # Panics
    /// If `part` is not a slice returned by this envelope's accessors.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// let subject: imap4_proto::Bytes = env.share(env.subject().unwrap());
    /// assert_eq!(subject, "Quarterly report");
    /// ```
    pub fn share(&self, part: &[u8]) -> Bytes {
        self.raw.slice_ref(part)
    }
}

impl PartialEq for Envelope {
    fn eq(&self, o: &Self) -> bool {
        let lists_eq = (0..6).all(|i| {
            let (a, b) = (self.list(i), o.list(i));
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x == y)
        });
        self.date() == o.date()
            && self.subject() == o.subject()
            && self.in_reply_to() == o.in_reply_to()
            && self.message_id() == o.message_id()
            && lists_eq
    }
}

struct Lossy<'a>(Option<&'a [u8]>);
impl fmt::Debug for Lossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(b) => write!(f, "{:?}", String::from_utf8_lossy(b)),
        }
    }
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("date", &Lossy(self.date()))
            .field("subject", &Lossy(self.subject()))
            .field("from", &self.from())
            .field("sender", &self.sender())
            .field("reply_to", &self.reply_to())
            .field("to", &self.to())
            .field("cc", &self.cc())
            .field("bcc", &self.bcc())
            .field("in_reply_to", &Lossy(self.in_reply_to()))
            .field("message_id", &Lossy(self.message_id()))
            .finish()
    }
}

/// The addresses of one envelope field (`From:`, `To:`, ...).
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
/// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
/// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
/// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
/// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
/// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let env = f.envelope().unwrap();
/// let to = env.to();
/// assert_eq!(to.len(), 2);
/// let names: Vec<_> = to.into_iter().map(|a| a.mailbox().unwrap()).collect();
/// assert_eq!(names, [&b"bob"[..], &b"carol"[..]]);
/// ```
#[derive(Clone, Copy)]
pub struct AddressList<'a> {
    raw: &'a Bytes,
    spans: &'a [[Span; 4]],
}

impl<'a> AddressList<'a> {
    /// Number of entries (group markers included).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.to().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    /// Whether the field was NIL or empty.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert!(env.bcc().is_empty());
    /// assert!(!env.from().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    /// The entry at `i`.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.to().get(1).unwrap().host(), Some(&b"example.net"[..]));
    /// assert!(env.to().get(2).is_none());
    /// ```
    pub fn get(&self, i: usize) -> Option<AddressRef<'a>> {
        self.spans.get(i).map(|s| AddressRef { raw: self.raw, s })
    }
    /// The entries in order.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// let hosts: Vec<&[u8]> = env.to().iter().filter_map(|a| a.host()).collect();
    /// assert_eq!(hosts, [&b"example.org"[..], &b"example.net"[..]]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = AddressRef<'a>> + 'a {
        let raw = self.raw;
        self.spans.iter().map(move |s| AddressRef { raw, s })
    }
    /// Owned copies of the entries.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// use imap4_proto::Address;
    /// let to: Vec<Address> = env.to().to_vec();
    /// assert_eq!(to[0], Address::new(Some("Bob"), "bob", "example.org"));
    /// ```
    pub fn to_vec(&self) -> Vec<Address> {
        self.iter().map(|a| a.to_owned()).collect()
    }
}

impl<'a> IntoIterator for AddressList<'a> {
    type Item = AddressRef<'a>;
    type IntoIter = Box<dyn ExactSizeIterator<Item = AddressRef<'a>> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl fmt::Debug for AddressList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One address of an envelope, borrowed from it. Group syntax (RFC 5322 groups) appears
/// as an entry with `host` NIL and `mailbox` the group name opening the group, and one with
/// all fields NIL closing it.
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
/// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
/// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
/// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
/// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
/// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let env = f.envelope().unwrap();
/// let bob = env.to().get(0).unwrap();
/// assert_eq!(bob.name(), Some(&b"Bob"[..]));
/// assert_eq!(bob.mailbox(), Some(&b"bob"[..]));
/// assert_eq!(bob.host(), Some(&b"example.org"[..]));
/// ```
#[derive(Clone, Copy)]
pub struct AddressRef<'a> {
    raw: &'a Bytes,
    s: &'a [Span; 4],
}

impl<'a> AddressRef<'a> {
    /// Display name.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.to().get(0).unwrap().name(), Some(&b"Bob"[..]));
    /// assert_eq!(env.to().get(1).unwrap().name(), None);
    /// ```
    pub fn name(&self) -> Option<&'a [u8]> {
        self.s[0].get(self.raw)
    }
    /// Source route (obsolete).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.to().get(0).unwrap().adl(), None);
    /// ```
    pub fn adl(&self) -> Option<&'a [u8]> {
        self.s[1].get(self.raw)
    }
    /// Local part (or group name).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.to().get(1).unwrap().mailbox(), Some(&b"carol"[..]));
    /// // A group start carries the group name.
    /// assert_eq!(env.cc().get(0).unwrap().mailbox(), Some(&b"team"[..]));
    /// ```
    pub fn mailbox(&self) -> Option<&'a [u8]> {
        self.s[2].get(self.raw)
    }
    /// Domain.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.to().get(1).unwrap().host(), Some(&b"example.net"[..]));
    /// ```
    pub fn host(&self) -> Option<&'a [u8]> {
        self.s[3].get(self.raw)
    }
    /// `mailbox@host`, when both are present.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.to().get(1).unwrap().email().unwrap(), "carol@example.net");
    /// assert_eq!(env.cc().get(0).unwrap().email(), None); // group start
    /// ```
    pub fn email(&self) -> Option<String> {
        email(self.mailbox(), self.host())
    }
    /// Whether this entry starts a group.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert!(env.cc().get(0).unwrap().is_group_start());
    /// assert!(!env.cc().get(1).unwrap().is_group_start());
    /// ```
    pub fn is_group_start(&self) -> bool {
        self.host().is_none() && self.mailbox().is_some()
    }
    /// Whether this entry ends a group.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert!(env.cc().get(2).unwrap().is_group_end());
    /// assert!(!env.cc().get(0).unwrap().is_group_end());
    /// ```
    pub fn is_group_end(&self) -> bool {
        self.host().is_none() && self.mailbox().is_none()
    }
    /// An owned copy (its strings share the envelope's buffer; no bytes are copied).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// let alice = env.from().get(0).unwrap().to_owned();
    /// assert_eq!(alice.mailbox.as_deref(), Some(&b"alice"[..]));
    /// assert_eq!(alice.email().unwrap(), "alice@example.com");
    /// ```
    pub fn to_owned(&self) -> Address {
        let b = |s: Option<&[u8]>| s.map(|s| self.raw.slice_ref(s));
        Address {
            name: b(self.name()),
            adl: b(self.adl()),
            mailbox: b(self.mailbox()),
            host: b(self.host()),
        }
    }
}

impl PartialEq for AddressRef<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.name() == o.name()
            && self.adl() == o.adl()
            && self.mailbox() == o.mailbox()
            && self.host() == o.host()
    }
}

impl fmt::Debug for AddressRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("name", &Lossy(self.name()))
            .field("adl", &Lossy(self.adl()))
            .field("mailbox", &Lossy(self.mailbox()))
            .field("host", &Lossy(self.host()))
            .finish()
    }
}

fn email(m: Option<&[u8]>, h: Option<&[u8]>) -> Option<String> {
    match (m, h) {
        (Some(m), Some(h)) => Some(format!(
            "{}@{}",
            String::from_utf8_lossy(m),
            String::from_utf8_lossy(h)
        )),
        _ => None,
    }
}

/// An owned envelope address (see [`AddressRef`] for the borrowed form).
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
/// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
/// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
/// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
/// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
/// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let env = f.envelope().unwrap();
/// use imap4_proto::Address;
/// let bob: Address = env.to().get(0).unwrap().to_owned();
/// assert_eq!(bob, Address::new(Some("Bob"), "bob", "example.org"));
/// assert_eq!(bob.host.as_deref(), Some(&b"example.org"[..]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Address {
    /// Display name.
    pub name: Option<Bytes>,
    /// Source route (obsolete).
    pub adl: Option<Bytes>,
    /// Local part (or group name).
    pub mailbox: Option<Bytes>,
    /// Domain.
    pub host: Option<Bytes>,
}

impl Address {
    /// An address from its parts.
    ///
    /// ```
    /// use imap4_proto::Address;
    /// let a = Address::new(Some("Jo"), "jo", "ex.org");
    /// assert_eq!(a.email().as_deref(), Some("jo@ex.org"));
    /// ```
    pub fn new(name: Option<&str>, mailbox: &str, host: &str) -> Address {
        let b = |s: &str| Some(Bytes::copy_from_slice(s.as_bytes()));
        Address {
            name: name.and_then(b),
            adl: None,
            mailbox: b(mailbox),
            host: b(host),
        }
    }
    /// `mailbox@host` as text, when both are present.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 3 FETCH (UID 118 ENVELOPE (\"Tue, 4 Mar 2025 09:15:02 +0100\" \
    /// #     \"Quarterly report\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) \
    /// #     ((NIL NIL \"assistant\" \"example.com\")) ((NIL NIL \"reports\" \"example.com\")) \
    /// #     ((\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"carol\" \"example.net\")) \
    /// #     ((NIL NIL \"team\" NIL)(NIL NIL \"dave\" \"example.org\")(NIL NIL NIL NIL)) NIL \
    /// #     \"<a1b2@example.com>\" \"<c3d4@example.com>\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// use imap4_proto::Address;
    /// assert_eq!(Address::new(None, "dave", "example.org").email().unwrap(), "dave@example.org");
    /// let group_end = env.cc().get(2).unwrap().to_owned();
    /// assert_eq!(group_end.email(), None);
    /// ```
    pub fn email(&self) -> Option<String> {
        email(self.mailbox.as_deref(), self.host.as_deref())
    }
}
