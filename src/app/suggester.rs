//! Suggestions in the background: the built-in engine and an optional
//! external recommender run on a worker thread, so a slow or dead
//! recommender never freezes the window. The app sends a job when it opens a
//! document that was never annotated and polls for the outcome each frame.
//!
//! Owns: two threads and their jobs. The *worker* suggests (one document,
//! the whole corpus) and learns online from each corrected document; the
//! *trainer* builds the project model from the done documents
//! (`project_model.rs`), which takes minutes on a large project, reporting
//! its progress as it goes. While it trains the worker keeps answering;
//! when it is done the worker takes the new engine, teaches it again what
//! it learned online meanwhile, and suggests with it from the next job on.
//! Must not touch: the window, or any file for writing but the project
//! model's: a corpus job returns each document with its suggestions, and
//! the app saves it through the writer (`store::writer`), the only writer
//! of annotation files.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::Duration;

use crate::model::edit::Edit;
use crate::model::{
    CharIdx, DocId, Document, RecognizerName, RelationEnd, RelationSuggestion, RelationSuggestionState, Schema, Suggestion,
    SuggestionState, Text,
};
use crate::store::Project;
use crate::store::project::SourceCache;
use crate::suggest::external::{Endpoint, External};
use crate::suggest::{Candidate, Engine, Mention, RelationCandidate, RelationEngine, merge_external};

/// A gold span `(start, end, label)`.
type Gold = (crate::model::CharIdx, crate::model::CharIdx, String);

/// A document to suggest entities for.
pub struct Job {
    /// Which document (the answer names it).
    pub doc: DocId,
    /// Its text.
    pub text: Text,
    /// The labels to suggest.
    pub schema: Schema,
    /// Candidates scoring below this are dropped.
    pub min_score: f32,
    /// Relations scoring below this are dropped.
    pub relation_min_score: f32,
    /// Only this part of the text `(start, end)`, a section of a very long
    /// article ([`crate::model::sections`]); `None`: the whole text. The
    /// candidates' offsets are the whole text's either way.
    pub section: Option<(CharIdx, CharIdx)>,
}

/// What the worker reports.
pub enum Outcome {
    /// Suggestions for a document the window asked about.
    Suggested {
        /// The document.
        doc: DocId,
        /// What the engine (and the recommender) found.
        candidates: Vec<Candidate>,
        /// Relations between those candidates (indices into them), from
        /// the relation engine.
        relations: Vec<RelationCandidate>,
        /// The external recommender failed (the built-in suggestions are still there).
        error: Option<String>,
    },
    /// One document of a corpus job handled.
    Corpus(CorpusProgress),
    /// A share of a learning job done (one message per done document).
    Learned {
        /// Documents' worth handled so far.
        done: usize,
        /// Documents in the job.
        total: usize,
        /// What went wrong (the engine then goes on without the project model).
        error: Option<String>,
        /// With the last message: the engine over the project model (or
        /// the chosen model), which the worker now suggests with, and what
        /// it is.
        engine: Option<(Arc<Engine>, String)>,
    },
}

/// Suggesting over the documents of a project that wait for suggestions.
pub struct CorpusJob {
    /// The project, as the window has it.
    pub project: Project,
    /// The documents to suggest for.
    pub indices: Vec<usize>,
    /// The labels to suggest.
    pub schema: Schema,
    /// Candidates scoring below this are dropped.
    pub min_score: f32,
    /// Relations scoring below this are dropped.
    pub relation_min_score: f32,
    /// Set to stop after the current document.
    pub cancel: Arc<AtomicBool>,
}

/// Learning again from a project's documents marked done, so what the
/// engine learned in earlier sessions is back: the project model
/// ([`super::project_model`]), derived from the saved annotations.
pub struct LearnJob {
    /// The project, as the window has it.
    pub project: Project,
    /// The model file to start from (Settings); `None`: the shipped model.
    pub base: Option<std::path::PathBuf>,
    /// The documents marked done.
    pub indices: Vec<usize>,
    /// The project's schema (which relations the relation engine learns).
    pub schema: Schema,
    /// Set to stop after the current document.
    pub cancel: Arc<AtomicBool>,
}

/// Progress of a corpus job: one document handled.
pub struct CorpusProgress {
    /// The document's index in the corpus.
    pub index: usize,
    /// The document with its suggestions, to save (none when it no longer
    /// waits for them, or could not be read, or the job was stopped).
    pub doc: Option<Box<Document>>,
    /// What went wrong with this document.
    pub error: Option<String>,
    /// Documents handled so far.
    pub done: usize,
    /// Documents in the job.
    pub total: usize,
}

enum Message {
    Suggest(Job),
    /// A corrected document: the engine learns from it.
    Learn {
        text: Text,
        gold: Vec<Gold>,
    },
    Corpus(Box<CorpusJob>),
    /// Training for the trainer thread (the worker hands it on).
    Train(Training),
    /// What the trainer built: the worker suggests with it from now on.
    Trained(Trained),
    SetExternal(Option<(Endpoint, Duration)>),
}

/// What a training job gives the worker: the engine to suggest with from
/// now on and what it is (none: keep the current one), the names the done
/// documents' cut suggestions reject, what went wrong, and how many
/// progress steps the job counts (its last message says `total` of
/// `total`).
pub struct Trained {
    /// The engine to suggest with, and what it is.
    pub engine: Option<(Arc<Engine>, String)>,
    /// `(name, label)` pairs the engine must not suggest
    /// ([`cut_suggestions`]).
    pub rejects: Vec<(String, String)>,
    /// What went wrong.
    pub error: Option<String>,
    /// The job's progress steps.
    pub total: usize,
}

/// A training job, run on the trainer thread: it calls `progress(done,
/// total)` exactly `total - 1` times (done from 1 up) and returns what it
/// trained, which the worker answers with the last message.
pub type Training = Box<dyn FnOnce(&mut dyn FnMut(usize, usize)) -> Trained + Send>;

/// The engines a worker suggests with.
struct Engines<'a> {
    entities: &'a Engine,
    relations: &'a RelationEngine,
    external: Option<&'a External>,
}

/// What was found for one text: entity candidates, relations between them
/// (indices into them) and what went wrong with the recommender.
type Found = (Vec<Candidate>, Vec<RelationCandidate>, Option<String>);

/// The built-in engine plus the external recommender, if any, then the
/// relation engine over the entities found (from `relation_min_score` on).
fn candidates_for(engines: &Engines<'_>, id: &DocId, text: &Text, schema: &Schema, (min_score, relation_min_score): (f32, f32)) -> Found {
    let mut candidates = engines.entities.suggest(text, schema, min_score);
    let mut error = None;
    if let Some(ext) = engines.external {
        match ext.request(&id.0, text, &schema.entity_names()) {
            Ok(more) => candidates = merge_external(candidates, more, min_score),
            Err(e) => error = Some(format!("{}: {e}", ext.name())),
        }
    }
    let relations = engines.relations.suggest(text, &mentions_of(&candidates), schema, relation_min_score);
    (candidates, relations, error)
}

/// What was found for a job: over its whole text, or over its section
/// alone (the section's own text, so the engine's memory is the
/// section's), with offsets moved to the whole text's.
fn suggest_job(engines: &Engines<'_>, job: &Job) -> Found {
    let scores = (job.min_score, job.relation_min_score);
    let Some((start, end)) = job.section else {
        return candidates_for(engines, &job.doc, &job.text, &job.schema, scores);
    };
    let Some(part) = job.text.slice(start, end) else {
        return (Vec::new(), Vec::new(), Some(format!("{}: no section {start}..{end} in its text", job.doc)));
    };
    let (mut candidates, relations, error) = candidates_for(engines, &job.doc, &Text::from(part), &job.schema, scores);
    for c in &mut candidates {
        c.start += start.get();
        c.end += start.get();
    }
    (candidates, relations, error)
}

/// Entity candidates as the relation engine reads them.
pub fn mentions_of(candidates: &[Candidate]) -> Vec<Mention> {
    candidates.iter().map(|c| Mention { start: c.start, end: c.end, label: c.label.clone() }).collect()
}

/// The edit that adds candidates to a document as pending suggestions,
/// with the relations between them (`None` when there are none).
pub fn add_suggestions_edit(doc: &mut Document, candidates: Vec<Candidate>, relations: Vec<RelationCandidate>) -> Option<Edit> {
    let suggestions: Vec<Suggestion> = candidates
        .into_iter()
        .map(|c| Suggestion {
            id: doc.fresh_suggestion_id(),
            start: c.start,
            end: c.end,
            label: c.label,
            recognizer: c.recognizer,
            score: c.score,
            state: SuggestionState::Pending,
        })
        .collect();
    let ids: Vec<_> = suggestions.iter().map(|s| s.id).collect();
    let relations: Vec<RelationSuggestion> = relations
        .into_iter()
        .filter_map(|r| {
            Some(RelationSuggestion {
                head: RelationEnd::Suggestion(*ids.get(r.head)?),
                tail: RelationEnd::Suggestion(*ids.get(r.tail)?),
                id: doc.fresh_suggestion_id(),
                label: r.label,
                recognizer: r.recognizer,
                score: r.score,
                state: RelationSuggestionState::Pending,
            })
        })
        .collect();
    if suggestions.is_empty() {
        return None;
    }
    let add = Edit::AddSuggestions { suggestions };
    Some(if relations.is_empty() { add } else { Edit::Batch { edits: vec![add, Edit::AddRelationSuggestions { suggestions: relations }] } })
}

/// Whether a document waits for suggestions: nothing is in it yet (no
/// span, relation or suggestion, whatever became of it) and it is neither
/// done nor skipped. An imported document without spans waits too, though
/// it has an annotation file.
pub fn needs_suggestions(doc: &Document) -> bool {
    doc.spans().is_empty()
        && doc.relation_count() == 0
        && doc.suggestions().next().is_none()
        && matches!(doc.status(), crate::model::Status::New | crate::model::Status::InProgress)
}

/// [`needs_suggestions`] from what the corpus list knows of a document.
pub fn summary_needs_suggestions(s: &crate::store::Summary) -> bool {
    s.spans == 0
        && s.relations == 0
        && s.suggestions == 0
        && s.broken.is_none()
        && matches!(s.status, crate::model::Status::New | crate::model::Status::InProgress)
}

/// Suggests for one stored document that waits for suggestions: the
/// document to save, and what went wrong.
fn suggest_stored(
    engines: &Engines<'_>,
    job: &CorpusJob,
    index: usize,
    cache: &mut SourceCache,
) -> (Option<Box<Document>>, Option<String>) {
    let loaded = match job.project.load_cached(index, cache) {
        Ok(l) => l,
        Err(e) => return (None, Some(e.to_string())),
    };
    if !needs_suggestions(&loaded.doc) {
        return (None, None);
    }
    let mut doc = loaded.doc;
    let (candidates, relations, error) = candidates_for(engines, &doc.id, doc.text(), &job.schema, (job.min_score, job.relation_min_score));
    if let Some(edit) = add_suggestions_edit(&mut doc, candidates, relations)
        && let Err(e) = doc.apply(edit, &job.schema)
    {
        return (None, Some(format!("{}: {e}", doc.id)));
    }
    (Some(Box::new(doc)), error)
}

/// What Settings say of the shipped model.
pub const SHIPPED: &str = "the shipped model (French news, WiNER-fr; its suggestions say tagger) with the rules and the memory of names";

/// Reads the base model and builds the project model on it (see
/// [`super::project_model`]), calling `progress` exactly `total - 1` times
/// (`total`: the done documents, at least one); returns the engine to
/// suggest with and what it is, and the names the done documents' cut
/// suggestions reject; teaches `relations` the done documents' relations.
/// Runs on the trainer thread.
fn relearn(job: &LearnJob, relations: &RelationEngine, progress: &mut dyn FnMut(usize, usize)) -> Trained {
    let total = job.indices.len().max(1);
    let mut sent = 0;
    let mut send_up_to = |k: usize, sent: &mut usize| {
        while *sent < k.min(total - 1) {
            *sent += 1;
            progress(*sent, total);
        }
    };
    let mut errors = Vec::new();
    let base = match super::project_model::base_model(&job.project, job.base.as_deref()) {
        Ok(b) => Some(b),
        Err(e) => {
            errors.push(format!("{e}; suggesting with the shipped model"));
            super::project_model::base_model(&job.project, None).map_err(|e| errors.push(e)).ok()
        }
    };
    let chosen = job.base.is_some() && errors.is_empty();
    let built = match &base {
        Some(base) if !job.cancel.load(Ordering::Relaxed) && !job.indices.is_empty() => {
            super::project_model::build(&job.project, base, |d, t| send_up_to(d * total / t.max(1), &mut sent))
        }
        _ => Ok(None),
    };
    send_up_to(total, &mut sent);
    let base_name = base.as_ref().map(|b| b.1.name.clone()).unwrap_or_default();
    let engine = match built {
        Ok(Some(tagger)) if !job.cancel.load(Ordering::Relaxed) => {
            let about = format!(
                "the project model (annotations/{}: {base_name} trained on {} done documents; its suggestions say {}) with the rules and the memory of names",
                super::project_model::MODEL_FILE,
                tagger.training_info().documents,
                RecognizerName::model(super::project_model::MODEL_FILE)
            );
            let name = RecognizerName::model(super::project_model::MODEL_FILE);
            Some((Arc::new(Engine::with_tagger_named(Some(tagger), name)), about))
        }
        Ok(_) if chosen => base.map(|(tagger, about)| {
            let name = RecognizerName::model(&about.name);
            let about = format!("{} (chosen in Settings) with the rules and the memory of names; its suggestions say {name}", about.name);
            (Arc::new(Engine::with_tagger_named(Some(tagger), name)), about)
        }),
        Ok(_) => None,
        Err(e) => {
            errors.push(format!("project model: {e}"));
            None
        }
    };
    // What the user cut short in the done documents is not suggested again.
    let mut rejects = Vec::new();
    let mut cache = SourceCache::default();
    for &index in &job.indices {
        match job.project.load_cached(index, &mut cache) {
            Ok(l) if l.doc.status() == crate::model::Status::Done => {
                rejects.extend(cut_suggestions(&l.doc));
                learn_relations(relations, &l.doc, &job.schema);
            }
            Ok(_) => {}
            Err(e) => errors.push(e.to_string()),
        }
    }
    let error = (!errors.is_empty()).then(|| errors.join("; "));
    Trained { engine, rejects, error, total }
}

/// Teaches the relation engine a corrected document: what it would
/// suggest between the document's spans compared with the relations kept;
/// and its memory the relations kept and the suggested ones rejected (or
/// retyped away from) between spans that are still there.
pub fn learn_relations(relations: &RelationEngine, doc: &Document, schema: &Schema) {
    use crate::model::RelationSuggestionState;
    let spans: Vec<&crate::model::Span> = doc.spans().iter().collect();
    let mentions: Vec<Mention> = spans.iter().map(|s| Mention { start: s.start, end: s.end, label: s.label.clone() }).collect();
    let index = |id| spans.iter().position(|s| s.id == id);
    let gold: Vec<(usize, usize, String)> =
        doc.relations().filter_map(|r| Some((index(r.head)?, index(r.tail)?, r.label.clone()))).collect();
    relations.learn_document(doc.text(), &mentions, schema, &gold);
    let rejected: Vec<(usize, usize, String)> = doc
        .relation_suggestions()
        .filter(|r| match r.state {
            RelationSuggestionState::Rejected => true,
            RelationSuggestionState::Accepted { relation } => doc.relation(relation).is_some_and(|g| g.label != r.label),
            RelationSuggestionState::Pending => false,
        })
        .filter_map(|r| Some((index(doc.end_span(r.head)?)?, index(doc.end_span(r.tail)?)?, r.label.clone())))
        .filter(|r| !gold.contains(r))
        .collect();
    if !rejected.is_empty() {
        relations.remember_rejected(doc.text(), &mentions, schema, &rejected);
    }
}

/// The names the user rejected by cutting a suggestion short: it was
/// accepted, then its span moved strictly inside it. Each longer name that
/// the cut removed words from is one, with the suggestion's label:
/// "Charte des Nations unies" kept as "Nations unies" rejects "Charte des
/// Nations unies" and "des Nations unies". A span grown from a suggestion
/// ("Kim" to "Kim Jong Un") rejects nothing (the short name may be right
/// elsewhere).
pub fn cut_suggestions(doc: &Document) -> Vec<(String, String)> {
    use crate::model::words::{next_word_start, previous_word_end};
    let text = doc.text();
    let mut out = Vec::new();
    for s in doc.suggestions() {
        let SuggestionState::Accepted { span } = &s.state else { continue };
        let Some(kept) = doc.spans().get(*span) else { continue };
        let inside = kept.start >= s.start && kept.end <= s.end && (kept.start, kept.end) != (s.start, s.end);
        if !inside {
            continue;
        }
        // Word starts from the suggestion's to the kept one's, word ends
        // from the kept one's to the suggestion's.
        let mut starts = vec![s.start];
        while let Some(&last) = starts.last() {
            let next = next_word_start(text, last);
            if next >= kept.start || next <= last {
                break;
            }
            starts.push(next);
        }
        starts.push(kept.start);
        let mut ends = vec![s.end];
        while let Some(&last) = ends.last() {
            let next = previous_word_end(text, last);
            if next <= kept.end || next >= last {
                break;
            }
            ends.push(next);
        }
        ends.push(kept.end);
        for &a in &starts {
            for &b in &ends {
                if (a, b) != (kept.start, kept.end) && a < b {
                    let name = text.slice(a, b).unwrap_or("").to_owned();
                    if !out.iter().any(|(n, l): &(String, String)| *n == name && *l == s.label) {
                        out.push((name, s.label.clone()));
                    }
                }
            }
        }
    }
    out
}

/// The handle the app keeps.
pub struct Suggester {
    tx: Sender<Message>,
    rx: Receiver<Outcome>,
    /// Jobs sent and not yet answered.
    waiting: usize,
    /// The relation engine the worker suggests with (relearning teaches it).
    relations: Arc<RelationEngine>,
}

impl Suggester {
    /// Starts the worker and trainer threads; the worker suggests entities
    /// with `engine`, then relations between them with `relations` (shared:
    /// what the window teaches it, the worker suggests with; the trainer
    /// teaches it the done documents).
    pub fn new(engine: Arc<Engine>, relations: Arc<RelationEngine>, external: Option<(Endpoint, Duration)>) -> Self {
        let (tx, jobs) = channel::<Message>();
        let (done, rx) = channel::<Outcome>();
        let (train_tx, trainings) = channel::<Training>();
        let (back, progress) = (tx.clone(), done.clone());
        let taught = relations.clone();
        // Without a trainer the training channel is closed: the worker
        // answers a training job at once with the error.
        let _trainer = std::thread::Builder::new()
            .name("spanlab-train".into())
            .spawn(move || {
                while let Ok(training) = trainings.recv() {
                    let trained = training(&mut |done, total| {
                        let _ = progress.send(Outcome::Learned { done, total, error: None, engine: None });
                    });
                    if back.send(Message::Trained(trained)).is_err() {
                        break;
                    }
                }
            })
            .ok();
        let _worker = std::thread::Builder::new()
            .name("spanlab-suggest".into())
            .spawn(move || {
                let mut engine = engine;
                let mut ext = external.map(|(e, t)| External::new(e, t));
                // Trainings handed on and not back yet, and what the engine
                // learned online meanwhile (taught again to their engine).
                let mut training = 0usize;
                let mut learned_meanwhile: Vec<(Text, Vec<Gold>)> = Vec::new();
                while let Ok(message) = jobs.recv() {
                    match message {
                        Message::SetExternal(e) => ext = e.map(|(e, t)| External::new(e, t)),
                        Message::Learn { text, gold } => {
                            engine.learn(&text, &gold);
                            if training > 0 {
                                learned_meanwhile.push((text, gold));
                            }
                        }
                        Message::Suggest(job) => {
                            let engines = Engines { entities: &engine, relations: &relations, external: ext.as_ref() };
                            let (candidates, relations, error) = suggest_job(&engines, &job);
                            if done.send(Outcome::Suggested { doc: job.doc, candidates, relations, error }).is_err() {
                                break;
                            }
                        }
                        Message::Train(job) => match train_tx.send(job) {
                            Ok(()) => training += 1,
                            Err(_) => {
                                let error = Some("the training thread is not running".to_owned());
                                let _ = done.send(Outcome::Learned { done: 1, total: 1, error, engine: None });
                            }
                        },
                        Message::Trained(t) => {
                            training = training.saturating_sub(1);
                            if let Some((e, _)) = &t.engine {
                                engine = e.clone();
                                for (text, gold) in &learned_meanwhile {
                                    engine.learn(text, gold);
                                }
                            }
                            if training == 0 {
                                learned_meanwhile.clear();
                            }
                            for (name, label) in &t.rejects {
                                engine.reject(name, label);
                            }
                            let outcome = Outcome::Learned { done: t.total, total: t.total, error: t.error, engine: t.engine };
                            if done.send(outcome).is_err() {
                                break;
                            }
                        }
                        Message::Corpus(job) => {
                            let total = job.indices.len();
                            let mut cache = SourceCache::default();
                            for (k, &index) in job.indices.iter().enumerate() {
                                let cancelled = job.cancel.load(Ordering::Relaxed);
                                let engines = Engines { entities: &engine, relations: &relations, external: ext.as_ref() };
                                let (doc, error) = if cancelled { (None, None) } else { suggest_stored(&engines, &job, index, &mut cache) };
                                let progress = CorpusProgress { index, doc, error, done: k + 1, total };
                                if done.send(Outcome::Corpus(progress)).is_err() {
                                    return;
                                }
                            }
                        }
                    }
                }
            })
            // Without a thread the job channel is closed: requests fail and the app says so.
            .ok();
        Self { tx, rx, waiting: 0, relations: taught }
    }

    /// Queues a document.
    pub fn request(&mut self, job: Job) -> bool {
        let sent = self.tx.send(Message::Suggest(job)).is_ok();
        if sent {
            self.waiting += 1;
        }
        sent
    }

    /// Queues learning from done documents on the trainer thread (the
    /// project model); each document's share answers with an outcome,
    /// while suggestions keep being answered.
    pub fn request_relearn(&mut self, job: LearnJob) -> bool {
        let total = job.indices.len().max(1);
        let relations = self.relations.clone();
        self.request_training(total, Box::new(move |progress| relearn(&job, &relations, progress)))
    }

    /// Queues a training job on the trainer thread: `total` outcomes
    /// answer it ([`Training`]).
    pub fn request_training(&mut self, total: usize, training: Training) -> bool {
        let sent = self.tx.send(Message::Train(training)).is_ok();
        if sent {
            self.waiting += total.max(1);
        }
        sent
    }

    /// Queues a corpus job; each document answers with an outcome.
    pub fn request_corpus(&mut self, job: CorpusJob) -> bool {
        let n = job.indices.len();
        let sent = self.tx.send(Message::Corpus(Box::new(job))).is_ok();
        if sent {
            self.waiting += n;
        }
        sent
    }

    /// Lets the engine learn from a corrected document (in the background).
    pub fn learn(&self, text: Text, gold: Vec<(crate::model::CharIdx, crate::model::CharIdx, String)>) {
        let _ = self.tx.send(Message::Learn { text, gold });
    }

    /// Changes the external recommender (for the next jobs).
    pub fn set_external(&self, external: Option<(Endpoint, Duration)>) {
        let _ = self.tx.send(Message::SetExternal(external));
    }

    /// An outcome, if one is ready.
    pub fn poll(&mut self) -> Option<Outcome> {
        match self.rx.try_recv() {
            Ok(o) => {
                self.waiting = self.waiting.saturating_sub(1);
                Some(o)
            }
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => None,
        }
    }

    /// Whether jobs are still being worked on.
    pub fn busy(&self) -> bool {
        self.waiting > 0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A document with one suggestion `[a, b)` accepted, its span then
    /// moved to `[x, y)`.
    fn cut(text: &str, (a, b): (usize, usize), (x, y): (usize, usize)) -> Vec<(String, String)> {
        let schema = Schema::news();
        let mut doc = Document::new(DocId("a".into()), "a.txt".into(), text.to_owned());
        let c = Candidate::at(a, b, "ORG", 0.8, "tagger");
        let edit = add_suggestions_edit(&mut doc, vec![c], Vec::new()).expect("one");
        doc.apply(edit, &schema).expect("adds");
        let id = doc.suggestions().next().map(|s| s.id).expect("there");
        let accept = doc.accept_suggestion_edit(id).expect("accepts");
        doc.apply(accept, &schema).expect("accepted");
        let span = doc.spans().iter().next().map(|s| s.id).expect("span");
        let moved = doc.change_span_edit(span, CharIdx::new(x), CharIdx::new(y), "ORG").expect("moves");
        doc.apply(moved, &schema).expect("moved");
        cut_suggestions(&doc)
    }

    /// The next outcome (a hung worker fails the test instead of hanging it).
    fn next(s: &mut Suggester) -> Outcome {
        let o = s.rx.recv_timeout(Duration::from_secs(300)).expect("the worker answers");
        s.waiting = s.waiting.saturating_sub(1);
        o
    }

    fn job(text: &str) -> Job {
        Job {
            doc: DocId("d".into()),
            text: Text::from(text),
            schema: Schema::news(),
            min_score: 0.0,
            relation_min_score: 0.0,
            section: None,
        }
    }

    #[test]
    fn suggestions_are_answered_while_a_model_trains() {
        // The engine before training finds nothing; the trained one has the rules.
        let mut s = Suggester::new(Arc::new(Engine::with(Vec::new())), Arc::new(RelationEngine::new()), None);
        let (started_tx, started) = channel::<()>();
        let (open_gate, gate) = channel::<()>();
        let training: Training = Box::new(move |progress| {
            progress(1, 2);
            let _ = started_tx.send(());
            // Blocked until the test lets it finish.
            let _ = gate.recv();
            Trained { engine: Some((Arc::new(Engine::rules()), "the rules".into())), rejects: Vec::new(), error: None, total: 2 }
        });
        assert!(s.request_training(2, training));
        started.recv().expect("the training runs");
        assert!(matches!(next(&mut s), Outcome::Learned { done: 1, total: 2, engine: None, .. }));
        // While the training waits on its gate, a suggestion request is answered.
        assert!(s.request(job("Elle est partie le 12 mars 2024.")));
        let Outcome::Suggested { candidates, .. } = next(&mut s) else { panic!("suggestions first") };
        assert!(candidates.is_empty(), "the engine before training: {candidates:?}");
        assert!(s.busy(), "the training is still counted");
        open_gate.send(()).expect("the training waits");
        let Outcome::Learned { done: 2, total: 2, engine: Some((_, about)), error: None } = next(&mut s) else {
            panic!("the training's last message brings the engine")
        };
        assert_eq!(about, "the rules");
        assert!(!s.busy());
        // The worker suggests with the trained engine from the next job on.
        assert!(s.request(job("Elle est partie le 12 mars 2024.")));
        let Outcome::Suggested { candidates, .. } = next(&mut s) else { panic!("suggestions") };
        assert!(candidates.iter().any(|c| c.label == "DATE"), "{candidates:?}");
    }

    #[test]
    fn a_section_is_suggested_alone_with_the_whole_texts_offsets() {
        let mut s = Suggester::new(Arc::new(Engine::rules()), Arc::new(RelationEngine::new()), None);
        let text = "Le 3 mai 2021, à 東京 😀.\nElle est partie le 12 mars 2024.\nRetour le 5 juin 2025.\n";
        let whole = Text::from(text);
        let dates = |candidates: &[Candidate]| -> Vec<String> {
            candidates.iter().filter(|c| c.label == "DATE").map(|c| whole.slice(c.start, c.end).unwrap_or("?").to_owned()).collect()
        };
        assert!(s.request(job(text)));
        let Outcome::Suggested { candidates: all, .. } = next(&mut s) else { panic!("suggestions") };
        assert_eq!(dates(&all), ["3 mai 2021", "12 mars 2024", "5 juin 2025"]);
        // The last line alone: its date, at the same offsets.
        let second = crate::model::sections::section_at(&whole, whole.end() - 3, 60).expect("a section");
        assert_eq!(whole.slice(second.0, second.1), Some("Retour le 5 juin 2025.\n"));
        assert!(s.request(Job { section: Some(second), ..job(text) }));
        let Outcome::Suggested { candidates, .. } = next(&mut s) else { panic!("suggestions") };
        assert_eq!(dates(&candidates), ["5 juin 2025"]);
        let same: Vec<_> = all.iter().filter(|c| c.start >= second.0 && c.end <= second.1).map(|c| (c.start, c.end)).collect();
        assert_eq!(candidates.iter().map(|c| (c.start, c.end)).collect::<Vec<_>>(), same);
    }

    #[test]
    fn cutting_a_suggestion_short_rejects_the_longer_names_it_removed_words_from() {
        let t = "la Charte des Nations unies, dit-il";
        let names: Vec<String> = cut(t, (3, 27), (14, 27)).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Charte des Nations unies", "des Nations unies"]);
        assert!(cut(t, (14, 21), (14, 27)).is_empty(), "a span grown from a suggestion rejects nothing");
    }

    /// Relearning a done document tells the relation memory the relations
    /// kept and the relation suggestions rejected in it, as they were saved.
    #[test]
    fn relearning_a_done_document_remembers_its_kept_and_rejected_relations() {
        use crate::model::{RelationSuggestion, RelationSuggestionState};
        let schema = Schema::news();
        // "Ada Quill" 0..9, "Vornie" 19..25, "Boris Venn" 30..40, "Kessel" 56..62.
        let text = "Ada Quill soutient Vornie, et Boris Venn s'entretient à Kessel.";
        let mut doc = Document::new(DocId("a".into()), "a.txt".into(), text.to_owned());
        for (a, b, l) in [(0, 9, "PER"), (19, 25, "GPE"), (30, 40, "PER"), (56, 62, "GPE")] {
            let add = doc.add_span_edit(CharIdx::new(a), CharIdx::new(b), l);
            doc.apply(add, &schema).expect("span");
        }
        let ids: Vec<_> = doc.spans().iter().map(|s| RelationEnd::Span(s.id)).collect();
        let (supports, visits) = (doc.fresh_suggestion_id(), doc.fresh_suggestion_id());
        let suggestion = |id, head, tail, label: &str| RelationSuggestion {
            id,
            head,
            tail,
            label: label.into(),
            recognizer: RecognizerName::Relations,
            score: 0.8,
            state: RelationSuggestionState::Pending,
        };
        let suggestions = vec![suggestion(supports, ids[0], ids[1], "SUPPORTS"), suggestion(visits, ids[2], ids[3], "VISITS")];
        doc.apply(Edit::AddRelationSuggestions { suggestions }, &schema).expect("relations");
        let reject = doc.reject_relation_suggestion_edit(supports).expect("rejects");
        doc.apply(reject, &schema).expect("rejected");
        let accept = doc.accept_relation_suggestion_edit(visits, None).expect("accepts");
        doc.apply(accept, &schema).expect("accepted");
        let relations = RelationEngine::new();
        learn_relations(&relations, &doc, &schema);
        // Elsewhere, the same names: SUPPORTS stays rejected though the
        // words say it; VISITS comes from the memory though no pattern
        // does (the names side by side: nothing between could say otherwise).
        let next = Text::from("Ada Quill soutient Vornie. Boris Venn et Kessel.");
        let mentions = [Mention::new(0, 9, "PER"), Mention::new(19, 25, "GPE"), Mention::new(27, 37, "PER"), Mention::new(41, 47, "GPE")];
        let found: Vec<(usize, usize, String)> =
            relations.suggest(&next, &mentions, &schema, 0.3).into_iter().map(|r| (r.head, r.tail, r.label)).collect();
        assert_eq!(found, [(2, 3, "VISITS".to_owned())]);
        let fresh: Vec<String> = RelationEngine::new().suggest(&next, &mentions, &schema, 0.3).into_iter().map(|r| r.label).collect();
        assert_eq!(fresh, ["SUPPORTS"], "a new engine suggests what the words say");
    }
}
