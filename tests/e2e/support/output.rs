//! Where a test writes what a person may want to look at afterwards (screenshots, logs).

use std::path::PathBuf;

/// The output folder of test `name`, created if needed: under `$SWITCHBOARD_TEST_OUTPUT`
/// (set by `cargo xtask test` to `target/test-output`), else under cargo's temp dir.
pub fn output_dir(name: &str) -> anyhow::Result<PathBuf> {
    let base = std::env::var_os("SWITCHBOARD_TEST_OUTPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-output"));
    let dir = base.join(name);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
