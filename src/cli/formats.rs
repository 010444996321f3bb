//! The options the converting subcommands share (`import`, `export`,
//! `convert`), and how they print a conversion's report.

use crate::store::formats::{Format, Offsets, Options, Report, doccano::Shape};

/// Parses `--format NAME`.
pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s)
        .ok_or_else(|| format!("unknown format {s:?}; one of {}", Format::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")))
}

fn parse_offsets(s: &str) -> Result<Offsets, String> {
    Offsets::parse(s).ok_or_else(|| format!("unknown offset unit {s:?}; one of chars, utf16, bytes"))
}

fn parse_shape(s: &str) -> Result<Shape, String> {
    Shape::parse(s).ok_or_else(|| format!("unknown doccano shape {s:?}; one of ner, relations"))
}

/// Options shared by the converting subcommands.
#[derive(Debug, clap::Args)]
pub struct FormatArgs {
    /// How offsets are counted in the file: chars (code points, the
    /// default), utf16 (JavaScript) or bytes (UTF-8). Written in the file's
    /// metadata where the format has room; read from it when there.
    #[arg(long, value_name = "UNIT", value_parser = parse_offsets)]
    offsets: Option<Offsets>,
    /// Refuse any conversion that loses something (the report says what);
    /// nothing is written then.
    #[arg(long)]
    pub strict: bool,
    /// Label Studio: the name of the labels control.
    #[arg(long, value_name = "NAME", default_value = "label")]
    from_name: String,
    /// Label Studio: the name of the text object.
    #[arg(long, value_name = "NAME", default_value = "text")]
    to_name: String,
    /// doccano on export: ner (sequence labelling) or relations (default:
    /// relations when any document has one).
    #[arg(long, value_name = "SHAPE", value_parser = parse_shape)]
    shape: Option<Shape>,
}

impl FormatArgs {
    pub fn options(&self) -> Options {
        Options { offsets: self.offsets, from_name: self.from_name.clone(), to_name: self.to_name.clone(), doccano_shape: self.shape }
    }
}

/// Prints a conversion's report: counts, then each loss with examples.
pub fn print(report: &Report) {
    println!("{report}");
}
