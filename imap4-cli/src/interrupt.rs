//! Ctrl-C and SIGTERM. The first one sets a flag that long operations check between
//! commands (a batch is either done and reported, or not started); the command in flight
//! finishes, the session logs out, and the process exits with 130. A second one ends the
//! process at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if SIGNALS.fetch_add(1, Ordering::SeqCst) >= 1 {
            // Second signal: the user wants out now.
            std::process::exit(130);
        }
    });
}

/// True once Ctrl-C (or SIGTERM) was received.
pub fn interrupted() -> bool {
    SIGNALS.load(Ordering::SeqCst) > 0
}

/// Sleeps up to `d`, waking early on an interrupt; true if interrupted.
pub fn sleep(d: Duration) -> bool {
    let end = Instant::now() + d;
    loop {
        if interrupted() {
            return true;
        }
        let now = Instant::now();
        if now >= end {
            return false;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(100)));
    }
}
