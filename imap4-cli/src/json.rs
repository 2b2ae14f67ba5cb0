//! The mapping from `imap4-proto` types to JSON values.
//!
//! This module *is* the schema documented in `docs/parse-json.md`: every type the decoder
//! produces has one function here, and every field of every type appears in the output.
//! Keys are inserted in the documented order (serde_json's `preserve_order`).
//!
//! Two encodings are used for bytes:
//!
//! * **bytes** ([`Mapper::bytes`]): a JSON string when the bytes are valid UTF-8, otherwise
//!   `{"base64": "..."}`. Used for protocol strings (names, texts, addresses, parameters).
//! * **blob** ([`Mapper::blob`]): `{"len": N, "text": "..."}` or `{"len": N, "base64": "..."}`,
//!   cut to `--max-data` bytes with `"truncated": true`. Used for message data and for raw
//!   bytes of unknown or malformed responses, which can be large.

use imap4_proto::decode::{LiteralStart, Malformed, ParseErrorKind};
use imap4_proto::seq::SequenceSet;
use imap4_proto::{
    AddressList, AddressRef, BodyExtension, BodyPart, BodyStructure, Capability, Code, Continue,
    Data, DecodeError, Disposition, ESearch, ESearchItem, Envelope, Fetch, FetchItem, Flag,
    InternalDate, Languages, ListData, ListExtValue, Mailbox, MailboxAttr, MetadataCode,
    MetadataEntries, MultiPart, Namespace, Namespaces, Params, Response, Section, SectionData,
    SectionText, SinglePart, Status, StatusItem, Thread,
};
use serde_json::{json, Map, Value};

/// Converts decoder output to JSON values, with the output options that affect the mapping.
#[derive(Debug, Clone, Default)]
pub struct Mapper {
    /// Cut blob data (message bodies, raw bytes) to this many bytes; `None` keeps it whole.
    pub max_data: Option<usize>,
}

/// A JSON object with keys in insertion order.
type Obj = Map<String, Value>;

fn obj_with(offset: u64, kind: &str) -> Obj {
    let mut o = Obj::new();
    o.insert("offset".into(), offset.into());
    o.insert("type".into(), kind.into());
    o
}

fn opt<T: ?Sized, F: FnOnce(&T) -> Value>(v: Option<&T>, f: F) -> Value {
    v.map_or(Value::Null, f)
}

impl Mapper {
    // ----- bytes -----

    /// Bytes as a JSON string when they are valid UTF-8, else as `{"base64": "..."}`.
    pub fn bytes(&self, b: &[u8]) -> Value {
        match std::str::from_utf8(b) {
            Ok(s) => Value::String(s.to_owned()),
            Err(_) => json!({ "base64": base64(b) }),
        }
    }

    /// Optional bytes: `null` or [`Mapper::bytes`].
    pub fn opt_bytes<B: AsRef<[u8]>>(&self, b: Option<&B>) -> Value {
        opt(b, |b| self.bytes(b.as_ref()))
    }

    /// A list of byte strings.
    pub fn bytes_list<B: AsRef<[u8]>>(&self, v: &[B]) -> Value {
        Value::Array(v.iter().map(|b| self.bytes(b.as_ref())).collect())
    }

    /// Possibly large bytes: `{"len": N, "text"|"base64": ..., ["truncated": true]}`.
    ///
    /// With `max_data` set, only the first `max_data` bytes are shown (for text, a UTF-8
    /// character cut at the end is dropped, so the text may be a little shorter).
    pub fn blob(&self, b: &[u8]) -> Value {
        let (shown, truncated) = match self.max_data {
            Some(n) if b.len() > n => (&b[..n], true),
            _ => (b, false),
        };
        let mut o = Obj::new();
        o.insert("len".into(), (b.len() as u64).into());
        match std::str::from_utf8(shown) {
            Ok(s) => {
                o.insert("text".into(), s.into());
            }
            // Only the last character was cut in two by truncation: show the text before it.
            Err(e) if truncated && e.error_len().is_none() => {
                let s = std::str::from_utf8(&shown[..e.valid_up_to()]).unwrap_or_default();
                o.insert("text".into(), s.into());
            }
            Err(_) => {
                o.insert("base64".into(), base64(shown).into());
            }
        }
        if truncated {
            o.insert("truncated".into(), true.into());
        }
        Value::Object(o)
    }

    // ----- top level -----

    /// A parsed response that started at stream offset `offset`.
    pub fn response(&self, r: &Response, offset: u64) -> Value {
        match r {
            Response::Status(s) => self.status(s, offset),
            Response::Continue(c) => self.continuation(c, offset),
            Response::Data(d) => self.data(d, offset),
        }
    }

    fn status(&self, s: &Status, offset: u64) -> Value {
        let mut o = obj_with(offset, "status");
        o.insert(
            "tag".into(),
            opt(s.tag.as_ref(), |t| self.bytes(t.as_bytes())),
        );
        o.insert("status".into(), s.kind.as_str().into());
        o.insert("code".into(), opt(s.code.as_ref(), |c| self.code(c)));
        o.insert("text".into(), self.bytes(&s.text));
        Value::Object(o)
    }

    fn continuation(&self, c: &Continue, offset: u64) -> Value {
        let mut o = obj_with(offset, "continue");
        o.insert("code".into(), opt(c.code.as_ref(), |c| self.code(c)));
        o.insert("text".into(), self.bytes(&c.text));
        Value::Object(o)
    }

    /// A response that could not be parsed (`"type": "error"`, not fatal).
    pub fn malformed(&self, m: &Malformed, offset: u64) -> Value {
        let e = &m.error;
        let mut o = obj_with(offset, "error");
        o.insert("fatal".into(), false.into());
        o.insert("kind".into(), parse_error_kind(&e.kind).into());
        o.insert(
            "expected".into(),
            match &e.kind {
                ParseErrorKind::Expected(w) => (*w).into(),
                _ => Value::Null,
            },
        );
        o.insert("error".into(), e.to_string().into());
        o.insert(
            "tag".into(),
            opt(m.tag.as_ref(), |t| self.bytes(t.as_bytes())),
        );
        o.insert(
            "fetch_seq".into(),
            opt(m.fetch_seq.as_ref(), |n| (*n).into()),
        );
        o.insert("error_offset".into(), (e.offset as u64).into());
        o.insert("excerpt".into(), self.bytes(&e.excerpt));
        o.insert("excerpt_offset".into(), (e.excerpt_offset as u64).into());
        o.insert("raw".into(), self.blob(&m.raw));
        Value::Object(o)
    }

    /// A fatal framing error (`"type": "error"`, `"fatal": true`).
    pub fn decode_error(&self, e: &DecodeError) -> Value {
        let (kind, offset, limit, len) = match e {
            DecodeError::LineTooLong { limit, offset } => {
                ("line_too_long", *offset, *limit as u64, None)
            }
            DecodeError::LiteralTooLarge { len, limit, offset } => {
                ("literal_too_large", *offset, *limit, Some(*len))
            }
            DecodeError::ResponseTooLarge { limit, offset } => {
                ("response_too_large", *offset, *limit as u64, None)
            }
            // A kind added later: still an error object, with the message.
            _ => ("other", 0, 0, None),
        };
        let mut o = obj_with(offset, "error");
        o.insert("fatal".into(), true.into());
        o.insert("kind".into(), kind.into());
        o.insert("error".into(), e.to_string().into());
        o.insert("limit".into(), limit.into());
        o.insert("len".into(), opt(len.as_ref(), |n| (*n).into()));
        Value::Object(o)
    }

    /// The input ended inside a response (`"kind": "truncated"`).
    ///
    /// `raw` holds the bytes still buffered, which start at stream offset `raw_offset`;
    /// `needed` is how many more literal bytes the decoder was waiting for, if known.
    pub fn truncated(
        &self,
        offset: u64,
        raw: &[u8],
        raw_offset: u64,
        needed: Option<u64>,
    ) -> Value {
        let tag = if raw_offset == offset {
            raw_tag(raw)
        } else {
            None
        };
        let mut o = obj_with(offset, "error");
        o.insert("fatal".into(), false.into());
        o.insert("kind".into(), "truncated".into());
        o.insert("expected".into(), Value::Null);
        o.insert(
            "error".into(),
            match needed {
                Some(n) => format!(
                    "input ended inside a response (stream offset {offset}): {n} more literal bytes were expected"
                ),
                None => format!(
                    "input ended inside a response (stream offset {offset}): no line end"
                ),
            }
            .into(),
        );
        o.insert("tag".into(), opt(tag, |t| self.bytes(t)));
        o.insert("needed".into(), opt(needed.as_ref(), |n| (*n).into()));
        o.insert("raw_offset".into(), raw_offset.into());
        o.insert("raw".into(), self.blob(raw));
        Value::Object(o)
    }

    /// A streamed literal starts (`--stream-literals-from`). `offset` is the start of its
    /// response, `literal_offset` the position of the literal's first byte.
    pub fn literal_start(&self, s: &LiteralStart, offset: u64, literal_offset: u64) -> Value {
        let mut o = obj_with(offset, "literal_start");
        o.insert("literal_offset".into(), literal_offset.into());
        o.insert("len".into(), s.len.into());
        o.insert("first_line".into(), self.bytes(&s.first_line));
        o.insert("line".into(), self.bytes(&s.line));
        o.insert(
            "fetch".into(),
            match s.fetch_context() {
                Some((seq, uid, item)) => json!({
                    "seq": seq,
                    "uid": uid,
                    "item": self.bytes(&item),
                }),
                None => Value::Null,
            },
        );
        Value::Object(o)
    }

    /// A piece of a streamed literal: its position and length (the data is not shown).
    pub fn literal_chunk(&self, offset: u64, len: usize) -> Value {
        let mut o = obj_with(offset, "literal_chunk");
        o.insert("len".into(), (len as u64).into());
        Value::Object(o)
    }

    /// The end of a streamed literal; `offset` is the position just after its last byte.
    pub fn literal_end(&self, offset: u64) -> Value {
        Value::Object(obj_with(offset, "literal_end"))
    }

    // ----- response codes -----

    /// A response code: `{"name": "...", ...arguments}`.
    pub fn code(&self, c: &Code) -> Value {
        let mut o = Obj::new();
        let mut put = |k: &str, v: Value| {
            o.insert(k.into(), v);
        };
        match c {
            Code::Alert => put("name", "ALERT".into()),
            Code::Parse => put("name", "PARSE".into()),
            Code::ReadOnly => put("name", "READ-ONLY".into()),
            Code::ReadWrite => put("name", "READ-WRITE".into()),
            Code::TryCreate => put("name", "TRYCREATE".into()),
            Code::UidNotSticky => put("name", "UIDNOTSTICKY".into()),
            Code::NoModSeq => put("name", "NOMODSEQ".into()),
            Code::Closed => put("name", "CLOSED".into()),
            Code::HasChildren => put("name", "HASCHILDREN".into()),
            Code::CompressionActive => put("name", "COMPRESSIONACTIVE".into()),
            Code::TooBig => put("name", "TOOBIG".into()),
            Code::BadCharset(v) => {
                put("name", "BADCHARSET".into());
                put("charsets", self.bytes_list(v));
            }
            Code::Capability(v) => {
                put("name", "CAPABILITY".into());
                put("capabilities", self.capabilities(v));
            }
            Code::PermanentFlags(v) => {
                put("name", "PERMANENTFLAGS".into());
                put("flags", self.flags(v));
            }
            Code::UidNext(n) => {
                put("name", "UIDNEXT".into());
                put("value", (*n).into());
            }
            Code::UidValidity(n) => {
                put("name", "UIDVALIDITY".into());
                put("value", (*n).into());
            }
            Code::Unseen(n) => {
                put("name", "UNSEEN".into());
                put("value", (*n).into());
            }
            Code::HighestModSeq(n) => {
                put("name", "HIGHESTMODSEQ".into());
                put("value", (*n).into());
            }
            Code::AppendUid { uid_validity, uids } => {
                put("name", "APPENDUID".into());
                put("uid_validity", (*uid_validity).into());
                put("uids", seq_set(uids));
            }
            Code::CopyUid {
                uid_validity,
                source,
                dest,
            } => {
                put("name", "COPYUID".into());
                put("uid_validity", (*uid_validity).into());
                // As given, not normalized: the n-th source UID became the n-th dest UID.
                put("source", source.display_as_given().to_string().into());
                put("dest", dest.display_as_given().to_string().into());
            }
            Code::Modified(set) => {
                put("name", "MODIFIED".into());
                put("set", seq_set(set));
            }
            Code::MailboxId(id) => {
                put("name", "MAILBOXID".into());
                put("value", self.bytes(id));
            }
            Code::Referral(url) => {
                put("name", "REFERRAL".into());
                put("url", self.bytes(url));
            }
            Code::Metadata(m) => {
                put("name", "METADATA".into());
                let (item, value) = match m {
                    MetadataCode::LongEntries(n) => ("LONGENTRIES", Value::from(*n)),
                    MetadataCode::MaxSize(n) => ("MAXSIZE", Value::from(*n)),
                    MetadataCode::TooMany => ("TOOMANY", Value::Null),
                    MetadataCode::NoPrivate => ("NOPRIVATE", Value::Null),
                };
                put("item", item.into());
                put("value", value);
            }
            Code::Rfc5530(k) => put("name", k.as_str().into()),
            Code::Other { name, value } => {
                put("name", self.bytes(name));
                put("raw", self.opt_bytes(value.as_ref()));
            }
            other => {
                put("name", Value::Null);
                put("debug", format!("{other:?}").into());
            }
        }
        Value::Object(o)
    }

    // ----- untagged data -----

    fn data(&self, d: &Data, offset: u64) -> Value {
        let put_type = |kind: &str| obj_with(offset, kind);
        let o = match d {
            Data::Capability(v) => {
                let mut o = put_type("capability");
                o.insert("capabilities".into(), self.capabilities(v));
                o
            }
            Data::Enabled(v) => {
                let mut o = put_type("enabled");
                o.insert("capabilities".into(), self.capabilities(v));
                o
            }
            Data::List(l) => self.list(put_type("list"), l),
            Data::Lsub(l) => self.list(put_type("lsub"), l),
            Data::Status { mailbox, items } => {
                let mut o = put_type("mailbox_status");
                o.insert("mailbox".into(), self.mailbox(mailbox));
                o.insert(
                    "items".into(),
                    Value::Array(items.iter().map(|i| self.status_item(i)).collect()),
                );
                o
            }
            Data::Flags(v) => {
                let mut o = put_type("flags");
                o.insert("flags".into(), self.flags(v));
                o
            }
            Data::Exists(n) => {
                let mut o = put_type("exists");
                o.insert("count".into(), (*n).into());
                o
            }
            Data::Recent(n) => {
                let mut o = put_type("recent");
                o.insert("count".into(), (*n).into());
                o
            }
            Data::Expunge(n) => {
                let mut o = put_type("expunge");
                o.insert("seq".into(), (*n).into());
                o
            }
            Data::Search { nums, modseq } => {
                let mut o = put_type("search");
                o.insert("nums".into(), nums.clone().into());
                o.insert("modseq".into(), opt(modseq.as_ref(), |n| (*n).into()));
                o
            }
            Data::Sort { nums, modseq } => {
                let mut o = put_type("sort");
                o.insert("nums".into(), nums.clone().into());
                o.insert("modseq".into(), opt(modseq.as_ref(), |n| (*n).into()));
                o
            }
            Data::ESearch(e) => self.esearch(put_type("esearch"), e),
            Data::Thread(v) => {
                let mut o = put_type("thread");
                o.insert("threads".into(), threads(v));
                o
            }
            Data::Namespace(ns) => self.namespaces(put_type("namespace"), ns),
            Data::Id(params) => {
                let mut o = put_type("id");
                o.insert(
                    "params".into(),
                    Value::Array(
                        params
                            .iter()
                            .map(|(k, v)| self.name_value(k, v.as_ref()))
                            .collect(),
                    ),
                );
                o
            }
            Data::Quota { root, resources } => {
                let mut o = put_type("quota");
                o.insert("root".into(), self.bytes(root));
                o.insert(
                    "resources".into(),
                    Value::Array(
                        resources
                            .iter()
                            .map(|r| {
                                json!({
                                    "name": self.bytes(&r.name),
                                    "usage": r.usage,
                                    "limit": r.limit,
                                })
                            })
                            .collect(),
                    ),
                );
                o
            }
            Data::QuotaRoot { mailbox, roots } => {
                let mut o = put_type("quotaroot");
                o.insert("mailbox".into(), self.mailbox(mailbox));
                o.insert("roots".into(), self.bytes_list(roots));
                o
            }
            Data::Acl { mailbox, entries } => {
                let mut o = put_type("acl");
                o.insert("mailbox".into(), self.mailbox(mailbox));
                o.insert(
                    "entries".into(),
                    Value::Array(
                        entries
                            .iter()
                            .map(|(id, rights)| {
                                json!({
                                    "identifier": self.bytes(id),
                                    "rights": self.bytes(rights),
                                })
                            })
                            .collect(),
                    ),
                );
                o
            }
            Data::ListRights {
                mailbox,
                identifier,
                required,
                optional,
            } => {
                let mut o = put_type("listrights");
                o.insert("mailbox".into(), self.mailbox(mailbox));
                o.insert("identifier".into(), self.bytes(identifier));
                o.insert("required".into(), self.bytes(required));
                o.insert("optional".into(), self.bytes_list(optional));
                o
            }
            Data::MyRights { mailbox, rights } => {
                let mut o = put_type("myrights");
                o.insert("mailbox".into(), self.mailbox(mailbox));
                o.insert("rights".into(), self.bytes(rights));
                o
            }
            Data::Metadata { mailbox, entries } => {
                let mut o = put_type("metadata");
                o.insert("mailbox".into(), self.mailbox(mailbox));
                let (values, names) = match entries {
                    MetadataEntries::Values(v) => (
                        Value::Array(
                            v.iter()
                                .map(|(entry, value)| {
                                    json!({
                                        "entry": self.bytes(entry),
                                        "value": self.opt_bytes(value.as_ref()),
                                    })
                                })
                                .collect(),
                        ),
                        Value::Null,
                    ),
                    MetadataEntries::Names(v) => (Value::Null, self.bytes_list(v)),
                };
                o.insert("entries".into(), values);
                o.insert("changed".into(), names);
                o
            }
            Data::Annotation {
                mailbox,
                entry,
                attributes,
            } => {
                let mut o = put_type("annotation");
                o.insert("mailbox".into(), self.mailbox(mailbox));
                o.insert("entry".into(), self.bytes(entry));
                o.insert("attributes".into(), self.attr_values(attributes));
                o
            }
            Data::Vanished { earlier, uids } => {
                let mut o = put_type("vanished");
                o.insert("earlier".into(), (*earlier).into());
                o.insert("uids".into(), seq_set(uids));
                o
            }
            Data::Fetch(f) => self.fetch(put_type("fetch"), f),
            Data::Other { name, rest } => {
                let mut o = put_type("unknown");
                o.insert("name".into(), self.bytes(name));
                o.insert("rest".into(), self.blob(rest));
                o
            }
            other => {
                let mut o = put_type("unsupported");
                o.insert("debug".into(), format!("{other:?}").into());
                o
            }
        };
        Value::Object(o)
    }

    fn capabilities(&self, v: &[Capability]) -> Value {
        Value::Array(v.iter().map(|c| self.bytes(c.as_bytes())).collect())
    }

    /// A flag: its wire form (system flags in canonical spelling, keywords as sent).
    pub fn flag(&self, f: &Flag) -> Value {
        match f {
            Flag::Keyword(b) | Flag::Extension(b) => self.bytes(b),
            other => other.as_str().into_owned().into(),
        }
    }

    fn flags(&self, v: &[Flag]) -> Value {
        Value::Array(v.iter().map(|f| self.flag(f)).collect())
    }

    /// A mailbox: `{"raw": wire bytes, "name": decoded name}`.
    pub fn mailbox(&self, m: &Mailbox) -> Value {
        json!({ "raw": self.bytes(m.as_bytes()), "name": m.name() })
    }

    fn name_value(&self, name: &[u8], value: Option<&imap4_proto::Bytes>) -> Value {
        json!({ "name": self.bytes(name), "value": self.opt_bytes(value) })
    }

    fn attr_values(&self, v: &[(imap4_proto::Bytes, Option<imap4_proto::Bytes>)]) -> Value {
        Value::Array(
            v.iter()
                .map(|(k, val)| self.name_value(k, val.as_ref()))
                .collect(),
        )
    }

    fn delimiter(&self, d: Option<u8>) -> Value {
        opt(d.as_ref(), |d| self.bytes(&[*d]))
    }

    fn list(&self, mut o: Obj, l: &ListData) -> Obj {
        o.insert(
            "attributes".into(),
            Value::Array(l.attributes.iter().map(|a| self.mailbox_attr(a)).collect()),
        );
        o.insert("delimiter".into(), self.delimiter(l.delimiter));
        o.insert("mailbox".into(), self.mailbox(&l.mailbox));
        o.insert(
            "extended".into(),
            Value::Array(
                l.extended
                    .iter()
                    .map(|(tag, v)| json!({ "tag": self.bytes(tag), "value": self.list_ext(v) }))
                    .collect(),
            ),
        );
        o
    }

    fn mailbox_attr(&self, a: &MailboxAttr) -> Value {
        match a {
            MailboxAttr::Other(b) => self.bytes(b),
            known => known.as_str().into_owned().into(),
        }
    }

    fn list_ext(&self, v: &ListExtValue) -> Value {
        match v {
            ListExtValue::String(b) => self.bytes(b),
            ListExtValue::List(l) => Value::Array(l.iter().map(|v| self.list_ext(v)).collect()),
        }
    }

    fn status_item(&self, i: &StatusItem) -> Value {
        let (name, value) = match i {
            StatusItem::Messages(n) => ("MESSAGES".into(), Value::from(*n)),
            StatusItem::Recent(n) => ("RECENT".into(), Value::from(*n)),
            StatusItem::UidNext(n) => ("UIDNEXT".into(), Value::from(*n)),
            StatusItem::UidValidity(n) => ("UIDVALIDITY".into(), Value::from(*n)),
            StatusItem::Unseen(n) => ("UNSEEN".into(), Value::from(*n)),
            StatusItem::Deleted(n) => ("DELETED".into(), Value::from(*n)),
            StatusItem::Size(n) => ("SIZE".into(), Value::from(*n)),
            StatusItem::HighestModSeq(n) => ("HIGHESTMODSEQ".into(), Value::from(*n)),
            StatusItem::AppendLimit(n) => ("APPENDLIMIT".into(), opt(n.as_ref(), |n| (*n).into())),
            StatusItem::MailboxId(id) => ("MAILBOXID".into(), self.bytes(id)),
            StatusItem::Other(name, n) => (self.bytes(name), Value::from(*n)),
            other => (Value::Null, format!("{other:?}").into()),
        };
        json!({ "name": name, "value": value })
    }

    fn esearch(&self, mut o: Obj, e: &ESearch) -> Obj {
        o.insert("tag".into(), self.opt_bytes(e.tag.as_ref()));
        o.insert("uid".into(), e.uid.into());
        let items = e
            .items
            .iter()
            .map(|i| match i {
                ESearchItem::Min(n) => json!({ "name": "MIN", "value": n }),
                ESearchItem::Max(n) => json!({ "name": "MAX", "value": n }),
                ESearchItem::Count(n) => json!({ "name": "COUNT", "value": n }),
                ESearchItem::All(s) => json!({ "name": "ALL", "value": seq_set(s) }),
                ESearchItem::ModSeq(n) => json!({ "name": "MODSEQ", "value": n }),
                ESearchItem::Partial { range, set } => json!({
                    "name": "PARTIAL",
                    "range": self.bytes(range),
                    "value": opt(set.as_ref(), seq_set),
                }),
                ESearchItem::Other { name, value } => {
                    json!({ "name": self.bytes(name), "raw": self.bytes(value) })
                }
                other => json!({ "name": null, "debug": format!("{other:?}") }),
            })
            .collect();
        o.insert("items".into(), Value::Array(items));
        o
    }

    fn namespaces(&self, mut o: Obj, ns: &Namespaces) -> Obj {
        let list = |v: &[Namespace]| -> Value {
            Value::Array(
                v.iter()
                    .map(|n| {
                        json!({
                            "prefix": self.bytes(&n.prefix),
                            "delimiter": self.delimiter(n.delimiter),
                            "extensions": n.extensions.iter().map(|(name, values)| json!({
                                "name": self.bytes(name),
                                "values": self.bytes_list(values),
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect(),
            )
        };
        o.insert("personal".into(), list(&ns.personal));
        o.insert("other".into(), list(&ns.other));
        o.insert("shared".into(), list(&ns.shared));
        o
    }

    // ----- FETCH -----

    fn fetch(&self, mut o: Obj, f: &Fetch) -> Obj {
        o.insert("seq".into(), f.seq.into());
        o.insert(
            "items".into(),
            Value::Array(f.items.iter().map(|i| self.fetch_item(i)).collect()),
        );
        o
    }

    /// One FETCH item: `{"name": "...", ...}`.
    pub fn fetch_item(&self, i: &FetchItem) -> Value {
        let simple = |name: &str, value: Value| json!({ "name": name, "value": value });
        match i {
            FetchItem::Uid(n) => simple("UID", (*n).into()),
            FetchItem::Flags(v) => simple("FLAGS", self.flags(v)),
            FetchItem::Rfc822Size(n) => simple("RFC822.SIZE", (*n).into()),
            FetchItem::InternalDate(d) => date_item("INTERNALDATE", Some(d)),
            FetchItem::SaveDate(d) => date_item("SAVEDATE", d.as_ref()),
            FetchItem::Envelope(e) => simple("ENVELOPE", self.envelope(e)),
            FetchItem::BodyStructure(b) => simple("BODYSTRUCTURE", self.body_structure(b)),
            FetchItem::Body(b) => simple("BODY", self.body_structure(b)),
            FetchItem::BodySection {
                section,
                origin,
                data,
            } => json!({
                "name": format!("BODY[{section}]{}", origin_suffix(*origin)),
                "section": self.section(section),
                "origin": origin,
                "data": self.section_data(data),
            }),
            FetchItem::Binary { part, origin, data } => json!({
                "name": format!("BINARY[{}]{}", part_string(part), origin_suffix(*origin)),
                "part": part,
                "origin": origin,
                "data": self.section_data(data),
            }),
            FetchItem::BinarySize { part, size } => json!({
                "name": format!("BINARY.SIZE[{}]", part_string(part)),
                "part": part,
                "value": size,
            }),
            FetchItem::Rfc822(d) => json!({ "name": "RFC822", "data": self.section_data(d) }),
            FetchItem::Rfc822Header(d) => {
                json!({ "name": "RFC822.HEADER", "data": self.section_data(d) })
            }
            FetchItem::Rfc822Text(d) => {
                json!({ "name": "RFC822.TEXT", "data": self.section_data(d) })
            }
            FetchItem::ModSeq(n) => simple("MODSEQ", (*n).into()),
            FetchItem::EmailId(id) => simple("EMAILID", self.bytes(id)),
            FetchItem::ThreadId(id) => simple("THREADID", self.opt_bytes(id.as_ref())),
            FetchItem::Preview(p) => simple("PREVIEW", self.opt_bytes(p.as_ref())),
            FetchItem::Annotation(entries) => simple(
                "ANNOTATION",
                Value::Array(
                    entries
                        .iter()
                        .map(|(entry, attrs)| {
                            json!({
                                "entry": self.bytes(entry),
                                "attributes": self.attr_values(attrs),
                            })
                        })
                        .collect(),
                ),
            ),
            FetchItem::GmMsgId(n) => simple("X-GM-MSGID", (*n).into()),
            FetchItem::GmThrId(n) => simple("X-GM-THRID", (*n).into()),
            FetchItem::GmLabels(v) => simple("X-GM-LABELS", self.bytes_list(v)),
            FetchItem::Other { name, value } => {
                json!({ "name": self.bytes(name), "raw": self.blob(value) })
            }
            other => json!({ "name": null, "debug": format!("{other:?}") }),
        }
    }

    /// A section: `{"part": [1, 2], "text": "HEADER.FIELDS"|...|null, "fields": [...]|null}`.
    pub fn section(&self, s: &Section) -> Value {
        let (text, fields) = match &s.text {
            None => (Value::Null, Value::Null),
            Some(SectionText::Header) => ("HEADER".into(), Value::Null),
            Some(SectionText::Text) => ("TEXT".into(), Value::Null),
            Some(SectionText::Mime) => ("MIME".into(), Value::Null),
            Some(SectionText::HeaderFields(v)) => ("HEADER.FIELDS".into(), self.bytes_list(v)),
            Some(SectionText::HeaderFieldsNot(v)) => {
                ("HEADER.FIELDS.NOT".into(), self.bytes_list(v))
            }
        };
        json!({ "part": s.part, "text": text, "fields": fields })
    }

    /// Section data: `null` (NIL), a blob, or `{"len": N, "streamed": true}`.
    pub fn section_data(&self, d: &SectionData) -> Value {
        match d {
            SectionData::Nil => Value::Null,
            SectionData::Bytes(b) => self.blob(b),
            SectionData::Streamed(n) => json!({ "len": n, "streamed": true }),
        }
    }

    /// An envelope; every field, addresses as lists.
    pub fn envelope(&self, e: &Envelope) -> Value {
        let addrs = |v: AddressList<'_>| -> Value {
            Value::Array(v.iter().map(|a| self.address(&a)).collect())
        };
        json!({
            "date": self.opt_bytes(e.date().as_ref()),
            "subject": self.opt_bytes(e.subject().as_ref()),
            "from": addrs(e.from()),
            "sender": addrs(e.sender()),
            "reply_to": addrs(e.reply_to()),
            "to": addrs(e.to()),
            "cc": addrs(e.cc()),
            "bcc": addrs(e.bcc()),
            "in_reply_to": self.opt_bytes(e.in_reply_to().as_ref()),
            "message_id": self.opt_bytes(e.message_id().as_ref()),
        })
    }

    /// An address: its four fields (group markers included, as the server sent them).
    pub fn address(&self, a: &AddressRef<'_>) -> Value {
        json!({
            "name": self.opt_bytes(a.name().as_ref()),
            "adl": self.opt_bytes(a.adl().as_ref()),
            "mailbox": self.opt_bytes(a.mailbox().as_ref()),
            "host": self.opt_bytes(a.host().as_ref()),
        })
    }

    /// A body structure (recursion depth is bounded by the decoder's `max_depth`).
    pub fn body_structure(&self, b: &BodyStructure) -> Value {
        self.body_part(b.root())
    }

    fn body_part(&self, b: BodyPart<'_>) -> Value {
        match b {
            BodyPart::Single(p) => self.single_part(p),
            BodyPart::Multipart(m) => self.multipart(m),
        }
    }

    fn param_pairs(&self, v: Params<'_>) -> Value {
        Value::Array(
            v.map(|(k, val)| json!({ "name": self.bytes(k), "value": self.bytes(val) }))
                .collect(),
        )
    }

    fn languages(&self, v: Languages<'_>) -> Value {
        Value::Array(v.map(|b| self.bytes(b)).collect())
    }

    fn single_part(&self, p: SinglePart<'_>) -> Value {
        json!({
            "multipart": false,
            "media_type": self.bytes(p.media_type()),
            "subtype": self.bytes(p.subtype()),
            "params": self.param_pairs(p.params()),
            "id": self.opt_bytes(p.id().as_ref()),
            "description": self.opt_bytes(p.description().as_ref()),
            "encoding": self.bytes(p.encoding()),
            "size": p.size(),
            "lines": p.lines(),
            "message": opt(p.message().as_ref(), |(env, body)| json!({
                "envelope": self.envelope(env),
                "body": self.body_part(*body),
            })),
            "md5": self.opt_bytes(p.md5().as_ref()),
            "disposition": opt(p.disposition().as_ref(), |d| self.disposition(d)),
            "language": self.languages(p.language()),
            "location": self.opt_bytes(p.location().as_ref()),
            "extensions": self.extensions(p.extensions()),
        })
    }

    fn multipart(&self, m: MultiPart<'_>) -> Value {
        json!({
            "multipart": true,
            "parts": m.parts().map(|p| self.body_part(p)).collect::<Vec<_>>(),
            "subtype": self.bytes(m.subtype()),
            "params": self.param_pairs(m.params()),
            "disposition": opt(m.disposition().as_ref(), |d| self.disposition(d)),
            "language": self.languages(m.language()),
            "location": self.opt_bytes(m.location().as_ref()),
            "extensions": self.extensions(m.extensions()),
        })
    }

    fn disposition(&self, d: &Disposition<'_>) -> Value {
        json!({ "kind": self.bytes(d.kind()), "params": self.param_pairs(d.params()) })
    }

    fn extensions(&self, v: &[BodyExtension]) -> Value {
        Value::Array(v.iter().map(|e| self.extension(e)).collect())
    }

    fn extension(&self, e: &BodyExtension) -> Value {
        match e {
            BodyExtension::NString(s) => self.opt_bytes(s.as_ref()),
            BodyExtension::Number(n) => (*n).into(),
            BodyExtension::List(l) => self.extensions(l),
        }
    }
}

/// A sequence set in its normalized string form (`3:5,7,10:*`).
pub fn seq_set(s: &SequenceSet) -> Value {
    s.to_string().into()
}

/// A date item: `{"name", "value": "DD-Mon-YYYY HH:MM:SS +ZZZZ"|null, "unix": secs|null}`.
fn date_item(name: &str, d: Option<&InternalDate>) -> Value {
    json!({
        "name": name,
        "value": d.map(|d| d.to_string()),
        "unix": d.map(InternalDate::to_unix),
    })
}

fn threads(v: &[Thread]) -> Value {
    Value::Array(
        v.iter()
            .map(|t| json!({ "messages": t.messages, "children": threads(&t.children) }))
            .collect(),
    )
}

fn part_string(part: &[u32]) -> String {
    part.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn origin_suffix(origin: Option<u32>) -> String {
    origin.map(|o| format!("<{o}>")).unwrap_or_default()
}

/// The tag of raw response bytes, if they start with one (not `*` or `+`).
fn raw_tag(raw: &[u8]) -> Option<&[u8]> {
    match raw.first() {
        None | Some(b'*' | b'+') => None,
        _ => {
            let end = raw
                .iter()
                .position(|&b| matches!(b, b' ' | b'\r' | b'\n'))?;
            (end > 0).then(|| &raw[..end])
        }
    }
}

/// The stable snake_case name of a parse error kind.
pub fn parse_error_kind(k: &ParseErrorKind) -> &'static str {
    match k {
        ParseErrorKind::Expected(_) => "expected",
        ParseErrorKind::NumberOverflow => "number_overflow",
        ParseErrorKind::UnterminatedQuoted => "unterminated_quoted",
        ParseErrorKind::TruncatedLiteral => "truncated_literal",
        ParseErrorKind::TooDeep => "too_deep",
        ParseErrorKind::TooManyItems => "too_many_items",
        ParseErrorKind::InvalidDate => "invalid_date",
        ParseErrorKind::InvalidSequenceSet => "invalid_sequence_set",
        ParseErrorKind::UnexpectedStreamedLiteral => "unexpected_streamed_literal",
        _ => "other",
    }
}

/// Standard base64 (RFC 4648, with padding): the encoder's own helper.
pub fn base64(data: &[u8]) -> String {
    imap4_proto::encode::base64_encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"fooba", "Zm9vYmE="),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (input, want) in cases {
            assert_eq!(base64(input), want);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn blob_truncation_keeps_whole_characters() {
        let m = Mapper { max_data: Some(4) };
        // "aéb": 'é' is 2 bytes; cutting at 2 splits it.
        let v = m.blob("aébcd".as_bytes());
        assert_eq!(v, json!({ "len": 6, "text": "aéb", "truncated": true }));
        let m = Mapper { max_data: Some(2) };
        assert_eq!(
            m.blob("aé".as_bytes()),
            json!({ "len": 3, "text": "a", "truncated": true })
        );
        assert_eq!(
            m.blob(&[0xff, 0x00, 0x01]),
            json!({ "len": 3, "base64": "/wA=", "truncated": true })
        );
        assert_eq!(
            Mapper::default().blob(b"hi"),
            json!({ "len": 2, "text": "hi" })
        );
    }

    #[test]
    fn bytes_fall_back_to_base64() {
        let m = Mapper::default();
        assert_eq!(m.bytes(b"abc"), json!("abc"));
        assert_eq!(m.bytes(&[0xe9]), json!({ "base64": "6Q==" }));
    }
}
