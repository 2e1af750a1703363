//! The Prometheus recorder of the process, the names of every metric the platform records,
//! and the listener that serves them at `/metrics`.
//!
//! The listener is separate from the API's: operators bind it where only their scraper
//! reaches (a loopback or private address), and the API port never serves it. Nothing it
//! shows belongs to a tenant: labels are route templates, statuses, error codes and
//! statement kinds.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use protocol::error::ErrorCode;
use tokio::net::TcpListener;

/// REST requests, by `method`, `route` (the template, or `unmatched`) and `status`.
pub const HTTP_REQUESTS: &str = "switchboard_http_requests_total";
/// REST request durations in seconds, by `method` and `route`.
pub const HTTP_SECONDS: &str = "switchboard_http_request_duration_seconds";
/// Sockets connected to this node's `/chat` namespace now.
pub const SOCKETS: &str = "switchboard_sockets";
/// Messages sent, by `via` (`rest`, `socket`) and `outcome` (`ok`, `error`).
pub const SENDS: &str = "switchboard_sends_total";
/// Seconds from a message's commit (its `createdAt`) to its `new_message` going out.
pub const BROADCAST_LAG: &str = "switchboard_broadcast_lag_seconds";
/// Seconds each database statement took, by `statement` (select, insert, update, delete,
/// other).
pub const DB_SECONDS: &str = "switchboard_db_statement_seconds";
/// Failed requests and events, by `via` (`rest`, `socket`) and `code` (the contract's
/// error code, e.g. `BUSY`, `RATE_LIMITED`, `INVALID`).
pub const ERRORS: &str = "switchboard_errors_total";

/// Histogram buckets, in seconds: from a quick statement to a stuck request.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histograms are folded (the recorder needs it to stay bounded).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Why metrics could not be set up.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MetricsError {
    /// Another recorder owns the process, or the buckets were refused.
    #[error("cannot install the metrics recorder: {0}")]
    Install(String),
}

static HANDLE: OnceLock<Result<PrometheusHandle, MetricsError>> = OnceLock::new();

/// Installs the process's Prometheus recorder (once: later calls, from other servers in the
/// same process, share it) and describes every metric.
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), BUCKETS)
                .and_then(PrometheusBuilder::install_recorder)
                .map_err(|error| MetricsError::Install(error.to_string()))?;
            describe();
            Ok(handle)
        })
        .clone()
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "REST requests by method, route template and status"
    );
    describe_histogram!(
        HTTP_SECONDS,
        metrics::Unit::Seconds,
        "REST request durations by method and route template"
    );
    describe_gauge!(SOCKETS, "sockets connected to this node's /chat namespace");
    describe_counter!(
        SENDS,
        "messages sent, by REST or socket, and whether they were taken"
    );
    describe_histogram!(
        BROADCAST_LAG,
        metrics::Unit::Seconds,
        "from a message's commit (its createdAt) to its new_message going out"
    );
    describe_histogram!(
        DB_SECONDS,
        metrics::Unit::Seconds,
        "database statement durations by kind of statement"
    );
    describe_counter!(ERRORS, "failed requests and socket events by error code");
    gauge!(SOCKETS).set(0.0);
}

/// A socket joined `/chat`.
pub fn socket_connected() {
    gauge!(SOCKETS).increment(1.0);
}

/// A socket left `/chat`.
pub fn socket_disconnected() {
    gauge!(SOCKETS).decrement(1.0);
}

/// A message send over `via` (`rest` or `socket`) was taken, or refused.
pub fn send(via: &'static str, ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    counter!(SENDS, "via" => via, "outcome" => outcome).increment(1);
}

/// A request or event over `via` failed with `code`.
pub fn error(via: &'static str, code: ErrorCode) {
    counter!(ERRORS, "via" => via, "code" => code.as_str()).increment(1);
}

/// A message committed at `committed` has just gone out to its sockets.
pub fn broadcast(committed: DateTime<Utc>) {
    let lag = (Utc::now() - committed).to_std().unwrap_or_default();
    histogram!(BROADCAST_LAG).record(lag.as_secs_f64());
}

/// Serves `GET /metrics` from `handle` on `listener` until `stop` completes, folding
/// histograms every few seconds meanwhile.
pub async fn serve(
    handle: PrometheusHandle,
    listener: TcpListener,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let upkeep = {
        let handle = handle.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP_EVERY);
            loop {
                every.tick().await;
                handle.run_upkeep();
            }
        })
    };
    let router = Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    handle.render(),
                )
                    .into_response()
            }
        }),
    );
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(stop)
        .await;
    upkeep.abort();
    served
}
