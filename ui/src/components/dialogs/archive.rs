//! Archive the open channel, after a confirmation.

use protocol::ipc::ChannelAction;
use yew::prelude::*;

use super::ChannelDialogProps;
use crate::effects::run_action;
use crate::state::AppContext;

#[function_component(ArchiveDialog)]
pub(super) fn archive_dialog(props: &ChannelDialogProps) -> Html {
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
