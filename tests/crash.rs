//! Crash safety: a helper process (`spanlab crash-helper`) edits a project
//! through the same writer as the window, printing `ack S E` once each
//! edit is on disk, and is killed with SIGKILL at random moments. After
//! each kill: recovery runs, every annotation file parses, and every
//! acknowledged edit is there.
//!
//! - one writer, killed 200 times;
//! - two writers on one project (two windows), each on its own document,
//!   started, saving and killed at independent random moments;
//! - a full disk: the annotations folder on a small tmpfs that fills up
//!   under the writer;
//!
//! and, scripted step by step, each way of losing acknowledged edits that
//! issue 14 found (D1 to D4). `SPANLAB_CRASH_ROUNDS=1000 cargo test
//! --release --test crash -- --nocapture` for the soak.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::Mount;
use spanlab::model::{CharIdx, DocId};
use spanlab::store::Project;
use spanlab::store::journal::Recovery;

/// A small deterministic generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn rounds(default: usize) -> usize {
    std::env::var("SPANLAB_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A project with two long articles `a` and `b` (é and emoji keep offsets honest).
fn corpus(dir: &Path) -> PathBuf {
    let root = dir.join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    for (name, words) in [("a", 60_000), ("b", 20_000)] {
        let text: String = (0..words).map(|i| if i % 12 == 11 { format!("{name}{i}é.\r\n") } else { format!("{name}{i} 😀 ") }).collect();
        std::fs::write(root.join(format!("{name}.txt")), &text).unwrap();
    }
    root
}

/// The acknowledged edits in a helper's output.
fn acks(lines: &[String]) -> Vec<(usize, usize)> {
    lines
        .iter()
        .filter_map(|l| {
            let mut p = l.split(' ');
            match (p.next(), p.next().and_then(|s| s.parse().ok()), p.next().and_then(|e| e.parse().ok())) {
                (Some("ack"), Some(s), Some(e)) => Some((s, e)),
                _ => None,
            }
        })
        .collect()
}

/// A crash helper running free (no script), its output read in the background.
struct Free {
    child: Child,
    reader: std::thread::JoinHandle<Vec<String>>,
}

impl Free {
    fn start(root: &Path, annotations: Option<&Path>, doc: &str) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_spanlab"));
        cmd.args(["crash-helper", root.to_str().unwrap(), "--doc", doc]);
        if let Some(a) = annotations {
            cmd.arg("--annotations").arg(a);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<String>>());
        Self { child, reader }
    }

    /// Kills it: whether it was still running, and what it acknowledged.
    fn kill(self) -> (bool, Vec<(usize, usize)>) {
        let (killed, lines) = self.kill_lines();
        (killed, acks(&lines))
    }

    /// Kills it: whether it was still running, and every line it printed.
    fn kill_lines(mut self) -> (bool, Vec<String>) {
        self.child.kill().unwrap();
        let status = self.child.wait().unwrap();
        (status.code().is_none(), self.reader.join().unwrap())
    }
}

/// A crash helper driven line by line (`--script`).
struct Scripted {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    /// Every line it printed.
    said: Vec<String>,
}

impl Scripted {
    fn start(root: &Path, annotations: Option<&Path>, doc: &str) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_spanlab"));
        cmd.args(["crash-helper", root.to_str().unwrap(), "--script", "--doc", doc]);
        if let Some(a) = annotations {
            cmd.arg("--annotations").arg(a);
        }
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut s = Self { child, stdin, lines, said: Vec::new() };
        s.until("ready");
        s
    }

    fn until(&mut self, word: &str) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let line = self.lines.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("no {word:?} after {out:?}"));
            self.said.push(line.clone());
            if line == word {
                return out;
            }
            out.push(line);
        }
    }

    /// Runs a command; the lines it printed before `done`.
    fn run(&mut self, command: &str) -> Vec<String> {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        self.until("done")
    }

    fn acked(&self) -> Vec<(usize, usize)> {
        acks(&self.said)
    }

    fn kill(mut self) -> Vec<(usize, usize)> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.acked()
    }
}

/// What the next start does: recover, then every file must load and every
/// acknowledged edit of each document be there. Returns the recovery.
fn check(root: &Path, annotations: Option<&Path>, acked: &[(&str, &BTreeSet<(usize, usize)>)], round: usize) -> Recovery {
    let mut project = Project::open(root, annotations).unwrap();
    let recovery = project.recover_journal().unwrap_or_else(|e| panic!("round {round}: recovery failed: {e}"));
    assert!(recovery.conflicts.is_empty() && recovery.kept_in.is_empty(), "round {round}: {recovery:?}");
    for i in 0..project.entries.len() {
        project.load(i).unwrap_or_else(|e| panic!("round {round}: document {i} does not load: {e}"));
    }
    for (id, edits) in acked {
        let doc = project.load(project.position(&DocId((*id).into())).unwrap()).unwrap().doc;
        for &(s, e) in edits.iter() {
            assert!(
                doc.spans().iter().any(|sp| sp.start == CharIdx::new(s) && sp.end == CharIdx::new(e)),
                "round {round}: the acknowledged edit on [{s}, {e}) of {id} was lost ({recovery:?})"
            );
        }
    }
    recovery
}

fn set(v: Vec<(usize, usize)>) -> BTreeSet<(usize, usize)> {
    v.into_iter().collect()
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_edit() {
    let rounds = rounds(200);
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let mut rng = Lcg(0x5eed);
    let mut acked: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut killed_mid_run = 0;
    for round in 0..rounds {
        let helper = Free::start(&root, None, "a");
        std::thread::sleep(Duration::from_millis(5 + rng.next() % 120));
        let (killed, got) = helper.kill();
        killed_mid_run += usize::from(killed);
        acked.extend(got);
        check(&root, None, &[("a", &acked)], round);
    }
    assert!(killed_mid_run * 10 >= rounds * 9, "most runs must be killed, not finish: {killed_mid_run}/{rounds}");
    assert!(acked.len() >= rounds, "edits were acknowledged: {} in {rounds} rounds", acked.len());
    eprintln!("one writer: {rounds} kills, {} acknowledged edits, none lost", acked.len());
}

/// Two windows on one project: each writer starts (recovering what the
/// other left, while the other runs), saves and is killed at its own
/// random moments.
#[test]
fn two_writers_killed_at_random_moments_lose_no_acknowledged_edit() {
    let rounds = rounds(200) / 2;
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let mut rng = Lcg(0x2_5eed);
    let (mut a, mut b) = (BTreeSet::new(), BTreeSet::new());
    let mut recovered = 0;
    for round in 0..rounds {
        let first_a = rng.next().is_multiple_of(2);
        let (one, two) = if first_a { ("a", "b") } else { ("b", "a") };
        let h1 = Free::start(&root, None, one);
        std::thread::sleep(Duration::from_millis(rng.next() % 60));
        let h2 = Free::start(&root, None, two);
        std::thread::sleep(Duration::from_millis(5 + rng.next() % 90));
        // One dies first; the other goes on saving (and emptying its journal).
        let (first, second, first_id) = if rng.next().is_multiple_of(2) { (h1, h2, one) } else { (h2, h1, two) };
        let (_, got) = first.kill();
        if first_id == "a" {
            a.extend(got)
        } else {
            b.extend(got)
        }
        std::thread::sleep(Duration::from_millis(rng.next() % 90));
        let second_id = if first_id == one { two } else { one };
        let (_, got) = second.kill();
        if second_id == "a" {
            a.extend(got)
        } else {
            b.extend(got)
        }
        let r = check(&root, None, &[("a", &a), ("b", &b)], round);
        recovered += r.recovered.iter().map(|x| x.1).sum::<usize>();
    }
    assert!(a.len() >= rounds && b.len() >= rounds, "both wrote: {} and {}", a.len(), b.len());
    eprintln!(
        "two writers: {rounds} rounds ({} kills), {} acknowledged edits, {recovered} recovered from journals, none lost",
        rounds * 2,
        a.len() + b.len()
    );
}

/// The annotations folder on a small disk that fills up under the writer:
/// journal appends and saves fail, the writer goes on, and whatever it
/// acknowledged survives the kill.
#[test]
fn a_full_disk_and_sigkill_lose_no_acknowledged_edit() {
    let rounds = rounds(200) / 2;
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let Some(disk) = Mount::tmpfs(&dir.path().join("disk"), 64 * 1024) else { return };
    let ann = disk.path.join("annotations");
    let mut rng = Lcg(0xf011);
    let mut acked = BTreeSet::new();
    let mut failures = 0;
    for round in 0..rounds {
        // A little room, less than the next saves need.
        let used = disk.used();
        assert!(disk.resize(used + 4096 * (1 + rng.next() % 6)), "resize");
        let helper = Free::start(&root, Some(&ann), "a");
        std::thread::sleep(Duration::from_millis(5 + rng.next() % 150));
        let (_, lines) = helper.kill_lines();
        acked.extend(acks(&lines));
        failures += lines.iter().filter(|l| l.starts_with("fail ") && l.contains("No space left")).count();
        // The user frees some space; the next start recovers.
        assert!(disk.resize(used + (8 << 20)), "resize");
        let r = check(&root, Some(&ann), &[("a", &acked)], round);
        assert_eq!(r.damaged_lines, 0, "round {round}: appends are whole or absent: {r:?}");
    }
    assert!(acked.len() >= rounds / 2, "edits were acknowledged: {} in {rounds} rounds", acked.len());
    assert!(failures >= rounds, "the disk was full under the writer: {failures} failed writes in {rounds} rounds");
    eprintln!("full disk: {rounds} kills on a filling disk, {failures} failed writes, {} acknowledged edits, none lost", acked.len());
}

/// D1: window A's save emptied the journal both windows shared, erasing
/// window B's journaled edit; B crashed and it was gone. Each writer has
/// its own journal now.
#[test]
fn d1_a_windows_save_never_empties_another_windows_journal() {
    for run in 0..4 {
        let dir = tempfile::tempdir().unwrap();
        let root = corpus(dir.path());
        let (first, second) = if run % 2 == 0 { ("a", "b") } else { ("b", "a") };
        let mut b = Scripted::start(&root, None, first);
        b.run("edit 3");
        assert_eq!(b.acked().len(), 3, "{:?}", b.said);
        let mut a = Scripted::start(&root, None, second);
        a.run("edit 2");
        a.run("save");
        let a_acked = set(a.acked());
        let b_acked = set(b.kill());
        let a_acked2 = set(a.kill());
        assert!(a_acked.is_subset(&a_acked2));
        check(&root, None, &[(first, &b_acked), (second, &a_acked2)], run);
    }
}

/// D2: a second window's quit deleted the first one's lock, and its start
/// (or `spanlab export` after it) replayed and emptied the first one's live
/// journal; the first one's next edit then ended aside under a wrong message.
#[test]
fn d2_a_second_window_and_export_never_touch_a_running_windows_journal_or_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let ann = root.join("annotations");
    let mut a = Scripted::start(&root, None, "a");
    a.run("edit 3");
    let journals = || spanlab::store::journal::journal_files(&ann);
    let before: Vec<(PathBuf, Vec<u8>)> = journals().into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect();
    assert_eq!(before.len(), 1, "{before:?}");
    // A second window starts (recovering), edits another document and quits.
    let o = Command::new(env!("CARGO_BIN_EXE_spanlab"))
        .args(["crash-helper", root.to_str().unwrap(), "--doc", "b", "--edits", "2"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let holder = spanlab::store::lock::holder(&ann).expect("the first window still holds its lock");
    assert!(holder.starts_with(&format!("pid {} ", a.child.id())), "{holder}");
    // Then an export of the project.
    let out = dir.path().join("export.json");
    let o = common::spanlab(&["export", root.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    for (path, bytes) in &before {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "the running window's journal is untouched");
    }
    a.run("edit 2");
    let acked = set(a.kill());
    assert_eq!(acked.len(), 5);
    let r = check(&root, None, &[("a", &acked)], 0);
    assert!(r.recovered.iter().any(|(d, n)| d == "a" && *n >= 5), "{r:?}");
    let kept: Vec<_> =
        std::fs::read_dir(&ann).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().contains("unrecovered")).collect();
    assert!(kept.is_empty(), "{kept:?}");
}

/// D3: after the annotations folder was removed (`rm -rf`, `git clean`),
/// the journal went on writing into a deleted file. The writer notices,
/// opens a new journal, saves the unsaved document again and says so.
#[test]
fn d3_edits_survive_the_annotations_folder_removed_under_a_running_window() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let ann = root.join("annotations");
    let mut a = Scripted::start(&root, None, "a");
    a.run("edit 2");
    a.run("save");
    a.run("edit 2");
    assert!(ann.join(".gitignore").is_file(), "the annotations folder has its .gitignore");
    std::fs::remove_dir_all(&ann).unwrap();
    let said = a.run("edit 1");
    assert!(said.iter().any(|l| l.starts_with("reopened ") && l.contains("saved again")), "the user is told: {said:?}");
    assert!(ann.join(".gitignore").is_file(), "written again");
    let acked = set(a.kill());
    assert_eq!(acked.len(), 5);
    check(&root, None, &[("a", &acked)], 0);
}

/// D3: a checkout replacing the journal (a file put in its place) is
/// noticed the same way.
#[test]
fn d3_edits_survive_the_journal_replaced_by_a_checkout() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let ann = root.join("annotations");
    let mut a = Scripted::start(&root, None, "a");
    a.run("edit 2");
    a.run("save");
    a.run("edit 2");
    for journal in spanlab::store::journal::journal_files(&ann) {
        let checked_out = ann.join("checked-out");
        std::fs::write(&checked_out, "").unwrap();
        std::fs::rename(&checked_out, &journal).unwrap();
    }
    let said = a.run("edit 1");
    assert!(said.iter().any(|l| l.starts_with("reopened ")), "{said:?}");
    let acked = set(a.kill());
    assert_eq!(acked.len(), 5);
    check(&root, None, &[("a", &acked)], 0);
}

/// D4: on a full disk, a failed append left half a line, the next append
/// was glued to it, and recovery stopped at the first bad line, dropping
/// every later edit. Appends are whole or absent now.
#[test]
fn d4_a_full_disk_never_tears_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let Some(disk) = Mount::tmpfs(&dir.path().join("disk"), 64 * 1024) else { return };
    let ann = disk.path.join("annotations");
    let mut a = Scripted::start(&root, Some(&ann), "a");
    a.run("edit 2");
    let filler = disk.fill("filler");
    // An edit longer than the room left in the journal's last page.
    let said = a.run("comment 3000");
    assert!(said.iter().any(|l| l.starts_with("fail ") && l.contains("No space left")), "{said:?}");
    let sizes: Vec<u64> = spanlab::store::journal::journal_files(&ann).iter().map(|p| std::fs::metadata(p).unwrap().len()).collect();
    for p in spanlab::store::journal::journal_files(&ann) {
        let bytes = std::fs::read(&p).unwrap();
        assert!(bytes.is_empty() || bytes.ends_with(b"\n"), "no half line in {}", p.display());
    }
    std::fs::remove_file(&filler).unwrap();
    // The failure was told once: the writer did not try the journal again
    // after answering (a retry racing the reader could leave half a line).
    let said = a.run("edit 2");
    assert!(!said.iter().any(|l| l.starts_with("fail ")), "a stale failure: {said:?}");
    let acked = set(a.kill());
    assert_eq!(acked.len(), 4, "sizes {sizes:?}");
    let r = check(&root, Some(&ann), &[("a", &acked)], 0);
    assert_eq!((r.torn_lines, r.damaged_lines), (0, 0), "{r:?}");
    drop(disk);
}
