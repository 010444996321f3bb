//! `spanlab crash-helper DIR` (hidden): edits the project's first document
//! the way the window does (through `store::writer`), printing `ack N`
//! once the N-th edit is journaled, until killed. The crash test
//! (tests/crash.rs) kills it with SIGKILL at random moments and checks
//! that every acknowledged edit survives.
//!
//! Each edit labels the next word of the text that has no span yet, so a
//! run picks up where the last one stopped; every fifth edit also changes
//! the comment, every seventh undoes and redoes, and every few edits the
//! document is saved (in the background, as the window does).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::model::{CharIdx, Edit, History};
use crate::store::Project;
use crate::store::writer::{Ack, Job, Writer};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project folder.
    dir: PathBuf,
    /// Stop after this many edits.
    #[arg(long, default_value_t = 1_000_000)]
    edits: usize,
    /// Save after every this many edits.
    #[arg(long, default_value_t = 4)]
    save_every: usize,
}

/// The words of a text, as code-point ranges.
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut n = 0;
    for (i, c) in text.chars().enumerate() {
        n = i + 1;
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, n));
    }
    out
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut project = Project::open(&a.dir, None)?;
    let recovery = project.recover_journal()?;
    if let Some(n) = recovery.notice() {
        eprintln!("{n}");
    }
    let schema = project.schema.clone();
    let mut doc = project.load(0).context("document 0")?.doc;
    let writer = Writer::start(project)?;
    writer.send(Job::Opened { doc: doc.id.clone() });
    let mut history = History::default();
    let words = words(doc.text().as_str());
    let labels = ["PER", "ORG", "LOC"];
    let mut out = std::io::stdout();
    for k in 1..=a.edits {
        let Some(&(s, e)) = words.iter().find(|&&(s, e)| doc.spans().overlapping(CharIdx::new(s), CharIdx::new(e)).next().is_none()) else {
            break;
        };
        let edit = doc.add_span_edit(CharIdx::new(s), CharIdx::new(e), labels[k % labels.len()]);
        history.apply(&mut doc, edit, "label", &schema)?;
        if k % 5 == 0 {
            history.apply(&mut doc, Edit::SetComment { comment: format!("edit {k}") }, "comment", &schema)?;
        }
        if k % 7 == 0 {
            history.undo(&mut doc, &schema)?;
            history.redo(&mut doc, &schema)?;
        }
        writer.send(Job::Edits { doc: doc.id.clone(), edits: history.take_applied() });
        if k % a.save_every == 0 {
            writer.send(Job::Save { doc: std::sync::Arc::new(doc.clone()), force: false });
        }
        // Wait until this edit is on disk, then say so.
        for ack in writer.flush() {
            match ack {
                Ack::Failed { message, .. } => bail!("{message}"),
                Ack::Changed { doc } => bail!("{} changed on disk", doc.0),
                _ => {}
            }
        }
        writeln!(out, "ack {s} {e}")?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
