//! One command list drives the menus, the keyboard, the command palette and
//! the help: each [`Command`] has a name, a shortcut and a description here,
//! and nowhere else.

use egui::{Key, KeyboardShortcut, Modifiers};

/// Everything the user can ask of the window. Panels return these; the app
/// applies them after the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Undo,
    Redo,
    /// Give the selection (text, span or suggestion) this entity label.
    Label(String),
    DeleteSelected,
    AcceptSuggestion,
    RejectSuggestion,
    NextSuggestion,
    PreviousSuggestion,
    AcceptAll,
    RejectAll,
    NextSpan,
    PreviousSpan,
    CaretWordLeft,
    CaretWordRight,
    ExtendWordLeft,
    ExtendWordRight,
    ExtendCharLeft,
    ExtendCharRight,
    StartWordLeft,
    StartWordRight,
    EndWordLeft,
    EndWordRight,
    StartCharLeft,
    StartCharRight,
    EndCharLeft,
    EndCharRight,
    StartRelation,
    Escape,
    MarkDone,
    MarkSkipped,
    NextDocument,
    PreviousDocument,
    OpenFolder,
    Import,
    Export,
    CommandPalette,
    /// Open the find bar.
    Find,
    /// Select the next occurrence of this text after the caret.
    FindNext(String),
    ShowShortcuts,
    /// Open the settings dialog.
    Settings,
    /// Apply the settings dialog's values.
    ApplySettings(Box<super::panels::dialogs::SettingsForm>),
    /// Drop the document's pending suggestions and suggest again.
    SuggestAgain,
    /// Suggest for every document never annotated, in the background.
    SuggestCorpus,
    /// Stop the corpus-wide suggestion job.
    CancelBackground,
    Relearn,
    ToggleTheme,
    ToggleRelations,
    Quit,
    /// Open the document at this index of the corpus list.
    OpenDocument(usize),
    /// Select a span by id.
    SelectSpan(crate::model::SpanId),
    SelectSuggestion(crate::model::SuggestionId),
    SelectRelation(crate::model::RelationId),
    /// Select a text range (code points).
    SelectText(crate::model::CharIdx, crate::model::CharIdx),
    /// Finish a pending relation with this tail.
    RelationTail(crate::model::SpanId),
    /// Give the pending relation (or the selected one) this type.
    RelationType(String),
    DeleteRelation(crate::model::RelationId),
    RetargetRelation(crate::model::RelationId),
    SetComment(String),
    SetStatus(crate::model::Status),
    OpenRecent(std::path::PathBuf),
    /// Open or close the adjudication of the annotators' versions.
    Adjudicate,
    /// Open or close the dashboard.
    Dashboard,
    AdjudicateNext,
    AdjudicatePrevious,
    /// Put the candidate under the cursor into the curated version.
    AdjudicateTake,
    /// Take it out of the curated version.
    AdjudicateDrop,
    /// Take every candidate all annotators agree on.
    AdjudicateTakeAgreed,
    AdjudicateSelect(usize),
}

/// A command that appears in menus, the palette and the help.
pub struct Entry {
    pub command: Command,
    pub name: &'static str,
    pub group: &'static str,
    /// Keys that trigger it; the first is shown.
    pub keys: Vec<KeyboardShortcut>,
    /// Extra text for keys that are not shortcuts (label hotkeys).
    pub keys_text: Option<String>,
}

const fn k(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const NONE: Modifiers = Modifiers::NONE;
const SHIFT: Modifiers = Modifiers::SHIFT;
const CMD: Modifiers = Modifiers::COMMAND;
const ALT: Modifiers = Modifiers::ALT;

/// The fixed commands, in the order menus and help show them. Label
/// commands come from the schema (see [`label_entries`]).
pub fn fixed_entries() -> Vec<Entry> {
    let e = |command, name, group, keys: Vec<KeyboardShortcut>| Entry { command, name, group, keys, keys_text: None };
    vec![
        e(Command::OpenFolder, "Open folder…", "File", vec![k(CMD, Key::O)]),
        e(Command::Import, "Import…", "File", vec![k(CMD, Key::I)]),
        e(Command::Export, "Export…", "File", vec![k(CMD, Key::E)]),
        e(Command::Quit, "Quit", "File", vec![k(CMD, Key::Q)]),
        e(Command::Undo, "Undo", "Edit", vec![k(CMD, Key::Z)]),
        e(Command::Redo, "Redo", "Edit", vec![k(CMD.plus(SHIFT), Key::Z), k(CMD, Key::Y)]),
        e(Command::DeleteSelected, "Delete selected span or relation", "Edit", vec![k(NONE, Key::Delete), k(NONE, Key::Backspace)]),
        e(Command::AcceptSuggestion, "Accept suggestion", "Suggestions", vec![k(NONE, Key::Enter)]),
        e(Command::RejectSuggestion, "Reject suggestion", "Suggestions", vec![k(NONE, Key::X)]),
        e(Command::NextSuggestion, "Next suggestion", "Suggestions", vec![k(NONE, Key::J)]),
        e(Command::PreviousSuggestion, "Previous suggestion", "Suggestions", vec![k(NONE, Key::K)]),
        e(Command::AcceptAll, "Accept all suggestions in document", "Suggestions", vec![k(SHIFT, Key::A)]),
        e(Command::RejectAll, "Reject all suggestions in document", "Suggestions", vec![k(SHIFT, Key::X)]),
        e(Command::SuggestAgain, "Suggest again for this document", "Suggestions", vec![k(CMD.plus(SHIFT), Key::G)]),
        e(Command::SuggestCorpus, "Suggest for every new document (background)", "Suggestions", vec![]),
        e(Command::CancelBackground, "Stop background work (suggesting, learning)", "Suggestions", vec![]),
        e(Command::Relearn, "Learn again from done documents (from the shipped model)", "Suggestions", vec![]),
        e(Command::Settings, "Settings (threshold, recommender, …)", "View", vec![k(CMD, Key::Comma)]),
        e(Command::NextSpan, "Next span or suggestion", "Navigate", vec![k(NONE, Key::Tab)]),
        e(Command::PreviousSpan, "Previous span or suggestion", "Navigate", vec![k(SHIFT, Key::Tab)]),
        e(Command::CaretWordLeft, "Caret one word left", "Navigate", vec![k(NONE, Key::ArrowLeft)]),
        e(Command::CaretWordRight, "Caret one word right", "Navigate", vec![k(NONE, Key::ArrowRight)]),
        e(Command::ExtendWordLeft, "Extend selection a word left", "Select text", vec![k(SHIFT, Key::ArrowLeft)]),
        e(Command::ExtendWordRight, "Extend selection a word right", "Select text", vec![k(SHIFT, Key::ArrowRight)]),
        e(Command::ExtendCharLeft, "Extend selection a character left", "Select text", vec![k(SHIFT.plus(CMD), Key::ArrowLeft)]),
        e(Command::ExtendCharRight, "Extend selection a character right", "Select text", vec![k(SHIFT.plus(CMD), Key::ArrowRight)]),
        e(Command::StartWordLeft, "Span start one word left", "Edit span", vec![k(ALT, Key::ArrowLeft)]),
        e(Command::StartWordRight, "Span start one word right", "Edit span", vec![k(ALT, Key::ArrowRight)]),
        e(Command::EndWordLeft, "Span end one word left", "Edit span", vec![k(ALT.plus(SHIFT), Key::ArrowLeft)]),
        e(Command::EndWordRight, "Span end one word right", "Edit span", vec![k(ALT.plus(SHIFT), Key::ArrowRight)]),
        e(Command::StartCharLeft, "Span start one character left", "Edit span", vec![k(ALT.plus(CMD), Key::ArrowLeft)]),
        e(Command::StartCharRight, "Span start one character right", "Edit span", vec![k(ALT.plus(CMD), Key::ArrowRight)]),
        e(Command::EndCharLeft, "Span end one character left", "Edit span", vec![k(ALT.plus(CMD).plus(SHIFT), Key::ArrowLeft)]),
        e(Command::EndCharRight, "Span end one character right", "Edit span", vec![k(ALT.plus(CMD).plus(SHIFT), Key::ArrowRight)]),
        e(Command::StartRelation, "Start a relation from the selected span", "Relations", vec![k(NONE, Key::R)]),
        e(Command::ToggleRelations, "Show or hide relation arcs", "View", vec![k(SHIFT, Key::R)]),
        e(Command::Escape, "Cancel / clear selection", "Navigate", vec![k(NONE, Key::Escape)]),
        e(Command::MarkDone, "Mark done and open the next unfinished document", "Document", vec![k(CMD, Key::Enter)]),
        e(Command::MarkSkipped, "Mark skipped", "Document", vec![k(CMD.plus(SHIFT), Key::S)]),
        e(
            Command::Adjudicate,
            "Adjudicate: annotators' versions side by side → curated version",
            "Document",
            vec![k(CMD.plus(SHIFT), Key::D)],
        ),
        e(Command::NextDocument, "Next document", "Document", vec![k(ALT, Key::ArrowDown)]),
        e(Command::PreviousDocument, "Previous document", "Document", vec![k(ALT, Key::ArrowUp)]),
        e(Command::CommandPalette, "Command palette", "View", vec![k(CMD, Key::P)]),
        e(Command::Find, "Find text (Enter: next occurrence)", "Navigate", vec![k(CMD, Key::F)]),
        e(Command::ShowShortcuts, "Keyboard shortcuts", "Help", vec![k(NONE, Key::Questionmark), k(NONE, Key::F1)]),
        e(Command::ToggleTheme, "Toggle light/dark theme", "View", vec![k(CMD.plus(SHIFT), Key::L)]),
        e(Command::Dashboard, "Dashboard: progress, labels, agreement, suggestions", "View", vec![k(CMD.plus(SHIFT), Key::B)]),
    ]
}

/// One entry per entity label of the schema, with its hotkey.
pub fn label_entries(schema: &crate::model::Schema) -> Vec<(Entry, &'static str)> {
    schema
        .entity_labels
        .iter()
        .map(|l| {
            let key = l.hotkey.as_deref().and_then(|h| Key::from_name(&h.to_ascii_uppercase()));
            let name: &'static str = Box::leak(format!("Label {}", l.name).into_boxed_str());
            (
                Entry {
                    command: Command::Label(l.name.clone()),
                    name,
                    group: "Labels",
                    keys: key.map(|k| vec![KeyboardShortcut::new(NONE, k)]).unwrap_or_default(),
                    keys_text: l.hotkey.clone(),
                },
                "Labels",
            )
        })
        .collect()
}

/// Shortcut text for help and menus.
pub fn shortcut_text(ctx: &egui::Context, entry: &Entry) -> String {
    if let Some(t) = &entry.keys_text {
        return t.clone();
    }
    entry.keys.iter().map(|s| ctx.format_shortcut(s)).collect::<Vec<_>>().join(" / ")
}
