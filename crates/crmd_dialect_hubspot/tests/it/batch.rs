//! The batch API: read, create, update, upsert and archive, with 207 multi-status.

use crate::support::{Hs, error_line, golden, show};
use serde_json::{Value, json};

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

async fn count(hs: &Hs) -> usize {
    let page = hs.get("/crm/v3/objects/contacts?limit=100").await;
    page.body["results"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn batch_create_is_all_or_nothing_without_distinct_trace_ids() {
    let hs = Hs::new().await;
    let taken = hs.create("contacts", json!({"email": "taken@x.io"})).await;
    let bodies = [
        json!({"inputs": [{"properties": {"email": "fresh@x.io"}},
                          {"properties": {"email": "taken@x.io"}}]}),
        // One trace id missing: not multi-status either.
        json!({"inputs": [{"properties": {"email": "fresh@x.io"}, "objectWriteTraceId": "t1"},
                          {"properties": {"email": "taken@x.io"}}]}),
        // A trace id given twice.
        json!({"inputs": [{"properties": {"email": "fresh@x.io"}, "objectWriteTraceId": "t1"},
                          {"properties": {"email": "taken@x.io"}, "objectWriteTraceId": "t1"}]}),
    ];
    for body in bodies {
        let response = hs.post("/crm/v3/objects/contacts/batch/create", body).await;
        assert_eq!(
            error_line(&response),
            format!("409 CONFLICT: Contact already exists. Existing ID: {taken}")
        );
        assert_eq!(count(&hs).await, 1, "the valid input was not written either");
    }
    let invalid = hs
        .post(
            "/crm/v3/objects/contacts/batch/create",
            json!({"inputs": [{"properties": {"email": "fresh@x.io"}},
                              {"properties": {"no_such_property": "x"}}]}),
        )
        .await;
    assert_eq!(invalid.status, 400, "{}", invalid.text);
    assert_eq!(count(&hs).await, 1, "an invalid input fails the whole batch");
}

#[tokio::test]
async fn multi_status_batches_answer_every_input_even_when_all_fail() {
    let hs = Hs::new().await;
    hs.create("contacts", json!({"email": "taken@x.io"})).await;
    let response = hs
        .post(
            "/crm/v3/objects/contacts/batch/create",
            json!({"inputs": [{"properties": {"email": "taken@x.io"}, "objectWriteTraceId": "a"},
                              {"properties": {"no_such_property": "x"}, "objectWriteTraceId": "b"}]}),
        )
        .await;
    assert_eq!(response.status, 207, "{}", response.text);
    assert_eq!(response.body["results"], json!([]));
    assert_eq!(response.body["numErrors"], 2);
    let traces: Vec<&Value> = response.body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|error| &error["context"]["objectWriteTraceId"][0])
        .collect();
    assert_eq!(
        traces,
        [&json!("a"), &json!("b")],
        "one error per input, in input order"
    );

    let updated = hs
        .post(
            "/crm/v3/objects/contacts/batch/update",
            json!({"inputs": [{"id": "998", "properties": {"firstname": "A"}},
                              {"id": "999", "properties": {"firstname": "B"}}]}),
        )
        .await;
    assert_eq!(updated.status, 207, "{}", updated.text);
    assert_eq!(updated.body["numErrors"], 2);
}

#[tokio::test]
async fn a_batch_of_100_custom_objects_gets_ids_in_input_order() {
    let hs = Hs::new().await;
    let inputs: Vec<Value> = (0..100)
        .map(|index| json!({"properties": {"name": format!("car {index}"), "vin": format!("VIN{index:03}")}}))
        .collect();
    let response = hs
        .post(
            "/crm/v3/objects/p_vehicles/batch/create",
            json!({ "inputs": inputs }),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    let results = response.body["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 100);
    let ids: Vec<u64> = results
        .iter()
        .map(|result| result["id"].as_str().and_then(|id| id.parse().ok()).unwrap_or(0))
        .collect();
    let names: Vec<String> = results
        .iter()
        .map(|result| result["properties"]["name"].as_str().unwrap_or("").to_owned())
        .collect();
    let expected: Vec<String> = (0..100).map(|index| format!("car {index}")).collect();
    assert_eq!(names, expected, "results in input order");
    assert!(
        ids.windows(2).all(|pair| pair[0] < pair[1]),
        "ids ascend with the inputs: {ids:?}"
    );
    let last = hs
        .get(&format!("/crm/v3/objects/p_vehicles/{}?properties=vin", ids[99]))
        .await;
    assert_eq!(last.body["properties"]["vin"], "VIN099", "{}", last.text);
}
