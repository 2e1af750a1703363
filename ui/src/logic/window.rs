//! Which window of the queue to ask the engine for: enough rows around those in view that
//! a scroll of a screen or two needs no new answer, starting on a step so small scrolls ask
//! nothing.

/// Rows one window holds.
pub const WINDOW_ROWS: usize = protocol::queue::QUEUE_WINDOW_ROWS as usize;
/// Windows start on multiples of this.
const STEP: usize = 25;

/// Where the window for a list whose first rendered row is `first` starts: a step above
/// the step holding it.
pub fn window_start(first: usize) -> usize {
    (first / STEP * STEP).saturating_sub(STEP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_rows_in_view_and_a_margin_and_moves_in_steps() {
        assert_eq!(window_start(0), 0);
        assert_eq!(window_start(24), 0);
        assert_eq!(window_start(30), 0);
        assert_eq!(window_start(50), 25);
        assert_eq!(window_start(5_000), 4_975);
        // Whatever the first row, the rows in view (a screen is under 30) are inside.
        for first in 0..1_000 {
            let start = window_start(first);
            assert!(
                start <= first && first + 30 <= start + WINDOW_ROWS,
                "{first}"
            );
        }
    }
}
