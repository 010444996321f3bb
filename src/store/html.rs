//! The visible text of an HTML page: tags dropped, `script`, `style`,
//! `head` (except its `title`) and comments skipped, block elements and
//! `<br>` turned into line breaks, character references decoded.
//!
//! The offsets of annotations refer to this extracted text, which is stable
//! for a given file.

/// Extracts the visible text.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    let mut in_head = false;
    let mut in_title = false;
    while !rest.is_empty() {
        if let Some(end_tag) = skip_until {
            match find_ci(rest, end_tag) {
                Some(i) => {
                    rest = &rest[i..];
                    skip_until = None;
                }
                None => break,
            }
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            let Some(close) = rest.find('>') else {
                push_text(&mut out, rest, in_head && !in_title);
                break;
            };
            let tag = &rest[1..close];
            rest = &rest[close + 1..];
            let closing = tag.starts_with('/');
            let name: String =
                tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
            match (name.as_str(), closing) {
                ("script", false) => skip_until = Some("</script"),
                ("style", false) => skip_until = Some("</style"),
                ("head", false) => in_head = true,
                ("head", true) => in_head = false,
                ("title", false) => in_title = true,
                ("title", true) => {
                    in_title = false;
                    break_line(&mut out, 2);
                }
                ("br", _) => out.push('\n'),
                (
                    "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "tr" | "blockquote" | "section" | "article" | "header"
                    | "footer" | "figcaption" | "ul" | "ol" | "table",
                    _,
                ) => break_line(&mut out, if name == "li" || name == "tr" { 1 } else { 2 }),
                _ => {}
            }
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        push_text(&mut out, &rest[..next], in_head && !in_title);
        rest = &rest[next..];
    }
    out.trim().to_owned()
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (0..h.len().saturating_sub(n.len()) + 1).find(|&i| h.get(i..i + n.len()).is_some_and(|w| w.eq_ignore_ascii_case(n)))
}

/// Ends the current line, leaving at most `n` line breaks in a row.
fn break_line(out: &mut String, n: usize) {
    while out.ends_with(' ') {
        out.pop();
    }
    let have = out.chars().rev().take_while(|&c| c == '\n').count();
    if out.is_empty() {
        return;
    }
    for _ in have..n {
        out.push('\n');
    }
}

/// Appends text with HTML white space collapsed and references decoded.
fn push_text(out: &mut String, raw: &str, hidden: bool) {
    if hidden {
        return;
    }
    let decoded = decode_references(raw);
    for c in decoded.chars() {
        if c.is_ascii_whitespace() {
            if !(out.is_empty() || out.ends_with(' ') || out.ends_with('\n')) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// Decodes `&name;`, `&#123;` and `&#x1F600;`; unknown references stay as
/// written. A numeric reference to NUL (`&#0;`) or to a number that is no
/// character (a surrogate, past U+10FFFF) is U+FFFD, as in browsers: a NUL
/// in an article would make it unreadable.
pub fn decode_references(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Only the next 32 bytes can close a reference: searching further
        // would make a text full of `&` quadratic.
        let end = rest.bytes().take(33).position(|b| b == b';');
        let decoded = end.and_then(|e| {
            let body = &rest[1..e];
            let number = |n: Option<u32>| n.map(|n| char::from_u32(n).filter(|&c| c != '\0').unwrap_or('\u{FFFD}'));
            let c = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                number(u32::from_str_radix(hex, 16).ok())
            } else if let Some(dec) = body.strip_prefix('#') {
                number(dec.parse().ok())
            } else {
                named(body)
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
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

/// HTML 4's Latin-1 entities, in the order of their code points, U+00A0 to
/// U+00FF.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
    "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34",
    "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave",
    "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute",
    "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave",
    "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
    "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "euro" => '€',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "middot" => '·',
        "eacute" => 'é',
        "Eacute" => 'É',
        "egrave" => 'è',
        "Egrave" => 'È',
        "ecirc" => 'ê',
        "Ecirc" => 'Ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "Agrave" => 'À',
        "acirc" => 'â',
        "Acirc" => 'Â',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "icirc" => 'î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "Ocirc" => 'Ô',
        "ouml" => 'ö',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "ntilde" => 'ñ',
        "aacute" => 'á',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "szlig" => 'ß',
        "thinsp" => '\u{2009}',
        "shy" => '\u{ad}',
        _ => return LATIN1.iter().position(|&n| n == name).and_then(|i| char::from_u32(0xA0 + i as u32)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample corpus's Arctic article showed `&Aring;`, `&oslash;` and
    /// `&eth;` as written: every Latin-1 entity of HTML 4 is a letter.
    #[test]
    fn every_latin1_named_reference_is_decoded() {
        assert_eq!(decode_references("&Aring;lesund, Troms&oslash;, Rey&eth;arfj&ouml;r&eth;ur"), "Ålesund, Tromsø, Reyðarfjörður");
        assert_eq!(
            decode_references("&THORN;&thorn; &AElig;&aelig; &yuml;&Yacute; &times;&divide; &sect;&para; &iquest;&iexcl;"),
            "Þþ Ææ ÿÝ ×÷ §¶ ¿¡"
        );
        assert_eq!(decode_references("&Oslash;resund &Otilde;&otilde; &Atilde;"), "Øresund Õõ Ã");
    }

    #[test]
    fn keeps_visible_text_only() {
        let html = "<html><head><title>Sommet &amp; suite</title><style>p{}</style></head>\
            <body><script>var x = '<p>';</script><p>Le pr&eacute;sident\n  a parl&#233;.</p>\
            <!-- hidden --><p>&laquo;&nbsp;Oui&nbsp;&raquo;<br>fin &#x1F600; &bogus;</p></body></html>";
        assert_eq!(visible_text(html), "Sommet & suite\n\nLe président a parlé.\n\n«\u{a0}Oui\u{a0}»\nfin 😀 &bogus;");
    }

    #[test]
    fn a_reference_to_nul_or_no_character_is_a_replacement_character() {
        assert_eq!(visible_text("<p>a&#0;b&#x0;c&#xD800;d&#1114112;e</p>"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e");
        assert_eq!(decode_references("&#99999999999;"), "&#99999999999;", "not a number that fits: left as written");
    }

    #[test]
    fn unterminated_markup_does_not_loop() {
        assert_eq!(visible_text("texte <b"), "texte <b");
        assert_eq!(visible_text("<script>never closed"), "");
    }
}
