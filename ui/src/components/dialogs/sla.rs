//! Settings' SLA page: each priority's policy (minutes to the first response, the next
//! response and resolution, and business hours), read from the platform. The tenant's
//! admins edit and save each priority apart, checked by protocol's rules before it leaves,
//! every refusal named beside its field; other agents read them, to know what the queue's
//! countdowns count towards.

use std::rc::Rc;

use protocol::error::FieldError;
use protocol::sla::{edits_policies, SlaPolicy};
use protocol::TicketPriority;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::ipc;
use crate::logic::format::label;
use crate::logic::sla_policy::{
    day_field, duration, parse_minutes, problems_of, weekday_name, Edit, PolicyForm, DAYS,
    FIRST_RESPONSE, NEXT_RESPONSE, RESOLUTION, TIME_ZONE,
};
use crate::state::{Action, AppContext};

/// What the page has of the policies.
#[derive(Debug, Clone, PartialEq)]
enum Policies {
    Loading,
    Loaded(Vec<SlaPolicy>),
    Failed(String),
}

/// The form behind a reducer, so quick edits each apply to the latest form.
#[derive(Debug, Default, PartialEq)]
struct FormState(PolicyForm);

impl Reducible for FormState {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut form = self.0.clone();
        form.apply(edit);
        Rc::new(Self(form))
    }
}

/// Where a save stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    Editing,
    Saving,
    Saved,
}

/// The computer's IANA time zone, for business hours turned on (UTC when it says none).
fn local_time_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

fn on_text(
    edit: impl Fn(String) -> Edit + 'static,
    apply: &Callback<Edit>,
) -> Callback<InputEvent> {
    apply.reform(move |e: InputEvent| edit(e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// Settings' SLA page.
#[function_component(SlaSettings)]
pub(super) fn sla_settings() -> Html {
    let state = use_context::<AppContext>();
    let policies = use_state(|| Policies::Loading);
    let attempt = use_state(|| 0_u32);
    {
        let policies = policies.clone();
        use_effect_with(*attempt, move |_| {
            policies.set(Policies::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                policies.set(match ipc::sla_policies().await {
                    Ok(list) => Policies::Loaded(list),
                    Err(error) => Policies::Failed(error.message),
                });
            });
        });
    }
    let Some(me) = state.as_ref().and_then(|s| s.me()) else {
        return html! {};
    };
    let editable = edits_policies(me.role);
    let Some(tenant) = me.tenant_id else {
        return html! {
            <p class="muted" data-testid="sla-no-tenant">
                { "Sign in to one organisation to see and edit its SLA policies." }
            </p>
        };
    };
    let body = match &*policies {
        Policies::Loading => {
            html! { <p class="muted" data-testid="sla-loading">{ "Loading…" }</p> }
        }
        Policies::Failed(why) => {
            let attempt = attempt.clone();
            html! {
                <p class="field__problem" role="alert" data-testid="sla-load-failed">
                    { why.clone() }{ " " }
                    <button class="link" onclick={Callback::from(move |_| attempt.set(*attempt + 1))}>{ "Try again" }</button>
                </p>
            }
        }
        Policies::Loaded(list) => {
            let on_saved = {
                let (policies, list) = (policies.clone(), list.clone());
                Callback::from(move |saved: SlaPolicy| {
                    let mut next: Vec<SlaPolicy> = list
                        .iter()
                        .filter(|p| (p.tenant_id, p.priority) != (saved.tenant_id, saved.priority))
                        .cloned()
                        .collect();
                    next.push(saved);
                    policies.set(Policies::Loaded(next));
                })
            };
            html! { <>{ for TicketPriority::ALL.iter().map(|priority| {
                let policy = list
                    .iter()
                    .find(|p| p.priority == *priority && p.tenant_id == tenant)
                    .cloned();
                html! {
                    <PolicyEditor key={priority.as_str()} priority={*priority} {policy} {editable}
                        on_saved={on_saved.clone()} />
                }
            }) }</> }
        }
    };
    let intro = if editable {
        "Minutes of open time each priority's tickets get; an empty field runs no clock. Saving recomputes the open tickets' due times."
    } else {
        "What each priority's tickets get, in minutes of open time; the organisation's admins change it."
    };
    html! {
        <section class="sla-settings" data-testid="sla-settings" data-editable={editable.to_string()}>
            <p class="muted">{ intro }</p>
            { body }
        </section>
    }
}

/// Props of [`PolicyEditor`].
#[derive(Debug, Properties, PartialEq)]
struct PolicyEditorProps {
    priority: TicketPriority,
    policy: Option<SlaPolicy>,
    editable: bool,
    on_saved: Callback<SlaPolicy>,
}

/// One priority's policy: a form for admins, the same fields read-only for other agents.
#[function_component(PolicyEditor)]
fn policy_editor(props: &PolicyEditorProps) -> Html {
    let form = use_reducer(|| FormState(PolicyForm::of(props.policy.as_ref())));
    let problems = use_state(Vec::<FieldError>::new);
    let progress = use_state(|| Progress::Editing);
    let state = use_context::<AppContext>();
    let priority = props.priority;

    let apply = {
        let (form, progress) = (form.clone(), progress.clone());
        Callback::from(move |edit: Edit| {
            form.dispatch(edit);
            if *progress == Progress::Saved {
                progress.set(Progress::Editing);
            }
        })
    };
    let on_submit = {
        let (form, problems, progress, on_saved) = (
            form.clone(),
            problems.clone(),
            progress.clone(),
            props.on_saved.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *progress == Progress::Saving {
                return;
            }
            let request = match form.0.request() {
                Ok(request) => request,
                Err(fields) => return problems.set(fields),
            };
            problems.set(vec![]);
            progress.set(Progress::Saving);
            let (form, problems, progress, on_saved, state) = (
                form.clone(),
                problems.clone(),
                progress.clone(),
                on_saved.clone(),
                state.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::sla_policy_put(priority, &request).await {
                    Ok(saved) => {
                        form.dispatch(Edit::Reset(PolicyForm::of(Some(&saved))));
                        progress.set(Progress::Saved);
                        if let Some(state) = &state {
                            state.dispatch(Action::Notice(format!(
                                "Saved the {} SLA policy",
                                label(priority.as_str()).to_lowercase()
                            )));
                        }
                        on_saved.emit(saved);
                    }
                    Err(error) => {
                        progress.set(Progress::Editing);
                        problems.set(problems_of(error));
                    }
                }
            });
        })
    };

    let problem = |field: &str| {
        problems.iter().filter(|p| p.field == field).map(|p| html! {
            <span class="field__problem" role="alert" data-testid="sla-problem" data-field={field.to_owned()}>{ &p.message }</span>
        }).collect::<Html>()
    };
    let values = &form.0;
    let minutes = |title: &str,
                   field: &'static str,
                   testid: &str,
                   value: &str,
                   edit: fn(String) -> Edit| {
        let hint = parse_minutes(value).ok().flatten().map(duration);
        html! {
            <label class="field">
                <span class="field__label">{ title }</span>
                <input class="input" inputmode="numeric" placeholder="no clock" data-testid={testid.to_owned()}
                    value={value.to_owned()} oninput={on_text(edit, &apply)} />
                if let Some(hint) = hint { <span class="muted sla-policy__hint">{ hint }</span> }
                { problem(field) }
            </label>
        }
    };
    let business_toggle = apply.reform(|e: Event| {
        let on = e.target_unchecked_into::<HtmlInputElement>().checked();
        Edit::BusinessHours(on, if on { local_time_zone() } else { String::new() })
    });
    let days = values.days.iter().enumerate().map(|(index, day)| {
        let weekday = apply.reform(move |e: Event| {
            Edit::Weekday(index, e.target_unchecked_into::<HtmlSelectElement>().value())
        });
        html! {
            <li class="sla-day" data-testid="sla-day" data-index={index.to_string()}>
                <div class="sla-day__row">
                    <select class="input input--small" data-testid="sla-day-weekday" aria-label="Weekday" onchange={weekday}>
                        { for (1..=7).map(|d| html! {
                            <option value={d.to_string()} selected={d == day.weekday}>{ weekday_name(d) }</option>
                        }) }
                    </select>
                    <input class="input input--small sla-day__time" data-testid="sla-day-start" aria-label="Opens" placeholder="09:00"
                        maxlength="5" value={day.start.clone()} oninput={on_text(move |v| Edit::Start(index, v), &apply)} />
                    { "–" }
                    <input class="input input--small sla-day__time" data-testid="sla-day-end" aria-label="Closes" placeholder="17:00"
                        maxlength="5" value={day.end.clone()} oninput={on_text(move |v| Edit::End(index, v), &apply)} />
                    if props.editable {
                        <button class="link link--danger" type="button" data-testid="sla-day-remove"
                            onclick={apply.reform(move |_| Edit::RemoveDay(index))}>{ "Remove" }</button>
                    }
                </div>
                { problem(&day_field(index, "weekday")) }
                { problem(&day_field(index, "start")) }
                { problem(&day_field(index, "end")) }
            </li>
        }
    });
    let saving = *progress == Progress::Saving;
    html! {
        <form class="sla-policy" data-testid="sla-policy" data-priority={priority.as_str()} onsubmit={on_submit}>
            <fieldset class="sla-policy__fields" disabled={!props.editable}>
                <legend class="sla-policy__title">{ label(priority.as_str()) }</legend>
                <div class="field-row">
                    { minutes("First response (min)", FIRST_RESPONSE, "sla-first", &values.first_response, Edit::FirstResponse) }
                    { minutes("Next response (min)", NEXT_RESPONSE, "sla-next", &values.next_response, Edit::NextResponse) }
                    { minutes("Resolution (min)", RESOLUTION, "sla-resolution", &values.resolution, Edit::Resolution) }
                </div>
                <label class="toggle">
                    <input type="checkbox" data-testid="sla-business-hours" checked={values.business_hours} onchange={business_toggle} />
                    { "Only in business hours" }
                </label>
                if !values.business_hours {
                    <span class="muted">{ "The clocks run around the clock." }</span>
                }
                if values.business_hours {
                    <label class="field">
                        <span class="field__label">{ "Time zone (IANA, such as Europe/Berlin)" }</span>
                        <input class="input" data-testid="sla-time-zone" value={values.time_zone.clone()}
                            oninput={on_text(Edit::TimeZone, &apply)} />
                        { problem(TIME_ZONE) }
                    </label>
                    <ul class="sla-days">{ for days }</ul>
                    { problem(DAYS) }
                    if props.editable {
                        <button class="link sla-days__add" type="button" data-testid="sla-day-add"
                            onclick={apply.reform(|_| Edit::AddDay)}>{ "Add day" }</button>
                    }
                }
            </fieldset>
            { problem("") }
            { problem("body") }
            if props.editable {
                <div class="dialog__buttons">
                    if *progress == Progress::Saved {
                        <span class="muted" role="status" data-testid="sla-saved">{ "Saved" }</span>
                    }
                    <button class="button button--primary" type="submit" data-testid="sla-save" disabled={saving}>
                        { if saving { "Saving…" } else { "Save" } }
                    </button>
                </div>
            }
        </form>
    }
}
