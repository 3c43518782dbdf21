//! Create, update and delete, with relationship linkage and validation errors.

use crate::support::{Or, error_line, golden, show};
use serde_json::json;

#[tokio::test]
async fn a_prospect_is_created_with_its_account_and_read_back() {
    let or = Or::new().await;
    let account = or
        .create(
            "accounts",
            "account",
            json!({"name": "Acme", "websiteUrl": ["https://acme.example"]}),
        )
        .await;
    let created = or
        .post(
            "/api/v2/prospects",
            json!({"data": {
                "type": "prospect",
                "attributes": {"firstName": "Ann", "lastName": "Lee", "emails": ["ann@acme.example"], "title": "CTO"},
                "relationships": {"account": {"data": {"type": "account", "id": account}}}
            }}),
        )
        .await;
    golden!("prospect_created", show(&created));
    let id = created.body["data"]["id"].as_u64().expect("an id");
    assert_eq!(
        created
            .headers
            .get("location")
            .and_then(|value| value.to_str().ok()),
        Some(format!("http://crmd.test/api/v2/prospects/{id}").as_str())
    );
    let fetched = or.get(&format!("/api/v2/prospects/{id}")).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body["data"], created.body["data"]);
}

#[tokio::test]
async fn an_update_changes_only_what_it_names() {
    let or = Or::new().await;
    let id = or
        .create(
            "prospects",
            "prospect",
            json!({"firstName": "Ann", "lastName": "Lee"}),
        )
        .await;
    let updated = or
        .patch(
            &format!("/api/v2/prospects/{id}"),
            json!({"data": {"type": "prospect", "id": id, "attributes": {"lastName": "Smith"}, "relationships": {}}}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let attributes = &updated.body["data"]["attributes"];
    assert_eq!(attributes["firstName"], "Ann");
    assert_eq!(attributes["lastName"], "Smith");
    assert_eq!(attributes["name"], "Ann Smith");

    let unlinked = or
        .patch(
            &format!("/api/v2/prospects/{id}"),
            json!({"data": {"type": "prospect", "id": id.to_string(), "relationships": {"account": {"data": null}}}}),
        )
        .await;
    assert_eq!(unlinked.status, 200, "{}", unlinked.text);
    assert_eq!(
        unlinked.body["data"]["relationships"]["account"],
        json!({"data": null})
    );
}

#[tokio::test]
async fn delete_answers_204_then_404() {
    let or = Or::new().await;
    let id = or.create("accounts", "account", json!({"name": "Gone"})).await;
    let deleted = or.delete(&format!("/api/v2/accounts/{id}")).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(deleted.text, "");
    assert_eq!(
        error_line(&or.delete(&format!("/api/v2/accounts/{id}")).await),
        format!("404 resourceNotFound: Could not find 'account' with ID '{id}'.")
    );
    assert_eq!(or.get(&format!("/api/v2/accounts/{id}")).await.status, 404);
}

#[tokio::test]
async fn bad_documents_are_refused_with_a_pointer() {
    let or = Or::new().await;
    let post = |body| or.post("/api/v2/accounts", body);
    let lines = vec![
        error_line(&post(json!({"type": "account"})).await),
        error_line(&post(json!({"data": {"type": "prospect", "attributes": {"name": "x"}}})).await),
        error_line(&post(json!({"data": {"type": "account", "id": 5, "attributes": {"name": "x"}}})).await),
        error_line(&post(json!({"data": {"type": "account", "attributes": {}}})).await),
        error_line(&post(json!({"data": {"type": "account", "attributes": {"name": "x", "bogus": 1}}})).await),
        error_line(&post(json!({"data": {"type": "account", "attributes": {"name": "x", "createdAt": "2024-01-01T00:00:00Z"}}})).await),
        error_line(&post(json!({"data": {"type": "account", "attributes": {"name": "x", "websiteUrl": ["not a url"]}}})).await),
        error_line(&post(json!({"data": {"type": "account", "attributes": {"name": "x"}, "relationships": {"owner": {"data": {"type": "user", "id": 999}}}}})).await),
    ];
    golden!("write_errors", lines);
}

#[tokio::test]
async fn users_are_read_only() {
    let or = Or::new().await;
    let refused = or
        .post(
            "/api/v2/users",
            json!({"data": {"type": "user", "attributes": {}}}),
        )
        .await;
    assert_eq!(refused.status, 405);
    assert_eq!(
        refused.headers.get("allow").and_then(|value| value.to_str().ok()),
        Some("GET")
    );
    assert_eq!(or.get("/api/v2/users").await.status, 200);
}
