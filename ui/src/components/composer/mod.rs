//! The composer of the open channel. An agent writes a public reply or an internal note
//! (a switch, Alt+R / Alt+N): Note tints the whole composer and labels it, the send button
//! says which it sends, and the mode is kept per channel (and in the draft), so after a
//! note the next message is a note too. `/` at the start opens the canned responses'
//! picker; variables left unfilled show highlighted and need a second send. What is typed
//! is kept as the channel's draft (`drafts`). When someone else posted since the composer
//! opened, Send asks first (`guard`).

mod drafts;
mod guard;
mod picker;

use protocol::canned::CannedResponse;
use protocol::console::{Draft, OutboxState};
use protocol::{ChannelId, ChannelStatus};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::effects;
use crate::ipc;
use crate::logic::canned::{fill, matching, pieces, slash_query, unfilled, Piece};
use crate::logic::composer::{placeholder, reply_label, variables, Mode};
use crate::state::workflow::WorkflowAction;
use crate::state::{Action, AppContext};
use drafts::Drafts;
use guard::{latest_seq, newer_post, SendGuard};
use picker::CannedPicker;

/// `text` with each `{{…}}` token left in it highlighted.
pub fn highlighted(text: &str) -> Html {
    html! {
        { for pieces(text).into_iter().map(|piece| match piece {
            Piece::Text(plain) => html! { <>{ plain.to_owned() }</> },
            Piece::Variable(token) => html! {
                <mark class="variable-unfilled" data-testid="unfilled-variable">{ token.to_owned() }</mark>
            },
        }) }
    }
}

/// Props of [`Composer`].
#[derive(Debug, Properties, PartialEq)]
pub struct ComposerProps {
    /// The channel written in.
    pub channel: ChannelId,
    /// Called as a message leaves the composer.
    pub on_sent: Callback<()>,
}

/// The composer. Key it by channel: a new channel is a new composer, and the old one saves
/// its draft as it goes.
#[function_component(Composer)]
pub fn composer(props: &ComposerProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let id = props.channel;
    let text = use_state(String::new);
    let touched = use_mut_ref(|| false);
    let active = use_state(|| 0_usize);
    let dismissed = use_state(|| false);
    let confirm = use_state(|| None::<String>);
    let typing_sent = use_mut_ref(|| None::<f64>);
    // The last message this composer has seen posted: opening it, or sending, sees them all.
    let seen = {
        let known = latest_seq(&state, id);
        use_mut_ref(move || known)
    };
    let posted_first = use_state(|| None::<protocol::Message>);
    let input_ref = use_node_ref();
    let agent = state.me().is_some_and(|me| me.role.is_agent());
    let mode = if agent {
        state.workflow.mode(id)
    } else {
        Mode::Reply
    };

    // Restore the draft (what this window last kept, else what the profile holds) unless
    // the agent already typed; hand a pending draft over when the composer goes away.
    {
        let text = text.clone();
        let touched = touched.clone();
        let state = state.clone();
        use_effect_with(id, move |id| {
            let id = *id;
            let keeper = Drafts::of(id);
            let restore = {
                let state = state.clone();
                move |draft: Draft| {
                    if !*touched.borrow() {
                        text.set(draft.text);
                        if agent {
                            let mode = Mode::from_note(draft.note);
                            state.dispatch(Action::Workflow(WorkflowAction::SetMode(id, mode)));
                        }
                    }
                }
            };
            match keeper.latest() {
                Some(draft) => restore(draft),
                None => {
                    let state = state.clone();
                    let keeper = keeper.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        match ipc::draft(id).await {
                            Ok(Some(draft)) => {
                                keeper.know(draft.clone());
                                state.dispatch(Action::Workflow(WorkflowAction::DraftSaved(
                                    id,
                                    draft.clone(),
                                )));
                                restore(draft);
                            }
                            Ok(None) => {}
                            Err(error) => state.dispatch(Action::Failed(error)),
                        }
                    });
                }
            }
            move || keeper.flush(&state)
        });
    }

    let Some(channel) = state.open_channel_of(id).cloned() else {
        return html! {};
    };
    let closed = channel.status == ChannelStatus::Archived;
    let query = slash_query(&text).filter(|_| agent && !*dismissed && !closed);
    let options: Vec<CannedResponse> = query
        .map(|q| {
            matching(&state.workflow.canned, q)
                .into_iter()
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let active_index = (*active).min(options.len().saturating_sub(1));
    let filling = state
        .me()
        .map(|me| variables(&channel, me, None))
        .unwrap_or_default();
    let preview = options
        .get(active_index)
        .map(|r| fill(&r.content, &filling).text);
    let left = if agent { unfilled(&text) } else { vec![] };

    let focus = {
        let input_ref = input_ref.clone();
        move || {
            if let Some(input) = input_ref.cast::<HtmlTextAreaElement>() {
                let _ = input.focus();
            }
        }
    };

    let insert = {
        let options = options.clone();
        let text = text.clone();
        let touched = touched.clone();
        let dismissed = dismissed.clone();
        let confirm = confirm.clone();
        let state = state.clone();
        let focus = focus.clone();
        Callback::from(move |index: usize| {
            let Some(response) = options.get(index) else {
                return;
            };
            let filled = fill(&response.content, &filling);
            *touched.borrow_mut() = true;
            dismissed.set(true);
            confirm.set(None);
            Drafts::of(id).schedule(
                &state,
                Draft {
                    text: filled.text.clone(),
                    note: mode.is_note(),
                },
            );
            text.set(filled.text);
            focus();
        })
    };

    let set_mode = {
        let state = state.clone();
        let text = text.clone();
        let typing_sent = typing_sent.clone();
        let focus = focus.clone();
        Callback::from(move |next: Mode| {
            state.dispatch(Action::Workflow(WorkflowAction::SetMode(id, next)));
            Drafts::of(id).save_now(
                &state,
                Draft {
                    text: (*text).clone(),
                    note: next.is_note(),
                },
            );
            // Customers see "typing…": a note being written must not show as one.
            if next.is_note() && typing_sent.borrow_mut().take().is_some() {
                effects::spawn(&state, async move { ipc::typing(id, false).await });
            }
            focus();
        })
    };

    let send = {
        let state = state.clone();
        let text = text.clone();
        let confirm = confirm.clone();
        let typing_sent = typing_sent.clone();
        let on_sent = props.on_sent.clone();
        let seen = seen.clone();
        let posted_first = posted_first.clone();
        move |anyway: bool| {
            let content = text.trim().to_owned();
            if content.is_empty() || closed {
                return;
            }
            // Variables left unfilled go out only once the agent has been told and sends again.
            if agent && !unfilled(&content).is_empty() && confirm.as_deref() != Some(&content) {
                confirm.set(Some(content));
                return;
            }
            // Someone posted since this composer last looked: the agent reads it first.
            let me = state.me().map(|m| m.user_id);
            let newer = me.and_then(|me| newer_post(&state, id, *seen.borrow(), me));
            if let Some(newer) = newer.filter(|_| agent && !anyway) {
                posted_first.set(Some(newer));
                return;
            }
            *seen.borrow_mut() = latest_seq(&state, id);
            posted_first.set(None);
            confirm.set(None);
            text.set(String::new());
            let was_typing = typing_sent.borrow_mut().take().is_some();
            let note = mode.is_note();
            Drafts::of(id).save_now(
                &state,
                Draft {
                    text: String::new(),
                    note,
                },
            );
            on_sent.emit(());
            let state2 = state.clone();
            effects::spawn(&state, async move {
                if was_typing {
                    let _ = ipc::typing(id, false).await;
                }
                // The shell announces the queued item at once (the outbox change), so it
                // shows as sending while this waits.
                let item = ipc::send_message(id, &content, note).await?;
                if item.state == OutboxState::Queued {
                    let what = if note { "note" } else { "message" };
                    state2.dispatch(Action::Notice(format!(
                        "Offline: the {what} is queued and goes out on reconnect"
                    )));
                }
                effects::load_outbox(state2.clone()).await?;
                effects::refresh_open(state2, id).await
            });
        }
    };

    let on_submit = {
        let send = send.clone();
        let guarded = posted_first.is_some();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if !guarded {
                send(false);
            }
        })
    };
    let on_keydown = {
        let send = send.clone();
        let set_mode = set_mode.clone();
        let active = active.clone();
        let dismissed = dismissed.clone();
        let insert = insert.clone();
        let count = options.len();
        let picking = query.is_some();
        let guarded = posted_first.is_some();
        Callback::from(move |event: KeyboardEvent| {
            let key = event.key();
            if agent && event.alt_key() && !event.ctrl_key() && !event.meta_key() {
                // By the key's place (Alt changes what some layouts type), else its letter.
                let letter = match event.code().as_str() {
                    "KeyN" => "n".to_owned(),
                    "KeyR" => "r".to_owned(),
                    _ => key.to_lowercase(),
                };
                let next = match letter.as_str() {
                    "n" => Some(Mode::Note),
                    "r" => Some(Mode::Reply),
                    _ => None,
                };
                if let Some(next) = next {
                    event.prevent_default();
                    set_mode.emit(next);
                    return;
                }
            }
            if picking {
                match key.as_str() {
                    "ArrowDown" => {
                        event.prevent_default();
                        active.set((active_index + 1) % count.max(1));
                        return;
                    }
                    "ArrowUp" => {
                        event.prevent_default();
                        active.set(
                            active_index
                                .checked_sub(1)
                                .unwrap_or(count.saturating_sub(1)),
                        );
                        return;
                    }
                    "Enter" | "Tab" if !event.shift_key() => {
                        // Nothing matching: Enter does not send "/…" to the customer;
                        // Escape first.
                        event.prevent_default();
                        if count > 0 {
                            insert.emit(active_index);
                        }
                        return;
                    }
                    "Escape" => {
                        event.prevent_default();
                        event.stop_propagation();
                        dismissed.set(true);
                        return;
                    }
                    _ => {}
                }
            }
            if key == "Enter" && !event.shift_key() {
                event.prevent_default();
                // While Send asks, Enter does not answer it by habit.
                if !guarded {
                    send(false);
                }
            }
        })
    };
    let on_input = {
        let text = text.clone();
        let touched = touched.clone();
        let active = active.clone();
        let dismissed = dismissed.clone();
        let confirm = confirm.clone();
        let typing_sent = typing_sent.clone();
        let state = state.clone();
        Callback::from(move |event: InputEvent| {
            let value = event.target_unchecked_into::<HtmlTextAreaElement>().value();
            *touched.borrow_mut() = true;
            if !value.starts_with('/') {
                dismissed.set(false);
            }
            active.set(0);
            confirm.set(None);
            // Customers see "typing…": only replies announce it.
            let now = js_sys::Date::now();
            let due = typing_sent.borrow().is_none_or(|at| now - at > 3_000.0);
            if !mode.is_note() && due && !value.is_empty() {
                *typing_sent.borrow_mut() = Some(now);
                effects::spawn(&state, async move { ipc::typing(id, true).await });
            }
            Drafts::of(id).schedule(
                &state,
                Draft {
                    text: value.clone(),
                    note: mode.is_note(),
                },
            );
            text.set(value);
        })
    };

    let send_anyway = {
        let send = send.clone();
        Callback::from(move |()| send(true))
    };
    let cancel_send = {
        let state = state.clone();
        let seen = seen.clone();
        let posted_first = posted_first.clone();
        let focus = focus.clone();
        Callback::from(move |()| {
            *seen.borrow_mut() = latest_seq(&state, id);
            posted_first.set(None);
            focus();
        })
    };

    let note = mode.is_note();
    let switch = |target: Mode, label: &'static str, keys: &'static str, testid: &'static str| {
        let set_mode = set_mode.clone();
        let on = mode == target;
        html! {
            <button type="button" data-testid={testid} aria-pressed={on.to_string()} title={keys}
                class={classes!("mode-switch__option", on.then_some("mode-switch__option--on"))}
                onclick={Callback::from(move |_| set_mode.emit(target))}>{ label }</button>
        }
    };
    let saved = state
        .workflow
        .saved(id)
        .is_some_and(|kept| kept.text == *text && kept.note == note);
    let hint = if closed {
        "This channel is archived".to_owned()
    } else {
        placeholder(&channel, mode, agent)
    };
    html! {
        <form class={classes!("composer", note.then_some("composer--note"), (!left.is_empty()).then_some("composer--unfilled"))}
            onsubmit={on_submit} data-testid="composer-form" data-mode={if note { "note" } else { "reply" }}>
            if query.is_some() {
                <CannedPicker query={query.unwrap_or_default().to_owned()} options={options.clone()}
                    active={active_index} {preview} on_choose={insert} />
            }
            if agent && !closed {
                <div class="composer__bar">
                    <div class="mode-switch" role="group" aria-label="Reply or internal note">
                        { switch(Mode::Reply, "Reply", "Public reply (Alt+R)", "mode-reply") }
                        { switch(Mode::Note, "Internal note", "Internal note, agents only (Alt+N)", "mode-note") }
                    </div>
                    if !text.is_empty() {
                        <span class="composer__draft" data-testid="draft-state" data-saved={saved.to_string()}>
                            { if saved { "Draft saved" } else { "Saving draft…" } }
                        </span>
                    }
                    if note {
                        <span class="composer__label composer__label--note" data-testid="composer-mode-label">{ "Internal note — agents only" }</span>
                    } else {
                        <span class="composer__label" data-testid="composer-mode-label">{ reply_label(&channel) }</span>
                    }
                </div>
            }
            if !left.is_empty() {
                <div class="composer__preview" data-testid="composer-preview">
                    <span class="composer__preview-label">{ "Not filled in — edit before sending:" }</span>
                    <div class="composer__preview-text">{ highlighted(&text) }</div>
                </div>
            }
            if confirm.is_some() && !left.is_empty() {
                <p class="composer__warning" role="alert" data-testid="unfilled-warning">
                    { format!("{} not filled in. Edit it, or send again to send it as written.", left.join(", ")) }
                </p>
            }
            if let Some(message) = (*posted_first).clone() {
                <SendGuard {message} on_send={send_anyway} on_cancel={cancel_send} />
            }
            <div class="composer__row">
                <textarea class="input composer__input" data-testid="composer" rows="2" ref={input_ref}
                    aria-label={if note { "Internal note" } else { "Reply" }}
                    placeholder={hint} disabled={closed} value={(*text).clone()} oninput={on_input} onkeydown={on_keydown} />
                <button class={classes!("button", "button--primary", note.then_some("button--note"))} type="submit"
                    data-testid="send" disabled={closed || text.trim().is_empty()}>
                    { if agent { mode.send_label() } else { "Send" } }
                </button>
            </div>
        </form>
    }
}
