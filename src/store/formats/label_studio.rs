//! Label Studio tasks. Being written.

use super::{FormatError, Options, Report};
use crate::model::Dataset;

pub fn write(_dataset: &Dataset, _options: &Options, _report: &mut Report) -> Vec<u8> {
    todo!()
}

pub fn read(_text: &str, _options: &Options, _report: &mut Report) -> Result<Dataset, FormatError> {
    todo!()
}
