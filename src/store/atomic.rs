//! Atomic file writes: a temporary file in the same folder, written and
//! fsynced, renamed over the target, then the folder fsynced. A crash leaves
//! either the old file or the new one, never a mix.
//!
//! A target that exists and is not a regular file or a folder (a device such
//! as `/dev/stdout` or `/dev/full`, a named pipe) is written into directly:
//! renaming over it would replace the device with a file.
//!
//! The temporary file is `.NAME.tmp-PID-N`, with `NAME` cut short when the
//! whole would pass the 255 bytes a file name may have (a target whose own
//! name is 235 to 255 bytes long could otherwise never be written). A
//! process killed mid-write leaves its temporary file behind:
//! [`remove_stale_temporaries`] removes those of processes that are gone.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically, creating the parent folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// [`write_atomic`] of what `write` writes into the (buffered) file as it
/// makes it, never whole in memory. When `write` fails, nothing replaces
/// `path` and its error is returned.
pub fn write_atomic_with<E: From<io::Error>>(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<(), E>) -> Result<(), E> {
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        let mut f = io::BufWriter::new(OpenOptions::new().write(true).open(path)?);
        write(&mut f)?;
        return Ok(f.flush()?);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Err(e) = fs::create_dir_all(dir) {
        // "File exists" would not say which file is in the way.
        return Err(if dir.exists() && !dir.is_dir() {
            io::Error::new(io::ErrorKind::NotADirectory, format!("{} is a file, not a folder", dir.display()))
        } else {
            e
        }
        .into());
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".to_owned());
    let tmp = dir.join(temporary_name(&name, std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    replace_through(&tmp, dir, path, write)
}

/// The longest file name, in bytes, that common file systems take.
pub const NAME_MAX: usize = 255;

/// `.NAME.tmp-PID-N`, with `NAME` cut (on a character boundary) so that the
/// whole fits in [`NAME_MAX`] bytes.
fn temporary_name(name: &str, pid: u32, n: u64) -> String {
    let tail = format!(".tmp-{pid}-{n}");
    let room = NAME_MAX.saturating_sub(1 + tail.len());
    let mut cut = name.len().min(room);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(".{}{tail}", name.get(..cut).unwrap_or(""))
}

/// Removes, from a folder, the temporary files (`.NAME.tmp-PID-N`, and
/// folders so named by folder exports) that processes killed mid-write
/// left: those whose process is gone. Best effort; returns how many it
/// removed.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(list) = fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in list.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with('.') {
            continue;
        }
        let Some((_, tail)) = name.rsplit_once(".tmp-") else { continue };
        let Some((pid, n)) = tail.split_once('-') else { continue };
        let (Ok(pid), true) = (pid.parse::<u32>(), !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) else { continue };
        if pid == std::process::id() || super::lock::process_alive(pid) {
            continue;
        }
        let gone = match entry.file_type() {
            Ok(t) if t.is_file() => fs::remove_file(entry.path()).is_ok(),
            // A folder export written aside (see `store::convert`).
            Ok(t) if t.is_dir() => fs::remove_dir_all(entry.path()).is_ok(),
            _ => false,
        };
        removed += usize::from(gone);
    }
    removed
}

/// Writes what `write` writes to the new file `tmp` in `dir`, then renames
/// it over `path`; on any failure `tmp` is removed and `path` is left as it
/// was.
fn replace_through<E: From<io::Error>>(
    tmp: &Path,
    dir: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let mut created = false;
    let result = (|| {
        let f = OpenOptions::new().write(true).create_new(true).open(tmp)?;
        created = true;
        let mut out = io::BufWriter::with_capacity(1 << 16, f);
        write(&mut out)?;
        let f = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        f.sync_all()?;
        drop(f);
        fs::rename(tmp, path)?;
        Ok(sync_dir(dir)?)
    })();
    if result.is_err() && created {
        let _ = fs::remove_file(tmp);
    }
    result
}

/// Flushes a folder's entries (the rename) to disk; a no-op where folders
/// cannot be opened (Windows).
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    match File::open(dir) {
        Ok(d) => d.sync_all().or(Ok(())),
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("sub").join("a.json");
        write_atomic(&p, b"first").expect("write");
        write_atomic(&p, b"second").expect("write");
        assert_eq!(fs::read(&p).expect("read"), b"second");
        let names: Vec<_> = fs::read_dir(p.parent().expect("parent")).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    /// D15: a target whose name is 235 to 255 bytes long is written (the
    /// temporary name used to pass 255 bytes).
    #[test]
    fn d15_a_target_with_a_name_of_255_bytes_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        for len in [235, 250, 255] {
            let p = dir.path().join("a".repeat(len));
            write_atomic(&p, b"x").expect("a long name");
            assert_eq!(fs::read(&p).expect("read"), b"x");
        }
        let p = dir.path().join(format!("{}.json", "é".repeat(125)));
        write_atomic(&p, b"y").expect("a long name of two-byte characters");
        assert_eq!(fs::read(&p).expect("read"), b"y");
        assert!(temporary_name(&"é".repeat(200), 4_000_000, 99).len() <= NAME_MAX);
    }

    #[test]
    fn temporaries_of_dead_processes_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in [".a.json.tmp-4000000000-0", ".a.json.tmp-1-3", ".keep", "b.tmp-4000000000-0"] {
            fs::write(dir.path().join(name), b"").expect("write");
        }
        assert_eq!(remove_stale_temporaries(dir.path()), 1);
        let mut left: Vec<_> = fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
        left.sort();
        assert_eq!(left, [".a.json.tmp-1-3", ".keep", "b.tmp-4000000000-0"], "pid 1 lives; not ours otherwise");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let full = write_atomic(Path::new("/dev/full"), b"x").expect_err("the device is full");
        assert_eq!(full.raw_os_error(), Some(28), "{full}");
        assert!(fs::metadata("/dev/full").expect("meta").file_type().is_char_device(), "still the device");
        write_atomic(Path::new("/dev/null"), b"x").expect("/dev/null takes anything");
        assert!(fs::metadata("/dev/null").expect("meta").file_type().is_char_device(), "still the device");
    }

    /// Each failure here happens whoever runs the tests, root included
    /// (permissions would not stop root).
    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.json");
        write_atomic(&p, b"saved").expect("write");
        let listing = || {
            let mut names: Vec<_> = fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
            names.sort();
            names
        };

        // A folder stands where the temporary file must go: it cannot be
        // created, and the folder is not removed as if it were ours.
        let tmp = dir.path().join(".a.json.tmp-test");
        fs::create_dir(&tmp).expect("mkdir");
        fs::write(tmp.join("inside"), b"x").expect("write");
        let e = replace_through(&tmp, dir.path(), &p, |out| out.write_all(b"lost")).expect_err("a folder is in the way");
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
        assert_eq!(fs::read(&p).expect("read"), b"saved");
        assert_eq!(fs::read(tmp.join("inside")).expect("read"), b"x");
        fs::remove_dir_all(&tmp).expect("rmdir");

        // A folder stands where the target must go: the temporary file is
        // written, the rename fails, the temporary file is removed.
        let target = dir.path().join("b.json");
        fs::create_dir(&target).expect("mkdir");
        fs::write(target.join("old"), b"kept").expect("write");
        assert!(write_atomic(&target, b"lost").is_err(), "a file cannot replace a folder");
        assert_eq!(fs::read(target.join("old")).expect("read"), b"kept");
        assert_eq!(listing(), ["a.json", "b.json"], "no temporary file left");

        // The target's folder is a file: nothing can be written under it.
        let under = p.join("c.json");
        let e = write_atomic(&under, b"lost").expect_err("a path under a file");
        assert!(e.to_string().contains("is a file, not a folder"), "{e}");
        assert_eq!(fs::read(&p).expect("read"), b"saved");
        assert_eq!(listing(), ["a.json", "b.json"]);
    }
}
