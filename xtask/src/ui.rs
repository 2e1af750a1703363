//! Building the front end: cargo for wasm32, wasm-bindgen, then the static files, into
//! `ui/dist` (Tauri's `frontendDist`). Files are rewritten only when their bytes change, so an
//! unchanged UI does not make the desktop app recompile.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::shell::{self, command, step};

const UI_PACKAGE: &str = "switchboard-ui";

/// Builds `ui/dist`.
pub fn build() -> Result<()> {
    let root = crate::workspace_root();
    let dist = root.join("ui/dist");
    let staging = root.join("target/ui-staging");
    step("building the UI (Yew → wasm32; about 1 min cold)", || {
        shell::run(command("cargo").args([
            "build",
            "--package",
            UI_PACKAGE,
            "--target",
            "wasm32-unknown-unknown",
            "--release",
        ]))?;
        let wasm = root.join(format!(
            "target/wasm32-unknown-unknown/release/{UI_PACKAGE}.wasm"
        ));
        bindgen(&wasm, &staging, "ui")?;
        copy_dir(&root.join("ui/static"), &staging)?;
        let changed = sync_dir(&staging, &dist)?;
        println!("    ui/dist: {changed} file(s) changed");
        Ok(())
    })
}

/// Runs wasm-bindgen (`--target web`) over `wasm` into a cleared `out_dir`, its files named
/// `out_name.js` and `out_name_bg.wasm`.
pub fn bindgen(wasm: &Path, out_dir: &Path, out_name: &str) -> Result<()> {
    if out_dir.exists() {
        fs::remove_dir_all(out_dir)
            .with_context(|| format!("cannot clear {}", out_dir.display()))?;
    }
    shell::run(
        command("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-name", out_name])
            .arg("--out-dir")
            .arg(out_dir)
            .arg(wasm),
    )
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for (name, source) in files(from)? {
        fs::copy(&source, to.join(&name))
            .with_context(|| format!("cannot copy {}", source.display()))?;
    }
    Ok(())
}

/// Makes `to` hold exactly the files of `from`, touching only what differs. Returns how many
/// files were written or removed.
fn sync_dir(from: &Path, to: &Path) -> Result<usize> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let wanted = files(from)?;
    let mut changed = 0;
    for (name, source) in &wanted {
        let bytes =
            fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
        let target = to.join(name);
        if fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            fs::write(&target, &bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
            changed += 1;
        }
    }
    for (name, stale) in files(to)? {
        if !wanted.contains_key(&name) {
            fs::remove_file(&stale)
                .with_context(|| format!("cannot remove {}", stale.display()))?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The regular files directly in `dir`, by name.
fn files(dir: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut found = BTreeMap::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            found.insert(
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            );
        }
    }
    Ok(found)
}
