//! The search API: every operator, groups, `query`, sorts, paging and the vendor limits.

use crate::support::{Hs, error_line};
use crmd_http::LimitsProfile;
use serde_json::{Value, json};

/// Three vehicles: Model T, Tesla Roadster, Beetle (ids in that order).
async fn garage(hs: &Hs) -> Vec<String> {
    vec![
        hs.create(
            "vehicles",
            json!({"name": "Model T", "vin": "V1", "mileage": "100", "electric": "false",
                   "registered_on": "2020-01-01", "features": "sunroof"}),
        )
        .await,
        hs.create(
            "vehicles",
            json!({"name": "Tesla Roadster", "vin": "V2", "mileage": "5000", "electric": "true",
                   "registered_on": "2021-06-15", "features": "sunroof;tow"}),
        )
        .await,
        hs.create("vehicles", json!({"name": "Beetle", "mileage": "250"}))
            .await,
    ]
}

async fn names(hs: &Hs, body: Value) -> Vec<String> {
    let response = hs.post("/crm/v3/objects/vehicles/search", body).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let results = response.body["results"].as_array().expect("results");
    assert_eq!(response.body["total"], results.len(), "{}", response.text);
    results
        .iter()
        .map(|result| {
            result["properties"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn every_operator_filters_as_documented() {
    let hs = Hs::new().await;
    let ids = garage(&hs).await;
    let cases: Vec<(Value, &[&str])> = vec![
        (
            json!({"propertyName": "name", "operator": "EQ", "value": "model t"}),
            &["Model T"],
        ),
        (
            json!({"propertyName": "name", "operator": "NEQ", "value": "Beetle"}),
            &["Model T", "Tesla Roadster"],
        ),
        (
            json!({"propertyName": "vin", "operator": "NEQ", "value": "V1"}),
            &["Tesla Roadster", "Beetle"],
        ),
        (
            json!({"propertyName": "mileage", "operator": "LT", "value": "250"}),
            &["Model T"],
        ),
        (
            json!({"propertyName": "mileage", "operator": "LTE", "value": 250}),
            &["Model T", "Beetle"],
        ),
        (
            json!({"propertyName": "mileage", "operator": "GT", "value": "250"}),
            &["Tesla Roadster"],
        ),
        (
            json!({"propertyName": "mileage", "operator": "GTE", "value": "250"}),
            &["Tesla Roadster", "Beetle"],
        ),
        (
            json!({"propertyName": "mileage", "operator": "BETWEEN", "value": "100", "highValue": "250"}),
            &["Model T", "Beetle"],
        ),
        (
            json!({"propertyName": "name", "operator": "IN", "values": ["beetle", "model t"]}),
            &["Model T", "Beetle"],
        ),
        (
            json!({"propertyName": "name", "operator": "NOT_IN", "values": ["beetle"]}),
            &["Model T", "Tesla Roadster"],
        ),
        (
            json!({"propertyName": "vin", "operator": "HAS_PROPERTY"}),
            &["Model T", "Tesla Roadster"],
        ),
        (
            json!({"propertyName": "vin", "operator": "NOT_HAS_PROPERTY"}),
            &["Beetle"],
        ),
        (
            json!({"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": "road*"}),
            &["Tesla Roadster"],
        ),
        (
            json!({"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": "*ster"}),
            &["Tesla Roadster"],
        ),
        (
            json!({"propertyName": "name", "operator": "NOT_CONTAINS_TOKEN", "value": "model"}),
            &["Tesla Roadster", "Beetle"],
        ),
        (
            json!({"propertyName": "features", "operator": "EQ", "value": "sunroof"}),
            &["Model T", "Tesla Roadster"],
        ),
        (
            json!({"propertyName": "features", "operator": "IN", "values": ["tow"]}),
            &["Tesla Roadster"],
        ),
        (
            json!({"propertyName": "features", "operator": "EQ", "value": "no such option"}),
            &[],
        ),
        (
            json!({"propertyName": "electric", "operator": "EQ", "value": "true"}),
            &["Tesla Roadster"],
        ),
        (
            json!({"propertyName": "registered_on", "operator": "GTE", "value": "2021-01-01"}),
            &["Tesla Roadster"],
        ),
        (
            json!({"propertyName": "registered_on", "operator": "LT", "value": "1609459200000"}),
            &["Model T"],
        ),
        (
            json!({"propertyName": "hs_object_id", "operator": "EQ", "value": ids[2]}),
            &["Beetle"],
        ),
        (
            json!({"propertyName": "hs_createdate", "operator": "GT", "value": "0"}),
            &["Model T", "Tesla Roadster", "Beetle"],
        ),
    ];
    for (filter, expected) in cases {
        let found = names(
            &hs,
            json!({"filterGroups": [{"filters": [filter.clone()]}], "properties": ["name"]}),
        )
        .await;
        assert_eq!(found, expected, "filter {filter}");
    }
}

#[tokio::test]
async fn groups_are_or_ed_and_filters_in_a_group_and_ed() {
    let hs = Hs::new().await;
    garage(&hs).await;
    let body = json!({
        "filterGroups": [
            {"filters": [{"propertyName": "electric", "operator": "EQ", "value": "true"},
                         {"propertyName": "mileage", "operator": "GT", "value": "1000"}]},
            {"filters": [{"propertyName": "name", "operator": "EQ", "value": "Beetle"}]}
        ],
        "filters": [{"propertyName": "vin", "operator": "EQ", "value": "V1"}],
        "properties": ["name"]
    });
    assert_eq!(names(&hs, body).await, ["Model T", "Tesla Roadster", "Beetle"]);
    let both = json!({"filterGroups": [{"filters": [
        {"propertyName": "electric", "operator": "EQ", "value": "true"},
        {"propertyName": "mileage", "operator": "LT", "value": "1000"}]}]});
    assert!(names(&hs, both).await.is_empty());
}

#[tokio::test]
async fn query_searches_the_searchable_properties_by_word_prefix() {
    let hs = Hs::new().await;
    let ada = hs
        .create("contacts", json!({"firstname": "Ada", "lastname": "Lovelace", "email": "ada@engines.example", "jobtitle": "Countess"}))
        .await;
    hs.create(
        "contacts",
        json!({"firstname": "Charles", "lastname": "Babbage", "email": "cb@engines.example"}),
    )
    .await;
    let search = |query: &str| {
        let hs = &hs;
        let body = json!({"query": query});
        async move {
            let response = hs.post("/crm/v3/objects/contacts/search", body).await;
            assert_eq!(response.status, 200, "{}", response.text);
            response.body["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|result| result["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("LOVE").await, std::slice::from_ref(&ada));
    assert_eq!(search("ada engines").await, std::slice::from_ref(&ada));
    assert_eq!(search("engines.example").await.len(), 2);
    assert!(search("countess").await.is_empty(), "jobtitle is not searchable");
    assert!(search("ovelace").await.is_empty(), "words match from their start");
}

#[tokio::test]
async fn sorts_paging_and_total() {
    let hs = Hs::new().await;
    garage(&hs).await;
    let page = |after: Value| {
        let hs = &hs;
        async move {
            hs.post(
                "/crm/v3/objects/vehicles/search",
                json!({"sorts": [{"propertyName": "mileage", "direction": "DESCENDING"}],
                       "properties": ["name"], "limit": 2, "after": after}),
            )
            .await
        }
    };
    let first = page(Value::Null).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["total"], 3);
    assert_eq!(first.body["results"][0]["properties"]["name"], "Tesla Roadster");
    assert_eq!(first.body["results"][1]["properties"]["name"], "Beetle");
    assert_eq!(first.body["paging"]["next"]["after"], "2");
    let second = page(json!("2")).await;
    assert_eq!(second.body["results"][0]["properties"]["name"], "Model T");
    assert!(second.body.get("paging").is_none(), "{}", second.text);
    let by_string = names(&hs, json!({"sorts": ["-name"], "properties": ["name"]})).await;
    assert_eq!(by_string, ["Tesla Roadster", "Model T", "Beetle"]);
    let by_json_string = names(
        &hs,
        json!({"sorts": ["{\"propertyName\":\"name\",\"direction\":\"ASCENDING\"}"], "properties": ["name"]}),
    )
    .await;
    assert_eq!(by_json_string, ["Beetle", "Model T", "Tesla Roadster"]);
}

#[tokio::test]
async fn archived_records_are_never_found() {
    let hs = Hs::new().await;
    let ids = garage(&hs).await;
    let response = hs.delete(&format!("/crm/v3/objects/vehicles/{}", ids[0])).await;
    assert_eq!(response.status, 204);
    assert_eq!(
        names(&hs, json!({"properties": ["name"]})).await,
        ["Tesla Roadster", "Beetle"]
    );
}

#[tokio::test]
async fn bad_requests_name_the_problem() {
    let hs = Hs::new().await;
    let cases = [
        (
            json!({"filterGroups": [{"filters": [{"propertyName": "colour", "operator": "EQ", "value": "red"}]}]}),
            "colour",
        ),
        (
            json!({"filterGroups": [{"filters": [{"propertyName": "name", "operator": "LIKE", "value": "x"}]}]}),
            "unknown operator",
        ),
        (
            json!({"filterGroups": [{"filters": [{"propertyName": "mileage", "operator": "EQ", "value": "fast"}]}]}),
            "mileage",
        ),
        (
            json!({"filterGroups": [{"filters": [{"propertyName": "mileage", "operator": "EQ"}]}]}),
            "needs a value",
        ),
        (
            json!({"filterGroups": [{"filters": [{"propertyName": "associations.company", "operator": "EQ", "value": "1"}]}]}),
            "no associations",
        ),
        (
            json!({"sorts": [{"propertyName": "name", "direction": "UP"}]}),
            "direction",
        ),
        (json!({"limit": 0}), "limit"),
        (json!({"query": "x".repeat(3001)}), "3000"),
    ];
    for (body, expected) in cases {
        let response = hs.post("/crm/v3/objects/vehicles/search", body.clone()).await;
        assert_eq!(response.status, 400, "{body}: {}", response.text);
        let line = error_line(&response);
        assert!(line.contains(expected), "{body}: {line}");
    }
}

#[tokio::test]
async fn the_vendor_profile_enforces_hubspots_limits() {
    let hs = Hs::with_profile(LimitsProfile::Vendor).await;
    let filter = json!({"propertyName": "name", "operator": "HAS_PROPERTY"});
    let group = |count: usize| json!({"filters": vec![filter.clone(); count]});
    let cases = [
        (json!({"filterGroups": vec![group(1); 6]}), "filter groups"),
        (json!({"filterGroups": [group(11)]}), "one filter group"),
        (
            json!({"filterGroups": vec![group(9); 3]}),
            "across all filter groups",
        ),
        (json!({"limit": 201}), "limit"),
        (json!({"after": "9950", "limit": 100}), "10000"),
    ];
    for (body, expected) in cases {
        let response = hs.post("/crm/v3/objects/vehicles/search", body.clone()).await;
        assert_eq!(response.status, 400, "{}", response.text);
        assert_eq!(response.body["category"], "VALIDATION_ERROR");
        let line = error_line(&response);
        assert!(line.contains(expected), "{line}");
    }
    // Five searches a second is the vendor profile's search rate: the sixth goes to a
    // fresh app.
    let fresh = Hs::with_profile(LimitsProfile::Vendor).await;
    let allowed = fresh
        .post(
            "/crm/v3/objects/vehicles/search",
            json!({"filterGroups": vec![group(5); 5], "after": "9800", "limit": 200}),
        )
        .await;
    assert_eq!(allowed.status, 200, "{}", allowed.text);

    let relaxed = Hs::new().await;
    let beyond = relaxed
        .post(
            "/crm/v3/objects/vehicles/search",
            json!({"after": "20000", "limit": 500}),
        )
        .await;
    assert_eq!(
        beyond.status, 200,
        "no cap in the relaxed profile: {}",
        beyond.text
    );
    assert_eq!(beyond.body["total"], 0);
}
