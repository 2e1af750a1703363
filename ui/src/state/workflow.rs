//! The agent workflow's part of the app state: the cached canned responses (reloaded when
//! the shell says they changed) and, per channel, whether the composer writes a reply or an
//! internal note, and the last draft the shell confirmed keeping. The mode outlives sending: after a note the composer stays on Note, so a
//! follow-up never becomes a public reply by accident.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use protocol::canned::CannedResponse;
use protocol::console::Draft;
use protocol::ChannelId;

use crate::logic::composer::Mode;

/// What the workflow keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workflow {
    /// The canned responses the agent may use, by short code.
    pub canned: Rc<Vec<CannedResponse>>,
    /// How many times the shell said the canned responses changed (the app rereads them
    /// after each).
    pub canned_changes: u32,
    /// The channels whose composer is on Note.
    notes: Rc<HashSet<ChannelId>>,
    /// The draft the shell last confirmed keeping, per channel.
    saved: Rc<HashMap<ChannelId, Draft>>,
}

/// A change to [`Workflow`].
#[derive(Debug, Clone, PartialEq)]
pub enum WorkflowAction {
    /// The canned responses were read.
    CannedLoaded(Vec<CannedResponse>),
    /// The composer of a channel switched mode (or a draft restored it).
    SetMode(ChannelId, Mode),
    /// The shell kept (or restored) this draft of a channel.
    DraftSaved(ChannelId, Draft),
}

impl Workflow {
    /// Applies `action`.
    pub fn apply(&mut self, action: WorkflowAction) {
        match action {
            WorkflowAction::CannedLoaded(list) => self.canned = Rc::new(list),
            WorkflowAction::SetMode(channel, Mode::Note) => {
                Rc::make_mut(&mut self.notes).insert(channel);
            }
            WorkflowAction::SetMode(channel, Mode::Reply) => {
                Rc::make_mut(&mut self.notes).remove(&channel);
            }
            WorkflowAction::DraftSaved(channel, draft) => {
                Rc::make_mut(&mut self.saved).insert(channel, draft);
            }
        }
    }

    /// The shell said the canned responses changed.
    pub fn canned_changed(&mut self) {
        self.canned_changes += 1;
    }

    /// The draft of `channel` the shell last confirmed keeping.
    pub fn saved(&self, channel: ChannelId) -> Option<&Draft> {
        self.saved.get(&channel)
    }

    /// The composer's mode in `channel` (a reply until switched).
    pub fn mode(&self, channel: ChannelId) -> Mode {
        Mode::from_note(self.notes.contains(&channel))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn the_mode_is_kept_per_channel_until_switched_back() {
        let (one, two) = (
            ChannelId::from(Uuid::new_v4()),
            ChannelId::from(Uuid::new_v4()),
        );
        let mut workflow = Workflow::default();
        assert_eq!(workflow.mode(one), Mode::Reply);
        workflow.apply(WorkflowAction::SetMode(one, Mode::Note));
        assert_eq!(workflow.mode(one), Mode::Note);
        assert_eq!(workflow.mode(two), Mode::Reply);
        workflow.apply(WorkflowAction::SetMode(one, Mode::Reply));
        assert_eq!(workflow.mode(one), Mode::Reply);
        let draft = Draft {
            text: "half".into(),
            note: true,
        };
        workflow.apply(WorkflowAction::DraftSaved(two, draft.clone()));
        assert_eq!(workflow.saved(two), Some(&draft));
        assert_eq!(workflow.saved(one), None);
    }

    #[test]
    fn a_change_signal_counts_and_a_load_replaces_the_list() {
        let mut workflow = Workflow::default();
        workflow.canned_changed();
        workflow.canned_changed();
        assert_eq!(workflow.canned_changes, 2);
        workflow.apply(WorkflowAction::CannedLoaded(vec![]));
        assert!(workflow.canned.is_empty());
    }
}
