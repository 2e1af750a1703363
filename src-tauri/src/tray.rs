//! The tray icon: the unread count at a glance (a badge on the icon, the number beside it
//! where the desktop shows tray labels, and the tooltip), and a menu to bring the window
//! forward or quit.

use std::sync::Mutex;

use engine::cache::channels;
use tauri::image::Image;
use tauri::menu::{Menu, MenuEvent, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::console::Console;

/// The tray icon's id.
pub const TRAY_ID: &str = "switchboard";
/// The icon the tray shows, before any badge.
const ICON: &[u8] = include_bytes!("../../icons/32x32.png");
/// The menu item that brings the window forward.
const SHOW: &str = "show";
/// The menu item that quits.
const QUIT: &str = "quit";
/// The badge's colour (RGBA), the same red as the queue's unread badges.
const BADGE: [u8; 4] = [0xd9, 0x30, 0x25, 0xff];

/// The tray's icon, decoded once, and the unread count it shows now (`None` before the
/// first count).
#[derive(Debug)]
pub struct TrayState {
    icon: Image<'static>,
    shown: Mutex<Option<u32>>,
}

/// Puts the icon in the tray. A desktop without a tray (or without the appindicator
/// library) gets none, which is logged: the console works the same without it.
pub fn create<R: Runtime>(app: &AppHandle<R>) {
    let icon = match Image::from_bytes(ICON) {
        Ok(icon) => icon,
        Err(error) => {
            tracing::warn!(%error, "no tray icon: its image does not decode");
            return;
        }
    };
    // The appindicator library is loaded when first used and panics when it is missing.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app, icon.clone())));
    app.manage(TrayState {
        icon,
        shown: Mutex::new(None),
    });
    match built {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::warn!(%error, "no tray icon"),
        Err(_) => tracing::warn!("no tray icon: the desktop's tray library is missing"),
    }
}

fn build<R: Runtime>(app: &AppHandle<R>, icon: Image<'static>) -> tauri::Result<TrayIcon<R>> {
    let show = MenuItem::with_id(app, SHOW, "Show Switchboard", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, "Quit Switchboard", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &quit])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon)
        .tooltip("Switchboard")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(on_menu)
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                bring_forward(tray.app_handle());
            }
        })
        .build(app)
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match event.id().as_ref() {
        SHOW => bring_forward(app),
        QUIT => app.exit(0),
        other => tracing::debug!(item = other, "unknown tray menu item"),
    }
}

/// Shows, restores and focuses the main window.
pub fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Counts the unread messages of the channels that are not archived nor muted, and shows the
/// count in the tray if it changed.
pub async fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let console = app.state::<Console>();
    let muted = console.settings().muted;
    let unread = {
        let engine = console.engine.read().await;
        engine.cache().read(channels::unread).await
    };
    let total = match unread {
        Ok(unread) => unread
            .into_iter()
            .filter(|(channel, _)| !muted.contains(channel))
            .map(|(_, count)| count)
            .fold(0u32, u32::saturating_add),
        Err(error) => {
            tracing::warn!(%error, "cannot count the unread messages");
            return;
        }
    };
    show(app, total);
}

/// Shows `unread` in the tray, unless it shows it already.
fn show<R: Runtime>(app: &AppHandle<R>, unread: u32) {
    let Some(state) = app.try_state::<TrayState>() else {
        return;
    };
    {
        let mut shown = state.shown.lock().unwrap_or_else(|p| p.into_inner());
        if *shown == Some(unread) {
            return;
        }
        *shown = Some(unread);
    }
    tracing::info!(unread, "tray unread count");
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let result = (|| {
        let plain = &state.icon;
        let icon = if unread == 0 {
            plain.clone()
        } else {
            let badged = with_badge(plain.rgba(), plain.width(), plain.height());
            Image::new_owned(badged, plain.width(), plain.height())
        };
        tray.set_icon(Some(icon))?;
        tray.set_title(label(unread))?;
        tray.set_tooltip(Some(tooltip(unread)))
    })();
    if let Err(error) = result {
        tracing::warn!(%error, "cannot update the tray icon");
    }
}

/// The label beside the icon: the count; none when nothing is unread.
pub fn label(unread: u32) -> Option<String> {
    (unread > 0).then(|| unread.to_string())
}

/// The tooltip: the app's name and what is unread.
pub fn tooltip(unread: u32) -> String {
    match unread {
        0 => "Switchboard: nothing unread".to_owned(),
        1 => "Switchboard: 1 unread message".to_owned(),
        n => format!("Switchboard: {n} unread messages"),
    }
}

/// `rgba` (`width` × `height`) with a round red badge in its top-right corner, a third of
/// the icon wide.
pub fn with_badge(rgba: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = rgba.to_vec();
    let radius = f64::from(width.min(height)) / 6.0;
    let centre_x = f64::from(width) - radius;
    let centre_y = radius;
    for y in 0..height {
        for x in 0..width {
            let dx = f64::from(x) + 0.5 - centre_x;
            let dy = f64::from(y) + 0.5 - centre_y;
            if dx * dx + dy * dy <= radius * radius {
                let at = ((y * width + x) * 4) as usize;
                if let Some(pixel) = out.get_mut(at..at + 4) {
                    pixel.copy_from_slice(&BADGE);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_the_count_and_absent_at_zero() {
        assert_eq!(label(0), None);
        assert_eq!(label(7).as_deref(), Some("7"));
        assert_eq!(label(1234).as_deref(), Some("1234"));
        assert_eq!(tooltip(1), "Switchboard: 1 unread message");
        assert_eq!(tooltip(12), "Switchboard: 12 unread messages");
    }

    #[test]
    fn the_badge_paints_the_top_right_corner_only() {
        let (width, height) = (30u32, 30u32);
        let blank = vec![0u8; (width * height * 4) as usize];
        let badged = with_badge(&blank, width, height);
        let pixel = |x: u32, y: u32| {
            let at = ((y * width + x) * 4) as usize;
            &badged[at..at + 4]
        };
        assert_eq!(pixel(width - 5, 5), &BADGE, "the badge's centre is red");
        assert_eq!(
            pixel(2, 2),
            &[0, 0, 0, 0],
            "the top-left corner is untouched"
        );
        assert_eq!(
            pixel(width - 5, height - 2),
            &[0, 0, 0, 0],
            "the bottom is untouched"
        );
        assert_eq!(badged.len(), blank.len());
    }

    #[test]
    fn the_shipped_icon_decodes() {
        let icon = Image::from_bytes(ICON).expect("icons/32x32.png is a PNG");
        assert_eq!((icon.width(), icon.height()), (32, 32));
    }
}
