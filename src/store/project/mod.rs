//! A project: a folder of articles and the annotations folder beside them.
//!
//! Owns: finding articles (`.txt`, `.md`, `.html`, `.jsonl`, dataset `.json`),
//! giving each a stable document id, reading texts, loading and saving
//! per-document annotation files, the project's schema file, importing a
//! dataset into a folder and exporting the project. Article files are never
//! written, except by an import creating them.
//!
//! Only regular files are taken as articles (a named pipe would never
//! end), and annotation files must be regular files; what is passed over
//! is said, naming the file. An id that has annotations keeps
//! its article: a new file with the same name gets another id. A spanlab
//! dataset whose every document is an article of the project (an export
//! written into it) is not read as articles again, and exports are refused
//! there ([`Project::check_export_destination`]). An import is resumable:
//! it leaves [`IMPORT_PENDING`] until it is done, and running it again
//! finishes it.
//!
//! Split by concern: `files.rs` reads the folder and its files, `import.rs`
//! writes an import; this file is the project, its ids, loading and saving.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::annotations::{AnnotationFile, FileView, LoadReport, annotation_path, file_name_for_id};
use super::atomic::write_atomic;
use super::html::visible_text;
use super::summaries::{self, Known, Stamp, SummaryCache};
use crate::model::dataset::{Dataset, ExportOptions, record_to_document};
use crate::model::span::Extra;
use crate::model::{DocId, Document, Schema};

#[cfg(test)]
mod cache_tests;
mod export;
#[cfg(test)]
mod export_tests;
mod files;
mod import;

pub use export::InMemory;
pub use files::{
    DEFAULT_MAX_ARTICLE_MB, JsonlDoc, parse_dataset_if_any, parse_jsonl, read_dataset, read_dataset_if_any, read_jsonl, read_text_file,
    read_text_file_within,
};
use files::{Scan, read_regular, walk};
pub use import::{ImportReport, import_dataset, import_dataset_as, import_dataset_with};

/// The schema file inside an annotations folder.
pub const SCHEMA_FILE: &str = "schema.json";
/// Project settings inside an annotations folder.
pub const PROJECT_FILE: &str = "project.json";
/// Left in an annotations folder while an import into it runs; its
/// presence afterwards means the import was interrupted.
pub const IMPORT_PENDING: &str = "import-pending.json";

/// Where a document's text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A plain-text or Markdown file, read as it is.
    Text(PathBuf),
    /// An HTML file, read as its visible text.
    Html(PathBuf),
    /// Line `line` (1-based) of a JSONL file.
    JsonlLine { path: PathBuf, line: usize },
    /// Document `index` of a dataset JSON file in the folder.
    DatasetDoc { path: PathBuf, index: usize },
    /// An annotation file whose article is gone.
    Missing,
}

pub use super::summaries::Summary;

/// One document of the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: DocId,
    /// The article's path relative to the project root (or the imported source).
    pub source: String,
    pub location: Location,
    pub summary: Summary,
}

/// Settings kept with the annotations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectFile {
    /// Top-level fields of an imported dataset, written back on export.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub dataset_extra: Extra,
    /// The largest article read, in MB (10⁶ bytes); `None`: 256 MB
    /// ([`DEFAULT_MAX_ARTICLE_MB`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_article_mb: Option<u64>,
}

/// An open project.
#[derive(Clone, Debug)]
pub struct Project {
    pub root: PathBuf,
    /// Where this annotator's documents, journal and lock live: the
    /// annotations folder, or `annotations/annotators/NAME` for a named
    /// annotator.
    pub annotations: PathBuf,
    /// The annotations folder itself (schema, project file, every
    /// annotator's folder).
    pub base: PathBuf,
    /// Whose annotations these are (`None`: the project's own, e.g. the
    /// curated version).
    pub annotator: Option<String>,
    pub schema: Schema,
    /// Sorted by id.
    pub entries: Vec<Entry>,
    /// Files passed over and other things the user should know, each naming its file.
    pub warnings: Vec<String>,
    /// Files that could not be read (broken annotation files, JSONL and
    /// dataset files), each naming its file and place; also in `warnings`.
    pub unreadable: Vec<String>,
    /// Files and folders passed over by rule (a README, `target/`,
    /// `node_modules/`, an `annotations/` folder that is not this
    /// project's), each naming its path; not in `warnings`.
    pub passed_over: Vec<String>,
    pub settings: ProjectFile,
}

/// Which annotations [`Project::load_with`] puts on a document's text.
#[derive(Clone, Copy, Debug)]
pub enum AnnotationsFrom<'a> {
    /// Its annotation file, as it is on disk.
    Disk,
    /// None (as if it had no annotation file).
    Nothing,
    /// These bytes, as if they were its annotation file.
    Bytes(&'a [u8]),
}

/// A loaded document and what happened while loading it.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub doc: Document,
    pub report: LoadReport,
    /// The encoding the article was read as (for text files).
    pub encoding: Option<String>,
    /// Whether annotations existed (false: a fresh document, worth suggesting on).
    pub had_annotations: bool,
}

pub(super) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_path_buf(), source }
}

/// The default annotations folder of a project root.
pub fn default_annotations(root: &Path) -> PathBuf {
    root.join("annotations")
}

/// The folder, inside the annotations folder, that holds one folder per
/// annotator.
pub const ANNOTATORS_DIR: &str = "annotators";

/// Checks an annotator's name, which names a folder: 1 to 64 letters,
/// digits, `-`, `_` or `.`, not starting with `.`.
pub fn check_annotator(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok { Ok(()) } else { Err(format!("annotator name {name:?}: use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'")) }
}

impl Project {
    /// Opens a folder. `annotations` defaults to `ROOT/annotations`.
    pub fn open(root: &Path, annotations: Option<&Path>) -> Result<Self, StoreError> {
        Self::open_as(root, annotations, None)
    }

    /// Opens a folder as an annotator: their documents are in
    /// `ANNOTATIONS/annotators/NAME/documents/`, one file per document, beside
    /// the other annotators'; the schema is the project's.
    pub fn open_as(root: &Path, annotations: Option<&Path>, annotator: Option<&str>) -> Result<Self, StoreError> {
        let meta = fs::metadata(root).map_err(io_err(root))?;
        if !meta.is_dir() {
            return Err(StoreError::NotAFolder(root.to_path_buf()));
        }
        let base = annotations.map_or_else(|| default_annotations(root), Path::to_path_buf);
        let schema = read_schema(&base)?;
        let settings = read_settings(&base)?;
        let annotations = match annotator {
            Some(name) => {
                check_annotator(name).map_err(|message| StoreError::Annotation { path: base.join(ANNOTATORS_DIR), message })?;
                base.join(ANNOTATORS_DIR).join(name)
            }
            None => base.clone(),
        };
        let mut warnings = Vec::new();
        let mut unreadable = Vec::new();

        // Three things at once, each on its own thread: the annotation
        // files listed (with each one's stamp), the summary cache read, the
        // articles found (the walk). At 100,000 documents each is a large
        // part of the opening, and none needs the others.
        let docs_dir = annotations.join("documents");
        let mut passed_over = Vec::new();
        let mut walk_warnings = Vec::new();
        let (listing, mut cache, files) = std::thread::scope(|scope| {
            let listing = scope.spawn(|| list_annotation_files(&docs_dir));
            let cache = scope.spawn(|| SummaryCache::read(&annotations));
            let mut files = Vec::new();
            walk(root, root, &base, &mut files, &mut Scan { warnings: &mut walk_warnings, passed_over: &mut passed_over });
            files.sort();
            (joined(listing), joined(cache), files)
        });

        // 1. Annotation files: they fix the ids of the articles they name.
        let mut by_article: BTreeMap<String, (DocId, Summary)> = BTreeMap::new();
        let mut annotated: BTreeMap<DocId, (String, Summary)> = BTreeMap::new();
        if let Some(files) = listing {
            // The summary cache answers for the files it recorded as they
            // are, the others are read (see `store::summaries`).
            // Each entry to keep, and whether it was read (not in the cache).
            let mut records: Vec<(summaries::Record, bool)> = Vec::with_capacity(files.len());
            for (name, path, stamp) in files {
                // The cached id must be the one the file's name is for (the
                // name compared, not the paths: a path comparison parses both).
                let cached = stamp.and_then(|s| cache.take(&name, s)).filter(|k| file_name_for_id(&k.id) == name);
                let read = cached.is_none();
                let known = match cached {
                    Some(known) => known,
                    None => match read_annotation_file(&path) {
                        // A file whose `id` is not the one its name is for (an id
                        // changed by hand, a bad merge) would hide its annotations.
                        Ok(file) if annotation_path(&annotations, &DocId(file.id.clone())) != path => {
                            let named = super::annotations::id_of_file_name(&name).unwrap_or_else(|| "?".to_owned());
                            unreadable.push(format!("{}: {}", path.display(), wrong_id(&file.id, &named)));
                            continue;
                        }
                        Ok(file) => known_of(file),
                        Err(e) => {
                            unreadable.push(e.to_string());
                            continue;
                        }
                    },
                };
                let article = known.article.clone().unwrap_or_else(|| known.source.clone());
                by_article.insert(article, (DocId(known.id.clone()), known.summary.clone()));
                annotated.insert(DocId(known.id.clone()), (known.source.clone(), known.summary.clone()));
                if let Some(stamp) = stamp {
                    records.push(((name, stamp, known), read));
                }
            }
            // Best effort: a folder that cannot be written opens as fast as
            // it did before the cache.
            let _ = if cache.needs_rewrite(records.len()) {
                summaries::rewrite(&annotations, &records.into_iter().map(|(r, _)| r).collect::<Vec<_>>())
            } else if records.iter().any(|(_, read)| *read) {
                summaries::append(&annotations, &records.into_iter().filter(|(_, read)| *read).map(|(r, _)| r).collect::<Vec<_>>())
            } else {
                Ok(())
            };
        } else if docs_dir.exists() && !docs_dir.is_dir() {
            warnings.push(format!("{}: not a folder; annotations cannot be saved", docs_dir.display()));
        }

        // 2. Articles. `claimed`: the id comes from an annotation file that
        // names this article, and no other article may take it.
        warnings.extend(walk_warnings);
        let mut found: Vec<Found> = Vec::new();
        for (rel, path) in files {
            let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            let stem = rel.rsplit_once('.').map_or(rel.as_str(), |(s, _)| s).to_owned();
            match ext.as_str() {
                "txt" | "md" | "markdown" | "html" | "htm" => {
                    let location = if ext.starts_with("htm") { Location::Html(path) } else { Location::Text(path) };
                    let (id, summary, claimed) = match by_article.get(&rel) {
                        Some((id, s)) => (id.clone(), Some(s.clone()), true),
                        None => (DocId(stem), None, false),
                    };
                    found.push(Found { id, source: rel, location, summary, claimed });
                }
                "jsonl" => match read_jsonl(&path) {
                    Ok(lines) => {
                        for (line, id, _text, _) in lines {
                            let source = format!("{rel}#{line}");
                            let id = id.unwrap_or_else(|| format!("{stem}-{line}"));
                            let summary = by_article.get(&source).map(|(_, s)| s.clone());
                            let claimed = by_article.get(&source).is_some_and(|(named, _)| named.0 == id);
                            found.push(Found {
                                id: DocId(id),
                                source,
                                location: Location::JsonlLine { path: path.clone(), line },
                                summary,
                                claimed,
                            });
                        }
                    }
                    Err(e) => unreadable.push(e.to_string()),
                },
                "json" => match read_dataset_if_any(&path) {
                    Ok(Some(ds)) => {
                        for (index, d) in ds.documents.iter().enumerate() {
                            let summary = annotated.get(&DocId(d.id.clone())).map(|(_, s)| s.clone()).unwrap_or(Summary {
                                status: d.status,
                                spans: d.entities.len(),
                                relations: d.relations.len(),
                                ..Summary::default()
                            });
                            found.push(Found {
                                id: DocId(d.id.clone()),
                                source: d.source.clone(),
                                location: Location::DatasetDoc { path: path.clone(), index },
                                summary: Some(summary),
                                claimed: annotated.get(&DocId(d.id.clone())).is_some_and(|(source, _)| *source == d.source),
                            });
                        }
                    }
                    Ok(None) => warnings.push(format!("{}: not a spanlab dataset; passed over", path.display())),
                    Err(e) => unreadable.push(e.to_string()),
                },
                _ => {}
            }
        }

        // Our own export written into the folder: every document of it is
        // an article here already.
        drop_own_exports(&mut found, &mut warnings);

        // 3. Unique ids, the claimed ones first: an id that has annotations
        // keeps its article (and one whose article is gone stays reserved);
        // annotation files whose article is gone stay listed.
        let mut entries: Vec<Entry> = Vec::new();
        // Hashed sets: 100,000 ids each (the order of a tree is not needed).
        let mut seen: HashSet<DocId> = found.iter().filter(|f| f.claimed).map(|f| f.id.clone()).collect();
        let present: HashSet<&str> = found.iter().map(|f| f.source.as_str()).collect();
        seen.extend(by_article.iter().filter(|(article, _)| !present.contains(article.as_str())).map(|(_, (id, _))| id.clone()));
        for Found { id, source, location, summary, claimed } in found {
            let mut id = id;
            if !claimed && seen.contains(&id) {
                let mut n = 2;
                while seen.contains(&DocId(format!("{}~{n}", id.0))) {
                    n += 1;
                }
                let new = DocId(format!("{}~{n}", id.0));
                warnings.push(format!("{source}: document id {} is already used; this one is {}", id.0, new.0));
                id = new;
            }
            seen.insert(id.clone());
            let summary = summary.or_else(|| annotated.get(&id).map(|(_, s)| s.clone())).unwrap_or_default();
            entries.push(Entry { id, source, location, summary });
        }
        let listed: HashSet<&DocId> = entries.iter().map(|e| &e.id).collect();
        let missing: Vec<_> = annotated.into_iter().filter(|(id, _)| !listed.contains(id)).collect();
        drop(listed);
        for (id, (source, summary)) in missing {
            {
                warnings.push(format!(
                    "{}: the article {source:?} of document {} is missing; its annotations are kept",
                    annotation_path(&annotations, &id).display(),
                    id.0
                ));
                entries.push(Entry { id, source, location: Location::Missing, summary });
            }
        }
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        if let Ok(pending) = fs::read_to_string(base.join(IMPORT_PENDING)) {
            let dataset = serde_json::from_str::<serde_json::Value>(&pending)
                .ok()
                .and_then(|v| v.get("dataset").and_then(|d| d.as_str()).map(str::to_owned))
                .unwrap_or_default();
            unreadable.push(format!(
                "{}: an import into this folder (of {dataset}) was interrupted; run it again to finish it",
                base.join(IMPORT_PENDING).display()
            ));
        }
        warnings.extend(unreadable.iter().cloned());
        Ok(Self {
            root: root.to_path_buf(),
            annotations,
            base,
            annotator: annotator.map(str::to_owned),
            schema,
            entries,
            warnings,
            unreadable,
            passed_over,
            settings,
        })
    }

    /// Refuses an export destination inside the project folder (outside
    /// its annotations folder), where the export would be read back as
    /// articles: every document would appear twice.
    pub fn check_export_destination(&self, out: &Path) -> Result<(), StoreError> {
        let out = resolved(out);
        let root = resolved(&self.root);
        let inside = |dir: &Path| out.starts_with(dir) && out != dir;
        if out == root || (inside(&root) && !inside(&resolved(&self.base))) {
            return Err(StoreError::ExportInsideProject { path: out, root });
        }
        Ok(())
    }

    /// The index of a document by id.
    pub fn position(&self, id: &DocId) -> Option<usize> {
        self.entries.binary_search_by(|e| e.id.cmp(id)).ok()
    }

    /// The largest article this project reads, in MB.
    pub fn max_article_mb(&self) -> u64 {
        self.settings.max_article_mb.unwrap_or(DEFAULT_MAX_ARTICLE_MB)
    }

    /// Reads a document's text and annotations.
    pub fn load(&self, index: usize) -> Result<Loaded, StoreError> {
        self.load_cached(index, &mut SourceCache::default())
    }

    /// [`Project::load`] for many documents in turn: a JSONL or dataset
    /// file holding several of them is read once into `cache`, not once per
    /// document (which made exporting a big JSONL file quadratic).
    pub fn load_cached(&self, index: usize, cache: &mut SourceCache) -> Result<Loaded, StoreError> {
        self.load_from(index, cache, AnnotationsFrom::Disk)
    }

    /// Reads a document's text and puts on it the annotations `from` says
    /// (the writer rebuilds a document from the file it knew).
    pub fn load_with(&self, index: usize, from: AnnotationsFrom<'_>) -> Result<Loaded, StoreError> {
        self.load_from(index, &mut SourceCache::default(), from)
    }

    fn load_from(&self, index: usize, cache: &mut SourceCache, from: AnnotationsFrom<'_>) -> Result<Loaded, StoreError> {
        let entry = self.entries.get(index).ok_or(StoreError::NoDocument(index))?;
        let (text, encoding, record) = match &entry.location {
            Location::Text(path) => {
                let d = read_text_file_within(path, self.max_article_mb())?;
                (d.0, Some(d.1), None)
            }
            Location::Html(path) => {
                let d = read_text_file_within(path, self.max_article_mb())?;
                (visible_text(&d.0), Some(d.1), None)
            }
            Location::JsonlLine { path, line } => {
                let lines = cache.jsonl(path)?;
                let Some(text) = lines.get(line) else {
                    return Err(StoreError::Changed(path.clone()));
                };
                (text.clone(), None, None)
            }
            Location::DatasetDoc { path, index } => {
                let docs = cache.dataset(path)?;
                let rec = docs.get(*index).cloned().ok_or_else(|| StoreError::Changed(path.clone()))?;
                (rec.text.clone(), None, Some(rec))
            }
            Location::Missing => {
                return Err(StoreError::MissingArticle { id: entry.id.0.clone(), article: entry.source.clone() });
            }
        };
        let ann = annotation_path(&self.annotations, &entry.id);
        let read;
        let bytes = match from {
            // Read without asking first whether it is there (one system
            // call less per document); when it cannot be read, nothing at
            // its place (not even a dangling link; `documents` a file)
            // means no annotations, as it did.
            AnnotationsFrom::Disk => match read_regular(&ann) {
                Ok(bytes) => {
                    read = bytes;
                    Some(read.as_slice())
                }
                Err(_) if fs::symlink_metadata(&ann).is_err() => None,
                Err(e) => return Err(io_err(&ann)(e)),
            },
            AnnotationsFrom::Nothing => None,
            AnnotationsFrom::Bytes(bytes) => Some(bytes),
        };
        // Parsed borrowing the spans' strings from the bytes.
        let file = bytes.map(|bytes| view_annotation_file(&ann, bytes)).transpose()?;
        if let Some(file) = file {
            if file.id != entry.id.0 {
                return Err(StoreError::Annotation { path: ann.clone(), message: wrong_id(&file.id, &entry.id.0) });
            }
            let (mut doc, report) = file.into_document(text).map_err(|message| StoreError::Annotation { path: ann.clone(), message })?;
            doc.id = entry.id.clone();
            return Ok(Loaded { doc, report, encoding, had_annotations: true });
        }
        let had = record.as_ref().is_some_and(|r| !r.entities.is_empty());
        let doc = match record {
            Some(rec) => {
                record_to_document(&rec).map_err(|p| StoreError::Annotation { path: entry_path(entry), message: p.to_string() })?
            }
            None => Document::new(entry.id.clone(), entry.source.clone(), text),
        };
        Ok(Loaded { doc, report: LoadReport::default(), encoding, had_annotations: had })
    }

    /// Saves a document's annotations (atomically) and refreshes its summary
    /// (and the summary cache's entry).
    pub fn save(&mut self, doc: &Document) -> Result<(), StoreError> {
        let (path, bytes, known) = self.annotation_write(doc);
        write_atomic(&path, &bytes).map_err(io_err(&path))?;
        if let Some(i) = self.position(&doc.id) {
            self.entries[i].summary = known.summary.clone();
        }
        self.remember_written(&path, known);
        Ok(())
    }

    /// Where a document's annotations go, and the bytes [`Project::save`]
    /// writes there.
    pub fn annotation_bytes(&self, doc: &Document) -> (PathBuf, Vec<u8>) {
        let (path, bytes, _) = self.annotation_write(doc);
        (path, bytes)
    }

    /// [`Project::annotation_bytes`], and what the summary cache records of
    /// that file once it is written ([`Project::remember_written`]).
    pub fn annotation_write(&self, doc: &Document) -> (PathBuf, Vec<u8>, Known) {
        let path = annotation_path(&self.annotations, &doc.id);
        let mut file = AnnotationFile::from_document(doc);
        file.annotator.clone_from(&self.annotator);
        if let Some(entry) = self.position(&doc.id).and_then(|i| self.entries.get(i))
            && entry.source != doc.source
            && !matches!(entry.location, Location::Missing)
        {
            file.article = Some(entry.source.clone());
        }
        // Keep the article link of an imported document.
        if file.article.is_none()
            && let Ok(old) = read_annotation_file(&path)
        {
            file.article = old.article;
        }
        let known = Known { id: file.id.clone(), source: file.source.clone(), article: file.article.clone(), summary: Summary::of(doc) };
        (path, file.to_json().into_bytes(), known)
    }

    /// Records in the summary cache (see `store::summaries`) the annotation
    /// file just written at `path`, as it is on disk now. Best effort: an
    /// entry not recorded only means that file is read at the next open.
    pub fn remember_written(&self, path: &Path, known: Known) {
        let (Some(stamp), Some(name)) = (Stamp::of_path(path), path.file_name()) else { return };
        let _ = summaries::append(&self.annotations, &[(name.to_string_lossy().into_owned(), stamp, known)]);
    }

    /// Replays the journals of edits that crashed (or otherwise ended)
    /// spanlabs left onto the annotation files (see `store::journal`; the
    /// journals of running ones are left alone), and updates the summaries.
    pub fn recover_journal(&mut self) -> Result<super::journal::Recovery, StoreError> {
        let mut saved: Vec<(DocId, PathBuf, Known)> = Vec::new();
        let recovery = super::journal::recover(
            &self.annotations,
            &self.schema,
            |id| self.load_by_id(id).map(|l| l.doc),
            |doc| {
                let (path, bytes, known) = self.annotation_write(doc);
                write_atomic(&path, &bytes).map_err(io_err(&path))?;
                saved.push((doc.id.clone(), path, known));
                Ok(())
            },
        )?;
        for (id, path, known) in saved {
            if let Some(i) = self.position(&id) {
                self.entries[i].summary = known.summary.clone();
            }
            self.remember_written(&path, known);
        }
        Ok(recovery)
    }

    /// Loads a document by id.
    pub fn load_by_id(&self, id: &DocId) -> Result<Loaded, StoreError> {
        let i = self.position(id).ok_or_else(|| StoreError::MissingArticle { id: id.0.clone(), article: String::new() })?;
        self.load(i)
    }

    /// The annotators with a folder of documents in this project, by name.
    pub fn annotators(&self) -> Vec<String> {
        let mut out: Vec<String> = fs::read_dir(self.base.join(ANNOTATORS_DIR))
            .map(|list| {
                list.filter_map(|e| e.ok())
                    .filter(|e| e.path().join("documents").is_dir())
                    .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                    .filter(|n| check_annotator(n).is_ok())
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// Each annotator's version of the project, as exported (by name).
    pub fn annotator_versions(&self) -> Result<Vec<(String, Dataset)>, StoreError> {
        self.annotators()
            .into_iter()
            .map(|n| {
                let p = Project::open_as(&self.root, Some(&self.base), Some(&n))?;
                Ok((n, p.export(ExportOptions::default(), |_| {})?.0))
            })
            .collect()
    }

    /// Saves a schema as this project's own.
    pub fn save_schema(&mut self, schema: Schema) -> Result<(), StoreError> {
        let path = self.base.join(SCHEMA_FILE);
        write_atomic(&path, schema.to_json().as_bytes()).map_err(io_err(&path))?;
        self.schema = schema;
        Ok(())
    }
}

/// The texts of the JSONL and dataset files read so far (see
/// [`Project::load_cached`]).
#[derive(Debug, Default)]
pub struct SourceCache {
    /// Line number → text.
    jsonl: BTreeMap<PathBuf, BTreeMap<usize, String>>,
    datasets: BTreeMap<PathBuf, Vec<crate::model::dataset::DocRecord>>,
}

impl SourceCache {
    fn jsonl(&mut self, path: &Path) -> Result<&BTreeMap<usize, String>, StoreError> {
        if !self.jsonl.contains_key(path) {
            let lines = read_jsonl(path)?.into_iter().map(|(line, _, text, _)| (line, text)).collect();
            self.jsonl.insert(path.to_path_buf(), lines);
        }
        self.jsonl.get(path).ok_or_else(|| StoreError::Changed(path.to_path_buf()))
    }

    fn dataset(&mut self, path: &Path) -> Result<&[crate::model::dataset::DocRecord], StoreError> {
        if !self.datasets.contains_key(path) {
            let ds = read_dataset_if_any(path)?.ok_or_else(|| StoreError::Changed(path.to_path_buf()))?;
            self.datasets.insert(path.to_path_buf(), ds.documents);
        }
        self.datasets.get(path).map(Vec::as_slice).ok_or_else(|| StoreError::Changed(path.to_path_buf()))
    }
}

fn entry_path(e: &Entry) -> PathBuf {
    match &e.location {
        Location::Text(p) | Location::Html(p) => p.clone(),
        Location::JsonlLine { path, .. } | Location::DatasetDoc { path, .. } => path.clone(),
        Location::Missing => PathBuf::from(&e.source),
    }
}

pub(super) fn read_schema(annotations: &Path) -> Result<Schema, StoreError> {
    let path = annotations.join(SCHEMA_FILE);
    match read_regular(&path).and_then(|b| String::from_utf8(b).map_err(std::io::Error::other)) {
        Ok(json) => Schema::from_json(&json).map_err(|e| StoreError::Schema { path, message: e.to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Schema::news()),
        Err(source) => Err(StoreError::Io { path, source }),
    }
}

fn read_settings(annotations: &Path) -> Result<ProjectFile, StoreError> {
    let path = annotations.join(PROJECT_FILE);
    match read_regular(&path).and_then(|b| String::from_utf8(b).map_err(std::io::Error::other)) {
        Ok(json) => serde_json::from_str(&json).map_err(|e| json_err(&path, &e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProjectFile::default()),
        Err(source) => Err(StoreError::Io { path, source }),
    }
}

pub(crate) fn json_err(path: &Path, e: &serde_json::Error) -> StoreError {
    StoreError::Json { path: path.to_path_buf(), line: e.line(), column: e.column(), message: e.to_string() }
}

/// What a thread returned; its panic goes on in the caller.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// The annotation files of a `documents/` folder (`.json`, not hidden), by
/// name: each one's name, path and stamp, the stamp from the listing
/// itself; `None` when the folder cannot be listed.
fn list_annotation_files(docs_dir: &Path) -> Option<Vec<(String, PathBuf, Option<Stamp>)>> {
    let list = fs::read_dir(docs_dir).ok()?;
    let mut files: Vec<(std::ffi::OsString, String, PathBuf, Option<Stamp>)> = list
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let os_name = e.file_name();
            let name = os_name.to_string_lossy().into_owned();
            if name.starts_with('.') || !name.ends_with(".json") {
                return None;
            }
            let stamp = e.metadata().ok().and_then(|m| Stamp::of(&m));
            Some((os_name, name, e.path(), stamp))
        })
        .collect();
    // By name, as the paths in one folder sort (comparing the paths
    // themselves parses them again at each comparison).
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Some(files.into_iter().map(|(_, name, path, stamp)| (name, path, stamp)).collect())
}

/// What opening a project needs of an annotation file.
fn known_of(file: AnnotationFile) -> Known {
    let summary = Summary {
        status: file.status,
        spans: file.spans.len(),
        relations: file.relations.len(),
        pending: file.suggestions.iter().filter(|s| s.suggestion.is_pending()).count(),
        suggestions: file.suggestions.len(),
        orphans: file.orphans.len(),
        annotated: true,
        broken: None,
    };
    Known { id: file.id, source: file.source, article: file.article, summary }
}

/// An annotation file's bytes parsed for loading ([`FileView`]); a file
/// that cannot be read gets the error it always had.
fn view_annotation_file<'a>(path: &Path, bytes: &'a [u8]) -> Result<FileView<'a>, StoreError> {
    // Checked as UTF-8 once, in one pass, rather than string by string.
    let json = std::str::from_utf8(bytes).map_err(|_| ());
    json.and_then(|json| serde_json::from_str(json).map_err(|_| ())).map_err(|()| {
        // The view takes what `AnnotationFile` takes: its error is that one.
        match serde_json::from_slice::<AnnotationFile>(bytes) {
            Err(e) => json_err(path, &e),
            Ok(_) => StoreError::Annotation { path: path.to_path_buf(), message: "not read as an annotation file".to_owned() },
        }
    })
}

fn read_annotation_file(path: &Path) -> Result<AnnotationFile, StoreError> {
    let bytes = read_regular(path).map_err(io_err(path))?;
    // Checked as UTF-8 once, in one pass, rather than string by string;
    // a file that is not UTF-8 gets the error it always had.
    match std::str::from_utf8(&bytes) {
        Ok(json) => serde_json::from_str(json),
        Err(_) => serde_json::from_slice(&bytes),
    }
    .map_err(|e| json_err(path, &e))
}

/// A path made absolute with its links resolved, as far as it exists (the
/// rest appended as written).
fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(real) = at.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                at = parent;
            }
            _ => return absolute,
        }
    }
}

/// The problem of an annotation file whose `id` is not the one its name is
/// for (the same words wherever it is found, so it is said once).
fn wrong_id(id: &str, named: &str) -> String {
    format!("its \"id\" is {id:?}, but its file is that of document {named:?}: correct the id, or the file's name")
}

/// One article found while opening a project.
struct Found {
    id: DocId,
    source: String,
    location: Location,
    summary: Option<Summary>,
    /// The id comes from an annotation file naming this article.
    claimed: bool,
}

/// Drops the documents of spanlab datasets in the folder whose every
/// document is another article of the project (our own export, written
/// into it), with a warning naming each.
fn drop_own_exports(found: &mut Vec<Found>, warnings: &mut Vec<String>) {
    let mut by_file: BTreeMap<PathBuf, Vec<&str>> = BTreeMap::new();
    for f in found.iter() {
        if let Location::DatasetDoc { path, .. } = &f.location {
            by_file.entry(path.clone()).or_default().push(f.source.as_str());
        }
    }
    let exports: BTreeSet<PathBuf> = by_file
        .into_iter()
        .filter(|(path, sources)| {
            sources.iter().all(|source| {
                found.iter().any(|f| f.source == *source && !matches!(&f.location, Location::DatasetDoc { path: p, .. } if p == path))
            })
        })
        .map(|(path, _)| path)
        .collect();
    for path in &exports {
        warnings.push(format!(
            "{}: every document in it is an article of this project (an export written into it?); not read as articles",
            path.display()
        ));
    }
    found.retain(|f| !matches!(&f.location, Location::DatasetDoc { path, .. } if exports.contains(path)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Edit;

    fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(p, bytes).expect("write");
    }

    #[test]
    fn every_kind_of_article_is_found_with_a_stable_id() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "a.txt", "Texte\r\nsur deux lignes");
        write(root, "sub/b.md", "# Titre\n\nCorps");
        write(
            root,
            "c.html",
            "<html><head><title>T</title><script>x()</script></head><body><p>Bonjour &eacute;t&eacute;</p></body></html>",
        );
        write(root, "d.jsonl", "{\"id\": \"j1\", \"text\": \"un\"}\n\n{\"text\": \"deux\", \"meta\": 1}\n");
        write(root, "e.txt", b"caf\xe9 cr\xe8me br\xfbl\xe9e \xe0 l'\xe9t\xe9, \x80 5");
        write(root, "README.md", "not an article");
        write(root, "other.json", "{\"not\": \"a dataset\"}");
        let p = Project::open(root, None).expect("opens");
        let ids: Vec<&str> = p.entries.iter().map(|e| e.id.0.as_str()).collect();
        assert_eq!(ids, ["a", "c", "d-3", "e", "j1", "sub/b"]);
        let text = |id: &str| p.load(p.position(&DocId(id.into())).expect("id")).expect("loads").doc.text().as_str().to_owned();
        assert_eq!(text("a"), "Texte\r\nsur deux lignes", "CRLF kept");
        assert_eq!(text("c"), "T\n\nBonjour été");
        assert_eq!(text("d-3"), "deux");
        assert!(text("e").contains("crème brûlée") && text("e").contains('€'));
        let enc = p.load(p.position(&DocId("e".into())).expect("id")).expect("loads").encoding;
        assert!(enc.is_some_and(|e| e.starts_with("windows-1252")));
        assert!(p.warnings.iter().any(|w| w.contains("other.json")), "{:?}", p.warnings);
    }

    #[test]
    fn annotations_survive_a_reopen_and_follow_an_edited_article() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "a.txt", "Lavrov est à Pékin.");
        let schema = Schema::news();
        let mut p = Project::open(root, None).expect("opens");
        let mut doc = p.load(0).expect("loads").doc;
        let e = doc.add_span_edit(crate::model::CharIdx::new(0), crate::model::CharIdx::new(6), "PER");
        doc.apply(e, &schema).expect("valid");
        let e = doc.add_span_edit(crate::model::CharIdx::new(13), crate::model::CharIdx::new(18), "GPE");
        doc.apply(e, &schema).expect("valid");
        doc.apply(Edit::SetComment { comment: "à revoir".into() }, &schema).expect("valid");
        p.save(&doc).expect("saves");
        assert_eq!(p.entries[0].summary.spans, 2);
        // Someone edits the article: a sentence before, and "Pékin" gone.
        write(root, "a.txt", "Hier 😀, Lavrov est à Moscou.");
        let p = Project::open(root, None).expect("opens");
        let loaded = p.load(0).expect("loads");
        assert!(loaded.report.text_changed);
        let spans: Vec<_> = loaded.doc.spans().iter().map(|s| loaded.doc.span_text(s).to_owned()).collect();
        assert_eq!(spans, ["Lavrov"]);
        assert_eq!(loaded.doc.orphans.len(), 1, "Pékin is kept for review");
        assert_eq!(loaded.doc.comment(), "à revoir");
    }

    #[test]
    fn a_broken_annotation_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "a.txt", "Texte");
        write(root, "annotations/documents/a.json", "{ broken");
        let p = Project::open(root, None).expect("opens");
        assert!(p.warnings.iter().any(|w| w.contains("a.json:1:")), "{:?}", p.warnings);
        let err = p.load(0).expect_err("cannot load over a broken file");
        assert!(err.to_string().contains("a.json"), "{err}");
        assert_eq!(fs::read_to_string(root.join("annotations/documents/a.json")).expect("read"), "{ broken");
    }

    #[test]
    fn ids_with_slashes_and_dots_stay_inside_the_annotations_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "d.jsonl", "{\"id\": \"../../evil\", \"text\": \"x\"}\n{\"id\": \"a\\\\b\", \"text\": \"y\"}\n");
        let mut p = Project::open(root, None).expect("opens");
        for i in 0..p.entries.len() {
            let doc = p.load(i).expect("loads").doc;
            p.save(&doc).expect("saves");
        }
        let names: Vec<_> =
            fs::read_dir(root.join("annotations/documents")).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(!dir.path().parent().expect("parent").join("evil.json").exists());
    }
}
