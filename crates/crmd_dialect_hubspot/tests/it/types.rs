//! Tickets, calls, emails, products and line items: their properties, the ticket pipeline,
//! a line item's calculated amount, HubSpot's association types and search.

use crate::support::{Hs, error_line, golden, show};
use http::Method;
use serde_json::{Value, json};

const LIGHTFIELD: &[(&str, &str)] = &[("lightfield-version", "2026-03-01")];

/// The property names of an object, in order.
fn property_names(object: &Value) -> Vec<String> {
    object["properties"]
        .as_object()
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// The ids of a search or list answer, in order.
fn result_ids(response: &Value) -> Vec<String> {
    response["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .map(|result| result["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_ticket_has_hubspots_default_pipeline_and_stages() {
    let hs = Hs::new().await;
    let created = hs
        .post(
            "/crm/v3/objects/tickets",
            json!({"properties": {"subject": "Printer on fire", "content": "Third floor",
                                  "hs_pipeline": "0", "hs_pipeline_stage": "1",
                                  "hs_ticket_priority": "HIGH",
                                  "hs_ticket_category": "GENERAL_INQUIRY;BILLING_ISSUE",
                                  "hubspot_owner_id": "1"}}),
        )
        .await;
    golden!("ticket_created", show(&created));
    let id = created.body["id"].as_str().unwrap().to_owned();

    let fetched = hs.get(&format!("/crm/v3/objects/ticket/{id}")).await;
    assert_eq!(fetched.status, 200, "{}", fetched.text);
    assert_eq!(
        property_names(&fetched.body),
        [
            "content",
            "createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_pipeline",
            "hs_pipeline_stage",
            "hs_ticket_category",
            "hs_ticket_priority",
            "subject"
        ],
        "HubSpot's default ticket properties"
    );
    assert_eq!(fetched.body["properties"]["hs_pipeline"], "0");

    // A stage label of the default pipeline is taken, and the pipeline follows the stage.
    let moved = hs
        .patch(
            &format!("/crm/v3/objects/0-5/{id}"),
            json!({"properties": {"hs_pipeline_stage": "Waiting on us"}}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["properties"]["hs_pipeline_stage"], "3");
    assert_eq!(moved.body["properties"]["hs_pipeline"], "0");

    let history = hs
        .get(&format!(
            "/crm/v3/objects/tickets/{id}?propertiesWithHistory=hs_pipeline_stage,hs_pipeline,hubspot_owner_id"
        ))
        .await;
    let values = |name: &str| -> Vec<String> {
        history.body["propertiesWithHistory"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["value"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(values("hs_pipeline_stage"), ["3", "1"], "newest first");
    assert_eq!(values("hs_pipeline"), ["0", "0"]);
    assert_eq!(values("hubspot_owner_id"), ["1"]);

    let lines = [
        error_line(
            &hs.post(
                "/crm/v3/objects/tickets",
                json!({"properties": {"subject": "No stage"}}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/tickets",
                json!({"properties": {"subject": "Bad stage", "hs_pipeline_stage": "9"}}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/tickets",
                json!({"properties": {"subject": "Bad pipeline", "hs_pipeline": "7",
                                      "hs_pipeline_stage": "1"}}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/tickets",
                json!({"properties": {"subject": "Bad priority", "hs_pipeline_stage": "1",
                                      "hs_ticket_priority": "SOMEDAY"}}),
            )
            .await,
        ),
    ];
    expect_test::expect![[r#"
        [
            "400 VALIDATION_ERROR: Error creating TICKET. Some required properties were not set.",
            "400 VALIDATION_ERROR: Property values were not valid: [{\"error\":\"INVALID_OPTION\",\"isValid\":false,\"message\":\"\\\"9\\\" is not an option; options are: New, Waiting on contact, Waiting on us, Closed (property \\\"hs_pipeline_stage\\\")\",\"name\":\"hs_pipeline_stage\"}]",
            "400 VALIDATION_ERROR: unknown pipeline \"7\"; pipelines are 0",
            "400 VALIDATION_ERROR: Property values were not valid: [{\"error\":\"INVALID_OPTION\",\"isValid\":false,\"message\":\"\\\"SOMEDAY\\\" is not an option; options are: Low, Medium, High, Urgent (property \\\"hs_ticket_priority\\\")\",\"name\":\"hs_ticket_priority\"}]",
        ]
    "#]]
    .assert_debug_eq(&lines);
}

#[tokio::test]
async fn each_new_type_is_named_by_plural_singular_and_type_id() {
    let hs = Hs::new().await;
    let cases = [
        (
            "tickets",
            "ticket",
            "0-5",
            json!({"subject": "s", "hs_pipeline_stage": "1"}),
            "createdate",
        ),
        (
            "calls",
            "call",
            "0-48",
            json!({"hs_timestamp": "2026-01-05T09:00:00Z", "hs_call_title": "Intro"}),
            "hs_createdate",
        ),
        (
            "emails",
            "email",
            "0-49",
            json!({"hs_timestamp": "1767603600000", "hs_email_subject": "Hello"}),
            "hs_createdate",
        ),
        (
            "products",
            "product",
            "0-7",
            json!({"name": "Widget"}),
            "createdate",
        ),
        (
            "line_items",
            "line_item",
            "0-8",
            json!({"name": "Widgets"}),
            "createdate",
        ),
    ];
    for (plural, singular, type_id, properties, created) in cases {
        let id = hs.create(plural, properties).await;
        for name in [plural, singular, type_id, &plural.to_uppercase()] {
            let fetched = hs.get(&format!("/crm/v3/objects/{name}/{id}")).await;
            assert_eq!(fetched.status, 200, "{name}: {}", fetched.text);
            assert!(
                fetched.body["properties"][created].is_string(),
                "{name} reads {created}: {}",
                fetched.text
            );
        }
    }
    let email = hs
        .get("/crm/v3/objects/emails?properties=hs_timestamp,hs_email_subject")
        .await;
    assert_eq!(
        email.body["results"][0]["properties"]["hs_timestamp"], "2026-01-05T09:00:00.000Z",
        "epoch milliseconds are taken: {}",
        email.text
    );
    let lines = [
        error_line(
            &hs.post(
                "/crm/v3/objects/calls",
                json!({"properties": {"hs_call_title": "No time"}}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/emails",
                json!({"properties": {"hs_timestamp": "2026-01-05T09:00:00Z",
                                      "hs_email_direction": "SIDEWAYS"}}),
            )
            .await,
        ),
    ];
    expect_test::expect![[r#"
        [
            "400 VALIDATION_ERROR: Error creating CALL. Some required properties were not set.",
            "400 VALIDATION_ERROR: Property values were not valid: [{\"error\":\"INVALID_OPTION\",\"isValid\":false,\"message\":\"\\\"SIDEWAYS\\\" is not an option; options are: Sent, Received, Forwarded (property \\\"hs_email_direction\\\")\",\"name\":\"hs_email_direction\"}]",
        ]
    "#]]
    .assert_debug_eq(&lines);
}

#[tokio::test]
async fn a_line_item_calculates_its_amount_and_names_its_product() {
    let hs = Hs::new().await;
    let product = hs
        .create(
            "products",
            json!({"name": "Widget", "price": "10.5", "hs_sku": "W-1", "description": "Blue"}),
        )
        .await;
    let created = hs
        .post(
            "/crm/v3/objects/line_items",
            json!({"properties": {"name": "Widgets", "hs_product_id": product,
                                  "quantity": 3, "price": "10.5", "discount": "0.5"}}),
        )
        .await;
    golden!("line_item_created", show(&created));
    assert_eq!(created.body["properties"]["amount"], "30", "3 × (10.5 − 0.5)");
    let id = created.body["id"].as_str().unwrap().to_owned();

    let percent = hs
        .patch(
            &format!("/crm/v3/objects/line_items/{id}"),
            json!({"properties": {"hs_discount_percentage": "20"}}),
        )
        .await;
    assert_eq!(
        percent.body["properties"]["amount"], "25.2",
        "3 × 10.5 less 20%: {}",
        percent.text
    );
    let fetched = hs.get(&format!("/crm/v3/objects/line_items/{id}")).await;
    assert_eq!(
        property_names(&fetched.body),
        [
            "createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_product_id",
            "name",
            "price",
            "quantity"
        ]
    );
    assert_eq!(fetched.body["properties"]["hs_product_id"], product.as_str());
    let product_defaults = hs.get(&format!("/crm/v3/objects/products/{product}")).await;
    assert_eq!(
        property_names(&product_defaults.body),
        [
            "createdate",
            "description",
            "hs_lastmodifieddate",
            "hs_object_id",
            "name",
            "price"
        ]
    );

    let lines = [
        error_line(
            &hs.patch(
                &format!("/crm/v3/objects/line_items/{id}"),
                json!({"properties": {"amount": "1"}}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/line_items",
                json!({"properties": {"name": "Ghost", "hs_product_id": "9999"}}),
            )
            .await,
        ),
        error_line(
            &hs.post(
                "/crm/v3/objects/line_items/search",
                json!({"filterGroups": [{"filters": [
                    {"propertyName": "amount", "operator": "GT", "value": "1"}]}]}),
            )
            .await,
        ),
    ];
    expect_test::expect![[r#"
        [
            "400 VALIDATION_ERROR: Property values were not valid: [{\"error\":\"READ_ONLY_VALUE\",\"isValid\":false,\"message\":\"\\\"amount\\\" is a read only property; its value cannot be set.\",\"name\":\"amount\"}]",
            "400 VALIDATION_ERROR: Property values were not valid: [{\"error\":\"INVALID_PROPERTY_VALUE\",\"isValid\":false,\"message\":\"9999 is not a valid record id for \\\"hs_product_id\\\"\",\"name\":\"hs_product_id\"}]",
            "400 VALIDATION_ERROR: property \"amount\" cannot be filtered on: it is calculated from quantity, price and discount when read",
        ]
    "#]]
    .assert_debug_eq(&lines);

    // The product's line items, by the product property.
    let by_product = hs
        .post(
            "/crm/v3/objects/line_items/search",
            json!({"filterGroups": [{"filters": [
                {"propertyName": "hs_product_id", "operator": "EQ", "value": product}]}]}),
        )
        .await;
    assert_eq!(result_ids(&by_product.body), [id.as_str()], "{}", by_product.text);
}

#[tokio::test]
async fn new_types_take_hubspots_association_types() {
    let hs = Hs::new().await;
    let contact = hs.create("contacts", json!({"email": "ada@example.com"})).await;
    let company = hs.create("companies", json!({"name": "Initech"})).await;
    let deal = hs
        .post(
            "/crm/v3/objects/deals",
            json!({"properties": {"dealname": "Big"}, "associations": [
                {"to": {"id": company}, "types": [
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341}]}]}),
        )
        .await;
    let deal = deal.body["id"].as_str().unwrap().to_owned();
    let ticket = hs
        .post(
            "/crm/v3/objects/tickets",
            json!({"properties": {"subject": "Help", "hs_pipeline_stage": "1"}, "associations": [
                {"to": {"id": contact}, "types": [
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}]},
                {"to": {"id": company}, "types": [
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 339}]}]}),
        )
        .await;
    assert_eq!(ticket.status, 201, "{}", ticket.text);
    let ticket = ticket.body["id"].as_str().unwrap().to_owned();
    let call = hs
        .post(
            "/crm/v3/objects/calls",
            json!({"properties": {"hs_timestamp": "2026-01-05T09:00:00Z"}, "associations": [
                {"to": {"id": ticket}, "types": [
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 220}]}]}),
        )
        .await;
    let call = call.body["id"].as_str().unwrap().to_owned();
    let email = hs
        .create("emails", json!({"hs_timestamp": "2026-01-05T09:00:00Z"}))
        .await;
    let line_item = hs.create("line_items", json!({"name": "Widgets"})).await;

    // Links made from the other end, with the v4 endpoints.
    let put = |path: String, body: Option<Value>| {
        let hs = &hs;
        async move { hs.app.send(Method::PUT, &path, body, &[]).await }
    };
    let linked = put(
        format!("/crm/v4/objects/deals/{deal}/associations/default/tickets/{ticket}"),
        None,
    )
    .await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    let linked = put(
        format!("/crm/v4/objects/deals/{deal}/associations/line_items/{line_item}"),
        Some(json!([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 19}])),
    )
    .await;
    assert_eq!(linked.status, 201, "{}", linked.text);
    let linked = put(
        format!("/crm/v4/objects/contacts/{contact}/associations/default/emails/{email}"),
        None,
    )
    .await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    let note = hs.create("notes", json!({"hs_note_body": "Called back"})).await;
    let linked = put(
        format!("/crm/v4/objects/notes/{note}/associations/default/tickets/{ticket}"),
        None,
    )
    .await;
    assert_eq!(linked.status, 200, "{}", linked.text);

    // Each pair reads with HubSpot's typeIds from both ends.
    let type_ids = |from: &str, id: &str, to: &str| {
        let hs = &hs;
        let path = format!("/crm/v4/objects/{from}/{id}/associations/{to}");
        async move {
            let page = hs.get(&path).await;
            assert_eq!(page.status, 200, "{path}: {}", page.text);
            page.body["results"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|result| {
                    let to_id = result["toObjectId"].to_string();
                    result["associationTypes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(move |kind| format!("{to_id}:{}", kind["typeId"]))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        type_ids("contacts", &contact, "tickets").await,
        [format!("{ticket}:15")]
    );
    assert_eq!(
        type_ids("tickets", &ticket, "contacts").await,
        [format!("{contact}:16")]
    );
    assert_eq!(
        type_ids("companies", &company, "tickets").await,
        [format!("{ticket}:340")]
    );
    assert_eq!(
        type_ids("tickets", &ticket, "deals").await,
        [format!("{deal}:28")]
    );
    assert_eq!(
        type_ids("tickets", &ticket, "calls").await,
        [format!("{call}:219")]
    );
    assert_eq!(
        type_ids("tickets", &ticket, "notes").await,
        [format!("{note}:227")]
    );
    assert_eq!(
        type_ids("deals", &deal, "line_items").await,
        [format!("{line_item}:19")]
    );
    assert_eq!(
        type_ids("line_items", &line_item, "deals").await,
        [format!("{deal}:20")]
    );
    assert_eq!(
        type_ids("emails", &email, "contacts").await,
        [format!("{contact}:198")]
    );

    let labels = hs.get("/crm/v4/associations/calls/contacts/labels").await;
    assert_eq!(
        labels.body["results"][0],
        json!({"category": "HUBSPOT_DEFINED", "typeId": 194, "label": null}),
        "{}",
        labels.text
    );
    let embedded = hs
        .get(&format!(
            "/crm/v3/objects/tickets/{ticket}?associations=companies,deals"
        ))
        .await;
    assert_eq!(
        embedded.body["associations"],
        json!({
            "companies": {"results": [{"id": company, "type": "ticket_to_company_unlabeled"}]},
            "deals": {"results": [{"id": deal, "type": "ticket_to_deal"}]},
        })
    );
    // The primary ticket → company type has no crmd edge label.
    let primary = put(
        format!("/crm/v4/objects/tickets/{ticket}/associations/companies/{company}"),
        Some(json!([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 26}])),
    )
    .await;
    assert_eq!(
        error_line(&primary),
        "400 VALIDATION_ERROR: association type HUBSPOT_DEFINED 26 is not defined from tickets to companies"
    );

    // Calls of a ticket, by the association filter.
    let calls = hs
        .post(
            "/crm/v3/objects/calls/search",
            json!({"filterGroups": [{"filters": [
                {"propertyName": "associations.ticket", "operator": "EQ", "value": ticket}]}]}),
        )
        .await;
    assert_eq!(result_ids(&calls.body), [call], "{}", calls.text);

    // The same links read through Lightfield, from the contact and the ticket.
    let through_lightfield = hs
        .app
        .send(
            Method::GET,
            &format!("/v1/objects/ticket/values/{ticket}"),
            None,
            LIGHTFIELD,
        )
        .await;
    assert_eq!(through_lightfield.status, 200, "{}", through_lightfield.text);
    assert_eq!(
        through_lightfield.body["relationships"]["$contact"]["values"],
        json!([contact])
    );
    assert_eq!(
        through_lightfield.body["fields"]["$subject"]["value"], "Help",
        "{}",
        through_lightfield.text
    );
    let lightfield_contact = hs
        .app
        .send(Method::GET, &format!("/v1/contacts/{contact}"), None, LIGHTFIELD)
        .await;
    assert_eq!(
        lightfield_contact.body["relationships"]["$ticket"]["values"],
        json!([ticket])
    );
    assert_eq!(
        lightfield_contact.body["relationships"]["$emails"]["values"],
        json!([email])
    );
}

#[tokio::test]
async fn search_covers_the_searchable_properties_of_the_new_types() {
    let hs = Hs::new().await;
    let printer = hs
        .create(
            "tickets",
            json!({"subject": "Printer jammed", "content": "Paper everywhere",
                   "hs_pipeline_stage": "1", "hubspot_owner_id": "1"}),
        )
        .await;
    let login = hs
        .create(
            "tickets",
            json!({"subject": "Cannot log in", "hs_pipeline_stage": "4"}),
        )
        .await;
    let search = |body: Value| {
        let hs = &hs;
        async move {
            let response = hs.post("/crm/v3/objects/tickets/search", body).await;
            assert_eq!(response.status, 200, "{}", response.text);
            result_ids(&response.body)
        }
    };
    let filter = |name: &str, operator: &str, value: &str| {
        json!({"filterGroups": [{"filters": [
            {"propertyName": name, "operator": operator, "value": value}]}]})
    };
    assert_eq!(search(json!({"query": "paper"})).await, [printer.as_str()]);
    assert_eq!(search(json!({"query": "log"})).await, [login.as_str()]);
    assert_eq!(
        search(filter("hs_pipeline", "EQ", "0")).await,
        [printer.as_str(), login.as_str()]
    );
    assert!(search(filter("hs_pipeline", "EQ", "5")).await.is_empty());
    assert_eq!(
        search(filter("hs_pipeline_stage", "EQ", "4")).await,
        [login.as_str()]
    );
    assert_eq!(
        search(filter("hubspot_owner_id", "EQ", "1")).await,
        [printer.as_str()]
    );
    assert_eq!(
        search(filter("hubspot_owner_id", "NEQ", "1")).await,
        [login.as_str()]
    );
    assert_eq!(
        search(json!({"filterGroups": [{"filters": [
            {"propertyName": "hubspot_owner_id", "operator": "NOT_HAS_PROPERTY"}]}]}))
        .await,
        [login.as_str()]
    );
    let sorted = hs
        .post(
            "/crm/v3/objects/tickets/search",
            json!({"sorts": ["-hubspot_owner_id"]}),
        )
        .await;
    assert_eq!(
        error_line(&sorted),
        "400 VALIDATION_ERROR: sorts: property \"hubspot_owner_id\" cannot be sorted on: it holds the id of a related record"
    );

    hs.create(
        "products",
        json!({"name": "Gadget", "hs_sku": "GAD-42", "price": "42"}),
    )
    .await;
    let by_sku = hs
        .post("/crm/v3/objects/products/search", json!({"query": "gad"}))
        .await;
    assert_eq!(by_sku.body["total"], 1, "{}", by_sku.text);
    let by_price = hs
        .post("/crm/v3/objects/products/search", json!({"query": "42"}))
        .await;
    assert_eq!(
        by_price.body["total"], 1,
        "the SKU holds 42; price is a number and not searched: {}",
        by_price.text
    );
    hs.create(
        "calls",
        json!({"hs_timestamp": "2026-01-05T09:00:00Z", "hs_call_title": "Renewal",
               "hs_call_body": "<p>Discussed pricing</p>"}),
    )
    .await;
    let calls = hs
        .post("/crm/v3/objects/calls/search", json!({"query": "pricing"}))
        .await;
    assert_eq!(calls.body["total"], 1, "{}", calls.text);
}
