//! Adjudication: the annotators' versions of the open document side by side
//! (one column each), their differences marked, and the curated version
//! (the project's own files, which export like any other) built from them
//! with the keyboard: ↑/↓ (or j/k) move, Enter takes, x drops, Shift+A takes
//! everything all annotators agree on, Esc closes.

use egui::{RichText, Ui};

use super::super::{Command, SpanlabApp};
use crate::model::curate::{Candidate, Item, in_curated};
use crate::model::{CharIdx, DocId, Document};
use crate::store::Project;

/// The adjudication of the open document.
pub struct Adjudication {
    pub doc: DocId,
    /// Annotators with a version of this document, in column order.
    pub annotators: Vec<String>,
    /// Annotators of the project without a version of it.
    pub missing: Vec<String>,
    /// Every annotator's project (to load their next document).
    projects: Vec<(String, Project)>,
    pub candidates: Vec<Candidate>,
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

fn describe(doc: &Document, c: &Candidate) -> String {
    let text = |k: &(usize, usize, String)| doc.text().slice(CharIdx::new(k.0), CharIdx::new(k.1)).unwrap_or("").to_owned();
    let short = |s: String| if s.chars().count() > 28 { s.chars().take(27).collect::<String>() + "…" } else { s };
    match &c.item {
        Item::Span(k) => format!("{}  “{}”", k.2, short(text(k))),
        Item::Relation { head, tail, label } => format!("   {label}: {} → {}", short(text(head)), short(text(tail))),
    }
}

/// Draws the adjudication panel.
pub fn adjudication_ui(app: &mut SpanlabApp, ui: &mut Ui) {
    let (Some(adj), Some(open)) = (&app.adjudication, &app.open) else { return };
    let doc = &open.doc;
    let mut cmds = Vec::new();
    ui.heading("Adjudication");
    ui.label(format!("curated version of {}", doc.id));
    ui.label(RichText::new(format!("columns: {}", adj.annotators.join(", "))).small());
    if !adj.missing.is_empty() {
        ui.label(RichText::new(format!("no version from: {}", adj.missing.join(", "))).weak().small());
    }
    let agreed = adj.candidates.iter().filter(|c| c.unanimous()).count();
    let taken = adj.candidates.iter().filter(|c| in_curated(doc, c)).count();
    ui.label(format!(
        "{} candidates: {agreed} agreed, {} disputed; {taken} in the curated version",
        adj.candidates.len(),
        adj.candidates.len() - agreed
    ));
    ui.label(RichText::new("↑/↓ or j/k: move · Enter: take · x: drop · Shift+A: take all agreed · Esc: close").weak().small());
    ui.separator();
    let warn = ui.visuals().warn_fg_color;
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical().id_salt("adjudication").auto_shrink(false).show_rows(ui, row_height, adj.candidates.len(), |ui, range| {
        // One line a row: the rows are placed by their index.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        for i in range {
            let Some(c) = adj.candidates.get(i) else { continue };
            // One column per annotator: their initial when they have it.
            let marks: String = adj
                .annotators
                .iter()
                .zip(&c.by)
                .map(|(n, &b)| if b { n.chars().next().map_or('+', |c| c.to_uppercase().next().unwrap_or(c)) } else { '·' })
                .collect();
            let curated = if in_curated(doc, c) { "●" } else { "○" };
            let text = format!("{curated} {marks}  {}", describe(doc, c));
            let mut rich = RichText::new(text);
            if !c.unanimous() {
                rich = rich.color(warn);
            }
            let who: Vec<&str> = adj.annotators.iter().zip(&c.by).filter(|&(_, &b)| b).map(|(n, _)| n.as_str()).collect();
            let r = ui
                .selectable_label(i == adj.cursor, rich)
                .on_hover_text(format!("from {}; ● in the curated version, ○ not", who.join(", ")));
            if i == adj.cursor && app.adjudication_scroll {
                r.scroll_to_me(None);
            }
            if r.clicked() {
                cmds.push(Command::AdjudicateSelect(i));
            }
        }
    });
    app.adjudication_scroll = false;
    app.queued.extend(cmds);
}
