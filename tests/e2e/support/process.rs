//! The app's own process, found under the driver that started it and stopped with it: when a
//! WebDriver session ends, the app outlives it (until the display goes), and a test that
//! starts the same profile again would be handed over to it.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// How long the app may take to end after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The process running `binary` that descends from `root`, if any.
pub fn descendant_running(root: u32, binary: &Path) -> Option<u32> {
    let binary = std::fs::canonicalize(binary).ok()?;
    let mut parent_of = HashMap::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        // `pid (comm) state ppid …`: the command may hold spaces, so read after its `)`.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parent_of.insert(pid, ppid);
        }
    }
    let descends = |mut pid: u32| {
        while let Some(&parent) = parent_of.get(&pid) {
            if parent == root {
                return true;
            }
            if parent <= 1 {
                return false;
            }
            pid = parent;
        }
        false
    };
    parent_of.keys().copied().find(|&pid| {
        descends(pid)
            && std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary)
    })
}

/// Ends `pid` with SIGTERM and waits until it is gone; SIGKILL after [`STOP_TIMEOUT`].
pub async fn stop(pid: u32) {
    let Ok(raw) = i32::try_from(pid) else {
        return;
    };
    let pid = Pid::from_raw(raw);
    if kill(pid, Signal::SIGTERM).is_err() {
        return;
    }
    let deadline = Instant::now() + STOP_TIMEOUT;
    // Not our child: gone is when signal 0 no longer reaches it (or it is a zombie).
    while kill(pid, None).is_ok() && !is_zombie(raw) {
        if Instant::now() > deadline {
            eprintln!("the app ({pid}) ignored SIGTERM for {STOP_TIMEOUT:?}; killing it");
            let _ = kill(pid, Signal::SIGKILL);
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            == Some("Z")
    })
}
