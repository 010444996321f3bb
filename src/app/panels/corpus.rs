//! The corpus list: every document with its status and counts, a filter by
//! status and by name or text (the texts searched through the index that
//! `search.rs` builds in the background), and the corpus progress. Returns
//! commands.

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
    if let Some((done, total)) = app.everywhere_job.as_ref().map(crate::app::everywhere::ApplyJob::progress) {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32).text(format!("everywhere {done}/{total}")).desired_width(170.0),
            );
            if ui.small_button("stop").clicked() {
                app.queued.push(Command::CancelEverywhere);
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
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        let typed = ui
            .add(egui::TextEdit::singleline(&mut app.filter.query).hint_text("text or name").desired_width(f32::INFINITY))
            .labelled_by(label.id)
            .on_hover_text("matches document names and texts, whatever their case and accents");
        if typed.changed() {
            // The rows below are this keystroke's, from the index.
            app.update_search();
        }
    });
    if let Some((read, total)) = app.search.as_ref().filter(|s| s.indexing()).map(super::super::search::CorpusIndex::progress) {
        ui.horizontal(|ui| {
            ui.add(egui::Spinner::new());
            ui.label(RichText::new(format!("indexing… {read}/{total} texts")).weak().small())
                .on_hover_text("the articles are read in the background; names match already, texts as they are read");
        });
    }
    ui.separator();
    let current = app.open.as_ref().map(|o| o.index);
    // The rows that pass the filter, drawn a screenful at a time: a corpus
    // of 10,000 documents would otherwise cost every frame 20,000 widgets.
    let rows = app.corpus_rows();
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
