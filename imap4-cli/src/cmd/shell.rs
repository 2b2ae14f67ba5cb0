//! `imap4 shell`: an interactive IMAP session for people who want to see the protocol.
//!
//! The user types commands without tags; the shell adds them, sends the command, and
//! shows every response raw and, below it, parsed (the JSON of `imap4 parse`). Literals
//! (`{N}` at the end of a line, or `{@FILE}` for a file's bytes), AUTHENTICATE
//! challenges and IDLE (type DONE to end it) are handled. Lines are read by rustyline
//! (editing, history) in a thread of their own, so that what the server says while the
//! user types (IDLE, NOTIFY) is printed as it comes.
//!
//! The shell speaks to the server itself, over the library's transport and the sans-IO
//! decoder, because it must show the bytes exactly as they arrived.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Args;
use imap4::proto::encode::base64_encode;
use imap4::proto::{Decoder, Event, Response, StatusKind};
use imap4::transport::Transport;

use crate::account::Account;
use crate::config::TlsMode;
use crate::error::{CliError, CliResult, Exit};
use crate::json::Mapper;
use crate::output::Ctx;

pub const EXAMPLES: &str = "Examples:
  imap4 shell
  imap4 --account work shell --no-login

In the shell (tags are added for you):
  imap4> SELECT INBOX
  imap4> UID FETCH 1:5 (FLAGS ENVELOPE)
  imap4> APPEND Drafts {@draft.eml}
  imap4> IDLE                     (events print as they come; type DONE to stop)
  imap4> .json on                 (parsed JSON only, no raw lines)
  imap4> .help

Commands can also come from a pipe: printf 'SELECT INBOX\\nUID SEARCH UNSEEN\\n' | imap4 shell";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ShellArgs {
    /// Do not log in: start at the greeting (to try LOGIN or AUTHENTICATE by hand).
    #[arg(long)]
    pub no_login: bool,
    /// Show at most N bytes of each response's raw form (default 2000).
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub max_raw: usize,
}

const HELP: &str = "Type IMAP commands without a tag; the shell adds one and shows each
response raw and parsed. Literals: end a line with {N} and type the N bytes on the
next lines (line ends count as 2 bytes, CRLF), then the rest of the command at the
'...>' prompt (just Enter when there is none); or write {@FILE} to send a file. AUTHENTICATE: answer each challenge
with base64 (or * to cancel). IDLE: type DONE to end it.
Meta commands:
  .help            this text
  .json on|off     show parsed JSON only (on) or raw and parsed (off, default)
  .raw on|off      show the raw bytes (default on)
  .trace on|off    also show what is sent (login lines are never shown)
  .quit            log out and leave (also Ctrl-D)";

/// Lines from the user, read in their own thread.
enum Input {
    Line(String),
    Eof,
}

struct Screen {
    json_only: bool,
    raw: bool,
    trace: bool,
    max_raw: usize,
    mapper: Mapper,
    printer: Option<Box<dyn rustyline::ExternalPrinter + Send>>,
}

impl Screen {
    fn print(&mut self, text: String) {
        match &mut self.printer {
            Some(p) => {
                let _ = p.print(text);
            }
            None => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
                if !text.ends_with('\n') {
                    let _ = out.write_all(b"\n");
                }
                let _ = out.flush();
            }
        }
    }

    fn show(&mut self, raw: &[u8], ev: &Event) {
        let parsed = match ev {
            Event::Response(r) => self.mapper.response(r, 0),
            Event::Malformed(m) => self.mapper.malformed(m, 0),
            _ => return,
        };
        let mut text = String::new();
        if !self.json_only && self.raw {
            text.push_str(&show_raw(raw, self.max_raw));
        }
        let mut obj = parsed;
        if let Some(o) = obj.as_object_mut() {
            o.remove("offset");
        }
        let json = serde_json::to_string(&obj).unwrap_or_default();
        if self.json_only {
            text.push_str(&json);
        } else {
            text.push_str("    = ");
            text.push_str(&json);
        }
        self.print(text);
    }
}

/// The raw bytes for a terminal: lines as they are, other control bytes escaped, long
/// literals cut.
fn show_raw(raw: &[u8], max: usize) -> String {
    let cut = raw.len() > max;
    let shown = &raw[..raw.len().min(max)];
    let mut s = String::new();
    for line in String::from_utf8_lossy(shown).split_inclusive('\n') {
        s.push_str("S: ");
        for c in line.trim_end_matches(['\r', '\n']).chars() {
            if c.is_control() {
                s.push_str(&c.escape_default().to_string());
            } else {
                s.push(c);
            }
        }
        s.push('\n');
    }
    if cut {
        s.push_str(&format!("S: ... ({} bytes in all)\n", raw.len()));
    }
    s
}

/// The connection: the transport, the decoder, and the raw bytes not yet shown.
struct Wire {
    t: Transport,
    dec: Decoder,
    pending_raw: Vec<u8>,
    fed: u64,
    shown_to: u64,
}

impl Wire {
    fn send(&mut self, bytes: &[u8]) -> CliResult<()> {
        self.t
            .write_all(bytes)
            .map_err(|e| CliError::transient(format!("sending: {e}")))?;
        self.t
            .flush()
            .map_err(|e| CliError::transient(format!("sending: {e}")))
    }

    /// The next event, waiting up to `wait` (None: no event in that time).
    fn next(&mut self, wait: Duration) -> CliResult<Option<(Vec<u8>, Event)>> {
        let deadline = Instant::now() + wait;
        loop {
            match self.dec.next_event() {
                Ok(Some(ev)) => {
                    let pos = self.fed - self.dec.buffered() as u64;
                    let n = (pos - self.shown_to) as usize;
                    let raw: Vec<u8> = self
                        .pending_raw
                        .drain(..n.min(self.pending_raw.len()))
                        .collect();
                    self.shown_to = pos;
                    return Ok(Some((raw, ev)));
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(CliError::new(format!(
                        "the server's reply broke the protocol: {e}"
                    )))
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let _ = self
                .t
                .set_read_timeout(Some(left.max(Duration::from_millis(10))));
            let mut buf = [0u8; 16384];
            match self.t.read(&mut buf) {
                Ok(0) => return Err(CliError::transient("the server closed the connection")),
                Ok(n) => {
                    self.dec.feed(&buf[..n]);
                    self.pending_raw.extend_from_slice(&buf[..n]);
                    self.fed += n as u64;
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(None)
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(CliError::transient(format!("reading: {e}"))),
            }
        }
    }
}

/// How a command ended, from the shell's point of view.
enum Outcome {
    Done(StatusKind),
    /// The server asks for more (a literal, an AUTHENTICATE response, IDLE's `+`).
    Continue(String),
    Bye,
}

struct Shell<'a> {
    wire: Wire,
    screen: Screen,
    tag_n: u32,
    lines: mpsc::Receiver<Input>,
    ask: mpsc::Sender<String>,
    timeout: Duration,
    _ctx: &'a Ctx,
}

impl Shell<'_> {
    fn tag(&mut self) -> String {
        self.tag_n += 1;
        format!("s{}", self.tag_n)
    }

    /// Asks the input thread for a line with this prompt, printing server data while
    /// waiting.
    fn read_line(&mut self, prompt: &str) -> CliResult<Option<String>> {
        if self.ask.send(prompt.to_string()).is_err() {
            return Ok(None);
        }
        loop {
            match self.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(Input::Line(l)) => return Ok(Some(l)),
                Ok(Input::Eof) => return Ok(None),
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(None),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // Unsolicited data (IDLE events, EXISTS) while the user types.
                    while let Some((raw, ev)) = self.wire.next(Duration::from_millis(1))? {
                        self.screen.show(&raw, &ev);
                    }
                }
            }
        }
    }

    /// Reads and shows responses until `tag` completes or the server asks for more.
    fn until(&mut self, tag: &str) -> CliResult<Outcome> {
        let mut last = Instant::now();
        loop {
            match self.wire.next(Duration::from_millis(200))? {
                Some((raw, ev)) => {
                    last = Instant::now();
                    self.screen.show(&raw, &ev);
                    if let Event::Response(r) = &ev {
                        match r {
                            Response::Status(s)
                                if s.tag.as_ref().is_some_and(|t| t.as_str() == tag) =>
                            {
                                return Ok(Outcome::Done(s.kind))
                            }
                            Response::Status(s) if s.tag.is_none() && s.kind == StatusKind::Bye => {
                                // Wait for the tagged reply of LOGOUT, if that was it.
                                if !tag.is_empty() {
                                    continue;
                                }
                                return Ok(Outcome::Bye);
                            }
                            Response::Continue(c) => {
                                return Ok(Outcome::Continue(
                                    String::from_utf8_lossy(&c.text).into_owned(),
                                ))
                            }
                            _ => {}
                        }
                    }
                }
                None => {
                    if last.elapsed() > self.timeout {
                        return Err(CliError::transient(format!(
                            "no answer from the server for {} s",
                            self.timeout.as_secs()
                        )));
                    }
                }
            }
        }
    }

    fn trace(&mut self, what: &str) {
        if self.screen.trace {
            let shown = String::from_utf8_lossy(what.as_bytes())
                .trim_end()
                .to_string();
            self.screen.print(format!("C: {shown}"));
        }
    }
}

fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(base.join("imap4").join("shell_history"))
}

/// Lines that must not go into the history file.
fn is_secret_line(l: &str) -> bool {
    let first = l
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(first.as_str(), "LOGIN" | "AUTHENTICATE")
}

pub fn run(ctx: &Ctx, args: &ShellArgs) -> CliResult {
    let account = ctx.account()?;
    let wire = open(&account)?;
    let mut editor =
        rustyline::DefaultEditor::new().map_err(|e| CliError::new(format!("line editor: {e}")))?;
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let printer = if ctx.stdout_tty && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        editor
            .create_external_printer()
            .ok()
            .map(|p| Box::new(p) as Box<dyn rustyline::ExternalPrinter + Send>)
    } else {
        None
    };
    let (ask_tx, ask_rx) = mpsc::channel::<String>();
    let (line_tx, line_rx) = mpsc::channel::<Input>();
    let history_for_thread = history.clone();
    std::thread::spawn(move || {
        let mut editor = editor;
        while let Ok(prompt) = ask_rx.recv() {
            match editor.readline(&prompt) {
                Ok(l) => {
                    if !l.trim().is_empty()
                        && !is_secret_line(&l)
                        && !prompt.starts_with("auth")
                        && !prompt.starts_with("literal")
                    {
                        let _ = editor.add_history_entry(l.as_str());
                    }
                    if line_tx.send(Input::Line(l)).is_err() {
                        break;
                    }
                }
                Err(rustyline::error::ReadlineError::Interrupted) => {
                    if line_tx.send(Input::Line(String::new())).is_err() {
                        break;
                    }
                }
                Err(_) => {
                    let _ = line_tx.send(Input::Eof);
                    break;
                }
            }
        }
        if let Some(h) = history_for_thread {
            if let Some(dir) = h.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = editor.save_history(&h);
        }
    });
    let mut sh = Shell {
        wire,
        screen: Screen {
            json_only: false,
            raw: true,
            trace: false,
            max_raw: args.max_raw.max(80),
            mapper: Mapper {
                max_data: Some(args.max_raw.max(80)),
            },
            printer,
        },
        tag_n: 0,
        lines: line_rx,
        ask: ask_tx,
        timeout: account.timeout,
        _ctx: ctx,
    };
    // The greeting.
    match sh.wire.next(account.timeout)? {
        Some((raw, ev)) => sh.screen.show(&raw, &ev),
        None => return Err(CliError::new("no greeting from the server")),
    }
    if account.tls == TlsMode::Starttls {
        starttls(&mut sh, &account)?;
    }
    if !args.no_login {
        login(&mut sh, &account)?;
    }
    if !ctx.quiet {
        sh.screen
            .print("(.help for help, Ctrl-D or .quit to leave)".to_string());
    }
    let result = repl(&mut sh);
    drop(sh.ask);
    result
}

fn open(account: &Account) -> CliResult<Wire> {
    let opts = account.connect_options();
    let t = match account.tls {
        TlsMode::Tls => {
            Transport::connect_tls(&account.host, account.port, &account.tls_config()?, &opts)
        }
        TlsMode::Starttls | TlsMode::None => {
            Transport::connect_tcp(&account.host, account.port, &opts)
        }
    }
    .map_err(|e| CliError::transient(format!("cannot connect to {}: {e}", account.endpoint())))?;
    Ok(Wire {
        t,
        dec: Decoder::new(),
        pending_raw: Vec::new(),
        fed: 0,
        shown_to: 0,
    })
}

fn starttls(sh: &mut Shell<'_>, account: &Account) -> CliResult<()> {
    let tag = sh.tag();
    let line = format!("{tag} STARTTLS\r\n");
    sh.trace(&line);
    sh.wire.send(line.as_bytes())?;
    match sh.until(&tag)? {
        Outcome::Done(StatusKind::Ok) => {}
        _ => return Err(CliError::new("the server refused STARTTLS")),
    }
    // Bytes after the OK would have come before TLS: drop them (RFC 3207-style injection).
    sh.wire.dec = Decoder::new();
    sh.wire.pending_raw.clear();
    sh.wire.shown_to = sh.wire.fed;
    sh.wire
        .t
        .start_tls(&account.host, &account.tls_config()?)
        .map_err(|e| CliError::new(format!("TLS with {} failed: {e}", account.endpoint())))?;
    sh.screen.print("(TLS started)".to_string());
    Ok(())
}

/// Logs in with the account's secret; the lines carrying it are never shown.
fn login(sh: &mut Shell<'_>, account: &Account) -> CliResult<()> {
    let secret = account.read_secret()?;
    let tag = sh.tag();
    let (line, shown) = if account.is_oauth() {
        let ir = format!(
            "user={}\x01auth=Bearer {}\x01\x01",
            account.user,
            secret.expose()
        );
        (
            format!(
                "{tag} AUTHENTICATE XOAUTH2 {}\r\n",
                base64_encode(ir.as_bytes())
            ),
            format!("{tag} AUTHENTICATE XOAUTH2 <redacted>"),
        )
    } else {
        let ir = format!("\0{}\0{}", account.user, secret.expose());
        (
            format!(
                "{tag} AUTHENTICATE PLAIN {}\r\n",
                base64_encode(ir.as_bytes())
            ),
            format!("{tag} AUTHENTICATE PLAIN <redacted>"),
        )
    };
    drop(secret);
    if account.tls == TlsMode::None
        && !crate::account::is_loopback(&account.host)
        && !account.insecure
    {
        return Err(CliError::new("refusing to send the password without TLS"));
    }
    sh.trace(&shown);
    sh.wire.send(line.as_bytes())?;
    match sh.until(&tag)? {
        Outcome::Done(StatusKind::Ok) => Ok(()),
        Outcome::Continue(_) => {
            // A server without SASL-IR support (or an OAuth error challenge): cancel.
            sh.wire.send(b"*\r\n")?;
            let _ = sh.until(&tag);
            Err(CliError::new(format!(
                "login failed at {}; {}",
                account.host,
                account.secret.hint()
            )))
        }
        _ => Err(CliError::new(format!(
            "login failed at {}; {}",
            account.host,
            account.secret.hint()
        ))),
    }
}

fn repl(sh: &mut Shell<'_>) -> CliResult {
    loop {
        let Some(line) = sh.read_line("imap4> ")? else {
            logout(sh);
            return Ok(Exit::Ok);
        };
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.trim().is_empty() {
            continue;
        }
        if let Some(meta) = line.trim().strip_prefix('.') {
            if meta_command(sh, meta) {
                logout(sh);
                return Ok(Exit::Ok);
            }
            continue;
        }
        match command(sh, &line) {
            Ok(true) => return Ok(Exit::Ok),
            Ok(false) => {}
            Err(e) if e.retry => return Err(e),
            Err(e) => sh.screen.print(format!("imap4: {}", e.message)),
        }
    }
}

/// True when the shell should end.
fn meta_command(sh: &mut Shell<'_>, meta: &str) -> bool {
    let mut words = meta.split_whitespace();
    let cmd = words.next().unwrap_or("");
    let on = match words.next() {
        Some("on") => Some(true),
        Some("off") => Some(false),
        _ => None,
    };
    match (cmd, on) {
        ("help", _) => sh.screen.print(HELP.to_string()),
        ("quit" | "exit", _) => return true,
        ("json", Some(v)) => sh.screen.json_only = v,
        ("raw", Some(v)) => sh.screen.raw = v,
        ("trace", Some(v)) => sh.screen.trace = v,
        _ => sh
            .screen
            .print(format!("unknown meta command .{meta} (.help lists them)")),
    }
    false
}

fn logout(sh: &mut Shell<'_>) {
    let tag = sh.tag();
    let line = format!("{tag} LOGOUT\r\n");
    sh.trace(&line);
    if sh.wire.send(line.as_bytes()).is_ok() {
        let _ = sh.until(&tag);
    }
}

/// Splits a typed line at a trailing literal marker: `APPEND X {12}` → ("APPEND X", 12,
/// sync), `{12+}` non-synchronizing, `{@file}` a file.
enum Tail {
    None,
    Literal { n: usize, plus: bool },
    File(PathBuf),
}

fn tail(line: &str) -> (String, Tail) {
    let t = line.trim_end();
    if let Some(open) = t.rfind('{') {
        if t.ends_with('}') {
            let inner = &t[open + 1..t.len() - 1];
            let head = t[..open].to_string();
            if let Some(path) = inner.strip_prefix('@') {
                return (head, Tail::File(PathBuf::from(path)));
            }
            let (num, plus) = match inner.strip_suffix('+') {
                Some(n) => (n, true),
                None => (inner, false),
            };
            if let Ok(n) = num.parse::<usize>() {
                return (head, Tail::Literal { n, plus });
            }
        }
    }
    (t.to_string(), Tail::None)
}

/// Sends one typed command (with its literals), answering continuations. True when the
/// session ended (LOGOUT).
fn command(sh: &mut Shell<'_>, first: &str) -> CliResult<bool> {
    if first.bytes().any(|b| b == 0) {
        return Err(CliError::usage("NUL cannot be sent in a command line"));
    }
    let tag = sh.tag();
    let verb = first
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    let secret = is_secret_line(first);
    let mut segment = format!("{tag} {first}");
    loop {
        let (head, t) = tail(&segment);
        match t {
            Tail::None => {
                let line = format!("{head}\r\n");
                if !secret {
                    sh.trace(&line);
                } else {
                    sh.trace(&format!("{tag} {verb} <redacted>"));
                }
                sh.wire.send(line.as_bytes())?;
                break;
            }
            Tail::Literal { .. } | Tail::File(_) => {
                let (data, plus) = match t {
                    Tail::File(p) => (
                        std::fs::read(&p)
                            .map_err(|e| CliError::new(format!("{}: {e}", p.display())))?,
                        false,
                    ),
                    Tail::Literal { n, plus } => (read_literal(sh, n)?, plus),
                    Tail::None => unreachable!(),
                };
                let marker = if plus {
                    format!("{{{}+}}", data.len())
                } else {
                    format!("{{{}}}", data.len())
                };
                let line = format!("{head}{marker}\r\n");
                sh.trace(&line);
                sh.wire.send(line.as_bytes())?;
                if !plus {
                    match sh.until(&tag)? {
                        Outcome::Continue(_) => {}
                        Outcome::Done(_) | Outcome::Bye => return Ok(false),
                    }
                }
                sh.trace(&format!("({} literal bytes)", data.len()));
                sh.wire.send(&data)?;
                // The rest of the command line, if any.
                segment = sh.read_line("...> ")?.unwrap_or_default();
                continue;
            }
        }
    }
    // Answer continuations: AUTHENTICATE challenges, IDLE.
    loop {
        match sh.until(&tag)? {
            Outcome::Done(_) => return Ok(verb == "LOGOUT"),
            Outcome::Bye => return Ok(true),
            Outcome::Continue(text) => {
                if verb == "IDLE" {
                    sh.screen
                        .print("(idling: events print as they come; type DONE to end)".to_string());
                    loop {
                        let l = sh.read_line("idle> ")?.unwrap_or_else(|| "DONE".into());
                        if l.trim().eq_ignore_ascii_case("DONE") {
                            sh.trace("DONE");
                            sh.wire.send(b"DONE\r\n")?;
                            break;
                        }
                        sh.screen.print("(type DONE to end IDLE)".to_string());
                    }
                } else if verb == "AUTHENTICATE" {
                    let decoded = imap4::proto::encode::base64_decode(text.trim().as_bytes())
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default();
                    if !decoded.is_empty() {
                        sh.screen.print(format!(
                            "    challenge: {}",
                            crate::output::sanitize(&decoded)
                        ));
                    }
                    let answer = sh
                        .read_line("auth (base64, * cancels)> ")?
                        .unwrap_or_else(|| "*".into());
                    sh.trace(&format!("<{} bytes>", answer.len()));
                    sh.wire.send(format!("{}\r\n", answer.trim()).as_bytes())?;
                } else {
                    // The server wants a literal we did not announce: nothing sensible to send.
                    sh.wire.send(b"\r\n")?;
                }
            }
        }
    }
}

/// Reads `n` bytes of literal from the following input lines (joined with CRLF).
fn read_literal(sh: &mut Shell<'_>, n: usize) -> CliResult<Vec<u8>> {
    let mut data = Vec::with_capacity(n);
    while data.len() < n {
        let Some(line) = sh.read_line(&format!("literal ({} of {n} bytes)> ", data.len()))? else {
            return Err(CliError::usage("input ended inside a literal"));
        };
        data.extend_from_slice(line.as_bytes());
        if data.len() < n {
            data.extend_from_slice(b"\r\n");
        }
        if data.len() > n {
            return Err(CliError::usage(format!(
                "the literal is longer than the {n} bytes announced ({} so far); nothing was sent",
                data.len()
            )));
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_markers() {
        assert!(matches!(
            tail("APPEND X {12}").1,
            Tail::Literal { n: 12, plus: false }
        ));
        assert!(matches!(
            tail("APPEND X {12+}").1,
            Tail::Literal { n: 12, plus: true }
        ));
        assert!(matches!(tail("APPEND X {@m.eml}").1, Tail::File(_)));
        assert!(matches!(tail("FETCH 1 (FLAGS)").1, Tail::None));
        assert_eq!(tail("APPEND X {12}").0, "APPEND X ");
    }

    #[test]
    fn raw_display_escapes() {
        let s = show_raw(b"* OK hi\x1b[2J\r\n", 100);
        assert_eq!(s, "S: * OK hi\\u{1b}[2J\n");
        let s = show_raw(&[b'x'; 300], 100);
        assert!(s.contains("300 bytes in all"));
    }

    #[test]
    fn secrets_stay_out_of_history() {
        assert!(is_secret_line("login alice pw"));
        assert!(is_secret_line("AUTHENTICATE PLAIN AGFsaWNl"));
        assert!(!is_secret_line("SELECT INBOX"));
    }
}
