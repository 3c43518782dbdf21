//! GDPR delete: `POST /crm/v3/objects/contacts/gdpr-delete` purges a contact for good.

use crate::support::{Hs, error_line};
use http::Method;
use serde_json::json;

/// The header every Lightfield request carries.
const LIGHTFIELD: &[(&str, &str)] = &[("lightfield-version", "2026-03-01")];

async fn gdpr_delete(hs: &Hs, body: serde_json::Value) -> crmd_testkit::TestResponse {
    hs.post("/crm/v3/objects/contacts/gdpr-delete", body).await
}

#[tokio::test]
async fn a_gdpr_delete_purges_the_contact_its_history_and_its_links() {
    let hs = Hs::new().await;
    let contact = hs
        .create(
            "contacts",
            json!({"email": "erase.me@x.io", "firstname": "Erasmus", "lastname": "Forgotten"}),
        )
        .await;
    let updated = hs
        .patch(
            &format!("/crm/v3/objects/contacts/{contact}"),
            json!({"properties": {"lastname": "Gone"}}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let note = hs
        .post(
            "/crm/v3/objects/notes",
            json!({"properties": {"hs_note_body": "Met Erasmus"},
                   "associations": [{"to": {"id": contact},
                                     "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}]}),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    let note = note.body["id"].as_str().unwrap().to_owned();

    let deleted = gdpr_delete(&hs, json!({"objectId": "ERASE.ME@x.io", "idProperty": "email"})).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert!(deleted.text.is_empty(), "a 204 has no body");

    for path in [
        format!("/crm/v3/objects/contacts/{contact}"),
        format!("/crm/v3/objects/contacts/{contact}?archived=true"),
        "/crm/v3/objects/contacts/erase.me@x.io?idProperty=email".to_owned(),
    ] {
        assert_eq!(hs.get(&path).await.status, 404, "{path}");
    }
    let archived = hs.get("/crm/v3/objects/contacts?archived=true").await;
    assert_eq!(archived.body["results"], json!([]), "not in the trash either");
    let found = hs
        .post("/crm/v3/objects/contacts/search", json!({"query": "Erasmus"}))
        .await;
    assert_eq!(found.body["total"], 0, "{}", found.text);
    let links = hs
        .get(&format!("/crm/v4/objects/notes/{note}/associations/contacts"))
        .await;
    assert_eq!(links.body["results"], json!([]), "its links are gone");
    let lightfield = hs
        .app
        .send(Method::GET, &format!("/v1/contacts/{contact}"), None, LIGHTFIELD)
        .await;
    assert_eq!(lightfield.status, 404, "{}", lightfield.text);
    let again = hs.create("contacts", json!({"email": "erase.me@x.io"})).await;
    assert_ne!(again, contact, "the email is free again, under a new id");

    // By id, and from the trash.
    let archived = hs.delete(&format!("/crm/v3/objects/contacts/{again}")).await;
    assert_eq!(archived.status, 204);
    let by_id = gdpr_delete(&hs, json!({"objectId": again})).await;
    assert_eq!(by_id.status, 204, "{}", by_id.text);
    let trash = hs.get("/crm/v3/objects/contacts?archived=true").await;
    assert_eq!(trash.body["results"], json!([]));
}

#[tokio::test]
async fn gdpr_deletes_crmd_cannot_do_answer_hubspots_errors() {
    let hs = Hs::new().await;
    let contact = hs.create("contacts", json!({"email": "keep@x.io"})).await;
    let lines = [
        error_line(&gdpr_delete(&hs, json!({"objectId": "999"})).await),
        error_line(&gdpr_delete(&hs, json!({"objectId": "nobody@x.io", "idProperty": "email"})).await),
        error_line(&gdpr_delete(&hs, json!({})).await),
        error_line(&gdpr_delete(&hs, json!({"objectId": "Keep", "idProperty": "firstname"})).await),
    ];
    expect_test::expect![[r#"
        [
            "404 OBJECT_NOT_FOUND: Object not found.  objectId are usually numeric.",
            "404 OBJECT_NOT_FOUND: Object not found.  objectId are usually numeric.",
            "400 VALIDATION_ERROR: Some required fields were not set: [objectId]; objectId must be a contact id, or a value of idProperty",
            "400 VALIDATION_ERROR: Unable to perform update/upsert by non-unique 0-1 property firstname in portal ID 1",
        ]
    "#]]
    .assert_debug_eq(&lines);
    let reader = hs.app.key_for("default", &["contacts:read"]).await.unwrap();
    let forbidden = hs
        .send_as(
            &reader,
            Method::POST,
            "/crm/v3/objects/contacts/gdpr-delete",
            Some(json!({"objectId": contact})),
        )
        .await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.text);
    let kept = hs.get(&format!("/crm/v3/objects/contacts/{contact}")).await;
    assert_eq!(kept.status, 200, "nothing was deleted");
}
