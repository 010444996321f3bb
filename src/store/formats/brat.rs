//! brat standoff folders. Being written.

use super::{FormatError, Options, Report, Source};
use crate::model::{Dataset, Schema};

pub fn write(_dataset: &Dataset, _schema: &Schema, _options: &Options, _report: &mut Report) -> Vec<(String, Vec<u8>)> {
    todo!("brat::write")
}

pub fn read(_source: &Source, _options: &Options, _report: &mut Report) -> Result<Dataset, FormatError> {
    todo!("brat::read")
}
