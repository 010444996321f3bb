//! The adjudication's state: every annotator's version of the open
//! document, the candidates they propose for the curated version, and the
//! cursor. The panel (`panels/adjudicate.rs`) draws it; the app's logic
//! (`logic/adjudicate.rs`) moves the cursor and takes or drops candidates.
//!
//! Owns: loading the annotators' versions. Must not touch: the curated
//! document (only edits applied by the app change it).

use crate::model::curate::Candidate;
use crate::model::{DocId, Document};
use crate::store::Project;

/// The adjudication of the open document.
pub struct Adjudication {
    /// The document being adjudicated.
    pub doc: DocId,
    /// Annotators with a version of this document, in column order.
    pub annotators: Vec<String>,
    /// Annotators of the project without a version of it.
    pub missing: Vec<String>,
    /// Every annotator's project (to load their next document).
    projects: Vec<(String, Project)>,
    /// What the annotators propose, in text order.
    pub candidates: Vec<Candidate>,
    /// The candidate under the cursor (an index into `candidates`).
    pub cursor: usize,
}

impl Adjudication {
    /// Opens every annotator's files of `project` (an error when it has
    /// fewer than two annotators).
    pub fn start(project: &Project) -> Result<Self, String> {
        let names = project.annotators();
        if names.len() < 2 {
            return Err(format!(
                "adjudication compares annotators' versions: {} annotator(s) have files in {}",
                names.len(),
                project.base.join(crate::store::project::ANNOTATORS_DIR).display()
            ));
        }
        let mut projects = Vec::new();
        for n in names {
            let p = Project::open_as(&project.root, Some(&project.base), Some(&n)).map_err(|e| e.to_string())?;
            projects.push((n, p));
        }
        Ok(Self { doc: DocId(String::new()), annotators: Vec::new(), missing: Vec::new(), projects, candidates: Vec::new(), cursor: 0 })
    }

    /// Loads every annotator's version of `doc` and lists the candidates.
    pub fn load(&mut self, doc: &Document) -> Vec<String> {
        let mut versions = Vec::new();
        let mut errors = Vec::new();
        self.annotators.clear();
        self.missing.clear();
        for (name, p) in &self.projects {
            let annotated = p.position(&doc.id).and_then(|i| p.entries.get(i)).is_some_and(|e| e.summary.annotated);
            if !annotated {
                self.missing.push(name.clone());
                continue;
            }
            match p.load_by_id(&doc.id) {
                Ok(l) if l.doc.text().as_str() == doc.text().as_str() => {
                    versions.push(l.doc);
                    self.annotators.push(name.clone());
                }
                Ok(_) => errors.push(format!("{name}'s version of {} is of another text; left out", doc.id)),
                Err(e) => errors.push(format!("{name}: {e}")),
            }
        }
        let refs: Vec<&Document> = versions.iter().collect();
        self.candidates = crate::model::curate::candidates(&refs);
        self.doc = doc.id.clone();
        self.cursor = 0;
        errors
    }
}
