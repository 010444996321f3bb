//! The window's panels. Each draws from the app's state and returns what
//! the user asked for as [`Command`](super::Command)s, queued for the app
//! to apply after the frame; none changes the model, writes a file or
//! starts a thread (they edit only view state: dialog forms, the filter,
//! the comment being typed).

pub mod adjudicate;
pub mod corpus;
pub mod dashboard;
pub mod dialogs;
pub mod everywhere;
pub mod inspector;
pub mod top;
