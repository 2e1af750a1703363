//! `/api/chat/channels…`: the queue, one channel, its messages, and the actions.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use protocol::rest::{
    AssignRequest, ChannelListQuery, CreateChannelRequest, EscalateRequest, MarkReadRequest,
    MessagesQuery, ResolveRequest, SendMessageRequest, UpdateTicketRequest, NEXT_CURSOR_HEADER,
};
use protocol::{Channel, Message};

use super::extract::ChannelPath;
use super::{ApiJson, ApiQuery, AppState};
use crate::actor::Actor;
use crate::error::ApiResult;

/// `GET /api/chat/channels`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<ChannelListQuery>,
) -> ApiResult<impl IntoResponse> {
    let (channels, next) = state.store.list_channels(&actor, &query).await?;
    let mut headers = HeaderMap::new();
    if let Some(cursor) = next.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(NEXT_CURSOR_HEADER, cursor);
    }
    Ok((headers, Json(channels)))
}

/// `POST /api/chat/channels`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(request): ApiJson<CreateChannelRequest>,
) -> ApiResult<(StatusCode, Json<Channel>)> {
    let channel = state.store.create_channel(&actor, &request).await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

/// `GET /api/chat/channels/{id}`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
) -> ApiResult<Json<Channel>> {
    Ok(Json(state.store.get_channel(&actor, id.0).await?))
}

/// `GET /api/chat/channels/{id}/messages`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn messages(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> ApiResult<Json<Vec<Message>>> {
    Ok(Json(state.store.list_messages(&actor, id.0, &query).await?))
}

/// `POST /api/chat/channels/{id}/messages`: 201 for a new message, 200 for a repeat.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn send(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<SendMessageRequest>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let outcome = state.store.send_message(&actor, id.0, &request).await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome.message)))
}

/// `PUT /api/chat/channels/{id}/read`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn mark_read(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<MarkReadRequest>,
) -> ApiResult<StatusCode> {
    state.store.mark_read(&actor, id.0, request.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/chat/channels/{id}/escalate`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn escalate(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<EscalateRequest>,
) -> ApiResult<Json<Channel>> {
    let change = state.store.escalate(&actor, id.0, &request.reason).await?;
    Ok(Json(change.channel))
}

/// `PUT /api/chat/channels/{id}/assign`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn assign(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<AssignRequest>,
) -> ApiResult<Json<Channel>> {
    let change = state
        .store
        .assign(&actor, id.0, request.team_member_id)
        .await?;
    Ok(Json(change.channel))
}

/// `PUT /api/chat/channels/{id}/resolve`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn resolve(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<ResolveRequest>,
) -> ApiResult<Json<Channel>> {
    let change = state
        .store
        .resolve(&actor, id.0, request.resolution.as_deref())
        .await?;
    Ok(Json(change.channel))
}

/// `PUT /api/chat/channels/{id}/reopen`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn reopen(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
) -> ApiResult<Json<Channel>> {
    Ok(Json(state.store.reopen(&actor, id.0).await?.channel))
}

/// `PUT /api/chat/channels/{id}/ticket`.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn update_ticket(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<UpdateTicketRequest>,
) -> ApiResult<Json<Channel>> {
    Ok(Json(
        state
            .store
            .update_ticket(&actor, id.0, &request)
            .await?
            .channel,
    ))
}

/// `DELETE /api/chat/channels/{id}`: archives.
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn archive(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
) -> ApiResult<StatusCode> {
    state.store.archive(&actor, id.0).await?;
    Ok(StatusCode::NO_CONTENT)
}
