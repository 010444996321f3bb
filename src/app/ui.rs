//! One frame: keys first, then the panels, then the article.

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use super::commands::{fixed_entries, label_entries};
use super::panels::{adjudicate, corpus, dashboard, dialogs, inspector, top};
use super::widgets::article::ArticleInput;
use super::{Command, Dialog, SpanlabApp};

impl SpanlabApp {
    /// Draws the whole window for one frame, queueing commands.
    pub(crate) fn frame_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.receive_suggestions();
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
            if !matches!(self.dialog, Dialog::Palette { .. } | Dialog::Shortcuts)
                && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
            {
                self.dialog = Dialog::None;
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
        if self.draft_keys(ctx) || self.adjudication_keys(ctx) {
            return;
        }
        let mut shortcuts: Vec<(KeyboardShortcut, Command)> = Vec::new();
        for e in fixed_entries() {
            for k in &e.keys {
                shortcuts.push((*k, e.command.clone()));
            }
        }
        for (e, _) in label_entries(&self.project.schema) {
            for k in &e.keys {
                shortcuts.push((*k, e.command.clone()));
            }
        }
        // More modifiers first: egui ignores extra Shift/Alt when matching.
        let count = |m: Modifiers| u8::from(m.alt) + u8::from(m.shift) + u8::from(m.command || m.ctrl);
        shortcuts.sort_by_key(|(k, _)| std::cmp::Reverse(count(k.modifiers)));
        // A key pressed twice within one frame (fast typing, key repeat on a
        // busy machine) acts twice.
        for (k, c) in shortcuts {
            let n = ctx.input_mut(|i| i.count_and_consume_key(k.modifiers, k.logical_key));
            for _ in 0..n.min(16) {
                self.queued.push(c.clone());
            }
        }
    }

    /// While adjudicating: moving through the candidates, taking and
    /// dropping them. Other keys (labels, undo, …) work as usual.
    fn adjudication_keys(&mut self, ctx: &egui::Context) -> bool {
        if self.adjudication.is_none() {
            return false;
        }
        let pressed = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_key(m, k));
        let command = if pressed(Modifiers::NONE, Key::Escape) {
            Command::Adjudicate
        } else if pressed(Modifiers::NONE, Key::ArrowDown) || pressed(Modifiers::NONE, Key::J) {
            Command::AdjudicateNext
        } else if pressed(Modifiers::NONE, Key::ArrowUp) || pressed(Modifiers::NONE, Key::K) {
            Command::AdjudicatePrevious
        } else if pressed(Modifiers::NONE, Key::Enter) {
            Command::AdjudicateTake
        } else if pressed(Modifiers::NONE, Key::X) || pressed(Modifiers::NONE, Key::Delete) || pressed(Modifiers::NONE, Key::Backspace) {
            Command::AdjudicateDrop
        } else if pressed(Modifiers::SHIFT, Key::A) {
            Command::AdjudicateTakeAgreed
        } else {
            return false;
        };
        self.queued.push(command);
        true
    }

    /// Keys while a relation is being drawn; true when they were handled here.
    fn draft_keys(&mut self, ctx: &egui::Context) -> bool {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else {
            return false;
        };
        let Some(draft) = open.draft.as_mut() else {
            return false;
        };
        let pressed = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_key(m, k));
        if pressed(Modifiers::NONE, Key::Escape) {
            open.draft = None;
            return true;
        }
        match draft.tail {
            None => {
                let n = draft.candidates.len().max(1);
                if pressed(Modifiers::SHIFT, Key::Tab) || pressed(Modifiers::NONE, Key::ArrowLeft) {
                    draft.index = (draft.index + n - 1) % n;
                } else if pressed(Modifiers::NONE, Key::Tab) || pressed(Modifiers::NONE, Key::ArrowRight) {
                    draft.index = (draft.index + 1) % n;
                } else if pressed(Modifiers::NONE, Key::Enter) {
                    if let Some(&t) = draft.candidates.get(draft.index) {
                        self.queued.push(Command::RelationTail(t));
                    }
                    return true;
                } else {
                    return true;
                }
                let target = draft.candidates.get(draft.index).and_then(|t| open.doc.spans().get(*t)).map(|s| s.start);
                open.scroll_to = target;
            }
            Some(_) => {
                if pressed(Modifiers::NONE, Key::Enter) {
                    if let Some(t) = draft.types.first() {
                        self.queued.push(Command::RelationType(t.clone()));
                    }
                    return true;
                }
                let digits = [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9];
                for (k, key) in digits.iter().enumerate() {
                    if pressed(Modifiers::NONE, *key)
                        && let Some(t) = draft.types.get(k)
                    {
                        self.queued.push(Command::RelationType(t.clone()));
                        return true;
                    }
                }
                for t in draft.types.clone() {
                    let key = schema.relation(&t).and_then(|r| r.hotkey.clone()).and_then(|h| Key::from_name(&h.to_ascii_uppercase()));
                    if let Some(key) = key
                        && pressed(Modifiers::NONE, key)
                    {
                        self.queued.push(Command::RelationType(t));
                        return true;
                    }
                }
            }
        }
        true
    }
}
