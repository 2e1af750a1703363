//! The session with the platform: sign in, keep a fresh access token (refreshed before it
//! expires and after a 401), sign out. The refresh token is kept by [`Credentials`]; who
//! is signed in by the profile's [`SessionRecord`], so a later start can read offline.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use protocol::rest::LoginRequest;
pub use protocol::Viewer;
use protocol::{Secret, TenantId};

use crate::api::Api;
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::profile::{Profile, SessionRecord};

/// Refresh when less than this is left of the access token (or a quarter of its life,
/// for short-lived tokens).
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// When to refresh a token that lives `lifetime` from now.
fn refresh_at(lifetime: Duration) -> Instant {
    Instant::now() + lifetime - REFRESH_MARGIN.min(lifetime / 4)
}

/// A signed-in session (possibly offline: it can still read the cache).
#[derive(Debug)]
pub struct Session {
    api: Api,
    record: SessionRecord,
    credentials: Credentials,
    /// When the access token should be refreshed (`None`: there is none yet).
    refresh_at: Mutex<Option<Instant>>,
}

impl Session {
    /// Signs in to `server` and records the session in `profile`.
    pub async fn login(
        profile: &Profile,
        credentials: Credentials,
        server: &str,
        email: &str,
        password: Secret,
        tenant: Option<TenantId>,
    ) -> Result<Self> {
        let api = Api::trusting(server, profile.trust()?.as_ref())?;
        let login = api
            .login(&LoginRequest {
                email: email.trim().to_owned(),
                password,
                tenant_id: tenant,
            })
            .await?;
        let record = SessionRecord {
            server: api.base().to_owned(),
            email: login.user.email.clone(),
            user_id: login.user.id,
            name: login.user.name.clone(),
            tenant_id: login.tenant.as_ref().map(|t| t.id),
            role: login.user.role,
        };
        credentials.save(&login.refresh_token)?;
        profile.save_session(&record)?;
        api.set_token(Some(login.access_token));
        tracing::info!(user = %record.user_id, "signed in");
        Ok(Self {
            api,
            record,
            credentials,
            refresh_at: Mutex::new(Some(refresh_at(Duration::from_secs(login.expires_in)))),
        })
    }

    /// The session recorded in `profile`, without touching the network.
    pub fn resume(profile: &Profile, credentials: Credentials) -> Result<Self> {
        let record = profile.session()?.ok_or_else(|| {
            Error::Unauthorized("this profile is not signed in; run login".to_owned())
        })?;
        Ok(Self {
            api: Api::trusting(&record.server, profile.trust()?.as_ref())?,
            record,
            credentials,
            refresh_at: Mutex::new(None),
        })
    }

    /// Who is signed in.
    pub fn record(&self) -> &SessionRecord {
        &self.record
    }

    /// Who the engine acts as.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            user: self.record.user_id,
            tenant: self.record.tenant_id,
            role: self.record.role,
        }
    }

    /// The REST client (with whatever token it holds now).
    pub fn api(&self) -> &Api {
        &self.api
    }

    fn needs_refresh(&self) -> bool {
        let due = self.refresh_at.lock().ok().and_then(|at| *at);
        due.is_none_or(|at| Instant::now() >= at)
    }

    /// A fresh access token: refreshes (rotating the refresh token) when needed.
    pub async fn access_token(&self) -> Result<Secret> {
        if self.needs_refresh() {
            self.refresh().await?;
        }
        self.api
            .token()
            .ok_or_else(|| Error::Unauthorized("no access token".to_owned()))
    }

    /// Trades the refresh token for a new pair.
    pub async fn refresh(&self) -> Result<()> {
        let refresh = self
            .credentials
            .load()?
            .ok_or_else(|| Error::Unauthorized("signed out; run login".to_owned()))?;
        match self.api.refresh(&refresh).await {
            Ok(pair) => {
                self.credentials.save(&pair.refresh_token)?;
                self.api.set_token(Some(pair.access_token));
                if let Ok(mut due) = self.refresh_at.lock() {
                    *due = Some(refresh_at(Duration::from_secs(pair.expires_in)));
                }
                tracing::debug!("access token refreshed");
                Ok(())
            }
            Err(Error::Unauthorized(why)) => {
                // The refresh token is spent or revoked: the session is over.
                self.credentials.clear()?;
                Err(Error::Unauthorized(why))
            }
            Err(other) => Err(other),
        }
    }

    /// Runs `call` with a fresh token; after a 401 refreshes once and runs it again.
    pub async fn call<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(Api) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.access_token().await?;
        match call(self.api.clone()).await {
            Err(Error::Unauthorized(_)) => {
                self.refresh().await?;
                call(self.api.clone()).await
            }
            other => other,
        }
    }

    /// Signs out: the platform revokes the refresh token's family; the local record and
    /// token go (the cache stays).
    pub async fn logout(&self, profile: &Profile) -> Result<()> {
        if let Some(refresh) = self.credentials.load()? {
            if let Err(error) = self.api.logout(&refresh).await {
                tracing::warn!(%error, "the platform did not confirm the sign-out; forgetting the session anyway");
            }
        }
        self.credentials.clear()?;
        profile.clear_session()
    }
}
