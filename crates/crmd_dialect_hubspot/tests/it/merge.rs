//! Merges: `POST /crm/v3/objects/{t}/merge` over crmd's merge, and merged-away ids that
//! read as their survivor.

use crate::support::{Hs, error_line, golden, show};
use http::Method;
use serde_json::json;

async fn merge(hs: &Hs, object_type: &str, primary: &str, merged: &str) -> crmd_testkit::TestResponse {
    hs.post(
        &format!("/crm/v3/objects/{object_type}/merge"),
        json!({"primaryObjectId": primary, "objectIdToMerge": merged}),
    )
    .await
}

fn ids(response: &crmd_testkit::TestResponse) -> Vec<String> {
    response.body["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .map(|item| item["toObjectId"].to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_merge_answers_the_survivor_with_both_records_values_and_links() {
    let hs = Hs::new().await;
    let primary = hs
        .create("contacts", json!({"email": "ada@x.io", "firstname": "Ada"}))
        .await;
    let merged = hs
        .create(
            "contacts",
            json!({"email": "lovelace@x.io", "firstname": "Augusta", "lastname": "Lovelace"}),
        )
        .await;
    let company = hs
        .create("companies", json!({"name": "Analytical Engines"}))
        .await;
    let linked = hs
        .put(
            &format!("/crm/v4/objects/contacts/{merged}/associations/default/companies/{company}"),
            None,
        )
        .await;
    assert_eq!(linked.status, 200, "{}", linked.text);

    let response = merge(&hs, "contacts", &primary, &merged).await;
    golden!("merge_200", show(&response));
    assert_eq!(response.body["id"], primary.as_str());
    let properties = &response.body["properties"];
    assert_eq!(properties["firstname"], "Ada", "the primary's value wins");
    assert_eq!(
        properties["lastname"], "Lovelace",
        "the merged record fills what the primary lacks"
    );
    assert_eq!(
        properties["email"], "ada@x.io;lovelace@x.io",
        "both addresses stay on the survivor"
    );
    let companies = hs
        .get(&format!(
            "/crm/v4/objects/contacts/{primary}/associations/companies"
        ))
        .await;
    assert_eq!(ids(&companies), [company], "links move to the survivor");

    // The merged-away id reads as the survivor, by GET and by batch read.
    let read = hs.get(&format!("/crm/v3/objects/contacts/{merged}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["id"], primary.as_str());
    let batch = hs
        .post(
            "/crm/v3/objects/contacts/batch/read",
            json!({"inputs": [{"id": merged}], "properties": ["email"]}),
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.text);
    assert_eq!(batch.body["results"][0]["id"], primary.as_str());
    let by_email = hs
        .get("/crm/v3/objects/contacts/lovelace@x.io?idProperty=email")
        .await;
    assert_eq!(
        by_email.body["id"],
        primary.as_str(),
        "its email finds the survivor"
    );

    // A merge of the survivor follows on: the first id reads as the latest survivor.
    let latest = hs.create("contacts", json!({"email": "countess@x.io"})).await;
    let again = merge(&hs, "contacts", &latest, &primary).await;
    assert_eq!(again.status, 200, "{}", again.text);
    let chained = hs.get(&format!("/crm/v3/objects/contacts/{merged}")).await;
    assert_eq!(chained.body["id"], latest.as_str());
    let gone = hs
        .get(&format!("/crm/v3/objects/contacts/{merged}?idProperty=email"))
        .await;
    assert_eq!(gone.status, 404, "an idProperty lookup does not follow merges");
}

#[tokio::test]
async fn merges_crmd_cannot_do_answer_hubspots_errors() {
    let hs = Hs::new().await;
    let first = hs.create("contacts", json!({"email": "one@x.io"})).await;
    let second = hs.create("contacts", json!({"email": "two@x.io"})).await;
    let globex = hs.create("companies", json!({"name": "Globex"})).await;
    let initech = hs.create("companies", json!({"name": "Initech"})).await;
    let deal = |company: &str| {
        json!({"properties": {"dealname": "Deal", "dealstage": "opt_stage_discovery"},
               "associations": [{"to": {"id": company},
                                 "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341}]}]})
    };
    let globex_deal = hs.post("/crm/v3/objects/deals", deal(&globex)).await;
    let initech_deal = hs.post("/crm/v3/objects/deals", deal(&initech)).await;
    let text = |response: &crmd_testkit::TestResponse| response.body["id"].as_str().unwrap().to_owned();

    let lines = [
        error_line(&merge(&hs, "contacts", &first, &first).await),
        error_line(&merge(&hs, "contacts", &first, "999").await),
        error_line(&merge(&hs, "contacts", "not-an-id", &first).await),
        error_line(&merge(&hs, "companies", &first, &globex).await),
        error_line(
            &hs.post(
                "/crm/v3/objects/contacts/merge",
                json!({"objectIdToMerge": second}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/contacts/merge",
                json!({"primaryObjectId": first, "objectIdToMerge": second, "extra": 1}),
            )
            .await,
        ),
        error_line(&merge(&hs, "deals", &text(&globex_deal), &text(&initech_deal)).await),
    ];
    expect_test::expect![[r#"
        [
            "400 VALIDATION_ERROR: record 2 cannot be merged with itself",
            "404 OBJECT_NOT_FOUND: Object not found.  objectId are usually numeric.",
            "404 OBJECT_NOT_FOUND: Object not found.  objectId are usually numeric.",
            "404 OBJECT_NOT_FOUND: Object not found.  objectId are usually numeric.",
            "400 VALIDATION_ERROR: Some required fields were not set: [primaryObjectId]; primaryObjectId must be a record id",
            "400 VALIDATION_ERROR: Invalid input JSON: unknown field `extra`, expected `primaryObjectId` or `objectIdToMerge`",
            "400 VALIDATION_ERROR: cannot merge two opportunity records linked to different records over \"$account\"; both must have the same",
        ]
    "#]]
    .assert_debug_eq(&lines);
    for id in [&first, &second] {
        let read = hs.get(&format!("/crm/v3/objects/contacts/{id}")).await;
        assert_eq!(read.body["id"], id.as_str(), "a refused merge writes nothing");
    }

    let reader = hs.app.key_for("default", &["contacts:read"]).await.unwrap();
    let forbidden = hs
        .send_as(
            &reader,
            Method::POST,
            "/crm/v3/objects/contacts/merge",
            Some(json!({"primaryObjectId": first, "objectIdToMerge": second})),
        )
        .await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.text);
    assert_eq!(
        forbidden.body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.contacts.write"])
    );
}

#[tokio::test]
async fn properties_split_from_one_field_are_merged_one_by_one() {
    let hs = Hs::new().await;
    let primary = hs
        .create("companies", json!({"name": "Globex", "city": "Springfield"}))
        .await;
    let merged = hs
        .create(
            "companies",
            json!({"name": "Globex Corp", "address": "1 Main St", "city": "Shelbyville", "country": "US"}),
        )
        .await;
    let response = merge(&hs, "companies", &primary, &merged).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let properties = &response.body["properties"];
    assert_eq!(
        [
            &properties["name"],
            &properties["address"],
            &properties["city"],
            &properties["country"]
        ],
        [
            &json!("Globex"),
            &json!("1 Main St"),
            &json!("Springfield"),
            &json!("US")
        ],
        "the primary's parts win, the merged record fills the others"
    );
}
