//! spaCy's binary `.spacy` format (`DocBin`), the file `spacy train` reads.
//!
//! Owns: the mapping of a [`Dataset`](crate::model::Dataset) to a DocBin
//! and back, the small msgpack encoder and decoder it needs, spaCy's string
//! hash (MurmurHash64A, seed 1) and its table of built-in symbols.
//! Must not touch: the file system, and what other formats write.
//!
//! A DocBin is zlib-compressed msgpack: a map with `"attrs"` (attribute ids,
//! `ORTH` first), `"tokens"` (one little-endian `u64` a token and attribute,
//! row by row), `"spaces"` (one byte a token), `"lengths"` (one `i32` a
//! document), `"strings"` (every string a hash stands for, sorted), and per
//! document `"cats"`, `"flags"`, `"span_groups"` and `"user_data"`.
//!
//! Writing: each text is cut by the caller's tokenizer, then again at every
//! entity boundary ([`segment`](super::tokens::segment)), so `doc.text` is
//! the text exactly and every entity is whole tokens. Entities go in `doc.ents` as
//! `ENT_IOB`/`ENT_TYPE`. IOB cannot hold overlapping entities: the earliest,
//! then longest, are kept; the others are reported (`doc.ents` loses them)
//! and kept for spanlab in `user_data`, with the document's id, source,
//! status and relations:
//!
//! ```text
//! user_data = {"spanlab": {"id": "d1", "source": "", "status": "done", "ents": 2,
//!              "entities": [[4, 9, "GPE"]],          // code points, not in doc.ents
//!              "relations": [[0, 2, "LOCATED_IN"]]}} // indices into doc.ents ++ entities
//! ```
//!
//! Tokens inside an entity left out of `doc.ents` and outside every kept one
//! are marked missing (`ENT_IOB` 0) rather than outside, so that training
//! does not learn that they are no entity.
//!
//! Reading takes `ORTH`, `ENT_IOB` and `ENT_TYPE`, spaCy's `doc.ents`
//! semantics included (an `I` with no entity open is an error there too),
//! and `user_data["spanlab"]` when present, so our files come back exactly.
//! Token annotations, categories and span groups of spaCy-made files are
//! reported as not read. Places in errors count from 1: `document 3, token 12`.
//! Hostile bytes are errors, never panics: declared lengths are checked
//! against the bytes left before anything is allocated, and the inflated
//! size and the texts a token table can spell are capped.
//!
//! The parts: `msgpack` (the codec), `murmur` (spaCy's string hash),
//! `symbols` (spaCy's built-in symbols and string keys), `write` and `read`.

mod msgpack;
mod murmur;
mod read;
mod symbols;
#[cfg(test)]
mod tests;
mod write;

pub use read::read;
pub use write::write;

/// spaCy's attribute ids (`spacy/attrs.pxd`).
const ORTH: u64 = 65;
const NORM: u64 = 67;
const ENT_IOB: u64 = 77;
const ENT_TYPE: u64 = 78;
const SENT_START: u64 = 80;

/// `ENT_IOB` values: missing, inside, outside, beginning.
const IOB_MISSING: u64 = 0;
const IOB_IN: u64 = 1;
const IOB_OUT: u64 = 2;
const IOB_BEGIN: u64 = 3;

/// The `user_data` key spanlab's own fields live under.
const USER_DATA_KEY: &str = "spanlab";

/// The schema name of datasets read from a DocBin (the file has none).
const SCHEMA_NAME: &str = "spacy";

/// The largest inflated DocBin read: 256 MiB, plus 100 times the file's size
/// (spaCy's own DocBins inflate about 30 times; zlib allows a thousand).
const MAX_INFLATED_BASE: u64 = 256 << 20;
const MAX_INFLATION: u64 = 100;

/// The most text read: 64 MiB plus twice the inflated size. A real file's
/// texts are smaller than its token table; a hostile one could repeat a
/// long string in every row.
const MAX_TEXT_BASE: usize = 64 << 20;
const MAX_TEXT_RATIO: usize = 2;

/// Losses, by kind.
const LOST_OVERLAP: &str = "entities overlapping another (not in spaCy's doc.ents; kept for spanlab in user_data)";
const LOST_EMPTY_LABEL: &str = "entities with an empty label (not in spaCy's doc.ents; kept for spanlab in user_data)";
const LOST_BAD_OFFSETS: &str = "entities with offsets outside the text or empty (a DocBin cannot hold them)";
const LOST_RELATION: &str = "relations naming an entity that was not written";
const LOST_TOO_BIG: &str = "documents past msgpack's 4 GiB limit on the token table";
const LOST_STALE: &str = "relations (the file's entities changed after spanlab wrote it)";
const LOST_SPAN_GROUP: &str = "span groups (spaCy's doc.spans; spanlab does not read them)";
const LOST_CATS: &str = "text categories (spaCy's doc.cats; spanlab has no place for them)";
const LOST_USER_DATA: &str = "user_data entries other than spanlab's (not read)";
