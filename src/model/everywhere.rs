//! One decision for every mention: find the other occurrences of a name in a
//! document, say what an "everywhere" action would do at each (the preview),
//! and build the one edit that does it for the occurrences the user kept.
//!
//! Owns: the matcher ([`find`], [`MatchOptions`]), the actions
//! ([`Action`]), the preview ([`preview`], [`Occurrence`], [`Fate`]) and the
//! edit ([`edit_for`]). Must not touch: files, the corpus (the caller runs
//! this per document and saves each document's edit as one step), the UI.
//!
//! Matching compares code point by code point after folding (so offsets in
//! the folded text are offsets in the text): `’`/`ʼ` read as `'`, the
//! hyphen variants as `-`, and optionally case and accents. An occurrence
//! starts and ends at word boundaries (`Lavrov` is not found in
//! `Lavrovski`, but is in `l'Lavrov` or `Lavrov-Ivanov`); with
//! [`MatchOptions::whole_name`] it is also not part of a longer name (no
//! capitalised word, hyphen or apostrophe joins it on either side).

use super::document::Document;
use super::edit::Edit;
use super::schema::Schema;
use super::span::{Origin, RecognizerName, Span, SpanId, SuggestionId};
use super::text::{CharIdx, Text};

/// How occurrences of a name are matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatchOptions {
    /// `lavrov` matches `Lavrov`.
    pub ignore_case: bool,
    /// `Sergei` matches `Sergueï`'s `ï` letter by letter (`e` = `é` = `è`).
    pub ignore_accents: bool,
    /// Not when it is part of a longer name (`Lavrov` in `Sergueï Lavrov`).
    pub whole_name: bool,
}

/// What an everywhere action does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Every occurrence becomes a span of this label (a pending suggestion of
    /// it there is accepted, keeping its provenance). "Accept everywhere" on a
    /// suggestion is this action with the suggestion's label.
    Label(String),
    /// Every pending suggestion on an occurrence (of this label, or of any)
    /// is rejected.
    Reject(Option<String>),
    /// Every span on an occurrence (of this label, or of any) is removed,
    /// with the relations that name it.
    Delete(Option<String>),
}

/// What the action would do at one occurrence.
#[derive(Clone, Debug, PartialEq)]
pub enum Fate {
    /// Done when the action runs (if the occurrence stays ticked).
    Apply,
    /// Already as the action wants it, or nothing there to act on.
    Unchanged,
    /// Overlaps spans of another label: listed apart, skipped unless the user
    /// ticks it; ticked, the new span replaces them (with their relations)
    /// where the schema forbids overlaps, and sits beside them where it allows
    /// them. `with` describes them for the preview.
    Conflict { with: String },
    /// The schema forbids it (a relation of the span would not allow the new
    /// label): never done.
    Forbidden { why: String },
}

/// One occurrence in the preview.
#[derive(Clone, Debug, PartialEq)]
pub struct Occurrence {
    pub start: CharIdx,
    pub end: CharIdx,
    /// The occurrence's own text (it may differ from the name in case or
    /// accents).
    pub text: String,
    /// Up to [`CONTEXT_CHARS`] code points before and after, on one line.
    pub before: String,
    pub after: String,
    pub fate: Fate,
    /// Whether the action will do it: [`Fate::Apply`] starts ticked,
    /// [`Fate::Conflict`] unticked, the others cannot be ticked.
    pub ticked: bool,
}

impl Occurrence {
    /// The row for `[start, end)` of `text` with its context on one line,
    /// ticked when its fate is [`Fate::Apply`].
    pub fn at(text: &Text, start: CharIdx, end: CharIdx, fate: Fate) -> Self {
        let from = CharIdx::new(start.get().saturating_sub(CONTEXT_CHARS));
        let to = CharIdx::new((end.get() + CONTEXT_CHARS).min(text.len_chars()));
        let one_line = |s: &str| s.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect::<String>();
        Self {
            start,
            end,
            text: text.slice(start, end).unwrap_or_default().to_owned(),
            before: one_line(text.slice(from, start).unwrap_or_default()),
            after: one_line(text.slice(end, to).unwrap_or_default()),
            ticked: fate == Fate::Apply,
            fate,
        }
    }

    /// Whether the user may tick or untick it.
    pub fn can_tick(&self) -> bool {
        matches!(self.fate, Fate::Apply | Fate::Conflict { .. })
    }
}

/// How much context the preview shows on each side.
pub const CONTEXT_CHARS: usize = 40;

/// A name the action cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EverywhereError {
    #[error("the name to look for is empty")]
    EmptyName,
    #[error("the schema has no entity label {0:?}")]
    UnknownLabel(String),
}

/// A text folded as loosely as any [`MatchOptions`] fold it (case, accents,
/// apostrophes and dashes), code point for code point: when a name matches
/// a text under some options, the folded text contains the folded name. The
/// corpus index keeps texts so, to pass over the documents a name cannot
/// be in without reading them.
pub fn fold_loosely(text: &str) -> String {
    let loose = MatchOptions { ignore_case: true, ignore_accents: true, whole_name: false };
    text.chars().map(|c| fold(c, loose)).collect()
}

/// Folds one code point as the options say, keeping one code point for one.
fn fold(c: char, options: MatchOptions) -> char {
    let c = match c {
        '’' | 'ʼ' | '‘' | '`' | '´' => '\'',
        '‐' | '‑' | '‒' | '–' => '-',
        _ => c,
    };
    let c = if options.ignore_accents { strip_accent(c) } else { c };
    if options.ignore_case {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    } else {
        c
    }
}

/// The base letter of a Latin letter with a diacritic (the precomposed forms
/// of Latin-1 and Latin Extended-A, which cover the languages of European
/// news); any other code point is itself.
fn strip_accent(c: char) -> char {
    match c {
        'À'..='Å' | 'Ā' | 'Ă' | 'Ą' => 'A',
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => 'C',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'Ď' | 'Đ' => 'D',
        'ď' | 'đ' => 'd',
        'È'..='Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => 'E',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => 'G',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'Ĥ' | 'Ħ' => 'H',
        'ĥ' | 'ħ' => 'h',
        'Ì'..='Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => 'I',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'Ĵ' => 'J',
        'ĵ' => 'j',
        'Ķ' => 'K',
        'ķ' => 'k',
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => 'L',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' => 'N',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'Ò'..='Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => 'O',
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'Ŕ' | 'Ŗ' | 'Ř' => 'R',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => 'S',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => 'T',
        'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
        'Ù'..='Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => 'U',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'Ŵ' => 'W',
        'ŵ' => 'w',
        'Ý' | 'Ŷ' | 'Ÿ' => 'Y',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'Ź' | 'Ż' | 'Ž' => 'Z',
        'ź' | 'ż' | 'ž' => 'z',
        _ => c,
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c as u32, 0x0300..=0x036F)
}

/// Joins a name to its neighbour for [`MatchOptions::whole_name`]: a hyphen
/// or an apostrophe right against the occurrence.
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | 'ʼ' | '‐' | '‑')
}

/// The occurrences of `name` in `text`, as `[start, end)` in code points,
/// left to right, never overlapping.
pub fn find(text: &Text, name: &str, options: MatchOptions) -> Vec<(CharIdx, CharIdx)> {
    let needle: Vec<char> = name.trim().chars().map(|c| fold(c, options)).collect();
    let Some(&first) = needle.first() else { return Vec::new() };
    let hay: Vec<char> = text.as_str().chars().collect();
    let folded: Vec<char> = hay.iter().map(|&c| fold(c, options)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= folded.len() {
        let end = i + needle.len();
        let hit = folded.get(i) == Some(&first)
            && folded.get(i..end) == Some(needle.as_slice())
            && boundary_before(&hay, i, &needle)
            && boundary_after(&hay, end, &needle)
            && (!options.whole_name || alone(&hay, i, end));
        if hit {
            out.push((CharIdx::new(i), CharIdx::new(end)));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// No word continues across the start (only checked where the name itself
/// starts with a word character: `(AFP)` may follow a letter).
fn boundary_before(hay: &[char], at: usize, needle: &[char]) -> bool {
    let starts_word = needle.first().is_some_and(|&c| is_word(c));
    !starts_word || at == 0 || hay.get(at - 1).is_none_or(|&p| !is_word(p))
}

fn boundary_after(hay: &[char], at: usize, needle: &[char]) -> bool {
    let ends_word = needle.last().is_some_and(|&c| is_word(c));
    !ends_word || hay.get(at).is_none_or(|&n| !is_word(n))
}

/// Not part of a longer name: no hyphen or apostrophe against either end,
/// and no capitalised word right before or after (across one space). A
/// capitalised word opening a sentence (`Selon Lavrov`) also counts: the
/// option errs on the side of skipping an occurrence.
fn alone(hay: &[char], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).and_then(|i| hay.get(i)).copied();
    let after = hay.get(end).copied();
    if before.is_some_and(is_joiner) || after.is_some_and(|c| is_joiner(c) && hay.get(end + 1).is_some_and(|&n| is_word(n))) {
        return false;
    }
    let capital_word_before = before == Some(' ')
        && start >= 2
        && hay.get(..start - 1).is_some_and(|left| {
            let word: Vec<char> = left.iter().rev().take_while(|&&c| is_word(c)).copied().collect();
            word.last().is_some_and(|c| c.is_uppercase())
        });
    let capital_word_after = after == Some(' ') && hay.get(end + 1).is_some_and(|c| c.is_uppercase());
    !capital_word_before && !capital_word_after
}

/// What `action` would do at every occurrence of `name` in `doc`.
pub fn preview(
    doc: &Document,
    schema: &Schema,
    name: &str,
    action: &Action,
    options: MatchOptions,
) -> Result<Vec<Occurrence>, EverywhereError> {
    if name.trim().is_empty() {
        return Err(EverywhereError::EmptyName);
    }
    let label = match action {
        Action::Label(l) => Some(l),
        Action::Reject(l) | Action::Delete(l) => l.as_ref(),
    };
    if let Some(l) = label.filter(|l| schema.entity(l).is_none()) {
        return Err(EverywhereError::UnknownLabel(l.clone()));
    }
    let text = doc.text();
    Ok(find(text, name, options)
        .into_iter()
        .map(|(start, end)| Occurrence::at(text, start, end, fate(doc, schema, action, start, end)))
        .collect())
}

fn pending_at<'a>(doc: &'a Document, start: CharIdx, end: CharIdx, label: Option<&'a String>) -> impl Iterator<Item = SuggestionId> + 'a {
    doc.pending_overlapping(start, end)
        .filter(move |s| s.start == start && s.end == end && label.is_none_or(|l| &s.label == l))
        .map(|s| s.id)
}

fn fate(doc: &Document, schema: &Schema, action: &Action, start: CharIdx, end: CharIdx) -> Fate {
    match action {
        Action::Reject(label) => {
            if pending_at(doc, start, end, label.as_ref()).next().is_some() {
                Fate::Apply
            } else {
                Fate::Unchanged
            }
        }
        Action::Delete(label) => {
            let there = doc
                .spans()
                .overlapping(start, end)
                .any(|s| s.start == start && s.end == end && label.as_ref().is_none_or(|l| &s.label == l));
            if there { Fate::Apply } else { Fate::Unchanged }
        }
        Action::Label(label) => {
            let overlapping: Vec<&Span> = doc.spans().overlapping(start, end).collect();
            if overlapping.iter().any(|s| s.start == start && s.end == end && &s.label == label) {
                return Fate::Unchanged;
            }
            if overlapping.is_empty() {
                return Fate::Apply;
            }
            // Replacing spans that carry relations the new label would not
            // allow is refused: the relations' other ends stay, so the
            // relation would be kept on a span of the wrong label.
            if let Some(why) = same_place_relation_clash(doc, schema, &overlapping, start, end, label) {
                return Fate::Forbidden { why };
            }
            let with = overlapping.iter().map(|s| format!("{} «{}»", s.label, doc.span_text(s))).collect::<Vec<_>>().join(", ");
            Fate::Conflict { with }
        }
    }
}

/// A span at exactly the occurrence is relabelled in place (its relations
/// kept): each of them must allow the new label.
fn same_place_relation_clash(
    doc: &Document,
    schema: &Schema,
    overlapping: &[&Span],
    start: CharIdx,
    end: CharIdx,
    label: &str,
) -> Option<String> {
    let same = overlapping.iter().find(|s| s.start == start && s.end == end)?;
    doc.relations_of(same.id).into_iter().find_map(|r| {
        let other = |id: SpanId| doc.spans().get(id).map(|s| s.label.as_str()).unwrap_or_default();
        let (head, tail) = if r.head == same.id { (label, other(r.tail)) } else { (other(r.head), label) };
        let allowed = schema.relation(&r.label).is_none_or(|rl| rl.allows(head, tail));
        (!allowed).then(|| format!("its relation {} does not allow {head} → {tail}", r.label))
    })
}

/// What a memory of names learns from `action` at the ticked occurrences
/// of `doc` (looked at before the edit): `(name, label, whether it is one)`
/// for each name labelled, and for each pending suggestion rejected.
pub fn lessons(doc: &Document, action: &Action, occurrences: &[&Occurrence]) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for o in occurrences.iter().filter(|o| o.ticked && o.can_tick()) {
        match action {
            Action::Label(label) => out.push((o.text.clone(), label.clone(), true)),
            Action::Reject(label) => {
                for s in doc.pending_overlapping(o.start, o.end).filter(|s| (s.start, s.end) == (o.start, o.end)) {
                    if label.as_ref().is_none_or(|l| l == &s.label) {
                        out.push((o.text.clone(), s.label.clone(), false));
                    }
                }
            }
            Action::Delete(_) => {}
        }
    }
    out
}

/// The one edit that does `action` at the ticked occurrences of a preview
/// of `doc`, or `None` when there is nothing to do. Spans it creates carry
/// the provenance `everywhere` (an accepted suggestion keeps its own).
pub fn edit_for(doc: &mut Document, schema: &Schema, action: &Action, occurrences: &[Occurrence]) -> Option<Edit> {
    let mut edits = Vec::new();
    let mut rejected = Vec::new();
    for o in occurrences.iter().filter(|o| o.ticked && o.can_tick()) {
        match action {
            Action::Reject(label) => {
                rejected.extend(pending_at(doc, o.start, o.end, label.as_ref()));
            }
            Action::Delete(label) => {
                let ids: Vec<SpanId> = doc
                    .spans()
                    .overlapping(o.start, o.end)
                    .filter(|s| s.start == o.start && s.end == o.end && label.as_ref().is_none_or(|l| &s.label == l))
                    .map(|s| s.id)
                    .collect();
                edits.extend(ids.into_iter().map(|id| Edit::RemoveSpan { id }));
            }
            Action::Label(label) => edits.extend(label_edits(doc, schema, label, o)),
        }
    }
    edits.extend(doc.reject_suggestions_edits(&rejected));
    (!edits.is_empty()).then_some(Edit::Batch { edits })
}

fn label_edits(doc: &mut Document, schema: &Schema, label: &str, o: &Occurrence) -> Vec<Edit> {
    let mut edits = Vec::new();
    let overlapping: Vec<Span> = doc.spans().overlapping(o.start, o.end).cloned().collect();
    // A span exactly there is relabelled in place, keeping its relations.
    if let Some(same) = overlapping.iter().find(|s| s.start == o.start && s.end == o.end) {
        if let Some(e) = doc.change_span_edit(same.id, o.start, o.end, label) {
            edits.push(e);
        }
        return edits;
    }
    if !schema.allow_overlap {
        edits.extend(overlapping.iter().map(|s| Edit::RemoveSpan { id: s.id }));
    }
    let pending = doc.pending_overlapping(o.start, o.end).find(|s| s.start == o.start && s.end == o.end && s.label == label).map(|s| s.id);
    match pending.and_then(|id| doc.accept_suggestion_edit(id)) {
        Some(Edit::Batch { edits: accept }) => edits.extend(accept),
        Some(other) => edits.push(other),
        None => {
            let id = doc.fresh_span_id();
            let origin = Origin::Suggested { recognizer: RecognizerName::Everywhere, score: 1.0, edited: false };
            edits.push(Edit::AddSpan {
                span: Span { id, start: o.start, end: o.end, label: label.to_owned(), origin, extra: Default::default() },
            });
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::DocId;
    use crate::model::span::{Suggestion, SuggestionState};

    fn opts() -> MatchOptions {
        MatchOptions::default()
    }

    fn found(text: &str, name: &str, options: MatchOptions) -> Vec<String> {
        let t = Text::from(text);
        find(&t, name, options).into_iter().map(|(a, b)| t.slice(a, b).unwrap_or_default().to_owned()).collect()
    }

    #[test]
    fn a_name_found_under_any_options_is_in_the_loosely_folded_text() {
        let text = "Sergueï LAVROV, l’envoyé de Jean‑Marie Le Pen à Pékin.";
        let folded = fold_loosely(text);
        assert_eq!(folded.chars().count(), text.chars().count(), "one code point for one");
        for name in ["Sergueï", "sergueï", "SERGUEI", "lavrov", "l'envoye", "Jean-Marie", "PEKIN"] {
            for (ignore_case, ignore_accents) in [(false, false), (true, false), (false, true), (true, true)] {
                let options = MatchOptions { ignore_case, ignore_accents, whole_name: false };
                if !found(text, name, options).is_empty() {
                    assert!(folded.contains(&fold_loosely(name)), "{name} under {options:?}");
                }
            }
        }
        assert!(!folded.contains(&fold_loosely("Macron")));
    }

    #[test]
    fn matches_at_word_boundaries_only() {
        assert_eq!(found("Lavrov et Lavrovski, puis Lavrov.", "Lavrov", opts()), ["Lavrov", "Lavrov"]);
        assert_eq!(found("MLavrov Lavrov2 Lavrov", "Lavrov", opts()), ["Lavrov"]);
    }

    #[test]
    fn apostrophes_and_hyphens_are_boundaries_and_fold() {
        // The typographic apostrophe in the text matches the straight one typed.
        assert_eq!(found("l’Élysée et l'Élysée", "l'Élysée", opts()), ["l’Élysée", "l'Élysée"]);
        assert_eq!(found("d’Orsay", "Orsay", opts()), ["Orsay"]);
        assert_eq!(found("Jean-Marie et Jean", "Jean", opts()), ["Jean", "Jean"]);
        // A non-breaking hyphen reads as a hyphen.
        assert_eq!(found("Saint‑Pétersbourg", "Saint-Pétersbourg", opts()), ["Saint‑Pétersbourg"]);
    }

    #[test]
    fn case_and_accents_only_when_asked() {
        let text = "Zoë Durand, ZOË DURAND et Zoe Durand.";
        assert_eq!(found(text, "Zoë Durand", opts()), ["Zoë Durand"]);
        assert_eq!(found(text, "Zoë Durand", MatchOptions { ignore_case: true, ..opts() }), ["Zoë Durand", "ZOË DURAND"]);
        assert_eq!(found(text, "Zoë Durand", MatchOptions { ignore_accents: true, ..opts() }), ["Zoë Durand", "Zoe Durand"]);
        assert_eq!(found(text, "zoe durand", MatchOptions { ignore_case: true, ignore_accents: true, whole_name: false }).len(), 3);
    }

    #[test]
    fn offsets_are_code_points_after_wide_characters() {
        let t = Text::from("😀 東京 et Tōkyō; Tōkyō");
        let hits = find(&t, "Tōkyō", opts());
        assert_eq!(hits, [(CharIdx::new(8), CharIdx::new(13)), (CharIdx::new(15), CharIdx::new(20))]);
    }

    #[test]
    fn whole_name_skips_parts_of_longer_names() {
        let text = "Sergueï Lavrov a parlé. Lavrov a ajouté. Lavrov-Ivanov aussi, et l'Lavrov. Selon Lavrov, non.";
        let whole = MatchOptions { whole_name: true, ..opts() };
        let hits = found(text, "Lavrov", whole);
        // Not after "Sergueï", not before "-Ivanov", not after an apostrophe,
        // and (erring on the side of skipping) not after the capitalised
        // "Selon" either: only "Lavrov a ajouté", after ". ", stays.
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(found(text, "Lavrov", opts()).len(), 5);
    }

    fn doc(text: &str) -> Document {
        Document::new(DocId("d".into()), "d.txt".into(), text.into())
    }

    fn pending(d: &mut Document, start: usize, end: usize, label: &str) -> SuggestionId {
        let id = d.fresh_suggestion_id();
        let s = Suggestion {
            id,
            start: CharIdx::new(start),
            end: CharIdx::new(end),
            label: label.into(),
            recognizer: RecognizerName::Tagger,
            score: 0.7,
            state: SuggestionState::Pending,
        };
        d.apply(Edit::AddSuggestions { suggestions: vec![s] }, &Schema::news()).expect("adds");
        id
    }

    #[test]
    fn label_everywhere_accepts_suggestions_adds_spans_and_lists_conflicts_apart() {
        let schema = Schema::news();
        //            0         1         2         3         4         5
        //            012345678901234567890123456789012345678901234567890123
        let mut d = doc("Oslo, Oslo et Oslo. Le maire d'Oslo Fjord parle.");
        let s = pending(&mut d, 6, 10, "GPE");
        let e = d.add_span_edit(CharIdx::new(14), CharIdx::new(18), "GPE");
        d.apply(e, &schema).expect("span");
        let e = d.add_span_edit(CharIdx::new(31), CharIdx::new(41), "LOC");
        d.apply(e, &schema).expect("span");
        let action = Action::Label("GPE".into());
        let p = preview(&d, &schema, "Oslo", &action, opts()).expect("preview");
        let fates: Vec<&Fate> = p.iter().map(|o| &o.fate).collect();
        assert_eq!(fates.len(), 4);
        assert_eq!(fates[0], &Fate::Apply);
        assert_eq!(fates[1], &Fate::Apply);
        assert_eq!(fates[2], &Fate::Unchanged);
        assert_eq!(fates[3], &Fate::Conflict { with: "LOC «Oslo Fjord»".into() });
        assert_eq!(p.iter().map(|o| o.ticked).collect::<Vec<_>>(), [true, true, false, false]);
        assert_eq!(p[3].before, "Oslo, Oslo et Oslo. Le maire d'");

        let edit = edit_for(&mut d, &schema, &action, &p).expect("an edit");
        d.apply(edit, &schema).expect("applies as one");
        let spans: Vec<(usize, &str)> = d.spans().iter().map(|s| (s.start.get(), s.label.as_str())).collect();
        assert_eq!(spans, [(0, "GPE"), (6, "GPE"), (14, "GPE"), (31, "LOC")], "the conflict is skipped");
        assert!(
            matches!(d.suggestion(s).map(|s| s.state), Some(SuggestionState::Accepted { .. })),
            "the suggestion is accepted, not duplicated"
        );
        let made = d.spans().iter().next().map(|s| s.origin.clone());
        assert_eq!(made, Some(Origin::Suggested { recognizer: RecognizerName::Everywhere, score: 1.0, edited: false }));
    }

    #[test]
    fn a_ticked_conflict_replaces_the_overlapping_span() {
        let schema = Schema::news();
        let mut d = doc("Oslo Fjord");
        let e = d.add_span_edit(CharIdx::new(0), CharIdx::new(10), "LOC");
        d.apply(e, &schema).expect("span");
        let action = Action::Label("GPE".into());
        let mut p = preview(&d, &schema, "Oslo", &action, opts()).expect("preview");
        assert!(edit_for(&mut d, &schema, &action, &p).is_none(), "nothing ticked, nothing done");
        p[0].ticked = true;
        let edit = edit_for(&mut d, &schema, &action, &p).expect("edit");
        let inverse = d.apply(edit, &schema).expect("applies");
        assert_eq!(d.spans().iter().map(|s| (s.end.get(), s.label.as_str())).collect::<Vec<_>>(), [(4, "GPE")]);
        d.apply(inverse, &schema).expect("undoes as one");
        assert_eq!(d.spans().iter().map(|s| (s.end.get(), s.label.as_str())).collect::<Vec<_>>(), [(10, "LOC")]);
    }

    #[test]
    fn relabelling_a_span_whose_relation_forbids_the_label_is_never_done() {
        let schema = Schema::news();
        let mut d = doc("Ana Lopes a rencontré Paul Roy.");
        let a = d.add_span_edit(CharIdx::new(0), CharIdx::new(9), "PER");
        d.apply(a.clone(), &schema).expect("a");
        let b = d.add_span_edit(CharIdx::new(22), CharIdx::new(30), "PER");
        d.apply(b.clone(), &schema).expect("b");
        let ids: Vec<SpanId> = d.spans().iter().map(|s| s.id).collect();
        let r = d.add_relation_edit(ids[0], ids[1], "MEETS");
        d.apply(r, &schema).expect("relation");
        let action = Action::Label("DATE".into());
        let mut p = preview(&d, &schema, "Ana Lopes", &action, opts()).expect("preview");
        assert!(matches!(p[0].fate, Fate::Forbidden { .. }), "{:?}", p[0].fate);
        p[0].ticked = true;
        assert!(edit_for(&mut d, &schema, &action, &p).is_none(), "a forbidden occurrence cannot be ticked in");
    }

    #[test]
    fn reject_everywhere_rejects_pending_suggestions_of_that_label_only() {
        let schema = Schema::news();
        let mut d = doc("Linux et Linux.");
        let a = pending(&mut d, 0, 5, "PER");
        let b = pending(&mut d, 9, 14, "ORG");
        let action = Action::Reject(Some("PER".into()));
        let p = preview(&d, &schema, "Linux", &action, opts()).expect("preview");
        assert_eq!(p.iter().map(|o| o.fate.clone()).collect::<Vec<_>>(), [Fate::Apply, Fate::Unchanged]);
        let edit = edit_for(&mut d, &schema, &action, &p).expect("edit");
        d.apply(edit, &schema).expect("applies");
        assert_eq!(d.suggestion(a).map(|s| s.state), Some(SuggestionState::Rejected));
        assert_eq!(d.suggestion(b).map(|s| s.state), Some(SuggestionState::Pending));
    }

    #[test]
    fn delete_everywhere_removes_spans_and_their_relations() {
        let schema = Schema::news();
        let mut d = doc("Paul Roy a rencontré Ana Lopes. Paul Roy part.");
        for (a, b) in [(0, 8), (21, 30), (32, 40)] {
            let e = d.add_span_edit(CharIdx::new(a), CharIdx::new(b), "PER");
            d.apply(e, &schema).expect("span");
        }
        let ids: Vec<SpanId> = d.spans().iter().map(|s| s.id).collect();
        let r = d.add_relation_edit(ids[0], ids[1], "MEETS");
        d.apply(r, &schema).expect("relation");
        let action = Action::Delete(None);
        let p = preview(&d, &schema, "Paul Roy", &action, opts()).expect("preview");
        let edit = edit_for(&mut d, &schema, &action, &p).expect("edit");
        d.apply(edit, &schema).expect("applies");
        assert_eq!(d.spans().len(), 1);
        assert_eq!(d.relation_count(), 0);
    }

    #[test]
    fn bad_requests_are_errors() {
        let d = doc("x");
        assert_eq!(preview(&d, &Schema::news(), "  ", &Action::Reject(None), opts()), Err(EverywhereError::EmptyName));
        assert_eq!(
            preview(&d, &Schema::news(), "x", &Action::Label("NOPE".into()), opts()),
            Err(EverywhereError::UnknownLabel("NOPE".into()))
        );
    }
}
