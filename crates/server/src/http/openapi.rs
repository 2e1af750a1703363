//! The OpenAPI document of the REST API, generated from the handlers' annotations and the
//! protocol types' schemas, served at `/api/openapi.json`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use protocol::rest::AssigneeFilter;
use protocol::{
    ChannelId, ChannelStatus, ChannelType, ErrorBody, Role, TicketCategory, TicketPriority,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use super::{auth, channels, sync, users};

/// The document's root: every route, the shared schemas and the bearer scheme.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard platform",
        description = "The REST half of the multi-tenant chat platform. Lists answer a bare \
                       JSON array; the next page's cursor is in `X-Next-Cursor`. Every error \
                       is an `ErrorBody`."
    ),
    paths(
        super::health,
        auth::login,
        auth::refresh,
        auth::logout,
        users::me,
        users::list,
        channels::list,
        channels::create,
        channels::get,
        channels::messages,
        channels::send,
        channels::mark_read,
        channels::escalate,
        channels::assign,
        channels::resolve,
        channels::reopen,
        channels::update_ticket,
        channels::archive,
        sync::sync,
    ),
    // Query and path parameters refer to these; nothing else registers them.
    components(schemas(
        ErrorBody,
        AssigneeFilter,
        ChannelId,
        ChannelStatus,
        ChannelType,
        Role,
        TicketCategory,
        TicketPriority,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Sign in, refresh, sign out"),
        (name = "users", description = "The caller and the users of their tenant"),
        (name = "chat", description = "The queue, channels, messages and ticket actions"),
        (name = "platform", description = "Health"),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

/// The name routes use in `security(...)`.
pub const BEARER: &str = "bearer";

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// `GET /api/openapi.json`: the document, built once.
pub async fn document() -> impl IntoResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let json = DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    });
    ([(header::CONTENT_TYPE, "application/json")], json.as_str())
}

/// Error answers with the contract's body, by status.
fn errors(list: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| {
            let response = ResponseBuilder::new()
                .description(*description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

const INVALID: (u16, &str) = (400, "invalid input; `fields` names each bad field");
const SIGNED_OUT: (u16, &str) = (401, "missing, invalid or expired access token");
const FORBIDDEN: (u16, &str) = (
    403,
    "your role does not permit this on a channel you can see",
);
const NOT_FOUND: (u16, &str) = (404, "no such channel, or not one you can see");
const CONFLICT: (u16, &str) = (409, "the channel's state does not allow this");

/// Errors of the sign-in routes.
pub struct LoginErrors;

impl IntoResponses for LoginErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            INVALID,
            (401, "wrong email or password"),
            (429, "too many attempts; see `Retry-After`"),
        ])
    }
}

/// Errors of the refresh and sign-out routes.
pub struct RefreshErrors;

impl IntoResponses for RefreshErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, (401, "the refresh token is not valid")])
    }
}

/// Errors of reads that need a session.
pub struct ReadErrors;

impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, SIGNED_OUT])
    }
}

/// Errors of reads of one channel.
pub struct ChannelReadErrors;

impl IntoResponses for ChannelReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, SIGNED_OUT, NOT_FOUND])
    }
}

/// Errors of actions on one channel.
pub struct ChannelActionErrors;

impl IntoResponses for ChannelActionErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, SIGNED_OUT, FORBIDDEN, NOT_FOUND, CONFLICT])
    }
}

/// Errors of opening a channel.
pub struct CreateErrors;

impl IntoResponses for CreateErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, SIGNED_OUT, FORBIDDEN])
    }
}
