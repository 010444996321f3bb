//! For unit tests only: what a test does when something it needs from
//! outside the repository (python3) is missing. The same decision as the
//! integration tests' helper (`tests/common`): under `CI=true` (CI sets it,
//! `.ci/run` exports it) the test fails, since a skipped test would pass
//! having checked nothing; elsewhere it says it skipped.
//!
//! Owns: that decision. Must not touch: anything the tests test.

use std::process::Command;

/// True under `CI=true`.
pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// `found`, or, when it is `None`, a failure under `CI=true` and a
/// `skipped: <what> is missing` message elsewhere (the caller returns).
pub(crate) fn require<T>(found: Option<T>, what: &str) -> Option<T> {
    if found.is_none() {
        assert!(!in_ci(), "{what} is missing: under CI=true a test fails rather than skip");
        eprintln!("skipped: {what} is missing");
    }
    found
}

/// The `python3` command, when it runs ([`require`]d).
pub(crate) fn python3() -> Option<&'static str> {
    let runs = Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    require(runs.then_some("python3"), "python3")
}

/// A seeded pseudo-random number generator for property tests written by
/// hand: each call gives a number in `0..n` (0 when `n` is 0), the same
/// sequence for the same seed on every machine.
pub(crate) fn seeded(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n.max(1)
    }
}
