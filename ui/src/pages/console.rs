//! The console: the queue on the left, the conversation in the middle, the ticket's details
//! and actions on the right; the offline banner above; dialogs over it; keyboard shortcuts
//! throughout.

use std::rc::Rc;

use protocol::ipc::ChannelAction;
use protocol::{ChannelId, MessageId};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::dialogs::{Dialog, DialogHost};
use crate::components::{ChatView, Details, OfflineBanner, QueuePane};
use crate::effects;
use crate::logic::hold::{Arranged, HoldEvent};
use crate::logic::take::{take, Take};
use crate::state::{Action, AppContext};

/// Where a keypress moves the queue's cursor: `j` down, `k` up, from `current` in `ids`.
/// `t`: the open ticket assigned to me, or a word on why not.
fn take_open(state: &AppContext) {
    let (Some(channel), Some(me)) = (state.open_channel(), state.me()) else {
        return;
    };
    match take(channel, me) {
        Take::Assign { member } => effects::run_action(
            state,
            channel.id,
            ChannelAction::Assign { member },
            "Taken: it is yours",
        ),
        Take::Say(text) => state.dispatch(Action::Notice(text)),
    }
}

pub fn move_cursor(ids: &[ChannelId], current: Option<ChannelId>, key: &str) -> Option<ChannelId> {
    let position = current.and_then(|c| ids.iter().position(|id| *id == c));
    let next = match (key, position) {
        ("j", None) | ("k", None) => 0,
        ("j", Some(p)) => (p + 1).min(ids.len().saturating_sub(1)),
        ("k", Some(p)) => p.saturating_sub(1),
        _ => return current,
    };
    ids.get(next).copied().or(current)
}

/// The console page.
#[function_component(ConsolePage)]
pub fn console_page() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let dialog = use_state(|| None::<Dialog>);
    let cursor = use_state(|| None::<ChannelId>);
    let search_ref = use_node_ref();
    // The queue as it shows: the view's order, or the order held under the agent's hand.
    let queue: Rc<Arranged> = {
        let window = state.queue.clone();
        let frozen = state.hold.frozen();
        use_memo((window, frozen), |(window, frozen)| {
            window.arrange(frozen.as_deref().map(Vec::as_slice))
        })
    };
    let shown = &queue.rows;

    let on_open = {
        let state = state.clone();
        let cursor = cursor.clone();
        Callback::from(move |(id, around): (ChannelId, Option<(i64, MessageId)>)| {
            cursor.set(Some(id));
            effects::spawn(&state, effects::open_channel(state.clone(), id, around));
        })
    };
    let on_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |d: Option<Dialog>| dialog.set(d))
    };
    let on_search = {
        let dialog = dialog.clone();
        Callback::from(move |text: String| dialog.set(Some(Dialog::Search(text))))
    };

    // The first time the loaded queue is on screen (rendered, then painted), the shell hears
    // of it (the start-up milestone).
    {
        let loaded = state.queue_loaded;
        let rows = state.queue.matching;
        let reported = use_mut_ref(|| false);
        use_effect_with(loaded, move |loaded| {
            if *loaded && !*reported.borrow() {
                *reported.borrow_mut() = true;
                crate::startup::mark("queue_rendered");
                crate::startup::after_paint(move || {
                    crate::startup::mark("queue_painted");
                    wasm_bindgen_futures::spawn_local(async move {
                        let marks = crate::startup::take();
                        if let Err(error) = crate::ipc::queue_shown(rows, marks).await {
                            web_sys::console::warn_1(&error.message.into());
                        }
                    });
                });
            }
        });
    }

    // Keyboard shortcuts, outside text fields.
    {
        let ids: Vec<ChannelId> = shown.iter().map(|c| c.id).collect();
        let state = state.clone();
        let cursor = cursor.clone();
        let dialog = dialog.clone();
        let on_open = on_open.clone();
        let search_ref = search_ref.clone();
        let dialog_open = dialog.is_some();
        // `t` acts on the open ticket as it is now.
        let open_holder = state.open_channel().map(|c| (c.id, c.assigned_to));
        use_effect_with(
            (ids, *cursor, dialog_open, open_holder),
            move |(ids, current, dialog_open, _)| {
                let ids = ids.clone();
                let current = *current;
                let dialog_open = *dialog_open;
                let listener = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(
                    move |event: web_sys::KeyboardEvent| {
                        let in_field = event
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .is_some_and(|e| {
                                matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                            });
                        if in_field
                            || dialog_open
                            || event.ctrl_key()
                            || event.meta_key()
                            || event.alt_key()
                        {
                            return;
                        }
                        let key = event.key();
                        match key.as_str() {
                            "j" | "k" => {
                                event.prevent_default();
                                // The queue holds still while the keyboard walks it.
                                state.dispatch(Action::Hold(HoldEvent::KeyboardMoved));
                                cursor.set(move_cursor(&ids, current, &key));
                            }
                            "u" => {
                                event.prevent_default();
                                state.dispatch(Action::Hold(HoldEvent::Show));
                            }
                            "Escape" => state.dispatch(Action::Hold(HoldEvent::KeyboardLeft)),
                            "Enter" => {
                                if let Some(id) = current {
                                    event.prevent_default();
                                    on_open.emit((id, None));
                                }
                            }
                            "/" => {
                                event.prevent_default();
                                if let Some(input) = search_ref.cast::<HtmlElement>() {
                                    let _ = input.focus();
                                }
                            }
                            "t" => {
                                event.prevent_default();
                                take_open(&state);
                            }
                            "?" => dialog.set(Some(Dialog::Shortcuts)),
                            "n" => dialog.set(Some(Dialog::Create)),
                            "r" => {
                                if let Some(composer) = web_sys::window()
                                    .and_then(|w| w.document())
                                    .and_then(|d| {
                                        d.query_selector("[data-testid=composer]").ok().flatten()
                                    })
                                    .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                                {
                                    event.prevent_default();
                                    let _ = composer.focus();
                                }
                            }
                            _ => {}
                        }
                    },
                );
                let document = web_sys::window().and_then(|w| w.document());
                if let Some(document) = &document {
                    let _ = document.add_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                move || {
                    if let Some(document) = document {
                        let _ = document.remove_event_listener_with_callback(
                            "keydown",
                            listener.as_ref().unchecked_ref(),
                        );
                    }
                }
            },
        );
    }

    let open_channel = state.open_channel().cloned();
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_| dialog.set(None))
    };
    let on_queue_open = {
        let on_open = on_open.clone();
        Callback::from(move |id| on_open.emit((id, None)))
    };
    // The keyboard leaves the queue for a text field, or for a click elsewhere: it no
    // longer holds the list.
    let keyboard_left = {
        let state = state.clone();
        move |target: Option<web_sys::EventTarget>| {
            let element = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let in_field = element
                .as_ref()
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            let in_list = element
                .as_ref()
                .is_some_and(|e| e.closest(".queue__body").ok().flatten().is_some());
            if state.hold.keyboard() && (in_field || !in_list) {
                state.dispatch(Action::Hold(HoldEvent::KeyboardLeft));
            }
        }
    };
    let on_focus_in = {
        let keyboard_left = keyboard_left.clone();
        Callback::from(move |event: FocusEvent| keyboard_left(event.target()))
    };
    let on_mouse_down = Callback::from(move |event: MouseEvent| keyboard_left(event.target()));
    let open_dialog = |d: Dialog| {
        let dialog = dialog.clone();
        Callback::from(move |_| dialog.set(Some(d.clone())))
    };
    html! {
        <div class="console" onfocusin={on_focus_in} onmousedown={on_mouse_down}>
            <OfflineBanner />
            <div class="toolbar">
                <button class="button button--primary" data-testid="new-ticket" onclick={open_dialog(Dialog::Create)}>{ "New ticket" }</button>
                <span class="toolbar__spacer" />
                if state.waiting() > 0 {
                    <span class="chip" data-testid="outbox-count">{ format!("{} waiting to send", state.waiting()) }</span>
                }
                <button class="button" data-testid="open-settings" onclick={open_dialog(Dialog::Settings)}>{ "Settings" }</button>
                <button class="button" aria-label="Keyboard shortcuts" onclick={open_dialog(Dialog::Shortcuts)}>{ "?" }</button>
            </div>
            <div class="console__panes">
                <QueuePane queue={queue.clone()} cursor={*cursor} on_open={on_queue_open} search_ref={search_ref.clone()} on_search={on_search} />
                <ChatView />
                if let Some(channel) = open_channel.clone() {
                    <Details {channel} on_dialog={on_dialog} />
                }
            </div>
            if let Some(current) = &*dialog {
                <DialogHost dialog={current.clone()} channel={open_channel.map(|c| c.id)} on_close={close} on_open={on_open.reform(|target| target)} />
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn j_and_k_walk_the_queue_and_stop_at_its_ends() {
        let ids: Vec<ChannelId> = (0..3)
            .map(|_| ChannelId::from(uuid::Uuid::new_v4()))
            .collect();
        assert_eq!(move_cursor(&ids, None, "j"), Some(ids[0]));
        assert_eq!(move_cursor(&ids, Some(ids[0]), "j"), Some(ids[1]));
        assert_eq!(move_cursor(&ids, Some(ids[2]), "j"), Some(ids[2]));
        assert_eq!(move_cursor(&ids, Some(ids[1]), "k"), Some(ids[0]));
        assert_eq!(move_cursor(&ids, Some(ids[0]), "k"), Some(ids[0]));
        assert_eq!(move_cursor(&[], None, "j"), None);
        assert_eq!(move_cursor(&ids, Some(ids[1]), "x"), Some(ids[1]));
    }
}
