#!/usr/bin/env python3
"""Fill a mailbox with deterministic, realistic test mail over IMAP (stdlib only).

    scripts/seed.py --user alice --mailbox INBOX --count 500
    scripts/seed.py --user bench --mailbox INBOX --count 10000 --ensure

Message i of the stream named by --seed is always the same bytes, flags and INTERNALDATE
(see scripts/lib/mailgen.py for what the mail looks like). Messages are APPENDed one per
command (no MULTIAPPEND) with a per-message flag list and INTERNALDATE, but pipelined:
the literals use LITERAL+ and a batch of commands goes out before the replies are read,
so 10,000 messages take seconds, not minutes.

--ensure makes it idempotent: when the mailbox already holds exactly --count messages
nothing is done; when it holds fewer, the missing ones (by index) are appended; when it
holds more, it is emptied and seeded again.

Unless --no-extra-mailboxes is given, a few mailboxes with non-ASCII names are created
too (Entwürfe, 日本語, Projekte/Ärger, ...), each with a handful of messages, so that
modified UTF-7 shows up in LIST.

Host, port and password default to IMAP4_HOST / IMAP4_PORT and the test users of
scripts/dovecot (alice/alicepw, bob/bobpw, jürgen/pässwörd, bench/benchpw).
"""

import argparse
import imaplib
import os
import queue
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import mailgen  # noqa: E402

KNOWN_PASSWORDS = {"alice": "alicepw", "bob": "bobpw", "jürgen": "pässwörd",
                   "bench": "benchpw"}
EXTRA_MAILBOXES = ["Entwürfe", "日本語", "Projekte", "Projekte/Ärger", "Archive/2023",
                   "Reports & Stats", "emoji 📬", "Ελληνικά"]
BATCH_BYTES = 4 << 20
BATCH_COUNT = 200


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_name(name):
    return quote(mailgen.mutf7_encode(name))


class Seeder:
    def __init__(self, host, port, user, password, tls=False, cafile=None):
        if tls:
            import ssl
            ctx = ssl.create_default_context(cafile=cafile)
            self.m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx)
        else:
            self.m = imaplib.IMAP4(host, port)
        if user.isascii() and password.isascii():
            self.m.login(user, password)
        else:
            # LOGIN with 8-bit strings needs literals; AUTHENTICATE PLAIN is simpler.
            cred = b"\0" + user.encode() + b"\0" + password.encode()
            self.m.authenticate("PLAIN", lambda _: cred)
        caps = self.m.capabilities
        self.literal_plus = "LITERAL+" in caps or "LITERAL-" in caps
        self.tagn = 0

    def count(self, mailbox):
        typ, data = self.m.status(imap_name(mailbox), "(MESSAGES)")
        if typ != "OK":
            return None
        # b'"INBOX" (MESSAGES 12)'
        return int(data[0].rsplit(b"MESSAGES ", 1)[1].split(b")")[0])

    def create(self, mailbox):
        typ, data = self.m.create(imap_name(mailbox))
        if typ != "OK" and b"ALREADYEXISTS" not in b" ".join(d or b"" for d in data):
            raise RuntimeError("CREATE %s failed: %r" % (mailbox, data))

    def empty(self, mailbox):
        self.m.select(imap_name(mailbox))
        self.m.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
        self.m.expunge()
        self.unselect()

    def _flush(self, chunks, tags):
        if not tags:
            return
        self.m.send(b"".join(chunks))
        pending = set(tags)
        while pending:
            line = self.m.readline()
            if not line:
                raise RuntimeError("connection closed during APPEND")
            tag = line.split(b" ", 1)[0].decode()
            if tag in pending:
                pending.discard(tag)
                if not line.split(b" ", 2)[1] == b"OK":
                    raise RuntimeError("APPEND failed: %r" % line)
            elif line.startswith(b"+") and not self.literal_plus:
                raise RuntimeError("server wants synchronizing literals")

    def append_all(self, mailbox, seed, start, stop, progress=True, offset=0):
        """APPEND messages start..stop-1 of stream `seed` to `mailbox`.

        The mailbox is SELECTed first: Dovecot then reuses its open maildir state instead
        of rereading the whole dovecot-uidlist for every APPEND (which makes seeding a big
        mailbox quadratic). Messages are generated in a second thread while the previous
        batch is on the wire."""
        if start >= stop:
            return
        box = imap_name(mailbox).encode()
        typ, data = self.m.select(box.decode())
        if typ != "OK":
            raise RuntimeError("SELECT %s failed: %r" % (mailbox, data))
        t0 = time.time()
        total = 0
        if not self.literal_plus:
            # One synchronizing literal at a time: plain imaplib.
            for i in range(start, stop):
                data, flags, idate = mailgen.message(offset + i, seed)
                self.m.append(box.decode(), "(%s)" % " ".join(flags), '"%s"' % idate, data)
            self.unselect()
            return
        batches = queue.Queue(maxsize=3)

        def produce():
            try:
                chunks, tags, size = [], [], 0
                for i in range(start, stop):
                    data, flags, idate = mailgen.message(offset + i, seed)
                    self.tagn += 1
                    tag = "S%d" % self.tagn
                    chunks.append(b"%s APPEND %s (%s) \"%s\" {%d+}\r\n" % (
                        tag.encode(), box, " ".join(flags).encode(), idate.encode(),
                        len(data)))
                    chunks.append(data)
                    chunks.append(b"\r\n")
                    tags.append(tag)
                    size += len(data)
                    if size >= BATCH_BYTES or len(tags) >= BATCH_COUNT or i == stop - 1:
                        batches.put((chunks, tags, size, i + 1 - start))
                        chunks, tags, size = [], [], 0
            except BaseException as e:  # hand it to the consumer
                batches.put(e)
                return
            batches.put(None)

        th = threading.Thread(target=produce, daemon=True)
        th.start()
        while True:
            item = batches.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            chunks, tags, size, done = item
            self._flush(chunks, tags)
            total += size
            if progress:
                sys.stderr.write("\r  %s: %d/%d messages, %.1f MB, %.1f s" % (
                    mailbox, done, stop - start, total / 1e6, time.time() - t0))
        th.join()
        self.unselect()
        if progress:
            sys.stderr.write("\r  %s: %d messages, %.1f MB appended in %.1f s\n" % (
                mailbox, stop - start, total / 1e6, time.time() - t0))

    def unselect(self):
        if "UNSELECT" in self.m.capabilities:
            self.m.unselect()
        else:
            self.m.close()  # nothing we appended carries \Deleted

    def logout(self):
        try:
            self.m.logout()
        except Exception:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--user", default=os.environ.get("IMAP4_USER", "alice"))
    ap.add_argument("--password")
    ap.add_argument("--host", default=os.environ.get("IMAP4_HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int)
    ap.add_argument("--tls", action="store_true", help="implicit TLS (IMAP4_TLS_PORT)")
    ap.add_argument("--cafile", default=os.environ.get("IMAP4_CA"))
    ap.add_argument("--mailbox", default="INBOX", help="mailbox name (Unicode)")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", default="imap4", help="name of the message stream")
    ap.add_argument("--offset", type=int, default=0,
                    help="start at message OFFSET of the stream (later dates)")
    ap.add_argument("--ensure", action="store_true",
                    help="only add what is missing (see above)")
    ap.add_argument("--no-extra-mailboxes", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()

    password = a.password or KNOWN_PASSWORDS.get(a.user) or os.environ.get("IMAP4_PASS")
    if password is None:
        ap.error("no --password for user %s" % a.user)
    port = a.port or int(os.environ.get("IMAP4_TLS_PORT" if a.tls else "IMAP4_PORT",
                                        10993 if a.tls else 10143))
    s = Seeder(a.host, port, a.user, password, a.tls, a.cafile)
    progress = not a.quiet

    if a.mailbox.upper() != "INBOX":
        s.create(a.mailbox)
    start = 0
    if a.ensure:
        have = s.count(a.mailbox)
        if have == a.count:
            if progress:
                print("%s/%s already holds %d messages" % (a.user, a.mailbox, have),
                      file=sys.stderr)
            start = a.count
        elif have < a.count:
            start = have
        else:
            s.empty(a.mailbox)
    s.append_all(a.mailbox, a.seed, start, a.count, progress, a.offset)

    if not a.no_extra_mailboxes:
        for k, name in enumerate(EXTRA_MAILBOXES):
            s.create(name)
            if s.count(name) == 0 and name != "Projekte":
                s.append_all(name, "%s-extra-%d" % (a.seed, k), 0, 3 + k, progress=False)
    s.logout()


if __name__ == "__main__":
    main()
