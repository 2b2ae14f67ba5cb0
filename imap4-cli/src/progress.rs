//! Progress of long operations on stderr: a bar (count, bytes, rate, ETA) on a terminal,
//! a plain line every few seconds when stderr is a file or a pipe, nothing with --quiet.
//! It never touches stdout, so --json output stays clean.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::{human_size, Ctx};

const PLAIN_EVERY: Duration = Duration::from_secs(2);

/// A bar appears only when an operation has run this long (quick ones leave no trace).
const SHOW_AFTER: Duration = Duration::from_millis(400);

enum Mode {
    Off,
    Bar { bar: ProgressBar, shown: bool },
    Plain { last: Instant },
}

/// One operation's progress: items (messages) and, where known, bytes.
pub struct Progress {
    mode: Mode,
    what: &'static str,
    unit: &'static str,
    total: Option<u64>,
    done: u64,
    bytes: u64,
    total_bytes: Option<u64>,
    by_bytes: bool,
    start: Instant,
}

impl Progress {
    /// `what` names the operation ("append"), `unit` the items ("messages"). With
    /// `total_bytes` the bar measures bytes (a big download), else items.
    pub fn new(
        ctx: &Ctx,
        what: &'static str,
        unit: &'static str,
        total: Option<u64>,
        total_bytes: Option<u64>,
    ) -> Progress {
        let by_bytes = total.is_none() && total_bytes.is_some();
        let mode = if ctx.quiet {
            Mode::Off
        } else if ctx.stderr_tty {
            let len = if by_bytes { total_bytes } else { total };
            let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
            let template = match (by_bytes, len.is_some()) {
                (true, _) => {
                    "{prefix} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}"
                }
                (false, true) => "{prefix} [{bar:30}] {pos}/{len} {msg} ETA {eta}",
                (false, false) => "{prefix} {spinner} {pos} {msg}",
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(what);
            Mode::Bar { bar, shown: false }
        } else {
            Mode::Plain {
                last: Instant::now(),
            }
        };
        Progress {
            mode,
            what,
            unit,
            total,
            done: 0,
            bytes: 0,
            total_bytes,
            by_bytes,
            start: Instant::now(),
        }
    }

    /// `items` more done, carrying `bytes` more bytes.
    pub fn inc(&mut self, items: u64, bytes: u64) {
        self.done += items;
        self.bytes += bytes;
        match &mut self.mode {
            Mode::Off => {}
            Mode::Bar { bar, shown } => {
                if !*shown && self.start.elapsed() >= SHOW_AFTER {
                    *shown = true;
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(200));
                }
                if self.by_bytes {
                    bar.set_position(self.bytes);
                } else {
                    bar.set_position(self.done);
                    if self.bytes > 0 {
                        bar.set_message(format!("{} {}", self.unit, human_size(self.bytes)));
                    } else {
                        bar.set_message(self.unit);
                    }
                }
            }
            Mode::Plain { last } => {
                if last.elapsed() >= PLAIN_EVERY {
                    *last = Instant::now();
                    eprintln!("{}", self.line());
                }
            }
        }
    }

    fn line(&self) -> String {
        let secs = self.start.elapsed().as_secs_f64().max(0.001);
        let mut s = match self.total {
            Some(t) => format!("{}: {}/{} {}", self.what, self.done, t, self.unit),
            None => format!("{}: {} {}", self.what, self.done, self.unit),
        };
        if self.bytes > 0 {
            s.push_str(&format!(
                ", {}, {}/s",
                human_size(self.bytes),
                human_size((self.bytes as f64 / secs) as u64)
            ));
        }
        let fraction = match (self.total, self.total_bytes) {
            (Some(t), _) if t > 0 && !self.by_bytes => Some(self.done as f64 / t as f64),
            (_, Some(b)) if b > 0 => Some(self.bytes as f64 / b as f64),
            _ => None,
        };
        if let Some(f) = fraction.filter(|f| *f > 0.0 && *f < 1.0) {
            let eta = secs / f - secs;
            s.push_str(&format!(", ETA {:.0} s", eta));
        }
        s
    }

    /// Removes the bar (the command prints its own summary).
    pub fn finish(self) {
        if let Mode::Bar { bar, .. } = &self.mode {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Mode::Bar { bar, .. } = &self.mode {
            if !bar.is_finished() {
                bar.finish_and_clear();
            }
        }
    }
}

/// Progress of several jobs at once (mailboxes of a backup): a bar per running job and
/// one overall on a terminal, a plain overall line every few seconds otherwise. Shared
/// by threads.
pub struct Jobs {
    what: &'static str,
    inner: std::sync::Mutex<JobsInner>,
}

struct JobsInner {
    mode: JobsMode,
    total: u64,
    done: u64,
    bytes: u64,
    start: Instant,
    last_plain: Instant,
}

enum JobsMode {
    Off,
    Plain,
    Bars {
        multi: indicatif::MultiProgress,
        overall: ProgressBar,
        jobs: std::collections::HashMap<String, ProgressBar>,
    },
}

impl Jobs {
    pub fn new(ctx: &Ctx, what: &'static str) -> Jobs {
        let mode = if ctx.quiet {
            JobsMode::Off
        } else if ctx.stderr_tty {
            let multi = indicatif::MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = multi.add(ProgressBar::new(0));
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} messages {msg} ETA {eta}",
            ) {
                overall.set_style(style.progress_chars("=> "));
            }
            overall.set_prefix(what);
            overall.enable_steady_tick(Duration::from_millis(200));
            JobsMode::Bars {
                multi,
                overall,
                jobs: Default::default(),
            }
        } else {
            JobsMode::Plain
        };
        Jobs {
            what,
            inner: std::sync::Mutex::new(JobsInner {
                mode,
                total: 0,
                done: 0,
                bytes: 0,
                start: Instant::now(),
                last_plain: Instant::now(),
            }),
        }
    }

    /// A job with `items` items to do starts.
    pub fn start(&self, job: &str, items: u64) {
        let Ok(mut g) = self.inner.lock() else { return };
        g.total += items;
        let total = g.total;
        if let JobsMode::Bars {
            multi,
            overall,
            jobs,
        } = &mut g.mode
        {
            overall.set_length(total);
            if items > 0 {
                let bar = multi.insert_before(overall, ProgressBar::new(items));
                if let Ok(style) =
                    ProgressStyle::with_template("  {prefix:20!} [{bar:20}] {pos}/{len}")
                {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.set_prefix(job.to_string());
                jobs.insert(job.to_string(), bar);
            }
        }
    }

    /// One item of `job` done, `bytes` long.
    pub fn inc(&self, job: &str, bytes: u64) {
        let Ok(mut g) = self.inner.lock() else { return };
        g.done += 1;
        g.bytes += bytes;
        let (done, bytes, secs) = (g.done, g.bytes, g.start.elapsed().as_secs_f64().max(0.001));
        match &mut g.mode {
            JobsMode::Off => {}
            JobsMode::Bars { overall, jobs, .. } => {
                overall.set_position(done);
                overall.set_message(format!(
                    "{}, {}/s",
                    human_size(bytes),
                    human_size((bytes as f64 / secs) as u64)
                ));
                if let Some(b) = jobs.get(job) {
                    b.inc(1);
                }
            }
            JobsMode::Plain => {
                if g.last_plain.elapsed() >= PLAIN_EVERY {
                    g.last_plain = Instant::now();
                    eprintln!(
                        "{}: {}/{} messages, {}, {}/s",
                        self.what,
                        g.done,
                        g.total,
                        human_size(g.bytes),
                        human_size((g.bytes as f64 / secs) as u64)
                    );
                }
            }
        }
    }

    /// `job` is over: its bar goes away.
    pub fn finish_job(&self, job: &str) {
        let Ok(mut g) = self.inner.lock() else { return };
        if let JobsMode::Bars { multi, jobs, .. } = &mut g.mode {
            if let Some(b) = jobs.remove(job) {
                b.finish_and_clear();
                multi.remove(&b);
            }
        }
    }

    /// Everything is over: the bars go away (the command prints its own summary).
    pub fn finish(&self) {
        let Ok(mut g) = self.inner.lock() else { return };
        if let JobsMode::Bars { overall, jobs, .. } = &mut g.mode {
            for (_, b) in jobs.drain() {
                b.finish_and_clear();
            }
            overall.finish_and_clear();
        }
    }
}
