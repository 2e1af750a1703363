//! The send guard: when the customer or a colleague posted since the composer opened, Send
//! first shows who and what ("Alice replied 20 s ago"), then Send anyway or Cancel.

use chrono::Utc;
use protocol::model::Seq;
use protocol::{ChannelId, Message, UserId};
use yew::prelude::*;

use crate::logic::collision::{headline, posted_since};
use crate::state::AppState;

/// The newest seq this window knows of in `channel`.
pub fn latest_seq(state: &AppState, channel: ChannelId) -> Seq {
    let open = state
        .open
        .as_ref()
        .filter(|open| open.id == channel)
        .and_then(|open| open.messages.keys().next_back().copied());
    let listed = state
        .open_channel_of(channel)
        .and_then(|c| c.last_message.as_ref())
        .map(|m| m.seq);
    open.max(listed).unwrap_or(0)
}

/// What someone else posted in `channel` after `since`, newest first, if anything.
pub fn newer_post(state: &AppState, channel: ChannelId, since: Seq, me: UserId) -> Option<Message> {
    let open = state
        .open
        .as_ref()
        .filter(|open| open.id == channel)
        .into_iter()
        .flat_map(|open| open.messages.values());
    let listed = state
        .open_channel_of(channel)
        .and_then(|c| c.last_message.as_ref());
    posted_since(open.chain(listed), since, me).cloned()
}

/// Props of [`SendGuard`].
#[derive(Debug, Properties, PartialEq)]
pub struct SendGuardProps {
    /// What was posted first.
    pub message: Message,
    /// Send as written.
    pub on_send: Callback<()>,
    /// Back to the composer, to read and edit.
    pub on_cancel: Callback<()>,
}

/// The question, with the new message and the two answers.
#[function_component(SendGuard)]
pub fn send_guard(props: &SendGuardProps) -> Html {
    let send_ref = use_node_ref();
    {
        // The answer buttons take the keyboard: Enter must not send by habit.
        let send_ref = send_ref.clone();
        use_effect_with(props.message.id, move |_| {
            if let Some(button) = send_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let on_send = props.on_send.reform(|_: MouseEvent| ());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let on_keydown = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                event.prevent_default();
                event.stop_propagation();
                on_cancel.emit(());
            }
        })
    };
    html! {
        <div class="send-guard" role="alertdialog" aria-labelledby="send-guard-title"
            data-testid="send-guard" onkeydown={on_keydown}>
            <p class="send-guard__title" id="send-guard-title" data-testid="send-guard-title">
                { headline(&props.message, Utc::now()) }
            </p>
            <blockquote class="send-guard__message" data-testid="send-guard-message">
                { props.message.content.clone() }
            </blockquote>
            <div class="send-guard__actions">
                <button type="button" class="button button--primary" data-testid="send-anyway"
                    ref={send_ref} onclick={on_send}>{ "Send anyway" }</button>
                <button type="button" class="button" data-testid="send-cancel"
                    onclick={on_cancel}>{ "Cancel" }</button>
            </div>
        </div>
    }
}
