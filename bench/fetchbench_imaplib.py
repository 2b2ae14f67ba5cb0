#!/usr/bin/env python3
"""imaplib's side of bench/fetchbench (stdlib only; started by fetchbench, one process per
measurement).

    fetchbench_imaplib.py imaplib F1|F2

Host, port, user and password come from FETCHBENCH_HOST / _PORT / _USER / _PASS. The script
connects, logs in and EXAMINEs the mailbox (untimed), reads VmRSS, times
`M.uid('FETCH', '1:*', ...)` and a pass over every message, reads VmHWM, logs out and prints
one JSON line {"ms", "cpu_ms" (process CPU time), "count", "sum", "rss_before_kb", "hwm_after_kb"} (or {"error": ...}).

imaplib does not parse FETCH responses: it returns a list of byte strings, with (line,
literal) tuples where the server sent a literal. A message is a piece starting with
`N (UID u `; F1 sums its RFC822.SIZE (Dovecot sends it before ENVELOPE, so it is in that
first piece), F2 sums the lengths of the literals that follow `BODY[] {n}`.
"""

import imaplib
import json
import os
import re
import sys
import time

QUERY = {
    "F1": "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
    "F2": "(BODY.PEEK[])",
}
MAILBOX = {"F1": "INBOX", "F2": "Bodies"}
START_RE = re.compile(rb"^\d+ \(UID \d+ ")
SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")


def proc_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main():
    w = sys.argv[2]
    M = imaplib.IMAP4(os.environ.get("FETCHBENCH_HOST", "127.0.0.1"),
                      int(os.environ["FETCHBENCH_PORT"]))
    M.login(os.environ["FETCHBENCH_USER"], os.environ["FETCHBENCH_PASS"])
    typ, data = M.select(MAILBOX[w], readonly=True)
    if typ != "OK":
        raise RuntimeError(f"EXAMINE: {typ} {data!r}")
    out = {}
    try:
        rss_before = proc_kb("VmRSS")
        c0 = time.process_time()
        t0 = time.perf_counter()
        typ, data = M.uid("FETCH", "1:*", QUERY[w])
        if typ != "OK":
            raise RuntimeError(f"UID FETCH: {typ} {data!r}")
        count = total = 0
        for piece in data:
            first = piece[0] if isinstance(piece, tuple) else piece
            if not START_RE.match(first):
                continue
            count += 1
            if w == "F1":
                total += int(SIZE_RE.search(first).group(1))
            elif isinstance(piece, tuple):
                total += len(piece[1])
        del data, piece, first
        out["ms"] = (time.perf_counter() - t0) * 1000.0
        out["cpu_ms"] = (time.process_time() - c0) * 1000.0
        out.update(count=count, sum=total, rss_before_kb=rss_before,
                   hwm_after_kb=proc_kb("VmHWM"))
    except Exception as e:  # report, so that fetchbench says what went wrong
        out = {"error": repr(e)}
    M.logout()
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
