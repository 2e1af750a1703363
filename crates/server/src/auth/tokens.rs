//! Access tokens (HS256 JWTs carrying `sub`, `tid`, `role`, `exp`) and refresh tokens
//! (random, opaque, stored only as their SHA-256).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use protocol::{Role, Secret, TenantId, UserId};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user.
    pub sub: UserId,
    /// The active tenant (absent for a super admin across tenants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<TenantId>,
    /// The role in that tenant.
    pub role: Role,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Issued at, seconds since the epoch.
    pub iat: u64,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// It has expired.
    #[error("the access token has expired")]
    Expired,
    /// It is malformed, forged or signed with another key.
    #[error("the access token is not valid")]
    Invalid,
}

/// The keys access tokens are signed and checked with.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("access_ttl", &self.access_ttl)
            .finish_non_exhaustive()
    }
}

fn now_secs() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

impl TokenKeys {
    /// Keys from the shared secret.
    pub fn new(secret: &Secret, access_ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            access_ttl,
        }
    }

    /// How long access tokens live.
    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    /// A signed access token for `user` acting in `tenant` as `role`.
    pub fn issue(
        &self,
        user: UserId,
        tenant: Option<TenantId>,
        role: Role,
    ) -> Result<Secret, jsonwebtoken::errors::Error> {
        let iat = now_secs();
        let claims = AccessClaims {
            sub: user,
            tid: tenant,
            role,
            exp: iat + self.access_ttl.as_secs(),
            iat,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map(Secret::new)
    }

    /// The claims of a valid token.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        decode::<AccessClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

/// A new refresh token: 32 random bytes, URL-safe base64.
pub fn new_refresh_token() -> Secret {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::new(URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of a refresh token: its SHA-256, hex.
pub fn refresh_token_hash(token: &Secret) -> String {
    let digest = Sha256::digest(token.expose().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random secret for demo mode.
pub fn random_secret() -> Secret {
    new_refresh_token()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ttl: u64) -> TokenKeys {
        TokenKeys::new(&Secret::new("test secret"), Duration::from_secs(ttl))
    }

    #[test]
    fn a_token_carries_its_claims() {
        let user = UserId(uuid::Uuid::new_v4());
        let tenant = TenantId(uuid::Uuid::new_v4());
        let token = keys(60)
            .issue(user, Some(tenant), Role::Moderator)
            .expect("signs");
        let claims = keys(60).verify(token.expose()).expect("verifies");
        assert_eq!(
            (claims.sub, claims.tid, claims.role),
            (user, Some(tenant), Role::Moderator)
        );
    }

    #[test]
    fn another_key_or_a_changed_token_is_invalid() {
        let token = keys(60)
            .issue(UserId(uuid::Uuid::new_v4()), None, Role::SuperAdmin)
            .expect("signs");
        let other = TokenKeys::new(&Secret::new("other"), Duration::from_secs(60));
        assert_eq!(other.verify(token.expose()), Err(TokenError::Invalid));
        let tampered = format!("{}x", token.expose());
        assert_eq!(keys(60).verify(&tampered), Err(TokenError::Invalid));
    }

    #[test]
    fn an_expired_token_says_so() {
        let token = keys(0)
            .issue(UserId(uuid::Uuid::new_v4()), None, Role::SuperAdmin)
            .expect("signs");
        // Issued with a zero lifetime: `exp` is now, and there is no leeway.
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(keys(0).verify(token.expose()), Err(TokenError::Expired));
    }
}
