//! The console's ticket queue, shared by its engine (which answers it from the cache) and
//! its UI (which shows a window of it):
//! - [`view`]: the filters and order, and the reference rules over whole channels.
//! - [`row`]: a slim row (what one line shows) and a window of rows with its totals.

mod row;
mod view;

pub use row::{
    QueuePage, QueuePageRequest, QueueRow, RowPreview, PREVIEW_CHARS, QUEUE_PAGE_MAX,
    QUEUE_WINDOW_ROWS,
};
pub use view::{
    channel_due, filter_words, haystack, last_activity, number_label, participant_name, priority,
    priority_rank, ticket_number, Assignment, QueueView, Sort, Tab,
};
