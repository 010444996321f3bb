//! The dialogs' forms: the fields of the export, import and settings
//! dialogs, with what turns them into options. The dialogs edit them; the
//! app runs them when a dialog returns `Command::RunExport`,
//! `Command::RunImport` or `Command::ApplySettings` (the commands carry
//! the forms, so this module uses no other module of the app but
//! `settings`).
//!
//! Owns: the forms' defaults and their conversion to settings. Must not
//! touch: the window or the disk.

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
    /// Review the least certain suggestions first.
    pub uncertain_first: bool,
    /// Annotate as this annotator (empty: the project's own files).
    pub annotator: String,
    /// The article's text size.
    pub font_size: f32,
    /// A command line, or an http://127.0.0.1:PORT URL; empty for none.
    pub recommender: String,
    /// How long the recommender may take per document.
    pub timeout_ms: u64,
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
            uncertain_first: s.uncertain_first,
            annotator: s.annotator.clone(),
            font_size: s.font_size,
            recommender,
            timeout_ms: s.recommender_timeout_ms,
        }
    }

    /// Writes the form into the settings; true when the recommender changed.
    pub fn apply(&self, s: &mut super::settings::Settings) -> bool {
        let recommender = crate::suggest::external::Endpoint::parse(&self.recommender);
        let changed = recommender != s.recommender || self.timeout_ms != s.recommender_timeout_ms;
        s.min_score = self.min_score.clamp(0.0, 1.0);
        s.uncertain_first = self.uncertain_first;
        s.annotator = self.annotator.trim().to_owned();
        s.font_size = self.font_size.clamp(10.0, 32.0);
        s.recommender = recommender;
        s.recommender_timeout_ms = self.timeout_ms.max(100);
        changed
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
