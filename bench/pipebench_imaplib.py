#!/usr/bin/env python3
"""imaplib's side of bench/pipebench (stdlib only; started by pipebench as a subprocess).

    pipebench_imaplib.py --port PORT --workload append|store|status [--count 200]
                         [--mailboxes 50] [--nodelay]

User and password come from PIPEBENCH_USER / PIPEBENCH_PASS. The script connects to
127.0.0.1:PORT (the delay proxy), logs in and prepares (SELECT + UID SEARCH for "store"),
prints "ready", waits for a line on stdin, does the timed work the way imaplib is used
(one command at a time: imaplib has no pipelining), prints one JSON line
{"ms": ..., "bytes": ..., "status": [[messages, unseen], ...]}, waits for another stdin
line, and logs out. On failure it prints {"error": "..."}.
"""

import argparse
import imaplib
import json
import os
import re
import socket
import sys
import time

APPEND_MB = "pipebench/append"
FLAGS_MB = "pipebench/flags"


def message(i):
    """The same bytes as message() in pipebench.rs."""
    m = ("From: Pipe Bench <bench@example.com>\r\nTo: Someone <someone@example.com>\r\n"
         f"Subject: pipebench message {i}\r\nMessage-ID: <pipebench-{i}@example.com>\r\n"
         "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n")
    k = 0
    while len(m) < 2000:
        m += f"Line {k:03} of message {i}: the quick brown fox jumps over the lazy dog.\r\n"
        k += 1
    return m.encode()


STATUS_RE = re.compile(rb"\(MESSAGES (\d+) UNSEEN (\d+)\)")


def check(typ, data, what):
    if typ != "OK":
        raise RuntimeError(f"{what}: {typ} {data!r}")
    return data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workload", choices=["append", "store", "status"], required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--mailboxes", type=int, default=50)
    ap.add_argument("--nodelay", action="store_true",
                    help="set TCP_NODELAY on the socket (imaplib leaves Nagle on)")
    a = ap.parse_args()

    M = imaplib.IMAP4("127.0.0.1", a.port)
    if a.nodelay:
        M.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    M.login(os.environ["PIPEBENCH_USER"], os.environ["PIPEBENCH_PASS"])
    msgs = [message(i) for i in range(a.count)]
    uids = []
    if a.workload == "store":
        check(*M.select(FLAGS_MB), "SELECT")
        uids = check(*M.uid("SEARCH", None, "ALL"), "UID SEARCH")[0].split()
    print("ready", flush=True)
    sys.stdin.readline()

    out = {"bytes": 0, "status": []}
    try:
        t0 = time.perf_counter()
        if a.workload == "append":
            for m in msgs:
                check(*M.append(APPEND_MB, None, None, m), "APPEND")
                out["bytes"] += len(m)
        elif a.workload == "store":
            for u in uids:
                check(*M.uid("STORE", u, "+FLAGS", "(\\Flagged)"), "UID STORE")
        else:
            for i in range(a.mailboxes):
                data = check(*M.status(f"pipebench/s{i:02}", "(MESSAGES UNSEEN)"), "STATUS")
                mt = STATUS_RE.search(data[0])
                out["status"].append([int(mt.group(1)), int(mt.group(2))] if mt else None)
        out["ms"] = (time.perf_counter() - t0) * 1000.0
    except Exception as e:  # report, so that pipebench says what went wrong
        out = {"error": repr(e)}
    print(json.dumps(out), flush=True)
    sys.stdin.readline()
    M.logout()


if __name__ == "__main__":
    main()
