//! The one vocabulary of actions on a channel, from the UI to the wire: the UI asks for a
//! [`ChannelAction`] over IPC, the console's outbox stores it (`console::Work::Act`) and
//! performs it against the platform's REST route of the same name.
//!
//! The permission table is keyed by [`ChatAction`]; an action's keys are derived here,
//! once, by [`ChannelAction::permission_keys`].

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::ids::UserId;
use crate::rest::UpdateTicketRequest;
use crate::roles::{ChatAction, Role};

/// An action on a channel, with what it needs.
///
/// Serialized with its name in `action` (`{"action": "assign", "member": "…"}`); the
/// outbox flattens it beside its own fields, so the names and fields here are also what
/// the console's cache stores.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum ChannelAction {
    /// Assign to a member of the tenant (`PUT …/assign`).
    #[serde(rename_all = "camelCase")]
    Assign {
        /// To whom.
        member: UserId,
    },
    /// Escalate to the platform's super admins (`PUT …/escalate`).
    Escalate {
        /// Why.
        reason: String,
    },
    /// Resolve (`PUT …/resolve`).
    Resolve {
        /// How.
        resolution: Option<String>,
    },
    /// Reopen (`PUT …/reopen`).
    Reopen,
    /// Archive (`DELETE …/{id}`).
    Archive,
    /// Change the ticket's status, priority or category (`PATCH …/ticket`).
    UpdateTicket {
        /// The change.
        update: UpdateTicketRequest,
    },
}

impl ChannelAction {
    /// Its name, as serialized (`assign`, `updateTicket`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Assign { .. } => "assign",
            Self::Escalate { .. } => "escalate",
            Self::Resolve { .. } => "resolve",
            Self::Reopen => "reopen",
            Self::Archive => "archive",
            Self::UpdateTicket { .. } => "updateTicket",
        }
    }

    /// The keys of the permission table this action needs, every one of them: one for
    /// most actions; for a ticket update, one per kind of change it makes (a status
    /// change is [`ChatAction::UpdateTicketStatus`], a priority or category change
    /// [`ChatAction::UpdateTicket`]), none for an update that changes nothing.
    pub fn permission_keys(&self) -> &'static [ChatAction] {
        match self {
            Self::Assign { .. } => &[ChatAction::Assign],
            Self::Escalate { .. } => &[ChatAction::Escalate],
            Self::Resolve { .. } => &[ChatAction::Resolve],
            Self::Reopen => &[ChatAction::Reopen],
            Self::Archive => &[ChatAction::Archive],
            Self::UpdateTicket { update } => update.permission_keys(),
        }
    }

    /// Whether `role` may take this action (on a channel it can see).
    pub fn allowed_for(&self, role: Role) -> bool {
        self.permission_keys().iter().all(|&key| role.may(key))
    }
}

impl UpdateTicketRequest {
    /// The keys of the permission table this change needs (see
    /// [`ChannelAction::permission_keys`]).
    pub fn permission_keys(&self) -> &'static [ChatAction] {
        let status = self.status.is_some();
        let other = self.priority.is_some() || self.category.is_some();
        match (status, other) {
            (true, true) => &[ChatAction::UpdateTicketStatus, ChatAction::UpdateTicket],
            (true, false) => &[ChatAction::UpdateTicketStatus],
            (false, true) => &[ChatAction::UpdateTicket],
            (false, false) => &[],
        }
    }
}
