//! One command table drives the menus, the keyboard, the command palette and
//! the help: each [`Command`] has one [`Entry`] here, with its name, its
//! group and its keys, each key with the [`Mode`] in which it applies (the
//! keys that choose a relation's tail and type, and the adjudication's keys,
//! included). Nothing else in the app reads a key.
//!
//! Owns: the commands, their names and keys. Must not touch: the app's
//! state (the app applies commands; see `logic/`).

use std::borrow::Cow;
use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::forms::{EverywhereForm, ExportForm, ImportForm, SettingsForm};
use crate::model::{CharIdx, RelationId, Schema, SpanId, Status, SuggestionId};

/// Everything the user can ask of the window. Panels return these; the app
/// applies them after the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Give the selection (text, span or suggestion) this entity label; a
    /// text selection that starts or ends inside a word takes the whole word.
    Label(String),
    /// Give the text selection this label, exactly its characters.
    LabelExact(String),
    /// Delete the selected span (with its relations) or relation; reject a suggestion.
    DeleteSelected,
    /// Accept the selected suggestion.
    AcceptSuggestion,
    /// Reject the selected suggestion.
    RejectSuggestion,
    /// Select the next pending suggestion.
    NextSuggestion,
    /// Select the previous pending suggestion.
    PreviousSuggestion,
    /// Accept every pending suggestion of the document.
    AcceptAll,
    /// Reject every pending suggestion of the document.
    RejectAll,
    /// Right after Alt+A: turn on "open documents with suggestions
    /// accepted", so every document opened from now on is as Alt+A leaves
    /// it.
    AcceptOnOpenToo,
    /// Accept every pending entity suggestion; the suggested relations
    /// wait for review (the first is selected; Shift+A takes those left).
    AcceptAllEntities,
    /// Scroll the article by a view (less a line): down, or up.
    ScrollPage(bool),
    /// Scroll the article to its end, or to its start.
    ScrollToEnd(bool),
    /// Select the next span or suggestion in text order.
    NextSpan,
    /// Select the previous span or suggestion in text order.
    PreviousSpan,
    /// Select the next accepted relation in reading order (by its head),
    /// from the selection: to delete or retype it.
    NextRelation,
    /// Select the previous accepted relation in reading order.
    PreviousRelation,
    /// Move the caret a word left.
    CaretWordLeft,
    /// Move the caret a word right.
    CaretWordRight,
    /// Select the next name (a run of capitalised words) that has no span
    /// or suggestion, after the selection.
    NextName,
    /// Select the previous name that has no span or suggestion.
    PreviousName,
    /// Extend the text selection through the next name after its head (a
    /// long name with lower-case words inside in one key).
    ExtendToName,
    /// Extend the text selection to the end of the phrase: up to the next
    /// punctuation mark (a long name in lower-case words in one key).
    ExtendToPhraseEnd,
    /// Extend the text selection a word left.
    ExtendWordLeft,
    /// Extend the text selection a word right.
    ExtendWordRight,
    /// Extend the text selection a character left.
    ExtendCharLeft,
    /// Extend the text selection a character right.
    ExtendCharRight,
    /// Move the selected span's start a word left.
    StartWordLeft,
    /// Move the selected span's start a word right.
    StartWordRight,
    /// Move the selected span's start to the next word inside it that
    /// begins with a capital letter (drop a title or role before a name).
    StartToCapital,
    /// Move the selected span's end a word left.
    EndWordLeft,
    /// Move the selected span's end a word right.
    EndWordRight,
    /// Move the selected span's start a character left.
    StartCharLeft,
    /// Move the selected span's start a character right.
    StartCharRight,
    /// Move the selected span's end a character left.
    EndCharLeft,
    /// Move the selected span's end a character right.
    EndCharRight,
    /// Start drawing a relation from the selected span.
    StartRelation,
    /// Suggest relations between the document's spans as they are now
    /// (after the entities were fixed), from the relation threshold on,
    /// and select the first for review (Enter, x, a type's key, j).
    SuggestRelations,
    /// Go through the likely relations of the selected span (or of a
    /// selected relation's head): every pair it makes with a span of its
    /// paragraph, either way, likeliest first by the relation engine, one
    /// shown at a time with its type and score.
    PickRelation,
    /// Open the prompt that reaches a span by the first letters of a word
    /// of its name, for its likely relations.
    RelateByName,
    /// Select the first span with a word of its name starting with these
    /// letters at or after a place (the prompt's origin), as they are typed.
    NameFrom(String, CharIdx),
    /// Select the next (or, false, the previous) span so named after the
    /// selected one.
    NextNamed(String, bool),
    /// Close the prompt and go through the likely relations of the span
    /// it selected (as `c`).
    RelateNamed,
    /// The next likely relation of the span (the one shown is not it).
    NextPick,
    /// The previous likely relation of the span.
    PreviousPick,
    /// Make the likely relation shown, with its type (a type's key or its
    /// number: with that type); the span stays selected.
    TakePick,
    /// The next candidate tail of the relation being drawn.
    NextTail,
    /// The previous candidate tail of the relation being drawn.
    PreviousTail,
    /// Take the candidate tail under the cursor.
    ConfirmTail,
    /// Close the dialog, cancel the relation being drawn, or clear the selection.
    Escape,
    /// Mark the document done and open the next unfinished one.
    MarkDone,
    /// Mark the document skipped.
    MarkSkipped,
    /// Open the next document of the corpus list.
    NextDocument,
    /// Open the previous document of the corpus list.
    PreviousDocument,
    /// Open the "open folder" dialog.
    OpenFolder,
    /// Open another project folder in this window.
    OpenProject(PathBuf),
    /// Open the import dialog.
    Import,
    /// Import as the import dialog says, and open the result.
    RunImport(Box<ImportForm>),
    /// Open the export dialog.
    Export,
    /// Export as the export dialog says.
    RunExport(Box<ExportForm>),
    /// Open the command palette.
    CommandPalette,
    /// Open the find bar.
    Find,
    /// Select the next occurrence of this text after the caret.
    FindNext(String),
    /// Select the first occurrence of this text at or after a place (the
    /// find bar's origin), as it is typed.
    FindFrom(String, CharIdx),
    /// The find bar closed (Esc): the span or pending suggestion the found
    /// text lies in is selected.
    FindDone,
    /// Show a hint of a letter or two on every span, suggestion and
    /// unlabelled name in view (f); typing one selects what it marks.
    Jump,
    /// A letter typed while the jump hints show.
    JumpLetter(char),
    /// While the jump hints show: scroll the article a view down
    /// (Space) or up (Shift+Space); the hints follow.
    JumpScroll(bool),
    /// Show the keyboard shortcuts.
    ShowShortcuts,
    /// Open the settings dialog.
    Settings,
    /// Apply the settings dialog's values.
    ApplySettings(Box<SettingsForm>),
    /// Drop the document's pending suggestions and suggest again.
    SuggestAgain,
    /// Suggest for every document that has nothing yet, in the background.
    SuggestCorpus,
    /// Stop the corpus-wide suggestion job and learning.
    CancelBackground,
    /// Learn again from the done documents, from the shipped model.
    Relearn,
    /// Switch the setting that opens documents with their entity
    /// suggestions accepted (as Alt+A, when they arrive).
    ToggleAcceptOnOpen,
    /// Switch between the light and dark themes.
    ToggleTheme,
    /// Show or hide the relation arcs.
    ToggleRelations,
    /// Show or put away the corpus list (the left panel).
    ToggleCorpusPanel,
    /// Show or put away the inspector (the right panel).
    ToggleInspector,
    /// Close the window.
    Quit,
    /// Open the document at this index of the corpus list.
    OpenDocument(usize),
    /// Select a span by id.
    SelectSpan(SpanId),
    /// Select a suggestion by id.
    SelectSuggestion(SuggestionId),
    /// Select a relation by id.
    SelectRelation(RelationId),
    /// Select a suggested relation by id.
    SelectRelationSuggestion(SuggestionId),
    /// Select a text range (code points).
    SelectText(CharIdx, CharIdx),
    /// Finish choosing the pending relation's tail: this span.
    RelationTail(SpanId),
    /// Give the pending relation (or the selected one) this type.
    RelationType(String),
    /// Give the pending relation the type at this place (from 0) of its list.
    RelationTypeAt(usize),
    /// Delete a relation.
    DeleteRelation(RelationId),
    /// Choose another tail for a relation.
    RetargetRelation(RelationId),
    /// Set the document's comment.
    SetComment(String),
    /// Set the document's status.
    SetStatus(Status),
    /// Open or close the adjudication of the annotators' versions.
    Adjudicate,
    /// Open or close the dashboard.
    Dashboard,
    /// Read the dashboard's figures again.
    RefreshDashboard,
    /// Move the adjudication cursor down.
    AdjudicateNext,
    /// Move the adjudication cursor up.
    AdjudicatePrevious,
    /// Put the candidate under the cursor into the curated version.
    AdjudicateTake,
    /// Take it out of the curated version.
    AdjudicateDrop,
    /// Take every candidate all annotators agree on.
    AdjudicateTakeAgreed,
    /// Put the adjudication cursor on this candidate.
    AdjudicateSelect(usize),
    /// The user's answer to a file changed on disk under unsaved edits.
    ResolveConflict(ConflictChoice),
    /// The user's answer to quitting with unsaved edits.
    QuitChoice(QuitChoice),
    /// Label every mention of the selection's text (preview first).
    Everywhere,
    /// Accept the selected suggestion everywhere: every mention of its text
    /// gets its label (preview first).
    AcceptEverywhere,
    /// Reject the selected suggestion everywhere (preview first).
    RejectEverywhere,
    /// Delete the spans on every mention of the selection's text (preview first).
    DeleteEverywhere,
    /// Filter the pending suggestions, then accept, reject or relabel all
    /// that match (preview first).
    FilterSuggestions,
    /// Compute the everywhere dialog's preview.
    PreviewEverywhere(Box<EverywhereForm>),
    /// Run the everywhere dialog's previewed action on the ticked rows.
    RunEverywhere(Box<EverywhereForm>),
    /// Stop the everywhere scan or action.
    CancelEverywhere,
}

/// What to do when quitting with edits that could not be saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuitChoice {
    /// Write them into this folder, then quit.
    SaveElsewhere(String),
    /// Close the dialog and keep trying to save them.
    KeepTrying,
    /// Quit without them.
    Discard,
}

impl Command {
    /// Whether the command changes the selected span, suggestion or
    /// relation (a key must not do that to something out of view).
    pub fn acts_on_selection(&self) -> bool {
        use Command as C;
        matches!(
            self,
            C::Label(_)
                | C::LabelExact(_)
                | C::DeleteSelected
                | C::AcceptSuggestion
                | C::RejectSuggestion
                | C::Everywhere
                | C::AcceptEverywhere
                | C::RejectEverywhere
                | C::DeleteEverywhere
                | C::StartWordLeft
                | C::StartWordRight
                | C::StartToCapital
                | C::EndWordLeft
                | C::EndWordRight
                | C::StartCharLeft
                | C::StartCharRight
                | C::EndCharLeft
                | C::EndCharRight
                | C::StartRelation
                | C::PickRelation
                | C::RelationType(_)
                | C::RelationTypeAt(_)
        )
    }
}

/// What to do when the open document's file changed on disk under unsaved
/// edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictChoice {
    /// Load the file from disk; drop the unsaved edits.
    Reload,
    /// Write this version over the file.
    KeepMine,
    /// Load the file from disk and apply the unsaved edits onto it.
    Merge,
}

/// What the window is doing, which decides what a key means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Annotating the article.
    Annotating,
    /// A relation is being drawn: its tail is being chosen.
    ChoosingTail,
    /// A relation's tail is chosen: its type list shows.
    ChoosingType,
    /// The adjudication panel is open (keys it does not take annotate).
    Adjudicating,
    /// A relation is selected: a relation type's key changes its type
    /// (keys it does not take annotate).
    RelationSelected,
    /// The likely relations of a span are being gone through: Enter makes
    /// the one shown, x or Tab shows the next, a type's key (or its number)
    /// makes it with that type.
    ChoosingRelation,
    /// A suggested relation is selected: Enter accepts it, x rejects it, a
    /// relation type's key (or its number in the list of types) accepts it
    /// with that type; the review keys win over a type's hotkey (see
    /// [`CommandTable::clashes`]).
    SuggestedRelationSelected,
    /// Alt+A just accepted the entity suggestions and the setting "open
    /// documents with suggestions accepted" is off: A turns it on (every
    /// other key does what it does while annotating, and withdraws that).
    AcceptOffered,
}

/// Where a key applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// In every mode.
    Always,
    /// In this mode; [`Mode::Annotating`] keys also work while
    /// adjudicating, after the adjudication's own.
    In(Mode),
}

impl When {
    /// Whether a key with this condition applies in `mode`.
    pub fn applies(self, mode: Mode) -> bool {
        match self {
            When::Always => true,
            When::In(Mode::Annotating) => {
                matches!(
                    mode,
                    Mode::Annotating | Mode::Adjudicating | Mode::RelationSelected | Mode::SuggestedRelationSelected | Mode::AcceptOffered
                )
            }
            When::In(m) => m == mode,
        }
    }

    /// Said next to the key in the help and menus; `None` for everyday keys.
    pub fn note(self) -> Option<&'static str> {
        match self {
            When::Always | When::In(Mode::Annotating) => None,
            When::In(Mode::ChoosingTail) => Some("choosing a tail"),
            When::In(Mode::ChoosingType) => Some("choosing a type"),
            When::In(Mode::ChoosingRelation) => Some("going through likely relations"),
            When::In(Mode::Adjudicating) => Some("adjudicating"),
            When::In(Mode::RelationSelected) => Some("a relation selected"),
            When::In(Mode::SuggestedRelationSelected) => Some("a suggested relation selected"),
            When::In(Mode::AcceptOffered) => Some("right after Alt+A"),
        }
    }
}

/// How commands are grouped in the help and the palette (in this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Group {
    File,
    Edit,
    Labels,
    Suggestions,
    Navigate,
    SelectText,
    EditSpan,
    Relations,
    Document,
    Adjudication,
    View,
    Help,
}

impl Group {
    /// The group's title.
    pub fn title(self) -> &'static str {
        match self {
            Group::File => "File",
            Group::Edit => "Edit",
            Group::Labels => "Labels",
            Group::Suggestions => "Suggestions",
            Group::Navigate => "Navigate",
            Group::SelectText => "Select text",
            Group::EditSpan => "Edit span",
            Group::Relations => "Relations",
            Group::Document => "Document",
            Group::Adjudication => "Adjudication",
            Group::View => "View",
            Group::Help => "Help",
        }
    }

    /// The menu the group's commands are in: navigation and editing
    /// details go under Edit, the adjudication under Document.
    pub fn menu(self) -> Menu {
        match self {
            Group::File => Menu::File,
            Group::Edit | Group::Labels | Group::Navigate | Group::SelectText | Group::EditSpan => Menu::Edit,
            Group::Suggestions => Menu::Suggestions,
            Group::Relations => Menu::Relations,
            Group::Document | Group::Adjudication => Menu::Document,
            Group::View => Menu::View,
            Group::Help => Menu::Help,
        }
    }
}

/// The menu bar's menus, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Menu {
    File,
    Edit,
    Suggestions,
    Relations,
    Document,
    View,
    Help,
}

impl Menu {
    /// Every menu, left to right.
    pub const ALL: [Menu; 7] = [Menu::File, Menu::Edit, Menu::Suggestions, Menu::Relations, Menu::Document, Menu::View, Menu::Help];

    /// The menu's title.
    pub fn title(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::Suggestions => "Suggestions",
            Menu::Relations => "Relations",
            Menu::Document => "Document",
            Menu::View => "View",
            Menu::Help => "Help",
        }
    }
}

/// A key and where it applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The key with its modifiers.
    pub key: KeyboardShortcut,
    /// The mode it applies in.
    pub when: When,
}

/// One command as menus, the palette and the help show it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// What it runs.
    pub command: Command,
    /// What it is called.
    pub name: Cow<'static, str>,
    /// Where it is listed.
    pub group: Group,
    /// Keys that trigger it; the first is shown first.
    pub keys: Vec<Binding>,
    /// Shown instead of the keys (a schema's hotkey as written there).
    pub keys_text: Option<String>,
}

const fn k(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const NONE: Modifiers = Modifiers::NONE;
const SHIFT: Modifiers = Modifiers::SHIFT;
const CMD: Modifiers = Modifiers::COMMAND;
const ALT: Modifiers = Modifiers::ALT;

const ANNOTATING: When = When::In(Mode::Annotating);
const TAIL: When = When::In(Mode::ChoosingTail);
const TYPE: When = When::In(Mode::ChoosingType);
const PICK: When = When::In(Mode::ChoosingRelation);
const ADJUDICATING: When = When::In(Mode::Adjudicating);
const RELATION: When = When::In(Mode::RelationSelected);
const SUGGESTED_RELATION: When = When::In(Mode::SuggestedRelationSelected);

/// The digit keys 1–9, for the n-th relation type.
const DIGITS: [Key; 9] = [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9];

/// An entry whose keys all apply in the same mode.
fn entry(command: Command, name: &'static str, group: Group, when: When, keys: &[KeyboardShortcut]) -> Entry {
    Entry { command, name: Cow::Borrowed(name), group, keys: keys.iter().map(|&key| Binding { key, when }).collect(), keys_text: None }
}

/// A schema hotkey ("p") as a key.
fn hotkey(text: Option<&str>) -> Option<Key> {
    text.and_then(|h| Key::from_name(&h.to_ascii_uppercase()))
}

/// The commands that do not depend on the schema, in the order menus and
/// help show them within a group.
fn fixed_entries() -> Vec<Entry> {
    use Command as C;
    use Group as G;
    let e = |command, name, group, keys: &[KeyboardShortcut]| entry(command, name, group, ANNOTATING, keys);
    vec![
        e(C::OpenFolder, "Open folder…", G::File, &[k(CMD, Key::O)]),
        e(C::Import, "Import…", G::File, &[k(CMD, Key::I)]),
        e(C::Export, "Export…", G::File, &[k(CMD, Key::E)]),
        e(C::Quit, "Quit", G::File, &[k(CMD, Key::Q)]),
        e(C::Undo, "Undo", G::Edit, &[k(CMD, Key::Z)]),
        e(C::Redo, "Redo", G::Edit, &[k(CMD.plus(SHIFT), Key::Z), k(CMD, Key::Y)]),
        e(C::DeleteSelected, "Delete selected span or relation", G::Edit, &[k(NONE, Key::Delete), k(NONE, Key::Backspace)]),
        e(C::AcceptSuggestion, "Accept suggestion (a relation: with its pending ends)", G::Suggestions, &[k(NONE, Key::Enter)]),
        e(C::RejectSuggestion, "Reject suggestion (an entity: with the suggested relations on it)", G::Suggestions, &[k(NONE, Key::X)]),
        e(C::NextSuggestion, "Next suggestion, entity or relation", G::Suggestions, &[k(NONE, Key::J)]),
        e(C::PreviousSuggestion, "Previous suggestion, entity or relation", G::Suggestions, &[k(NONE, Key::K)]),
        e(
            C::AcceptAll,
            "Accept all suggestions in document, with the suggested relations whose two ends are then accepted",
            G::Suggestions,
            &[k(SHIFT, Key::A)],
        ),
        e(
            C::AcceptAllEntities,
            "Accept all entity suggestions; the suggested relations wait for review (Enter, x; Shift+A takes those left)",
            G::Suggestions,
            &[k(ALT, Key::A)],
        ),
        e(
            C::RejectAll,
            "Reject all suggestions in document, suggested relations included (reviewing relations: those left, and the review goes on)",
            G::Suggestions,
            &[k(SHIFT, Key::X)],
        ),
        e(
            C::AcceptEverywhere,
            "Accept everywhere: every mention of the suggestion's text, corpus-wide (preview)",
            G::Suggestions,
            &[k(SHIFT, Key::Enter)],
        ),
        e(
            C::RejectEverywhere,
            "Reject everywhere: the suggestion's text, corpus-wide (preview)",
            G::Suggestions,
            &[k(CMD.plus(SHIFT), Key::X)],
        ),
        e(
            C::FilterSuggestions,
            "Filter suggestions, then accept, reject or relabel all that match (preview)",
            G::Suggestions,
            &[k(CMD.plus(SHIFT), Key::F)],
        ),
        e(C::Everywhere, "Label everywhere: every mention of the selection's text, corpus-wide (preview)", G::Edit, &[k(SHIFT, Key::E)]),
        e(
            C::DeleteEverywhere,
            "Delete everywhere: the spans of the selection's text, corpus-wide (preview)",
            G::Edit,
            &[k(SHIFT, Key::Delete)],
        ),
        e(C::SuggestAgain, "Suggest again for this document", G::Suggestions, &[k(CMD.plus(SHIFT), Key::G)]),
        e(C::SuggestCorpus, "Suggest for every new document (background)", G::Suggestions, &[]),
        e(C::CancelBackground, "Stop background work (suggesting, learning)", G::Suggestions, &[]),
        e(C::Relearn, "Learn again from done documents (from the shipped model)", G::Suggestions, &[]),
        e(C::ToggleAcceptOnOpen, "Open documents with suggestions accepted (on / off)", G::Suggestions, &[]),
        entry(
            C::AcceptOnOpenToo,
            "The same on every document you open: turns on \"open documents with suggestions accepted\"",
            G::Suggestions,
            When::In(Mode::AcceptOffered),
            &[k(NONE, Key::A)],
        ),
        e(C::Settings, "Settings (threshold, recommender, …)", G::View, &[k(CMD, Key::Comma)]),
        e(C::ScrollPage(true), "Scroll the article a view down", G::Navigate, &[k(NONE, Key::PageDown)]),
        e(C::ScrollPage(false), "Scroll the article a view up", G::Navigate, &[k(NONE, Key::PageUp)]),
        e(C::ScrollToEnd(true), "Scroll to the article's end", G::Navigate, &[k(CMD, Key::End)]),
        e(C::ScrollToEnd(false), "Scroll to the article's start", G::Navigate, &[k(CMD, Key::Home)]),
        e(C::NextSpan, "Next span or suggestion", G::Navigate, &[k(NONE, Key::Tab)]),
        e(C::PreviousSpan, "Previous span or suggestion", G::Navigate, &[k(SHIFT, Key::Tab)]),
        e(C::CaretWordLeft, "Caret one word left", G::Navigate, &[k(NONE, Key::ArrowLeft)]),
        e(C::CaretWordRight, "Caret one word right", G::Navigate, &[k(NONE, Key::ArrowRight)]),
        e(C::NextName, "Select the next name without a span or suggestion (then a label key)", G::SelectText, &[k(NONE, Key::N)]),
        e(C::PreviousName, "Select the previous name without a span or suggestion", G::SelectText, &[k(SHIFT, Key::N)]),
        e(C::ExtendToName, "Extend the selection through the next name", G::SelectText, &[k(ALT, Key::N)]),
        e(
            C::ExtendToPhraseEnd,
            "Extend the selection to the end of the phrase (the next comma, period, quote or bracket)",
            G::SelectText,
            &[k(SHIFT, Key::End)],
        ),
        e(C::ExtendWordLeft, "Extend selection a word left", G::SelectText, &[k(SHIFT, Key::ArrowLeft)]),
        e(C::ExtendWordRight, "Extend selection a word right", G::SelectText, &[k(SHIFT, Key::ArrowRight)]),
        e(C::ExtendCharLeft, "Extend selection a character left", G::SelectText, &[k(SHIFT.plus(CMD), Key::ArrowLeft)]),
        e(C::ExtendCharRight, "Extend selection a character right", G::SelectText, &[k(SHIFT.plus(CMD), Key::ArrowRight)]),
        e(C::StartWordLeft, "Span start one word left", G::EditSpan, &[k(ALT, Key::ArrowLeft)]),
        e(C::StartWordRight, "Span start one word right", G::EditSpan, &[k(ALT, Key::ArrowRight)]),
        e(
            C::StartToCapital,
            "Span start to the next capitalised word inside it (drop a title before a name)",
            G::EditSpan,
            &[k(ALT, Key::C)],
        ),
        e(C::EndWordLeft, "Span end one word left", G::EditSpan, &[k(ALT.plus(SHIFT), Key::ArrowLeft)]),
        e(C::EndWordRight, "Span end one word right", G::EditSpan, &[k(ALT.plus(SHIFT), Key::ArrowRight)]),
        e(C::StartCharLeft, "Span start one character left", G::EditSpan, &[k(ALT.plus(CMD), Key::ArrowLeft)]),
        e(C::StartCharRight, "Span start one character right", G::EditSpan, &[k(ALT.plus(CMD), Key::ArrowRight)]),
        e(C::EndCharLeft, "Span end one character left", G::EditSpan, &[k(ALT.plus(CMD).plus(SHIFT), Key::ArrowLeft)]),
        e(C::EndCharRight, "Span end one character right", G::EditSpan, &[k(ALT.plus(CMD).plus(SHIFT), Key::ArrowRight)]),
        e(
            C::StartRelation,
            "Start a relation from the selected span (from a selected relation: from its head, to the next tail)",
            G::Relations,
            &[k(NONE, Key::R)],
        ),
        e(
            C::SuggestRelations,
            "Suggest relations between the spans as they are now (after fixing the entities), then review them (Enter, x, a type's key)",
            G::Relations,
            &[k(CMD, Key::R)],
        ),
        e(
            C::NextRelation,
            "Next relation, in reading order by its head (then Delete, or a type's key to retype)",
            G::Relations,
            &[k(NONE, Key::Period)],
        ),
        e(C::PreviousRelation, "Previous relation, in reading order by its head", G::Relations, &[k(NONE, Key::Comma)]),
        e(
            C::PickRelation,
            "Likely relations of the selected span (or of a selected relation's head), likeliest first, one at a time with type and score (Enter makes it, x next)",
            G::Relations,
            &[k(NONE, Key::C)],
        ),
        e(
            C::RelateByName,
            "Likely relations of a span reached by name: type the first letters of a word of its name (↓ / ↑: the next / previous span so named), Enter lists its likely relations as c does, Esc only selects it",
            G::Relations,
            &[k(SHIFT, Key::C)],
        ),
        entry(C::NextPick, "Next likely relation", G::Relations, PICK, &[k(NONE, Key::X), k(NONE, Key::Tab), k(NONE, Key::ArrowRight)]),
        entry(C::PreviousPick, "Previous likely relation", G::Relations, PICK, &[k(SHIFT, Key::Tab), k(NONE, Key::ArrowLeft)]),
        entry(C::TakePick, "Make the likely relation shown (the span stays selected)", G::Relations, PICK, &[k(NONE, Key::Enter)]),
        entry(C::NextTail, "Next candidate tail", G::Relations, TAIL, &[k(NONE, Key::Tab), k(NONE, Key::ArrowRight)]),
        entry(C::PreviousTail, "Previous candidate tail", G::Relations, TAIL, &[k(SHIFT, Key::Tab), k(NONE, Key::ArrowLeft)]),
        entry(C::ConfirmTail, "Take this tail (then choose the type)", G::Relations, TAIL, &[k(NONE, Key::Enter)]),
        e(C::ToggleRelations, "Show or hide relation arcs", G::View, &[k(SHIFT, Key::R)]),
        e(C::ToggleCorpusPanel, "Show or put away the corpus list", G::View, &[k(CMD, Key::OpenBracket)]),
        e(C::ToggleInspector, "Show or put away the inspector", G::View, &[k(CMD, Key::CloseBracket)]),
        entry(C::Escape, "Cancel / clear selection", G::Navigate, When::Always, &[k(NONE, Key::Escape)]),
        e(C::MarkDone, "Mark done and open the next unfinished document", G::Document, &[k(CMD, Key::Enter)]),
        e(C::MarkSkipped, "Mark skipped", G::Document, &[k(CMD.plus(SHIFT), Key::S)]),
        Entry {
            command: C::Adjudicate,
            name: Cow::Borrowed("Adjudicate: annotators' versions side by side → curated version"),
            group: G::Adjudication,
            keys: vec![
                Binding { key: k(CMD.plus(SHIFT), Key::D), when: ANNOTATING },
                Binding { key: k(NONE, Key::Escape), when: ADJUDICATING },
            ],
            keys_text: None,
        },
        entry(C::AdjudicateNext, "Next candidate", G::Adjudication, ADJUDICATING, &[k(NONE, Key::ArrowDown), k(NONE, Key::J)]),
        entry(C::AdjudicatePrevious, "Previous candidate", G::Adjudication, ADJUDICATING, &[k(NONE, Key::ArrowUp), k(NONE, Key::K)]),
        entry(C::AdjudicateTake, "Take the candidate into the curated version", G::Adjudication, ADJUDICATING, &[k(NONE, Key::Enter)]),
        entry(
            C::AdjudicateDrop,
            "Drop the candidate from the curated version",
            G::Adjudication,
            ADJUDICATING,
            &[k(NONE, Key::X), k(NONE, Key::Delete), k(NONE, Key::Backspace)],
        ),
        entry(C::AdjudicateTakeAgreed, "Take every candidate all annotators agree on", G::Adjudication, ADJUDICATING, &[k(SHIFT, Key::A)]),
        e(C::NextDocument, "Next document", G::Document, &[k(ALT, Key::ArrowDown)]),
        e(C::PreviousDocument, "Previous document", G::Document, &[k(ALT, Key::ArrowUp)]),
        e(C::CommandPalette, "Command palette", G::View, &[k(CMD, Key::P)]),
        e(C::Find, "Find text (Enter: next occurrence)", G::Navigate, &[k(CMD, Key::F)]),
        e(
            C::Jump,
            "Jump: a letter or two on every span, suggestion and name without a span in view (each part of a hyphenated name too, tagged under it), and on each lower-case word a span here opens a phrase with (ministère, guerre); type them to select it (Space / Shift+Space: scroll on; Esc: none)",
            G::Navigate,
            &[k(NONE, Key::F)],
        ),
        e(C::ShowShortcuts, "Keyboard shortcuts", G::Help, &[k(NONE, Key::Questionmark), k(NONE, Key::F1)]),
        e(C::ToggleTheme, "Toggle light/dark theme", G::View, &[k(CMD.plus(SHIFT), Key::L)]),
        e(C::Dashboard, "Dashboard: progress, labels, agreement, suggestions", G::View, &[k(CMD.plus(SHIFT), Key::B)]),
    ]
}

/// Two entries per entity label of the schema: its hotkey (the selection
/// snapped to words), and Alt with it (exactly the characters).
fn label_entries(schema: &Schema) -> impl Iterator<Item = Entry> + '_ {
    let snapped = schema.entity_labels.iter().map(|l| Entry {
        command: Command::Label(l.name.clone()),
        name: Cow::Owned(format!("Label {}", l.name)),
        group: Group::Labels,
        keys: hotkey(l.hotkey.as_deref()).map(|key| Binding { key: k(NONE, key), when: ANNOTATING }).into_iter().collect(),
        keys_text: l.hotkey.clone(),
    });
    let exact = schema.entity_labels.iter().map(|l| Entry {
        command: Command::LabelExact(l.name.clone()),
        name: Cow::Owned(format!("Label {}, exactly the selected characters", l.name)),
        group: Group::Labels,
        keys: hotkey(l.hotkey.as_deref()).map(|key| Binding { key: k(ALT, key), when: ANNOTATING }).into_iter().collect(),
        keys_text: l.hotkey.as_ref().map(|h| format!("Alt+{h}")),
    });
    snapped.chain(exact)
}

/// The relation types of the schema (their hotkeys apply while a drawn
/// relation's type list shows), then "the n-th type of the list" for 1–9
/// (Enter also takes the first).
fn relation_type_entries<'a>(schema: &'a Schema, reserved: &'a [Key], pick_keys: &'a [Key]) -> impl Iterator<Item = Entry> + 'a {
    let by_name = schema.relation_labels.iter().map(|r| Entry {
        command: Command::RelationType(r.name.clone()),
        name: Cow::Owned(format!("Relation type {}", r.name)),
        group: Group::Relations,
        keys: hotkey(r.hotkey.as_deref())
            .into_iter()
            .flat_map(|key| {
                let suggested = (!reserved.contains(&key)).then_some(Binding { key: k(NONE, key), when: SUGGESTED_RELATION });
                let pick = (!pick_keys.contains(&key)).then_some(Binding { key: k(NONE, key), when: PICK });
                [Some(Binding { key: k(NONE, key), when: TYPE }), Some(Binding { key: k(NONE, key), when: RELATION }), suggested, pick]
            })
            .flatten()
            .collect(),
        keys_text: None,
    });
    let by_place = DIGITS.iter().enumerate().map(|(n, &digit)| {
        let mut keys = vec![
            Binding { key: k(NONE, digit), when: TYPE },
            Binding { key: k(NONE, digit), when: SUGGESTED_RELATION },
            Binding { key: k(NONE, digit), when: PICK },
        ];
        if n == 0 {
            keys.insert(0, Binding { key: k(NONE, Key::Enter), when: TYPE });
        }
        let name = if n == 0 {
            Cow::Borrowed("The likeliest relation type (first of the list)")
        } else {
            Cow::Owned(format!("Relation type {} of the list", n + 1))
        };
        Entry { command: Command::RelationTypeAt(n), name, group: Group::Relations, keys, keys_text: None }
    });
    by_name.chain(by_place)
}

/// Every command of a project: the fixed ones, then its labels and relation
/// types. Built once per schema.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandTable {
    entries: Vec<Entry>,
    clashes: Vec<String>,
}

impl CommandTable {
    /// The table for a schema.
    pub fn new(schema: &Schema) -> Self {
        let mut entries = fixed_entries();
        // A suggested relation is reviewed with the everyday keys (Enter,
        // x, j, k, …): a relation type whose hotkey is one of them cannot
        // take that key there, and the help says so.
        let reserved: Vec<Key> = entries
            .iter()
            .flat_map(|e| &e.keys)
            .filter(|b| b.when == ANNOTATING && b.key.modifiers == NONE)
            .map(|b| b.key.logical_key)
            .collect();
        let clashes = schema
            .relation_labels
            .iter()
            .filter_map(|r| {
                let key = hotkey(r.hotkey.as_deref())?;
                let taken = entries.iter().find(|e| e.keys.iter().any(|b| b.when == ANNOTATING && b.key == k(NONE, key)))?;
                Some(format!(
                    "{}'s key {} is \"{}\" while a suggested relation is selected: there, give it its number in the list of types",
                    r.name,
                    r.hotkey.as_deref().unwrap_or(""),
                    taken.name
                ))
            })
            .collect();
        entries.extend(label_entries(schema));
        // Going through likely relations, x and the arrows step: a type
        // with one of those keys is given by its number there.
        let pick_keys: Vec<Key> =
            entries.iter().flat_map(|e| &e.keys).filter(|b| b.when == PICK && b.key.modifiers == NONE).map(|b| b.key.logical_key).collect();
        entries.extend(relation_type_entries(schema, &reserved, &pick_keys));
        Self { entries, clashes }
    }

    /// The relation types whose hotkey a review key takes while a
    /// suggested relation is selected, said as the help says it.
    pub fn clashes(&self) -> &[String] {
        &self.clashes
    }

    /// Every entry, in table order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every entry, sorted by group (table order within a group), as the
    /// help lists them.
    pub fn by_group(&self) -> Vec<&Entry> {
        let mut v: Vec<&Entry> = self.entries.iter().collect();
        v.sort_by_key(|e| e.group);
        v
    }

    /// The keys that apply in `mode`, in the order they are tried: the
    /// mode's own keys first, then the others; within each, keys with more
    /// modifiers first (egui ignores an extra Shift or Alt when matching).
    pub fn shortcuts(&self, mode: Mode) -> Vec<(KeyboardShortcut, &Command)> {
        let mut v: Vec<(bool, KeyboardShortcut, &Command)> = self
            .entries
            .iter()
            .flat_map(|e| e.keys.iter().filter(|b| b.when.applies(mode)).map(move |b| (b.when != When::In(mode), b.key, &e.command)))
            .collect();
        let count = |m: Modifiers| u8::from(m.alt) + u8::from(m.shift) + u8::from(m.command || m.ctrl);
        v.sort_by_key(|(other, key, _)| (*other, std::cmp::Reverse(count(key.modifiers))));
        v.into_iter().map(|(_, key, c)| (key, c)).collect()
    }
}

/// A key as the user types it: a plain letter in lower case (`j`), a chord
/// with its modifiers (`Shift+A`, `Ctrl+Shift+L`), arrows as arrows.
pub fn key_text(key: &KeyboardShortcut) -> String {
    let m = key.modifiers;
    let mut out = String::new();
    if m.ctrl || m.command || m.mac_cmd {
        out.push_str("Ctrl+");
    }
    if m.alt {
        out.push_str("Alt+");
    }
    if m.shift {
        out.push_str("Shift+");
    }
    let name = match key.logical_key {
        Key::ArrowLeft => "←".to_owned(),
        Key::ArrowRight => "→".to_owned(),
        Key::ArrowUp => "↑".to_owned(),
        Key::ArrowDown => "↓".to_owned(),
        Key::Escape => "Esc".to_owned(),
        Key::Questionmark => "?".to_owned(),
        Key::Comma => ",".to_owned(),
        other => {
            let name = other.name();
            if name.chars().count() == 1 && m.is_none() { name.to_lowercase() } else { name.to_owned() }
        }
    };
    out.push_str(&name);
    out
}

/// Shortcut text for help and menus: the keys, each with its mode when it
/// differs from the first key's (the same key in two modes is said once).
pub fn shortcut_text(entry: &Entry) -> String {
    if let Some(t) = &entry.keys_text {
        return t.clone();
    }
    let first = entry.keys.first().map(|b| b.when);
    let mut shown: Vec<String> = Vec::new();
    for b in &entry.keys {
        let text = match b.when.note().filter(|_| Some(b.when) != first) {
            Some(note) => format!("{} ({note})", key_text(&b.key)),
            None => key_text(&b.key),
        };
        if !shown.iter().any(|s| s.split(' ').next() == text.split(' ').next()) {
            shown.push(text);
        }
    }
    shown.join(" / ")
}

/// When the entry's keys apply, for the help: "choosing a tail", …
/// (each mode once, in the order of the keys).
pub fn when_text(entry: &Entry) -> String {
    let mut notes: Vec<&str> = Vec::new();
    for n in entry.keys.iter().filter_map(|b| b.when.note()) {
        if !notes.contains(&n) {
            notes.push(n);
        }
    }
    notes.join(", or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        crate::model::Schema::news()
    }

    #[test]
    fn every_command_is_listed_once() {
        let table = CommandTable::new(&schema());
        for (i, e) in table.entries().iter().enumerate() {
            let again = table.entries().iter().skip(i + 1).any(|o| o.command == e.command);
            assert!(!again, "{:?} is listed twice", e.command);
        }
    }

    #[test]
    fn the_mode_decides_what_a_key_does() {
        let table = CommandTable::new(&schema());
        let first = |mode, key: KeyboardShortcut| {
            table
                .shortcuts(mode)
                .into_iter()
                .find(|(k, _)| k.logical_key == key.logical_key && key.modifiers.matches_logically(k.modifiers))
                .map(|(_, c)| c.clone())
        };
        assert_eq!(first(Mode::Annotating, k(NONE, Key::Enter)), Some(Command::AcceptSuggestion));
        assert_eq!(first(Mode::ChoosingTail, k(NONE, Key::Enter)), Some(Command::ConfirmTail));
        assert_eq!(first(Mode::ChoosingType, k(NONE, Key::Enter)), Some(Command::RelationTypeAt(0)));
        assert_eq!(first(Mode::Adjudicating, k(NONE, Key::Enter)), Some(Command::AdjudicateTake));
        assert_eq!(first(Mode::ChoosingTail, k(NONE, Key::Tab)), Some(Command::NextTail));
        assert_eq!(first(Mode::ChoosingTail, k(SHIFT, Key::Tab)), Some(Command::PreviousTail));
        assert_eq!(first(Mode::Annotating, k(SHIFT, Key::Tab)), Some(Command::PreviousSpan));
        assert_eq!(first(Mode::ChoosingType, k(NONE, Key::Num3)), Some(Command::RelationTypeAt(2)));
        assert_eq!(first(Mode::Adjudicating, k(NONE, Key::Escape)), Some(Command::Adjudicate));
        assert_eq!(first(Mode::ChoosingType, k(NONE, Key::Escape)), Some(Command::Escape));
        assert_eq!(first(Mode::Adjudicating, k(SHIFT, Key::A)), Some(Command::AdjudicateTakeAgreed));
        // While adjudicating, the keys it does not take still annotate.
        assert_eq!(first(Mode::Adjudicating, k(CMD, Key::Z)), Some(Command::Undo));
        // While a relation is drawn, nothing else happens.
        assert_eq!(first(Mode::ChoosingTail, k(CMD, Key::Z)), None);
    }

    #[test]
    fn relation_type_hotkeys_apply_while_the_type_list_shows() {
        let s = schema();
        let table = CommandTable::new(&s);
        let with_key: Vec<_> = s.relation_labels.iter().filter_map(|r| Some((r.name.clone(), hotkey(r.hotkey.as_deref())?))).collect();
        assert!(!with_key.is_empty());
        for (name, key) in with_key {
            let found = table.shortcuts(Mode::ChoosingType).into_iter().find(|(k, _)| k.logical_key == key && k.modifiers == NONE);
            assert_eq!(found.map(|(_, c)| c.clone()), Some(Command::RelationType(name)));
        }
    }
}
