//! doccano JSONL. Being written.

use super::{FormatError, Options, Report};
use crate::model::Dataset;

/// doccano's two JSONL shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `{"text", "label": [[start, end, "TYPE"]]}` (sequence labelling).
    Ner,
    /// `{"text", "entities": [...], "relations": [...]}`.
    Relations,
}

pub fn write(_dataset: &Dataset, _options: &Options, _report: &mut Report) -> Vec<u8> {
    todo!()
}

pub fn read(_text: &str, _options: &Options, _report: &mut Report) -> Result<Dataset, FormatError> {
    todo!()
}
