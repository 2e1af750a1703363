//! Build script of the desktop app: checks the UI is built, then runs tauri-build (which
//! reads `tauri.conf.json`, `capabilities/` and `icons/` at the workspace root).

use std::path::Path;

fn main() {
    // The UI is embedded at compile time; rebuild when any of its files change.
    println!("cargo:rerun-if-changed=ui/dist");
    if !Path::new("ui/dist/index.html").exists() {
        println!(
            "cargo::error=the UI is not built (ui/dist/index.html is missing): run `cargo xtask ui` first \
             (`cargo xtask demo` and `cargo xtask test` do it for you)"
        );
        return;
    }
    tauri_build::build();
}
