//! Percentiles of timings, as the benchmarks report them.

use std::time::Duration;

/// The `p`th percentile (nearest rank) of `sorted`, which must be sorted and not empty.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `d` in milliseconds with two decimals.
pub fn millis(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// p50, p95, p99 and max of `sorted` in milliseconds, as the cells of a markdown row
/// (`a | b | c | d`).
pub fn percentile_cells(sorted: &[Duration]) -> String {
    [50.0, 95.0, 99.0, 100.0]
        .map(|p| millis(percentile(sorted, p)))
        .join(" | ")
}
