//! Processes as `/proc` tells them: one process's parent, state and start time, a process
//! with all its descendants, and whether one still runs. Used by the end-to-end harness and
//! the console benchmark.

use std::collections::HashMap;

use anyhow::{Context, Result};

/// A process as `/proc/PID/stat` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// Its parent.
    pub ppid: i32,
    /// `R`, `S`, `Z`…
    pub state: char,
    /// Clock ticks after boot: with the pid, it names one process (pids are reused).
    pub start: u64,
}

/// What `/proc/PID/stat` says of `pid`, while it exists.
pub fn stat(pid: i32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name (field 2) is in parentheses and may hold anything; fields follow the last ')'.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(Stat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

/// `pid` and all its descendants now, with their start times.
pub fn process_tree(pid: i32) -> Result<Vec<(i32, u64)>> {
    let mut children: HashMap<i32, Vec<(i32, u64)>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").context("cannot list /proc")? {
        let Ok(entry) = entry else { continue };
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        if let Some(stat) = stat(child) {
            children
                .entry(stat.ppid)
                .or_default()
                .push((child, stat.start));
        }
    }
    let root = stat(pid).with_context(|| format!("process {pid} is gone"))?;
    let mut tree = vec![(pid, root.start)];
    let mut next = 0;
    while next < tree.len() {
        let (parent, _) = tree[next];
        tree.extend(children.get(&parent).into_iter().flatten().copied());
        next += 1;
    }
    Ok(tree)
}

/// Whether the process `pid` that started at `start` still runs (a zombie does not).
pub fn alive(pid: i32, start: u64) -> bool {
    stat(pid).is_some_and(|s| s.start == start && s.state != 'Z')
}
