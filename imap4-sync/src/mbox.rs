//! Backing up a mailbox into one mbox file (mboxrd), incrementally and safely.
//!
//! Each message is written as `From MAILER-DAEMON <INTERNALDATE in UTC>`, its header with
//! LF line ends and the flags in `Status:` / `X-Status:` / `X-Keywords:` (as mutt, Thunderbird
//! and [`crate::source`] read them), its body with `>From ` quoting (mboxrd), and a blank
//! line. (A message whose last line has no line end gets one: mbox cannot say otherwise;
//! besides that and its own status headers, a message comes back byte for byte.) The
//! state file beside it (`.NAME.imap4.json`) says where each message is and how
//! many bytes of the file it accounts for.
//!
//! A rerun with only new messages appends them: the file is cut back to the length the
//! state accounts for (the remains of an interrupted append), the new messages are
//! written and fsynced, then the state records them. A rerun with flag changes or
//! expunges rewrites the file: a new file is written beside it (the kept messages copied,
//! their status headers replaced, the new ones appended) and fsynced, the new state is
//! written as `.NAME.imap4.json.next`, then the new file is renamed over the old one and
//! the state after it. A run killed between those renames is finished by the next run,
//! whichever side of them it stopped on. Memory stays bounded: bodies are streamed.
//!
//! ```no_run
//! use imap4_sync::backup::{NoObserver, Options};
//! let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143))?;
//! client.login("alice", "alicepw")?;
//! let r = imap4_sync::mbox::backup_mbox(&mut client, "INBOX", "backup/INBOX.mbox".as_ref(),
//!                                       &Options::default(), &NoObserver)?;
//! println!("{} new", r.fetched);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use imap4::blocking::{Client, Stream};
use imap4::proto::date::InternalDate;
use imap4::proto::encode::{FetchAttr, Select};
use imap4::proto::{Fetch, Section, SequenceSet};
use imap4::session::MessageSink;

use crate::backup::{flag_strings, io_at, Error, Observer, Options, Report, UidValidityChange};
use crate::maildir::{sync_dir, write_atomic};
use crate::state::{Entry, MailboxState};

/// The state file of the mbox `file`: `.NAME.imap4.json` beside it.
pub fn state_path(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!(".{name}.imap4.json"))
}

fn next_path(file: &Path) -> PathBuf {
    let mut p = state_path(file).into_os_string();
    p.push(".next");
    PathBuf::from(p)
}

fn tmp_path(file: &Path) -> PathBuf {
    let mut p = file.as_os_str().to_owned();
    p.push(".imap4-new");
    PathBuf::from(p)
}

/// `Tue Mar  5 10:00:00 2024` (UTC), for the `From ` line.
pub fn asctime(secs: i64) -> String {
    let d = InternalDate::from_unix(secs, 0)
        .unwrap_or_else(|| InternalDate::from_unix(0, 0).expect("the epoch is a date"));
    let days = secs.div_euclid(86_400);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][usize::from(d.month.clamp(1, 12)) - 1];
    format!(
        "{wd} {mon} {:>2} {:02}:{:02}:{:02} {}",
        d.day, d.hour, d.minute, d.second, d.year
    )
}

/// The status header lines for `flags` (LF ends).
fn status_lines(flags: &[String]) -> Vec<u8> {
    let has = |f: &str| flags.iter().any(|x| x.eq_ignore_ascii_case(f));
    let mut s = String::from("Status: ");
    if has("\\Seen") {
        s.push('R');
    }
    s.push_str("O\n");
    let mut x = String::new();
    for (f, c) in [
        ("\\Answered", 'A'),
        ("\\Flagged", 'F'),
        ("\\Draft", 'T'),
        ("\\Deleted", 'D'),
    ] {
        if has(f) {
            x.push(c);
        }
    }
    if !x.is_empty() {
        s.push_str(&format!("X-Status: {x}\n"));
    }
    let kw: Vec<&str> = flags
        .iter()
        .filter(|f| !f.starts_with('\\'))
        .map(String::as_str)
        .collect();
    if !kw.is_empty() {
        s.push_str(&format!("X-Keywords: {}\n", kw.join(", ")));
    }
    s.into_bytes()
}

/// Turns a message (CRLF, as the server sends it) into its mbox form, streaming: LF line
/// ends, the status lines at the end of the header (the message's own status headers are
/// dropped), `>From ` quoting in the body.
struct MboxWriter<W: Write> {
    out: W,
    line: Vec<u8>,
    in_header: bool,
    /// Inside a header field that is dropped (its continuation lines too).
    dropping: bool,
    status: Vec<u8>,
    written: u64,
    header: Vec<u8>,
    /// The UID the writer was opened for (0: not known then).
    uid: u32,
}

impl<W: Write> MboxWriter<W> {
    fn new(mut out: W, from_line: &str, status: Vec<u8>) -> io::Result<MboxWriter<W>> {
        let first = format!("From MAILER-DAEMON {from_line}\n");
        out.write_all(first.as_bytes())?;
        Ok(MboxWriter {
            out,
            line: Vec::new(),
            in_header: true,
            dropping: false,
            status,
            written: first.len() as u64,
            header: Vec::new(),
            uid: 0,
        })
    }

    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.out.write_all(b)?;
        self.written += b.len() as u64;
        Ok(())
    }

    fn line(&mut self, mut l: Vec<u8>) -> io::Result<()> {
        if l.last() == Some(&b'\r') {
            l.pop();
        }
        if self.in_header {
            if self.header.len() < 64 << 10 {
                self.header.extend_from_slice(&l);
                self.header.extend_from_slice(b"\r\n");
            }
            if l.is_empty() {
                self.in_header = false;
                let status = std::mem::take(&mut self.status);
                self.put(&status)?;
                return self.put(b"\n");
            }
            if l[0] == b' ' || l[0] == b'\t' {
                if self.dropping {
                    return Ok(());
                }
            } else {
                let name = l.split(|c| *c == b':').next().unwrap_or(&[]);
                self.dropping = [&b"status"[..], b"x-status", b"x-keywords"]
                    .iter()
                    .any(|n| name.eq_ignore_ascii_case(n));
                if self.dropping {
                    return Ok(());
                }
            }
            self.put(&l)?;
            return self.put(b"\n");
        }
        let quoted = {
            let rest = l.iter().position(|c| *c != b'>').unwrap_or(l.len());
            l[rest..].starts_with(b"From ")
        };
        if quoted {
            self.put(b">")?;
        }
        self.put(&l)?;
        self.put(b"\n")
    }

    /// Ends the message (and the blank line after it); returns the bytes written.
    fn end(mut self) -> io::Result<(u64, Vec<u8>, W)> {
        if !self.line.is_empty() {
            let l = std::mem::take(&mut self.line);
            self.line(l)?;
        }
        if self.in_header {
            let status = std::mem::take(&mut self.status);
            self.put(&status)?;
            self.put(b"\n")?;
        }
        self.put(b"\n")?;
        self.out.flush()?;
        Ok((self.written, self.header, self.out))
    }
}

impl<W: Write> Write for MboxWriter<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let mut rest = b;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            let mut l = std::mem::take(&mut self.line);
            l.extend_from_slice(&rest[..i]);
            self.line(l)?;
            rest = &rest[i + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// What the server has, from the listing.
struct Listed {
    flags: Vec<String>,
    date: Option<i64>,
    size: u64,
}

/// Appends the fetched messages to the file; records offsets.
struct Appender<'a> {
    file: &'a File,
    offset: u64,
    by_seq: &'a HashMap<u32, u32>,
    listed: &'a BTreeMap<u32, Listed>,
    saved: Vec<(u32, Entry)>,
    obs: &'a dyn Observer,
    mailbox: &'a str,
}

impl MessageSink for Appender<'_> {
    type Writer = MboxWriter<BufWriter<File>>;

    fn open(&mut self, seq: u32, uid: Option<u32>, _len: u64) -> io::Result<Self::Writer> {
        if self.obs.cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        // Right after the last complete message (a message dropped half way, an unreadable
        // response, may have left bytes after it: they are written over).
        (&mut &*self.file).seek(SeekFrom::Start(self.offset))?;
        let uid = uid.or_else(|| self.by_seq.get(&seq).copied()).unwrap_or(0);
        let l = self.listed.get(&uid);
        let from = asctime(l.and_then(|l| l.date).unwrap_or(0));
        let status = status_lines(l.map_or(&[][..], |l| &l.flags[..]));
        let out = BufWriter::with_capacity(64 << 10, self.file.try_clone()?);
        let mut w = MboxWriter::new(out, &from, status)?;
        w.uid = uid;
        Ok(w)
    }

    fn finish(&mut self, w: Self::Writer, f: Fetch) -> io::Result<()> {
        let uid0 = w.uid;
        let (n, header, _) = w.end()?;
        let uid = f.uid().unwrap_or(uid0);
        let l = self.listed.get(&uid);
        let entry = Entry {
            file: format!("mbox:{}:{n}", self.offset),
            size: f.size().or(l.map(|l| l.size)).unwrap_or(0),
            date: l.and_then(|l| l.date),
            message_id: crate::backup::message_id(&header),
            flags: l.map(|l| l.flags.clone()).unwrap_or_default(),
        };
        self.offset += n;
        self.obs.saved(self.mailbox, n);
        self.saved.push((uid, entry));
        Ok(())
    }
}

fn range(e: &Entry) -> Option<(u64, u64)> {
    let rest = e.file.strip_prefix("mbox:")?;
    let (a, b) = rest.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Finishes a rewrite a killed run left half done, or undoes it.
fn recover(file: &Path) -> Result<(), Error> {
    let next = next_path(file);
    if !next.exists() {
        let _ = fs::remove_file(tmp_path(file));
        return Ok(());
    }
    let tmp = tmp_path(file);
    if tmp.exists() {
        // The new file was never put in place: the old file and state stand.
        fs::remove_file(&tmp).map_err(io_at(&tmp))?;
        fs::remove_file(&next).map_err(io_at(&next))?;
    } else {
        // The new file is in place: its state goes with it.
        fs::rename(&next, state_path(file)).map_err(io_at(&next))?;
    }
    if let Some(dir) = file.parent() {
        sync_dir(dir).map_err(io_at(dir))?;
    }
    Ok(())
}

/// Copies one message from the old file, its status lines replaced by `flags`.
fn copy_message(
    old: &mut BufReader<File>,
    (off, len): (u64, u64),
    flags: &[String],
    out: &mut impl Write,
) -> io::Result<u64> {
    old.seek(SeekFrom::Start(off))?;
    let mut r = old.by_ref().take(len);
    let mut written = 0u64;
    let mut from = Vec::new();
    r.read_until(b'\n', &mut from)?;
    out.write_all(&from)?;
    written += from.len() as u64;
    // The header, its status lines dropped; then ours.
    let mut dropping = false;
    loop {
        let mut l = Vec::new();
        if r.read_until(b'\n', &mut l)? == 0 {
            break;
        }
        if l == b"\n" {
            let s = status_lines(flags);
            out.write_all(&s)?;
            out.write_all(b"\n")?;
            written += s.len() as u64 + 1;
            break;
        }
        if l[0] == b' ' || l[0] == b'\t' {
            if dropping {
                continue;
            }
        } else {
            let name = l.split(|c| *c == b':').next().unwrap_or(&[]);
            dropping = [&b"status"[..], b"x-status", b"x-keywords"]
                .iter()
                .any(|n| name.eq_ignore_ascii_case(n));
            if dropping {
                continue;
            }
        }
        out.write_all(&l)?;
        written += l.len() as u64;
    }
    written += io::copy(&mut r, out)?;
    Ok(written)
}

/// Backs up `mailbox` into the mbox file `file` (created if missing). See the [module
/// documentation](self).
pub fn backup_mbox<S: Stream>(
    client: &mut Client<S>,
    mailbox: &str,
    file: &Path,
    opts: &Options,
    obs: &dyn Observer,
) -> Result<Report, Error> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(io_at(dir))?;
    }
    recover(file)?;
    let spath = state_path(file);
    let mut report = Report {
        mailbox: mailbox.to_string(),
        path: file.to_path_buf(),
        ..Report::default()
    };
    let mut state = match MailboxState::load_file(&spath) {
        Ok(Some(s)) => s,
        Ok(None) => MailboxState::new(mailbox),
        Err(e) => {
            // Without its state the file cannot be trusted to match the server: start
            // afresh beside it, keeping the old file.
            let aside = file.with_extension("mbox.unreadable-state");
            if file.exists() {
                fs::rename(file, &aside).map_err(io_at(file))?;
            }
            report.notes.push(format!(
                "{e}; the old file was kept as {} and a new backup started",
                aside.display()
            ));
            MailboxState::new(mailbox)
        }
    };
    // Anything after what the state accounts for is an interrupted append.
    let len = state.mbox_length.unwrap_or(0);
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(file)
        .map_err(io_at(file))?;
    if f.metadata().map_err(io_at(file))?.len() != len {
        f.set_len(len).map_err(io_at(file))?;
        f.sync_all().map_err(io_at(file))?;
    }
    drop(f);

    let condstore = client.has_capability("CONDSTORE")?;
    let mut sel = Select::examine(mailbox);
    if condstore {
        sel = sel.condstore(true);
    }
    let mbx = client.select_with(sel)?;
    let uv = mbx.uid_validity.ok_or_else(|| Error::Server {
        mailbox: mailbox.to_string(),
        reason: "the server gave no UIDVALIDITY".into(),
    })?;
    report.server_messages = u64::from(mbx.exists);
    if state.uid_validity == Some(uv)
        && mbx.highest_modseq.is_some()
        && mbx.highest_modseq == state.highest_modseq
        && mbx.uid_next == Some(state.uid_next)
        && state.messages.len() as u64 == report.server_messages
    {
        report.unchanged = true;
        report.local_messages = report.server_messages;
        obs.done(mailbox);
        return Ok(report);
    }

    // The listing: UIDs, flags, dates, sizes.
    let mut listed: BTreeMap<u32, Listed> = BTreeMap::new();
    let mut by_seq: HashMap<u32, u32> = HashMap::new();
    if mbx.exists > 0 {
        let attrs = [
            FetchAttr::Uid,
            FetchAttr::Flags,
            FetchAttr::InternalDate,
            FetchAttr::Rfc822Size,
        ];
        for m in client.uid_fetch(&SequenceSet::parse(b"1:*").expect("static"), attrs)? {
            let m = m?;
            let Some(uid) = m.uid() else { continue };
            by_seq.insert(m.seq, uid);
            listed.insert(
                uid,
                Listed {
                    flags: flag_strings(m.flags().unwrap_or(&[])),
                    date: m.internal_date().map(|d| d.to_unix()),
                    size: m.size().unwrap_or(0),
                },
            );
        }
    }

    // Which saved messages stay, under which UID.
    let old = std::mem::take(&mut state.messages);
    let mut keep: Vec<(u32, Entry)> = Vec::new();
    // Byte ranges of messages kept in the file although the server no longer has them.
    let mut orphans: Vec<String> = std::mem::take(&mut state.kept);
    let mut dropped = 0u64;
    if state.uid_validity.is_some_and(|u| u != uv) {
        // Recreated: match by Message-ID, size and date.
        let mut by_key: HashMap<(String, u64, Option<i64>), Vec<u32>> = HashMap::new();
        let ids = if listed.is_empty() {
            HashMap::new()
        } else {
            message_ids(client)?
        };
        for (uid, l) in &listed {
            if let Some(id) = ids.get(uid) {
                by_key
                    .entry((id.clone(), l.size, l.date))
                    .or_default()
                    .push(*uid);
            }
        }
        let mut change = UidValidityChange {
            old: state.uid_validity.unwrap_or(0),
            new: uv,
            ..UidValidityChange::default()
        };
        for (_, e) in old {
            let hit = e
                .message_id
                .clone()
                .and_then(|id| by_key.get_mut(&(id, e.size, e.date)))
                .and_then(|v| (!v.is_empty()).then(|| v.remove(0)));
            match hit {
                Some(uid) => {
                    keep.push((uid, e));
                    change.rematched += 1;
                }
                None if opts.delete => change.removed += 1,
                None => {
                    orphans.push(e.file);
                    change.kept += 1;
                }
            }
        }
        dropped = change.removed;
        report.uid_validity_change = Some(change);
        state.uid_next = 1;
    } else {
        for (uid, e) in old {
            if listed.contains_key(&uid) {
                keep.push((uid, e));
            } else if opts.delete {
                dropped += 1;
                report.removed += 1;
            } else {
                orphans.push(e.file);
                report.kept += 1;
            }
        }
    }
    state.uid_validity = Some(uv);
    let kept_uids: std::collections::HashSet<u32> = keep.iter().map(|(u, _)| *u).collect();
    let to_fetch: Vec<u32> = listed
        .keys()
        .copied()
        .filter(|u| !kept_uids.contains(u))
        .collect();
    let mut flag_changes = 0;
    for (uid, e) in &keep {
        if let Some(l) = listed.get(uid) {
            if l.flags != e.flags {
                flag_changes += 1;
            }
        }
    }
    report.flags_updated = flag_changes;
    let rewrite = dropped > 0 || flag_changes > 0 || report.uid_validity_change.is_some();
    if !rewrite {
        // Appends only: the kept ranges stay where they are.
        state.kept = orphans.clone();
    }
    obs.start(mailbox, to_fetch.len() as u64);

    let mut entries: BTreeMap<u32, Entry> = BTreeMap::new();
    let target: PathBuf = if rewrite {
        tmp_path(file)
    } else {
        file.to_path_buf()
    };
    let out = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(rewrite)
        .open(&target)
        .map_err(io_at(&target))?;
    let mut offset = if rewrite { 0 } else { len };
    {
        let mut out_w =
            BufWriter::with_capacity(64 << 10, out.try_clone().map_err(io_at(&target))?);
        out_w
            .seek(SeekFrom::Start(offset))
            .map_err(io_at(&target))?;
        if rewrite {
            let mut old = BufReader::new(File::open(file).map_err(io_at(file))?);
            keep.sort_by_key(|(_, e)| range(e).map_or(0, |r| r.0));
            let mut moved = Vec::new();
            for o in std::mem::take(&mut orphans) {
                let e = Entry {
                    file: o,
                    ..Entry::default()
                };
                let Some((off, n)) = range(&e) else { continue };
                old.seek(SeekFrom::Start(off)).map_err(io_at(file))?;
                let copied =
                    io::copy(&mut old.by_ref().take(n), &mut out_w).map_err(io_at(file))?;
                moved.push(format!("mbox:{offset}:{copied}"));
                offset += copied;
            }
            orphans = moved;
            for (uid, mut e) in keep {
                let Some(r) = range(&e) else { continue };
                let flags = listed
                    .get(&uid)
                    .map_or(e.flags.clone(), |l| l.flags.clone());
                let n = copy_message(&mut old, r, &flags, &mut out_w).map_err(io_at(file))?;
                e.file = format!("mbox:{offset}:{n}");
                e.flags = flags;
                offset += n;
                entries.insert(uid, e);
            }
        } else {
            entries = keep.into_iter().collect();
        }
        out_w.flush().map_err(io_at(&target))?;
    }
    let mut out_pos = out;
    out_pos
        .seek(SeekFrom::Start(offset))
        .map_err(io_at(&target))?;
    let mut failed = 0;
    for chunk in to_fetch.chunks(opts.batch.max(1)) {
        if obs.cancelled() {
            report.interrupted = true;
            break;
        }
        let mut sink = Appender {
            file: &out_pos,
            offset,
            by_seq: &by_seq,
            listed: &listed,
            saved: Vec::new(),
            obs,
            mailbox,
        };
        let set: SequenceSet = chunk.iter().copied().collect();
        let r = client.uid_fetch_each_to(
            set,
            FetchAttr::body_peek(Section::default()),
            [FetchAttr::Rfc822Size],
            &mut sink,
        );
        offset = sink.offset;
        let saved = std::mem::take(&mut sink.saved);
        match r {
            Ok(_) => {}
            Err(imap4::Error::Output(e)) if e.kind() == io::ErrorKind::Interrupted => {
                report.interrupted = true;
            }
            Err(imap4::Error::Output(e)) => return Err(io_at(&target)(e)),
            Err(e) => return Err(e.into()),
        }
        for (uid, e) in saved {
            if uid > 0 {
                report.fetched += 1;
                report.bytes += e.size;
                entries.insert(uid, e);
            }
        }
        if !rewrite {
            // An append is durable, then recorded.
            out_pos.sync_data().map_err(io_at(&target))?;
            state.messages = entries.clone();
            state.mbox_length = Some(offset);
            state.save_file(&spath)?;
        }
        if report.interrupted {
            break;
        }
    }
    // The file may end with a partial message of an interrupted fetch: cut it.
    out_pos.set_len(offset).map_err(io_at(&target))?;
    out_pos.sync_all().map_err(io_at(&target))?;
    for u in &to_fetch {
        if !entries.contains_key(u) && !report.interrupted {
            failed += 1;
            report.failed.push(crate::backup::Failed {
                uid: *u,
                reason: "the server sent no readable data for it".into(),
            });
        }
    }
    state.messages = entries;
    state.mbox_length = Some(offset);
    state.kept = orphans;
    let first_missing = to_fetch.iter().find(|u| !state.messages.contains_key(u));
    let next = mbx
        .uid_next
        .unwrap_or(0)
        .max(listed.keys().max().map_or(1, |m| m + 1));
    state.uid_next = first_missing.map_or(next, |u| (*u).min(next));
    state.highest_modseq = if failed == 0 && !report.interrupted {
        mbx.highest_modseq
    } else {
        None
    };
    if rewrite {
        // Journal: the new state beside, the new file in place, then the state.
        let next_state = next_path(file);
        let bytes = serde_json::to_vec(&state).expect("plain data");
        write_atomic(&next_state, &bytes).map_err(io_at(&next_state))?;
        fs::rename(&target, file).map_err(io_at(file))?;
        if let Some(dir) = file.parent() {
            sync_dir(dir).map_err(io_at(dir))?;
        }
        fs::rename(&next_state, &spath).map_err(io_at(&spath))?;
        if let Some(dir) = file.parent() {
            sync_dir(dir).map_err(io_at(dir))?;
        }
    } else {
        state.save_file(&spath)?;
    }
    report.local_messages = state.messages.len() as u64;
    if opts.verify && !report.interrupted {
        report.verified = Some(crate::verify::verify_mbox(client, mailbox, file)?);
    }
    obs.done(mailbox);
    Ok(report)
}

/// Message-IDs of the selected mailbox's messages.
fn message_ids<S: Stream>(client: &mut Client<S>) -> Result<HashMap<u32, String>, Error> {
    let section: Section = "HEADER.FIELDS (MESSAGE-ID)".parse().expect("static");
    let mut out = HashMap::new();
    for f in client.uid_fetch(
        &SequenceSet::parse(b"1:*").expect("static"),
        [FetchAttr::Uid, FetchAttr::body_peek(section)],
    )? {
        let f = f?;
        let id = f.items.iter().find_map(|i| match i {
            imap4::proto::FetchItem::BodySection {
                data: imap4::proto::SectionData::Bytes(b),
                ..
            } => crate::backup::message_id(b),
            _ => None,
        });
        if let (Some(uid), Some(id)) = (f.uid(), id) {
            out.insert(uid, id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap4::proto::Flag;

    #[test]
    fn asctime_of_known_dates() {
        assert_eq!(asctime(0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(asctime(1_709_632_800), "Tue Mar  5 10:00:00 2024");
        assert_eq!(asctime(-86_400), "Wed Dec 31 00:00:00 1969");
    }

    #[test]
    fn writes_mboxrd_with_status() {
        let mut w = MboxWriter::new(
            Vec::new(),
            "Tue Mar  5 10:00:00 2024",
            status_lines(&["\\Seen".into(), "\\Flagged".into(), "$Junk".into()]),
        )
        .unwrap();
        // Split anywhere: the writer works on lines across chunks.
        let msg =
            b"Subject: x\r\nStatus: RO\r\n  cont\r\nTo: y\r\n\r\nFrom here\r\n>From there\r\nend";
        for c in msg.chunks(3) {
            w.write_all(c).unwrap();
        }
        let (n, header, out) = w.end().unwrap();
        let want = "From MAILER-DAEMON Tue Mar  5 10:00:00 2024\nSubject: x\nTo: y\n\
                    Status: RO\nX-Status: F\nX-Keywords: $Junk\n\n>From here\n>>From there\nend\n\n";
        assert_eq!(String::from_utf8(out).unwrap(), want);
        assert_eq!(n, want.len() as u64);
        assert!(header.starts_with(b"Subject: x\r\n"));
    }

    #[test]
    fn reads_back_through_the_source() {
        let dir = std::env::temp_dir().join(format!("imap4-mbox-rt-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.mbox");
        let mut file = Vec::new();
        for (flags, body) in [
            (vec!["\\Seen".to_string(), "Work".into()], "From me\r\n"),
            (vec![], "x\r\n"),
        ] {
            let mut w =
                MboxWriter::new(Vec::new(), &asctime(1_709_632_800), status_lines(&flags)).unwrap();
            w.write_all(format!("Subject: s\r\n\r\n{body}").as_bytes())
                .unwrap();
            file.extend(w.end().unwrap().2);
        }
        fs::write(&path, &file).unwrap();
        let got: Vec<_> = crate::source::Source::open(&path)
            .unwrap()
            .map(|m| m.unwrap())
            .collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].bytes, b"Subject: s\r\n\r\nFrom me\r\n");
        assert_eq!(got[0].flags, [Flag::Seen, Flag::parse(b"Work")]);
        assert_eq!(got[0].date.map(|d| d.to_unix()), Some(1_709_632_800));
        assert!(got[1].flags.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
