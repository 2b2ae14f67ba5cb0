//! `imap4 show MAILBOX UID`: a message for reading: the main headers decoded, the text
//! (text/plain, or HTML made readable), and the attachments with their sizes. `--raw`
//! streams the exact bytes; `--part N` one part, decoded.

use std::io::Write;

use clap::Args;
use imap4::mime::Headers;
use imap4::mime::TransferEncoding;
use imap4::proto::encode::FetchAttr;
use imap4::proto::{Fetch, Section};
use serde::Serialize;

use crate::account::Conn;
use crate::error::{CliError, CliResult, Context, Exit};
use crate::output::{flag_names, human_size, rfc3339, sanitize, Ctx};
use crate::progress::Progress;

pub const EXAMPLES: &str = "Examples:
  imap4 show INBOX 4711
  imap4 show INBOX 4711 --all-headers
  imap4 show INBOX 4711 --raw > message.eml
  imap4 show INBOX 4711 --part 2 > report.pdf
  imap4 show INBOX 4711 --json | jq -r .text";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ShowArgs {
    /// The mailbox.
    pub mailbox: String,
    /// The message's UID.
    pub uid: u32,
    /// Write the message exactly as stored (all headers, MIME structure, encodings).
    #[arg(long, conflicts_with_all = ["part", "all_headers", "html"])]
    pub raw: bool,
    /// Write one MIME part (`2`, `1.2`), transfer encoding undone; text parts are
    /// converted to UTF-8.
    #[arg(long, value_name = "N")]
    pub part: Option<String>,
    /// Show every header field, not just From, To, Cc, Date and Subject.
    #[arg(short = 'H', long)]
    pub all_headers: bool,
    /// Prefer the HTML alternative (still shown as text).
    #[arg(long)]
    pub html: bool,
    /// Mark the message \Seen (by default it is left as it was).
    #[arg(long)]
    pub mark_seen: bool,
}

/// docs/cli-json.md: show.
#[derive(Serialize)]
struct Shown {
    uid: u32,
    mailbox: String,
    flags: Vec<String>,
    size: Option<u64>,
    internaldate: Option<String>,
    headers: Vec<(String, String)>,
    text_type: Option<String>,
    text: String,
    attachments: Vec<AttachmentInfo>,
}

#[derive(Serialize)]
struct AttachmentInfo {
    part: String,
    filename: Option<String>,
    #[serde(rename = "type")]
    mime_type: String,
    size: u64,
}

/// Recipients shown in the To/Cc/Bcc lines before "... (N more)".
const MAX_SHOWN_ADDRESSES: usize = 6;

const MAIN_HEADERS: [&str; 6] = ["From", "To", "Cc", "Date", "Subject", "Reply-To"];

pub fn run(ctx: &Ctx, args: &ShowArgs) -> CliResult {
    super::check_mailbox(&args.mailbox)?;
    let part = match &args.part {
        Some(p) => Some(parse_part(p)?),
        None => None,
    };
    let (_account, mut conn) = ctx.connect()?;
    super::open_mailbox(&mut conn, &args.mailbox, !args.mark_seen)?;
    let head = fetch_head(&mut conn, args.uid)?.ok_or_else(|| {
        CliError::no_match(format!(
            "no message with UID {} in \"{}\"",
            args.uid, args.mailbox
        ))
    })?;
    let result = if args.raw {
        raw(ctx, &mut conn, args, &head)
    } else if let Some(p) = part {
        one_part(ctx, &mut conn, args, &head, &p)
    } else {
        readable(ctx, &mut conn, args, &head)
    };
    if result.is_ok() && args.mark_seen {
        conn.uid_store(
            imap4::proto::SequenceSet::single(args.uid)
                .map_err(|e| CliError::new(e.to_string()))?,
            imap4::proto::encode::StoreMode::Add,
            [imap4::proto::Flag::Seen],
        )
        .context(|| "marking it seen".to_string())?;
    }
    conn.logout();
    result
}

fn parse_part(p: &str) -> CliResult<Vec<u32>> {
    p.split('.')
        .map(|n| n.parse::<u32>().ok().filter(|&n| n > 0))
        .collect::<Option<Vec<u32>>>()
        .ok_or_else(|| CliError::usage(format!("bad part number {p:?} (write 1, 2, 1.2 ...)")))
}

/// FLAGS, sizes, BODYSTRUCTURE and the header in one round trip.
fn fetch_head(conn: &mut Conn, uid: u32) -> CliResult<Option<Fetch>> {
    let set = imap4::proto::SequenceSet::single(uid).map_err(|e| CliError::usage(e.to_string()))?;
    let mut found = None;
    for m in conn
        .uid_fetch(
            &set,
            [
                FetchAttr::Uid,
                FetchAttr::Flags,
                FetchAttr::InternalDate,
                FetchAttr::Rfc822Size,
                FetchAttr::BodyStructure,
                FetchAttr::body_peek(Section::header()),
            ],
        )
        .context(|| "UID FETCH".to_string())?
    {
        let m = m.context(|| "UID FETCH".to_string())?;
        if m.uid() == Some(uid) {
            found = Some(m);
        }
    }
    Ok(found)
}

fn raw(ctx: &Ctx, conn: &mut Conn, args: &ShowArgs, head: &Fetch) -> CliResult {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let mut progress = Progress::new(ctx, "show --raw", "bytes", None, head.size());
    let mut w = ProgressWriter {
        inner: &mut lock,
        progress: &mut progress,
    };
    let n = conn
        .uid_fetch_message_to(args.uid, &mut w)
        .map_err(|e| match e {
            imap4::Error::Output(io) => CliError::from(io),
            e => CliError::from(e),
        })?;
    lock.flush()?;
    progress.finish();
    if n.is_none() {
        return Err(CliError::no_match(format!("UID {} vanished", args.uid)));
    }
    Ok(Exit::Ok)
}

fn one_part(ctx: &Ctx, conn: &mut Conn, args: &ShowArgs, head: &Fetch, part: &[u32]) -> CliResult {
    let bs = head
        .body_structure()
        .ok_or_else(|| CliError::new("the server sent no BODYSTRUCTURE"))?;
    let parts = bs.parts();
    let Some((_, p)) = parts.iter().find(|(n, _)| n == part) else {
        let known: Vec<String> = parts
            .iter()
            .map(|(n, p)| format!("{} ({})", join(n), p.mime_type()))
            .collect();
        return Err(CliError::no_match(format!(
            "message {} has no part {}; its parts: {}",
            args.uid,
            join(part),
            known.join(", ")
        )));
    };
    let encoding = TransferEncoding::from_name(p.encoding());
    let is_text = p.mime_type().starts_with("text/");
    let charset = p
        .param("charset")
        .map(|c| String::from_utf8_lossy(c).into_owned());
    let mut progress = Progress::new(ctx, "show --part", "bytes", None, Some(p.size()));
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    if is_text
        && charset.as_deref().is_some_and(|c| {
            !c.eq_ignore_ascii_case("utf-8") && !c.eq_ignore_ascii_case("us-ascii")
        })
    {
        // Text in another charset: collect (text parts are small), convert, write.
        let mut buf = Vec::new();
        conn.fetch_part_to(args.uid, part, encoding, &mut buf)?;
        let text = imap4::mime::decode_charset(&buf, charset.as_deref().unwrap_or("utf-8"));
        lock.write_all(text.as_bytes())?;
    } else {
        let mut w = ProgressWriter {
            inner: &mut lock,
            progress: &mut progress,
        };
        conn.fetch_part_to(args.uid, part, encoding, &mut w)
            .map_err(|e| match e {
                imap4::Error::Output(io) => CliError::from(io),
                e => CliError::from(e),
            })?;
    }
    lock.flush()?;
    progress.finish();
    Ok(Exit::Ok)
}

fn readable(ctx: &Ctx, conn: &mut Conn, args: &ShowArgs, head: &Fetch) -> CliResult {
    let raw_header = head.header().cloned().unwrap_or_default();
    let headers = Headers::parse(&raw_header);
    let shown_headers: Vec<(String, String)> = if args.all_headers {
        headers
            .iter()
            .map(|(name, value)| {
                let v = imap4::mime::decode_words(value);
                (name.to_string(), v.trim().to_string())
            })
            .collect::<Vec<_>>()
    } else {
        MAIN_HEADERS
            .iter()
            .filter_map(|&h| headers.decoded(h).map(|v| (h.to_string(), v)))
            .collect()
    };
    let text = conn
        .message_text(args.uid, args.html)
        .context(|| "fetching the text".to_string())?;
    let (text_type, body) = match text {
        Some(t) if t.mime_type == "text/html" => {
            (Some(t.mime_type), imap4::mime::html_to_text(&t.text))
        }
        Some(t) => (Some(t.mime_type), t.text),
        None => (None, String::new()),
    };
    let attachments: Vec<AttachmentInfo> = conn
        .attachments(args.uid)
        .context(|| "listing attachments".to_string())?
        .into_iter()
        .map(|a| AttachmentInfo {
            part: a.part_number(),
            filename: a.filename.clone(),
            mime_type: a.mime_type.clone(),
            size: decoded_size(a.size, a.encoding),
        })
        .collect();
    let shown = Shown {
        uid: args.uid,
        mailbox: args.mailbox.clone(),
        flags: head.flags().map(flag_names).unwrap_or_default(),
        size: head.size(),
        internaldate: head.internal_date().map(rfc3339),
        headers: shown_headers,
        text_type,
        text: body,
        attachments,
    };
    let mut out = ctx.out();
    if ctx.json {
        out.json(&shown)?;
        return Ok(Exit::Ok);
    }
    let width = shown
        .headers
        .iter()
        .map(|(k, _)| k.len())
        .max()
        .unwrap_or(4)
        .max(5)
        + 1;
    for (k, v) in &shown.headers {
        // A long recipient list is cut on a terminal (--all-headers and --json have it
        // whole).
        let addrs = if args.all_headers || !["to", "cc", "bcc"].contains(&k.to_lowercase().as_str())
        {
            Vec::new()
        } else {
            headers.addresses(k)
        };
        let v = if addrs.len() > MAX_SHOWN_ADDRESSES {
            let first: Vec<String> = addrs[..MAX_SHOWN_ADDRESSES]
                .iter()
                .map(|a| a.to_string())
                .collect();
            format!(
                "{}, ... ({} more)",
                first.join(", "),
                addrs.len() - MAX_SHOWN_ADDRESSES
            )
        } else {
            v.clone()
        };
        out.line(format!(
            "{:<width$} {}",
            format!("{k}:"),
            sanitize(&v).replace('\n', " ")
        ))?;
    }
    if !shown.flags.is_empty() {
        out.line(format!("{:<width$} {}", "Flags:", shown.flags.join(" ")))?;
    }
    out.line("")?;
    let body = sanitize(&shown.text);
    out.line(body.trim_end())?;
    if !shown.attachments.is_empty() {
        out.line("")?;
        out.line(format!("Attachments ({}):", shown.attachments.len()))?;
        for a in &shown.attachments {
            out.line(format!(
                "  {:<5} {:<40} {:<28} {:>8}",
                a.part,
                crate::output::truncate(
                    &sanitize(a.filename.as_deref().unwrap_or("(no name)")),
                    40
                ),
                a.mime_type,
                human_size(a.size)
            ))?;
        }
    }
    Ok(Exit::Ok)
}

/// The size after the transfer encoding is undone (base64 carries 3 bytes in 4, plus
/// line breaks).
pub fn decoded_size(encoded: u64, enc: TransferEncoding) -> u64 {
    match enc {
        TransferEncoding::Base64 => encoded / 78 * 57 + (encoded % 78) * 3 / 4,
        _ => encoded,
    }
}

fn join(p: &[u32]) -> String {
    p.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

/// Passes bytes on and counts them for the progress bar.
pub struct ProgressWriter<'a, W: Write> {
    pub inner: &'a mut W,
    pub progress: &'a mut Progress,
}

impl<W: Write> Write for ProgressWriter<'_, W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(b)?;
        self.progress.inc(0, n as u64);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
