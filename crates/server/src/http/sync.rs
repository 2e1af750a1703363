//! `/api/chat/sync`: what changed since a cursor.

use axum::extract::State;
use axum::Json;
use protocol::endpoints;
use protocol::rest::{SyncQuery, SyncResponse};

use super::responses::ReadErrors;
use super::{ApiQuery, AppState};
use crate::actor::Actor;
use crate::error::ApiResult;

/// Changes per answer when the client names no limit.
const DEFAULT_BATCH: u32 = 500;

/// `GET /api/chat/sync?since=&limit=`.
#[utoipa::path(get, path = endpoints::Sync::PATH, tag = "chat", security(("bearer" = [])), params(SyncQuery),
    responses((status = 200, description = "what changed since the cursor, oldest change first", body = SyncResponse), ReadErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn sync(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<SyncQuery>,
) -> ApiResult<Json<SyncResponse>> {
    let batch = state
        .store
        .sync(
            &actor,
            query.since.as_deref(),
            query.limit.unwrap_or(DEFAULT_BATCH),
        )
        .await?;
    Ok(Json(SyncResponse {
        cursor: batch.cursor,
        has_more: batch.has_more,
        channels: batch.channels,
        messages: batch.messages,
        canned_responses: batch.canned_responses,
        deleted_canned_response_ids: batch.deleted_canned_response_ids,
    }))
}
