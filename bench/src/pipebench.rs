//! Pipelining benchmark: the same three workloads through a delay proxy (10 ms each way,
//! so 20 ms round trip, on 127.0.0.1 in front of the local Dovecot), with imap4 one command
//! at a time and pipelined (tokio and blocking), async-imap, and Python's imaplib, all in
//! one run. See bench/README.md ("Pipelining") and bench/run-pipeline.
//!
//!   W1  APPEND 200 messages of ~2 KB to an empty mailbox
//!   W2  UID STORE +FLAGS (\Flagged) on each of 200 messages, one command per message
//!   W3  STATUS (MESSAGES UNSEEN) of 50 mailboxes
//!
//! Every measurement: reset the mailbox state over a direct (unproxied) admin connection;
//! the client connects through the proxy, logs in and prepares (SELECT and UID SEARCH for
//! W2), all untimed; then the timed work; then logout, and the admin connection checks the
//! result (200 messages; 200 flagged; the STATUS figures the client returned). Best of
//! `--runs` (default 3) per cell.
//!
//! Usage (environment from `eval "$(scripts/dovecot start)"`):
//!   pipebench [--runs N] [--delay-ms MS] [--only SUBSTRING[,SUBSTRING...]]

mod proxy;

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use imap4::proto::encode::{self, AppendMessage, Criteria, StatusAttr, StoreMode};
use imap4::proto::{Bytes, Data, Flag, SequenceSet, StatusItem};
use imap4::transport::ConnectOptions;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const N_MESSAGES: usize = 200;
const N_MAILBOXES: usize = 50;
const PARENT: &str = "pipebench";
const APPEND_MB: &str = "pipebench/append";
const FLAGS_MB: &str = "pipebench/flags";

fn status_mailbox(i: usize) -> String {
    format!("pipebench/s{i:02}")
}

/// Mailbox i of W3 holds i % 4 messages; the even-numbered ones are \Seen.
fn expected_status() -> Vec<(u32, u32)> {
    (0..N_MAILBOXES)
        .map(|i| {
            let n = (i % 4) as u32;
            (n, n / 2)
        })
        .collect()
}

/// The i-th test message (~2 KB, CRLF). bench/pipebench_imaplib.py builds the same bytes.
fn message(i: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Pipe Bench <bench@example.com>\r\nTo: Someone <someone@example.com>\r\n\
         Subject: pipebench message {i}\r\nMessage-ID: <pipebench-{i}@example.com>\r\n\
         Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n"
    );
    let mut k = 0;
    while m.len() < 2000 {
        m.push_str(&format!(
            "Line {k:03} of message {i}: the quick brown fox jumps over the lazy dog.\r\n"
        ));
        k += 1;
    }
    m.into_bytes()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Workload {
    Append,
    Store,
    Status,
}

const WORKLOADS: [Workload; 3] = [Workload::Append, Workload::Store, Workload::Status];

impl Workload {
    fn py(self) -> &'static str {
        match self {
            Workload::Append => "append",
            Workload::Store => "store",
            Workload::Status => "status",
        }
    }
}

/// How an imap4 client does the work.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// `append` / `uid_store` / `status` in a loop.
    One,
    /// The same with synchronizing literals forced (wait for `+` as without LITERAL+).
    OneSync,
    /// `append_many` (MULTIAPPEND on Dovecot) / `uid_store_many` / `run_all` of STATUS.
    Batch,
    /// `run_all` of 200 separate `encode::Append` (W1 only).
    RunAllAppend,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Client {
    Tokio(Mode),
    Blocking(Mode),
    AsyncImap,
    /// true: with TCP_NODELAY set on imaplib's socket.
    Imaplib(bool),
}

struct Row {
    client: Client,
    label: &'static str,
    workloads: &'static [Workload],
}

const ROWS: &[Row] = &[
    Row {
        client: Client::Tokio(Mode::Batch),
        label: "imap4 tokio, pipelined (`append_many` = MULTIAPPEND, `uid_store_many`, `run_all`)",
        workloads: &WORKLOADS,
    },
    Row {
        client: Client::Tokio(Mode::RunAllAppend),
        label: "imap4 tokio, `run_all` of 200 × `encode::Append`",
        workloads: &[Workload::Append],
    },
    Row {
        client: Client::Tokio(Mode::One),
        label: "imap4 tokio, one at a time (`append`, `uid_store`, `status`)",
        workloads: &WORKLOADS,
    },
    Row {
        client: Client::Tokio(Mode::OneSync),
        label: "imap4 tokio, one at a time, LITERAL+ off (`set_force_sync_literals`)",
        workloads: &[Workload::Append],
    },
    Row {
        client: Client::Blocking(Mode::Batch),
        label: "imap4 blocking, pipelined (same calls)",
        workloads: &WORKLOADS,
    },
    Row {
        client: Client::Blocking(Mode::RunAllAppend),
        label: "imap4 blocking, `run_all` of 200 × `encode::Append`",
        workloads: &[Workload::Append],
    },
    Row {
        client: Client::Blocking(Mode::One),
        label: "imap4 blocking, one at a time",
        workloads: &WORKLOADS,
    },
    Row {
        client: Client::AsyncImap,
        label: "async-imap 0.12 (tokio), one at a time (it has no batching API)",
        workloads: &WORKLOADS,
    },
    Row {
        client: Client::Imaplib(false),
        label: "Python imaplib, one at a time",
        workloads: &WORKLOADS,
    },
    Row {
        client: Client::Imaplib(true),
        label: "Python imaplib, one at a time, TCP_NODELAY set on `M.sock`",
        workloads: &[Workload::Append],
    },
];

struct Env {
    user: String,
    pass: String,
    upstream: SocketAddr,
    proxy_port: u16,
    stats: Arc<proxy::Stats>,
    messages: Vec<Bytes>,
}

/// What one timed run gives back.
struct Outcome {
    elapsed: Duration,
    stats: proxy::Snapshot,
    /// W3: (MESSAGES, UNSEEN) per mailbox, in order.
    status: Vec<(u32, u32)>,
}

fn env_var(name: &str) -> Res<String> {
    std::env::var(name).map_err(|_| {
        format!("{name} is not set: run `eval \"$(scripts/dovecot start)\"` first").into()
    })
}

fn opts() -> ConnectOptions {
    ConnectOptions::default()
}

// ----- admin (direct to Dovecot, never timed) -------------------------------------------

fn admin_connect(env: &Env) -> Res<imap4::blocking::Client> {
    let mut c = imap4::blocking::Client::connect_plain(
        &env.upstream.ip().to_string(),
        env.upstream.port(),
        &opts(),
    )?;
    c.allow_plaintext_login(true);
    c.login(&env.user, &env.pass)?;
    Ok(c)
}

/// Creates the mailboxes from scratch: W1's (empty), W2's (200 messages), W3's 50.
fn setup(admin: &mut imap4::blocking::Client, env: &Env) -> Res<()> {
    let mut names = vec![APPEND_MB.to_string(), FLAGS_MB.to_string()];
    names.extend((0..N_MAILBOXES).map(status_mailbox));
    for n in &names {
        let _ = admin.delete(n);
    }
    let _ = admin.delete(PARENT);
    for n in &names {
        admin.create(n)?;
    }
    let msgs = env.messages.iter().map(|m| AppendMessage::new(m.clone()));
    for r in admin.append_many(FLAGS_MB, msgs)? {
        r?;
    }
    for i in 0..N_MAILBOXES {
        for j in 0..i % 4 {
            let flags = if j % 2 == 0 { vec![Flag::Seen] } else { vec![] };
            admin.append(&status_mailbox(i), env.messages[j].clone(), flags, None)?;
        }
    }
    Ok(())
}

fn reset(admin: &mut imap4::blocking::Client, w: Workload) -> Res<()> {
    match w {
        Workload::Append => {
            admin.delete(APPEND_MB)?;
            admin.create(APPEND_MB)?;
        }
        Workload::Store => {
            admin.select(FLAGS_MB)?;
            admin.uid_store(SequenceSet::all(), StoreMode::Remove, [Flag::Flagged])?;
            let left = admin.uid_search(Criteria::flagged())?.len();
            admin.unselect()?;
            if left != 0 {
                return Err(format!("reset: {left} messages still flagged").into());
            }
        }
        Workload::Status => {}
    }
    Ok(())
}

fn verify(admin: &mut imap4::blocking::Client, w: Workload, out: &Outcome) -> Res<()> {
    match w {
        Workload::Append => {
            let st = admin.status(APPEND_MB, [StatusAttr::Messages])?;
            if st.messages != Some(N_MESSAGES as u32) {
                return Err(format!("W1: {APPEND_MB} holds {:?} messages", st.messages).into());
            }
        }
        Workload::Store => {
            admin.select(FLAGS_MB)?;
            let flagged = admin.uid_search(Criteria::flagged())?.len();
            admin.unselect()?;
            if flagged != N_MESSAGES {
                return Err(format!("W2: {flagged} of {N_MESSAGES} messages flagged").into());
            }
        }
        Workload::Status => {
            if out.status != expected_status() {
                return Err(format!(
                    "W3: STATUS results {:?}, expected {:?}",
                    out.status,
                    expected_status()
                )
                .into());
            }
        }
    }
    Ok(())
}

// ----- imap4 (tokio and blocking: one body, `.await` or not) ----------------------------

fn status_pair(data: &[Data]) -> Option<(u32, u32)> {
    data.iter().find_map(|d| match d {
        Data::Status { items, .. } => {
            let mut m = None;
            let mut u = None;
            for it in items {
                match it {
                    StatusItem::Messages(n) => m = Some(*n),
                    StatusItem::Unseen(n) => u = Some(*n),
                    _ => {}
                }
            }
            Some((m?, u?))
        }
        _ => None,
    })
}

/// The imap4 part of a run, for a connected, logged-in client `$c`; `$($aw)*` is `.await`
/// for the tokio client and nothing for the blocking one.
macro_rules! imap4_run {
    ($c:ident, $env:ident, $w:ident, $mode:ident, $($aw:tt)*) => {{
        let env: &Env = $env;
        if $mode == Mode::OneSync {
            $c.set_force_sync_literals(true);
        }
        let uids = if $w == Workload::Store {
            $c.select(FLAGS_MB) $($aw)* ?;
            $c.uid_search(Criteria::all()) $($aw)* ?
        } else {
            Vec::new()
        };
        let append_msgs: Vec<AppendMessage> =
            env.messages.iter().map(|m| AppendMessage::new(m.clone())).collect();
        let appends: Vec<encode::Append> = append_msgs
            .iter()
            .map(|m| encode::Append::new(APPEND_MB, m.clone()))
            .collect();
        let statuses: Vec<encode::Status> = (0..N_MAILBOXES)
            .map(|i| encode::Status::new(status_mailbox(i), [StatusAttr::Messages, StatusAttr::Unseen]))
            .collect();
        let changes: Vec<(SequenceSet, StoreMode, Vec<Flag>)> = uids
            .iter()
            .map(|&u| (SequenceSet::single(u).unwrap(), StoreMode::Add, vec![Flag::Flagged]))
            .collect();
        let mut status = Vec::new();
        env.stats.reset();
        let t0 = Instant::now();
        match ($w, $mode) {
            (Workload::Append, Mode::One | Mode::OneSync) => {
                for m in &env.messages {
                    $c.append(APPEND_MB, m.clone(), [], None) $($aw)* ?;
                }
            }
            (Workload::Append, Mode::Batch) => {
                for r in $c.append_many(APPEND_MB, append_msgs) $($aw)* ? {
                    r?;
                }
            }
            (Workload::Append, Mode::RunAllAppend) => {
                for r in $c.run_all(&appends) $($aw)* ? {
                    r?;
                }
            }
            (Workload::Store, Mode::Batch) => {
                for r in $c.uid_store_many(changes) $($aw)* ? {
                    r?;
                }
            }
            (Workload::Store, _) => {
                for &u in &uids {
                    $c.uid_store(u, StoreMode::Add, [Flag::Flagged]) $($aw)* ?;
                }
            }
            (Workload::Status, Mode::Batch) => {
                for r in $c.run_all(&statuses) $($aw)* ? {
                    status.push(status_pair(&r?.data).ok_or("STATUS without MESSAGES/UNSEEN")?);
                }
            }
            (Workload::Status, _) => {
                for i in 0..N_MAILBOXES {
                    let st = $c
                        .status(&status_mailbox(i), [StatusAttr::Messages, StatusAttr::Unseen])
                        $($aw)* ?;
                    status.push((st.messages.unwrap_or(u32::MAX), st.unseen.unwrap_or(u32::MAX)));
                }
            }
        }
        let elapsed = t0.elapsed();
        let stats = env.stats.snapshot();
        $c.logout() $($aw)* ?;
        Ok(Outcome { elapsed, stats, status })
    }};
}

async fn run_tokio(env: &Env, w: Workload, mode: Mode) -> Res<Outcome> {
    let mut c = imap4::tokio::Client::connect_plain("127.0.0.1", env.proxy_port, &opts()).await?;
    c.allow_plaintext_login(true);
    c.login(&env.user, &env.pass).await?;
    imap4_run!(c, env, w, mode, .await)
}

fn run_blocking(env: &Env, w: Workload, mode: Mode) -> Res<Outcome> {
    let mut c = imap4::blocking::Client::connect_plain("127.0.0.1", env.proxy_port, &opts())?;
    c.allow_plaintext_login(true);
    c.login(&env.user, &env.pass)?;
    imap4_run!(c, env, w, mode,)
}

// ----- async-imap -------------------------------------------------------------------------

async fn run_async_imap(env: &Env, w: Workload) -> Res<Outcome> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", env.proxy_port)).await?;
    // imap4 sets TCP_NODELAY too; without it async-imap's separate literal and CRLF
    // writes could meet Nagle's algorithm.
    tcp.set_nodelay(true)?;
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await?.ok_or("no greeting")?;
    let mut s = client
        .login(&env.user, &env.pass)
        .await
        .map_err(|(e, _)| e)?;
    let mut uids: Vec<u32> = Vec::new();
    if w == Workload::Store {
        s.select(FLAGS_MB).await?;
        uids = s.uid_search("ALL").await?.into_iter().collect();
        uids.sort_unstable();
    }
    let mut status = Vec::new();
    env.stats.reset();
    let t0 = Instant::now();
    match w {
        Workload::Append => {
            for m in &env.messages {
                s.append(APPEND_MB, None, None, m).await?;
            }
        }
        Workload::Store => {
            for u in &uids {
                let updates = s.uid_store(u.to_string(), "+FLAGS (\\Flagged)").await?;
                let _: Vec<_> = updates.try_collect().await?;
            }
        }
        Workload::Status => {
            for i in 0..N_MAILBOXES {
                let mb = s.status(status_mailbox(i), "(MESSAGES UNSEEN)").await?;
                status.push((mb.exists, mb.unseen.unwrap_or(u32::MAX)));
            }
        }
    }
    let elapsed = t0.elapsed();
    let stats = env.stats.snapshot();
    // Drop what async-imap queued as unsolicited (none expected; keeps the channel free).
    while s.unsolicited_responses.try_recv().is_ok() {}
    s.logout().await?;
    Ok(Outcome {
        elapsed,
        stats,
        status,
    })
}

// ----- Python imaplib (subprocess) --------------------------------------------------------

fn run_imaplib(env: &Env, w: Workload, nodelay: bool) -> Res<Outcome> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/pipebench_imaplib.py");
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--port", &env.proxy_port.to_string(), "--workload", w.py()])
        .args(["--count", &N_MESSAGES.to_string()])
        .args(["--mailboxes", &N_MAILBOXES.to_string()])
        .args(nodelay.then_some("--nodelay"))
        .env("PIPEBENCH_USER", &env.user)
        .env("PIPEBENCH_PASS", &env.pass)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    // The script logs in and prepares, says "ready", waits for "go", does the timed work,
    // prints one JSON line, waits for "bye", logs out.
    stdout.read_line(&mut line)?;
    if line.trim() != "ready" {
        let _ = child.wait();
        return Err(format!("imaplib script: expected 'ready', got {line:?}").into());
    }
    env.stats.reset();
    stdin.write_all(b"go\n")?;
    stdin.flush()?;
    line.clear();
    stdout.read_line(&mut line)?;
    let stats = env.stats.snapshot();
    stdin.write_all(b"bye\n")?;
    stdin.flush()?;
    drop(stdin);
    let rc = child.wait()?;
    let v: serde_json::Value = serde_json::from_str(line.trim())
        .map_err(|e| format!("imaplib script printed {line:?}: {e}"))?;
    if !rc.success() {
        return Err(format!("imaplib script failed ({rc})").into());
    }
    if let Some(e) = v.get("error") {
        return Err(format!("imaplib script: {e}").into());
    }
    let ms = v["ms"].as_f64().ok_or("imaplib script: no ms")?;
    if w == Workload::Append {
        let total: usize = env.messages.iter().map(|m| m.len()).sum();
        if v["bytes"].as_u64() != Some(total as u64) {
            return Err(format!("imaplib appended {} bytes, expected {total}", v["bytes"]).into());
        }
    }
    let status = v["status"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_u64().unwrap_or(u64::MAX) as u32,
                        p[1].as_u64().unwrap_or(u64::MAX) as u32,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Outcome {
        elapsed: Duration::from_secs_f64(ms / 1000.0),
        stats,
        status,
    })
}

// ----- driver -----------------------------------------------------------------------------

fn run_one(rt: &tokio::runtime::Runtime, env: &Env, client: Client, w: Workload) -> Res<Outcome> {
    match client {
        Client::Tokio(mode) => rt.block_on(run_tokio(env, w, mode)),
        Client::Blocking(mode) => run_blocking(env, w, mode),
        Client::AsyncImap => rt.block_on(run_async_imap(env, w)),
        Client::Imaplib(nodelay) => run_imaplib(env, w, nodelay),
    }
}

struct Cell {
    best: Duration,
    waits: u64,
}

fn main() -> Res<()> {
    let mut runs = 3usize;
    let mut delay_ms = 10u64;
    let mut only: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().ok_or("--runs N")?.parse()?,
            "--delay-ms" => delay_ms = args.next().ok_or("--delay-ms MS")?.parse()?,
            "--only" => {
                only = args
                    .next()
                    .ok_or("--only SUBSTRING,...")?
                    .split(',')
                    .map(str::to_string)
                    .collect()
            }
            _ => return Err(format!("unknown argument {a}; see the top of pipebench.rs").into()),
        }
    }
    let host = env_var("IMAP4_HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port: u16 = env_var("IMAP4_PORT")?.parse()?;
    let upstream: SocketAddr = format!("{host}:{port}").parse()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let stats = Arc::new(proxy::Stats::default());
    let delay = Duration::from_millis(delay_ms);
    let proxy_addr = rt.block_on(proxy::start(upstream, delay, stats.clone()))?;
    let env = Env {
        user: env_var("IMAP4_USER_BENCH")?,
        pass: env_var("IMAP4_PASS_BENCH")?,
        upstream,
        proxy_port: proxy_addr.port(),
        stats,
        messages: (0..N_MESSAGES).map(|i| Bytes::from(message(i))).collect(),
    };
    let total: usize = env.messages.iter().map(|m| m.len()).sum();
    eprintln!(
        "pipebench: proxy {proxy_addr} -> {upstream}, {delay_ms} ms each way; \
         {N_MESSAGES} messages ({total} bytes), {N_MAILBOXES} mailboxes; best of {runs}"
    );

    let mut admin = admin_connect(&env)?;
    setup(&mut admin, &env)?;

    // Measure the proxy's round trip as a client sees it: NOOP through the proxy.
    let rtt = rt.block_on(async {
        let mut c =
            imap4::tokio::Client::connect_plain("127.0.0.1", env.proxy_port, &opts()).await?;
        let mut best = Duration::MAX;
        for _ in 0..10 {
            let t = Instant::now();
            c.noop().await?;
            best = best.min(t.elapsed());
        }
        c.logout().await?;
        Ok::<_, imap4::Error>(best)
    })?;
    eprintln!(
        "pipebench: NOOP round trip through the proxy: {:.1} ms",
        ms(rtt)
    );

    let rows: Vec<&Row> = ROWS
        .iter()
        .filter(|r| only.is_empty() || only.iter().any(|o| r.label.contains(o.as_str())))
        .collect();
    let mut cells: Vec<Vec<Option<Cell>>> = Vec::new();
    for row in &rows {
        let mut line = Vec::new();
        for w in WORKLOADS {
            if !row.workloads.contains(&w) {
                line.push(None);
                continue;
            }
            let mut cell: Option<Cell> = None;
            for run in 0..runs {
                reset(&mut admin, w)?;
                let out = run_one(&rt, &env, row.client, w)
                    .map_err(|e| format!("{} / {w:?} / run {}: {e}", row.label, run + 1))?;
                verify(&mut admin, w, &out)
                    .map_err(|e| format!("{} / {w:?} / run {}: {e}", row.label, run + 1))?;
                eprintln!(
                    "  {:<60.60} {w:<6?} run {}: {:>8.1} ms, {} round trips waited, \
                     {} client chunks ({} B) / {} server chunks ({} B)",
                    row.label,
                    run + 1,
                    ms(out.elapsed),
                    out.stats.waits,
                    out.stats.c2s_chunks,
                    out.stats.c2s_bytes,
                    out.stats.s2c_chunks,
                    out.stats.s2c_bytes
                );
                if cell.as_ref().is_none_or(|c| out.elapsed < c.best) {
                    cell = Some(Cell {
                        best: out.elapsed,
                        waits: out.stats.waits,
                    });
                }
            }
            line.push(cell);
        }
        cells.push(line);
    }
    admin.logout()?;

    // The reference row: imap4 tokio pipelined, if it ran.
    let base: Vec<Option<Duration>> = (0..WORKLOADS.len())
        .map(|j| {
            rows.iter()
                .position(|r| r.client == Client::Tokio(Mode::Batch))
                .and_then(|i| cells[i][j].as_ref().map(|c| c.best))
        })
        .collect();

    println!(
        "Through a {delay_ms} ms + {delay_ms} ms delay proxy (NOOP round trip {:.1} ms), best of {runs}; \
         ms, and × the time of imap4 pipelined; RT = round trips the client waited for \
         (counted by the proxy).\n",
        ms(rtt)
    );
    println!(
        "| client | W1: {N_MESSAGES} × APPEND (~2 KB) | W2: {N_MESSAGES} × UID STORE | \
         W3: {N_MAILBOXES} × STATUS |"
    );
    println!("| --- | --- | --- | --- |");
    for (row, line) in rows.iter().zip(&cells) {
        let mut s = format!("| {} |", row.label);
        for (j, c) in line.iter().enumerate() {
            match c {
                None => s.push_str(" — |"),
                Some(c) => {
                    let ratio = match base[j] {
                        Some(b) if row.client != Client::Tokio(Mode::Batch) => {
                            format!(" ({:.1}×)", c.best.as_secs_f64() / b.as_secs_f64())
                        }
                        _ => String::new(),
                    };
                    let bold = if row.client == Client::Tokio(Mode::Batch) {
                        "**"
                    } else {
                        ""
                    };
                    s.push_str(&format!(
                        " {bold}{:.0} ms{bold}{ratio}, {} RT |",
                        ms(c.best),
                        c.waits
                    ));
                }
            }
        }
        println!("{s}");
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
