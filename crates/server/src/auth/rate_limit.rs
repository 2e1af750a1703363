//! The login rate limit: failed attempts counted per account and per address in a fixed
//! window; past the limit, logins answer 429 with the seconds until the window ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failed logins.
#[derive(Debug)]
pub struct LoginLimiter {
    attempts: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    /// At most `attempts` failures per key in each `window`.
    pub fn new(attempts: u32, window: Duration) -> Self {
        Self {
            attempts,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(email: &str, address: Option<IpAddr>) -> Vec<String> {
        let mut keys = vec![format!("account:{}", email.trim().to_lowercase())];
        if let Some(address) = address {
            keys.push(format!("address:{address}"));
        }
        keys
    }

    /// `Err(seconds)` when this account or address must wait before trying again.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = 0;
        for key in Self::keys(email, address) {
            if let Some((started, count)) = failures.get(&key).copied() {
                let elapsed = now.duration_since(started);
                if elapsed >= self.window {
                    failures.remove(&key);
                } else if count >= self.attempts {
                    wait = wait.max((self.window - elapsed).as_secs().max(1));
                }
            }
        }
        if wait > 0 {
            Err(wait)
        } else {
            Ok(())
        }
    }

    /// Counts a failed attempt.
    pub fn failed(&self, email: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > 100_000 {
            let window = self.window;
            failures.retain(|_, (started, _)| now.duration_since(*started) < window);
        }
        for key in Self::keys(email, address) {
            let entry = failures.entry(key).or_insert((now, 0));
            if now.duration_since(entry.0) >= self.window {
                *entry = (now, 0);
            }
            entry.1 += 1;
        }
    }

    /// Forgets the account's failures after a successful login.
    pub fn succeeded(&self, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&format!("account:{}", email.trim().to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_per_account_and_per_address() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        let here: IpAddr = [127, 0, 0, 1].into();
        limiter.failed("a@x.test", Some(here));
        assert!(limiter.check("a@x.test", Some(here)).is_ok());
        limiter.failed("A@x.test", Some(here));
        assert!(limiter.check("a@x.test", None).is_err(), "account limited");
        assert!(
            limiter.check("b@x.test", Some(here)).is_err(),
            "address limited"
        );
        assert!(limiter.check("b@x.test", None).is_ok());
    }
}
