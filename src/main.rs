//! The `spanlab` binary: parses the command line and, when no subcommand is
//! given, opens the window (or renders it to a PNG file). The only place that
//! reaches [`spanlab::app`].

use std::process::ExitCode;

use spanlab::app::{self, AppOptions, Settings};
use spanlab::cli::{self, Outcome, Window};

fn main() -> ExitCode {
    match cli::run() {
        Outcome::Exit(code) => code,
        Outcome::Open(window) => cli::exit_code(open(*window)),
    }
}

/// Opens the window on the project, or renders it to the screenshot's file.
fn open(w: Window) -> anyhow::Result<ExitCode> {
    if let Some(shot) = w.screenshot {
        let options = AppOptions {
            settings_path: None,
            first_doc: w.first_doc,
            dark: Some(w.dark),
            read_only: true,
            annotator: w.annotator,
            native_chooser: false,
            sections: Default::default(),
        };
        app::screenshot::screenshot(w.project, options, shot.size, &shot.out).map_err(anyhow::Error::msg)?;
        println!("wrote {}", shot.out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let options = AppOptions {
        settings_path: Settings::default_path(),
        first_doc: w.first_doc,
        dark: w.dark.then_some(true),
        read_only: false,
        annotator: w.annotator,
        native_chooser: true,
        sections: Default::default(),
    };
    app::run(w.project, options).map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
