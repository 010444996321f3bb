//! CoNLL IOB2. Being written.

use super::{FormatError, Report, Tokenizer};
use crate::model::Dataset;

pub fn write(_dataset: &Dataset, _tokenizer: Tokenizer, _report: &mut Report) -> Vec<u8> {
    todo!("conll::write")
}

pub fn read(_text: &str, _texts: Option<&Dataset>, _report: &mut Report) -> Result<Dataset, FormatError> {
    todo!("conll::read")
}
