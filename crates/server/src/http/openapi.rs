//! The OpenAPI document's root (title, shared schemas, the bearer scheme, tags). Its paths
//! come from the route table itself (`http::routes`, utoipa-axum's `OpenApiRouter`), whose
//! handlers take their paths from `protocol::endpoints`; the document is served at
//! `/api/openapi.json`.

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use protocol::rest::{AssigneeFilter, QueueSort};
use protocol::sla::{SlaFilter, SlaKind};
use protocol::{
    CannedResponseId, ChannelId, ChannelStatus, ChannelType, ErrorBody, Role, TicketCategory,
    TicketPriority,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's root: the shared schemas and the bearer scheme; the route table adds
/// every path.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard platform",
        description = "The REST half of the multi-tenant chat platform. Lists answer a bare \
                       JSON array; the next page's cursor is in `X-Next-Cursor`. Every error \
                       is an `ErrorBody`."
    ),
    // Query and path parameters refer to these; nothing else registers them.
    components(schemas(
        ErrorBody,
        CannedResponseId,
        AssigneeFilter,
        ChannelId,
        ChannelStatus,
        ChannelType,
        Role,
        TicketCategory,
        TicketPriority,
        QueueSort,
        SlaFilter,
        SlaKind,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Sign in, refresh, sign out"),
        (name = "users", description = "The caller and the users of their tenant"),
        (name = "chat", description = "The queue, channels, messages and ticket actions"),
        (name = "canned", description = "Canned responses: saved replies for agents"),
        (name = "sla", description = "SLA policies: due times per priority, in business hours"),
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

/// The document as served: pretty JSON, rendered once when the router is built.
#[derive(Debug, Clone)]
pub struct Document(Arc<str>);

impl Document {
    /// Renders `openapi`.
    pub fn new(openapi: &utoipa::openapi::OpenApi) -> Self {
        let json = openapi
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        Self(json.into())
    }

    /// `GET /api/openapi.json`.
    pub fn answer(&self) -> impl IntoResponse {
        (
            [(header::CONTENT_TYPE, "application/json")],
            self.0.to_string(),
        )
    }
}
