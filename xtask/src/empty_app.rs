//! Building the console bench's floor, the empty app (`src-tauri/benches/empty-app`, a
//! workspace of its own): its page (Yew → wasm32, then wasm-bindgen) and its shell (release,
//! `custom-protocol`), into the shared target directory.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::shell::{self, command, step};

/// The fixture's folder, from the workspace root.
const DIR: &str = "src-tauri/benches/empty-app";

/// Builds the empty app and returns its binary.
pub fn build() -> Result<PathBuf> {
    let root = crate::workspace_root();
    let dir = root.join(DIR);
    let manifest = dir.join("Cargo.toml");
    // Cargo puts a nested workspace's output under its own folder unless told otherwise;
    // the shared directory reuses what the console's builds compiled.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    step("building the empty app (the console bench's floor)", || {
        release_build(
            &manifest,
            &target,
            &["empty-app-page", "--target", "wasm32-unknown-unknown"],
        )?;
        let dist = dir.join("page/dist");
        crate::ui::bindgen(
            &target.join("wasm32-unknown-unknown/release/empty-app-page.wasm"),
            &dist,
            "page",
        )?;
        for file in ["index.html", "main.js"] {
            let source = dir.join("page/static").join(file);
            fs::copy(&source, dist.join(file))
                .with_context(|| format!("cannot copy {}", source.display()))?;
        }
        release_build(
            &manifest,
            &target,
            &["empty-app-shell", "--features", "custom-protocol"],
        )?;
        Ok(target.join("release/empty-app"))
    })
}

/// `cargo build --release --locked` of the fixture's package (the first of
/// `package_and_more`, with the rest after it) into `target`.
fn release_build(manifest: &Path, target: &Path, package_and_more: &[&str]) -> Result<()> {
    shell::run(
        command("cargo")
            .args(["build", "--release", "--locked", "--manifest-path"])
            .arg(manifest)
            .arg("--package")
            .args(package_and_more)
            .env("CARGO_TARGET_DIR", target),
    )
}
