//! A project: a folder of articles and the annotations folder beside them.
//!
//! Owns: finding articles (`.txt`, `.md`, `.html`, `.jsonl`, dataset `.json`),
//! giving each a stable document id, reading texts, loading and saving
//! per-document annotation files, the project's schema file, importing a
//! dataset into a folder and exporting the project. Article files are never
//! written, except by an import creating them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::annotations::{AnnotationFile, LoadReport, annotation_path};
use super::atomic::write_atomic;
use super::decode::{decode, encode_for_file};
use super::html::visible_text;
use crate::model::dataset::{Dataset, ExportNotes, ExportOptions, record_to_document};
use crate::model::span::Extra;
use crate::model::{DocId, Document, Schema, Status};

/// The schema file inside an annotations folder.
pub const SCHEMA_FILE: &str = "schema.json";
/// Project settings inside an annotations folder.
pub const PROJECT_FILE: &str = "project.json";

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

/// What the corpus list shows of a document without loading it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub status: Status,
    pub spans: usize,
    pub relations: usize,
    pub pending: usize,
    /// Suggestions in any state (pending, accepted, rejected).
    pub suggestions: usize,
    pub orphans: usize,
    /// An annotation file exists.
    pub annotated: bool,
    /// The annotation file could not be read: the document is read-only until fixed.
    pub broken: Option<String>,
}

impl Summary {
    /// The summary of a loaded document.
    pub fn of(doc: &Document) -> Self {
        Self {
            status: doc.status(),
            spans: doc.spans().len(),
            relations: doc.relation_count(),
            pending: doc.pending_count(),
            suggestions: doc.suggestions().count(),
            orphans: doc.orphans.len(),
            annotated: true,
            broken: None,
        }
    }
}

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
    pub settings: ProjectFile,
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

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
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

        // 1. Annotation files: they fix the ids of the articles they name.
        let mut by_article: BTreeMap<String, (DocId, Summary)> = BTreeMap::new();
        let mut annotated: BTreeMap<DocId, (String, Summary)> = BTreeMap::new();
        let docs_dir = annotations.join("documents");
        if let Ok(list) = fs::read_dir(&docs_dir) {
            let mut paths: Vec<PathBuf> = list.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for path in paths {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if name.starts_with('.') || !name.ends_with(".json") {
                    continue;
                }
                match read_annotation_file(&path) {
                    Ok(file) => {
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
                        let article = file.article.clone().unwrap_or_else(|| file.source.clone());
                        by_article.insert(article, (DocId(file.id.clone()), summary.clone()));
                        annotated.insert(DocId(file.id), (file.source, summary));
                    }
                    Err(e) => unreadable.push(e.to_string()),
                }
            }
        } else if docs_dir.exists() && !docs_dir.is_dir() {
            warnings.push(format!("{}: not a folder; annotations cannot be saved", docs_dir.display()));
        }

        // 2. Articles.
        let mut found: Vec<(DocId, String, Location, Option<Summary>)> = Vec::new();
        let mut files = Vec::new();
        walk(root, root, &base, &mut files, &mut warnings);
        files.sort();
        for rel in files {
            let path = root.join(&rel);
            let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            let stem = rel.rsplit_once('.').map_or(rel.as_str(), |(s, _)| s).to_owned();
            match ext.as_str() {
                "txt" | "md" | "markdown" | "html" | "htm" => {
                    let location = if ext.starts_with("htm") { Location::Html(path) } else { Location::Text(path) };
                    let (id, summary) = match by_article.get(&rel) {
                        Some((id, s)) => (id.clone(), Some(s.clone())),
                        None => (DocId(stem), None),
                    };
                    found.push((id, rel, location, summary));
                }
                "jsonl" => match read_jsonl(&path) {
                    Ok(lines) => {
                        for (line, id, _text, _) in lines {
                            let source = format!("{rel}#{line}");
                            let id = id.unwrap_or_else(|| format!("{stem}-{line}"));
                            let summary = by_article.get(&source).map(|(_, s)| s.clone());
                            found.push((DocId(id), source, Location::JsonlLine { path: path.clone(), line }, summary));
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
                            found.push((
                                DocId(d.id.clone()),
                                d.source.clone(),
                                Location::DatasetDoc { path: path.clone(), index },
                                Some(summary),
                            ));
                        }
                    }
                    Ok(None) => warnings.push(format!("{}: not a spanlab dataset; passed over", path.display())),
                    Err(e) => unreadable.push(e.to_string()),
                },
                _ => {}
            }
        }

        // 3. Unique ids; annotation files whose article is gone stay listed.
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen = BTreeSet::new();
        for (id, source, location, summary) in found {
            let mut id = id;
            if seen.contains(&id) {
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
        for (id, (source, summary)) in annotated {
            if !seen.contains(&id) {
                warnings.push(format!(
                    "{}: the article {source:?} of document {} is missing; its annotations are kept",
                    annotation_path(&annotations, &id).display(),
                    id.0
                ));
                entries.push(Entry { id, source, location: Location::Missing, summary });
            }
        }
        entries.sort_by(|a, b| a.id.cmp(&b.id));
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
            settings,
        })
    }

    /// The index of a document by id.
    pub fn position(&self, id: &DocId) -> Option<usize> {
        self.entries.binary_search_by(|e| e.id.cmp(id)).ok()
    }

    /// Reads a document's text and annotations.
    pub fn load(&self, index: usize) -> Result<Loaded, StoreError> {
        self.load_cached(index, &mut SourceCache::default())
    }

    /// [`Project::load`] for many documents in turn: a JSONL or dataset
    /// file holding several of them is read once into `cache`, not once per
    /// document (which made exporting a big JSONL file quadratic).
    pub fn load_cached(&self, index: usize, cache: &mut SourceCache) -> Result<Loaded, StoreError> {
        let entry = self.entries.get(index).ok_or(StoreError::NoDocument(index))?;
        let (text, encoding, record) = match &entry.location {
            Location::Text(path) => {
                let d = read_text_file(path)?;
                (d.0, Some(d.1), None)
            }
            Location::Html(path) => {
                let d = read_text_file(path)?;
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
        if ann.exists() {
            let file = read_annotation_file(&ann)?;
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

    /// Saves a document's annotations (atomically) and refreshes its summary.
    pub fn save(&mut self, doc: &Document) -> Result<(), StoreError> {
        let (path, bytes) = self.annotation_bytes(doc);
        write_atomic(&path, &bytes).map_err(io_err(&path))?;
        if let Some(i) = self.position(&doc.id) {
            self.entries[i].summary = Summary::of(doc);
        }
        Ok(())
    }

    /// Where a document's annotations go, and the bytes [`Project::save`]
    /// writes there.
    pub fn annotation_bytes(&self, doc: &Document) -> (PathBuf, Vec<u8>) {
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
        (path, file.to_json().into_bytes())
    }

    /// Replays the journal of edits left by a crash onto the annotation
    /// files (see `store::journal`), and updates the summaries.
    pub fn recover_journal(&mut self) -> Result<super::journal::Recovery, StoreError> {
        let mut saved: Vec<(DocId, Summary)> = Vec::new();
        let recovery = super::journal::recover(
            &self.annotations,
            &self.schema,
            |id| self.load_by_id(id).map(|l| l.doc),
            |doc| {
                let (path, bytes) = self.annotation_bytes(doc);
                write_atomic(&path, &bytes).map_err(io_err(&path))?;
                saved.push((doc.id.clone(), Summary::of(doc)));
                Ok(())
            },
        )?;
        for (id, summary) in saved {
            if let Some(i) = self.position(&id) {
                self.entries[i].summary = summary;
            }
        }
        Ok(recovery)
    }

    /// Loads a document by id.
    pub fn load_by_id(&self, id: &DocId) -> Result<Loaded, StoreError> {
        let i = self.position(id).ok_or_else(|| StoreError::MissingArticle { id: id.0.clone(), article: String::new() })?;
        self.load(i)
    }

    /// Loads every document (in id order) and builds the gold dataset; the
    /// dataset is validated and refused with its problems if invalid.
    pub fn export(&self, options: ExportOptions, mut progress: impl FnMut(usize)) -> Result<(Dataset, ExportNotes), StoreError> {
        // One document in memory at a time; JSONL and dataset files read once.
        let mut exporter = crate::model::dataset::Exporter::new(&self.schema, &self.settings.dataset_extra, options);
        let mut cache = SourceCache::default();
        for (i, e) in self.entries.iter().enumerate() {
            if options.done_only && e.summary.status != Status::Done {
                continue;
            }
            exporter.add(&self.load_cached(i, &mut cache)?.doc);
            progress(i + 1);
        }
        let (mut dataset, mut notes) = exporter.finish().map_err(|problems| StoreError::Invalid {
            path: self.annotations.clone(),
            problems: problems.iter().map(ToString::to_string).collect(),
        })?;
        // Whose version each document is (a field the format allows).
        if let Some(name) = &self.annotator {
            for d in &mut dataset.documents {
                d.extra.insert("annotator".to_owned(), serde_json::Value::String(name.clone()));
            }
        }
        notes.documents_left_out = self.entries.len() - dataset.documents.len();
        Ok((dataset, notes))
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

fn read_schema(annotations: &Path) -> Result<Schema, StoreError> {
    let path = annotations.join(SCHEMA_FILE);
    match fs::read_to_string(&path) {
        Ok(json) => Schema::from_json(&json).map_err(|e| StoreError::Schema { path, message: e.to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Schema::news()),
        Err(source) => Err(StoreError::Io { path, source }),
    }
}

fn read_settings(annotations: &Path) -> Result<ProjectFile, StoreError> {
    let path = annotations.join(PROJECT_FILE);
    match fs::read_to_string(&path) {
        Ok(json) => serde_json::from_str(&json).map_err(|e| json_err(&path, &e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProjectFile::default()),
        Err(source) => Err(StoreError::Io { path, source }),
    }
}

pub(crate) fn json_err(path: &Path, e: &serde_json::Error) -> StoreError {
    StoreError::Json { path: path.to_path_buf(), line: e.line(), column: e.column(), message: e.to_string() }
}

fn read_annotation_file(path: &Path) -> Result<AnnotationFile, StoreError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    serde_json::from_slice(&bytes).map_err(|e| json_err(path, &e))
}

/// Reads and decodes a text file; returns the text and the encoding's name.
pub fn read_text_file(path: &Path) -> Result<(String, String), StoreError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    let d = decode(&bytes).map_err(|e| StoreError::Decode { path: path.to_path_buf(), message: e.to_string() })?;
    Ok((d.text, d.encoding))
}

/// One document of a JSONL file: line number (1-based), id, text, other fields.
pub type JsonlDoc = (usize, Option<String>, String, Extra);

/// The documents of a JSONL file.
pub fn read_jsonl(path: &Path) -> Result<Vec<JsonlDoc>, StoreError> {
    let (content, _) = read_text_file(path)?;
    parse_jsonl(&content, path)
}

/// The documents of a JSONL file's decoded text; `path` only names the file
/// in errors.
pub fn parse_jsonl(content: &str, path: &Path) -> Result<Vec<JsonlDoc>, StoreError> {
    let mut out = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| StoreError::Json {
            path: path.to_path_buf(),
            line: n,
            column: e.column(),
            message: e.to_string(),
        })?;
        let serde_json::Value::Object(mut map) = value else {
            return Err(StoreError::Json { path: path.to_path_buf(), line: n, column: 1, message: "a line must be a JSON object".into() });
        };
        let Some(serde_json::Value::String(text)) = map.remove("text") else {
            return Err(StoreError::Json { path: path.to_path_buf(), line: n, column: 1, message: "missing string field \"text\"".into() });
        };
        let id = match map.remove("id") {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        out.push((n, id, text, map.into_iter().collect()));
    }
    Ok(out)
}

/// Reads a `.json` file that is a spanlab dataset; `None` when it is some other JSON.
pub fn read_dataset_if_any(path: &Path) -> Result<Option<Dataset>, StoreError> {
    let (json, _) = read_text_file(path)?;
    parse_dataset_if_any(&json, path)
}

/// A decoded `.json` file's text as a spanlab dataset; `None` when it is some
/// other JSON. `path` only names the file in errors.
pub fn parse_dataset_if_any(json: &str, path: &Path) -> Result<Option<Dataset>, StoreError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| json_err(path, &e))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(crate::model::dataset::FORMAT) {
        return Ok(None);
    }
    Dataset::from_json(json).map(Some).map_err(|e| json_err(path, &e))
}

/// Reads a dataset file, failing on anything else.
pub fn read_dataset(path: &Path) -> Result<Dataset, StoreError> {
    read_dataset_if_any(path)?.ok_or_else(|| StoreError::NotADataset(path.to_path_buf()))
}

fn walk(root: &Path, dir: &Path, annotations: &Path, out: &mut Vec<String>, warnings: &mut Vec<String>) {
    let list = match fs::read_dir(dir) {
        Ok(l) => l,
        Err(e) => {
            warnings.push(format!("{}: cannot list: {e}", dir.display()));
            return;
        }
    };
    for entry in list.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || path == annotations {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if name != "target" && name != "node_modules" && name != "annotations" {
                walk(root, &path, annotations, out, warnings);
            }
            continue;
        }
        if kind.is_symlink() {
            match fs::metadata(&path) {
                Ok(target) if target.is_dir() => {
                    warnings.push(format!("{}: symbolic link to a folder; passed over", path.display()));
                    continue;
                }
                Ok(_) => {}
                // A dangling link or a loop: nothing to read.
                Err(e) => {
                    warnings.push(format!("{}: symbolic link that leads nowhere ({e}); passed over", path.display()));
                    continue;
                }
            }
        }
        if name.to_ascii_lowercase().starts_with("readme.") {
            continue;
        }
        if let Ok(rel) = path.strip_prefix(root) {
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push(rel.join("/"));
        }
    }
}

/// What an import wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub documents: usize,
    pub entities: usize,
    pub relations: usize,
    pub articles_written: usize,
    pub articles_existing: usize,
    /// `Some` when the project had no schema and took the source's: that
    /// schema, and how it grew to fit the data (nothing when it fit).
    pub schema_taken: Option<(Schema, Vec<super::formats::schema::Widening>)>,
}

/// A relative path that stays inside its folder, or `None`.
fn safe_relative(source: &str) -> Option<PathBuf> {
    let p = Path::new(source);
    if source.is_empty() || source.contains('\\') || source.contains(':') {
        return None;
    }
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) if !s.to_string_lossy().starts_with('.') => out.push(s),
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Imports a dataset into a project folder: each text becomes an article
/// file, each document's annotations an annotation file. Refuses, writing
/// nothing, if the dataset is invalid, an article of that name holds another
/// text, or a document already has annotations there.
pub fn import_dataset(dataset: &Dataset, dataset_path: &Path, into: &Path) -> Result<ImportReport, StoreError> {
    import_dataset_as(dataset, dataset_path, into, None)
}

/// [`import_dataset`] as an annotator: the annotation files go to
/// `annotations/annotators/NAME/`.
pub fn import_dataset_as(dataset: &Dataset, dataset_path: &Path, into: &Path, annotator: Option<&str>) -> Result<ImportReport, StoreError> {
    import_dataset_with(dataset, None, dataset_path, into, annotator)
}

/// [`import_dataset_as`], with the schema the source declares (brat's
/// `annotation.conf`, [`Report::declared_schema`](super::formats::Report)).
/// A new project takes the source's schema, widened to fit the data
/// ([`source_schema`](super::formats::schema::source_schema)); a project
/// that has one keeps it, and data it cannot hold is refused with what to
/// change in its schema file.
pub fn import_dataset_with(
    dataset: &Dataset,
    declared: Option<&Schema>,
    dataset_path: &Path,
    into: &Path,
    annotator: Option<&str>,
) -> Result<ImportReport, StoreError> {
    let base = default_annotations(into);
    let annotations = match annotator {
        Some(name) => {
            check_annotator(name).map_err(|message| StoreError::Annotation { path: base.join(ANNOTATORS_DIR), message })?;
            base.join(ANNOTATORS_DIR).join(name)
        }
        None => base.clone(),
    };
    // A project that already has annotations (anyone's) keeps its schema (the
    // default one when it has no schema file): an import must fit it, not
    // replace it.
    let has_files = |dir: &Path| fs::read_dir(dir.join("documents")).is_ok_and(|mut list| list.next().is_some());
    let annotated = has_files(&base)
        || fs::read_dir(base.join(ANNOTATORS_DIR)).is_ok_and(|list| list.filter_map(|e| e.ok()).any(|e| has_files(&e.path())));
    let existing_schema = annotated || base.join(SCHEMA_FILE).exists();
    let (schema, widened) = if existing_schema {
        (read_schema(&base)?, Vec::new())
    } else {
        let (schema, _, widened) = super::formats::schema::source_schema(dataset, declared);
        (schema, widened)
    };
    let problems = dataset.validate(Some(&schema));
    if !problems.is_empty() {
        let problems = problems.iter().map(ToString::to_string).collect();
        if existing_schema {
            let (_, fixes) = super::formats::schema::widen_to_fit(&schema, dataset);
            if !fixes.is_empty() {
                return Err(StoreError::DoesNotFit {
                    path: dataset_path.to_path_buf(),
                    schema: base.join(SCHEMA_FILE),
                    problems,
                    fixes: {
                        let mut fixes: Vec<String> = fixes.iter().map(super::formats::schema::Widening::fix).collect();
                        if !base.join(SCHEMA_FILE).exists() {
                            fixes.insert(
                                0,
                                "create it (the project uses the default schema, assets/schema/news.json, as it has none)".to_owned(),
                            );
                        }
                        fixes
                    },
                });
            }
        }
        return Err(StoreError::Invalid { path: dataset_path.to_path_buf(), problems });
    }
    // Plan every write first.
    let mut plan = Vec::new();
    let mut used = BTreeSet::new();
    let mut report = ImportReport::default();
    for rec in &dataset.documents {
        let mut rel = safe_relative(&rec.source)
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("txt")))
            .unwrap_or_else(|| PathBuf::from(format!("{}.txt", super::annotations::file_stem_for_id(&rec.id))));
        if !used.insert(rel.clone()) {
            rel = PathBuf::from(format!("{}.txt", super::annotations::file_stem_for_id(&rec.id)));
            used.insert(rel.clone());
        }
        let path = into.join(&rel);
        let exists = match fs::read(&path) {
            Ok(bytes) => {
                let same = decode(&bytes).map(|d| d.text == rec.text).unwrap_or(false);
                if !same {
                    return Err(StoreError::WouldOverwrite { path, id: rec.id.clone() });
                }
                true
            }
            Err(_) => false,
        };
        let id = DocId(rec.id.clone());
        let ann = annotation_path(&annotations, &id);
        if ann.exists() {
            return Err(StoreError::AlreadyAnnotated { path: ann, id: rec.id.clone() });
        }
        let doc =
            record_to_document(rec).map_err(|p| StoreError::Invalid { path: dataset_path.to_path_buf(), problems: vec![p.to_string()] })?;
        let rel_str = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
        plan.push((path, exists, doc, rel_str));
    }
    fs::create_dir_all(into).map_err(io_err(into))?;
    // The files this import creates, removed again when a later write fails
    // (a read-only or full annotations folder): no half-imported documents.
    let mut created: Vec<PathBuf> = Vec::new();
    let result = write_import(dataset, &schema, existing_schema, (&base, &annotations, annotator), plan, &mut report, &mut created);
    if result.is_err() {
        for path in created.iter().rev() {
            let _ = fs::remove_file(path);
        }
    }
    result.map(|()| ImportReport { schema_taken: (!existing_schema).then_some((schema, widened)), ..report })
}

/// The writing half of [`import_dataset`]; records in `created` each file it
/// made that did not exist before.
fn write_import(
    dataset: &Dataset,
    schema: &Schema,
    existing_schema: bool,
    (base, annotations, annotator): (&Path, &Path, Option<&str>),
    plan: Vec<(PathBuf, bool, Document, String)>,
    report: &mut ImportReport,
    created: &mut Vec<PathBuf>,
) -> Result<(), StoreError> {
    let mut write_new = |path: &Path, bytes: &[u8]| -> Result<(), StoreError> {
        let existed = path.exists();
        write_atomic(path, bytes).map_err(io_err(path))?;
        if !existed {
            created.push(path.to_path_buf());
        }
        Ok(())
    };
    if !existing_schema && *schema != Schema::news() {
        write_new(&base.join(SCHEMA_FILE), schema.to_json().as_bytes())?;
    }
    if !dataset.extra.is_empty() {
        let settings = ProjectFile { dataset_extra: dataset.extra.clone() };
        let json = serde_json::to_string_pretty(&settings).unwrap_or_default();
        write_new(&base.join(PROJECT_FILE), json.as_bytes())?;
    }
    for (path, exists, doc, rel) in plan {
        if exists {
            report.articles_existing += 1;
        } else {
            write_new(&path, &encode_for_file(doc.text().as_str()))?;
            report.articles_written += 1;
        }
        let mut file = AnnotationFile::from_document(&doc);
        if file.source != rel {
            file.article = Some(rel);
        }
        file.annotator = annotator.map(str::to_owned);
        write_new(&annotation_path(annotations, &doc.id), file.to_json().as_bytes())?;
        report.documents += 1;
        report.entities += doc.spans().len() + doc.pending_count();
        report.relations += doc.relation_count();
    }
    Ok(())
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
