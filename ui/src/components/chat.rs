//! The chat window: the open channel's history from the cache (older pages loaded on
//! scroll), live messages, own messages with their sending state and a retry, who is typing,
//! and the composer. It follows new messages only while the reader is at the bottom, and
//! marks the channel read as the newest message comes into view. Internal notes show as
//! tinted, labelled bubbles; the header carries the ticket's `#number`.

use protocol::console::{OutboxState, Work};
use protocol::{Message, SenderType};
use web_sys::Element;
use yew::prelude::*;

use crate::components::composer::Composer;
use crate::components::disclosure::disclosure;
use crate::effects;
use crate::hooks::use_canned_responses;
use crate::ipc;
use crate::logic::composer::number;
use crate::logic::format::{label, outbox_state};
use crate::logic::words::outbox_why;
use crate::state::{typists, Action, AppContext};

/// What a note's bubble says it is.
const NOTE_LABEL: &str = "Internal note — agents only";

/// How close to the bottom (pixels) still counts as "at the bottom".
const BOTTOM_SLACK: i32 = 48;

fn at_bottom(element: &Element) -> bool {
    element.scroll_height() - element.scroll_top() - element.client_height() <= BOTTOM_SLACK
}

fn message_view(message: &Message, mine: bool, focused: bool) -> Html {
    let system = message.sender_type == SenderType::System;
    let note = message.internal;
    let class = classes!(
        "message",
        system.then_some("message--system"),
        mine.then_some("message--mine"),
        note.then_some("message--note"),
        focused.then_some("message--focused"),
    );
    html! {
        <li key={message.id.to_string()} id={format!("message-{}", message.id)} class={class}
            data-testid="message" data-seq={message.seq.to_string()} data-system={system.to_string()}
            data-internal={note.to_string()}>
            if note {
                <div class="message__note-label" data-testid="note-label">{ NOTE_LABEL }</div>
            }
            if !system {
                <div class="message__head">
                    <span class="message__sender">{ &message.sender.name }</span>
                    <span class="message__role">{ label(message.sender_type.as_str()) }</span>
                    <time class="message__time" datetime={message.created_at.to_rfc3339()}>
                        { message.created_at.with_timezone(&chrono::Local).format("%H:%M").to_string() }
                    </time>
                </div>
            }
            <div class="message__body">{ &message.content }</div>
        </li>
    }
}

/// The chat window of the open channel.
#[function_component(ChatView)]
pub fn chat_view() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let list_ref = use_node_ref();
    let stick = use_mut_ref(|| true);
    let loading_older = use_state(|| false);
    use_canned_responses(&state);

    let open = state.open.clone();
    let channel = state.open_channel().cloned();
    let me = state.me().map(|m| m.user_id);
    let newest = open
        .as_ref()
        .and_then(|o| o.messages.last_key_value().map(|(seq, _)| *seq));
    let unsent_count = open.as_ref().map(|o| state.unsent(o.id).len()).unwrap_or(0);

    // After each change of what is shown: follow the bottom if the reader is there, bring a
    // search hit into view, and mark the newest message read.
    {
        let list_ref = list_ref.clone();
        let stick = stick.clone();
        let state = state.clone();
        let focus = open.as_ref().and_then(|o| o.focus);
        let id = open.as_ref().map(|o| o.id);
        use_effect_with((id, newest, unsent_count, focus), move |_| {
            let Some(list) = list_ref.cast::<Element>() else {
                return;
            };
            if let Some(focus) = focus {
                if let Some(target) = list
                    .query_selector(&format!("#message-{focus}"))
                    .ok()
                    .flatten()
                {
                    target.scroll_into_view();
                }
                *stick.borrow_mut() = false;
            } else if *stick.borrow() {
                list.set_scroll_top(list.scroll_height());
            }
            if let (Some(id), Some(seq)) = (id, newest) {
                let unread = state
                    .open_channel_of(id)
                    .is_some_and(|c| c.unread_count > 0);
                if at_bottom(&list) && (unread || *stick.borrow()) {
                    effects::spawn(&state, async move { ipc::mark_read(id, seq).await });
                }
            }
        });
    }

    let Some(open) = open else {
        return html! {
            <section class="chat chat--empty" data-testid="chat-empty">
                <p>{ "Choose a ticket from the queue (j / k, Enter), or press ? for shortcuts." }</p>
            </section>
        };
    };
    let Some(channel) = channel else {
        return html! {};
    };
    let id = open.id;

    let on_scroll = {
        let stick = stick.clone();
        let list_ref = list_ref.clone();
        let state = state.clone();
        let loading_older = loading_older.clone();
        let oldest = open.messages.first_key_value().map(|(seq, _)| *seq);
        let has_older = open.has_older;
        Callback::from(move |_: Event| {
            let Some(list) = list_ref.cast::<Element>() else {
                return;
            };
            *stick.borrow_mut() = at_bottom(&list);
            if list.scroll_top() < 40 && has_older && !*loading_older {
                if let Some(oldest) = oldest {
                    loading_older.set(true);
                    let state = state.clone();
                    let loading_older = loading_older.clone();
                    let height_before = list.scroll_height();
                    let list = list.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Err(error) =
                            effects::load_page(state.clone(), id, Some(oldest)).await
                        {
                            state.dispatch(Action::Failed(error));
                        }
                        // Keep the reader's place: what was at the top stays there.
                        list.set_scroll_top(
                            list.scroll_top() + list.scroll_height() - height_before,
                        );
                        loading_older.set(false);
                    });
                }
            }
        })
    };

    let on_sent = {
        let stick = stick.clone();
        Callback::from(move |()| *stick.borrow_mut() = true)
    };

    let unsent = state.unsent(id);
    let typing = typists(&state, id, me);
    let title = channel
        .subject
        .clone()
        .unwrap_or_else(|| format!("{} channel", label(channel.channel_type.as_str())));
    html! {
        <section class="chat" aria-label="Conversation" data-testid="chat" data-channel={id.to_string()}>
            <header class={classes!("chat__header", crate::logic::hold::flash_class(&state.hold, id))} data-testid="chat-header">
                <h2 class="chat__title" data-testid="chat-title">
                    if let Some(number) = number(&channel) {
                        <span class="chat__number" data-testid="chat-number">{ number }</span>
                    }
                    { title }
                </h2>
                <super::presence::PresenceLine channel={id} />
            </header>
            <ol class="chat__messages" ref={list_ref} onscroll={on_scroll} data-testid="messages">
                if open.has_older {
                    <li class="chat__older">{ if *loading_older { "Loading older messages…" } else { "Scroll up for older messages" } }</li>
                }
                { for open.messages.values().map(|m| message_view(m, Some(m.sender_id) == me, open.focus == Some(m.id))) }
                { for unsent.iter().map(|item| {
                    let Work::SendMessage { content, internal } = &item.work else { return html! {} };
                    let retry = {
                        let state = state.clone();
                        let item_id = item.id;
                        Callback::from(move |_| {
                            let state2 = state.clone();
                            effects::spawn(&state, async move {
                                ipc::retry(item_id).await?;
                                effects::load_outbox(state2.clone()).await?;
                                effects::refresh_open(state2, id).await
                            });
                        })
                    };
                    let failed = matches!(item.state, OutboxState::Failed | OutboxState::NeedsReview);
                    html! {
                        <li key={item.id.to_string()} class={classes!("message", "message--mine", "message--unsent", internal.then_some("message--note"), failed.then_some("message--failed"))}
                            data-testid="unsent-message" data-internal={internal.to_string()} data-state={serde_json::to_string(&item.state).unwrap_or_default().trim_matches('"').to_owned()}>
                            if *internal {
                                <div class="message__note-label">{ NOTE_LABEL }</div>
                            }
                            <div class="message__body">{ content }</div>
                            <div class="message__state">
                                { outbox_state(item.state) }
                                if let Some(why) = outbox_why(item).filter(|_| failed) { <span class="message__why" data-testid="unsent-why">{ format!(" — {why}") }</span> }
                                if failed { <button class="link" data-testid="retry" onclick={retry}>{ "Retry" }</button> }
                                if failed { { disclosure(item.last_error.as_deref()) } }
                            </div>
                        </li>
                    }
                }) }
            </ol>
            <p class="chat__typing" data-testid="typing" aria-live="polite">
                { match typing.as_slice() {
                    [] => String::new(),
                    [one] => format!("{one} is typing…"),
                    [one, two] => format!("{one} and {two} are typing…"),
                    _ => "Several people are typing…".to_owned(),
                } }
            </p>
            <Composer key={id.to_string()} channel={id} {on_sent} />
        </section>
    }
}
