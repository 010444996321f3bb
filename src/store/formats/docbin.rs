//! spaCy's binary `.spacy` format (DocBin). Being written.

use super::{FormatError, Report, Tokenizer};
use crate::model::Dataset;

pub fn write(_dataset: &Dataset, _tokenizer: Tokenizer, _report: &mut Report) -> Vec<u8> {
    todo!("docbin::write")
}

pub fn read(_bytes: &[u8], _report: &mut Report) -> Result<Dataset, FormatError> {
    todo!("docbin::read")
}
