//! One frame: what the background sent, then the keys (through the command
//! table, each applied at once, in the order typed), then the panels, then
//! the article. What the panels ask for is queued as a
//! [`Command`](super::Command), applied after the frame.

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
        if self.poll_everywhere() {
            ctx.request_repaint_after(std::time::Duration::from_millis(30));
        }
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
        // The side panels start narrower in a small window, may be resized
        // (never past the article's share) and put away (Ctrl+[, Ctrl+]).
        let width = ui.available_width();
        let (corpus_width, inspector_width) = if width < 1100.0 { (180.0, 240.0) } else { (250.0, 320.0) };
        if self.settings.show_corpus {
            egui::Panel::left("corpus")
                .default_size(corpus_width)
                .min_size(140.0)
                .max_size((width * 0.25).max(140.0))
                .show(ui, |ui| corpus::corpus_ui(self, ui));
        }
        if self.settings.show_inspector {
            egui::Panel::right("inspector").default_size(inspector_width).min_size(200.0).max_size((width * 0.3).max(200.0)).show(
                ui,
                |ui| {
                    if self.adjudication.is_some() {
                        adjudicate::adjudication_ui(self, ui);
                    } else {
                        inspector::inspector_ui(self, ui);
                    }
                },
            );
        }
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
                pick: open.pick.as_ref().and_then(|p| p.shown()).and_then(|r| r.best()),
                show_relations: self.settings.show_relations,
                font_size: self.settings.font_size,
                scroll_to: open.scroll_to,
            };
            let out = self.article.ui(ui, &input);
            if let Some(open) = self.open.as_mut() {
                if out.scrolled {
                    open.scroll_to = None;
                }
                open.in_view = out.in_view;
            }
            self.queued.extend(out.commands);
            self.suggest_in_view();
        });
        dashboard::dashboard_ui(self, &ctx);
        dialogs::dialogs_ui(self, &ctx);
        let kind = std::mem::discriminant(&self.dialog);
        if kind != self.dialog_sizing.0 {
            self.dialog_sizing = (kind, 4);
        }
        if self.dialog_sizing.1 > 0 {
            self.dialog_sizing.1 -= 1;
            ctx.request_repaint();
        }
        self.last_focus = ctx.memory(|m| m.focused());
    }

    /// The status bar: what lasts until dismissed (errors, notices), then
    /// what the last command said, or the everyday keys.
    fn status_ui(&mut self, ui: &mut Ui) {
        let mut dismissed = None;
        let lasting: Vec<usize> = self.messages.iter().enumerate().filter(|(_, m)| m.lasting).map(|(i, _)| i).collect();
        // The three latest that last; older ones wait behind them.
        for &i in lasting.iter().rev().take(3).rev() {
            let Some(m) = self.messages.get(i) else { continue };
            ui.horizontal_wrapped(|ui| {
                let color = if m.error { ui.visuals().error_fg_color } else { ui.visuals().strong_text_color() };
                ui.label(RichText::new(&m.text).color(color));
                if ui.small_button("dismiss").clicked() {
                    dismissed = Some(i);
                }
            });
        }
        if lasting.len() > 3 {
            ui.label(RichText::new(format!("({} older messages)", lasting.len() - 3)).weak().small());
        }
        if let Some(i) = dismissed {
            self.messages.remove(i);
        }
        ui.horizontal(|ui| match self.messages.iter().rev().find(|m| !m.lasting) {
            Some(m) => {
                ui.label(&m.text);
            }
            // A document with suggestions and nothing else yet: the
            // cheapest flow first (the annotate bench: fewer keys than
            // reviewing each suggestion, or than Shift+A, which takes the
            // suggested relations too, wrong ones to reach and delete).
            None if lasting.is_empty() && self.open.as_ref().is_some_and(|o| o.doc.spans().is_empty() && o.doc.pending_count() > 0) => {
                // Ends within the window, with "…" (the whole hint on hover).
                ui.add(
                    egui::Label::new(
                        RichText::new(
                            "Alt+A: accept the entity suggestions, then fix what is wrong (Tab, a label key, Alt+←/→, Delete, n: a missed name), then j through the suggested relations (Enter, x; Shift+A takes those left) · c on a span (Shift+C: a span by the first letters of its name): its likely relations · ?: shortcuts",
                        )
                        .weak(),
                    )
                    .truncate(),
                );
            }
            None if lasting.is_empty() => {
                ui.add(egui::Label::new(RichText::new("Drag over words (or n), then press a label key · j/k: suggestions · Enter: accept · x: reject · r: relation · c: a span's likely relations · Ctrl+P: commands · ?: shortcuts").weak()).truncate());
            }
            None => {}
        });
    }

    /// Reads this frame's key events in the order they were typed (after
    /// those held back last frame) and applies each key's command at once,
    /// so the next key finds the mode the last one left (`r Enter Enter`
    /// typed within a frame draws a relation). Keys after one that opened a
    /// dialog, or after a click (which may focus a text field), are held
    /// back until that field can take them: typed fast after Ctrl+P they
    /// go into the palette, not to the shortcuts. A key that ends or steers
    /// the typing (Esc, Enter, Tab, ↑, ↓) after text given to a field
    /// waits for the next frame: `Wang` and Esc typed within one frame find
    /// Wang, then close the find bar on it.
    fn handle_keys(&mut self, ctx: &egui::Context) {
        self.keep_field_focus(ctx);
        let held = std::mem::take(&mut self.held_keys);
        let events = ctx.input_mut(|i| {
            let mut all = held;
            all.append(&mut i.events);
            all
        });
        // A dialog opened by a key gets its field focused in the frame after
        // the one that first draws it: keys wait until then.
        let mut holding = self.hold_frames > 0;
        self.hold_frames = self.hold_frames.saturating_sub(1);
        if !holding && self.dialog == Dialog::None && !ctx.text_edit_focused() {
            // The article is driven by keys, not by egui's focus: Tab selects
            // the next span, so no button may keep the focus Tab would give it.
            ctx.memory_mut(|m| {
                if let Some(id) = m.focused() {
                    m.surrender_focus(id);
                }
            });
        }
        let mut kept = Vec::with_capacity(events.len());
        let mut held_back = Vec::new();
        let mut clicked = false;
        let mut after_command = false;
        // Text this frame gave a field (a dialog's, a focused one): a key
        // that ends or steers the typing waits for the next frame, when the
        // field has taken the text (letters and Esc typed in one frame
        // closed the find bar before its field read the letters).
        let field = self.dialog != Dialog::None || ctx.text_edit_focused();
        let mut typed = false;
        for event in events {
            let keyish = matches!(
                event,
                egui::Event::Key { .. }
                    | egui::Event::Text(_)
                    | egui::Event::Paste(_)
                    | egui::Event::Copy
                    | egui::Event::Cut
                    | egui::Event::Ime(_)
            );
            // The text a shortcut's key typed is not text, also when the
            // key opened a dialog (Shift+C's "C" is not a letter of a name).
            if after_command && matches!(event, egui::Event::Text(_)) {
                after_command = false;
                continue;
            }
            if typed && !holding && matches!(event, egui::Event::Key { key, pressed: true, .. } if ends_typing(key)) {
                holding = true;
            }
            if keyish && (holding || clicked) {
                // A key held back for the field types its own text: that
                // text is not the shortcut's (the first letter typed in
                // the frame of Ctrl+F was dropped).
                if matches!(event, egui::Event::Key { pressed: true, .. }) {
                    after_command = false;
                }
                held_back.push(event);
                continue;
            }
            match event {
                egui::Event::PointerButton { .. } => {
                    clicked = true;
                    kept.push(event);
                }
                egui::Event::Key { key, pressed: true, modifiers, .. } => {
                    after_command = false;
                    let dialog_was_open = self.dialog != Dialog::None;
                    let dialog_kind = std::mem::discriminant(&self.dialog);
                    match self.key_command(ctx, key, modifiers) {
                        KeyUse::Widgets => {
                            // The palette and the help close themselves on
                            // this Esc when drawn: the keys after it wait for
                            // the next frame, when they are closed (Esc and
                            // the theme key typed at once lost the latter).
                            if key == Key::Escape
                                && modifiers.is_none()
                                && matches!(self.dialog, Dialog::Palette { .. } | Dialog::Shortcuts)
                            {
                                holding = true;
                            }
                            kept.push(event);
                        }
                        KeyUse::Done => after_command = true,
                        KeyUse::Command(c) => {
                            self.apply_key(ctx, c);
                            after_command = true;
                        }
                    }
                    if dialog_was_open && self.dialog == Dialog::None {
                        // Its field lets go of the keyboard at once: the
                        // keys after this one are shortcuts again.
                        ctx.memory_mut(|m| {
                            if let Some(id) = m.focused() {
                                m.surrender_focus(id);
                            }
                        });
                    } else if self.dialog != Dialog::None && std::mem::discriminant(&self.dialog) != dialog_kind {
                        // A dialog opened (by a shortcut, or by another: the
                        // palette ran Find): the keys after it wait until
                        // its field has the keyboard.
                        holding = true;
                        self.hold_frames = 2;
                    }
                }
                other => {
                    typed |= field && matches!(other, egui::Event::Text(_) | egui::Event::Paste(_) | egui::Event::Ime(_));
                    kept.push(other);
                }
            }
        }
        ctx.input_mut(|i| i.events = kept);
        if !held_back.is_empty() {
            self.held_keys = held_back;
            ctx.request_repaint();
        }
    }

    /// egui lets go of the field being typed in when this frame's input
    /// holds an Esc, before the field reads the letters typed ahead of it
    /// (`Wang` and Esc typed within one frame lost `Wang`): the field gets
    /// the keyboard back, and the Esc acts in its turn, after them.
    fn keep_field_focus(&self, ctx: &egui::Context) {
        let escape = ctx.input(|i| {
            i.events.iter().any(|e| matches!(e, egui::Event::Key { key: Key::Escape, pressed: true, modifiers, .. } if modifiers.is_none()))
        });
        let Some(id) = self.last_focus else { return };
        if escape && ctx.memory(|m| m.focused().is_none()) && egui::text_edit::TextEditState::load(ctx, id).is_some() {
            ctx.memory_mut(|m| m.request_focus(id));
        }
    }

    /// What a key press does now: a command, nothing (done here), or it is
    /// left to the widgets (a dialog's or a text field's typing).
    fn key_command(&mut self, ctx: &egui::Context, key: Key, modifiers: Modifiers) -> KeyUse {
        let plain_escape = key == Key::Escape && modifiers.is_none();
        if let Dialog::Jump { .. } = self.dialog {
            // The jump hints take the letters (any letter: what each means
            // is the hint drawn on the screen, not a command of the
            // table) and Space; anything else closes them.
            let letter = key.name().chars().next().filter(|c| key.name().len() == 1 && c.is_ascii_alphabetic());
            return match letter {
                _ if key == Key::Space && (modifiers.is_none() || modifiers == Modifiers::SHIFT) => {
                    KeyUse::Command(super::Command::JumpScroll(modifiers.is_none()))
                }
                Some(c) if modifiers.is_none() || modifiers == Modifiers::SHIFT => KeyUse::Command(super::Command::JumpLetter(c)),
                _ => KeyUse::Command(super::Command::Escape),
            };
        }
        if let Some(used) = self.prompt_key(ctx, key, modifiers) {
            return used;
        }
        if self.dialog != Dialog::None {
            // Esc closes a dialog (the palette and the help close themselves).
            if plain_escape && !matches!(self.dialog, Dialog::Palette { .. } | Dialog::Shortcuts) {
                return KeyUse::Command(super::Command::Escape);
            }
            return KeyUse::Widgets;
        }
        if ctx.text_edit_focused() {
            if plain_escape {
                ctx.memory_mut(|m| {
                    if let Some(id) = m.focused() {
                        m.surrender_focus(id);
                    }
                });
                return KeyUse::Done;
            }
            return KeyUse::Widgets;
        }
        // One table says what each key does in the current mode (drawing a
        // relation, adjudicating, annotating).
        // A key with exactly its modifiers first (Shift+A is accept all even
        // where a plain a gives a relation its type), then one that
        // ignores an extra Shift or Alt (? is Shift+/ on some keyboards).
        let mode = self.mode();
        let shortcuts = self.commands.shortcuts(mode);
        let exact = shortcuts.iter().find(|(k, _)| k.logical_key == key && modifiers.matches_exact(k.modifiers));
        exact
            .or_else(|| shortcuts.iter().find(|(k, _)| k.logical_key == key && modifiers.matches_logically(k.modifiers)))
            .map_or(KeyUse::Widgets, |(_, c)| KeyUse::Command((*c).clone()))
    }

    /// The keys that steer a prompt's typed line (find, Shift+C's, the
    /// palette), applied here in the order typed, as the article's keys
    /// are: each press counts, and an Esc or a shortcut after them finds
    /// what they did (read by the dialog when drawn, two ↓ in one frame
    /// stepped once, and `↓ Enter` lost the ↓). What the field holds is
    /// up to date: a steering key typed after letters in the same frame
    /// waits for the next (`handle_keys`). `None`: not such a key.
    fn prompt_key(&mut self, ctx: &egui::Context, key: Key, modifiers: Modifiers) -> Option<KeyUse> {
        use super::Command as C;
        let (plain, shift) = (modifiers.is_none(), modifiers == Modifiers::SHIFT);
        // ↓ or Tab: the next; ↑ or Shift+Tab: the previous.
        let step = match key {
            Key::ArrowDown | Key::Tab if plain => Some(true),
            Key::ArrowUp if plain => Some(false),
            Key::Tab if shift => Some(false),
            _ => None,
        };
        let enter = key == Key::Enter && plain;
        let command = match &mut self.dialog {
            Dialog::Relate { .. } if enter => C::RelateNamed,
            Dialog::Relate { query, .. } => C::NextNamed(query.clone(), step?),
            // The find bar's ↑ and ↓ are the field's (its caret).
            Dialog::Find { query, .. } if enter || (key == Key::Tab && plain) => C::FindNext(query.clone()),
            Dialog::Find { .. } if key == Key::Tab && shift => return Some(KeyUse::Done),
            Dialog::Palette { query, selected } if enter || step.is_some() => {
                let matches = dialogs::palette_matches(&self.commands, query);
                let last = matches.len().saturating_sub(1);
                let run = matches.get(*selected).map(|e| e.command.clone());
                match step {
                    Some(true) => *selected = (*selected + 1).min(last),
                    Some(false) => *selected = selected.saturating_sub(1).min(last),
                    // Enter runs the highlighted row (none: it stays open).
                    None => {
                        if let Some(c) = run {
                            self.dialog = Dialog::None;
                            self.apply(ctx, c);
                        }
                    }
                }
                return Some(KeyUse::Done);
            }
            _ => return None,
        };
        self.apply(ctx, command);
        Some(KeyUse::Done)
    }

    /// Applies a key's command; one that acts on the selection while it is
    /// out of view brings it into view instead (press again to act).
    fn apply_key(&mut self, ctx: &egui::Context, command: super::Command) {
        if command.acts_on_selection() && !self.selection_in_view() {
            self.bring_selection_into_view();
            return;
        }
        self.apply(ctx, command);
    }
}

/// Whether `key` ends or steers the typing in a field (closes it, runs
/// what it found, moves through what it lists) rather than types in it.
fn ends_typing(key: Key) -> bool {
    matches!(key, Key::Escape | Key::Enter | Key::Tab | Key::ArrowUp | Key::ArrowDown)
}

/// What a key press is for.
enum KeyUse {
    /// This command.
    Command(super::Command),
    /// Nothing more: it was handled.
    Done,
    /// The widgets (a field being typed in, a dialog's own keys).
    Widgets,
}
