//! The REST API: every endpoint of `protocol::endpoints` under `/api`, from one route table
//! that makes both the router and the OpenAPI document, with request ids, tracing spans,
//! CORS, a body size limit, and the contract's error body for everything that fails.

mod auth;
mod canned;
mod channels;
mod extract;
mod openapi;
mod responses;
mod sla;
mod sync;
mod users;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use axum::routing::get;
use axum::{Json, Router};
use protocol::endpoints;
use protocol::rest::HealthResponse;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{LoginLimiter, TokenKeys};
use crate::chat::Chat;
use crate::error::ApiError;
use crate::settings::Settings;
use crate::store::Store;

pub use extract::{ApiJson, ApiQuery};
pub use openapi::ApiDoc;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The data.
    pub store: Store,
    /// Signs and checks access tokens.
    pub keys: TokenKeys,
    /// The login rate limit.
    pub limiter: Arc<LoginLimiter>,
    /// The configuration.
    pub settings: Arc<Settings>,
    /// Every change: the store, then what sockets hear of it.
    pub chat: Chat,
}

impl AppState {
    /// State over `store` configured by `settings`.
    pub fn new(store: Store, settings: Settings) -> Self {
        Self {
            chat: Chat::new(store.clone()),
            keys: TokenKeys::new(&settings.jwt_secret, settings.access_token_ttl),
            limiter: Arc::new(LoginLimiter::new(
                settings.login_attempts,
                settings.login_window,
            )),
            store,
            settings: Arc::new(settings),
        }
    }
}

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";

/// The route table: every endpoint of `protocol::endpoints` once, each handler carrying its
/// path (from the protocol) and its OpenAPI description. The router and the document are
/// both made from it.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(users::me))
        .routes(routes!(users::list))
        .routes(routes!(channels::list, channels::create))
        .routes(routes!(channels::get, channels::archive))
        .routes(routes!(channels::messages, channels::send))
        .routes(routes!(channels::mark_read))
        .routes(routes!(channels::escalate))
        .routes(routes!(channels::assign))
        .routes(routes!(channels::resolve))
        .routes(routes!(channels::reopen))
        .routes(routes!(channels::update_ticket))
        .routes(routes!(sync::sync))
        .routes(routes!(canned::list, canned::create))
        .routes(routes!(canned::update, canned::delete))
        .routes(routes!(sla::list))
        .routes(routes!(sla::put))
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The router of the whole REST API.
pub fn app(state: AppState) -> Router {
    let body_limit = state.settings.body_limit_bytes;
    let cors = cors(&state.settings.cors_origins);
    let (router, openapi) = routes().split_for_parts();
    let document = openapi::Document::new(&openapi);
    router
        .route(
            OPENAPI_PATH,
            get(move || {
                let document = document.clone();
                async move { document.answer() }
            }),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        // Per route (a `Router` layer wraps each route), so the route's template is known.
        .layer(axum::middleware::from_fn(crate::telemetry::requests::record))
        .layer(cors)
        .with_state(state)
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
        ])
        .expose_headers([HeaderName::from_static("x-next-cursor"), REQUEST_ID])
}

#[utoipa::path(get, path = endpoints::Health::PATH, tag = "platform",
    responses((status = 200, description = "the server is up", body = HealthResponse)))]
async fn health() -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok".to_owned(),
    })
}

async fn not_found() -> ApiError {
    ApiError::NotFound("route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
