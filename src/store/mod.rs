//! Everything on disk: project folders, article decoding, per-document
//! annotation files, atomic writes, and dataset files.
//!
//! Uses `model` only. Every error names the file (and the place in it).

pub mod annotations;
pub mod atomic;
pub mod convert;
pub mod dashboard;
pub mod decisions;
pub mod decode;
pub mod formats;
pub mod html;
pub mod inputs;
pub mod journal;
pub mod lock;
pub mod project;
pub mod summaries;
pub mod writer;

use std::path::PathBuf;

pub use annotations::LoadReport;
pub use project::{AnnotationsFrom, Entry, Loaded, Location, Project, Summary};

/// A failure of the store, naming the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("{}: cannot decode: {message}", path.display())]
    Decode { path: PathBuf, message: String },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Json { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{}: {message}", path.display())]
    Schema { path: PathBuf, message: String },
    #[error("{}: {message}", path.display())]
    Annotation { path: PathBuf, message: String },
    #[error("{}: not a spanlab dataset (no \"format\": \"spanlab-dataset\")", .0.display())]
    NotADataset(PathBuf),
    #[error("{}: {} problem(s):\n  {}", path.display(), problems.len(), problems.join("\n  "))]
    Invalid { path: PathBuf, problems: Vec<String> },
    #[error("{}: changed on disk since the project was opened; reopen it", .0.display())]
    Changed(PathBuf),
    #[error(
        "{}: {:.1} MB, over the limit of {max_mb} MB for one file; not read (a project's limit is `max_article_mb` in annotations/project.json)",
        path.display(), *bytes as f64 / 1e6
    )]
    TooBig { path: PathBuf, bytes: u64, max_mb: u64 },
    #[error("no document number {0}")]
    NoDocument(usize),
    #[error("document {id}: its article {article:?} is missing")]
    MissingArticle { id: String, article: String },
    #[error("{}: holds another text than document {id}; nothing was imported", path.display())]
    WouldOverwrite { path: PathBuf, id: String },
    #[error("{}: document {id} already has annotations here; nothing was imported", path.display())]
    AlreadyAnnotated { path: PathBuf, id: String },
    #[error("{}: {source}", path.display())]
    Format { path: PathBuf, source: formats::FormatError },
    #[error(
        "{}: does not fit the project's schema, {} problem(s):\n  {}\nto import it, change {}: {}; or import into a new folder, which takes the source's schema",
        path.display(), problems.len(), problems.join("\n  "), schema.display(), fixes.join("; ")
    )]
    DoesNotFit { path: PathBuf, schema: PathBuf, problems: Vec<String>, fixes: Vec<String> },
    #[error("{}: --strict: the conversion would lose {} kind(s) of data; nothing was written:\n  {}", path.display(), losses.len(), losses.join("\n  "))]
    Lossy { path: PathBuf, losses: Vec<String> },
    #[error("{}: inside the project folder {}, where an export would be read back as articles; write it outside the project, or into its annotations folder", path.display(), root.display())]
    ExportInsideProject { path: PathBuf, root: PathBuf },
}
