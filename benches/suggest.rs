//! Suggestion throughput: `cargo bench --bench suggest` prints words per
//! second of the built-in engine over the sample corpus repeated to about a
//! million words (one core), and the process's peak memory.
//!
//! `SPANLAB_BENCH_INPUT=FILE cargo bench --bench suggest` measures that text
//! instead, as it is (for a side-by-side run with `shared/tools/peer_spacy.py`
//! on the same file; words are counted the same way, whitespace-separated).

use std::time::Instant;

use spanlab::model::{Schema, Text};
use spanlab::store::inputs::read_inputs;
use spanlab::suggest::Engine;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let given = std::env::var_os("SPANLAB_BENCH_INPUT").map(std::path::PathBuf::from);
    let corpus = given.clone().unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("corpus"));
    let docs = match read_inputs(&[corpus]) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot read the sample corpus: {e}");
            std::process::exit(1);
        }
    };
    let joined: String = docs.iter().map(|d| d.text.as_str()).collect::<Vec<_>>().join("\n\n");
    let words_once = joined.split_whitespace().count().max(1);
    let reps = if given.is_some() { 1 } else { 1_000_000 / words_once + 1 };
    let text = Text::new(vec![joined.as_str(); reps].join("\n\n"));
    let words = words_once * reps;
    let engine = Engine::builtin();
    let schema = Schema::news();
    // Warm up (builds the gazetteer index).
    let _ = engine.suggest(&Text::from("Paris"), &schema, 0.0);
    let mut best = f64::INFINITY;
    let mut found = 0;
    for _ in 0..3 {
        let t0 = Instant::now();
        found = engine.suggest(&text, &schema, 0.0).len();
        best = best.min(t0.elapsed().as_secs_f64());
    }
    println!("suggest: {words} words, {found} suggestions, best of 3: {best:.3} s = {:.0} words/s (one core)", words as f64 / best);
    if let Some(kib) = peak_rss_kib() {
        println!("peak memory: {:.1} MiB (text {:.1} MiB)", kib as f64 / 1024.0, text.len_bytes() as f64 / 1_048_576.0);
    }
}
