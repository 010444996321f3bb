//! Suggestion throughput: `cargo bench --bench suggest` prints words per
//! second of the built-in engine over the sample corpus repeated to about a
//! million words (one core), and the process's peak memory.
//!
//! `SPANLAB_BENCH_INPUT=FILE cargo bench --bench suggest` measures that text
//! instead, as it is (for a side-by-side run with `shared/tools/peer_spacy.py`
//! on the same file; words are counted the same way, whitespace-separated).
//!
//! `SPANLAB_BENCH_WRITE_CORPUS=DIR cargo bench --bench suggest` writes the
//! corpus of the whole-process comparison with spaCy instead, and exits:
//! the 992 WiNER-fr training articles (`../shared/corpora/winer-fr/
//! winer-fr.train.json`) written out 4 times as `DIR/all/*.txt` (3,968
//! files, 945,324 words) and once as `DIR/quarter/*.txt` (992 files, a
//! quarter of them), each file an article's text, named by its id and copy
//! (`winer-fr_2016_01_01-002.2.txt`). Then time, one core each, whole
//! processes:
//!
//! ```text
//! taskset -c 0 target/release/spanlab suggest DIR/all --out /tmp/x.json
//! taskset -c 0 PYTHON shared/tools/peer_spacy.py --model fr_core_news_sm DIR/quarter --out /tmp/y.json
//! ```

use std::time::Instant;

use spanlab::model::{Schema, Text};
use spanlab::store::inputs::read_inputs;
use spanlab::suggest::Engine;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes the 3,968 files and the quarter (see the module's header).
fn write_corpus(dir: &std::path::Path) {
    let train = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/winer-fr/winer-fr.train.json");
    let dataset = match spanlab::store::project::read_dataset(&train) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot read {}: {e}", train.display());
            std::process::exit(1);
        }
    };
    let mut words = [0usize; 2];
    for (part, copies) in [("all", 4), ("quarter", 1)] {
        let out = dir.join(part);
        if let Err(e) = std::fs::create_dir_all(&out) {
            eprintln!("cannot make {}: {e}", out.display());
            std::process::exit(1);
        }
        for copy in 1..=copies {
            for d in &dataset.documents {
                let path = out.join(format!("{}.{copy}.txt", d.id));
                if let Err(e) = std::fs::write(&path, &d.text) {
                    eprintln!("cannot write {}: {e}", path.display());
                    std::process::exit(1);
                }
                words[usize::from(part == "quarter")] += d.text.split_whitespace().count();
            }
        }
        println!("{}: {} files", out.display(), dataset.documents.len() * copies);
    }
    println!("words: {} in all, {} in the quarter", words[0], words[1]);
}

fn main() {
    if let Some(dir) = std::env::var_os("SPANLAB_BENCH_WRITE_CORPUS") {
        write_corpus(std::path::Path::new(&dir));
        return;
    }
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
