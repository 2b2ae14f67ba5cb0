//! FETCH throughput benchmark: how fast each client downloads a mailbox from the local
//! Dovecot on 127.0.0.1 (no proxy, no added delay). See bench/README.md ("FETCH
//! throughput") and bench/run-fetch.
//!
//!   F1  `UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)` on
//!       INBOX of user bench (10,000 messages)
//!   F2  `UID FETCH 1:* (BODY.PEEK[])` on Bodies (1,000 messages)
//!
//! Every measurement runs in a process of its own (this binary with `--child`, the Python
//! script or the Node script): it connects, logs in and EXAMINEs the mailbox (untimed),
//! reads VmRSS, times the FETCH and the consumption of every message (F1: count, sum of
//! RFC822.SIZE, envelope and body structure present; F2: count, sum of body lengths), reads
//! VmHWM, logs out and prints one JSON line. The parent checks count and sum against
//! `STATUS (MESSAGES SIZE)` and keeps the best time of `--runs` (default 3) and the largest
//! RSS growth (VmHWM after − VmRSS before).
//!
//! Usage (environment from `eval "$(scripts/dovecot start)"`):
//!   fetchbench [--runs N] [--only SUBSTRING[,SUBSTRING...]] [--workload F1|F2]
//!   fetchbench --child ROW F1|F2          (one measurement; used by the parent)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use futures_util::StreamExt;
use imap4::proto::encode::{FetchAttr, StatusAttr};
use imap4::proto::{Section, SequenceSet};
use imap4::transport::ConnectOptions;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Workload {
    F1,
    F2,
}

const WORKLOADS: [Workload; 2] = [Workload::F1, Workload::F2];

impl Workload {
    fn mailbox(self) -> &'static str {
        match self {
            Workload::F1 => "INBOX",
            Workload::F2 => "Bodies",
        }
    }
    /// The FETCH items as the string-query clients send them.
    fn query(self) -> &'static str {
        match self {
            Workload::F1 => "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
            Workload::F2 => "(BODY.PEEK[])",
        }
    }
    fn attrs(self) -> Vec<FetchAttr> {
        match self {
            Workload::F1 => vec![
                FetchAttr::Uid,
                FetchAttr::Flags,
                FetchAttr::InternalDate,
                FetchAttr::Rfc822Size,
                FetchAttr::Envelope,
                FetchAttr::BodyStructure,
            ],
            Workload::F2 => vec![FetchAttr::body_peek(Section::default())],
        }
    }
    fn parse(s: &str) -> Res<Workload> {
        match s {
            "F1" | "f1" => Ok(Workload::F1),
            "F2" | "f2" => Ok(Workload::F2),
            _ => Err(format!("workload {s:?}: F1 or F2").into()),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Client {
    /// Raw socket, a line + literal framer, no parsing: the floor.
    Raw,
    Imap4Blocking,
    Imap4Tokio,
    AsyncImap,
    ImapCrate,
    Imaplib,
    Imapflow,
}

struct Row {
    client: Client,
    /// For --child and --only.
    id: &'static str,
    label: &'static str,
}

const ROWS: &[Row] = &[
    Row {
        client: Client::Raw,
        id: "raw",
        label: "floor: raw socket, framing only (no parsing)",
    },
    Row {
        client: Client::Imap4Blocking,
        id: "imap4-blocking",
        label: "imap4 blocking (`uid_fetch` iterator)",
    },
    Row {
        client: Client::Imap4Tokio,
        id: "imap4-tokio",
        label: "imap4 tokio (`uid_fetch` stream)",
    },
    Row {
        client: Client::AsyncImap,
        id: "async-imap",
        label: "async-imap 0.12 (tokio, `uid_fetch` stream)",
    },
    Row {
        client: Client::ImapCrate,
        id: "imap-crate",
        label: "imap 3.0.0-alpha.15 (rust-imap, plain TCP; `uid_fetch` returns all)",
    },
    Row {
        client: Client::Imaplib,
        id: "imaplib",
        label: "Python imaplib (`M.uid('FETCH', ...)` returns all)",
    },
    Row {
        client: Client::Imapflow,
        id: "imapflow",
        label: "Node imapflow (`fetch` async iterator)",
    },
];

/// What one measurement gives back (one JSON line from the child).
#[derive(Debug)]
struct Measured {
    ms: f64,
    /// CPU time of the whole process (all threads, user + system) during the same span.
    cpu_ms: f64,
    count: u64,
    sum: u64,
    /// Bytes the server sent for the FETCH (raw row only).
    bytes: Option<u64>,
    rss_before_kb: u64,
    hwm_after_kb: u64,
}

impl Measured {
    fn json(&self) -> String {
        format!(
            "{{\"ms\": {:.3}, \"cpu_ms\": {:.3}, \"count\": {}, \"sum\": {}, \"bytes\": {}, \
             \"rss_before_kb\": {}, \"hwm_after_kb\": {}}}",
            self.ms,
            self.cpu_ms,
            self.count,
            self.sum,
            self.bytes.map_or("null".to_string(), |b| b.to_string()),
            self.rss_before_kb,
            self.hwm_after_kb
        )
    }
}

fn env_var(name: &str) -> Res<String> {
    std::env::var(name).map_err(|_| {
        format!("{name} is not set: run `eval \"$(scripts/dovecot start)\"` first").into()
    })
}

struct Env {
    host: String,
    port: u16,
    user: String,
    pass: String,
}

fn get_env() -> Res<Env> {
    Ok(Env {
        host: env_var("IMAP4_HOST").unwrap_or_else(|_| "127.0.0.1".into()),
        port: env_var("IMAP4_PORT")?.parse()?,
        user: env_var("IMAP4_USER_BENCH")?,
        pass: env_var("IMAP4_PASS_BENCH")?,
    })
}

/// A field of /proc/self/status in kB (VmRSS, VmHWM).
fn proc_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time used by this process so far (all threads, user + system), in ms.
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}

// ----- the floor: raw socket ------------------------------------------------------------

/// Reads whole responses (line + `{n}` literals) off a socket, counting bytes.
struct Framer {
    s: TcpStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    total: u64,
}

impl Framer {
    fn new(s: TcpStream) -> Framer {
        Framer {
            s,
            buf: vec![0; 256 * 1024],
            start: 0,
            end: 0,
            total: 0,
        }
    }

    fn fill(&mut self) -> Res<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = self.s.read(&mut self.buf[self.end..])?;
        if n == 0 {
            return Err("connection closed".into());
        }
        self.end += n;
        self.total += n as u64;
        Ok(())
    }

    /// The next line (with CRLF) as a range of `buf`, valid until the next call.
    fn line(&mut self) -> Res<std::ops::Range<usize>> {
        let mut from = self.start;
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[from..self.end]) {
                let r = self.start..from + i + 1;
                self.start = r.end;
                return Ok(r);
            }
            from = self.end - self.start;
            self.fill()?;
            from += self.start;
        }
    }

    fn skip(&mut self, mut n: usize) -> Res<()> {
        loop {
            let have = (self.end - self.start).min(n);
            self.start += have;
            n -= have;
            if n == 0 {
                return Ok(());
            }
            self.fill()?;
        }
    }

    /// One whole response. Calls `seg` with each line segment; returns the literal sizes
    /// summed and whether the first segment starts with `tag `.
    fn response(&mut self, tag: &[u8], mut seg: impl FnMut(&[u8])) -> Res<(u64, bool)> {
        let mut lits = 0u64;
        let mut tagged = None;
        loop {
            let r = self.line()?;
            let line = &self.buf[r];
            if tagged.is_none() {
                tagged = Some(line.starts_with(tag) && line.get(tag.len()) == Some(&b' '));
            }
            seg(line);
            match literal_size(line) {
                Some(n) => {
                    lits += n as u64;
                    self.skip(n)?;
                }
                None => return Ok((lits, tagged.unwrap_or(false))),
            }
        }
    }
}

/// `{n}\r\n` (or `{n+}`) at the end of a line.
fn literal_size(line: &[u8]) -> Option<usize> {
    let l = line.strip_suffix(b"\r\n")?.strip_suffix(b"}")?;
    let l = l.strip_suffix(b"+").unwrap_or(l);
    let open = l.iter().rposition(|&b| b == b'{')?;
    std::str::from_utf8(&l[open + 1..]).ok()?.parse().ok()
}

fn find_number_after(hay: &[u8], key: &[u8]) -> Option<u64> {
    let i = memchr::memmem::find(hay, key)? + key.len();
    let digits = hay[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&hay[i..i + digits]).ok()?.parse().ok()
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Sends `tag line` and reads responses up to the tagged one, which must be OK.
fn raw_command(f: &mut Framer, out: &mut TcpStream, tag: &str, line: String) -> Res<()> {
    out.write_all(format!("{tag} {line}\r\n").as_bytes())?;
    loop {
        let mut ok = false;
        let (_, tagged) = f.response(tag.as_bytes(), |l| {
            ok = l.get(tag.len() + 1..tag.len() + 3) == Some(b"OK")
        })?;
        if tagged {
            return if ok {
                Ok(())
            } else {
                Err(format!("{tag}: not OK").into())
            };
        }
    }
}

fn run_raw(env: &Env, w: Workload) -> Res<Measured> {
    let s = TcpStream::connect((env.host.as_str(), env.port))?;
    s.set_nodelay(true)?;
    let mut out = s.try_clone()?;
    let mut f = Framer::new(s);
    f.response(b"*", |_| {})?; // greeting
    raw_command(
        &mut f,
        &mut out,
        "a1",
        format!("LOGIN {} {}", quoted(&env.user), quoted(&env.pass)),
    )?;
    raw_command(&mut f, &mut out, "a2", format!("EXAMINE {}", w.mailbox()))?;
    let rss_before_kb = proc_kb("VmRSS");
    let c0 = cpu_ms();
    let t0 = Instant::now();
    let before = f.total - (f.end - f.start) as u64;
    out.write_all(format!("a3 UID FETCH 1:* {}\r\n", w.query()).as_bytes())?;
    let (mut count, mut sum) = (0u64, 0u64);
    loop {
        let mut first = true;
        let mut is_fetch = false;
        let mut size = 0;
        let (lits, tagged) = f.response(b"a3", |l| {
            if first {
                is_fetch = l.starts_with(b"* ") && memchr::memmem::find(l, b" FETCH (").is_some();
                if is_fetch && w == Workload::F1 {
                    size = find_number_after(l, b"RFC822.SIZE ").unwrap_or(0);
                }
                first = false;
            }
        })?;
        if tagged {
            break;
        }
        if is_fetch {
            count += 1;
            sum += if w == Workload::F1 { size } else { lits };
        }
    }
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu_ms() - c0;
    let bytes = f.total - (f.end - f.start) as u64 - before;
    let hwm_after_kb = proc_kb("VmHWM");
    raw_command(&mut f, &mut out, "a4", "LOGOUT".into())?;
    Ok(Measured {
        ms,
        cpu_ms,
        count,
        sum,
        bytes: Some(bytes),
        rss_before_kb,
        hwm_after_kb,
    })
}

// ----- imap4 ------------------------------------------------------------------------------

fn imap4_consume(w: Workload, m: &imap4::proto::Fetch) -> Res<u64> {
    match w {
        Workload::F1 => {
            if m.envelope().is_none() || m.body_structure().is_none() || m.uid().is_none() {
                return Err(
                    format!("message {}: no UID, envelope or body structure", m.seq).into(),
                );
            }
            m.size()
                .ok_or_else(|| format!("message {}: no RFC822.SIZE", m.seq).into())
        }
        Workload::F2 => m
            .body()
            .map(|b| b.len() as u64)
            .ok_or_else(|| format!("message {}: no BODY[]", m.seq).into()),
    }
}

fn run_imap4_blocking(env: &Env, w: Workload) -> Res<Measured> {
    let mut c =
        imap4::blocking::Client::connect_plain(&env.host, env.port, &ConnectOptions::default())?;
    c.allow_plaintext_login(true);
    c.login(&env.user, &env.pass)?;
    c.examine(w.mailbox())?;
    let attrs = w.attrs();
    let rss_before_kb = proc_kb("VmRSS");
    let c0 = cpu_ms();
    let t0 = Instant::now();
    let (mut count, mut sum) = (0u64, 0u64);
    for m in c.uid_fetch(&SequenceSet::all(), attrs)? {
        sum += imap4_consume(w, &m?)?;
        count += 1;
    }
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu_ms() - c0;
    let hwm_after_kb = proc_kb("VmHWM");
    c.logout()?;
    Ok(Measured {
        ms,
        cpu_ms,
        count,
        sum,
        bytes: None,
        rss_before_kb,
        hwm_after_kb,
    })
}

async fn run_imap4_tokio(env: &Env, w: Workload) -> Res<Measured> {
    let mut c =
        imap4::tokio::Client::connect_plain(&env.host, env.port, &ConnectOptions::default())
            .await?;
    c.allow_plaintext_login(true);
    c.login(&env.user, &env.pass).await?;
    c.examine(w.mailbox()).await?;
    let attrs = w.attrs();
    let rss_before_kb = proc_kb("VmRSS");
    let c0 = cpu_ms();
    let t0 = Instant::now();
    let (mut count, mut sum) = (0u64, 0u64);
    {
        let mut st = c.uid_fetch(&SequenceSet::all(), attrs).await?;
        while let Some(m) = st.next().await {
            sum += imap4_consume(w, &m?)?;
            count += 1;
        }
    }
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu_ms() - c0;
    let hwm_after_kb = proc_kb("VmHWM");
    c.logout().await?;
    Ok(Measured {
        ms,
        cpu_ms,
        count,
        sum,
        bytes: None,
        rss_before_kb,
        hwm_after_kb,
    })
}

// ----- async-imap -------------------------------------------------------------------------

async fn run_async_imap(env: &Env, w: Workload) -> Res<Measured> {
    let tcp = tokio::net::TcpStream::connect((env.host.as_str(), env.port)).await?;
    tcp.set_nodelay(true)?;
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await?.ok_or("no greeting")?;
    let mut s = client
        .login(&env.user, &env.pass)
        .await
        .map_err(|(e, _)| e)?;
    s.examine(w.mailbox()).await?;
    let rss_before_kb = proc_kb("VmRSS");
    let c0 = cpu_ms();
    let t0 = Instant::now();
    let (mut count, mut sum) = (0u64, 0u64);
    {
        let mut st = s.uid_fetch("1:*", w.query()).await?;
        while let Some(m) = st.next().await {
            let m = m?;
            sum += match w {
                Workload::F1 => {
                    if m.envelope().is_none() || m.bodystructure().is_none() || m.uid.is_none() {
                        return Err(format!("message {}: incomplete", m.message).into());
                    }
                    m.size.ok_or("no RFC822.SIZE")? as u64
                }
                Workload::F2 => m.body().ok_or("no BODY[]")?.len() as u64,
            };
            count += 1;
        }
    }
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu_ms() - c0;
    let hwm_after_kb = proc_kb("VmHWM");
    while s.unsolicited_responses.try_recv().is_ok() {}
    s.logout().await?;
    Ok(Measured {
        ms,
        cpu_ms,
        count,
        sum,
        bytes: None,
        rss_before_kb,
        hwm_after_kb,
    })
}

// ----- imap (rust-imap) -------------------------------------------------------------------

fn run_imap_crate(env: &Env, w: Workload) -> Res<Measured> {
    let tcp = TcpStream::connect((env.host.as_str(), env.port))?;
    tcp.set_nodelay(true)?;
    let mut client = imap::Client::new(tcp);
    client.read_greeting()?;
    let mut s = client.login(&env.user, &env.pass).map_err(|(e, _)| e)?;
    s.examine(w.mailbox())?;
    let rss_before_kb = proc_kb("VmRSS");
    let c0 = cpu_ms();
    let t0 = Instant::now();
    let (mut count, mut sum) = (0u64, 0u64);
    {
        // The crate reads the whole reply into memory, then parses it into `Fetches`.
        let fetches = s.uid_fetch("1:*", w.query())?;
        for m in fetches.iter() {
            sum += match w {
                Workload::F1 => {
                    if m.envelope().is_none() || m.bodystructure().is_none() || m.uid.is_none() {
                        return Err(format!("message {}: incomplete", m.message).into());
                    }
                    m.size.ok_or("no RFC822.SIZE")? as u64
                }
                Workload::F2 => m.body().ok_or("no BODY[]")?.len() as u64,
            };
            count += 1;
        }
    }
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu_ms() - c0;
    let hwm_after_kb = proc_kb("VmHWM");
    s.logout()?;
    Ok(Measured {
        ms,
        cpu_ms,
        count,
        sum,
        bytes: None,
        rss_before_kb,
        hwm_after_kb,
    })
}

// ----- child processes --------------------------------------------------------------------

fn tokio_rt() -> Res<tokio::runtime::Runtime> {
    // What `#[tokio::main]` gives on this 2-core machine.
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn child(id: &str, w: Workload) -> Res<()> {
    let env = get_env()?;
    let row = ROWS
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| format!("no row {id}"))?;
    let m = match row.client {
        Client::Raw => run_raw(&env, w)?,
        Client::Imap4Blocking => run_imap4_blocking(&env, w)?,
        Client::Imap4Tokio => tokio_rt()?.block_on(run_imap4_tokio(&env, w))?,
        Client::AsyncImap => tokio_rt()?.block_on(run_async_imap(&env, w))?,
        Client::ImapCrate => run_imap_crate(&env, w)?,
        Client::Imaplib | Client::Imapflow => return Err("not an in-process client".into()),
    };
    println!("{}", m.json());
    Ok(())
}

/// One measurement in a fresh process.
fn measure(env: &Env, row: &Row, w: Workload) -> Res<Measured> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut cmd = match row.client {
        Client::Imaplib => {
            let mut c = Command::new("python3");
            c.arg(format!("{dir}/fetchbench_imaplib.py"));
            c
        }
        Client::Imapflow => {
            let mut c = Command::new("node");
            c.arg(format!("{dir}/fetchbench_imapflow.mjs"));
            c
        }
        _ => {
            let mut c = Command::new(std::env::current_exe()?);
            c.arg("--child");
            c
        }
    };
    cmd.args([row.id, &format!("{w:?}")])
        .env("FETCHBENCH_HOST", &env.host)
        .env("FETCHBENCH_PORT", env.port.to_string())
        .env("FETCHBENCH_USER", &env.user)
        .env("FETCHBENCH_PASS", &env.pass)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    let out = cmd.output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("{} exited with {}: {text}", row.id, out.status).into());
    }
    let line = text.lines().last().unwrap_or("");
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("{} printed {text:?}: {e}", row.id))?;
    if let Some(e) = v.get("error") {
        return Err(format!("{}: {e}", row.id).into());
    }
    let num = |k: &str| {
        v[k].as_f64()
            .ok_or_else(|| format!("{}: no {k} in {line}", row.id))
    };
    Ok(Measured {
        ms: num("ms")?,
        cpu_ms: num("cpu_ms")?,
        count: num("count")? as u64,
        sum: num("sum")? as u64,
        bytes: v["bytes"].as_u64(),
        rss_before_kb: num("rss_before_kb")? as u64,
        hwm_after_kb: num("hwm_after_kb")? as u64,
    })
}

struct Cell {
    best_ms: f64,
    best_cpu_ms: f64,
    rss_growth_kb: u64,
}

fn main() -> Res<()> {
    let mut runs = 3usize;
    let mut only: Vec<String> = Vec::new();
    let mut workloads = WORKLOADS.to_vec();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--child" => {
                let id = args.next().ok_or("--child ROW F1|F2")?;
                let w = Workload::parse(&args.next().ok_or("--child ROW F1|F2")?)?;
                return child(&id, w);
            }
            "--runs" => runs = args.next().ok_or("--runs N")?.parse()?,
            "--workload" => {
                workloads = vec![Workload::parse(&args.next().ok_or("--workload F1|F2")?)?]
            }
            "--only" => {
                only = args
                    .next()
                    .ok_or("--only SUBSTRING,...")?
                    .split(',')
                    .map(str::to_string)
                    .collect()
            }
            _ => return Err(format!("unknown argument {a}; see the top of fetchbench.rs").into()),
        }
    }
    let env = get_env()?;

    // The reference: what the server says the mailboxes hold.
    let mut admin =
        imap4::blocking::Client::connect_plain(&env.host, env.port, &ConnectOptions::default())?;
    admin.allow_plaintext_login(true);
    admin.login(&env.user, &env.pass)?;
    let mut expect = Vec::new();
    for w in WORKLOADS {
        let st = admin.status(w.mailbox(), [StatusAttr::Messages, StatusAttr::Size])?;
        let (Some(n), Some(size)) = (st.messages, st.size) else {
            return Err(format!("STATUS {} lacks MESSAGES or SIZE", w.mailbox()).into());
        };
        expect.push((n as u64, size));
    }
    admin.logout()?;
    let expected = |w: Workload| expect[WORKLOADS.iter().position(|&x| x == w).unwrap()];
    eprintln!(
        "fetchbench: {}:{}, INBOX {} messages / {} bytes, Bodies {} messages / {} bytes; best of {runs}",
        env.host, env.port, expect[0].0, expect[0].1, expect[1].0, expect[1].1
    );

    let have_node = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/node_modules/imapflow"
    ))
    .is_dir();
    let rows: Vec<&Row> = ROWS
        .iter()
        .filter(|r| only.is_empty() || only.iter().any(|o| r.id.contains(o.as_str()) || r.label.contains(o.as_str())))
        .filter(|r| {
            let skip = r.client == Client::Imapflow && !have_node;
            if skip {
                eprintln!("fetchbench: skipping imapflow (bench/node_modules/imapflow missing: `npm install` in bench/)");
            }
            !skip
        })
        .collect();

    let mut server_bytes: Vec<Option<u64>> = vec![None; workloads.len()];
    let mut cells: Vec<Vec<Option<Cell>>> = Vec::new();
    for row in &rows {
        let mut line = Vec::new();
        for (j, &w) in workloads.iter().enumerate() {
            let mut cell: Option<Cell> = None;
            for run in 0..runs {
                let m = measure(&env, row, w)
                    .map_err(|e| format!("{} / {w:?} / run {}: {e}", row.id, run + 1))?;
                let (n, size) = expected(w);
                if (m.count, m.sum) != (n, size) {
                    return Err(format!(
                        "{} / {w:?} / run {}: {} messages, {} bytes; the server says {n}, {size}",
                        row.id,
                        run + 1,
                        m.count,
                        m.sum
                    )
                    .into());
                }
                if let Some(b) = m.bytes {
                    server_bytes[j] = Some(b);
                }
                let growth = m.hwm_after_kb.saturating_sub(m.rss_before_kb);
                eprintln!(
                    "  {:<16} {w:?} run {}: {:>9.1} ms, CPU {:>8.1} ms, {} messages, {} bytes, RSS {} kB -> peak {} kB (+{} kB){}",
                    row.id,
                    run + 1,
                    m.ms,
                    m.cpu_ms,
                    m.count,
                    m.sum,
                    m.rss_before_kb,
                    m.hwm_after_kb,
                    growth,
                    m.bytes.map_or(String::new(), |b| format!(", {b} bytes from the server"))
                );
                let c = cell.get_or_insert(Cell {
                    best_ms: f64::MAX,
                    best_cpu_ms: f64::MAX,
                    rss_growth_kb: 0,
                });
                c.best_ms = c.best_ms.min(m.ms);
                c.best_cpu_ms = c.best_cpu_ms.min(m.cpu_ms);
                c.rss_growth_kb = c.rss_growth_kb.max(growth);
            }
            line.push(cell);
        }
        cells.push(line);
    }

    // The reference row for ratios: imap4 blocking, if it ran.
    let base = rows.iter().position(|r| r.client == Client::Imap4Blocking);
    println!(
        "FETCH from Dovecot on {} (no added delay), best of {runs} per cell. wall: ms and MB/s \
         of the server's FETCH reply (10^6 bytes/s); CPU: the client process's CPU time (all \
         threads, user + system) over the same span, × that of imap4 blocking; RSS: peak growth \
         during the FETCH (VmHWM after − VmRSS before, each run in its own process; worst run).\n",
        env.host
    );
    let mut head = "| client |".to_string();
    let mut sep = "| --- |".to_string();
    for (j, w) in workloads.iter().enumerate() {
        let (n, size) = expected(*w);
        let what = match w {
            Workload::F1 => format!("F1: {n} × metadata"),
            Workload::F2 => format!("F2: {n} × BODY[] ({:.1} MB of mail)", size as f64 / 1e6),
        };
        let bytes = server_bytes[j].map_or(String::new(), |b| {
            format!(", reply {:.1} MB", b as f64 / 1e6)
        });
        head.push_str(&format!(" {what}{bytes}: wall | CPU | RSS |"));
        sep.push_str(" --- | --- | --- |");
    }
    println!("{head}\n{sep}");
    for (i, (row, line)) in rows.iter().zip(&cells).enumerate() {
        let mut s = format!("| {} |", row.label);
        for (j, c) in line.iter().enumerate() {
            let Some(c) = c else {
                s.push_str(" — | — | — |");
                continue;
            };
            let rate = server_bytes[j].map_or(String::new(), |b| {
                format!(", {:.0} MB/s", b as f64 / 1e3 / c.best_ms)
            });
            let ratio = match base.and_then(|b| cells[b][j].as_ref()) {
                Some(b) if Some(i) != base => format!(" ({:.1}×)", c.best_cpu_ms / b.best_cpu_ms),
                _ => String::new(),
            };
            let bold = if Some(i) == base { "**" } else { "" };
            s.push_str(&format!(
                " {:.0} ms{rate} | {bold}{:.0} ms{bold}{ratio} | {:.1} MB |",
                c.best_ms,
                c.best_cpu_ms,
                c.rss_growth_kb as f64 / 1024.0
            ));
        }
        println!("{s}");
    }
    Ok(())
}
