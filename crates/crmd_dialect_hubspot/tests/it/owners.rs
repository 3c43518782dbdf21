//! Owners: the owners API over crmd's members, and `hubspot_owner_id` on records.

use crate::support::{Hs, error_line, golden, show};
use crmd_core::{FullName, RecordId, Value};
use crmd_service::{FieldInput, RecordInput};
use http::Method;
use serde_json::json;

const LIGHTFIELD: &[(&str, &str)] = &[("lightfield-version", "2026-03-01")];

/// Adds a member to the default workspace (members are not written through the APIs).
async fn add_member(hs: &Hs, email: &str, first: &str) -> RecordId {
    let actor = hs.app.crm.authenticate(&hs.app.key).await.expect("the test key");
    let member = hs
        .app
        .crm
        .object_type(&actor, "member")
        .await
        .expect("the member type");
    let name = json!({"firstName": first, "lastName": "Example"});
    let input = RecordInput {
        fields: vec![
            ("$email".to_owned(), FieldInput::Text(email.to_owned())),
            ("$role".to_owned(), FieldInput::Text("MEMBER".to_owned())),
            ("$name".to_owned(), FieldInput::Json(name)),
        ],
        ..RecordInput::default()
    };
    let record = hs
        .app
        .crm
        .create_record(&actor, &member, input)
        .await
        .expect("a member");
    assert_eq!(
        record.value("$name"),
        Some(&Value::FullName(FullName {
            first_name: Some(first.to_owned()),
            last_name: Some("Example".to_owned()),
        }))
    );
    record.id
}

#[tokio::test]
async fn owners_are_the_workspace_members() {
    let hs = Hs::new().await;
    let page = hs.get("/crm/v3/owners/").await;
    golden!("owners_page", show(&page));

    let grace = add_member(&hs, "grace@example.com", "Grace").await;
    let alan = add_member(&hs, "alan@example.com", "Alan").await;
    let first = hs.get("/crm/v3/owners?limit=2").await;
    let ids: Vec<&str> = first.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|owner| owner["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1".to_owned(), grace.to_string()]);
    let after = first.body["paging"]["next"]["after"].as_str().unwrap().to_owned();
    let second = hs.get(&format!("/crm/v3/owners?limit=2&after={after}")).await;
    assert_eq!(second.body["results"][0]["id"], alan.to_string());
    assert_eq!(second.body["results"][0]["userId"], alan.get());
    assert!(second.body.get("paging").is_none(), "{}", second.text);

    let by_email = hs.get("/crm/v3/owners?email=Grace%40Example.com").await;
    assert_eq!(
        by_email.body["results"].as_array().unwrap().len(),
        1,
        "{}",
        by_email.text
    );
    assert_eq!(by_email.body["results"][0]["firstName"], "Grace");
    let nobody = hs.get("/crm/v3/owners?email=nobody").await;
    assert_eq!(nobody.body, json!({"results": []}));

    let one = hs.get(&format!("/crm/v3/owners/{grace}")).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.body["email"], "grace@example.com");
    let by_user_id = hs.get(&format!("/crm/v3/owners/{alan}?idProperty=userId")).await;
    assert_eq!(by_user_id.body["lastName"], "Example");

    // A member in the trash is an archived owner.
    let actor = hs.app.crm.authenticate(&hs.app.key).await.unwrap();
    let member = hs.app.crm.object_type(&actor, "member").await.unwrap();
    hs.app.crm.trash_record(&actor, &member, alan).await.unwrap();
    let active = hs.get("/crm/v3/owners").await;
    assert_eq!(active.body["results"].as_array().unwrap().len(), 2);
    let archived = hs.get("/crm/v3/owners?archived=true").await;
    assert_eq!(archived.body["results"][0]["id"], alan.to_string());
    assert_eq!(archived.body["results"][0]["archived"], true);
    assert_eq!(archived.body["results"][0]["userId"], json!(null));
    assert_eq!(archived.body["results"][0]["userIdIncludingInactive"], alan.get());

    let lines = [
        error_line(&hs.get(&format!("/crm/v3/owners/{alan}")).await),
        error_line(&hs.get("/crm/v3/owners/999").await),
        error_line(&hs.get("/crm/v3/owners/1?idProperty=email").await),
        error_line(&hs.get("/crm/v3/owners?limit=0").await),
        error_line(&hs.get("/crm/v3/owners?after=x").await),
    ];
    expect_test::expect![[r#"
        [
            "404 OBJECT_NOT_FOUND: Object not found.  objectId are usually numeric.",
            "404 OBJECT_NOT_FOUND: Object not found.  objectId are usually numeric.",
            "400 VALIDATION_ERROR: idProperty must be id or userId, got \"email\"",
            "400 VALIDATION_ERROR: limit must be a whole number from 1 to 500, got \"0\"",
            "400 VALIDATION_ERROR: after must be the paging.next.after value of a previous page, got \"x\"",
        ]
    "#]]
    .assert_debug_eq(&lines);

    let denied_key = hs
        .app
        .key_for(crmd_service::DEFAULT_WORKSPACE, &["contacts:read"])
        .await
        .unwrap();
    let denied = hs
        .app
        .call(
            http::Request::builder()
                .uri("/crm/v3/owners")
                .header("authorization", format!("Bearer {denied_key}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    assert_eq!(
        denied.body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.owners.read"])
    );
}

#[tokio::test]
async fn hubspot_owner_id_writes_the_owner_relationship_of_each_type() {
    let hs = Hs::new().await;
    let grace = add_member(&hs, "grace@example.com", "Grace").await.to_string();

    // A task's owner is its assignee: a task is created through HubSpot with one.
    let task = hs
        .post(
            "/crm/v3/objects/tasks",
            json!({"properties": {"hs_task_subject": "Call back", "hs_task_status": "TODO",
                                  "hs_timestamp": "2026-02-01T09:00:00Z",
                                  "hubspot_owner_id": grace}}),
        )
        .await;
    golden!("task_created_with_owner", show(&task));
    let task_id = task.body["id"].as_str().unwrap().to_owned();
    let through_lightfield = hs
        .app
        .send(Method::GET, &format!("/v1/tasks/{task_id}"), None, LIGHTFIELD)
        .await;
    assert_eq!(
        through_lightfield.body["relationships"]["$assignedTo"]["values"],
        json!([grace]),
        "{}",
        through_lightfield.text
    );
    let reassigned = hs
        .patch(
            &format!("/crm/v3/objects/tasks/{task_id}"),
            json!({"properties": {"hubspot_owner_id": 1}}),
        )
        .await;
    assert_eq!(
        reassigned.body["properties"]["hubspot_owner_id"], "1",
        "{}",
        reassigned.text
    );

    // Every type with an owner reads and writes it, and clears it with "".
    for (object_type, properties) in [
        ("contacts", json!({"email": "ada@example.com"})),
        ("companies", json!({"name": "Initech"})),
        ("tickets", json!({"subject": "Help", "hs_pipeline_stage": "1"})),
        ("calls", json!({"hs_timestamp": "2026-01-05T09:00:00Z"})),
        ("emails", json!({"hs_timestamp": "2026-01-05T09:00:00Z"})),
        (
            "meetings",
            json!({"hs_meeting_title": "Kickoff", "hs_meeting_start_time": "2026-01-05T09:00:00Z",
                   "hs_meeting_end_time": "2026-01-05T10:00:00Z"}),
        ),
    ] {
        let mut properties = properties;
        properties["hubspot_owner_id"] = json!(grace);
        let id = hs.create(object_type, properties).await;
        let path = format!("/crm/v3/objects/{object_type}/{id}");
        let read = hs.get(&format!("{path}?properties=hubspot_owner_id")).await;
        assert_eq!(
            read.body["properties"]["hubspot_owner_id"],
            grace.as_str(),
            "{object_type}: {}",
            read.text
        );
        let cleared = hs
            .patch(&path, json!({"properties": {"hubspot_owner_id": ""}}))
            .await;
        assert_eq!(cleared.status, 200, "{object_type}: {}", cleared.text);
        let read = hs.get(&format!("{path}?properties=hubspot_owner_id")).await;
        assert_eq!(
            read.body["properties"]["hubspot_owner_id"],
            json!(null),
            "{object_type}"
        );
    }

    // Batch writes take the owner too, and name a bad one per input.
    let batch = hs
        .post(
            "/crm/v3/objects/tasks/batch/create",
            json!({"inputs": [
                {"properties": {"hs_task_subject": "One", "hs_task_status": "TODO",
                                "hubspot_owner_id": grace}, "objectWriteTraceId": "a"},
                {"properties": {"hs_task_subject": "Two", "hs_task_status": "TODO",
                                "hubspot_owner_id": "4040"}, "objectWriteTraceId": "b"}]}),
        )
        .await;
    assert_eq!(batch.status, 207, "{}", batch.text);
    assert_eq!(
        batch.body["results"][0]["properties"]["hubspot_owner_id"],
        grace.as_str()
    );
    assert_eq!(
        batch.body["errors"][0]["errors"][0]["code"], "INVALID_OWNER_ID",
        "{}",
        batch.text
    );
    assert_eq!(
        batch.body["errors"][0]["context"]["objectWriteTraceId"],
        json!(["b"])
    );

    // A note's owner is its author: set on create, fixed after.
    let note = hs
        .post(
            "/crm/v3/objects/notes",
            json!({"properties": {"hs_note_body": "Met", "hubspot_owner_id": grace}}),
        )
        .await;
    assert_eq!(
        note.body["properties"]["hubspot_owner_id"],
        grace.as_str(),
        "{}",
        note.text
    );
    let note_id = note.body["id"].as_str().unwrap();

    // A deal's owner filters deals.
    let company = hs.create("companies", json!({"name": "Hooli"})).await;
    let owned_deal = hs
        .post(
            "/crm/v3/objects/deals",
            json!({"properties": {"dealname": "Owned", "hubspot_owner_id": grace},
                   "associations": [{"to": {"id": company}, "types": [
                       {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}]}]}),
        )
        .await;
    assert_eq!(owned_deal.status, 201, "{}", owned_deal.text);
    let search = hs
        .post(
            "/crm/v3/objects/deals/search",
            json!({"filterGroups": [{"filters": [
                {"propertyName": "hubspot_owner_id", "operator": "IN", "values": [grace, "77"]}]}]}),
        )
        .await;
    assert_eq!(search.body["total"], 1, "{}", search.text);
    assert_eq!(search.body["results"][0]["id"], owned_deal.body["id"]);

    let lines = [
        error_line(
            &hs.post(
                "/crm/v3/objects/tasks",
                json!({"properties": {"hs_task_subject": "Nobody", "hs_task_status": "TODO"}}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/tasks",
                json!({"properties": {"hs_task_subject": "Ghost", "hs_task_status": "TODO",
                                      "hubspot_owner_id": "999"}}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/contacts",
                json!({"properties": {"hubspot_owner_id": "grace"}}),
            )
            .await,
        ),
        error_line(
            &hs.patch(
                &format!("/crm/v3/objects/notes/{note_id}"),
                json!({"properties": {"hubspot_owner_id": "1"}}),
            )
            .await,
        ),
        error_line(
            &hs.patch(
                &format!("/crm/v3/objects/tasks/{task_id}"),
                json!({"properties": {"hubspot_owner_id": ""}}),
            )
            .await,
        ),
    ];
    expect_test::expect![[r#"
        [
            "400 VALIDATION_ERROR: Error creating TASK. Some required properties were not set.",
            "400 VALIDATION_ERROR: Property values were not valid: [{\"error\":\"INVALID_OWNER_ID\",\"isValid\":false,\"message\":\"999 is not a valid owner id\",\"name\":\"hubspot_owner_id\"}]",
            "400 VALIDATION_ERROR: Property values were not valid: [{\"error\":\"INVALID_OWNER_ID\",\"isValid\":false,\"message\":\"grace is not a valid owner id\",\"name\":\"hubspot_owner_id\"}]",
            "400 VALIDATION_ERROR: Property values were not valid: [{\"error\":\"READ_ONLY_VALUE\",\"isValid\":false,\"message\":\"\\\"hubspot_owner_id\\\" of a note is set when it is created and cannot be changed\",\"name\":\"hubspot_owner_id\"}]",
            "400 VALIDATION_ERROR: Error creating TASK. Some required properties were not set.",
        ]
    "#]]
    .assert_debug_eq(&lines);
}
