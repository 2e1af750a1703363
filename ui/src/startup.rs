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

/// Runs `then` once the frame after now has been painted: the browser lays out and paints
/// on the next animation frame, and a zero timeout set from it runs after that. Outside a
/// browser, at once.
pub fn after_paint(then: impl FnOnce() + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Some(window) = web_sys::window().filter(|_| cfg!(target_arch = "wasm32")) else {
        then();
        return;
    };
    let on_frame = Closure::once_into_js(move || {
        let on_painted = Closure::once_into_js(then);
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                on_painted.unchecked_ref(),
                0,
            );
        }
    });
    // Without animation frames (a hidden window may have none), the timeout alone.
    if window
        .request_animation_frame(on_frame.unchecked_ref())
        .is_err()
    {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(on_frame.unchecked_ref(), 0);
    }
}
