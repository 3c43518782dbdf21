//! The objects API: create, get, list, update and archive, with HubSpot's encodings.

use crate::support::{Hs, error_line, golden, show};
use serde_json::json;

#[tokio::test]
async fn contact_lifecycle_splits_the_name_and_encodes_values_as_strings() {
    let hs = Hs::new().await;
    let created = hs
        .post(
            "/crm/v3/objects/contacts",
            json!({"properties": {"email": "Ada@Example.com", "firstname": "Ada",
                                  "lastname": "Lovelace", "jobtitle": "Analyst",
                                  "crmd_do_not_contact": true}, "associations": []}),
        )
        .await;
    golden!("contact_created", show(&created));
    let id = created.body["id"].as_str().unwrap().to_owned();

    let fetched = hs.get(&format!("/crm/v3/objects/contacts/{id}")).await;
    golden!("contact_fetched_default_properties", show(&fetched));

    // Only the last name changes; the first name stays.
    let updated = hs
        .patch(
            &format!("/crm/v3/objects/contact/{id}"),
            json!({"properties": {"lastname": "King", "jobtitle": ""}}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.body["properties"]["firstname"], "Ada");
    assert_eq!(updated.body["properties"]["lastname"], "King");
    assert!(
        updated.body["properties"].get("jobtitle").is_none(),
        "\"\" clears"
    );

    let named = hs
        .get(&format!(
            "/crm/v3/objects/0-1/{id}?properties=jobtitle,firstname&properties=nothing_here&archived=False"
        ))
        .await;
    assert_eq!(named.status, 200, "{}", named.text);
    let keys: Vec<&String> = named.body["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "createdate",
            "firstname",
            "hs_object_id",
            "jobtitle",
            "lastmodifieddate"
        ]
    );
    assert_eq!(named.body["properties"]["jobtitle"], json!(null));

    let by_email = hs
        .get("/crm/v3/objects/contacts/ada%40example.com?idProperty=email")
        .await;
    assert_eq!(by_email.status, 200, "{}", by_email.text);
    assert_eq!(by_email.body["id"], id.as_str());

    let history = hs
        .get(&format!(
            "/crm/v3/objects/contacts/{id}?propertiesWithHistory=lastname"
        ))
        .await;
    let values: Vec<&str> = history.body["propertiesWithHistory"]["lastname"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["King", "Lovelace"], "newest first");

    let archived = hs.delete(&format!("/crm/v3/objects/contacts/{id}")).await;
    assert_eq!(archived.status, 204);
    assert_eq!(archived.text, "");
    let gone = hs.get(&format!("/crm/v3/objects/contacts/{id}")).await;
    assert_eq!(
        error_line(&gone),
        "404 OBJECT_NOT_FOUND: Object not found.  objectId are usually numeric."
    );
    let in_trash = hs
        .get(&format!("/crm/v3/objects/contacts/{id}?archived=true"))
        .await;
    assert_eq!(in_trash.status, 200, "{}", in_trash.text);
    assert_eq!(in_trash.body["archived"], true);
    assert!(in_trash.body["archivedAt"].is_string());
    let again = hs.delete(&format!("/crm/v3/objects/contacts/{id}")).await;
    assert_eq!(again.status, 204, "archiving twice is still 204");
    let unknown = hs.delete("/crm/v3/objects/contacts/999999").await;
    assert_eq!(unknown.status, 204);
}

#[tokio::test]
async fn company_address_parts_and_multi_values() {
    let hs = Hs::new().await;
    let created = hs
        .post(
            "/crm/v3/objects/companies",
            json!({"properties": {"name": "Globex", "domain": "https://globex.example",
                                  "industry": "Software;Retail", "city": "Portland",
                                  "zip": "97201", "country": "US"}}),
        )
        .await;
    golden!("company_created", show(&created));
    let id = created.body["id"].as_str().unwrap().to_owned();
    let moved = hs
        .patch(
            &format!("/crm/v3/objects/companies/{id}"),
            json!({"properties": {"address": "9 Harbor Rd"}}),
        )
        .await;
    assert_eq!(moved.body["properties"]["address"], "9 Harbor Rd");
    assert_eq!(moved.body["properties"]["city"], "Portland", "other parts stay");
}

#[tokio::test]
async fn custom_objects_by_name_type_id_and_fully_qualified_name() {
    let hs = Hs::new().await;
    let created = hs
        .post(
            "/crm/v3/objects/vehicles",
            json!({"properties": {"name": "Model T", "vin": "V1", "mileage": 12000.5,
                                  "electric": false, "registered_on": "1430438400000",
                                  "features": "tow;sunroof"}}),
        )
        .await;
    golden!("vehicle_created", show(&created));
    let id = created.body["id"].as_str().unwrap().to_owned();
    for identifier in ["2-1", "p_vehicles", "p1_vehicles", "VEHICLES"] {
        let fetched = hs
            .get(&format!("/crm/v3/objects/{identifier}/{id}?properties=vin"))
            .await;
        assert_eq!(fetched.status, 200, "{identifier}: {}", fetched.text);
        assert_eq!(fetched.body["properties"]["vin"], "V1");
    }
    let other_portal = hs.get(&format!("/crm/v3/objects/p2_vehicles/{id}")).await;
    assert_eq!(
        error_line(&other_portal),
        "404 OBJECT_NOT_FOUND: Unable to infer object type from: p2_vehicles"
    );
    let not_midnight = hs
        .patch(
            &format!("/crm/v3/objects/vehicles/{id}"),
            json!({"properties": {"registered_on": "1496643178000"}}),
        )
        .await;
    assert_eq!(not_midnight.status, 400, "{}", not_midnight.text);
    assert_eq!(not_midnight.body["errors"][0]["code"], "INVALID_DATE");
}

#[tokio::test]
async fn lists_page_in_id_order_with_after() {
    let hs = Hs::new().await;
    let mut ids = Vec::new();
    for rank in 0..5 {
        ids.push(
            hs.create("vehicles", json!({"name": format!("car {rank}")}))
                .await,
        );
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(after) => format!("/crm/v3/objects/vehicles?limit=2&after={after}"),
            None => "/crm/v3/objects/vehicles?limit=2".to_owned(),
        };
        let page = hs.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.text);
        for result in page.body["results"].as_array().unwrap() {
            seen.push(result["id"].as_str().unwrap().to_owned());
        }
        match page.body.get("paging") {
            Some(paging) => after = Some(paging["next"]["after"].as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    let clamped = hs.get("/crm/v3/objects/vehicles?limit=1000").await;
    assert_eq!(clamped.status, 200, "over the maximum clamps");
    let bad = hs.get("/crm/v3/objects/vehicles?limit=0").await;
    assert_eq!(
        error_line(&bad),
        "400 VALIDATION_ERROR: limit must be a whole number from 1 to 100, got \"0\""
    );
}

#[tokio::test]
async fn notes_take_their_title_from_their_body() {
    let hs = Hs::new().await;
    let created = hs
        .post(
            "/crm/v3/objects/notes",
            json!({"properties": {"hs_note_body": "Call recap\nIt went well"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["properties"]["crmd_title"], "Call recap");
    assert!(created.body["properties"]["hs_createdate"].is_string());
}
