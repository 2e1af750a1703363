//! One scenario: the app started, measured and stopped `--runs` times on one profile.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use crate::app::{App, Program};
use crate::process::tree_pss;
use crate::report::mib;

/// One measured start.
#[derive(Debug)]
pub struct Run {
    /// Spawn → the milestone line (`queue shown`, `first paint`) read from its stderr.
    pub wall_ms: f64,
    /// The app's own figure: its `main` → the milestone.
    pub app_ms: f64,
    pub rows: usize,
    /// The phases of the start (name, milliseconds since the app's `main`), in order.
    pub phases: Vec<(String, f64)>,
    /// KiB by program name.
    pub pss: BTreeMap<String, u64>,
    /// Descendants still there [`STOP_TIMEOUT`](crate::process::STOP_TIMEOUT) after the app ended (then killed).
    pub lingered: Vec<String>,
    /// Whether the app itself ignored SIGTERM and was killed.
    pub killed: bool,
}

/// Starts `program`, measures, and stops it.
fn measure(program: Program<'_>, xdg: &Path) -> Result<Run> {
    let (mut app, started) = App::spawn(program, xdg)?;
    let shown = app.wait_shown()?;
    let wall_ms = shown.at.duration_since(started).as_secs_f64() * 1000.0;
    let pss = tree_pss(app.pid()?)?;
    let (killed, lingered) = app.stop()?;
    Ok(Run {
        wall_ms,
        app_ms: shown.ms,
        rows: shown.rows,
        phases: shown.phases,
        pss,
        lingered,
        killed,
    })
}

/// `runs` measured starts of `program`.
pub fn scenario(name: &str, program: Program<'_>, xdg: &Path, runs: usize) -> Result<Vec<Run>> {
    let mut measured = Vec::new();
    for n in 1..=runs {
        let run = measure(program, xdg).with_context(|| format!("{name}, run {n}"))?;
        let total: u64 = run.pss.values().sum();
        eprintln!(
            "    {name}, run {n}: shown after {:.0} ms (app: {:.0} ms), {} rows, PSS {:.1} MiB {:?}{}{}",
            run.wall_ms,
            run.app_ms,
            run.rows,
            mib(total),
            run.pss,
            if run.killed { ", the app needed SIGKILL" } else { "" },
            if run.lingered.is_empty() {
                String::new()
            } else {
                format!(", lingered: {:?}", run.lingered)
            }
        );
        measured.push(run);
    }
    Ok(measured)
}
