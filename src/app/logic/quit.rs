//! Quitting. Ctrl+Q and the window's close button close the window only
//! once every edit is in its document's file; otherwise they ask (the quit
//! dialog): save the unsaved documents in another folder, keep trying, or
//! quit without them. The writer says what is unsaved and writes it
//! elsewhere; this only asks and applies the answer.
//!
//! Must not touch: the disk (the writer does).

use std::path::PathBuf;
use std::sync::Arc;

use super::super::SpanlabApp;
use super::super::commands::QuitChoice;
use super::super::forms::QuitForm;
use super::super::state::Dialog;
use crate::store::writer::{Ack, Job, Unsaved};

impl SpanlabApp {
    /// Closes the window if nothing is unsaved; otherwise asks.
    pub(super) fn quit(&mut self, ctx: &egui::Context) {
        self.commit_comment();
        if !self.quitting {
            match self.unsaved_form() {
                Some(form) => {
                    self.dialog = Dialog::Quit(form);
                    return;
                }
                None => self.quitting = true,
            }
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Each frame: a close request from the window system (its close
    /// button) waits, like Ctrl+Q, until nothing is unsaved or the user
    /// chose.
    pub(crate) fn hold_close(&mut self, ctx: &egui::Context) {
        if self.quitting || !ctx.input(|i| i.viewport().close_requested()) {
            return;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        // Already asking.
        if !matches!(self.dialog, Dialog::Quit(_)) {
            self.quit(ctx);
        }
    }

    /// Applies the quit dialog's answer.
    pub(super) fn quit_choice(&mut self, ctx: &egui::Context, choice: QuitChoice) {
        let Dialog::Quit(mut form) = std::mem::take(&mut self.dialog) else { return };
        match choice {
            QuitChoice::KeepTrying => {
                self.save_now();
                if form.conflict {
                    self.dialog = Dialog::Conflict;
                }
                self.info("unsaved edits: saving is tried again every few seconds");
            }
            QuitChoice::Discard => {
                self.quitting = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            QuitChoice::SaveElsewhere(path) => match self.save_elsewhere(&path) {
                Ok(n) => {
                    self.info(format!("{n} document(s) saved in {path}"));
                    self.quitting = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
                Err(e) => {
                    form.error = Some(e);
                    self.dialog = Dialog::Quit(form);
                }
            },
        }
    }

    /// Writes every unsaved document into `dir`; how many, or why not.
    fn save_elsewhere(&mut self, dir: &str) -> Result<usize, String> {
        if dir.is_empty() {
            return Err("choose a folder".into());
        }
        let docs: Vec<_> = self.open.as_ref().map(|o| Arc::clone(&o.doc)).into_iter().collect();
        let job = Job::SaveElsewhere { dir: PathBuf::from(dir), docs };
        let acks = self.writer.as_ref().map(|w| w.request(job)).unwrap_or_default();
        let mut answer = Err("the background writer is not running".to_owned());
        for ack in acks {
            match ack {
                Ack::SavedElsewhere { written, failed } if failed.is_empty() => answer = Ok(written.len()),
                Ack::SavedElsewhere { failed, .. } => answer = Err(failed.join("\n")),
                other => self.take_ack(other),
            }
        }
        answer
    }

    /// The quit dialog's form when something is unsaved (after trying once
    /// more to save it); `None` when everything is in its file.
    fn unsaved_form(&mut self) -> Option<QuitForm> {
        if self.options.read_only {
            return None;
        }
        self.flush_writes();
        let conflict = self.dialog == Dialog::Conflict;
        let mut unsaved: Vec<Unsaved> = Vec::new();
        match &self.writer {
            Some(w) => {
                for ack in w.request(Job::Report) {
                    match ack {
                        Ack::Unsaved { docs } => unsaved = docs,
                        other => self.take_ack(other),
                    }
                }
            }
            None => {
                if let Some(open) = self.open.as_ref().filter(|o| o.sent > o.saved || o.history.undo_description().is_some()) {
                    let edits = open.sent.saturating_sub(open.saved).max(1);
                    let error = Some("the background writer is not running".to_owned());
                    unsaved.push(Unsaved { doc: open.doc.id.clone(), edits, unjournaled: edits, error });
                }
            }
        }
        if unsaved.is_empty() && !conflict {
            return None;
        }
        let at_risk = unsaved.iter().any(|u| u.unjournaled > 0);
        let lines = unsaved
            .iter()
            .map(|u| {
                let mut line = format!("{}: {} edit(s) not in its file", u.doc.0, u.edits);
                if u.unjournaled > 0 {
                    line.push_str(&format!(", {} of them in no journal either", u.unjournaled));
                }
                if let Some(e) = &u.error {
                    line.push_str(&format!(" ({e})"));
                }
                line
            })
            .collect();
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
        let name = self.project.root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let path = home.join(format!("spanlab-unsaved-{name}")).display().to_string();
        Some(QuitForm { unsaved: lines, at_risk, path, error: None, conflict })
    }
}
