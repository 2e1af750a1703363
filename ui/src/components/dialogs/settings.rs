//! Settings: notifications, do-not-disturb, canned responses (agents), who is signed in,
//! and signing out.

use yew::prelude::*;

use super::canned::CannedSettings;
use crate::effects;
use crate::ipc;
use crate::logic::format::label;
use crate::state::{Action, AppContext};

#[function_component(SettingsDialog)]
pub(super) fn settings_dialog() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let save = |change: fn(&mut protocol::ipc::Settings)| {
        let state = state.clone();
        Callback::from(move |_| {
            let mut settings = state.settings.clone();
            change(&mut settings);
            effects::spawn(&state, effects::save_settings(state.clone(), settings));
        })
    };
    let sign_out = {
        let state = state.clone();
        Callback::from(move |_| {
            let state2 = state.clone();
            effects::spawn(&state, async move {
                ipc::sign_out().await?;
                state2.dispatch(Action::SignedOut);
                Ok(())
            });
        })
    };
    let settings = &state.settings;
    let who = state
        .me()
        .map(|m| format!("{} · {} · {}", m.name, m.email, label(m.role.as_str())))
        .unwrap_or_default();
    html! {
        <>
            <h2 class="dialog__title">{ "Settings" }</h2>
            <label class="toggle">
                <input type="checkbox" data-testid="setting-notifications" checked={settings.notifications}
                    onchange={save(|s| s.notifications = !s.notifications)} />
                { "Desktop notifications" }
            </label>
            <label class="toggle">
                <input type="checkbox" data-testid="setting-dnd" checked={settings.do_not_disturb}
                    onchange={save(|s| s.do_not_disturb = !s.do_not_disturb)} />
                { "Do not disturb (only urgent tickets and assignments to me)" }
            </label>
            <p class="muted">{ format!("{} muted channel(s); mute one from its details.", settings.muted.len()) }</p>
            <CannedSettings />
            <p class="muted">{ who }</p>
            <button class="button button--danger" data-testid="sign-out" onclick={sign_out}>{ "Sign out" }</button>
        </>
    }
}
