//! `spanlab apply DIR (--everywhere TEXT --label X | --reject TEXT | --delete TEXT) [--label X] [--dry-run]`:
//! one decision for every mention of a name across a project, for scripted
//! clean-ups, with the window's matching ([`crate::model::everywhere`]) and
//! the same report: what changed, what was already so, and the conflicts
//! left alone.
//!
//! Each document is saved atomically on its own (a crash leaves each
//! either before or after); the project must not be open in a window (its
//! unsaved edits would be overwritten), except for `--dry-run`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::ArgGroup;

use crate::model::everywhere::{Action, Fate, MatchOptions, Occurrence, edit_for, lessons, preview};
use crate::store::Project;
use crate::store::decisions::{self, Decision, Verdict};

#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("what").required(true).args(["everywhere", "reject", "delete"])))]
pub struct Args {
    /// The project folder.
    dir: PathBuf,
    /// Label every occurrence of TEXT as --label (accepting a suggestion of
    /// that label where there is one).
    #[arg(long, value_name = "TEXT", requires = "label")]
    everywhere: Option<String>,
    /// Reject every pending suggestion on an occurrence of TEXT (of --label
    /// only, if given); the suggestions stop coming back.
    #[arg(long, value_name = "TEXT")]
    reject: Option<String>,
    /// Remove every span on an occurrence of TEXT (of --label only, if
    /// given), with its relations.
    #[arg(long, value_name = "TEXT")]
    delete: Option<String>,
    /// The entity label.
    #[arg(long, value_name = "X")]
    label: Option<String>,
    /// Match regardless of case.
    #[arg(long)]
    ignore_case: bool,
    /// Match regardless of accents (é = e).
    #[arg(long)]
    ignore_accents: bool,
    /// Skip occurrences that are part of a longer name.
    #[arg(long)]
    whole_name: bool,
    /// Also label the occurrences that overlap spans of another label,
    /// replacing those spans.
    #[arg(long)]
    take_conflicts: bool,
    /// Only these documents (their ids; repeatable).
    #[arg(long = "doc", value_name = "ID")]
    docs: Vec<String>,
    /// Report what would change, change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Where the annotations live (default: DIR/annotations).
    #[arg(long, value_name = "DIR")]
    annotations: Option<PathBuf>,
    /// Act on this annotator's version.
    #[arg(long, value_name = "NAME")]
    annotator: Option<String>,
}

#[derive(Default)]
struct Totals {
    occurrences: usize,
    changed: usize,
    unchanged: usize,
    conflicts_skipped: usize,
    forbidden: usize,
    documents_changed: usize,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let (name, action) = match (&a.everywhere, &a.reject, &a.delete) {
        (Some(t), _, _) => (t.clone(), Action::Label(a.label.clone().unwrap_or_default())),
        (_, Some(t), _) => (t.clone(), Action::Reject(a.label.clone())),
        (_, _, Some(t)) => (t.clone(), Action::Delete(a.label.clone())),
        _ => bail!("say what to do: --everywhere TEXT --label X, --reject TEXT or --delete TEXT"),
    };
    let options = MatchOptions { ignore_case: a.ignore_case, ignore_accents: a.ignore_accents, whole_name: a.whole_name };
    let mut project = Project::open_as(&a.dir, a.annotations.as_deref(), a.annotator.as_deref())?;
    let _lock = if a.dry_run {
        None
    } else {
        if let Some(other) = crate::store::lock::holder(&project.annotations) {
            bail!(
                "{}: the project is open in spanlab ({other}); its unsaved edits would be overwritten. Close it, use the window's \
                 everywhere actions, or run with --dry-run",
                project.annotations.display()
            );
        }
        let (lock, _) = crate::store::lock::ProjectLock::acquire(&project.annotations)?;
        if let Some(n) = project.recover_journal()?.notice() {
            eprintln!("{n}");
        }
        Some(lock)
    };
    if let Some(unknown) = a.docs.iter().find(|id| !project.entries.iter().any(|e| &e.id.0 == *id)) {
        bail!("{}: no document with id {unknown:?}", a.dir.display());
    }
    let mut totals = Totals::default();
    let mut learned: BTreeSet<(String, String, bool)> = BTreeSet::new();
    let verb = if a.dry_run { "would change" } else { "changed" };
    for index in 0..project.entries.len() {
        let Some(entry) = project.entries.get(index) else { continue };
        if !a.docs.is_empty() && !a.docs.contains(&entry.id.0) {
            continue;
        }
        if let Some(why) = &entry.summary.broken {
            println!("{}: left alone, its annotation file cannot be read: {why}", entry.id);
            continue;
        }
        let mut doc = project.load(index)?.doc;
        let mut rows = preview(&doc, &project.schema, &name, &action, options)?;
        if rows.is_empty() {
            continue;
        }
        if a.take_conflicts {
            for o in rows.iter_mut().filter(|o| matches!(o.fate, Fate::Conflict { .. })) {
                o.ticked = true;
            }
        }
        let done: Vec<&Occurrence> = rows.iter().filter(|o| o.ticked && o.can_tick()).collect();
        totals.occurrences += rows.len();
        totals.changed += done.len();
        totals.unchanged += rows.iter().filter(|o| o.fate == Fate::Unchanged).count();
        totals.forbidden += rows.iter().filter(|o| matches!(o.fate, Fate::Forbidden { .. })).count();
        for o in &rows {
            match &o.fate {
                Fate::Conflict { with } if !o.ticked => {
                    totals.conflicts_skipped += 1;
                    println!("{}: skipped at {}..{} …{}[{}]{}…: overlaps {with}", doc.id, o.start, o.end, o.before, o.text, o.after);
                }
                Fate::Forbidden { why } => println!("{}: not allowed at {}..{} «{}»: {why}", doc.id, o.start, o.end, o.text),
                _ => {}
            }
        }
        learned.extend(lessons(&doc, &action, &done));
        if done.is_empty() {
            continue;
        }
        println!("{}: {verb} {} of {} occurrences", doc.id, done.len(), rows.len());
        totals.documents_changed += 1;
        if a.dry_run {
            continue;
        }
        if let Some(edit) = edit_for(&mut doc, &project.schema, &action, &rows) {
            doc.apply(edit, &project.schema).map_err(|e| anyhow::anyhow!("{}: {e}", doc.id))?;
            project.save(&doc)?;
        }
    }
    let what = match &action {
        Action::Label(l) => format!("label «{name}» everywhere as {l}"),
        Action::Reject(Some(l)) => format!("reject {l} suggestions of «{name}» everywhere"),
        Action::Reject(None) => format!("reject suggestions of «{name}» everywhere"),
        Action::Delete(Some(l)) => format!("delete {l} spans of «{name}» everywhere"),
        Action::Delete(None) => format!("delete spans of «{name}» everywhere"),
    };
    println!(
        "{what}: {} occurrences; {verb} {} in {} documents, {} already so or with nothing to do, {} conflicts skipped{}, {} not allowed",
        totals.occurrences,
        totals.changed,
        totals.documents_changed,
        totals.unchanged,
        totals.conflicts_skipped,
        if totals.conflicts_skipped > 0 { " (--take-conflicts takes them)" } else { "" },
        totals.forbidden,
    );
    if !a.dry_run {
        let new: Vec<Decision> = learned
            .into_iter()
            .map(|(text, label, is)| Decision { text, label, verdict: if is { Verdict::Is } else { Verdict::IsNot } })
            .collect();
        decisions::record(&project.annotations, &new)?;
        if !new.is_empty() {
            println!(
                "the suggestions remember {} decisions ({})",
                new.len(),
                project.annotations.join(decisions::DECISIONS_FILE).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
