//! `spanlab agree A B [C...]`: inter-annotator agreement between datasets or
//! project folders (definitions in `model::agree`): pairs, labels, relation
//! labels and documents, as tables or `--json`.
//!
//! Owns: the subcommand's arguments, reading each version and the printed
//! report; the figures are [`agree`]'s. A version that breaks its schema
//! (a relation whose head another tool relabelled, an unknown label, a
//! forbidden overlap) is compared as it is, its problems printed as
//! warnings (and listed under `"warnings"` with `--json`): agreement is
//! what such versions need. Only what makes spans uncomparable (offsets
//! outside the text, texts that differ) is an error. Must not touch: files other than
//! the ones it reads (it writes only to standard output).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::model::agree::{Agreement, Chance, Version, agree};
use crate::model::dataset::{Dataset, ExportNotes, document_record};
use crate::store::Project;
use crate::store::project::{SourceCache, read_dataset};

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

/// A version to compare, and what in it breaks its schema. Versions that
/// break the schema (a relation whose head another tool relabelled, a label
/// the schema lacks, overlaps it forbids) are exactly the ones agreement is
/// for: they are compared, and their problems are warnings.
fn read(path: &Path) -> Result<(Dataset, Vec<String>)> {
    if path.is_dir() {
        let project = Project::open(path, None)?;
        return project_version(&project);
    }
    let ds = read_dataset(path)?;
    let warnings = ds.validate(None).iter().map(|p| format!("{}: {p}", path.display())).collect();
    Ok((ds, warnings))
}

/// A project's annotations (or one annotator's) as a dataset, as an export
/// would make it but without refusing what breaks the project's schema:
/// that is listed instead, naming the annotations folder.
fn project_version(project: &Project) -> Result<(Dataset, Vec<String>)> {
    let mut dataset = Dataset::empty(&project.schema);
    let mut cache = SourceCache::default();
    let mut notes = ExportNotes::default();
    for i in 0..project.entries.len() {
        let loaded = project.load_cached(i, &mut cache)?;
        dataset.documents.push(document_record(&loaded.doc, false, &mut notes));
    }
    dataset.documents.sort_by(|a, b| a.id.cmp(&b.id));
    let warnings = dataset.validate(Some(&project.schema)).iter().map(|p| format!("{}: {p}", project.annotations.display())).collect();
    Ok((dataset, warnings))
}

/// Every annotator's version in one project folder, and their warnings.
fn annotators_of(dir: &Path) -> Result<(Vec<String>, Vec<Dataset>, Vec<String>)> {
    let project = Project::open(dir, None)?;
    let names = project.annotators();
    if names.len() < 2 {
        bail!(
            "{}: {} annotator(s) with files in {}; give two or more datasets or folders, or have several annotators annotate",
            dir.display(),
            names.len(),
            project.base.join(crate::store::project::ANNOTATORS_DIR).display()
        );
    }
    let mut datasets = Vec::new();
    let mut warnings = Vec::new();
    for name in &names {
        let version = Project::open_as(&project.root, Some(&project.base), Some(name))?;
        let (dataset, w) = project_version(&version)?;
        datasets.push(dataset);
        warnings.extend(w);
    }
    Ok((names, datasets, warnings))
}

pub fn run(a: Args) -> Result<ExitCode> {
    if let [dir] = a.versions.as_slice() {
        if !dir.is_dir() {
            bail!("{}: one version alone is not enough; give two or more, or a project folder with several annotators", dir.display());
        }
        let (mut names, datasets, warnings) = annotators_of(dir)?;
        if let Some(n) = &a.names {
            let given: Vec<String> = n.split(',').map(|s| s.trim().to_owned()).collect();
            if given.len() != names.len() {
                bail!("--names gives {} names for {} annotators ({})", given.len(), names.len(), names.join(", "));
            }
            names = given;
        }
        return report(&a, &names, &datasets, &warnings);
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
    let mut datasets = Vec::new();
    let mut warnings = Vec::new();
    for p in &a.versions {
        let (dataset, w) = read(p)?;
        datasets.push(dataset);
        warnings.extend(w);
    }
    report(&a, &names, &datasets, &warnings)
}

/// Computes and prints the agreement; the versions' schema problems go to
/// standard error as warnings (and into `--json` as `"warnings"`).
fn report(a: &Args, names: &[String], datasets: &[Dataset], warnings: &[String]) -> Result<ExitCode> {
    let versions: Vec<Version<'_>> = names.iter().zip(datasets).map(|(n, d)| Version { annotator: n.clone(), dataset: d }).collect();
    let report = agree(&versions)
        .with_context(|| format!("comparing {}", a.versions.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")))?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let out = if a.json {
        let mut v = serde_json::to_value(&report)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("warnings".to_owned(), serde_json::json!(warnings));
        }
        serde_json::to_string_pretty(&v)? + "\n"
    } else {
        let mut out = tables(&report);
        if !warnings.is_empty() {
            out.push_str(&format!(
                "{} schema problem(s) in the versions (listed on standard error as warnings); they were compared as they are.\n",
                warnings.len()
            ));
        }
        out
    };
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
