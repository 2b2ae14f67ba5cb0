//! # imap4-proto
//!
//! The sans-IO core of [imap4](https://docs.rs/imap4): IMAP4rev1 (RFC 3501) and IMAP4rev2
//! (RFC 9051) types, a streaming response [`Decoder`], a command encoder, and the connection
//! state machine. Nothing here touches a socket: bytes go in, typed values come out.
//!
//! ```
//! use imap4_proto::{Decoder, Event, Response, Data};
//!
//! let mut dec = Decoder::new();
//! dec.feed(b"* 3 EXISTS\r\n* 1 FETCH (UID 7 FLAGS (\\Seen))\r\na1 OK done\r\n");
//! let mut n = 0;
//! while let Some(ev) = dec.next_event().unwrap() {
//!     if let Event::Response(Response::Data(Data::Fetch(f))) = ev {
//!         assert_eq!(f.uid(), Some(7));
//!     }
//!     n += 1;
//! }
//! assert_eq!(n, 3);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod connection;
pub mod date;
pub mod decode;
pub mod encode;
pub mod sasl;
pub mod seq;
pub mod tag;
pub mod types;
pub mod utf7;

pub use bytes::Bytes;
pub use connection::{ConnEvent, ConnState, Connection, MailboxState, ProtocolError, SendError};
pub use date::InternalDate;
pub use date::{internaldate_to_tuple, time_to_internaldate};
pub use decode::{parse_flags, DecodeError, Decoder, Event, Limits, ParseError};
pub use seq::SequenceSet;
pub use tag::{int2ap, TagGenerator};
pub use types::*;
