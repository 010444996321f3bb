//! The dashboard's figures, read in the background (`store::dashboard`)
//! so a big corpus never freezes the window; the panel
//! (`panels/dashboard.rs`) plots them.
//!
//! Owns: the reading thread and its cancel flag. Must not touch: the
//! window.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use crate::store::dashboard::Figures;

/// The dashboard window's state.
pub struct Dashboard {
    rx: Option<mpsc::Receiver<Result<Option<Figures>, String>>>,
    stop: Arc<AtomicBool>,
    /// The figures, once read.
    pub figures: Option<Figures>,
    /// Why they could not be read.
    pub error: Option<String>,
    /// The documents whose edits are not in their files (their save
    /// failed), as the window says it: the figures are their files'.
    pub not_counted: Option<String>,
}

impl Dashboard {
    /// Starts reading the project's figures in the background.
    pub fn start(project: &crate::store::Project) -> Self {
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let (project, flag) = (project.clone(), stop.clone());
        let spawned = std::thread::Builder::new().name("spanlab-dashboard".into()).spawn(move || {
            let _ = tx.send(crate::store::dashboard::figures(&project, &flag).map_err(|e| e.to_string()));
        });
        match spawned {
            Ok(_) => Self { rx: Some(rx), stop, figures: None, error: None, not_counted: None },
            Err(e) => {
                Self { rx: None, stop, figures: None, error: Some(format!("cannot start reading the figures: {e}")), not_counted: None }
            }
        }
    }

    /// Whether the figures are still being read.
    pub fn reading(&self) -> bool {
        self.rx.is_some()
    }

    /// Takes the figures if they arrived.
    pub fn poll(&mut self) {
        let Some(rx) = &self.rx else { return };
        match rx.try_recv() {
            Ok(Ok(f)) => {
                self.figures = f;
                self.rx = None;
            }
            Ok(Err(e)) => {
                self.error = Some(e);
                self.rx = None;
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => {
                self.error = Some("reading the figures stopped unexpectedly".into());
                self.rx = None;
            }
        }
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
