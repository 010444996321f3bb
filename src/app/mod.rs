//! The egui application. [`SpanlabApp`] (here) holds the state; its
//! methods are spread by concern:
//!
//! - `state.rs`: the session's data types (selection, open document,
//!   dialogs); `settings.rs`: what is persisted apart from them;
//!   `forms.rs`: the dialogs' fields.
//! - `commands.rs`: every [`Command`] with its name and keys, one table
//!   for menus, shortcuts, the palette and the help.
//! - `logic/`: applying commands (labelling, navigation, relations,
//!   adjudication, saving, project operations, suggestions).
//! - `ui.rs`: one frame (keys, then panels, then the article); `panels/`
//!   and `widgets/` draw and return commands; none changes the model.
//! - Background work the window only polls: `suggester.rs` (suggestions,
//!   learning, over `project_model.rs`: the tagger trained on the done
//!   documents), `search.rs` (the corpus search's index), `figures.rs`
//!   (the dashboard's figures), `store::writer` (every write).
//!
//! Who uses whom (no module imports one that imports it back):
//! `settings`, `project_model`, `adjudication`, `figures`, `search`,
//! `parts`, `chooser` and `fonts` use no other module of the app;
//! `suggester` uses `project_model`; `forms` uses `settings`;
//! `state` and `commands` use `forms`; `widgets` use `state`,
//! `commands` and `parts`; this module uses those; `logic`, `ui`, `panels` and
//! `screenshot` use this module, and only `ui` uses `panels`.

pub mod adjudication;
pub mod chooser;
pub mod commands;
pub mod everywhere;
pub mod figures;
pub mod fonts;
pub mod forms;
mod logic;
pub mod panels;
pub mod parts;
pub mod project_model;
pub mod screenshot;
pub mod search;
pub mod settings;
pub mod state;
pub mod suggester;
mod ui;
pub mod widgets;

use std::sync::Arc;

pub use commands::{Command, CommandTable, ConflictChoice, Mode, QuitChoice};
pub use logic::{NAME_SEARCH_BUDGET, NameStep};
pub use settings::Settings;
pub use state::{
    AppOptions, CorpusFilter, Dialog, Hint, Message, OpenDoc, PickReading, RelationChoice, RelationDraft, RelationPick, ScrollTarget,
    Sectioning, Selection,
};

use crate::store::Project;
use crate::suggest::Engine;

/// Opens the window on a project and runs it until it is closed.
pub fn run(project: Project, options: AppOptions) -> eframe::Result {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("spanlab")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0]),
        ..Default::default()
    };
    eframe::run_native("spanlab", native, Box::new(move |cc| Ok(Box::new(SpanlabApp::new(&cc.egui_ctx, project, options)))))
}

/// How long after an edit the document's file is written (the edit itself
/// is journaled at once).
pub const SAVE_DELAY: std::time::Duration = std::time::Duration::from_millis(400);

/// How often the open document's file is checked for changes by others.
pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// The whole application.
pub struct SpanlabApp {
    /// The project folder open in the window.
    pub project: Project,
    /// The suggestion engine (shared with the suggestion worker).
    pub engine: Arc<Engine>,
    /// The relation engine (shared with the suggestion worker; learns
    /// online from the relations accepted, rejected, retyped and drawn).
    pub relation_engine: Arc<crate::suggest::RelationEngine>,
    /// The document being annotated.
    pub open: Option<OpenDoc>,
    /// What is persisted between sessions.
    pub settings: Settings,
    /// How the app was started.
    pub options: AppOptions,
    /// Messages shown in the status bar, latest last.
    pub messages: Vec<Message>,
    /// The open dialog.
    pub dialog: Dialog,
    /// The corpus list's filter.
    pub filter: CorpusFilter,
    /// The comment being typed (written to the document when focus leaves).
    pub comment_draft: String,
    /// Every command with its keys, for this project's schema.
    pub commands: CommandTable,
    /// The inspector's relation rows, in order, for a (document, revision,
    /// focused span): the last two lists used.
    pub(crate) relation_rows: state::RelationRows,
    /// The inspector's suggestion counts for a (document, revision).
    pub(crate) outcomes: Option<((crate::model::DocId, u64), crate::model::document::SuggestionOutcomes)>,
    /// The annotators' versions of the open document, when adjudicating.
    pub adjudication: Option<adjudication::Adjudication>,
    /// Scroll the adjudication list to its cursor this frame.
    pub(crate) adjudication_scroll: bool,
    /// The dashboard's figures, when it is open.
    pub dashboard: Option<figures::Dashboard>,
    /// The find bar's occurrences for a (document, query).
    pub(crate) find_hits: Option<(crate::model::DocId, crate::model::find::IncrementalFind)>,
    /// The documents marked done that the engine has learned from (this
    /// session, or again from their files at the start).
    pub(crate) learned: std::collections::BTreeSet<crate::model::DocId>,
    /// How often the engine learned in this session (a document done, an
    /// everywhere action's lessons). Suggestions made before the last time
    /// are stale (`logic/suggest.rs`).
    pub(crate) lessons: u64,
    /// For the documents given suggestions in this session: `lessons` when
    /// they were asked for.
    pub(crate) suggested_at: std::collections::HashMap<crate::model::DocId, u64>,
    /// `lessons` when the corpus job was asked for.
    pub(crate) corpus_lessons: u64,
    pub(crate) article: widgets::article::ArticleView,
    /// Commands queued by the panels this frame.
    pub(crate) queued: Vec<Command>,
    /// The corpus search's index, once something was searched.
    pub search: Option<search::CorpusIndex>,
    /// How often each relation type joined each pair of entity labels (for "likely first").
    pub(crate) relation_counts: std::collections::HashMap<(String, String, String), usize>,
    pub(crate) suggester: suggester::Suggester,
    /// A corpus-wide suggestion job: (done, total).
    pub corpus_progress: Option<(usize, usize)>,
    /// Documents the corpus job gave suggestions so far.
    pub(crate) corpus_suggested: usize,
    pub(crate) corpus_cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// Learning again from the done documents: (done, total).
    pub learn_progress: Option<(usize, usize)>,
    /// The models the suggestions come from, as Settings show them.
    pub model_in_use: String,
    pub(crate) learn_cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// Journals edits and saves documents in the background (none when
    /// read-only): the only writer of annotation files.
    pub(crate) writer: Option<crate::store::writer::Writer>,
    /// Holds the project against a second instance (released on drop).
    pub(crate) lock: Option<crate::store::lock::ProjectLock>,
    pub(crate) last_check: std::time::Instant,
    /// The window is closing (everything saved, or the user chose to quit).
    pub(crate) quitting: bool,
    /// Key events held back for the next frames (typed after a key that
    /// opened a dialog, or after a click), in order.
    pub(crate) held_keys: Vec<egui::Event>,
    /// Frames to go on holding keys back while a dialog's field gets focus.
    pub(crate) hold_frames: u8,
    /// The widget that had the keyboard at the end of the last frame: an
    /// Esc typed right after letters gets it back (egui drops the focus on
    /// an Esc in the frame's input before the field reads the letters).
    pub(crate) last_focus: Option<egui::Id>,
    /// The kind of dialog drawn last frame, and how many more frames to
    /// draw after it changed: a dialog grows to its content over a few
    /// frames, and nothing else asks for them when the user waits.
    pub(crate) dialog_sizing: (std::mem::Discriminant<Dialog>, u8),
    /// The everywhere dialog's scan of the corpus, while it runs.
    pub(crate) everywhere_scan: Option<everywhere::Scan>,
    /// An everywhere action running, a few documents per frame.
    pub everywhere_job: Option<everywhere::ApplyJob>,
    /// Undo steps of documents changed while not open (an everywhere
    /// action), given to their history when they are opened.
    pub(crate) other_steps: std::collections::HashMap<crate::model::DocId, Vec<crate::model::edit::Step>>,
    /// Documents whose save was handed to the writer and not acknowledged
    /// yet: opening one waits for the writer first, or its file would be
    /// read as it was before that save.
    pub(crate) saves_in_flight: std::collections::BTreeSet<crate::model::DocId>,
    /// Documents left with edits not yet in their files (a full disk, a
    /// read-only folder): shown again as they were, not as their files,
    /// until the writer saves them. Each with the count of edits sent for
    /// it (the writer's [`Saved`](crate::store::writer::Ack::Saved) at that
    /// count or past it means the file has them) and why it was not saved.
    pub(crate) kept_unsaved: std::collections::HashMap<crate::model::DocId, (Arc<crate::model::Document>, u64, Option<String>)>,
    /// A relabel the span's relations forbid, until the next command
    /// (Enter takes it).
    pub(crate) relabel_offer: Option<state::RelabelOffer>,
    /// Alt+A was the last command and the setting "open documents with
    /// suggestions accepted" is off: A now turns it on (the next command
    /// withdraws the offer).
    pub accept_offer: bool,
    /// The jump hints' tags drawn last frame: their letters and where.
    pub(crate) jump_tags: Vec<(String, egui::Rect)>,
    /// Where each document left in this session was: its selection and the
    /// code point at the middle of the view. It opens there again.
    pub(crate) places: std::collections::HashMap<crate::model::DocId, (Selection, crate::model::CharIdx)>,
}

impl SpanlabApp {
    /// Creates the app on a project and opens its first document.
    pub fn new(ctx: &egui::Context, project: Project, options: AppOptions) -> Self {
        fonts::install(ctx);
        let (mut settings, warning) = match &options.settings_path {
            Some(p) => Settings::load(p),
            None => (Settings::default(), None),
        };
        if let Some(dark) = options.dark {
            settings.dark = dark;
        }
        // Each annotator has their own files: open the project as the
        // annotator named on the command line or in the settings.
        let wanted = options.annotator.clone().or_else(|| (!settings.annotator.is_empty()).then(|| settings.annotator.clone()));
        let (project, annotator_error) = match wanted {
            Some(name) if project.annotator.as_deref() != Some(name.as_str()) => {
                match Project::open_as(&project.root, Some(&project.base), Some(&name)) {
                    Ok(p) => (p, None),
                    Err(e) => (project, Some(e.to_string())),
                }
            }
            _ => (project, None),
        };
        let engine = Arc::new(Engine::builtin());
        let commands = CommandTable::new(&project.schema);
        let relation_engine = Arc::new(crate::suggest::RelationEngine::new());
        let suggester = suggester::Suggester::new(engine.clone(), relation_engine.clone(), settings.external());
        let mut app = Self {
            project,
            engine,
            relation_engine,
            suggester,
            corpus_progress: None,
            corpus_suggested: 0,
            corpus_cancel: None,
            learn_progress: None,
            model_in_use: suggester::SHIPPED.to_owned(),
            learn_cancel: None,
            writer: None,
            lock: None,
            last_check: std::time::Instant::now(),
            quitting: false,
            held_keys: Vec::new(),
            hold_frames: 0,
            last_focus: None,
            dialog_sizing: (std::mem::discriminant(&Dialog::None), 0),
            everywhere_scan: None,
            everywhere_job: None,
            other_steps: Default::default(),
            saves_in_flight: Default::default(),
            kept_unsaved: Default::default(),
            relabel_offer: None,
            accept_offer: false,
            jump_tags: Vec::new(),
            places: Default::default(),
            open: None,
            settings,
            options,
            messages: Vec::new(),
            dialog: Dialog::None,
            filter: CorpusFilter::default(),
            comment_draft: String::new(),
            commands,
            relation_rows: state::RelationRows::default(),
            outcomes: None,
            adjudication: None,
            adjudication_scroll: false,
            dashboard: None,
            find_hits: None,
            learned: Default::default(),
            lessons: 0,
            suggested_at: Default::default(),
            corpus_lessons: 0,
            article: widgets::article::ArticleView::default(),
            queued: Vec::new(),
            search: None,
            relation_counts: Default::default(),
        };
        if let Some(w) = warning.into_iter().chain(annotator_error).next() {
            app.error(w);
        }
        for w in app.project.warnings.clone() {
            app.info(w);
        }
        app.apply_theme(ctx);
        app.remember_project();
        app.start_writer();
        app.relearn_from_done();
        let first = app
            .options
            .first_doc
            .clone()
            .and_then(|id| app.project.position(&crate::model::DocId(id)))
            .or_else(|| app.next_unfinished(None))
            .or(if app.project.entries.is_empty() { None } else { Some(0) });
        if let Some(i) = first {
            app.open_document(i);
        }
        app
    }

    /// The export dialog's path, when it is open.
    pub fn dialog_export_path(&self) -> Option<&str> {
        match &self.dialog {
            Dialog::Export(form) => Some(&form.path),
            _ => None,
        }
    }

    /// Whether the window is closing (Quit found nothing unsaved, or the
    /// user chose to quit anyway).
    pub fn quitting(&self) -> bool {
        self.quitting
    }

    /// Whether suggestions are still being computed in the background.
    pub fn is_suggesting(&self) -> bool {
        self.suggester.busy()
    }

    /// The article view (its layout, for tests: where a character is drawn).
    pub fn article_view(&self) -> &widgets::article::ArticleView {
        &self.article
    }

    /// The jump hints' tags (f) drawn last frame: their letters and where
    /// on screen (for tests: what the annotator sees).
    pub fn jump_tags(&self) -> &[(String, egui::Rect)] {
        &self.jump_tags
    }

    /// What the window is doing, which decides what a key means.
    pub fn mode(&self) -> Mode {
        if self.open.as_ref().is_some_and(|o| o.pick.is_some()) {
            return Mode::ChoosingRelation;
        }
        match self.open.as_ref().and_then(|o| o.draft.as_ref()) {
            Some(d) if d.tail.is_none() => Mode::ChoosingTail,
            Some(_) => Mode::ChoosingType,
            None if self.adjudication.is_some() => Mode::Adjudicating,
            None if self.open.as_ref().is_some_and(|o| matches!(o.selection, Selection::Relation(_))) => Mode::RelationSelected,
            None if self.open.as_ref().is_some_and(|o| matches!(o.selection, Selection::RelationSuggestion(_))) => {
                Mode::SuggestedRelationSelected
            }
            None if self.accept_offer => Mode::AcceptOffered,
            None => Mode::Annotating,
        }
    }

    /// Says something until the next command.
    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.messages.push(Message { text: text.into(), error: false, lasting: false });
    }

    /// Says something until it is dismissed; the same notice again moves to
    /// the end, once.
    pub(crate) fn notice(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.messages.retain(|m| !(!m.error && m.lasting && m.text == text));
        self.messages.push(Message { text, error: false, lasting: true });
    }

    /// Says what went wrong, until it is dismissed; the same error again
    /// (a save retried every 2 s on a full disk) moves to the end, once.
    pub(crate) fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.messages.retain(|m| !(m.error && m.lasting && m.text == text));
        self.messages.push(Message { text, error: true, lasting: true });
    }

    /// Drops the messages that last only until the next command.
    pub(crate) fn forget_passing_messages(&mut self) {
        self.messages.retain(|m| m.lasting);
    }

    /// The theme the settings ask for.
    pub(crate) fn theme(&self) -> egui::Theme {
        if self.settings.dark { egui::Theme::Dark } else { egui::Theme::Light }
    }

    pub(crate) fn apply_theme(&self, ctx: &egui::Context) {
        ctx.set_theme(self.theme());
    }

    fn remember_project(&mut self) {
        let root = self.project.root.clone();
        self.settings.remember(&root);
        self.save_settings();
    }

    pub(crate) fn save_settings(&mut self) {
        if let Some(p) = self.options.settings_path.clone()
            && let Err(e) = self.settings.save(&p)
        {
            self.error(format!("{}: cannot save settings: {e}", p.display()));
        }
    }
}

impl eframe::App for SpanlabApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
        let queued = std::mem::take(&mut self.queued);
        let everywhere = queued.iter().any(|c| matches!(c, Command::PreviewEverywhere(_) | Command::RunEverywhere(_)));
        for c in queued {
            self.apply(ui.ctx(), c);
        }
        // A preview or an everywhere action started by a command shows its
        // first results in the next frame, not at the next input.
        if everywhere || self.everywhere_scan.is_some() || self.everywhere_job.is_some() {
            ui.ctx().request_repaint();
        }
        self.pump_writer(ui.ctx());
        self.hold_close(ui.ctx());
    }

    /// Writes what is pending before the window closes.
    fn on_exit(&mut self) {
        self.save_now();
        if let Some(w) = &self.writer {
            w.flush();
        }
    }
}
