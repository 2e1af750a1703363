//! The app's own process, found under the driver that started it and stopped with it: when a
//! WebDriver session ends, the app outlives it (until the display goes), and a test that
//! starts the same profile again would be handed over to it.

use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use testkit::procfs::{alive, process_tree};

/// How long the app may take to end after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// A running process: its pid and start time (together they name it; pids are reused).
#[derive(Debug, Clone, Copy)]
pub struct Process {
    pid: i32,
    start: u64,
}

/// The process running `binary` that descends from `root`, if any.
pub fn descendant_running(root: u32, binary: &Path) -> Option<Process> {
    let binary = std::fs::canonicalize(binary).ok()?;
    let root = i32::try_from(root).ok()?;
    process_tree(root)
        .ok()?
        .into_iter()
        .skip(1)
        .find(|(pid, _)| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|e| e == binary))
        .map(|(pid, start)| Process { pid, start })
}

/// Ends `process` with SIGTERM and waits until it is gone; SIGKILL after [`STOP_TIMEOUT`].
pub async fn stop(process: Process) {
    let pid = Pid::from_raw(process.pid);
    if kill(pid, Signal::SIGTERM).is_err() {
        return;
    }
    let deadline = Instant::now() + STOP_TIMEOUT;
    while alive(process.pid, process.start) {
        if Instant::now() > deadline {
            eprintln!("the app ({pid}) ignored SIGTERM for {STOP_TIMEOUT:?}; killing it");
            let _ = kill(pid, Signal::SIGKILL);
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
