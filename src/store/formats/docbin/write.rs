//! Writing a DocBin: each text cut into tokens, entities laid out over
//! `doc.ents` and `user_data`, and the whole packed and compressed.
//!
//! Owns: the choice of what goes in `doc.ents` (the earliest, then longest,
//! of overlapping entities) and what only in `user_data`, and the bytes
//! written. Must not touch: reading (`read`), or the file system.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;

use super::msgpack::Pack;
use super::symbols::Symbols;
use super::{
    ENT_IOB, ENT_TYPE, IOB_BEGIN, IOB_IN, IOB_MISSING, IOB_OUT, LOST_BAD_OFFSETS, LOST_EMPTY_LABEL, LOST_OVERLAP, LOST_RELATION,
    LOST_TOO_BIG, ORTH, USER_DATA_KEY,
};
use crate::model::Dataset;
use crate::model::Text;
use crate::model::dataset::{DocRecord, EntityRecord};
use crate::store::formats::tokens::{self, Tok};
use crate::store::formats::{Report, Tokenizer};

/// Writes a dataset as a DocBin (attributes `ORTH`, `ENT_IOB`, `ENT_TYPE`,
/// spanlab's fields in `user_data`); what `doc.ents` cannot hold is reported.
pub fn write(dataset: &Dataset, tokenizer: Tokenizer, report: &mut Report) -> Vec<u8> {
    crate::store::formats::report_dropped_fields(dataset, "DocBin", true, &[], report);
    for key in dataset.extra.keys() {
        report.lose(&format!("dataset field \"{key}\" (DocBin has no place for it)"), || format!("field {key}"));
    }
    let symbols = Symbols::new();
    let attrs = [ORTH, ENT_IOB, ENT_TYPE];
    let mut strings: BTreeSet<String> = BTreeSet::new();
    let mut table: Vec<u8> = Vec::new();
    let mut spaces: Vec<u8> = Vec::new();
    let mut lengths: Vec<u8> = Vec::new();
    let mut user_data: Vec<Vec<u8>> = Vec::new();
    for doc in &dataset.documents {
        let text = Text::new(doc.text.clone());
        let layout = lay_out(doc, text.len_chars(), report);
        let bounds: Vec<(usize, usize)> = layout.written().map(|e| (e.start as usize, e.end as usize)).collect();
        let toks = tokens::segment(&text, &tokenizer(&doc.text), &bounds);
        let row_bytes = 8 * attrs.len();
        let fits = table.len().saturating_add(toks.len().saturating_mul(row_bytes)) <= u32::MAX as usize;
        let (Ok(n), true) = (i32::try_from(toks.len()), fits) else {
            report.lose(LOST_TOO_BIG, || format!("document {} ({} tokens)", doc.id, toks.len()));
            continue;
        };
        let (iob, types) = entity_columns(&toks, &layout, &symbols);
        for (i, t) in toks.iter().enumerate() {
            let word = tokens::tok_text(&text, t);
            if !strings.contains(word) {
                strings.insert(word.to_owned());
            }
            let row = [symbols.key(word), iob.get(i).copied().unwrap_or(IOB_OUT), types.get(i).copied().unwrap_or(0)];
            for value in row {
                table.extend_from_slice(&value.to_le_bytes());
            }
            spaces.push(u8::from(t.ws));
        }
        for e in &layout.ents {
            strings.insert(e.label.clone());
        }
        lengths.extend_from_slice(&n.to_le_bytes());
        user_data.push(spanlab_user_data(doc, &layout));
    }
    let n_docs = user_data.len();
    let mut p = Pack::default();
    p.map(10);
    p.str("version");
    p.str("0.1");
    p.str("attrs");
    p.array(attrs.len());
    for a in attrs {
        p.uint(a);
    }
    p.str("tokens");
    p.bin(&table);
    p.str("spaces");
    p.bin(&spaces);
    p.str("lengths");
    p.bin(&lengths);
    p.str("strings");
    p.array(strings.len());
    for s in &strings {
        p.str(s);
    }
    p.str("cats");
    p.array(n_docs);
    for _ in 0..n_docs {
        p.map(0);
    }
    p.str("flags");
    p.array(n_docs);
    for _ in 0..n_docs {
        p.map(1);
        p.str("has_unknown_spaces");
        p.bool(false);
    }
    p.str("span_groups");
    p.array(n_docs);
    for _ in 0..n_docs {
        // spaCy's empty `SpanGroups`: a msgpack `[]`.
        p.bin(&[0x90]);
    }
    p.str("user_data");
    p.array(n_docs);
    for u in &user_data {
        p.bin(u);
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    match encoder.write_all(&p.into_bytes()).and_then(|()| encoder.finish()) {
        Ok(bytes) => bytes,
        Err(e) => {
            report.lose("the whole file (compression failed)", || e.to_string());
            Vec::new()
        }
    }
}

/// A document's entities as written: those in `doc.ents`, those only in
/// `user_data`, and the relations between them.
struct Layout<'a> {
    /// Entities in `doc.ents`, by start; none overlap.
    ents: Vec<&'a EntityRecord>,
    /// Entities only spanlab reads back, in `user_data`.
    extra: Vec<&'a EntityRecord>,
    /// Relations as `(head, tail, label)`, indices into `ents` then `extra`.
    relations: Vec<(usize, usize, &'a str)>,
}

impl<'a> Layout<'a> {
    /// Every entity written, `ents` then `extra`.
    fn written(&self) -> impl Iterator<Item = &'a EntityRecord> + '_ {
        self.ents.iter().chain(self.extra.iter()).copied()
    }
}

/// Chooses which entities go in `doc.ents` (the earliest, then longest, of
/// overlapping ones), reporting the others and those that cannot be written.
fn lay_out<'a>(doc: &'a DocRecord, len_chars: usize, report: &mut Report) -> Layout<'a> {
    let mut valid: Vec<&EntityRecord> = Vec::new();
    for e in &doc.entities {
        if 0 <= e.start && e.start < e.end && e.end as u64 <= len_chars as u64 {
            valid.push(e);
        } else {
            report.lose(LOST_BAD_OFFSETS, || format!("document {}: {} {} [{}, {})", doc.id, e.id, e.label, e.start, e.end));
        }
    }
    valid.sort_by(|a, b| (a.start, std::cmp::Reverse(a.end), &a.label).cmp(&(b.start, std::cmp::Reverse(b.end), &b.label)));
    let mut ents: Vec<&EntityRecord> = Vec::new();
    let mut extra: Vec<&EntityRecord> = Vec::new();
    let mut reach = 0;
    for e in valid {
        let example = || format!("document {}: {} {} [{}, {})", doc.id, e.id, e.label, e.start, e.end);
        if e.label.is_empty() {
            report.lose(LOST_EMPTY_LABEL, example);
            extra.push(e);
        } else if e.start >= reach {
            reach = e.end;
            ents.push(e);
        } else {
            report.lose(LOST_OVERLAP, example);
            extra.push(e);
        }
    }
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (i, e) in ents.iter().chain(extra.iter()).enumerate() {
        position.entry(e.id.as_str()).or_insert(i);
    }
    let mut relations = Vec::new();
    for r in &doc.relations {
        match (position.get(r.head.as_str()), position.get(r.tail.as_str())) {
            (Some(&h), Some(&t)) => relations.push((h, t, r.label.as_str())),
            _ => report.lose(LOST_RELATION, || format!("document {}: {} {} ({} → {})", doc.id, r.id, r.label, r.head, r.tail)),
        }
    }
    Layout { ents, extra, relations }
}

/// The `ENT_IOB` and `ENT_TYPE` columns: `B`/`I` over `doc.ents`, missing
/// over the rest of entities left out of them, outside elsewhere.
fn entity_columns(toks: &[Tok], layout: &Layout, symbols: &Symbols) -> (Vec<u64>, Vec<u64>) {
    let index = tokens::Index::new(toks);
    let mut iob = vec![IOB_OUT; toks.len()];
    let mut types = vec![0; toks.len()];
    for e in &layout.ents {
        // `segment` cut the tokens at every entity boundary.
        let Some((first, last)) = index.span(e.start as usize, e.end as usize) else { continue };
        let label = symbols.key(&e.label);
        for i in first..=last {
            if let (Some(b), Some(t)) = (iob.get_mut(i), types.get_mut(i)) {
                *b = if i == first { IOB_BEGIN } else { IOB_IN };
                *t = label;
            }
        }
    }
    for e in &layout.extra {
        let Some((first, last)) = index.span(e.start as usize, e.end as usize) else { continue };
        for b in iob.iter_mut().take(last + 1).skip(first) {
            if *b == IOB_OUT {
                *b = IOB_MISSING;
            }
        }
    }
    (iob, types)
}

/// A document's `user_data`: `{"spanlab": {id, source, status, ents,
/// entities, relations}}` (see the module docs).
fn spanlab_user_data(doc: &DocRecord, layout: &Layout) -> Vec<u8> {
    let mut p = Pack::default();
    p.map(1);
    p.str(USER_DATA_KEY);
    p.map(6);
    p.str("id");
    p.str(&doc.id);
    p.str("source");
    p.str(&doc.source);
    p.str("status");
    p.str(doc.status.as_str());
    p.str("ents");
    p.uint(layout.ents.len() as u64);
    p.str("entities");
    p.array(layout.extra.len());
    for e in &layout.extra {
        p.array(3);
        p.uint(e.start as u64);
        p.uint(e.end as u64);
        p.str(&e.label);
    }
    p.str("relations");
    p.array(layout.relations.len());
    for &(h, t, label) in &layout.relations {
        p.array(3);
        p.uint(h as u64);
        p.uint(t as u64);
        p.str(label);
    }
    p.into_bytes()
}
