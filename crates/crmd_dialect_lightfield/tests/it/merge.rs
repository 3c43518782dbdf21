//! Merges: the response shapes, and every malformed body answering a 4xx that names its
//! parameter, with nothing merged.

use crate::support::{Lf, error_line, golden, show};
use expect_test::expect;
use serde_json::json;

#[tokio::test]
async fn a_merge_answers_the_primary_and_a_summary() {
    let lf = Lf::new().await;
    let primary = lf.account("Keep").await;
    let duplicate = lf
        .create(
            "/v1/accounts",
            json!({"fields": {"$name": "Drop", "$linkedIn": "https://www.linkedin.com/company/drop"}}),
        )
        .await;
    let contact = lf
        .create(
            "/v1/contacts",
            json!({"fields": {"$name": {"firstName": "Ada"}}, "relationships": {"$account": duplicate}}),
        )
        .await;
    let merged = lf
        .post(
            "/v1/accounts/merge",
            json!({"primaryId": primary, "duplicateId": duplicate, "fieldResolutions": {"name": "duplicate"}}),
        )
        .await;
    assert_eq!(merged.status, 200, "{:?}", merged.body);
    assert_eq!(
        merged.body["primary"]["relationships"]["$contact"]["values"],
        json!([contact])
    );
    golden!("merge_accounts", show(&merged));
    let merge_id = merged.body["merge"]["id"].as_str().unwrap_or_default().to_owned();
    let status = lf.get(&format!("/v1/merges/{merge_id}")).await;
    assert_eq!(status.body["primaryId"], json!(primary));
    assert_eq!(status.body["duplicateId"], json!(duplicate));
    golden!("merge_status", show(&status));
}

#[tokio::test]
async fn malformed_merge_bodies_name_their_parameter() {
    let lf = Lf::new().await;
    let primary = lf.account("Keep").await;
    let duplicate = lf.account("Drop").await;
    let post = |body: serde_json::Value| lf.post("/v1/accounts/merge", body);
    let answers = [
        lf.post_empty("/v1/accounts/merge").await,
        post(json!({"primaryId": primary})).await,
        post(json!({"primaryId": 7, "duplicateId": duplicate})).await,
        post(json!({"primaryId": "acc_1", "duplicateId": duplicate})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "extra": 1})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "fieldResolutions": []})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "fieldResolutions": {"$name": {"val": 1}}})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "fieldResolutions": {"$name": "both"}})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "fieldResolutions": {"$name": "primary", "name": "duplicate"}})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "fieldResolutions": {"$accountStatus": "duplicate"}})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "fieldResolutions": {"$name": {"value": null}}})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "options": {"multiSelectUnion": "yes"}})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "options": {"union": true}})).await,
        post(json!({"primaryId": primary, "duplicateId": duplicate, "options": 1})).await,
    ];
    let lines: Vec<String> = answers.iter().map(error_line).collect();
    expect![[r#"
        [
            "400 bad_request parameter_missing primaryId: the request body needs \"primaryId\", a record id",
            "400 bad_request parameter_missing duplicateId: the request body needs \"duplicateId\", a record id",
            "400 bad_request invalid_type primaryId: primaryId must be a record id string, got a number",
            "404 not_found - primaryId: No resource found in 'accounts' with the given ID.",
            "400 bad_request unknown_parameter extra: unknown body parameter \"extra\"; this endpoint takes primaryId, duplicateId, fieldResolutions and options",
            "400 bad_request invalid_type fieldResolutions: fieldResolutions must be an object keyed by field, got an array",
            "400 bad_request invalid_type fieldResolutions.$name: fieldResolutions.$name must be \"primary\", \"duplicate\" or {\"value\": <value>}, got an object",
            "400 bad_request invalid_value fieldResolutions.$name: fieldResolutions.$name must be \"primary\", \"duplicate\" or {\"value\": <value>}, got \"both\"",
            "400 bad_request - fieldResolutions.name: field \"$name\" is resolved twice",
            "400 bad_request read_only fieldResolutions.$accountStatus: field \"$accountStatus\" is read-only",
            "422 unprocessable_content parameter_missing fieldResolutions.$name: field \"$name\" is required",
            "400 bad_request invalid_type options.multiSelectUnion: options.multiSelectUnion must be true or false, got a string",
            "400 bad_request unknown_parameter options.union: unknown option \"union\"; merges take multiSelectUnion",
            "400 bad_request invalid_type options: options must be an object, got a number",
        ]
    "#]].assert_debug_eq(&lines);
    assert_eq!(
        lf.get(&format!("/v1/accounts/{duplicate}")).await.status,
        200,
        "nothing was merged"
    );
}
