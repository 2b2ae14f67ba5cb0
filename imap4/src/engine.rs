//! What both drivers share: routing connection events to the command that waits for them,
//! and turning completions into results. No I/O here.

use std::collections::VecDeque;

use imap4_proto::{ConnEvent, Connection, Status, StatusKind, Tag};

use crate::error::{Abort, Error, Result};

use crate::session::{Step, Unsolicited};
use crate::trace::Tracer;

fn is_alert(s: &Status) -> bool {
    matches!(s.code, Some(imap4_proto::Code::Alert))
}

/// Routes one event while the commands `tags` run (`name` is the first one's name, used
/// in errors and to recognise a SELECT's own status responses). Returns the step and the
/// tag it belongs to, or `None` when the event went to the unsolicited queue (or was
/// bookkeeping only).
pub(crate) fn route(
    ev: ConnEvent,
    tags: &[Tag],
    name: &'static str,
    conn: &Connection,
    unsolicited: &mut VecDeque<Unsolicited>,
    readonly: &mut Option<String>,
    tracer: &mut Tracer,
) -> Result<Option<(Tag, Step)>> {
    let ours = |t: &Tag| tags.contains(t);
    let first = || tags.first().cloned().unwrap_or_else(|| Tag::from("*"));
    Ok(Some(match ev {
        ConnEvent::Data { tag: Some(t), data } if ours(&t) => (t, Step::Data(data)),
        ConnEvent::Data { data, .. } => {
            unsolicited.push_back(Unsolicited::Data(data));
            return Ok(None);
        }
        ConnEvent::Untagged(s) => {
            if is_alert(&s) {
                tracing::warn!(target: "imap4", "server alert: {}", s.text_str());
            }
            // The OKs of a SELECT (UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, ...) are its
            // answer, already in the mailbox state: not news for the caller.
            let selecting = matches!(name, "SELECT" | "EXAMINE");
            if !(selecting && s.kind == StatusKind::Ok && s.code.is_some()) || is_alert(&s) {
                unsolicited.push_back(Unsolicited::Status(s))
            }
            return Ok(None);
        }
        ConnEvent::Done {
            tag: t,
            status,
            name: n,
        } if ours(&t) => {
            tracer.debug_status(n, &status);
            (t, Step::Done(status))
        }
        ConnEvent::Done { .. } | ConnEvent::Greeting(_) => return Ok(None),
        ConnEvent::Bye(s) => {
            unsolicited.push_back(Unsolicited::Status(s.clone()));
            if name != "LOGOUT" {
                return Err(Abort::Bye(s.text_str().into_owned()).into());
            }
            return Ok(None);
        }
        ConnEvent::ReadOnly(s) => {
            *readonly = Some(s.text_str().into_owned());
            unsolicited.push_back(Unsolicited::Status(s));
            return Ok(None);
        }
        ConnEvent::Continue { tag: t, request } if ours(&t) => (t, Step::Continue(request)),
        ConnEvent::Continue { .. } => return Ok(None),
        ConnEvent::Malformed(m) => {
            if let Some(t) = m.tag.as_ref().filter(|t| ours(t)) {
                // The completion itself is unreadable; the command is over (the caller
                // turns this into its result).
                tracer.done(t);
                (t.clone(), Step::Unparsed(m))
            } else if m.tag.is_none()
                && ((m.fetch_seq.is_some() && name.ends_with("FETCH"))
                    || (!name.ends_with("FETCH") && conn.in_flight() > 0))
            {
                (first(), Step::Unparsed(m))
            } else {
                unsolicited.push_back(Unsolicited::Malformed(m));
                return Ok(None);
            }
        }
        ConnEvent::LiteralStart(s) => (first(), Step::LiteralStart(s)),
        ConnEvent::LiteralChunk(b) => (first(), Step::LiteralChunk(b)),
        ConnEvent::LiteralEnd => (first(), Step::LiteralEnd),
    }))
}

/// Turns a completion into `Ok` or the matching error; a `READ-ONLY` change seen while the
/// command ran is reported once it completed.
pub(crate) fn completion(
    name: &'static str,
    status: Status,
    readonly: &mut Option<String>,
) -> Result<Status> {
    match status.kind {
        StatusKind::Ok => {
            if let Some(text) = readonly.take() {
                return Err(Error::ReadOnly(text));
            }
            Ok(status)
        }
        StatusKind::No => Err(Error::No {
            command: name,
            text: status.text_str().into_owned(),
            code: status.code,
        }),
        _ => Err(Error::Bad {
            command: name,
            text: status.text_str().into_owned(),
            code: status.code,
        }),
    }
}
