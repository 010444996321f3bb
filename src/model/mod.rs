//! The annotation model: text and offsets ([`text`]), the tokenizer
//! ([`tokenize`]), word boundaries ([`words`]) and names as a reader spots
//! them for the "next name" key ([`names`]), the schema, spans,
//! relations and suggestions ([`span`]), documents, edits and history,
//! one decision for every mention of a name ([`everywhere`]) and filtered
//! bulk actions on suggestions ([`filter`]), Find as one types ([`find`]),
//! which ranges are free for a new span ([`free`]),
//! re-anchoring spans on a changed text ([`reanchor`]), the gold dataset
//! format ([`dataset`]), sections of a very long text ([`sections`]),
//! scoring against gold ([`score`]), agreement
//! between annotators ([`agree`]), adjudication ([`curate`]), and the
//! one-line span markup of tests ([`markup`]), and the fast hasher of
//! the word lookups ([`hash`]).
//!
//! Pure: no egui, no file system, no threads, nothing else of the crate.
//! Everything else trusts it, so nothing here indexes a slice in a way that
//! can panic (a lint keeps it so; tests may).

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod agree;
pub mod curate;
pub mod dataset;
pub mod document;
pub mod edit;
pub mod everywhere;
pub mod filter;
pub mod find;
pub mod free;
pub mod hash;
pub mod markup;
pub mod names;
pub mod reanchor;
pub mod relation_suggestions;
pub mod schema;
pub mod score;
pub mod sections;
pub mod span;
pub mod text;
pub mod tokenize;
pub mod words;

pub use dataset::{Dataset, ExportOptions, Problem};
pub use document::{DocId, Document, Status, UnknownStatus};
pub use edit::{Edit, EditError, History};
pub use schema::Schema;
pub use span::{
    Origin, RecognizerName, Relation, RelationEnd, RelationId, RelationSuggestion, RelationSuggestionState, Span, SpanId, Suggestion,
    SuggestionId, SuggestionState,
};
pub use text::{ByteIdx, CharIdx, Text, Utf16Idx};
