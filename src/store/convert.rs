//! Reading and writing the other tools' formats on disk: the file-system
//! side of [`formats`].
//!
//! Owns: turning a path into a [`Source`] (one file, or a brat folder's
//! files), guessing its format, and writing a [`Written`] atomically: a
//! file through `atomic`, a folder (brat) written whole beside its place
//! and swapped in, so a killed export leaves the old folder or the new one,
//! never a mix. With `strict`, any loss is an error and nothing is written.
//! Must not touch: the conversions themselves (they live in `formats`).

use std::fs;
use std::path::{Path, PathBuf};

use super::StoreError;
use super::atomic::write_atomic;
use super::formats::{self, Format, Options, Report, Source, Tokenizer, Written};
use crate::model::{Dataset, Schema};

/// The largest input read (a dataset bigger than this is surely a mistake).
const MAX_INPUT: u64 = 2 << 30;

/// Reads a file or a brat folder.
pub fn read_source(path: &Path) -> Result<Source, StoreError> {
    let meta = fs::metadata(path).map_err(|e| io(path, e))?;
    if meta.is_dir() {
        let mut files = Vec::new();
        collect(path, path, &mut files)?;
        files.sort();
        return Ok(Source::Folder(files));
    }
    if meta.len() > MAX_INPUT {
        return Err(StoreError::Decode {
            path: path.to_path_buf(),
            message: format!("{} bytes is more than this reader takes", meta.len()),
        });
    }
    let bytes = fs::read(path).map_err(|e| io(path, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Source::File { name, bytes })
}

/// The files of a folder (brat's `.txt`, `.ann` and `.conf`), by path
/// relative to `root` with `/` separators. Symbolic links are not followed.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), StoreError> {
    for entry in fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| io(&path, e))?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() && matches!(path.extension().and_then(|e| e.to_str()), Some("txt" | "ann" | "conf")) {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push((rel.join("/"), fs::read(&path).map_err(|e| io(&path, e))?));
        }
    }
    Ok(())
}

/// The format of an input: the one asked for, else a guess from its name
/// and first bytes.
pub fn format_of(path: &Path, source: &Source, asked: Option<Format>) -> Result<Format, StoreError> {
    if let Some(f) = asked {
        return Ok(f);
    }
    let (name, folder, head) = match source {
        Source::File { name, bytes } => (name.as_str(), false, bytes.get(..4096).unwrap_or(bytes)),
        Source::Folder(_) => ("", true, &[][..]),
    };
    Format::sniff(name, folder, head).ok_or_else(|| StoreError::Decode {
        path: path.to_path_buf(),
        message: format!(
            "cannot tell its format; say which with --format ({})",
            Format::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// Reads a dataset in a format (guessed when `format` is `None`).
/// `texts`: the original documents, for CoNLL.
pub fn read(path: &Path, format: Option<Format>, options: &Options, texts: Option<&Dataset>) -> Result<(Dataset, Report), StoreError> {
    let source = read_source(path)?;
    let format = format_of(path, &source, format)?;
    formats::read(&source, format, options, texts).map_err(|source| StoreError::Format { path: path.to_path_buf(), source })
}

/// The documents of a gold dataset file or of a project folder (CoNLL's
/// original texts).
pub fn read_texts(path: &Path) -> Result<Dataset, StoreError> {
    if path.is_dir() {
        let project = super::Project::open(path, None)?;
        return Ok(project.export(crate::model::ExportOptions::default(), |_| {})?.0);
    }
    super::project::read_dataset(path)
}

/// Writes a dataset in a format to `out` (a file, or a folder for brat).
/// With `strict`, a loss is an error and nothing is written.
pub fn write(
    dataset: &Dataset,
    schema: &Schema,
    format: Format,
    options: &Options,
    tokenizer: Tokenizer,
    out: &Path,
    strict: bool,
) -> Result<Report, StoreError> {
    let (written, report) = formats::write(dataset, schema, format, options, tokenizer)
        .map_err(|source| StoreError::Format { path: out.to_path_buf(), source })?;
    if strict {
        refuse_losses(out, &report)?;
    }
    match written {
        Written::File(bytes) => {
            // What earlier exports killed midway left behind.
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                super::atomic::remove_stale_temporaries(dir);
            }
            write_atomic(out, &bytes).map_err(|e| io(out, e))?
        }
        Written::Folder(files) => write_folder(out, files)?,
    }
    Ok(report)
}

/// Exports a project in a format to `out`, as [`Project::export`](super::Project::export) then
/// [`write()`] would, with the same bytes: the gold JSON written document by
/// document as it is made (an export of 100,000 documents holds one in
/// memory, never the whole dataset), the other formats from the dataset
/// made whole. The documents of `in_memory` (the window's, whose save
/// failed; empty from the command line) are exported as they are there,
/// not as their files say. Returns the report and what the export left out.
#[allow(clippy::too_many_arguments)]
pub fn export_project(
    project: &super::Project,
    export: crate::model::ExportOptions,
    in_memory: &super::project::InMemory,
    format: Format,
    options: &Options,
    tokenizer: Tokenizer,
    out: &Path,
    strict: bool,
    progress: impl FnMut(usize),
) -> Result<(Report, crate::model::dataset::ExportNotes), StoreError> {
    // A device (`/dev/stdout`) is written into directly: an export refused
    // halfway would leave half a file there, so it is made whole first.
    let device = fs::metadata(out).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if format != Format::Spanlab || device {
        let (dataset, notes) = project.export_including(export, in_memory, progress)?;
        return Ok((write(&dataset, &project.schema, format, options, tokenizer, out, strict)?, notes));
    }
    let unit = options.offsets.unwrap_or_default();
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        super::atomic::remove_stale_temporaries(dir);
    }
    // The gold JSON loses nothing: `strict` has nothing to refuse.
    let mut notes = None;
    super::atomic::write_atomic_with(out, |w| {
        notes = Some(project.export_json(export, in_memory, unit, out, w, progress).map_err(Failure::Store)?);
        Ok::<(), Failure>(())
    })
    .map_err(|f| match f {
        Failure::Io(e) => io(out, e),
        Failure::Store(e) => e,
    })?;
    let notes = notes.unwrap_or_default();
    let mut report = Report::new(format, formats::Direction::Export);
    (report.documents, report.entities, report.relations, report.offsets) = (notes.documents, notes.entities, notes.relations, unit);
    Ok((report, notes))
}

/// Why a streamed export failed: writing its file, or making it.
enum Failure {
    Io(std::io::Error),
    Store(StoreError),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Writes a folder export whole: into `.NAME.tmp-PID-N` beside `out`, each
/// file synced, then swapped in (the old folder renamed aside, the new one
/// renamed to `out`, the old one removed). A folder that holds other files
/// than an export's (`.txt`, `.ann`, `.conf`) is not replaced.
fn write_folder(out: &Path, files: Vec<(String, Vec<u8>)>) -> Result<(), StoreError> {
    let parent = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".to_owned());
    // An export killed between its two renames left the old folder aside:
    // it goes back first; then what killed exports left is removed.
    if fs::symlink_metadata(out).is_err()
        && let Some(old) = interrupted_swap(&parent, &name)
    {
        fs::rename(&old, out).map_err(|e| io(out, e))?;
    }
    super::atomic::remove_stale_temporaries(&parent);
    if let Ok(meta) = fs::symlink_metadata(out) {
        if !meta.is_dir() {
            return Err(io(
                out,
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "not a folder; an export to a folder cannot replace it"),
            ));
        }
        if let Some(other) = foreign_file(out) {
            return Err(StoreError::Decode {
                path: other,
                message: "the export folder holds files an export does not write; choose an empty or new folder".into(),
            });
        }
    }
    fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
    let pid = std::process::id();
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let aside = |what: &str| parent.join(format!(".{name}.tmp-{pid}-{stamp}{what}"));
    let (new, old) = (aside("0"), aside("1"));
    let result = (|| {
        fs::create_dir(&new).map_err(|e| io(&new, e))?;
        for (rel, bytes) in files {
            let path = safe_join(&new, &rel)?;
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            }
            write_atomic(&path, &bytes).map_err(|e| io(&path, e))?;
        }
        let had = out.exists();
        if had {
            fs::rename(out, &old).map_err(|e| io(out, e))?;
        }
        if let Err(e) = fs::rename(&new, out) {
            if had {
                let _ = fs::rename(&old, out);
            }
            return Err(io(out, e));
        }
        super::atomic::sync_dir(&parent).map_err(|e| io(&parent, e))?;
        if had {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&new);
    }
    result
}

/// The old folder a killed folder export had renamed aside
/// (`.NAME.tmp-PID-STAMP1`, its process gone), the latest if several.
fn interrupted_swap(parent: &Path, name: &str) -> Option<PathBuf> {
    let prefix = format!(".{name}.tmp-");
    let mut found: Vec<(u128, PathBuf)> = fs::read_dir(parent)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let (pid, stamp) = n.strip_prefix(&prefix)?.split_once('-')?;
            let stamp = stamp.strip_suffix('1')?;
            let pid: u32 = pid.parse().ok()?;
            let alive = pid == std::process::id() || super::lock::process_alive(pid);
            (!alive && e.file_type().is_ok_and(|t| t.is_dir())).then(|| (stamp.parse().unwrap_or(0), e.path()))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, p)| p)
}

/// A file in an export folder that an export does not write, if any.
fn foreign_file(dir: &Path) -> Option<PathBuf> {
    let list = fs::read_dir(dir).ok()?;
    for entry in list.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => {
                if let Some(f) = foreign_file(&path) {
                    return Some(f);
                }
            }
            Ok(t) if t.is_file() && matches!(path.extension().and_then(|e| e.to_str()), Some("txt" | "ann" | "conf")) => {}
            _ => return Some(path),
        }
    }
    None
}

/// An error when the report lists any loss (`--strict`).
pub fn refuse_losses(path: &Path, report: &Report) -> Result<(), StoreError> {
    if report.is_lossless() {
        return Ok(());
    }
    Err(StoreError::Lossy {
        path: path.to_path_buf(),
        losses: report
            .losses
            .iter()
            .map(|l| format!("{} × {}{}", l.count, l.what, l.examples.first().map(|e| format!(" (e.g. {e})")).unwrap_or_default()))
            .collect(),
    })
}

/// `root/rel`, refusing any `rel` that would leave `root`.
fn safe_join(root: &Path, rel: &str) -> Result<PathBuf, StoreError> {
    let bad = rel.is_empty() || rel.starts_with('/') || rel.contains('\\') || rel.split('/').any(|c| c.is_empty() || c == "." || c == "..");
    if bad {
        return Err(StoreError::Decode { path: root.join(rel), message: "refusing a file name that leaves the folder".into() });
    }
    Ok(root.join(rel))
}

/// How many lines a stream reads ahead and maps at once: the most it holds
/// in memory, whatever its length.
pub const STREAM_BATCH: usize = 256;

/// Streams lines from `input` to the caller in input order, with memory
/// bounded by [`STREAM_BATCH`] lines, whatever the stream's length. A
/// reader thread reads lines ahead; each batch (what has arrived, up to
/// [`STREAM_BATCH`] lines, so that a slow input is never waited on) is
/// mapped by `map` on every core, and `sink` then gets each line's number
/// (from 1) and result in input order, or a message when the line is not
/// UTF-8, and whether it is the last of its batch (the time to flush an
/// output, so that results follow a slow input). Blank lines are passed to
/// `map` too. Stops at the end of the
/// input, at a read error (returned) or when `sink` fails (its error).
pub fn stream_lines<R: Send>(
    input: impl std::io::Read + Send,
    map: impl Fn(usize, &str) -> R + Sync,
    mut sink: impl FnMut(usize, Result<R, String>, bool) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::BufRead;
    use std::sync::mpsc::{TryRecvError, sync_channel};
    enum Item {
        Line(usize, Result<String, String>),
        Failed(std::io::Error),
    }
    let (tx, rx) = sync_channel::<Item>(STREAM_BATCH);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut reader = std::io::BufReader::new(input);
            let mut buf = Vec::new();
            let mut n = 0;
            loop {
                buf.clear();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => return,
                    Ok(_) => {
                        n += 1;
                        let bytes = buf.strip_suffix(b"\n").unwrap_or(&buf);
                        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
                        let line = String::from_utf8(bytes.to_vec())
                            .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.utf8_error().valid_up_to()));
                        if tx.send(Item::Line(n, line)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Item::Failed(e));
                        return;
                    }
                }
            }
        });
        let result = (|| {
            let mut batch: Vec<(usize, Result<String, String>)> = Vec::with_capacity(STREAM_BATCH);
            loop {
                batch.clear();
                let mut failed = None;
                match rx.recv() {
                    Ok(Item::Line(n, l)) => batch.push((n, l)),
                    Ok(Item::Failed(e)) => return Err(e),
                    Err(_) => return Ok(()),
                }
                while batch.len() < STREAM_BATCH {
                    match rx.try_recv() {
                        Ok(Item::Line(n, l)) => batch.push((n, l)),
                        Ok(Item::Failed(e)) => {
                            failed = Some(e);
                            break;
                        }
                        Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                    }
                }
                let chunk = batch.len().div_ceil(threads).max(1);
                let map = &map;
                let mapped: Vec<Vec<Option<R>>> = std::thread::scope(|inner| {
                    let handles: Vec<_> = batch
                        .chunks(chunk)
                        .map(|part| {
                            let handle =
                                inner.spawn(move || part.iter().map(|(n, l)| l.as_ref().ok().map(|l| map(*n, l))).collect::<Vec<_>>());
                            (part.len(), handle)
                        })
                        .collect();
                    // A worker that panicked leaves its lines without a result.
                    handles.into_iter().map(|(len, h)| h.join().unwrap_or_else(|_| (0..len).map(|_| None).collect())).collect()
                });
                let mut results = mapped.into_iter().flatten();
                let last = batch.len();
                for (k, (n, line)) in batch.drain(..).enumerate() {
                    let result = match (line, results.next().flatten()) {
                        (Err(m), _) => Err(m),
                        (Ok(_), Some(r)) => Ok(r),
                        (Ok(_), None) => Err("this line's worker failed".to_owned()),
                    };
                    sink(n, result, k + 1 == last)?;
                }
                if let Some(e) = failed {
                    return Err(e);
                }
            }
        })();
        // Let the reader stop if it waits to hand on a line.
        drop(rx);
        result
    })
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io { path: path.to_path_buf(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_refuses_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.jsonl");
        let mut report = Report::new(Format::Doccano, formats::Direction::Export);
        assert!(refuse_losses(&out, &report).is_ok());
        report.lose("relations", || "document a: R1".into());
        let e = refuse_losses(&out, &report).unwrap_err().to_string();
        assert!(e.contains("x.jsonl") && e.contains("1 × relations (e.g. document a: R1)"), "{e}");
    }

    /// An offset the writer cannot count in the file's unit (past the end
    /// of its text, or negative) was written as 0 by the gold, doccano,
    /// spaCy JSONL and Label Studio writers: it is an error naming the
    /// document and the entity, and nothing is written.
    #[test]
    fn an_offset_that_cannot_be_converted_is_an_error_not_a_zero() {
        use crate::model::dataset::{DocRecord, EntityRecord};
        let text = crate::model::Text::from("Lavrov à Pékin");
        let dataset = |start: i64, end: i64| {
            let mut ds = Dataset::empty(&Schema::news());
            let ok = EntityRecord::new(1, &text, crate::model::CharIdx::new(0), crate::model::CharIdx::new(6), "PER");
            let bad = EntityRecord { id: "T2".into(), start, end, label: "GPE".into(), text: "Pékin".into(), extra: Default::default() };
            ds.documents.push(DocRecord {
                id: "d7".into(),
                source: String::new(),
                text: text.as_str().to_owned(),
                sha256: String::new(),
                status: crate::model::Status::Done,
                entities: vec![ok, bad],
                relations: Vec::new(),
                extra: Default::default(),
            });
            ds
        };
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (Format::Spanlab, Some(formats::Offsets::Utf16)),
            (Format::Spanlab, Some(formats::Offsets::Bytes)),
            (Format::Doccano, None),
            (Format::SpacyJsonl, None),
            (Format::LabelStudio, Some(formats::Offsets::Utf16)),
        ];
        for ((start, end), wrong) in [((9, 40), "offset 40 is outside the text (14 code points)"), ((-3, 14), "offset -3 is outside")] {
            for (format, offsets) in cases {
                let out = dir.path().join(format!("out-{format}-{offsets:?}"));
                let options = Options { offsets, ..Options::default() };
                let result = write(&dataset(start, end), &Schema::news(), format, &options, &formats::format_tokens, &out, false);
                let e = match result {
                    Ok(_) => panic!("{format} {offsets:?}: wrote {:?}", fs::read_to_string(&out).unwrap_or_default()),
                    Err(e) => e.to_string(),
                };
                assert!(e.contains(&format!("document d7, entity T2: {wrong}")), "{format} {offsets:?}: {e}");
                assert!(e.contains(&format!("out-{format}")), "the error names the file: {e}");
                assert!(!out.exists(), "{format} {offsets:?}: nothing written");
            }
        }
    }

    #[test]
    fn folder_names_never_leave_the_folder() {
        let root = Path::new("/tmp/out");
        for bad in ["../x.ann", "/etc/passwd", "a/../../b", "a\\b", "", "a//b"] {
            assert!(safe_join(root, bad).is_err(), "{bad}");
        }
        assert_eq!(safe_join(root, "sub/a.ann").unwrap(), root.join("sub/a.ann"));
    }
}
