//! `imap4 save-attachments MAILBOX UID --to DIR`: each attachment decoded into DIR,
//! streamed (one attachment never sits in memory whole), under a name that cannot leave
//! DIR, without replacing any file that is already there.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use crate::error::{CliError, CliResult, Context, Exit};
use crate::output::{human_size, Ctx};
use crate::progress::Progress;

pub const EXAMPLES: &str = "Examples:
  imap4 save-attachments INBOX 4711 --to ~/Downloads
  imap4 save-attachments INBOX 4711 --to . --part 2
  imap4 search INBOX 'from:scanner since:today' --uids | while read u; do imap4 save-attachments INBOX \"$u\" --to scans; done

Names come from the message but are made safe: directory parts, control characters
and leading dots are removed, so '../../etc/passwd' is saved as 'passwd' inside DIR.
An existing file is never replaced: 'report (1).pdf' is used instead.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SaveAttachmentsArgs {
    /// The mailbox.
    pub mailbox: String,
    /// The message's UID.
    pub uid: u32,
    /// The directory to save into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Only this part (`2`, `1.2`); may be repeated.
    #[arg(long, value_name = "N")]
    pub part: Vec<String>,
}

/// One saved file (docs/cli-json.md: save-attachments).
#[derive(Serialize)]
struct Saved {
    uid: u32,
    part: String,
    filename: Option<String>,
    path: PathBuf,
    #[serde(rename = "type")]
    mime_type: String,
    bytes: u64,
}

pub fn run(ctx: &Ctx, args: &SaveAttachmentsArgs) -> CliResult {
    super::check_mailbox(&args.mailbox)?;
    fs::create_dir_all(&args.to).context(|| format!("cannot create {}", args.to.display()))?;
    let (_account, mut conn) = ctx.connect()?;
    super::open_mailbox(&mut conn, &args.mailbox, true)?;
    let exists = conn
        .uid_search(imap4::proto::encode::Criteria::uid(
            imap4::proto::SequenceSet::single(args.uid)
                .map_err(|e| CliError::usage(e.to_string()))?,
        ))
        .context(|| "UID SEARCH".to_string())?;
    if exists.is_empty() {
        return Err(CliError::no_match(format!(
            "no message with UID {} in \"{}\"",
            args.uid, args.mailbox
        )));
    }
    let mut list = conn
        .attachments(args.uid)
        .context(|| "listing attachments".to_string())?;
    if !args.part.is_empty() {
        list.retain(|a| args.part.contains(&a.part_number()));
    }
    if list.is_empty() {
        conn.logout();
        ctx.note(format!("message {} has no attachments to save", args.uid));
        return Ok(Exit::NoMatch);
    }
    let total: u64 = list.iter().map(|a| a.size).sum();
    let mut progress = Progress::new(
        ctx,
        "save-attachments",
        "files",
        Some(list.len() as u64),
        Some(total),
    );
    let mut out = ctx.out();
    for a in &list {
        let fallback = format!("part-{}{}", a.part_number(), extension_for(&a.mime_type));
        let name = a
            .filename
            .as_deref()
            .map(safe_name)
            .filter(|n| !n.is_empty())
            .unwrap_or(fallback);
        let (path, file) = create_unique(&args.to, &name)?;
        let tmp_path = path.clone();
        let mut w = BufWriter::new(file);
        let result = conn.save_attachment(args.uid, a, &mut w);
        let flushed = w.flush();
        let bytes = match (result, flushed) {
            (Ok(n), Ok(())) => n.unwrap_or(0),
            (Err(e), _) => {
                let _ = fs::remove_file(&tmp_path);
                return Err(CliError::from(e))
                    .context(|| format!("saving part {}", a.part_number()));
            }
            (Ok(_), Err(e)) => {
                let _ = fs::remove_file(&tmp_path);
                return Err(CliError::new(format!("writing {}: {e}", path.display())));
            }
        };
        progress.inc(1, a.size);
        let saved = Saved {
            uid: args.uid,
            part: a.part_number(),
            filename: a.filename.clone(),
            path: path.clone(),
            mime_type: a.mime_type.clone(),
            bytes,
        };
        if ctx.json {
            out.json(&saved)?;
        } else {
            out.line(format!(
                "saved {} ({}, {})",
                path.display(),
                a.mime_type,
                human_size(bytes)
            ))?;
        }
    }
    progress.finish();
    conn.logout();
    Ok(Exit::Ok)
}

/// Creates `dir/name`, or `dir/name (1).ext`, ... if taken; never follows or replaces
/// what is there (O_EXCL).
fn create_unique(dir: &Path, name: &str) -> CliResult<(PathBuf, File)> {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    for n in 0..1000 {
        let candidate = if n == 0 {
            name.to_string()
        } else {
            format!("{stem} ({n}){ext}")
        };
        let path = dir.join(&candidate);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(CliError::new(format!(
                    "cannot create {}: {e}",
                    path.display()
                )))
            }
        }
    }
    Err(CliError::new(format!(
        "too many files named like {name} in {}",
        dir.display()
    )))
}

/// A file name taken from a message, made safe: only its last path component, without
/// control characters, characters Windows forbids, leading dots or trailing dots and
/// spaces, at most 200 bytes (keeping the extension). Empty when nothing is left.
pub fn safe_name(raw: &str) -> String {
    let last = raw
        .split(['/', '\\'])
        .map(str::trim)
        .rfind(|s| !s.is_empty() && *s != "." && *s != "..")
        .unwrap_or("");
    let mut s: String = last
        .chars()
        .map(|c| match c {
            c if c.is_control() => '_',
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    s = s
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    let upper = s.split('.').next().unwrap_or("").to_ascii_uppercase();
    const RESERVED: [&str; 22] = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
        "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    if RESERVED.contains(&upper.as_str()) {
        s.insert(0, '_');
    }
    const MAX: usize = 200;
    if s.len() > MAX {
        let ext = match s.rfind('.') {
            Some(i) if s.len() - i <= 16 => s[i..].to_string(),
            _ => String::new(),
        };
        let mut cut = MAX - ext.len();
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s = format!("{}{ext}", &s[..cut]);
    }
    s
}

fn extension_for(mime: &str) -> &'static str {
    match mime {
        "application/pdf" => ".pdf",
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "text/calendar" => ".ics",
        "message/rfc822" => ".eml",
        "application/zip" => ".zip",
        _ => ".bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\..\\Windows\\system.ini"), "system.ini");
        assert_eq!(safe_name("/absolute/path.txt"), "path.txt");
        assert_eq!(safe_name(".."), "");
        assert_eq!(safe_name("."), "");
        assert_eq!(safe_name("../"), "");
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name("a\0b\r\nc.txt"), "a_b__c.txt");
        assert_eq!(safe_name("CON.txt"), "_CON.txt");
        assert_eq!(safe_name("what?.pdf"), "what_.pdf");
        assert_eq!(safe_name("Grüße.pdf"), "Grüße.pdf");
        assert_eq!(safe_name("trailing. . "), "trailing");
        let long = format!("{}.pdf", "ä".repeat(300));
        let s = safe_name(&long);
        assert!(s.len() <= 200 && s.ends_with(".pdf"), "{}", s.len());
    }

    #[test]
    fn unique_names() {
        let dir = std::env::temp_dir().join(format!("imap4-unique-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let (a, _) = create_unique(&dir, "r.pdf").unwrap();
        let (b, _) = create_unique(&dir, "r.pdf").unwrap();
        assert_eq!(a.file_name().unwrap(), "r.pdf");
        assert_eq!(b.file_name().unwrap(), "r (1).pdf");
        fs::remove_dir_all(&dir).unwrap();
    }
}
