//! `imap4 search MAILBOX QUERY...`: the query language (docs/cli-query.md) turned into a
//! UID SEARCH (or UID SORT), then one summary line per message, fetched in chunks and
//! printed as they come, so memory stays small for any number of results.

use clap::Args;
use imap4::proto::encode::{Criteria, FetchAttr, SortCriterion, SortKey};
use imap4::proto::Fetch;
use serde::Serialize;

use crate::account::Conn;
use crate::error::{CliError, CliResult, Context, Exit};
use crate::output::{
    display_width, flag_letters, flag_names, human_size, pad, rfc3339, short_date, truncate, Ctx,
    Out,
};
use crate::text;

pub const EXAMPLES: &str = "Examples:
  imap4 search INBOX unseen
  imap4 search INBOX from:alice subject:\"q3 report\" since:2024-01-01
  imap4 search INBOX 'from:alice or from:bob' larger:1M --limit 20
  imap4 search Lists 'header:List-Id:dev not seen' --sort from
  imap4 search INBOX since:7d --uids | imap4 flag INBOX add seen -
  imap4 search '[Gmail]/All Mail' gmail:'has:attachment older_than:1y'

Query terms (all must match; 'or', 'not'/-, and parentheses combine them):
  from: to: cc: bcc: subject: body: text:     substring of that field
  header:NAME:VALUE  keyword:KW  uid:SET  modseq:N
  since: before: on:  (arrival)  sentsince: sentbefore: senton:  (Date header)
      dates: 2024-01-31, today, yesterday, 7d, 2w, 3m
  larger:1M smaller:10k  older:2d younger:1h
  seen unseen flagged unflagged answered unanswered draft deleted new old recent all
  gmail:\"raw Gmail search\"   a bare word searches the whole message
Full reference: docs/cli-query.md.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SearchArgs {
    /// The mailbox.
    pub mailbox: String,
    /// The query (no query: every message). Negate with 'not flagged', or put a query
    /// that starts words with '-' after '--' (search INBOX -- -flagged).
    pub query: Vec<String>,
    /// Print only the UIDs, one per line (for piping into flag, mv, show ...).
    #[arg(long)]
    pub uids: bool,
    /// At most N messages (the first N in the sort order).
    #[arg(short = 'n', long, value_name = "N")]
    pub limit: Option<usize>,
    /// Order: arrival (default, newest first), date, from, to, cc, subject, size; a
    /// leading '-' reverses (--sort=-size: biggest first).
    #[arg(
        long,
        value_name = "KEY",
        allow_hyphen_values = true,
        default_value = "-arrival"
    )]
    pub sort: String,
    /// Reverse the order.
    #[arg(short, long)]
    pub reverse: bool,
}

/// One message (docs/cli-json.md: search).
#[derive(Serialize)]
pub struct Summary {
    pub uid: u32,
    pub date: Option<String>,
    pub internaldate: Option<String>,
    pub from: String,
    pub from_email: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    pub size: Option<u64>,
    pub flags: Vec<String>,
    pub message_id: Option<String>,
}

/// What a summary fetch asks for.
pub fn summary_attrs() -> Vec<FetchAttr> {
    vec![
        FetchAttr::Uid,
        FetchAttr::Flags,
        FetchAttr::InternalDate,
        FetchAttr::Rfc822Size,
        FetchAttr::Envelope,
    ]
}

impl Summary {
    pub fn from_fetch(m: &Fetch) -> Summary {
        let env = m.envelope();
        let sent = env.and_then(|e| e.date()).and_then(imap4::mime::parse_date);
        Summary {
            uid: m.uid().unwrap_or(0),
            date: sent.as_ref().map(rfc3339),
            internaldate: m.internal_date().map(rfc3339),
            from: text::short_from(env),
            from_email: text::from_email(env),
            to: env.map(|e| text::addresses(e.to())).unwrap_or_default(),
            subject: text::subject(env),
            size: m.size(),
            flags: m.flags().map(flag_names).unwrap_or_default(),
            message_id: env
                .and_then(|e| e.message_id())
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        }
    }

    /// The table row: UID, DATE, FROM, SIZE, FLAGS, SUBJECT (last, cut to the
    /// terminal's width), in fixed columns so that rows print as they arrive.
    pub fn row(&self, m: &Fetch, width: Option<usize>) -> String {
        let date = m
            .envelope()
            .and_then(|e| e.date())
            .and_then(imap4::mime::parse_date)
            .or_else(|| m.internal_date().copied())
            .map(|d| short_date(&d))
            .unwrap_or_else(|| "-".into());
        let flags = m.flags().map(flag_letters).unwrap_or_default();
        let size = self.size.map(human_size).unwrap_or_default();
        let from = pad(&self.from, 24);
        let line = format!(
            "{:>8}  {date:<16}  {from}  {size:>7}  {:<5}  ",
            self.uid,
            truncate(&flags, 5)
        );
        let room = width
            .map(|w| w.saturating_sub(display_width(&line)).max(10))
            .unwrap_or(usize::MAX);
        format!("{line}{}", truncate(&self.subject, room))
            .trim_end()
            .to_string()
    }
}

pub fn header_row() -> String {
    format!(
        "{:>8}  {:<16}  {:<24}  {:>7}  {:<5}  SUBJECT",
        "UID", "DATE", "FROM", "SIZE", "FLAGS"
    )
}

fn sort_key(s: &str) -> CliResult<(SortKey, bool)> {
    let (desc, name) = match s.strip_prefix('-') {
        Some(n) => (true, n),
        None => (false, s),
    };
    let key = match name.to_ascii_lowercase().as_str() {
        "arrival" | "uid" => SortKey::Arrival,
        "date" => SortKey::Date,
        "from" => SortKey::From,
        "to" => SortKey::To,
        "cc" => SortKey::Cc,
        "subject" => SortKey::Subject,
        "size" => SortKey::Size,
        other => {
            return Err(CliError::usage(format!(
                "unknown sort key \"{other}\" (arrival, date, from, to, cc, subject, size; '-' in front reverses)"
            )))
        }
    };
    Ok((key, desc))
}

pub fn run(ctx: &Ctx, args: &SearchArgs) -> CliResult {
    super::check_mailbox(&args.mailbox)?;
    let (key, mut desc) = sort_key(&args.sort)?;
    if args.reverse {
        desc = !desc;
    }
    // A bad query is a usage error before any connection is made.
    crate::select::parse_query(&args.query)?;
    let (_account, mut conn) = ctx.connect()?;
    super::open_mailbox(&mut conn, &args.mailbox, true)?;
    let criteria = crate::select::query_criteria(&mut conn, &args.query)?;
    let mut uids = ordered_uids(&mut conn, criteria, key.clone(), desc)?;
    if let Some(n) = args.limit {
        uids.truncate(n);
    }
    if uids.is_empty() {
        conn.logout();
        if !ctx.json && !args.uids {
            ctx.note(format!("no message in \"{}\" matches", args.mailbox));
        }
        return Ok(Exit::NoMatch);
    }
    let mut out = ctx.out();
    if args.uids {
        for u in &uids {
            out.line(u.to_string())?;
        }
        conn.logout();
        return Ok(Exit::Ok);
    }
    print_summaries(ctx, &mut conn, &uids, &mut out)?;
    conn.logout();
    Ok(Exit::Ok)
}

/// Prints the summaries of `uids` in that order, fetching 500 at a time.
pub fn print_summaries(ctx: &Ctx, conn: &mut Conn, uids: &[u32], out: &mut Out) -> CliResult<()> {
    if !ctx.json {
        out.line(header_row())?;
    }
    for chunk in uids.chunks(500) {
        let set = crate::select::to_set(chunk);
        let mut fetched: Vec<Fetch> = conn
            .uid_fetch(&set, summary_attrs())
            .context(|| "UID FETCH".to_string())?
            .collect_all()
            .context(|| "UID FETCH".to_string())?;
        // Back into the requested order.
        fetched.sort_by_key(|m| {
            let u = m.uid().unwrap_or(0);
            chunk.iter().position(|&c| c == u).unwrap_or(usize::MAX)
        });
        for m in &fetched {
            let s = Summary::from_fetch(m);
            if ctx.json {
                out.json(&s)?;
            } else {
                out.line(s.row(m, out.width))?;
            }
        }
        out.flush()?;
    }
    Ok(())
}

/// The matching UIDs in the order asked for: UID SORT when the server has SORT, else
/// UID SEARCH, sorted here (fetching the sort field where the UID does not do).
fn ordered_uids(
    conn: &mut Conn,
    criteria: Criteria,
    key: SortKey,
    desc: bool,
) -> CliResult<Vec<u32>> {
    if key == SortKey::Arrival {
        let mut uids = conn
            .uid_search(criteria)
            .context(|| "UID SEARCH".to_string())?;
        uids.sort_unstable();
        if desc {
            uids.reverse();
        }
        return Ok(uids);
    }
    if conn.has_capability("SORT")? {
        let c = SortCriterion { reverse: desc, key };
        return conn
            .uid_sort([c], criteria)
            .context(|| "UID SORT".to_string());
    }
    let uids = conn
        .uid_search(criteria)
        .context(|| "UID SEARCH".to_string())?;
    let mut keyed: Vec<(String, u64, u32)> = Vec::with_capacity(uids.len());
    let mut sorted = uids.clone();
    sorted.sort_unstable();
    for chunk in sorted.chunks(1000) {
        let set = crate::select::to_set(chunk);
        for m in conn
            .uid_fetch(
                &set,
                [
                    FetchAttr::Uid,
                    FetchAttr::Envelope,
                    FetchAttr::Rfc822Size,
                    FetchAttr::InternalDate,
                ],
            )
            .context(|| "UID FETCH".to_string())?
        {
            let m = m.context(|| "UID FETCH".to_string())?;
            let env = m.envelope();
            let (s, n) = match key {
                SortKey::Size => (String::new(), m.size().unwrap_or(0)),
                SortKey::Date => {
                    let d = env
                        .and_then(|e| e.date())
                        .and_then(imap4::mime::parse_date)
                        .or_else(|| m.internal_date().copied());
                    (String::new(), d.map(|d| d.to_unix() as u64).unwrap_or(0))
                }
                SortKey::From => (text::from_email(env).unwrap_or_default().to_lowercase(), 0),
                SortKey::To => (
                    env.and_then(|e| e.to().get(0))
                        .and_then(|a| a.email())
                        .unwrap_or_default()
                        .to_lowercase(),
                    0,
                ),
                SortKey::Cc => (
                    env.and_then(|e| e.cc().get(0))
                        .and_then(|a| a.email())
                        .unwrap_or_default()
                        .to_lowercase(),
                    0,
                ),
                _ => (base_subject(&text::subject(env)), 0),
            };
            keyed.push((s, n, m.uid().unwrap_or(0)));
        }
    }
    keyed.sort();
    if desc {
        keyed.reverse();
    }
    Ok(keyed.into_iter().map(|(_, _, u)| u).collect())
}

/// The subject without `Re:`/`Fwd:` prefixes, lowercase (RFC 5256's base subject, roughly).
fn base_subject(s: &str) -> String {
    let mut t = s.trim();
    loop {
        let lower = t.to_ascii_lowercase();
        let cut = ["re:", "fwd:", "fw:", "aw:", "wg:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => t = t[n..].trim_start(),
            None => break,
        }
    }
    t.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        assert_eq!(base_subject("Re: Fwd: RE: Hello"), "hello");
        assert_eq!(base_subject("Report"), "report");
    }

    #[test]
    fn keys() {
        assert_eq!(sort_key("-size").unwrap(), (SortKey::Size, true));
        assert_eq!(sort_key("Date").unwrap(), (SortKey::Date, false));
        assert!(sort_key("colour").is_err());
    }
}
