//! The technical cause behind words for a person, one click away: a closed "Details"
//! disclosure.

use yew::prelude::*;

/// A closed `<details>` holding `detail`, or nothing when there is none.
pub fn disclosure(detail: Option<&str>) -> Html {
    let Some(detail) = detail.filter(|d| !d.trim().is_empty()) else {
        return html! {};
    };
    html! {
        <details class="disclosure" data-testid="details">
            <summary>{ "Details" }</summary>
            <code class="disclosure__text">{ detail }</code>
        </details>
    }
}
