//! Writing CoNLL IOB2: each text cut into tokens, entities made fit for
//! tags, sentences that never break inside an entity.
//!
//! Owns: which entities IOB2 can carry (trimmed, labels without spaces, no
//! overlaps) and the report of the rest. Must not touch: reading (`read`),
//! or the file system.

use super::{
    DOCSTART, DOCSTART_LINE, EMPTY_LABEL, INVALID_OFFSETS, LOST_IDS, LOST_OVERLAPS, LOST_RELATIONS, LOST_SPACING, OFF_TOKENS, SPACED_LABEL,
    TRIMMED, WHITESPACE_ONLY, join_sentences, quote,
};
use crate::model::dataset::DocRecord;
use crate::model::{CharIdx, Dataset, Text};
use crate::store::formats::tokens::{self, Tok};
use crate::store::formats::{Report, Tokenizer, numbered_id, report_dropped_fields};

/// Writes a dataset as CoNLL IOB2, documents in dataset order. Tokens are
/// the tokenizer's, cut at every entity boundary ([`tokens::segment`]);
/// whitespace is not written, and a sentence never breaks inside an entity.
pub fn write(dataset: &Dataset, tokenizer: Tokenizer, report: &mut Report) -> Vec<u8> {
    report_dropped_fields(dataset, "CoNLL", false, &[], report);
    let mut out = String::new();
    for (i, doc) in dataset.documents.iter().enumerate() {
        if doc.id != numbered_id(i) {
            report.lose(LOST_IDS, || format!("document {} (read back as {})", doc.id, numbered_id(i)));
        }
        for r in &doc.relations {
            report.lose(LOST_RELATIONS, || format!("document {}: {} {} {} → {}", doc.id, r.id, r.label, r.head, r.tail));
        }
        let text = Text::new(doc.text.clone());
        let spans = spans_to_write(doc, &text, report);
        let sentences = sentences_of(doc, &text, &spans, tokenizer, report);
        out.push_str(DOCSTART_LINE);
        out.push_str("\n\n");
        for sentence in &sentences {
            for (token, tag) in sentence {
                out.push_str(token);
                out.push(' ');
                out.push_str(tag);
                out.push('\n');
            }
            out.push('\n');
        }
        let rebuilt = join_sentences(sentences.iter().map(|s| s.iter().map(|(t, _)| t.as_str())));
        if rebuilt != doc.text {
            report.lose(LOST_SPACING, || {
                // Quote both from the first difference.
                let at = doc.text.chars().zip(rebuilt.chars()).take_while(|(a, b)| a == b).count();
                let from = |s: &str| s.chars().skip(at.saturating_sub(4)).collect::<String>();
                format!("document {}: at code point {at}, {} reads back as {}", doc.id, quote(&from(&doc.text)), quote(&from(&rebuilt)))
            });
        }
    }
    out.into_bytes()
}

/// An entity as it will be written: trimmed code-point range, a label fit
/// for a tag, and its index in the document's entities (for examples).
#[derive(Clone, Debug)]
struct Span {
    start: usize,
    end: usize,
    label: String,
    entity: usize,
}

/// The entities of a document that IOB2 can carry: trimmed of whitespace,
/// with labels fit for a tag, and without overlaps (earliest start, then
/// longest, kept). Everything else is reported. Sorted by start.
fn spans_to_write(doc: &DocRecord, text: &Text, report: &mut Report) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    for (k, e) in doc.entities.iter().enumerate() {
        let example = |shown: &str| format!("document {}: {} [{}, {}) {}", doc.id, e.label, e.start, e.end, quote(shown));
        let range = usize::try_from(e.start).ok().zip(usize::try_from(e.end).ok()).filter(|(s, t)| s < t);
        let Some(((start, end), slice)) = range.and_then(|(s, t)| Some(((s, t), text.slice(CharIdx::new(s), CharIdx::new(t))?))) else {
            report.lose(INVALID_OFFSETS, || example(&e.text));
            continue;
        };
        let lead = slice.chars().take_while(|c| c.is_whitespace()).count();
        if lead == end - start {
            report.lose(WHITESPACE_ONLY, || example(slice));
            continue;
        }
        let trail = slice.chars().rev().take_while(|c| c.is_whitespace()).count();
        if lead > 0 || trail > 0 {
            report.lose(TRIMMED, || example(slice));
        }
        if e.label.is_empty() {
            report.lose(EMPTY_LABEL, || example(slice));
            continue;
        }
        let label = if e.label.chars().any(char::is_whitespace) {
            report.lose(SPACED_LABEL, || example(slice));
            e.label.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect()
        } else {
            e.label.clone()
        };
        spans.push(Span { start: start + lead, end: end - trail, label, entity: k });
    }
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then_with(|| a.label.cmp(&b.label)));
    let mut kept: Vec<Span> = Vec::new();
    let mut reach = 0;
    for s in spans {
        if s.start < reach {
            report.lose(LOST_OVERLAPS, || entity_example(doc, text, s.entity));
            continue;
        }
        reach = s.end;
        kept.push(s);
    }
    kept
}

/// `document d1: LOC [3, 9) "Paris…"`.
fn entity_example(doc: &DocRecord, text: &Text, k: usize) -> String {
    let Some(e) = doc.entities.get(k) else {
        return format!("document {}", doc.id);
    };
    let shown = usize::try_from(e.start)
        .ok()
        .zip(usize::try_from(e.end).ok())
        .and_then(|(s, t)| text.slice(CharIdx::new(s), CharIdx::new(t)))
        .unwrap_or(&e.text);
    format!("document {}: {} [{}, {}) {}", doc.id, e.label, e.start, e.end, quote(shown))
}

/// The sentences of a document as `(token, tag)` lines.
fn sentences_of(doc: &DocRecord, text: &Text, spans: &[Span], tokenizer: Tokenizer, report: &mut Report) -> Vec<Vec<(String, String)>> {
    let base = tokenizer(text.as_str());
    let bounds: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
    let toks: Vec<Tok> = tokens::segment(text, &base, &bounds);
    let index = tokens::Index::new(&toks);
    let mut owner: Vec<Option<usize>> = vec![None; toks.len()];
    for (k, s) in spans.iter().enumerate() {
        match index.span(s.start, s.end) {
            Some((a, b)) => owner.iter_mut().take(b + 1).skip(a).for_each(|o| *o = Some(k)),
            None => report.lose(OFF_TOKENS, || entity_example(doc, text, s.entity)),
        }
    }
    let mut sentences: Vec<Vec<(String, String)>> = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    let mut previous: Option<usize> = None;
    for (t, &own) in toks.iter().zip(&owner) {
        if t.is_space {
            continue;
        }
        let continues = own.is_some() && own == previous;
        if t.sentence_start && !continues && !current.is_empty() {
            sentences.push(std::mem::take(&mut current));
        }
        for (j, piece) in pieces(tokens::tok_text(text, t)).into_iter().enumerate() {
            let tag = match own.and_then(|k| spans.get(k)) {
                None => "O".to_owned(),
                Some(s) if continues || j > 0 => format!("I-{}", s.label),
                Some(s) => format!("B-{}", s.label),
            };
            current.push((piece.to_owned(), tag));
        }
        previous = own;
    }
    if !current.is_empty() {
        sentences.push(current);
    }
    sentences
}

/// A token as the lines it is written on: one, unless it holds whitespace
/// (which `segment` never leaves, but a line cannot hold) or is exactly
/// `-DOCSTART-` (which would read as a new document, so it is cut after its
/// `-`; with the original texts it re-attaches exactly).
fn pieces(token: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for piece in token.split(char::is_whitespace).filter(|p| !p.is_empty()) {
        match piece.split_at_checked(1) {
            Some((dash, rest)) if piece == DOCSTART => out.extend([dash, rest]),
            _ => out.push(piece),
        }
    }
    out
}
