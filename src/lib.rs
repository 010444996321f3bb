//! spanlab: annotate named entities and relations in news text, offline.
//!
//! The map of the house, and who may use whom:
//!
//! - [`model`]: text and offsets, schema, spans, relations, suggestions,
//!   documents, edits and history, the gold dataset format, scoring. Pure:
//!   no egui, no file system, no threads. Everyone may use it.
//! - [`suggest`]: tokenizer and recognizers that propose spans. Uses `model`.
//! - [`store`]: project folders, decoding, annotation files, atomic writes,
//!   dataset files. Uses `model`.
//! - [`app`]: the egui window. Uses `model`, `suggest`, `store`.
//! - [`cli`]: one file per subcommand. Uses everything; nothing uses it but
//!   `main.rs`.

pub mod app;
pub mod cli;
pub mod model;
pub mod store;
pub mod suggest;
