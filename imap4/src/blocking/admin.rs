//! Administration: access control lists (RFC 4314), quotas (RFC 9208 / 2087), metadata
//! (RFC 5464), mailbox annotations (ANNOTATEMORE, imaplib's `getannotation`), and ID
//! (RFC 2971). The blocking layer: each method runs the [`Session`](crate::Session)
//! command of the same name to completion.

use imap4_proto::encode;

use super::{Client, Stream};
use crate::error::Result;
use crate::session::{
    block_on, AclEntry, Annotation, ListRights, Metadata, MetadataEntry, Quota, QuotaRoot, Rights,
};

impl<S: Stream> Client<S> {
    // --- ACL (RFC 4314) -------------------------------------------------------------

    /// `GETACL mailbox`: who may do what on the mailbox (imaplib's `getacl`).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// for e in client.get_acl("INBOX")? {
    ///     println!("{}: {}", e.identifier, e.rights);
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "getacl")]
    pub fn get_acl(&mut self, mailbox: &str) -> Result<Vec<AclEntry>> {
        block_on(self.inner.get_acl(mailbox))
    }

    /// `SETACL mailbox identifier rights` (imaplib's `setacl`): sets `identifier`'s
    /// rights; a leading `+` adds to them, `-` removes from them.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.set_acl("Shared", "fred", "lrs")?;
    /// client.set_acl("Shared", "fred", "+w")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "setacl")]
    pub fn set_acl(&mut self, mailbox: &str, identifier: &str, rights: &str) -> Result<()> {
        block_on(self.inner.set_acl(mailbox, identifier, rights))
    }

    /// `DELETEACL mailbox identifier` (imaplib's `deleteacl`): removes `identifier` from
    /// the mailbox's access control list.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.delete_acl("Shared", "fred")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "deleteacl")]
    pub fn delete_acl(&mut self, mailbox: &str, identifier: &str) -> Result<()> {
        block_on(self.inner.delete_acl(mailbox, identifier))
    }

    /// `MYRIGHTS mailbox` (imaplib's `myrights`): what the logged-in user may do there.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// if client.my_rights("Shared")?.contains('i') {
    ///     println!("may append");
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "myrights")]
    pub fn my_rights(&mut self, mailbox: &str) -> Result<Rights> {
        block_on(self.inner.my_rights(mailbox))
    }

    /// `LISTRIGHTS mailbox identifier`: the rights that may be granted to `identifier`.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let lr = client.list_rights("Shared", "fred")?;
    /// println!("always {}, grantable {:?}", lr.required, lr.optional);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "listrights")]
    pub fn list_rights(&mut self, mailbox: &str, identifier: &str) -> Result<ListRights> {
        block_on(self.inner.list_rights(mailbox, identifier))
    }

    // --- QUOTA (RFC 9208, RFC 2087) ---------------------------------------------------

    /// `GETQUOTA root` (imaplib's `getquota`): a quota root's usage and limits.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let q = client.get_quota("")?;
    /// for r in &q.resources {
    ///     println!("{}: {} / {}", String::from_utf8_lossy(&r.name), r.usage, r.limit);
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "getquota")]
    pub fn get_quota(&mut self, root: &str) -> Result<Quota> {
        block_on(self.inner.get_quota(root))
    }

    /// `GETQUOTAROOT mailbox` (imaplib's `getquotaroot`): the quota roots a mailbox
    /// counts against, with their quotas.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let qr = client.get_quota_root("INBOX")?;
    /// for q in &qr.quotas {
    ///     if let Some(s) = q.resource("STORAGE") {
    ///         println!("{}: {} of {} KiB", q.root, s.usage, s.limit);
    ///     }
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "getquotaroot")]
    pub fn get_quota_root(&mut self, mailbox: &str) -> Result<QuotaRoot> {
        block_on(self.inner.get_quota_root(mailbox))
    }

    /// `SETQUOTA root (resource limit ...)` (imaplib's `setquota`): sets the limits of a
    /// quota root (usually only an administrator may); an empty list removes them.
    /// Returns the quota as the server reports it afterwards, if it does.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.set_quota("user/bob", [("STORAGE", 512 * 1024)])?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "setquota")]
    pub fn set_quota<'a>(
        &mut self,
        root: &str,
        limits: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Result<Option<Quota>> {
        block_on(self.inner.set_quota(root, limits))
    }

    // --- METADATA (RFC 5464) --------------------------------------------------------------

    /// `GETMETADATA mailbox (entries)`: the values of metadata entries of a mailbox, or of
    /// the server when `mailbox` is `""`. An entry without a value comes back with `None`
    /// (or not at all, depending on the server).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// for e in client.get_metadata("INBOX", &["/private/comment", "/shared/comment"])? {
    ///     println!("{} = {:?}", e.name, e.value_str());
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "getmetadata")]
    pub fn get_metadata(&mut self, mailbox: &str, entries: &[&str]) -> Result<Vec<MetadataEntry>> {
        block_on(self.inner.get_metadata(mailbox, entries))
    }

    /// `GETMETADATA` with options (`MAXSIZE`, `DEPTH`): the entries and the
    /// `LONGENTRIES` count.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{GetMetadata, MetadataDepth};
    /// let m = client.get_metadata_with(
    ///     GetMetadata::new("", ["/private"]).depth(MetadataDepth::Infinity).max_size(1024),
    /// )?;
    /// println!("{} entries, longest skipped: {:?}", m.entries.len(), m.long_entries);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn get_metadata_with(&mut self, cmd: encode::GetMetadata) -> Result<Metadata> {
        block_on(self.inner.get_metadata_with(cmd))
    }

    /// `SETMETADATA mailbox (entry value ...)`: sets metadata entries of a mailbox, or of
    /// the server when `mailbox` is `""`; a `None` value removes the entry.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.set_metadata("INBOX", [("/private/comment", Some("my inbox"))])?;
    /// client.set_metadata("INBOX", [("/private/comment", None::<&str>)])?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "setmetadata")]
    pub fn set_metadata<'a, V: AsRef<[u8]>>(
        &mut self,
        mailbox: &str,
        entries: impl IntoIterator<Item = (&'a str, Option<V>)>,
    ) -> Result<()> {
        block_on(self.inner.set_metadata(mailbox, entries))
    }

    // --- ANNOTATEMORE (Cyrus; imaplib's getannotation/setannotation) ----------------------

    /// `GETANNOTATION mailbox entries attributes` (imaplib's `getannotation`; the
    /// ANNOTATEMORE draft that Cyrus implements): mailbox annotations. `mailbox` and
    /// `entries` may hold `*` and `%` wildcards.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// for a in client.get_annotation("INBOX", &["/comment"], &["value.shared"])? {
    ///     println!("{} {}: {:?}", a.mailbox, a.entry, a.get("value.shared"));
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "getannotation")]
    pub fn get_annotation(
        &mut self,
        mailbox: &str,
        entries: &[&str],
        attributes: &[&str],
    ) -> Result<Vec<Annotation>> {
        block_on(self.inner.get_annotation(mailbox, entries, attributes))
    }

    /// `SETANNOTATION mailbox entry (attribute value ...)` (imaplib's `setannotation`):
    /// sets attributes of one annotation entry; a `None` value removes the attribute. For
    /// several entries at once, send an [`encode::SetAnnotation`] with
    /// [`run`](Self::run).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.set_annotation("INBOX", "/comment", [("value.shared", Some("team inbox"))])?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "setannotation")]
    pub fn set_annotation<'a, V: AsRef<[u8]>>(
        &mut self,
        mailbox: &str,
        entry: &str,
        attributes: impl IntoIterator<Item = (&'a str, Option<V>)>,
    ) -> Result<()> {
        block_on(self.inner.set_annotation(mailbox, entry, attributes))
    }

    // --- ID (RFC 2971) ----------------------------------------------------------------

    /// `ID (field value ...)`: tells the server who we are and returns what it says about
    /// itself (`name`, `version`, `vendor`, ...). No fields sends `ID NIL`; a server that
    /// answers `ID NIL` gives an empty list.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let server = client.id(&[("name", Some("my-tool")), ("version", Some("1.0"))])?;
    /// for (k, v) in server {
    ///     println!("{k}: {v:?}");
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn id(&mut self, fields: &[(&str, Option<&str>)]) -> Result<Vec<(String, Option<String>)>> {
        block_on(self.inner.id(fields))
    }
}
