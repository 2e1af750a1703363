//! The console's start in the page, phase by phase: each milestone's first time in
//! milliseconds since the page began loading (`performance.now()`), handed to the shell with
//! `queue_shown`, which logs them beside its own (read by `cargo xtask bench console`).

use std::cell::RefCell;

thread_local! {
    /// The milestones so far, in the order reached; `None` once handed over.
    static MARKS: RefCell<Option<Vec<(&'static str, f64)>>> = const { RefCell::new(Some(Vec::new())) };
}

/// Notes that the start reached `milestone` now, unless it did before or the marks were
/// handed over already.
pub fn mark(milestone: &'static str) {
    let Some(now) = now() else { return };
    MARKS.with(|marks| {
        if let Some(marks) = marks.borrow_mut().as_mut() {
            if !marks.iter().any(|(name, _)| *name == milestone) {
                marks.push((milestone, now));
            }
        }
    });
}

/// The milestones reached, handed over once (later calls answer nothing).
pub fn take() -> Vec<(String, f64)> {
    MARKS
        .with(|marks| marks.borrow_mut().take().unwrap_or_default())
        .into_iter()
        .map(|(name, at)| (name.to_owned(), at))
        .collect()
}

/// `performance.now()`; nothing outside a browser (native unit tests).
fn now() -> Option<f64> {
    if cfg!(target_arch = "wasm32") {
        web_sys::window()?.performance().map(|p| p.now())
    } else {
        None
    }
}
