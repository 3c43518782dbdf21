//! The batch API: read, create, update, upsert and archive, with 207 multi-status.

use crate::support::{Hs, error_line, golden, show};
use serde_json::json;

#[tokio::test]
async fn batch_read_reports_missing_ids_with_207() {
    let hs = Hs::new().await;
    let id = hs
        .create("vehicles", json!({"name": "Model T", "vin": "V1"}))
        .await;
    let response = hs
        .post(
            "/crm/v3/objects/vehicles/batch/read",
            json!({"inputs": [{"id": id}, {"id": "999"}], "properties": ["vin"], "propertiesWithHistory": []}),
        )
        .await;
    golden!("batch_read_207", show(&response));
    let by_vin = hs
        .post(
            "/crm/v3/objects/vehicles/batch/read",
            json!({"inputs": [{"id": "V1"}], "properties": [], "propertiesWithHistory": [], "idProperty": "vin"}),
        )
        .await;
    assert_eq!(by_vin.status, 200, "{}", by_vin.text);
    assert_eq!(by_vin.body["results"][0]["id"], id.as_str());
}

#[tokio::test]
async fn batch_create_update_upsert_and_archive() {
    let hs = Hs::new().await;
    let created = hs
        .post(
            "/crm/v3/objects/contacts/batch/create",
            json!({"inputs": [{"properties": {"email": "a@x.io"}, "objectWriteTraceId": "t1"},
                              {"properties": {"email": "b@x.io"}, "objectWriteTraceId": "t2"}]}),
        )
        .await;
    golden!("batch_create_201", show(&created));
    let partial = hs
        .post(
            "/crm/v3/objects/contacts/batch/create",
            json!({"inputs": [{"properties": {"email": "c@x.io"}, "objectWriteTraceId": "t3"},
                              {"properties": {"email": "a@x.io"}, "objectWriteTraceId": "t4"}]}),
        )
        .await;
    golden!("batch_create_207", show(&partial));
    let all_failed = hs
        .post(
            "/crm/v3/objects/contacts/batch/create",
            json!({"inputs": [{"properties": {"email": "b@x.io"}}]}),
        )
        .await;
    assert_eq!(
        error_line(&all_failed),
        "409 CONFLICT: Contact already exists. Existing ID: 3"
    );

    let updated = hs
        .post(
            "/crm/v3/objects/contacts/batch/update",
            json!({"inputs": [{"id": "a@x.io", "idProperty": "email", "properties": {"firstname": "Ada"}},
                              {"id": "999", "properties": {"firstname": "Nobody"}}]}),
        )
        .await;
    golden!("batch_update_207", show(&updated));

    let upserted = hs
        .post(
            "/crm/v3/objects/contacts/batch/upsert",
            json!({"inputs": [{"id": "a@x.io", "idProperty": "email", "properties": {"lastname": "Lovelace"}},
                              {"id": "new@x.io", "idProperty": "email", "properties": {"firstname": "New"}}]}),
        )
        .await;
    golden!("batch_upsert_200", show(&upserted));

    let duplicates = hs
        .post(
            "/crm/v3/objects/contacts/batch/update",
            json!({"inputs": [{"id": "2", "properties": {"firstname": "A"}},
                              {"id": "2", "properties": {"firstname": "B"}}]}),
        )
        .await;
    assert_eq!(
        error_line(&duplicates),
        "400 VALIDATION_ERROR: Duplicate IDs found in batch input: [2]"
    );

    let archived = hs
        .post(
            "/crm/v3/objects/contacts/batch/archive",
            json!({"inputs": [{"id": "2"}, {"id": "999"}]}),
        )
        .await;
    assert_eq!(archived.status, 204, "{}", archived.text);
    let gone = hs.get("/crm/v3/objects/contacts/2").await;
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn batch_limits() {
    let hs = Hs::new().await;
    let inputs: Vec<_> = (0..101).map(|n| json!({"id": n.to_string()})).collect();
    let too_many = hs
        .post(
            "/crm/v3/objects/contacts/batch/read",
            json!({"inputs": inputs, "properties": []}),
        )
        .await;
    let empty = hs
        .post("/crm/v3/objects/contacts/batch/archive", json!({"inputs": []}))
        .await;
    let no_id_property = hs
        .post(
            "/crm/v3/objects/contacts/batch/upsert",
            json!({"inputs": [{"id": "a@x.io", "properties": {}}]}),
        )
        .await;
    expect_test::expect![[r#"
        [
            "400 VALIDATION_ERROR: Too many inputs: a batch takes at most 100 inputs, got 101",
            "400 VALIDATION_ERROR: Batch input provided should have at least one object.",
            "400 VALIDATION_ERROR: inputs[0].idProperty is required: an upsert finds records by a unique property",
        ]
    "#]]
    .assert_debug_eq(&[
        error_line(&too_many),
        error_line(&empty),
        error_line(&no_id_property),
    ]);
}
