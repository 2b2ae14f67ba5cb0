//! `imap4 flag MAILBOX add|rm|set FLAGS... UIDS` (or `--query`): UID STORE in batches,
//! with Ctrl-C honoured between batches.

use clap::{Args, ValueEnum};
use imap4::proto::encode::StoreMode;
use imap4::proto::Flag;
use serde::Serialize;

use crate::error::{CliError, CliResult, Context, Exit};
use crate::output::{flag_names, Ctx};
use crate::select::{QueryArg, Target};

pub const EXAMPLES: &str = "Examples:
  imap4 flag INBOX add seen 4711
  imap4 flag INBOX add flagged '$Important' 100:200
  imap4 flag INBOX rm seen --query 'from:boss since:today'
  imap4 flag INBOX set '\\Seen' '\\Answered' 7,9
  imap4 flag Lists add '$Junk' --query 'header:List-Id:spam' --dry-run

Flags: seen, answered, flagged, deleted, draft (or \\Seen, \\Answered, ...); any other
word is a keyword ($Junk, $Important, work).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Action {
    /// Add the flags.
    Add,
    /// Remove the flags.
    #[value(alias = "remove")]
    Rm,
    /// Make these the message's only flags.
    Set,
}

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES, override_usage = "imap4 flag [OPTIONS] <MAILBOX> <add|rm|set> <FLAGS>... <UIDS>\n       imap4 flag [OPTIONS] <MAILBOX> <add|rm|set> <FLAGS>... --query <QUERY>")]
pub struct FlagArgs {
    /// The mailbox.
    pub mailbox: String,
    /// What to do.
    pub action: Action,
    /// The flags, then the UIDs (7, 7,9, 100:200, 100:*, or - for UIDs on stdin).
    #[arg(required = true, value_name = "FLAGS... UIDS")]
    pub items: Vec<String>,
    #[command(flatten)]
    pub query: QueryArg,
    /// Show which messages would change, change nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

/// One message after the change (docs/cli-json.md: flag).
#[derive(Serialize)]
struct Changed {
    uid: u32,
    flags: Vec<String>,
}

#[derive(Serialize)]
struct Planned<'a> {
    uid: u32,
    dry_run: bool,
    action: &'a str,
    flags: &'a [String],
}

/// A flag as the user wrote it: `seen` or `\Seen` for system flags, anything else a
/// keyword (checked to be a valid IMAP atom).
pub fn parse_flag(s: &str) -> CliResult<Flag> {
    let lower = s.to_ascii_lowercase();
    let system = match lower.trim_start_matches('\\') {
        "seen" => Some(Flag::Seen),
        "answered" => Some(Flag::Answered),
        "flagged" => Some(Flag::Flagged),
        "deleted" => Some(Flag::Deleted),
        "draft" => Some(Flag::Draft),
        _ => None,
    };
    if let Some(f) = system {
        return Ok(f);
    }
    if lower == "\\recent" {
        return Err(CliError::usage(
            "\\Recent is set by the server and cannot be changed",
        ));
    }
    if s.starts_with('\\') {
        return Err(CliError::usage(format!(
            "unknown system flag {s} (\\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft)"
        )));
    }
    if s.is_empty()
        || s.bytes().any(|b| {
            b <= b' '
                || b >= 0x7f
                || matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
        })
    {
        return Err(CliError::usage(format!(
            "{s:?} is not a valid keyword (ASCII letters, digits and $-_. only, no spaces or brackets)"
        )));
    }
    Ok(Flag::keyword(s))
}

pub fn run(ctx: &Ctx, args: &FlagArgs) -> CliResult {
    super::check_mailbox(&args.mailbox)?;
    let (flag_words, uids_word) = if args.query.is_set() {
        (&args.items[..], None)
    } else {
        if args.items.len() < 2 {
            return Err(CliError::usage(
                "give the flags and then the UIDs (or --query QUERY)",
            ));
        }
        let (last, rest) = args.items.split_last().expect("two items");
        (rest, Some(last.as_str()))
    };
    let flags: Vec<Flag> = flag_words
        .iter()
        .map(|w| parse_flag(w))
        .collect::<CliResult<_>>()?;
    let target = Target::from_args(uids_word, &args.query)?;
    let (mode, verb) = match args.action {
        Action::Add => (StoreMode::Add, "added"),
        Action::Rm => (StoreMode::Remove, "removed"),
        Action::Set => (StoreMode::Replace, "set"),
    };

    let (_account, mut conn) = ctx.connect()?;
    let state = super::open_mailbox(&mut conn, &args.mailbox, args.dry_run)?;
    if state.read_only && !args.dry_run {
        return Err(CliError::new(format!(
            "\"{}\" is read-only for this account",
            args.mailbox
        )));
    }
    // Keywords need \* in PERMANENTFLAGS (or the keyword itself).
    if !args.dry_run && !state.permanent_flags.is_empty() {
        let open = state
            .permanent_flags
            .iter()
            .any(|f| matches!(f, Flag::MayCreate));
        for f in &flags {
            if matches!(f, Flag::Keyword(_)) && !open && !state.permanent_flags.contains(f) {
                return Err(CliError::new(format!(
                    "\"{}\" does not accept the keyword {} (it keeps: {})",
                    args.mailbox,
                    f.as_str(),
                    flag_names(&state.permanent_flags).join(" ")
                )));
            }
        }
    }
    let uids = crate::select::resolve(&mut conn, &args.mailbox, &target, &mut |w| ctx.warn(w))?;
    if uids.is_empty() {
        conn.logout();
        return Err(CliError::no_match(format!(
            "no matching message in \"{}\"",
            args.mailbox
        )));
    }
    let names = flag_names(&flags);
    let mut out = ctx.out();
    if args.dry_run {
        let action = format!("{:?}", args.action).to_lowercase();
        for &uid in &uids {
            if ctx.json {
                out.json(&Planned {
                    uid,
                    dry_run: true,
                    action: &action,
                    flags: &names,
                })?;
            }
        }
        if !ctx.json {
            out.line(format!(
                "would {action} {} on {} message(s) in {}: {}",
                names.join(" "),
                uids.len(),
                args.mailbox,
                crate::select::to_set(&uids)
            ))?;
        }
        conn.logout();
        return Ok(Exit::Ok);
    }
    let mut progress =
        crate::progress::Progress::new(ctx, "flag", "messages", Some(uids.len() as u64), None);
    let mut done = 0usize;
    for (set, chunk) in crate::select::chunks(&uids, 1000) {
        if crate::interrupt::interrupted() {
            progress.finish();
            conn.logout();
            return Err(CliError::interrupted(format!(
                "interrupted: {verb} {} on {done} of {} message(s); the rest is unchanged",
                names.join(" "),
                uids.len()
            )));
        }
        let changed = conn
            .uid_store(set, mode, flags.clone())
            .context(|| format!("UID STORE in \"{}\"", args.mailbox))?;
        if ctx.json {
            for m in &changed {
                if let Some(uid) = m.uid {
                    out.json(&Changed {
                        uid,
                        flags: flag_names(&m.flags),
                    })?;
                }
            }
        }
        done += chunk.len();
        progress.inc(chunk.len() as u64, 0);
    }
    progress.finish();
    conn.logout();
    if !ctx.json {
        let prep = match args.action {
            Action::Add => "to",
            Action::Rm => "from",
            Action::Set => "on",
        };
        out.line(format!(
            "{verb} {} {prep} {} message(s) in {}",
            names.join(" "),
            uids.len(),
            args.mailbox
        ))?;
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        assert_eq!(parse_flag("seen").unwrap(), Flag::Seen);
        assert_eq!(parse_flag("\\Seen").unwrap(), Flag::Seen);
        assert_eq!(parse_flag("\\FLAGGED").unwrap(), Flag::Flagged);
        assert_eq!(parse_flag("$Junk").unwrap(), Flag::keyword("$Junk"));
        assert!(parse_flag("\\Recent").is_err());
        assert!(parse_flag("\\Bogus").is_err());
        assert!(parse_flag("two words").is_err());
        assert!(parse_flag("a]b").is_err());
        assert!(parse_flag("x\r\ny").is_err());
        assert!(parse_flag("").is_err());
    }
}
