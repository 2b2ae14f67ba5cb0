//! A stand-in for Gmail's IMAP service, for the tests of migrating with labels: Gmail
//! cannot run here, and no real server has its model. It keeps what the tests rely on
//! from Gmail's documented behaviour (developers.google.com/gmail/imap/imap-extensions):
//!
//! - a message exists once and carries labels; every folder is a view: `INBOX` shows the
//!   messages labelled `\Inbox`, a user folder those with its label, `[Gmail]/Sent Mail`
//!   `\Sent`, `[Gmail]/Drafts` `\Draft`, `[Gmail]/Important` `\Important`,
//!   `[Gmail]/Starred` the messages flagged `\Flagged`, `[Gmail]/All Mail` every message
//!   that is not in Spam or Trash; each folder numbers its messages with its own UIDs;
//! - `X-GM-EXT-1`: `X-GM-LABELS`, `X-GM-MSGID` in FETCH, `+/-X-GM-LABELS` in STORE;
//! - special-use attributes in plain LIST (`\All`, `\Sent`, `\Junk`, ...), `NAMESPACE`
//!   `(("" "/"))`, `UIDPLUS` (APPENDUID, COPYUID), no MULTIAPPEND, `LITERAL-`;
//! - APPEND to a folder gives the message that folder's label, COPY to a folder adds it.
//!
//! It counts the bodies it sends per message, so a test can prove that each message was
//! downloaded once.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One message and its labels.
#[derive(Clone, Debug)]
pub struct Msg {
    pub data: Vec<u8>,
    pub flags: BTreeSet<String>,
    pub labels: BTreeSet<String>,
    /// INTERNALDATE as sent (`"05-Dec-2026 10:00:00 +0000"` without the quotes).
    pub date: String,
    /// BODY[] / RFC822 answers sent for it.
    pub downloads: usize,
}

/// What a folder shows.
#[derive(Clone, Debug, PartialEq)]
enum View {
    All,
    Label(String),
    Starred,
}

struct Folder {
    name: String,
    attrs: String,
    view: View,
    uid_validity: u32,
    next_uid: u32,
    /// UID → message index, and back.
    uids: BTreeMap<u32, usize>,
    by_msg: HashMap<usize, u32>,
}

/// The mailbox store shared by every connection.
pub struct Store {
    pub msgs: Vec<Msg>,
    folders: Vec<Folder>,
    pub user: String,
    pub pass: String,
}

const SYSTEM: [(&str, &str, &str); 9] = [
    ("INBOX", "\\HasNoChildren", "\\Inbox"),
    ("[Gmail]", "\\HasChildren \\Noselect", ""),
    ("[Gmail]/All Mail", "\\All \\HasNoChildren", ""),
    ("[Gmail]/Drafts", "\\Drafts \\HasNoChildren", "\\Draft"),
    (
        "[Gmail]/Important",
        "\\HasNoChildren \\Important",
        "\\Important",
    ),
    ("[Gmail]/Sent Mail", "\\HasNoChildren \\Sent", "\\Sent"),
    ("[Gmail]/Spam", "\\HasNoChildren \\Junk", "\\Spam"),
    ("[Gmail]/Starred", "\\Flagged \\HasNoChildren", ""),
    ("[Gmail]/Trash", "\\HasNoChildren \\Trash", "\\Trash"),
];

impl Store {
    fn new(user: &str, pass: &str) -> Store {
        let mut s = Store {
            msgs: Vec::new(),
            folders: Vec::new(),
            user: user.into(),
            pass: pass.into(),
        };
        for (name, attrs, label) in SYSTEM {
            let view = match name {
                "[Gmail]/All Mail" => View::All,
                "[Gmail]/Starred" => View::Starred,
                _ => View::Label(label.to_string()),
            };
            s.add_folder(name, attrs, view);
        }
        s
    }

    fn add_folder(&mut self, name: &str, attrs: &str, view: View) {
        let n = self.folders.len() as u32;
        self.folders.push(Folder {
            name: name.into(),
            attrs: attrs.into(),
            view,
            uid_validity: 600 + n,
            next_uid: 1,
            uids: BTreeMap::new(),
            by_msg: HashMap::new(),
        });
        self.refresh();
    }

    /// A user label with its folder (parents are not made: Gmail shows `a/b` on its own
    /// when `a` has no messages... close enough for these tests).
    pub fn add_label(&mut self, label: &str) {
        if self.folder(label).is_none() {
            self.add_folder(label, "\\HasNoChildren", View::Label(label.into()));
        }
    }

    /// Adds a message with these labels and flags; user labels get their folders.
    pub fn add(&mut self, data: &[u8], labels: &[&str], flags: &[&str], date: &str) -> usize {
        for l in labels {
            if !l.starts_with('\\') {
                self.add_label(l);
            }
        }
        self.msgs.push(Msg {
            data: data.to_vec(),
            flags: flags.iter().map(|f| f.to_string()).collect(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            date: date.into(),
            downloads: 0,
        });
        self.refresh();
        self.msgs.len() - 1
    }

    /// Changes a message's labels or flags (then call nothing: views follow).
    pub fn edit(&mut self, i: usize, f: impl FnOnce(&mut Msg)) {
        f(&mut self.msgs[i]);
        let labels: Vec<String> = self.msgs[i].labels.iter().cloned().collect();
        for l in labels {
            if !l.starts_with('\\') {
                self.add_label(&l);
            }
        }
        self.refresh();
    }

    fn shows(view: &View, m: &Msg) -> bool {
        let hidden = m.labels.contains("\\Trash") || m.labels.contains("\\Spam");
        match view {
            View::All => !hidden,
            View::Starred => !hidden && m.flags.contains("\\Flagged"),
            View::Label(l) if l == "\\Trash" || l == "\\Spam" => m.labels.contains(l),
            View::Label(l) => !hidden && m.labels.contains(l),
        }
    }

    /// Every view gets new UIDs for messages that entered it and loses those that left.
    fn refresh(&mut self) {
        for f in &mut self.folders {
            for (i, m) in self.msgs.iter().enumerate() {
                let shown = Store::shows(&f.view, m);
                match (shown, f.by_msg.get(&i).copied()) {
                    (true, None) => {
                        let u = f.next_uid;
                        f.next_uid += 1;
                        f.uids.insert(u, i);
                        f.by_msg.insert(i, u);
                    }
                    (false, Some(u)) => {
                        f.uids.remove(&u);
                        f.by_msg.remove(&i);
                    }
                    _ => {}
                }
            }
        }
    }

    fn folder(&self, name: &str) -> Option<usize> {
        self.folders.iter().position(|f| {
            f.name == name || (name.eq_ignore_ascii_case("INBOX") && f.name == "INBOX")
        })
    }

    /// The messages a folder shows, by index.
    pub fn shown(&self, name: &str) -> Vec<usize> {
        self.folder(name)
            .map(|f| self.folders[f].uids.values().copied().collect())
            .unwrap_or_default()
    }
}

/// A running fake Gmail on 127.0.0.1.
pub struct FakeGmail {
    pub port: u16,
    pub store: Arc<Mutex<Store>>,
}

impl FakeGmail {
    pub fn start(user: &str, pass: &str) -> FakeGmail {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let store = Arc::new(Mutex::new(Store::new(user, pass)));
        let st = store.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                std::thread::spawn(move || {
                    let _ = serve(conn, &st);
                });
            }
        });
        FakeGmail { port, store }
    }
}

/// A token of a command line.
#[derive(Debug, Clone)]
enum Tok {
    Atom(String),
    Str(Vec<u8>),
    List(Vec<Tok>),
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Atom(a) => a.clone(),
            Tok::Str(s) => String::from_utf8_lossy(s).into_owned(),
            Tok::List(_) => String::new(),
        }
    }
    fn bytes(&self) -> Vec<u8> {
        match self {
            Tok::Atom(a) => a.as_bytes().to_vec(),
            Tok::Str(s) => s.clone(),
            Tok::List(_) => Vec::new(),
        }
    }
    fn list(&self) -> Vec<Tok> {
        match self {
            Tok::List(l) => l.clone(),
            t => vec![t.clone()],
        }
    }
}

/// Reads one command: its lines and literals (a `+` for each synchronizing one).
fn read_command(
    r: &mut BufReader<TcpStream>,
    w: &mut TcpStream,
) -> std::io::Result<Option<Vec<Tok>>> {
    let mut parts: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        // A literal announced at the end of the line?
        let lit = line
            .ends_with(b"}")
            .then(|| line.iter().rposition(|b| *b == b'{'))
            .flatten();
        match lit {
            Some(open) => {
                let spec = String::from_utf8_lossy(&line[open + 1..line.len() - 1]).into_owned();
                let sync = !spec.ends_with('+');
                let n: usize = spec.trim_end_matches('+').parse().unwrap_or(0);
                let head = line[..open].to_vec();
                if sync {
                    w.write_all(b"+ go ahead\r\n")?;
                    w.flush()?;
                }
                let mut data = vec![0; n];
                r.read_exact(&mut data)?;
                parts.push((head, Some(data)));
            }
            None => {
                parts.push((line, None));
                break;
            }
        }
    }
    let mut toks = Vec::new();
    let mut stack: Vec<Vec<Tok>> = Vec::new();
    for (text, lit) in parts {
        tokenize(&text, &mut toks, &mut stack);
        if let Some(l) = lit {
            stack.last_mut().unwrap_or(&mut toks).push(Tok::Str(l));
        }
    }
    Ok(Some(toks))
}

fn tokenize(t: &[u8], out: &mut Vec<Tok>, stack: &mut Vec<Vec<Tok>>) {
    let mut i = 0;
    while i < t.len() {
        match t[i] {
            b' ' => i += 1,
            b'(' => {
                stack.push(Vec::new());
                i += 1;
            }
            b')' => {
                let l = stack.pop().unwrap_or_default();
                stack.last_mut().unwrap_or(&mut *out).push(Tok::List(l));
                i += 1;
            }
            b'"' => {
                let mut s = Vec::new();
                i += 1;
                while i < t.len() && t[i] != b'"' {
                    if t[i] == b'\\' && i + 1 < t.len() {
                        i += 1;
                    }
                    s.push(t[i]);
                    i += 1;
                }
                i += 1;
                stack.last_mut().unwrap_or(&mut *out).push(Tok::Str(s));
            }
            _ => {
                let start = i;
                let mut depth = 0;
                while i < t.len() {
                    match t[i] {
                        b'[' => depth += 1,
                        b']' => depth -= 1,
                        b' ' | b'(' | b')' if depth == 0 => break,
                        _ => {}
                    }
                    i += 1;
                }
                let a = String::from_utf8_lossy(&t[start..i]).into_owned();
                stack.last_mut().unwrap_or(&mut *out).push(Tok::Atom(a));
            }
        }
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

const CAPS: &str = "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS \
                    COMPRESS=DEFLATE ENABLE MOVE CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED \
                    LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584";

fn glob(p: &[u8], n: &[u8]) -> bool {
    match (p.first(), n.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], n) || (!n.is_empty() && glob(p, &n[1..])),
        (Some(b'%'), _) => glob(&p[1..], n) || (!n.is_empty() && n[0] != b'/' && glob(p, &n[1..])),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &n[1..]),
        _ => false,
    }
}

/// UIDs (or sequence numbers) of a set in a folder.
fn set(spec: &str, f: &Folder, uid: bool) -> Vec<u32> {
    let all: Vec<u32> = f.uids.keys().copied().collect();
    let max = if uid {
        all.last().copied().unwrap_or(0)
    } else {
        all.len() as u32
    };
    let mut out = BTreeSet::new();
    for part in spec.split(',') {
        let n = |s: &str| {
            if s == "*" {
                max
            } else {
                s.parse().unwrap_or(0)
            }
        };
        let (a, b) = match part.split_once(':') {
            Some((a, b)) => (n(a), n(b)),
            None => (n(part), n(part)),
        };
        let (a, b) = (a.min(b), a.max(b));
        for (seq, u) in all.iter().enumerate() {
            let k = if uid { *u } else { seq as u32 + 1 };
            if k >= a && k <= b {
                out.insert(*u);
            }
        }
    }
    out.into_iter().collect()
}

fn section(m: &Msg, spec: &str) -> Vec<u8> {
    let d = &m.data;
    let end = d
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(d.len(), |p| p + 4);
    let up = spec.to_ascii_uppercase();
    if up.is_empty() {
        d.clone()
    } else if up == "HEADER" {
        d[..end].to_vec()
    } else if up == "TEXT" {
        d[end..].to_vec()
    } else if let Some(names) = up.strip_prefix("HEADER.FIELDS (") {
        let names: Vec<&str> = names.trim_end_matches(')').split(' ').collect();
        let mut out = Vec::new();
        let text = String::from_utf8_lossy(&d[..end]).into_owned();
        let mut keep = false;
        for line in text.split_inclusive("\r\n") {
            if !line.starts_with(' ') && !line.starts_with('\t') {
                let name = line.split(':').next().unwrap_or("").to_ascii_uppercase();
                keep = names.contains(&name.as_str());
            }
            if keep && line != "\r\n" {
                out.extend_from_slice(line.as_bytes());
            }
        }
        out.extend_from_slice(b"\r\n");
        out
    } else {
        Vec::new()
    }
}

fn serve(conn: TcpStream, store: &Mutex<Store>) -> std::io::Result<()> {
    let mut w = conn.try_clone()?;
    let mut r = BufReader::new(conn);
    w.write_all(b"* OK Gimap ready for requests from 127.0.0.1 fake\r\n")?;
    let mut selected: Option<usize> = None;
    let mut read_only = false;
    let mut authed = false;
    while let Some(toks) = read_command(&mut r, &mut w)? {
        let mut it = toks.into_iter();
        let Some(tag) = it.next().map(|t| t.text()) else {
            continue;
        };
        let Some(cmd) = it.next().map(|t| t.text().to_ascii_uppercase()) else {
            w.write_all(format!("{tag} BAD no command\r\n").as_bytes())?;
            continue;
        };
        let args: Vec<Tok> = it.collect();
        let mut out = String::new();
        let mut raw: Vec<u8> = Vec::new();
        let mut st = store.lock().unwrap();
        let (cmd, uid) = if cmd == "UID" {
            (
                args.first()
                    .map(|t| t.text().to_ascii_uppercase())
                    .unwrap_or_default(),
                true,
            )
        } else {
            (cmd, false)
        };
        let args: &[Tok] = if uid { &args[1..] } else { &args };
        let done = match cmd.as_str() {
            "CAPABILITY" => {
                out += &format!("* CAPABILITY {CAPS}\r\n");
                format!("{tag} OK Thats all she wrote!")
            }
            "LOGIN" => {
                if args.len() == 2 && args[0].text() == st.user && args[1].text() == st.pass {
                    authed = true;
                    format!(
                        "{tag} OK [CAPABILITY {CAPS}] {} authenticated (Success)",
                        st.user
                    )
                } else {
                    format!("{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")
                }
            }
            "LOGOUT" => {
                w.write_all(
                    format!("* BYE LOGOUT Requested\r\n{tag} OK 73 good day (Success)\r\n")
                        .as_bytes(),
                )?;
                return Ok(());
            }
            _ if !authed => format!("{tag} BAD not logged in"),
            "NOOP" | "CHECK" | "ENABLE" => format!("{tag} OK Success"),
            "ID" => {
                out += "* ID (\"name\" \"GImap\" \"vendor\" \"Google, Inc.\")\r\n";
                format!("{tag} OK Success")
            }
            "NAMESPACE" => {
                out += "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n";
                format!("{tag} OK Success")
            }
            "LIST" | "LSUB" | "XLIST" => {
                let pat = args.get(1).map(|t| t.bytes()).unwrap_or_default();
                for f in &st.folders {
                    if glob(&pat, f.name.as_bytes()) {
                        out += &format!("* {cmd} ({}) \"/\" {}\r\n", f.attrs, quote(&f.name));
                    }
                }
                format!("{tag} OK Success")
            }
            "CREATE" => {
                let name = args.first().map(|t| t.text()).unwrap_or_default();
                if st.folder(&name).is_some() {
                    format!("{tag} NO [ALREADYEXISTS] Folder name conflicts with existing folder name. (Failure)")
                } else {
                    st.add_label(&name);
                    format!("{tag} OK Success")
                }
            }
            "STATUS" => {
                let name = args.first().map(|t| t.text()).unwrap_or_default();
                match st.folder(&name) {
                    None => format!("{tag} NO [NONEXISTENT] Unknown Mailbox: {name} (Failure)"),
                    Some(i) => {
                        let f = &st.folders[i];
                        let mut items = Vec::new();
                        for a in args.get(1).map(|t| t.list()).unwrap_or_default() {
                            match a.text().to_ascii_uppercase().as_str() {
                                "MESSAGES" => items.push(format!("MESSAGES {}", f.uids.len())),
                                "UIDNEXT" => items.push(format!("UIDNEXT {}", f.next_uid)),
                                "UIDVALIDITY" => {
                                    items.push(format!("UIDVALIDITY {}", f.uid_validity))
                                }
                                "UNSEEN" => items.push("UNSEEN 0".into()),
                                _ => {}
                            }
                        }
                        out += &format!("* STATUS {} ({})\r\n", quote(&f.name), items.join(" "));
                        format!("{tag} OK Success")
                    }
                }
            }
            "SELECT" | "EXAMINE" => {
                let name = args.first().map(|t| t.text()).unwrap_or_default();
                match st.folder(&name) {
                    None => {
                        selected = None;
                        format!("{tag} NO [NONEXISTENT] Unknown Mailbox: {name} (Failure)")
                    }
                    Some(i) => {
                        selected = Some(i);
                        read_only = cmd == "EXAMINE";
                        let f = &st.folders[i];
                        out += "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $Forwarded $Junk $NotJunk $Phishing)\r\n";
                        out += "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $Forwarded $Junk $NotJunk $Phishing \\*)] Flags permitted.\r\n";
                        out += &format!("* OK [UIDVALIDITY {}] UIDs valid.\r\n", f.uid_validity);
                        out += &format!("* {} EXISTS\r\n* 0 RECENT\r\n", f.uids.len());
                        out += &format!("* OK [UIDNEXT {}] Predicted next UID.\r\n", f.next_uid);
                        let mode = if read_only { "READ-ONLY" } else { "READ-WRITE" };
                        format!("{tag} OK [{mode}] {name} selected. (Success)")
                    }
                }
            }
            "UNSELECT" | "CLOSE" => {
                selected = None;
                format!("{tag} OK Returned to authenticated state. (Success)")
            }
            "APPEND" => {
                let name = args.first().map(|t| t.text()).unwrap_or_default();
                let mut flags = BTreeSet::new();
                let mut date = "05-Dec-2026 10:00:00 +0000".to_string();
                let mut data = None;
                let last = args.len().saturating_sub(1);
                for (k, a) in args.iter().enumerate().skip(1) {
                    match a {
                        Tok::List(l) => flags = l.iter().map(Tok::text).collect(),
                        Tok::Str(s) if k == last => data = Some(s.clone()),
                        Tok::Str(s) => date = String::from_utf8_lossy(s).into_owned(),
                        Tok::Atom(_) => {}
                    }
                }
                match (st.folder(&name), data) {
                    (None, _) => format!("{tag} NO [TRYCREATE] Folder doesn't exist. (Failure)"),
                    (Some(_), None) => format!("{tag} BAD no message"),
                    (Some(i), Some(data)) => {
                        let view = st.folders[i].view.clone();
                        let mut labels = BTreeSet::new();
                        if let View::Label(l) = &view {
                            labels.insert(l.clone());
                        }
                        if view == View::Starred {
                            flags.insert("\\Flagged".into());
                        }
                        st.msgs.push(Msg {
                            data,
                            flags,
                            labels,
                            date,
                            downloads: 0,
                        });
                        st.refresh();
                        let f = &st.folders[i];
                        let u = f.by_msg.get(&(st.msgs.len() - 1)).copied().unwrap_or(0);
                        format!("{tag} OK [APPENDUID {} {u}] (Success)", f.uid_validity)
                    }
                }
            }
            "FETCH" | "STORE" | "COPY" | "MOVE" | "SEARCH" if selected.is_none() => {
                format!("{tag} BAD No folder selected. (Failure)")
            }
            "FETCH" => {
                let f = &st.folders[selected.unwrap()];
                let uids = set(&args[0].text(), f, uid);
                let attrs = args.get(1).map(|t| t.list()).unwrap_or_default();
                let seqs: HashMap<u32, usize> = f
                    .uids
                    .keys()
                    .enumerate()
                    .map(|(s, u)| (*u, s + 1))
                    .collect();
                let pairs: Vec<(u32, usize)> = uids.iter().map(|u| (*u, f.uids[u])).collect();
                for (u, i) in pairs {
                    let seq = seqs[&u];
                    let mut items: Vec<Vec<u8>> = Vec::new();
                    if uid {
                        items.push(format!("UID {u}").into_bytes());
                    }
                    for a in &attrs {
                        let name = a.text();
                        let up = name.to_ascii_uppercase();
                        let m = &st.msgs[i];
                        match up.as_str() {
                            "UID" if !uid => items.push(format!("UID {u}").into_bytes()),
                            "UID" => {}
                            "FLAGS" => items.push(
                                format!(
                                    "FLAGS ({})",
                                    m.flags.iter().cloned().collect::<Vec<_>>().join(" ")
                                )
                                .into_bytes(),
                            ),
                            "RFC822.SIZE" => {
                                items.push(format!("RFC822.SIZE {}", m.data.len()).into_bytes())
                            }
                            "INTERNALDATE" => {
                                items.push(format!("INTERNALDATE \"{}\"", m.date).into_bytes())
                            }
                            "X-GM-MSGID" => {
                                items.push(format!("X-GM-MSGID {}", 1_000_000 + i).into_bytes())
                            }
                            "X-GM-THRID" => {
                                items.push(format!("X-GM-THRID {}", 1_000_000 + i).into_bytes())
                            }
                            "X-GM-LABELS" => {
                                let l: Vec<String> = m.labels.iter().map(|l| quote(l)).collect();
                                items.push(format!("X-GM-LABELS ({})", l.join(" ")).into_bytes());
                            }
                            _ if up.starts_with("BODY") || up == "RFC822" => {
                                let spec = up
                                    .split_once('[')
                                    .map(|(_, s)| s.trim_end_matches(']').to_string())
                                    .unwrap_or_default();
                                let data = section(m, &spec);
                                let shown = if up == "RFC822" {
                                    "RFC822".to_string()
                                } else {
                                    format!(
                                        "BODY[{}]",
                                        &name[name.find('[').unwrap() + 1..name.len() - 1]
                                    )
                                };
                                if spec.is_empty() {
                                    st.msgs[i].downloads += 1;
                                }
                                let mut item =
                                    format!("{shown} {{{}}}\r\n", data.len()).into_bytes();
                                item.extend_from_slice(&data);
                                items.push(item);
                            }
                            _ => {}
                        }
                    }
                    raw.extend_from_slice(format!("* {seq} FETCH (").as_bytes());
                    raw.extend_from_slice(&items.join(&b' '));
                    raw.extend_from_slice(b")\r\n");
                }
                format!("{tag} OK Success")
            }
            "STORE" if read_only => format!("{tag} NO STORE attempt on READ-ONLY folder (Failure)"),
            "STORE" => {
                let i = selected.unwrap();
                let uids = set(&args[0].text(), &st.folders[i], uid);
                let what = args
                    .get(1)
                    .map(|t| t.text().to_ascii_uppercase())
                    .unwrap_or_default();
                let vals: Vec<String> = args
                    .get(2)
                    .map(|t| t.list())
                    .unwrap_or_default()
                    .iter()
                    .map(Tok::text)
                    .collect();
                let idx: Vec<usize> = uids.iter().map(|u| st.folders[i].uids[u]).collect();
                for m in idx {
                    let msg = &mut st.msgs[m];
                    let target = if what.contains("X-GM-LABELS") {
                        &mut msg.labels
                    } else {
                        &mut msg.flags
                    };
                    if what.starts_with('+') {
                        target.extend(vals.iter().cloned());
                    } else if what.starts_with('-') {
                        for v in &vals {
                            target.remove(v);
                        }
                    } else {
                        *target = vals.iter().cloned().collect();
                    }
                }
                st.refresh();
                format!("{tag} OK Success")
            }
            "COPY" => {
                let i = selected.unwrap();
                let uids = set(&args[0].text(), &st.folders[i], uid);
                let name = args.get(1).map(|t| t.text()).unwrap_or_default();
                match st.folder(&name) {
                    None => format!("{tag} NO [TRYCREATE] Unknown folder (Failure)"),
                    Some(d) => {
                        let idx: Vec<usize> = uids.iter().map(|u| st.folders[i].uids[u]).collect();
                        let view = st.folders[d].view.clone();
                        for m in &idx {
                            match &view {
                                View::Label(l) => {
                                    st.msgs[*m].labels.insert(l.clone());
                                }
                                View::Starred => {
                                    st.msgs[*m].flags.insert("\\Flagged".into());
                                }
                                View::All => {}
                            }
                        }
                        st.refresh();
                        let f = &st.folders[d];
                        let to: Vec<String> = idx
                            .iter()
                            .map(|m| f.by_msg.get(m).copied().unwrap_or(0).to_string())
                            .collect();
                        let from: Vec<String> = uids.iter().map(u32::to_string).collect();
                        format!(
                            "{tag} OK [COPYUID {} {} {}] (Success)",
                            f.uid_validity,
                            from.join(","),
                            to.join(",")
                        )
                    }
                }
            }
            "SEARCH" => {
                let f = &st.folders[selected.unwrap()];
                let all: Vec<String> = f
                    .uids
                    .keys()
                    .enumerate()
                    .map(|(s, u)| {
                        if uid {
                            u.to_string()
                        } else {
                            (s + 1).to_string()
                        }
                    })
                    .collect();
                out += &format!("* SEARCH {}\r\n", all.join(" "));
                format!("{tag} OK SEARCH completed (Success)")
            }
            _ => format!("{tag} BAD Unknown command {cmd}"),
        };
        drop(st);
        w.write_all(out.as_bytes())?;
        w.write_all(&raw)?;
        w.write_all(done.as_bytes())?;
        w.write_all(b"\r\n")?;
        w.flush()?;
    }
    Ok(())
}
