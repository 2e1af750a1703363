//! Switchboard's front end: Yew function components compiled to wasm32, rendered in the
//! desktop shell's webview.
//!
//! The UI knows nothing of HTTP or of the platform's address: it speaks only to the shell,
//! through the typed [`ipc`] module, in the types of [`protocol`]. Its state is one
//! [`state::AppState`] behind a reducer, so the logic is testable natively.

pub mod app;
pub mod components;
pub mod effects;
pub mod hooks;
pub mod ipc;
pub mod logic;
pub mod pages;
pub mod startup;
pub mod state;

/// Mounts the app into the document's body.
pub fn run() {
    startup::mark("wasm");
    yew::Renderer::<app::App>::new().render();
}
