//! Output: a table for people, JSON Lines for programs (schemas in docs/cli-json.md), and
//! the few formatting rules both share (sizes, dates, flags). Commands compute their data
//! and hand it here; nothing in this module talks to a server.

use std::io::{self, IsTerminal, Write};

use imap4::proto::date::InternalDate;
use imap4::proto::Flag;
use serde::Serialize;

use crate::account::{Account, Conn, GlobalArgs};
use crate::error::CliResult;

/// What every command gets: the global options and facts about the terminal.
pub struct Ctx {
    pub global: GlobalArgs,
    pub json: bool,
    pub quiet: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
}

impl Ctx {
    pub fn new(g: &GlobalArgs) -> CliResult<Ctx> {
        if g.verbose > 0 {
            // -v: one line per command and completion (target imap4, DEBUG); -vv: every
            // line on the wire (target imap4::wire, TRACE). The library redacts LOGIN and
            // AUTHENTICATE lines and summarizes literals.
            let level = if g.verbose >= 2 {
                tracing_subscriber::filter::LevelFilter::TRACE
            } else {
                tracing_subscriber::filter::LevelFilter::DEBUG
            };
            let _ = tracing_subscriber::fmt()
                .with_writer(io::stderr)
                .with_max_level(level)
                .with_target(true)
                .try_init();
        }
        Ok(Ctx {
            global: GlobalArgs {
                account: g.account.clone(),
                config: g.config.clone(),
                host: g.host.clone(),
                port: g.port,
                user: g.user.clone(),
                tls: g.tls,
                ca_file: g.ca_file.clone(),
                auth: g.auth.clone(),
                timeout: g.timeout,
                insecure: g.insecure,
                json: g.json,
                quiet: g.quiet,
                verbose: g.verbose,
            },
            json: g.json,
            quiet: g.quiet,
            stdout_tty: io::stdout().is_terminal(),
            stderr_tty: io::stderr().is_terminal(),
        })
    }

    /// The account the options pick; warnings (a config readable by others) go to stderr.
    pub fn account(&self) -> CliResult<Account> {
        Account::resolve(&self.global, &mut |w| eprintln!("imap4: {w}"))
    }

    /// The account, connected and logged in.
    pub fn connect(&self) -> CliResult<(Account, Conn)> {
        let account = self.account()?;
        let conn = account.connect()?;
        Ok((account, conn))
    }

    /// A note for the user on stderr (not with --quiet).
    pub fn note(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }

    /// A warning on stderr (even with --quiet: it is about the result).
    pub fn warn(&self, msg: impl AsRef<str>) {
        eprintln!("imap4: warning: {}", msg.as_ref());
    }

    pub fn out(&self) -> Out {
        Out {
            w: io::BufWriter::new(io::stdout().lock()),
            width: if self.stdout_tty { term_width() } else { None },
        }
    }
}

fn term_width() -> Option<usize> {
    if let Some(c) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(c);
    }
    let (_, cols) = console::Term::stdout().size_checked()?;
    Some(cols as usize)
}

/// Standard output, buffered; flushed by `finish` (and on drop, ignoring errors).
pub struct Out {
    w: io::BufWriter<io::StdoutLock<'static>>,
    /// The terminal's width, when stdout is one (tables are cut to fit).
    pub width: Option<usize>,
}

impl Out {
    /// One JSON object on its own line.
    pub fn json<T: Serialize>(&mut self, v: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.w, v).map_err(io::Error::other)?;
        self.w.write_all(b"\n")
    }

    pub fn line(&mut self, s: impl AsRef<str>) -> io::Result<()> {
        self.w.write_all(s.as_ref().as_bytes())?;
        self.w.write_all(b"\n")
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }

    /// Prints a table: a header row and aligned columns; the column marked `flex` is cut
    /// to fit the terminal (never when the output is not a terminal).
    pub fn table(&mut self, t: &Table) -> io::Result<()> {
        let n = t.columns.len();
        let mut widths: Vec<usize> = t.columns.iter().map(|c| display_width(c.title)).collect();
        for row in &t.rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(display_width(cell));
            }
        }
        if let (Some(total), Some(flex)) = (self.width, t.columns.iter().position(|c| c.flex)) {
            let others: usize = widths
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != flex)
                .map(|(_, w)| w + 2)
                .sum();
            let room = total
                .saturating_sub(others)
                .max(display_width(t.columns[flex].title))
                .max(10);
            widths[flex] = widths[flex].min(room);
        }
        let mut render = |cells: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
            let mut line = String::new();
            for (i, cell) in cells.enumerate().take(n) {
                let col = &t.columns[i];
                let cell = truncate(cell, widths[i]);
                let pad = widths[i].saturating_sub(display_width(&cell));
                let last = i + 1 == n;
                if i > 0 {
                    line.push_str("  ");
                }
                if col.right {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(&cell);
                } else {
                    line.push_str(&cell);
                    if !last {
                        line.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            self.line(line.trim_end())
        };
        if !t.rows.is_empty() || t.always_header {
            render(&mut t.columns.iter().map(|c| c.title))?;
        }
        for row in &t.rows {
            render(&mut row.iter().map(String::as_str))?;
        }
        Ok(())
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        let _ = self.w.flush();
    }
}

/// A column of a [`Table`].
pub struct Column {
    pub title: &'static str,
    pub right: bool,
    pub flex: bool,
}

pub fn col(title: &'static str) -> Column {
    Column {
        title,
        right: false,
        flex: false,
    }
}

pub fn num(title: &'static str) -> Column {
    Column {
        title,
        right: true,
        flex: false,
    }
}

pub fn flex(title: &'static str) -> Column {
    Column {
        title,
        right: false,
        flex: true,
    }
}

/// Rows of cells under column titles.
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    pub always_header: bool,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            always_header: false,
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }
}

/// Width in terminal columns (wide CJK and emoji count two).
pub fn display_width(s: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cuts `s` to `n` columns with an ellipsis; control characters (a CR in a subject) are
/// shown as spaces so that a hostile header cannot move the cursor.
pub fn truncate(s: &str, n: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if display_width(&clean) <= n {
        return clean;
    }
    if n == 0 {
        return String::new();
    }
    let mut t = String::new();
    let mut w = 0;
    for c in clean.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > n - 1 {
            break;
        }
        w += cw;
        t.push(c);
    }
    t.push('…');
    t
}

/// Pads `s` with spaces to `n` columns (format's `{:<n}` counts chars, not columns).
pub fn pad(s: &str, n: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(n.saturating_sub(w)))
}

/// Replaces control characters (escape sequences in a hostile header) for a terminal.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// `1.2 MB`-style sizes (powers of 1024, as `du -h` and mail clients show them).
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if v < 10.0 {
        format!("{v:.1} {}", UNITS[u])
    } else {
        format!("{v:.0} {}", UNITS[u])
    }
}

/// `2024-03-05 14:22` in the date's own zone (the server's or the sender's).
pub fn short_date(d: &InternalDate) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.year, d.month, d.day, d.hour, d.minute
    )
}

/// RFC 3339: `2024-03-05T14:22:01+01:00`.
pub fn rfc3339(d: &InternalDate) -> String {
    let off = d.offset_minutes;
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.unsigned_abs();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        d.year,
        d.month,
        d.day,
        d.hour,
        d.minute,
        d.second,
        off / 60,
        off % 60
    )
}

/// Flags as the server names them: `\Seen`, `$Junk`.
pub fn flag_names(flags: &[Flag]) -> Vec<String> {
    flags.iter().map(|f| f.as_str().into_owned()).collect()
}

/// Flags in a table cell: the system flags as letters (`S` seen, `A` answered, `F`
/// flagged, `D` draft, `X` deleted), then keywords.
pub fn flag_letters(flags: &[Flag]) -> String {
    let mut s = String::new();
    let mut keywords = Vec::new();
    for f in flags {
        match f {
            Flag::Seen => s.push('S'),
            Flag::Answered => s.push('A'),
            Flag::Flagged => s.push('F'),
            Flag::Draft => s.push('D'),
            Flag::Deleted => s.push('X'),
            Flag::Recent => {}
            other => keywords.push(other.as_str().into_owned()),
        }
    }
    let mut letters: Vec<char> = s.chars().collect();
    letters.sort_by_key(|c| "SAFDX".find(*c));
    let mut out: String = letters.into_iter().collect();
    if !keywords.is_empty() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&keywords.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 kB");
        assert_eq!(human_size(20 * 1024 * 1024), "20 MB");
    }

    #[test]
    fn truncation_and_control_characters() {
        assert_eq!(truncate("héllo wörld", 6), "héllo…");
        assert_eq!(truncate("a\r\nb", 10), "a  b");
        assert_eq!(sanitize("x\x1b[2Jy"), "x [2Jy");
    }

    #[test]
    fn letters() {
        let f = [Flag::keyword("$Junk"), Flag::Flagged, Flag::Seen];
        assert_eq!(flag_letters(&f), "SF $Junk");
    }

    #[test]
    fn dates() {
        let d = InternalDate::new(2024, 3, 5, 14, 22, 1, -330).unwrap();
        assert_eq!(rfc3339(&d), "2024-03-05T14:22:01-05:30");
        assert_eq!(short_date(&d), "2024-03-05 14:22");
    }
}
