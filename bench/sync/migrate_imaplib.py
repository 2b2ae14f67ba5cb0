#!/usr/bin/env python3
"""Copy every message of one IMAP mailbox into another account: the straightforward
imaplib way (one UID FETCH of BODY.PEEK[] FLAGS INTERNALDATE per message, then one APPEND
with its flags and date, each waiting for its reply).

    migrate_imaplib.py --src-user judy --dst-user erin
    migrate_imaplib.py --src-user judy --dst-host 127.0.0.1 --dst-port 10243 \
        --dst-user erin --dst-password erinpw --dst-mailbox INBOX

Every option also comes from the environment: MIGRATE_SRC_HOST, MIGRATE_SRC_PORT,
MIGRATE_SRC_USER, MIGRATE_SRC_PASS, MIGRATE_SRC_MAILBOX and the same with DST. Plain
IMAP (no TLS) unless --src-tls/--dst-tls (implicit TLS; MIGRATE_CA for a private CA).
"""

import argparse
import imaplib
import os
import re
import ssl
import sys

INTERNALDATE = re.compile(rb'INTERNALDATE ("[^"]*")')


def connect(host, port, user, password, tls):
    if tls:
        ctx = ssl.create_default_context(cafile=os.environ.get("MIGRATE_CA"))
        m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx)
    else:
        m = imaplib.IMAP4(host, port)
    m.login(user, password)
    return m


def main():
    env = os.environ.get
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for side in ("src", "dst"):
        S = side.upper()
        ap.add_argument("--%s-host" % side, default=env("MIGRATE_%s_HOST" % S, "127.0.0.1"))
        ap.add_argument("--%s-port" % side, type=int,
                        default=int(env("MIGRATE_%s_PORT" % S, env("IMAP4_PORT", "143"))))
        ap.add_argument("--%s-user" % side, default=env("MIGRATE_%s_USER" % S))
        ap.add_argument("--%s-password" % side, default=env("MIGRATE_%s_PASS" % S))
        ap.add_argument("--%s-mailbox" % side, default=env("MIGRATE_%s_MAILBOX" % S, "INBOX"))
        ap.add_argument("--%s-tls" % side, action="store_true")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    for side in ("src", "dst"):
        if not getattr(a, side + "_user") or getattr(a, side + "_password") is None:
            ap.error("--%s-user and --%s-password are needed" % (side, side))

    src = connect(a.src_host, a.src_port, a.src_user, a.src_password, a.src_tls)
    dst = connect(a.dst_host, a.dst_port, a.dst_user, a.dst_password, a.dst_tls)
    if a.dst_mailbox.upper() != "INBOX":
        dst.create(a.dst_mailbox)  # fails harmlessly when it exists

    typ, data = src.select(a.src_mailbox, readonly=True)
    if typ != "OK":
        sys.exit("SELECT %s failed: %r" % (a.src_mailbox, data))
    typ, data = src.uid("SEARCH", None, "ALL")
    uids = data[0].split()

    copied = 0
    for uid in uids:
        typ, data = src.uid("FETCH", uid, "(FLAGS INTERNALDATE BODY.PEEK[])")
        if typ != "OK" or not data or not isinstance(data[0], tuple):
            print("UID %s: FETCH failed: %r" % (uid.decode(), data), file=sys.stderr)
            continue
        meta, body = data[0]
        # The FLAGS and INTERNALDATE may come before or after the literal.
        rest = b" ".join(x for x in data[1:] if isinstance(x, bytes))
        flags = imaplib.ParseFlags(meta) or imaplib.ParseFlags(rest)
        flags = " ".join(f.decode() for f in flags if f.lower() != b"\\recent")
        m = INTERNALDATE.search(meta) or INTERNALDATE.search(rest)
        date = m.group(1).decode() if m else None
        typ, resp = dst.append(a.dst_mailbox, "(%s)" % flags, date, body)
        if typ != "OK":
            print("UID %s: APPEND failed: %r" % (uid.decode(), resp), file=sys.stderr)
            continue
        copied += 1

    src.logout()
    dst.logout()
    if not a.quiet:
        print("copied %d of %d messages" % (copied, len(uids)), file=sys.stderr)
    sys.exit(0 if copied == len(uids) else 1)


if __name__ == "__main__":
    main()
