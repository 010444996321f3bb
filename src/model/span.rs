//! Entity spans, relations and suggestions, and the sorted set that holds the
//! spans of one document.
//!
//! Owns: [`Span`], [`Origin`], [`Relation`], [`Suggestion`], the
//! [`RecognizerName`] a suggestion carries, [`SpanSet`].
//! Must not touch: the text (the document checks spans against it).
//!
//! A span is `[start, end)` in code points: in `"M. [Lavrov] parle"` the span
//! `(3, 9)` covers `Lavrov`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::text::CharIdx;

/// Extra fields carried through from imported data (kept, never interpreted).
pub type Extra = BTreeMap<String, serde_json::Value>;

/// A span's identity within its document; never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpanId(pub u64);

/// A relation's identity within its document; never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RelationId(pub u64);

/// A suggestion's identity within its document; never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SuggestionId(pub u64);

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "span {}", self.0)
    }
}

impl fmt::Display for RelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "relation {}", self.0)
    }
}

/// Which recognizer proposed a suggestion, written in files as its name:
/// `tagger` (the tagger with the shipped model), `tagger:` and a model
/// file's name (the tagger with that model: `tagger:project-model.bin`, the
/// project's), `memory`, `gazetteer`, `dates`, `titles`, `capitals`,
/// `everywhere`, or
/// `external:` and a recommender's command or URL. Any other name (another
/// tool's, an older file's) is kept as it was read ([`RecognizerName::Other`]),
/// so every file loads and writes back the same.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RecognizerName {
    /// The statistical tagger with the shipped model.
    Tagger,
    /// The statistical tagger with a model read from a file, by its whole
    /// name: `tagger:project-model.bin` (see [`RecognizerName::model`]).
    Model(String),
    /// The names the user taught.
    Memory,
    /// The gazetteer's names.
    Gazetteer,
    /// The date patterns.
    Dates,
    /// Titled persons (`M. Lavrov`).
    Titles,
    /// The capitalisation heuristic.
    Capitals,
    /// The relation engine (patterns and its learned scorer).
    Relations,
    /// The relation engine where its memory of the annotator's decisions
    /// on the same names made the suggestion (`relations:memory`).
    RelationMemory,
    /// An "everywhere" action the annotator previewed and ran (label every
    /// occurrence of a name, [`crate::model::everywhere`]).
    Everywhere,
    /// An external recommender, by its whole name: `external:ner.py`,
    /// `external:http://127.0.0.1:8000` (see [`RecognizerName::external`]).
    External(String),
    /// A name spanlab does not know.
    Other(String),
}

impl RecognizerName {
    /// The prefix of an external recommender's name.
    pub const EXTERNAL_PREFIX: &str = "external:";

    /// An external recommender's name: `external:` and `what` (its
    /// command's name or its URL).
    pub fn external(what: &str) -> Self {
        Self::External(format!("{}{what}", Self::EXTERNAL_PREFIX))
    }

    /// The prefix of a tagger's name when its model came from a file.
    pub const MODEL_PREFIX: &str = "tagger:";

    /// The name of the tagger with the model read from the file named
    /// `file` (its name, without folders): `tagger:` and the name.
    pub fn model(file: &str) -> Self {
        Self::Model(format!("{}{file}", Self::MODEL_PREFIX))
    }

    /// True for the statistical tagger, whatever its model.
    pub fn is_tagger(&self) -> bool {
        matches!(self, Self::Tagger | Self::Model(_))
    }

    /// Which model a tagger's suggestion came from, for people: "the shipped
    /// model", "the model file project-model.bin"; `None` for the other
    /// recognizers.
    pub fn model_description(&self) -> Option<String> {
        match self {
            Self::Tagger => Some("the shipped model".to_owned()),
            Self::Model(name) => Some(format!("the model file {}", name.strip_prefix(Self::MODEL_PREFIX).unwrap_or(name))),
            _ => None,
        }
    }

    /// Reads a name as files write it; every name is accepted.
    pub fn parse(name: &str) -> Self {
        match name {
            "tagger" => Self::Tagger,
            "memory" => Self::Memory,
            "gazetteer" => Self::Gazetteer,
            "dates" => Self::Dates,
            "titles" => Self::Titles,
            "capitals" => Self::Capitals,
            "relations" => Self::Relations,
            "relations:memory" => Self::RelationMemory,
            "everywhere" => Self::Everywhere,
            _ if name.starts_with(Self::EXTERNAL_PREFIX) => Self::External(name.to_owned()),
            _ if name.starts_with(Self::MODEL_PREFIX) => Self::Model(name.to_owned()),
            _ => Self::Other(name.to_owned()),
        }
    }

    /// The name as files write it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Tagger => "tagger",
            Self::Memory => "memory",
            Self::Gazetteer => "gazetteer",
            Self::Dates => "dates",
            Self::Titles => "titles",
            Self::Capitals => "capitals",
            Self::Relations => "relations",
            Self::RelationMemory => "relations:memory",
            Self::Everywhere => "everywhere",
            Self::External(name) | Self::Model(name) | Self::Other(name) => name,
        }
    }
}

impl fmt::Display for RecognizerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for RecognizerName {
    fn from(name: &str) -> Self {
        Self::parse(name)
    }
}

impl Serialize for RecognizerName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RecognizerName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::parse(&name))
    }
}

/// Where a gold span came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Drawn by the annotator.
    Manual,
    /// Read from an imported dataset.
    Imported,
    /// A suggestion the annotator accepted; `edited` once its boundaries or
    /// label were changed afterwards.
    Suggested { recognizer: RecognizerName, score: f32, edited: bool },
}

/// A gold entity span.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub id: SpanId,
    pub start: CharIdx,
    pub end: CharIdx,
    pub label: String,
    pub origin: Origin,
    /// Fields from an imported dataset that spanlab does not interpret.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: Extra,
}

impl Span {
    /// A hand-made span.
    pub fn manual(id: SpanId, start: CharIdx, end: CharIdx, label: &str) -> Self {
        Self { id, start, end, label: label.to_owned(), origin: Origin::Manual, extra: Extra::new() }
    }

    /// Whether two spans share at least one code point.
    pub fn overlaps(&self, start: CharIdx, end: CharIdx) -> bool {
        self.start < end && start < self.end
    }

    fn sort_key(&self) -> (CharIdx, CharIdx, &str, SpanId) {
        (self.start, self.end, self.label.as_str(), self.id)
    }
}

/// A directed, typed relation between two spans of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub id: RelationId,
    pub head: SpanId,
    pub tail: SpanId,
    pub label: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: Extra,
}

/// What became of a suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SuggestionState {
    /// Shown, not yet decided.
    Pending,
    /// Accepted as this gold span.
    Accepted { span: SpanId },
    /// Rejected by the annotator.
    Rejected,
}

/// A span proposed by a recognizer; it stays apart from the gold spans until
/// accepted, and the record of its fate is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: SuggestionId,
    pub start: CharIdx,
    pub end: CharIdx,
    pub label: String,
    pub recognizer: RecognizerName,
    pub score: f32,
    pub state: SuggestionState,
}

impl Suggestion {
    /// Whether the suggestion still waits for a decision.
    pub fn is_pending(&self) -> bool {
        self.state == SuggestionState::Pending
    }
}

/// One end of a suggested relation: a gold span, or an entity suggestion
/// (the relation can be accepted once that suggestion is, or with it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationEnd {
    Span(SpanId),
    Suggestion(SuggestionId),
}

/// What became of a relation suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RelationSuggestionState {
    /// Shown, not yet decided.
    Pending,
    /// Accepted (perhaps retyped) as this gold relation.
    Accepted { relation: RelationId },
    /// Rejected by the annotator.
    Rejected,
}

/// A relation proposed by a recognizer between two spans or entity
/// suggestions; like an entity [`Suggestion`] it stays apart from the gold
/// relations until accepted, and the record of its fate is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationSuggestion {
    pub id: SuggestionId,
    pub head: RelationEnd,
    pub tail: RelationEnd,
    pub label: String,
    pub recognizer: RecognizerName,
    pub score: f32,
    pub state: RelationSuggestionState,
}

impl RelationSuggestion {
    /// Whether the suggestion still waits for a decision.
    pub fn is_pending(&self) -> bool {
        self.state == RelationSuggestionState::Pending
    }

    /// Whether `end` is its head or its tail.
    pub fn hangs_on(&self, end: RelationEnd) -> bool {
        self.head == end || self.tail == end
    }
}

/// The gold spans of a document, sorted by `(start, end, label, id)`, with
/// lookup by id and by position, both logarithmic (a long article has tens
/// of thousands of spans, and drawing a frame looks up every visible
/// relation's ends).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanSet {
    /// Sorted by [`Span::sort_key`].
    spans: Vec<Span>,
    /// Where each span is: its `(start, end)`, from which a binary search
    /// finds it in `spans`.
    places: BTreeMap<SpanId, (CharIdx, CharIdx)>,
    /// The longest span ever inserted bounds position searches.
    max_len: usize,
}

impl SpanSet {
    /// Builds a set from spans in any order.
    pub fn from_unsorted(mut spans: Vec<Span>) -> Self {
        spans.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let max_len = spans.iter().map(|s| s.end.distance_from(s.start)).max().unwrap_or(0);
        let places = spans.iter().map(|s| (s.id, (s.start, s.end))).collect();
        Self { spans, places, max_len }
    }

    /// Number of spans.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no spans.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// All spans in position order.
    pub fn iter(&self) -> std::slice::Iter<'_, Span> {
        self.spans.iter()
    }

    /// The span with this id.
    pub fn get(&self, id: SpanId) -> Option<&Span> {
        self.index_of(id).and_then(|i| self.spans.get(i))
    }

    /// The position (in sorted order) of the span with this id.
    pub fn index_of(&self, id: SpanId) -> Option<usize> {
        let &(start, end) = self.places.get(&id)?;
        let first = self.spans.partition_point(|s| (s.start, s.end) < (start, end));
        let from_first = self.spans.get(first..).unwrap_or_default();
        from_first.iter().take_while(|s| (s.start, s.end) == (start, end)).position(|s| s.id == id).map(|i| first + i)
    }

    /// Adds a span, keeping the order; a span with the same id is replaced.
    pub fn insert(&mut self, span: Span) {
        self.remove(span.id);
        self.max_len = self.max_len.max(span.end.distance_from(span.start));
        self.places.insert(span.id, (span.start, span.end));
        let at = self.spans.partition_point(|s| s.sort_key() < span.sort_key());
        self.spans.insert(at, span);
    }

    /// Removes and returns the span with this id.
    pub fn remove(&mut self, id: SpanId) -> Option<Span> {
        let at = self.index_of(id)?;
        self.places.remove(&id);
        Some(self.spans.remove(at))
    }

    /// Spans that share a code point with `[start, end)`, in position order.
    pub fn overlapping(&self, start: CharIdx, end: CharIdx) -> impl Iterator<Item = &Span> {
        let from = start.saturating_sub(self.max_len);
        let first = self.spans.partition_point(|s| s.start < from);
        self.spans.get(first..).unwrap_or_default().iter().take_while(move |s| s.start < end).filter(move |s| s.overlaps(start, end))
    }

    /// Spans that contain the code point at `at`, innermost last.
    pub fn at(&self, at: CharIdx) -> impl Iterator<Item = &Span> {
        self.overlapping(at, at + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: u64, s: usize, e: usize) -> Span {
        Span::manual(SpanId(id), CharIdx::new(s), CharIdx::new(e), "PER")
    }

    /// Every name reads back as it was written, known or not; files keep
    /// their bytes.
    #[test]
    fn recognizer_names_round_trip() {
        let known = [
            ("tagger", RecognizerName::Tagger),
            ("memory", RecognizerName::Memory),
            ("gazetteer", RecognizerName::Gazetteer),
            ("dates", RecognizerName::Dates),
            ("titles", RecognizerName::Titles),
            ("capitals", RecognizerName::Capitals),
            ("relations", RecognizerName::Relations),
            ("relations:memory", RecognizerName::RelationMemory),
            ("external:ner.py", RecognizerName::external("ner.py")),
            ("tagger:project-model.bin", RecognizerName::model("project-model.bin")),
            ("external:http://127.0.0.1:8000", RecognizerName::External("external:http://127.0.0.1:8000".into())),
            ("spaCy", RecognizerName::Other("spaCy".into())),
            ("", RecognizerName::Other(String::new())),
        ];
        for (name, recognizer) in known {
            assert_eq!(RecognizerName::parse(name), recognizer);
            assert_eq!(recognizer.as_str(), name);
            assert_eq!(recognizer.to_string(), name);
        }
        let origin = r#"{"kind":"suggested","recognizer":"external:ner.py","score":0.5,"edited":false}"#;
        let read: Origin = serde_json::from_str(origin).expect("reads");
        assert!(matches!(&read, Origin::Suggested { recognizer: RecognizerName::External(n), .. } if n == "external:ner.py"));
        assert_eq!(serde_json::to_string(&read).expect("writes"), origin);
        let suggestion =
            r#"{"id":2,"start":1,"end":2,"label":"PER","recognizer":"somebody's \"model\"","score":0.5,"state":{"state":"pending"}}"#;
        let read: Suggestion = serde_json::from_str(suggestion).expect("reads");
        assert_eq!(read.recognizer, RecognizerName::Other("somebody's \"model\"".into()));
        assert_eq!(serde_json::to_string(&read).expect("writes"), suggestion);
    }

    #[test]
    fn stays_sorted_and_finds_by_position() {
        let mut set = SpanSet::from_unsorted(vec![span(1, 10, 20), span(2, 0, 4)]);
        set.insert(span(3, 5, 8));
        let starts: Vec<_> = set.iter().map(|s| s.start.get()).collect();
        assert_eq!(starts, [0, 5, 10]);
        let hit: Vec<_> = set.overlapping(CharIdx::new(3), CharIdx::new(11)).map(|s| s.id.0).collect();
        assert_eq!(hit, [2, 3, 1]);
        assert_eq!(set.at(CharIdx::new(19)).count(), 1);
        assert_eq!(set.at(CharIdx::new(20)).count(), 0, "end is exclusive");
        assert_eq!(set.remove(SpanId(3)).map(|s| s.start.get()), Some(5));
        assert!(set.get(SpanId(3)).is_none());
    }

    #[test]
    fn a_long_span_before_the_window_is_found() {
        let set = SpanSet::from_unsorted(vec![span(1, 0, 100), span(2, 50, 52)]);
        let hit: Vec<_> = set.at(CharIdx::new(90)).map(|s| s.id.0).collect();
        assert_eq!(hit, [1]);
    }

    #[test]
    fn finds_spans_by_id_after_inserts_and_removals() {
        let mut set = SpanSet::default();
        for id in 0..300u64 {
            let start = ((id * 37) % 100) as usize;
            set.insert(span(id, start, start + 1 + (id % 3) as usize));
        }
        for id in (0..300u64).step_by(3) {
            assert_eq!(set.remove(SpanId(id)).map(|s| s.id), Some(SpanId(id)));
        }
        set.insert(span(1, 50, 60));
        assert_eq!(set.len(), 200, "inserting an id already there replaces that span");
        for (i, s) in set.iter().enumerate() {
            assert_eq!(set.index_of(s.id), Some(i));
            assert_eq!(set.get(s.id).map(|g| g.id), Some(s.id));
        }
        assert_eq!(set.get(SpanId(3)), None);
        assert_eq!(set.get(SpanId(1)).map(|s| (s.start.get(), s.end.get())), Some((50, 60)));
    }
}
