//! spanlab: annotate named entities and relations in news text, offline.
//!
//! The map of the house, and who may use whom:
//!
//! - [`model`]: text and offsets, the tokenizer, schema, spans, relations,
//!   suggestions, documents, edits and history, the gold dataset format,
//!   scoring. Pure: no egui, no file system, no threads. Uses nothing else
//!   here; everyone may use it.
//! - [`suggest`]: recognizers that propose spans, the engine that combines
//!   them and learns. Uses `model` only.
//! - [`store`]: project folders, decoding, annotation files, atomic writes,
//!   dataset files and the other tools' formats. Uses `model` only.
//! - [`app`]: the egui window. Uses `model`, `suggest`, `store`.
//! - [`cli`]: one file per subcommand. Uses `model`, `suggest`, `store`;
//!   with no subcommand it says which project to open and `main.rs` opens
//!   the window.
//!
//! Nothing but `main.rs` uses `app` or `cli` (benches and tests may).
//! `testing` exists in unit tests only, and only they use it.

pub mod app;
pub mod cli;
pub mod model;
pub mod store;
pub mod suggest;
#[cfg(test)]
pub(crate) mod testing;
