//! Applying commands. [`SpanlabApp::apply`] dispatches each [`Command`] to
//! one method; the methods live by concern:
//!
//! - `label.rs`: labelling a selection, accepting and rejecting
//!   suggestions, deleting, moving a span's boundaries, status and comment;
//! - `navigate.rs`: Tab order, the caret, find, the next unfinished
//!   document;
//! - `next_name.rs`: the next name without a span (n), extending through
//!   the next name;
//! - `jump.rs`: the jump hints (f) on what is in view;
//! - `relations.rs`: drawing a relation, its likely types, relabelling;
//! - `relation_pick.rs`: a span's likely relations, one at a time (`c`;
//!   Shift+C: a span reached by name first);
//! - `relation_review.rs`: suggested relations (accept, retype, reject),
//!   teaching the relation engine, its ranking of types;
//! - `adjudicate.rs`: the adjudication cursor, taking and dropping;
//! - `save.rs`: the journal and the writer, conflicts with the disk;
//! - `quit.rs`: quitting, which asks when edits are not saved;
//! - `project.rs`: opening documents and folders, import, export,
//!   settings, dialogs, the dashboard, the corpus search;
//! - `suggest.rs`: suggestions and learning in the background;
//! - `everywhere.rs`: everywhere and filtered bulk actions over the corpus.
//!
//! Every change to a document goes through [`SpanlabApp::edit`], which
//! records it for undo and sends it to the journal at once.
//! Must not touch: egui widgets (panels draw; this only applies).

mod adjudicate;
mod everywhere;
mod jump;
mod label;
mod navigate;
mod next_name;
mod project;
mod quit;
mod relation_pick;
mod relation_review;
mod relations;
mod save;
mod suggest;
#[cfg(test)]
mod testing;

pub use next_name::{NAME_SEARCH_BUDGET, NameStep};

use super::SpanlabApp;
use super::commands::Command;
use super::forms::NameAction;
use crate::model::Status;
use crate::model::edit::Edit;

impl SpanlabApp {
    /// Runs one command (what the last one said goes, unless it lasts).
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        use Command as C;
        self.forget_passing_messages();
        // Alt+A's offer (A turns the setting on) holds for this one command.
        self.accept_offer = false;
        // A relabel the relations forbid waits for this one command: Enter
        // takes it, anything else leaves it.
        let offer = self.relabel_offer.take().filter(|o| self.open.as_ref().is_some_and(|d| d.selection == super::Selection::Span(o.span)));
        if command == C::AcceptSuggestion
            && let Some(offer) = offer
        {
            self.confirm_relabel(offer);
            return;
        }
        match command {
            C::Undo => self.undo(),
            C::Redo => self.redo(),
            C::Label(label) => self.label_selection(&label, false),
            C::LabelExact(label) => self.label_selection(&label, true),
            C::DeleteSelected => self.delete_selected(),
            C::AcceptSuggestion if self.mode() == super::commands::Mode::SuggestedRelationSelected => self.accept_relation_suggestion(None),
            C::RejectSuggestion if self.mode() == super::commands::Mode::SuggestedRelationSelected => self.reject_relation_suggestion(),
            C::RelationType(label) if self.mode() == super::commands::Mode::SuggestedRelationSelected => {
                self.accept_relation_suggestion(Some(&label))
            }
            C::RelationTypeAt(n) if self.mode() == super::commands::Mode::SuggestedRelationSelected => {
                self.accept_relation_suggestion_at(n)
            }
            C::SelectRelationSuggestion(id) => self.select_relation_suggestion(id),
            C::RelationType(label) if self.mode() == super::commands::Mode::ChoosingRelation => self.take_pick(Some(&label)),
            C::RelationTypeAt(n) if self.mode() == super::commands::Mode::ChoosingRelation => self.take_pick_at(n),
            C::PickRelation => self.start_pick(),
            C::NextPick => self.step_pick(true),
            C::PreviousPick => self.step_pick(false),
            C::TakePick => self.take_pick(None),
            C::AcceptSuggestion => self.accept_suggestion(),
            C::RejectSuggestion => self.reject_suggestion(),
            C::NextSuggestion => self.step_item(true, true),
            C::PreviousSuggestion => self.step_item(false, true),
            C::ScrollPage(down) => self.article.scroll_pages(if down { 1.0 } else { -1.0 }),
            C::ScrollToEnd(end) => self.article.scroll_pages(if end { f32::INFINITY } else { f32::NEG_INFINITY }),
            C::NextSpan => self.step_item(true, false),
            C::PreviousSpan => self.step_item(false, false),
            C::NextRelation => self.step_relation(true),
            C::PreviousRelation => self.step_relation(false),
            C::AcceptAll => self.accept_all(),
            C::AcceptAllEntities => self.accept_all_entities(),
            C::RejectAll => self.reject_all(),
            C::CaretWordLeft | C::CaretWordRight | C::ExtendWordLeft | C::ExtendWordRight | C::ExtendCharLeft | C::ExtendCharRight => {
                self.move_caret(&command)
            }
            C::StartWordLeft
            | C::StartWordRight
            | C::StartToCapital
            | C::EndWordLeft
            | C::EndWordRight
            | C::StartCharLeft
            | C::StartCharRight
            | C::EndCharLeft
            | C::EndCharRight => self.move_boundary(&command),
            C::StartRelation => self.start_relation(None),
            C::SuggestRelations => self.suggest_relations(),
            C::NextTail => self.step_tail(true),
            C::PreviousTail => self.step_tail(false),
            C::ConfirmTail => self.confirm_tail(),
            C::RetargetRelation(id) => self.retarget_relation(id),
            C::RelationTail(tail) => self.choose_tail(tail),
            C::RelationType(label) => self.finish_relation(&label),
            C::RelationTypeAt(n) => self.finish_relation_at(n),
            C::DeleteRelation(id) => self.delete_relation(id),
            C::Escape => self.escape(),
            C::MarkDone => self.mark_done(),
            C::MarkSkipped => self.set_status(Status::Skipped, "mark skipped"),
            C::SetStatus(status) => self.set_status(status, "set status"),
            C::SetComment(c) => self.set_comment(c),
            C::NextDocument => self.step_document(true),
            C::PreviousDocument => self.step_document(false),
            C::OpenDocument(i) => self.open_document(i),
            C::SelectSpan(id) => self.select(super::Selection::Span(id)),
            C::SelectSuggestion(id) => self.select(super::Selection::Suggestion(id)),
            C::SelectRelation(id) => self.select(super::Selection::Relation(id)),
            C::SelectText(a, b) => self.select_text(a, b),
            C::NextName => self.step_name(true),
            C::PreviousName => self.step_name(false),
            C::ExtendToName => self.extend_to_name(),
            C::ExtendToPhraseEnd => self.extend_to_phrase_end(),
            C::OpenFolder => self.show_open_folder(),
            C::OpenProject(p) => self.open_project(&p),
            C::Import => self.show_import(),
            C::RunImport(form) => self.run_import(&form),
            C::Export => self.show_export(),
            C::RunExport(form) => self.run_export(&form),
            C::CommandPalette => self.show_palette(),
            C::Find => self.show_find(),
            C::FindNext(query) => self.find_next(&query),
            C::FindFrom(query, origin) => self.find_from(&query, origin),
            C::FindDone => self.find_done(),
            C::RelateByName => self.show_relate_by_name(),
            C::NameFrom(query, origin) => self.name_from(&query, origin),
            C::NextNamed(query, forward) => self.step_named(&query, forward),
            C::RelateNamed => self.relate_named(),
            C::Jump => self.show_jump(),
            C::JumpLetter(c) => self.jump_letter(c),
            C::JumpScroll(down) => self.jump_scroll(down),
            C::ShowShortcuts => self.show_shortcuts(),
            C::Settings => self.show_settings(),
            C::ApplySettings(form) => self.apply_settings(&form),
            C::SuggestAgain => self.suggest_again(),
            C::SuggestCorpus => self.suggest_corpus(),
            C::CancelBackground => self.cancel_background(),
            C::Relearn => self.relearn(),
            C::Adjudicate => self.toggle_adjudication(),
            C::Dashboard => self.toggle_dashboard(),
            C::RefreshDashboard => self.refresh_dashboard(),
            C::AdjudicateNext => self.adjudication_move(1),
            C::AdjudicatePrevious => self.adjudication_move(-1),
            C::AdjudicateSelect(i) => self.adjudication_select(i),
            C::AdjudicateTake => self.adjudication_take(false),
            C::AdjudicateTakeAgreed => self.adjudication_take(true),
            C::AdjudicateDrop => self.adjudication_drop(),
            C::ResolveConflict(choice) => self.resolve_conflict(choice),
            C::ToggleTheme => self.toggle_theme(ctx),
            C::ToggleRelations => self.toggle_relations(),
            C::ToggleAcceptOnOpen => self.toggle_accept_on_open(),
            C::AcceptOnOpenToo if !self.settings.accept_on_open => {
                self.toggle_accept_on_open();
                // As Alt+A left it, the open document is as if opened with
                // the setting on: what arrives for it later (a long
                // article's other sections, in later sessions too) is
                // accepted too.
                if self.open.as_ref().is_some_and(|o| o.doc.status() != Status::Done) {
                    self.remember_accepting(true);
                }
            }
            C::AcceptOnOpenToo => self.info("documents already open with their suggestions accepted"),
            C::ToggleCorpusPanel => {
                self.settings.show_corpus = !self.settings.show_corpus;
                self.save_settings();
            }
            C::ToggleInspector => {
                self.settings.show_inspector = !self.settings.show_inspector;
                self.save_settings();
            }
            C::Everywhere => self.everywhere(NameAction::Label, false),
            C::AcceptEverywhere => self.everywhere(NameAction::Label, true),
            C::RejectEverywhere => self.everywhere(NameAction::Reject, true),
            C::DeleteEverywhere => self.everywhere(NameAction::Delete, false),
            C::FilterSuggestions => self.filter_suggestions(),
            C::PreviewEverywhere(form) => self.preview_everywhere(*form),
            C::RunEverywhere(form) => self.run_everywhere(*form),
            C::CancelEverywhere => self.cancel_everywhere(),
            C::Quit => self.quit(ctx),
            C::QuitChoice(choice) => self.quit_choice(ctx, choice),
        }
    }

    /// Applies an edit to the open document, records it for undo and saves.
    /// A first edit of a `new` document also marks it `in_progress`; one
    /// that draws, relabels or resizes a span also suggests the
    /// relations the engine reads on it, in the same undo step
    /// (`with_relations_following` in `relation_review.rs`).
    pub fn edit(&mut self, edit: Edit, description: &str) -> bool {
        let (edit, related) = self.with_relations_following(edit);
        let followed;
        let description = if related == 0 {
            description
        } else {
            let s = if related == 1 { "" } else { "s" };
            followed = format!("{description}, {related} relation{s} suggested");
            followed.as_str()
        };
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else {
            return false;
        };
        let edit = if open.doc.status() == Status::New && !matches!(edit, Edit::SetStatus { .. }) {
            Edit::Batch { edits: vec![edit, Edit::SetStatus { status: Status::InProgress }] }
        } else {
            edit
        };
        if let Err(e) = open.history.apply(std::sync::Arc::make_mut(&mut open.doc), edit, description, &schema) {
            self.error(format!("{description}: {e}"));
            return false;
        }
        self.autosave();
        true
    }

    fn undo(&mut self) {
        self.step_history(true);
    }

    fn redo(&mut self) {
        self.step_history(false);
    }

    /// Undoes (or redoes) one step and says what it was.
    fn step_history(&mut self, undo: bool) {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let doc = std::sync::Arc::make_mut(&mut open.doc);
        let result = if undo { open.history.undo(doc, &schema) } else { open.history.redo(doc, &schema) };
        match result {
            Ok(Some(what)) => {
                let verb = if undo { "undid" } else { "redid" };
                self.info(format!("{verb} {what}"));
                self.autosave();
                self.fix_selection();
            }
            Ok(None) => {}
            Err(e) => self.error(e.to_string()),
        }
    }

    fn toggle_theme(&mut self, ctx: &egui::Context) {
        self.settings.dark = !self.settings.dark;
        self.apply_theme(ctx);
        self.save_settings();
    }

    fn toggle_relations(&mut self) {
        self.settings.show_relations = !self.settings.show_relations;
        self.save_settings();
    }

    /// Documents open with their suggestions accepted, or not: the open
    /// one is accepted now when it has no span yet.
    fn toggle_accept_on_open(&mut self) {
        self.settings.accept_on_open = !self.settings.accept_on_open;
        self.save_settings();
        if self.settings.accept_on_open {
            self.info("documents open with their suggestions accepted (Ctrl+Z gives them back)");
            self.accept_on_open();
        } else {
            self.info("documents open with their suggestions pending");
        }
    }
}
