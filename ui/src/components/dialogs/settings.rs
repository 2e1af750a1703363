//! Settings: notifications, do-not-disturb, the warning before an SLA breach, canned
//! responses (agents), who is signed in, and signing out; agents have a second page with
//! the SLA policies (see `sla`).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::canned::CannedSettings;
use super::sla::SlaSettings;
use crate::effects;
use crate::ipc;
use crate::logic::format::label;
use crate::logic::sla_policy::parse_warning_minutes;
use crate::state::{Action, AppContext};

/// Which page of the settings is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    General,
    Sla,
}

#[function_component(SettingsDialog)]
pub(super) fn settings_dialog() -> Html {
    let page = use_state(|| Page::General);
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let agent = state.me().is_some_and(|me| me.role.is_agent());
    let tab = |which: Page, title: &str, testid: &str| {
        let page = page.clone();
        let class = classes!("tab", (*page == which).then_some("tab--active"));
        html! {
            <button type="button" {class} role="tab" aria-selected={(*page == which).to_string()}
                data-testid={testid.to_owned()} onclick={Callback::from(move |_| page.set(which))}>{ title }</button>
        }
    };
    html! {
        <>
            <h2 class="dialog__title">{ "Settings" }</h2>
            if agent {
                <div class="tabs" role="tablist">
                    { tab(Page::General, "General", "settings-tab-general") }
                    { tab(Page::Sla, "SLA", "settings-tab-sla") }
                </div>
            }
            if agent && *page == Page::Sla {
                <SlaSettings />
            } else {
                <GeneralSettings />
            }
        </>
    }
}

/// The general page: notifications, the SLA warning, canned responses, who, sign out.
#[function_component(GeneralSettings)]
fn general_settings() -> Html {
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
    let agent = state.me().is_some_and(|me| me.role.is_agent());
    html! {
        <>
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
            if agent {
                <WarningMinutes />
            }
            <p class="muted">{ format!("{} muted channel(s); mute one from its details.", settings.muted.len()) }</p>
            <CannedSettings />
            <p class="muted">{ who }</p>
            <button class="button button--danger" data-testid="sign-out" onclick={sign_out}>{ "Sign out" }</button>
        </>
    }
}

/// "Warn N minutes before a breach": the profile's `slaWarningMinutes`, saved when the
/// field is left or Enter pressed, refused beside it when it is no number of minutes.
#[function_component(WarningMinutes)]
fn warning_minutes() -> Html {
    let state = use_context::<AppContext>();
    let saved = state.as_ref().map(|s| s.settings.sla_warning_minutes);
    let text = use_state(|| saved.map(|m| m.to_string()).unwrap_or_default());
    let problem = use_state(|| None::<String>);
    let Some(state) = state else {
        return html! {};
    };
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_change = {
        let (text, problem, state) = (text.clone(), problem.clone(), state.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            match parse_warning_minutes(&value) {
                Ok(minutes) => {
                    problem.set(None);
                    text.set(minutes.to_string());
                    if minutes != state.settings.sla_warning_minutes {
                        let mut settings = state.settings.clone();
                        settings.sla_warning_minutes = minutes;
                        effects::spawn(&state, effects::save_settings(state.clone(), settings));
                    }
                }
                Err(message) => problem.set(Some(message)),
            }
        })
    };
    html! {
        <label class="field sla-warning">
            <span class="field__label">{ "Warn before an SLA breach (minutes)" }</span>
            <input class="input input--small" inputmode="numeric" data-testid="setting-sla-warning"
                value={(*text).clone()} oninput={on_input} onchange={on_change} />
            if let Some(message) = &*problem {
                <span class="field__problem" role="alert" data-testid="setting-sla-warning-problem">{ message.clone() }</span>
            }
        </label>
    }
}
