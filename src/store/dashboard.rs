//! The figures the dashboard draws, read from a project's files: documents
//! by status, spans by label, spans per document, what became of the
//! suggestions of each source, and agreement per label when several
//! annotators have files.
//!
//! Owns: reading them (every document once, one in memory at a time).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Project, StoreError};
use crate::model::Status;
use crate::model::agree::{Version, agree};
use crate::model::document::SuggestionOutcomes;
use crate::model::span::{Origin, SuggestionState};

/// Agreement of one label between the project's annotators (means over pairs).
#[derive(Clone, Debug, PartialEq)]
pub struct LabelAgreement {
    pub label: String,
    pub exact_f1: Option<f64>,
    pub partial_f1: Option<f64>,
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub documents: usize,
    /// Documents per status, in `Status::ALL` order.
    pub by_status: Vec<(Status, usize)>,
    /// Gold spans per label (the schema's labels first, in order).
    pub by_label: Vec<(String, usize)>,
    /// Gold spans of each document.
    pub spans_per_document: Vec<usize>,
    /// Suggestions by source (recognizer), with their fates.
    pub by_source: Vec<(String, SuggestionOutcomes)>,
    /// Annotators with files, and agreement per label (when two or more).
    pub annotators: Vec<String>,
    pub agreement: Vec<LabelAgreement>,
    /// Documents that could not be read, each naming its file.
    pub unreadable: Vec<String>,
}

/// Reads the figures; `stop` makes it give up early (returns `None`).
pub fn figures(project: &Project, stop: &Arc<AtomicBool>) -> Result<Option<Figures>, StoreError> {
    let mut f = Figures { documents: project.entries.len(), ..Figures::default() };
    let mut status: BTreeMap<Status, usize> = BTreeMap::new();
    let mut labels: BTreeMap<String, usize> = project.schema.entity_labels.iter().map(|l| (l.name.clone(), 0)).collect();
    let mut sources: BTreeMap<String, SuggestionOutcomes> = BTreeMap::new();
    let mut cache = super::project::SourceCache::default();
    for i in 0..project.entries.len() {
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let doc = match project.load_cached(i, &mut cache) {
            Ok(l) => l.doc,
            Err(e) => {
                f.unreadable.push(e.to_string());
                continue;
            }
        };
        *status.entry(doc.status()).or_default() += 1;
        for s in doc.spans().iter() {
            *labels.entry(s.label.clone()).or_default() += 1;
        }
        f.spans_per_document.push(doc.spans().len());
        for s in doc.suggestions() {
            let o = sources.entry(s.recognizer.to_string()).or_default();
            match s.state {
                SuggestionState::Pending => o.pending += 1,
                SuggestionState::Rejected => o.rejected += 1,
                SuggestionState::Accepted { span } => match doc.spans().get(span).map(|x| &x.origin) {
                    Some(Origin::Suggested { edited: true, .. }) => o.edited += 1,
                    Some(_) => o.accepted += 1,
                    None => o.deleted_after_accept += 1,
                },
            }
        }
    }
    f.by_status = Status::ALL.iter().map(|s| (*s, status.get(s).copied().unwrap_or(0))).collect();
    let order: Vec<String> = project.schema.entity_labels.iter().map(|l| l.name.clone()).collect();
    let mut by_label: Vec<(String, usize)> = labels.into_iter().collect();
    by_label.sort_by_key(|(l, _)| (order.iter().position(|o| o == l).unwrap_or(usize::MAX), l.clone()));
    f.by_label = by_label;
    f.by_source = sources.into_iter().collect();
    if stop.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let annotated = project.annotator_versions()?;
    f.annotators = annotated.iter().map(|(n, _)| n.clone()).collect();
    if annotated.len() >= 2 {
        let versions: Vec<Version<'_>> = annotated.iter().map(|(n, d)| Version { annotator: n.clone(), dataset: d }).collect();
        // Annotators without a shared document have nothing to agree on.
        if let Ok(a) = agree(&versions) {
            f.agreement = a
                .labels
                .iter()
                .map(|l| LabelAgreement { label: l.label.clone(), exact_f1: l.exact_f1, partial_f1: l.partial_f1 })
                .collect();
        }
    }
    Ok(Some(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CharIdx;
    use crate::model::edit::Edit;
    use crate::model::span::Suggestion;

    #[test]
    fn figures_of_a_small_project() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join("a.txt"), "Lavrov à Pékin.").expect("w");
        std::fs::write(root.join("b.txt"), "Wang Yi.").expect("w");
        let schema = crate::model::Schema::news();
        for who in [None, Some("ann"), Some("bob")] {
            let mut p = Project::open_as(root, None, who).expect("opens");
            let mut doc = p.load(0).expect("loads").doc;
            let label = if who == Some("bob") { "ORG" } else { "PER" };
            let e = doc.add_span_edit(CharIdx::new(0), CharIdx::new(6), label);
            doc.apply(e, &schema).expect("span");
            if who.is_none() {
                // Two suggestions: one accepted unchanged, one rejected.
                let mk = |doc: &mut crate::model::Document, s: usize, e: usize, l: &str| Suggestion {
                    id: doc.fresh_suggestion_id(),
                    start: CharIdx::new(s),
                    end: CharIdx::new(e),
                    label: l.into(),
                    recognizer: crate::model::RecognizerName::Tagger,
                    score: 0.9,
                    state: SuggestionState::Pending,
                };
                let (g, x) = (mk(&mut doc, 9, 14, "GPE"), mk(&mut doc, 0, 1, "LOC"));
                let (gid, xid) = (g.id, x.id);
                doc.apply(Edit::AddSuggestions { suggestions: vec![g, x] }, &schema).expect("suggestions");
                let accept = doc.accept_suggestion_edit(gid).expect("pending");
                doc.apply(accept, &schema).expect("accept");
                let reject = doc.reject_suggestion_edit(xid).expect("pending");
                doc.apply(reject, &schema).expect("reject");
                doc.apply(Edit::SetStatus { status: Status::Done }, &schema).expect("status");
            }
            p.save(&doc).expect("saved");
        }
        let project = Project::open(root, None).expect("opens");
        let f = figures(&project, &Arc::new(AtomicBool::new(false))).expect("reads").expect("not stopped");
        assert_eq!(f.documents, 2);
        assert_eq!(f.by_status.iter().find(|(s, _)| *s == Status::Done).map(|x| x.1), Some(1));
        assert_eq!(f.by_status.iter().find(|(s, _)| *s == Status::New).map(|x| x.1), Some(1));
        assert_eq!(&f.by_label[..3], [("PER".to_owned(), 1), ("ORG".to_owned(), 0), ("GPE".to_owned(), 1)]);
        assert_eq!(f.spans_per_document, [2, 0]);
        assert_eq!(f.by_source.len(), 1);
        let (source, o) = &f.by_source[0];
        assert_eq!((source.as_str(), o.accepted, o.rejected, o.edited, o.pending), ("tagger", 1, 1, 0, 0));
        assert_eq!(f.annotators, ["ann", "bob"]);
        let per = f.agreement.iter().find(|a| a.label == "PER").expect("PER");
        assert_eq!(per.exact_f1, Some(0.0), "ann says PER where bob says ORG");
        assert!(figures(&project, &Arc::new(AtomicBool::new(true))).expect("reads").is_none(), "stopped");
    }
}
