//! A new ticket: subject, category, priority and first message, checked as the platform
//! checks them before it is sent; on success the new ticket opens.

use protocol::rest::CreateChannelRequest;
use protocol::validate::Validate;
use protocol::{ChannelId, ChannelType, FieldError, MessageId, TicketCategory, TicketPriority};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::use_autofocus;
use crate::ipc;
use crate::logic::format::label;
use crate::state::{Action, AppContext};

#[derive(Debug, Properties, PartialEq)]
pub(super) struct CreateProps {
    pub(super) on_close: Callback<()>,
    pub(super) on_open: Callback<(ChannelId, Option<(i64, MessageId)>)>,
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
pub(super) fn create_ticket(props: &CreateProps) -> Html {
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

#[cfg(test)]
mod tests {
    use super::*;

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
