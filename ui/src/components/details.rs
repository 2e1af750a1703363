//! The ticket's details beside the conversation, and the actions the user's role permits
//! on it: each opens its dialog, shows progress, then the result or the error; offline,
//! the action is queued and says so.

use protocol::ipc::ChannelAction;
use protocol::rest::UpdateTicketRequest;
use protocol::{Channel, ChatAction, TicketPriority, TicketStatus};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::dialogs::{ActionDialog, Dialog};
use crate::components::queue::{sla_badge, sla_warning};
use crate::effects::{self, run_action};
use crate::hooks::use_now;
use crate::logic::format::label;
use crate::logic::queue::participant_name;
use crate::logic::sla;
use crate::logic::take::{take, Take};
use crate::state::AppContext;

/// Props of [`Details`].
#[derive(Debug, Properties, PartialEq)]
pub struct DetailsProps {
    /// The channel.
    pub channel: Channel,
    /// Opens an action's dialog.
    pub on_dialog: Callback<Option<Dialog>>,
}

fn row(name: &str, value: Html) -> Html {
    html! {
        <>
            <dt>{ name.to_owned() }</dt>
            <dd>{ value }</dd>
        </>
    }
}

/// The due times behind the badge, for its tooltip.
fn sla_title(ticket: &protocol::Ticket) -> String {
    let Some(sla) = &ticket.sla else {
        return String::new();
    };
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| {
            at.with_timezone(&chrono::Local)
                .format("%a %H:%M")
                .to_string()
        })
    };
    [
        ("First response", when(sla.first_response_due_at)),
        ("Next response", when(sla.next_response_due_at)),
        ("Resolution", when(sla.resolution_due_at)),
    ]
    .into_iter()
    .filter_map(|(what, at)| at.map(|at| format!("{what} due {at}")))
    .chain((!sla.breaches.is_empty()).then(|| format!("{} breached", sla.breaches.len())))
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The details and the action bar.
#[function_component(Details)]
pub fn details(props: &DetailsProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let Some(me) = state.me() else {
        return html! {};
    };
    let now = use_now(20_000);
    let channel = &props.channel;
    let actions = me.viewer().offered(channel);
    let ticket = channel.ticket.as_ref();
    let name_of = |user: Option<protocol::UserId>| {
        user.map(|u| participant_name(channel, u).unwrap_or("someone").to_owned())
            .unwrap_or_else(|| "—".to_owned())
    };
    let button =
        |action: ChatAction, text: &'static str, dialog: Option<Dialog>, testid: &'static str| {
            if !actions.contains(&action) {
                return html! {};
            }
            let on_dialog = props.on_dialog.clone();
            let state = state.clone();
            let id = channel.id;
            let onclick = Callback::from(move |_| match dialog.clone() {
                Some(dialog) => on_dialog.emit(Some(dialog)),
                None => run_action(&state, id, ChannelAction::Reopen, "Reopened"),
            });
            html! { <button class="button" data-testid={testid} {onclick}>{ text }</button> }
        };
    let update = |field: &'static str| {
        let state = state.clone();
        let id = channel.id;
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            let mut update = UpdateTicketRequest::default();
            match field {
                "priority" => update.priority = value.parse::<TicketPriority>().ok(),
                _ => update.status = value.parse::<TicketStatus>().ok(),
            }
            run_action(
                &state,
                id,
                ChannelAction::UpdateTicket { update },
                "Ticket updated",
            );
        })
    };
    let may_edit = actions.contains(&ChatAction::UpdateTicket);
    let may_edit_status = actions.contains(&ChatAction::UpdateTicketStatus);
    let muted = state.settings.muted.contains(&channel.id);
    let on_mute = {
        let state = state.clone();
        let id = channel.id;
        Callback::from(move |_| {
            let mut settings = state.settings.clone();
            if !settings.muted.remove(&id) {
                settings.muted.insert(id);
            }
            effects::spawn(&state, effects::save_settings(state.clone(), settings));
        })
    };
    html! {
        <aside class="details" aria-label="Ticket details" data-testid="details">
            <dl class="details__list">
                { row("Status", html! { <span data-testid="detail-status">{ label(channel.status.as_str()) }</span> }) }
                if let Some(ticket) = ticket {
                    { row("Ticket", html! {
                        if may_edit_status {
                            <select class="input input--small" data-testid="ticket-status" onchange={update("status")}>
                                { for TicketStatus::ALL.iter().map(|s| html! {
                                    <option value={s.as_str()} selected={*s == ticket.status}>{ label(s.as_str()) }</option>
                                }) }
                            </select>
                        } else {
                            { label(ticket.status.as_str()) }
                        }
                    }) }
                    { row("Priority", html! {
                        if may_edit {
                            <select class="input input--small" data-testid="ticket-priority" onchange={update("priority")}>
                                { for TicketPriority::ALL.iter().map(|p| html! {
                                    <option value={p.as_str()} selected={*p == ticket.priority}>{ label(p.as_str()) }</option>
                                }) }
                            </select>
                        } else {
                            { label(ticket.priority.as_str()) }
                        }
                    }) }
                    { row("Category", html! { label(ticket.category.as_str()) }) }
                    if let Some(badge) = sla::badge(ticket, now, sla_warning(&state.settings)) {
                        { row("SLA", html! {
                            <span title={sla_title(ticket)}>{ sla_badge(&badge) }</span>
                        }) }
                    }
                    if let Some(resolution) = &ticket.resolution {
                        { row("Resolution", html! { resolution.clone() }) }
                    }
                }
                { row("Assignee", html! { <span data-testid="detail-assignee" data-user={channel.assigned_to.map(|u| u.to_string())}>{ name_of(channel.assigned_to) }</span> }) }
                { row("Opened", html! { channel.created_at.with_timezone(&chrono::Local).format("%e %b %Y, %H:%M").to_string() }) }
                { row("People", html! { channel.participants.len() }) }
            </dl>
            <div class="details__actions" data-testid="actions">
                if let Take::Assign { member } = take(channel, me) {
                    <button class="button button--primary" data-testid="action-take" title="t"
                        onclick={{
                            let state = state.clone();
                            let id = channel.id;
                            Callback::from(move |_| effects::run_action(&state, id, ChannelAction::Assign { member }, "Taken: it is yours"))
                        }}>{ "Take it" }</button>
                }
                { button(ChatAction::Assign, "Assign…", Some(Dialog::Act(ActionDialog::Assign)), "action-assign") }
                { button(ChatAction::Escalate, "Escalate…", Some(Dialog::Act(ActionDialog::Escalate)), "action-escalate") }
                { button(ChatAction::Resolve, "Resolve…", Some(Dialog::Act(ActionDialog::Resolve)), "action-resolve") }
                { button(ChatAction::Reopen, "Reopen", None, "action-reopen") }
                { button(ChatAction::Archive, "Archive…", Some(Dialog::Act(ActionDialog::Archive)), "action-archive") }
            </div>
            <button class="link" data-testid="mute" onclick={on_mute}>
                { if muted { "Unmute this channel" } else { "Mute this channel" } }
            </button>
        </aside>
    }
}
