//! One frame: what the background sent, then the keys (through the command
//! table), then the panels, then the article. Everything the user asks for
//! is queued as a [`Command`](super::Command), applied after the frame.

use egui::{Key, Modifiers, RichText, Ui};

use super::SpanlabApp;
use super::panels::{adjudicate, corpus, dashboard, dialogs, inspector, top};
use super::state::Dialog;
use super::widgets::article::ArticleInput;

impl SpanlabApp {
    /// Draws the whole window for one frame, queueing commands.
    pub(crate) fn frame_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        // The settings decide the theme, whatever the platform started with.
        if ctx.theme() != self.theme() {
            self.apply_theme(&ctx);
        }
        self.receive_suggestions();
        self.update_search();
        if self.search.as_ref().is_some_and(super::search::CorpusIndex::indexing) {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if self.is_suggesting() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        self.handle_keys(&ctx);
        egui::Panel::top("menu").show(ui, |ui| top::menu_ui(self, ui));
        egui::Panel::top("palette").show(ui, |ui| top::palette_ui(self, ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        egui::Panel::left("corpus").default_size(250.0).min_size(160.0).show(ui, |ui| corpus::corpus_ui(self, ui));
        egui::Panel::right("inspector").default_size(320.0).min_size(220.0).show(ui, |ui| {
            if self.adjudication.is_some() {
                adjudicate::adjudication_ui(self, ui);
            } else {
                inspector::inspector_ui(self, ui);
            }
        });
        egui::CentralPanel::default().show(ui, |ui| {
            top::header_ui(self, ui);
            ui.separator();
            let Some(open) = self.open.as_ref() else {
                return;
            };
            let input = ArticleInput {
                doc: &open.doc,
                schema: &self.project.schema,
                selection: open.selection,
                draft: open.draft.as_ref(),
                show_relations: self.settings.show_relations,
                font_size: self.settings.font_size,
                scroll_to: open.scroll_to,
            };
            let out = self.article.ui(ui, &input);
            if out.scrolled
                && let Some(open) = self.open.as_mut()
            {
                open.scroll_to = None;
            }
            self.queued.extend(out.commands);
        });
        dashboard::dashboard_ui(self, &ctx);
        dialogs::dialogs_ui(self, &ctx);
    }

    fn status_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if let Some(m) = self.messages.last() {
                let color = if m.error { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
                ui.label(RichText::new(&m.text).color(color));
                if m.error && ui.small_button("dismiss").clicked() {
                    self.messages.pop();
                }
            } else {
                ui.label(RichText::new("Drag over words, then press a label key · j/k: suggestions · Enter: accept · x: reject · r: relation · Ctrl+P: commands · ?: shortcuts").weak());
            }
        });
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        if self.dialog != Dialog::None {
            // Esc closes a dialog (the palette and the help close themselves).
            if !matches!(self.dialog, Dialog::Palette { .. } | Dialog::Shortcuts)
                && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
            {
                self.queued.push(super::Command::Escape);
            }
            return;
        }
        if ctx.text_edit_focused() {
            if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
                ctx.memory_mut(|m| {
                    if let Some(id) = m.focused() {
                        m.surrender_focus(id);
                    }
                });
            }
            return;
        }
        // The article is driven by keys, not by egui's focus: Tab selects the
        // next span, so no button may keep the focus Tab would give it.
        ctx.memory_mut(|m| {
            if let Some(id) = m.focused() {
                m.surrender_focus(id);
            }
        });
        // One table says what each key does in the current mode (drawing a
        // relation, adjudicating, annotating). A key pressed twice within
        // one frame (fast typing, key repeat on a busy machine) acts twice.
        let mode = self.mode();
        for (k, c) in self.commands.shortcuts(mode) {
            let n = ctx.input_mut(|i| i.count_and_consume_key(k.modifiers, k.logical_key));
            for _ in 0..n.min(16) {
                self.queued.push(c.clone());
            }
        }
    }
}
