//! Escalate with a reason (required) or resolve with a resolution (optional).

use protocol::ipc::ChannelAction;
use protocol::ChannelId;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::{use_autofocus, ActionDialog};
use crate::effects::run_action;
use crate::state::AppContext;

#[derive(Debug, Properties, PartialEq)]
pub(super) struct ReasonProps {
    pub(super) channel: ChannelId,
    pub(super) kind: ActionDialog,
    pub(super) on_close: Callback<()>,
}

#[function_component(ReasonDialog)]
pub(super) fn reason_dialog(props: &ReasonProps) -> Html {
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
