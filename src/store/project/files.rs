//! Reading the files of a project folder: which files may be articles
//! (the walk, and what it passes over and why), and reading one: a text
//! file decoded, a JSONL file's documents, a spanlab dataset.
//!
//! Only regular files are read: a named pipe or a device would wait
//! forever, or never end. Must not touch: annotation files or ids (see the
//! parent module).

use std::fs;
use std::path::{Path, PathBuf};

use super::super::StoreError;
use super::super::decode::decode_owned;
use super::{io_err, json_err};
use crate::model::dataset::Dataset;
use crate::model::span::Extra;

/// Reads a file that must be a regular one: reading a named pipe (or a
/// device) would wait forever, or never end.
pub(super) fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let (file, meta) = open_regular(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("not a regular file ({})", file_kind(&meta))));
    }
    read_open(file, meta.len())
}

/// Opens a file and asks what it is through the open file (`fstat`: no
/// second walk of its path, as a `stat` before the open was; 200,000 of
/// them in an export of 100,000 documents). The open cannot wait: a named
/// pipe is opened without blocking (`O_NONBLOCK`), and a terminal does
/// not become the process's own (`O_NOCTTY`); the caller refuses what is
/// not a regular file before reading it.
fn open_regular(path: &Path) -> std::io::Result<(fs::File, fs::Metadata)> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    Ok((file, meta))
}

/// Reads an open regular file of about `len` bytes to its end, without
/// asking its size again (`fs::read` does, one more system call per
/// file).
fn read_open(file: fs::File, len: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    // Through `Take`, whose reading to the end does not ask the size.
    file.take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// What a file that is not a regular one is, in words.
pub(super) fn file_kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if meta.is_dir() { "a folder" } else { "not a regular file" }
}

/// The largest file read by default, in MB (10⁶ bytes): a project's
/// `max_article_mb` setting (in `annotations/project.json`) changes it for
/// its articles.
pub const DEFAULT_MAX_ARTICLE_MB: u64 = 256;

/// Reads and decodes a text file of at most [`DEFAULT_MAX_ARTICLE_MB`];
/// returns the text and the encoding's name.
pub fn read_text_file(path: &Path) -> Result<(String, String), StoreError> {
    read_text_file_within(path, DEFAULT_MAX_ARTICLE_MB)
}

/// Reads and decodes a text file of at most `max_mb` MB. Anything but a
/// regular file (a link to `/dev/zero`, a named pipe) is refused before
/// it is read, and so is a file over the limit, naming its size.
pub fn read_text_file_within(path: &Path, max_mb: u64) -> Result<(String, String), StoreError> {
    let (file, meta) = open_regular(path).map_err(io_err(path))?;
    if !meta.is_file() {
        let kind = file_kind(&meta);
        return Err(StoreError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("not a regular file ({kind}); not read")),
        });
    }
    if meta.len() > max_mb.saturating_mul(1_000_000) {
        return Err(StoreError::TooBig { path: path.to_path_buf(), bytes: meta.len(), max_mb });
    }
    let bytes = read_open(file, meta.len()).map_err(io_err(path))?;
    let d = decode_owned(bytes).map_err(|e| StoreError::Decode { path: path.to_path_buf(), message: e.to_string() })?;
    Ok((d.text, d.encoding))
}

/// One document of a JSONL file: line number (1-based), id, text, other fields.
pub type JsonlDoc = (usize, Option<String>, String, Extra);

/// The documents of a JSONL file.
pub fn read_jsonl(path: &Path) -> Result<Vec<JsonlDoc>, StoreError> {
    let (content, _) = read_text_file(path)?;
    parse_jsonl(&content, path)
}

/// The documents of a JSONL file's decoded text; `path` only names the file
/// in errors.
pub fn parse_jsonl(content: &str, path: &Path) -> Result<Vec<JsonlDoc>, StoreError> {
    let mut out = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| StoreError::Json {
            path: path.to_path_buf(),
            line: n,
            column: e.column(),
            message: e.to_string(),
        })?;
        let serde_json::Value::Object(mut map) = value else {
            return Err(StoreError::Json { path: path.to_path_buf(), line: n, column: 1, message: "a line must be a JSON object".into() });
        };
        let Some(serde_json::Value::String(text)) = map.remove("text") else {
            return Err(StoreError::Json { path: path.to_path_buf(), line: n, column: 1, message: "missing string field \"text\"".into() });
        };
        let id = match map.remove("id") {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        out.push((n, id, text, map.into_iter().collect()));
    }
    Ok(out)
}

/// Reads a `.json` file that is a spanlab dataset; `None` when it is some other JSON.
pub fn read_dataset_if_any(path: &Path) -> Result<Option<Dataset>, StoreError> {
    let (json, _) = read_text_file(path)?;
    parse_dataset_if_any(&json, path)
}

/// A decoded `.json` file's text as a spanlab dataset; `None` when it is some
/// other JSON. `path` only names the file in errors.
pub fn parse_dataset_if_any(json: &str, path: &Path) -> Result<Option<Dataset>, StoreError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| json_err(path, &e))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(crate::model::dataset::FORMAT) {
        return Ok(None);
    }
    Dataset::from_json(json).map(Some).map_err(|e| json_err(path, &e))
}

/// Reads a dataset file, failing on anything else.
pub fn read_dataset(path: &Path) -> Result<Dataset, StoreError> {
    read_dataset_if_any(path)?.ok_or_else(|| StoreError::NotADataset(path.to_path_buf()))
}

/// Where [`walk`] says what it passed over.
pub(super) struct Scan<'a> {
    /// Files that cannot be read as articles (named pipes, devices, links
    /// that lead nowhere or to a folder, folders that cannot be listed).
    pub warnings: &'a mut Vec<String>,
    /// What is passed over by rule (a README, `target/`, `node_modules/`,
    /// another `annotations/` folder).
    pub passed_over: &'a mut Vec<String>,
}

/// The files under `dir` that may be articles: regular files (or links to
/// them), with their paths relative to `root` (`/`-separated; a name that
/// is not UTF-8 is shown with U+FFFD, and read by its real path).
pub(super) fn walk(root: &Path, dir: &Path, annotations: &Path, out: &mut Vec<(String, PathBuf)>, scan: &mut Scan<'_>) {
    let list = match fs::read_dir(dir) {
        Ok(l) => l,
        Err(e) => {
            scan.warnings.push(format!("{}: cannot list: {e}", dir.display()));
            return;
        }
    };
    for entry in list.flatten() {
        let path = entry.path();
        let os_name = entry.file_name();
        let name = os_name.to_string_lossy().into_owned();
        if name.starts_with('.') || path == annotations {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if matches!(name.as_str(), "target" | "node_modules" | "annotations") {
                scan.passed_over.push(format!("{}: a {name} folder; its files are not read as articles", path.display()));
            } else {
                walk(root, &path, annotations, out, scan);
            }
            continue;
        }
        let meta = if kind.is_symlink() {
            match fs::metadata(&path) {
                Ok(target) if target.is_dir() => {
                    scan.warnings.push(format!("{}: symbolic link to a folder; passed over", path.display()));
                    continue;
                }
                Ok(target) => Some(target),
                // A dangling link or a loop: nothing to read.
                Err(e) => {
                    scan.warnings.push(format!("{}: symbolic link that leads nowhere ({e}); passed over", path.display()));
                    continue;
                }
            }
        } else if kind.is_file() {
            // The listing says so: no need to ask the file system again
            // (100,000 articles, 100,000 calls).
            None
        } else {
            match entry.metadata() {
                Ok(m) => Some(m),
                Err(_) => continue,
            }
        };
        if let Some(meta) = meta.filter(|m| !m.is_file()) {
            scan.warnings.push(format!("{}: {}, not a regular file; passed over", path.display(), file_kind(&meta)));
            continue;
        }
        if name.to_ascii_lowercase().starts_with("readme.") {
            scan.passed_over.push(format!("{}: a README; not read as an article", path.display()));
            continue;
        }
        if let Ok(rel) = path.strip_prefix(root) {
            let utf8 = rel.to_str().is_some();
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            if !utf8 {
                scan.warnings.push(format!("{}: its name is not UTF-8; it is read, and named {:?} here", path.display(), rel.join("/")));
            }
            out.push((rel.join("/"), path.clone()));
        }
    }
}
