//! The corpus list: every document with its status and counts, a filter by
//! status and text, and the corpus progress.

use egui::{RichText, Ui};

use super::super::{Command, SpanlabApp};
use crate::model::Status;

fn status_mark(s: Status) -> &'static str {
    match s {
        Status::New => "○",
        Status::InProgress => "◐",
        Status::Done => "●",
        Status::Skipped => "⊘",
    }
}

/// Draws the corpus panel.
pub fn corpus_ui(app: &mut SpanlabApp, ui: &mut Ui) {
    let entries = &app.project.entries;
    let done = entries.iter().filter(|e| e.summary.status == Status::Done).count();
    let skipped = entries.iter().filter(|e| e.summary.status == Status::Skipped).count();
    let total = entries.len().max(1);
    ui.label(RichText::new(app.project.root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).strong())
        .on_hover_text(app.project.root.display().to_string());
    ui.add(
        egui::ProgressBar::new((done + skipped) as f32 / total as f32).text(format!("{done} done, {skipped} skipped of {}", entries.len())),
    );
    if let Some((done, total)) = app.learn_progress {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                    .text(format!("learning from done {done}/{total}"))
                    .desired_width(170.0),
            )
            .on_hover_text("the suggestion engine learns from the documents marked done");
            if ui.small_button("stop").clicked() {
                app.queued.push(Command::CancelBackground);
            }
        });
    }
    if let Some((done, total)) = app.corpus_progress {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32).text(format!("suggesting {done}/{total}")).desired_width(170.0),
            );
            if ui.small_button("stop").clicked() {
                app.queued.push(Command::CancelBackground);
            }
        });
    } else if ui.small_button("Suggest for all new documents").clicked() {
        app.queued.push(Command::SuggestCorpus);
    }
    ui.horizontal(|ui| {
        let label = ui.label("Filter");
        egui::ComboBox::from_id_salt("status filter")
            .selected_text(app.filter.status.map_or("all".to_owned(), |s| s.to_string()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut app.filter.status, None, "all");
                for s in Status::ALL {
                    ui.selectable_value(&mut app.filter.status, Some(s), s.as_str());
                }
            })
            .response
            .labelled_by(label.id);
    });
    let search = ui.add(egui::TextEdit::singleline(&mut app.filter.query).hint_text("search text or name").desired_width(f32::INFINITY));
    search.on_hover_text("matches document names and texts");
    let query = app.filter.query.to_lowercase();
    if !query.is_empty() {
        let mut cache = crate::store::project::SourceCache::default();
        for i in 0..app.project.entries.len() {
            if let std::collections::hash_map::Entry::Vacant(v) = app.search_texts.entry(i)
                && let Ok(l) = app.project.load_cached(i, &mut cache)
            {
                v.insert(l.doc.text().as_str().to_lowercase());
            }
        }
    }
    ui.separator();
    let current = app.open.as_ref().map(|o| o.index);
    // The rows that pass the filter, drawn a screenful at a time: a corpus
    // of 10,000 documents would otherwise cost every frame 20,000 widgets.
    let rows: Vec<usize> = app
        .project
        .entries
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            app.filter.status.is_none_or(|s| s == e.summary.status)
                && (query.is_empty()
                    || e.id.0.to_lowercase().contains(&query)
                    || app.search_texts.get(i).is_some_and(|t| t.contains(&query)))
        })
        .map(|(i, _)| i)
        .collect();
    let row_height = ui.spacing().interact_size.y.max(ui.text_style_height(&egui::TextStyle::Body))
        + ui.spacing().item_spacing.y
        + ui.text_style_height(&egui::TextStyle::Small);
    egui::ScrollArea::vertical().id_salt("corpus").auto_shrink(false).show_rows(ui, row_height, rows.len(), |ui, range| {
        // One line per widget: the rows are placed by their index.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        for &i in rows.get(range).unwrap_or(&[]) {
            let Some(e) = app.project.entries.get(i) else { continue };
            let s = &e.summary;
            let mut text = format!("{} {}", status_mark(s.status), e.id.0);
            let counts = if s.pending > 0 {
                format!("{} spans · {} rel · {} sugg", s.spans, s.relations, s.pending)
            } else {
                format!("{} spans · {} rel", s.spans, s.relations)
            };
            if s.orphans > 0 {
                text.push_str(&format!("  ⚠{}", s.orphans));
            }
            let r = ui.selectable_label(current == Some(i), text).on_hover_text(format!("{} — {}\n{counts}", e.source, s.status));
            ui.label(RichText::new(counts).small().weak());
            if r.clicked() {
                app.queued.push(Command::OpenDocument(i));
            }
        }
    });
}
