//! Header decoding on the shapes real mailers send, and properties: no input makes the
//! decoders panic, and dates round-trip.

use imap4::mime::{
    decode_address_list, decode_charset, decode_param, decode_words, html_to_text, parse_date,
    Headers,
};
use proptest::prelude::*;

#[test]
fn encoded_words_from_real_mailers() {
    // ISO-2022-JP (Japanese mailers), B-encoded.
    assert_eq!(
        decode_words(b"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?="),
        "日本語"
    );
    // A UTF-8 character split across two words (Outlook, some Python mailers).
    assert_eq!(
        decode_words(b"=?UTF-8?Q?Gr=C3?= =?UTF-8?Q?=BC=C3=9Fe?="),
        "Grüße"
    );
    assert_eq!(decode_words(b"=?utf-8?B?w6Q=?=\r\n =?UTF-8?B?w7Y=?="), "äö");
    // windows-1251 Q word, then plain text.
    assert_eq!(
        decode_words(b"=?windows-1251?Q?=CF=F0=E8=E2=E5=F2?= world"),
        "Привет world"
    );
    // Different charsets next to each other: each decoded on its own, space dropped.
    assert_eq!(
        decode_words(b"=?iso-8859-1?Q?=E9?= =?koi8-r?B?0A==?="),
        "éп"
    );
    // Malformed words stay as they are.
    assert_eq!(
        decode_words(b"=?utf-8?X?abc?= =?broken"),
        "=?utf-8?X?abc?= =?broken"
    );
    assert_eq!(decode_words(b"=?utf-8?Q?a b?="), "=?utf-8?Q?a b?=");
    // RFC 2231 language in the charset.
    assert_eq!(decode_words(b"=?utf-8*de?Q?=C3=BC?="), "ü");
    // Raw 8-bit header bytes: UTF-8 kept, Latin-1 read as Windows-1252.
    assert_eq!(decode_words("Grüße".as_bytes()), "Grüße");
    assert_eq!(decode_words(b"Gr\xfc\xdfe \x80"), "Grüße €");
    // Shift_JIS and GB18030 labels.
    assert_eq!(decode_words(b"=?shift_jis?B?k/qWe4zq?="), "日本語");
    assert_eq!(decode_charset(b"\xc4\xe3\xba\xc3", "gb2312"), "你好");
    assert_eq!(decode_charset(b"\xff\xfeh\x00i\x00", "utf-16"), "hi");
}

#[test]
fn headers_and_addresses_from_real_mail() {
    let raw = b"Received: from a\r\n\tby b\r\n\
        From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\r\n <juergen@example.de>\r\n\
        To: undisclosed-recipients:;\r\n\
        Cc: \"Doe, Jane\" <jane@example.com>, bob@example.com (Bob B.),\r\n  <carol@example.com>\r\n\
        Subject: Re: =?utf-8?B?8J+TrCBOZXdz?=\r\n\
        Date: Mon, 2 Jan 2006 15:04:05 -0700 (MST)\r\n\r\nbody\r\nX-Not: header\r\n";
    let h = Headers::parse(raw);
    assert_eq!(h.len(), 6);
    assert_eq!(h.decoded("subject").unwrap(), "Re: 📬 News");
    let from = h.addresses("from");
    assert_eq!(from.len(), 1);
    assert_eq!(from[0].name.as_deref(), Some("Jürgen Müller"));
    assert_eq!(from[0].email, "juergen@example.de");
    assert_eq!(from[0].to_string(), "Jürgen Müller <juergen@example.de>");
    assert!(h.addresses("to").is_empty());
    let cc = h.addresses("cc");
    let shown: Vec<String> = cc.iter().map(|a| a.to_string()).collect();
    assert_eq!(
        shown,
        [
            "\"Doe, Jane\" <jane@example.com>",
            "\"Bob B.\" <bob@example.com>",
            "carol@example.com"
        ]
    );
    assert_eq!(h.get("X-Not"), None);
    let d = parse_date(h.get("date").unwrap()).unwrap();
    assert_eq!(d.to_unix(), 1_136_239_445);
    assert_eq!(
        parse_date(b"2 Jan 06 15:04 GMT").unwrap().to_unix(),
        1_136_214_240
    );
}

#[test]
fn attachment_names() {
    let p: Vec<(&[u8], &[u8])> = vec![
        (b"filename*0*", b"ISO-8859-1'de'%FCber"),
        (b"filename*1", b" die "),
        (b"filename*2*", b"Pr%FCfung.pdf"),
    ];
    assert_eq!(decode_param(p, "filename").unwrap(), "über die Prüfung.pdf");
}

#[test]
fn html_mail() {
    let html = "<!DOCTYPE html><html><head><title>t</title><style>.x{color:red}</style>\
        </head><body><div>Hi&nbsp;Heidi,</div><p>Total: <b>&euro;&#160;12,50</b></p>\
        <blockquote>quoted<br>text</blockquote><p><a href=\"https://example.com/pay?x=1&amp;y=2\">Pay now</a></p>\
        <script>alert('x')</script></body></html>";
    assert_eq!(
        html_to_text(html),
        "Hi Heidi,\n\nTotal: € 12,50\n\nquoted\ntext\n\nPay now <https://example.com/pay?x=1&y=2>"
    );
}

proptest! {
    #[test]
    fn decoders_never_panic(b in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode_words(&b);
        let h = Headers::parse(&b);
        for (n, v) in h.iter() {
            let _ = (n.len(), h.decoded(n), decode_address_list(v));
        }
        let _ = decode_address_list(&b);
        let _ = parse_date(&b);
        for cs in ["utf-8", "utf-7", "iso-2022-jp", "shift_jis", "utf-16", "bogus", ""] {
            let _ = decode_charset(&b, cs);
        }
        let p: Vec<(&[u8], &[u8])> = vec![(b"name*0*", &b), (b"name*1", &b), (b"name*", &b)];
        let _ = decode_param(p, "name");
    }

    #[test]
    fn html_never_panics(s in "[<>/a-z&#;=\"' \\n!-]{0,200}") {
        let _ = html_to_text(&s);
    }

    #[test]
    fn structured_soup_never_panics(s in "(=\\?[a-z0-9*-]{0,8}\\?[bqBQ]?\\?[A-Za-z0-9=_+/]{0,12}\\?=|[ ,;:<>()\"@a-z\\\\]){0,30}") {
        let _ = decode_words(s.as_bytes());
        let _ = decode_address_list(s.as_bytes());
    }

    #[test]
    fn dates_round_trip(
        y in 1970u16..2100, mo in 1u8..=12, d in 1u8..=28, h in 0u8..24, mi in 0u8..60,
        s in 0u8..60, off in -720i16..=720, weekday in any::<bool>(),
    ) {
        const M: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let sign = if off < 0 { '-' } else { '+' };
        let text = format!(
            "{}{d} {} {y} {h:02}:{mi:02}:{s:02} {sign}{:02}{:02}",
            if weekday { "Fri, " } else { "" },
            M[mo as usize - 1],
            off.abs() / 60,
            off.abs() % 60,
        );
        let got = parse_date(text.as_bytes()).unwrap();
        prop_assert_eq!(
            (got.year, got.month, got.day, got.hour, got.minute, got.second, got.offset_minutes),
            (y, mo, d, h, mi, s, off)
        );
    }
}
