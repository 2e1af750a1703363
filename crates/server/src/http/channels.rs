//! `/api/chat/channels…`: the queue, one channel, its messages, and the actions.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use protocol::endpoints;
use protocol::rest::{
    AssignRequest, ChannelListQuery, CreateChannelRequest, EscalateRequest, MarkReadRequest,
    MessagesQuery, ResolveRequest, SendMessageRequest, UpdateTicketRequest, NEXT_CURSOR_HEADER,
};
use protocol::{Channel, ChannelId, Message};

use super::extract::ChannelPath;
use super::responses::{ChannelActionErrors, ChannelReadErrors, CreateErrors, ReadErrors};
use super::{ApiJson, ApiQuery, AppState};
use crate::actor::Actor;
use crate::chat::Origin;
use crate::error::ApiResult;

/// `GET /api/chat/channels`.
#[utoipa::path(get, path = endpoints::ListChannels::PATH, tag = "chat", security(("bearer" = [])), params(ChannelListQuery),
    responses((status = 200, description = "one page of the queue, newest activity first", body = Vec<Channel>,
        headers(("X-Next-Cursor" = String, description = "the next page's cursor, when there is one"))), ReadErrors))]
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
#[utoipa::path(post, path = endpoints::CreateChannel::PATH, tag = "chat", security(("bearer" = [])), request_body = CreateChannelRequest,
    responses((status = 201, description = "the new channel", body = Channel), CreateErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(request): ApiJson<CreateChannelRequest>,
) -> ApiResult<(StatusCode, Json<Channel>)> {
    let channel = state.chat.create_channel(&actor, &request).await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

/// `GET /api/chat/channels/{id}`.
#[utoipa::path(get, path = endpoints::GetChannel::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")),
    responses((status = 200, description = "the channel with participants and ticket", body = Channel), ChannelReadErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
) -> ApiResult<Json<Channel>> {
    Ok(Json(state.store.get_channel(&actor, id.0).await?))
}

/// `GET /api/chat/channels/{id}/messages`.
#[utoipa::path(get, path = endpoints::ListMessages::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel"), MessagesQuery),
    responses((status = 200, description = "a page of messages in seq order", body = Vec<Message>), ChannelReadErrors))]
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
#[utoipa::path(post, path = endpoints::SendMessage::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")), request_body = SendMessageRequest,
    responses((status = 201, description = "the new message", body = Message),
        (status = 200, description = "the message stored before under this clientMessageId", body = Message), ChannelActionErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn send(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<SendMessageRequest>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let outcome = state.chat.send_message(&actor, id.0, &request).await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome.message)))
}

/// `PUT /api/chat/channels/{id}/read`.
#[utoipa::path(put, path = endpoints::MarkRead::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")), request_body = MarkReadRequest,
    responses((status = 204, description = "read up to seq (never backwards)"), ChannelReadErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn mark_read(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<MarkReadRequest>,
) -> ApiResult<StatusCode> {
    state
        .chat
        .mark_read(&actor, id.0, request.seq, Origin::Rest)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/chat/channels/{id}/escalate`.
#[utoipa::path(put, path = endpoints::Escalate::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")), request_body = EscalateRequest,
    responses((status = 200, description = "escalated to a super admin", body = Channel), ChannelActionErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn escalate(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<EscalateRequest>,
) -> ApiResult<Json<Channel>> {
    Ok(Json(
        state.chat.escalate(&actor, id.0, &request.reason).await?,
    ))
}

/// `PUT /api/chat/channels/{id}/assign`.
#[utoipa::path(put, path = endpoints::Assign::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")), request_body = AssignRequest,
    responses((status = 200, description = "assigned", body = Channel), ChannelActionErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn assign(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<AssignRequest>,
) -> ApiResult<Json<Channel>> {
    Ok(Json(
        state
            .chat
            .assign(&actor, id.0, request.team_member_id)
            .await?,
    ))
}

/// `PUT /api/chat/channels/{id}/resolve`.
#[utoipa::path(put, path = endpoints::Resolve::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")), request_body = ResolveRequest,
    responses((status = 200, description = "resolved", body = Channel), ChannelActionErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn resolve(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<ResolveRequest>,
) -> ApiResult<Json<Channel>> {
    Ok(Json(
        state
            .chat
            .resolve(&actor, id.0, request.resolution.as_deref())
            .await?,
    ))
}

/// `PUT /api/chat/channels/{id}/reopen`.
#[utoipa::path(put, path = endpoints::Reopen::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")),
    responses((status = 200, description = "reopened", body = Channel), ChannelActionErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn reopen(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
) -> ApiResult<Json<Channel>> {
    Ok(Json(state.chat.reopen(&actor, id.0).await?))
}

/// `PUT /api/chat/channels/{id}/ticket`.
#[utoipa::path(put, path = endpoints::UpdateTicket::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")), request_body = UpdateTicketRequest,
    responses((status = 200, description = "the ticket updated", body = Channel), ChannelActionErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn update_ticket(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
    ApiJson(request): ApiJson<UpdateTicketRequest>,
) -> ApiResult<Json<Channel>> {
    Ok(Json(
        state.chat.update_ticket(&actor, id.0, &request).await?,
    ))
}

/// `DELETE /api/chat/channels/{id}`: archives.
#[utoipa::path(delete, path = endpoints::Archive::PATH, tag = "chat", security(("bearer" = [])), params(("id" = ChannelId, Path, description = "the channel")),
    responses((status = 204, description = "archived; its ticket is closed"), ChannelActionErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), channel = %id.0))]
pub async fn archive(
    State(state): State<AppState>,
    actor: Actor,
    id: ChannelPath,
) -> ApiResult<StatusCode> {
    state.chat.archive(&actor, id.0).await?;
    Ok(StatusCode::NO_CONTENT)
}
