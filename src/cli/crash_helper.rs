//! `spanlab crash-helper DIR` (hidden): edits one document of a project the
//! way the window does (recovery at start, the project's lock, every edit
//! through `store::writer`), printing `ack S E` once the edit labelling the
//! code points `[S, E)` is on disk (journaled or saved), until killed or
//! done. The crash tests (tests/crash.rs) kill it with SIGKILL at random
//! moments, run two at once, fill the disk under it, and check that every
//! acknowledged edit survives.
//!
//! Each edit labels the next word of the text that has no span yet, so a
//! run picks up where the last one stopped; every fifth edit also changes
//! the comment, every seventh undoes and redoes, and every few edits the
//! document is saved (in the background, as the window does). A write that
//! fails is printed (`fail MESSAGE`) and the helper goes on, as the window
//! does.
//!
//! With `--script`, it reads commands from its standard input instead, one
//! a line, answering each with a line: `edit N` (N edits, then `done`),
//! `comment N` (a comment of N characters, then `done`), `save` (then
//! `done`), `quit`. It prints `ready` once started.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::model::{CharIdx, DocId, Document, Edit, History, Schema};
use crate::store::Project;
use crate::store::writer::{Ack, Job, Writer};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project folder.
    dir: PathBuf,
    /// Where the annotations live (default: DIR/annotations).
    #[arg(long, value_name = "DIR")]
    annotations: Option<PathBuf>,
    /// The document to edit (default: the first).
    #[arg(long, value_name = "ID")]
    doc: Option<String>,
    /// Stop after this many edits.
    #[arg(long, default_value_t = 1_000_000)]
    edits: usize,
    /// Save after every this many edits.
    #[arg(long, default_value_t = 4)]
    save_every: usize,
    /// Read commands from standard input (see the module documentation).
    #[arg(long)]
    script: bool,
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

/// One editing session.
struct Session {
    doc: Document,
    schema: Schema,
    history: History,
    writer: Writer,
    words: Vec<(usize, usize)>,
    /// Edits sent so far (the writer's count).
    sent: u64,
    /// Labelled words not yet acknowledged, with the edit count that covers them.
    waiting: Vec<(u64, usize, usize)>,
    /// Edits made so far (for the comment and undo rhythm).
    k: usize,
}

impl Session {
    /// Labels the next free word; false when there is none.
    fn edit(&mut self) -> Result<bool> {
        let doc = &self.doc;
        let Some(&(s, e)) = self.words.iter().find(|&&(s, e)| doc.spans().overlapping(CharIdx::new(s), CharIdx::new(e)).next().is_none())
        else {
            return Ok(false);
        };
        self.k += 1;
        let labels = ["PER", "ORG", "LOC"];
        let label = labels.get(self.k % labels.len()).copied().unwrap_or("PER");
        let edit = self.doc.add_span_edit(CharIdx::new(s), CharIdx::new(e), label);
        self.history.apply(&mut self.doc, edit, "label", &self.schema)?;
        if self.k.is_multiple_of(5) {
            self.history.apply(&mut self.doc, Edit::SetComment { comment: format!("edit {}", self.k) }, "comment", &self.schema)?;
        }
        if self.k.is_multiple_of(7) {
            self.history.undo(&mut self.doc, &self.schema)?;
            self.history.redo(&mut self.doc, &self.schema)?;
        }
        self.send();
        self.waiting.push((self.sent, s, e));
        Ok(true)
    }

    fn send(&mut self) {
        let edits = self.history.take_applied();
        self.sent += edits.len() as u64;
        self.writer.send(Job::Edits { doc: self.doc.id.clone(), edits });
    }

    fn save(&mut self) {
        self.writer.send(Job::Save { doc: Arc::new(self.doc.clone()), force: false });
    }

    /// Waits for the writer, then prints what is on disk (and what failed).
    fn settle(&mut self, out: &mut impl Write) -> Result<()> {
        let mut on_disk = 0;
        for ack in self.writer.flush() {
            match ack {
                Ack::Journaled { seq, .. } | Ack::Saved { seq, .. } => on_disk = on_disk.max(seq),
                Ack::Failed { message, .. } => writeln!(out, "fail {}", message.replace('\n', " "))?,
                Ack::Reopened { message, .. } => writeln!(out, "reopened {}", message.replace('\n', " "))?,
                Ack::Changed { doc } => bail!("{} changed on disk", doc.0),
                _ => {}
            }
        }
        let (acked, rest): (Vec<_>, Vec<_>) = self.waiting.iter().partition(|(n, _, _)| *n <= on_disk);
        for (_, s, e) in acked {
            writeln!(out, "ack {s} {e}")?;
        }
        self.waiting = rest;
        out.flush()?;
        Ok(())
    }
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut project = Project::open(&a.dir, a.annotations.as_deref())?;
    let recovery = project.recover_journal()?;
    if let Some(n) = recovery.notice() {
        eprintln!("{n}");
    }
    let (_lock, other) = crate::store::lock::ProjectLock::acquire(&project.annotations)?;
    if let Some(other) = other {
        eprintln!("note: {other} has this project open too");
    }
    let index = match &a.doc {
        Some(id) => project.position(&DocId(id.clone())).with_context(|| format!("no document {id}"))?,
        None => 0,
    };
    let doc = project.load(index).with_context(|| format!("document {index}"))?.doc;
    let schema = project.schema.clone();
    let writer = Writer::start(project)?;
    writer.send(Job::Opened { doc: doc.id.clone() });
    let words = words(doc.text().as_str());
    let mut s = Session { doc, schema, history: History::default(), writer, words, sent: 0, waiting: Vec::new(), k: 0 };
    let mut out = std::io::stdout();
    if !a.script {
        for k in 1..=a.edits {
            if !s.edit()? {
                break;
            }
            if k % a.save_every == 0 {
                s.save();
            }
            s.settle(&mut out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "ready")?;
    out.flush()?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next().and_then(|n| n.parse::<usize>().ok())) {
            (Some("edit"), Some(n)) => {
                for _ in 0..n {
                    if !s.edit()? {
                        break;
                    }
                    s.settle(&mut out)?;
                }
            }
            (Some("comment"), Some(n)) => {
                let comment: String = "é".repeat(n);
                s.history.apply(&mut s.doc, Edit::SetComment { comment }, "comment", &s.schema)?;
                s.send();
                s.settle(&mut out)?;
            }
            (Some("save"), _) => {
                s.save();
                s.settle(&mut out)?;
            }
            (Some("quit"), _) => break,
            _ => bail!("unknown command {line:?}"),
        }
        writeln!(out, "done")?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
