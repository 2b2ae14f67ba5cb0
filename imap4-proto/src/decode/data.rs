//! Untagged data other than FETCH: CAPABILITY, LIST, STATUS, SEARCH, ESEARCH, SORT, THREAD,
//! NAMESPACE, ID, ENABLED, QUOTA, ACL, METADATA, ANNOTATION, VANISHED, ...

use bytes::Bytes;

use super::cursor::{Cursor, PResult};
use super::response::{seq_set, trim_eol};
use super::ParseErrorKind;
use crate::types::*;

pub(crate) fn untagged_data(c: &mut Cursor<'_>, a: usize, b: usize) -> PResult<Data> {
    let name = &c.buf[a..b];
    let is = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
    let data = if is("CAPABILITY") {
        Data::Capability(capabilities(c)?)
    } else if is("LIST") {
        c.sp1()?;
        Data::List(list_data(c)?)
    } else if is("LSUB") {
        c.sp1()?;
        Data::Lsub(list_data(c)?)
    } else if is("FLAGS") {
        c.sp();
        Data::Flags(flag_list(c)?)
    } else if is("STATUS") {
        c.sp1()?;
        status(c)?
    } else if is("SEARCH") {
        let (nums, modseq) = numbers_modseq(c)?;
        Data::Search { nums, modseq }
    } else if is("SORT") {
        let (nums, modseq) = numbers_modseq(c)?;
        Data::Sort { nums, modseq }
    } else if is("ESEARCH") {
        Data::ESearch(esearch(c)?)
    } else if is("THREAD") {
        Data::Thread(threads(c)?)
    } else if is("NAMESPACE") {
        c.sp1()?;
        namespaces(c)?
    } else if is("ID") {
        c.sp1()?;
        Data::Id(id_params(c)?)
    } else if is("ENABLED") {
        Data::Enabled(capabilities(c)?)
    } else if is("QUOTA") {
        c.sp1()?;
        let root = c.astring()?;
        c.sp();
        let resources = c.list(false, |c| {
            let name = c.atom_bytes()?;
            c.sp1()?;
            let usage = c.number64()?;
            c.sp1()?;
            let limit = c.number64()?;
            Ok(QuotaResource { name, usage, limit })
        })?;
        Data::Quota { root, resources }
    } else if is("QUOTAROOT") {
        c.sp1()?;
        let mailbox = mailbox(c)?;
        let mut roots = Vec::new();
        loop {
            c.sp();
            if c.at_end() {
                break;
            }
            roots.push(c.astring()?);
        }
        Data::QuotaRoot { mailbox, roots }
    } else if is("ACL") {
        c.sp1()?;
        let mailbox = mailbox(c)?;
        let mut entries = Vec::new();
        loop {
            c.sp();
            if c.at_end() {
                break;
            }
            let id = c.astring()?;
            c.sp1()?;
            entries.push((id, c.astring()?));
        }
        Data::Acl { mailbox, entries }
    } else if is("LISTRIGHTS") {
        c.sp1()?;
        let mailbox = mailbox(c)?;
        c.sp1()?;
        let identifier = c.astring()?;
        c.sp1()?;
        let required = c.astring()?;
        let mut optional = Vec::new();
        loop {
            c.sp();
            if c.at_end() {
                break;
            }
            optional.push(c.astring()?);
        }
        Data::ListRights {
            mailbox,
            identifier,
            required,
            optional,
        }
    } else if is("MYRIGHTS") {
        c.sp1()?;
        let mailbox = mailbox(c)?;
        c.sp1()?;
        Data::MyRights {
            mailbox,
            rights: c.astring()?,
        }
    } else if is("METADATA") {
        c.sp1()?;
        let mailbox = mailbox(c)?;
        c.sp();
        let entries = if c.peek() == Some(b'(') {
            let v = c.pairs(false, |c| c.astring(), |c| c.nstring())?;
            MetadataEntries::Values(v)
        } else {
            let mut v = Vec::new();
            while !c.at_end() {
                v.push(c.astring()?);
                c.sp();
            }
            MetadataEntries::Names(v)
        };
        Data::Metadata { mailbox, entries }
    } else if is("ANNOTATION") {
        c.sp1()?;
        let mailbox = mailbox(c)?;
        c.sp1()?;
        let entry = c.astring()?;
        c.sp();
        let attributes = attr_values(c)?;
        Data::Annotation {
            mailbox,
            entry,
            attributes,
        }
    } else if is("VANISHED") {
        c.sp1()?;
        let mut earlier = false;
        if c.peek() == Some(b'(') {
            c.open()?;
            c.sp();
            if !c.eat_keyword(b"EARLIER") {
                return Err(c.expected("EARLIER"));
            }
            c.close()?;
            earlier = true;
            c.sp1()?;
        }
        Data::Vanished {
            earlier,
            uids: seq_set(c)?,
        }
    } else {
        let name = c.buf.slice(a..b);
        c.sp();
        let mut rest = c.buf.slice(c.pos..);
        trim_eol(&mut rest);
        c.pos = c.buf.len();
        return Ok(Data::Other { name, rest });
    };
    c.expect_end()?;
    Ok(data)
}

/// Capability names up to the end of the line or `]` (in a response code).
pub(crate) fn capabilities(c: &mut Cursor<'_>) -> PResult<Vec<Capability>> {
    let mut out = Vec::new();
    loop {
        c.sp();
        match c.peek() {
            None | Some(b']' | b'\r' | b'\n') => break,
            _ => {}
        }
        let (a, b) = c.token_range(false)?;
        out.push(Capability(c.buf.slice(a..b)));
    }
    Ok(out)
}

/// `( flag flag ... )`. Lenient: `\*`, `$Keywords`, any letter case, trailing spaces.
pub(crate) fn flag_list(c: &mut Cursor<'_>) -> PResult<Vec<Flag>> {
    c.list(false, |c| {
        let (a, b) = c.token_range(false)?;
        Ok(Flag::from_bytes(c.buf.slice(a..b)))
    })
}

/// A mailbox name: astring, lenient about unquoted names with list-wildcards.
pub(crate) fn mailbox(c: &mut Cursor<'_>) -> PResult<Mailbox> {
    Ok(Mailbox::from_bytes(c.astring()?))
}

fn list_data(c: &mut Cursor<'_>) -> PResult<ListData> {
    let attributes = c.list(false, |c| {
        let (a, b) = c.token_range(false)?;
        Ok(MailboxAttr::from_bytes(c.buf.slice(a..b)))
    })?;
    c.sp1()?;
    let delimiter = match c.nstring()? {
        None => None,
        Some(d) if d.len() == 1 => Some(d[0]),
        Some(d) if d.is_empty() => None,
        Some(_) => return Err(c.expected("one-character delimiter")),
    };
    c.sp1()?;
    let mailbox = mailbox(c)?;
    let mut extended = Vec::new();
    c.sp();
    if c.peek() == Some(b'(') {
        c.open()?;
        loop {
            c.sp();
            if c.peek() == Some(b')') {
                break;
            }
            if extended.len() >= 1000 {
                return Err(c.err(ParseErrorKind::TooManyItems));
            }
            let tag = c.astring()?;
            c.sp1()?;
            extended.push((tag, ext_value(c)?));
        }
        c.close()?;
    }
    Ok(ListData {
        attributes,
        delimiter,
        mailbox,
        extended,
    })
}

fn ext_value(c: &mut Cursor<'_>) -> PResult<ListExtValue> {
    if c.peek() == Some(b'(') {
        Ok(ListExtValue::List(c.list(false, ext_value)?))
    } else {
        Ok(ListExtValue::String(c.astring()?))
    }
}

fn status(c: &mut Cursor<'_>) -> PResult<Data> {
    let mailbox = mailbox(c)?;
    c.sp();
    let items = c.list(false, |c| {
        let (a, b) = c.atom_range()?;
        let name = &c.buf[a..b];
        let is = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
        c.sp1()?;
        Ok(if is("MESSAGES") {
            StatusItem::Messages(c.number()?)
        } else if is("RECENT") {
            StatusItem::Recent(c.number()?)
        } else if is("UIDNEXT") {
            StatusItem::UidNext(c.number()?)
        } else if is("UIDVALIDITY") {
            StatusItem::UidValidity(c.number()?)
        } else if is("UNSEEN") {
            StatusItem::Unseen(c.number()?)
        } else if is("DELETED") {
            StatusItem::Deleted(c.number()?)
        } else if is("SIZE") {
            StatusItem::Size(c.number64()?)
        } else if is("HIGHESTMODSEQ") {
            StatusItem::HighestModSeq(c.number64()?)
        } else if is("APPENDLIMIT") {
            if c.eat_keyword(b"NIL") {
                StatusItem::AppendLimit(None)
            } else {
                StatusItem::AppendLimit(Some(c.number64()?))
            }
        } else if is("MAILBOXID") {
            c.open()?;
            c.sp();
            let id = c.astring()?;
            c.close()?;
            StatusItem::MailboxId(id)
        } else {
            let name = c.buf.slice(a..b);
            StatusItem::Other(name, c.number64()?)
        })
    })?;
    Ok(Data::Status { mailbox, items })
}

/// `SEARCH`/`SORT` numbers with an optional `(MODSEQ n)`. Lenient: trailing spaces
/// (`* SEARCH \r\n` from several servers).
fn numbers_modseq(c: &mut Cursor<'_>) -> PResult<(Vec<u32>, Option<u64>)> {
    let mut nums = Vec::new();
    let mut modseq = None;
    loop {
        c.sp();
        match c.peek() {
            Some(b'0'..=b'9') => nums.push(c.number()?),
            Some(b'(') => {
                c.open()?;
                c.sp();
                if !c.eat_keyword(b"MODSEQ") {
                    return Err(c.expected("MODSEQ"));
                }
                c.sp1()?;
                modseq = Some(c.number64()?);
                c.close()?;
            }
            _ => break,
        }
    }
    Ok((nums, modseq))
}

fn esearch(c: &mut Cursor<'_>) -> PResult<ESearch> {
    let mut out = ESearch::default();
    c.sp();
    if c.peek() == Some(b'(') {
        c.open()?;
        c.sp();
        if !c.eat_keyword(b"TAG") {
            return Err(c.expected("TAG"));
        }
        c.sp1()?;
        out.tag = Some(c.string()?);
        c.close()?;
    }
    c.sp();
    if c.eat_keyword(b"UID") {
        out.uid = true;
    }
    loop {
        c.sp();
        if c.at_end() {
            break;
        }
        let (a, b) = c.atom_range()?;
        let name = &c.buf[a..b];
        let is = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
        c.sp1()?;
        let item = if is("MIN") {
            ESearchItem::Min(c.number()?)
        } else if is("MAX") {
            ESearchItem::Max(c.number()?)
        } else if is("COUNT") {
            ESearchItem::Count(c.number()?)
        } else if is("ALL") {
            ESearchItem::All(seq_set(c)?)
        } else if is("MODSEQ") {
            ESearchItem::ModSeq(c.number64()?)
        } else if is("PARTIAL") {
            c.open()?;
            c.sp();
            let (ra, rb) = c.token_range(false)?;
            let range = c.buf.slice(ra..rb);
            c.sp1()?;
            let set = if c.eat_keyword(b"NIL") {
                None
            } else {
                Some(seq_set(c)?)
            };
            c.close()?;
            ESearchItem::Partial { range, set }
        } else {
            let name = c.buf.slice(a..b);
            ESearchItem::Other {
                name,
                value: c.skip_value()?,
            }
        };
        if out.items.len() >= 10_000 {
            return Err(c.err(ParseErrorKind::TooManyItems));
        }
        out.items.push(item);
    }
    Ok(out)
}

/// `* THREAD (..)(..)`: iterative (explicit stack), so nesting costs no recursion; depth is
/// bounded by the limit.
fn threads(c: &mut Cursor<'_>) -> PResult<Vec<Thread>> {
    let mut top: Vec<Thread> = Vec::new();
    // Stack of open threads; each `(` opens one.
    let mut stack: Vec<Thread> = Vec::new();
    loop {
        c.sp();
        match c.peek() {
            Some(b'(') => {
                c.open()?;
                stack.push(Thread::default());
            }
            Some(b')') => {
                c.close()?;
                let t = stack.pop().ok_or_else(|| c.expected("'('"))?;
                match stack.last_mut() {
                    Some(parent) => {
                        if parent.children.len() >= 100_000 {
                            return Err(c.err(ParseErrorKind::TooManyItems));
                        }
                        parent.children.push(t)
                    }
                    None => top.push(t),
                }
            }
            Some(b'0'..=b'9') if !stack.is_empty() => {
                let n = c.number()?;
                if let Some(t) = stack.last_mut() {
                    if !t.children.is_empty() {
                        return Err(c.expected("')' after a sub-thread"));
                    }
                    t.messages.push(n);
                }
            }
            _ if stack.is_empty() => break,
            _ => return Err(c.expected("thread member")),
        }
    }
    Ok(top)
}

fn namespaces(c: &mut Cursor<'_>) -> PResult<Data> {
    let mut lists = [Vec::new(), Vec::new(), Vec::new()];
    for (i, slot) in lists.iter_mut().enumerate() {
        if i > 0 {
            c.sp1()?;
        }
        *slot = c.list(true, |c| {
            c.open()?;
            c.sp();
            let prefix = c.string()?;
            c.sp1()?;
            let delimiter = c.nstring()?.and_then(|d| d.first().copied());
            let mut extensions = Vec::new();
            loop {
                c.sp();
                if c.peek() == Some(b')') {
                    break;
                }
                let name = c.string()?;
                c.sp();
                let values = c.list(false, |c| c.string())?;
                extensions.push((name, values));
            }
            c.close()?;
            Ok(Namespace {
                prefix,
                delimiter,
                extensions,
            })
        })?;
    }
    let [personal, other, shared] = lists;
    Ok(Data::Namespace(Namespaces {
        personal,
        other,
        shared,
    }))
}

fn id_params(c: &mut Cursor<'_>) -> PResult<Vec<(Bytes, Option<Bytes>)>> {
    c.pairs(true, |c| c.string(), |c| c.nstring())
}

/// `(attr value attr value ...)` for annotations.
pub(crate) fn attr_values(c: &mut Cursor<'_>) -> PResult<Vec<(Bytes, Option<Bytes>)>> {
    c.pairs(false, |c| c.astring(), |c| c.nstring())
}
