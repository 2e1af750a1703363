//! Stopping a child process politely: SIGTERM, then SIGKILL after a deadline.

use std::process::Child;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// SIGTERM, then SIGKILL if `child` is still there after `timeout`. Returns whether it had
/// to be killed.
pub fn terminate(child: &mut Child, timeout: Duration) -> bool {
    if let Ok(Some(_)) = child.try_wait() {
        return false;
    }
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    true
}
