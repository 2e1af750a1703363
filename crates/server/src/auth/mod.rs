//! Authentication: argon2id password hashes, short-lived JWT access tokens, opaque rotating
//! refresh tokens stored hashed, and the login rate limit.

pub mod password;
pub mod rate_limit;
pub mod tokens;

pub use rate_limit::LoginLimiter;
pub use tokens::{AccessClaims, TokenError, TokenKeys};
