//! `Idempotency-Key` on POST writes: replays, scopes, failures, in-flight conflicts.

use crate::support::{Lf, VERSION, error_line};
use crmd_service::IdempotencyClaim;
use crmd_testkit::TestResponse;
use http::Method;
use serde_json::{Value, json};

async fn post_with_key(lf: &Lf, path: &str, key: &str, body: Value) -> TestResponse {
    lf.app
        .send(
            Method::POST,
            path,
            Some(body),
            &[VERSION, ("idempotency-key", key)],
        )
        .await
}

async fn account_count(lf: &Lf) -> u64 {
    lf.get("/v1/accounts").await.body["totalCount"]
        .as_u64()
        .expect("a totalCount")
}

#[tokio::test]
async fn a_repeat_replays_the_first_response_byte_for_byte() {
    let lf = Lf::new().await;
    let first = post_with_key(&lf, "/v1/accounts", "k-1", json!({"fields": {"$name": "Acme"}})).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.headers.get("idempotent-replayed"), None);
    let again = post_with_key(&lf, "/v1/accounts", "k-1", json!({"fields": {"$name": "Other"}})).await;
    assert_eq!(again.status, 200);
    assert_eq!(
        again.text, first.text,
        "the first response, even for another body"
    );
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.headers["content-type"], "application/json");
    assert_eq!(account_count(&lf).await, 1, "the create ran once");

    let id = first.body["id"].as_str().unwrap();
    lf.post(
        &format!("/v1/accounts/{id}"),
        json!({"fields": {"$name": "Acme 2"}}),
    )
    .await;
    let later = post_with_key(&lf, "/v1/accounts", "k-1", json!({"fields": {"$name": "Acme"}})).await;
    assert_eq!(
        later.text, first.text,
        "the stored response, not the record as it is now"
    );
}

#[tokio::test]
async fn keys_are_scoped_to_operation_and_object_type() {
    let lf = Lf::new().await;
    let account = post_with_key(&lf, "/v1/accounts", "same", json!({"fields": {"$name": "Acme"}})).await;
    let contact = post_with_key(
        &lf,
        "/v1/contacts",
        "same",
        json!({"fields": {"$name": {"firstName": "Ada"}}}),
    )
    .await;
    assert_eq!(contact.status, 200, "{}", contact.text);
    assert_ne!(
        contact.body["id"], account.body["id"],
        "another type runs its own create"
    );

    let id = account.body["id"].as_str().unwrap();
    let path = format!("/v1/accounts/{id}");
    let updated = post_with_key(&lf, &path, "same", json!({"fields": {"$name": "Acme Corp"}})).await;
    assert_eq!(updated.status, 200);
    assert_eq!(
        updated.body["fields"]["$name"]["value"], "Acme Corp",
        "an update is its own operation"
    );
    assert_eq!(updated.headers.get("idempotent-replayed"), None);
    let replayed = post_with_key(&lf, &path, "same", json!({"fields": {"$name": "Nope"}})).await;
    assert_eq!(replayed.text, updated.text);
    assert_eq!(lf.get(&path).await.body["fields"]["$name"]["value"], "Acme Corp");

    lf.delete(&path).await;
    let restore = format!("{path}/restore");
    let restored = post_with_key(&lf, &restore, "same", json!({})).await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    lf.delete(&path).await;
    let replayed = post_with_key(&lf, &restore, "same", json!({})).await;
    assert_eq!(replayed.text, restored.text);
    assert_eq!(
        lf.get(&path).await.status,
        404,
        "the replay did not restore again"
    );
}

#[tokio::test]
async fn failures_are_not_stored_and_a_retry_runs_again() {
    let lf = Lf::new().await;
    let failed = post_with_key(&lf, "/v1/opportunities", "k", json!({"fields": {}})).await;
    assert_eq!(failed.status, 422, "{}", failed.text);
    let account = lf.account("Acme").await;
    let created = post_with_key(
        &lf,
        "/v1/opportunities",
        "k",
        json!({"fields": {"$name": "Deal"}, "relationships": {"$account": account}}),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.headers.get("idempotent-replayed"), None);
}

#[tokio::test]
async fn bad_keys_answer_400() {
    let lf = Lf::new().await;
    let body = json!({"fields": {"$name": "Acme"}});
    let long = "k".repeat(256);
    let response = post_with_key(&lf, "/v1/accounts", &long, body.clone()).await;
    assert_eq!(
        error_line(&response),
        "400 bad_request idempotency_key_too_long Idempotency-Key: the Idempotency-Key header has 256 characters; at most 255 are allowed"
    );
    assert_eq!(response.headers["x-should-retry"], "false");
    let response = post_with_key(&lf, "/v1/accounts", "", body.clone()).await;
    assert_eq!(
        error_line(&response),
        "400 bad_request - Idempotency-Key: the Idempotency-Key header is empty"
    );
    assert_eq!(account_count(&lf).await, 0);
    let response = post_with_key(&lf, "/v1/accounts", &"k".repeat(255), body).await;
    assert_eq!(response.status, 200, "255 characters are fine");
}

#[tokio::test]
async fn a_key_in_flight_answers_a_retryable_409() {
    let lf = Lf::new().await;
    let actor = lf.app.crm.authenticate(&lf.app.key).await.unwrap();
    let claim = lf
        .app
        .crm
        .claim_idempotency_key(&actor, "lightfield:create:account", "busy")
        .await
        .unwrap();
    let IdempotencyClaim::Run(guard) = claim else {
        panic!("a fresh key runs: {claim:?}");
    };
    let body = json!({"fields": {"$name": "Acme"}});
    let response = post_with_key(&lf, "/v1/accounts", "busy", body.clone()).await;
    assert_eq!(
        error_line(&response),
        "409 conflict idempotency_conflict -: a request with this idempotency key is still in progress; retry it later"
    );
    assert_eq!(response.headers.get("x-should-retry"), None, "the SDK retries it");
    assert_eq!(account_count(&lf).await, 0);
    drop(guard);
    let response = post_with_key(&lf, "/v1/accounts", "busy", body).await;
    assert_eq!(
        response.status, 200,
        "the key is free once the first request ends"
    );
}

#[tokio::test]
async fn other_methods_ignore_the_header() {
    let lf = Lf::new().await;
    let id = lf.account("Acme").await;
    let path = format!("/v1/accounts/{id}");
    let headers = [
        VERSION,
        ("idempotency-key", "x"),
        ("content-type", "application/json"),
    ];
    let first = lf.app.send(Method::DELETE, &path, None, &headers).await;
    assert_eq!(first.status, 200);
    let fetched = lf.app.send(Method::GET, "/v1/accounts", None, &headers).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.headers.get("idempotent-replayed"), None);
}
