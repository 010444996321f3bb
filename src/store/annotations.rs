//! The per-document annotation file: everything spanlab knows about one
//! document except its text (which stays in the article, never modified).
//!
//! Owns: the file's shape (`spanlab-annotations`, version 1), its
//! deterministic rendering, safe file names for document ids (never longer
//! than a file name may be), and loading onto a text that may have changed
//! (re-anchoring, helped by the text recorded around each span).

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::document::Orphan;
use crate::model::reanchor::{Anchor, reanchor};
use crate::model::span::{Extra, Origin, Relation, RelationEnd, RelationSuggestion, Span, SpanId, Suggestion};
use crate::model::{CharIdx, DocId, Document, Status};

/// The `format` field of an annotation file.
pub const FORMAT: &str = "spanlab-annotations";

/// One annotation file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnotationFile {
    pub format: String,
    pub version: u32,
    pub id: String,
    pub source: String,
    /// The article's path in the project when it differs from `source`
    /// (an imported dataset's document written to a file of another name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Whose annotations these are (a project with several annotators).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotator: Option<String>,
    /// SHA-256 of the text these offsets refer to.
    pub sha256: String,
    pub status: Status,
    #[serde(default)]
    pub comment: String,
    /// The next id to hand out, so ids are never reused.
    pub next_id: u64,
    #[serde(default)]
    pub spans: Vec<SpanRecord>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(default)]
    pub suggestions: Vec<SuggestionRecord>,
    /// Relation suggestions, their ends spans or entity suggestions of
    /// this file (by id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relation_suggestions: Vec<RelationSuggestion>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orphans: Vec<Orphan>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    /// The document was opened with "open documents with suggestions
    /// accepted" on: what arrives for it later is accepted as it arrives
    /// ([`Document::accepts_arrivals`]). Written only when true, so other
    /// files are as before; absent in older files (false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accept_arrivals: bool,
}

/// A span with its text and the text around it, so it can be found again
/// if the article changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpanRecord {
    pub id: SpanId,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    /// The text just before the span (see `model::reanchor`); absent in
    /// files of earlier versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The text just after the span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// A suggestion with its text and the text around it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuggestionRecord {
    #[serde(flatten)]
    pub suggestion: Suggestion,
    pub text: String,
    /// The text just before the suggestion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The text just after the suggestion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// What happened while loading annotations onto their text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// The text's hash differed from the one recorded.
    pub text_changed: bool,
    pub moved: usize,
    pub orphaned: usize,
    pub suggestions_lost: usize,
}

impl AnnotationFile {
    /// Records a document's annotations.
    pub fn from_document(doc: &Document) -> Self {
        let text = doc.text();
        let spans = doc
            .spans()
            .iter()
            .map(|s| {
                let anchor = Anchor::of(text, s.start, s.end);
                SpanRecord {
                    id: s.id,
                    start: s.start.get(),
                    end: s.end.get(),
                    label: s.label.clone(),
                    text: anchor.text,
                    before: anchor.before,
                    after: anchor.after,
                    origin: s.origin.clone(),
                    extra: s.extra.clone(),
                }
            })
            .collect();
        let suggestions = doc
            .suggestions()
            .map(|s| {
                let anchor = Anchor::of(text, s.start, s.end);
                SuggestionRecord { suggestion: s.clone(), text: anchor.text, before: anchor.before, after: anchor.after }
            })
            .collect();
        Self {
            format: FORMAT.to_owned(),
            version: 1,
            id: doc.id.0.clone(),
            source: doc.source.clone(),
            article: None,
            annotator: None,
            sha256: doc.sha256().to_owned(),
            status: doc.status(),
            comment: doc.comment().to_owned(),
            next_id: doc.next_id(),
            spans,
            relations: doc.relations().cloned().collect(),
            suggestions,
            relation_suggestions: doc.relation_suggestions().cloned().collect(),
            orphans: doc.orphans.clone(),
            extra: doc.extra.clone(),
            accept_arrivals: doc.accepts_arrivals(),
        }
    }

    /// Deterministic JSON (one-space indent, final newline).
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
        if self.serialize(&mut ser).is_err() {
            return String::new();
        }
        let mut s = String::from_utf8(out).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Places these annotations on `text` (re-anchoring when it changed).
    pub fn into_document(self, text: String) -> Result<(Document, LoadReport), String> {
        check_shape(&self.format, self.version)?;
        let doc = Document::new(DocId(self.id.clone()), self.source.clone(), text);
        self.onto(doc)
    }

    /// Places these annotations on `doc`, a document of their id and
    /// source that holds only its text.
    fn onto(self, mut doc: Document) -> Result<(Document, LoadReport), String> {
        doc.set_status_unrecorded(self.status);
        doc.set_comment_unrecorded(self.comment.clone());
        doc.set_next_id(self.next_id);
        doc.extra = self.extra;
        doc.set_accept_arrivals_unrecorded(self.accept_arrivals);
        doc.orphans = self.orphans;
        let mut report = LoadReport::default();
        let to_span = |r: SpanRecord| {
            (
                Span { id: r.id, start: CharIdx::new(r.start), end: CharIdx::new(r.end), label: r.label, origin: r.origin, extra: r.extra },
                Anchor { text: r.text, before: r.before, after: r.after },
            )
        };
        let (spans, relations, suggestions) = if self.sha256 == doc.sha256() {
            let mut spans = Vec::with_capacity(self.spans.len());
            for r in self.spans {
                let (span, Anchor { text: recorded, .. }) = to_span(r);
                spans.push(checked(&doc, span, &recorded)?);
            }
            (spans, self.relations, self.suggestions.into_iter().map(|s| s.suggestion).collect())
        } else {
            report.text_changed = true;
            let r = reanchor(
                doc.text(),
                self.spans.into_iter().map(to_span).collect(),
                self.relations,
                self.suggestions.into_iter().map(|s| (s.suggestion, Anchor { text: s.text, before: s.before, after: s.after })).collect(),
            );
            report.moved = r.moved;
            report.orphaned = r.orphans.len();
            report.suggestions_lost = r.suggestions_lost;
            doc.orphans.extend(r.orphans);
            (r.spans, r.relations, r.suggestions)
        };
        let doc = Document::from_parts(doc, spans, relations, suggestions).map_err(|e| e.to_string())?;
        let mut relation_suggestions = self.relation_suggestions;
        if report.text_changed {
            // Those whose span or suggestion was not found again go, as
            // such suggestions do.
            let before = relation_suggestions.len();
            let exists = |end| match end {
                RelationEnd::Span(id) => doc.spans().get(id).is_some(),
                RelationEnd::Suggestion(id) => doc.suggestion(id).is_some(),
            };
            relation_suggestions.retain(|r| exists(r.head) && exists(r.tail));
            report.suggestions_lost += before - relation_suggestions.len();
        }
        let doc = doc.with_relation_suggestions(relation_suggestions).map_err(|e| e.to_string())?;
        Ok((doc, report))
    }
}

/// The errors of a file of another format or version.
fn check_shape(format: &str, version: u32) -> Result<(), String> {
    if format != FORMAT {
        return Err(format!("format is {format:?}, expected {FORMAT:?}"));
    }
    if version != 1 {
        return Err(format!("version {version} is not supported"));
    }
    Ok(())
}

/// `span`, once the text it records is the text at its place in `doc`.
fn checked(doc: &Document, span: Span, recorded: &str) -> Result<Span, String> {
    let actual = doc.text().slice(span.start, span.end);
    if actual != Some(recorded) {
        return Err(format!(
            "span {} [{}, {}) records {:?} but the text there is {:?}",
            span.id.0,
            span.start.get(),
            span.end.get(),
            recorded,
            actual.unwrap_or("(outside the text)")
        ));
    }
    Ok(span)
}

/// An annotation file as read for loading, its spans' strings borrowed
/// from the file's bytes (a string with an escape is copied): the shape
/// and types of [`AnnotationFile`], so it accepts and refuses the same
/// files, without a `String` per span for the text and surroundings that
/// a text of the recorded hash does not need (100,000 files of 20 spans
/// in an export). [`FileView::into_document`] gives what
/// [`AnnotationFile::into_document`] gives.
#[derive(Debug, Deserialize)]
pub struct FileView<'a> {
    format: String,
    version: u32,
    /// The document id the file is for.
    pub id: String,
    source: String,
    #[serde(default)]
    article: Option<String>,
    #[serde(default)]
    annotator: Option<String>,
    sha256: String,
    status: Status,
    #[serde(default)]
    comment: String,
    next_id: u64,
    #[serde(default, borrow)]
    spans: Vec<SpanView<'a>>,
    #[serde(default)]
    relations: Vec<Relation>,
    #[serde(default)]
    suggestions: Vec<SuggestionRecord>,
    #[serde(default)]
    relation_suggestions: Vec<RelationSuggestion>,
    #[serde(default)]
    orphans: Vec<Orphan>,
    #[serde(default)]
    extra: Extra,
    #[serde(default)]
    accept_arrivals: bool,
}

/// A [`SpanRecord`] borrowing its strings.
#[derive(Debug, Deserialize)]
struct SpanView<'a> {
    id: SpanId,
    start: usize,
    end: usize,
    #[serde(borrow)]
    label: Cow<'a, str>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(default, borrow)]
    before: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    after: Option<Cow<'a, str>>,
    origin: Origin,
    #[serde(default)]
    extra: Extra,
}

impl FileView<'_> {
    /// Places these annotations on `text`, as
    /// [`AnnotationFile::into_document`] does: when the text has the
    /// recorded hash each span is checked against it without copying
    /// what it records; otherwise the file is made whole and re-anchored.
    pub fn into_document(self, text: String) -> Result<(Document, LoadReport), String> {
        check_shape(&self.format, self.version)?;
        let mut doc = Document::new(DocId(self.id.clone()), self.source.clone(), text);
        if self.sha256 != doc.sha256() {
            return self.into_owned().onto(doc);
        }
        doc.set_status_unrecorded(self.status);
        doc.set_comment_unrecorded(self.comment);
        doc.set_next_id(self.next_id);
        doc.extra = self.extra;
        doc.set_accept_arrivals_unrecorded(self.accept_arrivals);
        doc.orphans = self.orphans;
        let mut spans = Vec::with_capacity(self.spans.len());
        for r in self.spans {
            let span = Span {
                id: r.id,
                start: CharIdx::new(r.start),
                end: CharIdx::new(r.end),
                label: r.label.into_owned(),
                origin: r.origin,
                extra: r.extra,
            };
            spans.push(checked(&doc, span, &r.text)?);
        }
        let suggestions = self.suggestions.into_iter().map(|s| s.suggestion).collect();
        let doc = Document::from_parts(doc, spans, self.relations, suggestions).map_err(|e| e.to_string())?;
        let doc = doc.with_relation_suggestions(self.relation_suggestions).map_err(|e| e.to_string())?;
        Ok((doc, LoadReport::default()))
    }

    /// The same file, owning its strings.
    fn into_owned(self) -> AnnotationFile {
        let spans = self
            .spans
            .into_iter()
            .map(|r| SpanRecord {
                id: r.id,
                start: r.start,
                end: r.end,
                label: r.label.into_owned(),
                text: r.text.into_owned(),
                before: r.before.map(Cow::into_owned),
                after: r.after.map(Cow::into_owned),
                origin: r.origin,
                extra: r.extra,
            })
            .collect();
        AnnotationFile {
            format: self.format,
            version: self.version,
            id: self.id,
            source: self.source,
            article: self.article,
            annotator: self.annotator,
            sha256: self.sha256,
            status: self.status,
            comment: self.comment,
            next_id: self.next_id,
            spans,
            relations: self.relations,
            suggestions: self.suggestions,
            relation_suggestions: self.relation_suggestions,
            orphans: self.orphans,
            extra: self.extra,
            accept_arrivals: self.accept_arrivals,
        }
    }
}

/// A file name for a document id that cannot leave its folder: every byte
/// outside `[A-Za-z0-9_.-]` is written `%XX`, and so is a leading dot.
///
/// `"2016/01/a b"` → `"2016%2F01%2Fa%20b"`; `".."` → `"%2E."`.
pub fn file_stem_for_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for (i, b) in id.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (b == b'.' && i > 0);
        if plain {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        out.push_str("%00");
    }
    out
}

/// The file name of a document's annotations: [`file_stem_for_id`] and
/// `.json`, unless that would pass the 255 bytes a file name may have (a
/// long article name, or one of accented letters, each written `%XX`):
/// then as much of the stem as fits, `~`, and the first 16 hex digits of
/// the id's SHA-256 (`~` never occurs in a stem, so no other id's file has
/// that name).
pub fn file_name_for_id(id: &str) -> String {
    const MAX: usize = super::atomic::NAME_MAX;
    let stem = file_stem_for_id(id);
    if stem.len() + ".json".len() <= MAX {
        return format!("{stem}.json");
    }
    let hash = crate::model::document::sha256_hex(id);
    let hash = hash.get(..16).unwrap_or(&hash);
    // Room for the prefix: what is left after `~HASH.json` and a margin for
    // the temporary name's own `.` (see `store::atomic`).
    let room = MAX - 1 - hash.len() - ".json".len();
    let mut cut = 0;
    let bytes = stem.as_bytes();
    while cut < bytes.len() {
        let next = if bytes.get(cut) == Some(&b'%') { cut + 3 } else { cut + 1 };
        if next > room {
            break;
        }
        cut = next;
    }
    format!("{}~{hash}.json", stem.get(..cut).unwrap_or(""))
}

/// The document id an annotation file's name is for, when the name says it
/// (not for a name shortened with a hash): `"2016%2F01%2Fa.json"` →
/// `"2016/01/a"`.
pub fn id_of_file_name(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".json")?;
    if stem.contains('~') {
        return None;
    }
    if stem == "%00" {
        return Some(String::new());
    }
    let mut bytes = Vec::with_capacity(stem.len());
    let mut rest = stem.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = tail.get(2..)?;
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

/// Where a document's annotation file lives inside an annotations folder.
pub fn annotation_path(annotations: &Path, id: &DocId) -> PathBuf {
    annotations.join("documents").join(file_name_for_id(&id.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;
    use crate::model::{Edit, Schema};

    /// Loads a file onto a text, saves it and loads the saved file (as the
    /// fuzz target `annotation_file` does).
    fn load_save_load(json: &[u8], text: &str) -> Result<Document, String> {
        let file: AnnotationFile = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let (doc, _) = file.into_document(text.into())?;
        let saved = AnnotationFile::from_document(&doc).to_json();
        let file: AnnotationFile = serde_json::from_str(&saved).map_err(|e| format!("the saved file: {e}"))?;
        Ok(file.into_document(text.into())?.0)
    }

    /// A file read as a [`FileView`] (its spans' strings borrowed) gives
    /// what [`AnnotationFile::into_document`] gives: the same document, the
    /// same report on a changed text, the same error for a span whose
    /// recorded text is not the text at its place, escapes read alike.
    #[test]
    fn a_view_loads_as_the_whole_file_does() {
        let schema = Schema::news();
        let text = "«Zoë» \"Quill\" arrive à Pyongyang.\r\nQuill 😀 reste.";
        let mut doc = Document::new(DocId("v".into()), "v.txt".into(), text.into());
        for (start, end, label) in [(0, 5, "PER"), (6, 13, "PER"), (23, 32, "LOC"), (35, 40, "PER")] {
            let e = doc.add_span_edit(CharIdx::new(start), CharIdx::new(end), label);
            doc.apply(e, &schema).expect("a span");
        }
        let json = AnnotationFile::from_document(&doc).to_json();
        assert!(json.contains("\\\"Quill\\\""), "a span's text with escapes: {json}");
        let corrupt = json.replacen("\"text\": \"«Zoë»\"", "\"text\": \"«Zoé»\"", 1);
        assert_ne!(corrupt, json);
        let changed = format!("Hier, {text}");
        for (json, text) in [(&json, text), (&json, changed.as_str()), (&corrupt, text)] {
            let whole: AnnotationFile = serde_json::from_str(json).expect("parses");
            let view: FileView<'_> = serde_json::from_str(json).expect("parses");
            let whole = whole.into_document(text.into()).map(|(d, r)| (AnnotationFile::from_document(&d).to_json(), r));
            let viewed = view.into_document(text.into()).map(|(d, r)| (AnnotationFile::from_document(&d).to_json(), r));
            assert_eq!(viewed, whole);
        }
        let view: FileView<'_> = serde_json::from_str(&corrupt).expect("parses");
        let err = view.into_document(text.into()).expect_err("refused");
        assert!(err.contains("records \"«Zoé»\""), "{err}");
        let view: FileView<'_> = serde_json::from_str(&json).expect("parses");
        let (_, report) = view.into_document(changed).expect("re-anchored");
        assert!(report.text_changed && report.orphaned == 0, "{report:?}");
    }

    /// Found while writing the fuzz target `annotation_file` (reading
    /// `from_parts`) and checked with its binary: a span id of `u64::MAX`
    /// overflowed the id counter (a panic with overflow checks on).
    #[test]
    fn a_huge_span_id_is_an_error_not_an_overflow() {
        let json = br#"{"format":"spanlab-annotations","version":1,"id":"a","source":"a.txt","sha256":"","status":"new","next_id":1,
            "spans":[{"id":18446744073709551615,"start":0,"end":1,"label":"PER","text":"a","origin":{"kind":"manual"}}]}"#;
        let err = load_save_load(json, "ab").expect_err("refused");
        assert!(err.contains("too large"), "{err}");
    }

    /// Found while writing the fuzz target `annotation_file` and checked with
    /// its binary: a score of `1e39` (an infinite `f32`) was saved as `null`,
    /// and the saved file no longer loaded.
    #[test]
    fn an_infinite_score_saves_a_file_that_loads() {
        let json = br#"{"format":"spanlab-annotations","version":1,"id":"a","source":"a.txt","sha256":"","status":"new","next_id":1,
            "spans":[{"id":1,"start":0,"end":1,"label":"PER","text":"a","origin":{"kind":"suggested","recognizer":"x","score":-1e39,"edited":false}}],
            "suggestions":[{"id":2,"start":1,"end":2,"label":"PER","recognizer":"x","score":1e39,"state":{"state":"pending"},"text":"b"}]}"#;
        let doc = load_save_load(json, "ab").expect("loads after a save");
        assert_eq!(doc.suggestions().map(|s| s.score).collect::<Vec<_>>(), [1.0]);
        assert!(matches!(doc.spans().iter().next().map(|s| &s.origin), Some(Origin::Suggested { score: 0.0, .. })));
    }

    /// The mark of a document opened with its suggestions accepted
    /// (`accept_arrivals`) goes round a save and a load, read whole or as
    /// a view, on the same text or a changed one; a file without it (all
    /// files before it, and every document without the mark) loads
    /// without it and is written as before: no such key.
    #[test]
    fn the_accepting_mark_round_trips_and_older_files_load_without_it() {
        let schema = Schema::news();
        let text = "Olaf Scholz à Berlin.";
        let mut doc = Document::new(DocId("m".into()), "m.txt".into(), text.into());
        let e = doc.add_span_edit(CharIdx::new(0), CharIdx::new(11), "PER");
        doc.apply(e, &schema).expect("a span");
        let plain = AnnotationFile::from_document(&doc).to_json();
        assert!(!plain.contains("accept_arrivals"), "{plain}");
        let inverse = doc.apply(Edit::SetAcceptArrivals { on: true }, &schema).expect("applies");
        assert_eq!(inverse, Edit::SetAcceptArrivals { on: false });
        let marked = AnnotationFile::from_document(&doc).to_json();
        assert!(marked.contains("\"accept_arrivals\": true"), "{marked}");
        let changed = format!("Hier, {text}");
        for (json, on) in [(&plain, false), (&marked, true)] {
            for text in [text, changed.as_str()] {
                let whole: AnnotationFile = serde_json::from_str(json).expect("parses");
                let view: FileView<'_> = serde_json::from_str(json).expect("parses");
                for (loaded, _) in [whole.into_document(text.into()).expect("loads"), view.into_document(text.into()).expect("loads")] {
                    assert_eq!(loaded.accepts_arrivals(), on);
                    assert_eq!(loaded.spans().len(), 1);
                }
            }
            assert_eq!(load_save_load(json.as_bytes(), text).expect("loads").accepts_arrivals(), on);
        }
        // A file of an earlier version, written before the mark existed.
        let old = br#"{"format":"spanlab-annotations","version":1,"id":"a","source":"a.txt","sha256":"","status":"in_progress","next_id":2,
            "spans":[{"id":1,"start":0,"end":1,"label":"PER","text":"a","origin":{"kind":"manual"}}]}"#;
        let doc = load_save_load(old, "ab").expect("loads");
        assert!(!doc.accepts_arrivals());
        assert!(!AnnotationFile::from_document(&doc).to_json().contains("accept_arrivals"));
    }

    /// D15: ids whose file name would pass 255 bytes get a shorter one,
    /// distinct for distinct ids.
    #[test]
    fn d15_long_ids_get_file_names_that_fit() {
        for id in ["a".repeat(250), "a".repeat(251), "é".repeat(100), format!("{}{}", "b".repeat(200), "é".repeat(30))] {
            let name = file_name_for_id(&id);
            assert!(name.len() <= 255 && name.ends_with(".json"), "{} bytes: {name}", name.len());
        }
        assert_eq!(file_name_for_id(&"a".repeat(250)), format!("{}.json", "a".repeat(250)), "a name that fits is kept");
        assert_ne!(file_name_for_id(&"é".repeat(100)), file_name_for_id(&"é".repeat(101)));
        let name = file_name_for_id(&"é".repeat(100));
        let prefix = name.split('~').next().unwrap();
        assert!(prefix.len().is_multiple_of(3) && prefix.bytes().step_by(3).all(|b| b == b'%'), "cut between escapes: {name}");
    }

    #[test]
    fn ids_never_escape_the_folder() {
        for id in ["..", "../x", "a/b", "a\\b", ".hidden", "", "é", "/etc/passwd"] {
            let stem = file_stem_for_id(id);
            assert!(!stem.contains('/') && !stem.contains('\\') && !stem.starts_with('.') && !stem.is_empty(), "{id:?} → {stem:?}");
        }
        assert_eq!(file_stem_for_id("2016/01/a b"), "2016%2F01%2Fa%20b");
        assert_ne!(file_stem_for_id("a/b"), file_stem_for_id("a%2Fb"), "distinct ids, distinct files");
        for id in ["2016/01/a b", "..", "é😀", "", "a%2Fb"] {
            assert_eq!(id_of_file_name(&file_name_for_id(id)).as_deref(), Some(id), "{id:?}");
        }
    }

    #[test]
    fn round_trip_and_reanchoring_after_an_edit_of_the_article() {
        let schema = Schema::news();
        let (text, spans) = parse_markup("[Lavrov]{PER} arrive à [Pyongyang]{GPE}.");
        let mut doc = Document::new(DocId("a".into()), "a.txt".into(), text);
        for (s, e, l) in spans {
            let edit = doc.add_span_edit(s, e, &l);
            doc.apply(edit, &schema).expect("valid");
        }
        let ids: Vec<_> = doc.spans().iter().map(|s| s.id).collect();
        let edit = doc.add_relation_edit(ids[0], ids[1], "VISITS");
        doc.apply(edit, &schema).expect("valid");
        doc.apply(Edit::SetStatus { status: Status::InProgress }, &schema).expect("valid");
        let file = AnnotationFile::from_document(&doc);
        let json = file.to_json();
        let back: AnnotationFile = serde_json::from_str(&json).expect("parses");
        let (same, report) = back.clone().into_document(doc.text().as_str().to_owned()).expect("loads");
        assert_eq!(same.spans(), doc.spans());
        assert_eq!(same.relations().collect::<Vec<_>>(), doc.relations().collect::<Vec<_>>());
        assert_eq!(same.status(), Status::InProgress);
        assert!(!report.text_changed);
        assert_eq!(AnnotationFile::from_document(&same).to_json(), json, "deterministic");

        let (moved, report) = back.into_document("Hier, 😀 Lavrov arrive à Pyongyang.".into()).expect("loads");
        assert!(report.text_changed);
        assert_eq!(report.moved, 2);
        let texts: Vec<_> = moved.spans().iter().map(|s| moved.span_text(s).to_owned()).collect();
        assert_eq!(texts, ["Lavrov", "Pyongyang"]);
        assert_eq!(moved.relation_count(), 1);
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use crate::model::{Edit, Schema};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn annotation_files_round_trip(parts in proptest::collection::vec(prop_oneof![Just("Zoë"), Just(" "), Just("\r\n"), Just("😀"), Just("東"), Just("e\u{301}")], 1..40),
                                        spans in proptest::collection::vec((0usize..100, 1usize..5), 0..8)) {
            let schema = Schema::news();
            let mut doc = Document::new(DocId("x".into()), "x.txt".into(), parts.concat());
            let len = doc.text().len_chars();
            for (s, l) in spans {
                let start = s % len.max(1);
                let end = (start + l).min(len);
                if start < end {
                    let e = doc.add_span_edit(CharIdx::new(start), CharIdx::new(end), "PER");
                    let _ = doc.apply(e, &schema);
                }
            }
            let _ = doc.apply(Edit::SetComment { comment: "c\r\n😀".into() }, &schema);
            let json = AnnotationFile::from_document(&doc).to_json();
            let file: AnnotationFile = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (back, report) = file.into_document(doc.text().as_str().to_owned()).map_err(TestCaseError::fail)?;
            prop_assert!(!report.text_changed);
            prop_assert_eq!(AnnotationFile::from_document(&back).to_json(), json.clone());
            // Read as a view borrowing the spans' strings: the same document.
            let view: FileView<'_> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (viewed, view_report) = view.into_document(doc.text().as_str().to_owned()).map_err(TestCaseError::fail)?;
            prop_assert_eq!(view_report, report);
            prop_assert_eq!(AnnotationFile::from_document(&viewed).to_json(), json);
        }
    }
}

#[cfg(test)]
mod relation_suggestion_tests {
    use super::*;
    use crate::model::span::{RecognizerName, RelationSuggestionState, SuggestionId, SuggestionState};
    use crate::model::{Edit, Schema};

    /// Relation suggestions are saved with the file and loaded back; on a
    /// changed text those whose entity suggestion was lost go too.
    #[test]
    fn relation_suggestions_round_trip_and_follow_their_ends() {
        let schema = Schema::news();
        let text = "Ada Quill a rencontré Boris Venn hier.";
        let mut doc = Document::new(DocId("d".into()), "d.txt".into(), text.into());
        let add = doc.add_span_edit(CharIdx::new(0), CharIdx::new(9), "PER");
        doc.apply(add, &schema).expect("span");
        let ada = doc.spans().iter().next().expect("ada").id;
        let boris = doc.fresh_suggestion_id();
        let s = Suggestion {
            id: boris,
            start: CharIdx::new(22),
            end: CharIdx::new(32),
            label: "PER".into(),
            recognizer: RecognizerName::Tagger,
            score: 0.9,
            state: SuggestionState::Pending,
        };
        doc.apply(Edit::AddSuggestions { suggestions: vec![s] }, &schema).expect("suggestion");
        let r = RelationSuggestion {
            id: SuggestionId(doc.next_id()),
            head: RelationEnd::Span(ada),
            tail: RelationEnd::Suggestion(boris),
            label: "MEETS".into(),
            recognizer: RecognizerName::Relations,
            score: 0.75,
            state: RelationSuggestionState::Pending,
        };
        doc.apply(Edit::AddRelationSuggestions { suggestions: vec![r.clone()] }, &schema).expect("relation");
        let json = AnnotationFile::from_document(&doc).to_json();
        assert!(json.contains("\"relation_suggestions\""), "{json}");
        let file: AnnotationFile = serde_json::from_str(&json).expect("parses");
        let (back, _) = file.clone().into_document(text.into()).expect("loads");
        assert_eq!(back.relation_suggestions().cloned().collect::<Vec<_>>(), [r]);
        assert!(back.next_id() > doc.relation_suggestions().map(|r| r.id.0).max().unwrap_or(0));
        // Boris is no longer in the text: his suggestion and the relation go.
        let (changed, report) = file.into_document("Ada Quill a rencontré quelqu'un hier.".into()).expect("loads");
        assert_eq!((changed.relation_suggestions().count(), report.suggestions_lost), (0, 2));
        // A file whose relation names nothing is refused, saying so.
        let bad = json.replace(&format!("\"suggestion\": {}", boris.0), "\"suggestion\": 4242");
        let file: AnnotationFile = serde_json::from_str(&bad).expect("parses");
        let err = file.into_document(text.into()).expect_err("dangling");
        assert!(err.contains("neither a span nor a suggestion"), "{err}");
    }
}
