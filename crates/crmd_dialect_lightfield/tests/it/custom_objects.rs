//! Custom objects under `/v1/objects`: the type list, definitions, and a record with a
//! value of every field type.

use crate::support::{Lf, error_line, golden, show};
use expect_test::expect;
use serde_json::json;

#[tokio::test]
async fn object_types_are_listed_by_slug_without_standard_ones() {
    let lf = Lf::with_custom_objects().await;
    let listed = lf.get("/v1/objects").await;
    golden!("objects_listed", show(&listed));
}

#[tokio::test]
async fn definitions_cover_every_field_type() {
    let lf = Lf::with_custom_objects().await;
    golden!(
        "vehicles_definitions",
        show(&lf.get("/v1/objects/vehicles/definitions").await)
    );
}

#[tokio::test]
async fn vehicle_lifecycle_with_every_field_type() {
    let lf = Lf::with_custom_objects().await;
    let owner = lf.account("Dealer").await;
    let created = lf
        .post(
            "/v1/objects/vehicles/values",
            json!({
                "fields": {
                    "name": "Model T",
                    "vin": "VIN-1",
                    "notes": "# Service log\n\n- *oil* changed",
                    "mileage": 12345.67,
                    "price": 19999,
                    "electric": true,
                    "soldAt": "2027-01-15T09:30:00-08:00",
                    "registeredOn": "2026-03-16",
                    "emails": ["sales@dealer.example", "service@dealer.example"],
                    "homepage": "https://dealer.example/cars/model-t",
                    "phones": ["+1 503 555 0100 x12", "+44 20 7946 0018"],
                    "profile": "https://www.linkedin.com/company/dealer-example",
                    "brand": "bmw",
                    "features": ["Sunroof", "opt_tow"],
                    "garage": {"street": "9 Harbor Rd", "city": "Portland", "country": "US",
                               "latitude": 45.52, "longitude": -122.68},
                    "driver": {"firstName": "Ada", "lastName": "Lovelace"},
                    "brochure": "<p>Fast</p>"
                },
                "relationships": {"owner_account": owner}
            }),
        )
        .await;
    golden!("vehicle_created", show(&created));
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/objects/vehicles/values/{id}");

    assert_eq!(lf.get(&path).await.body, created.body);
    let account = lf.get(&format!("/v1/accounts/{owner}")).await;
    assert_eq!(
        account.body["relationships"]["vehicles"],
        json!({"cardinality": "HAS_MANY", "objectType": "vehicles", "values": [id]})
    );

    let updated = lf
        .post(
            &path,
            json!({"fields": {"mileage": null, "garage": null, "driver": null, "registeredOn": "2026-03-17T00:00:00Z"},
                   "relationships": {"owner_account": {"replace": null}}}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let fields = &updated.body["fields"];
    let shown: Vec<String> = ["mileage", "garage", "driver", "registeredOn", "name"]
        .iter()
        .map(|key| format!("{key}: {}", fields[key]))
        .collect();
    expect![[r#"
        [
            "mileage: {\"value\":null,\"valueType\":\"NUMBER\"}",
            "garage: {\"value\":null,\"valueType\":\"ADDRESS\"}",
            "driver: {\"value\":null,\"valueType\":\"FULL_NAME\"}",
            "registeredOn: {\"value\":\"2026-03-17T00:00:00.000Z\",\"valueType\":\"DATETIME\"}",
            "name: {\"value\":\"Model T\",\"valueType\":\"TEXT\"}",
        ]
    "#]]
    .assert_debug_eq(&shown);
    assert_eq!(
        updated.body["relationships"]["owner_account"]["values"],
        json!([])
    );

    let listed = lf.get("/v1/objects/vehicles").await;
    assert_eq!(
        (
            listed.body["totalCount"].clone(),
            listed.body["data"][0]["id"].clone()
        ),
        (json!(1), json!(id))
    );

    assert_eq!(lf.delete(&path).await.status, 200);
    assert_eq!(lf.delete(&path).await.status, 200);
    assert_eq!(lf.get("/v1/objects/vehicles").await.body["totalCount"], 0);
    let restored = lf.post_empty(&format!("{path}/restore")).await;
    assert_eq!(
        (restored.status.as_u16(), restored.body["fields"].clone()),
        (200, updated.body["fields"].clone())
    );
}

#[tokio::test]
async fn custom_paths_check_the_slug() {
    let lf = Lf::with_custom_objects().await;
    let vehicle = lf
        .create(
            "/v1/objects/vehicles/values",
            json!({"fields": {"name": "Beetle"}}),
        )
        .await;
    let account = lf.account("Acme").await;
    let answers = [
        lf.get(&format!("/v1/objects/widgets/values/{vehicle}")).await,
        lf.post_empty(&format!("/v1/objects/widgets/values/{vehicle}/restore"))
            .await,
        lf.get(&format!("/v1/objects/vehicles/values/{account}")).await,
        lf.get("/v1/objects/account").await,
        lf.get(&format!("/v1/objects/account/values/{account}")).await,
        lf.get("/v1/objects/no_such_type/definitions").await,
        lf.post(
            "/v1/objects/no_such_type/values",
            json!({"fields": {"name": "x"}}),
        )
        .await,
    ];
    let lines: Vec<String> = answers.iter().map(error_line).collect();
    expect![[r#"
        [
            "404 not_found - -: No resource found in 'widgets' with the given ID.",
            "404 not_found - -: No resource found in 'widgets' with the given ID.",
            "404 not_found - -: No resource found in 'vehicles' with the given ID.",
            "404 not_found - -: No custom object type 'account' found.",
            "404 not_found - -: No custom object type 'account' found.",
            "404 not_found - -: No custom object type 'no_such_type' found.",
            "404 not_found - -: No custom object type 'no_such_type' found.",
        ]
    "#]]
    .assert_debug_eq(&lines);
}
