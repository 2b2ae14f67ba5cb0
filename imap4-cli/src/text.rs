//! Turning envelope fields into text for people: RFC 2047 decoded subjects and names,
//! addresses as `Name <user@host>`.

use imap4::mime::decode_words;
use imap4::proto::{AddressList, Envelope};

/// The decoded subject, or an empty string.
pub fn subject(env: Option<&Envelope>) -> String {
    env.and_then(|e| e.subject())
        .map(decode_words)
        .unwrap_or_default()
}

/// `Name <user@host>`, or `user@host` without a name, for each address (groups flattened).
pub fn addresses(list: AddressList<'_>) -> Vec<String> {
    list.iter()
        .filter(|a| !a.is_group_start() && !a.is_group_end())
        .map(|a| {
            let email = a.email().unwrap_or_default();
            match a.name().map(decode_words).filter(|n| !n.trim().is_empty()) {
                Some(name) if email.is_empty() => name,
                Some(name) => format!("{name} <{email}>"),
                None => email,
            }
        })
        .collect()
}

/// The first address's display name, else its address: what a message list shows.
pub fn short_from(env: Option<&Envelope>) -> String {
    let Some(env) = env else {
        return String::new();
    };
    let from = env.from();
    let Some(a) = from.get(0) else {
        return String::new();
    };
    a.name()
        .map(decode_words)
        .filter(|n| !n.trim().is_empty())
        .or_else(|| a.email())
        .unwrap_or_default()
}

/// The first address of the From field, bare.
pub fn from_email(env: Option<&Envelope>) -> Option<String> {
    env?.from().get(0)?.email()
}
