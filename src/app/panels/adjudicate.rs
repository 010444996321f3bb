//! Adjudication: the annotators' versions of the open document side by side
//! (one column each), their differences marked, and the curated version
//! (the project's own files, which export like any other) built from them
//! with the keyboard: ↑/↓ (or j/k) move, Enter takes, x drops, Shift+A takes
//! everything all annotators agree on, Esc closes.

use egui::{RichText, Ui};

use super::super::{Command, SpanlabApp};
use crate::model::curate::{Candidate, Item, in_curated};
use crate::model::{CharIdx, Document};

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
