//! The harness of the end-to-end tests.

mod app;
mod driver;
mod output;

pub use app::AppSession;
pub use output::output_dir;
