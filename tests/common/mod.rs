//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// True under `CI=true`, which CI sets and `.ci/run` exports.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// What a test needs from outside the repository (`../shared`, python3,
/// spaCy, a wgpu adapter): `found`, or, when it is `None`, the one decision
/// of what happens then. Under `CI=true` the test fails here, since a
/// skipped test would pass having checked nothing; elsewhere it prints
/// `skipped: <what> is missing` and the caller returns.
pub fn require<T>(found: Option<T>, what: &str) -> Option<T> {
    if found.is_none() {
        assert!(!in_ci(), "{what} is missing: under CI=true a test fails rather than skip");
        eprintln!("skipped: {what} is missing");
    }
    found
}

/// `../shared` beside the repository ([`require`]d).
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared");
    require(p.join("eval").join("seeds.gold.json").is_file().then_some(p), "../shared (beside the repository)")
}

/// The `python3` command, when it runs ([`require`]d).
pub fn python3() -> Option<&'static str> {
    let runs = Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    require(runs.then_some("python3"), "python3")
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
