//! The OpenAPI document: it lists exactly the contract's routes (`protocol::endpoints`), each of them is served,
//! and its schemas are the protocol's.

use std::collections::BTreeSet;

use protocol::endpoints::{self, Access};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{Db, TestServer};

/// The contract's endpoints, as `(method, path)`: `protocol::endpoints::ALL`.
fn contract() -> BTreeSet<(String, String)> {
    endpoints::ALL
        .iter()
        .map(|r| (r.method.as_str().to_lowercase(), r.path.to_owned()))
        .collect()
}

/// Whether the contract says `path` needs no token.
fn public(method: &str, path: &str) -> bool {
    endpoints::ALL.iter().any(|r| {
        r.path == path
            && r.method.as_str().eq_ignore_ascii_case(method)
            && r.access == Access::Public
    })
}

fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .iter()
                .map(|(method, operation)| (method.clone(), path.clone(), operation.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn the_document_lists_exactly_the_contracts_routes_and_each_is_served() {
    let server = TestServer::start(Db::Sqlite).await;
    let answer = server
        .call(Method::GET, "/api/openapi.json", None, None)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = answer.body;
    assert!(document["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.")));

    let operations = operations(&document);
    let documented: BTreeSet<(String, String)> = operations
        .iter()
        .map(|(method, path, _)| (method.clone(), path.clone()))
        .collect();
    assert_eq!(documented, contract());

    for (method, path, operation) in &operations {
        // Public routes need no token; every other one names the bearer scheme and
        // documents the 401 and the error body.
        let secured = operation["security"]
            .as_array()
            .is_some_and(|s| !s.is_empty());
        assert_eq!(secured, !public(method, path), "{method} {path}");
        let responses = operation["responses"].as_object().expect("responses");
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{method} {path}: a success"
        );
        if path != "/api/health" {
            assert_eq!(
                responses["400"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path}"
            );
        }

        // Served: called without a token and without a body, a real route answers
        // anything but the router's 404.
        let concrete = path.replace("{id}", &uuid::Uuid::new_v4().to_string());
        let method: Method = method.to_uppercase().parse().expect("a method");
        let answer = server.call(method.clone(), &concrete, None, None).await;
        assert_ne!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {:?}",
            answer.body
        );
    }

    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    for name in [
        "Channel",
        "Message",
        "Ticket",
        "ErrorBody",
        "LoginRequest",
        "SyncResponse",
        "ChannelStatus",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    let statuses = &schemas["ChannelStatus"]["enum"];
    assert_eq!(
        statuses,
        &serde_json::json!(["ACTIVE", "RESOLVED", "ESCALATED", "ARCHIVED"])
    );
    let password = &schemas["LoginRequest"]["properties"]["password"];
    assert_eq!(
        password["$ref"], "#/components/schemas/Secret",
        "{password}"
    );
    assert_eq!(schemas["Secret"]["format"], "password");
    // Every reference resolves.
    let text = document.to_string();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap_or_default();
        assert!(schemas.contains_key(name), "dangling reference to {name}");
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
}
