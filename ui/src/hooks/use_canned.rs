//! `use_canned_responses`: the cached canned responses in the app state, read when a
//! component that needs them mounts and again each time the shell says they changed.

use yew::prelude::*;

use crate::effects;
use crate::ipc;
use crate::state::workflow::WorkflowAction;
use crate::state::{Action, AppContext};

/// Keeps `state.workflow.canned` current while the component lives (agents only: nobody
/// else has canned responses).
#[hook]
pub fn use_canned_responses(state: &AppContext) {
    let agent = state.me().is_some_and(|me| me.role.is_agent());
    let changes = state.workflow.canned_changes;
    let state = state.clone();
    use_effect_with((agent, changes), move |(agent, _)| {
        if *agent {
            let state2 = state.clone();
            effects::spawn(&state, async move {
                let list = ipc::canned_responses().await?;
                state2.dispatch(Action::Workflow(WorkflowAction::CannedLoaded(list)));
                Ok(())
            });
        }
    });
}
