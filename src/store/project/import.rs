//! Importing a dataset into a project folder: each text an article file,
//! each document's annotations an annotation file, resumable and
//! idempotent (an interrupted import is finished by running it again).
//!
//! Must not touch: an article that holds another text, or annotation files
//! that hold other annotations (refused, nothing written).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::super::StoreError;
use super::super::annotations::{AnnotationFile, annotation_path};
use super::super::atomic::write_atomic;
use super::super::decode::{decode, encode_for_file};
use super::super::formats::schema::{Widening, source_schema, widen_to_fit};
use super::{
    ANNOTATORS_DIR, IMPORT_PENDING, PROJECT_FILE, ProjectFile, SCHEMA_FILE, check_annotator, default_annotations, io_err, read_schema,
};
use crate::model::dataset::{Dataset, record_to_document};
use crate::model::{Document, Schema};

/// What an import wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub documents: usize,
    pub entities: usize,
    pub relations: usize,
    pub articles_written: usize,
    pub articles_existing: usize,
    /// Documents an interrupted run of the same import had already written
    /// (counted in `documents` too).
    pub already_imported: usize,
    /// `Some` when the project had no schema and took the source's: that
    /// schema, and how it grew to fit the data (nothing when it fit).
    pub schema_taken: Option<(Schema, Vec<Widening>)>,
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
/// text, or a document already has other annotations there. Resumable: an
/// annotation file that already holds exactly what the import would write
/// (an interrupted run of the same import) is taken as done, and
/// [`IMPORT_PENDING`] marks the folder until the import is complete.
pub fn import_dataset(dataset: &Dataset, dataset_path: &Path, into: &Path) -> Result<ImportReport, StoreError> {
    import_dataset_as(dataset, dataset_path, into, None)
}

/// [`import_dataset`] as an annotator: the annotation files go to
/// `annotations/annotators/NAME/`.
pub fn import_dataset_as(dataset: &Dataset, dataset_path: &Path, into: &Path, annotator: Option<&str>) -> Result<ImportReport, StoreError> {
    import_dataset_with(dataset, None, dataset_path, into, annotator)
}

/// [`import_dataset_as`], with the schema the source declares (brat's
/// `annotation.conf`, [`Report::declared_schema`](crate::store::formats::Report)).
/// A new project takes the source's schema, widened to fit the data
/// ([`source_schema`](crate::store::formats::schema::source_schema)); a project
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
        let (schema, _, widened) = source_schema(dataset, declared);
        (schema, widened)
    };
    let problems = dataset.validate(Some(&schema));
    if !problems.is_empty() {
        let problems = problems.iter().map(ToString::to_string).collect();
        if existing_schema {
            let (_, fixes) = widen_to_fit(&schema, dataset);
            if !fixes.is_empty() {
                return Err(StoreError::DoesNotFit {
                    path: dataset_path.to_path_buf(),
                    schema: base.join(SCHEMA_FILE),
                    problems,
                    fixes: {
                        let mut fixes: Vec<String> = fixes.iter().map(Widening::fix).collect();
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
            .unwrap_or_else(|| PathBuf::from(format!("{}.txt", super::super::annotations::file_stem_for_id(&rec.id))));
        if !used.insert(rel.clone()) {
            rel = PathBuf::from(format!("{}.txt", super::super::annotations::file_stem_for_id(&rec.id)));
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
        let doc =
            record_to_document(rec).map_err(|p| StoreError::Invalid { path: dataset_path.to_path_buf(), problems: vec![p.to_string()] })?;
        let rel_str = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
        let mut file = AnnotationFile::from_document(&doc);
        if file.source != rel_str {
            file.article = Some(rel_str);
        }
        file.annotator = annotator.map(str::to_owned);
        let json = file.to_json().into_bytes();
        let ann = annotation_path(&annotations, &doc.id);
        let done = match fs::read(&ann) {
            Ok(have) if have == json => true,
            Ok(_) => return Err(StoreError::AlreadyAnnotated { path: ann, id: rec.id.clone() }),
            Err(_) if fs::symlink_metadata(&ann).is_ok() => return Err(StoreError::AlreadyAnnotated { path: ann, id: rec.id.clone() }),
            Err(_) => false,
        };
        plan.push(Planned { path, exists, doc, json, done });
    }
    fs::create_dir_all(into).map_err(io_err(into))?;
    // Until the import is complete, the folder says so: a kill midway
    // leaves a project that validate calls incomplete, and running the
    // import again finishes it.
    let pending = base.join(IMPORT_PENDING);
    let marker = serde_json::json!({"dataset": dataset_path.display().to_string(), "documents": dataset.documents.len()});
    let had_marker = pending.exists();
    write_atomic(&pending, format!("{marker:#}\n").as_bytes()).map_err(io_err(&pending))?;
    // The files this import creates, removed again when a later write fails
    // (a read-only or full annotations folder): no half-imported documents.
    let mut created: Vec<PathBuf> = Vec::new();
    let result = write_import(dataset, &schema, existing_schema, (&base, &annotations), plan, &mut report, &mut created);
    if result.is_err() {
        for path in created.iter().rev() {
            let _ = fs::remove_file(path);
        }
        if !had_marker {
            let _ = fs::remove_file(&pending);
        }
        return result.map(|()| report);
    }
    super::super::journal::ensure_gitignore(&base);
    fs::remove_file(&pending).map_err(io_err(&pending))?;
    let _ = super::super::atomic::sync_dir(&base);
    Ok(ImportReport { schema_taken: (!existing_schema).then_some((schema, widened)), ..report })
}

/// One document an import writes.
struct Planned {
    /// Its article file.
    path: PathBuf,
    /// The article is there already, with this text.
    exists: bool,
    doc: Document,
    /// Its annotation file's bytes.
    json: Vec<u8>,
    /// The annotation file is there already, with these bytes.
    done: bool,
}

/// The writing half of [`import_dataset`]; records in `created` each file it
/// made that did not exist before.
fn write_import(
    dataset: &Dataset,
    schema: &Schema,
    existing_schema: bool,
    (base, annotations): (&Path, &Path),
    plan: Vec<Planned>,
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
        let settings = ProjectFile { dataset_extra: dataset.extra.clone(), ..ProjectFile::default() };
        let json = serde_json::to_string_pretty(&settings).unwrap_or_default();
        write_new(&base.join(PROJECT_FILE), json.as_bytes())?;
    }
    for Planned { path, exists, doc, json, done } in plan {
        if exists {
            report.articles_existing += 1;
        } else {
            write_new(&path, &encode_for_file(doc.text().as_str()))?;
            report.articles_written += 1;
        }
        if done {
            report.already_imported += 1;
        } else {
            write_new(&annotation_path(annotations, &doc.id), &json)?;
        }
        report.documents += 1;
        report.entities += doc.spans().len() + doc.pending_count();
        report.relations += doc.relation_count();
    }
    Ok(())
}
