//! Converters between the gold dataset and the formats other tools use:
//! doccano, spaCy/Prodigy JSONL, spaCy's binary `.spacy`, brat, CoNLL IOB2
//! and Label Studio.
//!
//! Owns: the mapping of each format to and from [`Dataset`], and the honest
//! [`Report`] of what a conversion carried and what it could not. Readers
//! return canonical datasets (entities sorted and numbered as the contract
//! says), so that `read(write(x)) == x` wherever a format can express `x`.
//! Must not touch: the file system. Converters take and return bytes
//! ([`Source`], [`Written`]); `store::convert` reads and writes the paths.
//!
//! Formats that count tokens need a tokenizer: callers pass one in
//! ([`Tokenizer`]); the default, [`format_tokens`], is the model's tokenizer
//! (the one the suggestion engine reads), and tests pass a simpler one.
//! Token boundaries are then cut at every entity boundary
//! ([`tokens::segment`]), so no span is lost to tokenization.

pub mod brat;
pub mod conll;
pub mod docbin;
pub mod doccano;
mod fields;
pub mod label_studio;
pub mod lines;
pub mod schema;
pub mod spacy_jsonl;
#[cfg(test)]
pub(crate) mod testgen;
pub mod tokens;

use std::collections::BTreeMap;
use std::fmt;

use crate::model::dataset::{DocRecord, EntityRecord, RelationRecord};
use crate::model::span::Extra;
use crate::model::{CharIdx, Dataset, Schema, Status, Text};

/// The formats spanlab reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// The gold dataset (`shared/dataset-format.md`).
    Spanlab,
    /// doccano JSONL, sequence-labelling or relation shape.
    Doccano,
    /// spaCy/Prodigy JSONL with tokens, spans and relations.
    SpacyJsonl,
    /// spaCy's binary `.spacy` file (`DocBin`).
    Docbin,
    /// A folder of brat `.txt` + `.ann` files.
    Brat,
    /// CoNLL-2003 style IOB2, one token a line.
    Conll,
    /// Label Studio task JSON.
    LabelStudio,
    /// The gold dataset's documents, one a line (JSONL), for streams.
    GoldLines,
}

impl Format {
    /// Every format, in the order menus show them.
    pub const ALL: [Format; 8] = [
        Format::Spanlab,
        Format::Doccano,
        Format::SpacyJsonl,
        Format::Docbin,
        Format::Brat,
        Format::Conll,
        Format::LabelStudio,
        Format::GoldLines,
    ];

    /// The name used on the command line (`--format spacy-jsonl`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Spanlab => "spanlab",
            Format::Doccano => "doccano",
            Format::SpacyJsonl => "spacy-jsonl",
            Format::Docbin => "docbin",
            Format::Brat => "brat",
            Format::Conll => "conll",
            Format::LabelStudio => "label-studio",
            Format::GoldLines => "gold-lines",
        }
    }

    /// A name for menus.
    pub fn title(self) -> &'static str {
        match self {
            Format::Spanlab => "spanlab gold JSON",
            Format::Doccano => "doccano JSONL",
            Format::SpacyJsonl => "spaCy / Prodigy JSONL",
            Format::Docbin => "spaCy DocBin (.spacy)",
            Format::Brat => "brat standoff (folder)",
            Format::Conll => "CoNLL IOB2",
            Format::LabelStudio => "Label Studio JSON",
            Format::GoldLines => "spanlab gold lines (JSONL)",
        }
    }

    /// Parses a command-line name.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The usual file name extension (brat writes a folder).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Spanlab | Format::LabelStudio => "json",
            Format::Doccano | Format::SpacyJsonl | Format::GoldLines => "jsonl",
            Format::Docbin => "spacy",
            Format::Brat => "",
            Format::Conll => "conll",
        }
    }

    /// True when the format is a folder of files rather than one file.
    pub fn is_folder(self) -> bool {
        self == Format::Brat
    }

    /// Guesses the format of an input from its name and first bytes; `None`
    /// when they do not tell.
    pub fn sniff(name: &str, is_folder: bool, head: &[u8]) -> Option<Format> {
        if is_folder {
            return Some(Format::Brat);
        }
        let lower = name.to_lowercase();
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "spacy" => return Some(Format::Docbin),
            "conll" | "iob" | "iob2" | "bio" => return Some(Format::Conll),
            "ann" => return Some(Format::Brat),
            _ => {}
        }
        let text = String::from_utf8_lossy(head);
        let trimmed = text.trim_start_matches('\u{FEFF}').trim_start();
        if trimmed.starts_with('[') {
            return Some(Format::LabelStudio);
        }
        if trimmed.starts_with('{') {
            // A dataset names its format, or starts with a key that only a
            // dataset has (written compactly with sorted keys, its
            // `"format"` comes after `"documents"`, past these bytes).
            if trimmed.contains("\"spanlab-dataset\"") || matches!(first_key(trimmed), Some("documents" | "format" | "schema" | "version"))
            {
                return Some(Format::Spanlab);
            }
            let first_line = trimmed.lines().next().unwrap_or("");
            if first_line.contains("\"tokens\"") || first_line.contains("\"spans\"") {
                return Some(Format::SpacyJsonl);
            }
            if first_line.contains("\"entities\"") && !first_line.contains("\"start_offset\"") {
                return Some(Format::GoldLines);
            }
            if first_line.contains("\"start_offset\"") || first_line.contains("\"label\"") || first_line.contains("\"labels\"") {
                return Some(Format::Doccano);
            }
            if first_line.contains("\"data\"") {
                return Some(Format::LabelStudio);
            }
            return None;
        }
        if trimmed.starts_with("-DOCSTART-") {
            return Some(Format::Conll);
        }
        None
    }
}

/// The first key of a JSON object's text (`{ "documents": …` →
/// `documents`), when it has no escapes.
fn first_key(object: &str) -> Option<&str> {
    let rest = object.strip_prefix('{')?.trim_start().strip_prefix('"')?;
    let (key, _) = rest.split_once('"')?;
    (!key.contains('\\')).then_some(key)
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The unit offsets are counted in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Offsets {
    /// Unicode code points (Python's `str` indices): the default.
    #[default]
    Chars,
    /// UTF-16 code units (JavaScript's string indices).
    Utf16,
    /// UTF-8 bytes.
    Bytes,
}

impl Offsets {
    /// Every unit.
    pub const ALL: [Offsets; 3] = [Offsets::Chars, Offsets::Utf16, Offsets::Bytes];

    /// The name used on the command line and in files' metadata.
    pub fn name(self) -> &'static str {
        match self {
            Offsets::Chars => "chars",
            Offsets::Utf16 => "utf16",
            Offsets::Bytes => "bytes",
        }
    }

    /// Parses a name (`chars`, `codepoints`, `utf16`, `utf-16`, `bytes`, `utf8`).
    pub fn parse(name: &str) -> Option<Offsets> {
        match name.to_ascii_lowercase().as_str() {
            "chars" | "char" | "codepoints" | "code-points" | "code_points" => Some(Offsets::Chars),
            "utf16" | "utf-16" | "utf16le" => Some(Offsets::Utf16),
            "bytes" | "byte" | "utf8" | "utf-8" => Some(Offsets::Bytes),
            _ => None,
        }
    }

    /// A code-point offset counted in this unit (`None` past the end).
    ///
    /// `"é😀x"`, `CharIdx::new(2)`: chars 2, utf16 3, bytes 6.
    pub fn from_char(self, text: &Text, at: CharIdx) -> Option<usize> {
        match self {
            Offsets::Chars => (at.get() <= text.len_chars()).then_some(at.get()),
            Offsets::Utf16 => text.char_to_utf16(at).map(|u| u.get()),
            Offsets::Bytes => text.char_to_byte(at).map(|b| b.get()),
        }
    }

    /// An offset in this unit as a code-point offset; `None` past the end or
    /// inside a character (half a surrogate pair, the middle of a UTF-8
    /// sequence).
    pub fn to_char(self, text: &Text, at: i64) -> Option<CharIdx> {
        let at = usize::try_from(at).ok()?;
        match self {
            Offsets::Chars => (at <= text.len_chars()).then_some(CharIdx::new(at)),
            Offsets::Utf16 => text.utf16_to_char(crate::model::Utf16Idx::new(at)),
            Offsets::Bytes => text.byte_to_char(crate::model::ByteIdx::new(at)),
        }
    }
}

impl fmt::Display for Offsets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a tokenizer cuts a text: code-point ranges of its tokens (never
/// whitespace) and whether each starts a sentence.
pub type Tokenizer<'a> = &'a (dyn Fn(&str) -> Vec<BaseToken> + Sync);

/// The default [`Tokenizer`] of the token-based formats (spaCy JSONL,
/// `.spacy`, CoNLL): the model's tokenizer ([`crate::model::tokenize`]), as
/// code-point ranges.
pub fn format_tokens(s: &str) -> Vec<BaseToken> {
    crate::model::tokenize::tokenize(s)
        .into_iter()
        .map(|t| BaseToken { start: t.start, end: t.end, sentence_start: t.sentence_start })
        .collect()
}

/// A token as a tokenizer gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BaseToken {
    pub start: CharIdx,
    pub end: CharIdx,
    pub sentence_start: bool,
}

/// Options of a conversion.
#[derive(Clone, Debug)]
pub struct Options {
    /// The unit of offsets in the file; `None`: what the file's metadata
    /// says, else code points.
    pub offsets: Option<Offsets>,
    /// Label Studio's `from_name` (the labels control's name).
    pub from_name: String,
    /// Label Studio's `to_name` (the text object's name).
    pub to_name: String,
    /// doccano's shape on export; `None`: relations when any document has one.
    pub doccano_shape: Option<doccano::Shape>,
}

impl Default for Options {
    fn default() -> Self {
        Self { offsets: None, from_name: "label".to_owned(), to_name: "text".to_owned(), doccano_shape: None }
    }
}

/// What a converter reads: one file's bytes, or a folder's files by
/// relative path (brat), sorted by path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    File { name: String, bytes: Vec<u8> },
    Folder(Vec<(String, Vec<u8>)>),
}

/// What a converter writes: one file, or files of a folder by relative path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    File(Vec<u8>),
    Folder(Vec<(String, Vec<u8>)>),
}

/// A place in an input that a reader could not take, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct FormatError {
    /// `line 12`, `doc.ann line 4`, `task 3, result 2`, …
    pub place: String,
    pub message: String,
}

impl FormatError {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Self { place: place.into(), message: message.into() }
    }
}

/// Which way a conversion went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Import,
    Export,
}

/// One kind of thing a conversion could not carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    /// What was not carried, and why: `relations (CoNLL has no place for them)`.
    pub what: String,
    pub count: usize,
    /// The first few, each naming its document and item.
    pub examples: Vec<String>,
}

/// How many examples a loss keeps.
const EXAMPLES: usize = 3;

/// What a conversion carried and what it could not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub format: Format,
    pub direction: Direction,
    pub documents: usize,
    pub entities: usize,
    pub relations: usize,
    /// The offset unit of the file.
    pub offsets: Offsets,
    /// Losses by kind, in the order first met.
    pub losses: Vec<Loss>,
    /// On import, the schema the input declares of its own (brat's
    /// `annotation.conf`): what a new project takes, widened to fit the
    /// data by [`schema::source_schema`]. `None` when it declares none.
    pub declared_schema: Option<Schema>,
}

impl Report {
    pub fn new(format: Format, direction: Direction) -> Self {
        Self {
            format,
            direction,
            documents: 0,
            entities: 0,
            relations: 0,
            offsets: Offsets::Chars,
            losses: Vec::new(),
            declared_schema: None,
        }
    }

    /// Records one thing not carried; `example` is only built for the first few.
    pub fn lose(&mut self, what: &str, example: impl FnOnce() -> String) {
        let loss = match self.losses.iter_mut().position(|l| l.what == what) {
            Some(i) => &mut self.losses[i],
            None => {
                self.losses.push(Loss { what: what.to_owned(), count: 0, examples: Vec::new() });
                let last = self.losses.len() - 1;
                &mut self.losses[last]
            }
        };
        loss.count += 1;
        if loss.examples.len() < EXAMPLES {
            loss.examples.push(example());
        }
    }

    /// Adds another report's counts and losses to this one (a stream's
    /// lines, each read with its own report, summed in order).
    pub fn absorb(&mut self, other: Report) {
        self.documents += other.documents;
        self.entities += other.entities;
        self.relations += other.relations;
        for l in other.losses {
            match self.losses.iter_mut().find(|m| m.what == l.what) {
                Some(m) => {
                    m.count += l.count;
                    let room = EXAMPLES.saturating_sub(m.examples.len());
                    m.examples.extend(l.examples.into_iter().take(room));
                }
                None => self.losses.push(l),
            }
        }
    }

    /// True when everything was carried.
    pub fn is_lossless(&self) -> bool {
        self.losses.is_empty()
    }

    /// Counts the documents, entities and relations of a dataset.
    fn count(&mut self, dataset: &Dataset) {
        self.documents = dataset.documents.len();
        self.entities = dataset.documents.iter().map(|d| d.entities.len()).sum();
        self.relations = dataset.documents.iter().map(|d| d.relations.len()).sum();
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.direction {
            Direction::Import => "read",
            Direction::Export => "wrote",
        };
        write!(
            f,
            "{verb} {} documents, {} entities, {} relations as {} (offsets: {})",
            self.documents,
            self.entities,
            self.relations,
            self.format,
            self.offsets.name()
        )?;
        if self.losses.is_empty() {
            return write!(f, "\nnothing lost");
        }
        for l in &self.losses {
            write!(f, "\nnot carried: {} × {}", l.count, l.what)?;
            for e in &l.examples {
                write!(f, "\n    e.g. {e}")?;
            }
        }
        Ok(())
    }
}

/// Writes a dataset in a format. `schema` is the project's (brat's
/// `annotation.conf` is made from it); `tokenizer` cuts texts for the
/// token-based formats.
///
/// An entity whose offsets cannot be counted in the file's unit (negative,
/// or past the end of its text) is an error naming the document and the
/// entity: no writer makes an offset up.
pub fn write(
    dataset: &Dataset,
    schema: &Schema,
    format: Format,
    options: &Options,
    tokenizer: Tokenizer,
) -> Result<(Written, Report), FormatError> {
    let mut report = Report::new(format, Direction::Export);
    report.count(dataset);
    report.offsets = options.offsets.unwrap_or_default();
    let written = match format {
        Format::Spanlab => Written::File(spanlab_json(dataset, report.offsets)?.into_bytes()),
        Format::Doccano => Written::File(doccano::write(dataset, options, &mut report)?),
        Format::SpacyJsonl => Written::File(spacy_jsonl::write(dataset, options, tokenizer, &mut report)?),
        Format::Docbin => Written::File(docbin::write(dataset, tokenizer, &mut report)),
        Format::Brat => Written::Folder(brat::write(dataset, schema, options, &mut report)),
        Format::Conll => Written::File(conll::write(dataset, tokenizer, &mut report)),
        Format::LabelStudio => Written::File(label_studio::write(dataset, options, &mut report)?),
        Format::GoldLines => {
            let unit = report.offsets;
            if unit != Offsets::Chars {
                report.lose("offset unit (gold lines count code points)", || format!("--offsets {}", unit.name()));
            }
            Written::File(lines::write_gold_lines(dataset)?)
        }
    };
    if !matches!(format, Format::Spanlab | Format::Doccano | Format::SpacyJsonl | Format::LabelStudio | Format::Brat) {
        report.offsets = Offsets::Chars;
    }
    Ok((written, report))
}

/// Reads a dataset in a format. `texts`, when given, holds the documents'
/// original texts (CoNLL re-attaches its tokens to them by offset).
pub fn read(source: &Source, format: Format, options: &Options, texts: Option<&Dataset>) -> Result<(Dataset, Report), FormatError> {
    let mut report = Report::new(format, Direction::Import);
    report.offsets = options.offsets.unwrap_or_default();
    let dataset = match format {
        Format::Spanlab => read_spanlab(source, options, &mut report)?,
        Format::Doccano => doccano::read(file_text(source)?, options, &mut report)?,
        Format::SpacyJsonl => spacy_jsonl::read(file_text(source)?, options, &mut report)?,
        Format::Docbin => docbin::read(file_bytes(source)?, &mut report)?,
        Format::Brat => brat::read(source, options, &mut report)?,
        Format::Conll => conll::read(file_text(source)?, texts, &mut report)?,
        Format::LabelStudio => label_studio::read(file_text(source)?, options, &mut report)?,
        Format::GoldLines => dataset_of(lines::read_gold_lines(file_text(source)?, &mut report)?, "imported"),
    };
    report.count(&dataset);
    Ok((dataset, report))
}

/// The bytes of a one-file source.
fn file_bytes(source: &Source) -> Result<&[u8], FormatError> {
    match source {
        Source::File { bytes, .. } => Ok(bytes),
        Source::Folder(_) => Err(FormatError::new("input", "this format is one file, not a folder")),
    }
}

/// The text of a one-file source (UTF-8, with or without a BOM).
/// A NUL byte is refused as the sign of a binary file (no text format holds
/// one; CoNLL would otherwise take it into a token).
fn file_text(source: &Source) -> Result<&str, FormatError> {
    let bytes = file_bytes(source)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let line_at = |at: usize| bytes.get(..at).unwrap_or(&[]).iter().filter(|&&b| b == b'\n').count() + 1;
    if bytes.contains(&0) {
        let nul = bytes.iter().position(|&b| b == 0).unwrap_or(0);
        return Err(FormatError::new(format!("line {}", line_at(nul)), format!("looks like a binary file (NUL byte at byte {nul})")));
    }
    std::str::from_utf8(bytes)
        .map_err(|e| FormatError::new(format!("line {}", line_at(e.valid_up_to())), format!("invalid UTF-8 at byte {}", e.valid_up_to())))
}

/// The gold dataset's JSON; with another unit than code points, offsets are
/// recounted and the unit recorded in an `"offsets"` field.
fn spanlab_json(dataset: &Dataset, offsets: Offsets) -> Result<String, FormatError> {
    if offsets == Offsets::Chars {
        return Ok(dataset.to_json());
    }
    let mut d = dataset.clone();
    mark_offsets(&mut d.extra, offsets);
    for doc in &mut d.documents {
        recount_offsets(doc, offsets)?;
    }
    Ok(d.to_json())
}

/// Records in a gold dataset's top-level fields the unit its offsets count
/// (nothing for code points, the format's own unit).
pub fn mark_offsets(extra: &mut Extra, unit: Offsets) {
    if unit != Offsets::Chars {
        extra.insert("offsets".to_owned(), serde_json::Value::String(unit.name().to_owned()));
    }
}

/// A gold document's entity offsets counted in `unit` (from code points).
pub fn recount_offsets(doc: &mut DocRecord, unit: Offsets) -> Result<(), FormatError> {
    if unit == Offsets::Chars {
        return Ok(());
    }
    let text = Text::new(doc.text.clone());
    for e in &mut doc.entities {
        let (start, end) = entity_offsets(&text, unit, &doc.id, e)?;
        (e.start, e.end) = (start as i64, end as i64);
    }
    Ok(())
}

/// An entity's `[start, end)` counted in `unit`, for a writer. An offset
/// that cannot be counted there (negative, or past the end of the text) is
/// an error naming the document and the entity, never a made-up number:
/// `document d7, entity T2: offset 40 is outside the text (14 code points)`.
fn entity_offsets(text: &Text, unit: Offsets, document: &str, e: &EntityRecord) -> Result<(usize, usize), FormatError> {
    let place = || format!("document {document}, entity {}", e.id);
    Ok((count_offset(text, unit, e.start, place)?, count_offset(text, unit, e.end, place)?))
}

/// A code-point offset counted in `unit`, for a writer; an error at `place`
/// when it is outside the text.
fn count_offset(text: &Text, unit: Offsets, at: i64, place: impl FnOnce() -> String) -> Result<usize, FormatError> {
    usize::try_from(at)
        .ok()
        .and_then(|c| unit.from_char(text, CharIdx::new(c)))
        .ok_or_else(|| FormatError::new(place(), format!("offset {at} is outside the text ({} code points)", text.len_chars())))
}

fn read_spanlab(source: &Source, options: &Options, report: &mut Report) -> Result<Dataset, FormatError> {
    let json = file_text(source)?;
    let mut d =
        Dataset::from_json(json).map_err(|e| FormatError::new(format!("line {}, column {}", e.line(), e.column()), e.to_string()))?;
    let declared = fields::declared_offsets(d.extra.remove("offsets").as_ref(), "\"offsets\"")?;
    let unit = resolve_offsets(declared, options.offsets)?;
    report.offsets = unit;
    if unit != Offsets::Chars {
        for doc in &mut d.documents {
            let text = Text::new(doc.text.clone());
            for e in &mut doc.entities {
                let place = || format!("document {}, entity {}", doc.id, e.id);
                e.start = convert_offset(&text, unit, e.start).map_err(|m| FormatError::new(place(), m))?.get() as i64;
                e.end = convert_offset(&text, unit, e.end).map_err(|m| FormatError::new(place(), m))?.get() as i64;
            }
        }
    }
    Ok(d)
}

/// The unit to read with: the file's declaration, else the option, else
/// code points; an error when they disagree.
fn resolve_offsets(declared: Option<Offsets>, asked: Option<Offsets>) -> Result<Offsets, FormatError> {
    match (declared, asked) {
        (Some(d), Some(a)) if d != a => {
            Err(FormatError::new("metadata", format!("the file says its offsets count {} but --offsets {} was given", d.name(), a.name())))
        }
        (Some(d), _) => Ok(d),
        (None, a) => Ok(a.unwrap_or_default()),
    }
}

/// An offset in `unit` as a code-point offset, or a message saying why not.
fn convert_offset(text: &Text, unit: Offsets, at: i64) -> Result<CharIdx, String> {
    unit.to_char(text, at).ok_or_else(|| {
        let len = match unit {
            Offsets::Chars => text.len_chars(),
            Offsets::Utf16 => text.len_utf16(),
            Offsets::Bytes => text.len_bytes(),
        };
        if at < 0 || at as u64 > len as u64 {
            format!("offset {at} is outside the text ({len} {})", unit_plural(unit))
        } else {
            format!("offset {at} falls inside a character ({} offsets)", unit.name())
        }
    })
}

fn unit_plural(unit: Offsets) -> &'static str {
    match unit {
        Offsets::Chars => "code points",
        Offsets::Utf16 => "UTF-16 units",
        Offsets::Bytes => "bytes",
    }
}

/// A document as a reader collects it, before it is made canonical.
#[derive(Clone, Debug, Default)]
pub struct RawDoc {
    pub id: String,
    pub source: String,
    pub text: String,
    /// `None`: the file does not say (the record's status is then `new`).
    pub status: Option<Status>,
    pub extra: Extra,
    pub entities: Vec<RawEntity>,
    /// Relations between indices of `entities`.
    pub relations: Vec<RawRelation>,
}

/// An entity with code-point offsets.
#[derive(Clone, Debug, Default)]
pub struct RawEntity {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub extra: Extra,
}

/// A relation between two entities of a [`RawDoc`] (indices into its list).
#[derive(Clone, Debug, Default)]
pub struct RawRelation {
    pub head: usize,
    pub tail: usize,
    pub label: String,
    pub extra: Extra,
}

impl RawDoc {
    /// The canonical record: entities sorted by `(start, end, label)` and
    /// numbered `T1…`, exact duplicates merged, relations sorted and
    /// numbered `R1…` with exact duplicates merged (same head, tail and
    /// label, counting a merged entity as one), each entity's `text` taken
    /// from the text. Every merge is reported, naming the document.
    pub fn into_record(self, report: &mut Report) -> DocRecord {
        let text = Text::new(self.text.clone());
        let mut order: Vec<(usize, &RawEntity)> = self.entities.iter().enumerate().collect();
        order.sort_by(|(_, x), (_, y)| (x.start, x.end, &x.label).cmp(&(y.start, y.end, &y.label)));
        let mut number: BTreeMap<usize, usize> = BTreeMap::new();
        let mut entities: Vec<EntityRecord> = Vec::new();
        let mut last: Option<(usize, usize, &str)> = None;
        for (i, e) in order {
            let key = (e.start, e.end, e.label.as_str());
            if last == Some(key) {
                report.lose(DUPLICATE_ENTITIES, || format!("document {}: {} [{}, {})", self.id, e.label, e.start, e.end));
                number.insert(i, entities.len().saturating_sub(1));
                continue;
            }
            last = Some(key);
            number.insert(i, entities.len());
            let n = entities.len() + 1;
            entities.push(EntityRecord {
                extra: e.extra.clone(),
                ..EntityRecord::new(n, &text, CharIdx::new(e.start), CharIdx::new(e.end), e.label.clone())
            });
        }
        let mut rels: Vec<(usize, usize, &RawRelation)> =
            self.relations.iter().filter_map(|r| Some((*number.get(&r.head)?, *number.get(&r.tail)?, r))).collect();
        rels.sort_by(|a, b| (a.0, a.1, &a.2.label).cmp(&(b.0, b.1, &b.2.label)));
        let mut relations: Vec<RelationRecord> = Vec::with_capacity(rels.len());
        let mut last: Option<(usize, usize, &str)> = None;
        for (h, t, r) in rels {
            let key = (h, t, r.label.as_str());
            if last == Some(key) {
                report.lose(DUPLICATE_RELATIONS, || format!("document {}: {} T{} → T{}", self.id, r.label, h + 1, t + 1));
                continue;
            }
            last = Some(key);
            relations
                .push(RelationRecord { extra: r.extra.clone(), ..RelationRecord::new(relations.len() + 1, h + 1, t + 1, r.label.clone()) });
        }
        DocRecord {
            id: self.id,
            source: self.source,
            sha256: crate::model::document::sha256_hex(&self.text),
            text: self.text,
            status: self.status.unwrap_or_default(),
            entities,
            relations,
            extra: self.extra,
        }
    }
}

/// The loss a reader reports when a document lists one entity twice.
pub const DUPLICATE_ENTITIES: &str = "duplicate entities (same offsets and label), merged into one";
/// The loss a reader reports when a document lists one relation twice.
pub const DUPLICATE_RELATIONS: &str = "duplicate relations (same head, tail and label), merged into one";

/// A dataset of canonical records, sorted by id, with a schema naming the
/// labels found (in order of first appearance), or the default schema's
/// block when they all belong to it.
pub fn dataset_of(docs: Vec<DocRecord>, schema_name: &str) -> Dataset {
    let mut docs = docs;
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    let mut entity_labels: Vec<String> = Vec::new();
    let mut relation_labels: Vec<String> = Vec::new();
    for d in &docs {
        for e in &d.entities {
            if !entity_labels.contains(&e.label) {
                entity_labels.push(e.label.clone());
            }
        }
        for r in &d.relations {
            if !relation_labels.contains(&r.label) {
                relation_labels.push(r.label.clone());
            }
        }
    }
    // Labels that all belong to the default schema keep its block (so a
    // round trip through another format gives back the same file).
    let news = Schema::news();
    let (ents, rels) = (news.entity_names(), news.relation_names());
    let (name, entity_labels, relation_labels) =
        if entity_labels.iter().all(|l| ents.contains(l)) && relation_labels.iter().all(|l| rels.contains(l)) {
            (news.name.clone(), ents, rels)
        } else {
            (schema_name.to_owned(), entity_labels, relation_labels)
        };
    Dataset {
        format: crate::model::dataset::FORMAT.to_owned(),
        version: crate::model::dataset::VERSION,
        schema: crate::model::dataset::DatasetSchema { name, entity_labels, relation_labels, extra: Extra::new() },
        documents: docs,
        extra: Extra::new(),
    }
}

/// Names for documents that have none: `doc-0001`, … (by position).
pub fn numbered_id(i: usize) -> String {
    format!("doc-{:04}", i + 1)
}

/// The document fields (`status`, `source`, `comment`, …) and entity and
/// relation fields that a format with no place for them drops, reported.
/// `keeps_status`: the format has somewhere for the status.
fn report_dropped_fields(dataset: &Dataset, format: &str, keeps_status: bool, keeps_entity_extra: &[&str], report: &mut Report) {
    for d in &dataset.documents {
        if !keeps_status && d.status != Status::New {
            report.lose(&format!("document status ({format} has no place for it)"), || format!("document {}: {}", d.id, d.status));
        }
        for key in d.extra.keys() {
            report.lose(&format!("document field \"{key}\" ({format} has no place for it)"), || format!("document {}", d.id));
        }
        for e in &d.entities {
            for key in e.extra.keys().filter(|k| !keeps_entity_extra.contains(&k.as_str())) {
                report.lose(&format!("entity field \"{key}\" ({format} has no place for it)"), || format!("document {}: {}", d.id, e.id));
            }
        }
        for r in &d.relations {
            for key in r.extra.keys() {
                report.lose(&format!("relation field \"{key}\" ({format} has no place for it)"), || format!("document {}: {}", d.id, r.id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testgen::{arb_dataset, canon};
    use super::*;
    use proptest::prelude::*;

    /// A gold dataset written compactly with its keys sorted (serde_json's
    /// `Value`, `jq -cS`) starts `{"documents":[{"entities":` and names its
    /// format past the bytes sniffed: it was taken for gold lines, read as
    /// one line without a text, and converted to nothing. A dataset's own
    /// keys say it is one; a gold line is still a gold line.
    #[test]
    fn a_compact_dataset_with_sorted_keys_is_a_dataset_not_gold_lines() {
        let long = "x".repeat(5000);
        let compact = format!("{{\"documents\":[{{\"entities\":[],\"id\":\"a\",\"text\":\"{long}\"}}],\"format\":\"spanlab-dataset\"}}");
        let head = compact.as_bytes().get(..4096).unwrap();
        assert_eq!(Format::sniff("x.json", false, head), Some(Format::Spanlab));
        for start in ["{ \"schema\": {", "{\"version\":1,", "{\"format\":\"other\","] {
            assert_eq!(Format::sniff("x.json", false, start.as_bytes()), Some(Format::Spanlab), "{start}");
        }
        let line = "{\"entities\":[],\"id\":\"a\",\"text\":\"Paris\"}\n";
        assert_eq!(Format::sniff("x.jsonl", false, line.as_bytes()), Some(Format::GoldLines));
    }

    #[test]
    fn sniffing_names_and_contents() {
        let cases: [(&str, bool, &str, Option<Format>); 9] = [
            ("x.spacy", false, "", Some(Format::Docbin)),
            ("x", true, "", Some(Format::Brat)),
            ("x.conll", false, "", Some(Format::Conll)),
            ("x.txt", false, "-DOCSTART- -X- -X- O\n", Some(Format::Conll)),
            ("x.json", false, "{\n \"format\": \"spanlab-dataset\",", Some(Format::Spanlab)),
            ("x.json", false, "[{\"data\": {\"text\": \"a\"}}]", Some(Format::LabelStudio)),
            ("x.jsonl", false, "{\"text\": \"a\", \"tokens\": []}\n", Some(Format::SpacyJsonl)),
            ("x.jsonl", false, "{\"text\": \"a\", \"label\": []}\n", Some(Format::Doccano)),
            ("x.bin", false, "\u{0}\u{1}", None),
        ];
        for (name, folder, head, want) in cases {
            assert_eq!(Format::sniff(name, folder, head.as_bytes()), want, "{name} {head:?}");
        }
    }

    #[test]
    fn offsets_convert_both_ways_and_refuse_the_middle_of_a_character() {
        let t = Text::from("é😀x");
        assert_eq!(Offsets::ALL.map(|u| u.from_char(&t, CharIdx::new(2))), [Some(2), Some(3), Some(6)]);
        assert_eq!(Offsets::Utf16.to_char(&t, 2), None, "between the halves of a surrogate pair");
        assert_eq!(Offsets::Bytes.to_char(&t, 1), None, "inside é");
        assert_eq!(Offsets::Bytes.to_char(&t, -1), None);
        assert!(convert_offset(&t, Offsets::Utf16, 9).unwrap_err().contains("outside the text (4 UTF-16 units)"));
    }

    proptest! {
        #[test]
        fn the_gold_format_round_trips_in_every_unit(x in arb_dataset(true, true), unit in 0usize..3) {
            let opts = Options { offsets: Some(Offsets::ALL[unit]), ..Options::default() };
            let tok: Tokenizer = &|_| Vec::new();
            let (written, report) = write(&x, &Schema::news(), Format::Spanlab, &opts, tok).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(report.is_lossless());
            let Written::File(bytes) = written else { return Err(TestCaseError::fail("a file")) };
            let source = Source::File { name: "x.json".into(), bytes };
            // The unit is read from the file, whatever the default.
            let (back, r) = read(&source, Format::Spanlab, &Options::default(), None).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(r.offsets, Offsets::ALL[unit]);
            prop_assert_eq!(canon(&back), canon(&x));
        }
    }
}
