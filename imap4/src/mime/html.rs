//! HTML mail as readable text.

/// Turns an HTML mail body into readable plain text.
///
/// Drops `<head>`, `<script>`, `<style>` and comments; paragraphs, line breaks, list
/// items (as `- ` bullets), table rows, headings and quotes become line breaks; a link
/// keeps its target (`text <https://...>`) when the text does not already show it;
/// images show their `alt` text; entities are decoded; whitespace is collapsed except in
/// `<pre>`; never more than one blank line in a row. Linear in the input, and any input
/// (broken HTML included) gives some text.
///
/// ```
/// use imap4::mime::html_to_text;
///
/// let html = "<html><head><style>p{}</style></head><body><p>Hello&nbsp;<b>Bob</b>,</p>\
///             <ul><li>one</li><li>two</li></ul><a href=\"https://x.example/\">the site</a></body></html>";
/// assert_eq!(html_to_text(html), "Hello Bob,\n\n- one\n- two\n\nthe site <https://x.example/>");
/// ```
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut pre = 0u32;
    let mut skip: Option<String> = None;
    let mut link: Option<(String, usize)> = None;
    let mut pending_space = false;
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<' {
            // A comment, a declaration, or a tag.
            if html[i..].starts_with("<!--") {
                i = html[i + 4..].find("-->").map_or(b.len(), |p| i + 4 + p + 3);
                continue;
            }
            let Some(end) = html[i..].find('>').map(|p| i + p) else {
                text(&mut out, &html[i..], pre > 0, &mut pending_space);
                break;
            };
            let tag = &html[i + 1..end];
            i = end + 1;
            let closing = tag.starts_with('/');
            let tag_body = tag.trim_start_matches('/');
            let name: String = tag_body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(s) = &skip {
                if closing && &name == s {
                    skip = None;
                }
                continue;
            }
            match name.as_str() {
                "head" | "script" | "style" | "title" | "template"
                    if !closing && !tag.ends_with('/') =>
                {
                    skip = Some(name);
                }
                "br" => newline(&mut out, 1, &mut pending_space),
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "table" | "ul"
                | "ol" | "dl" | "hr" => newline(&mut out, 2, &mut pending_space),
                "pre" => {
                    newline(&mut out, 2, &mut pending_space);
                    if closing {
                        pre = pre.saturating_sub(1);
                    } else {
                        pre += 1;
                    }
                }
                "div" | "tr" | "section" | "article" | "header" | "footer" | "dt" | "dd"
                | "center" | "address" | "form" | "nav" => newline(&mut out, 1, &mut pending_space),
                "li" if !closing => {
                    newline(&mut out, 1, &mut pending_space);
                    out.push_str("- ");
                }
                "td" | "th" if !closing => pending_space = true,
                "img" => {
                    if let Some(alt) = attr(tag_body, "alt").filter(|a| !a.trim().is_empty()) {
                        text(
                            &mut out,
                            &format!("[{}]", alt.trim()),
                            false,
                            &mut pending_space,
                        );
                    }
                }
                "a" if !closing => {
                    link = attr(tag_body, "href").map(|h| (h, out.len()));
                }
                "a" => {
                    if let Some((href, start)) = link.take() {
                        let shown = out.get(start..).unwrap_or("").trim().to_string();
                        let bare = href.strip_prefix("mailto:").unwrap_or(&href);
                        if !href.is_empty()
                            && !href.starts_with('#')
                            && !href.starts_with("javascript:")
                            && !shown.contains(bare)
                        {
                            if shown.is_empty() {
                                out.push_str(bare);
                            } else {
                                out.push_str(&format!(" <{bare}>"));
                            }
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        let next = html[i..].find('<').map_or(b.len(), |p| i + p);
        if skip.is_none() {
            text(&mut out, &html[i..next], pre > 0, &mut pending_space);
        }
        i = next;
    }
    finish(&out)
}

/// Appends text, decoding entities and collapsing whitespace outside `<pre>`.
fn text(out: &mut String, s: &str, pre: bool, pending_space: &mut bool) {
    let decoded = decode_entities(s);
    if pre {
        out.push_str(&decoded);
        return;
    }
    for c in decoded.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            *pending_space = true;
        } else {
            if *pending_space && !out.is_empty() && !out.ends_with('\n') && !out.ends_with(' ') {
                out.push(' ');
            }
            *pending_space = false;
            out.push(if c == '\u{a0}' { ' ' } else { c });
        }
    }
}

fn newline(out: &mut String, n: usize, pending_space: &mut bool) {
    *pending_space = false;
    while out.ends_with(' ') {
        out.pop();
    }
    let have = out.len() - out.trim_end_matches('\n').len();
    for _ in have..n {
        out.push('\n');
    }
}

fn finish(out: &str) -> String {
    let mut r = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        r.push_str(line);
        r.push('\n');
    }
    r.trim().to_string()
}

/// The value of attribute `name` in a tag's text (`a href="x"`).
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find(name).map(|p| from + p) {
        from = p + name.len();
        let before_ok = p == 0 || lower.as_bytes()[p - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let vstart = tag.len() - tag[from..].trim_start().len() + 1;
        let v = tag[vstart..].trim_start();
        let value = match v.chars().next() {
            Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or(""),
            _ => v
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(decode_entities(value));
    }
    None
}

/// Decodes `&amp;`, `&#233;`, `&#xE9;` and the common named entities; others stay.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..]
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i + 1);
        let decoded = end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(h) => u32::from_str_radix(h, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(n).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "euro" => '€',
        "pound" => '£',
        "bull" => '•',
        "middot" => '·',
        "deg" => '°',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "zwnj" => '\u{200c}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(html_to_text("a<br>b<br/>c"), "a\nb\nc");
        assert_eq!(html_to_text("<p>a</p>\n\n\n<p>b</p>"), "a\n\nb");
        assert_eq!(html_to_text("x <!-- hidden --> y"), "x y");
        assert_eq!(html_to_text("<script>var a = '<p>';</script>ok"), "ok");
        assert_eq!(html_to_text("<pre>  a\n   b</pre>"), "a\n   b");
        assert_eq!(
            html_to_text("<a href='https://x'>https://x</a>"),
            "https://x"
        );
        assert_eq!(html_to_text("<a href=\"mailto:a@x\">a@x</a>"), "a@x");
        assert_eq!(html_to_text("<a href=\"https://x\"></a>"), "https://x");
        assert_eq!(html_to_text("<img src=x alt=\"logo\">hi"), "[logo]hi");
        assert_eq!(
            html_to_text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
            "a b\nc"
        );
        assert_eq!(
            html_to_text("&lt;tag&gt; &amp;amp; &#233;&#xE9; &bogus; & alone"),
            "<tag> &amp; éé &bogus; & alone"
        );
        assert_eq!(html_to_text("unclosed <b"), "unclosed <b");
        assert_eq!(html_to_text("<div>"), "");
    }
}
