//! Streams in constant memory: `cargo bench --bench stream` pipes 1,000,
//! 10,000 and 100,000 JSONL documents through the `spanlab` binary, as a
//! batch engine would (`suggest - --out -`, then `convert - - --from
//! doccano --to gold-lines`), and prints for each run the lines per second
//! and the process's peak resident memory (VmHWM), read from /proc while
//! the process, having answered every line, still waits for more input.
//!
//! Flat memory means the peak at 100,000 lines is that at 1,000 (a stream
//! holds batches of `STREAM_BATCH` lines, never the whole input).
//! `SPANLAB_STREAM_LINES=N,M` measures other line counts.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::json;

/// `n` JSONL documents with ids, a field of their own, accents and an
/// emoji, in both shapes the runs read: a `text` (and a doccano `label`).
fn input(n: usize) -> Vec<u8> {
    let mut s = String::new();
    for i in 0..n {
        let text = format!(
            "Emmanuel Macron a reçu Sergueï Lavrov à Paris le {} mai {}, avant la réunion de l'ONU à Genève 😀.",
            i % 28 + 1,
            1990 + i % 30
        );
        s.push_str(&json!({"id": format!("d{i:06}"), "text": text, "n": i, "label": [[0, 15, "PER"]]}).to_string());
        s.push('\n');
    }
    s.into_bytes()
}

/// Pipes `n` lines through `spanlab ARGS`; (seconds until the last line
/// came back, peak resident memory in KiB).
fn run(args: &[&str], n: usize) -> (f64, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spanlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spanlab runs");
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || std::io::BufReader::new(stdout).lines().take(n).count());
    let data = input(n);
    let t = Instant::now();
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(&data).expect("write");
    stdin.flush().expect("flush");
    let answered = reader.join().expect("reader");
    let seconds = t.elapsed().as_secs_f64();
    assert_eq!(answered, n, "every line answered before the input ends");
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("/proc/PID/status");
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    drop(stdin);
    assert!(child.wait().expect("exits").success());
    (seconds, hwm)
}

fn main() {
    let counts: Vec<usize> = std::env::var("SPANLAB_STREAM_LINES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    for (name, args) in [
        ("suggest - --out -", &["suggest", "-", "--out", "-"][..]),
        ("convert - - doccano → gold-lines", &["convert", "-", "-", "--from", "doccano", "--to", "gold-lines"][..]),
    ] {
        let mut first = None;
        for &n in &counts {
            let (seconds, kib) = run(args, n);
            let base = *first.get_or_insert(kib);
            println!(
                "{name}: {n:>7} lines in {seconds:6.2} s ({:>8.0} lines/s), peak RSS {:>7.1} MiB ({:+.1} MiB over the first run)",
                n as f64 / seconds.max(1e-9),
                kib as f64 / 1024.0,
                (kib as f64 - base as f64) / 1024.0
            );
        }
    }
}
