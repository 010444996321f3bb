//! Reading a DocBin: the compressed msgpack inflated within limits, its
//! tables checked against each other, each document rebuilt from its
//! tokens, and spanlab's own fields taken back from `user_data`.
//!
//! Owns: every check a hostile file meets before anything is allocated or
//! indexed, and the report of what spanlab does not read (token
//! annotations, categories, span groups, other `user_data`). Must not
//! touch: writing (`write`), or the file system.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::msgpack::{self, Value};
use super::symbols::{SYMBOLS, Symbols, resolve};
use super::{
    ENT_IOB, ENT_TYPE, IOB_BEGIN, IOB_IN, IOB_MISSING, IOB_OUT, LOST_CATS, LOST_SPAN_GROUP, LOST_STALE, LOST_USER_DATA, MAX_INFLATED_BASE,
    MAX_INFLATION, MAX_TEXT_BASE, MAX_TEXT_RATIO, NORM, ORTH, SCHEMA_NAME, SENT_START, USER_DATA_KEY,
};
use crate::model::{Dataset, Status, UnknownStatus};
use crate::store::formats::{FormatError, RawDoc, RawEntity, RawRelation, Report, dataset_of, numbered_id};

/// Reads a DocBin: spanlab's own files exactly, spaCy's with their texts
/// and `doc.ents`; what spanlab has no place for is reported.
pub fn read(bytes: &[u8], report: &mut Report) -> Result<Dataset, FormatError> {
    let inflated = inflate(bytes)?;
    let top = msgpack::decode(&inflated).map_err(|e| FormatError::new(format!("msgpack at byte {}", e.at), e.message))?;
    let bin = DocBin::from_msgpack(&top, report)?;
    let symbols = Symbols::new();
    let strings = symbols.table(&bin.strings);
    let mut docs = Vec::with_capacity(bin.lengths.len());
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut row = 0usize;
    let mut budget = MAX_TEXT_BASE.saturating_add(MAX_TEXT_RATIO.saturating_mul(inflated.len()));
    for (i, &n) in bin.lengths.iter().enumerate() {
        let raw = bin.doc(i, row, n, &strings, &mut budget, report)?;
        row += n;
        if !ids.insert(raw.id.clone()) {
            return Err(FormatError::new(format!("document {}", i + 1), format!("id {:?} is used by an earlier document", raw.id)));
        }
        docs.push(raw.into_record(report));
    }
    Ok(dataset_of(docs, SCHEMA_NAME))
}

/// Inflates zlib data, refusing more than [`MAX_INFLATED_BASE`] plus
/// [`MAX_INFLATION`] times the input, and data that ends before the stream.
pub(super) fn inflate(bytes: &[u8]) -> Result<Vec<u8>, FormatError> {
    let cap = MAX_INFLATED_BASE.saturating_add(MAX_INFLATION.saturating_mul(bytes.len() as u64));
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut z = flate2::Decompress::new(true);
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len().saturating_mul(4).min(cap));
    loop {
        if out.len() == out.capacity() {
            if out.len() >= cap {
                return Err(FormatError::new("file", format!("inflates to more than {cap} bytes; not a DocBin spanlab reads")));
            }
            out.reserve(out.len().max(1 << 16).min(cap - out.len()));
        }
        let (in_before, out_before) = (z.total_in(), out.len());
        let rest = usize::try_from(z.total_in()).ok().and_then(|at| bytes.get(at..)).unwrap_or(&[]);
        let status = z
            .decompress_vec(rest, &mut out, flate2::FlushDecompress::None)
            .map_err(|e| FormatError::new(format!("zlib at byte {}", z.total_in()), format!("not a spaCy DocBin (bad zlib data: {e})")))?;
        if status == flate2::Status::StreamEnd {
            return Ok(out);
        }
        if z.total_in() == in_before && out.len() == out_before {
            return Err(FormatError::new(format!("zlib at byte {}", z.total_in()), "the file ends before its compressed data does"));
        }
    }
}

/// The top-level fields of a DocBin, checked against each other.
struct DocBin<'a> {
    attrs: Vec<u64>,
    /// The token table, `lengths.sum()` rows of `attrs.len()` values.
    tokens: &'a [u8],
    spaces: &'a [u8],
    lengths: Vec<usize>,
    strings: Vec<&'a str>,
    cats: Option<&'a [Value<'a>]>,
    flags: Option<&'a [Value<'a>]>,
    span_groups: Option<&'a [Value<'a>]>,
    user_data: Option<&'a [Value<'a>]>,
}

/// The message for a value of the wrong type.
fn expected(what: &str, found: &Value) -> String {
    format!("expected {what}, found {}", found.kind())
}

impl<'a> DocBin<'a> {
    fn from_msgpack(top: &'a Value<'a>, report: &mut Report) -> Result<Self, FormatError> {
        let Some(entries) = top.as_map() else {
            return Err(FormatError::new("DocBin", expected("a map", top)));
        };
        let mut fields: BTreeMap<&str, &Value> = BTreeMap::new();
        for (k, v) in entries {
            let Some(name) = k.as_str() else {
                return Err(FormatError::new("DocBin", expected("string keys", k)));
            };
            match name {
                "version" | "attrs" | "tokens" | "spaces" | "lengths" | "strings" | "cats" | "flags" | "span_groups" | "user_data" => {
                    fields.insert(name, v);
                }
                other => report.lose(&format!("DocBin field \"{other}\" (not read)"), || format!("field {other}")),
            }
        }
        let field = |name: &str| fields.get(name).copied().ok_or_else(|| FormatError::new("DocBin", format!("no \"{name}\" field")));
        let bytes_of = |name: &str| -> Result<&'a [u8], FormatError> {
            let v = field(name)?;
            v.as_bytes().ok_or_else(|| FormatError::new(format!("\"{name}\""), expected("bytes", v)))
        };
        let list_of = |name: &str| -> Result<Option<&'a [Value<'a>]>, FormatError> {
            match fields.get(name) {
                None => Ok(None),
                Some(v) => v.as_array().map(Some).ok_or_else(|| FormatError::new(format!("\"{name}\""), expected("a list", v))),
            }
        };
        let attrs_value = field("attrs")?;
        let Some(attr_items) = attrs_value.as_array() else {
            return Err(FormatError::new("\"attrs\"", expected("a list", attrs_value)));
        };
        let mut attrs = Vec::with_capacity(attr_items.len());
        for (i, a) in attr_items.iter().enumerate() {
            attrs.push(a.as_u64().ok_or_else(|| FormatError::new(format!("\"attrs\" item {}", i + 1), expected("an attribute id", a)))?);
        }
        if !attrs.contains(&ORTH) {
            return Err(FormatError::new("\"attrs\"", "no ORTH attribute: the words are missing"));
        }
        let tokens = bytes_of("tokens")?;
        let row_bytes = 8 * attrs.len();
        if tokens.len() % row_bytes != 0 {
            return Err(FormatError::new(
                "\"tokens\"",
                format!("{} bytes is not a whole number of rows of {} attributes", tokens.len(), attrs.len()),
            ));
        }
        let n_tokens = tokens.len() / row_bytes;
        let length_bytes = bytes_of("lengths")?;
        if length_bytes.len() % 4 != 0 {
            return Err(FormatError::new("\"lengths\"", format!("{} bytes is not a whole number of 32-bit lengths", length_bytes.len())));
        }
        let mut lengths = Vec::with_capacity(length_bytes.len() / 4);
        let mut total = 0usize;
        for (i, chunk) in length_bytes.chunks_exact(4).enumerate() {
            let n = i32::from_le_bytes(chunk.try_into().unwrap_or([0; 4]));
            let n = usize::try_from(n).map_err(|_| FormatError::new(format!("document {}", i + 1), format!("negative length {n}")))?;
            total = total.saturating_add(n);
            if total > n_tokens {
                return Err(FormatError::new(
                    format!("document {}", i + 1),
                    format!("its length {n} goes past the {n_tokens} tokens of the token table"),
                ));
            }
            lengths.push(n);
        }
        if total != n_tokens {
            return Err(FormatError::new(
                "\"lengths\"",
                format!("the documents' lengths add up to {total}, but there are {n_tokens} tokens"),
            ));
        }
        let spaces = bytes_of("spaces")?;
        if spaces.len() != n_tokens {
            return Err(FormatError::new("\"spaces\"", format!("{} flags for {n_tokens} tokens", spaces.len())));
        }
        let strings_value = field("strings")?;
        let Some(string_items) = strings_value.as_array() else {
            return Err(FormatError::new("\"strings\"", expected("a list", strings_value)));
        };
        let mut strings = Vec::with_capacity(string_items.len());
        for (i, s) in string_items.iter().enumerate() {
            strings.push(s.as_str().ok_or_else(|| FormatError::new(format!("\"strings\" item {}", i + 1), expected("a string", s)))?);
        }
        let bin = DocBin {
            attrs,
            tokens,
            spaces,
            lengths,
            strings,
            cats: list_of("cats")?,
            flags: list_of("flags")?,
            span_groups: list_of("span_groups")?,
            user_data: list_of("user_data")?,
        };
        let n_docs = bin.lengths.len();
        for (name, list) in [("cats", bin.cats), ("flags", bin.flags), ("span_groups", bin.span_groups)] {
            if let Some(l) = list.filter(|l| l.len() != n_docs) {
                return Err(FormatError::new(format!("\"{name}\""), format!("{} items for {n_docs} documents", l.len())));
            }
        }
        if let Some(l) = bin.user_data.filter(|l| l.len() > n_docs) {
            return Err(FormatError::new("\"user_data\"", format!("{} items for {n_docs} documents", l.len())));
        }
        Ok(bin)
    }

    /// Document `i` (from 0), whose tokens are rows `row..row + n`;
    /// `budget`: how many more bytes of text may be read.
    fn doc(
        &self,
        i: usize,
        row: usize,
        n: usize,
        strings: &HashMap<u64, &'a str>,
        budget: &mut usize,
        report: &mut Report,
    ) -> Result<RawDoc, FormatError> {
        let place = format!("document {}", i + 1);
        let (ours, others) = match self.user_data.and_then(|u| u.get(i)) {
            None | Some(Value::Nil) => (None, Vec::new()),
            Some(v) => spanlab_fields(v, &place)?,
        };
        let id = ours.as_ref().and_then(|o| o.id.clone()).unwrap_or_else(|| numbered_id(i));
        for key in others {
            report.lose(LOST_USER_DATA, || format!("document {id}: key {key}"));
        }
        let column = |attr: u64| self.attrs.iter().position(|&a| a == attr);
        let orth = column(ORTH).unwrap_or(0);
        let (iob_col, type_col) = (column(ENT_IOB), column(ENT_TYPE));
        let unknown_spaces =
            self.flags.and_then(|f| f.get(i)).and_then(|f| f.get("has_unknown_spaces")).is_some_and(|v| matches!(v, Value::Bool(true)));
        let mut text = String::new();
        let mut chars = 0usize;
        let mut entities: Vec<RawEntity> = Vec::new();
        // The entity being read: its first code point, its label's hash
        // and its first token.
        let mut open: Option<(usize, u64, usize)> = None;
        let mut last_end = 0usize;
        let close = |open: &mut Option<(usize, u64, usize)>, end: usize, entities: &mut Vec<RawEntity>| {
            let Some((start, label, first)) = open.take() else { return Ok(()) };
            let label = resolve(strings, label).ok_or_else(|| {
                FormatError::new(format!("{place}, token {}", first + 1), format!("ENT_TYPE hash {label} is not in the strings"))
            })?;
            if !label.is_empty() {
                entities.push(RawEntity { start, end, label: label.to_owned(), ..RawEntity::default() });
            }
            Ok(())
        };
        for t in 0..n {
            let r = row + t;
            let at = || format!("{place}, token {}", t + 1);
            let word_hash = self.cell(r, orth).ok_or_else(|| FormatError::new(at(), "the token table ends early"))?;
            let word = resolve(strings, word_hash)
                .ok_or_else(|| FormatError::new(at(), format!("ORTH hash {word_hash} is not in the strings")))?;
            let iob = match iob_col {
                Some(c) => self.cell(r, c).ok_or_else(|| FormatError::new(at(), "the token table ends early"))?,
                None => IOB_MISSING,
            };
            let ent_type = type_col.and_then(|c| self.cell(r, c)).unwrap_or(0);
            match iob {
                IOB_IN if open.is_none() => {
                    return Err(FormatError::new(at(), "an I entity tag with no entity open (spaCy refuses it too)"));
                }
                IOB_IN => {}
                IOB_MISSING | IOB_OUT => close(&mut open, last_end, &mut entities)?,
                IOB_BEGIN => {
                    close(&mut open, last_end, &mut entities)?;
                    if ent_type != 0 {
                        open = Some((chars, ent_type, t));
                    }
                }
                other => return Err(FormatError::new(at(), format!("ENT_IOB value {other} is not one of 0 to 3"))),
            }
            *budget = budget
                .checked_sub(word.len() + 1)
                .ok_or_else(|| FormatError::new(at(), "the texts grow far past the size of the file (its tokens repeat long strings)"))?;
            text.push_str(word);
            chars += word.chars().count();
            last_end = chars;
            let space = unknown_spaces || self.spaces.get(r).is_some_and(|&b| b != 0);
            if space {
                text.push(' ');
                chars += 1;
            }
        }
        close(&mut open, last_end, &mut entities)?;
        self.report_unread(i, &id, row, n, report);
        let in_ents = entities.len();
        let mut raw = RawDoc { id, text, entities, ..RawDoc::default() };
        if let Some(o) = ours {
            raw.source = o.source;
            raw.status = o.status;
            for (k, (start, end, label)) in o.entities.into_iter().enumerate() {
                if start >= end || end > chars {
                    return Err(FormatError::new(
                        format!("{place}, user_data entity {}", k + 1),
                        format!("offsets [{start}, {end}) are not a span of the text ({chars} code points)"),
                    ));
                }
                raw.entities.push(RawEntity { start, end, label, ..RawEntity::default() });
            }
            if o.ents.is_some_and(|e| e != in_ents) {
                for (_, _, label) in &o.relations {
                    report.lose(LOST_STALE, || format!("document {}: {label}", raw.id));
                }
            } else {
                for (k, (head, tail, label)) in o.relations.into_iter().enumerate() {
                    if head >= raw.entities.len() || tail >= raw.entities.len() {
                        return Err(FormatError::new(
                            format!("{place}, user_data relation {}", k + 1),
                            format!("entity index {} is past the {} entities", head.max(tail), raw.entities.len()),
                        ));
                    }
                    raw.relations.push(RawRelation { head, tail, label, ..RawRelation::default() });
                }
            }
        }
        Ok(raw)
    }

    /// The value of attribute column `col` of token row `row`.
    fn cell(&self, row: usize, col: usize) -> Option<u64> {
        let at = row.checked_mul(self.attrs.len())?.checked_add(col)?.checked_mul(8)?;
        let bytes: [u8; 8] = self.tokens.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(u64::from_le_bytes(bytes))
    }

    /// Reports what document `i` holds that spanlab does not read: token
    /// annotations, categories, span groups.
    fn report_unread(&self, i: usize, id: &str, row: usize, n: usize, report: &mut Report) {
        for (col, &attr) in self.attrs.iter().enumerate() {
            // NORM is derived from the words; the first token always starts a sentence.
            if matches!(attr, ORTH | NORM | ENT_IOB | ENT_TYPE) {
                continue;
            }
            let first = usize::from(attr == SENT_START);
            if (first..n).any(|t| self.cell(row + t, col).is_some_and(|v| v != 0)) {
                let name = usize::try_from(attr).ok().and_then(|a| SYMBOLS.get(a)).map_or_else(|| format!("#{attr}"), |s| (*s).to_owned());
                report.lose(&format!("token attribute {name} (spanlab keeps no token annotations)"), || format!("document {id}"));
            }
        }
        if let Some(cats) = self.cats.and_then(|c| c.get(i)).and_then(Value::as_map) {
            for (k, v) in cats {
                report.lose(LOST_CATS, || format!("document {id}: {} = {}", k.display(), v.display()));
            }
        }
        // spaCy writes no span groups as `b""` or a msgpack `[]`.
        if let Some(bytes) = self.span_groups.and_then(|g| g.get(i)).and_then(Value::as_bytes)
            && !bytes.is_empty()
            && bytes != [0x90]
        {
            report_span_groups(bytes, id, report);
        }
    }
}

/// Reports the span groups of a document, one loss a group (with its name
/// and number of spans) when they can be decoded.
fn report_span_groups(bytes: &[u8], id: &str, report: &mut Report) {
    let describe = |group: &Value| -> String {
        let Some(inner) = group.as_bytes().and_then(|b| msgpack::decode(b).ok()) else { return "a group".to_owned() };
        let name = inner.get("name").and_then(Value::as_str).unwrap_or("?").to_owned();
        let spans = inner.get("spans").and_then(Value::as_array).map_or(0, <[Value]>::len);
        format!("group {name:?}, {spans} spans")
    };
    match msgpack::decode(bytes) {
        Ok(Value::Array(groups)) => {
            for g in &groups {
                report.lose(LOST_SPAN_GROUP, || format!("document {id}: {}", describe(g)));
            }
        }
        Ok(Value::Map(groups)) => {
            for (g, _) in &groups {
                report.lose(LOST_SPAN_GROUP, || format!("document {id}: {}", describe(g)));
            }
        }
        _ => report.lose(LOST_SPAN_GROUP, || format!("document {id}: span groups spanlab cannot decode")),
    }
}

/// What spanlab keeps in a document's `user_data`.
#[derive(Default)]
struct SpanlabFields {
    id: Option<String>,
    source: String,
    status: Option<Status>,
    /// How many entities were written in `doc.ents`.
    ents: Option<usize>,
    /// `(start, end, label)`, code points.
    entities: Vec<(usize, usize, String)>,
    /// `(head, tail, label)`, indices into `doc.ents` then `entities`.
    relations: Vec<(usize, usize, String)>,
}

/// spanlab's fields in a document's `user_data` (`None` when it has none),
/// and the other entries' keys, for the report.
fn spanlab_fields(user_data: &Value, place: &str) -> Result<(Option<SpanlabFields>, Vec<String>), FormatError> {
    let here = format!("{place}, user_data");
    let Some(bytes) = user_data.as_bytes() else {
        return Err(FormatError::new(here, expected("bytes", user_data)));
    };
    let decoded = msgpack::decode(bytes).map_err(|e| FormatError::new(format!("{here}: msgpack at byte {}", e.at), e.message))?;
    let Some(entries) = decoded.as_map() else {
        return Err(FormatError::new(here, expected("a map", &decoded)));
    };
    let mut ours = None;
    let mut others = Vec::new();
    for (k, v) in entries {
        if k.as_str() == Some(USER_DATA_KEY) {
            ours = Some(read_spanlab_map(v, &format!("{here} \"{USER_DATA_KEY}\""))?);
        } else {
            others.push(k.display());
        }
    }
    Ok((ours, others))
}

fn read_spanlab_map(v: &Value, here: &str) -> Result<SpanlabFields, FormatError> {
    let err = |what: &str, m: String| FormatError::new(format!("{here}, {what}"), m);
    if v.as_map().is_none() {
        return Err(FormatError::new(here, expected("a map", v)));
    }
    let text = |key: &str| -> Result<Option<String>, FormatError> {
        match v.get(key) {
            None => Ok(None),
            Some(s) => s.as_str().map(|s| Some(s.to_owned())).ok_or_else(|| err(key, expected("a string", s))),
        }
    };
    let index = |x: &Value, what: &str| -> Result<usize, FormatError> {
        x.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| err(what, expected("a whole number", x)))
    };
    let triples = |key: &str| -> Result<Vec<(usize, usize, String)>, FormatError> {
        let Some(list) = v.get(key) else { return Ok(Vec::new()) };
        let items = list.as_array().ok_or_else(|| err(key, expected("a list", list)))?;
        let mut out = Vec::with_capacity(items.len());
        for (k, item) in items.iter().enumerate() {
            let what = format!("{key} item {}", k + 1);
            let Some([a, b, label]) = item.as_array() else {
                return Err(err(&what, expected("a list of 3", item)));
            };
            let label = label.as_str().ok_or_else(|| err(&what, expected("a label", label)))?;
            out.push((index(a, &what)?, index(b, &what)?, label.to_owned()));
        }
        Ok(out)
    };
    Ok(SpanlabFields {
        id: text("id")?,
        source: text("source")?.unwrap_or_default(),
        status: match text("status")? {
            None => None,
            Some(s) => Some(s.parse().map_err(|e: UnknownStatus| err("status", e.to_string()))?),
        },
        ents: v.get("ents").map(|e| index(e, "ents")).transpose()?,
        entities: triples("entities")?,
        relations: triples("relations")?,
    })
}
