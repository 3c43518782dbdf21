//! Every error path answers Lightfield's error shape with the status, type, code and param
//! Lightfield uses, and leaves nothing behind.

use crate::support::{Lf, error_line, golden, show};
use crmd_testkit::TestResponse;
use expect_test::expect;
use http::Method;
use serde_json::json;

fn lines(responses: &[TestResponse]) -> Vec<String> {
    responses.iter().map(error_line).collect()
}

#[tokio::test]
async fn missing_and_invalid_keys_are_401() {
    let lf = Lf::new().await;
    let missing = lf
        .raw(Method::GET, "/v1/accounts", &[crate::support::VERSION], "")
        .await;
    golden!("error_401_missing_key", show(&missing));
    let invalid = lf
        .as_key("crmd_not_a_key", Method::GET, "/v1/auth/validate", None)
        .await;
    assert_eq!(error_line(&invalid), error_line(&missing));
}

#[tokio::test]
async fn missing_scope_is_403_naming_it() {
    let lf = Lf::with_custom_objects().await;
    let account = lf.account("Readable").await;
    let reader = lf.app.key_for("default", &["accounts:read"]).await.unwrap();
    let record = format!("/v1/accounts/{account}");
    let answers = [
        lf.as_key(
            &reader,
            Method::POST,
            "/v1/accounts",
            Some(json!({"fields": {"$name": "x"}})),
        )
        .await,
        // Permission is checked before the body: a bad body still answers 403.
        lf.as_key(&reader, Method::POST, "/v1/accounts", Some(json!({"bogus": 1})))
            .await,
        lf.as_key(
            &reader,
            Method::POST,
            &record,
            Some(json!({"fields": {"$name": "x"}})),
        )
        .await,
        lf.as_key(&reader, Method::DELETE, &record, None).await,
        lf.as_key(&reader, Method::POST, &format!("{record}/restore"), None)
            .await,
        lf.as_key(&reader, Method::GET, "/v1/accounts?status=trashed", None)
            .await,
        lf.as_key(&reader, Method::GET, "/v1/contacts", None).await,
        lf.as_key(&reader, Method::GET, "/v1/contacts/definitions", None)
            .await,
        // Permission is checked before the list parameters too.
        lf.as_key(&reader, Method::GET, "/v1/contacts?%24bogus=1&limit=99", None)
            .await,
        lf.as_key(&reader, Method::GET, "/v1/objects", None).await,
        lf.as_key(&reader, Method::GET, "/v1/objects/vehicles", None)
            .await,
    ];
    expect![[r#"
        [
            "403 forbidden - -: the API key lacks the scope \"accounts:create\"",
            "403 forbidden - -: the API key lacks the scope \"accounts:create\"",
            "403 forbidden - -: the API key lacks the scope \"accounts:update\"",
            "403 forbidden - -: the API key lacks the scope \"accounts:delete\"",
            "403 forbidden - -: the API key lacks the scope \"accounts:restore\"",
            "403 forbidden - -: the API key lacks the scope \"accounts:restore\"",
            "403 forbidden - -: the API key lacks the scope \"contacts:read\"",
            "403 forbidden - -: the API key lacks the scope \"contacts:read\"",
            "403 forbidden - -: the API key lacks the scope \"contacts:read\"",
            "403 forbidden - -: the API key lacks the scope \"custom_objects:read\"",
            "403 forbidden - -: the API key lacks the scope \"custom_objects:read\"",
        ]
    "#]]
    .assert_debug_eq(&lines(&answers));
    // What the scope allows works.
    assert_eq!(lf.as_key(&reader, Method::GET, &record, None).await.status, 200);
    assert_eq!(
        lf.as_key(&reader, Method::GET, "/v1/accounts/definitions", None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let lf = Lf::with_custom_objects().await;
    let contact = lf
        .create("/v1/contacts", json!({"fields": {"$title": "CEO"}}))
        .await;
    let answers = [
        lf.get("/v1/accounts/999999").await,
        lf.get("/v1/accounts/acc_1").await,
        lf.get("/v1/accounts/0").await,
        lf.get("/v1/accounts/007").await,
        lf.get("/v1/accounts/9007199254740992").await,
        // A record of another type is not found either.
        lf.get(&format!("/v1/accounts/{contact}")).await,
        lf.post(&format!("/v1/opportunities/{contact}"), json!({"fields": {}}))
            .await,
        lf.delete(&format!("/v1/objects/vehicles/values/{contact}")).await,
        lf.post_empty("/v1/accounts/999999/restore").await,
        lf.get("/v1/accounts/999999/fields/$name/history").await,
    ];
    expect![[r#"
        [
            "404 not_found - -: No resource found in 'accounts' with the given ID.",
            "404 not_found - -: No resource found in 'accounts' with the given ID.",
            "404 not_found - -: No resource found in 'accounts' with the given ID.",
            "404 not_found - -: No resource found in 'accounts' with the given ID.",
            "404 not_found - -: No resource found in 'accounts' with the given ID.",
            "404 not_found - -: No resource found in 'accounts' with the given ID.",
            "404 not_found - -: No resource found in 'opportunities' with the given ID.",
            "404 not_found - -: No resource found in 'vehicles' with the given ID.",
            "404 not_found - -: No resource found in 'accounts' with the given ID.",
            "404 not_found - -: No resource found in 'accounts' with the given ID.",
        ]
    "#]]
    .assert_debug_eq(&lines(&answers));
    golden!("error_404_record", show(&answers[0]));
}

#[tokio::test]
async fn version_header_is_required() {
    let lf = Lf::new().await;
    let authorization = format!("Bearer {}", lf.app.key);
    let missing = lf
        .raw(
            Method::GET,
            "/v1/accounts",
            &[("authorization", &authorization)],
            "",
        )
        .await;
    golden!("error_400_version_header", show(&missing));
    let answers = [
        lf.raw(
            Method::GET,
            "/v1/accounts",
            &[
                ("authorization", &authorization),
                ("lightfield-version", "2025-01-01"),
            ],
            "",
        )
        .await,
        // The version is checked before the key, and on every /v1 path.
        lf.raw(Method::GET, "/v1/channels", &[], "").await,
    ];
    expect![[r#"
        [
            "400 bad_request version_header Lightfield-Version: unsupported Lightfield-Version \"2025-01-01\"; this server speaks version \"2026-03-01\"",
            "400 bad_request version_header Lightfield-Version: missing Lightfield-Version header; this server speaks version \"2026-03-01\"",
        ]
    "#]]
    .assert_debug_eq(&lines(&answers));
}

#[tokio::test]
async fn write_errors_name_the_field_or_relationship() {
    let lf = Lf::new().await;
    let account = lf.account("Acme").await;
    let record = format!("/v1/accounts/{account}");
    let trashed = lf.account("Trashed").await;
    lf.delete(&format!("/v1/accounts/{trashed}")).await;
    let answers = [
        lf.post("/v1/accounts", json!({"fields": {"$name": "x", "bogus": 1}}))
            .await,
        lf.post(&record, json!({"fields": {"$Name": "x"}})).await,
        lf.post(&record, json!({"fields": {"$howTheyMakeMoney": "widgets"}}))
            .await,
        lf.post(
            "/v1/accounts",
            json!({"fields": {"$website": ["https://nameless.example"]}}),
        )
        .await,
        lf.post(&record, json!({"fields": {"$name": null}})).await,
        lf.post("/v1/opportunities", json!({"fields": {"$name": "Orphan"}}))
            .await,
        lf.post(
            "/v1/accounts",
            json!({"fields": {"$name": "x"}, "relationships": {"$bogus": "1"}}),
        )
        .await,
        lf.post(&record, json!({"relationships": {"$opportunity": {"add": "1"}}}))
            .await,
        lf.post(
            "/v1/accounts",
            json!({"fields": {"$name": "x"}, "relationships": {"$contact": ["999999"]}}),
        )
        .await,
        lf.post(
            "/v1/accounts",
            json!({"fields": {"$name": "x"}, "relationships": {"$contact": ["con_1"]}}),
        )
        .await,
        lf.post(
            "/v1/opportunities",
            json!({"fields": {"$name": "x"}, "relationships": {"$account": "1"}}),
        )
        .await,
        lf.post(
            "/v1/opportunities",
            json!({"fields": {"$name": "x"}, "relationships": {"$account": trashed}}),
        )
        .await,
        lf.post(
            &record,
            json!({"relationships": {"$owner": {"add": ["1"], "replace": "1"}}}),
        )
        .await,
        lf.post(&record, json!({"relationships": {"$owner": {}}})).await,
        lf.post(&record, json!({"relationships": {"$owner": {"set": "1"}}}))
            .await,
        lf.post(&record, json!({"relationships": {"$owner": "1"}})).await,
        lf.post(&record, json!({"relationships": {"$contact": {"add": [1]}}}))
            .await,
    ];
    expect![[r#"
        [
            "400 bad_request unknown_field fields.bogus: unknown field \"bogus\" on object \"account\"",
            "400 bad_request unknown_field fields.$Name: unknown field \"$Name\" on object \"account\"",
            "400 bad_request read_only fields.$howTheyMakeMoney: field \"$howTheyMakeMoney\" is read-only",
            "422 unprocessable_content parameter_missing fields.$name: field \"$name\" is required",
            "422 unprocessable_content parameter_missing fields.$name: field \"$name\" is required",
            "422 unprocessable_content parameter_missing relationships.$account: relationship \"$account\" is required",
            "400 bad_request unknown_relationship relationships.$bogus: unknown relationship \"$bogus\" on object \"account\"",
            "400 bad_request read_only relationships.$opportunity: relationship \"$opportunity\" is read-only",
            "400 bad_request relationship_entity_missing relationships.$contact: record 999999 for relationship \"$contact\" does not exist",
            "400 bad_request relationship_entity_missing relationships.$contact: record \"con_1\" for relationship \"$contact\" does not exist",
            "400 bad_request relationship_entity_missing relationships.$account: record 1 for relationship \"$account\" does not exist",
            "400 bad_request relationship_entity_inactive relationships.$account: record 3 for relationship \"$account\" is in the trash",
            "400 bad_request invalid_relationship_operation relationships.$owner: replace cannot be combined with add or remove on relationship \"$owner\"",
            "400 bad_request invalid_relationship_operation relationships.$owner: the operation on relationship \"$owner\" needs add, remove or replace",
            "400 bad_request invalid_relationship_operation relationships.$owner: unknown operation \"set\" on relationship \"$owner\"; operations are add, remove and replace",
            "400 bad_request invalid_type relationships.$owner: relationships.$owner must be an operation object with add, remove or replace, got a string",
            "400 bad_request invalid_type relationships.$contact.add: relationships.$contact.add must hold id strings, got a number",
        ]
    "#]]
    .assert_debug_eq(&lines(&answers));
    golden!("error_400_unknown_field", show(&answers[0]));
    golden!("error_422_required", show(&answers[3]));
    // Nothing was written by the refused creates.
    assert_eq!(lf.get("/v1/accounts").await.body["totalCount"], 1);
    assert_eq!(lf.get("/v1/opportunities").await.body["totalCount"], 0);
}

#[tokio::test]
async fn bad_values_are_400_per_type() {
    let lf = Lf::with_custom_objects().await;
    let cases = [
        json!({"name": 42}),
        json!({"notes": 42}),
        json!({"mileage": "twelve"}),
        json!({"mileage": 1.234}),
        json!({"price": "EUR 5"}),
        json!({"electric": "yes"}),
        json!({"soldAt": "next tuesday"}),
        json!({"registeredOn": "2026-03-16T12:00:00Z"}),
        json!({"emails": ["not-an-email"]}),
        json!({"homepage": "not a url"}),
        json!({"phones": ["call me maybe"]}),
        json!({"profile": "https://x.com/dealer"}),
        json!({"brand": "Tesla"}),
        json!({"features": ["Sunroof", "Jetpack"]}),
        json!({"garage": {"city": "Portland", "country": "USA"}}),
        json!({"garage": "9 Harbor Rd, Portland"}),
        json!({"driver": "Ada Lovelace"}),
    ];
    let mut answers = Vec::new();
    for fields in cases {
        let mut fields = fields;
        fields["name"] = fields.get("name").cloned().unwrap_or(json!("Car"));
        answers.push(
            lf.post("/v1/objects/vehicles/values", json!({"fields": fields}))
                .await,
        );
    }
    expect![[r#"
        [
            "400 bad_request invalid_value fields.name: invalid value for field \"name\": expected a string, got 42",
            "400 bad_request invalid_value fields.notes: invalid value for field \"notes\": expected a string, got 42",
            "400 bad_request invalid_value fields.mileage: invalid value for field \"mileage\": \"twelve\" is not a number",
            "400 bad_request invalid_value fields.mileage: invalid value for field \"mileage\": 1.234 has too many decimal places: numbers have at most 2 decimal places",
            "400 bad_request invalid_value fields.price: invalid value for field \"price\": \"EUR 5\" is not a number",
            "400 bad_request invalid_value fields.electric: invalid value for field \"electric\": expected true or false, got \"yes\"",
            "400 bad_request invalid_value fields.soldAt: invalid value for field \"soldAt\": \"next tuesday\" is not a date-time: expected an RFC 3339 date-time with an offset, such as 2026-03-16T12:00:00Z",
            "400 bad_request invalid_value fields.registeredOn: invalid value for field \"registeredOn\": \"2026-03-16T12:00:00Z\" is not at midnight UTC",
            "400 bad_request invalid_value fields.emails: invalid value for field \"emails\": \"not-an-email\" is not a valid email address",
            "400 bad_request invalid_value fields.homepage: invalid value for field \"homepage\": \"not a url\" is not a valid URL: it contains whitespace or a control character",
            "400 bad_request invalid_value fields.phones: invalid value for field \"phones\": \"call me maybe\" is not a valid telephone number",
            "400 bad_request invalid_value fields.profile: invalid value for field \"profile\": \"https://x.com/dealer\" is not a profile URL on LinkedIn; expected https://www.linkedin.com/in/{slug} or https://www.linkedin.com/company/{slug}",
            "400 bad_request invalid_value fields.brand: invalid value for field \"brand\": \"Tesla\" is not an option; options are: Audi, BMW, Fiat",
            "400 bad_request invalid_value fields.features: invalid value for field \"features\": \"Jetpack\" is not an option; options are: Sunroof, Tow hitch",
            "400 bad_request invalid_value fields.garage: invalid value for field \"garage\": country \"USA\" is not an ISO 3166-1 alpha-2 code such as \"US\"",
            "400 bad_request invalid_value fields.garage: invalid value for field \"garage\": expected an address object, got \"9 Harbor Rd, Portland\"",
            "400 bad_request invalid_type fields.driver: invalid value for field \"driver\": expected a full name object {firstName, lastName}, got a string",
        ]
    "#]]
    .assert_debug_eq(&lines(&answers));
    assert_eq!(lf.get("/v1/objects/vehicles").await.body["totalCount"], 0);
}

#[tokio::test]
async fn unique_values_conflict() {
    let lf = Lf::with_custom_objects().await;
    lf.create(
        "/v1/objects/vehicles/values",
        json!({"fields": {"name": "A", "vin": "VIN-1"}}),
    )
    .await;
    let conflict = lf
        .post(
            "/v1/objects/vehicles/values",
            json!({"fields": {"name": "B", "vin": "vin-1"}}),
        )
        .await;
    golden!("error_409_unique", show(&conflict));
    lf.create("/v1/contacts", json!({"fields": {"$email": ["ada@example.com"]}}))
        .await;
    let other = lf
        .create("/v1/contacts", json!({"fields": {"$title": "CFO"}}))
        .await;
    let taken = lf
        .post(
            &format!("/v1/contacts/{other}"),
            json!({"fields": {"$email": ["x@example.com", "ADA@example.com"]}}),
        )
        .await;
    expect![[r#"409 conflict unique_violation fields.$email: value for unique field "$email" is already used by record 3"#]]
        .assert_eq(&error_line(&taken));
}

#[tokio::test]
async fn relationship_write_limit_is_422() {
    let lf = Lf::new().await;
    let mut contacts = Vec::new();
    for index in 0..26 {
        contacts.push(
            lf.create("/v1/contacts", json!({"fields": {"$title": format!("c{index}")}}))
                .await,
        );
    }
    let answer = lf
        .post(
            "/v1/accounts",
            json!({"fields": {"$name": "Bulk"}, "relationships": {"$contact": contacts}}),
        )
        .await;
    expect![[r#"422 unprocessable_content relationship_write_limit_exceeded relationships: a request may reference at most 25 records in relationships"#]]
        .assert_eq(&error_line(&answer));
}

#[tokio::test]
async fn bodies_must_be_json_objects_within_the_limit() {
    let lf = Lf::new().await;
    let authorization = format!("Bearer {}", lf.app.key);
    let auth = ("authorization", authorization.as_str());
    let version = crate::support::VERSION;
    let json_type = ("content-type", "application/json");
    let answers = [
        lf.raw(
            Method::POST,
            "/v1/accounts",
            &[auth, version, ("content-type", "text/plain")],
            "$name=Acme",
        )
        .await,
        lf.raw(Method::POST, "/v1/accounts", &[auth, version], "{\"fields\":{}}")
            .await,
        lf.raw(
            Method::POST,
            "/v1/accounts",
            &[auth, version, json_type],
            "{\"fields\":",
        )
        .await,
        lf.raw(
            Method::POST,
            "/v1/accounts",
            &[auth, version, ("content-length", "99999999999")],
            "{}",
        )
        .await,
        lf.post("/v1/accounts", json!(["not", "an", "object"])).await,
        lf.post("/v1/accounts", json!({"fields": {"$name": "x"}, "extra": true}))
            .await,
        lf.post("/v1/accounts", json!({"fields": "Acme"})).await,
        lf.post("/v1/accounts", json!({"relationships": {}})).await,
        lf.post(
            "/v1/accounts",
            json!({"fields": {"$name": "x"}, "skipEnrichment": "yes"}),
        )
        .await,
        lf.raw(Method::POST, "/v1/accounts", &[auth, version, json_type], "")
            .await,
        lf.raw(
            Method::DELETE,
            "/v1/accounts/1",
            &[auth, version, json_type],
            "{\"force\":true}",
        )
        .await,
    ];
    expect![[r#"
        [
            "415 unsupported_media_type - -: the request body must be JSON with Content-Type: application/json; got Content-Type \"text/plain\"",
            "415 unsupported_media_type - -: the request body must be JSON with Content-Type: application/json; got Content-Type none",
            "400 bad_request invalid_json -: the request body is not valid JSON: EOF while parsing a value at line 1 column 10",
            "413 payload_too_large - -: the request body exceeds the limit of 10485760 bytes",
            "400 bad_request invalid_type -: the request body must be a JSON object, got an array",
            "400 bad_request unknown_parameter extra: unknown body parameter \"extra\"; this endpoint takes fields, relationships, skipEnrichment",
            "400 bad_request invalid_type fields: fields must be an object of field values, got a string",
            "400 bad_request parameter_missing fields: the request body needs \"fields\", an object of field values",
            "400 bad_request invalid_type skipEnrichment: skipEnrichment must be true or false, got a string",
            "400 bad_request parameter_missing fields: the request body needs \"fields\", an object of field values",
            "400 bad_request unknown_parameter force: unknown body parameter \"force\"; this endpoint takes nothing",
        ]
    "#]]
    .assert_debug_eq(&lines(&answers));
    // The SDK's `body={}` on delete and restore is fine.
    let account = lf.account("Acme").await;
    let deleted = lf
        .raw(
            Method::DELETE,
            &format!("/v1/accounts/{account}"),
            &[auth, version, json_type],
            "{}",
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
}

#[tokio::test]
async fn list_parameters_are_checked() {
    let lf = Lf::new().await;
    let answers = [
        lf.get("/v1/accounts?limit=0").await,
        lf.get("/v1/accounts?limit=26").await,
        lf.get("/v1/accounts?limit=ten").await,
        lf.get("/v1/accounts?offset=-1").await,
        lf.get("/v1/accounts?status=deleted").await,
        lf.get("/v1/accounts?%24name%5BgreaterThan%5D=A").await,
        lf.get("/v1/accounts?%24bogus=1").await,
        lf.get("/v1/accounts?%24industry%5Bequal%5D=Software").await,
    ];
    expect![[r#"
        [
            "400 bad_request - limit: limit must be an integer from 1 to 25, got \"0\"",
            "400 bad_request - limit: limit must be an integer from 1 to 25, got \"26\"",
            "400 bad_request - limit: limit must be an integer from 1 to 25, got \"ten\"",
            "400 bad_request - offset: offset must be an integer of at least 0, got \"-1\"",
            "400 bad_request - status: status must be \"active\" or \"trashed\", got \"deleted\"",
            "400 bad_request invalid_filter $name[greaterThan]: operator greaterThan is not supported on TEXT field \"$name\"; it takes equal, startsWith",
            "400 bad_request unknown_field $bogus: unknown field or relationship \"$bogus\" on object \"account\"",
            "400 bad_request invalid_filter $industry[equal]: MULTI_SELECT field \"$industry\" is not filterable",
        ]
    "#]]
    .assert_debug_eq(&lines(&answers));
    golden!("error_400_bad_limit", show(&answers[1]));
}
