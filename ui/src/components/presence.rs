//! Who else is on the open ticket, in its header: each colleague viewing or typing there,
//! with initials and a word, as the platform tells agents.

use protocol::ChannelId;
use yew::prelude::*;

use crate::logic::collision::others;
use crate::state::AppContext;

/// Props of [`PresenceLine`].
#[derive(Debug, Properties, PartialEq)]
pub struct PresenceProps {
    /// The channel on screen.
    pub channel: ChannelId,
}

/// The colleagues on the ticket; nothing when there are none.
#[function_component(PresenceLine)]
pub fn presence_line(props: &PresenceProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let me = state.me().map(|m| m.user_id);
    let others = state
        .presence
        .get(&props.channel)
        .map(|agents| others(agents, me))
        .unwrap_or_default();
    if others.is_empty() {
        return html! {};
    }
    html! {
        <ul class="presence" data-testid="presence" aria-label="Colleagues on this ticket" aria-live="polite">
            { for others.into_iter().map(|(initials, name, word)| html! {
                <li class={classes!("presence__agent", format!("presence__agent--{word}"))}
                    data-testid="presence-agent" data-state={word} title={format!("{name} is {word}")}>
                    <span class="presence__avatar" aria-hidden="true">{ initials }</span>
                    <span class="presence__word">{ format!("{name} is {word}") }</span>
                </li>
            }) }
        </ul>
    }
}
