//! `spanlab convert IN OUT --from F --to G`: from one format to another,
//! without a project.
//!
//! With `-` for IN or OUT (standard input or output), between the formats
//! that hold one document a line (doccano, spacy-jsonl, gold-lines), it
//! streams: a line at a time, in order, in constant memory, each bad line
//! named on standard error (`<stdin>:12: label 2: …`) and left out, the
//! reports on standard error, and exit status 1 if any line failed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::formats::{FormatArgs, parse_format};
use crate::model::Dataset;
use crate::store::StoreError;
use crate::store::formats::Format;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The input (a folder for brat).
    input: PathBuf,
    /// The output (a folder for brat).
    output: PathBuf,
    /// The input's format (default: guessed from its name and content).
    #[arg(long, value_name = "F", value_parser = parse_format)]
    from: Option<Format>,
    /// The output's format.
    #[arg(long, value_name = "G", value_parser = parse_format)]
    to: Format,
    /// CoNLL input: the original texts (a gold dataset JSON or a project
    /// folder).
    #[arg(long, value_name = "PATH")]
    texts: Option<PathBuf>,
    #[command(flatten)]
    convert: FormatArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    if a.input.as_os_str() == "-" || a.output.as_os_str() == "-" {
        return stream(&a);
    }
    let texts = a.texts.as_deref().map(crate::store::convert::read_texts).transpose()?;
    let options = a.convert.options();
    // Offsets given on the command line describe the output; the input's
    // unit comes from its own metadata.
    let read_options = crate::store::formats::Options { offsets: None, ..options.clone() };
    let (dataset, read_report) = crate::store::convert::read(&a.input, a.from, &read_options, texts.as_ref())?;
    if a.convert.strict {
        crate::store::convert::refuse_losses(&a.input, &read_report)?;
    }
    refuse_inconsistent(&a.input, &dataset)?;
    let schema = dataset.implied_schema();
    let report = crate::store::convert::write(
        &dataset,
        &schema,
        a.to,
        &options,
        &crate::store::formats::format_tokens,
        &a.output,
        a.convert.strict,
    )?;
    super::formats::print(&read_report);
    println!("wrote {}", a.output.display());
    super::formats::print(&report);
    Ok(ExitCode::SUCCESS)
}

/// Refuses a dataset that contradicts itself (offsets outside the text or
/// not on its entity's text, duplicate or dangling ids, labels missing from
/// its own schema block): the writers would turn it into a broken file.
/// Overlaps and relation directions are the target format's business, so
/// the schema here allows them.
fn refuse_inconsistent(input: &Path, dataset: &Dataset) -> Result<(), StoreError> {
    let mut schema = dataset.implied_schema();
    schema.allow_overlap = true;
    for r in &mut schema.relation_labels {
        r.head.clear();
        r.tail.clear();
    }
    let problems = dataset.validate(Some(&schema));
    if problems.is_empty() {
        return Ok(());
    }
    Err(StoreError::Invalid { path: input.to_path_buf(), problems: problems.iter().map(ToString::to_string).collect() })
}

/// The name a stream's errors give its input: the file, or `<stdin>`.
fn stream_name(path: &Path) -> String {
    if path.as_os_str() == "-" { "<stdin>".to_owned() } else { path.display().to_string() }
}

/// Opens a stream's input: standard input for `-`, else the file.
fn stream_input(path: &Path) -> Result<Box<dyn std::io::Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let file = std::fs::File::open(path).map_err(|source| StoreError::Io { path: path.to_path_buf(), source })?;
    Ok(Box::new(file))
}

/// `convert` between line formats, a line at a time (see the module's
/// header).
fn stream(a: &Args) -> Result<ExitCode> {
    use crate::store::formats::lines::{is_line_format, read_line, write_line};
    use crate::store::formats::{Direction, Report};
    let Some(from) = a.from else {
        anyhow::bail!("streaming (- for standard input or output) needs --from: one of doccano, spacy-jsonl, gold-lines");
    };
    for f in [from, a.to] {
        if !is_line_format(f) {
            anyhow::bail!("{f} does not hold one document a line; streaming (-) converts between doccano, spacy-jsonl and gold-lines");
        }
    }
    if a.texts.is_some() {
        anyhow::bail!("--texts is for CoNLL, which does not stream");
    }
    let options = a.convert.options();
    let read_options = crate::store::formats::Options { offsets: None, ..options.clone() };
    let strict = a.convert.strict;
    let name = stream_name(&a.input);
    let input = stream_input(&a.input)?;
    let mut read_total = Report::new(from, Direction::Import);
    let mut write_total = Report::new(a.to, Direction::Export);
    write_total.offsets = options.offsets.unwrap_or_default();
    let mut failed = 0usize;
    let stdout = std::io::stdout();
    let mut file_out = None;
    let mut out: Box<dyn std::io::Write> = if a.output.as_os_str() == "-" {
        Box::new(std::io::BufWriter::new(stdout.lock()))
    } else {
        let f = std::fs::File::create(&a.output).map_err(|source| StoreError::Io { path: a.output.clone(), source })?;
        file_out = Some(a.output.clone());
        Box::new(std::io::BufWriter::new(f))
    };
    let convert_line = |n: usize, line: &str| {
        let mut read_report = Report::new(from, Direction::Import);
        let mut write_report = Report::new(a.to, Direction::Export);
        let result = read_line(from, line, n, &read_options, &mut read_report).and_then(|doc| {
            doc.map(|d| write_line(a.to, &d, n, &options, &crate::store::formats::format_tokens, &mut write_report)).transpose()
        });
        (result, read_report, write_report)
    };
    let streamed = crate::store::convert::stream_lines(input, convert_line, |n, r, last| {
        let (result, read_report, write_report) = match r {
            Ok(x) => x,
            Err(message) => {
                failed += 1;
                eprintln!("{name}:{n}: {message}");
                return if last { out.flush() } else { Ok(()) };
            }
        };
        let lossy = !read_report.is_lossless() || !write_report.is_lossless();
        let losses: Vec<String> = read_report.losses.iter().chain(&write_report.losses).map(|l| l.what.clone()).collect();
        read_total.absorb(read_report);
        match result {
            Err(e) => {
                failed += 1;
                let at = if e.place.is_empty() { String::new() } else { format!("{}: ", e.place) };
                eprintln!("{name}:{n}: {at}{}", e.message);
            }
            Ok(_) if strict && lossy => {
                failed += 1;
                eprintln!("{name}:{n}: --strict: would lose {}; not written", losses.join(", "));
            }
            Ok(line) => {
                write_total.absorb(write_report);
                if let Some(line) = line {
                    out.write_all(line.as_bytes())?;
                }
            }
        }
        if last { out.flush() } else { Ok(()) }
    });
    let flushed = streamed.and_then(|()| out.flush());
    drop(out);
    match flushed {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(StoreError::Io { path: file_out.unwrap_or_else(|| a.output.clone()), source: e }.into()),
        Ok(()) => {}
    }
    eprintln!("{read_total}");
    eprintln!("{write_total}");
    if failed > 0 {
        eprintln!("{failed} line(s) failed (named above); the others were written");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
