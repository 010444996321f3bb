//! A project's lock (`annotations/.lock`): tells a second spanlab that the
//! project is open elsewhere, so it can warn its user.
//!
//! Owns: the lock file, holding the owner's process id and host name. A
//! lock whose process is gone (a crash) is taken over. It warns; it does
//! not forbid: files changed by the other instance are caught when saving
//! (see `store::writer`).
//! Must not touch: the annotations.

use std::fs;
use std::path::{Path, PathBuf};

use super::StoreError;

/// The lock's file name in the annotations folder.
pub const LOCK_FILE: &str = ".lock";

/// A held lock; dropping it removes the file (if it is still ours).
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
    mine: String,
}

impl ProjectLock {
    /// Takes the lock; also returns who else holds it, if another live
    /// process does (`pid 1234 on host`).
    pub fn acquire(annotations: &Path) -> Result<(Self, Option<String>), StoreError> {
        fs::create_dir_all(annotations).map_err(|e| StoreError::Io { path: annotations.to_path_buf(), source: e })?;
        let path = annotations.join(LOCK_FILE);
        let mine = format!("{} {}", std::process::id(), host_name());
        let other = holder(annotations);
        // Written plainly (not atomically): a torn lock only makes a warning wrong.
        fs::write(&path, &mine).map_err(|e| StoreError::Io { path: path.clone(), source: e })?;
        Ok((Self { path, mine }, other))
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        if fs::read_to_string(&self.path).is_ok_and(|held| held == self.mine) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Who holds the lock of an annotations folder, if a live process other
/// than this one does (`pid 1234 on host`).
pub fn holder(annotations: &Path) -> Option<String> {
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
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.is_dir() { proc.join(pid.to_string()).exists() } else { true }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_named_and_a_dead_one_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let (first, other) = ProjectLock::acquire(dir.path()).unwrap();
        assert_eq!(other, None);
        // Pretend another live process (pid 1 exists on Linux) holds it.
        let host = fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_default();
        fs::write(dir.path().join(LOCK_FILE), format!("1 {host}")).unwrap();
        let (second, other) = ProjectLock::acquire(dir.path()).unwrap();
        assert!(other.is_some_and(|o| o.starts_with("pid 1 ")));
        // A lock now held by someone else is not removed on drop.
        fs::write(dir.path().join(LOCK_FILE), format!("1 {host}")).unwrap();
        drop(first);
        drop(second);
        assert!(dir.path().join(LOCK_FILE).exists(), "not ours any more");
        // Ours is removed on drop.
        fs::remove_file(dir.path().join(LOCK_FILE)).unwrap();
        let (mine, _) = ProjectLock::acquire(dir.path()).unwrap();
        drop(mine);
        assert!(!dir.path().join(LOCK_FILE).exists());
        // A lock left by a dead process is taken over silently.
        fs::write(dir.path().join(LOCK_FILE), format!("4000000000 {host}")).unwrap();
        let (_third, other) = ProjectLock::acquire(dir.path()).unwrap();
        assert_eq!(other, None);
    }
}
