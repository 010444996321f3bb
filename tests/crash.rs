//! Crash safety: a helper process (`spanlab crash-helper`) edits a project
//! through the same writer as the window, printing `ack` once each edit is
//! journaled, and is killed with SIGKILL at random moments, 200 times
//! (`SPANLAB_CRASH_ROUNDS=1000 cargo test --release --test crash` for the
//! soak). After each kill: recovery runs, every annotation file parses,
//! and every acknowledged edit is there.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use spanlab::model::CharIdx;
use spanlab::store::Project;

/// A small deterministic generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_edit() {
    let rounds: usize = std::env::var("SPANLAB_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    // Enough words for every round to add spans: é and emoji keep offsets honest.
    let text: String = (0..60_000).map(|i| if i % 12 == 11 { format!("Mot{i}é.\r\n") } else { format!("Mot{i} 😀 ") }).collect();
    std::fs::write(root.join("a.txt"), &text).unwrap();
    std::fs::write(root.join("b.txt"), "Un autre texte.").unwrap();
    let mut rng = Lcg(0x5eed);
    let mut acked: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut killed_mid_run = 0;
    for round in 0..rounds {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spanlab"))
            .args(["crash-helper", root.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<String>>());
        std::thread::sleep(Duration::from_millis(5 + rng.next() % 120));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed_mid_run += 1;
        }
        for line in reader.join().unwrap() {
            let parts: Vec<&str> = line.split(' ').collect();
            if let ["ack", s, e] = parts.as_slice() {
                acked.insert((s.parse().unwrap(), e.parse().unwrap()));
            }
        }
        // What the next start does: recover, then every file must load.
        let mut project = Project::open(&root, None).unwrap();
        let recovery = project.recover_journal().unwrap_or_else(|e| panic!("round {round}: recovery failed: {e}"));
        assert!(recovery.conflicts.is_empty(), "round {round}: {recovery:?}");
        for i in 0..project.entries.len() {
            project.load(i).unwrap_or_else(|e| panic!("round {round}: document {i} does not load: {e}"));
        }
        let doc = project.load(0).unwrap().doc;
        for &(s, e) in &acked {
            assert!(
                doc.spans().iter().any(|sp| sp.start == CharIdx::new(s) && sp.end == CharIdx::new(e)),
                "round {round}: the acknowledged edit on [{s}, {e}) was lost"
            );
        }
    }
    assert!(killed_mid_run * 10 >= rounds * 9, "most runs must be killed, not finish: {killed_mid_run}/{rounds}");
    assert!(acked.len() >= rounds, "edits were acknowledged: {} in {rounds} rounds", acked.len());
    eprintln!("{rounds} kills, {} acknowledged edits, none lost", acked.len());
}
