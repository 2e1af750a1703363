//! The `/` picker above the composer: the canned responses matching what follows the `/`,
//! the active one previewed as it would be inserted (variables left unfilled highlighted).

use protocol::canned::{CannedResponse, CannedScope};
use yew::prelude::*;

use super::highlighted;

/// Props of [`CannedPicker`].
#[derive(Debug, Properties, PartialEq)]
pub struct CannedPickerProps {
    /// What follows the `/`.
    pub query: String,
    /// The matching responses, best first.
    pub options: Vec<CannedResponse>,
    /// The highlighted one.
    pub active: usize,
    /// The active one as it would be inserted.
    pub preview: Option<String>,
    /// Inserts the option at this index.
    pub on_choose: Callback<usize>,
}

/// The `/` picker.
#[function_component(CannedPicker)]
pub fn canned_picker(props: &CannedPickerProps) -> Html {
    let options = props.options.iter().enumerate().map(|(index, response)| {
        let active = index == props.active;
        let choose = {
            let on_choose = props.on_choose.clone();
            // On mouse down, not click: the composer keeps the focus.
            Callback::from(move |event: MouseEvent| {
                event.prevent_default();
                on_choose.emit(index);
            })
        };
        let scope = match response.scope {
            CannedScope::Tenant => "Team",
            CannedScope::Personal => "Mine",
        };
        html! {
            <li key={response.id.to_string()} role="option" aria-selected={active.to_string()}
                class={classes!("canned-picker__option", active.then_some("canned-picker__option--active"))}
                data-testid="canned-option" data-code={response.short_code.clone()} data-active={active.to_string()}
                onmousedown={choose}>
                <span class="canned-picker__code">{ format!("/{}", response.short_code) }</span>
                <span class="canned-picker__title">{ &response.title }</span>
                <span class="chip">{ scope }</span>
            </li>
        }
    });
    html! {
        <div class="canned-picker" data-testid="canned-picker">
            if props.options.is_empty() {
                <p class="canned-picker__empty" data-testid="canned-empty">
                    { format!("No canned response matches “/{}” — Escape to write it as text", props.query) }
                </p>
            } else {
                <ul class="canned-picker__list" role="listbox" aria-label="Canned responses">{ for options }</ul>
                if let Some(preview) = &props.preview {
                    <div class="canned-picker__preview" data-testid="canned-preview">{ highlighted(preview) }</div>
                }
            }
            <p class="canned-picker__help">{ "↑ ↓ choose · Enter or Tab inserts · Esc closes" }</p>
        </div>
    }
}
