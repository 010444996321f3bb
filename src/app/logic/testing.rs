//! Fixtures for the logic's unit tests: the app (its own constructor, on a
//! headless `egui::Context`) on a temporary project whose documents are
//! written as markup, `"[Sergueï Lavrov]{PER} a vu [Wang Yi]{PER}"`, with
//! the markup's spans as the open document's spans and no suggestion.
//! Read-only: nothing is written, no writer thread runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::super::SpanlabApp;
use super::super::commands::Command;
use super::super::state::{AppOptions, OpenDoc, Selection};
use crate::model::edit::Edit;
use crate::model::markup::parse_markup;
use crate::model::{CharIdx, SpanId, Suggestion, SuggestionId, SuggestionState};
use crate::store::Project;

/// An app on a temporary project.
pub(super) struct Fixture {
    pub app: SpanlabApp,
    ctx: egui::Context,
    pub dir: tempfile::TempDir,
}

/// The project folder of a fixture's documents `(name, markup)`: each
/// becomes `name.txt` with the markup's text.
pub(super) fn corpus(docs: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, markup) in docs {
        std::fs::write(dir.path().join(format!("{name}.txt")), parse_markup(markup).0).expect("write");
    }
    dir
}

/// The app on documents `(name, markup)`; the first is open, with the
/// markup's spans.
pub(super) fn app_with(docs: &[(&str, &str)]) -> Fixture {
    let dir = corpus(docs);
    let project = Project::open(dir.path(), None).expect("opens");
    let mut f = on_project(dir, project);
    f.set_markup(docs.first().map_or("", |d| d.1));
    f
}

/// The app on an opened project, once the first document's suggestions arrived.
pub(super) fn on_project(dir: tempfile::TempDir, project: Project) -> Fixture {
    let ctx = egui::Context::default();
    let mut app = SpanlabApp::new(&ctx, project, AppOptions { read_only: true, ..Default::default() });
    for _ in 0..500 {
        app.receive_suggestions();
        if !app.is_suggesting() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Fixture { app, ctx, dir }
}

impl Fixture {
    /// Applies a command, as the frame does.
    pub fn run(&mut self, command: Command) {
        let ctx = self.ctx.clone();
        self.app.apply(&ctx, command);
    }

    /// Waits for the open document's suggestions.
    pub fn settle(&mut self) {
        for _ in 0..500 {
            self.app.receive_suggestions();
            if !self.app.is_suggesting() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("suggestions never arrived");
    }

    /// The open document's pending suggestions, as text and label.
    pub fn pending(&self) -> Vec<String> {
        let doc = &self.open().doc;
        doc.pending_suggestions().iter().map(|s| format!("{} {}", doc.text().slice(s.start, s.end).unwrap_or(""), s.label)).collect()
    }

    /// The open document.
    pub fn open(&self) -> &OpenDoc {
        self.app.open.as_ref().expect("a document is open")
    }

    /// Replaces the open document's spans and suggestions by the markup's
    /// spans (its text must be the document's), selecting nothing.
    pub fn set_markup(&mut self, markup: &str) {
        let schema = self.app.project.schema.clone();
        let (text, spans) = parse_markup(markup);
        let open = self.app.open.as_mut().expect("open");
        assert_eq!(open.doc.text().as_str(), text, "the markup's text is the document's");
        let doc = open.doc_mut();
        let ids: Vec<_> = doc.suggestions().map(|s| s.id).collect();
        if !ids.is_empty() {
            doc.apply(Edit::RemoveSuggestions { ids }, &schema).expect("remove");
        }
        for (a, b, label) in spans {
            let e = doc.add_span_edit(a, b, &label);
            doc.apply(e, &schema).expect("span");
        }
        open.selection = Selection::None;
    }

    /// The open document as markup (spans only, not nested).
    pub fn markup(&self) -> String {
        let doc = &self.open().doc;
        let mut out = String::new();
        let mut at = CharIdx::ZERO;
        for s in doc.spans().iter() {
            out.push_str(doc.text().slice(at, s.start).unwrap_or(""));
            out.push_str(&format!("[{}]{{{}}}", doc.span_text(s), s.label));
            at = s.end;
        }
        out.push_str(doc.text().slice(at, doc.text().end()).unwrap_or(""));
        out
    }

    /// The open document's relations as "head LABEL tail", by the spans' texts.
    pub fn relation_lines(&self) -> Vec<String> {
        let doc = &self.open().doc;
        let name = |id| doc.spans().get(id).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
        doc.relations().map(|r| format!("{} {} {}", name(r.head), r.label, name(r.tail))).collect()
    }

    /// The span whose text is `text`.
    pub fn span(&self, text: &str) -> SpanId {
        let doc = &self.open().doc;
        doc.spans().iter().find(|s| doc.span_text(s) == text).map(|s| s.id).expect("a span with that text")
    }

    /// Adds a pending suggestion on the first occurrence of `text`.
    pub fn suggest(&mut self, text: &str, label: &str, score: f32) -> SuggestionId {
        let schema = self.app.project.schema.clone();
        let open = self.app.open.as_mut().expect("open");
        let start = *open.doc.text().find_all(text).first().expect("in the text");
        let id = open.doc_mut().fresh_suggestion_id();
        let s = Suggestion {
            id,
            start,
            end: start + text.chars().count(),
            label: label.to_owned(),
            recognizer: "test".into(),
            score,
            state: SuggestionState::Pending,
        };
        open.doc_mut().apply(Edit::AddSuggestions { suggestions: vec![s] }, &schema).expect("valid");
        id
    }

    /// What is selected, as text: a span's or suggestion's text and label,
    /// a text range in brackets, a relation's label.
    pub fn selected(&self) -> String {
        let doc = &self.open().doc;
        match self.open().selection {
            Selection::None => String::new(),
            Selection::Span(id) => doc.spans().get(id).map(|s| format!("{} {}", doc.span_text(s), s.label)).unwrap_or_default(),
            Selection::Suggestion(id) => {
                doc.suggestion(id).map(|s| format!("{} {}?", doc.text().slice(s.start, s.end).unwrap_or(""), s.label)).unwrap_or_default()
            }
            Selection::Text { anchor, head } => format!("[{}]", doc.text().slice(anchor.min(head), anchor.max(head)).unwrap_or("")),
            Selection::Relation(id) => doc.relation(id).map(|r| r.label.clone()).unwrap_or_default(),
            Selection::RelationSuggestion(id) => doc.relation_suggestion(id).map(|r| format!("{}?", r.label)).unwrap_or_default(),
        }
    }

    /// The last message shown.
    pub fn last_message(&self) -> String {
        self.app.messages.last().map(|m| m.text.clone()).unwrap_or_default()
    }
}
