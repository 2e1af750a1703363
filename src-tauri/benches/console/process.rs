//! Processes: stopping one (SIGTERM, then SIGKILL), and the PSS of one with all its
//! descendants, by program name.

use std::collections::BTreeMap;
use std::process::Child;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use testkit::process::terminate;

pub use testkit::procfs::{alive, process_tree};

/// How long the app and its children may take to go after SIGTERM.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// SIGTERM, then SIGKILL if `child` is still there after [`STOP_TIMEOUT`]. Returns whether
/// it had to be killed.
pub fn stop_child(child: &mut Child) -> bool {
    terminate(child, STOP_TIMEOUT)
}

/// A process's program name: argv\[0\]'s file name, else its `comm`.
pub fn program_name(pid: i32) -> String {
    let from_cmdline = std::fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .and_then(|bytes| {
            let argv0 = bytes.split(|b| *b == 0).next()?.to_vec();
            let argv0 = String::from_utf8_lossy(&argv0).into_owned();
            let name = argv0.rsplit('/').next()?.to_owned();
            (!name.is_empty()).then_some(name)
        });
    from_cmdline.unwrap_or_else(|| {
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|comm| comm.trim().to_owned())
            .unwrap_or_else(|_| format!("pid {pid}"))
    })
}

/// The `Pss:` of `/proc/PID/smaps_rollup`, in KiB.
fn pss_kib(pid: i32) -> Result<u64> {
    let path = format!("/proc/{pid}/smaps_rollup");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("Pss:") {
            let kib = value.trim().trim_end_matches("kB").trim();
            return kib
                .parse()
                .with_context(|| format!("an odd Pss line in {path}: {line}"));
        }
    }
    bail!("no Pss line in {path}")
}

/// PSS of `pid` and its descendants: KiB by program name (summed when several share one).
pub fn tree_pss(pid: i32) -> Result<BTreeMap<String, u64>> {
    let mut by_name = BTreeMap::new();
    for (member, start) in process_tree(pid)? {
        match pss_kib(member) {
            Ok(kib) => *by_name.entry(program_name(member)).or_insert(0) += kib,
            // A child that went meanwhile is not counted; the app itself must be there.
            Err(_) if member != pid && !alive(member, start) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(by_name)
}

/// Ends the process `pid` (started at `start`: pids are reused) with SIGTERM and waits for
/// it to go; SIGKILL after [`STOP_TIMEOUT`].
pub fn stop_pid(pid: i32, start: u64) -> Result<()> {
    let target = Pid::from_raw(pid);
    if kill(target, Signal::SIGTERM).is_err() {
        return Ok(());
    }
    let deadline = std::time::Instant::now() + STOP_TIMEOUT;
    while alive(pid, start) {
        if std::time::Instant::now() > deadline {
            kill(target, Signal::SIGKILL).context("cannot kill the app")?;
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}
