//! Settings' canned responses: the list the agent may use, and a form to create, edit and
//! delete them — the tenant's for its admins, one's own for every agent. Input is checked
//! as the platform checks it before it is sent, and a refusal names its field.

use protocol::canned::{
    CannedResponse, CannedScope, CreateCannedResponseRequest, UpdateCannedResponseRequest,
};
use protocol::validate::Validate;
use protocol::{CannedResponseId, CodedError, ErrorCode, FieldError};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::hooks::use_canned_responses;
use crate::ipc;
use crate::logic::canned::{may_change, scopes_offered, VARIABLES};
use crate::state::workflow::WorkflowAction;
use crate::state::{Action, AppContext};

/// The form's values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CannedForm {
    /// The response edited (none: a new one).
    pub editing: Option<CannedResponse>,
    /// Its scope (a new one's; an edit keeps the response's).
    pub scope: Option<CannedScope>,
    /// `shortCode`.
    pub short_code: String,
    /// `title`.
    pub title: String,
    /// `content`.
    pub content: String,
}

impl CannedForm {
    /// A form for a new response in `scope`.
    pub fn new(scope: CannedScope) -> Self {
        Self {
            scope: Some(scope),
            ..Self::default()
        }
    }

    /// A form editing `response`.
    pub fn edit(response: &CannedResponse) -> Self {
        Self {
            editing: Some(response.clone()),
            scope: Some(response.scope),
            short_code: response.short_code.clone(),
            title: response.title.clone(),
            content: response.content.clone(),
        }
    }

    /// The new response the form describes.
    pub fn create_request(&self) -> CreateCannedResponseRequest {
        CreateCannedResponseRequest {
            scope: self.scope.unwrap_or(CannedScope::Personal),
            short_code: self.short_code.trim().to_owned(),
            title: self.title.trim().to_owned(),
            content: self.content.trim().to_owned(),
        }
    }

    /// What changed of `original` (only the fields that did).
    pub fn update_request(&self, original: &CannedResponse) -> UpdateCannedResponseRequest {
        let changed = |now: &str, was: &str| (now.trim() != was).then(|| now.trim().to_owned());
        UpdateCannedResponseRequest {
            short_code: changed(&self.short_code, &original.short_code),
            title: changed(&self.title, &original.title),
            content: changed(&self.content, &original.content),
        }
    }
}

/// The fields a refusal names: the platform's (400), `shortCode` for a taken one (409),
/// else the form as a whole (`""`).
pub fn problems_of(error: CodedError) -> Vec<FieldError> {
    match error.fields {
        Some(fields) if !fields.is_empty() => fields,
        _ => {
            let field = if error.code == ErrorCode::Conflict {
                "shortCode"
            } else {
                ""
            };
            let message = match error.code {
                ErrorCode::Offline => {
                    "The platform cannot be reached: canned responses change only online."
                        .to_owned()
                }
                _ => error.message,
            };
            vec![FieldError::new(field, message)]
        }
    }
}

fn scope_name(scope: CannedScope) -> &'static str {
    match scope {
        CannedScope::Tenant => "Team (everyone in the tenant)",
        CannedScope::Personal => "Mine",
    }
}

/// Settings' canned responses section.
#[function_component(CannedSettings)]
pub(super) fn canned_settings() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    use_canned_responses(&state);
    let form = use_state(|| None::<CannedForm>);
    let problems = use_state(Vec::<FieldError>::new);
    let busy = use_state(|| false);
    let deleting = use_state(|| None::<CannedResponseId>);
    // A form opened below the fold comes into view.
    let form_ref = use_node_ref();
    {
        let form_ref = form_ref.clone();
        use_effect_with(form.is_some(), move |open| {
            if let Some(element) = form_ref.cast::<web_sys::Element>().filter(|_| *open) {
                element.scroll_into_view();
            }
        });
    }
    let Some(viewer) = state.me().map(|me| me.viewer()) else {
        return html! {};
    };
    let offered = scopes_offered(&viewer);
    if offered.is_empty() {
        return html! {};
    }

    let reload = {
        let state = state.clone();
        move || {
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::canned_responses().await {
                    Ok(list) => {
                        state.dispatch(Action::Workflow(WorkflowAction::CannedLoaded(list)))
                    }
                    Err(error) => state.dispatch(Action::Failed(error)),
                }
            });
        }
    };
    let on_submit = {
        let (form, problems, busy, state, reload) = (
            form.clone(),
            problems.clone(),
            busy.clone(),
            state.clone(),
            reload.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(values) = (*form).clone() else {
                return;
            };
            let checked = match &values.editing {
                None => values.create_request().validate(),
                Some(original) => values.update_request(original).validate(),
            };
            if let Err(fields) = checked {
                // An edit that changes nothing just closes.
                if values.editing.is_some() && fields.iter().all(|f| f.field == "body") {
                    form.set(None);
                    problems.set(vec![]);
                    return;
                }
                problems.set(fields);
                return;
            }
            problems.set(vec![]);
            busy.set(true);
            let (form, problems, busy, state, reload) = (
                form.clone(),
                problems.clone(),
                busy.clone(),
                state.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match &values.editing {
                    None => ipc::canned_create(&values.create_request()).await,
                    Some(original) => {
                        ipc::canned_update(original.id, &values.update_request(original)).await
                    }
                };
                busy.set(false);
                match saved {
                    Ok(response) => {
                        state.dispatch(Action::Notice(format!("Saved /{}", response.short_code)));
                        form.set(None);
                        reload();
                    }
                    Err(error) => problems.set(problems_of(error)),
                }
            });
        })
    };

    let problem = |field: &str| {
        problems.iter().find(|p| p.field == field).map(|p| html! {
            <span class="field__problem" role="alert" data-testid={format!("canned-problem-{}", if field.is_empty() { "form" } else { field })}>{ &p.message }</span>
        })
    };
    let rows = state.workflow.canned.iter().map(|response| {
        let mine = may_change(&viewer, response);
        let edit = {
            let (form, problems, response) = (form.clone(), problems.clone(), response.clone());
            Callback::from(move |_| {
                problems.set(vec![]);
                form.set(Some(CannedForm::edit(&response)));
            })
        };
        let ask = {
            let (deleting, id) = (deleting.clone(), response.id);
            Callback::from(move |_| deleting.set(Some(id)))
        };
        let keep = {
            let deleting = deleting.clone();
            Callback::from(move |_| deleting.set(None))
        };
        let delete = {
            let (state, deleting, reload, id, code) =
                (state.clone(), deleting.clone(), reload.clone(), response.id, response.short_code.clone());
            Callback::from(move |_| {
                deleting.set(None);
                let (state, reload, code) = (state.clone(), reload.clone(), code.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match ipc::canned_delete(id).await {
                        Ok(()) => {
                            state.dispatch(Action::Notice(format!("Deleted /{code}")));
                            reload();
                        }
                        Err(error) => state.dispatch(Action::Failed(error)),
                    }
                });
            })
        };
        let scope = match response.scope {
            CannedScope::Tenant => "Team",
            CannedScope::Personal => "Mine",
        };
        html! {
            <li key={response.id.to_string()} class="canned-list__item" data-testid="canned-item"
                data-code={response.short_code.clone()} data-scope={response.scope.as_str()}>
                <span class="canned-list__code">{ format!("/{}", response.short_code) }</span>
                <span class="canned-list__title">{ &response.title }</span>
                <span class="chip">{ scope }</span>
                if mine {
                    if *deleting == Some(response.id) {
                        <span class="canned-list__confirm">
                            { format!("Delete /{}?", response.short_code) }
                            <button class="link link--danger" data-testid="canned-delete-confirm" onclick={delete}>{ "Delete" }</button>
                            <button class="link" onclick={keep}>{ "Keep" }</button>
                        </span>
                    } else {
                        <button class="link" data-testid="canned-edit" onclick={edit}>{ "Edit" }</button>
                        <button class="link link--danger" data-testid="canned-delete" onclick={ask}>{ "Delete" }</button>
                    }
                }
            </li>
        }
    });

    let body = match (*form).clone() {
        None => {
            let (form, problems, scope) = (form.clone(), problems.clone(), offered[0]);
            html! {
                <button class="button" type="button" data-testid="canned-new" onclick={Callback::from(move |_| {
                    problems.set(vec![]);
                    form.set(Some(CannedForm::new(scope)));
                })}>{ "New canned response" }</button>
            }
        }
        Some(values) => {
            let update = |change: fn(&mut CannedForm, String)| {
                let (form, values) = (form.clone(), values.clone());
                move |value: String| {
                    let mut next = values.clone();
                    change(&mut next, value);
                    form.set(Some(next));
                }
            };
            let on_code = update(|f, v| f.short_code = v);
            let on_title = update(|f, v| f.title = v);
            let on_content = update(|f, v| f.content = v);
            let on_scope = update(|f, v| f.scope = v.parse().ok().or(f.scope));
            let cancel = {
                let (form, problems) = (form.clone(), problems.clone());
                Callback::from(move |_| {
                    problems.set(vec![]);
                    form.set(None);
                })
            };
            let editing = values.editing.is_some();
            html! {
                <form class="canned-form" ref={form_ref} onsubmit={on_submit} data-testid="canned-form">
                    if !editing && offered.len() > 1 {
                        <label class="field">
                            <span class="field__label">{ "Who uses it" }</span>
                            <select class="input" data-testid="canned-scope"
                                onchange={Callback::from(move |e: Event| on_scope(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                                { for offered.iter().map(|s| html! {
                                    <option value={s.as_str()} selected={Some(*s) == values.scope}>{ scope_name(*s) }</option>
                                }) }
                            </select>
                        </label>
                    }
                    <label class="field">
                        <span class="field__label">{ "Short code (a-z, 0-9, _ and -; typed after /)" }</span>
                        <input class="input" data-testid="canned-code" maxlength="32" value={values.short_code.clone()}
                            oninput={Callback::from(move |e: InputEvent| on_code(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                        { problem("shortCode") }
                    </label>
                    <label class="field">
                        <span class="field__label">{ "Title" }</span>
                        <input class="input" data-testid="canned-title" value={values.title.clone()}
                            oninput={Callback::from(move |e: InputEvent| on_title(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                        { problem("title") }
                    </label>
                    <label class="field">
                        <span class="field__label">{ "Text" }</span>
                        <textarea class="input" rows="5" data-testid="canned-content" value={values.content.clone()}
                            oninput={Callback::from(move |e: InputEvent| on_content(e.target_unchecked_into::<HtmlTextAreaElement>().value()))} />
                        { problem("content") }
                        <span class="muted">{ format!("Variables: {}", VARIABLES.map(|v| format!("{{{{{v}}}}}")).join(" ")) }</span>
                    </label>
                    { problem("") }
                    { problem("body") }
                    <div class="dialog__buttons">
                        <button class="button" type="button" data-testid="canned-cancel" onclick={cancel}>{ "Cancel" }</button>
                        <button class="button button--primary" type="submit" data-testid="canned-save" disabled={*busy}>
                            { if *busy { "Saving…" } else { "Save" } }
                        </button>
                    </div>
                </form>
            }
        }
    };
    html! {
        <section class="canned-settings" data-testid="canned-settings">
            <h3 class="dialog__subtitle">{ "Canned responses" }</h3>
            <p class="muted">{ "Type / at the start of a reply or note to insert one." }</p>
            { body }
            if state.workflow.canned.is_empty() {
                <p class="muted" data-testid="canned-none">{ "None yet." }</p>
            } else {
                <ul class="canned-list">{ for rows }</ul>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use protocol::TenantId;
    use uuid::Uuid;

    use super::*;

    fn saved() -> CannedResponse {
        CannedResponse {
            id: CannedResponseId::from(Uuid::new_v4()),
            tenant_id: TenantId::from(Uuid::nil()),
            scope: CannedScope::Personal,
            owner_id: None,
            short_code: "refund".into(),
            title: "Refund policy".into(),
            content: "Hi {{customer.name}}".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_new_response_is_checked_as_the_platform_checks_it_naming_each_field() {
        let mut form = CannedForm::new(CannedScope::Tenant);
        form.short_code = "Bad Code".into();
        form.title = "  ".into();
        let fields: Vec<String> = form
            .create_request()
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["shortCode", "title", "content"]);
        form.short_code = " refund ".into();
        form.title = "Refund policy".into();
        form.content = " Hello ".into();
        let request = form.create_request();
        assert!(request.validate().is_ok());
        assert_eq!(
            (
                request.scope,
                request.short_code.as_str(),
                request.content.as_str()
            ),
            (CannedScope::Tenant, "refund", "Hello")
        );
    }

    #[test]
    fn an_edit_sends_only_what_changed() {
        let original = saved();
        let mut form = CannedForm::edit(&original);
        assert!(
            form.update_request(&original).validate().is_err(),
            "nothing changed"
        );
        form.title = "Refunds".into();
        let request = form.update_request(&original);
        assert_eq!(request.title.as_deref(), Some("Refunds"));
        assert_eq!((request.short_code, request.content), (None, None));
    }

    #[test]
    fn a_refusal_names_its_field() {
        let taken = CodedError::new(ErrorCode::Conflict, "shortCode is already used");
        assert_eq!(problems_of(taken)[0].field, "shortCode");
        let invalid = CodedError::invalid(vec![FieldError::new("title", "too long")]);
        assert_eq!(problems_of(invalid)[0].field, "title");
        let offline = CodedError::new(ErrorCode::Offline, "down");
        let problems = problems_of(offline);
        assert_eq!(problems[0].field, "");
        assert!(problems[0].message.contains("online"));
    }
}
