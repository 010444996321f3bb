//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `../shared` beside the repository, if present. Tests that read it say so
/// and skip (with a message) only when it is absent.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared");
    if p.join("eval").join("seeds.gold.json").is_file() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared is absent");
        None
    }
}

/// Runs the spanlab binary.
pub fn spanlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spanlab")).args(args).output().expect("spanlab runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}
