//! `/metrics`: served on its own listener only, in Prometheus text, and its counters move
//! with REST requests, sockets, sends, broadcasts, database statements and errors; no label
//! carries an id or a token.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use protocol::events::name;
use reqwest::StatusCode;
use serde_json::json;
use testkit::{free_port, Database};

use super::{first_channel, http, login, send, start, token};
use crate::socket::{Offer, SocketClient};

/// One sample of the exposition: its labels, its value.
type Samples = Vec<(BTreeMap<String, String>, f64)>;

/// The samples named `metric` in `text`.
fn samples(text: &str, metric: &str) -> Samples {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.strip_suffix('}')?),
                None => (series, ""),
            };
            (name == metric).then_some(())?;
            let labels = labels
                .split("\",")
                .filter(|pair| !pair.is_empty())
                .filter_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    Some((key.to_owned(), value.trim_matches('"').to_owned()))
                })
                .collect();
            Some((labels, value.parse().ok()?))
        })
        .collect()
}

/// The sum of `metric` over the samples whose labels include `labels`.
fn value(text: &str, metric: &str, labels: &[(&str, &str)]) -> f64 {
    samples(text, metric)
        .into_iter()
        .filter(|(have, _)| {
            labels
                .iter()
                .all(|(key, value)| have.get(*key).map(String::as_str) == Some(*value))
        })
        .map(|(_, value)| value)
        .sum()
}

async fn scrape(http: &reqwest::Client, port: u16) -> String {
    let answer = http
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .expect("the metrics listener answers");
    assert_eq!(answer.status(), StatusCode::OK);
    let kind = answer.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .expect("a content type")
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    answer.text().await.expect("the exposition")
}

/// Scrapes until `ready` holds of the text, for at most 15 s.
async fn scrape_until(
    http: &reqwest::Client,
    port: u16,
    what: &str,
    ready: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = scrape(http, port).await;
        if ready(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{what} never showed:\n{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_move_with_requests_sockets_sends_and_errors() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let port = free_port().expect("a free port");
    let listen = format!("127.0.0.1:{port}");
    let server = start(
        Database::sqlite(),
        &[("METRICS_LISTEN", &listen)],
        &dir.path().join("server.log"),
    )
    .await;
    let base = server.base();
    let http = http();

    // The API port does not serve it.
    let on_api = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(on_api.status(), StatusCode::NOT_FOUND);
    let before = scrape(&http, port).await;
    assert!(
        before.contains("# TYPE switchboard_sockets gauge"),
        "{before}"
    );

    let admin = login(&http, &base, "admin@acme.test").await;
    let token = token(&admin);
    let channel = first_channel(&http, &base, &token).await;
    for n in 0..3 {
        let sent = send(&http, &base, &token, channel, &format!("metrics {n}"))
            .await
            .expect("an answer");
        assert_eq!(sent.status(), StatusCode::CREATED);
    }
    let one = http
        .get(format!("{base}/api/chat/channels/{channel}"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("an answer");
    assert_eq!(one.status(), StatusCode::OK);
    let empty = send(&http, &base, &token, channel, "   ")
        .await
        .expect("an answer");
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let nowhere = http
        .get(format!("{base}/api/no/such/{channel}"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);

    let socket = SocketClient::connect(&base, Offer::Auth(&token))
        .await
        .expect("the handshake succeeds");
    let live = scrape_until(&http, port, "one socket", |text| {
        value(text, "switchboard_sockets", &[]) == 1.0
    })
    .await;
    assert_eq!(value(&live, "switchboard_sockets", &[]), 1.0);
    let ack = socket
        .call(
            name::SEND_MESSAGE,
            json!({"channelId": channel, "content": "metrics over the socket"}),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    let refused = socket
        .call(name::SEND_MESSAGE, json!({"channelId": channel}))
        .await;
    assert_eq!(refused["error"]["code"], "INVALID", "{refused}");
    drop(socket);

    let after = scrape_until(&http, port, "the socket leaving", |text| {
        value(text, "switchboard_sockets", &[]) == 0.0
    })
    .await;
    let requests = "switchboard_http_requests_total";
    let sends_path = "/api/chat/channels/{id}/messages";
    assert_eq!(
        value(
            &after,
            requests,
            &[("method", "POST"), ("route", sends_path), ("status", "201")]
        ),
        3.0,
        "{after}"
    );
    assert_eq!(
        value(
            &after,
            requests,
            &[
                ("method", "GET"),
                ("route", "/api/chat/channels/{id}"),
                ("status", "200")
            ]
        ),
        1.0
    );
    // `/api/no/such/…`, and `/metrics` asked of the API port.
    assert_eq!(
        value(
            &after,
            requests,
            &[("route", "unmatched"), ("status", "404")]
        ),
        2.0
    );
    assert_eq!(
        value(
            &after,
            "switchboard_http_request_duration_seconds_count",
            &[("route", sends_path)]
        ),
        4.0
    );
    let sends = "switchboard_sends_total";
    assert_eq!(
        value(&after, sends, &[("via", "rest"), ("outcome", "ok")]),
        3.0
    );
    assert_eq!(
        value(&after, sends, &[("via", "rest"), ("outcome", "error")]),
        1.0
    );
    assert_eq!(
        value(&after, sends, &[("via", "socket"), ("outcome", "ok")]),
        1.0
    );
    assert_eq!(
        value(&after, sends, &[("via", "socket"), ("outcome", "error")]),
        1.0
    );
    let errors = "switchboard_errors_total";
    assert_eq!(
        value(&after, errors, &[("via", "rest"), ("code", "INVALID")]),
        1.0
    );
    assert_eq!(
        value(&after, errors, &[("via", "rest"), ("code", "NOT_FOUND")]),
        2.0
    );
    assert_eq!(
        value(&after, errors, &[("via", "socket"), ("code", "INVALID")]),
        1.0
    );
    // Four messages went out to sockets, each timed from its commit.
    assert_eq!(
        value(&after, "switchboard_broadcast_lag_seconds_count", &[]),
        4.0
    );
    let statements = "switchboard_db_statement_seconds_count";
    assert!(
        value(&after, statements, &[("statement", "insert")]) >= 4.0,
        "{after}"
    );
    assert!(value(&after, statements, &[("statement", "select")]) >= 1.0);

    // No id and no token in any label.
    for secret in [channel.to_string(), token.clone()] {
        assert!(!after.contains(&secret), "{secret} in the metrics");
    }
    let tenant = admin["user"]["tenantId"].as_str().unwrap_or("no tenant");
    assert!(!after.contains(tenant));
}
