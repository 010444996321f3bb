//! The quit dialog: shown when the window is asked to close while edits
//! are not saved (a read-only or full folder, a file that cannot be
//! written, an open conflict). It lists them and returns the user's
//! choice: save them in another folder, keep trying, or quit without them.
//! Edits only its form; the app applies the choice.

use egui::RichText;

use super::super::commands::{Command, QuitChoice};
use super::super::forms::QuitForm;

/// Draws the dialog; returns the command chosen, if any.
pub fn quit_ui(ctx: &egui::Context, form: &mut QuitForm) -> Option<Command> {
    let mut choice = None;
    egui::Modal::new(egui::Id::unique("quit with unsaved edits")).show(ctx, |ui| {
        ui.heading("Unsaved edits");
        ui.label(if form.at_risk {
            "These edits could not be written, not even to the journal: quitting now loses them."
        } else {
            "These edits are only in the journal: the next start recovers them if their files can be written then."
        });
        egui::ScrollArea::vertical().max_height(160.0).show(ui, |ui| {
            for line in &form.unsaved {
                ui.label(RichText::new(line).color(ui.visuals().warn_fg_color));
            }
        });
        ui.separator();
        ui.horizontal(|ui| {
            let l = ui.label("Save them in");
            ui.add(egui::TextEdit::singleline(&mut form.path).desired_width(380.0)).labelled_by(l.id);
            if ui.button("Save elsewhere and quit").on_hover_text("one annotation file per document, in this folder").clicked() {
                choice = Some(QuitChoice::SaveElsewhere(form.path.trim().to_owned()));
            }
        });
        if let Some(e) = &form.error {
            ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        }
        ui.horizontal(|ui| {
            if ui.button("Keep trying").on_hover_text("stay; saving is tried again every few seconds").clicked() {
                choice = Some(QuitChoice::KeepTrying);
            }
            let discard = if form.at_risk { "Discard them and quit" } else { "Quit (recover at the next start)" };
            if ui.button(discard).clicked() {
                choice = Some(QuitChoice::Discard);
            }
        });
    });
    choice.map(Command::QuitChoice)
}
