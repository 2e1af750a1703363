//! The app's pages: signing in, and the console itself.

pub mod console;
pub mod sign_in;

pub use console::ConsolePage;
pub use sign_in::SignInPage;
