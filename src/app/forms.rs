//! The dialogs' forms: the fields of the export, import, settings and
//! everywhere dialogs, with what turns them into options. The dialogs edit them; the
//! app runs them when a dialog returns `Command::RunExport`,
//! `Command::RunImport` or `Command::ApplySettings` (the commands carry
//! the forms, so this module uses no other module of the app but
//! `settings`).
//!
//! Owns: the forms' defaults and their conversion to settings. Must not
//! touch: the window or the disk.

use crate::model::everywhere::{Action, MatchOptions, Occurrence};
use crate::model::filter::{Bulk, SuggestionFilter};
use crate::model::{DocId, SuggestionId};
use crate::store::Project;
use crate::store::formats::{Format, Offsets};

/// The export dialog's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportForm {
    /// Where to write (a file, or a folder for brat).
    pub path: String,
    /// The file format.
    pub format: Format,
    /// How offsets are counted in the file.
    pub offsets: Offsets,
    /// Refuse to write if the format cannot carry everything.
    pub strict: bool,
    /// Only documents marked done.
    pub done_only: bool,
    /// Include pending suggestions (marked as such).
    pub include_suggestions: bool,
    /// The last export's report, or why it failed.
    pub result: Option<Result<String, String>>,
}

impl ExportForm {
    /// Defaults: the gold JSON of all documents, into the annotations folder.
    pub fn new(project: &Project) -> Self {
        let path = project.annotations.join("export.json");
        Self {
            path: path.display().to_string(),
            format: Format::Spanlab,
            offsets: Offsets::Chars,
            strict: false,
            done_only: false,
            include_suggestions: false,
            result: None,
        }
    }

    /// Picks a format, and gives the path the format's file name extension
    /// (brat writes a folder: no extension).
    pub fn set_format(&mut self, format: Format) {
        self.format = format;
        let path = std::path::Path::new(self.path.trim());
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "export".to_owned());
        let name =
            if format.is_folder() { format!("{stem}-brat") } else { format!("{}.{}", stem.trim_end_matches("-brat"), format.extension()) };
        self.path = path.with_file_name(name).display().to_string();
    }
}

/// The settings dialog's fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsForm {
    /// Suggestions scoring below this are not shown.
    pub min_score: f32,
    /// Relation suggestions scoring below this are not shown.
    pub relation_min_score: f32,
    /// Review the least certain suggestions first.
    pub uncertain_first: bool,
    /// Open documents with their entity suggestions accepted.
    pub accept_on_open: bool,
    /// Annotate as this annotator (empty: the project's own files).
    pub annotator: String,
    /// The article's text size.
    pub font_size: f32,
    /// A command line, or an http://127.0.0.1:PORT URL; empty for none.
    pub recommender: String,
    /// How long the recommender may take per document.
    pub timeout_ms: u64,
    /// A model file to suggest with; empty for the shipped model.
    pub model: String,
}

impl SettingsForm {
    /// The form showing the current settings.
    pub fn from_settings(s: &super::settings::Settings) -> Self {
        use crate::suggest::external::Endpoint;
        let recommender = match &s.recommender {
            None => String::new(),
            Some(Endpoint::Http { url }) => url.clone(),
            Some(Endpoint::Command { argv }) => {
                argv.iter().map(|a| if a.contains(' ') { format!("'{a}'") } else { a.clone() }).collect::<Vec<_>>().join(" ")
            }
        };
        Self {
            min_score: s.min_score,
            relation_min_score: s.relation_min_score,
            uncertain_first: s.uncertain_first,
            accept_on_open: s.accept_on_open,
            annotator: s.annotator.clone(),
            font_size: s.font_size,
            recommender,
            timeout_ms: s.recommender_timeout_ms,
            model: s.model.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        }
    }

    /// Writes the form into the settings; true when the recommender changed
    /// (see [`SettingsForm::model_changed`] for the model).
    pub fn apply(&self, s: &mut super::settings::Settings) -> bool {
        let recommender = crate::suggest::external::Endpoint::parse(&self.recommender);
        let changed = recommender != s.recommender || self.timeout_ms != s.recommender_timeout_ms;
        s.min_score = self.min_score.clamp(0.0, 1.0);
        s.relation_min_score = self.relation_min_score.clamp(0.0, 1.0);
        s.uncertain_first = self.uncertain_first;
        s.accept_on_open = self.accept_on_open;
        s.annotator = self.annotator.trim().to_owned();
        s.font_size = self.font_size.clamp(10.0, 32.0);
        s.recommender = recommender;
        s.recommender_timeout_ms = self.timeout_ms.max(100);
        s.model = self.model_path();
        changed
    }

    /// The model file the form names (`None`: the shipped model).
    pub fn model_path(&self) -> Option<std::path::PathBuf> {
        let m = self.model.trim();
        (!m.is_empty()).then(|| std::path::PathBuf::from(m))
    }

    /// True when the form names another model than the settings.
    pub fn model_changed(&self, s: &super::settings::Settings) -> bool {
        self.model_path() != s.model
    }
}

/// The quit dialog's fields: what is unsaved, and where to save it instead.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuitForm {
    /// One line per document whose edits are not all in its file.
    pub unsaved: Vec<String>,
    /// Some edits are in no file and no journal: quitting loses them.
    pub at_risk: bool,
    /// The folder to save them in instead.
    pub path: String,
    /// Why the last attempt to save them there failed.
    pub error: Option<String>,
    /// The conflict dialog was open: "keep trying" goes back to it.
    pub conflict: bool,
}

/// The import dialog's fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportForm {
    /// The dataset file (or brat folder).
    pub file: String,
    /// The project folder to create.
    pub into: String,
    /// `None`: guessed from the file's name and content.
    pub format: Option<Format>,
    /// `None`: what the file says, else code points.
    pub offsets: Option<Offsets>,
    /// CoNLL: a gold dataset or project folder holding the original texts.
    pub texts: String,
    /// Refuse to import if anything cannot be carried.
    pub strict: bool,
    /// Why the last import failed.
    pub error: Option<String>,
}

/// What the everywhere dialog acts on: every mention of a name, or the
/// pending suggestions a filter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EverywhereKind {
    Name,
    Filter,
}

/// What is done to every mention of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameAction {
    /// Label (a suggestion of the label there is accepted).
    Label,
    /// Reject the pending suggestions there.
    Reject,
    /// Remove the spans there.
    Delete,
}

/// The everywhere dialog's fields and its preview.
#[derive(Clone, Debug, PartialEq)]
pub struct EverywhereForm {
    pub kind: EverywhereKind,
    /// The name (for [`EverywhereKind::Name`]).
    pub name: String,
    pub action: NameAction,
    /// What the filter's suggestions get (for [`EverywhereKind::Filter`]).
    pub bulk: Bulk,
    /// The label to give, or to act on only ("" = any, for reject and delete).
    pub label: String,
    pub filter: SuggestionFilter,
    /// Restrict the filter to the part of the article on screen (the open
    /// document only).
    pub on_screen: bool,
    /// The whole corpus, not only the open document.
    pub corpus: bool,
    pub options: MatchOptions,
    pub preview: Preview,
}

impl EverywhereForm {
    /// A form on `name`, labelling it `label`, in the open document.
    pub fn name(name: &str, action: NameAction, label: &str, corpus: bool) -> Self {
        Self {
            kind: EverywhereKind::Name,
            name: name.to_owned(),
            action,
            bulk: Bulk::Accept,
            label: label.to_owned(),
            filter: SuggestionFilter::default(),
            on_screen: false,
            corpus,
            options: MatchOptions::default(),
            preview: Preview::default(),
        }
    }

    /// A form filtering the pending suggestions.
    pub fn filter() -> Self {
        Self { kind: EverywhereKind::Filter, ..Self::name("", NameAction::Label, "", false) }
    }

    /// The action on names, as the model runs it.
    pub fn name_action(&self) -> Action {
        let label = (!self.label.is_empty()).then(|| self.label.clone());
        match self.action {
            NameAction::Label => Action::Label(self.label.clone()),
            NameAction::Reject => Action::Reject(label),
            NameAction::Delete => Action::Delete(label),
        }
    }

    /// What the action is called in messages and in the undo menu.
    pub fn description(&self) -> String {
        let label = if self.label.is_empty() { String::new() } else { format!(" {}", self.label) };
        match (self.kind, self.action, &self.bulk) {
            (EverywhereKind::Name, NameAction::Label, _) => format!("label «{}» everywhere as{label}", self.name),
            (EverywhereKind::Name, NameAction::Reject, _) => format!("reject{label} suggestions of «{}» everywhere", self.name),
            (EverywhereKind::Name, NameAction::Delete, _) => format!("delete{label} spans of «{}» everywhere", self.name),
            (EverywhereKind::Filter, _, Bulk::Accept) => "accept the filtered suggestions".to_owned(),
            (EverywhereKind::Filter, _, Bulk::Reject) => "reject the filtered suggestions".to_owned(),
            (EverywhereKind::Filter, _, Bulk::Relabel(l)) => format!("relabel the filtered suggestions as {l}"),
        }
    }

    /// Whether two forms ask for the same rows (the preview of one is the
    /// preview of the other).
    pub fn same_question(&self, other: &Self) -> bool {
        (self.kind, &self.name, self.action, &self.bulk, &self.label, &self.filter, self.on_screen, self.corpus, self.options)
            == (
                other.kind,
                &other.name,
                other.action,
                &other.bulk,
                &other.label,
                &other.filter,
                other.on_screen,
                other.corpus,
                other.options,
            )
    }
}

/// The rows of one document in the preview.
#[derive(Clone, Debug, PartialEq)]
pub struct DocRows {
    pub index: usize,
    pub id: DocId,
    /// Each occurrence, with the suggestion it is (filtered bulk actions).
    pub rows: Vec<(Option<SuggestionId>, Occurrence)>,
}

impl DocRows {
    /// How many rows the action will do.
    pub fn ticked(&self) -> usize {
        self.rows.iter().filter(|(_, o)| o.ticked && o.can_tick()).count()
    }
}

/// The preview: documents with rows, as the scan found them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    /// The question the rows answer (`None`: not asked yet).
    pub asked: Option<Box<EverywhereForm>>,
    pub docs: Vec<DocRows>,
    /// Documents scanned, of how many.
    pub scanned: usize,
    pub total: usize,
    /// Why the question cannot be asked (an unknown label, an empty name).
    pub error: Option<String>,
}

impl Preview {
    /// Whether the scan has finished.
    pub fn complete(&self) -> bool {
        self.asked.is_some() && self.scanned == self.total
    }

    /// Rows the action will do, over all documents.
    pub fn ticked(&self) -> usize {
        self.docs.iter().map(DocRows::ticked).sum()
    }
}
