//! `--accounts FILE`: many accounts (backup) or account pairs (migrate) from a CSV file,
//! each secret given by reference (`env:VAR`, `cmd:COMMAND`, `oauth2-cmd:COMMAND`), never
//! the secret itself; and `--shard K/N`, which keeps every N-th row so that a batch
//! scheduler can spread one file over N machines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use imap4_sync::backup::Observer;

use crate::account::{Account, GlobalArgs};
use crate::config::{AccountConfig, TlsMode};
use crate::error::{CliError, CliResult};

/// One data row: its line number and its fields by column name.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub fields: BTreeMap<String, String>,
}

impl Row {
    pub fn get(&self, col: &str) -> Option<&str> {
        self.fields
            .get(col)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The row's name (the `name` column).
    pub fn name(&self) -> &str {
        self.get("name").unwrap_or("")
    }
}

/// RFC 4180 CSV: fields separated by commas, quoted with `"` where they hold commas,
/// quotes (doubled) or line ends; CRLF or LF rows. Returns the rows with the line each
/// starts on.
pub fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut at_start = true;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    match chars.peek() {
                        None | Some(',') | Some('\n') | Some('\r') => {}
                        Some(_) => return Err(format!("line {line}: text after a closing quote")),
                    }
                }
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => return Err(format!("line {line}: a quote inside an unquoted field")),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push((row_line, std::mem::take(&mut row)));
                }
                row.clear();
                line += 1;
                row_line = line;
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return Err(format!("line {row_line}: a quoted field is not closed"));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows)
}

/// Reads the file: a header row, then data rows; every `required` column must be there,
/// nothing outside `required` and `optional`.
pub fn read(path: &Path, required: &[&str], optional: &[&str]) -> CliResult<Vec<Row>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("--accounts {}: {e}", path.display())))?;
    let rows = parse_csv(&text)
        .map_err(|e| CliError::usage(format!("--accounts {}: {e}", path.display())))?;
    let mut it = rows.into_iter();
    let Some((_, header)) = it.next() else {
        return Err(CliError::usage(format!(
            "--accounts {}: empty (it needs a header row: {})",
            path.display(),
            required.join(",")
        )));
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    for h in &header {
        if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) {
            return Err(CliError::usage(format!(
                "--accounts {}: unknown column {h:?} (columns: {}; optional: {})",
                path.display(),
                required.join(","),
                optional.join(",")
            )));
        }
    }
    for r in required {
        if !header.iter().any(|h| h == r) {
            return Err(CliError::usage(format!(
                "--accounts {}: no column {r:?} in the header row",
                path.display()
            )));
        }
    }
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (line, fields) in it {
        if fields.len() != header.len() {
            return Err(CliError::usage(format!(
                "--accounts {}: line {line} has {} fields, the header {}",
                path.display(),
                fields.len(),
                header.len()
            )));
        }
        let row = Row {
            line,
            fields: header.iter().cloned().zip(fields).collect(),
        };
        let name = row.name().to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
            || name.starts_with('.')
        {
            return Err(CliError::usage(format!(
                "--accounts {}: line {line}: the name {name:?} must be letters, digits, - _ . @ (it names the state and backup files)",
                path.display()
            )));
        }
        if !names.insert(name.clone()) {
            return Err(CliError::usage(format!(
                "--accounts {}: line {line}: the name {name:?} is used twice",
                path.display()
            )));
        }
        out.push(row);
    }
    Ok(out)
}

/// The account described by the columns `{prefix}host`, `{prefix}port`, `{prefix}tls`,
/// `{prefix}user`, `{prefix}secret`, `{prefix}ca_file` of `row`.
pub fn account(row: &Row, prefix: &str, g: &GlobalArgs, file: &Path) -> CliResult<Account> {
    let col = |c: &str| {
        row.get(&format!("{prefix}{c}"))
            .map(str::trim)
            .map(str::to_string)
    };
    let at = || format!("--accounts {}: line {}", file.display(), row.line);
    let mut base = AccountConfig {
        host: col("host"),
        user: col("user"),
        ca_file: col("ca_file").map(PathBuf::from),
        ..AccountConfig::default()
    };
    if let Some(p) = col("port") {
        base.port =
            Some(p.parse().map_err(|_| {
                CliError::usage(format!("{}: {prefix}port {p:?} is not a port", at()))
            })?);
    }
    if let Some(t) = col("tls") {
        base.tls = Some(match t.to_ascii_lowercase().as_str() {
            "tls" => TlsMode::Tls,
            "starttls" => TlsMode::Starttls,
            "none" => TlsMode::None,
            _ => {
                return Err(CliError::usage(format!(
                    "{}: {prefix}tls {t:?}: tls, starttls or none",
                    at()
                )))
            }
        });
    }
    let secret =
        col("secret").ok_or_else(|| CliError::usage(format!("{}: no {prefix}secret", at())))?;
    if let Some(v) = secret.strip_prefix("env:") {
        base.password_env = Some(v.to_string());
    } else if let Some(v) = secret.strip_prefix("cmd:") {
        base.password_command = Some(v.to_string());
    } else if let Some(v) = secret.strip_prefix("oauth2-cmd:") {
        base.oauth2_token_command = Some(v.to_string());
    } else {
        // Never echo it: it may be a password someone pasted.
        return Err(CliError::usage(format!(
            "{}: {prefix}secret must be a reference (env:VARIABLE, cmd:COMMAND or oauth2-cmd:COMMAND), not the secret itself",
            at()
        )));
    }
    // The file says everything about the account; the command line's account flags do not apply.
    let mut g = g.clone();
    g.host = None;
    g.port = None;
    g.user = None;
    g.tls = None;
    g.account = None;
    Account::from_config(
        format!(
            "{}{}",
            row.name(),
            if prefix.is_empty() {
                String::new()
            } else {
                format!(" ({})", prefix.trim_end_matches('_'))
            }
        ),
        base,
        &g,
    )
}

/// `--shard K/N`: 0 ≤ K < N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?}: write it K/N, e.g. 0/4 (K from 0 to N-1)"))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("{s:?}: K is not a number"))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("{s:?}: N is not a number"))?;
        if n == 0 || k >= n {
            return Err(format!("{s:?}: K must be from 0 to N-1, and N at least 1"));
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Whether the `i`-th data row (from 0) is this shard's.
    pub fn keeps(&self, i: usize) -> bool {
        i % self.n == self.k
    }
}

/// An observer that names the account in front of each mailbox (progress bars of several
/// accounts at once).
pub struct Prefixed<'a> {
    pub inner: &'a dyn Observer,
    pub prefix: String,
}

impl Observer for Prefixed<'_> {
    fn start(&self, mailbox: &str, messages: u64) {
        self.inner
            .start(&format!("{}: {mailbox}", self.prefix), messages);
    }
    fn saved(&self, mailbox: &str, bytes: u64) {
        self.inner
            .saved(&format!("{}: {mailbox}", self.prefix), bytes);
    }
    fn done(&self, mailbox: &str) {
        self.inner.done(&format!("{}: {mailbox}", self.prefix));
    }
    fn cancelled(&self) -> bool {
        self.inner.cancelled()
    }
}

/// Runs `work` on each named item, `jobs` at a time, until Ctrl-C; with --json prints
/// each result line as soon as it is ready (a batch killed half way still says which
/// accounts finished). Returns the results sorted by name.
pub fn for_each<T: Sync>(
    ctx: &crate::output::Ctx,
    jobs: usize,
    items: Vec<(String, T)>,
    work: impl Fn(&str, &T) -> serde_json::Value + Sync,
) -> Vec<(String, serde_json::Value)> {
    let queue = std::sync::Mutex::new(items.iter().collect::<std::collections::VecDeque<_>>());
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                if crate::interrupt::interrupted() {
                    break;
                }
                let Some((name, item)) = queue.lock().ok().and_then(|mut q| q.pop_front()) else {
                    break;
                };
                let row = work(name, item);
                if ctx.json {
                    use std::io::Write;
                    let mut so = std::io::stdout().lock();
                    let _ = writeln!(so, "{row}");
                    let _ = so.flush();
                }
                if let Ok(mut v) = results.lock() {
                    v.push((name.clone(), row));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

/// The table of per-account rows (not with --json: those lines are out already), the
/// summary note, and the exit: `count` is the title and key of the messages column,
/// `what` the job ("backup"), `done` the past tense for the error ("backed up").
pub fn finish(
    ctx: &crate::output::Ctx,
    results: &[(String, serde_json::Value)],
    count: (&'static str, &str),
    what: &str,
    done: &str,
    shard: Option<Shard>,
    note: &str,
) -> CliResult {
    use crate::output::{col, flex, human_size, num, Table};
    use serde_json::Value;
    if !ctx.json {
        let mut out = ctx.out();
        let mut table = Table::new(vec![
            flex("ACCOUNT"),
            num("MAILBOXES"),
            num(count.0),
            num("SIZE"),
            num("FAILED"),
            col("RESULT"),
        ]);
        let n = |v: &Value| v.as_u64().map_or("-".to_string(), |n| n.to_string());
        for (name, r) in results {
            table.push(vec![
                name.clone(),
                n(&r["mailboxes"]),
                n(&r[count.1]),
                r["bytes"].as_u64().map_or("-".to_string(), human_size),
                n(&r["failed"]),
                match r["error"].as_str() {
                    Some(e) => format!("failed: {e}"),
                    None => r["status"].as_str().unwrap_or("").to_string(),
                },
            ]);
        }
        out.table(&table)?;
        out.flush()?;
    }
    let bad = results.iter().filter(|(_, r)| r["status"] != "ok").count();
    ctx.note(format!(
        "imap4: {what}: {} account(s){}, {bad} not complete{note}",
        results.len(),
        shard
            .map(|s| format!(" (shard {}/{})", s.k, s.n))
            .unwrap_or_default()
    ));
    if crate::interrupt::interrupted() {
        return Err(CliError::interrupted(
            "interrupted; what was done is kept: run the same command again to finish",
        ));
    }
    if bad > 0 {
        return Err(CliError::new(format!(
            "{bad} account(s) not completely {done} (see above); run it again to retry them"
        )));
    }
    Ok(crate::error::Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_shapes() {
        let rows =
            parse_csv("a,b\r\n\"x, y\",\"he said \"\"hi\"\"\"\n\nlast,\"multi\nline\"").unwrap();
        assert_eq!(rows[0], (1, vec!["a".to_string(), "b".to_string()]));
        assert_eq!(rows[1].1, ["x, y", "he said \"hi\""]);
        assert_eq!(
            rows[2],
            (4, vec!["last".to_string(), "multi\nline".to_string()])
        );
        assert!(parse_csv("a,\"open").unwrap_err().contains("not closed"));
        assert!(parse_csv("a,b\"c").unwrap_err().contains("quote inside"));
        assert!(parse_csv("\"a\"b")
            .unwrap_err()
            .contains("after a closing quote"));
        assert_eq!(parse_csv("").unwrap(), vec![]);
    }

    #[test]
    fn shards() {
        let s: Shard = "1/3".parse().unwrap();
        let kept: Vec<usize> = (0..7).filter(|i| s.keeps(*i)).collect();
        assert_eq!(kept, [1, 4]);
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        // Every row is in exactly one shard.
        for i in 0..20 {
            let n = (0..4).filter(|k| Shard { k: *k, n: 4 }.keeps(i)).count();
            assert_eq!(n, 1);
        }
    }
}
