//! Reusable pieces of the page, each reading the app state from context.

mod chat;
pub mod composer;
mod connection_line;
pub mod details;
pub mod dialogs;
pub mod disclosure;
mod error_banner;
mod header;
mod notice;
mod offline_banner;
mod presence;
pub mod queue;

pub use chat::ChatView;
pub use connection_line::ConnectionLine;
pub use details::Details;
pub use error_banner::ErrorBanner;
pub use header::Header;
pub use notice::Notice;
pub use offline_banner::OfflineBanner;
pub use queue::QueuePane;
