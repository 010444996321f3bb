//! A one-line markup for spans, used by tests:
//! `"[Sergueï Lavrov]{PER} a rencontré [Wang Yi]{PER}"`.
//!
//! Owns: parsing that markup into a text and `(start, end, label)` triples in
//! code points. Brackets that are not followed by `{LABEL}` stay text.
//! Must not touch: documents, the schema (labels are taken as written).

use super::text::CharIdx;

/// Parses markup into the plain text and its spans, in order.
///
/// `"a [b]{X} c"` gives `("a b c", [(2, 3, "X")])`.
pub fn parse_markup(markup: &str) -> (String, Vec<(CharIdx, CharIdx, String)>) {
    let chars: Vec<char> = markup.chars().collect();
    let mut text = String::new();
    let mut len = 0usize;
    let mut spans = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '[' {
            open.push(len);
            i += 1;
            continue;
        }
        if c == ']'
            && chars.get(i + 1) == Some(&'{')
            && let Some(after) = chars.get(i + 2..)
            && let Some(close) = after.iter().position(|&c| c == '}')
            && let Some(start) = open.pop()
        {
            let label: String = after.iter().take(close).collect();
            spans.push((CharIdx::new(start), CharIdx::new(len), label));
            i += close + 3;
            continue;
        }
        text.push(c);
        len += 1;
        i += 1;
    }
    spans.sort();
    (text, spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spans_in_code_points() {
        let (t, s) = parse_markup("[Sergueï Lavrov]{PER} a vu 😀 [Wang Yi]{PER}.");
        assert_eq!(t, "Sergueï Lavrov a vu 😀 Wang Yi.");
        assert_eq!(s, vec![(CharIdx::new(0), CharIdx::new(14), "PER".into()), (CharIdx::new(22), CharIdx::new(29), "PER".into())]);
    }
}
