//! The life of an account with every standard field: create, retrieve, update, list,
//! trash, restore.

use crate::support::{Lf, golden, show};
use serde_json::json;

#[tokio::test]
async fn account_lifecycle() {
    let lf = Lf::new().await;
    let contact = lf
        .create(
            "/v1/contacts",
            json!({"fields": {"$name": {"firstName": "Ada", "lastName": "Lovelace"}}}),
        )
        .await;

    let created = lf
        .post(
            "/v1/accounts",
            json!({
                "fields": {
                    "$name": "Globex Holdings",
                    "$website": ["https://globex.example"],
                    "$industry": ["Manufacturing", "software"],
                    "$headcount": "51-200",
                    "$primaryAddress": {"street": "9 Harbor Rd", "city": "Portland", "state": "OR",
                                        "postalCode": "97201", "country": "US"},
                    "$linkedIn": "https://www.linkedin.com/company/globex-example"
                },
                "relationships": {"$owner": "1", "$contact": [contact]},
                "skipEnrichment": true
            }),
        )
        .await;
    golden!("account_created", show(&created));
    let id = created.body["id"].as_str().unwrap().to_owned();

    let fetched = lf.get(&format!("/v1/accounts/{id}")).await;
    assert_eq!(fetched.body, created.body);

    let updated = lf
        .post(
            &format!("/v1/accounts/{id}"),
            json!({
                "fields": {"$name": "Globex", "$website": null, "$headcount": "opt_hc_201_500"},
                "relationships": {"$owner": {"replace": null}, "$contact": {"remove": contact}}
            }),
        )
        .await;
    golden!("account_updated", show(&updated));

    // The contact side sees the link go away too.
    let contact_record = lf.get(&format!("/v1/contacts/{contact}")).await;
    assert_eq!(
        contact_record.body["relationships"]["$account"]["values"],
        json!([])
    );

    // An update without a body changes nothing.
    let unchanged = lf.post_empty(&format!("/v1/accounts/{id}")).await;
    assert_eq!(unchanged.status, 200, "{}", unchanged.text);
    assert_eq!(unchanged.body["fields"], updated.body["fields"]);

    let listed = lf.get("/v1/accounts").await;
    golden!("account_listed", show(&listed));

    let deleted = lf.delete(&format!("/v1/accounts/{id}")).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.body["fields"], updated.body["fields"]);
    // A second delete returns the record again.
    let again = lf.delete(&format!("/v1/accounts/{id}")).await;
    assert_eq!((again.status.as_u16(), &again.body["id"]), (200, &json!(id)));

    assert_eq!(lf.get(&format!("/v1/accounts/{id}")).await.status, 404);
    assert_eq!(lf.get("/v1/accounts").await.body["totalCount"], 0);
    let trashed = lf.get("/v1/accounts?status=trashed").await;
    assert_eq!(
        (
            trashed.body["totalCount"].clone(),
            trashed.body["data"][0]["id"].clone()
        ),
        (json!(1), json!(id))
    );

    let restored = lf.post_empty(&format!("/v1/accounts/{id}/restore")).await;
    golden!("account_restored", show(&restored));
    assert_eq!(lf.get("/v1/accounts?status=active").await.body["totalCount"], 1);
    assert_eq!(lf.get("/v1/accounts?status=trashed").await.body["totalCount"], 0);
    // Restoring an active record returns it unchanged.
    assert_eq!(
        lf.post_empty(&format!("/v1/accounts/{id}/restore")).await.body,
        restored.body
    );
}

#[tokio::test]
async fn contact_and_opportunity_envelopes() {
    let lf = Lf::new().await;
    let account = lf.account("Initech").await;
    let contact = lf
        .post(
            "/v1/contacts",
            json!({"fields": {
                "$name": {"firstName": "Peter", "lastName": "Gibbons"},
                "$email": "peter@initech.example",
                "$phone": ["+1 503 555 0100 x12"],
                "$title": "Engineer",
                "$doNotContact": false,
                "$twitter": "https://x.com/peter"
            }, "relationships": {"$account": [account]}}),
        )
        .await;
    golden!("contact_created", show(&contact));
    let contact_id = contact.body["id"].as_str().unwrap();

    let opportunity = lf
        .post(
            "/v1/opportunities",
            json!({"fields": {
                "$name": "TPS reports",
                "$stage": "closed  won",
                "$amount": 125000.5,
                "$closeDate": "2027-01-15T09:30:00-08:00"
            }, "relationships": {"$account": account, "$champion": contact_id, "$contact": [contact_id]}}),
        )
        .await;
    golden!("opportunity_created", show(&opportunity));

    let account_record = lf.get(&format!("/v1/accounts/{account}")).await;
    let relationships = &account_record.body["relationships"];
    assert_eq!(relationships["$contact"]["values"], json!([contact_id]));
    assert_eq!(
        relationships["$opportunity"]["values"],
        json!([opportunity.body["id"]])
    );
}

#[tokio::test]
async fn definitions_of_standard_types() {
    let lf = Lf::new().await;
    for plural in ["accounts", "contacts", "opportunities"] {
        let definitions = lf.get(&format!("/v1/{plural}/definitions")).await;
        golden!(format!("{plural}_definitions"), show(&definitions));
    }
}
