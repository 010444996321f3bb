//! Settings that outlive a session (theme, recent projects, annotator name,
//! suggestion threshold), kept apart from session state. Stored as JSON in
//! the user's configuration folder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::atomic::write_atomic;

/// The default of [`Settings::relation_min_score`]: a suggested relation
/// costs one key whether it is right (Enter) or wrong (x); a relation not
/// suggested costs about four when it was right (reaching the head, r, the
/// tail, the type: 3.8–4.2 keys in the annotate bench). Showing one that is
/// right with probability p pays when 4p > 1, so from a score of 0.25 (the
/// scorer's scores read as probabilities); the entities' threshold (0.3) was
/// chosen for entity suggestions, whose misses cost less.
pub const DEFAULT_RELATION_MIN_SCORE: f32 = 0.25;

/// Persisted settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub dark: bool,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    pub annotator: String,
    /// Suggestions scored below this are not shown.
    pub min_score: f32,
    /// Relation suggestions scored below this are not shown: lower than
    /// the entities' threshold by default, as a wrong relation suggestion
    /// costs one key (x) and a missed relation about four (head, r, tail,
    /// type), so one right in four pays ([`DEFAULT_RELATION_MIN_SCORE`]).
    pub relation_min_score: f32,
    pub show_relations: bool,
    /// The corpus list (left panel) is shown.
    pub show_corpus: bool,
    /// The inspector (right panel) is shown.
    pub show_inspector: bool,
    pub font_size: f32,
    /// Review the least certain suggestions first (j/k go by score, lowest first).
    pub uncertain_first: bool,
    /// Open documents with their entity suggestions accepted: when the
    /// suggestions of a document with no span yet arrive, they are accepted
    /// as Alt+A would (one undo step; the suggested relations wait for
    /// review), so done-and-next (Ctrl+Enter) goes straight to fixing.
    pub accept_on_open: bool,
    /// An external recommender consulted with the built-in engine.
    pub recommender: Option<crate::suggest::external::Endpoint>,
    /// How long a recommender may take per document.
    pub recommender_timeout_ms: u64,
    /// A model file (made by `spanlab train`) to suggest with instead of
    /// the shipped one; the project model continues from it.
    pub model: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            dark: false,
            recent: Vec::new(),
            annotator: String::new(),
            min_score: 0.3,
            relation_min_score: DEFAULT_RELATION_MIN_SCORE,
            show_relations: true,
            show_corpus: true,
            show_inspector: true,
            font_size: 17.0,
            uncertain_first: false,
            accept_on_open: false,
            recommender: None,
            recommender_timeout_ms: 10_000,
            model: None,
        }
    }
}

impl Settings {
    /// The settings file: `$XDG_CONFIG_HOME/spanlab/settings.json` or
    /// `~/.config/spanlab/settings.json`.
    pub fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("spanlab").join("settings.json"))
    }

    /// Reads settings; a missing or unreadable file gives the defaults and,
    /// for an unreadable one, a message naming it.
    pub fn load(path: &Path) -> (Self, Option<String>) {
        match std::fs::read_to_string(path) {
            Ok(s) => match serde_json::from_str(&s) {
                Ok(v) => (v, None),
                Err(e) => (Self::default(), Some(format!("{}: {e}; using default settings", path.display()))),
            },
            Err(_) => (Self::default(), None),
        }
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        write_atomic(path, json.as_bytes())
    }

    /// The external recommender with its timeout, if one is set (the
    /// recommender raises a short timeout to its minimum).
    pub fn external(&self) -> Option<(crate::suggest::external::Endpoint, std::time::Duration)> {
        self.recommender.clone().map(|e| (e, std::time::Duration::from_millis(self.recommender_timeout_ms)))
    }

    /// Puts a project first in the recent list.
    pub fn remember(&mut self, dir: &Path) {
        self.recent.retain(|p| p != dir);
        self.recent.insert(0, dir.to_path_buf());
        self.recent.truncate(10);
    }
}
