"""Deterministic, realistic test mail for imap4's tests and benchmarks (stdlib only).

`message(i, seed)` returns message number i (0-based) of the stream named by `seed` as
CRLF-terminated bytes plus the flags and INTERNALDATE to APPEND it with. Every message is a
pure function of (seed, i): appending messages 0..N-1 in any number of runs gives the same
mailbox, and a forwarded or replied-to message refers to an earlier index by its
Message-ID, so threads hold together.

What it produces, in rough proportions: plain text (ASCII 7bit, UTF-8 quoted-printable,
UTF-8 8bit, ISO-8859-1 QP, ISO-2022-JP), multipart/alternative (text + HTML),
multipart/mixed with base64 attachments (pdf/png/zip/csv-like, a few KB to ~200 KB, about
one in 300 messages 1-2 MB), multipart/related with inline images, message/rfc822
forwards, calendar invites. Headers: RFC 2047 encoded subjects and names (German,
Japanese, emoji, B and Q encoding), some raw UTF-8 headers, RFC 2231 file names, address
groups, long folded Cc lists, In-Reply-To/References threads, Reply-To/Sender/List-Id,
dates over several years in many time zones, and some odd ones (no Subject, empty
Subject, quoted names with escaped quotes, very long subjects).
"""

import base64
import datetime
import quopri
import random
from email.header import Header

__all__ = ["message", "mutf7_encode", "mutf7_decode", "imap_date", "START"]

START = datetime.datetime(2019, 3, 1, 8, 0, 0, tzinfo=datetime.timezone.utc)
GAP_SECONDS = 4 * 3600  # mean gap between messages: 10,000 messages span ~4.5 years

FIRST = ["Alice", "Bob", "Carol", "Dave", "Eve", "Mallory", "Trent", "Peggy", "Victor",
         "Wendy", "Oscar", "Grace", "Heidi", "Ivan", "Judy", "Mike", "Nina", "Olivia",
         "Paul", "Quentin", "Rupert", "Sybil", "Ted", "Uma", "Walter", "Xavier", "Yolanda"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
        "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "White", "Harris"]
INTL = ["Jürgen Müller", "Käthe Groß", "Björn Åström", "François Lefèvre", "Zoë Brontë",
        "Øyvind Sæther", "José Núñez", "Łukasz Żółć", "Ærøskøbing Ålesund", "Dvořák Antonín",
        "山田 太郎", "佐藤 花子", "鈴木 一郎", "田中 美咲", "Иван Петров", "Σωκράτης Παππάς",
        "王小明", "김민준", "🦀 Ferris the Crab", "Renée 🌸 Dupont", "محمد علي"]
DOMAINS = ["example.com", "example.org", "example.net", "beispiel.de", "mail.example.jp",
           "lists.example.org", "corp.example.com", "uni-example.de", "example.co.uk"]
LISTS = ["rust-users", "imap-devel", "announce", "team-berlin", "開発者", "ops-alerts"]

EN_WORDS = ("the quick brown fox jumps over lazy dog mail server client protocol message "
            "folder inbox release build test parser benchmark latency throughput review "
            "meeting notes agenda budget quarter deadline schedule project update please "
            "thanks regards attached document report draft final version question answer "
            "issue ticket deploy rollback incident coffee lunch tomorrow friday").split()
DE_WORDS = ("über für Prüfung Größe Straße Bücher schön Grüße Mädchen Äpfel Öl Übung "
            "Besprechung Tagesordnung Entwurf Anhang Rechnung Frühstück Gebäude Schlüssel "
            "natürlich möglich gemäß Maßnahme Zuständigkeit Lösung morgen Woche").split()
JA_SENTENCES = ["お世話になっております。", "会議の議事録を添付いたします。",
                "ご確認のほどよろしくお願いいたします。", "明日の打ち合わせは十時からです。",
                "資料を共有します。", "本件について、ご意見をお聞かせください。",
                "東京は今日も雨です。", "新しいバージョンをリリースしました。"]
EMOJI = ["🎉", "📎", "🦀", "✅", "🚀", "📬", "☕", "🔥", "👍", "🙂", "⚠️", "🌸"]

SUBJECTS = ["Quarterly report", "Lunch tomorrow?", "Build failed on main",
            "Release notes for v{n}", "Meeting notes {d}", "Invoice #{n}", "Your order {n}",
            "Question about the IMAP parser", "Draft proposal", "Vacation plans",
            "Server maintenance window", "Re-org announcement", "Benchmark results",
            "Photos from the trip", "Contract renewal", "Welcome aboard!"]
SUBJECTS_INTL = ["Über die Prüfung", "Grüße aus München", "Entwurf für die Besprechung",
                 "Rechnung für März – bitte prüfen", "会議の議事録", "来週の予定について",
                 "【重要】システムメンテナンスのお知らせ", "{e} Release party {e}",
                 "Café crème et croissants ☕", "Ошибка сборки", "Ελληνικά δοκιμή",
                 "Ünïcödé ẗëṡẗ {e}", "日本語とEnglishのmixed件名"]
ODD_SUBJECTS = [None, "", "   ", "(no subject)", "=?utf-8?Q?broken_encoded_word",
                "Re: Re: Fwd: AW: WG: Re: " + "a very long subject that goes on " * 9,
                "\"quoted\" subject with \\ backslash", "Tab\tseparated\tsubject"]
ATTACH = [("report-{n}.pdf", "application/pdf"), ("photo-{n}.png", "image/png"),
          ("IMG_{n}.JPG", "image/jpeg"), ("data-{n}.csv", "text/csv"),
          ("archive-{n}.zip", "application/zip"), ("blob-{n}.bin", "application/octet-stream"),
          ("Präsentation-{n}.pdf", "application/pdf"), ("見積書_{n}.xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
          ("notes {n}.txt", "text/plain")]
TZS = [0, 60, 120, -300, -240, -420, 540, 330, 600, -180, 345]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


# --- modified UTF-7 (RFC 3501 5.1.3) ------------------------------------------------------
def mutf7_encode(name):
    out, run = [], []

    def flush():
        if run:
            b = base64.b64encode("".join(run).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b.replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def mutf7_decode(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "&":
            j = s.index("-", i)
            if j == i + 1:
                out.append("&")
            else:
                b = s[i + 1:j].replace(",", "/")
                out.append(base64.b64decode(b + "=" * (-len(b) % 4)).decode("utf-16-be"))
            i = j + 1
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


# --- small helpers ------------------------------------------------------------------------
def rfc2822_date(dt, tz_minutes):
    local = dt.astimezone(datetime.timezone(datetime.timedelta(minutes=tz_minutes)))
    sign = "+" if tz_minutes >= 0 else "-"
    off = abs(tz_minutes)
    return "%s, %d %s %d %02d:%02d:%02d %s%02d%02d" % (
        DAYS[local.weekday()], local.day, MONTHS[local.month - 1], local.year, local.hour,
        local.minute, local.second, sign, off // 60, off % 60)


def imap_date(dt, tz_minutes):
    local = dt.astimezone(datetime.timezone(datetime.timedelta(minutes=tz_minutes)))
    sign = "+" if tz_minutes >= 0 else "-"
    off = abs(tz_minutes)
    return "%02d-%s-%d %02d:%02d:%02d %s%02d%02d" % (
        local.day, MONTHS[local.month - 1], local.year, local.hour, local.minute,
        local.second, sign, off // 60, off % 60)


def is_ascii(s):
    return s.isascii()


def enc_header_text(s, rng, raw_ok=True):
    """Unstructured header text: ASCII as is, else RFC 2047 (sometimes raw UTF-8)."""
    if is_ascii(s):
        return s
    if raw_ok and rng.random() < 0.05:
        return s  # raw 8-bit UTF-8 header, as some real mailers send
    charset = "utf-8"
    if rng.random() < 0.3:
        try:
            s.encode("iso-8859-1")
            charset = "iso-8859-1"
        except UnicodeEncodeError:
            pass
    return Header(s, charset).encode(maxlinelen=76)


def fold(name, items, sep=", "):
    """Fold a header made of `items` at ~76 columns."""
    line = name + ": "
    lines = []
    for k, it in enumerate(items):
        piece = it + (sep.rstrip() if k < len(items) - 1 else "")
        if len(line) + len(piece) + 1 > 76 and line.strip() != name + ":":
            lines.append(line.rstrip())
            line = " "
        line += piece + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


class Person:
    def __init__(self, rng, idx=None):
        r = rng.random()
        if r < 0.22:
            self.name = rng.choice(INTL)
            local = "user%d" % rng.randrange(1000)
        elif r < 0.3:
            self.name = None
            local = rng.choice(FIRST).lower() + str(rng.randrange(100))
        else:
            f, l = rng.choice(FIRST), rng.choice(LAST)
            self.name = "%s %s" % (f, l)
            if rng.random() < 0.1:
                self.name = "%s, %s" % (l, f)  # needs quoting
            elif rng.random() < 0.03:
                self.name = '%s "%s" %s' % (f, f[:2].upper(), l)  # escaped quotes
            local = "%s.%s" % (f.lower(), l.lower())
        self.addr = "%s@%s" % (local, rng.choice(DOMAINS))

    def fmt(self, rng):
        if self.name is None:
            return self.addr if rng.random() < 0.7 else "<%s>" % self.addr
        if is_ascii(self.name):
            if any(c in self.name for c in ',."()<>@;:\\[]'):
                q = self.name.replace("\\", "\\\\").replace('"', '\\"')
                return '"%s" <%s>' % (q, self.addr)
            return "%s <%s>" % (self.name, self.addr)
        return "%s <%s>" % (enc_header_text(self.name, rng), self.addr)


def words(rng, n, lang):
    if lang == "de":
        return " ".join(rng.choices(DE_WORDS + EN_WORDS, k=n))
    if lang == "ja":
        return "".join(rng.choice(JA_SENTENCES) for _ in range(max(1, n // 8)))
    if lang == "emoji":
        return " ".join(rng.choice(EN_WORDS) + (rng.choice(EMOJI) if rng.random() < 0.2
                                                else "") for _ in range(n))
    return " ".join(rng.choices(EN_WORDS, k=n))


def paragraphs(rng, lang, nbytes):
    out, size = [], 0
    while size < nbytes:
        p = words(rng, rng.randint(12, 70), lang)
        p = p[0].upper() + p[1:] + "."
        out.append(p)
        size += len(p.encode()) + 2
    return out


def wrap(text, width=72):
    lines, line = [], ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = (line + " " + w) if line else w
    lines.append(line)
    return "\n".join(lines)


def text_body(rng, lang, nbytes):
    paras = paragraphs(rng, lang, nbytes)
    body = "\n\n".join(wrap(p) if lang != "ja" else p for p in paras)
    if rng.random() < 0.5:
        body = "Hi,\n\n" + body
    if rng.random() < 0.3:
        body += "\n\n> " + wrap(words(rng, 30, "en"), 68).replace("\n", "\n> ")
    body += "\n\n-- \n" + rng.choice(["Regards", "Cheers", "Mit freundlichen Grüßen",
                                        "よろしくお願いします", "Sent from my phone"]) + "\n"
    return body


def html_of(text):
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paras = "".join("<p>%s</p>\n" % p.replace("\n", "<br>\n") for p in esc.split("\n\n"))
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            '<style>body{font-family:sans-serif}</style></head>\n<body>\n%s</body></html>\n'
            % paras)


def encode_text_part(rng, text, subtype="plain", lang="en", extra_params=""):
    """Returns (headers, body) of a text part with a fitting charset/encoding."""
    if is_ascii(text):
        if rng.random() < 0.2 and subtype == "plain":
            return ("Content-Type: text/plain; charset=us-ascii; format=flowed\n"
                    "Content-Transfer-Encoding: 7bit", text)
        cte = "7bit" if rng.random() < 0.8 else "quoted-printable"
        body = text if cte == "7bit" else qp(text.encode())
        return ("Content-Type: text/%s; charset=\"us-ascii\"%s\nContent-Transfer-Encoding: %s"
                % (subtype, extra_params, cte), body)
    if lang == "ja" and subtype == "plain" and rng.random() < 0.3:
        try:
            raw = text.encode("iso2022_jp")
            return ("Content-Type: text/plain; charset=ISO-2022-JP\n"
                    "Content-Transfer-Encoding: 7bit", raw.decode("ascii"))
        except UnicodeEncodeError:
            pass
    if lang == "de" and rng.random() < 0.3:
        try:
            raw = text.encode("iso-8859-1")
            return ("Content-Type: text/%s; charset=ISO-8859-1\n"
                    "Content-Transfer-Encoding: quoted-printable" % subtype, qp(raw))
        except UnicodeEncodeError:
            pass
    r = rng.random()
    if r < 0.55:
        cte, body = "quoted-printable", qp(text.encode())
    elif r < 0.8:
        cte, body = "base64", b64(text.encode())
    else:
        cte, body = "8bit", text
    return ("Content-Type: text/%s; charset=UTF-8%s\nContent-Transfer-Encoding: %s"
            % (subtype, extra_params, cte), body)


def qp(raw):
    return quopri.encodestring(raw).decode("ascii")


def b64(raw):
    return base64.encodebytes(raw).decode("ascii")


def fake_file(rng, ctype, size):
    """Random bytes with a plausible magic number."""
    magic = {"application/pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "image/png":
             b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
             "application/zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00"}.get(ctype, b"")
    if ctype.startswith("text/"):
        size = min(size, 30000)
        rows = ["id,name,amount,date"]
        n = 0
        while n < size:
            row = "%d,%s,%d.%02d,2023-%02d-%02d" % (len(rows), rng.choice(FIRST),
                                                  rng.randrange(10000), rng.randrange(100),
                                                  rng.randint(1, 12), rng.randint(1, 28))
            rows.append(row)
            n += len(row) + 1
        return ("\n".join(rows) + "\n").encode()
    return magic + rng.randbytes(max(0, size - len(magic)))


def attachment_size(rng):
    r = rng.random()
    if r < 0.004:
        return rng.randint(1_000_000, 2_000_000)
    # 2 KB .. 200 KB, skewed towards small files (median ~12 KB)
    return int(2000 * (100 ** (rng.random() ** 1.6)))


def filename_params(rng, fname):
    if is_ascii(fname):
        if " " in fname or rng.random() < 0.5:
            return 'filename="%s"' % fname, 'name="%s"' % fname
        return "filename=%s" % fname, "name=%s" % fname
    if rng.random() < 0.6:  # RFC 2231
        from urllib.parse import quote
        v = "utf-8''" + quote(fname, safe="")
        return "filename*=%s" % v, "name*=%s" % v
    enc = Header(fname, "utf-8").encode(maxlinelen=998)  # what many mailers do
    return 'filename="%s"' % enc, 'name="%s"' % enc


def attachment_part(rng, n, size=None):
    fname, ctype = rng.choice(ATTACH)
    fname = fname.format(n=n)
    size = attachment_size(rng) if size is None else size
    data = fake_file(rng, ctype, size)
    fparam, nparam = filename_params(rng, fname)
    disp = "attachment" if rng.random() < 0.9 else "inline"
    hdr = "Content-Type: %s; %s\nContent-Disposition: %s; %s" % (ctype, nparam, disp, fparam)
    if rng.random() < 0.3:
        hdr += "; size=%d" % len(data)
    if rng.random() < 0.1:
        hdr += "\nContent-Description: %s" % enc_header_text(rng.choice(SUBJECTS_INTL)
                                                              .format(e="📎"), rng, False)
    if ctype.startswith("text/") and rng.random() < 0.5:
        return hdr.replace(ctype, ctype + "; charset=us-ascii", 1) + \
            "\nContent-Transfer-Encoding: 7bit", data.decode()
    return hdr + "\nContent-Transfer-Encoding: base64", b64(data)


def boundary(rng):
    return "----=_Part_%d_%d.%d" % (rng.randrange(10**6), rng.randrange(10**9),
                                    rng.randrange(10**13))


def multipart(rng, subtype, parts, params=""):
    b = boundary(rng)
    out = ["This is a multi-part message in MIME format.\n"] if rng.random() < 0.5 else [""]
    for hdr, body in parts:
        out.append("--%s\n%s\n\n%s" % (b, hdr, body.rstrip("\n")))
    out.append("--%s--\n" % b)
    return ('Content-Type: multipart/%s; boundary="%s"%s' % (subtype, b, params),
            "\n".join(out))


# --- the message ------------------------------------------------------------------------
def msgid(seed, i):
    return "<%s.%d.%s@%s>" % (seed, i, "%08x" % (hash_u32(seed, i)), DOMAINS[i % len(DOMAINS)])


def hash_u32(seed, i):
    h = 2166136261
    for b in ("%s/%d" % (seed, i)).encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def subject_for(rng, i, lang):
    r = rng.random()
    if r < 0.03:
        s = rng.choice(ODD_SUBJECTS)
        return s, s is not None and s.startswith("=?")
    if lang != "en" or r < 0.25:
        s = rng.choice(SUBJECTS_INTL)
    else:
        s = rng.choice(SUBJECTS)
    return s.format(n=rng.randrange(1000, 99999), d="2023-%02d-%02d" % (
        rng.randint(1, 12), rng.randint(1, 28)), e=rng.choice(EMOJI)), False


def message(i, seed="imap4", light=False):
    """Message number i of stream `seed`: returns (bytes, flags list, internaldate str)."""
    rng = random.Random("%s:%d" % (seed, i))
    lang = rng.choices(["en", "de", "ja", "emoji"], [0.62, 0.18, 0.12, 0.08])[0]
    dt = START + datetime.timedelta(seconds=i * GAP_SECONDS + rng.randint(-3 * 3600, 3600))
    if rng.random() < 0.02:  # an old message filed late
        dt -= datetime.timedelta(days=rng.randint(30, 900))
    tz = rng.choice(TZS)
    sender = Person(rng)
    hdrs = []
    # Received lines (server-added) on most messages
    for k in range(rng.choice([0, 1, 2, 2, 3])):
        hdrs.append("Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\n\tby mail.example.com "
                    "(Postfix) with ESMTPS id %X\n\tfor <alice@example.com>; %s"
                    % (k, rng.choice(DOMAINS), k, rng.choice(DOMAINS), rng.randrange(1, 255),
                       rng.getrandbits(40), rfc2822_date(dt, 0)))
    hdrs.append("Date: %s" % rfc2822_date(dt, tz) +
                (" (%s)" % rng.choice(["CET", "PST", "JST", "UTC"]) if rng.random() < 0.1
                 else ""))
    hdrs.append("From: %s" % sender.fmt(rng))
    # recipients
    r = rng.random()
    if r < 0.05:
        hdrs.append("To: undisclosed-recipients:;")
    elif r < 0.1:
        members = [Person(rng).fmt(rng) for _ in range(rng.randint(2, 5))]
        hdrs.append(fold("To", ["Team %s: %s;" % (rng.choice(["Rust", "Berlin", "Ops"]),
                                                   ", ".join(members))]))
    else:
        tos = [Person(rng).fmt(rng) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        hdrs.append(fold("To", tos))
    if rng.random() < 0.25:
        n = rng.choice([1, 2, 3, 5, 25, 60]) if rng.random() < 0.85 else rng.randint(80, 150)
        hdrs.append(fold("Cc", [Person(rng).fmt(rng) for _ in range(n)]))
    if rng.random() < 0.08:
        lst = rng.choice(LISTS)
        hdrs.append("Sender: %s-bounces@lists.example.org" % mutf7_encode(lst).replace("&", "_"))
        hdrs.append("List-Id: %s <%s.lists.example.org>" % (
            enc_header_text(lst.title(), rng, False), mutf7_encode(lst).replace("&", "_")))
        hdrs.append("Reply-To: %s" % Person(rng).fmt(rng))
    elif rng.random() < 0.05:
        hdrs.append("Reply-To: %s" % Person(rng).fmt(rng))
    # subject / threading
    subj, raw_subject = subject_for(rng, i, lang)
    parent = None
    if i > 0 and rng.random() < 0.3:
        parent = max(0, i - rng.choice([1, 1, 2, 3, 5, 8, 20, 50, 200]))
        depth = rng.randint(1, 12)
        refs = [msgid(seed, max(0, parent - 3 * k)) for k in range(depth)][::-1]
        refs = list(dict.fromkeys(refs))
        hdrs.append("In-Reply-To: %s" % msgid(seed, parent))
        hdrs.append(fold("References", refs, sep=" "))
        if subj is not None:
            subj = rng.choice(["Re: ", "RE: ", "AW: ", "Re: Re: ", "Re[2]: "]) + subj
    forward = (not light) and i > 0 and rng.random() < 0.05
    if forward and subj is not None:
        subj = rng.choice(["Fwd: ", "Fw: ", "WG: "]) + subj
    if subj is not None:
        hdrs.append("Subject: %s" % (subj if raw_subject else enc_header_text(subj, rng)))
    hdrs.append("Message-ID: %s" % msgid(seed, i))
    if rng.random() < 0.15:
        hdrs.append("X-Mailer: %s" % rng.choice(["Thunderbird 115.3", "Apple Mail (2.3731)",
                                                "Microsoft Outlook 16.0", "Roundcube 1.6",
                                                "mutt 2.2.9", "imap4 seed"]))
    if rng.random() < 0.05:
        hdrs.append("X-Priority: 1 (Highest)")
    if rng.random() < 0.1:
        hdrs.append("Content-Language: %s" % {"en": "en-US", "de": "de-DE", "ja": "ja-JP",
                                              "emoji": "en"}[lang])
    hdrs.append("MIME-Version: 1.0")

    # body
    size = int(300 * (40 ** rng.random()))  # 300 B .. 12 KB of text
    if light:
        size = min(size, 2000)
    text = text_body(rng, lang, size)
    kind = rng.choices(["plain", "alt", "mixed", "related", "calendar", "big"],
                       [0.52, 0.25, 0.16, 0.04, 0.02, 0.01])[0]
    if light and kind in ("mixed", "related", "big"):
        kind = "plain"
    if forward:
        inner, _, _ = message(max(0, i - rng.randint(1, 30)), seed, light=True)
        inner = inner.decode("utf-8", "surrogateescape").replace("\r\n", "\n")
        fwd_text = "Forwarding this.\n\n" + text[:400] + "\n"
        ctype, body = multipart(rng, "mixed", [
            encode_text_part(rng, fwd_text, "plain", lang),
            ("Content-Type: message/rfc822" +
             ("; name=\"forwarded.eml\"\nContent-Disposition: attachment; "
              "filename=\"forwarded.eml\"" if rng.random() < 0.5 else "") +
             ("\nContent-Transfer-Encoding: 8bit" if not is_ascii(inner) else ""), inner)])
    elif kind == "plain":
        ctype, body = encode_text_part(rng, text, "plain", lang)
    elif kind == "alt":
        ctype, body = multipart(rng, "alternative", [
            encode_text_part(rng, text, "plain", lang),
            encode_text_part(rng, html_of(text), "html", lang)])
    elif kind in ("mixed", "big"):
        first = encode_text_part(rng, text, "plain", lang)
        if rng.random() < 0.4:
            first = multipart(rng, "alternative", [first, encode_text_part(
                rng, html_of(text), "html", lang)])
        n_att = rng.choice([1, 1, 1, 2, 2, 3]) if kind == "mixed" else 1
        atts = [attachment_part(rng, i * 10 + k,
                                rng.randint(250_000, 700_000) if kind == "big" else None)
                for k in range(n_att)]
        ctype, body = multipart(rng, "mixed", [first] + atts)
    elif kind == "related":
        cid = "img%d.%x@example.com" % (i, rng.getrandbits(32))
        html = html_of(text).replace("</body>", '<img src="cid:%s" alt="logo"></body>' % cid)
        img = fake_file(rng, "image/png", rng.randint(1500, 30000))
        rel = multipart(rng, "related", [
            encode_text_part(rng, html, "html", lang),
            ("Content-Type: image/png; name=\"logo.png\"\nContent-ID: <%s>\n"
             "Content-Disposition: inline; filename=\"logo.png\"\n"
             "Content-Transfer-Encoding: base64" % cid, b64(img))],
            params='; type="text/html"')
        ctype, body = multipart(rng, "alternative", [
            encode_text_part(rng, text, "plain", lang), rel])
    else:  # calendar
        start = dt + datetime.timedelta(days=rng.randint(1, 14))
        ics = ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//imap4//seed//EN\nMETHOD:REQUEST\n"
               "BEGIN:VEVENT\nUID:%d@example.com\nDTSTART:%s\nDURATION:PT1H\n"
               "SUMMARY:%s\nORGANIZER:mailto:%s\nEND:VEVENT\nEND:VCALENDAR\n"
               % (i, start.strftime("%Y%m%dT%H%M%SZ"), subj or "Meeting", sender.addr))
        ctype, body = multipart(rng, "alternative", [
            encode_text_part(rng, text, "plain", lang),
            ("Content-Type: text/calendar; charset=UTF-8; method=REQUEST\n"
             "Content-Transfer-Encoding: 8bit", ics)])
    hdrs.append(ctype)
    raw = "\n".join(hdrs) + "\n\n" + body
    if not raw.endswith("\n"):
        raw += "\n"
    data = raw.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "surrogateescape")

    flags = []
    if rng.random() < 0.7 or dt < START + datetime.timedelta(days=365):
        flags.append("\\Seen")
    if rng.random() < 0.08:
        flags.append("\\Flagged")
    if parent is not None and rng.random() < 0.3:
        flags.append("\\Answered")
    if rng.random() < 0.04:
        flags.append("$Forwarded")
    if rng.random() < 0.01:
        flags.append("\\Draft")
    if rng.random() < 0.05:
        flags.append(rng.choice(["$Label1", "$Label3", "Work", "Important", "$MDNSent",
                                 "$Junk", "$NotJunk", "todo"]))
    delay = rng.randint(1, 300)
    if rng.random() < 0.03:
        delay = rng.randint(86400, 86400 * 400)  # migrated mail: INTERNALDATE much later
    idate = imap_date(dt + datetime.timedelta(seconds=delay), rng.choice(TZS))
    return data, flags, idate
