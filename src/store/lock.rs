//! A project's locks (`annotations/.lock-PID-STAMP`): tell a second spanlab
//! that the project is open elsewhere, so it can warn its user.
//!
//! Owns: the lock files. Each running spanlab has its own, holding its
//! process id and host name, and keeps an exclusive lock (`flock`) on it:
//! the kernel drops that lock when the process ends, however it ends, so a
//! lock file whose lock can be taken was left by a crash and is removed. A
//! spanlab removes only its own lock file, never another's (an earlier
//! version's single `.lock` was overwritten by each new window and removed
//! by the first to quit). It warns; it does not forbid: files changed by
//! the other instance are caught when saving (see `store::writer`), and
//! each has its own journal (see `store::journal`).
//! Must not touch: the annotations.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::StoreError;

/// The lock's file name in the annotations folder of earlier versions,
/// still read (never written).
pub const LOCK_FILE: &str = ".lock";

/// How a lock file's name starts.
const PREFIX: &str = ".lock-";

/// A held lock; dropping it removes its file.
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
    /// Open, and locked, for as long as the lock is held.
    _file: File,
}

impl ProjectLock {
    /// Takes a lock on the project; also returns who else holds one, if
    /// another live process does (`pid 1234 on host`).
    pub fn acquire(annotations: &Path) -> Result<(Self, Option<String>), StoreError> {
        fs::create_dir_all(annotations).map_err(|e| io(annotations, e))?;
        let other = holder(annotations);
        let pid = std::process::id();
        for attempt in 0u32..1000 {
            let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let name = format!("{PREFIX}{pid}-{stamp:x}{attempt}");
            let path = annotations.join(&name);
            if fs::symlink_metadata(&path).is_ok() {
                continue;
            }
            // Written and locked under a name no one reads, then named: no
            // one ever finds it unlocked and takes it for a crashed one's.
            let creating = annotations.join(format!("{name}.tmp-new"));
            let mut file = match OpenOptions::new().create_new(true).read(true).write(true).open(&creating) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                // The folder, not the fresh name tried: a retry on a
                // read-only folder says the same thing again (and is said
                // once).
                Err(e) => return Err(io(annotations, e)),
            };
            let named = file
                .write_all(format!("{pid} {}", host_name()).as_bytes())
                .and_then(|()| {
                    file.try_lock().map_err(|e| match e {
                        fs::TryLockError::Error(e) => e,
                        fs::TryLockError::WouldBlock => std::io::Error::other("locked by another process"),
                    })
                })
                .and_then(|()| fs::rename(&creating, &path));
            if let Err(e) = named {
                let _ = fs::remove_file(&creating);
                return Err(io(annotations, e));
            }
            return Ok((Self { path, _file: file }, other));
        }
        Err(io(annotations, std::io::Error::other("cannot find a free name for a lock")))
    }
}

impl Drop for ProjectLock {
    /// Removes this lock's own file (no one else's).
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Who holds a lock on an annotations folder, if a live process other
/// than this one does (`pid 1234 on host`). Lock files left by crashed
/// processes are removed on the way.
pub fn holder(annotations: &Path) -> Option<String> {
    let mut found = None;
    if let Ok(list) = fs::read_dir(annotations) {
        let mut names: Vec<PathBuf> = list
            .flatten()
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.starts_with(PREFIX) && !n.ends_with(".tmp-new")
            })
            .map(|e| e.path())
            .collect();
        names.sort();
        for path in names {
            let Ok(mut file) = File::open(&path) else { continue };
            match file.try_lock() {
                Ok(()) => {
                    // Its process is gone.
                    let _ = fs::remove_file(&path);
                }
                Err(fs::TryLockError::WouldBlock) => {
                    let mut held = String::new();
                    let _ = file.read_to_string(&mut held);
                    let mut parts = held.split_whitespace();
                    let pid: Option<u32> = parts.next().and_then(|p| p.parse().ok());
                    if pid == Some(std::process::id()) {
                        continue;
                    }
                    let host = parts.next().unwrap_or("");
                    found.get_or_insert_with(|| {
                        format!(
                            "pid {} on {}",
                            pid.map_or_else(|| "?".to_owned(), |p| p.to_string()),
                            if host.is_empty() { "this machine" } else { host }
                        )
                    });
                }
                Err(fs::TryLockError::Error(_)) => {}
            }
        }
    }
    found.or_else(|| legacy_holder(annotations))
}

/// Who holds the single `.lock` of an earlier version, if a live process
/// other than this one does.
pub fn legacy_holder(annotations: &Path) -> Option<String> {
    let held = fs::read_to_string(annotations.join(LOCK_FILE)).ok()?;
    let host = host_name();
    let mut parts = held.split_whitespace();
    let pid: u32 = parts.next()?.parse().ok()?;
    let their_host = parts.next().unwrap_or("");
    let alive = if their_host == host { process_alive(pid) } else { true };
    (alive && pid != std::process::id())
        .then(|| format!("pid {pid} on {}", if their_host.is_empty() { "this machine" } else { their_host }))
}

fn host_name() -> String {
    fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_default()
}

/// Whether a process of this machine is running (Linux: `/proc/PID`;
/// elsewhere assumed running).
pub(crate) fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.is_dir() { proc.join(pid.to_string()).exists() } else { true }
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io { path: path.to_path_buf(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock_files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".lock"))
            .collect();
        v.sort();
        v
    }

    /// D2: a second holder's quit removes its own lock, never the first one's.
    #[test]
    fn each_holder_has_its_own_lock_and_removes_only_it() {
        let dir = tempfile::tempdir().unwrap();
        let (first, other) = ProjectLock::acquire(dir.path()).unwrap();
        assert_eq!(other, None);
        // Pretend another live process holds a lock (a file locked through
        // another open file description counts as another holder).
        let theirs = dir.path().join(".lock-1-0");
        fs::write(&theirs, "1 elsewhere").unwrap();
        let held = File::open(&theirs).unwrap();
        held.try_lock().unwrap();
        let (second, other) = ProjectLock::acquire(dir.path()).unwrap();
        assert_eq!(other.as_deref(), Some("pid 1 on elsewhere"));
        assert_eq!(lock_files(dir.path()).len(), 3);
        drop(second);
        drop(first);
        assert_eq!(lock_files(dir.path()), [".lock-1-0"], "theirs stays");
        assert_eq!(holder(dir.path()).as_deref(), Some("pid 1 on elsewhere"));
        // Once its process is gone (its lock dropped), its file is cleaned up.
        drop(held);
        assert_eq!(holder(dir.path()), None);
        assert!(lock_files(dir.path()).is_empty());
    }

    #[test]
    fn an_earlier_versions_lock_is_read_and_a_dead_one_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let host = host_name();
        fs::write(dir.path().join(LOCK_FILE), format!("1 {host}")).unwrap();
        assert!(holder(dir.path()).is_some_and(|o| o.starts_with("pid 1 ")));
        fs::write(dir.path().join(LOCK_FILE), format!("4000000000 {host}")).unwrap();
        assert_eq!(holder(dir.path()), None);
        let (_mine, other) = ProjectLock::acquire(dir.path()).unwrap();
        assert_eq!(other, None);
    }
}
