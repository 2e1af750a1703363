//! The modal frame around the open dialog: picks the dialog's component, closes on Escape,
//! on the backdrop and on its close button.

use protocol::{ChannelId, MessageId};
use yew::prelude::*;

use super::archive::ArchiveDialog;
use super::assign::AssignPicker;
use super::create::CreateTicket;
use super::reason::ReasonDialog;
use super::search::SearchResults;
use super::settings::SettingsDialog;
use super::shortcuts::Shortcuts;
use super::{ActionDialog, Dialog};

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
