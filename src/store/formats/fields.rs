//! The fields the JSON readers (the gold dataset, doccano, spaCy JSONL and
//! Label Studio) read the same way: a document's id, source and status, the
//! unit its offsets count, an offset, and an id used as a key.
//!
//! Owns: what each of these fields may hold and the message when it holds
//! something else. Must not touch: where a format keeps them (each reader
//! passes the value it found and the place to name), or anything a format
//! reads its own way.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{FormatError, Offsets, Options, Report, convert_offset, resolve_offsets};
use crate::model::{Status, Text};

/// A document id written as a string or a number: the string as it is, the
/// number as written (`7` → `"7"`); `None` for any other value.
pub(super) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An id as a key that other items refer to (an entity's id in a relation):
/// a string as it is, anything else as its JSON (`7` → `"7"`).
pub(super) fn json_key(v: &Value) -> String {
    id_text(v).unwrap_or_else(|| v.to_string())
}

/// Takes a document id for this file; an error at `place` when an earlier
/// document has it.
pub(super) fn claim_id(ids: &mut BTreeSet<String>, id: &str, place: &str) -> Result<(), FormatError> {
    if ids.insert(id.to_owned()) { Ok(()) } else { Err(FormatError::new(place, format!("duplicate document id {id:?}"))) }
}

/// A document's source: a string, or empty when there is none; an error at
/// `place` for anything else.
pub(super) fn source(v: Option<Value>, place: &str) -> Result<String, FormatError> {
    match v {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s),
        Some(v) => Err(FormatError::new(place, format!("expected a string, found {v}"))),
    }
}

/// A document's status by name (`"done"`); `None` when there is none, an
/// error at `place` for anything else.
pub(super) fn status(v: Option<&Value>, place: &str) -> Result<Option<Status>, FormatError> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) if let Some(status) = Status::parse(s) => Ok(Some(status)),
        Some(v) => Err(FormatError::new(place, format!("{v} is not one of new, in_progress, done, skipped"))),
    }
}

/// The offset unit a file declares in its own metadata (`"utf16"`), read at
/// `place`; `None` when it declares none.
pub(super) fn declared_offsets(v: Option<&Value>, place: &str) -> Result<Option<Offsets>, FormatError> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) => Offsets::parse(s).map(Some).ok_or_else(|| FormatError::new(place, format!("unknown unit {s:?}"))),
        Some(v) => Err(FormatError::new(place, format!("expected a string, found {v}"))),
    }
}

/// The unit a line's or a task's offsets count: what it declares (its field
/// at `field`, [`declared_offsets`]), which must agree with `--offsets`,
/// else `--offsets`, else code points. Recorded in the report; an error
/// names `line`.
pub(super) fn offsets_unit(
    declared: Option<&Value>,
    field: &str,
    line: &str,
    options: &Options,
    report: &mut Report,
) -> Result<Offsets, FormatError> {
    let declared = declared_offsets(declared, field)?;
    let unit = resolve_offsets(declared, options.offsets).map_err(|e| FormatError::new(line, e.message))?;
    report.offsets = unit;
    Ok(unit)
}

/// An offset counted in `unit` as a code-point offset: an integer inside
/// `text` and on a character's boundary, else an error at `place`.
pub(super) fn offset(text: &Text, unit: Offsets, v: Option<&Value>, place: &str) -> Result<usize, FormatError> {
    let x = v.and_then(Value::as_i64).ok_or_else(|| FormatError::new(place, "expected an integer offset"))?;
    convert_offset(text, unit, x).map(|c| c.get()).map_err(|m| FormatError::new(place, m))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn ids_are_strings_or_numbers_and_keys_are_anything() {
        assert_eq!(id_text(&json!("a/1")), Some("a/1".to_owned()));
        assert_eq!(id_text(&json!(7)), Some("7".to_owned()));
        assert_eq!(id_text(&json!([7])), None);
        assert_eq!(json_key(&json!(7)), "7");
        assert_eq!(json_key(&json!(true)), "true");
        let mut ids = BTreeSet::new();
        assert!(claim_id(&mut ids, "x", "line 1, id").is_ok());
        assert_eq!(claim_id(&mut ids, "x", "line 2, id").unwrap_err().to_string(), "line 2, id: duplicate document id \"x\"");
    }

    #[test]
    fn fields_of_the_wrong_kind_name_their_place() {
        assert_eq!(source(None, "s").unwrap(), "");
        assert_eq!(source(Some(json!(3)), "line 1, \"source\"").unwrap_err().to_string(), "line 1, \"source\": expected a string, found 3");
        assert_eq!(status(Some(&json!("done")), "s").unwrap(), Some(Status::Done));
        assert_eq!(status(None, "s").unwrap(), None);
        let e = status(Some(&json!("finished")), "meta.status").unwrap_err().to_string();
        assert_eq!(e, "meta.status: \"finished\" is not one of new, in_progress, done, skipped");
        assert_eq!(declared_offsets(Some(&json!("utf16")), "o").unwrap(), Some(Offsets::Utf16));
        assert!(declared_offsets(Some(&json!("miles")), "o").unwrap_err().message.contains("unknown unit \"miles\""));
        assert!(declared_offsets(Some(&json!(16)), "o").unwrap_err().message.contains("expected a string, found 16"));
    }

    #[test]
    fn the_declared_unit_must_agree_with_the_option() {
        let mut report = Report::new(super::super::Format::Doccano, super::super::Direction::Import);
        let asked = Options { offsets: Some(Offsets::Bytes), ..Options::default() };
        let e = offsets_unit(Some(&json!("utf16")), "meta.offsets", "line 3", &asked, &mut report).unwrap_err();
        assert_eq!(e.place, "line 3");
        let unit = offsets_unit(None, "meta.offsets", "line 3", &asked, &mut report).unwrap();
        assert_eq!((unit, report.offsets), (Offsets::Bytes, Offsets::Bytes));
    }

    #[test]
    fn offsets_are_integers_on_character_boundaries() {
        let t = Text::from("é😀x");
        assert_eq!(offset(&t, Offsets::Utf16, Some(&json!(3)), "p").unwrap(), 2);
        assert_eq!(offset(&t, Offsets::Utf16, Some(&json!("3")), "p").unwrap_err().message, "expected an integer offset");
        assert!(offset(&t, Offsets::Utf16, Some(&json!(2)), "p").unwrap_err().message.contains("inside a character"));
        assert!(offset(&t, Offsets::Chars, None, "p").is_err());
    }
}
