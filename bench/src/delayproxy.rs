//! The delay proxy on its own, for trying a client by hand:
//!
//!     delayproxy [UPSTREAM_PORT [ONE_WAY_DELAY_MS]]
//!
//! forwards 127.0.0.1:<printed port> to 127.0.0.1:UPSTREAM_PORT (default $IMAP4_PORT or
//! 10143), delaying every chunk by ONE_WAY_DELAY_MS (default 10) in each direction.

#[allow(dead_code)]
mod proxy;

use std::sync::Arc;
use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = match args.next() {
        Some(p) => p.parse().expect("UPSTREAM_PORT: a port number"),
        None => std::env::var("IMAP4_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(10143),
    };
    let ms: u64 = args
        .next()
        .map(|d| d.parse().expect("ONE_WAY_DELAY_MS: milliseconds"))
        .unwrap_or(10);
    let stats = Arc::new(proxy::Stats::default());
    let addr = proxy::start(
        ([127, 0, 0, 1], port).into(),
        Duration::from_millis(ms),
        stats,
    )
    .await?;
    println!("{addr} -> 127.0.0.1:{port}, {ms} ms each way");
    std::future::pending::<()>().await;
    Ok(())
}
