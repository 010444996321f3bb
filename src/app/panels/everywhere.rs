//! The everywhere dialog: what to do with every mention of a name (or with
//! the pending suggestions a filter takes), where (this document or the
//! corpus), and the preview: the count per document, each occurrence in its
//! context with a tick, conflicts listed apart and unticked (Alt+T ticks
//! them all). Nothing changes
//! until "Apply" (or Enter); the preview follows every change of the
//! question, live.

use egui::{RichText, Ui};

use super::super::SpanlabApp;
use super::super::commands::Command;
use super::super::forms::{EverywhereForm, EverywhereKind, NameAction};
use crate::model::RecognizerName;
use crate::model::everywhere::Fate;
use crate::model::filter::Bulk;

/// Draws the dialog; returns whether it stays open.
pub fn everywhere_ui(app: &mut SpanlabApp, ctx: &egui::Context, form: &mut EverywhereForm) -> bool {
    let mut keep = true;
    let labels = app.project.schema.entity_names();
    let recognizers: Vec<RecognizerName> = app.open.as_ref().map_or_else(Vec::new, |o| {
        let mut r: Vec<RecognizerName> = o.doc.pending_suggestions().iter().map(|s| s.recognizer.clone()).collect();
        r.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        r.dedup();
        r
    });
    let title = match form.kind {
        EverywhereKind::Name => "Everywhere",
        EverywhereKind::Filter => "Filter suggestions",
    };
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .min_width(560.0)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
        .show(ctx, |ui| {
            match form.kind {
                EverywhereKind::Name => name_ui(ui, form, &labels),
                EverywhereKind::Filter => filter_ui(ui, form, &labels, &recognizers),
            }
            ui.horizontal(|ui| {
                ui.radio_value(&mut form.corpus, false, "This document");
                ui.add_enabled_ui(form.kind == EverywhereKind::Name, |ui| ui.radio_value(&mut form.corpus, true, "Whole corpus"));
            });
            if form.preview.asked.as_deref().is_none_or(|a| !a.same_question(form)) {
                app.queued.push(Command::PreviewEverywhere(Box::new(form.clone())));
            }
            ui.separator();
            // Alt+T: tick the conflicts too (again: untick them), the
            // mouse's ticks from the keyboard.
            if ui.input_mut(|i| i.consume_key(egui::Modifiers::ALT, egui::Key::T)) {
                toggle_conflicts(form);
            }
            let ticked = summary_ui(ui, form);
            ui.horizontal(|ui| {
                let ready = form.preview.complete() && ticked > 0 && form.preview.error.is_none();
                let apply = ui.add_enabled(ready, egui::Button::new(RichText::new(format!("Apply to {ticked}")).strong()));
                let enter = ready && ui.input(|i| i.key_pressed(egui::Key::Enter) && !i.modifiers.shift);
                if apply.clicked() || enter {
                    app.queued.push(Command::RunEverywhere(Box::new(form.clone())));
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                    app.queued.push(Command::CancelEverywhere);
                }
                ui.label(
                    RichText::new("Enter: apply · Alt+T: tick the conflicts too · Esc: cancel · one undo step per document").weak().small(),
                );
            });
            rows_ui(ui, form);
        });
    keep
}

/// Ticks every conflict of the preview, or unticks them all when they
/// all are ticked already.
fn toggle_conflicts(form: &mut EverywhereForm) {
    let conflicts = || form.preview.docs.iter().flat_map(|d| &d.rows).filter(|(_, o)| matches!(o.fate, Fate::Conflict { .. }));
    let tick = !conflicts().all(|(_, o)| o.ticked);
    for (_, o) in form.preview.docs.iter_mut().flat_map(|d| d.rows.iter_mut()) {
        if matches!(o.fate, Fate::Conflict { .. }) {
            o.ticked = tick;
        }
    }
}

fn name_ui(ui: &mut Ui, form: &mut EverywhereForm, labels: &[String]) {
    ui.horizontal(|ui| {
        let l = ui.label("Name");
        ui.add(egui::TextEdit::singleline(&mut form.name).desired_width(260.0)).labelled_by(l.id);
    });
    ui.horizontal(|ui| {
        let by = ui.radio_value(&mut form.action, NameAction::Label, "Label as").id;
        ui.radio_value(&mut form.action, NameAction::Reject, "Reject suggestions");
        ui.radio_value(&mut form.action, NameAction::Delete, "Delete spans");
        let any = form.action != NameAction::Label;
        label_combo(ui, "everywhere label", &mut form.label, labels, any, by);
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut form.options.ignore_case, "Any case");
        ui.checkbox(&mut form.options.ignore_accents, "Any accents");
        ui.checkbox(&mut form.options.whole_name, "Whole name only");
    });
}

fn filter_ui(ui: &mut Ui, form: &mut EverywhereForm, labels: &[String], recognizers: &[RecognizerName]) {
    egui::Grid::new("suggestion filter").num_columns(2).show(ui, |ui| {
        let by = ui.label("Label").id;
        let mut label = form.filter.label.clone().unwrap_or_default();
        label_combo(ui, "filter label", &mut label, labels, true, by);
        form.filter.label = (!label.is_empty()).then_some(label);
        ui.end_row();
        let by = ui.label("Recognizer").id;
        let shown = form.filter.recognizer.as_ref().map_or("any", RecognizerName::as_str).to_owned();
        egui::ComboBox::from_id_salt("filter recognizer")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.filter.recognizer, None, "any");
                for r in recognizers {
                    ui.selectable_value(&mut form.filter.recognizer, Some(r.clone()), r.as_str());
                }
            })
            .response
            .labelled_by(by);
        ui.end_row();
        ui.label("Score");
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut form.filter.min_score).range(0.0..=1.0).speed(0.01).prefix("from "));
            ui.add(egui::DragValue::new(&mut form.filter.max_score).range(0.0..=1.0).speed(0.01).prefix("to "));
        });
        ui.end_row();
        let l = ui.label("Text contains");
        ui.add(egui::TextEdit::singleline(&mut form.filter.contains).desired_width(200.0)).labelled_by(l.id);
        ui.end_row();
        ui.label("");
        ui.checkbox(&mut form.on_screen, "Only what is on screen");
        ui.end_row();
    });
    ui.horizontal(|ui| {
        let mut relabel = match &form.bulk {
            Bulk::Relabel(l) => l.clone(),
            _ => labels.first().cloned().unwrap_or_default(),
        };
        let mut which = match form.bulk {
            Bulk::Accept => 0,
            Bulk::Reject => 1,
            Bulk::Relabel(_) => 2,
        };
        ui.radio_value(&mut which, 0, "Accept all");
        ui.radio_value(&mut which, 1, "Reject all");
        let by = ui.radio_value(&mut which, 2, "Relabel all as").id;
        label_combo(ui, "relabel", &mut relabel, labels, false, by);
        form.bulk = match which {
            0 => Bulk::Accept,
            1 => Bulk::Reject,
            _ => Bulk::Relabel(relabel),
        };
    });
}

/// A combo box of the schema's labels ("any" as "" when `any`), named by
/// the widget `by`.
fn label_combo(ui: &mut Ui, salt: &str, value: &mut String, labels: &[String], any: bool, by: egui::Id) {
    let shown = if value.is_empty() { "any".to_owned() } else { value.clone() };
    egui::ComboBox::from_id_salt(salt)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            if any {
                ui.selectable_value(value, String::new(), "any");
            }
            for l in labels {
                ui.selectable_value(value, l.clone(), l);
            }
        })
        .response
        .labelled_by(by);
}

/// The preview's summary; returns how many rows are ticked.
fn summary_ui(ui: &mut Ui, form: &EverywhereForm) -> usize {
    let p = &form.preview;
    if let Some(e) = &p.error {
        ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        return 0;
    }
    let rows: usize = p.docs.iter().map(|d| d.rows.len()).sum();
    let conflicts = p.docs.iter().flat_map(|d| &d.rows).filter(|(_, o)| matches!(o.fate, Fate::Conflict { .. })).count();
    let ticked = p.ticked();
    let scanning = if p.complete() { String::new() } else { format!(" · scanning {} of {} documents", p.scanned, p.total) };
    ui.label(format!(
        "{rows} found in {} document{} · {ticked} will change · {conflicts} conflict{} (unticked unless you tick them){scanning}",
        p.docs.len(),
        if p.docs.len() == 1 { "" } else { "s" },
        if conflicts == 1 { "" } else { "s" },
    ));
    ticked
}

/// Each document's rows, each occurrence in its context with its tick.
fn rows_ui(ui: &mut Ui, form: &mut EverywhereForm) {
    let p = &mut form.preview;
    if p.error.is_some() {
        return;
    }
    egui::ScrollArea::vertical().max_height(300.0).auto_shrink([false, true]).show(ui, |ui| {
        for doc in &mut p.docs {
            let n = doc.ticked();
            ui.label(RichText::new(format!("{} — {n} of {}", doc.id, doc.rows.len())).strong());
            for (_, o) in &mut doc.rows {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("…{}", o.before)).weak());
                    ui.add_enabled(o.can_tick(), egui::Checkbox::new(&mut o.ticked, RichText::new(&o.text).strong().underline()));
                    ui.label(RichText::new(format!("{}…", o.after)).weak());
                    let note = match &o.fate {
                        Fate::Apply => None,
                        Fate::Unchanged => Some("already so".to_owned()),
                        Fate::Conflict { with } => Some(format!("overlaps {with}")),
                        Fate::Forbidden { why } => Some(format!("not allowed: {why}")),
                    };
                    if let Some(note) = note {
                        ui.label(RichText::new(note).color(ui.visuals().warn_fg_color).small());
                    }
                });
            }
        }
    });
}
