//! Content negotiation, authentication, scopes and unknown paths.

use crate::support::{JSON_API, Or, error_line, golden, show};
use http::Method;
use serde_json::json;

#[tokio::test]
async fn media_types_follow_json_api() {
    let or = Or::new().await;
    let key = or.app.key.clone();
    let body = json!({"data": {"type": "account", "attributes": {"name": "x"}}}).to_string();
    let post = |content_type| {
        or.raw(
            Method::POST,
            "/api/v2/accounts",
            Some(&body),
            Some(&key),
            content_type,
        )
    };
    let missing = post(None).await;
    golden!("error_415_no_content_type", show(&missing));
    let lines = vec![
        error_line(&post(Some("application/json")).await),
        error_line(&post(Some("application/vnd.api+json; ext=bulk")).await),
        format!(
            "{}",
            post(Some("application/vnd.api+json; charset=utf-8"))
                .await
                .status
                .as_u16()
        ),
    ];
    golden!("media_type_errors", lines);
    let accept = or
        .app
        .call(
            http::Request::builder()
                .uri("/api/v2/accounts")
                .header("authorization", format!("Bearer {key}"))
                .header("accept", "application/vnd.api+json; profile=x")
                .body(axum::body::Body::empty())
                .expect("a request"),
        )
        .await;
    assert_eq!(error_line(&accept).split(':').next(), Some("406 notAcceptable"));
    assert_eq!(
        accept
            .headers
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some(JSON_API)
    );
}

#[tokio::test]
async fn tokens_and_scopes() {
    let or = Or::new().await;
    let unauthenticated = or.raw(Method::GET, "/api/v2/prospects", None, None, None).await;
    golden!("error_401", show(&unauthenticated));
    assert_eq!(
        unauthenticated
            .headers
            .get("www-authenticate")
            .and_then(|value| value.to_str().ok()),
        Some("Bearer")
    );
    let reader = or
        .app
        .key_for("default", &["contacts:read"])
        .await
        .expect("a key");
    assert_eq!(
        or.raw(Method::GET, "/api/v2/prospects", None, Some(&reader), None)
            .await
            .status,
        200
    );
    let body = json!({"data": {"type": "prospect", "attributes": {"firstName": "x"}}}).to_string();
    let denied = or
        .raw(
            Method::POST,
            "/api/v2/prospects",
            Some(&body),
            Some(&reader),
            Some(JSON_API),
        )
        .await;
    golden!("error_403_scope", show(&denied));
}

#[tokio::test]
async fn unknown_paths_and_ids() {
    let or = Or::new().await;
    let lines = vec![
        error_line(&or.get("/api/v2/sequences").await),
        error_line(&or.get("/api/v2/prospects/abc").await),
        error_line(&or.get("/api/v2/prospects/99").await),
        error_line(
            &or.raw(Method::PUT, "/api/v2/prospects/1", None, Some(&or.app.key), None)
                .await,
        ),
    ];
    golden!("path_errors", lines);
}
