//! The command line: one file per subcommand. No subcommand opens the window:
//! with none, [`run`] says which project to open ([`Outcome::Open`]) and
//! `main.rs` opens it, so that nothing but `main.rs` reaches the app.
//!
//! Errors are reported once, here ([`exit_code`]), with the file and place
//! they concern.

mod agree;
mod apply;
mod convert;
mod crash_helper;
mod eval;
mod export;
mod formats;
mod import;
mod models;
mod open;
mod progress;
mod stats;
mod suggest;
mod suggested;
mod train;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use open::{Screenshot, Window, data_home, sample_project, sample_project_at};

/// spanlab: annotate named entities and relations in news articles, offline.
///
/// With no subcommand, opens the annotation window on DIR (default: the
/// built-in sample corpus).
#[derive(Debug, Parser)]
#[command(name = "spanlab", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The project folder to open (default: the sample corpus).
    dir: Option<PathBuf>,
    /// Where the project's annotations live (default: DIR/annotations).
    #[arg(long, value_name = "DIR")]
    annotations: Option<PathBuf>,
    /// Render the window to this PNG file and exit, instead of opening it.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// The document to show first (its id).
    #[arg(long, value_name = "ID")]
    doc: Option<String>,
    /// Window size for --screenshot, as WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1280x800")]
    size: String,
    /// Dark theme.
    #[arg(long)]
    dark: bool,
    /// Annotate as NAME: your own files, in ANNOTATIONS/annotators/NAME/,
    /// beside the other annotators' (default: the name in the settings).
    #[arg(long, value_name = "NAME")]
    annotator: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Pre-annotate texts and write a dataset whose entities are the suggestions.
    Suggest(suggest::Args),
    /// Import a dataset (gold JSON, doccano, spaCy JSONL or .spacy, brat,
    /// CoNLL, Label Studio) into a project folder.
    Import(import::Args),
    /// Export a project's annotations (gold JSON or another tool's format).
    Export(export::Args),
    /// One decision for every mention of a name across a project: label it
    /// everywhere, reject its suggestions everywhere, or delete its spans.
    Apply(apply::Args),
    /// Convert a dataset from one format to another.
    Convert(convert::Args),
    /// Edit a project until killed (for the crash test).
    #[command(hide = true)]
    CrashHelper(crash_helper::Args),
    /// Check a dataset file or a project folder; exit 1 on any problem.
    Validate(validate::Args),
    /// Counts of documents, spans, relations and suggestions in a project.
    Stats(stats::Args),
    /// Train a suggestion model on gold datasets or project folders, from
    /// scratch or continuing from the shipped model or another one.
    Train(train::Args),
    /// Score predictions against gold (the definitions of shared/tools/score.py).
    Eval(eval::Args),
    /// Agreement between annotators: span F1 (exact and partial), Cohen's
    /// kappa, Krippendorff's alpha, relation F1, per label and document.
    Agree(agree::Args),
}

/// What the command line asked for, once run.
pub enum Outcome {
    /// A subcommand ran (its errors already reported): exit with this code.
    Exit(ExitCode),
    /// No subcommand: open the window, or render it, on this project.
    Open(Box<Window>),
}

/// Parses the command line and runs its subcommand, or finds the project
/// the window should open.
pub fn run() -> Outcome {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Suggest(a)) => suggest::run(a),
        Some(Command::Import(a)) => import::run(a),
        Some(Command::Export(a)) => export::run(a),
        Some(Command::Apply(a)) => apply::run(a),
        Some(Command::Convert(a)) => convert::run(a),
        Some(Command::CrashHelper(a)) => crash_helper::run(a),
        Some(Command::Validate(a)) => validate::run(a),
        Some(Command::Stats(a)) => stats::run(a),
        Some(Command::Eval(a)) => eval::run(a),
        Some(Command::Train(a)) => train::run(a),
        Some(Command::Agree(a)) => agree::run(a),
        None => {
            let args = open::Args {
                dir: cli.dir,
                annotations: cli.annotations,
                screenshot: cli.screenshot,
                doc: cli.doc,
                size: cli.size,
                dark: cli.dark,
                annotator: cli.annotator,
            };
            match open::run(args) {
                Ok(window) => return Outcome::Open(Box::new(window)),
                Err(e) => Err(e),
            }
        }
    };
    Outcome::Exit(exit_code(result))
}

/// The exit code of a run: its own, or 2 after printing the error once.
pub fn exit_code(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("spanlab: error: {}", error_chain(&e));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes, each said once: the store's errors already
/// include their source in their own message (`path: cause`), and printing
/// the chain as well said every cause twice.
fn error_chain(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !out.contains(&cause) {
            out.push_str(": ");
            out.push_str(&cause);
        }
    }
    out
}
