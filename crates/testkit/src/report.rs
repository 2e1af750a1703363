//! A benchmark's results file (`<crate>/benches/results/<name>.md`) and the machine line it
//! carries.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

/// Where benchmark `name` of the crate at `manifest_dir` writes its results by default.
pub fn results_path(manifest_dir: &str, name: &str) -> PathBuf {
    PathBuf::from(manifest_dir)
        .join("benches/results")
        .join(format!("{name}.md"))
}

/// Writes `text` to `out` (creating its folder), then prints it and where it went.
pub fn write_results(out: &Path, text: &str) -> Result<()> {
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("{text}\nwrote {}", out.display());
    Ok(())
}

/// `nproc`, the CPU model and the total RAM, as one line of a results file.
pub fn machine() -> Result<String> {
    let nproc = Command::new("nproc")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .context("`nproc` failed")?;
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").context("cannot read /proc/cpuinfo")?;
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| "an unknown CPU".to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").context("cannot read /proc/meminfo")?;
    let total_kib: u64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no MemTotal in /proc/meminfo")?;
    Ok(format!(
        "`nproc` {nproc}, {model}, {:.1} GiB RAM",
        total_kib as f64 / 1024.0 / 1024.0
    ))
}
