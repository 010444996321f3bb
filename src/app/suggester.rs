//! Suggestions in the background: the built-in engine and an optional
//! external recommender run on a worker thread, so a slow or dead
//! recommender never freezes the window. The app sends a job when it opens a
//! document that was never annotated and polls for the outcome each frame.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::Duration;

use crate::model::{DocId, Schema, Text};
use crate::suggest::external::{Endpoint, External};
use crate::suggest::{Candidate, Engine, resolve_overlaps};

/// A document to suggest entities for.
pub struct Job {
    pub doc: DocId,
    pub text: Text,
    pub schema: Schema,
    pub min_score: f32,
}

/// What the worker found for a document.
pub struct Outcome {
    pub doc: DocId,
    pub candidates: Vec<Candidate>,
    /// The external recommender failed (the built-in suggestions are still there).
    pub error: Option<String>,
}

enum Message {
    Suggest(Job),
    SetExternal(Option<(Endpoint, Duration)>),
}

/// The handle the app keeps.
pub struct Suggester {
    tx: Sender<Message>,
    rx: Receiver<Outcome>,
    /// Jobs sent and not yet answered.
    waiting: usize,
}

impl Suggester {
    /// Starts the worker thread.
    pub fn new(engine: Arc<Engine>, external: Option<(Endpoint, Duration)>) -> Self {
        let (tx, jobs) = channel::<Message>();
        let (done, rx) = channel::<Outcome>();
        let _worker = std::thread::Builder::new()
            .name("spanlab-suggest".into())
            .spawn(move || {
                let mut ext = external.map(|(e, t)| External::new(e, t));
                while let Ok(message) = jobs.recv() {
                    match message {
                        Message::SetExternal(e) => ext = e.map(|(e, t)| External::new(e, t)),
                        Message::Suggest(job) => {
                            let mut candidates = engine.suggest(&job.text, &job.schema, job.min_score);
                            let mut error = None;
                            if let Some(ext) = &ext {
                                match ext.request(&job.doc.0, &job.text, &job.schema.entity_names()) {
                                    Ok(more) => {
                                        candidates.extend(more.into_iter().filter(|c| c.score >= job.min_score));
                                        candidates = resolve_overlaps(candidates);
                                    }
                                    Err(e) => error = Some(format!("{}: {e}", ext.name())),
                                }
                            }
                            if done.send(Outcome { doc: job.doc, candidates, error }).is_err() {
                                break;
                            }
                        }
                    }
                }
            })
            // Without a thread the job channel is closed: requests fail and the app says so.
            .ok();
        Self { tx, rx, waiting: 0 }
    }

    /// Queues a document.
    pub fn request(&mut self, job: Job) -> bool {
        let sent = self.tx.send(Message::Suggest(job)).is_ok();
        if sent {
            self.waiting += 1;
        }
        sent
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
