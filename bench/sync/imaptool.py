#!/usr/bin/env python3
"""Helpers for scripts/bench-sync (stdlib only): warm a mailbox, apply the seeded change
between runs, and check what a tool produced.

    imaptool.py warm    --user U [--mailbox M]
    imaptool.py change  --user U --seed S --flags 500
    imaptool.py check-backup  --user U --dir D      (local Maildir(s) vs the server)
    imaptool.py check-migrate --user U --dst-user V (two mailboxes hold the same mail)
    imaptool.py maildir D                           (counts of a local Maildir tree)
    imaptool.py digest|size --user U                (a hash of the mailbox; its bytes)

Host/port default to IMAP4_HOST/IMAP4_PORT, passwords to the users of scripts/dovecot.
check-* print one short verdict ("ok ..." or "MISMATCH ...") and always exit 0: a
benchmark row is still reported when the tool got it wrong, with the verdict beside it.
"""

import argparse
import datetime
import hashlib
import imaplib
import json
import os
import random
import re
import sys

PASSWORDS = {"alice": "alicepw", "bob": "bobpw", "bench": "benchpw", "carol": "carolpw",
             "dave": "davepw", "erin": "erinpw", "frank": "frankpw", "grace": "gracepw",
             "heidi": "heidipw", "ivan": "ivanpw", "judy": "judypw"}


def connect(host, port, user, password=None):
    m = imaplib.IMAP4(host or os.environ.get("IMAP4_HOST", "127.0.0.1"),
                      int(port or os.environ.get("IMAP4_PORT", 10143)))
    m.login(user, password or PASSWORDS[user])
    return m


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


FETCH_RE = re.compile(rb"UID (\d+)|FLAGS \(([^)]*)\)|INTERNALDATE \"([^\"]+)\"|RFC822\.SIZE (\d+)")


def fetch_meta(m, mailbox):
    """[(uid, flags frozenset, internaldate, size)] of every message in mailbox."""
    typ, data = m.select(quote(mailbox), readonly=True)
    if typ != "OK":
        raise SystemExit("SELECT %s failed: %r" % (mailbox, data))
    if int(data[0]) == 0:
        return []
    typ, data = m.uid("FETCH", "1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE)")
    out = []
    for line in data:
        if not isinstance(line, bytes):
            continue
        uid = flags = idate = size = None
        for mo in FETCH_RE.finditer(line):
            if mo.group(1):
                uid = int(mo.group(1))
            elif mo.group(2) is not None:
                flags = frozenset(f for f in mo.group(2).decode().split() if f != "\\Recent")
            elif mo.group(3):
                # As a moment, not as text: Cyrus pads the day with a space (" 5-Dec-...")
                # and may write another zone than Dovecot for the same time.
                idate = int(datetime.datetime.strptime(
                    mo.group(3).decode().strip(), "%d-%b-%Y %H:%M:%S %z").timestamp())
            elif mo.group(4):
                size = int(mo.group(4))
        if uid is not None:
            out.append((uid, flags or frozenset(), idate, size))
    return out


def cmd_warm(a):
    m = connect(a.host, a.port, a.user, a.password)
    meta = fetch_meta(m, a.mailbox)
    m.logout()
    print("%s/%s: %d messages" % (a.user, a.mailbox, len(meta)), file=sys.stderr)


def cmd_change(a):
    """Toggle \\Seen on --flags messages picked with --seed (and \\Flagged on ~30% of
    them): the same picks and so the same change on identical mailboxes."""
    m = connect(a.host, a.port, a.user, a.password)
    meta = fetch_meta(m, a.mailbox)
    m.select(quote(a.mailbox))
    rng = random.Random(a.seed)
    picks = rng.sample(sorted(meta), min(a.flags, len(meta)))
    n = 0
    for uid, flags, _, _ in picks:
        for flag, p in (("\\Seen", 1.0), ("\\Flagged", 0.3)):
            if p < 1.0 and rng.random() >= p:
                continue
            op = "-FLAGS.SILENT" if flag in flags else "+FLAGS.SILENT"
            typ, data = m.uid("STORE", str(uid), op, "(%s)" % flag)
            if typ != "OK":
                raise SystemExit("STORE failed: %r" % data)
            n += 1
    m.logout()
    print("%s/%s: %d flag changes on %d messages" % (a.user, a.mailbox, n, len(picks)),
          file=sys.stderr)


def scan_maildir(root):
    """Counts messages in every cur/ and new/ below root and the flags in their names."""
    total = seen = flagged = 0
    for dirpath, dirnames, filenames in os.walk(root):
        if os.path.basename(dirpath) not in ("cur", "new"):
            continue
        for f in filenames:
            if f.startswith("."):
                continue
            total += 1
            info = f.rsplit(":2,", 1)[1] if ":2," in f else ""
            if "S" in info:
                seen += 1
            if "F" in info:
                flagged += 1
    return {"messages": total, "seen": seen, "flagged": flagged}


def server_counts(meta):
    return {"messages": len(meta),
            "seen": sum(1 for x in meta if "\\Seen" in x[1]),
            "flagged": sum(1 for x in meta if "\\Flagged" in x[1])}


def cmd_maildir(a):
    print(json.dumps(scan_maildir(a.dir)))


def cmd_check_backup(a):
    m = connect(a.host, a.port, a.user, a.password)
    want = server_counts(fetch_meta(m, a.mailbox))
    m.logout()
    have = scan_maildir(a.dir)
    if have == want:
        print("ok: %d msgs, %d seen, %d flagged" % (have["messages"], have["seen"],
                                                    have["flagged"]))
    else:
        print("MISMATCH: " + ", ".join("%s %d/%d" % (k, have[k], want[k]) for k in want))


def digest(meta):
    lines = sorted("%s %s %s" % (idate, size, " ".join(sorted(flags)))
                   for _, flags, idate, size in meta)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12], lines


def cmd_digest(a):
    m = connect(a.host, a.port, a.user, a.password)
    meta = fetch_meta(m, a.mailbox)
    m.logout()
    print("%d %s" % (len(meta), digest(meta)[0]))


def cmd_size(a):
    m = connect(a.host, a.port, a.user, a.password)
    meta = fetch_meta(m, a.mailbox)
    m.logout()
    print(sum(x[3] or 0 for x in meta))


def cmd_check_migrate(a):
    s = connect(a.host, a.port, a.user, a.password)
    src = fetch_meta(s, a.mailbox)
    s.logout()
    d = connect(a.dst_host or a.host, a.dst_port or a.port, a.dst_user, a.dst_password)
    dst = fetch_meta(d, a.dst_mailbox or a.mailbox)
    d.logout()
    (hs, ls), (hd, ld) = digest(src), digest(dst)
    if hs == hd:
        print("ok: %d msgs, same dates/sizes/flags" % len(dst))
    else:
        missing = len(set(ls) - set(ld))
        print("MISMATCH: %d/%d msgs, %d (date,size,flags) of the source not found"
              % (len(dst), len(src), missing))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("warm", "change", "check-backup", "check-migrate", "maildir", "digest",
                 "size"):
        p = sub.add_parser(name)
        if name == "maildir":
            p.add_argument("dir")
            continue
        p.add_argument("--host")
        p.add_argument("--port")
        p.add_argument("--user", required=True)
        p.add_argument("--password")
        p.add_argument("--mailbox", default="INBOX")
        if name == "change":
            p.add_argument("--seed", default="bench-sync")
            p.add_argument("--flags", type=int, default=500)
        if name == "check-backup":
            p.add_argument("--dir", required=True)
        if name == "check-migrate":
            p.add_argument("--dst-host")
            p.add_argument("--dst-port")
            p.add_argument("--dst-user", required=True)
            p.add_argument("--dst-password")
            p.add_argument("--dst-mailbox")
    a = ap.parse_args()
    {"warm": cmd_warm, "change": cmd_change, "check-backup": cmd_check_backup,
     "check-migrate": cmd_check_migrate, "maildir": cmd_maildir,
     "digest": cmd_digest, "size": cmd_size}[a.cmd](a)


if __name__ == "__main__":
    main()
