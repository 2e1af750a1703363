//! The sign-in page: platform URL, email, password, and a tenant choice when the user
//! belongs to several; errors in words.

use protocol::error::{CodedError, ErrorCode};
use protocol::ipc::{SignIn, SignInOutcome, TenantChoice};
use protocol::{Secret, TenantId};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::disclosure::disclosure;
use crate::effects;
use crate::state::AppContext;

/// The words for a failed sign-in.
pub fn sign_in_error(error: &CodedError, server: &str) -> String {
    match error.code {
        ErrorCode::Unauthorized => {
            "The platform refused the sign-in: wrong email or password.".to_owned()
        }
        ErrorCode::Offline => {
            let host = protocol::problem::host_of(server).unwrap_or_else(|| server.to_owned());
            format!("Can't reach the platform at {host}. Check the address and your connection.")
        }
        ErrorCode::RateLimited => {
            "Too many sign-in attempts. Wait a minute, then try again.".to_owned()
        }
        ErrorCode::Invalid => match &error.fields {
            Some(fields) if !fields.is_empty() => fields
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
            _ => error.message.clone(),
        },
        // The shell's words for it (the technical cause is in `detail`).
        _ => format!("Sign-in failed: {}", error.message),
    }
}

/// The sign-in page.
#[function_component(SignInPage)]
pub fn sign_in_page() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let server = use_state(|| state.defaults.server.clone().unwrap_or_default());
    let email = use_state(|| state.defaults.email.clone().unwrap_or_default());
    let password = use_state(String::new);
    let tenants = use_state(Vec::<TenantChoice>::new);
    let tenant = use_state(|| None::<TenantId>);
    let busy = use_state(|| false);
    // What went wrong, and its technical cause.
    let problem = use_state(|| None::<(String, Option<String>)>);

    let on_submit = {
        let (state, server, email, password, tenants, tenant, busy, problem) = (
            state.clone(),
            server.clone(),
            email.clone(),
            password.clone(),
            tenants.clone(),
            tenant.clone(),
            busy.clone(),
            problem.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            let request = SignIn {
                server: (*server).clone(),
                email: (*email).clone(),
                password: Secret::new((*password).clone()),
                tenant_id: *tenant,
            };
            let (state, tenants, tenant, busy, problem, server) = (
                state.clone(),
                tenants.clone(),
                tenant.clone(),
                busy.clone(),
                problem.clone(),
                (*server).clone(),
            );
            busy.set(true);
            problem.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match effects::sign_in(state, request).await {
                    Ok(SignInOutcome::SignedIn { .. }) => {}
                    Ok(SignInOutcome::ChooseTenant { tenants: choices }) => {
                        tenant.set(choices.first().map(|c| c.id));
                        tenants.set(choices);
                        problem.set(Some((
                            "You belong to several organisations: choose one.".to_owned(),
                            None,
                        )));
                    }
                    Err(error) => {
                        problem.set(Some((sign_in_error(&error, &server), error.detail.clone())))
                    }
                }
                busy.set(false);
            });
        })
    };

    let bind = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |event: InputEvent| {
            handle.set(event.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let on_tenant = {
        let tenant = tenant.clone();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            tenant.set(value.parse().ok());
        })
    };

    html! {
        <main class="sign-in">
            <form class="sign-in__card" onsubmit={on_submit} data-testid="sign-in-form">
                <h1 class="sign-in__title">{ "Sign in to Switchboard" }</h1>
                <label class="field">
                    <span class="field__label">{ "Platform" }</span>
                    <input class="input" type="url" name="server" data-testid="sign-in-server"
                        value={(*server).clone()} oninput={bind(&server)} required=true
                        placeholder="https://support.example.com" />
                </label>
                <label class="field">
                    <span class="field__label">{ "Email" }</span>
                    <input class="input" type="email" name="email" data-testid="sign-in-email"
                        value={(*email).clone()} oninput={bind(&email)} required=true
                        autocomplete="username" />
                </label>
                <label class="field">
                    <span class="field__label">{ "Password" }</span>
                    <input class="input" type="password" name="password" data-testid="sign-in-password"
                        value={(*password).clone()} oninput={bind(&password)} required=true
                        autocomplete="current-password" />
                </label>
                if !tenants.is_empty() {
                    <label class="field">
                        <span class="field__label">{ "Organisation" }</span>
                        <select class="input" data-testid="sign-in-tenant" onchange={on_tenant}>
                            { for tenants.iter().map(|t| html! {
                                <option value={t.id.to_string()} selected={Some(t.id) == *tenant}>{ &t.slug }</option>
                            }) }
                        </select>
                    </label>
                }
                if let Some((problem, detail)) = &*problem {
                    <p class="sign-in__problem" role="alert" data-testid="sign-in-problem">{ problem }</p>
                    { disclosure(detail.as_deref()) }
                }
                <button class="button button--primary" type="submit" data-testid="sign-in-submit" disabled={*busy}>
                    { if *busy { "Signing in…" } else { "Sign in" } }
                </button>
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use protocol::FieldError;

    use super::*;

    #[test]
    fn sign_in_errors_read_as_words() {
        let wrong = CodedError::new(ErrorCode::Unauthorized, "invalid credentials");
        assert_eq!(
            sign_in_error(&wrong, "x"),
            "The platform refused the sign-in: wrong email or password."
        );
        let offline = CodedError::new(ErrorCode::Offline, "connection refused");
        let words = sign_in_error(&offline, "http://h:1/");
        assert!(
            words.starts_with("Can't reach the platform at h:1."),
            "{words}"
        );
        let limited = CodedError::new(ErrorCode::RateLimited, "slow down");
        assert!(sign_in_error(&limited, "x").starts_with("Too many sign-in attempts"));
        let invalid = CodedError::invalid(vec![FieldError::new(
            "server",
            "give the platform's address",
        )]);
        assert_eq!(sign_in_error(&invalid, "x"), "give the platform's address");
    }
}
