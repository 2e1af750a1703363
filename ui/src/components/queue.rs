//! The ticket queue: tabs, filters, a text filter, the order, and the list itself, which
//! renders only the rows in view and holds only a window of them (asked of the engine, which
//! filters and orders in its cache), so 100,000 tickets stay fast and light. The list tells the hold
//! (`logic::hold`) where the pointer is and when it scrolls, shows the pill of waiting
//! updates, and settles with a short fade that keeps the cursor's row where it was.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::{DateTime, TimeDelta, Utc};
use protocol::queue::{QueuePageRequest, QueueRow};
use protocol::{ChannelId, ChannelStatus, TicketCategory, TicketPriority};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::effects::{ask_queue, QueueAsker};
use crate::hooks::use_now;
use crate::logic::format::{age, label};
use crate::logic::hold::{misclick_risk, pill_text, Arranged, HoldEvent, SCROLL_HOLD_MS};
use crate::logic::queue::{Assignment, QueueView, Sort, Tab};
use crate::logic::sla;
use crate::logic::window::{window_start, WINDOW_ROWS};
use crate::state::{Action, AppContext};

/// The height of one row, in pixels (the stylesheet's `.queue-row` matches it).
pub const ROW_HEIGHT: i32 = 76;
/// Rows rendered beyond the visible ones, above and below.
const OVERSCAN: i32 = 6;
/// How long the settling fade lasts (the stylesheet's `queue-settle` matches it).
const SETTLE_MS: u32 = 240;

/// Runs `work` once after `ms` milliseconds.
fn after(ms: u32, work: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(work);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.unchecked_ref(),
            i32::try_from(ms).unwrap_or(i32::MAX),
        );
    }
}

/// Scrolls `list` to `top` from code, marking it so the scroll is not taken for the agent's.
fn scroll_to(list: &Element, top: i32, by_code: &Cell<bool>) {
    let before = list.scroll_top();
    list.set_scroll_top(top);
    if list.scroll_top() != before {
        by_code.set(true);
    }
}

/// Whether `event` happened more than a pixel inside the window's edges.
fn within_window(event: &web_sys::MouseEvent) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let size = |value: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
        value.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
    };
    let (width, height) = (size(window.inner_width()), size(window.inner_height()));
    let (x, y) = (f64::from(event.client_x()), f64::from(event.client_y()));
    x > 1.0 && y > 1.0 && x < width - 1.0 && y < height - 1.0
}

/// The rows `[first, last)` to render for a list scrolled to `scroll_top` in a viewport
/// `height` pixels tall, out of `count`.
pub fn visible_rows(scroll_top: i32, height: i32, count: usize) -> (usize, usize) {
    let first = (scroll_top / ROW_HEIGHT - OVERSCAN).max(0) as usize;
    let shown = (height / ROW_HEIGHT + 2 * OVERSCAN + 1).max(0) as usize;
    (first.min(count), (first + shown).min(count))
}

/// Props of [`QueuePane`].
#[derive(Debug, Properties, PartialEq)]
pub struct QueuePaneProps {
    /// The channels to show, in order, and how many updates wait behind the pill.
    pub queue: Rc<Arranged>,
    /// The highlighted channel (keyboard), if any.
    pub cursor: Option<ChannelId>,
    /// Opens a channel.
    pub on_open: Callback<ChannelId>,
    /// Where `/` puts the focus.
    pub search_ref: NodeRef,
    /// Runs a full-text search of the history.
    pub on_search: Callback<String>,
}

fn select<T: Copy + PartialEq + 'static>(
    testid: &'static str,
    label_text: &'static str,
    options: &[(Option<T>, String)],
    current: Option<T>,
    on_change: Callback<Option<T>>,
) -> Html {
    let values: Vec<Option<T>> = options.iter().map(|(v, _)| *v).collect();
    let onchange = Callback::from(move |event: Event| {
        let index = event
            .target_unchecked_into::<HtmlSelectElement>()
            .selected_index();
        if let Some(value) = usize::try_from(index).ok().and_then(|i| values.get(i)) {
            on_change.emit(*value);
        }
    });
    html! {
        <select class="input input--small" data-testid={testid} aria-label={label_text} {onchange}>
            { for options.iter().map(|(value, text)| html! {
                <option selected={*value == current}>{ text }</option>
            }) }
        </select>
    }
}

fn all_of<T: Copy + std::fmt::Display>(all: &[T], everything: &str) -> Vec<(Option<T>, String)> {
    std::iter::once((None, everything.to_owned()))
        .chain(all.iter().map(|v| (Some(*v), label(&v.to_string()))))
        .collect()
}

/// The queue's filters.
#[function_component(QueueFilters)]
fn queue_filters(props: &QueueFiltersProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let view = state.view.clone();
    let set = {
        let state = state.clone();
        move |change: Box<dyn Fn(&mut QueueView)>| {
            let mut view = state.view.clone();
            change(&mut view);
            state.dispatch(Action::SetView(view));
        }
    };
    let tab = |tab: Tab, text: &'static str, testid: &'static str| {
        let set = set.clone();
        let on_click = Callback::from(move |_| set(Box::new(move |v| v.tab = tab)));
        html! {
            <button class={classes!("tab", (view.tab == tab).then_some("tab--active"))}
                data-testid={testid} onclick={on_click}>{ text }</button>
        }
    };
    let on_text = {
        let set = set.clone();
        Callback::from(move |event: InputEvent| {
            let text = event.target_unchecked_into::<HtmlInputElement>().value();
            set(Box::new(move |v| v.text = text.clone()));
        })
    };
    let on_keydown = {
        let on_search = props.on_search.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" {
                let text = event.target_unchecked_into::<HtmlInputElement>().value();
                if !text.trim().is_empty() {
                    on_search.emit(text);
                }
            }
        })
    };
    let statuses = all_of(ChannelStatus::ALL, "Any status");
    let priorities = all_of(TicketPriority::ALL, "Any priority");
    let categories = all_of(TicketCategory::ALL, "Any category");
    let assignments = vec![
        (Some(Assignment::Anyone), "Anyone's".to_owned()),
        (Some(Assignment::Me), "Assigned to me".to_owned()),
        (Some(Assignment::Unassigned), "Unassigned".to_owned()),
    ];
    let sorts = vec![
        (Some(Sort::Activity), "Latest activity".to_owned()),
        (Some(Sort::Priority), "Priority".to_owned()),
        (Some(Sort::Age), "Oldest first".to_owned()),
        (Some(Sort::Due), "Due soonest".to_owned()),
    ];
    fn on<T: Copy + 'static>(
        state: &AppContext,
        f: fn(&mut QueueView, Option<T>),
    ) -> Callback<Option<T>> {
        let state = state.clone();
        Callback::from(move |value| {
            let mut view = state.view.clone();
            f(&mut view, value);
            state.dispatch(Action::SetView(view));
        })
    }
    html! {
        <div class="queue-filters">
            <div class="tabs" role="tablist">
                { tab(Tab::All, "All", "tab-all") }
                { tab(Tab::Support, "Support", "tab-support") }
                { tab(Tab::Team, "Team", "tab-team") }
            </div>
            <input class="input" type="search" ref={props.search_ref.clone()} data-testid="queue-search"
                placeholder="Filter the queue · Enter searches history ( / )"
                value={view.text.clone()} oninput={on_text} onkeydown={on_keydown} />
            <div class="queue-filters__row">
                { select("filter-status", "Status", &statuses, view.status, on(&state, |v, s| v.status = s)) }
                { select("filter-priority", "Priority", &priorities, view.priority, on(&state, |v, p| v.priority = p)) }
                { select("filter-category", "Category", &categories, view.category, on(&state, |v, c| v.category = c)) }
                { select("filter-assigned", "Assigned", &assignments, Some(view.assignment),
                    on(&state, |v, a: Option<Assignment>| v.assignment = a.unwrap_or_default())) }
                { select("queue-sort", "Sort", &sorts, Some(view.sort),
                    on(&state, |v, s: Option<Sort>| v.sort = s.unwrap_or_default())) }
            </div>
        </div>
    }
}

#[derive(Debug, Properties, PartialEq)]
struct QueueFiltersProps {
    on_search: Callback<String>,
    search_ref: NodeRef,
}

#[derive(Debug, Properties, PartialEq)]
struct SpacerProps {
    height: i32,
}

/// Empty space standing for the rows not rendered. Its height is set through the CSSOM,
/// which the strict content security policy allows (a `style` attribute it would not).
#[function_component(Spacer)]
fn spacer(props: &SpacerProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.height, move |height| {
            if let Some(element) = node.cast::<web_sys::HtmlElement>() {
                let _ = element
                    .style()
                    .set_property("height", &format!("{height}px"));
            }
        });
    }
    html! { <li class="queue__spacer" ref={node} aria-hidden="true" /> }
}

/// One row of the queue.
fn row(
    channel: &QueueRow,
    open: bool,
    cursor: bool,
    (now, warning): (DateTime<Utc>, TimeDelta),
    on_open: &Callback<ChannelId>,
) -> Html {
    let id = channel.id;
    let onclick = {
        let on_open = on_open.clone();
        Callback::from(move |_| on_open.emit(id))
    };
    let subject = channel
        .subject
        .clone()
        .unwrap_or_else(|| format!("{} channel", label(channel.channel_type.as_str())));
    let ticket = channel.ticket.as_ref();
    let number = channel.number_label();
    let preview = channel
        .preview
        .as_ref()
        .map(|m| format!("{}: {}", m.sender, m.text))
        .unwrap_or_else(|| "No messages yet".to_owned());
    let assignee = match (channel.assigned_to, &channel.assignee) {
        (Some(_), Some(name)) => name.clone(),
        (Some(_), None) => "someone".to_owned(),
        (None, _) => "Unassigned".to_owned(),
    };
    let priority = ticket.map(|t| t.priority.as_str()).unwrap_or("");
    html! {
        <li key={id.to_string()} class={classes!("queue-row", open.then_some("queue-row--open"), cursor.then_some("queue-row--cursor"))}
            data-testid="queue-row" data-channel={id.to_string()} data-subject={subject.clone()}
            onclick={onclick} role="option" aria-selected={open.to_string()}>
            <div class="queue-row__top">
                <span class={classes!("priority", priority.to_lowercase())} title={label(priority)} />
                if let Some(number) = number {
                    <span class="queue-row__number" data-testid="ticket-number">{ number }</span>
                }
                <span class="queue-row__subject">{ subject }</span>
                if let Some(badge) = ticket.and_then(|t| sla::badge(t, now, warning)) {
                    { sla_badge(&badge) }
                }
                <span class="queue-row__age" title={channel.activity.to_rfc2822()}>
                    { age(channel.activity, Utc::now()) }
                </span>
                if channel.unread_count > 0 {
                    <span class="badge" data-testid="unread-badge">{ channel.unread_count }</span>
                }
            </div>

            <div class="queue-row__meta">
                <span class="chip">{ label(channel.channel_type.as_str()) }</span>
                <span class={classes!("chip", "status", channel.status.as_str().to_lowercase())}>{ label(channel.status.as_str()) }</span>
                if let Some(ticket) = ticket {
                    <span class="chip">{ label(ticket.category.as_str()) }</span>
                }
                <span class="queue-row__assignee">{ assignee }</span>
            </div>
            <div class="queue-row__preview">{ preview }</div>
        </li>
    }
}

/// How soon before a due time a badge turns amber: the profile's warning window.
pub fn sla_warning(settings: &protocol::ipc::Settings) -> TimeDelta {
    TimeDelta::minutes(i64::from(settings.sla_warning_minutes))
}

/// A ticket's SLA countdown: calm, amber within the warning window, red once breached.
pub fn sla_badge(badge: &sla::Badge) -> Html {
    let tone = badge.tone.as_str();
    html! {
        <span class={classes!("sla", format!("sla--{tone}"))} data-testid="sla-badge" data-tone={tone}>
            { badge.text.clone() }
        </span>
    }
}

/// The queue pane.
#[function_component(QueuePane)]
pub fn queue_pane(props: &QueuePaneProps) -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let list_ref = use_node_ref();
    // Countdowns move on their own, every 20 s.
    let now = use_now(20_000);
    let clock = (now, sla_warning(&state.settings));
    let scroll = use_state(|| (0, 900));
    // The agent's scrolls hold the list until it has been quiet for a while: each scroll
    // renews the deadline (its generation), and only the last one's timer lets go.
    let scrolls = use_mut_ref(|| 0u32);
    let by_code: Rc<Cell<bool>> = use_memo((), |_| Cell::new(false));
    // When the order on screen last changed (ms), for the misclick flash.
    let changed_at = use_mut_ref(|| None::<f64>);
    let settling = use_state(|| false);
    let on_scroll = {
        let scroll = scroll.clone();
        let list_ref = list_ref.clone();
        let state = state.clone();
        let scrolls = scrolls.clone();
        let by_code = by_code.clone();
        Callback::from(move |_: Event| {
            if let Some(list) = list_ref.cast::<Element>() {
                scroll.set((list.scroll_top(), list.client_height()));
            }
            if by_code.replace(false) {
                return;
            }
            let generation = {
                let mut scrolls = scrolls.borrow_mut();
                *scrolls = scrolls.wrapping_add(1);
                *scrolls
            };
            if !state.hold.scrolling() {
                state.dispatch(Action::Hold(HoldEvent::Scrolled));
            }
            let state = state.clone();
            let scrolls = scrolls.clone();
            after(SCROLL_HOLD_MS, move || {
                if *scrolls.borrow() == generation {
                    state.dispatch(Action::Hold(HoldEvent::ScrollQuiet));
                }
            });
        })
    };
    // Whether the pointer is over the list, from where each `mouseover` lands in the whole
    // page. (`mouseleave` is not enough: when the rows move under a resting pointer, the
    // browser forgets the element it was over and never says the list was left.)
    {
        let state = state.clone();
        let over = use_mut_ref(|| false);
        use_effect_with((), move |_| {
            let listener =
                Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
                    let inside = match event.type_().as_str() {
                        // Out of the window altogether: unless the pointer is still well
                        // inside it (the element under it went, or another window
                        // appeared over it; the next `mouseover` tells where it is).
                        "mouseout" if event.related_target().is_none() => {
                            if within_window(&event) {
                                return;
                            }
                            false
                        }
                        "mouseout" => return,
                        _ => event
                            .target()
                            .and_then(|t| t.dyn_into::<Element>().ok())
                            .is_some_and(|e| e.closest(".queue__body").ok().flatten().is_some()),
                    };
                    if over.replace(inside) != inside {
                        let event = if inside {
                            HoldEvent::PointerEntered
                        } else {
                            HoldEvent::PointerLeft
                        };
                        state.dispatch(Action::Hold(event));
                    }
                });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(document) = &document {
                for kind in ["mouseover", "mouseout"] {
                    let _ = document
                        .add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
                }
            }
            move || {
                if let Some(document) = document {
                    for kind in ["mouseover", "mouseout"] {
                        let _ = document.remove_event_listener_with_callback(
                            kind,
                            listener.as_ref().unchecked_ref(),
                        );
                    }
                }
            }
        });
    }
    // Keep the keyboard cursor in view.
    {
        let list_ref = list_ref.clone();
        let queue = props.queue.clone();
        let by_code = by_code.clone();
        use_effect_with(props.cursor, move |cursor| {
            if let (Some(cursor), Some(list)) = (cursor, list_ref.cast::<Element>()) {
                if let Some(index) = queue.rows.iter().position(|c| c.id == *cursor) {
                    let top = (queue.offset + index) as i32 * ROW_HEIGHT;
                    let height = list.client_height();
                    if top < list.scroll_top() {
                        scroll_to(&list, top, &by_code);
                    } else if top + ROW_HEIGHT > list.scroll_top() + height {
                        scroll_to(&list, top + ROW_HEIGHT - height, &by_code);
                    }
                }
            }
        });
    }
    let open = state.open.as_ref().map(|o| o.id);
    // When the order settles, the row of the cursor (or of the open ticket) stays where it
    // was on screen, and the rows fade in briefly instead of jumping.
    let before = use_mut_ref(|| (0usize, Vec::<ChannelId>::new()));
    {
        let list_ref = list_ref.clone();
        let queue = props.queue.clone();
        let before = before.clone();
        let settling = settling.clone();
        let by_code = by_code.clone();
        let anchor = props.cursor.or(open);
        use_effect_with(state.hold.settles, move |settles| {
            if *settles == 0 {
                return;
            }
            let list = list_ref.cast::<Element>();
            let old = anchor.and_then(|a| {
                let before = before.borrow();
                before
                    .1
                    .iter()
                    .position(|id| *id == a)
                    .map(|i| before.0 + i)
            });
            let new = anchor.and_then(|a| {
                queue
                    .rows
                    .iter()
                    .position(|c| c.id == a)
                    .map(|i| queue.offset + i)
            });
            if let (Some(list), Some(old), Some(new)) = (list, old, new) {
                let moved = (new as i32 - old as i32) * ROW_HEIGHT;
                scroll_to(&list, list.scroll_top() + moved, &by_code);
            }
            settling.set(true);
            let settling = settling.clone();
            after(SETTLE_MS, move || settling.set(false));
        });
    }
    {
        let before = before.clone();
        let changed_at = changed_at.clone();
        let ids: Vec<ChannelId> = props.queue.rows.iter().map(|c| c.id).collect();
        let offset = props.queue.offset;
        // The agent's own filtering is no surprise: only changes the view did not ask for
        // count (live updates, a settling order).
        let last_view = use_mut_ref(|| None::<QueueView>);
        use_effect_with(
            (offset, ids, state.view.clone()),
            move |(offset, ids, view)| {
                let asked = last_view.replace(Some(view.clone())).as_ref() != Some(view);
                if !before.borrow().1.is_empty() && !asked {
                    *changed_at.borrow_mut() = Some(js_sys::Date::now());
                }
                *before.borrow_mut() = (*offset, ids.clone());
            },
        );
    }
    // Opening a ticket a moment after the order changed may have been meant for another
    // row: the conversation's header flashes, so it is seen before anything is typed.
    let on_open = {
        let on_open = props.on_open.clone();
        let state = state.clone();
        let changed_at: Rc<RefCell<Option<f64>>> = changed_at.clone();
        Callback::from(move |id: ChannelId| {
            if misclick_risk(*changed_at.borrow(), js_sys::Date::now()) {
                state.dispatch(Action::Hold(HoldEvent::Flash(id)));
            }
            on_open.emit(id);
        })
    };
    let (scroll_top, height) = *scroll;
    let rows = &props.queue.rows;
    let offset = props.queue.offset;
    // Every matching row has its place (the list scrolls over all of them); only the
    // window's are held, and only those in view rendered.
    let count = state.queue.matching.max(offset + rows.len());
    let (first, last) = visible_rows(scroll_top, height, count);
    let total = state.queue.cached;
    // Ask for the window around the rows in view: again when the view changes, when a
    // live change may have moved rows, and when a scroll leaves the window. The first time,
    // the start's answer may hold that window already (and no change since): no question.
    {
        let state = state.clone();
        let asker = use_mut_ref(QueueAsker::default);
        let mounted = use_mut_ref(|| false);
        let start = window_start(first);
        use_effect_with(
            (state.view.clone(), state.queue.stale, start),
            move |(view, stale, start)| {
                let first_ask = !std::mem::replace(&mut *mounted.borrow_mut(), true);
                let held = state.queue.view.as_ref() == Some(view) && state.queue.offset == *start;
                if first_ask && held && *stale == 0 {
                    return;
                }
                let request = QueuePageRequest {
                    view: view.clone(),
                    offset: u32::try_from(*start).unwrap_or(u32::MAX),
                    limit: WINDOW_ROWS as u32,
                };
                ask_queue(&state, &asker, request);
            },
        );
    }
    let pending = props.queue.pending;
    let on_show = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Hold(HoldEvent::Show)))
    };
    html! {
        <section class="queue" aria-label="Ticket queue">
            <QueueFilters on_search={props.on_search.clone()} search_ref={props.search_ref.clone()} />
            <p class="queue__count" data-testid="queue-count">
                { if state.queue_loaded { format!("{} of {total}", state.queue.matching) } else { "Loading the queue…".to_owned() } }
            </p>
            <div class="queue__body">
                if pending > 0 {
                    <button class="queue__pill" data-testid="queue-pill" onclick={on_show}
                        title="The queue holds still while you work in it (u shows the new order)">
                        { pill_text(pending) }
                    </button>
                }
                <ul class={classes!("queue__list", settling.then_some("queue__list--settling"))}
                    ref={list_ref} onscroll={on_scroll} role="listbox" data-testid="queue-list"
                    data-hold={state.hold.reasons()}>
                    <Spacer height={first as i32 * ROW_HEIGHT} />
                    { for (first..last).map(|index| match index.checked_sub(offset).and_then(|i| rows.get(i)) {
                        Some(c) => row(c, Some(c.id) == open, Some(c.id) == props.cursor, clock, &on_open),
                        // Not answered yet: its place, until the window arrives.
                        None => html! { <li key={format!("loading-{index}")} class="queue-row queue-row--loading" aria-hidden="true" /> },
                    }) }
                    <Spacer height={(count - last) as i32 * ROW_HEIGHT} />
                    if state.queue_loaded && count == 0 {
                        <li class="queue__empty">{ if total == 0 { "Nothing in the queue yet." } else { "Nothing matches these filters." } }</li>
                    }
                </ul>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_rows_in_view_and_a_margin_are_rendered() {
        assert_eq!(visible_rows(0, 760, 10_000), (0, 23));
        let (first, last) = visible_rows(ROW_HEIGHT * 5_000, 760, 10_000);
        assert_eq!(first, 4_994);
        assert_eq!(last - first, 23);
        assert_eq!(visible_rows(0, 760, 3), (0, 3));
        assert_eq!(visible_rows(ROW_HEIGHT * 100, 760, 10), (10, 10));
    }
}
