//! `spanlab agree A B [C...]`: inter-annotator agreement between datasets or
//! project folders (definitions in `model::agree`): pairs, labels, relation
//! labels and documents, as tables or `--json`.
//!
//! Owns: the subcommand's arguments, reading each version and the printed
//! report; the figures are [`agree`]'s. Must not touch: files other than
//! the ones it reads (it writes only to standard output).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::model::ExportOptions;
use crate::model::agree::{Agreement, Chance, Version, agree};
use crate::model::dataset::Dataset;
use crate::store::Project;
use crate::store::project::read_dataset;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Two or more versions of the same documents: gold datasets (.json) or
    /// project folders; or one project folder, to compare every annotator
    /// who has files in it (ANNOTATIONS/annotators/NAME/).
    #[arg(required = true, num_args = 1.., value_name = "VERSION")]
    versions: Vec<PathBuf>,
    /// The annotators' names, comma-separated, in the same order (default:
    /// each file's stem or folder's name).
    #[arg(long, value_name = "A,B")]
    names: Option<String>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

fn read(path: &Path) -> Result<Dataset> {
    if path.is_dir() {
        let project = Project::open(path, None)?;
        let (ds, _) = project.export(ExportOptions::default(), |_| {})?;
        return Ok(ds);
    }
    let ds = read_dataset(path)?;
    if let Some(p) = ds.validate(None).first() {
        bail!("{}: {p}", path.display());
    }
    Ok(ds)
}

/// Every annotator's version in one project folder.
fn annotators_of(dir: &Path) -> Result<(Vec<String>, Vec<Dataset>)> {
    let project = Project::open(dir, None)?;
    let versions = project.annotator_versions()?;
    if versions.len() < 2 {
        bail!(
            "{}: {} annotator(s) with files in {}; give two or more datasets or folders, or have several annotators annotate",
            dir.display(),
            versions.len(),
            project.base.join(crate::store::project::ANNOTATORS_DIR).display()
        );
    }
    Ok(versions.into_iter().unzip())
}

pub fn run(a: Args) -> Result<ExitCode> {
    if let [dir] = a.versions.as_slice() {
        if !dir.is_dir() {
            bail!("{}: one version alone is not enough; give two or more, or a project folder with several annotators", dir.display());
        }
        let (mut names, datasets) = annotators_of(dir)?;
        if let Some(n) = &a.names {
            let given: Vec<String> = n.split(',').map(|s| s.trim().to_owned()).collect();
            if given.len() != names.len() {
                bail!("--names gives {} names for {} annotators ({})", given.len(), names.len(), names.join(", "));
            }
            names = given;
        }
        return report(&a, &names, &datasets);
    }
    let names: Vec<String> = match &a.names {
        Some(n) => n.split(',').map(|s| s.trim().to_owned()).collect(),
        None => a
            .versions
            .iter()
            .map(|p| {
                let p = p.canonicalize().unwrap_or_else(|_| p.clone());
                p.file_stem().map_or_else(|| p.display().to_string(), |s| s.to_string_lossy().into_owned())
            })
            .collect(),
    };
    if names.len() != a.versions.len() {
        bail!("--names gives {} names for {} versions", names.len(), a.versions.len());
    }
    if let Some(dup) = names.iter().enumerate().find_map(|(i, n)| names.iter().take(i).any(|m| m == n).then_some(n)) {
        bail!("two versions are both called {dup:?}: name them with --names");
    }
    let datasets: Vec<Dataset> = a.versions.iter().map(|p| read(p)).collect::<Result<_>>()?;
    report(&a, &names, &datasets)
}

fn report(a: &Args, names: &[String], datasets: &[Dataset]) -> Result<ExitCode> {
    let versions: Vec<Version<'_>> = names.iter().zip(datasets).map(|(n, d)| Version { annotator: n.clone(), dataset: d }).collect();
    let report = agree(&versions)
        .with_context(|| format!("comparing {}", a.versions.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")))?;
    let out = if a.json { serde_json::to_string_pretty(&report)? + "\n" } else { tables(&report) };
    let mut stdout = std::io::stdout().lock();
    match std::io::Write::write_all(&mut stdout, out.as_bytes()).and_then(|()| std::io::Write::flush(&mut stdout)) {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn fig(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{x:.3}"))
}

fn chance(c: &Chance, annotators: usize) -> String {
    if annotators == 2 { format!("{:>7} {:>7}", fig(c.kappa), fig(c.alpha)) } else { format!("{:>7}", fig(c.alpha)) }
}

/// The report as plain-text tables.
pub fn tables(r: &Agreement) -> String {
    use std::fmt::Write;
    let k = r.annotators.len();
    let mut s = String::new();
    let _ = writeln!(s, "{} annotators ({}), {} documents in common, {} token units", k, r.annotators.join(", "), r.documents, r.units);
    for (id, have) in &r.not_shared {
        let _ = writeln!(s, "not compared: {id} (only in {})", have.join(", "));
    }
    let head = if k == 2 { format!("{:>7} {:>7}", "kappa", "alpha") } else { format!("{:>7}", "alpha") };
    let _ = writeln!(s, "\nover all token labels: {head}\n{:>22}{}", "", chance(&r.chance, k));
    let width = r.pairs.iter().map(|p| p.first.chars().count() + p.second.chars().count() + 3).max().unwrap_or(4).max(4);
    let _ = writeln!(s, "\n{:<width$}  {:>8}  {:>10}  {:>12}", "pair", "exact F1", "partial F1", "relations F1");
    for p in &r.pairs {
        let name = format!("{} – {}", p.first, p.second);
        let _ =
            writeln!(s, "{name:<width$}  {:>8}  {:>10}  {:>12}", fig(p.all.exact.f1()), fig(p.all.partial.f1()), fig(p.all.relations.f1()));
    }
    let counts = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join("/");
    let cw = r.labels.iter().map(|l| counts(&l.spans).len()).max().unwrap_or(5).max(5);
    let lw = r.labels.iter().map(|l| l.label.chars().count()).max().unwrap_or(5).max(5);
    let _ = writeln!(s, "\n{:<lw$}  {:>cw$}  {:>8}  {:>10}  {head}", "label", "spans", "exact F1", "partial F1");
    for l in &r.labels {
        let _ = writeln!(
            s,
            "{:<lw$}  {:>cw$}  {:>8}  {:>10}  {}",
            l.label,
            counts(&l.spans),
            fig(l.exact_f1),
            fig(l.partial_f1),
            chance(&l.chance, k)
        );
    }
    if !r.relation_labels.is_empty() {
        let rw = r.relation_labels.iter().map(|l| counts(&l.relations).len()).max().unwrap_or(9).max(9);
        let lw = r.relation_labels.iter().map(|l| l.label.chars().count()).max().unwrap_or(8).max(8);
        let _ = writeln!(s, "\n{:<lw$}  {:>rw$}  {:>8}", "relation", "relations", "F1");
        for l in &r.relation_labels {
            let _ = writeln!(s, "{:<lw$}  {:>rw$}  {:>8}", l.label, counts(&l.relations), fig(l.f1));
        }
    }
    let iw = r.per_document.iter().map(|d| d.id.chars().count()).max().unwrap_or(8).max(8);
    let sw = r.per_document.iter().map(|d| counts(&d.spans).len()).max().unwrap_or(5).max(5);
    let _ = writeln!(s, "\n{:<iw$}  {:>sw$}  {:>8}  {:>10}  {:>12}  {head}", "document", "spans", "exact F1", "partial F1", "relations F1");
    for d in &r.per_document {
        let _ = writeln!(
            s,
            "{:<iw$}  {:>sw$}  {:>8}  {:>10}  {:>12}  {}",
            d.id,
            counts(&d.spans),
            fig(d.exact_f1),
            fig(d.partial_f1),
            fig(d.relation_f1),
            chance(&d.chance, k)
        );
    }
    let _ = writeln!(
        s,
        "\nF1 and counts per label are means over pairs of annotators; kappa is Cohen's (two annotators), alpha Krippendorff's (nominal)."
    );
    s
}
