//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod fixture;

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

/// A file system mounted for a test, unmounted when dropped: a small
/// tmpfs (a disk that fills up) or a read-only bind mount (a folder that
/// cannot be written, whoever runs the tests, root included).
pub struct Mount {
    pub path: PathBuf,
}

impl Mount {
    /// A tmpfs of `bytes` at `path` (created if needed) ([`require`]d:
    /// mounting needs root, which CI has).
    pub fn tmpfs(path: &Path, bytes: u64) -> Option<Self> {
        std::fs::create_dir_all(path).expect("mkdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(path)
            .output()
            .is_ok_and(|o| o.status.success());
        require(ok.then(|| Self { path: path.to_path_buf() }), "mounting a tmpfs (root and mount(8))")
    }

    /// `path` bind-mounted read-only onto itself ([`require`]d).
    pub fn read_only(path: &Path) -> Option<Self> {
        let run = |args: &[&str]| Command::new("mount").args(args).arg(path).arg(path).output().is_ok_and(|o| o.status.success());
        let bound = run(&["--bind"]);
        let ro = bound && Command::new("mount").args(["-o", "remount,bind,ro"]).arg(path).output().is_ok_and(|o| o.status.success());
        if bound && !ro {
            let _ = Command::new("umount").arg(path).output();
        }
        require(ro.then(|| Self { path: path.to_path_buf() }), "a read-only bind mount (root and mount(8))")
    }

    /// Changes a tmpfs's size (not below what it holds).
    pub fn resize(&self, bytes: u64) -> bool {
        Command::new("mount").args(["-o", &format!("remount,size={bytes}")]).arg(&self.path).output().is_ok_and(|o| o.status.success())
    }

    /// Bytes in use on the mounted file system.
    pub fn used(&self) -> u64 {
        let o = Command::new("df").args(["-B1", "--output=used"]).arg(&self.path).output().expect("df runs");
        String::from_utf8_lossy(&o.stdout).lines().nth(1).and_then(|l| l.trim().parse().ok()).expect("df's figure")
    }

    /// Writes a file that takes every free byte of the mount (the disk is
    /// then full); returns its path.
    pub fn fill(&self, name: &str) -> PathBuf {
        use std::io::Write;
        let p = self.path.join(name);
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&p).expect("filler");
        let chunk = vec![b'x'; 4096];
        while f.write_all(&chunk).is_ok() {}
        while f.write_all(b"x").is_ok() {}
        let _ = f.sync_all();
        p
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let done = Command::new("umount").arg(&self.path).output().is_ok_and(|o| o.status.success());
        if !done {
            // Still busy (a helper process not yet reaped): detach it.
            let _ = Command::new("umount").arg("-l").arg(&self.path).output();
        }
    }
}

/// Runs a command, killing it after `seconds`: `None` when it had to be killed.
pub fn run_for(mut cmd: Command, seconds: u64) -> Option<Output> {
    use std::process::Stdio;
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("runs");
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        if start.elapsed().as_secs() >= seconds {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Documents that are hard on a tokenizer and on `doc.ents`, as a gold
/// dataset: `(id, text, [(entity text, label)])`, each entity the first
/// occurrence of its text; in d5 "Paris" is inside an ORG and "Paris et
/// Lyon" straddles its end, with a relation between the nested two.
pub fn awkward_dataset() -> serde_json::Value {
    /// Entities as `(text to find, label)`.
    type Needles<'a> = &'a [(&'a str, &'a str)];
    let docs: [(&str, &str, Needles); 8] = [
        (
            "d1",
            "Emmanuel Macron 😀 a reçu\r\nSergueï Lavrov à l'Élysée.",
            &[("Emmanuel Macron", "PER"), ("😀", "EMOJI"), ("Sergueï Lavrov", "PER"), ("Élysée", "LOC")],
        ),
        ("d2", "Le 3\u{a0}mai, l'ONU\u{a0}a voté  deux fois.", &[("3\u{a0}mai", "DATE"), ("ONU", "ORG"), ("  deux", "CARDINAL")]),
        ("d3", "Zoe\u{301} et Rene\u{301}e à Sète", &[("Zoe\u{301}", "PER"), ("Rene", "PER"), ("Sète", "GPE")]),
        ("d4", "التقى محمد بن سلمان بالرئيس في الرياض", &[("محمد بن سلمان", "PER"), ("الرياض", "GPE")]),
        ("d5", "Université de Paris et Lyon", &[("Université de Paris", "ORG"), ("Paris", "GPE"), ("Paris et Lyon", "LOC")]),
        ("d6", "", &[]),
        ("d7", "ORG PER _ TAG 🇫🇷\r\n\r\n", &[("ORG", "ORG"), ("🇫🇷", "PERSON")]),
        ("d8", "  Lyon\t", &[(" ", "GAP"), ("Lyon", "GPE")]),
    ];
    let mut labels: Vec<&str> = Vec::new();
    let mut documents = Vec::new();
    for (id, text, needles) in docs {
        let mut entities: Vec<(usize, usize, &str, &str)> = needles
            .iter()
            .map(|&(needle, label)| {
                let start = text[..text.find(needle).expect("the needle is in the text")].chars().count();
                (start, start + needle.chars().count(), label, needle)
            })
            .collect();
        entities.sort();
        for e in &entities {
            if !labels.contains(&e.2) {
                labels.push(e.2);
            }
        }
        let id_of = |needle: &str| entities.iter().position(|e| e.3 == needle).map(|i| format!("T{}", i + 1));
        let relations = match (id_of("Paris"), id_of("Université de Paris")) {
            (Some(head), Some(tail)) => vec![serde_json::json!({"id": "R1", "head": head, "tail": tail, "label": "LOCATED_IN"})],
            _ => Vec::new(),
        };
        let entities: Vec<serde_json::Value> = entities
            .iter()
            .enumerate()
            .map(|(i, (s, e, label, t))| serde_json::json!({"id": format!("T{}", i + 1), "start": s, "end": e, "label": label, "text": t}))
            .collect();
        documents.push(serde_json::json!({"id": id, "text": text, "status": "done", "entities": entities, "relations": relations}));
    }
    serde_json::json!({
        "format": "spanlab-dataset",
        "version": 1,
        "schema": {"name": "awkward", "entity_labels": labels, "relation_labels": ["LOCATED_IN"]},
        "documents": documents,
    })
}
