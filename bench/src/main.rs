//! parsebench: how fast do IMAP response parsers get through real server output?
//!
//! For each corpus file (server bytes captured from Dovecot by `bench/capture.py`) and each
//! parser, parse *all* responses in the file N times, with N scaled so one measurement takes
//! about `--time` seconds; report the best of `--runs` measurements. Every parser must find
//! the same number of responses and FETCH responses (printed, so the work is visible).
//!
//! Parsers:
//! - `imap4-proto`: `Decoder::feed` of the whole file, then `next_event` until `None`.
//! - `imap4-proto 16K`: the same, fed in 16 KiB pieces the way a socket delivers them.
//! - `imap-proto`: `imap_proto::Response::parse` (0.17; formerly `parser::parse_response`)
//!   in a loop over the remaining input.
//! - `imap-codec`: `ResponseCodec::decode` in a loop over the remaining input.
//! - `... +copy`: the same from a buffer filled by one copy of the input, as after a socket
//!   read; the imap4-proto rows pay that copy in `feed`.
//! - `memchr`: counting b'\n' with `memchr::memchr_iter` — a floor no parser can beat.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use imap_codec::decode::Decoder as _;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Count {
    responses: u64,
    fetches: u64,
    /// Responses the parser rejected (skipped with our own framing and counted).
    errors: u64,
}

// --- framing (reference counts, and skipping a response a parser rejects) -----------------

/// Length of the literal announced at the end of `line` (which ends in "\n"), if any.
fn literal_at_end(line: &[u8]) -> Option<usize> {
    let s = line.strip_suffix(b"\n")?;
    let s = s.strip_suffix(b"\r").unwrap_or(s);
    let s = s.strip_suffix(b"}")?;
    let s = s.strip_suffix(b"+").unwrap_or(s);
    let open = s.iter().rposition(|&b| b == b'{')?;
    let digits = &s[open + 1..];
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Length of the first complete response in `buf` (its line, literals and continuation lines).
fn frame_len(buf: &[u8]) -> Option<usize> {
    let mut pos = 0;
    loop {
        let nl = pos + memchr::memchr(b'\n', &buf[pos..])?;
        match literal_at_end(&buf[pos..=nl]) {
            Some(n) => {
                pos = nl + 1 + n;
                if pos > buf.len() {
                    return None;
                }
            }
            None => return Some(nl + 1),
        }
    }
}

fn is_fetch_frame(frame: &[u8]) -> bool {
    // "* <n> FETCH "
    let Some(rest) = frame.strip_prefix(b"* ") else { return false };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest[digits..].starts_with(b" FETCH ")
}

fn reference_count(buf: &[u8]) -> Count {
    let mut c = Count::default();
    let mut rest = buf;
    while !rest.is_empty() {
        let n = frame_len(rest).expect("corpus ends in the middle of a response");
        c.responses += 1;
        if is_fetch_frame(&rest[..n]) {
            c.fetches += 1;
        }
        rest = &rest[n..];
    }
    c
}

fn skip_one(rest: &[u8]) -> &[u8] {
    match frame_len(rest) {
        Some(n) => &rest[n..],
        None => &[],
    }
}

// --- the parsers -----------------------------------------------------------------------

fn count_imap4_event(ev: imap4_proto::Event, c: &mut Count) {
    use imap4_proto::{Data, Event, Response};
    match ev {
        Event::Response(r) => {
            c.responses += 1;
            if matches!(r, Response::Data(Data::Fetch(_))) {
                c.fetches += 1;
            }
            black_box(r);
        }
        Event::Malformed(m) => {
            c.responses += 1;
            c.errors += 1;
            black_box(m);
        }
        other => {
            black_box(other);
        }
    }
}

fn imap4_whole(buf: &[u8]) -> Count {
    let mut c = Count::default();
    let mut dec = imap4_proto::Decoder::new();
    dec.feed(buf);
    while let Some(ev) = dec.next_event().expect("imap4-proto: fatal decode error") {
        count_imap4_event(ev, &mut c);
    }
    c
}

fn imap4_chunked(buf: &[u8]) -> Count {
    let mut c = Count::default();
    let mut dec = imap4_proto::Decoder::new();
    for chunk in buf.chunks(16 * 1024) {
        dec.feed(chunk);
        while let Some(ev) = dec.next_event().expect("imap4-proto: fatal decode error") {
            count_imap4_event(ev, &mut c);
        }
    }
    c
}

fn imap_proto(buf: &[u8]) -> Count {
    let mut c = Count::default();
    let mut rest = buf;
    while !rest.is_empty() {
        match imap_proto::Response::parse(rest) {
            Ok((remaining, resp)) => {
                c.responses += 1;
                if matches!(resp, imap_proto::Response::Fetch(..)) {
                    c.fetches += 1;
                }
                black_box(resp);
                rest = remaining;
            }
            Err(_) => {
                c.responses += 1;
                c.errors += 1;
                rest = skip_one(rest);
            }
        }
    }
    c
}

/// imap-proto parsing from a buffer it owns, filled by one copy: what a client does after
/// `read()` from the socket (imap4-proto's rows pay that copy in `feed`).
fn imap_proto_recv(buf: &[u8]) -> Count {
    let owned = buf.to_vec();
    imap_proto(black_box(&owned))
}

/// imap-codec, likewise from a copied buffer.
fn imap_codec_recv(buf: &[u8]) -> Count {
    let owned = buf.to_vec();
    imap_codec(black_box(&owned))
}

fn imap_codec(buf: &[u8]) -> Count {
    use imap_codec::imap_types::response::{Data, Response};
    let codec = imap_codec::ResponseCodec::default();
    let mut c = Count::default();
    let mut rest = buf;
    while !rest.is_empty() {
        match codec.decode(rest) {
            Ok((remaining, resp)) => {
                c.responses += 1;
                if matches!(resp, Response::Data(Data::Fetch { .. })) {
                    c.fetches += 1;
                }
                black_box(resp);
                rest = remaining;
            }
            Err(_) => {
                c.responses += 1;
                c.errors += 1;
                rest = skip_one(rest);
            }
        }
    }
    c
}

fn memchr_lines(buf: &[u8]) -> Count {
    Count { responses: memchr::memchr_iter(b'\n', buf).count() as u64, ..Count::default() }
}

struct Parser {
    name: &'static str,
    run: fn(&[u8]) -> Count,
    /// Takes part in the agreement check (memchr counts lines, not responses).
    is_parser: bool,
}

const PARSERS: &[Parser] = &[
    Parser { name: "imap4-proto", run: imap4_whole, is_parser: true },
    Parser { name: "imap4-proto 16K", run: imap4_chunked, is_parser: true },
    Parser { name: "imap-proto", run: imap_proto, is_parser: true },
    Parser { name: "imap-proto +copy", run: imap_proto_recv, is_parser: true },
    Parser { name: "imap-codec", run: imap_codec, is_parser: true },
    Parser { name: "imap-codec +copy", run: imap_codec_recv, is_parser: true },
    Parser { name: "memchr '\\n'", run: memchr_lines, is_parser: false },
];

// --- measuring -------------------------------------------------------------------------

struct Options {
    target: Duration,
    runs: usize,
    only: Vec<String>,
    show_errors: bool,
    files: Vec<PathBuf>,
}

/// Best time for one pass over `buf`, from `runs` measurements of `iters` passes each.
fn measure(p: &Parser, buf: &[u8], opts: &Options) -> (Duration, Count, u64) {
    // Calibrate with one pass (also warms caches and the allocator).
    let t = Instant::now();
    let count = (p.run)(black_box(buf));
    let once = t.elapsed().max(Duration::from_micros(1));
    let iters = ((opts.target.as_secs_f64() / once.as_secs_f64()).ceil() as u64).max(1);
    let mut best = Duration::MAX;
    for _ in 0..opts.runs {
        let t = Instant::now();
        for _ in 0..iters {
            let c = (p.run)(black_box(buf));
            assert_eq!(c, count, "{}: result changed between passes", p.name);
        }
        best = best.min(t.elapsed() / iters as u32);
    }
    (best, count, iters)
}

/// Print the first few responses `p` rejects (with --show-errors).
fn show_errors(name: &str, buf: &[u8]) {
    let mut rest = buf;
    let mut shown = 0;
    while !rest.is_empty() && shown < 8 {
        let n = frame_len(rest).unwrap_or(rest.len());
        let frame = &rest[..n];
        let ok = match name {
            "imap-proto" => imap_proto::Response::parse(frame).is_ok(),
            "imap-codec" => imap_codec::ResponseCodec::default().decode(frame).is_ok(),
            _ => imap4_proto::decode::parse_response(frame).is_ok(),
        };
        if !ok {
            let shown_len = frame.len().min(160);
            println!("    {name} rejects: {:?}", String::from_utf8_lossy(&frame[..shown_len]));
            shown += 1;
        }
        rest = &rest[n..];
    }
}

fn bench_file(path: &Path, opts: &Options) -> bool {
    let buf = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("skipping {}: {e}", path.display());
            return true;
        }
    };
    let reference = reference_count(&buf);
    let mb = buf.len() as f64 / 1e6;
    println!(
        "\n{}: {:.1} MB, {} responses ({} FETCH)",
        path.display(),
        mb,
        reference.responses,
        reference.fetches
    );
    println!(
        "{:<18} {:>10} {:>14} {:>9} {:>10} {:>8} {:>7} {:>7}",
        "parser", "MB/s", "responses/s", "vs imap4", "ms/pass", "passes", "resp", "errors"
    );
    let mut base: Option<f64> = None;
    let mut agree = true;
    for p in PARSERS {
        if !opts.only.is_empty() && !opts.only.iter().any(|o| p.name.starts_with(o.as_str())) {
            continue;
        }
        let (t, c, iters) = measure(p, &buf, opts);
        let secs = t.as_secs_f64();
        let rate = mb / secs;
        if base.is_none() && p.is_parser {
            base = Some(secs);
        }
        let ratio = base.map(|b| b / secs).unwrap_or(f64::NAN);
        let resp_rate = if p.is_parser {
            format!("{:.0}", reference.responses as f64 / secs)
        } else {
            "-".to_owned()
        };
        println!(
            "{:<18} {:>10.1} {:>14} {:>8.2}x {:>10.3} {:>8} {:>7} {:>7}",
            p.name,
            rate,
            resp_rate,
            ratio,
            secs * 1e3,
            iters * opts.runs as u64,
            if p.is_parser { c.responses.to_string() } else { format!("{}L", c.responses) },
            c.errors
        );
        if p.is_parser
            && (c.responses != reference.responses
                || c.fetches != reference.fetches
                || c.errors != 0)
        {
            println!(
                "  ! {} disagrees: {} responses, {} FETCH, {} rejected (reference {} / {})",
                p.name, c.responses, c.fetches, c.errors, reference.responses, reference.fetches
            );
            agree = false;
            if opts.show_errors {
                show_errors(p.name.split(' ').next().unwrap_or(p.name), &buf);
            }
        }
    }
    agree
}

fn usage() -> ! {
    eprintln!(
        "usage: parsebench [--time SECS] [--runs N] [--only PARSER[,PARSER]] [--show-errors] [FILE...]\n\
         default files: corpus/metadata.imap corpus/bodies.imap ../testdata/dovecot/session.imap"
    );
    std::process::exit(2)
}

fn main() {
    let mut opts =
        Options { target: Duration::from_millis(1500), runs: 5, only: vec![], show_errors: false, files: vec![] };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--time" => {
                let s: f64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
                opts.target = Duration::from_secs_f64(s);
            }
            "--runs" => opts.runs = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()),
            "--only" => {
                opts.only =
                    args.next().unwrap_or_else(|| usage()).split(',').map(str::to_owned).collect()
            }
            "--show-errors" => opts.show_errors = true,
            "-h" | "--help" => usage(),
            _ if a.starts_with('-') => usage(),
            _ => opts.files.push(PathBuf::from(a)),
        }
    }
    if opts.files.is_empty() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        for f in ["corpus/metadata.imap", "corpus/bodies.imap", "../testdata/dovecot/session.imap"]
        {
            opts.files.push(here.join(f));
        }
    }
    println!(
        "parsebench: best of {} runs, each ~{:.1} s; MB = 10^6 bytes; 'vs imap4' = speed relative to imap4-proto",
        opts.runs,
        opts.target.as_secs_f64()
    );
    let mut ok = true;
    for f in &opts.files.clone() {
        ok &= bench_file(f, &opts);
    }
    if !ok {
        println!("\nsome parsers disagree with the reference framing (see '!' lines)");
    }
}
