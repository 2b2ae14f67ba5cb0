#!/usr/bin/env python3
"""Record the exact bytes a real IMAP server (scripts/dovecot) sends, for parser benchmarks
and tests. Raw sockets, not imaplib: what is stored is byte for byte what came off the wire.

    bench/capture.py corpus    bench/corpus/metadata.imap and bench/corpus/bodies.imap
    bench/capture.py session   testdata/dovecot/session.imap (+ session.client)
    bench/capture.py samples   testdata/dovecot/{metadata,bodies}-sample.imap, cut from corpus
    bench/capture.py all       all three

corpus: as user `bench` (seeded by bench/run):
  metadata.imap = everything the server sends after
      `UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)`
      on INBOX (10,000 messages), up to and including the tagged OK;
  bodies.imap   = the same for `UID FETCH 1:* BODY.PEEK[]` on the mailbox Bodies.
session: a scripted session with many different commands (see SESSION below) on a
  freshly seeded mailbox "Session"; session.imap is all server bytes from the greeting to
  the BYE and the LOGOUT's OK, session.client all client bytes.
samples: the first 200 FETCH responses of metadata.imap and 20 of bodies.imap (each file
  under 2 MB), each ending with the original tagged OK line.

Connection settings come from the environment of `eval "$(scripts/dovecot start)"`
(IMAP4_HOST, IMAP4_PORT), defaulting to 127.0.0.1:10143.
"""

import os
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")
TESTDATA = os.path.join(ROOT, "testdata", "dovecot")
HOST = os.environ.get("IMAP4_HOST", "127.0.0.1")
PORT = int(os.environ.get("IMAP4_PORT", "10143"))
USER = os.environ.get("IMAP4_USER_BENCH", "bench")
PASS = os.environ.get("IMAP4_PASS_BENCH", "benchpw")

LITERAL_AT_END = re.compile(rb"~?\{(\d+)\+?\}\r\n$")


def split_responses(buf):
    """Split server bytes into complete responses (a line plus any literals it carries).
    Yields (start, end) offsets."""
    pos, n = 0, len(buf)
    while pos < n:
        start = pos
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                raise ValueError("truncated response at offset %d" % start)
            line_end = eol + 2
            m = LITERAL_AT_END.search(buf, max(start, eol - 24), line_end)
            if m and m.end() == line_end:
                pos = line_end + int(m.group(1))
                continue
            pos = line_end
            break
        yield start, pos


class Conn:
    """An IMAP client connection that logs every byte in both directions."""

    def __init__(self, host=HOST, port=PORT, timeout=600):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.server_log = bytearray()
        self.client_log = bytearray()
        self.tagn = 0
        self.greeting = self.read_response()

    # -- reading ---------------------------------------------------------------------
    def _fill(self):
        d = self.sock.recv(1 << 20)
        if not d:
            raise EOFError("server closed the connection")
        self.server_log += d
        self.buf += d

    def _need(self, n):
        while len(self.buf) < n:
            self._fill()

    def read_line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i + 2], self.buf[i + 2:]
                return line
            self._fill()

    def read_response(self):
        """One complete response: a line and the literals it announces."""
        parts = []
        while True:
            line = self.read_line()
            parts.append(line)
            m = LITERAL_AT_END.search(line)
            if not m:
                return b"".join(parts)
            n = int(m.group(1))
            self._need(n)
            parts.append(self.buf[:n])
            self.buf = self.buf[n:]

    # -- writing ---------------------------------------------------------------------
    def send(self, data):
        self.client_log += data
        self.sock.sendall(data)

    def next_tag(self):
        self.tagn += 1
        return "C%d" % self.tagn

    def command(self, text, literals=(), sync=True, expect=None):
        """Send `tag text`; `text` may contain {} placeholders, one per literal in
        `literals` (bytes). sync=True sends synchronizing literals and waits for "+".
        Returns the list of responses up to and including the tagged one."""
        tag = self.next_tag()
        pieces = text.split("{}")
        assert len(pieces) == len(literals) + 1
        out = []
        data = (tag + " " + pieces[0]).encode()
        for lit, rest in zip(literals, pieces[1:]):
            if sync:
                self.send(data + b"{%d}\r\n" % len(lit))
                while True:
                    r = self.read_response()
                    out.append(r)
                    if r.startswith(b"+"):
                        break
                    if r.startswith(tag.encode() + b" "):
                        return out
                data = lit + rest.encode()
            else:
                data += b"{%d+}\r\n" % len(lit) + lit + rest.encode()
        self.send(data + b"\r\n")
        out += self.until_tagged(tag)
        status = out[-1].split(b" ", 2)[1].decode()
        if expect is not None and status != expect:
            raise RuntimeError("%s %s: expected %s, got %r" % (tag, text, expect, out[-1]))
        return out

    def until_tagged(self, tag):
        out = []
        t = tag.encode() + b" "
        while True:
            r = self.read_response()
            out.append(r)
            if r.startswith(t):
                return out

    def login(self, user=USER, password=PASS):
        return self.command("LOGIN %s %s" % (quote(user), quote(password)), expect="OK")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def seed(mailbox, count, seed_name, user=USER, offset=0):
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "seed.py"), "--user", user,
                    "--offset", str(offset),
                    "--host", HOST, "--port", str(PORT), "--mailbox", mailbox, "--count",
                    str(count), "--seed", seed_name, "--ensure", "--no-extra-mailboxes",
                    "--quiet"], check=True)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)
    print("  wrote %s (%.1f MB)" % (os.path.relpath(path, ROOT), len(data) / 1e6),
          file=sys.stderr)


# --- (a), (b) --------------------------------------------------------------------------
def capture_fetch(mailbox, items, path):
    c = Conn()
    c.login()
    c.command("EXAMINE %s" % quote(mailbox), expect="OK")
    # Warm up: the first pass over a freshly filled mailbox builds Dovecot's cache.
    c.command("UID FETCH 1:* %s" % items, expect="OK")
    tag = c.next_tag()
    c.send(("%s UID FETCH 1:* %s\r\n" % (tag, items)).encode())
    mark = len(c.server_log) - len(c.buf)  # everything after the command line
    resp = c.until_tagged(tag)
    if not resp[-1].split(b" ", 2)[1] == b"OK":
        raise RuntimeError("FETCH failed: %r" % resp[-1])
    data = bytes(c.server_log[mark:])
    assert data == b"".join(resp), "log and parsed responses disagree"
    c.command("LOGOUT")
    c.close()
    n_fetch = sum(1 for r in resp if b" FETCH (" in r[:40])
    print("  %s: %d responses (%d FETCH)" % (mailbox, len(resp), n_fetch), file=sys.stderr)
    write(path, data)


def capture_corpus():
    capture_fetch("INBOX", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
                  os.path.join(CORPUS, "metadata.imap"))
    capture_fetch("Bodies", "BODY.PEEK[]", os.path.join(CORPUS, "bodies.imap"))


# --- (d) -------------------------------------------------------------------------------
def cut_sample(src, dst, max_fetch, max_bytes):
    buf = open(src, "rb").read()
    spans = list(split_responses(buf))
    tagged = buf[spans[-1][0]:spans[-1][1]]
    out, n = [], 0
    total = len(tagged)
    for s, e in spans[:-1]:
        if n >= max_fetch:
            break
        if total + (e - s) > max_bytes:
            continue  # skip a message too big for the committed sample
        out.append(buf[s:e])
        total += e - s
        n += 1
    write(dst, b"".join(out) + tagged)


def capture_samples():
    cut_sample(os.path.join(CORPUS, "metadata.imap"),
               os.path.join(TESTDATA, "metadata-sample.imap"), 200, 1_900_000)
    cut_sample(os.path.join(CORPUS, "bodies.imap"),
               os.path.join(TESTDATA, "bodies-sample.imap"), 20, 1_900_000)


# --- (c) -------------------------------------------------------------------------------
def reset_session_mailbox():
    c = Conn()
    c.login()
    for box in ["Session", "Capture", "Capture/Ünïcode", "Capture/Renamed"]:
        c.command("DELETE %s" % quote(mutf7(box)))
    c.command("LOGOUT")
    c.close()
    seed("Session", 30, "session", offset=9000)  # 2023: some unseen, some flagged


def mutf7(name):
    sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
    import mailgen
    return mailgen.mutf7_encode(name)


def code_value(responses, name):
    for r in responses:
        m = re.search(rb"\[" + name.encode() + rb" (\d+)\]", r)
        if m:
            return int(m.group(1))
    raise RuntimeError("no %s in %r" % (name, responses))


def capture_session():
    reset_session_mailbox()
    c = Conn()
    caps = set()

    def cmd(text, *literals, sync=True, expect=None):
        out = c.command(text, literals, sync=sync, expect=expect)
        for r in out:
            m = re.search(rb"CAPABILITY ([^\]\r]*)", r)
            if m:
                caps.update(m.group(1).decode().split())
        return out

    cmd("CAPABILITY")
    cmd("LOGIN %s %s" % (quote(USER), quote(PASS)), expect="OK")
    cmd("CAPABILITY")
    cmd('ID ("name" "imap4-capture" "version" "0.1" "os" NIL)')
    cmd("NAMESPACE")
    cmd('LIST "" ""')
    cmd('LIST "" *')
    cmd('LIST "" %')
    cmd('LIST "" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))')
    cmd('LIST (SPECIAL-USE) "" *')
    cmd('LIST (SUBSCRIBED) "" * RETURN (CHILDREN)')
    cmd('LSUB "" *')
    items = ["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN"]
    if "CONDSTORE" in caps:
        items.append("HIGHESTMODSEQ")
    if "STATUS=SIZE" in caps:
        items.append("SIZE")
    if any(x.startswith("APPENDLIMIT") for x in caps):
        items.append("APPENDLIMIT")
    if "OBJECTID" in caps:
        items.append("MAILBOXID")
    cmd("STATUS Session (%s)" % " ".join(items))
    cmd("STATUS INBOX (MESSAGES UNSEEN)")
    cmd("STATUS %s (MESSAGES)" % mutf7("Entwürfe"))
    # mailbox management with non-ASCII names
    cmd("CREATE %s" % quote(mutf7("Capture/Ünïcode")))
    cmd('LIST "" Capture/*')
    cmd("RENAME %s %s" % (quote(mutf7("Capture/Ünïcode")), quote("Capture/Renamed")))
    cmd("SUBSCRIBE Capture/Renamed")
    cmd('LSUB "" Capture/*')
    cmd("UNSUBSCRIBE Capture/Renamed")
    cmd("DELETE Capture/Renamed")
    # quota / acl / metadata
    cmd("GETQUOTAROOT INBOX")
    cmd('GETQUOTA "User quota"')
    cmd("SETACL Session bob lrs")
    cmd("GETACL Session")
    cmd("MYRIGHTS Session")
    cmd("LISTRIGHTS Session bob")
    cmd("DELETEACL Session bob")
    cmd("SETMETADATA Session (/private/comment \"capture test\" /shared/comment {})",
        "multi-line\r\nvalue \xfc".encode("utf-8"))
    cmd("GETMETADATA Session (/private/comment /shared/comment)")
    cmd("GETMETADATA (DEPTH infinity MAXSIZE 1024) Session /private")
    cmd('GETMETADATA "" /shared/comment')
    # select / search / sort / thread
    sel = cmd("SELECT Session (CONDSTORE)", expect="OK")
    uidvalidity = code_value(sel, "UIDVALIDITY")
    modseq0 = code_value(sel, "HIGHESTMODSEQ")
    cmd("EXAMINE Session")
    cmd("SELECT Session")
    cmd("CHECK")
    cmd("SEARCH UNSEEN")
    cmd("SEARCH FLAGGED SINCE 1-Jan-2019 NOT DELETED")
    cmd("SEARCH CHARSET UTF-8 SUBJECT {}", "Prüfung".encode())
    cmd("UID SEARCH RETURN (MIN MAX COUNT ALL) ALL")
    cmd("UID SEARCH RETURN () UNSEEN")
    cmd("SEARCH RETURN (SAVE) SEEN")
    cmd("FETCH $ (UID)")
    cmd("SEARCH MODSEQ %d" % modseq0)
    cmd("SORT (REVERSE DATE) UTF-8 ALL")
    cmd("SORT (SUBJECT FROM) UTF-8 ALL")
    cmd("UID SORT RETURN (MIN MAX COUNT) (ARRIVAL) UTF-8 ALL")
    cmd("THREAD REFERENCES UTF-8 ALL")
    cmd("THREAD ORDEREDSUBJECT UTF-8 ALL")
    # fetch variety
    cmd("FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
    cmd("FETCH 1:3 (BODY.PEEK[HEADER.FIELDS.NOT (RECEIVED)])")
    cmd("FETCH 1:5 (BINARY.PEEK[1] BINARY.SIZE[1])")
    cmd("FETCH 1:* (MODSEQ FLAGS)")
    cmd("UID FETCH 1:* (UID) (CHANGEDSINCE %d)" % modseq0)
    if "SAVEDATE" in caps:
        cmd("FETCH 1:3 (SAVEDATE)")
    if "PREVIEW" in caps:
        cmd("FETCH 1:5 (PREVIEW)")
        cmd("FETCH 6:8 (PREVIEW (LAZY))")
    if "OBJECTID" in caps:
        cmd("FETCH 1:3 (EMAILID THREADID)")
    cmd("FETCH 2 (BODY.PEEK[]<0.64> BODY.PEEK[TEXT]<10.40>)")
    cmd("FETCH 3 (RFC822.HEADER RFC822.SIZE)")
    cmd("FETCH 4 (BODY.PEEK[1.MIME] BODY.PEEK[1])")
    cmd("FETCH 5 (ENVELOPE BODY BODYSTRUCTURE INTERNALDATE)")
    cmd("FETCH 6 FAST")
    cmd("FETCH 7 ALL")
    cmd("FETCH 8 FULL")
    cmd("FETCH 9 (RFC822)")  # sets \Seen: an unsolicited FLAGS change in the same FETCH
    cmd("STORE 1:3 +FLAGS (\\Flagged $Work)")
    cmd("STORE 4 -FLAGS.SILENT (\\Seen)")
    cmd("UID STORE 1:* (UNCHANGEDSINCE %d) +FLAGS.SILENT (\\Answered)" % modseq0)
    cmd("UID STORE 1:* (UNCHANGEDSINCE 1) +FLAGS (\\Draft)")
    cmd("UID COPY 1:2 Trash")
    cmd("UID MOVE 3 Trash")
    cmd("APPEND Session (\\Seen $Forwarded) \" 5-Mar-2021 10:00:00 +0100\" {}",
        b"From: a@example.com\r\nSubject: appended\r\n\r\nsynchronizing literal\r\n")
    cmd("APPEND Session {}", b"Subject: plus\r\n\r\nnon-synchronizing literal\r\n",
        sync=False)
    cmd("NOOP")
    # IDLE: another connection appends; wait for the EXISTS it causes.
    tag = c.next_tag()
    c.send(("%s IDLE\r\n" % tag).encode())
    r = c.read_response()
    assert r.startswith(b"+"), r
    other = Conn()
    other.login()
    other.command("APPEND Session {}", (b"Subject: during idle\r\n\r\nhello\r\n",),
                  sync=False, expect="OK")
    other.command("LOGOUT")
    other.close()
    deadline = time.time() + 10
    while time.time() < deadline:
        r = c.read_response()
        if b"EXISTS" in r:
            break
    c.send(b"DONE\r\n")
    c.until_tagged(tag)
    # expunge
    cmd("STORE 1:2 +FLAGS.SILENT (\\Deleted)")
    cmd("EXPUNGE")
    cmd("STORE 3 +FLAGS.SILENT (\\Deleted)")
    cmd("UID EXPUNGE 1:*")
    cmd("UNSELECT")
    # QRESYNC: reselect with the state from the first SELECT -> VANISHED (EARLIER)
    cmd("ENABLE QRESYNC CONDSTORE")
    cmd("SELECT Session (QRESYNC (%d %d))" % (uidvalidity, modseq0), expect="OK")
    cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    cmd("EXPUNGE")  # VANISHED instead of EXPUNGE now
    cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % modseq0)
    cmd("FETCH 1:* (NOSUCHITEM)")
    cmd("CLOSE")
    # failures
    cmd("SELECT NoSuchMailbox")
    cmd("FETCH 1 (FLAGS)")  # no mailbox selected: BAD
    cmd("FROBNICATE")
    cmd("LOGIN again please")
    cmd("CREATE INBOX")
    cmd("GETQUOTA nosuchroot")
    # LOGOUT: BYE, tagged OK, then the server closes
    tag = c.next_tag()
    c.send(("%s LOGOUT\r\n" % tag).encode())
    c.until_tagged(tag)
    try:
        while True:
            c._fill()
    except (EOFError, OSError):
        pass
    c.close()
    server = bytes(c.server_log)
    # sanity: the whole transcript splits cleanly into responses
    spans = list(split_responses(server))
    print("  session: %d server responses, %d client bytes" % (len(spans),
                                                               len(c.client_log)),
          file=sys.stderr)
    write(os.path.join(TESTDATA, "session.imap"), server)
    write(os.path.join(TESTDATA, "session.client"), bytes(c.client_log))


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what not in ("corpus", "session", "samples", "all"):
        sys.exit(__doc__)
    if what in ("corpus", "all"):
        capture_corpus()
    if what in ("samples", "all"):
        capture_samples()
    if what in ("session", "all"):
        capture_session()


if __name__ == "__main__":
    main()
