//! A TCP proxy on 127.0.0.1 that delays every chunk by a fixed time in each direction, to
//! give a loopback server the round-trip time of a real network.
//!
//! Per connection and direction, one task reads and one writes, joined by an unbounded
//! queue: a chunk read at time `t` is queued with the deadline `t + delay`; the writer
//! sleeps until the head's deadline and writes it. Deadlines only grow, so order is kept,
//! and the delay is latency only: chunks read back to back leave back to back, whatever
//! the queue holds (no per-chunk sleep adds up, no bandwidth limit). TCP_NODELAY on both
//! sides, so the proxy adds no Nagle delay of its own.
//!
//! Counters (for everything passing while they run; reset before a measurement):
//! chunks and bytes each way, and *waits*: client chunks that arrive at least `delay`
//! after the client's previous chunk while the server spoke in between, i.e. the client
//! waited for an answer before sending more. For one command at a time that is one per
//! round trip; for a pipelined batch, one.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

/// What went through the proxy since the last [`Stats::reset`].
#[derive(Debug, Default)]
pub struct Stats {
    pub connections: AtomicU64,
    pub c2s_chunks: AtomicU64,
    pub s2c_chunks: AtomicU64,
    pub c2s_bytes: AtomicU64,
    pub s2c_bytes: AtomicU64,
    pub waits: AtomicU64,
}

/// A copy of the counters.
#[derive(Debug, Default, Clone, Copy)]
pub struct Snapshot {
    pub c2s_chunks: u64,
    pub s2c_chunks: u64,
    pub c2s_bytes: u64,
    pub s2c_bytes: u64,
    pub waits: u64,
}

impl Stats {
    pub fn reset(&self) {
        for c in [
            &self.c2s_chunks,
            &self.s2c_chunks,
            &self.c2s_bytes,
            &self.s2c_bytes,
            &self.waits,
        ] {
            c.store(0, Relaxed);
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            c2s_chunks: self.c2s_chunks.load(Relaxed),
            s2c_chunks: self.s2c_chunks.load(Relaxed),
            c2s_bytes: self.c2s_bytes.load(Relaxed),
            s2c_bytes: self.s2c_bytes.load(Relaxed),
            waits: self.waits.load(Relaxed),
        }
    }
}

/// Listens on 127.0.0.1 (ephemeral port) and forwards every connection to `upstream`,
/// each direction delayed by `delay`. Returns the listening address; the proxy runs on
/// the current tokio runtime until it ends.
pub async fn start(
    upstream: SocketAddr,
    delay: Duration,
    stats: Arc<Stats>,
) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let (client, _) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("proxy: accept: {e}");
                    continue;
                }
            };
            let stats = stats.clone();
            tokio::spawn(async move {
                if let Err(e) = relay(client, upstream, delay, stats).await {
                    eprintln!("proxy: {e}");
                }
            });
        }
    });
    Ok(addr)
}

/// Per-connection state the two directions share for counting waits.
struct Turn {
    /// The server sent something since the client's last chunk.
    server_spoke: AtomicBool,
    /// When the client's last chunk arrived.
    last_client: Mutex<Option<Instant>>,
}

async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    delay: Duration,
    stats: Arc<Stats>,
) -> io::Result<()> {
    let server = TcpStream::connect(upstream).await?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    stats.connections.fetch_add(1, Relaxed);
    let turn = Arc::new(Turn {
        server_spoke: AtomicBool::new(false),
        last_client: Mutex::new(None),
    });
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    let up = tokio::spawn(pump(cr, sw, delay, stats.clone(), turn.clone(), true));
    let down = tokio::spawn(pump(sr, cw, delay, stats, turn, false));
    let _ = tokio::join!(up, down);
    Ok(())
}

/// Copies `r` to `w`, every chunk `delay` late. `up` is the client-to-server direction.
async fn pump(
    mut r: OwnedReadHalf,
    mut w: OwnedWriteHalf,
    delay: Duration,
    stats: Arc<Stats>,
    turn: Arc<Turn>,
    up: bool,
) {
    // None = end of stream: shut the write side down after the delay too.
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Option<Vec<u8>>)>();
    let writer = tokio::spawn(async move {
        while let Some((at, chunk)) = rx.recv().await {
            sleep_until(at).await;
            match chunk {
                Some(c) => {
                    if w.write_all(&c).await.is_err() {
                        break;
                    }
                }
                None => {
                    let _ = w.shutdown().await;
                    break;
                }
            }
        }
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = r.read(&mut buf).await.unwrap_or(0);
        let now = Instant::now();
        let at = now + delay;
        if n == 0 {
            let _ = tx.send((at, None));
            break;
        }
        if up {
            stats.c2s_chunks.fetch_add(1, Relaxed);
            stats.c2s_bytes.fetch_add(n as u64, Relaxed);
            let spoke = turn.server_spoke.swap(false, Relaxed);
            let mut last = turn.last_client.lock().unwrap();
            if spoke && last.is_some_and(|l| now.duration_since(l) >= delay) {
                stats.waits.fetch_add(1, Relaxed);
            }
            *last = Some(now);
        } else {
            stats.s2c_chunks.fetch_add(1, Relaxed);
            stats.s2c_bytes.fetch_add(n as u64, Relaxed);
            turn.server_spoke.store(true, Relaxed);
        }
        if tx.send((at, Some(buf[..n].to_vec()))).is_err() {
            break;
        }
    }
    let _ = writer.await;
}
