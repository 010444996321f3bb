//! CoNLL-2003 style IOB2: one token a line as `TOKEN TAG`, a blank line
//! after each sentence, and `-DOCSTART- -X- O O` and a blank line before
//! each document.
//!
//! ```text
//! -DOCSTART- -X- O O
//!
//! Selon O
//! l' O
//! ONU B-ORG
//! ```
//!
//! Owns: the mapping between datasets and that layout, and the report of
//! what it cannot carry. CoNLL keeps tokens and tags only: no document ids,
//! statuses, relations, nested entities, or the whitespace between tokens.
//! The writer reports each of these when a reader could not bring it back
//! from the file alone; the reader brings ids, statuses, sources and exact
//! texts back when it is given the original documents (`texts`), re-attaching
//! each token to its text by offset.
//! Must not touch: the file system ([`super`] takes and returns bytes), and
//! the tokenizer's rules (callers pass one in).
//!
//! Reading is tolerant of the schemes found in the wild: IOB2, IOB1 (an
//! `I-X` may begin an entity) and BIOES/BILOU (`S-`/`U-` single, `E-`/`L-`
//! last). A file is read as IOB1 when some `I-X` follows `O`, a sentence
//! break or a closed entity; elsewhere an `I-X` inside an entity of another
//! type is an error. Lines starting with `#` are comments (CoNLL-U style)
//! unless they read as a token line (two columns or more, a tag last), so a
//! `#` token survives a round trip; a `-DOCSTART-` token is written cut
//! after its `-`, so it cannot read as a new document.
//!
//! The document delimiter is the one line every reader of the format
//! recognises: spaCy's `spacy convert --converter ner` splits documents on
//! exactly `-DOCSTART- -X- O O` (with any other spelling it finds no
//! delimiter and takes the `-DOCSTART-` lines for tokens), and readers that
//! skip lines starting with `-DOCSTART-` (the CoNLL-2003 loaders, or
//! feeding the tags to seqeval) skip it too. Reading, a document starts at
//! any line whose first column is `-DOCSTART-` (`-DOCSTART- -X- -X- O`,
//! `-DOCSTART- -X- O`, `-DOCSTART- O`, `-DOCSTART-`) and at CoNLL-U's
//! `# newdoc` comment (`# newdoc id = X`).
//!
//! The parts: `write` and `read`, with their tests beside them in `tests`.

mod read;
#[cfg(test)]
mod tests;
mod write;

pub use read::read;
pub use write::write;

/// The first column of a line that starts a document.
const DOCSTART: &str = "-DOCSTART-";
/// The line written before each document: the delimiter spaCy's `ner`
/// converter looks for, verbatim.
const DOCSTART_LINE: &str = "-DOCSTART- -X- O O";
/// The schema name of a dataset read without its original texts.
const SCHEMA_NAME: &str = "conll";
/// How many code points of a text an example or an error quotes.
const QUOTE: usize = 12;

/// The kinds of losses, kept short and stable.
const LOST_OVERLAPS: &str = "overlapping entities (IOB2 cannot nest them)";
const LOST_RELATIONS: &str = "relations (CoNLL has no place for relations)";
const LOST_IDS: &str = "document ids (CoNLL has no place for them; they come back only with the original texts)";
const LOST_SPACING: &str = "text spacing (CoNLL keeps tokens, not the whitespace between them)";
const TRIMMED: &str = "whitespace at the edges of entities (trimmed)";
const WHITESPACE_ONLY: &str = "entities made only of whitespace (dropped)";
const INVALID_OFFSETS: &str = "entities with offsets outside their text (dropped)";
const EMPTY_LABEL: &str = "entities with an empty label (dropped)";
const SPACED_LABEL: &str = "whitespace in entity labels (written as _)";
const OFF_TOKENS: &str = "entities not on token boundaries (dropped)";
const REBUILT: &str = "text rebuilt from tokens (original spacing unknown)";

/// The text a reader rebuilds without the original: tokens joined by a
/// space, sentences by a line break.
fn join_sentences<'a>(sentences: impl Iterator<Item = impl Iterator<Item = &'a str>>) -> String {
    let mut out = String::new();
    for (i, sentence) in sentences.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, token) in sentence.enumerate() {
            if j > 0 {
                out.push(' ');
            }
            out.push_str(token);
        }
    }
    out
}

/// A string shown in a message: its first code points, quoted.
fn quote(s: &str) -> String {
    quote_n(s, QUOTE)
}

/// `s` quoted, cut after `n` code points.
fn quote_n(s: &str, n: usize) -> String {
    let mut shown: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        shown.push('…');
    }
    format!("{shown:?}")
}
