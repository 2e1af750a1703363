//! The UI's entry point: mounts the Yew app into the page.

fn main() {
    switchboard_ui::run();
}
