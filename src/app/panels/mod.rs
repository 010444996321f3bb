//! The window's panels. Each draws from the app's state and pushes
//! [`Command`](super::Command)s; none changes the model.

pub mod adjudicate;
pub mod corpus;
pub mod dashboard;
pub mod dialogs;
pub mod inspector;
pub mod top;
