//! `imap4 parse [FILE]`: decodes raw IMAP server bytes and prints one JSON object per
//! response (JSON Lines). The schema is documented in `docs/parse-json.md`.
//!
//! Input is read in 64 KiB chunks and fed to the streaming [`Decoder`], so memory stays
//! bounded by the decoder's limits however long the capture is.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use imap4_proto::{Decoder, Event, Limits};
use serde_json::Value;

use crate::json::Mapper;

/// Exit status when every response parsed.
pub const EXIT_OK: u8 = 0;
/// Exit status when at least one response was malformed or the input ended inside one.
pub const EXIT_PARSE_ERRORS: u8 = 1;
/// Exit status for a fatal decode error (a limit was exceeded) or an I/O error.
pub const EXIT_FATAL: u8 = 2;

const CHUNK: usize = 64 * 1024;

const EXAMPLES: &str = "Examples:
  printf 'a1 OK [APPENDUID 38505 3955] APPEND completed\\r\\n' | imap4 parse
  imap4 parse capture.bin --pretty
  imap4 parse capture.bin --max-data 64 | jq 'select(.type == \"fetch\")'";

/// Options of `imap4 parse`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ParseArgs {
    /// File with raw server bytes; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,

    /// Indent the JSON (each response then spans several lines).
    #[arg(long)]
    pub pretty: bool,

    /// Show at most N bytes of message data and raw bytes ("truncated": true marks a cut).
    #[arg(long, value_name = "N")]
    pub max_data: Option<usize>,

    /// Stream literals of at least N bytes as literal_start/literal_chunk/literal_end
    /// events instead of buffering them.
    #[arg(long, value_name = "N")]
    pub stream_literals_from: Option<u64>,

    /// Longest line in bytes (default 1000000).
    #[arg(long, value_name = "BYTES")]
    pub max_line: Option<usize>,

    /// Largest buffered literal in bytes (default 268435456).
    #[arg(long, value_name = "BYTES")]
    pub max_literal: Option<u64>,

    /// Largest response in bytes (default 335544320, raised to fit --max-literal).
    #[arg(long, value_name = "BYTES")]
    pub max_response: Option<usize>,

    /// Deepest nesting of parenthesised lists (default 64).
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,

    /// Most items in one list (default 100000).
    #[arg(long, value_name = "N")]
    pub max_list_items: Option<usize>,
}

impl ParseArgs {
    /// The decoder limits: the defaults with the command-line overrides applied.
    ///
    /// When `--max-literal` is given without `--max-response`, the response limit is raised
    /// so that a literal of the allowed size (plus one line) fits in a response.
    pub fn limits(&self) -> Limits {
        let mut l = Limits::default();
        if let Some(n) = self.max_line {
            l.max_line = n;
        }
        if let Some(n) = self.max_literal {
            l.max_literal = n;
            if self.max_response.is_none() {
                let need = usize::try_from(n)
                    .unwrap_or(usize::MAX)
                    .saturating_add(l.max_line);
                l.max_response = l.max_response.max(need);
            }
        }
        if let Some(n) = self.max_response {
            l.max_response = n;
        }
        if let Some(n) = self.max_depth {
            l.max_depth = n;
        }
        if let Some(n) = self.max_list_items {
            l.max_list_items = n;
        }
        l.stream_literals_from = self.stream_literals_from;
        l
    }
}

/// Runs `imap4 parse` on the file or standard input, printing to standard output.
pub fn run(args: &ParseArgs) -> ExitCode {
    let input: Box<dyn Read> = match &args.file {
        Some(p) if p.as_os_str() != "-" => match File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("imap4 parse: {}: {e}", p.display());
                return ExitCode::from(EXIT_FATAL);
            }
        },
        _ => Box::new(io::stdin().lock()),
    };
    let stdout = io::stdout().lock();
    let mut out = BufWriter::with_capacity(CHUNK, stdout);
    let mapper = Mapper {
        max_data: args.max_data,
    };
    match parse_stream(input, &mut out, &mapper, args.limits(), args.pretty) {
        Ok(summary) => {
            if let Err(e) = out.flush() {
                return write_failed(&e, summary.exit_code());
            }
            if summary.errors > 0 {
                eprintln!(
                    "imap4 parse: {} response(s), {} error(s)",
                    summary.responses, summary.errors
                );
            }
            if let Some(msg) = &summary.fatal {
                eprintln!("imap4 parse: {msg}");
            }
            ExitCode::from(summary.exit_code())
        }
        Err(Failure::Read(e)) => {
            let _ = out.flush();
            eprintln!("imap4 parse: read error: {e}");
            ExitCode::from(EXIT_FATAL)
        }
        Err(Failure::Write(e, code)) => write_failed(&e, code),
    }
}

/// A closed pipe (`imap4 parse x | head`) ends the run quietly; other write errors are
/// reported.
fn write_failed(e: &io::Error, code: u8) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::from(code);
    }
    eprintln!("imap4 parse: write error: {e}");
    ExitCode::from(EXIT_FATAL)
}

/// What a run found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Responses parsed successfully.
    pub responses: u64,
    /// Malformed responses plus a truncated last response.
    pub errors: u64,
    /// The fatal decode error's message, if the run stopped on one.
    pub fatal: Option<String>,
}

impl Summary {
    /// The process exit status for this outcome.
    pub fn exit_code(&self) -> u8 {
        if self.fatal.is_some() {
            EXIT_FATAL
        } else if self.errors > 0 {
            EXIT_PARSE_ERRORS
        } else {
            EXIT_OK
        }
    }
}

/// Why a run could not finish.
#[derive(Debug)]
pub enum Failure {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed; the exit status the run had reached so far.
    Write(io::Error, u8),
}

/// Decodes everything `input` yields and writes the JSON objects to `out`.
///
/// Stops early only on a fatal decode error (reported in the output and the summary) or
/// an I/O error.
pub fn parse_stream<R: Read, W: Write>(
    mut input: R,
    out: &mut W,
    mapper: &Mapper,
    limits: Limits,
    pretty: bool,
) -> Result<Summary, Failure> {
    let mut dec = Decoder::with_limits(limits);
    let mut buf = vec![0u8; CHUNK];
    let mut summary = Summary::default();
    // Total bytes fed; `fed - dec.buffered()` is the stream position the decoder reached.
    let mut fed: u64 = 0;
    // Stream offset of the first byte of the response being decoded.
    let mut frame_start: u64 = 0;
    let emit = |out: &mut W, v: &Value, summary: &Summary| -> Result<(), Failure> {
        write_value(out, v, pretty).map_err(|e| Failure::Write(e, summary.exit_code()))
    };
    loop {
        loop {
            let before = fed - dec.buffered() as u64;
            let ev = match dec.next_event() {
                Ok(Some(ev)) => ev,
                Ok(None) => break,
                Err(e) => {
                    summary.fatal = Some(e.to_string());
                    emit(out, &mapper.decode_error(&e), &summary)?;
                    return Ok(summary);
                }
            };
            let after = fed - dec.buffered() as u64;
            let v = match &ev {
                Event::Response(r) => {
                    summary.responses += 1;
                    let v = mapper.response(r, frame_start);
                    frame_start = after;
                    v
                }
                Event::Malformed(m) => {
                    summary.errors += 1;
                    let v = mapper.malformed(m, frame_start);
                    frame_start = after;
                    v
                }
                Event::LiteralStart(s) => mapper.literal_start(s, frame_start, after),
                Event::LiteralChunk(c) => mapper.literal_chunk(before, c.len()),
                Event::LiteralEnd => mapper.literal_end(after),
            };
            emit(out, &v, &summary)?;
        }
        // About to wait for input: let a reader of a live capture see what we have.
        out.flush()
            .map_err(|e| Failure::Write(e, summary.exit_code()))?;
        let n = loop {
            match input.read(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Failure::Read(e)),
            }
        };
        if n == 0 {
            break;
        }
        dec.feed(&buf[..n]);
        fed += n as u64;
    }
    if !dec.is_idle() {
        summary.errors += 1;
        let needed = dec.needed();
        let raw_offset = fed - dec.buffered() as u64;
        let raw = dec.take_buffered();
        emit(
            out,
            &mapper.truncated(frame_start, &raw, raw_offset, needed),
            &summary,
        )?;
    }
    Ok(summary)
}

fn write_value<W: Write>(out: &mut W, v: &Value, pretty: bool) -> io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, v)?;
    } else {
        serde_json::to_writer(&mut *out, v)?;
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cmd {
        #[command(flatten)]
        args: ParseArgs,
    }

    fn limits(args: &[&str]) -> Limits {
        let argv = std::iter::once("parse").chain(args.iter().copied());
        Cmd::try_parse_from(argv).unwrap().args.limits()
    }

    #[test]
    fn defaults_are_the_decoder_defaults() {
        assert_eq!(limits(&[]), Limits::default());
    }

    #[test]
    fn overrides_apply() {
        let l = limits(&[
            "--max-line",
            "10",
            "--max-response",
            "20",
            "--max-depth",
            "3",
            "--max-list-items",
            "4",
            "--stream-literals-from",
            "5",
        ]);
        assert_eq!(
            (l.max_line, l.max_response, l.max_depth, l.max_list_items),
            (10, 20, 3, 4)
        );
        assert_eq!(l.stream_literals_from, Some(5));
    }

    #[test]
    fn a_large_max_literal_raises_the_response_limit() {
        let big = 1u64 << 30;
        let l = limits(&["--max-literal", &big.to_string()]);
        assert_eq!(l.max_literal, big);
        assert_eq!(l.max_response as u64, big + l.max_line as u64);
        // A small one leaves the default alone, and an explicit limit wins.
        assert_eq!(
            limits(&["--max-literal", "5"]).max_response,
            Limits::default().max_response
        );
        let l = limits(&["--max-literal", &big.to_string(), "--max-response", "7"]);
        assert_eq!(l.max_response, 7);
    }
}
