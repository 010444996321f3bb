//! The menu bar (from the one command table), the label palette and the
//! document header with the saved indicator. Returns commands.

use egui::{RichText, Ui};

use super::super::SpanlabApp;
use super::super::commands::{Command, Menu, shortcut_text};

/// The menus: every command of the table, under its group's menu.
pub fn menu_ui(app: &mut SpanlabApp, ui: &mut Ui) {
    let mut run = None;
    egui::MenuBar::new().ui(ui, |ui| {
        for menu in Menu::ALL {
            ui.menu_button(menu.title(), |ui| {
                if menu == Menu::File && !app.settings.recent.is_empty() {
                    ui.menu_button("Recent", |ui| {
                        for p in &app.settings.recent {
                            if ui.button(p.display().to_string()).clicked() {
                                run = Some(Command::OpenProject(p.clone()));
                                ui.close();
                            }
                        }
                    });
                }
                let mut group = None;
                for e in app.commands.entries().iter().filter(|e| e.group.menu() == menu) {
                    if group.is_some_and(|g| g != e.group) {
                        ui.separator();
                    }
                    group = Some(e.group);
                    let button = egui::Button::new(e.name.as_ref()).shortcut_text(shortcut_text(e));
                    if ui.add(button).clicked() {
                        run = Some(e.command.clone());
                        ui.close();
                    }
                }
            });
        }
    });
    app.queued.extend(run);
}

/// The label palette: one button per label with its hotkey.
pub fn palette_ui(app: &mut SpanlabApp, ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Labels").strong());
        for l in &app.project.schema.entity_labels {
            let rgb = l.rgb();
            let fill = egui::Color32::from_rgb(rgb[0], rgb[1], rgb[2]);
            let l_ = 0.299 * f32::from(rgb[0]) + 0.587 * f32::from(rgb[1]) + 0.114 * f32::from(rgb[2]);
            let ink = if l_ > 140.0 { egui::Color32::BLACK } else { egui::Color32::WHITE };
            let text = match &l.hotkey {
                Some(h) => format!("{}  {h}", l.name),
                None => l.name.clone(),
            };
            let b = egui::Button::new(RichText::new(text).color(ink).strong()).fill(fill);
            if ui.add(b).on_hover_text(&l.description).clicked() {
                app.queued.push(Command::Label(l.name.clone()));
            }
        }
        ui.separator();
        let sugg = app.open.as_ref().map_or(0, |o| o.doc.pending_count());
        ui.label(format!("{sugg} suggestions"));
        if ui.button("Accept all").on_hover_text("Shift+A").clicked() {
            app.queued.push(Command::AcceptAll);
        }
        if ui.button("Reject all").on_hover_text("Shift+X").clicked() {
            app.queued.push(Command::RejectAll);
        }
        ui.separator();
        let help = egui::Button::new("Shortcuts  ?");
        if ui.add(help).clicked() {
            app.queued.push(Command::ShowShortcuts);
        }
    });
}

/// Under this width (points) the header takes two rows: the name and its
/// status tag, then Done and the save state.
const HEADER_ONE_ROW: f32 = 520.0;

/// The document header: title, status, saved indicator, Done. Nothing of it
/// is drawn over another part: the name is cut short (whole on hover), and
/// in a narrow view it gets a row of its own.
pub fn header_ui(app: &mut SpanlabApp, ui: &mut Ui) {
    let Some(open) = &app.open else {
        ui.label("No document: open a folder of articles (File → Open folder…).");
        return;
    };
    let mut done = false;
    if ui.available_width() < HEADER_ONE_ROW {
        ui.horizontal(|ui| title_ui(ui, open));
        ui.horizontal(|ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                done = state_ui(ui, open, app.options.read_only, app.project.annotator.as_deref());
            });
        });
    } else {
        // The right-hand part first; the name gets what is left.
        ui.horizontal(|ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                done = state_ui(ui, open, app.options.read_only, app.project.annotator.as_deref());
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| title_ui(ui, open));
            });
        });
    }
    if done {
        app.queued.push(Command::MarkDone);
    }
}

/// The document's name (cut short to leave room for its status tag) and
/// status, left to right.
fn title_ui(ui: &mut Ui, open: &crate::app::OpenDoc) {
    let tag = format!("[{}]", open.doc.status());
    let room = ui.available_width();
    let tag_width =
        ui.fonts_mut(|f| f.layout_no_wrap(tag.clone(), egui::TextStyle::Body.resolve(ui.style()), egui::Color32::PLACEHOLDER).size().x);
    let name = open.doc.id.0.as_str();
    ui.scope(|ui| {
        ui.set_max_width((room - tag_width - 2.0 * ui.spacing().item_spacing.x).max(24.0));
        ui.add(egui::Label::new(RichText::new(name).heading()).truncate()).on_hover_text(name);
    });
    ui.add(egui::Label::new(RichText::new(tag).weak()).truncate());
    if let Some(enc) = &open.encoding {
        ui.add(egui::Label::new(RichText::new(enc).weak().small()).truncate());
    }
}

/// Done, the save state, the suggesting spinner and the annotator, right
/// to left; whether Done was clicked.
fn state_ui(ui: &mut Ui, open: &crate::app::OpenDoc, read_only: bool, annotator: Option<&str>) -> bool {
    let done = egui::Button::new("Done ▶")
        .shortcut_text(super::super::commands::key_text(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Enter)));
    let clicked = ui.add(done).on_hover_text("mark done and open the next unfinished document").clicked();
    if read_only {
        ui.label(RichText::new("read-only").weak());
    } else if let Some(e) = &open.save_error {
        ui.label(RichText::new("⚠ not saved").color(ui.visuals().error_fg_color)).on_hover_text(e);
    } else if open.journaled == open.sent {
        let hover = if open.saved == open.sent {
            "every change is saved as you make it"
        } else {
            "every change is safe in the project's journal; the document's file follows in a moment"
        };
        ui.label(RichText::new("✔ saved").color(ui.visuals().weak_text_color())).on_hover_text(hover);
    } else {
        ui.label("saving…");
    }
    if open.suggesting {
        ui.label(RichText::new("suggesting…").weak());
        ui.add(egui::Spinner::new());
    }
    if let Some(name) = annotator {
        ui.add(egui::Label::new(RichText::new(format!("annotating as {name}")).weak()).truncate())
            .on_hover_text("your own files: annotations/annotators/NAME/ (Settings → annotator)");
    }
    clicked
}
