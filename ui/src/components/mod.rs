//! Reusable pieces of the page, each reading the app state from context.

mod connection_line;
mod error_banner;
mod header;

pub use connection_line::{describe_connection, ConnectionLine};
pub use error_banner::ErrorBanner;
pub use header::Header;
