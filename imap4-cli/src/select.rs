//! Which messages a command acts on: UIDs (`7`, `7,9`, `100:200`, `100:*`, `-` for UIDs
//! on stdin) or a query (`--query 'from:alice unseen'`, the language of `imap4 search`).
//! Either way the set is resolved against the selected mailbox first, so that a command
//! knows what exists, can say "nothing matched", and a dry run can list the messages.

use std::io::BufRead;

use imap4::proto::encode::Criteria;
use imap4::proto::SequenceSet;
use imap4::query::Query;

use crate::account::Conn;
use crate::error::{CliError, CliResult, Context};

/// `--query`, shared by every command that takes UIDs.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct QueryArg {
    /// Act on the messages matching a query instead of UIDs (see 'imap4 help search');
    /// may be given several times (all must match).
    #[arg(short = 'Q', long = "query", value_name = "QUERY")]
    pub query: Vec<String>,
}

impl QueryArg {
    pub fn is_set(&self) -> bool {
        !self.query.is_empty()
    }
}

/// The messages to act on, before they are checked against the mailbox.
#[derive(Debug, Clone)]
pub enum Target {
    Uids(SequenceSet),
    Query(Vec<String>),
}

impl Target {
    /// From a UIDS argument, or from --query when given (then `uids` must be absent).
    pub fn from_args(uids: Option<&str>, query: &QueryArg) -> CliResult<Target> {
        match (uids, query.is_set()) {
            (Some(u), false) => Ok(Target::Uids(parse_uids(u)?)),
            (None, true) => {
                parse_query(&query.query)?;
                Ok(Target::Query(query.query.clone()))
            }
            (Some(_), true) => Err(CliError::usage("give UIDs or --query, not both")),
            (None, false) => Err(CliError::usage(
                "which messages? give UIDs (7, 7,9, 100:200) or --query QUERY",
            )),
        }
    }
}

/// Parses a query, turning its error into a usage error that points at the word.
pub fn parse_query(words: &[String]) -> CliResult<Query> {
    Query::parse(words).map_err(|e| CliError::usage(format!("bad query: {e:#}")))
}

/// `7`, `7,9`, `100:200`, `100:*`; `-` reads UIDs from stdin (whitespace, commas or
/// newlines between them), as printed by `imap4 search --uids`.
pub fn parse_uids(s: &str) -> CliResult<SequenceSet> {
    let text = if s == "-" {
        let mut all = Vec::new();
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|e| CliError::new(format!("reading UIDs from stdin: {e}")))?;
            all.extend(
                line.split([' ', '\t', ','])
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
        if all.is_empty() {
            return Err(CliError::no_match("no UIDs on stdin"));
        }
        all.join(",")
    } else {
        s.trim().to_string()
    };
    let set = SequenceSet::parse(text.as_bytes()).map_err(|e| {
        CliError::usage(format!(
            "bad UIDs {:?}: {e} (write 7, 7,9, 100:200 or 100:*)",
            crate::output::truncate(&text, 60)
        ))
    })?;
    if set.contains(0, u32::MAX) {
        return Err(CliError::usage("UIDs start at 1"));
    }
    Ok(set)
}

/// The UIDs of `target` that exist in the selected mailbox `mailbox`, ascending.
/// Listed single UIDs that do not exist are reported through `warn`.
pub fn resolve(
    conn: &mut Conn,
    mailbox: &str,
    target: &Target,
    warn: &mut dyn FnMut(String),
) -> CliResult<Vec<u32>> {
    let criteria = match target {
        Target::Uids(set) => Criteria::uid(set.clone()),
        Target::Query(words) => query_criteria(conn, words)?,
    };
    let mut uids = conn
        .uid_search(criteria)
        .context(|| format!("searching \"{mailbox}\""))?;
    uids.sort_unstable();
    uids.dedup();
    if let Target::Uids(set) = target {
        let missing: Vec<String> = set
            .ranges()
            .iter()
            .filter_map(|r| {
                let s = r.to_string();
                s.parse::<u32>().ok()
            })
            .filter(|u| uids.binary_search(u).is_err())
            .map(|u| u.to_string())
            .collect();
        if !missing.is_empty() && !uids.is_empty() {
            warn(format!("no UID {} in \"{mailbox}\"", missing.join(", ")));
        }
    }
    Ok(uids)
}

/// A query's criteria after checking that the server has what the query needs.
pub fn query_criteria(conn: &mut Conn, words: &[String]) -> CliResult<Criteria> {
    let q = parse_query(words)?;
    for cap in q.needs() {
        if !conn
            .has_capability(cap)
            .context(|| "CAPABILITY".to_string())?
        {
            return Err(CliError::usage(format!(
                "the query needs the server capability {cap}, which this server does not offer"
            )));
        }
    }
    Ok(q.into_criteria())
}

/// UIDs as a compact set (`1:5,9`).
pub fn to_set(uids: &[u32]) -> SequenceSet {
    uids.iter().copied().collect()
}

/// Splits UIDs into sets of at most `n` messages (keeps command lines short).
pub fn chunks(uids: &[u32], n: usize) -> impl Iterator<Item = (SequenceSet, &[u32])> {
    uids.chunks(n.max(1)).map(|c| (to_set(c), c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_forms() {
        assert_eq!(parse_uids("7").unwrap().to_string(), "7");
        assert_eq!(parse_uids("7,9").unwrap().to_string(), "7,9");
        assert_eq!(parse_uids("100:200").unwrap().to_string(), "100:200");
        assert_eq!(parse_uids("100:*").unwrap().to_string(), "100:*");
        assert!(parse_uids("abc").unwrap_err().message.contains("bad UIDs"));
        assert!(parse_uids("0").is_err());
        assert!(parse_uids("").is_err());
        assert!(parse_uids("7;9").is_err());
    }

    #[test]
    fn compact_sets() {
        assert_eq!(to_set(&[1, 2, 3, 5, 9, 10]).to_string(), "1:3,5,9:10");
    }
}
