//! The REST middleware of the metrics: each request counted by method, route template and
//! status, and timed by method and route. The template (`/api/chat/channels/{id}`), never
//! the path, so no id reaches a label; a path no route matches is `unmatched`, a method the
//! contract does not use is `OTHER`.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics::{counter, histogram};
use protocol::endpoints;

use super::metrics::{send, HTTP_REQUESTS, HTTP_SECONDS};

/// Counts and times `request` (axum `middleware::from_fn`).
pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status();
    if method == "POST" && route == endpoints::SendMessage::PATH {
        send("rest", status.is_success());
    }
    histogram!(HTTP_SECONDS, "method" => method, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    counter!(
        HTTP_REQUESTS,
        "method" => method,
        "route" => route,
        "status" => status.as_str().to_owned()
    )
    .increment(1);
    response
}

/// The method as a label: the standard ones by name, anything else `OTHER` (a client
/// cannot grow the label set).
fn method_label(method: &Method) -> &'static str {
    static KNOWN: [Method; 7] = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::HEAD,
        Method::OPTIONS,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("OTHER", Method::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_up_method_is_other() {
        assert_eq!(method_label(&Method::PUT), "PUT");
        let made_up = Method::from_bytes(b"BREW").expect("a method");
        assert_eq!(method_label(&made_up), "OTHER");
    }
}
