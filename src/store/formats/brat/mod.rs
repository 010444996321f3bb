//! brat standoff folders (<https://brat.nlplab.org/standoff.html>): one
//! `<name>.txt` (the text, byte for byte) and one `<name>.ann` (the
//! annotations) per document, with an `annotation.conf` and a `visual.conf`
//! made from the schema.
//!
//! Owns: the mapping between [`Dataset`](crate::model::Dataset) and brat's
//! files, given and returned as bytes by relative path. Must not touch: the
//! file system (`store::convert` reads and writes the paths) or other
//! formats.
//!
//! What maps to what:
//! - `T1\tPER 155 169\tSergueï Lavrov`: an entity. Offsets count code points
//!   (brat counts Python `str` indices) unless `--offsets` says otherwise;
//!   brat has nowhere to record the unit. brat's text field is one line, so
//!   an entity holding line breaks is written as fragments split around them
//!   (`T3\tLOC 0 3;4 8\tNew York`), with an empty fragment at an end that is
//!   a line break (`0 0;1 6` for `"\nParis"`). Reading takes the covering
//!   span, which gives such an entity back exactly; fragments with anything
//!   but line breaks between them are reported as a loss.
//! - `R1\tMEETS Arg1:T1 Arg2:T2`: a relation.
//! - `A1\tNegated T1`, `A2\tConfidence T1 High` (`M` of old brat):
//!   the entity's `attributes` field, `{"Negated": true, "Confidence": "High"}`.
//! - `N1\tReference T1 Wikipedia:534366\tBarack Obama`: the entity's
//!   `normalizations` field, `[{"resource", "id", "text"}]` (with `"type"`
//!   when it is not `Reference`).
//! - `#1\tAnnotatorNotes T1\tthe note`: the entity's `note` field; a note of
//!   several lines is several `#` lines, joined with `\n` on reading.
//! - Events (`E`), equivalences (`*`) and attributes, normalizations or notes
//!   of anything but an entity are reported as losses; the document status,
//!   its other fields and other entity and relation fields as well.
//!
//! brat has no id field: a document's file stem is its id, made safe by
//! [`file_stem_for_id`](crate::store::annotations::file_stem_for_id)
//! (`"2016/01/a b"` → `2016%2F01%2Fa%20b.txt`) and percent-decoded on
//! reading.
//!
//! Reading also takes the schema the folder declares: `annotation.conf`
//! (at the top of the folder, else the first found) with the colours of
//! `visual.conf`, read by `conf` and handed back in the report
//! ([`Report::declared_schema`](crate::store::formats::Report)), so that an
//! import into a new project takes brat's labels, relation constraints and
//! overlap policy.
//!
//! The parts: `write`, `read` and `conf`, with their tests beside them in
//! `tests`.

mod conf;
mod read;
#[cfg(test)]
mod tests;
mod write;

pub use conf::read_conf;
pub use read::read;
pub use write::write;

/// The format's name in loss reports.
const BRAT: &str = "brat";
/// The entity fields brat carries.
const ATTRIBUTES: &str = "attributes";
const NORMALIZATIONS: &str = "normalizations";
const NOTE: &str = "note";
/// The normalization type brat's own tools write.
const REFERENCE: &str = "Reference";

/// Characters that end a line for brat (Python's `str.splitlines`): none may
/// appear in an `.ann` text field.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}
