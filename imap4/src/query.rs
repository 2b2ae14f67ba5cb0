//! A small search language for people, translated to IMAP [`Criteria`].
//!
//! This is what `imap4 search` and every `--query` of the CLI accept, usable on its own by
//! programs that let their users type a search:
//!
//! ```
//! use imap4::query::Query;
//!
//! let q: Query = r#"from:alice subject:"q3 report" since:2024-01-01 unseen"#.parse()?;
//! assert_eq!(
//!     q.criteria().to_string(),
//!     r#"FROM alice SUBJECT "q3 report" SINCE 1-Jan-2024 UNSEEN"#
//! );
//!
//! let q: Query = "(from:alice or from:bob) -flagged larger:1M".parse()?;
//! assert_eq!(
//!     q.criteria().to_string(),
//!     "OR FROM alice FROM bob NOT FLAGGED LARGER 1048576"
//! );
//! # Ok::<(), imap4::query::QueryError>(())
//! ```
//!
//! # The language
//!
//! Words are ANDed; `or` between two terms, `not` or a leading `-` before one, and
//! parentheses group. `not` binds tightest, then the implicit `and`, then `or`, so
//! `a b or c` means `(a b) or c`. The words `and`, `or` and `not` are operators in any case;
//! quote them (`"or"`) to search for the word itself.
//!
//! | term | IMAP | notes |
//! |---|---|---|
//! | `word`, `"a phrase"` | `TEXT` | anywhere in the message |
//! | `from:` `to:` `cc:` `bcc:` `subject:` `body:` `text:` | `FROM` … `TEXT` | substring, case-insensitive on most servers |
//! | `header:List-Id:dev` | `HEADER List-Id dev` | an empty value matches messages that have the field |
//! | `keyword:$Junk` | `KEYWORD $Junk` | |
//! | `seen` `unseen` `read` `unread` `flagged` `unflagged` `answered` `unanswered` `draft` `undraft` `deleted` `undeleted` `new` `old` `recent` `all` | flags | also as `is:flagged` |
//! | `since:` `before:` `on:` | `SINCE` `BEFORE` `ON` | arrival date (INTERNALDATE) |
//! | `sent-since:` `sent-before:` `sent-on:` | `SENTSINCE` … | the Date: header |
//! | `larger:1M` `smaller:10k` | `LARGER` `SMALLER` | `k`, `M`, `G` are powers of 1024 |
//! | `uid:100:200` | `UID 100:200` | any UID set: `7`, `7,9`, `100:*` |
//! | `modseq:1234` | `MODSEQ 1234` | needs CONDSTORE |
//! | `older:2d` `younger:3h` | `OLDER` `YOUNGER` | seconds; `s`, `m`/`min`, `h`, `d`, `w`; needs WITHIN |
//! | `gmail:"has:attachment"` | `X-GM-RAW` | Gmail's own syntax; needs X-GM-EXT-1 |
//!
//! Dates are `2024-01-31`, `31-Jan-2024`, `today`, `yesterday`, or a time ago: `7d`, `2w`,
//! `3m` (months), `1y`, counted from today in UTC.
//!
//! An empty query matches every message. An error names the word it is about
//! ([`QueryError::word`], [`QueryError::span`]).
//!
//! # Queries from a command line
//!
//! [`Query::parse`] takes the words of a command line, joined with spaces. A shell word
//! that contains spaces but no query syntax is kept together: `subject:"q3 report"` typed
//! to a shell arrives as `subject:q3 report`, and is read as the phrase again. Quote for
//! the shell and for the query when in doubt: `'subject:"q3 report"'`.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use crate::proto::date::InternalDate;
use crate::proto::encode::{Criteria, SearchDate};
use crate::proto::SequenceSet;

/// A parsed query: the [`Criteria`] to search with and what the server must offer.
///
/// ```
/// use imap4::query::Query;
///
/// let q = Query::parse(&["modseq:100", "older:1d"])?;
/// assert_eq!(q.criteria().to_string(), "MODSEQ 100 OLDER 86400");
/// assert_eq!(q.needs(), ["CONDSTORE", "WITHIN"]);
/// # Ok::<(), imap4::query::QueryError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    text: String,
    criteria: Criteria,
    needs: Vec<&'static str>,
}

/// A query that could not be read: what is wrong and where.
///
/// `Display` gives one line (`unknown search key "frm:" (did you mean "from:"?) at "frm:alice"`);
/// the alternate form (`{:#}`) adds the query with a caret under the word.
///
/// ```
/// use imap4::query::Query;
///
/// let e = Query::parse(&["from:alice", "larger:1Q"]).unwrap_err();
/// assert_eq!(e.word(), "larger:1Q");
/// assert_eq!(e.span(), 11..20);
/// assert!(e.message().contains("size"));
/// assert!(format!("{e:#}").contains("           ^^^^^^^^^"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    query: String,
    span: Range<usize>,
    message: String,
}

impl QueryError {
    /// The query text the error is about (the words joined with spaces).
    ///
    /// ```
    /// let e = imap4::query::Query::parse(&["(unseen"]).unwrap_err();
    /// assert_eq!(e.query(), "(unseen");
    /// ```
    pub fn query(&self) -> &str {
        &self.query
    }
    /// The byte range of the offending word in [`query`](Self::query).
    ///
    /// ```
    /// let e = imap4::query::Query::parse(&["unseen", "or"]).unwrap_err();
    /// assert_eq!(e.span(), 7..9);
    /// ```
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
    /// The offending word (empty when something is missing at the end).
    ///
    /// ```
    /// let e = imap4::query::Query::parse(&["since:yesteryear"]).unwrap_err();
    /// assert_eq!(e.word(), "since:yesteryear");
    /// ```
    pub fn word(&self) -> &str {
        self.query.get(self.span.clone()).unwrap_or("")
    }
    /// What is wrong, without the position.
    ///
    /// ```
    /// let e = imap4::query::Query::parse(&["from:"]).unwrap_err();
    /// assert_eq!(e.message(), "from: needs a value (from:alice)");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.word();
        if word.is_empty() {
            write!(f, "{} at the end of the query", self.message)?;
        } else {
            write!(f, "{} at \"{}\"", self.message, word)?;
        }
        if f.alternate() {
            let before = self.query[..self.span.start].chars().count();
            let len = word.chars().count().max(1);
            write!(
                f,
                "\n  {}\n  {}{}",
                self.query,
                " ".repeat(before),
                "^".repeat(len)
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for QueryError {}

impl Query {
    /// Parses the words of a query (as a command line gives them), dates relative to today
    /// in UTC.
    ///
    /// ```
    /// use imap4::query::Query;
    ///
    /// // The shell removed the quotes: the phrase is kept together.
    /// let q = Query::parse(&["subject:q3 report", "unseen"])?;
    /// assert_eq!(q.criteria().to_string(), r#"SUBJECT "q3 report" UNSEEN"#);
    /// // A whole query in one word is read as a query.
    /// let q = Query::parse(&["from:alice or from:bob"])?;
    /// assert_eq!(q.criteria().to_string(), "OR FROM alice FROM bob");
    /// # Ok::<(), imap4::query::QueryError>(())
    /// ```
    pub fn parse<S: AsRef<str>>(words: &[S]) -> Result<Query, QueryError> {
        Query::parse_with_today(words, SearchDate::from(InternalDate::now()))
    }

    /// [`parse`](Self::parse) with relative dates (`today`, `7d`) counted from `today`.
    ///
    /// ```
    /// use imap4::query::Query;
    /// use imap4::proto::encode::SearchDate;
    ///
    /// let today = SearchDate::new(2024, 3, 31).unwrap();
    /// let q = Query::parse_with_today(&["since:1m", "before:yesterday"], today)?;
    /// assert_eq!(q.criteria().to_string(), "SINCE 29-Feb-2024 BEFORE 30-Mar-2024");
    /// # Ok::<(), imap4::query::QueryError>(())
    /// ```
    pub fn parse_with_today<S: AsRef<str>>(
        words: &[S],
        today: SearchDate,
    ) -> Result<Query, QueryError> {
        let text = join_words(words);
        let tokens = tokenize(&text).map_err(|(span, message)| QueryError {
            query: text.clone(),
            span,
            message,
        })?;
        let mut p = Parser {
            tokens: &tokens,
            pos: 0,
            end: text.len(),
            today,
            needs: Vec::new(),
            depth: 0,
        };
        let result = p.query();
        let needs = std::mem::take(&mut p.needs);
        match result {
            Ok(criteria) => Ok(Query {
                text,
                criteria,
                needs,
            }),
            Err((span, message)) => Err(QueryError {
                query: text,
                span,
                message,
            }),
        }
    }

    /// The criteria to search with.
    ///
    /// ```
    /// let q: imap4::query::Query = "is:flagged".parse()?;
    /// assert_eq!(q.criteria(), &imap4::proto::encode::Criteria::flagged());
    /// # Ok::<(), imap4::query::QueryError>(())
    /// ```
    pub fn criteria(&self) -> &Criteria {
        &self.criteria
    }

    /// The criteria, by value.
    ///
    /// ```
    /// let c = "".parse::<imap4::query::Query>()?.into_criteria();
    /// assert_eq!(c.to_string(), "ALL");
    /// # Ok::<(), imap4::query::QueryError>(())
    /// ```
    pub fn into_criteria(self) -> Criteria {
        self.criteria
    }

    /// The capabilities the server must offer for this query (`CONDSTORE` for `modseq:`,
    /// `WITHIN` for `older:`/`younger:`, `X-GM-EXT-1` for `gmail:`), each once, in the
    /// order they first appear.
    ///
    /// ```
    /// let q: imap4::query::Query = r#"gmail:"has:attachment" unseen"#.parse()?;
    /// assert_eq!(q.needs(), ["X-GM-EXT-1"]);
    /// # Ok::<(), imap4::query::QueryError>(())
    /// ```
    pub fn needs(&self) -> &[&'static str] {
        &self.needs
    }

    /// The query text as it was read (command-line words joined with spaces, phrases
    /// re-quoted).
    ///
    /// ```
    /// let q = imap4::query::Query::parse(&["subject:q3 report"])?;
    /// assert_eq!(q.as_str(), r#"subject:"q3 report""#);
    /// # Ok::<(), imap4::query::QueryError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Query {
    type Err = QueryError;
    /// Parses one string as a whole query (no phrase heuristics).
    fn from_str(s: &str) -> Result<Query, QueryError> {
        Query::parse(&[s])
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

// ---------------------------------------------------------------------------------------
// Keys

const FLAG_WORDS: &[&str] = &[
    "all",
    "seen",
    "unseen",
    "read",
    "unread",
    "flagged",
    "unflagged",
    "answered",
    "unanswered",
    "replied",
    "unreplied",
    "draft",
    "undraft",
    "deleted",
    "undeleted",
    "new",
    "old",
    "recent",
];

const KEYS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "body",
    "text",
    "header",
    "keyword",
    "is",
    "since",
    "before",
    "on",
    "sent-since",
    "sent-before",
    "sent-on",
    "larger",
    "smaller",
    "uid",
    "modseq",
    "older",
    "younger",
    "gmail",
];

fn flag_criteria(word: &str) -> Option<Criteria> {
    Some(match word.to_ascii_lowercase().as_str() {
        "all" => Criteria::all(),
        "seen" | "read" => Criteria::seen(),
        "unseen" | "unread" => Criteria::unseen(),
        "flagged" => Criteria::flagged(),
        "unflagged" => Criteria::unflagged(),
        "answered" | "replied" => Criteria::answered(),
        "unanswered" | "unreplied" => Criteria::unanswered(),
        "draft" => Criteria::draft(),
        "undraft" => Criteria::undraft(),
        "deleted" => Criteria::deleted(),
        "undeleted" => Criteria::undeleted(),
        "new" => Criteria::new_messages(),
        "old" => Criteria::old(),
        "recent" => Criteria::recent(),
        _ => return None,
    })
}

fn is_key(k: &str) -> bool {
    KEYS.iter().any(|x| x.eq_ignore_ascii_case(k))
}

fn is_operator(w: &str) -> bool {
    ["and", "or", "not"]
        .iter()
        .any(|x| x.eq_ignore_ascii_case(w))
}

/// The closest known key or flag word within two edits, for "did you mean".
fn suggest(word: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let w = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&w, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------------------
// Joining command-line words

fn join_words<S: AsRef<str>>(words: &[S]) -> String {
    let mut out = String::new();
    for w in words {
        let w = w.as_ref();
        if !out.is_empty() {
            out.push(' ');
        }
        match as_phrase(w) {
            Some((Some(key), value)) => {
                out.push_str(key);
                out.push(':');
                push_quoted(&mut out, value);
            }
            Some((None, value)) => push_quoted(&mut out, value),
            None => out.push_str(w),
        }
    }
    out
}

fn push_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// A shell word with spaces that reads as one phrase (`subject:q3 report`, `q3 report`)
/// rather than as query syntax (`from:a or from:b`, `unseen flagged`).
fn as_phrase(w: &str) -> Option<(Option<&str>, &str)> {
    if !w.contains(char::is_whitespace) || w.contains(['"', '(', ')']) {
        return None;
    }
    let (key, rest) = match w.split_once(':') {
        Some((k, v)) if is_key(k) && !k.eq_ignore_ascii_case("is") => (Some(k), v),
        _ => (None, w),
    };
    let (check, value) = match key {
        Some(_) => (rest.split_whitespace().collect::<Vec<_>>(), rest),
        None => (w.split_whitespace().collect(), w),
    };
    let syntax = check.iter().any(|t| {
        is_operator(t)
            || (t.starts_with('-') && t.len() > 1)
            || t.split_once(':').is_some_and(|(k, _)| is_key(k))
            || (key.is_none() && flag_criteria(t).is_some())
    });
    if syntax || value.trim().is_empty() {
        None
    } else {
        Some((key, value))
    }
}

// ---------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Not,
    And,
    Or,
    /// A word: its unquoted text, the key (text before the first unquoted `:`, if any,
    /// before any quote), and whether any part was quoted.
    Word {
        value: String,
        key: Option<String>,
        quoted: bool,
    },
}

type Spanned = (Tok, Range<usize>);
type PResult<T> = Result<T, (Range<usize>, String)>;

fn tokenize(s: &str) -> PResult<Vec<Spanned>> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        if c == '(' || c == ')' {
            it.next();
            out.push((
                if c == '(' { Tok::Open } else { Tok::Close },
                start..start + 1,
            ));
            continue;
        }
        // A word, up to whitespace or a parenthesis outside quotes.
        let mut value = String::new();
        let mut key = None;
        let mut quoted = false;
        let mut end = start;
        while let Some(&(i, c)) = it.peek() {
            if c.is_whitespace() || c == '(' || c == ')' {
                break;
            }
            it.next();
            end = i + c.len_utf8();
            if c == '"' {
                quoted = true;
                let mut closed = false;
                while let Some((j, c)) = it.next() {
                    end = j + c.len_utf8();
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match it.next() {
                            Some((k, c)) => {
                                end = k + c.len_utf8();
                                value.push(c);
                            }
                            None => break,
                        },
                        c => value.push(c),
                    }
                }
                if !closed {
                    return Err((start..s.len(), "unterminated quote".into()));
                }
            } else if c == ':' && key.is_none() && !quoted {
                key = Some(std::mem::take(&mut value));
            } else {
                value.push(c);
            }
        }
        let span = start..end;
        let word = &s[span.clone()];
        if !quoted && key.is_none() {
            if word.eq_ignore_ascii_case("or") {
                out.push((Tok::Or, span));
                continue;
            }
            if word.eq_ignore_ascii_case("and") {
                out.push((Tok::And, span));
                continue;
            }
            if word.eq_ignore_ascii_case("not") {
                out.push((Tok::Not, span));
                continue;
            }
        }
        if word.starts_with('-') {
            // `-word`, `-"phrase"`, `-key:value`, or a lone `-` before a group.
            out.push((Tok::Not, start..start + 1));
            if word.len() == 1 {
                continue;
            }
            // The '-' is unquoted, so it starts the key, or the value when there is none.
            let (key, value) = match key {
                Some(k) => (Some(k[1..].to_string()), value),
                None => (None, value[1..].to_string()),
            };
            out.push((Tok::Word { value, key, quoted }, start + 1..end));
            continue;
        }
        out.push((Tok::Word { value, key, quoted }, span));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Parser

const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    tokens: &'a [Spanned],
    pos: usize,
    end: usize,
    today: SearchDate,
    needs: Vec<&'static str>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.pos)
    }

    fn eof_span(&self) -> Range<usize> {
        self.end..self.end
    }

    fn need(&mut self, cap: &'static str) {
        if !self.needs.contains(&cap) {
            self.needs.push(cap);
        }
    }

    fn query(&mut self) -> PResult<Criteria> {
        if self.tokens.is_empty() {
            return Ok(Criteria::all());
        }
        let c = self.or_expr()?;
        match self.peek() {
            None => Ok(c),
            Some((Tok::Close, span)) => Err((span.clone(), "unbalanced ')'".into())),
            Some((_, span)) => Err((span.clone(), "unexpected word".into())),
        }
    }

    fn or_expr(&mut self) -> PResult<Criteria> {
        let mut acc = self.and_expr()?;
        while let Some((Tok::Or, span)) = self.peek() {
            let span = span.clone();
            self.pos += 1;
            match self.peek() {
                None | Some((Tok::Close, _)) | Some((Tok::Or, _)) => {
                    return Err((span, "'or' needs a term on both sides".into()))
                }
                _ => {}
            }
            let rhs = self.and_expr()?;
            acc = Criteria::or(acc, rhs);
        }
        Ok(acc)
    }

    fn and_expr(&mut self) -> PResult<Criteria> {
        let mut terms = Vec::new();
        loop {
            match self.peek() {
                None | Some((Tok::Close, _)) | Some((Tok::Or, _)) => break,
                Some((Tok::And, span)) => {
                    let span = span.clone();
                    self.pos += 1;
                    if terms.is_empty()
                        || matches!(
                            self.peek(),
                            None | Some((Tok::Close | Tok::Or | Tok::And, _))
                        )
                    {
                        return Err((span, "'and' needs a term on both sides".into()));
                    }
                }
                Some(_) => {
                    let t = self.unary()?;
                    match t {
                        Criteria::And(inner) => terms.extend(inner),
                        t => terms.push(t),
                    }
                }
            }
        }
        match terms.len() {
            0 => {
                let span = self
                    .peek()
                    .map(|(_, s)| s.clone())
                    .unwrap_or_else(|| self.eof_span());
                let msg = match self.peek() {
                    Some((Tok::Or, _)) => "'or' needs a term on both sides",
                    Some((Tok::Close, _)) => "empty group '()'",
                    _ => "a term is missing",
                };
                Err((span, msg.into()))
            }
            1 => Ok(terms.pop().unwrap_or(Criteria::All)),
            _ => Ok(Criteria::And(terms)),
        }
    }

    fn unary(&mut self) -> PResult<Criteria> {
        let Some((tok, span)) = self.peek().cloned() else {
            return Err((self.eof_span(), "a term is missing".into()));
        };
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((span, "query nested too deeply".into()));
        }
        let r = match tok {
            Tok::Not => {
                self.pos += 1;
                match self.peek() {
                    None | Some((Tok::Close | Tok::Or | Tok::And, _)) => {
                        Err((span, "'not' needs a term after it".into()))
                    }
                    _ => self.unary().map(Criteria::not),
                }
            }
            Tok::Open => {
                self.pos += 1;
                if let Some((Tok::Close, close)) = self.peek() {
                    let s = span.start..close.end;
                    return Err((s, "empty group '()'".into()));
                }
                let c = self.or_expr()?;
                match self.peek() {
                    Some((Tok::Close, _)) => {
                        self.pos += 1;
                        Ok(c)
                    }
                    _ => Err((span, "unbalanced '(': no ')' closes it".into())),
                }
            }
            Tok::Close => Err((span, "unbalanced ')'".into())),
            Tok::Or | Tok::And => Err((span, "operator without a term before it".into())),
            Tok::Word { value, key, quoted } => {
                self.pos += 1;
                self.term(&value, key.as_deref(), quoted, span)
            }
        };
        self.depth -= 1;
        r
    }

    fn term(
        &mut self,
        value: &str,
        key: Option<&str>,
        quoted: bool,
        span: Range<usize>,
    ) -> PResult<Criteria> {
        let err = |m: String| Err((span.clone(), m));
        let Some(key) = key else {
            if !quoted {
                if let Some(c) = flag_criteria(value) {
                    return Ok(c);
                }
            }
            check_text(value).map_err(|m| (span.clone(), m))?;
            if value.is_empty() {
                return err("empty phrase \"\"".into());
            }
            return Ok(Criteria::text(value));
        };
        let k = key.to_ascii_lowercase();
        check_text(value).map_err(|m| (span.clone(), m))?;
        let needs_value = |v: &str| -> PResult<()> {
            if v.is_empty() {
                Err((
                    span.clone(),
                    format!("{k}: needs a value ({})", example(&k)),
                ))
            } else {
                Ok(())
            }
        };
        match k.as_str() {
            "from" | "to" | "cc" | "bcc" | "subject" | "body" | "text" => {
                needs_value(value)?;
                Ok(match k.as_str() {
                    "from" => Criteria::from(value),
                    "to" => Criteria::to(value),
                    "cc" => Criteria::cc(value),
                    "bcc" => Criteria::bcc(value),
                    "subject" => Criteria::subject(value),
                    "body" => Criteria::body(value),
                    _ => Criteria::text(value),
                })
            }
            "header" => {
                let (name, v) = value.split_once(':').unwrap_or((value, ""));
                if name.is_empty() {
                    return err("header: needs a field name (header:List-Id:dev)".into());
                }
                if !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
                    return err(format!("{name:?} is not a header field name"));
                }
                Ok(Criteria::header(name, v))
            }
            "keyword" => {
                needs_value(value)?;
                if let Some(flag) = value.strip_prefix('\\') {
                    let hint = flag_criteria(flag)
                        .map(|_| format!("; for the system flag write {}", flag.to_lowercase()))
                        .unwrap_or_default();
                    return err(format!("keyword: takes a keyword, not a system flag{hint}"));
                }
                if let Some(bad) = value
                    .chars()
                    .find(|c| !c.is_ascii_graphic() || "(){%*\"\\]".contains(*c))
                {
                    return err(format!("{bad:?} cannot be in a keyword"));
                }
                Ok(Criteria::keyword(value))
            }
            "is" => match flag_criteria(value) {
                Some(c) if !value.eq_ignore_ascii_case("all") => Ok(c),
                _ => {
                    let hint = suggest(value, FLAG_WORDS)
                        .map(|s| format!(" (did you mean is:{s}?)"))
                        .unwrap_or_default();
                    err(format!("is: takes a flag: seen, unseen, flagged, answered, draft, deleted, new, old, recent{hint}"))
                }
            },
            "since" | "before" | "on" | "sent-since" | "sent-before" | "sent-on" => {
                needs_value(value)?;
                let d = parse_date(value, self.today).map_err(|m| (span.clone(), m))?;
                Ok(match k.as_str() {
                    "since" => Criteria::since(d),
                    "before" => Criteria::before(d),
                    "on" => Criteria::on(d),
                    "sent-since" => Criteria::sent_since(d),
                    "sent-before" => Criteria::sent_before(d),
                    _ => Criteria::sent_on(d),
                })
            }
            "larger" | "smaller" => {
                needs_value(value)?;
                let n = parse_size(value).map_err(|m| (span.clone(), m))?;
                Ok(if k == "larger" {
                    Criteria::larger(n)
                } else {
                    Criteria::smaller(n)
                })
            }
            "uid" => {
                needs_value(value)?;
                match SequenceSet::parse(value.as_bytes()) {
                    Ok(set) => Ok(Criteria::uid(set)),
                    Err(e) => err(format!(
                        "not a UID set ({e}); write 7, 7,9, 100:200 or 100:*"
                    )),
                }
            }
            "modseq" => {
                needs_value(value)?;
                let n: u64 = value
                    .parse()
                    .map_err(|_| (span.clone(), "modseq: takes a number".to_string()))?;
                self.need("CONDSTORE");
                Ok(Criteria::modseq(n))
            }
            "older" | "younger" => {
                needs_value(value)?;
                let secs = parse_duration(value).map_err(|m| (span.clone(), m))?;
                self.need("WITHIN");
                Ok(if k == "older" {
                    Criteria::older(secs)
                } else {
                    Criteria::younger(secs)
                })
            }
            "gmail" => {
                needs_value(value)?;
                self.need("X-GM-EXT-1");
                Ok(Criteria::gm_raw(value))
            }
            _ => {
                let mut m = format!("unknown search key \"{key}:\"");
                if let Some(s) = suggest(key, KEYS) {
                    m.push_str(&format!(" (did you mean \"{s}:\"?)"));
                } else {
                    m.push_str("; to search for the text, put it in quotes");
                }
                err(m)
            }
        }
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "from" => "from:alice",
        "to" => "to:bob@example.com",
        "cc" | "bcc" => "cc:carol",
        "subject" => "subject:\"q3 report\"",
        "body" | "text" => "body:invoice",
        "keyword" => "keyword:$Junk",
        "since" | "before" | "on" | "sent-since" | "sent-before" | "sent-on" => {
            "since:2024-01-31, since:7d"
        }
        "larger" | "smaller" => "larger:1M",
        "uid" => "uid:100:200",
        "modseq" => "modseq:1234",
        "older" | "younger" => "older:2d",
        "gmail" => "gmail:\"has:attachment\"",
        _ => "key:value",
    }
}

fn check_text(v: &str) -> Result<(), String> {
    if v.contains(['\r', '\n', '\0']) {
        Err("line breaks and NUL cannot be searched for".into())
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Values

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn bad_date(v: &str) -> String {
    format!("{v:?} is not a date; write 2024-01-31, 31-Jan-2024, today, yesterday or 7d/2w/3m/1y")
}

fn parse_date(v: &str, today: SearchDate) -> Result<SearchDate, String> {
    let lower = v.to_ascii_lowercase();
    let bad = || bad_date(v);
    let ymd = |y: u16, m: u8, d: u8| SearchDate::new(y, m, d).map_err(|_| bad());
    match lower.as_str() {
        "today" => return Ok(today),
        "yesterday" => return days_ago(today, 1).ok_or_else(bad),
        _ => {}
    }
    // 7d, 2w, 3m, 1y
    if let Some(unit) = lower.chars().last().filter(|c| "dwmy".contains(*c)) {
        let num = &lower[..lower.len() - 1];
        if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = num.parse().map_err(|_| bad())?;
            return match unit {
                'd' => days_ago(today, n),
                'w' => n.checked_mul(7).and_then(|d| days_ago(today, d)),
                'm' => months_ago(today, n),
                _ => n.checked_mul(12).and_then(|m| months_ago(today, m)),
            }
            .ok_or_else(|| format!("{v:?} reaches before year 0"));
        }
    }
    let parts: Vec<&str> = lower.split('-').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return Err(bad());
    }
    let num = |s: &str| -> Result<u16, String> {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    if parts[0].len() == 4 {
        let (y, m, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
        let m = u8::try_from(m).map_err(|_| bad())?;
        let d = u8::try_from(d).map_err(|_| bad())?;
        ymd(y, m, d)
    } else {
        let d = u8::try_from(num(parts[0])?).map_err(|_| bad())?;
        let m = MONTHS.iter().position(|m| *m == parts[1]).ok_or_else(bad)?;
        if parts[2].len() != 4 {
            return Err(bad());
        }
        ymd(num(parts[2])?, m as u8 + 1, d)
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn to_search_date(y: i64, m: i64, d: i64) -> Option<SearchDate> {
    SearchDate::new(
        u16::try_from(y).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(d).ok()?,
    )
    .ok()
}

fn days_ago(today: SearchDate, n: u32) -> Option<SearchDate> {
    let days = days_from_civil(
        i64::from(today.year()),
        i64::from(today.month()),
        i64::from(today.day()),
    ) - i64::from(n);
    let (y, m, d) = civil_from_days(days);
    to_search_date(y, m, d)
}

fn months_ago(today: SearchDate, n: u32) -> Option<SearchDate> {
    let total = i64::from(today.year()) * 12 + i64::from(today.month()) - 1 - i64::from(n);
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    // The same day of the month, or the month's last day when it is shorter.
    let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let len = days_from_civil(next.0, next.1, 1) - days_from_civil(y, m, 1);
    to_search_date(y, m, i64::from(today.day()).min(len))
}

fn parse_size(v: &str) -> Result<u64, String> {
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let bad = || format!("{v:?} is not a size; write 500, 10k, 1M or 2G (powers of 1024)");
    if digits == 0 {
        return Err(bad());
    }
    let n: u64 = v[..digits]
        .parse()
        .map_err(|_| format!("{v:?} is too large"))?;
    let mult: u64 = match v[digits..].to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(bad()),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("{v:?} is too large"))
}

fn parse_duration(v: &str) -> Result<u32, String> {
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let bad = || format!("{v:?} is not a duration; write 90s, 30m, 12h, 2d or 1w");
    if digits == 0 {
        return Err(bad());
    }
    let n: u64 = v[..digits]
        .parse()
        .map_err(|_| format!("{v:?} is too long"))?;
    let mult: u64 = match v[digits..].to_ascii_lowercase().as_str() {
        "" | "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(bad()),
    };
    n.checked_mul(mult)
        .and_then(|s| u32::try_from(s).ok())
        .ok_or_else(|| format!("{v:?} is too long (at most about 136 years)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> SearchDate {
        SearchDate::new(2024, 3, 31).unwrap()
    }

    fn q(words: &[&str]) -> String {
        Query::parse_with_today(words, today())
            .unwrap_or_else(|e| panic!("{words:?}: {e:#}"))
            .criteria()
            .to_string()
    }

    fn e(words: &[&str]) -> QueryError {
        match Query::parse_with_today(words, today()) {
            Ok(q) => panic!("{words:?} parsed as {}", q.criteria()),
            Err(e) => e,
        }
    }

    #[test]
    fn terms() {
        assert_eq!(q(&[]), "ALL");
        assert_eq!(q(&["from:alice"]), "FROM alice");
        assert_eq!(q(&["To:bob", "cc:c", "bcc:d"]), "TO bob CC c BCC d");
        assert_eq!(
            q(&["body:x", "text:y", "hello"]),
            "BODY x TEXT y TEXT hello"
        );
        assert_eq!(q(&[r#"subject:"q3 report""#]), r#"SUBJECT "q3 report""#);
        assert_eq!(q(&["header:List-Id:dev"]), "HEADER List-Id dev");
        assert_eq!(q(&["header:X-Spam"]), r#"HEADER X-Spam """#);
        assert_eq!(q(&["header:X-A:b:c"]), "HEADER X-A b:c");
        assert_eq!(q(&["keyword:$Junk"]), "KEYWORD $Junk");
        assert_eq!(
            q(&["seen", "unseen", "read", "unread", "flagged", "unflagged"]),
            "SEEN UNSEEN SEEN UNSEEN FLAGGED UNFLAGGED"
        );
        assert_eq!(
            q(&[
                "answered",
                "unanswered",
                "draft",
                "undraft",
                "deleted",
                "undeleted"
            ]),
            "ANSWERED UNANSWERED DRAFT UNDRAFT DELETED UNDELETED"
        );
        assert_eq!(q(&["new", "old", "recent", "all"]), "NEW OLD RECENT ALL");
        assert_eq!(q(&["is:flagged", "IS:Unseen"]), "FLAGGED UNSEEN");
        assert_eq!(q(&["UNSEEN"]), "UNSEEN");
        assert_eq!(q(&[r#""unseen""#]), "TEXT unseen");
        assert_eq!(q(&["uid:100:200"]), "UID 100:200");
        assert_eq!(q(&["uid:7,9"]), "UID 7,9");
        assert_eq!(q(&["uid:100:*"]), "UID 100:*");
        assert_eq!(q(&["gmail:has:attachment"]), "X-GM-RAW has:attachment");
        assert_eq!(q(&["from:ünïcode"]), "FROM {9}\r\nünïcode");
    }

    #[test]
    fn dates() {
        assert_eq!(q(&["since:2024-01-01"]), "SINCE 1-Jan-2024");
        assert_eq!(q(&["before:31-Dec-2023"]), "BEFORE 31-Dec-2023");
        assert_eq!(q(&["on:today"]), "ON 31-Mar-2024");
        assert_eq!(q(&["sent-since:yesterday"]), "SENTSINCE 30-Mar-2024");
        assert_eq!(q(&["sent-before:7d"]), "SENTBEFORE 24-Mar-2024");
        assert_eq!(q(&["sent-on:2w"]), "SENTON 17-Mar-2024");
        assert_eq!(q(&["since:1m"]), "SINCE 29-Feb-2024");
        assert_eq!(q(&["since:13m"]), "SINCE 28-Feb-2023");
        assert_eq!(q(&["since:1y"]), "SINCE 31-Mar-2023");
        assert_eq!(q(&["since:90d"]), "SINCE 1-Jan-2024");
        let jan1 = SearchDate::new(2024, 1, 1).unwrap();
        let c = Query::parse_with_today(&["since:1d"], jan1).unwrap();
        assert_eq!(c.criteria().to_string(), "SINCE 31-Dec-2023");
        assert!(e(&["since:2024-02-30"]).message().contains("not a date"));
        assert!(e(&["since:2024-13-01"]).message().contains("not a date"));
        assert!(e(&["since:31-Foo-2024"]).message().contains("not a date"));
        assert!(e(&["since:99999999d"]).message().contains("year 0"));
        assert!(e(&["since:1x"]).message().contains("not a date"));
        assert!(e(&["since:"]).message().contains("needs a value"));
    }

    #[test]
    fn sizes_and_durations() {
        assert_eq!(q(&["larger:1M"]), "LARGER 1048576");
        assert_eq!(q(&["smaller:10k"]), "SMALLER 10240");
        assert_eq!(
            q(&["larger:2GiB", "smaller:500"]),
            "LARGER 2147483648 SMALLER 500"
        );
        assert_eq!(q(&["larger:3kb"]), "LARGER 3072");
        assert!(e(&["larger:1Q"]).message().contains("not a size"));
        assert!(e(&["larger:k"]).message().contains("not a size"));
        assert!(e(&["larger:99999999999999999999"])
            .message()
            .contains("too large"));
        assert!(e(&["larger:99999999999G"]).message().contains("too large"));
        assert_eq!(q(&["older:2d"]), "OLDER 172800");
        assert_eq!(q(&["younger:90"]), "YOUNGER 90");
        assert_eq!(q(&["younger:30m", "older:1w"]), "YOUNGER 1800 OLDER 604800");
        assert!(e(&["older:9999999w"]).message().contains("too long"));
        assert!(e(&["older:1y"]).message().contains("not a duration"));
        assert_eq!(q(&["modseq:12345"]), "MODSEQ 12345");
        assert!(e(&["modseq:x"]).message().contains("number"));
    }

    #[test]
    fn operators() {
        assert_eq!(q(&["from:a", "or", "from:b"]), "OR FROM a FROM b");
        assert_eq!(q(&["a", "b", "or", "c"]), "OR (TEXT a TEXT b) TEXT c");
        assert_eq!(q(&["a", "or", "b", "c"]), "OR TEXT a (TEXT b TEXT c)");
        assert_eq!(
            q(&["a", "or", "b", "or", "c"]),
            "OR OR TEXT a TEXT b TEXT c"
        );
        assert_eq!(q(&["not", "seen"]), "NOT SEEN");
        assert_eq!(q(&["-seen"]), "NOT SEEN");
        assert_eq!(q(&["-from:bob"]), "NOT FROM bob");
        assert_eq!(q(&[r#"-"a b""#]), r#"NOT TEXT "a b""#);
        assert_eq!(q(&["-(from:a", "from:b)"]), "NOT (FROM a FROM b)");
        assert_eq!(q(&["-", "(a)"]), "NOT TEXT a");
        assert_eq!(q(&["not", "not", "a"]), "NOT NOT TEXT a");
        assert_eq!(q(&["(a", "or", "b)", "c"]), "OR TEXT a TEXT b TEXT c");
        assert_eq!(q(&["((a))"]), "TEXT a");
        assert_eq!(q(&["a", "AND", "b"]), "TEXT a TEXT b");
        assert_eq!(q(&["(a b) (c d)"]), "TEXT a TEXT b TEXT c TEXT d");
        assert_eq!(q(&["(from:a or to:a) unseen"]), "OR FROM a TO a UNSEEN");
        assert_eq!(q(&[r#""or""#]), "TEXT or");
        assert_eq!(q(&[r#""-x""#]), "TEXT -x");
    }

    #[test]
    fn shell_words() {
        // The shell removed the query's quotes.
        assert_eq!(q(&["subject:q3 report"]), r#"SUBJECT "q3 report""#);
        assert_eq!(q(&["q3 report"]), r#"TEXT "q3 report""#);
        // Quotes in the word: it is query text.
        assert_eq!(
            q(&["subject:say \"hi\" now"]),
            "SUBJECT say TEXT hi TEXT now"
        );
        // A whole query in one word.
        assert_eq!(q(&["from:a or from:b"]), "OR FROM a FROM b");
        assert_eq!(q(&["unseen flagged"]), "UNSEEN FLAGGED");
        assert_eq!(q(&["from:a subject:b"]), "FROM a SUBJECT b");
        assert_eq!(q(&["subject:a -b"]), "SUBJECT a NOT TEXT b");
        assert_eq!(
            q(&[r#"subject:"q3 report" unseen"#]),
            r#"SUBJECT "q3 report" UNSEEN"#
        );
        let p = Query::parse_with_today(&["subject:q3 report"], today()).unwrap();
        assert_eq!(p.as_str(), r#"subject:"q3 report""#);
        assert_eq!(p.to_string(), p.as_str());
    }

    #[test]
    fn errors_point_at_the_word() {
        let x = e(&["from:alice", "frm:bob"]);
        assert_eq!(x.word(), "frm:bob");
        assert_eq!(x.span(), 11..18);
        assert!(x.message().contains("did you mean \"from:\""), "{x}");
        let x = e(&["is:flaged"]);
        assert!(x.message().contains("is:flagged"), "{x}");
        let x = e(&["http://example.com"]);
        assert!(x.message().contains("quotes"), "{x}");
        assert_eq!(q(&[r#""http://example.com""#]), "TEXT http://example.com");

        assert_eq!(e(&["(unseen"]).word(), "(");
        assert_eq!(e(&["unseen)"]).word(), ")");
        assert_eq!(e(&["()"]).word(), "()");
        assert_eq!(e(&["unseen", "or"]).span(), 7..9);
        assert!(e(&["or", "unseen"]).message().contains("'or'"));
        assert!(e(&["a", "or", "or", "b"]).message().contains("'or'"));
        assert!(e(&["not"]).message().contains("'not'"));
        assert!(e(&["and", "a"]).message().contains("'and'"));
        assert!(e(&["a", "and"]).message().contains("'and'"));
        assert!(e(&["(a", "or)"]).message().contains("'or'"));
        assert!(e(&[r#"subject:"open"#]).message().contains("unterminated"));
        assert!(e(&["from:"]).message().contains("needs a value"));
        assert!(e(&["header::x"]).message().contains("field name"));
        assert!(e(&["keyword:a%b"])
            .message()
            .contains("cannot be in a keyword"));
        assert!(e(&["keyword:\\Seen"]).message().contains("write seen"));
        assert!(e(&["uid:1:"]).message().contains("UID set"));
        assert!(e(&["uid:abc"]).message().contains("UID set"));
        assert!(e(&["from:a\r\nb"]).message().contains("line breaks"));
        assert!(e(&[r#""""#]).message().contains("empty phrase"));
        let deep = "(".repeat(200) + "a" + &")".repeat(200);
        assert!(e(&[deep.as_str()]).message().contains("nested"));

        let x = e(&["from:alice", "larger:1Q"]);
        assert_eq!(
            format!("{x:#}"),
            "\"1Q\" is not a size; write 500, 10k, 1M or 2G (powers of 1024) at \"larger:1Q\"\n  \
             from:alice larger:1Q\n             ^^^^^^^^^"
        );
    }

    #[test]
    fn needs() {
        let p = Query::parse_with_today(&["modseq:1", "older:1", "modseq:2", "gmail:x"], today())
            .unwrap();
        assert_eq!(p.needs(), ["CONDSTORE", "WITHIN", "X-GM-EXT-1"]);
        assert!(Query::parse(&["unseen"]).unwrap().needs().is_empty());
    }

    #[test]
    fn date_arithmetic_agrees_with_internal_date() {
        for days in [-800_000i64, -1, 0, 1, 59, 365, 10_957, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            if let Some(id) = InternalDate::from_unix(days * 86_400, 0) {
                assert_eq!(
                    (i64::from(id.year), i64::from(id.month), i64::from(id.day)),
                    (y, m, d)
                );
            }
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// A query term as text with the criteria it must give.
        fn term() -> impl Strategy<Value = (String, Criteria)> {
            let word = "[a-zA-Z0-9._@ü]{1,8}".prop_filter("not an operator or flag", |w| {
                !is_operator(w) && flag_criteria(w).is_none() && !w.starts_with('-')
            });
            prop_oneof![
                word.clone().prop_map(|w| (w.clone(), Criteria::text(&w))),
                (
                    prop::sample::select(vec!["from", "to", "cc", "bcc", "subject", "body"]),
                    word.clone()
                )
                    .prop_map(|(k, w)| {
                        let c = match k {
                            "from" => Criteria::from(&w),
                            "to" => Criteria::to(&w),
                            "cc" => Criteria::cc(&w),
                            "bcc" => Criteria::bcc(&w),
                            "subject" => Criteria::subject(&w),
                            _ => Criteria::body(&w),
                        };
                        (format!("{k}:{w}"), c)
                    }),
                "[a-z ()\"\\\\]{1,12}".prop_map(|p| {
                    let mut s = String::from("subject:");
                    push_quoted(&mut s, &p);
                    (s, Criteria::subject(&p))
                }),
                prop::sample::select(FLAG_WORDS.to_vec())
                    .prop_map(|f| (f.to_string(), flag_criteria(f).unwrap())),
                (1u64..1_000_000)
                    .prop_map(|n| (format!("larger:{n}k"), Criteria::larger(n * 1024))),
                (1u32..60_000, 1u32..1000).prop_map(|(a, n)| {
                    (format!("uid:{a}:{}", a + n), Criteria::uid(a..=a + n))
                }),
                (2000u16..2100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| {
                    (
                        format!("since:{y:04}-{m:02}-{d:02}"),
                        Criteria::since(SearchDate::new(y, m, d).unwrap()),
                    )
                }),
            ]
        }

        /// Text and the criteria it must give, built with the documented precedence.
        fn expr() -> impl Strategy<Value = (String, Criteria)> {
            term().prop_recursive(4, 24, 4, |inner| {
                prop_oneof![
                    inner
                        .clone()
                        .prop_map(|(t, c)| (format!("-({t})"), Criteria::not(c))),
                    inner
                        .clone()
                        .prop_map(|(t, c)| (format!("not ({t})"), Criteria::not(c))),
                    (inner.clone(), inner.clone()).prop_map(|((a, ca), (b, cb))| {
                        (format!("({a}) or ({b})"), Criteria::or(ca, cb))
                    }),
                    prop::collection::vec(inner, 2..4).prop_map(|v| {
                        let text = v.iter().map(|(t, _)| format!("({t})")).collect::<Vec<_>>();
                        let mut keys = Vec::new();
                        for (_, c) in v {
                            match c {
                                Criteria::And(inner) => keys.extend(inner),
                                c => keys.push(c),
                            }
                        }
                        (text.join(" "), Criteria::And(keys))
                    }),
                ]
            })
        }

        proptest! {
            #[test]
            fn generated_queries_give_their_criteria((text, expected) in expr()) {
                let got = Query::parse_with_today(&[text.as_str()], today())
                    .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
                prop_assert_eq!(got.criteria(), &expected, "{}", text);
            }

            #[test]
            fn never_panics(words in prop::collection::vec(".{0,24}", 0..6)) {
                match Query::parse_with_today(&words, today()) {
                    Ok(q) => { let _ = q.criteria().to_string(); }
                    Err(e) => {
                        prop_assert!(e.span().end <= e.query().len());
                        prop_assert!(e.query().is_char_boundary(e.span().start));
                        prop_assert!(e.query().is_char_boundary(e.span().end));
                        let _ = format!("{e:#}");
                    }
                }
            }

            #[test]
            fn syntax_soup_never_panics(s in "[()\" \\-:a-z0-9orandt\\\\]{0,40}") {
                let _ = Query::parse_with_today(&[s.as_str()], today()).map(|q| q.criteria().to_string());
            }
        }
    }
}
