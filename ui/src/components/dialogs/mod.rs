//! The console's dialogs, one file each: the assign picker, escalate or resolve with a
//! reason, archive with a confirmation, create a ticket, search results, settings (with the
//! canned responses' section, and the SLA policies' page), and the shortcut list; the host
//! frames whichever is open, and Escape closes any of them.

mod archive;
mod assign;
mod canned;
mod create;
mod host;
mod reason;
mod search;
mod settings;
mod shortcuts;
mod sla;

use protocol::ChannelId;
use yew::prelude::*;

pub use assign::pick;
pub use create::ticket_request;
pub use host::{DialogHost, DialogHostProps};
pub use shortcuts::SHORTCUTS;

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

/// Props of a dialog acting on one channel.
#[derive(Debug, Properties, PartialEq)]
struct ChannelDialogProps {
    channel: ChannelId,
    on_close: Callback<()>,
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
