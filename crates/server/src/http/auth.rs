//! `/api/auth/*`: login, refresh (rotation with reuse detection), logout.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use protocol::endpoints;
use protocol::rest::{LoginRequest, LoginResponse, LogoutRequest, RefreshRequest, TokenPair};
use protocol::{
    Role, Secret, Tenant, TenantChoice, TenantId, TenantMembership, UserId, UserSummary,
};

use super::responses::{LoginErrors, RefreshErrors};
use super::{ApiJson, AppState};
use crate::auth::password;
use crate::auth::tokens::{new_refresh_token, refresh_token_hash};
use crate::error::{ApiError, ApiResult};
use crate::store::{RefreshOutcome, UserRecord};

const BAD_CREDENTIALS: &str = "wrong email or password";

/// The session a login or refresh opens: the tenant acted in and the role there.
struct Session {
    tenant: Option<TenantMembership>,
    role: Role,
}

/// Decides the tenant and role of a session for `user`.
fn choose_session(
    user: &UserRecord,
    memberships: &[TenantMembership],
    wanted: Option<TenantId>,
    all_tenants: &[Tenant],
) -> ApiResult<Session> {
    match wanted {
        Some(tenant) => {
            if let Some(membership) = memberships.iter().find(|m| m.id == tenant) {
                let role = if user.is_super_admin {
                    Role::SuperAdmin
                } else {
                    membership.role
                };
                return Ok(Session {
                    tenant: Some(membership.clone()),
                    role,
                });
            }
            if user.is_super_admin {
                if let Some(found) = all_tenants.iter().find(|t| t.id == tenant) {
                    return Ok(Session {
                        tenant: Some(TenantMembership {
                            id: found.id,
                            slug: found.slug.clone(),
                            name: found.name.clone(),
                            role: Role::SuperAdmin,
                        }),
                        role: Role::SuperAdmin,
                    });
                }
            }
            Err(ApiError::invalid(
                "tenantId",
                "you are not a member of that tenant",
            ))
        }
        None if user.is_super_admin => Ok(Session {
            tenant: None,
            role: Role::SuperAdmin,
        }),
        None => match memberships {
            [] => Err(ApiError::Unauthorized("your account belongs to no tenant")),
            [only] => Ok(Session {
                tenant: Some(only.clone()),
                role: only.role,
            }),
            several => {
                let choices: Vec<TenantChoice> = several
                    .iter()
                    .map(|m| TenantChoice {
                        id: m.id,
                        slug: m.slug.clone(),
                    })
                    .collect();
                Err(ApiError::Invalid(vec![TenantChoice::field_error(&choices)]))
            }
        },
    }
}

async fn open_session(
    state: &AppState,
    user: &UserRecord,
    session: &Session,
    family: Option<String>,
) -> ApiResult<(Secret, Secret)> {
    let tenant_id = session.tenant.as_ref().map(|t| t.id);
    let access = state
        .keys
        .issue(user.id, tenant_id, session.role)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let refresh = new_refresh_token();
    let ttl = i64::try_from(state.settings.refresh_token_ttl.as_micros()).unwrap_or(i64::MAX);
    state
        .store
        .store_refresh_token(
            &refresh_token_hash(&refresh),
            user.id,
            tenant_id,
            family,
            ttl,
        )
        .await?;
    Ok((access, refresh))
}

fn summary(user: &UserRecord, role: Role) -> UserSummary {
    UserSummary {
        id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        role,
    }
}

fn tenant_of(membership: &TenantMembership) -> Tenant {
    Tenant {
        id: membership.id,
        slug: membership.slug.clone(),
        name: membership.name.clone(),
    }
}

/// `POST /api/auth/login`.
#[utoipa::path(post, path = endpoints::Login::PATH, tag = "auth", request_body = LoginRequest,
    responses((status = 200, description = "signed in", body = LoginResponse), LoginErrors))]
#[tracing::instrument(skip_all, fields(email = %request.email))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let address = Some(peer.ip());
    state
        .limiter
        .check(&request.email, address)
        .map_err(ApiError::RateLimited)?;
    let user = state.store.find_user_by_email(&request.email).await?;
    let stored_hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::decoy_hash().to_owned());
    let matches = password::verify_async(request.password.expose().to_owned(), stored_hash).await;
    let Some(user) = user.filter(|_| matches) else {
        state.limiter.failed(&request.email, address);
        tracing::info!("login refused");
        return Err(ApiError::Unauthorized(BAD_CREDENTIALS));
    };
    state.limiter.succeeded(&request.email);
    let memberships = state.store.memberships(user.id).await?;
    let all_tenants = if user.is_super_admin {
        state.store.all_tenants().await?
    } else {
        Vec::new()
    };
    let session = choose_session(&user, &memberships, request.tenant_id, &all_tenants)?;
    let (access, refresh) = open_session(&state, &user, &session, None).await?;
    tracing::info!(user = %user.id, "signed in");
    Ok(Json(LoginResponse {
        access_token: access,
        refresh_token: refresh,
        expires_in: state.keys.access_ttl().as_secs(),
        user: summary(&user, session.role),
        tenant: session.tenant.as_ref().map(tenant_of),
        tenants: memberships,
    }))
}

/// `POST /api/auth/refresh`.
#[utoipa::path(post, path = endpoints::Refresh::PATH, tag = "auth", request_body = RefreshRequest,
    responses((status = 200, description = "a new pair; the old refresh token is spent", body = TokenPair), RefreshErrors))]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> ApiResult<Json<TokenPair>> {
    let hash = refresh_token_hash(&request.refresh_token);
    let (user_id, tenant, family) = match state.store.spend_refresh_token(&hash).await? {
        RefreshOutcome::Valid {
            user,
            tenant,
            family_id,
        } => (user, tenant, family_id),
        RefreshOutcome::Reused => {
            return Err(ApiError::Unauthorized(
                "this refresh token was used before; every session it began is signed out",
            ))
        }
        RefreshOutcome::Invalid => {
            return Err(ApiError::Unauthorized(
                "the refresh token is not valid or has expired",
            ))
        }
    };
    let user = user_for_refresh(&state, user_id).await?;
    let memberships = state.store.memberships(user.id).await?;
    let all_tenants = if user.is_super_admin {
        state.store.all_tenants().await?
    } else {
        Vec::new()
    };
    // The role is read again: a membership changed since login takes effect now.
    let session = choose_session(&user, &memberships, tenant, &all_tenants)
        .map_err(|_| ApiError::Unauthorized("you are no longer a member of that tenant"))?;
    let (access, refresh) = open_session(&state, &user, &session, Some(family)).await?;
    Ok(Json(TokenPair {
        access_token: access,
        refresh_token: refresh,
        expires_in: state.keys.access_ttl().as_secs(),
    }))
}

async fn user_for_refresh(state: &AppState, user: UserId) -> ApiResult<UserRecord> {
    state
        .store
        .find_user(user)
        .await?
        .ok_or(ApiError::Unauthorized("the account no longer exists"))
}

/// `POST /api/auth/logout`: revokes the refresh token's family. Always 204.
#[utoipa::path(post, path = endpoints::Logout::PATH, tag = "auth", request_body = LogoutRequest,
    responses((status = 204, description = "the refresh token's family is revoked"), RefreshErrors))]
#[tracing::instrument(skip_all)]
pub async fn logout(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LogoutRequest>,
) -> ApiResult<StatusCode> {
    state
        .store
        .revoke_refresh_family(&refresh_token_hash(&request.refresh_token))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
