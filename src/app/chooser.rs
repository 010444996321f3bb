//! The desktop's file chooser, asked through rfd (the XDG desktop portal,
//! else zenity), and how to tell "the user cancelled" from "there is no
//! chooser": rfd answers `None` to both. Uses no other module of the app;
//! the dialogs' Browse… buttons call it.

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

/// What Browse… came back with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The user chose this path.
    Path(String),
    /// A chooser opened and the user closed it without choosing.
    Cancelled,
    /// No chooser opened; the reason, to be shown to the user.
    NoChooser(String),
}

/// A chooser shown to a person stays up longer than this; an answer
/// faster than it means none was shown (rfd failed to reach the portal
/// and zenity).
const NO_DIALOG_BELOW: Duration = Duration::from_millis(250);

/// What to tell the user when nothing opened.
pub const NO_CHOOSER: &str =
    "no file chooser on this desktop (no desktop portal answered and zenity is not installed): type the path in the field";

/// Asks the desktop's chooser with `ask` (an rfd call) when `native`
/// and one may be there; says why not otherwise.
pub fn choose(native: bool, ask: impl FnOnce() -> Option<String>) -> Choice {
    let env = |k: &str| std::env::var_os(k);
    let may =
        native && may_have_chooser(env("PATH").as_deref(), env("DBUS_SESSION_BUS_ADDRESS").as_deref(), env("XDG_RUNTIME_DIR").as_deref());
    choose_if(may, ask)
}

/// [`choose`] once it is known whether a chooser may answer.
fn choose_if(may: bool, ask: impl FnOnce() -> Option<String>) -> Choice {
    if !may {
        return Choice::NoChooser(NO_CHOOSER.to_owned());
    }
    let started = Instant::now();
    match ask() {
        Some(p) => Choice::Path(p),
        None if started.elapsed() < NO_DIALOG_BELOW => Choice::NoChooser(NO_CHOOSER.to_owned()),
        None => Choice::Cancelled,
    }
}

/// Whether a chooser may answer: zenity is on `path`, or there is a
/// session bus for a portal to listen on (its address is set, or
/// `runtime_dir/bus` exists).
pub fn may_have_chooser(path: Option<&OsStr>, bus_address: Option<&OsStr>, runtime_dir: Option<&OsStr>) -> bool {
    let zenity = path.is_some_and(|p| std::env::split_paths(p).any(|d| d.join("zenity").is_file()));
    let bus = bus_address.is_some_and(|a| !a.is_empty()) || runtime_dir.is_some_and(|d| Path::new(d).join("bus").exists());
    zenity || bus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chooser_may_answer_with_zenity_or_a_session_bus_and_not_without() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(&empty).expect("mkdir");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        std::fs::write(bin.join("zenity"), "#!/bin/sh\n").expect("write");
        let run = dir.path().join("run");
        std::fs::create_dir_all(&run).expect("mkdir");
        std::fs::write(run.join("bus"), "").expect("write");
        let os = |p: &Path| p.as_os_str().to_owned();
        assert!(!may_have_chooser(Some(&os(&empty)), None, Some(&os(&empty))));
        assert!(!may_have_chooser(None, Some(OsStr::new("")), None));
        assert!(may_have_chooser(Some(&os(&bin)), None, None));
        assert!(may_have_chooser(None, Some(OsStr::new("unix:path=/run/user/1000/bus")), None));
        assert!(may_have_chooser(None, None, Some(&os(&run))));
    }

    #[test]
    fn a_quick_none_is_no_chooser_and_a_slow_one_a_cancel() {
        assert!(matches!(choose(false, || Some("/x".to_owned())), Choice::NoChooser(_)));
        assert!(matches!(choose_if(false, || Some("/x".to_owned())), Choice::NoChooser(_)));
        assert_eq!(choose_if(true, || Some("/x".to_owned())), Choice::Path("/x".to_owned()));
        assert!(matches!(choose_if(true, || None), Choice::NoChooser(_)));
        let slow = || {
            std::thread::sleep(NO_DIALOG_BELOW + Duration::from_millis(50));
            None
        };
        assert_eq!(choose_if(true, slow), Choice::Cancelled);
    }
}
