#!/usr/bin/env python3
"""Format scripts/bench-sync's measurements as Markdown.

    report.py results.tsv meta.txt > results.md

results.tsv: one row per measurement, tab-separated:
    job  tool  status  wall_s  user_s  sys_s  maxrss_kb  fsyncs  fsync_detail  check  note
    walls
(walls: the wall times of all timed runs, comma-separated; the other figures are those
of the median run)
status is "ok", "fail" (the tool exited non-zero: figures kept, marked) or "na" (the tool
could not run: `note` says why, the figures are empty). fsyncs is empty when not counted.
meta.txt: "key<TAB>value" lines printed as a list above the table, in order.
Ratios are the row's figure divided by the imap4 row of the same job (>1: imap4 uses
less); they are left out when that job has no imap4 figures.
"""

import sys

COLS = ["job", "tool", "status", "wall", "user", "sys", "rss", "fsyncs", "fsync_detail",
        "check", "note", "walls"]


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def ratio(x, base):
    if x is None or base is None:
        return "—"
    if base == 0:
        return "—" if x else "1×"
    r = x / base
    return "%.0f×" % r if r >= 100 else "%.1f×" % r if r >= 10 else "%.2f×" % r


def main():
    rows = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            parts += [""] * (len(COLS) - len(parts))
            r = dict(zip(COLS, parts))
            r["cpu"] = (num(r["user"]) + num(r["sys"])) if r["status"] != "na" and \
                num(r["user"]) is not None else None
            r["wall_n"], r["rss_n"], r["fsync_n"] = num(r["wall"]), num(r["rss"]), \
                num(r["fsyncs"])
            if r["rss_n"] is not None:
                r["rss_n"] /= 1024.0
            rows.append(r)
    meta = []
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            meta = [l.rstrip("\n").split("\t", 1) for l in f if "\t" in l]

    base = {}
    for r in rows:
        if r["tool"].startswith("imap4") and r["status"] == "ok":
            base[r["job"]] = r

    out = []
    title = dict(meta).get("title", "Sync benchmark")
    out.append("# %s\n" % title)
    for k, v in meta:
        if k != "title":
            out.append("- **%s**: %s" % (k, v))
    out.append("")
    out.append("| job | tool | wall s (range) | CPU s (user+sys) | peak RSS MB | fsyncs | "
               "wall ÷ imap4 | CPU ÷ imap4 | RSS ÷ imap4 | fsyncs ÷ imap4 | check |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        if r["status"] == "na":
            out.append("| %s | %s | %s | | | | | | | | |" % (r["job"], r["tool"], r["note"]))
            continue
        b = base.get(r["job"])
        mark = "" if r["status"] == "ok" else " (exit %s)" % r["note"]
        wall = "%.2f" % r["wall_n"] if r["wall_n"] is not None else "?"
        walls = [w for w in (num(x) for x in r["walls"].split(",")) if w is not None]
        if len(walls) > 1:
            wall += " (%.2f–%.2f)" % (min(walls), max(walls))
        cpu = "%.2f (%s+%s)" % (r["cpu"], r["user"], r["sys"]) if r["cpu"] is not None else "?"
        rss = "%.1f" % r["rss_n"] if r["rss_n"] is not None else "?"
        fs = "%d" % r["fsync_n"] if r["fsync_n"] is not None else "not counted"
        if b is None or b is r:
            rw = rc = rr = rf = "—"
        else:
            rw = ratio(r["wall_n"], b["wall_n"])
            rc = ratio(r["cpu"], b["cpu"])
            rr = ratio(r["rss_n"], b["rss_n"])
            rf = ratio(r["fsync_n"], b["fsync_n"])
        out.append("| %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["job"], r["tool"], mark, wall, cpu, rss, fs, rw, rc, rr, rf, r["check"]))
    if not base:
        out.append("")
        out.append("No imap4 figures in this run, so no ratios.")
    details = [r for r in rows if r["fsync_detail"]]
    if details:
        out.append("")
        out.append("fsync-family calls by kind (strace -f -c, separate untimed repetition):")
        out.append("")
        for r in details:
            out.append("- %s, %s: %s" % (r["job"], r["tool"], r["fsync_detail"]))
    print("\n".join(out))


if __name__ == "__main__":
    main()
