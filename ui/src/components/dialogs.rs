//! The console's dialogs: the assign picker (a searchable list of the tenant's users),
//! escalate with a reason, resolve with a resolution, archive with a confirmation, create a
//! ticket, search results, settings, and the shortcut list. Escape closes any of them.

use protocol::console::SearchHit;
use protocol::ipc::ChannelAction;
use protocol::rest::CreateChannelRequest;
use protocol::validate::Validate;
use protocol::{
    ChannelId, ChannelType, FieldError, MessageId, TicketCategory, TicketPriority, UserSummary,
};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::details::run_action;
use crate::effects;
use crate::ipc;
use crate::logic::format::label;
use crate::state::{Action, AppContext};

/// An action that needs a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionDialog {
    /// Choose the assignee.
    Assign,
    /// Give the reason.
    Escalate,
    /// Give the resolution.
    Resolve,
    /// Confirm.
    Archive,
}

/// The dialog on screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    /// An action on the open channel.
    Act(ActionDialog),
    /// A new ticket.
    Create,
    /// Full-text search results.
    Search(String),
    /// Settings.
    Settings,
    /// The keyboard shortcuts.
    Shortcuts,
}

/// Props of [`DialogHost`].
#[derive(Debug, Properties, PartialEq)]
pub struct DialogHostProps {
    /// Which dialog.
    pub dialog: Dialog,
    /// The open channel, for actions.
    pub channel: Option<ChannelId>,
    /// Closes it.
    pub on_close: Callback<()>,
    /// Opens a channel, on a message (search results).
    pub on_open: Callback<(ChannelId, Option<(i64, MessageId)>)>,
}

/// Shows `dialog` in a modal frame.
#[function_component(DialogHost)]
pub fn dialog_host(props: &DialogHostProps) -> Html {
    let close = props.on_close.clone();
    let on_keydown = Callback::from(move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            close.emit(());
        }
    });
    let on_backdrop = {
        let close = props.on_close.clone();
        Callback::from(move |_| close.emit(()))
    };
    let stop = Callback::from(|event: MouseEvent| event.stop_propagation());
    let body = match (&props.dialog, props.channel) {
        (Dialog::Act(ActionDialog::Assign), Some(channel)) => {
            html! { <AssignPicker {channel} on_close={props.on_close.clone()} /> }
        }
        (Dialog::Act(kind @ (ActionDialog::Escalate | ActionDialog::Resolve)), Some(channel)) => {
            html! { <ReasonDialog {channel} kind={*kind} on_close={props.on_close.clone()} /> }
        }
        (Dialog::Act(ActionDialog::Archive), Some(channel)) => {
            html! { <ArchiveDialog {channel} on_close={props.on_close.clone()} /> }
        }
        (Dialog::Create, _) => {
            html! { <CreateTicket on_close={props.on_close.clone()} on_open={props.on_open.clone()} /> }
        }
        (Dialog::Search(text), _) => {
            html! { <SearchResults text={text.clone()} on_open={props.on_open.clone()} /> }
        }
        (Dialog::Settings, _) => html! { <SettingsDialog /> },
        (Dialog::Shortcuts, _) => html! { <Shortcuts /> },
        (Dialog::Act(_), None) => html! { <p>{ "Open a ticket first." }</p> },
    };
    html! {
        <div class="backdrop" onclick={on_backdrop} onkeydown={on_keydown}>
            <div class="dialog" role="dialog" aria-modal="true" onclick={stop} data-testid="dialog">
                { body }
                <button class="dialog__close" aria-label="Close" data-testid="dialog-close"
                    onclick={let close = props.on_close.clone(); Callback::from(move |_| close.emit(()))}>{ "×" }</button>
            </div>
        </div>
    }
}

#[derive(Debug, Properties, PartialEq)]
struct ChannelDialogProps {
    channel: ChannelId,
    on_close: Callback<()>,
}

/// Users whose name or address contains every word of `filter`, any case.
pub fn pick(users: &[UserSummary], filter: &str) -> Vec<UserSummary> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    users
        .iter()
        .filter(|u| {
            let hay = format!("{} {} {}", u.name, u.email, u.role).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .cloned()
        .collect()
}

/// Focuses the element behind `node` once it is mounted.
#[hook]
fn use_autofocus(node: NodeRef) {
    use_effect_with((), move |_| {
        if let Some(element) = node.cast::<web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    });
}

#[function_component(AssignPicker)]
fn assign_picker(props: &ChannelDialogProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let users = use_state(|| None::<Result<Vec<UserSummary>, String>>);
    let filter = use_state(String::new);
    let input = use_node_ref();
    use_autofocus(input.clone());
    {
        let users = users.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                users.set(Some(ipc::users().await.map_err(|e| e.message)));
            });
        });
    }
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let list = match &*users {
        None => html! { <p class="muted">{ "Loading the team…" }</p> },
        Some(Err(why)) => {
            html! { <p class="problem" role="alert">{ format!("Cannot list the team: {why}") }</p> }
        }
        Some(Ok(users)) => {
            let shown = pick(users, &filter);
            html! {
                <ul class="picker" role="listbox" data-testid="assign-options">
                    { for shown.iter().map(|user| {
                        let state = state.clone();
                        let channel = props.channel;
                        let close = props.on_close.clone();
                        let member = user.id;
                        let onclick = Callback::from(move |_| {
                            run_action(&state, channel, ChannelAction::Assign { member }, "Assigned");
                            close.emit(());
                        });
                        html! {
                            <li class="picker__option" role="option" data-testid="assign-option" data-email={user.email.clone()} {onclick}>
                                <span class="picker__name">{ &user.name }</span>
                                <span class="picker__meta">{ format!("{} · {}", user.email, label(user.role.as_str())) }</span>
                            </li>
                        }
                    }) }
                    if shown.is_empty() { <li class="muted">{ "No one matches." }</li> }
                </ul>
            }
        }
    };
    html! {
        <>
            <h2 class="dialog__title">{ "Assign to" }</h2>
            <input class="input" type="search" ref={input} data-testid="assign-filter" placeholder="Filter by name, address or role"
                value={(*filter).clone()} oninput={on_filter} />
            { list }
        </>
    }
}

#[derive(Debug, Properties, PartialEq)]
struct ReasonProps {
    channel: ChannelId,
    kind: ActionDialog,
    on_close: Callback<()>,
}

#[function_component(ReasonDialog)]
fn reason_dialog(props: &ReasonProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let text = use_state(String::new);
    let area = use_node_ref();
    use_autofocus(area.clone());
    let escalate = props.kind == ActionDialog::Escalate;
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_submit = {
        let (text, state, close, channel) = (
            text.clone(),
            state.clone(),
            props.on_close.clone(),
            props.channel,
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let value = text.trim().to_owned();
            let (action, done) = if escalate {
                if value.is_empty() {
                    return;
                }
                (ChannelAction::Escalate { reason: value }, "Escalated")
            } else {
                let resolution = (!value.is_empty()).then_some(value);
                (ChannelAction::Resolve { resolution }, "Resolved")
            };
            run_action(&state, channel, action, done);
            close.emit(());
        })
    };
    let (title, label_text, button, testid) = if escalate {
        (
            "Escalate to platform support",
            "Reason (required)",
            "Escalate",
            "escalate",
        )
    } else {
        ("Resolve", "Resolution (optional)", "Resolve", "resolve")
    };
    html! {
        <form onsubmit={on_submit}>
            <h2 class="dialog__title">{ title }</h2>
            <label class="field">
                <span class="field__label">{ label_text }</span>
                <textarea class="input" rows="4" ref={area} data-testid={format!("{testid}-text")}
                    maxlength="2000" value={(*text).clone()} oninput={on_input} />
            </label>
            <button class="button button--primary" type="submit" data-testid={format!("{testid}-confirm")}
                disabled={escalate && text.trim().is_empty()}>{ button }</button>
        </form>
    }
}

#[function_component(ArchiveDialog)]
fn archive_dialog(props: &ChannelDialogProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let onclick = {
        let (state, close, channel) = (state.clone(), props.on_close.clone(), props.channel);
        Callback::from(move |_| {
            run_action(&state, channel, ChannelAction::Archive, "Archived");
            close.emit(());
        })
    };
    let cancel = {
        let close = props.on_close.clone();
        Callback::from(move |_| close.emit(()))
    };
    html! {
        <>
            <h2 class="dialog__title">{ "Archive this channel?" }</h2>
            <p>{ "It closes for good: no one can post in it any more. Its history stays readable." }</p>
            <div class="dialog__buttons">
                <button class="button" onclick={cancel}>{ "Cancel" }</button>
                <button class="button button--danger" data-testid="archive-confirm" {onclick}>{ "Archive" }</button>
            </div>
        </>
    }
}

#[derive(Debug, Properties, PartialEq)]
struct CreateProps {
    on_close: Callback<()>,
    on_open: Callback<(ChannelId, Option<(i64, MessageId)>)>,
}

/// The new ticket the form's values describe.
pub fn ticket_request(
    subject: &str,
    category: TicketCategory,
    priority: TicketPriority,
    message: &str,
) -> CreateChannelRequest {
    CreateChannelRequest {
        channel_type: ChannelType::Support,
        participant_ids: None,
        subject: Some(subject.trim().to_owned()).filter(|s| !s.is_empty()),
        category: Some(category),
        priority: Some(priority),
        context_id: None,
        initial_message: Some(message.trim().to_owned()).filter(|m| !m.is_empty()),
    }
}

/// Sets `handle` to a select's value, parsed from its wire name.
fn parsed_select<T: std::str::FromStr + 'static>(handle: &UseStateHandle<T>) -> Callback<Event> {
    let handle = handle.clone();
    Callback::from(move |e: Event| {
        if let Ok(value) = e
            .target_unchecked_into::<HtmlSelectElement>()
            .value()
            .parse()
        {
            handle.set(value);
        }
    })
}

#[function_component(CreateTicket)]
fn create_ticket(props: &CreateProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let subject = use_state(String::new);
    let category = use_state(|| TicketCategory::Other);
    let priority = use_state(|| TicketPriority::Medium);
    let message = use_state(String::new);
    let problems = use_state(Vec::<FieldError>::new);
    let busy = use_state(|| false);
    let first = use_node_ref();
    use_autofocus(first.clone());
    let on_submit = {
        let (subject, category, priority, message, problems, busy, state, close, open) = (
            subject.clone(),
            category.clone(),
            priority.clone(),
            message.clone(),
            problems.clone(),
            busy.clone(),
            state.clone(),
            props.on_close.clone(),
            props.on_open.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let request = ticket_request(&subject, *category, *priority, &message);
            if let Err(fields) = request.validate() {
                problems.set(fields);
                return;
            }
            problems.set(Vec::new());
            busy.set(true);
            let (state, close, open, busy, problems) = (
                state.clone(),
                close.clone(),
                open.clone(),
                busy.clone(),
                problems.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::create_channel(&request).await {
                    Ok(channel) => {
                        state.dispatch(Action::Notice("Ticket opened".to_owned()));
                        close.emit(());
                        open.emit((channel.id, None));
                    }
                    Err(error) => {
                        busy.set(false);
                        match error.fields.clone() {
                            Some(fields) if !fields.is_empty() => problems.set(fields),
                            _ => problems.set(vec![FieldError::new("", match error.code {
                                protocol::ErrorCode::Offline => "The platform cannot be reached: a ticket can only be opened online.".to_owned(),
                                _ => error.message,
                            })]),
                        }
                    }
                }
            });
        })
    };
    let problem = |field: &str| {
        problems.iter().find(|p| p.field == field).map(|p| html! {
            <span class="field__problem" role="alert" data-testid={format!("problem-{}", if field.is_empty() { "form" } else { field })}>{ &p.message }</span>
        })
    };
    let text = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| {
            handle.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let area = {
        let handle = message.clone();
        Callback::from(move |e: InputEvent| {
            handle.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_category = parsed_select(&category);
    let on_priority = parsed_select(&priority);
    html! {
        <form onsubmit={on_submit} data-testid="create-form">
            <h2 class="dialog__title">{ "New ticket" }</h2>
            <label class="field">
                <span class="field__label">{ "Subject" }</span>
                <input class="input" ref={first} data-testid="create-subject" maxlength="200"
                    value={(*subject).clone()} oninput={text(&subject)} />
                { problem("subject") }
            </label>
            <div class="field-row">
                <label class="field">
                    <span class="field__label">{ "Category" }</span>
                    <select class="input" data-testid="create-category" onchange={on_category}>
                        { for TicketCategory::ALL.iter().map(|c| html! {
                            <option value={c.as_str()} selected={*c == *category}>{ label(c.as_str()) }</option>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{ "Priority" }</span>
                    <select class="input" data-testid="create-priority" onchange={on_priority}>
                        { for TicketPriority::ALL.iter().map(|p| html! {
                            <option value={p.as_str()} selected={*p == *priority}>{ label(p.as_str()) }</option>
                        }) }
                    </select>
                </label>
            </div>
            <label class="field">
                <span class="field__label">{ "First message" }</span>
                <textarea class="input" rows="4" data-testid="create-message" value={(*message).clone()} oninput={area} />
                { problem("initialMessage") }
            </label>
            { problem("") }
            <button class="button button--primary" type="submit" data-testid="create-confirm" disabled={*busy}>
                { if *busy { "Opening…" } else { "Open ticket" } }
            </button>
        </form>
    }
}

#[derive(Debug, Properties, PartialEq)]
struct SearchProps {
    text: String,
    on_open: Callback<(ChannelId, Option<(i64, MessageId)>)>,
}

#[function_component(SearchResults)]
fn search_results(props: &SearchProps) -> Html {
    let hits = use_state(|| None::<Result<Vec<SearchHit>, String>>);
    {
        let hits = hits.clone();
        use_effect_with(props.text.clone(), move |text| {
            let text = text.clone();
            hits.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                hits.set(Some(ipc::search(&text).await.map_err(|e| e.message)));
            });
        });
    }
    let body = match &*hits {
        None => html! { <p class="muted">{ "Searching…" }</p> },
        Some(Err(why)) => html! { <p class="problem" role="alert">{ why }</p> },
        Some(Ok(hits)) if hits.is_empty() => {
            html! { <p class="muted" data-testid="search-empty">{ "Nothing in the cached history matches." }</p> }
        }
        Some(Ok(hits)) => html! {
            <ul class="picker" data-testid="search-results">
                { for hits.iter().map(|hit| {
                    let (target, title, text) = match hit {
                        SearchHit::Message { message } => (
                            (message.channel_id, Some((message.seq, message.id))),
                            message.sender.name.clone(),
                            message.content.clone(),
                        ),
                        SearchHit::Channel { channel } => (
                            (channel.id, None),
                            "Ticket".to_owned(),
                            channel.subject.clone().unwrap_or_default(),
                        ),
                    };
                    let on_open = props.on_open.clone();
                    let onclick = Callback::from(move |_| on_open.emit(target));
                    html! {
                        <li class="picker__option" data-testid="search-hit" {onclick}>
                            <span class="picker__name">{ title }</span>
                            <span class="picker__meta">{ text }</span>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <>
            <h2 class="dialog__title">{ format!("Search: {}", props.text) }</h2>
            { body }
        </>
    }
}

#[function_component(SettingsDialog)]
fn settings_dialog() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let save = |change: fn(&mut protocol::ipc::Settings)| {
        let state = state.clone();
        Callback::from(move |_| {
            let mut settings = state.settings.clone();
            change(&mut settings);
            effects::spawn(&state, effects::save_settings(state.clone(), settings));
        })
    };
    let sign_out = {
        let state = state.clone();
        Callback::from(move |_| {
            let state2 = state.clone();
            effects::spawn(&state, async move {
                ipc::sign_out().await?;
                state2.dispatch(Action::SignedOut);
                Ok(())
            });
        })
    };
    let settings = &state.settings;
    let who = state
        .me()
        .map(|m| format!("{} · {} · {}", m.name, m.email, label(m.role.as_str())))
        .unwrap_or_default();
    html! {
        <>
            <h2 class="dialog__title">{ "Settings" }</h2>
            <label class="toggle">
                <input type="checkbox" data-testid="setting-notifications" checked={settings.notifications}
                    onchange={save(|s| s.notifications = !s.notifications)} />
                { "Desktop notifications" }
            </label>
            <label class="toggle">
                <input type="checkbox" data-testid="setting-dnd" checked={settings.do_not_disturb}
                    onchange={save(|s| s.do_not_disturb = !s.do_not_disturb)} />
                { "Do not disturb (only urgent tickets and assignments to me)" }
            </label>
            <p class="muted">{ format!("{} muted channel(s); mute one from its details.", settings.muted.len()) }</p>
            <p class="muted">{ who }</p>
            <button class="button button--danger" data-testid="sign-out" onclick={sign_out}>{ "Sign out" }</button>
        </>
    }
}

/// The keyboard shortcuts, as the list shows them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("j / k", "Next / previous ticket"),
    ("Enter", "Open the highlighted ticket"),
    ("/", "Filter the queue (Enter there searches the history)"),
    ("n", "New ticket"),
    ("r", "Reply: focus the composer"),
    ("Escape", "Close a dialog"),
    ("?", "This list"),
];

#[function_component(Shortcuts)]
fn shortcuts() -> Html {
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

#[cfg(test)]
mod tests {
    use protocol::{Role, UserId};

    use super::*;

    fn user(name: &str, email: &str, role: Role) -> UserSummary {
        UserSummary {
            id: UserId::from(uuid::Uuid::new_v4()),
            email: email.to_owned(),
            name: name.to_owned(),
            role,
        }
    }

    #[test]
    fn the_picker_filters_by_name_address_or_role() {
        let users = vec![
            user("Quinn Manager", "qm@acme.test", Role::QuestionManager),
            user("Alice", "alice@acme.test", Role::Participant),
        ];
        assert_eq!(pick(&users, "").len(), 2);
        assert_eq!(pick(&users, "QM@")[0].name, "Quinn Manager");
        assert_eq!(pick(&users, "participant")[0].name, "Alice");
        assert!(pick(&users, "alice manager").is_empty());
    }

    #[test]
    fn the_new_ticket_form_is_validated_as_the_platform_validates() {
        let empty = ticket_request("  ", TicketCategory::Billing, TicketPriority::High, "");
        let fields = empty.validate().expect_err("a subject is required");
        assert_eq!(fields[0].field, "subject");
        let long = ticket_request(
            &"x".repeat(201),
            TicketCategory::Other,
            TicketPriority::Low,
            "hi",
        );
        assert!(long.validate().is_err());
        let fine = ticket_request(
            "Refund",
            TicketCategory::Billing,
            TicketPriority::Urgent,
            " hello ",
        );
        assert!(fine.validate().is_ok());
        assert_eq!(fine.initial_message.as_deref(), Some("hello"));
    }
}
