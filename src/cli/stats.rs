//! `spanlab stats DIR`: documents by status, spans and relations by label,
//! what became of suggestions. A document that cannot be read counts as
//! `unreadable` (so the statuses add up to the documents), and what the
//! project passed over is said.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::model::document::SuggestionOutcomes;
use crate::store::Project;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project folder.
    dir: PathBuf,
    /// Where the annotations live (default: DIR/annotations).
    #[arg(long, value_name = "DIR")]
    annotations: Option<PathBuf>,
    /// One annotator's version (their files in ANNOTATIONS/annotators/NAME/).
    #[arg(long, value_name = "NAME")]
    annotator: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Default, Serialize)]
struct Stats {
    documents: usize,
    by_status: BTreeMap<String, usize>,
    spans_by_label: BTreeMap<String, usize>,
    relations_by_label: BTreeMap<String, usize>,
    suggestions_by_recognizer: BTreeMap<String, SuggestionOutcomes>,
    suggestions: SuggestionOutcomes,
    orphans: usize,
    encodings: BTreeMap<String, usize>,
    unreadable: Vec<String>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let project = Project::open_as(&a.dir, a.annotations.as_deref(), a.annotator.as_deref())?;
    let mut s = Stats { documents: project.entries.len(), ..Default::default() };
    let bar = super::progress::documents(project.entries.len(), "stats");
    let mut cache = crate::store::project::SourceCache::default();
    for i in 0..project.entries.len() {
        bar.inc(1);
        let loaded = match project.load_cached(i, &mut cache) {
            Ok(l) => l,
            Err(e) => {
                *s.by_status.entry("unreadable".to_owned()).or_default() += 1;
                s.unreadable.push(e.to_string());
                continue;
            }
        };
        let doc = &loaded.doc;
        *s.by_status.entry(doc.status().to_string()).or_default() += 1;
        for span in doc.spans().iter() {
            *s.spans_by_label.entry(span.label.clone()).or_default() += 1;
        }
        for r in doc.relations() {
            *s.relations_by_label.entry(r.label.clone()).or_default() += 1;
        }
        s.suggestions += doc.suggestion_outcomes();
        for sug in doc.suggestions() {
            let o = s.suggestions_by_recognizer.entry(sug.recognizer.to_string()).or_default();
            match sug.state {
                crate::model::SuggestionState::Pending => o.pending += 1,
                crate::model::SuggestionState::Rejected => o.rejected += 1,
                crate::model::SuggestionState::Accepted { span } => match doc.spans().get(span).map(|x| &x.origin) {
                    Some(crate::model::Origin::Suggested { edited: true, .. }) => o.edited += 1,
                    Some(_) => o.accepted += 1,
                    None => o.deleted_after_accept += 1,
                },
            }
        }
        s.orphans += doc.orphans.len();
        *s.encodings.entry(loaded.encoding.unwrap_or_else(|| "JSON (UTF-8)".into())).or_default() += 1;
    }
    bar.finish_and_clear();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("project {} ({} documents; annotations in {})", project.root.display(), s.documents, project.annotations.display());
    let status: Vec<String> = s.by_status.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("status: {}", status.join(", "));
    println!("spans: {} ({})", s.spans_by_label.values().sum::<usize>(), join(&s.spans_by_label));
    println!("relations: {} ({})", s.relations_by_label.values().sum::<usize>(), join(&s.relations_by_label));
    let o = s.suggestions;
    println!(
        "suggestions: {} pending, {} accepted unchanged, {} accepted then edited, {} rejected, {} accepted then deleted",
        o.pending, o.accepted, o.edited, o.rejected, o.deleted_after_accept
    );
    for (name, o) in &s.suggestions_by_recognizer {
        println!("  {name}: {} pending, {} accepted, {} edited, {} rejected", o.pending, o.accepted, o.edited, o.rejected);
    }
    println!("encodings: {}", join(&s.encodings));
    if s.orphans > 0 {
        println!("spans waiting for review after their article changed: {}", s.orphans);
    }
    for w in &project.passed_over {
        println!("note: {w}");
    }
    let mut seen = std::collections::BTreeSet::new();
    for w in project.warnings.iter().chain(&s.unreadable).filter(|w| seen.insert(*w)) {
        println!("warning: {w}");
    }
    Ok(ExitCode::SUCCESS)
}

fn join(m: &BTreeMap<String, usize>) -> String {
    m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}
