//! The egui application: state here, command handling in `logic.rs`, the
//! frame in `ui.rs`, panels and the article widget below.
//!
//! Panels never change the model: they return [`Command`]s that
//! [`SpanlabApp::apply`] runs after the frame. Persisted settings live in
//! `settings.rs`, apart from session state.

pub mod commands;
pub mod fonts;
mod logic;
pub mod panels;
pub mod screenshot;
pub mod settings;
pub mod suggester;
mod ui;
pub mod widgets;

use std::path::PathBuf;
use std::sync::Arc;

pub use commands::Command;
pub use logic::ConflictChoice;
pub use settings::Settings;

use crate::model::{CharIdx, Document, History, RelationId, SpanId, SuggestionId};
use crate::store::{LoadReport, Project};
use crate::suggest::Engine;

/// What is selected in the article.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    #[default]
    None,
    /// A text range (code points); `anchor == head` is a caret.
    Text {
        anchor: CharIdx,
        head: CharIdx,
    },
    Span(SpanId),
    Suggestion(SuggestionId),
    Relation(RelationId),
}

/// A relation being drawn from the keyboard or the mouse.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationDraft {
    pub head: SpanId,
    /// Candidate tails, nearest (and likeliest) first.
    pub candidates: Vec<SpanId>,
    pub index: usize,
    /// Chosen tail: the type list is showing.
    pub tail: Option<SpanId>,
    /// Types allowed for head and tail, likeliest first.
    pub types: Vec<String>,
    /// Re-targeting this relation instead of creating one.
    pub retarget: Option<RelationId>,
}

/// What the inspector's relation rows were listed for: a document, its
/// revision, and the span they are focused on.
pub(crate) type RelationRowsKey = (crate::model::DocId, u64, Option<SpanId>);

/// The document being annotated.
pub struct OpenDoc {
    pub index: usize,
    /// Shared with the writer thread while it saves a snapshot: an edit
    /// made meanwhile copies the document ([`OpenDoc::doc_mut`]); otherwise
    /// saving a long article costs the window nothing.
    pub doc: std::sync::Arc<Document>,
    pub history: History,
    pub selection: Selection,
    pub draft: Option<RelationDraft>,
    /// Edits sent to the writer, journaled on disk, and saved in the
    /// document's file (counts since the document was opened).
    pub sent: u64,
    pub journaled: u64,
    pub saved: u64,
    /// When the document's file is next written (edits are journaled at once).
    pub save_due: Option<std::time::Instant>,
    /// The edits not yet in the document's file, numbered (for "merge").
    pub unsaved: Vec<(u64, crate::model::Edit)>,
    pub save_error: Option<String>,
    pub load_report: LoadReport,
    pub encoding: Option<String>,
    /// Ask the article view to bring this code point into view.
    pub scroll_to: Option<CharIdx>,
    /// Suggestions were requested and have not arrived yet.
    pub suggesting: bool,
}

impl OpenDoc {
    /// The document, to change it.
    pub fn doc_mut(&mut self) -> &mut Document {
        std::sync::Arc::make_mut(&mut self.doc)
    }
}

/// A message shown in the window.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// Which dialog is open.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Dialog {
    #[default]
    None,
    Export(panels::dialogs::ExportForm),
    OpenFolder(String),
    Import(panels::dialogs::ImportForm),
    Shortcuts,
    Palette {
        query: String,
        selected: usize,
    },
    Find {
        query: String,
        fresh: bool,
    },
    Settings(panels::dialogs::SettingsForm),
    /// The open document's file changed on disk while it had unsaved edits.
    Conflict,
}

/// Corpus list filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorpusFilter {
    pub status: Option<crate::model::Status>,
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
}

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
    pub project: Project,
    pub engine: Arc<Engine>,
    pub open: Option<OpenDoc>,
    pub settings: Settings,
    pub options: AppOptions,
    pub messages: Vec<Message>,
    pub dialog: Dialog,
    pub filter: CorpusFilter,
    /// The comment being typed (written to the document when focus leaves).
    pub comment_draft: String,
    /// The inspector's relation rows, in order, for a (document, revision,
    /// focused span).
    pub(crate) relation_rows: Option<(RelationRowsKey, Vec<RelationId>)>,
    /// The inspector's suggestion counts for a (document, revision).
    pub(crate) outcomes: Option<((crate::model::DocId, u64), crate::model::document::SuggestionOutcomes)>,
    /// The annotators' versions of the open document, when adjudicating.
    pub adjudication: Option<panels::adjudicate::Adjudication>,
    /// Scroll the adjudication list to its cursor this frame.
    pub(crate) adjudication_scroll: bool,
    /// The dashboard window, when open.
    pub dashboard: Option<panels::dashboard::Dashboard>,
    pub(crate) article: widgets::article::ArticleView,
    /// Commands queued by the panels this frame.
    pub(crate) queued: Vec<Command>,
    /// Document texts loaded for the corpus text search, by entry index.
    pub(crate) search_texts: std::collections::HashMap<usize, String>,
    /// How often each relation type joined each pair of entity labels (for "likely first").
    pub(crate) relation_counts: std::collections::HashMap<(String, String, String), usize>,
    pub(crate) suggester: suggester::Suggester,
    /// A corpus-wide suggestion job: (done, total) and its cancel flag.
    pub corpus_progress: Option<(usize, usize)>,
    pub(crate) corpus_cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// Learning again from the done documents: (done, total), and its cancel flag.
    pub learn_progress: Option<(usize, usize)>,
    pub(crate) learn_cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// Journals edits and saves documents in the background (none when read-only).
    pub(crate) writer: Option<crate::store::writer::Writer>,
    /// Holds the project against a second instance (released on drop).
    pub(crate) lock: Option<crate::store::lock::ProjectLock>,
    pub(crate) last_check: std::time::Instant,
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
        let suggester = suggester::Suggester::new(engine.clone(), settings.external());
        let mut app = Self {
            project,
            engine,
            suggester,
            corpus_progress: None,
            corpus_cancel: None,
            learn_progress: None,
            learn_cancel: None,
            writer: None,
            lock: None,
            last_check: std::time::Instant::now(),
            open: None,
            settings,
            options,
            messages: Vec::new(),
            dialog: Dialog::None,
            filter: CorpusFilter::default(),
            comment_draft: String::new(),
            relation_rows: None,
            outcomes: None,
            adjudication: None,
            adjudication_scroll: false,
            dashboard: None,
            article: widgets::article::ArticleView::default(),
            queued: Vec::new(),
            search_texts: Default::default(),
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

    /// Whether suggestions are still being computed in the background.
    pub fn is_suggesting(&self) -> bool {
        self.suggester.busy()
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.messages.push(Message { text: text.into(), error: false });
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.messages.push(Message { text: text.into(), error: true });
    }

    pub(crate) fn apply_theme(&self, ctx: &egui::Context) {
        ctx.set_theme(if self.settings.dark { egui::Theme::Dark } else { egui::Theme::Light });
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
        for c in queued {
            self.apply(ui.ctx(), c);
        }
        self.pump_writer(ui.ctx());
    }

    /// Writes what is pending before the window closes.
    fn on_exit(&mut self) {
        self.save_now();
        if let Some(w) = &self.writer {
            w.flush();
        }
    }
}
