//! CoNLL-2003 style IOB2: one token a line as `TOKEN TAG`, a blank line
//! after each sentence, and `-DOCSTART- -X- -X- O` and a blank line before
//! each document.
//!
//! ```text
//! -DOCSTART- -X- -X- O
//!
//! Selon O
//! l' O
//! ONU B-ORG
//! ```
//!
//! Owns: the mapping between datasets and that layout, and the report of
//! what it cannot carry. CoNLL keeps tokens and tags only: no document ids,
//! statuses, relations, nested entities, or the whitespace between tokens.
//! The writer reports each of these when a reader could not bring it back
//! from the file alone; the reader brings ids, statuses, sources and exact
//! texts back when it is given the original documents (`texts`), re-attaching
//! each token to its text by offset.
//! Must not touch: the file system ([`super`] takes and returns bytes), and
//! the tokenizer's rules (callers pass one in).
//!
//! Reading is tolerant of the schemes found in the wild: IOB2, IOB1 (an
//! `I-X` may begin an entity) and BIOES/BILOU (`S-`/`U-` single, `E-`/`L-`
//! last). A file is read as IOB1 when some `I-X` follows `O`, a sentence
//! break or a closed entity; elsewhere an `I-X` inside an entity of another
//! type is an error. Lines starting with `#` are comments (CoNLL-U style)
//! unless they read as a token line (two columns or more, a tag last), so a
//! `#` token survives a round trip; a `-DOCSTART-` token is written cut
//! after its `-`, so it cannot read as a new document.

use super::tokens::{self, Tok};
use super::{FormatError, RawDoc, RawEntity, Report, Tokenizer, dataset_of, numbered_id, report_dropped_fields};
use crate::model::dataset::DocRecord;
use crate::model::{CharIdx, Dataset, Text};

/// The first column of a line that starts a document.
const DOCSTART: &str = "-DOCSTART-";
/// The line written before each document.
const DOCSTART_LINE: &str = "-DOCSTART- -X- -X- O";
/// The schema name of a dataset read without its original texts.
const SCHEMA_NAME: &str = "conll";
/// How many code points of a text an example or an error quotes.
const QUOTE: usize = 12;

/// The kinds of losses, kept short and stable.
const LOST_OVERLAPS: &str = "overlapping entities (IOB2 cannot nest them)";
const LOST_RELATIONS: &str = "relations (CoNLL has no place for relations)";
const LOST_IDS: &str = "document ids (CoNLL has no place for them; they come back only with the original texts)";
const LOST_SPACING: &str = "text spacing (CoNLL keeps tokens, not the whitespace between them)";
const TRIMMED: &str = "whitespace at the edges of entities (trimmed)";
const WHITESPACE_ONLY: &str = "entities made only of whitespace (dropped)";
const INVALID_OFFSETS: &str = "entities with offsets outside their text (dropped)";
const EMPTY_LABEL: &str = "entities with an empty label (dropped)";
const SPACED_LABEL: &str = "whitespace in entity labels (written as _)";
const OFF_TOKENS: &str = "entities not on token boundaries (dropped)";
const REBUILT: &str = "text rebuilt from tokens (original spacing unknown)";

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

/// The text a reader rebuilds without the original: tokens joined by a
/// space, sentences by a line break.
fn join_sentences<'a>(sentences: impl Iterator<Item = impl Iterator<Item = &'a str>>) -> String {
    let mut out = String::new();
    for (i, sentence) in sentences.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, token) in sentence.enumerate() {
            if j > 0 {
                out.push(' ');
            }
            out.push_str(token);
        }
    }
    out
}

/// A string shown in a message: its first code points, quoted.
fn quote(s: &str) -> String {
    quote_n(s, QUOTE)
}

/// A tag of a token line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag<'a> {
    /// `O`.
    Outside,
    /// `B-X`.
    Begin(&'a str),
    /// `I-X`.
    Inside(&'a str),
    /// `E-X`, `L-X`.
    End(&'a str),
    /// `S-X`, `U-X`.
    Single(&'a str),
}

impl<'a> Tag<'a> {
    fn parse(tag: &'a str) -> Option<Self> {
        if tag == "O" {
            return Some(Tag::Outside);
        }
        let (scheme, label) = tag.split_once('-')?;
        if label.is_empty() {
            return None;
        }
        match scheme {
            "B" => Some(Tag::Begin(label)),
            "I" => Some(Tag::Inside(label)),
            "E" | "L" => Some(Tag::End(label)),
            "S" | "U" => Some(Tag::Single(label)),
            _ => None,
        }
    }
}

/// A token line of the file.
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    token: &'a str,
    tag: Tag<'a>,
    /// 1-based line number.
    number: usize,
}

/// One document of the file.
#[derive(Debug, Default)]
struct Block<'a> {
    /// The line of its `-DOCSTART-`; 1 for the document a file starts without one.
    number: usize,
    sentences: Vec<Vec<Line<'a>>>,
}

impl<'a> Block<'a> {
    fn lines(&self) -> impl Iterator<Item = &Line<'a>> + '_ {
        self.sentences.iter().flatten()
    }

    /// The line a message about the end of this document names.
    fn last_line(&self) -> usize {
        self.lines().last().map_or(self.number, |l| l.number)
    }
}

/// Reads CoNLL (IOB2, IOB1 or BIOES). With `texts`, the n-th document of the
/// file is the n-th of `texts`: its tokens are found in that text (skipping
/// only whitespace), and id, source, status and text come from it. Without,
/// texts are rebuilt from the tokens and documents numbered `doc-0001`, ….
pub fn read(text: &str, texts: Option<&Dataset>, report: &mut Report) -> Result<Dataset, FormatError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let blocks = parse(text)?;
    if let Some(texts) = texts {
        check_count(&blocks, texts, text)?;
    }
    let iob1 = is_iob1(&blocks);
    let mut records = Vec::with_capacity(blocks.len());
    for (i, block) in blocks.iter().enumerate() {
        let entities = entities_of(block, iob1)?;
        let (raw, offsets) = match texts.and_then(|t| t.documents.get(i)) {
            Some(original) => {
                let offsets = attach(block, original)?;
                let raw = RawDoc {
                    id: original.id.clone(),
                    source: original.source.clone(),
                    text: original.text.clone(),
                    status: Some(original.status),
                    extra: original.extra.clone(),
                    ..RawDoc::default()
                };
                (raw, offsets)
            }
            None => {
                let (rebuilt, offsets) = rebuild(block);
                let id = numbered_id(i);
                report.lose(REBUILT, || format!("document {id}"));
                (RawDoc { id, text: rebuilt, ..RawDoc::default() }, offsets)
            }
        };
        let mut raw = raw;
        for (a, b, label) in entities {
            let (Some(&(start, _)), Some(&(_, end))) = (offsets.get(a), offsets.get(b)) else {
                continue;
            };
            raw.entities.push(RawEntity { start, end, label: label.to_owned(), ..RawEntity::default() });
        }
        records.push(raw.into_record(report));
    }
    Ok(match texts {
        Some(t) => with_schema_of(dataset_of(records, &t.schema.name), t),
        None => dataset_of(records, SCHEMA_NAME),
    })
}

/// The lines of a file grouped into documents and sentences.
fn parse(text: &str) -> Result<Vec<Block<'_>>, FormatError> {
    let mut blocks: Vec<Block> = vec![Block { number: 1, sentences: Vec::new() }];
    let mut sentence: Vec<Line> = Vec::new();
    for (n, raw) in text.split('\n').enumerate() {
        let number = n + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let columns: Vec<&str> = line.split([' ', '\t']).filter(|c| !c.is_empty()).collect();
        let (Some(&token), Some(&last)) = (columns.first(), columns.last()) else {
            end_sentence(&mut blocks, &mut sentence);
            continue;
        };
        if token == DOCSTART {
            end_sentence(&mut blocks, &mut sentence);
            blocks.push(Block { number, sentences: Vec::new() });
            continue;
        }
        let tag = if columns.len() >= 2 { Tag::parse(last) } else { None };
        if token.starts_with('#') && tag.is_none() {
            continue;
        }
        if columns.len() < 2 {
            return Err(FormatError::new(
                format!("line {number}"),
                format!("expected a token and a tag separated by a space or a tab, found one column {}", quote(token)),
            ));
        }
        let Some(tag) = tag else {
            return Err(FormatError::new(
                format!("line {number}"),
                format!("unknown tag {} (expected O, or B-, I-, E-, L-, S- or U- and a type)", quote(last)),
            ));
        };
        sentence.push(Line { token, tag, number });
    }
    end_sentence(&mut blocks, &mut sentence);
    // The document before the first `-DOCSTART-` exists only if it has tokens.
    if blocks.first().is_some_and(|b| b.sentences.is_empty()) {
        blocks.remove(0);
    }
    Ok(blocks)
}

fn end_sentence<'a>(blocks: &mut [Block<'a>], sentence: &mut Vec<Line<'a>>) {
    if sentence.is_empty() {
        return;
    }
    if let Some(block) = blocks.last_mut() {
        block.sentences.push(std::mem::take(sentence));
    }
}

/// An error unless the file has as many documents as `texts`.
fn check_count(blocks: &[Block], texts: &Dataset, file: &str) -> Result<(), FormatError> {
    let (found, expected) = (blocks.len(), texts.documents.len());
    if let Some(extra) = blocks.get(expected) {
        return Err(FormatError::new(
            format!("line {}", extra.number),
            format!("document {} of the file has no original text: the texts have {expected} documents", expected + 1),
        ));
    }
    if found < expected {
        let last = file.lines().count().max(1);
        return Err(FormatError::new(
            format!("line {last}"),
            format!("the file ends after {found} documents but the original texts have {expected}"),
        ));
    }
    Ok(())
}

/// True when some `I-X` arrives with no entity open (after `O`, a sentence
/// break, `E-` or `S-`): the file is IOB1, where `I-` may begin an entity.
fn is_iob1(blocks: &[Block]) -> bool {
    blocks.iter().flat_map(|b| &b.sentences).any(|sentence| {
        let mut open = false;
        for line in sentence {
            match line.tag {
                Tag::Inside(_) if !open => return true,
                Tag::Begin(_) | Tag::Inside(_) => open = true,
                Tag::Outside | Tag::End(_) | Tag::Single(_) => open = false,
            }
        }
        false
    })
}

/// The entities of a document as (first token, last token, label), token
/// indices counted across its sentences. An entity never crosses a
/// sentence break.
fn entities_of<'a>(block: &Block<'a>, iob1: bool) -> Result<Vec<(usize, usize, &'a str)>, FormatError> {
    let mut out = Vec::new();
    let mut k = 0;
    for sentence in &block.sentences {
        let mut open: Option<(usize, &str)> = None;
        for line in sentence {
            match line.tag {
                Tag::Outside => {
                    if let Some((a, label)) = open.take() {
                        out.push((a, k - 1, label));
                    }
                }
                Tag::Begin(x) => {
                    if let Some((a, label)) = open.replace((k, x)) {
                        out.push((a, k - 1, label));
                    }
                }
                Tag::Inside(x) => match open {
                    Some((_, label)) if label == x => {}
                    Some((a, label)) if iob1 => {
                        out.push((a, k - 1, label));
                        open = Some((k, x));
                    }
                    Some((_, label)) => {
                        return Err(FormatError::new(
                            format!("line {}", line.number),
                            format!("I-{x} inside a {label} entity: a tag cannot change type mid-entity"),
                        ));
                    }
                    None => open = Some((k, x)),
                },
                Tag::End(x) => match open.take() {
                    Some((a, label)) if label == x => out.push((a, k, x)),
                    Some((_, label)) => {
                        return Err(FormatError::new(
                            format!("line {}", line.number),
                            format!("end tag of a {x} entity inside a {label} entity: a tag cannot change type mid-entity"),
                        ));
                    }
                    None => {
                        return Err(FormatError::new(
                            format!("line {}", line.number),
                            format!("end tag of a {x} entity that was not begun"),
                        ));
                    }
                },
                Tag::Single(x) => {
                    if let Some((a, label)) = open.take() {
                        out.push((a, k - 1, label));
                    }
                    out.push((k, k, x));
                }
            }
            k += 1;
        }
        if let Some((a, label)) = open {
            out.push((a, k - 1, label));
        }
    }
    Ok(out)
}

/// The code-point range of each token in the original text, each found
/// after the previous one with only whitespace between; an error naming the
/// line of the first token not found there, or of the last token when the
/// text goes on after it.
fn attach(block: &Block, original: &DocRecord) -> Result<Vec<(usize, usize)>, FormatError> {
    let chars: Vec<char> = original.text.chars().collect();
    let skip_space = |mut at: usize| {
        while chars.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
        at
    };
    let there = |at: usize, len: usize| -> String {
        let rest: String = chars.iter().skip(at).take(len + 1).collect();
        if rest.is_empty() { "the end of the text".to_owned() } else { format!("text has {}", quote_n(&rest, len)) }
    };
    let mut out = Vec::new();
    let mut at = 0;
    for line in block.lines() {
        at = skip_space(at);
        let len = line.token.chars().count();
        let found = chars.get(at..at + len).is_some_and(|w| w.iter().copied().eq(line.token.chars()));
        if !found {
            return Err(FormatError::new(
                format!("line {}", line.number),
                format!("token {:?} not found at code point {at} of document {}: {}", line.token, original.id, there(at, len.max(QUOTE))),
            ));
        }
        out.push((at, at + len));
        at += len;
    }
    let at = skip_space(at);
    if at < chars.len() {
        return Err(FormatError::new(
            format!("line {}", block.last_line()),
            format!("document {} goes on after its last token, at code point {at}: {}", original.id, there(at, QUOTE)),
        ));
    }
    Ok(out)
}

/// `s` quoted, cut after `n` code points.
fn quote_n(s: &str, n: usize) -> String {
    let mut shown: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// A text rebuilt from a document's tokens, and each token's code-point range.
fn rebuild(block: &Block) -> (String, Vec<(usize, usize)>) {
    let text = join_sentences(block.sentences.iter().map(|s| s.iter().map(|l| l.token)));
    let mut offsets = Vec::new();
    let mut at = 0;
    for sentence in &block.sentences {
        for line in sentence {
            let len = line.token.chars().count();
            offsets.push((at, at + len));
            at += len + 1;
        }
    }
    (text, offsets)
}

/// A dataset read with the original texts keeps their schema: its labels
/// first, then any new ones.
fn with_schema_of(mut dataset: Dataset, texts: &Dataset) -> Dataset {
    let found = std::mem::take(&mut dataset.schema.entity_labels);
    let mut labels = texts.schema.entity_labels.clone();
    labels.extend(found.into_iter().filter(|l| !texts.schema.entity_labels.contains(l)));
    dataset.schema.entity_labels = labels;
    dataset.schema.relation_labels = texts.schema.relation_labels.clone();
    dataset
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::Status;
    use crate::model::dataset::EntityRecord;
    use crate::store::formats::tokens::test_tokenizer;
    use crate::store::formats::{BaseToken, Direction, Format, testgen};

    /// Whitespace-separated words, a sentence starting after a line break:
    /// keeps `l'ONU,` whole, as a tokenizer that knows no French might.
    fn words(s: &str) -> Vec<BaseToken> {
        let mut out = Vec::new();
        let mut start = None;
        let mut line_start = true;
        let n = s.chars().count();
        for (i, c) in s.chars().chain(std::iter::once(' ')).enumerate() {
            if c.is_whitespace() {
                if let Some(st) = start.take() {
                    out.push(BaseToken { start: CharIdx::new(st), end: CharIdx::new(i.min(n)), sentence_start: line_start });
                    line_start = false;
                }
                if c == '\n' {
                    line_start = true;
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        out
    }

    fn export_report() -> Report {
        Report::new(Format::Conll, Direction::Export)
    }

    fn import_report() -> Report {
        Report::new(Format::Conll, Direction::Import)
    }

    /// `(id, status, text, [(entity text, label)])`.
    type DocSpec<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);

    /// A dataset of documents, each entity the first occurrence of its text.
    fn dataset(docs: &[DocSpec]) -> Dataset {
        let mut report = Report::new(Format::Spanlab, Direction::Import);
        let records = docs
            .iter()
            .map(|&(id, status, text, ents)| {
                let t = Text::from(text);
                let entities = ents
                    .iter()
                    .map(|&(what, label)| {
                        let at = t.find_all(what)[0].get();
                        RawEntity { start: at, end: at + what.chars().count(), label: label.to_owned(), ..RawEntity::default() }
                    })
                    .collect();
                RawDoc { id: id.to_owned(), text: text.to_owned(), status: Status::parse(status), entities, ..RawDoc::default() }
                    .into_record(&mut report)
            })
            .collect();
        dataset_of(records, "news")
    }

    /// Each document's entities as `(text, label)`.
    fn shown(d: &Dataset) -> Vec<Vec<(String, String)>> {
        d.documents.iter().map(|doc| doc.entities.iter().map(|e| (e.text.clone(), e.label.clone())).collect()).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|&(a, b)| (a.to_owned(), b.to_owned())).collect()
    }

    fn write_str(d: &Dataset, tokenizer: Tokenizer, report: &mut Report) -> String {
        String::from_utf8(write(d, tokenizer, report)).unwrap()
    }

    fn has(report: &Report, what: &str) -> bool {
        report.losses.iter().any(|l| l.what == what)
    }

    #[test]
    fn reads_iob2_with_four_columns_and_tabs() {
        let file = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects\tVBZ\tB-VP\tO\nGerman JJ B-NP B-MISC\ncall O\n\n\
                    Peter B-PER\nBlackburn I-PER\n\n-DOCSTART- -X- -X- O\n\nBRUSSELS B-LOC\n1996-08-22 O\n";
        let mut report = import_report();
        let d = read(file, None, &mut report).unwrap();
        assert_eq!(d.documents.len(), 2);
        assert_eq!(d.documents[0].id, "doc-0001");
        assert_eq!(d.documents[0].text, "EU rejects German call\nPeter Blackburn");
        assert_eq!(shown(&d)[0], pairs(&[("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]));
        assert_eq!((d.documents[0].entities[2].start, d.documents[0].entities[2].end), (23, 38));
        assert_eq!(shown(&d)[1], pairs(&[("BRUSSELS", "LOC")]));
        assert_eq!(d.schema.entity_labels, ["ORG", "MISC", "PER", "LOC"]);
        assert_eq!(report.losses.len(), 1, "{report}");
        assert_eq!((report.losses[0].what.as_str(), report.losses[0].count), (REBUILT, 2));
    }

    #[test]
    fn reads_iob1_as_a_scheme_not_a_loss() {
        // No -DOCSTART-: one document. I- begins entities after O and after
        // another type; B- separates two of the same type.
        let file = "EU I-ORG\nrejects O\nGerman I-MISC\ncall O\nPeter I-PER\nBlackburn I-PER\nParis I-LOC\nLondon B-LOC\n";
        let mut report = import_report();
        let d = read(file, None, &mut report).unwrap();
        assert_eq!(
            shown(&d)[0],
            pairs(&[("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER"), ("Paris", "LOC"), ("London", "LOC")])
        );
        assert!(report.losses.iter().all(|l| l.what == REBUILT), "{report}");
    }

    #[test]
    fn reads_bioes_and_bilou() {
        let file = "Macron S-PER\nvisits O\nthe B-ORG\nUnited I-ORG\nNations E-ORG\nin O\nParis U-LOC\nNew B-LOC\nYork L-LOC\n\
                    Obama S-PER\nBiden S-PER\n";
        let d = read(file, None, &mut import_report()).unwrap();
        assert_eq!(
            shown(&d)[0],
            pairs(&[
                ("Macron", "PER"),
                ("the United Nations", "ORG"),
                ("Paris", "LOC"),
                ("New York", "LOC"),
                ("Obama", "PER"),
                ("Biden", "PER")
            ])
        );
    }

    #[test]
    fn bad_tag_sequences_and_shapes_name_their_line() {
        let cases = [
            ("Peter B-PER\nParis I-LOC\n", "line 2", "mid-entity"),
            ("# sent_id = 1\nthe B-ORG\nUN E-LOC\n", "line 3", "mid-entity"),
            ("a O\n\nUN E-ORG\n", "line 3", "not begun"),
            ("a O\nb X-PER\n", "line 2", "unknown tag"),
            ("a O\nb O\nc B-\n", "line 3", "unknown tag"),
            ("a O\nb b-per\n", "line 2", "unknown tag"),
        ];
        for (file, place, message) in cases {
            let err = read(file, None, &mut import_report()).unwrap_err();
            assert_eq!(err.place, place, "{file:?}: {err}");
            assert!(err.message.contains(message), "{file:?}: {err}");
        }
    }

    #[test]
    fn exports_exact_lines_with_apostrophes_crlf_and_emoji() {
        let text = "Selon l'ONU, Marie Curie 😀 part.\r\nLe Sénat vote.";
        let d = dataset(&[("doc-0001", "new", text, &[("ONU", "ORG"), ("Marie Curie", "PER"), ("Sénat", "ORG")])]);
        let mut report = export_report();
        let out = write_str(&d, &words, &mut report);
        let expected = "-DOCSTART- -X- -X- O\n\n\
                        Selon O\nl' O\nONU B-ORG\n, O\nMarie B-PER\nCurie I-PER\n😀 O\npart. O\n\n\
                        Le O\nSénat B-ORG\nvote. O\n\n";
        assert_eq!(out, expected);
        // Only the spacing is lost ("l'ONU," comes back as "l' ONU ,").
        assert_eq!(report.losses.iter().map(|l| l.what.as_str()).collect::<Vec<_>>(), [LOST_SPACING]);
        let back = read(&out, Some(&d), &mut import_report()).unwrap();
        assert_eq!(testgen::canon(&back), testgen::canon(&d));
        let rebuilt = read(&out, None, &mut import_report()).unwrap();
        assert_eq!(rebuilt.documents[0].text, "Selon l' ONU , Marie Curie 😀 part.\nLe Sénat vote.");
        assert_eq!(shown(&rebuilt), shown(&d));
    }

    #[test]
    fn round_trip_with_texts_keeps_exact_offsets() {
        let text = "  Le  Sénat\r\n\r\nvote\tà Paris 😀. e\u{301}té\u{a0}l'ONU  ";
        let d = dataset(&[
            ("a", "done", text, &[("Sénat", "ORG"), ("Paris 😀", "LOC"), ("e\u{301}té", "DATE"), ("ONU", "ORG")]),
            ("b", "in_progress", "", &[]),
            ("c", "new", "Macron.\nMacron", &[("Macron", "PER")]),
        ]);
        let mut report = export_report();
        let out = write(&d, &test_tokenizer, &mut report);
        let back = read(std::str::from_utf8(&out).unwrap(), Some(&d), &mut import_report()).unwrap();
        assert_eq!(testgen::canon(&back), testgen::canon(&d));
        assert_eq!(back.documents[0].entities, d.documents[0].entities);
        assert_eq!(back.documents[0].sha256, d.documents[0].sha256);
        assert!(has(&report, LOST_IDS) && has(&report, LOST_SPACING), "{report}");
        assert!(report.losses.iter().any(|l| l.what.starts_with("document status")), "{report}");
    }

    #[test]
    fn whitespace_in_entities_is_trimmed_or_dropped_and_reported() {
        let mut d = dataset(&[("doc-0001", "new", "à  Paris  ok", &[])]);
        let mk = |start, end, label: &str| EntityRecord {
            id: String::new(),
            start,
            end,
            label: label.to_owned(),
            text: String::new(),
            extra: Default::default(),
        };
        d.documents[0].entities = vec![mk(1, 3, "LOC"), mk(2, 10, "LOC"), mk(9, 40, "ORG"), mk(9, 12, "NEW LABEL")];
        let mut report = export_report();
        let out = write_str(&d, &test_tokenizer, &mut report);
        assert_eq!(out, "-DOCSTART- -X- -X- O\n\nà O\nParis B-LOC\nok B-NEW_LABEL\n\n");
        for what in [WHITESPACE_ONLY, TRIMMED, INVALID_OFFSETS, SPACED_LABEL] {
            assert!(has(&report, what), "{what}: {report}");
        }
    }

    #[test]
    fn overlaps_keep_the_earliest_then_longest_and_name_the_rest() {
        let mut d = dataset(&[("d1", "new", "Le Paris Saint-Germain gagne", &[("Paris Saint-Germain", "ORG"), ("Paris", "LOC")])]);
        d.documents[0].relations.push(crate::model::dataset::RelationRecord {
            id: "R1".to_owned(),
            head: "T1".to_owned(),
            tail: "T2".to_owned(),
            label: "LOCATED_IN".to_owned(),
            extra: Default::default(),
        });
        let mut report = export_report();
        let out = write_str(&d, &words, &mut report);
        assert_eq!(out, "-DOCSTART- -X- -X- O\n\nLe O\nParis B-ORG\nSaint-Germain I-ORG\ngagne O\n\n");
        let overlap = report.losses.iter().find(|l| l.what == LOST_OVERLAPS).unwrap();
        assert_eq!(overlap.examples, ["document d1: LOC [3, 8) \"Paris\""]);
        assert!(has(&report, LOST_RELATIONS), "{report}");
        assert!(has(&report, LOST_IDS), "{report}");
        assert!(!has(&report, LOST_SPACING), "{report}");
    }

    #[test]
    fn sentences_never_break_inside_an_entity() {
        let d = dataset(&[("doc-0001", "new", "Vive St. Louis. Oui", &[("St. Louis", "LOC")])]);
        let out = write_str(&d, &test_tokenizer, &mut export_report());
        assert_eq!(out, "-DOCSTART- -X- -X- O\n\nVive O\nSt B-LOC\n. I-LOC\nLouis I-LOC\n. O\n\nOui O\n\n");
    }

    #[test]
    fn hash_and_docstart_tokens_survive_and_comments_are_skipped() {
        let text = "#paris -DOCSTART- # x";
        let d = dataset(&[("doc-0001", "new", text, &[("#paris", "ORG"), ("-DOCSTART-", "MISC")])]);
        let mut report = export_report();
        let out = write_str(&d, &words, &mut report);
        assert_eq!(out, "-DOCSTART- -X- -X- O\n\n#paris B-ORG\n- B-MISC\nDOCSTART- I-MISC\n# O\nx O\n\n");
        let back = read(&out, Some(&d), &mut import_report()).unwrap();
        assert_eq!(testgen::canon(&back), testgen::canon(&d));
        let commented = "# newdoc id = 3\n# text = Paris\nParis B-LOC\n";
        let back = read(commented, None, &mut import_report()).unwrap();
        assert_eq!(back.documents[0].text, "Paris");
    }

    #[test]
    fn empty_files_and_lone_docstarts() {
        for file in ["", "\n\n", "\r\n", "# only a comment\n"] {
            let d = read(file, None, &mut import_report()).unwrap();
            assert!(d.documents.is_empty(), "{file:?}");
        }
        let d = read("-DOCSTART- -X- -X- O\n", None, &mut import_report()).unwrap();
        assert_eq!(d.documents.len(), 1);
        assert_eq!((d.documents[0].id.as_str(), d.documents[0].text.as_str()), ("doc-0001", ""));
        let d = read("-DOCSTART-\n-DOCSTART-", None, &mut import_report()).unwrap();
        assert_eq!(d.documents.len(), 2);
        // An empty dataset writes an empty file and reads back empty.
        let empty = dataset(&[]);
        let out = write(&empty, &test_tokenizer, &mut export_report());
        assert!(out.is_empty());
        assert!(read("", Some(&empty), &mut import_report()).unwrap().documents.is_empty());
    }

    #[test]
    fn a_one_column_line_is_an_error_naming_it() {
        let err = read("Paris B-LOC\nLondon\nRome O\n", None, &mut import_report()).unwrap_err();
        assert_eq!(err.place, "line 2");
        assert!(err.message.contains("one column"), "{err}");
        let err = read("-DOCSTART- -X- -X- O\r\n\r\nParis B-LOC\r\n\tLondon \r\n", None, &mut import_report()).unwrap_err();
        assert_eq!(err.place, "line 4");
    }

    #[test]
    fn a_ten_thousand_token_sentence() {
        let text = (0..10_000).map(|i| if i % 7 == 0 { "Paris" } else { "et" }).collect::<Vec<_>>().join(" ");
        let d = dataset(&[("doc-0001", "new", &text, &[("et et Paris", "LOC")])]);
        let mut report = export_report();
        let out = write_str(&d, &test_tokenizer, &mut report);
        assert_eq!(out.lines().count(), 2 + 10_000 + 1);
        assert!(report.is_lossless(), "{report}");
        let back = read(&out, None, &mut import_report()).unwrap();
        assert_eq!(testgen::canon(&back), testgen::canon(&d));
        let back = read(&out, Some(&d), &mut import_report()).unwrap();
        assert_eq!(testgen::canon(&back), testgen::canon(&d));
        let tags: String = (0..10_000).map(|i| format!("w{i} {}\n", if i % 2 == 0 { "B-X" } else { "I-X" })).collect();
        let back = read(&tags, None, &mut import_report()).unwrap();
        assert_eq!(back.documents[0].entities.len(), 5_000);
    }

    #[test]
    fn texts_that_do_not_match_are_errors_naming_the_line() {
        let d = dataset(&[("a", "new", "Paris est belle", &[]), ("b", "new", "Rome", &[])]);
        let file = "-DOCSTART- -X- -X- O\n\nParis B-LOC\nest O\njolie O\n\n-DOCSTART- -X- -X- O\n\nRome B-LOC\n";
        let err = read(file, Some(&d), &mut import_report()).unwrap_err();
        assert_eq!(err.place, "line 5");
        assert_eq!(err.message, "token \"jolie\" not found at code point 10 of document a: text has \"belle\"");
        let short = "-DOCSTART- -X- -X- O\n\nParis B-LOC\nest O\n\n-DOCSTART- -X- -X- O\n\nRome B-LOC\n";
        let err = read(short, Some(&d), &mut import_report()).unwrap_err();
        assert_eq!(err.place, "line 4");
        assert!(err.message.contains("goes on after its last token") && err.message.contains("belle"), "{err}");
        let past_end = "Paris O\nest O\nbelle O\n!! O\n";
        let err = read(past_end, Some(&dataset(&[("a", "new", "Paris est belle", &[])])), &mut import_report()).unwrap_err();
        assert_eq!(err.place, "line 4");
        assert!(err.message.contains("the end of the text"), "{err}");
        let more = format!("{file}-DOCSTART- -X- -X- O\n\nMilan O\n");
        let err = read(&more.replace("jolie", "belle"), Some(&d), &mut import_report()).unwrap_err();
        assert_eq!(err.place, "line 10");
        assert!(err.message.contains("no original text"), "{err}");
        let fewer = "-DOCSTART- -X- -X- O\n\nParis B-LOC\nest O\nbelle O\n";
        let err = read(fewer, Some(&d), &mut import_report()).unwrap_err();
        assert_eq!(err.place, "line 5");
        assert!(err.message.contains("the file ends after 1 documents but the original texts have 2"), "{err}");
    }

    /// Losses the original texts undo: ids, statuses and spacing come back
    /// when a reader is given them.
    fn undone_by_texts(what: &str) -> bool {
        what == LOST_IDS || what == LOST_SPACING || what.starts_with("document status")
    }

    /// Whether two of a document's entities overlap once trimmed of whitespace.
    fn overlaps(doc: &DocRecord) -> bool {
        let trimmed: Vec<(usize, usize)> = doc
            .entities
            .iter()
            .filter_map(|e| {
                let chars: Vec<char> = doc.text.chars().collect();
                let (s, t) = (e.start as usize, e.end as usize);
                let lead = chars[s..t].iter().take_while(|c| c.is_whitespace()).count();
                let trail = chars[s..t].iter().rev().take_while(|c| c.is_whitespace()).count();
                (lead < t - s).then_some((s + lead, t - trail))
            })
            .collect();
        trimmed.iter().enumerate().any(|(i, a)| trimmed.iter().skip(i + 1).any(|b| a.0 < b.1 && b.0 < a.1))
    }

    /// Datasets whose texts CoNLL can rebuild: words joined by single
    /// spaces, sentences by line breaks, ids `doc-0001`…, status `new`;
    /// entities on whole words, possibly across a line break.
    fn arb_plain_dataset() -> impl Strategy<Value = Dataset> {
        const WORDS: [&str; 7] = ["Paris", "Zoé", "😀", "東京", "e\u{301}", "مر", "ONU"];
        let sentence = proptest::collection::vec(0..WORDS.len(), 1..6);
        let doc = (proptest::collection::vec(sentence, 0..4), proptest::collection::vec((0usize..30, 1usize..4, 0usize..3), 0..5));
        proptest::collection::vec(doc, 1..4).prop_map(|docs| {
            let mut report = Report::new(Format::Spanlab, Direction::Import);
            let records = docs
                .into_iter()
                .enumerate()
                .map(|(i, (sentences, ents))| {
                    let mut text = String::new();
                    let mut spans: Vec<(usize, usize)> = Vec::new();
                    for (j, sentence) in sentences.iter().enumerate() {
                        for (k, &w) in sentence.iter().enumerate() {
                            if j > 0 || k > 0 {
                                text.push(if k == 0 { '\n' } else { ' ' });
                            }
                            let at = text.chars().count();
                            text.push_str(WORDS[w]);
                            spans.push((at, text.chars().count()));
                        }
                    }
                    let mut raw = RawDoc { id: numbered_id(i), text, ..RawDoc::default() };
                    let mut reach = 0;
                    for (first, n, label) in ents {
                        let (Some(a), Some(b)) = (spans.get(first), spans.get(first + n - 1)) else { continue };
                        if a.0 >= reach {
                            reach = b.1;
                            raw.entities.push(RawEntity {
                                start: a.0,
                                end: b.1,
                                label: ["PER", "ORG", "LOC"][label].to_owned(),
                                ..RawEntity::default()
                            });
                        }
                    }
                    raw.into_record(&mut report)
                })
                .collect();
            dataset_of(records, "news")
        })
    }

    proptest! {
        #[test]
        fn plain_texts_round_trip_without_texts(x in arb_plain_dataset()) {
            let mut wr = export_report();
            let out = write(&x, &test_tokenizer, &mut wr);
            let y = read(std::str::from_utf8(&out).unwrap(), None, &mut import_report()).unwrap();
            let same = testgen::canon(&y) == testgen::canon(&x);
            prop_assert_eq!(same, wr.is_lossless(), "{}", wr);
            let crosses_lines = x.documents.iter().any(|d| d.entities.iter().any(|e| e.text.contains('\n')));
            prop_assert_eq!(same, !crosses_lines, "{}", wr);
        }

        #[test]
        fn round_trip_with_texts(x in testgen::arb_dataset(false, false)) {
            let mut wr = export_report();
            let out = write(&x, &test_tokenizer, &mut wr);
            let mut rr = import_report();
            let y = read(std::str::from_utf8(&out).unwrap(), Some(&x), &mut rr).unwrap();
            let same = testgen::canon(&y) == testgen::canon(&x);
            if wr.is_lossless() || wr.losses.iter().all(|l| undone_by_texts(&l.what)) {
                prop_assert!(same, "{wr}\n{:?}\n{:?}", testgen::canon(&x), testgen::canon(&y));
            }
            if !same {
                prop_assert!(!wr.is_lossless());
            }
            prop_assert!(rr.is_lossless(), "{rr}");
        }

        #[test]
        fn lossless_means_lossless_without_texts(x in testgen::arb_dataset(false, false)) {
            let mut x = x;
            for (i, d) in x.documents.iter_mut().enumerate() {
                d.id = numbered_id(i);
                d.status = Status::New;
            }
            let mut wr = export_report();
            let out = write(&x, &test_tokenizer, &mut wr);
            let y = read(std::str::from_utf8(&out).unwrap(), None, &mut import_report()).unwrap();
            let same = testgen::canon(&y) == testgen::canon(&x);
            prop_assert_eq!(same, wr.is_lossless(), "{}", wr);
        }

        #[test]
        fn overlaps_and_relations_are_named(x in testgen::arb_dataset(true, true)) {
            let mut wr = export_report();
            let out = write(&x, &test_tokenizer, &mut wr);
            let y = read(std::str::from_utf8(&out).unwrap(), Some(&x), &mut import_report()).unwrap();
            let had_overlaps = x.documents.iter().any(overlaps);
            let had_relations = x.documents.iter().any(|d| !d.relations.is_empty());
            prop_assert_eq!(has(&wr, LOST_OVERLAPS), had_overlaps, "{}", wr);
            prop_assert_eq!(has(&wr, LOST_RELATIONS), had_relations, "{}", wr);
            if testgen::canon(&y) != testgen::canon(&x) {
                prop_assert!(wr.losses.iter().any(|l| !undone_by_texts(&l.what)), "{}", wr);
            }
        }
    }
}
