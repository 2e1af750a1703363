//! `/api/canned-responses…`: the saved replies an agent may use, and managing them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use protocol::canned::{
    CannedResponse, CannedResponseQuery, CreateCannedResponseRequest, UpdateCannedResponseRequest,
};
use protocol::endpoints;
use protocol::CannedResponseId;

use super::extract::CannedPath;
use super::responses::{CannedErrors, CreateErrors, ReadErrors};
use super::{ApiJson, ApiQuery, AppState};
use crate::actor::Actor;
use crate::error::ApiResult;

/// `GET /api/canned-responses`.
#[utoipa::path(get, path = endpoints::ListCannedResponses::PATH, tag = "canned", security(("bearer" = [])), params(CannedResponseQuery),
    responses((status = 200, description = "the tenant's and the caller's own, by short code", body = Vec<CannedResponse>), ReadErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<CannedResponseQuery>,
) -> ApiResult<Json<Vec<CannedResponse>>> {
    Ok(Json(state.store.list_canned(&actor, &query).await?))
}

/// `POST /api/canned-responses`.
#[utoipa::path(post, path = endpoints::CreateCannedResponse::PATH, tag = "canned", security(("bearer" = [])), request_body = CreateCannedResponseRequest,
    responses((status = 201, description = "saved", body = CannedResponse), CreateErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(request): ApiJson<CreateCannedResponseRequest>,
) -> ApiResult<(StatusCode, Json<CannedResponse>)> {
    let created = state.chat.create_canned(&actor, &request).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `PUT /api/canned-responses/{id}`.
#[utoipa::path(put, path = endpoints::UpdateCannedResponse::PATH, tag = "canned", security(("bearer" = [])), params(("id" = CannedResponseId, Path, description = "the canned response")), request_body = UpdateCannedResponseRequest,
    responses((status = 200, description = "changed", body = CannedResponse), CannedErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), canned = %id.0))]
pub async fn update(
    State(state): State<AppState>,
    actor: Actor,
    id: CannedPath,
    ApiJson(request): ApiJson<UpdateCannedResponseRequest>,
) -> ApiResult<Json<CannedResponse>> {
    Ok(Json(
        state.chat.update_canned(&actor, id.0, &request).await?,
    ))
}

/// `DELETE /api/canned-responses/{id}`.
#[utoipa::path(delete, path = endpoints::DeleteCannedResponse::PATH, tag = "canned", security(("bearer" = [])), params(("id" = CannedResponseId, Path, description = "the canned response")),
    responses((status = 204, description = "deleted"), CannedErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), canned = %id.0))]
pub async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    id: CannedPath,
) -> ApiResult<StatusCode> {
    state.chat.delete_canned(&actor, id.0).await?;
    Ok(StatusCode::NO_CONTENT)
}
