//! The tokenizer on arbitrary UTF-8: tokens in order, non-empty,
//! non-overlapping and inside the text; byte and code-point offsets that
//! agree; no whitespace inside a token but a number's thousands separator;
//! sentences that cover the tokens. Also the cutting of tokens at entity
//! boundaries that the token-based formats do (`formats::tokens::segment`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanlab::model::{ByteIdx, CharIdx, Text};
use spanlab::store::formats::tokens;
use spanlab::model::tokenize::{Tokenized, TokenKind, is_space, sentences, tokenize};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();
    let toks = tokenize(s);
    let n = s.chars().count();
    let (mut last_char, mut last_byte) = (0, 0);
    let mut in_numbers = 0;
    for (i, t) in toks.iter().enumerate() {
        assert!(t.start < t.end, "token {i} is empty: {t:?}");
        assert!(t.start.get() >= last_char && t.byte_start.get() >= last_byte, "token {i} overlaps or is out of order: {t:?}");
        assert!(t.end.get() <= n && t.byte_end.get() <= s.len(), "token {i} past the end: {t:?}");
        let text = s.get(t.byte_start.get()..t.byte_end.get()).unwrap_or_else(|| panic!("token {i}: bytes not on char boundaries: {t:?}"));
        assert_eq!(text, t.text(s));
        assert_eq!(text.chars().count(), t.len_chars(), "token {i}: bytes and chars disagree: {t:?}");
        // Code points before the token: the gap since the last one is whitespace only.
        let gap = &s[last_byte..t.byte_start.get()];
        assert_eq!(last_char + gap.chars().count(), t.start.get(), "token {i}: start in chars and bytes disagree: {t:?}");
        assert!(gap.chars().all(is_space), "token {i}: something other than whitespace skipped: {gap:?}");
        assert_eq!(t.space_before, !gap.is_empty(), "token {i}: space_before");
        if t.kind == TokenKind::Number {
            in_numbers += text.chars().filter(|&c| is_space(c)).count();
        } else {
            assert!(!text.chars().any(is_space), "token {i} holds whitespace: {text:?}");
        }
        last_char = t.end.get();
        last_byte = t.byte_end.get();
    }
    assert!(s[last_byte..].chars().all(is_space), "text after the last token is not whitespace");
    let covered: usize = toks.iter().map(|t| t.len_chars()).sum();
    let spaces = s.chars().filter(|&c| is_space(c)).count();
    assert_eq!(covered + spaces - in_numbers, n, "tokens and whitespace do not add up to the text");

    // Sentences: contiguous, non-empty, covering every token, each starting
    // where a token says so.
    let sents = sentences(&toks);
    let mut next = 0;
    for r in &sents {
        assert_eq!(r.start, next, "sentences leave a gap");
        assert!(r.start < r.end, "empty sentence");
        next = r.end;
    }
    assert_eq!(next, toks.len(), "sentences do not cover the tokens");
    if let Some(first) = toks.first() {
        assert!(first.sentence_start, "the first token starts a sentence");
    }
    for r in sents.iter().skip(1) {
        assert!(toks[r.start].sentence_start);
    }

    let keyed = Tokenized::new(s);
    assert_eq!(keyed.len(), toks.len());
    for i in 0..keyed.len() {
        let _ = keyed.key(i);
    }

    // Token boundaries cut at entity boundaries taken from the tokens
    // themselves (every other token's start, the next one's end).
    let text = Text::new(s.to_owned());
    assert_eq!(text.byte_to_char(ByteIdx::new(last_byte)), Some(CharIdx::new(last_char)));
    let base = spanlab::store::formats::format_tokens(s);
    let bounds: Vec<(usize, usize)> =
        toks.chunks(2).filter_map(|c| Some((c.first()?.start.get(), (c.last()?.end.get() + 1).min(n)))).filter(|(a, b)| a < b).collect();
    let cut = tokens::segment(&text, &base, &bounds);
    let mut rebuilt = String::with_capacity(s.len());
    let mut at = 0;
    for t in &cut {
        assert!(t.start == at && t.start < t.end, "segment: pieces not contiguous and non-empty: {t:?}");
        rebuilt.push_str(tokens::tok_text(&text, t));
        if t.ws {
            rebuilt.push(' ');
        }
        at = t.end + usize::from(t.ws);
    }
    assert_eq!(rebuilt, s, "segment's pieces and spaces do not rebuild the text");
    for &(a, b) in &bounds {
        assert!(cut.iter().any(|t| t.start == a) && cut.iter().any(|t| t.end == b), "segment: entity [{a}, {b}) cut");
    }
});
