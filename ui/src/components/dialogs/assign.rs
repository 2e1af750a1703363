//! The assign picker: a searchable list of the tenant's users; a click assigns the open
//! ticket and closes the dialog.

use protocol::ipc::ChannelAction;
use protocol::UserSummary;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{use_autofocus, ChannelDialogProps};
use crate::effects::run_action;
use crate::ipc;
use crate::logic::format::label;
use crate::state::AppContext;

/// Users whose name or address contains every word of `filter`, any case.
pub fn pick(users: &[UserSummary], filter: &str) -> Vec<UserSummary> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    users
        .iter()
        .filter(|u| {
            let hay = format!("{} {} {}", u.name, u.email, u.role).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .cloned()
        .collect()
}

#[function_component(AssignPicker)]
pub(super) fn assign_picker(props: &ChannelDialogProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let users = use_state(|| None::<Result<Vec<UserSummary>, String>>);
    let filter = use_state(String::new);
    let input = use_node_ref();
    use_autofocus(input.clone());
    {
        let users = users.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                users.set(Some(ipc::users().await.map_err(|e| e.message)));
            });
        });
    }
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let list = match &*users {
        None => html! { <p class="muted">{ "Loading the team…" }</p> },
        Some(Err(why)) => {
            html! { <p class="problem" role="alert">{ format!("Cannot list the team: {why}") }</p> }
        }
        Some(Ok(users)) => {
            let shown = pick(users, &filter);
            html! {
                <ul class="picker" role="listbox" data-testid="assign-options">
                    { for shown.iter().map(|user| {
                        let state = state.clone();
                        let channel = props.channel;
                        let close = props.on_close.clone();
                        let member = user.id;
                        let onclick = Callback::from(move |_| {
                            run_action(&state, channel, ChannelAction::Assign { member }, "Assigned");
                            close.emit(());
                        });
                        html! {
                            <li class="picker__option" role="option" data-testid="assign-option" data-email={user.email.clone()} {onclick}>
                                <span class="picker__name">{ &user.name }</span>
                                <span class="picker__meta">{ format!("{} · {}", user.email, label(user.role.as_str())) }</span>
                            </li>
                        }
                    }) }
                    if shown.is_empty() { <li class="muted">{ "No one matches." }</li> }
                </ul>
            }
        }
    };
    html! {
        <>
            <h2 class="dialog__title">{ "Assign to" }</h2>
            <input class="input" type="search" ref={input} data-testid="assign-filter" placeholder="Filter by name, address or role"
                value={(*filter).clone()} oninput={on_filter} />
            { list }
        </>
    }
}

#[cfg(test)]
mod tests {
    use protocol::{Role, UserId};

    use super::*;

    fn user(name: &str, email: &str, role: Role) -> UserSummary {
        UserSummary {
            id: UserId::from(uuid::Uuid::new_v4()),
            email: email.to_owned(),
            name: name.to_owned(),
            role,
        }
    }

    #[test]
    fn the_picker_filters_by_name_address_or_role() {
        let users = vec![
            user("Quinn Manager", "qm@acme.test", Role::QuestionManager),
            user("Alice", "alice@acme.test", Role::Participant),
        ];
        assert_eq!(pick(&users, "").len(), 2);
        assert_eq!(pick(&users, "QM@")[0].name, "Quinn Manager");
        assert_eq!(pick(&users, "participant")[0].name, "Alice");
        assert!(pick(&users, "alice manager").is_empty());
    }
}
