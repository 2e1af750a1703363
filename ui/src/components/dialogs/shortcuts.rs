//! The list of keyboard shortcuts.

use yew::prelude::*;

/// The keyboard shortcuts, as the list shows them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("j / k", "Next / previous ticket"),
    ("Enter", "Open the highlighted ticket"),
    ("u", "Show the queue's new order (it holds still under you)"),
    ("/", "Filter the queue (Enter there searches the history)"),
    ("n", "New ticket"),
    ("r", "Reply: focus the composer"),
    ("t", "Take it: assign the open ticket to me"),
    (
        "Alt+N / Alt+R",
        "In the composer: write an internal note (agents only) / a public reply",
    ),
    (
        "/ (composer)",
        "At the start of a reply or note: insert a canned response (↑ ↓, Enter or Tab)",
    ),
    ("Escape", "Close a dialog"),
    ("?", "This list"),
];

#[function_component(Shortcuts)]
pub(super) fn shortcuts() -> Html {
    html! {
        <>
            <h2 class="dialog__title">{ "Keyboard shortcuts" }</h2>
            <dl class="shortcuts" data-testid="shortcuts">
                { for SHORTCUTS.iter().map(|(keys, what)| html! {
                    <><dt><kbd>{ *keys }</kbd></dt><dd>{ *what }</dd></>
                }) }
            </dl>
        </>
    }
}
