//! The window's session state: what is selected, the relation being drawn,
//! the open document and its saving counters, the open dialog, the corpus
//! filter, the messages and how the app was started.
//!
//! Owns: plain data, no behaviour beyond small accessors. Must not touch:
//! the disk, threads or egui (the app's logic and panels do that).

use std::path::PathBuf;
use std::sync::Arc;

use super::forms::{EverywhereForm, ExportForm, ImportForm, QuitForm, SettingsForm};
use crate::model::{CharIdx, DocId, Document, Edit, History, RelationId, SpanId, Status, SuggestionId};
use crate::store::LoadReport;

/// What the article view is asked to bring into view: the row of `at`,
/// and with it the row of `with` when both fit in the view (a relation's
/// other end); else `at` alone. A position already in view (both, when
/// two are asked for) does not scroll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScrollTarget {
    /// What must show (a relation's head).
    pub at: CharIdx,
    /// What should show with it, if both fit.
    pub with: Option<CharIdx>,
}

impl From<CharIdx> for ScrollTarget {
    fn from(at: CharIdx) -> Self {
        Self { at, with: None }
    }
}

/// What is selected in the article.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A text range (code points); `anchor == head` is a caret. In
    /// `"Some text"`, `Text { anchor: 2, head: 7 }` selects `So[me te]xt`.
    Text {
        /// Where the selection started.
        anchor: CharIdx,
        /// Where it ends (the end that moves).
        head: CharIdx,
    },
    /// A gold span.
    Span(SpanId),
    /// A pending suggestion.
    Suggestion(SuggestionId),
    /// A relation.
    Relation(RelationId),
    /// A pending relation suggestion.
    RelationSuggestion(SuggestionId),
}

/// A relation being drawn from the keyboard or the mouse.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationDraft {
    /// The span the relation starts from.
    pub head: SpanId,
    /// Candidate tails, nearest (and likeliest) first.
    pub candidates: Vec<SpanId>,
    /// The candidate under the cursor.
    pub index: usize,
    /// Chosen tail: the type list is showing.
    pub tail: Option<SpanId>,
    /// Types allowed for head and tail, likeliest first.
    pub types: Vec<String>,
    /// Re-targeting this relation instead of creating one.
    pub retarget: Option<RelationId>,
}

/// One relation the relation engine reads between two spans: `head →
/// tail` of type `label`, with its score.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationChoice {
    /// The relation's head.
    pub head: SpanId,
    /// The relation's tail.
    pub tail: SpanId,
    /// Its type.
    pub label: String,
    /// The engine's score of it (0–1; under the suggestion threshold, or it
    /// would have been suggested).
    pub score: f32,
}

/// A pair of spans as `c` shows it: every relation the schema allows
/// between them, in either direction, best first (the digits pick them; a
/// type's key the best of that type).
#[derive(Clone, Debug, PartialEq)]
pub struct PickReading {
    /// The relations, best first; never empty.
    pub choices: Vec<RelationChoice>,
}

impl PickReading {
    /// The likeliest relation of the pair, the one shown.
    pub fn best(&self) -> Option<&RelationChoice> {
        self.choices.first()
    }
}

/// The likely relations of one span (`c`): every pair it makes with a span
/// of its paragraph, read by the relation engine in both directions,
/// likeliest first; one pair is shown at a time, with its best relation.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationPick {
    /// The span they were asked for.
    pub span: SpanId,
    /// The readings, likeliest first (pairs already related last).
    pub readings: Vec<PickReading>,
    /// The reading shown.
    pub index: usize,
}

impl RelationPick {
    /// The pair shown.
    pub fn shown(&self) -> Option<&PickReading> {
        self.readings.get(self.index)
    }
}

/// A relabel that the span's relations forbid, offered until the next
/// key: Enter relabels and drops them.
#[derive(Clone, Debug, PartialEq)]
pub struct RelabelOffer {
    /// The span to relabel.
    pub span: SpanId,
    /// Its new label.
    pub label: String,
    /// The relations the new label forbids.
    pub drop: Vec<RelationId>,
}

/// What the inspector's relation rows were listed for: a document, its
/// revision, and the span they are focused on.
pub(crate) type RelationRowsKey = (DocId, u64, Option<SpanId>);

/// The inspector's relation rows, in order, for the last two lists made,
/// the one used last kept longest: Tab goes between spans (each its own
/// list) and suggestions (every relation: 35,000 sorted in a long
/// article), so the list of every relation is made once per revision, not
/// again after every second span.
#[derive(Default)]
pub(crate) struct RelationRows {
    /// Least recently used first.
    lists: Vec<(RelationRowsKey, Vec<RelationId>)>,
}

impl RelationRows {
    /// How many lists are kept.
    const KEPT: usize = 2;

    /// The rows for `key`: those kept, or what `make` returns (then kept,
    /// in place of the list used longest ago).
    pub(crate) fn rows(&mut self, key: &RelationRowsKey, make: impl FnOnce() -> Vec<RelationId>) -> &[RelationId] {
        match self.lists.iter().position(|(k, _)| k == key) {
            Some(i) => {
                let used = self.lists.remove(i);
                self.lists.push(used);
            }
            None => {
                if self.lists.len() >= Self::KEPT {
                    self.lists.remove(0);
                }
                self.lists.push((key.clone(), make()));
            }
        }
        self.lists.last().map_or(&[], |(_, rows)| rows)
    }

    /// Forgets every list (another folder is open).
    pub(crate) fn clear(&mut self) {
        self.lists.clear();
    }
}

/// The document being annotated.
pub struct OpenDoc {
    /// Its place in the corpus list.
    pub index: usize,
    /// Shared with the writer thread while it saves a snapshot: an edit
    /// made meanwhile copies the document ([`OpenDoc::doc_mut`]); otherwise
    /// saving a long article costs the window nothing.
    pub doc: Arc<Document>,
    /// Undo and redo.
    pub history: History,
    /// What is selected.
    pub selection: Selection,
    /// The relation being drawn, if any.
    pub draft: Option<RelationDraft>,
    /// The likely relations of a span being gone through (`c`), if any.
    pub pick: Option<RelationPick>,
    /// Edits sent to the writer (counted since the document was opened).
    pub sent: u64,
    /// Edits journaled on disk.
    pub journaled: u64,
    /// Edits saved in the document's file.
    pub saved: u64,
    /// When the document's file is next written (edits are journaled at once).
    pub save_due: Option<std::time::Instant>,
    /// The edits not yet in the document's file, numbered (for "merge").
    pub unsaved: Vec<(u64, Edit)>,
    /// Why the last write failed, until one succeeds.
    pub save_error: Option<String>,
    /// What loading found (text changed, spans moved or orphaned).
    pub load_report: LoadReport,
    /// The article's encoding, when read from a text file.
    pub encoding: Option<String>,
    /// Ask the article view to bring this code point (and another with
    /// it, if both fit) into view.
    pub scroll_to: Option<ScrollTarget>,
    /// Suggestions were requested and have not arrived yet.
    pub suggesting: bool,
    /// The text the article view drew last frame `(start, end)`.
    pub in_view: Option<(CharIdx, CharIdx)>,
    /// The sections of a very long article suggested for, or found to
    /// hold spans or suggestions already, in this session (see
    /// [`crate::model::sections`]): each is looked at once.
    pub sections_asked: Vec<(CharIdx, CharIdx)>,
}

impl OpenDoc {
    /// The document, to change it.
    pub fn doc_mut(&mut self) -> &mut Document {
        Arc::make_mut(&mut self.doc)
    }
}

/// A message shown in the window's status bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// What to say.
    pub text: String,
    /// Shown in the error colour; stays until dismissed.
    pub error: bool,
    /// Stays until dismissed (errors, and notices such as what was
    /// recovered after a crash); any other message goes with the next
    /// command, so that none outlives what it says.
    pub lasting: bool,
}

/// Which dialog is open.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Dialog {
    /// None.
    #[default]
    None,
    /// Export the annotations.
    Export(ExportForm),
    /// Open another folder (the path typed so far).
    OpenFolder(String),
    /// Import a dataset into a folder.
    Import(ImportForm),
    /// The keyboard shortcuts.
    Shortcuts,
    /// The command palette.
    Palette {
        /// The filter typed so far.
        query: String,
        /// The highlighted row.
        selected: usize,
    },
    /// The find bar.
    Find {
        /// The text to find.
        query: String,
        /// Just opened: focus the field.
        fresh: bool,
        /// Where the search starts as the query is typed (the caret when
        /// the bar opened).
        origin: CharIdx,
    },
    /// A span reached by the first letters of its name (Shift+C), for
    /// its likely relations.
    Relate {
        /// The letters typed.
        query: String,
        /// Just opened: focus the field.
        fresh: bool,
        /// Where the search starts as the letters are typed (the caret
        /// when the prompt opened).
        origin: CharIdx,
    },
    /// The settings.
    Settings(SettingsForm),
    /// The open document's file changed on disk while it had unsaved edits.
    Conflict,
    /// Quitting with edits that are not saved.
    Quit(QuitForm),
    /// An everywhere or filtered bulk action and its preview.
    Everywhere(Box<EverywhereForm>),
    /// Jumping (f): a hint of a letter or two on every span, suggestion
    /// and unlabelled name in view; typing one selects what it marks.
    Jump {
        /// The letters typed so far.
        typed: String,
        /// The hints shown.
        hints: Vec<Hint>,
        /// Frames left in which the hints follow the view (it was just
        /// scrolled by Space or Shift+Space).
        refresh: u8,
        /// Where Space or Shift+Space last scrolled to (the middle of the
        /// view since), if it did.
        centre: Option<CharIdx>,
        /// The article's view (its viewport, in the text's layout) when
        /// the hints were made: until a letter is typed, hints made for
        /// another view are made again, however little it moved (f pressed
        /// while the view still moves, after j/k or a wheel, would keep
        /// those of names scrolled out, drawn over the header).
        view: Option<egui::Rect>,
    },
}

/// One jump hint (f): the letters to type and what they select.
#[derive(Clone, Debug, PartialEq)]
pub struct Hint {
    /// The letters shown at its start.
    pub letters: String,
    /// Where what it marks starts and ends.
    pub range: (CharIdx, CharIdx),
    /// What typing the letters selects: a span, a suggestion, or the text
    /// of a name without either.
    pub target: Selection,
    /// A part of a hyphenated name without a span ("Iran" and "Israël" in
    /// "Iran-Israël"): its tag is drawn under the text, the whole name's
    /// above it.
    pub part: bool,
}

/// Corpus list filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorpusFilter {
    /// Only documents of this status.
    pub status: Option<Status>,
    /// Only documents whose name or text contains this (any case).
    pub query: String,
}

/// How the app was started.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// Where settings are read and written; `None` keeps them in memory (tests).
    pub settings_path: Option<PathBuf>,
    /// The document to open first.
    pub first_doc: Option<String>,
    /// Force the dark theme.
    pub dark: Option<bool>,
    /// Never write annotations (screenshots).
    pub read_only: bool,
    /// Annotate as this annotator (overrides the settings' name).
    pub annotator: Option<String>,
    /// Browse… asks the desktop's file chooser (off: it says there is
    /// none, as in tests and screenshots).
    pub native_chooser: bool,
    /// Where a very long article is cut to be suggested a section at a
    /// time (tests set small sizes: a few kilobytes stand for 200 MB).
    pub sections: Sectioning,
}

/// When an article is suggested a section at a time, and how long a
/// section is (`logic/suggest.rs`, [`crate::model::sections`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sectioning {
    /// An article longer than this (in UTF-8 bytes) is suggested for a
    /// section at a time, as the view reaches each.
    pub long_article_bytes: usize,
    /// The size of a section, in bytes.
    pub section_bytes: usize,
}

impl Sectioning {
    /// Over 16 MB, an article is suggested a section at a time: suggesting
    /// over a 200 MB article at once took gigabytes (its tokens, candidates
    /// and millions of suggestions, copied into the journal).
    pub const LONG_ARTICLE_BYTES: usize = 16_000_000;
    /// A section is about 2 MB (about 300,000 words).
    pub const SECTION_BYTES: usize = 2_000_000;
}

impl Default for Sectioning {
    fn default() -> Self {
        Self { long_article_bytes: Self::LONG_ARTICLE_BYTES, section_bytes: Self::SECTION_BYTES }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_between_spans_and_suggestions_makes_the_list_of_every_relation_once() {
        let mut rows = RelationRows::default();
        let doc = DocId("long".into());
        let mut made = Vec::new();
        // Span 1, a suggestion, span 2, a suggestion, span 3, a suggestion.
        for focus in [Some(1), None, Some(2), None, Some(3), None, Some(3)] {
            let key = (doc.clone(), 7, focus.map(SpanId));
            let listed = rows.rows(&key, || {
                made.push(focus);
                vec![RelationId(focus.unwrap_or(0))]
            });
            assert_eq!(listed, [RelationId(focus.unwrap_or(0))]);
        }
        assert_eq!(made, [Some(1), None, Some(2), Some(3)], "every relation listed once");
        // Another revision: listed again.
        rows.rows(&(doc.clone(), 8, None), || {
            made.push(None);
            Vec::new()
        });
        assert_eq!(made.len(), 5);
        rows.clear();
        rows.rows(&(doc, 8, None), || {
            made.push(None);
            Vec::new()
        });
        assert_eq!(made.len(), 6);
    }
}
