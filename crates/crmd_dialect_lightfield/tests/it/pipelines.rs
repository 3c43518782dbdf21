//! Pipelines and stages: definitions, writes by stage id or label with a pipeline hint, the
//! pipeline errors with their extra members, and pipeline and stage filters.

use crate::support::{Lf, error_line};
use expect_test::{Expect, expect};
use serde_json::{Value, json};

/// A custom type with two pipelines that share the stage labels "New" and "Closed".
const TICKETS: &str = r#"
[[object]]
slug = "tickets"
label = "Ticket"
display_field = "name"

  [[object.field]]
  key = "name"
  type = "TEXT"

  [[object.field]]
  key = "$pipeline"
  label = "Pipeline"
  type = "SINGLE_SELECT"
  options = [{ id = "pd_support", label = "Support" }, "Escalations"]

  [[object.field]]
  key = "$stage"
  label = "Stage"
  type = "SINGLE_SELECT"
  parent_field = "$pipeline"
  options = [
    { id = "opt_new", label = "New", parent = "pd_support" },
    { id = "opt_open", label = "Open", parent = "pd_support" },
    { id = "opt_closed", label = "Closed", parent = "pd_support" },
    { label = "New", parent = "Escalations" },
    { label = "Investigating", parent = "Escalations" },
    { label = "Closed", parent = "Escalations" },
  ]
"#;

const TICKETS_PATH: &str = "/v1/objects/tickets/values";

#[track_caller]
fn check(actual: String, expected: Expect) {
    expected.assert_eq(&actual);
}

/// The stage and pipeline a response's record holds, or its error line.
fn stage_of(response: &crmd_testkit::TestResponse) -> String {
    if response.status != 200 {
        return error_line(response);
    }
    let fields = &response.body["fields"];
    format!("{} {}", fields["$stage"]["value"], fields["$pipeline"]["value"])
}

async fn escalation_ids(lf: &Lf) -> (String, Value) {
    let definitions = lf.get("/v1/objects/tickets/definitions").await;
    let pipeline = definitions.body["fieldDefinitions"]["$pipeline"]["typeConfiguration"]["options"][1]["id"]
        .as_str()
        .expect("as the test set up")
        .to_owned();
    let stages = definitions.body["fieldDefinitions"]["$stage"]["typeConfiguration"]["options"].clone();
    (pipeline, stages)
}

#[tokio::test]
async fn definitions_show_pipelines_as_parents_of_stages() {
    let lf = Lf::with_schema(TICKETS).await;
    let (escalations, stages) = escalation_ids(&lf).await;
    assert!(escalations.starts_with("pd_"), "{escalations}");
    let definitions = lf.get("/v1/objects/tickets/definitions").await;
    let stage = &definitions.body["fieldDefinitions"]["$stage"];
    assert_eq!(stage["typeConfiguration"]["parentFieldKey"], "$pipeline");
    let parents: Vec<&str> = stages
        .as_array()
        .expect("as the test set up")
        .iter()
        .map(|option| option["parentId"].as_str().expect("as the test set up"))
        .collect();
    assert_eq!(
        parents,
        [
            "pd_support",
            "pd_support",
            "pd_support",
            &escalations,
            &escalations,
            &escalations
        ]
    );
    let opportunity = lf.get("/v1/opportunities/definitions").await;
    check(
        opportunity.body["fieldDefinitions"]["$pipeline"]["typeConfiguration"].to_string(),
        expect![[
            r#"{"options":[{"description":null,"id":"pd_sales","label":"Sales pipeline","parentId":null}]}"#
        ]],
    );
}

#[tokio::test]
async fn writes_resolve_stages_by_id_or_by_label_within_a_pipeline() {
    let lf = Lf::with_schema(TICKETS).await;
    let (escalations, _) = escalation_ids(&lf).await;
    let create = |fields: Value| lf.post(TICKETS_PATH, json!({ "fields": fields }));
    // A stage id sets the pipeline.
    check(
        stage_of(&create(json!({"$stage": "opt_open"})).await),
        expect![[r#""opt_open" "pd_support""#]],
    );
    // A label with a pipeline id or name.
    check(
        stage_of(&create(json!({"$stage": " closed ", "$pipeline": "pd_support"})).await),
        expect![[r#""opt_closed" "pd_support""#]],
    );
    let response = create(json!({"$stage": "investigating", "$pipeline": "escalations"})).await;
    assert_eq!(
        response.body["fields"]["$pipeline"]["value"],
        escalations.as_str()
    );
    // A label alone on a custom type needs the pipeline, even when only one stage has it.
    let response = create(json!({"$stage": "Investigating"})).await;
    check(
        error_line(&response),
        expect![[
            r#"422 unprocessable_content ambiguous_stage_label fields.$stage: stage label "Investigating" does not name one stage: a stage label needs $pipeline (a pipeline id or name) on this object type; use a stage id or give $pipeline"#
        ]],
    );
    assert_eq!(
        response.body["error"]["candidates"]
            .as_array()
            .expect("as the test set up")
            .len(),
        1
    );
    let response = create(json!({"$stage": "New"})).await;
    assert_eq!(response.status, 422);
    let candidates = &response.body["error"]["candidates"];
    assert_eq!(
        candidates[0],
        json!({"stageOptionId": "opt_new", "stageLabel": "New", "pipelineId": "pd_support", "pipelineName": "Support"})
    );
    assert_eq!(candidates[1]["pipelineId"], escalations.as_str());
    assert_eq!(candidates[1]["pipelineName"], "Escalations");
    assert!(response.body["error"].get("truncated").is_none());
    // A stage the pipeline does not have.
    let response = create(json!({"$stage": "opt_open", "$pipeline": escalations})).await;
    check(
        error_line(&response).replace(&escalations, "ESCALATIONS"),
        expect![[
            r#"422 unprocessable_content stage_unresolved_in_pipeline fields.$stage: stage "opt_open" is not a stage of pipeline "ESCALATIONS""#
        ]],
    );
    assert_eq!(response.body["error"]["pipelineId"], escalations.as_str());
    assert_eq!(
        response.body["error"]["candidates"]
            .as_array()
            .expect("as the test set up")
            .len(),
        3
    );
    let response = create(json!({"$stage": "Open", "$pipeline": escalations})).await;
    assert_eq!(response.body["error"]["code"], "stage_unresolved_in_pipeline");
    // An unknown pipeline.
    let response = create(json!({"$stage": "New", "$pipeline": "pd_nope"})).await;
    check(
        error_line(&response).replace(&escalations, "ESCALATIONS"),
        expect![[
            r#"422 unprocessable_content unknown_pipeline fields.$pipeline: unknown pipeline "pd_nope"; pipelines are pd_support, ESCALATIONS"#
        ]],
    );
    assert_eq!(
        response.body["error"]["activePipelineIds"],
        json!(["pd_support", escalations])
    );
    // The pipeline is only a hint for a stage.
    check(
        error_line(&create(json!({"name": "x", "$pipeline": "pd_support"})).await),
        expect![[
            r#"400 bad_request invalid_value fields.$pipeline: invalid value for field "$pipeline": $pipeline is only a hint for $stage and is not stored; send it with $stage"#
        ]],
    );
    check(
        error_line(
            &lf.post(
                "/v1/accounts",
                json!({"fields": {"$name": "A", "$pipeline": "pd_sales"}}),
            )
            .await,
        ),
        expect![[
            r#"400 bad_request unknown_field fields.$pipeline: unknown field "$pipeline" on object "account""#
        ]],
    );
    // Nothing of a refused write is stored.
    let list = lf.get("/v1/objects/tickets").await;
    assert_eq!(list.body["totalCount"], 3);
}

#[tokio::test]
async fn opportunity_stage_labels_fall_back_to_the_record_or_default_pipeline() {
    let lf = Lf::new().await;
    let account = lf.account("Acme").await;
    let response = lf
        .post(
            "/v1/opportunities",
            json!({"fields": {"$name": "Deal", "$stage": "closed  WON"}, "relationships": {"$account": account}}),
        )
        .await;
    check(
        stage_of(&response),
        expect![[r#""opt_stage_closed_won" "pd_sales""#]],
    );
    let id = response.body["id"]
        .as_str()
        .expect("as the test set up")
        .to_owned();
    let response = lf
        .post(
            &format!("/v1/opportunities/{id}"),
            json!({"fields": {"$stage": "Proposal", "$pipeline": "Sales pipeline"}}),
        )
        .await;
    check(
        stage_of(&response),
        expect![[r#""opt_stage_proposal" "pd_sales""#]],
    );
    let response = lf
        .post(
            &format!("/v1/opportunities/{id}"),
            json!({"fields": {"$stage": "Won"}}),
        )
        .await;
    assert_eq!(
        response.body["error"]["code"], "invalid_value",
        "{}",
        response.text
    );
    // Clearing the stage clears the pipeline it implies.
    let response = lf
        .post(
            &format!("/v1/opportunities/{id}"),
            json!({"fields": {"$stage": null}}),
        )
        .await;
    check(stage_of(&response), expect!["null null"]);
}

/// The names of the tickets a filter lists, or its error line with its extra members.
async fn tickets(lf: &Lf, query: &str) -> String {
    let response = lf.get(&format!("/v1/objects/tickets?{query}")).await;
    if response.status != 200 {
        let mut extra = response.body["error"].clone();
        for key in ["type", "message", "code", "param"] {
            extra.as_object_mut().expect("as the test set up").remove(key);
        }
        return format!("{} {extra}", error_line(&response));
    }
    response.body["data"]
        .as_array()
        .expect("as the test set up")
        .iter()
        .map(|record| record["fields"]["name"]["value"].as_str().unwrap_or("?"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test]
async fn pipeline_and_stage_filters() {
    let lf = Lf::with_schema(TICKETS).await;
    let (escalations, _) = escalation_ids(&lf).await;
    for (name, stage, pipeline) in [
        ("support new", "New", "pd_support"),
        ("support closed", "Closed", "pd_support"),
        ("escalation new", "New", escalations.as_str()),
        ("escalation investigating", "Investigating", escalations.as_str()),
    ] {
        lf.create(
            TICKETS_PATH,
            json!({"fields": {"name": name, "$stage": stage, "$pipeline": pipeline}}),
        )
        .await;
    }
    lf.create(TICKETS_PATH, json!({"fields": {"name": "no stage"}}))
        .await;
    let redact = |text: String| text.replace(&escalations, "ESCALATIONS");
    check(
        tickets(&lf, "$pipeline[equal]=pd_support").await,
        expect!["support closed, support new"],
    );
    check(
        tickets(&lf, "%24pipeline%5B-equal%5D=pd_support").await,
        expect!["no stage, escalation investigating, escalation new"],
    );
    check(
        redact(tickets(&lf, &format!("$pipeline={escalations}&$stage[equal]=%20new")).await),
        expect!["escalation new"],
    );
    check(
        tickets(&lf, "$stage=investigating").await,
        expect!["escalation investigating"],
    );
    check(tickets(&lf, "$stage=opt_new").await, expect!["support new"]);
    // A stage id that the chosen pipeline does not own matches nothing.
    check(
        tickets(&lf, &format!("$stage=opt_new&$pipeline={escalations}")).await,
        expect![""],
    );
    check(
        tickets(&lf, "$stage[-equal]=opt_new&$pipeline[-equal]=pd_support").await,
        expect!["no stage, escalation investigating, escalation new"],
    );
    let (_, stages) = escalation_ids(&lf).await;
    let escalation_new = stages[3]["id"].as_str().expect("as the test set up").to_owned();
    check(
        redact(tickets(&lf, "$stage=new").await).replace(&escalation_new, "ESCALATION_NEW"),
        expect![[
            r#"400 bad_request ambiguous_stage_label $stage: filter "$stage": stage label "new" names stages of several pipelines; add $pipeline[equal]=<pipeline id> or use a stage id {"candidates":[{"pipelineId":"pd_support","pipelineName":"Support","stageLabel":"New","stageOptionId":"opt_new"},{"pipelineId":"ESCALATIONS","pipelineName":"Escalations","stageLabel":"New","stageOptionId":"ESCALATION_NEW"}]}"#
        ]],
    );
    check(
        redact(tickets(&lf, "$pipeline=Support").await),
        expect![[
            r#"400 bad_request unknown_pipeline $pipeline: filter "$pipeline": unknown pipeline "Support"; pipelines are pd_support, ESCALATIONS; filters take pipeline ids {"activePipelineIds":["pd_support","ESCALATIONS"]}"#
        ]],
    );
    check(
        redact(
            tickets(
                &lf,
                &format!("$pipeline=pd_support&$pipeline[equal]={escalations}"),
            )
            .await,
        ),
        expect![[
            r#"400 bad_request invalid_filter $pipeline[equal]: at most one positive $pipeline filter is allowed; use $pipeline[-equal] to exclude pipelines {}"#
        ]],
    );
    check(
        tickets(&lf, "$stage[startsWith]=N").await,
        expect![[
            r#"400 bad_request invalid_filter $stage[startsWith]: operator startsWith is not supported on stage field "$stage"; it takes equal {}"#
        ]],
    );
}
