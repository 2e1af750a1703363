//! Build script of the empty app's shell: checks the page is built, then runs tauri-build
//! (which reads this folder's `tauri.conf.json`).

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=../page/dist");
    if !Path::new("../page/dist/index.html").exists() {
        println!(
            "cargo::error=the empty app's page is not built (../page/dist/index.html is \
             missing): `cargo xtask bench console` builds it"
        );
        return;
    }
    tauri_build::build();
}
