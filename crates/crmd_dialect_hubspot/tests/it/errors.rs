//! Errors in HubSpot's shape, with HubSpot's statuses and categories.

use crate::support::{Hs, error_line, golden, show};
use http::Method;
use serde_json::json;

#[tokio::test]
async fn unknown_and_read_only_properties_are_named() {
    let hs = Hs::new().await;
    let response = hs
        .post(
            "/crm/v3/objects/contacts",
            json!({"properties": {"email": "a@x.io", "favourite_colour": "blue", "hs_object_id": "5"}}),
        )
        .await;
    golden!("error_400_property_values", show(&response));
}

#[tokio::test]
async fn duplicate_email_is_a_409_naming_the_existing_id() {
    let hs = Hs::new().await;
    let first = hs.create("contacts", json!({"email": "ada@example.com"})).await;
    let response = hs
        .post(
            "/crm/v3/objects/contacts",
            json!({"properties": {"email": "ADA@example.com"}}),
        )
        .await;
    golden!("error_409_existing_id", show(&response));
    assert_eq!(
        error_line(&response),
        format!("409 CONFLICT: Contact already exists. Existing ID: {first}")
    );
}

#[tokio::test]
async fn authentication_and_scopes() {
    let hs = Hs::new().await;
    let anonymous = hs
        .app
        .call(
            http::Request::builder()
                .uri("/crm/v3/objects/contacts")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    golden!("error_401", show(&anonymous));
    let key = hs.app.key_for("default", &["contacts:read"]).await.unwrap();
    let forbidden = hs
        .app
        .call(
            http::Request::builder()
                .method(Method::POST)
                .uri("/crm/v3/objects/companies")
                .header("authorization", format!("Bearer {key}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(r#"{"properties":{"name":"x"}}"#))
                .unwrap(),
        )
        .await;
    golden!("error_403_missing_scopes", show(&forbidden));
}

#[tokio::test]
async fn requests_crmd_cannot_serve_say_so() {
    let hs = Hs::new().await;
    let lines = [
        error_line(&hs.get("/crm/v3/objects/quotes").await),
        error_line(&hs.get("/crm/v3/objects/0-53/1").await),
        error_line(&hs.get("/crm/v3/objects/spaceships").await),
        error_line(&hs.post("/crm/v3/objects/contacts/merge", json!({})).await),
        error_line(&hs.get("/crm/v3/properties/contacts").await),
        error_line(&hs.get("/crm/v9/nothing").await),
        error_line(
            &hs.app
                .send(Method::PUT, "/crm/v3/objects/contacts/1", None, &[])
                .await,
        ),
        error_line(
            &hs.patch(
                "/crm/v3/objects/contacts/1",
                json!({"properties": {"email": "a@x.io"}, "associations": []}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/deals",
                json!({"properties": {"dealname": "Big"}}),
            )
            .await,
        ),
        error_line(
            &hs.patch("/crm/v3/objects/contacts/1", json!({"properties": {}}))
                .await,
        ),
        error_line(
            &hs.get("/crm/v3/objects/companies/acme.com?idProperty=domain")
                .await,
        ),
    ];
    expect_test::expect![[r#"
        [
            "501 NOT_IMPLEMENTED: The object type quotes is not supported by this crmd version: crmd's standard model has no quotes.",
            "501 NOT_IMPLEMENTED: The object type invoices is not supported by this crmd version: crmd's standard model has no invoices.",
            "404 OBJECT_NOT_FOUND: Unable to infer object type from: spaceships",
            "400 VALIDATION_ERROR: Some required fields were not set: [primaryObjectId]; primaryObjectId must be a record id",
            "501 NOT_IMPLEMENTED: GET /crm/v3/properties/contacts is not supported by this crmd version",
            "404 OBJECT_NOT_FOUND: resource not found",
            "405 VALIDATION_ERROR: PUT is not allowed on /crm/v3/objects/contacts/1; this endpoint takes GET, PATCH, DELETE",
            "400 VALIDATION_ERROR: associations are taken on creates only: change an existing record's associations with the v4 associations API",
            "400 VALIDATION_ERROR: Error creating DEAL. Some required associations were not set: an association to companies (\"$account\") is required.",
            "400 VALIDATION_ERROR: No properties found to update, please provide at least one.",
            "400 VALIDATION_ERROR: Unable to perform update/upsert by non-unique 0-2 property domain in portal ID 1",
        ]
    "#]]
    .assert_debug_eq(&lines);
}
