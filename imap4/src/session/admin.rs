//! Administration: access control lists (RFC 4314), quotas (RFC 9208 / 2087), metadata
//! (RFC 5464), mailbox annotations (ANNOTATEMORE, imaplib's `getannotation`), and ID
//! (RFC 2971).

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use imap4_proto::encode;
use imap4_proto::{Code, Data, MetadataCode, MetadataEntries, QuotaResource};

use super::{Io, Session, Unsolicited};
use crate::error::Result;

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A set of access rights (RFC 4314 2.1), one letter each: `l` lookup, `r` read, `s` keep
/// seen, `w` write flags, `i` insert, `p` post, `k` create mailboxes, `x` delete mailbox,
/// `t` delete messages, `e` expunge, `a` administer; servers may add obsolete `c`, `d`
/// and their own letters.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// let r = client.my_rights("INBOX").await?;
/// if r.contains('i') && !r.contains('a') {
///     println!("may append but not administer ({r})");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Rights(String);

impl Rights {
    /// Rights from their letters (no check: servers may use letters of their own).
    ///
    /// ```
    /// use imap4::Rights;
    /// let r = Rights::new("lrswi");
    /// assert!(r.contains('w'));
    /// assert_eq!(r.to_string(), "lrswi");
    /// ```
    pub fn new(letters: impl Into<String>) -> Rights {
        Rights(letters.into())
    }

    /// The letters, as the server sent them.
    ///
    /// ```
    /// assert_eq!(imap4::Rights::new("lrs").as_str(), "lrs");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the right `letter` is included (exactly that letter: RFC 4314's obsolete
    /// `c` and `d` are not expanded).
    ///
    /// ```
    /// use imap4::Rights;
    /// let r = Rights::new("lrswipkxtea");
    /// assert!(r.contains('i') && r.contains('a'));
    /// assert!(!Rights::new("lr").contains('i')); // read-only
    /// assert!(!Rights::new("lrsc").contains('k')); // obsolete `c` is not `k`
    /// ```
    pub fn contains(&self, letter: char) -> bool {
        self.0.contains(letter)
    }

    /// Whether no right is included.
    ///
    /// ```
    /// use imap4::Rights;
    /// assert!(Rights::new("").is_empty());
    /// assert!(Rights::default().is_empty());
    /// assert!(!Rights::new("l").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The letters one by one.
    ///
    /// ```
    /// let letters: Vec<char> = imap4::Rights::new("lrs").iter().collect();
    /// assert_eq!(letters, ['l', 'r', 's']);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = char> + '_ {
        self.0.chars()
    }
}

impl fmt::Display for Rights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&[u8]> for Rights {
    fn from(b: &[u8]) -> Rights {
        Rights(lossy(b))
    }
}

/// One entry of a mailbox's access control list, as returned by [`Session::get_acl`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// let acl = client.get_acl("Shared").await?;
/// for e in &acl {
///     println!("{}: {}", e.identifier, e.rights);
/// }
/// if acl.iter().any(|e| e.identifier == "anyone" && e.rights.contains('r')) {
///     println!("everybody may read Shared");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    /// Who: a user name, `anyone`, a group (`$group`), or a negative right (`-fred`).
    pub identifier: String,
    /// What they may do.
    pub rights: Rights,
}

/// What `LISTRIGHTS` says may be granted to an identifier on a mailbox; see
/// [`Session::list_rights`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// let lr = client.list_rights("Shared", "fred").await?;
/// println!("fred always has {}", lr.required);
/// for group in &lr.optional {
///     println!("may be granted together: {group}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRights {
    /// Rights the identifier always has.
    pub required: Rights,
    /// Rights that may be granted, in groups that are granted or revoked together.
    pub optional: Vec<Rights>,
}

/// A quota root with its resources' usage and limits; see [`Session::get_quota`] and
/// [`Session::get_quota_root`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// let q = client.get_quota("User quota").await?;
/// for r in &q.resources {
///     let name = String::from_utf8_lossy(&r.name);
///     println!("{}: {name} {} of {}", q.root, r.usage, r.limit);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The quota root's name (`""` on many servers, `"User quota"` on Dovecot).
    pub root: String,
    /// Each limited resource: `STORAGE` (in KiB), `MESSAGE`, `MAILBOX`, ...
    pub resources: Vec<QuotaResource>,
}

impl Quota {
    /// The resource called `name` (case-insensitive), e.g. `"STORAGE"`.
    ///
    /// ```
    /// use imap4::proto::QuotaResource;
    /// use imap4::Quota;
    /// // What `* QUOTA "User quota" (STORAGE 10240 51200)` is turned into:
    /// let q = Quota {
    ///     root: "User quota".into(),
    ///     resources: vec![QuotaResource { name: "STORAGE".into(), usage: 10240, limit: 51200 }],
    /// };
    /// let s = q.resource("storage").unwrap();
    /// assert_eq!((s.usage, s.limit), (10240, 51200)); // KiB
    /// assert!(q.resource("MESSAGE").is_none()); // not limited
    /// ```
    pub fn resource(&self, name: &str) -> Option<&QuotaResource> {
        self.resources
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name.as_bytes()))
    }
}

/// The quota roots of a mailbox and their quotas; see [`Session::get_quota_root`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// let qr = client.get_quota_root("INBOX").await?;
/// if qr.roots.is_empty() {
///     println!("INBOX has no quota");
/// }
/// for q in &qr.quotas {
///     println!("{}: {} resources limited", q.root, q.resources.len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaRoot {
    /// The quota roots the mailbox belongs to (may be empty: no quota).
    pub roots: Vec<String>,
    /// The quotas of those roots, as the server reported them.
    pub quotas: Vec<Quota>,
}

/// One metadata entry and its value (`GETMETADATA`, see [`Session::get_metadata`]). A
/// `None` value means the entry does not exist.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// for e in client.get_metadata("INBOX", &["/private/comment"]).await? {
///     match &e.value {
///         Some(v) => println!("{} is {} bytes", e.name, v.len()),
///         None => println!("{} is not set", e.name),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataEntry {
    /// The entry name (`/private/comment`, `/shared/vendor/...`).
    pub name: String,
    /// The value (any bytes), `None` for NIL.
    pub value: Option<Bytes>,
}

impl MetadataEntry {
    /// The value as text (lossily decoded).
    ///
    /// ```
    /// use imap4::MetadataEntry;
    /// let e = MetadataEntry { name: "/private/comment".into(), value: Some("my inbox".into()) };
    /// assert_eq!(e.value_str().as_deref(), Some("my inbox"));
    /// let unset = MetadataEntry { name: "/shared/comment".into(), value: None };
    /// assert_eq!(unset.value_str(), None);
    /// ```
    pub fn value_str(&self) -> Option<Cow<'_, str>> {
        self.value.as_deref().map(String::from_utf8_lossy)
    }
}

/// The answer to [`Session::get_metadata_with`]: the entries, and how many were left out
/// because they are longer than `MAXSIZE`.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::proto::encode::GetMetadata;
/// let m = client.get_metadata_with(GetMetadata::new("", ["/shared/admin"]).max_size(1024)).await?;
/// for e in &m.entries {
///     println!("{} = {:?}", e.name, e.value_str());
/// }
/// if let Some(size) = m.long_entries {
///     println!("an entry of {size} bytes was left out: ask again with a larger MAXSIZE");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    /// The entries, in the order the server sent them.
    pub entries: Vec<MetadataEntry>,
    /// `[METADATA LONGENTRIES n]`: the size of the largest entry left out for `MAXSIZE`.
    pub long_entries: Option<u64>,
}

/// One mailbox annotation with its attributes (`GETANNOTATION`, ANNOTATEMORE draft); see
/// [`Session::get_annotation`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// for a in client.get_annotation("*", &["/comment"], &["value.shared"]).await? {
///     for (attribute, value) in &a.attributes {
///         println!("{} {} {attribute} = {value:?}", a.mailbox, a.entry);
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// The mailbox (decoded name).
    pub mailbox: String,
    /// The entry (`/comment`, `/vendor/cmu/cyrus-imapd/size`, ...).
    pub entry: String,
    /// (attribute, value) pairs such as `("value.shared", Some("..."))`; NIL is `None`.
    pub attributes: Vec<(String, Option<Bytes>)>,
}

impl Annotation {
    /// The value of `attribute` (e.g. `"value.shared"`, case-insensitive), as text; `None`
    /// when the attribute is missing or NIL.
    ///
    /// ```
    /// use imap4::Annotation;
    /// // From `* ANNOTATION INBOX "/comment" ("value.shared" "Team inbox" "size.shared" "10")`:
    /// let a = Annotation {
    ///     mailbox: "INBOX".into(),
    ///     entry: "/comment".into(),
    ///     attributes: vec![
    ///         ("value.shared".into(), Some("Team inbox".into())),
    ///         ("size.shared".into(), Some("10".into())),
    ///     ],
    /// };
    /// assert_eq!(a.get("Value.Shared").as_deref(), Some("Team inbox"));
    /// assert_eq!(a.get("value.priv"), None);
    /// ```
    pub fn get(&self, attribute: &str) -> Option<Cow<'_, str>> {
        self.attributes
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(attribute))
            .and_then(|(_, v)| v.as_deref())
            .map(String::from_utf8_lossy)
    }
}

fn quota(root: &[u8], resources: Vec<QuotaResource>) -> Quota {
    Quota {
        root: lossy(root),
        resources,
    }
}

impl<T: Io> Session<T> {
    /// Data in a reply that the command did not ask for goes to the unsolicited queue.
    fn keep_unsolicited(&mut self, d: Data) {
        self.unsolicited.push_back(Unsolicited::Data(d));
    }

    // --- ACL (RFC 4314) -------------------------------------------------------------

    /// `GETACL mailbox`: who may do what on the mailbox (imaplib's `getacl`).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// for e in client.get_acl("INBOX").await? {
    ///     println!("{}: {}", e.identifier, e.rights);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getacl")]
    pub async fn get_acl(&mut self, mailbox: &str) -> Result<Vec<AclEntry>> {
        self.require("GETACL", "ACL").await?;
        let reply = self.run(&encode::GetAcl::new(mailbox)).await?;
        let mut out = Vec::new();
        for d in reply.data {
            match d {
                Data::Acl { entries, .. } => {
                    out.extend(entries.into_iter().map(|(id, r)| AclEntry {
                        identifier: lossy(&id),
                        rights: Rights::from(&r[..]),
                    }))
                }
                other => self.keep_unsolicited(other),
            }
        }
        Ok(out)
    }

    /// `SETACL mailbox identifier rights` (imaplib's `setacl`): sets `identifier`'s
    /// rights; a leading `+` adds to them, `-` removes from them.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.set_acl("Shared", "fred", "lrs").await?;
    /// client.set_acl("Shared", "fred", "+w").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "setacl")]
    pub async fn set_acl(&mut self, mailbox: &str, identifier: &str, rights: &str) -> Result<()> {
        self.require("SETACL", "ACL").await?;
        self.run(&encode::SetAcl::new(mailbox, identifier, rights))
            .await?;
        Ok(())
    }

    /// `DELETEACL mailbox identifier` (imaplib's `deleteacl`): removes `identifier` from
    /// the mailbox's access control list.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.delete_acl("Shared", "fred").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "deleteacl")]
    pub async fn delete_acl(&mut self, mailbox: &str, identifier: &str) -> Result<()> {
        self.require("DELETEACL", "ACL").await?;
        self.run(&encode::DeleteAcl::new(mailbox, identifier))
            .await?;
        Ok(())
    }

    /// `MYRIGHTS mailbox` (imaplib's `myrights`): what the logged-in user may do there.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// if client.my_rights("Shared").await?.contains('i') {
    ///     println!("may append");
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "myrights")]
    pub async fn my_rights(&mut self, mailbox: &str) -> Result<Rights> {
        self.require("MYRIGHTS", "ACL").await?;
        let reply = self.run(&encode::MyRights::new(mailbox)).await?;
        let mut out = None;
        for d in reply.data {
            match d {
                Data::MyRights { rights, .. } if out.is_none() => {
                    out = Some(Rights::from(&rights[..]))
                }
                other => self.keep_unsolicited(other),
            }
        }
        Ok(out.unwrap_or_default())
    }

    /// `LISTRIGHTS mailbox identifier`: the rights that may be granted to `identifier`.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let lr = client.list_rights("Shared", "fred").await?;
    /// println!("always {}, grantable {:?}", lr.required, lr.optional);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "listrights")]
    pub async fn list_rights(&mut self, mailbox: &str, identifier: &str) -> Result<ListRights> {
        self.require("LISTRIGHTS", "ACL").await?;
        let reply = self
            .run(&encode::ListRights::new(mailbox, identifier))
            .await?;
        let mut out = None;
        for d in reply.data {
            match d {
                Data::ListRights {
                    required, optional, ..
                } if out.is_none() => {
                    out = Some(ListRights {
                        required: Rights::from(&required[..]),
                        optional: optional.iter().map(|r| Rights::from(&r[..])).collect(),
                    })
                }
                other => self.keep_unsolicited(other),
            }
        }
        Ok(out.unwrap_or(ListRights {
            required: Rights::default(),
            optional: Vec::new(),
        }))
    }

    // --- QUOTA (RFC 9208, RFC 2087) ---------------------------------------------------

    /// `GETQUOTA root` (imaplib's `getquota`): a quota root's usage and limits.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let q = client.get_quota("").await?;
    /// for r in &q.resources {
    ///     println!("{}: {} / {}", String::from_utf8_lossy(&r.name), r.usage, r.limit);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getquota")]
    pub async fn get_quota(&mut self, root: &str) -> Result<Quota> {
        self.require("GETQUOTA", "QUOTA").await?;
        let reply = self.run(&encode::GetQuota::new(root)).await?;
        let mut out = None;
        for d in reply.data {
            match d {
                Data::Quota { root, resources } if out.is_none() => {
                    out = Some(quota(&root, resources))
                }
                other => self.keep_unsolicited(other),
            }
        }
        Ok(out.unwrap_or_else(|| quota(root.as_bytes(), Vec::new())))
    }

    /// `GETQUOTAROOT mailbox` (imaplib's `getquotaroot`): the quota roots a mailbox
    /// counts against, with their quotas.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let qr = client.get_quota_root("INBOX").await?;
    /// for q in &qr.quotas {
    ///     if let Some(s) = q.resource("STORAGE") {
    ///         println!("{}: {} of {} KiB", q.root, s.usage, s.limit);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getquotaroot")]
    pub async fn get_quota_root(&mut self, mailbox: &str) -> Result<QuotaRoot> {
        self.require("GETQUOTAROOT", "QUOTA").await?;
        let reply = self.run(&encode::GetQuotaRoot::new(mailbox)).await?;
        let mut out = QuotaRoot {
            roots: Vec::new(),
            quotas: Vec::new(),
        };
        for d in reply.data {
            match d {
                Data::QuotaRoot { roots, .. } => out.roots.extend(roots.iter().map(|r| lossy(r))),
                Data::Quota { root, resources } => out.quotas.push(quota(&root, resources)),
                other => self.keep_unsolicited(other),
            }
        }
        Ok(out)
    }

    /// `SETQUOTA root (resource limit ...)` (imaplib's `setquota`): sets the limits of a
    /// quota root (usually only an administrator may); an empty list removes them.
    /// Returns the quota as the server reports it afterwards, if it does.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.set_quota("user/bob", [("STORAGE", 512 * 1024)]).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "setquota")]
    pub async fn set_quota<'a>(
        &mut self,
        root: &str,
        limits: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Result<Option<Quota>> {
        self.require("SETQUOTA", "QUOTA").await?;
        let reply = self.run(&encode::SetQuota::new(root, limits)).await?;
        let mut out = None;
        for d in reply.data {
            match d {
                Data::Quota { root, resources } if out.is_none() => {
                    out = Some(quota(&root, resources))
                }
                other => self.keep_unsolicited(other),
            }
        }
        Ok(out)
    }

    // --- METADATA (RFC 5464) --------------------------------------------------------------

    /// Checks METADATA (mailbox and server entries) or METADATA-SERVER (server entries
    /// only; a server announcing just that refuses mailbox entries itself).
    async fn require_metadata(&mut self, command: &'static str) -> Result<()> {
        if self.has_capability("METADATA").await? {
            return Ok(());
        }
        self.require(command, "METADATA-SERVER").await
    }

    /// `GETMETADATA mailbox (entries)`: the values of metadata entries of a mailbox, or of
    /// the server when `mailbox` is `""`. An entry without a value comes back with `None`
    /// (or not at all, depending on the server).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// for e in client.get_metadata("INBOX", &["/private/comment", "/shared/comment"]).await? {
    ///     println!("{} = {:?}", e.name, e.value_str());
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getmetadata")]
    pub async fn get_metadata(
        &mut self,
        mailbox: &str,
        entries: &[&str],
    ) -> Result<Vec<MetadataEntry>> {
        Ok(self
            .get_metadata_with(encode::GetMetadata::new(mailbox, entries.iter().copied()))
            .await?
            .entries)
    }

    /// `GETMETADATA` with options (`MAXSIZE`, `DEPTH`): the entries and the
    /// `LONGENTRIES` count.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{GetMetadata, MetadataDepth};
    /// let m = client.get_metadata_with(
    ///     GetMetadata::new("", ["/private"]).depth(MetadataDepth::Infinity).max_size(1024),
    /// ).await?;
    /// println!("{} entries, longest skipped: {:?}", m.entries.len(), m.long_entries);
    /// # Ok(()) }
    /// ```
    pub async fn get_metadata_with(&mut self, cmd: encode::GetMetadata) -> Result<Metadata> {
        self.require_metadata("GETMETADATA").await?;
        let reply = self.run(&cmd).await?;
        let mut out = Metadata::default();
        for d in reply.data {
            match d {
                Data::Metadata {
                    entries: MetadataEntries::Values(values),
                    ..
                } => out
                    .entries
                    .extend(values.into_iter().map(|(name, value)| MetadataEntry {
                        name: lossy(&name),
                        value,
                    })),
                other => self.keep_unsolicited(other),
            }
        }
        if let Some(Code::Metadata(MetadataCode::LongEntries(n))) = reply.status.code {
            out.long_entries = Some(n);
        }
        Ok(out)
    }

    /// `SETMETADATA mailbox (entry value ...)`: sets metadata entries of a mailbox, or of
    /// the server when `mailbox` is `""`; a `None` value removes the entry.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.set_metadata("INBOX", [("/private/comment", Some("my inbox"))]).await?;
    /// client.set_metadata("INBOX", [("/private/comment", None::<&str>)]).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "setmetadata")]
    pub async fn set_metadata<'a, V: AsRef<[u8]>>(
        &mut self,
        mailbox: &str,
        entries: impl IntoIterator<Item = (&'a str, Option<V>)>,
    ) -> Result<()> {
        self.require_metadata("SETMETADATA").await?;
        self.run(&encode::SetMetadata::new(mailbox, entries))
            .await?;
        Ok(())
    }

    // --- ANNOTATEMORE (Cyrus; imaplib's getannotation/setannotation) ----------------------

    /// `GETANNOTATION mailbox entries attributes` (imaplib's `getannotation`; the
    /// ANNOTATEMORE draft that Cyrus implements): mailbox annotations. `mailbox` and
    /// `entries` may hold `*` and `%` wildcards.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// for a in client.get_annotation("INBOX", &["/comment"], &["value.shared"]).await? {
    ///     println!("{} {}: {:?}", a.mailbox, a.entry, a.get("value.shared"));
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getannotation")]
    pub async fn get_annotation(
        &mut self,
        mailbox: &str,
        entries: &[&str],
        attributes: &[&str],
    ) -> Result<Vec<Annotation>> {
        self.require("GETANNOTATION", "ANNOTATEMORE").await?;
        let cmd = encode::GetAnnotation::new(
            mailbox,
            entries.iter().copied(),
            attributes.iter().copied(),
        );
        let reply = self.run(&cmd).await?;
        let mut out = Vec::new();
        for d in reply.data {
            match d {
                Data::Annotation {
                    mailbox,
                    entry,
                    attributes,
                } => out.push(Annotation {
                    mailbox: mailbox.name(),
                    entry: lossy(&entry),
                    attributes: attributes
                        .into_iter()
                        .map(|(a, v)| (lossy(&a), v))
                        .collect(),
                }),
                other => self.keep_unsolicited(other),
            }
        }
        Ok(out)
    }

    /// `SETANNOTATION mailbox entry (attribute value ...)` (imaplib's `setannotation`):
    /// sets attributes of one annotation entry; a `None` value removes the attribute. For
    /// several entries at once, send an [`encode::SetAnnotation`] with
    /// [`run`](Self::run).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.set_annotation("INBOX", "/comment", [("value.shared", Some("team inbox"))]).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "setannotation")]
    pub async fn set_annotation<'a, V: AsRef<[u8]>>(
        &mut self,
        mailbox: &str,
        entry: &str,
        attributes: impl IntoIterator<Item = (&'a str, Option<V>)>,
    ) -> Result<()> {
        self.require("SETANNOTATION", "ANNOTATEMORE").await?;
        self.run(&encode::SetAnnotation::new(mailbox, entry, attributes))
            .await?;
        Ok(())
    }

    // --- ID (RFC 2971) ----------------------------------------------------------------

    /// `ID (field value ...)`: tells the server who we are and returns what it says about
    /// itself (`name`, `version`, `vendor`, ...). No fields sends `ID NIL`; a server that
    /// answers `ID NIL` gives an empty list.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let server = client.id(&[("name", Some("my-tool")), ("version", Some("1.0"))]).await?;
    /// for (k, v) in server {
    ///     println!("{k}: {v:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn id(
        &mut self,
        fields: &[(&str, Option<&str>)],
    ) -> Result<Vec<(String, Option<String>)>> {
        self.require("ID", "ID").await?;
        let cmd = fields
            .iter()
            .fold(encode::Id::new(), |c, (k, v)| c.field(k, *v));
        let reply = self.run(&cmd).await?;
        let mut out = None;
        for d in reply.data {
            match d {
                Data::Id(fields) if out.is_none() => {
                    out = Some(
                        fields
                            .into_iter()
                            .map(|(k, v)| (lossy(&k), v.map(|v| lossy(&v))))
                            .collect(),
                    )
                }
                other => self.keep_unsolicited(other),
            }
        }
        Ok(out.unwrap_or_default())
    }
}
