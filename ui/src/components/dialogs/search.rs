//! Full-text search results over the cached history; a click opens the channel on the hit.

use protocol::console::SearchHit;
use protocol::{ChannelId, MessageId};
use yew::prelude::*;

use crate::ipc;

#[derive(Debug, Properties, PartialEq)]
pub(super) struct SearchProps {
    pub(super) text: String,
    pub(super) on_open: Callback<(ChannelId, Option<(i64, MessageId)>)>,
}

#[function_component(SearchResults)]
pub(super) fn search_results(props: &SearchProps) -> Html {
    let hits = use_state(|| None::<Result<Vec<SearchHit>, String>>);
    {
        let hits = hits.clone();
        use_effect_with(props.text.clone(), move |text| {
            let text = text.clone();
            hits.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                hits.set(Some(ipc::search(&text).await.map_err(|e| e.message)));
            });
        });
    }
    let body = match &*hits {
        None => html! { <p class="muted">{ "Searching…" }</p> },
        Some(Err(why)) => html! { <p class="problem" role="alert">{ why }</p> },
        Some(Ok(hits)) if hits.is_empty() => {
            html! { <p class="muted" data-testid="search-empty">{ "Nothing in the cached history matches." }</p> }
        }
        Some(Ok(hits)) => html! {
            <ul class="picker" data-testid="search-results">
                { for hits.iter().map(|hit| {
                    let (target, title, text) = match hit {
                        SearchHit::Message { message } => (
                            (message.channel_id, Some((message.seq, message.id))),
                            message.sender.name.clone(),
                            message.content.clone(),
                        ),
                        SearchHit::Channel { channel } => (
                            (channel.id, None),
                            "Ticket".to_owned(),
                            channel.subject.clone().unwrap_or_default(),
                        ),
                    };
                    let on_open = props.on_open.clone();
                    let onclick = Callback::from(move |_| on_open.emit(target));
                    html! {
                        <li class="picker__option" data-testid="search-hit" {onclick}>
                            <span class="picker__name">{ title }</span>
                            <span class="picker__meta">{ text }</span>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <>
            <h2 class="dialog__title">{ format!("Search: {}", props.text) }</h2>
            { body }
        </>
    }
}
