//! Field history: newest first, identical neighbours collapsed, paged by cursor, creation
//! marked only on a complete history.

use crate::support::{Lf, golden, redact};
use expect_test::expect;
use serde_json::{Value, json};

fn entries(history: &Value) -> String {
    let data = history["data"].as_array().expect("a history has data");
    let entries: Vec<String> = data
        .iter()
        .map(|entry| {
            format!(
                "{} {} create={}",
                entry["value"], entry["displayValue"], entry["isCreate"]
            )
        })
        .collect();
    format!(
        "{} hasMore={} next={}",
        entries.join(" | "),
        history["hasMore"],
        history["nextCursor"].is_string()
    )
}

#[tokio::test]
async fn history_collapses_and_pages() {
    let lf = Lf::new().await;
    let id = lf.account("v1").await;
    let record = format!("/v1/accounts/{id}");
    for name in ["v2", "v2", "v3"] {
        lf.post(&record, json!({"fields": {"$name": name}})).await;
    }
    let whole = lf.get(&format!("{record}/fields/$name/history")).await;
    golden!(
        "account_name_history",
        json!({"status": whole.status.as_u16(), "body": redact(whole.body.clone())})
    );

    let first = lf
        .get(&format!("{record}/fields/$name/history?limit=2"))
        .await
        .body;
    expect![[r#""v3" "v3" create=false | "v2" "v2" create=false hasMore=true next=true"#]]
        .assert_eq(&entries(&first));
    let cursor = first["nextCursor"].as_str().unwrap();
    let rest = lf
        .get(&format!("{record}/fields/%24name/history?limit=2&after={cursor}"))
        .await
        .body;
    expect![[r#""v1" "v1" create=false hasMore=false next=false"#]].assert_eq(&entries(&rest));

    // A field never written has no entries, or one empty creation entry.
    let website = lf.get(&format!("{record}/fields/$website/history")).await;
    assert_eq!(website.status, 200, "{}", website.text);
}

#[tokio::test]
async fn select_history_shows_labels() {
    let lf = Lf::new().await;
    let account = lf.account("Buyer").await;
    let id = lf
        .create(
            "/v1/opportunities",
            json!({"fields": {"$name": "Deal", "$stage": "Discovery"}, "relationships": {"$account": account}}),
        )
        .await;
    lf.post(
        &format!("/v1/opportunities/{id}"),
        json!({"fields": {"$stage": "Closed Won"}}),
    )
    .await;
    let history = lf
        .get(&format!("/v1/opportunities/{id}/fields/$stage/history"))
        .await
        .body;
    expect![[r#""opt_stage_closed_won" "Closed Won" create=false | "opt_stage_discovery" "Discovery" create=true hasMore=false next=false"#]]
        .assert_eq(&entries(&history));
    assert_eq!(history["data"][0]["valueType"], "SINGLE_SELECT");
}

#[tokio::test]
async fn history_of_custom_fields_and_errors() {
    let lf = Lf::with_custom_objects().await;
    let id = lf
        .create(
            "/v1/objects/vehicles/values",
            json!({"fields": {"name": "Car", "registeredOn": "2026-03-16"}}),
        )
        .await;
    let history = lf
        .get(&format!(
            "/v1/objects/vehicles/values/{id}/fields/registeredOn/history"
        ))
        .await
        .body;
    expect![[r#""2026-03-16T00:00:00.000Z" "2026-03-16" create=true hasMore=false next=false"#]]
        .assert_eq(&entries(&history));
    let answers = [
        lf.get(&format!(
            "/v1/objects/vehicles/values/{id}/fields/no_such_field/history"
        ))
        .await,
        lf.get(&format!(
            "/v1/objects/vehicles/values/{id}/fields/name/history?limit=101"
        ))
        .await,
        lf.get(&format!(
            "/v1/objects/vehicles/values/{id}/fields/name/history?after=abc"
        ))
        .await,
        lf.get(&format!("/v1/objects/widgets/values/{id}/fields/name/history"))
            .await,
        lf.get(&format!(
            "/v1/objects/vehicles/values/{id}/fields/owner_account/history"
        ))
        .await,
    ];
    let lines: Vec<String> = answers.iter().map(crate::support::error_line).collect();
    expect![[r#"
        [
            "400 bad_request unknown_field fields.no_such_field: unknown field \"no_such_field\" on object \"vehicles\"",
            "400 bad_request - limit: limit must be an integer from 1 to 100, got \"101\"",
            "400 bad_request - after: after must be a nextCursor from an earlier page, got \"abc\"",
            "404 not_found - -: No resource found in 'widgets' with the given ID.",
            "400 bad_request - fieldKey: owner_account is a relationship, and relationships have no field history; read its links from the record",
        ]
    "#]]
    .assert_debug_eq(&lines);
}
