//! NOTIFY (RFC 5465).

use super::raw::{write_raw_args, RawArg};
use super::{Command, CommandWriter, EncodeError, FetchAttr};

/// Which mailboxes a NOTIFY event group watches (RFC 5465 6).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions};
/// use imap4_proto::encode::{MailboxFilter, Notify, NotifyEvent, NotifyGroup};
/// use imap4_proto::Tag;
///
/// let watched = MailboxFilter::Mailboxes(vec!["INBOX".into(), "Lists/rust".into()]);
/// let cmd = Notify::set([NotifyGroup::new(watched, [NotifyEvent::MailboxName])]);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 NOTIFY SET (mailboxes (INBOX Lists/rust) (MailboxName))\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MailboxFilter {
    /// `selected`: the selected mailbox, events sent at once.
    Selected,
    /// `selected-delayed`: the selected mailbox, expunges delayed as with plain IMAP.
    SelectedDelayed,
    /// `inboxes`: mailboxes where new mail is delivered.
    Inboxes,
    /// `personal`: the personal namespace.
    Personal,
    /// `subscribed`: subscribed mailboxes.
    Subscribed,
    /// `subtree mailbox...`: these mailboxes and everything below them (at least one).
    Subtree(Vec<String>),
    /// `mailboxes mailbox...`: exactly these mailboxes (at least one).
    Mailboxes(Vec<String>),
}

impl MailboxFilter {
    fn is_selected(&self) -> bool {
        matches!(
            self,
            MailboxFilter::Selected | MailboxFilter::SelectedDelayed
        )
    }
}

/// A NOTIFY event (RFC 5465 5).
///
/// `MessageNew` and `MessageExpunge` must come together, and `FlagChange` needs both;
/// otherwise encoding fails.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions};
/// use imap4_proto::encode::{MailboxFilter, Notify, NotifyEvent, NotifyGroup};
/// use imap4_proto::Tag;
///
/// let events = [
///     NotifyEvent::MessageNew(vec![]),
///     NotifyEvent::MessageExpunge,
///     NotifyEvent::FlagChange,
/// ];
/// let cmd = Notify::set([NotifyGroup::new(MailboxFilter::Inboxes, events)]);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(
///     enc.to_bytes(),
///     "a1 NOTIFY SET (inboxes (MessageNew MessageExpunge FlagChange))\r\n"
/// );
/// let bad = Notify::set([NotifyGroup::new(MailboxFilter::Inboxes, [NotifyEvent::FlagChange])]);
/// assert!(bad.encode(Tag::from("a2"), EncodeOptions::default()).is_err());
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotifyEvent {
    /// `MessageNew [(fetch-att ...)]`: new messages, with the items to send for them
    /// (items only with a `selected` filter).
    MessageNew(Vec<FetchAttr>),
    /// `MessageExpunge`
    MessageExpunge,
    /// `FlagChange`
    FlagChange,
    /// `AnnotationChange`
    AnnotationChange,
    /// `MailboxName`: created, deleted, renamed mailboxes.
    MailboxName,
    /// `SubscriptionChange`
    SubscriptionChange,
    /// `MailboxMetadataChange`
    MailboxMetadataChange,
    /// `ServerMetadataChange`
    ServerMetadataChange,
    /// Another event, sent as an atom.
    Other(String),
}

/// One `(filter events)` group of NOTIFY SET; no events means `NONE`.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions};
/// use imap4_proto::encode::{MailboxFilter, Notify, NotifyEvent, NotifyGroup};
/// use imap4_proto::Tag;
///
/// let group = NotifyGroup::new(MailboxFilter::Subscribed, [NotifyEvent::SubscriptionChange]);
/// let enc = Notify::set([group]).encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 NOTIFY SET (subscribed (SubscriptionChange))\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyGroup {
    filter: MailboxFilter,
    events: Vec<NotifyEvent>,
}

impl NotifyGroup {
    /// Events for the mailboxes of `filter` (an empty list sends `NONE`: no events).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, MailboxFilter, Notify, NotifyGroup};
    /// use imap4_proto::Tag;
    ///
    /// let quiet = NotifyGroup::new(MailboxFilter::Personal, []);
    /// let enc = Notify::set([quiet]).encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 NOTIFY SET (personal NONE)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(
        filter: MailboxFilter,
        events: impl IntoIterator<Item = NotifyEvent>,
    ) -> NotifyGroup {
        NotifyGroup {
            filter,
            events: events.into_iter().collect(),
        }
    }

    fn write(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let invalid = |reason| EncodeError::Invalid {
            command: "NOTIFY",
            reason,
        };
        let has = |e: &NotifyEvent| {
            self.events
                .iter()
                .any(|x| std::mem::discriminant(x) == std::mem::discriminant(e))
        };
        let new = has(&NotifyEvent::MessageNew(Vec::new()));
        let expunge = has(&NotifyEvent::MessageExpunge);
        if new != expunge || (has(&NotifyEvent::FlagChange) && !new) {
            return Err(invalid(
                "MessageNew and MessageExpunge go together, and FlagChange needs both",
            ));
        }
        w.raw(b"(");
        match &self.filter {
            MailboxFilter::Selected => w.raw(b"selected"),
            MailboxFilter::SelectedDelayed => w.raw(b"selected-delayed"),
            MailboxFilter::Inboxes => w.raw(b"inboxes"),
            MailboxFilter::Personal => w.raw(b"personal"),
            MailboxFilter::Subscribed => w.raw(b"subscribed"),
            MailboxFilter::Subtree(m) | MailboxFilter::Mailboxes(m) => {
                w.raw(if matches!(self.filter, MailboxFilter::Subtree(_)) {
                    b"subtree "
                } else {
                    b"mailboxes "
                });
                match &m[..] {
                    [] => return Err(invalid("subtree/mailboxes filter needs a mailbox")),
                    [one] => w.mailbox(one)?,
                    many => w.list(many, |w, m| w.mailbox(m))?,
                }
            }
        }
        w.sp();
        if self.events.is_empty() {
            w.raw(b"NONE");
        } else {
            w.list(&self.events, |w, e| {
                match e {
                    NotifyEvent::MessageNew(items) => {
                        w.raw(b"MessageNew");
                        if !items.is_empty() {
                            if !self.filter.is_selected() {
                                return Err(invalid(
                                    "MessageNew fetch items are only allowed for selected mailboxes",
                                ));
                            }
                            w.sp();
                            w.list(items, |w, a| a.write("NOTIFY", w))?;
                        }
                    }
                    NotifyEvent::MessageExpunge => w.raw(b"MessageExpunge"),
                    NotifyEvent::FlagChange => w.raw(b"FlagChange"),
                    NotifyEvent::AnnotationChange => w.raw(b"AnnotationChange"),
                    NotifyEvent::MailboxName => w.raw(b"MailboxName"),
                    NotifyEvent::SubscriptionChange => w.raw(b"SubscriptionChange"),
                    NotifyEvent::MailboxMetadataChange => w.raw(b"MailboxMetadataChange"),
                    NotifyEvent::ServerMetadataChange => w.raw(b"ServerMetadataChange"),
                    NotifyEvent::Other(o) => w.atom("NOTIFY event", o.as_bytes())?,
                }
                Ok(())
            })?;
        }
        w.raw(b")");
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    None,
    Set {
        status: bool,
        groups: Vec<NotifyGroup>,
    },
    Raw(Vec<RawArg>),
}

/// `NOTIFY NONE` or `NOTIFY SET [STATUS] (filter events) ...` (RFC 5465), or a raw form.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, FetchAttr};
/// use imap4_proto::encode::{MailboxFilter, Notify, NotifyEvent, NotifyGroup};
/// use imap4_proto::Tag;
///
/// let opts = EncodeOptions::default();
/// assert_eq!(Notify::none().encode(Tag::from("a1"), opts)?.to_bytes(), "a1 NOTIFY NONE\r\n");
///
/// let cmd = Notify::set([
///     NotifyGroup::new(MailboxFilter::Selected, [
///         NotifyEvent::MessageNew(vec![FetchAttr::Uid, FetchAttr::Flags]),
///         NotifyEvent::MessageExpunge,
///     ]),
///     NotifyGroup::new(MailboxFilter::Subtree(vec!["Lists".into()]), [
///         NotifyEvent::MessageNew(vec![]),
///         NotifyEvent::MessageExpunge,
///     ]),
///     NotifyGroup::new(MailboxFilter::Personal, []),
/// ])
/// .status(true);
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), opts)?.to_bytes(),
///     "a2 NOTIFY SET STATUS (selected (MessageNew (UID FLAGS) MessageExpunge)) \
///      (subtree Lists (MessageNew MessageExpunge)) (personal NONE)\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notify {
    kind: Kind,
}

impl Notify {
    /// `NOTIFY NONE`: no notifications.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Notify};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Notify::none().encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 NOTIFY NONE\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn none() -> Notify {
        Notify { kind: Kind::None }
    }

    /// `NOTIFY SET groups` (at least one group).
    ///
    /// At most one group may use a `selected` filter.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions};
    /// use imap4_proto::encode::{MailboxFilter, Notify, NotifyEvent, NotifyGroup};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Notify::set([
    ///     NotifyGroup::new(MailboxFilter::SelectedDelayed, [
    ///         NotifyEvent::MessageNew(vec![]),
    ///         NotifyEvent::MessageExpunge,
    ///     ]),
    /// ]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(
    ///     enc.to_bytes(),
    ///     "a1 NOTIFY SET (selected-delayed (MessageNew MessageExpunge))\r\n"
    /// );
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn set(groups: impl IntoIterator<Item = NotifyGroup>) -> Notify {
        Notify {
            kind: Kind::Set {
                status: false,
                groups: groups.into_iter().collect(),
            },
        }
    }

    /// `STATUS`: send the current STATUS of the watched mailboxes now (SET only).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions};
    /// use imap4_proto::encode::{MailboxFilter, Notify, NotifyEvent, NotifyGroup};
    /// use imap4_proto::Tag;
    ///
    /// let group = NotifyGroup::new(MailboxFilter::Inboxes, [NotifyEvent::MailboxName]);
    /// let cmd = Notify::set([group]).status(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 NOTIFY SET STATUS (inboxes (MailboxName))\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn status(mut self, yes: bool) -> Notify {
        if let Kind::Set { status, .. } = &mut self.kind {
            *status = yes;
        }
        self
    }

    /// `NOTIFY` followed by raw arguments (for forms this type does not model).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Notify, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let groups = RawArg::raw("(personal (MessageNew MessageExpunge))");
    /// let cmd = Notify::raw([RawArg::atom("SET"), groups]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 NOTIFY SET (personal (MessageNew MessageExpunge))\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn raw(args: impl IntoIterator<Item = RawArg>) -> Notify {
        Notify {
            kind: Kind::Raw(args.into_iter().collect()),
        }
    }
}

impl Command for Notify {
    fn name(&self) -> &'static str {
        "NOTIFY"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        match &self.kind {
            Kind::None => w.raw(b" NONE"),
            Kind::Set { status, groups } => {
                if groups.is_empty() {
                    return Err(EncodeError::Invalid {
                        command: "NOTIFY",
                        reason: "SET needs at least one event group",
                    });
                }
                if groups.iter().filter(|g| g.filter.is_selected()).count() > 1 {
                    return Err(EncodeError::Invalid {
                        command: "NOTIFY",
                        reason: "only one selected/selected-delayed group is allowed",
                    });
                }
                w.raw(b" SET");
                if *status {
                    w.raw(b" STATUS");
                }
                for g in groups {
                    w.sp();
                    g.write(w)?;
                }
            }
            Kind::Raw(args) => write_raw_args(args, w)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn filters_and_events() {
        let cmd = Notify::set([
            NotifyGroup::new(
                MailboxFilter::SelectedDelayed,
                [
                    NotifyEvent::MessageNew(vec![]),
                    NotifyEvent::MessageExpunge,
                    NotifyEvent::FlagChange,
                ],
            ),
            NotifyGroup::new(
                MailboxFilter::Inboxes,
                [NotifyEvent::MessageNew(vec![]), NotifyEvent::MessageExpunge],
            ),
            NotifyGroup::new(
                MailboxFilter::Subscribed,
                [NotifyEvent::MailboxName, NotifyEvent::SubscriptionChange],
            ),
            NotifyGroup::new(
                MailboxFilter::Mailboxes(vec!["a b".into(), "Büro".into()]),
                [
                    NotifyEvent::MailboxMetadataChange,
                    NotifyEvent::AnnotationChange,
                ],
            ),
            NotifyGroup::new(
                MailboxFilter::Personal,
                [
                    NotifyEvent::ServerMetadataChange,
                    NotifyEvent::Other("X-Foo".into()),
                ],
            ),
        ]);
        assert_eq!(
            s(&cmd),
            "t NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange)) \
             (inboxes (MessageNew MessageExpunge)) (subscribed (MailboxName SubscriptionChange)) \
             (mailboxes (\"a b\" B&APw-ro) (MailboxMetadataChange AnnotationChange)) \
             (personal (ServerMetadataChange X-Foo))\r\n"
        );
    }

    #[test]
    fn errors() {
        let bad = [
            Notify::set([]),
            Notify::set([NotifyGroup::new(MailboxFilter::Subtree(vec![]), [])]),
            Notify::set([NotifyGroup::new(
                MailboxFilter::Inboxes,
                [NotifyEvent::MessageNew(vec![])],
            )]),
            Notify::set([NotifyGroup::new(
                MailboxFilter::Inboxes,
                [NotifyEvent::FlagChange],
            )]),
            Notify::set([NotifyGroup::new(
                MailboxFilter::Inboxes,
                [
                    NotifyEvent::MessageNew(vec![FetchAttr::Uid]),
                    NotifyEvent::MessageExpunge,
                ],
            )]),
            Notify::set([
                NotifyGroup::new(MailboxFilter::Selected, []),
                NotifyGroup::new(MailboxFilter::SelectedDelayed, []),
            ]),
        ];
        for b in bad {
            assert!(
                matches!(
                    err(&b),
                    EncodeError::Invalid {
                        command: "NOTIFY",
                        ..
                    }
                ),
                "{b:?}"
            );
        }
        assert!(matches!(
            err(&Notify::set([NotifyGroup::new(
                MailboxFilter::Personal,
                [NotifyEvent::Other("a\r\n".into())]
            )])),
            EncodeError::InvalidAtom { .. }
        ));
    }

    #[test]
    fn none_status_raw() {
        assert_eq!(s(&Notify::none().status(true)), "t NOTIFY NONE\r\n");
        assert_eq!(
            s(&Notify::set([NotifyGroup::new(MailboxFilter::Selected, [])]).status(true)),
            "t NOTIFY SET STATUS (selected NONE)\r\n"
        );
        assert_eq!(
            s(&Notify::raw([
                RawArg::atom("SET"),
                RawArg::raw("(selected (MessageNew MessageExpunge))")
            ])),
            "t NOTIFY SET (selected (MessageNew MessageExpunge))\r\n"
        );
    }
}
