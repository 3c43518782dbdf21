//! Associations: on creates and reads, the v4 record, batch and labels endpoints, the v3
//! batch and per-object endpoints, batches in one transaction, and links made through
//! HubSpot read through Lightfield and the reverse.

use crate::support::{Hs, SCHEMA, error_line, golden, show};
use crmd_service::{DEFAULT_WORKSPACE, schema_file};
use crmd_testkit::TestApp;
use http::Method;
use serde_json::{Value, json};

/// [`SCHEMA`] plus a custom relationship: a vehicle's driver is a contact.
async fn app_with_drivers() -> Hs {
    let app = TestApp::new().await.expect("a test app");
    let workspace = app.crm.workspace(DEFAULT_WORKSPACE).await.expect("the workspace");
    let text = format!(
        "{SCHEMA}\n[[relationship]]\nsource = \"vehicles\"\nkey = \"driver\"\nlabel = \"Driver\"\ncardinality = \"HAS_ONE\"\ntarget = \"contact\"\ninverse_key = \"vehicles\"\ninverse_label = \"Vehicles driven\"\n"
    );
    let file = schema_file::parse(&text).expect("a valid schema file");
    let plan = app.crm.plan_schema(workspace.id, &file).await.expect("a plan");
    app.crm
        .apply_schema(plan, false)
        .await
        .expect("the schema applies");
    Hs { app }
}

async fn put(hs: &Hs, path: &str, body: Option<Value>) -> crmd_testkit::TestResponse {
    hs.app.send(Method::PUT, path, body, &[]).await
}

/// The header every Lightfield request carries.
const LIGHTFIELD: &[(&str, &str)] = &[("lightfield-version", "2026-03-01")];

fn spec(category: &str, type_id: u64) -> Value {
    json!({"associationCategory": category, "associationTypeId": type_id})
}

#[tokio::test]
async fn a_deal_is_created_with_its_company_and_reads_it_back_both_ways() {
    let hs = Hs::new().await;
    let company = hs.create("companies", json!({"name": "Globex"})).await;
    let deal = hs
        .post(
            "/crm/v3/objects/deals",
            json!({"properties": {"dealname": "Big one", "dealstage": "opt_stage_discovery"},
                   "associations": [{"to": {"id": company.parse::<u64>().unwrap()},
                                     "types": [spec("HUBSPOT_DEFINED", 341)]}]}),
        )
        .await;
    assert_eq!(deal.status, 201, "{}", deal.text);
    assert!(deal.body.get("associations").is_none(), "not in create answers");
    let deal_id = deal.body["id"].as_str().unwrap();

    let read = hs
        .get(&format!(
            "/crm/v3/objects/deals/{deal_id}?associations=company,nothing"
        ))
        .await;
    assert_eq!(
        read.body["associations"],
        json!({"companies": {"results": [
            {"id": company, "type": "deal_to_company_unlabeled"},
            {"id": company, "type": "deal_to_company"}]}})
    );
    let listed = hs.get("/crm/v3/objects/companies?associations=deals").await;
    assert_eq!(
        listed.body["results"][0]["associations"],
        json!({"deals": {"results": [
            {"id": deal_id, "type": "company_to_deal_unlabeled"},
            {"id": deal_id, "type": "company_to_deal"}]}})
    );
    let plain = hs.get(&format!("/crm/v3/objects/deals/{deal_id}")).await;
    assert!(plain.body.get("associations").is_none());

    let v4 = hs
        .get(&format!("/crm/v4/objects/companies/{company}/associations/deals"))
        .await;
    assert_eq!(
        v4.body,
        json!({"results": [{"toObjectId": deal_id.parse::<u64>().unwrap(), "associationTypes": [
            {"category": "HUBSPOT_DEFINED", "typeId": 342, "label": null},
            {"category": "HUBSPOT_DEFINED", "typeId": 6, "label": "Primary"}]}]})
    );
}

#[tokio::test]
async fn bad_associations_on_create_answer_hubspots_400s_and_write_nothing() {
    let hs = Hs::new().await;
    let missing = hs
        .post(
            "/crm/v3/objects/contacts",
            json!({"properties": {"email": "a@x.io"},
                   "associations": [{"to": {"id": "999"}, "types": [spec("HUBSPOT_DEFINED", 279)]}]}),
        )
        .await;
    assert_eq!(
        error_line(&missing),
        "400 VALIDATION_ERROR: One or more associations are invalid"
    );
    assert_eq!(missing.body["errors"][0]["code"], "INVALID_OBJECT_IDS");
    let wrong_way = hs
        .post(
            "/crm/v3/objects/contacts",
            json!({"properties": {"email": "a@x.io"},
                   "associations": [{"to": {"id": "1"}, "types": [spec("HUBSPOT_DEFINED", 280)]}]}),
        )
        .await;
    assert_eq!(
        error_line(&wrong_way),
        "400 VALIDATION_ERROR: invalid from object type 0-1 for associations to be created. expected: 0-2"
    );
    let no_deal = hs
        .post(
            "/crm/v3/objects/deals",
            json!({"properties": {"dealname": "Lonely", "dealstage": "opt_stage_discovery"}}),
        )
        .await;
    assert_eq!(no_deal.status, 400, "{}", no_deal.text);
    let listed = hs.get("/crm/v3/objects/contacts").await;
    assert_eq!(listed.body["results"], json!([]), "nothing was written");
}

#[tokio::test]
async fn v4_record_endpoints_link_list_and_unlink() {
    let hs = Hs::new().await;
    let contact = hs.create("contacts", json!({"email": "ada@x.io"})).await;
    let company = hs.create("companies", json!({"name": "Globex"})).await;

    let linked = put(
        &hs,
        &format!("/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}"),
        None,
    )
    .await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    assert_eq!(linked.body["status"], "COMPLETE");
    assert_eq!(
        linked.body["results"],
        json!([
            {"from": {"id": contact}, "to": {"id": company},
             "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}},
            {"from": {"id": company}, "to": {"id": contact},
             "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280}}])
    );
    let from_company = hs
        .get(&format!(
            "/crm/v4/objects/company/{company}/associations/contacts"
        ))
        .await;
    assert_eq!(
        from_company.body["results"][0]["associationTypes"],
        json!([{"category": "HUBSPOT_DEFINED", "typeId": 280, "label": null}])
    );

    // A note is linked from the contact's side, whose end only reads.
    let note = hs.create("notes", json!({"hs_note_body": "Called"})).await;
    let labelled = put(
        &hs,
        &format!("/crm/v4/objects/contacts/{contact}/associations/notes/{note}"),
        Some(json!([spec("HUBSPOT_DEFINED", 201)])),
    )
    .await;
    assert_eq!(labelled.status, 201, "{}", labelled.text);
    assert_eq!(
        labelled.body,
        json!({"fromObjectTypeId": "0-1", "fromObjectId": contact.parse::<u64>().unwrap(),
               "toObjectTypeId": "0-46", "toObjectId": note.parse::<u64>().unwrap(), "labels": []})
    );
    let no_body = put(
        &hs,
        &format!("/crm/v4/objects/contacts/{contact}/associations/notes/{note}"),
        None,
    )
    .await;
    assert_eq!(
        error_line(&no_body),
        "400 VALIDATION_ERROR: Invalid JSON input: a request body was expected, but none found"
    );
    let missing_to = put(
        &hs,
        &format!("/crm/v4/objects/contacts/{contact}/associations/default/companies/999"),
        None,
    )
    .await;
    assert_eq!(missing_to.body["errors"][0]["code"], "INVALID_OBJECT_IDS");
    let missing_from = hs
        .get("/crm/v4/objects/contacts/999/associations/companies")
        .await;
    assert_eq!(missing_from.status, 404);

    let removed = hs
        .delete(&format!(
            "/crm/v4/objects/contacts/{contact}/associations/companies/{company}"
        ))
        .await;
    assert_eq!(removed.status, 204);
    let none = hs
        .get(&format!(
            "/crm/v4/objects/contacts/{contact}/associations/companies"
        ))
        .await;
    assert_eq!(none.body, json!({"results": []}));
    let again = hs
        .delete(&format!(
            "/crm/v4/objects/contacts/{contact}/associations/companies/{company}"
        ))
        .await;
    assert_eq!(again.status, 204, "removing nothing is fine");
}

#[tokio::test]
async fn v4_batch_endpoints_associate_read_and_archive() {
    let hs = Hs::new().await;
    let first = hs.create("contacts", json!({"email": "a@x.io"})).await;
    let second = hs.create("contacts", json!({"email": "b@x.io"})).await;
    let company = hs.create("companies", json!({"name": "Globex"})).await;

    let created = hs
        .post(
            "/crm/v4/associations/contacts/companies/batch/create",
            json!({"inputs": [
                {"from": {"id": first}, "to": {"id": company}, "types": [spec("HUBSPOT_DEFINED", 279)]},
                {"from": {"id": "999"}, "to": {"id": company}, "types": [spec("HUBSPOT_DEFINED", 279)]}]}),
        )
        .await;
    assert_eq!(created.status, 207, "{}", created.text);
    assert_eq!(created.body["results"].as_array().unwrap().len(), 1);
    assert_eq!(
        created.body["errors"][0]["context"]["fromObjectId"],
        json!(["999"])
    );

    let defaulted = hs
        .post(
            "/crm/v4/associations/contacts/companies/batch/associate/default",
            json!({"inputs": [{"from": {"id": second}, "to": {"id": company}}]}),
        )
        .await;
    assert_eq!(defaulted.status, 200, "{}", defaulted.text);
    assert_eq!(defaulted.body["results"].as_array().unwrap().len(), 2);

    let read = hs
        .post(
            "/crm/v4/associations/companies/contacts/batch/read",
            json!({"inputs": [{"id": company}, {"id": "998"}]}),
        )
        .await;
    assert_eq!(read.status, 207, "{}", read.text);
    let ids: Vec<u64> = read.body["results"][0]["to"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["toObjectId"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [first.parse::<u64>().unwrap(), second.parse().unwrap()]);
    assert_eq!(read.body["errors"][0]["category"], "OBJECT_NOT_FOUND");
    let paged = hs
        .post(
            "/crm/v4/associations/companies/contacts/batch/read",
            json!({"inputs": [{"id": company, "after": "MQ"}]}),
        )
        .await;
    assert_eq!(paged.status, 400, "an `after` names no page: {}", paged.text);

    let archived = hs
        .post(
            "/crm/v4/associations/companies/contacts/batch/archive",
            json!({"inputs": [{"from": {"id": company}, "to": [{"id": first}, {"id": "997"}]}]}),
        )
        .await;
    assert_eq!(archived.status, 204, "{}", archived.text);
    let left = hs
        .get(&format!(
            "/crm/v4/objects/companies/{company}/associations/contacts"
        ))
        .await;
    assert_eq!(left.body["results"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn custom_relationships_are_user_defined_types_and_labels_list_them() {
    let hs = app_with_drivers().await;
    let contact = hs.create("contacts", json!({"email": "d@x.io"})).await;
    let labels = hs.get("/crm/v4/associations/vehicles/contacts/labels").await;
    assert_eq!(labels.status, 200, "{}", labels.text);
    let kind = &labels.body["results"][0];
    assert_eq!(kind["category"], "USER_DEFINED");
    assert_eq!(kind["label"], "Driver");
    let type_id = kind["typeId"].as_u64().unwrap();
    let inverse = hs.get("/crm/v4/associations/contacts/vehicles/labels").await;
    assert_eq!(inverse.body["results"][0]["typeId"], type_id + 1);
    assert_eq!(inverse.body["results"][0]["label"], "Vehicles driven");

    let vehicle = hs
        .post(
            "/crm/v3/objects/vehicles",
            json!({"properties": {"name": "Car"},
                   "associations": [{"to": {"id": contact}, "types": [spec("USER_DEFINED", type_id)]}]}),
        )
        .await;
    assert_eq!(vehicle.status, 201, "{}", vehicle.text);
    let read = hs
        .get(&format!(
            "/crm/v3/objects/contacts/{contact}?associations=vehicles"
        ))
        .await;
    assert_eq!(
        read.body["associations"]["vehicles"]["results"][0]["type"],
        "vehicles_driven"
    );

    let create_label = hs
        .post(
            "/crm/v4/associations/vehicles/contacts/labels",
            json!({"label": "Owner", "name": "owner"}),
        )
        .await;
    assert_eq!(create_label.status, 501, "{}", create_label.text);
    let standard = hs.get("/crm/v4/associations/deals/companies/labels").await;
    assert_eq!(
        standard.body["results"],
        json!([{"category": "HUBSPOT_DEFINED", "typeId": 341, "label": null},
               {"category": "HUBSPOT_DEFINED", "typeId": 5, "label": "Primary"}])
    );
}

#[tokio::test]
async fn links_made_through_hubspot_read_through_lightfield_and_the_reverse() {
    let hs = Hs::new().await;
    let contact = hs.create("contacts", json!({"email": "x@x.io"})).await;
    let company = hs.create("companies", json!({"name": "Initech"})).await;
    let linked = put(
        &hs,
        &format!("/crm/v4/objects/companies/{company}/associations/default/contacts/{contact}"),
        None,
    )
    .await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    let account = hs
        .app
        .send(Method::GET, &format!("/v1/accounts/{company}"), None, LIGHTFIELD)
        .await;
    assert_eq!(
        account.body["relationships"]["$contact"]["values"],
        json!([contact]),
        "{}",
        account.text
    );

    let other = hs.create("companies", json!({"name": "Hooli"})).await;
    let updated = hs
        .app
        .send(
            Method::POST,
            &format!("/v1/contacts/{contact}"),
            Some(json!({"relationships": {"$account": {"add": [other]}}})),
            LIGHTFIELD,
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let v4 = hs
        .get(&format!(
            "/crm/v4/objects/contacts/{contact}/associations/companies"
        ))
        .await;
    let ids: Vec<String> = v4.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["toObjectId"].to_string())
        .collect();
    assert_eq!(ids, [company, other]);
}

fn v3_input(from: &str, to: &str, kind: &str) -> Value {
    json!({"from": {"id": from}, "to": {"id": to}, "type": kind})
}

#[tokio::test]
async fn v3_batch_endpoints_read_and_write_the_links_of_v4() {
    let hs = Hs::new().await;
    let ada = hs.create("contacts", json!({"email": "ada@x.io"})).await;
    let bob = hs.create("contacts", json!({"email": "bob@x.io"})).await;
    let cy = hs.create("contacts", json!({"email": "cy@x.io"})).await;
    let company = hs.create("companies", json!({"name": "Globex"})).await;

    let types = hs.get("/crm/v3/associations/contacts/companies/types").await;
    assert_eq!(
        types.body,
        json!({"results": [{"id": "279", "name": "contact_to_company_unlabeled"}]})
    );
    let deal_types = hs.get("/crm/v3/associations/deal/company/types").await;
    assert_eq!(
        deal_types.body,
        json!({"results": [{"id": "341", "name": "deal_to_company_unlabeled"},
                           {"id": "5", "name": "deal_to_company"}]})
    );

    let created = hs
        .post(
            "/crm/v3/associations/contacts/companies/batch/create",
            json!({"inputs": [
                v3_input(&ada, &company, "contact_to_company"),
                v3_input(&bob, &company, "279"),
                v3_input(&cy, &company, "company_to_contact"),
                v3_input(&cy, "999", "contact_to_company_unlabeled"),
                v3_input(&cy, &company, "contact_to_spaceship")]}),
        )
        .await;
    golden!("v3_batch_create_207", show(&created));
    assert_eq!(created.status, 207, "{}", created.text);
    assert_eq!(
        created.body["results"],
        json!([
            {"from": {"id": ada}, "to": {"id": company}, "type": "contact_to_company_unlabeled"},
            {"from": {"id": bob}, "to": {"id": company}, "type": "contact_to_company_unlabeled"}])
    );
    assert_eq!(created.body["numErrors"], 3);

    let read = hs
        .post(
            "/crm/v3/associations/companies/contacts/batch/read",
            json!({"inputs": [{"id": company}, {"id": "998"}]}),
        )
        .await;
    golden!("v3_batch_read_207", show(&read));
    assert_eq!(read.status, 207, "{}", read.text);
    assert_eq!(
        read.body["results"],
        json!([{"from": {"id": company}, "to": [
            {"id": ada, "type": "company_to_contact_unlabeled"},
            {"id": bob, "type": "company_to_contact_unlabeled"}]}])
    );
    let v4 = hs
        .get(&format!(
            "/crm/v4/objects/companies/{company}/associations/contacts"
        ))
        .await;
    assert_eq!(
        v4.body["results"].as_array().unwrap().len(),
        2,
        "v4 reads what v3 wrote"
    );

    let archived = hs
        .post(
            "/crm/v3/associations/contacts/companies/batch/archive",
            json!({"inputs": [v3_input(&ada, &company, "contact_to_company"),
                              v3_input("997", &company, "contact_to_company")]}),
        )
        .await;
    assert_eq!(archived.status, 204, "{}", archived.text);
    let left = hs
        .post(
            "/crm/v3/associations/companies/contacts/batch/read",
            json!({"inputs": [{"id": company}]}),
        )
        .await;
    assert_eq!(left.status, 200, "{}", left.text);
    assert_eq!(
        left.body["results"][0]["to"],
        json!([{"id": bob, "type": "company_to_contact_unlabeled"}])
    );
    let wrong_type = hs
        .post(
            "/crm/v3/associations/contacts/companies/batch/archive",
            json!({"inputs": [v3_input(&bob, &company, "deal_to_company")]}),
        )
        .await;
    assert_eq!(
        error_line(&wrong_type),
        "400 VALIDATION_ERROR: association type \"deal_to_company\" is not defined from contacts to companies"
    );
}

#[tokio::test]
async fn v3_per_object_endpoints_list_put_and_delete() {
    let hs = Hs::new().await;
    let contact = hs.create("contacts", json!({"email": "ada@x.io"})).await;
    let first = hs.create("companies", json!({"name": "Globex"})).await;
    let second = hs.create("companies", json!({"name": "Initech"})).await;

    for company in [&second, &first] {
        let put = hs
            .put(
                &format!(
                    "/crm/v3/objects/contacts/{contact}/associations/companies/{company}/contact_to_company"
                ),
                None,
            )
            .await;
        assert_eq!(put.status, 200, "{}", put.text);
        assert_eq!(put.body["id"], contact.as_str());
        assert_eq!(put.body["properties"]["email"], "ada@x.io");
    }
    let put = hs
        .put(
            &format!("/crm/v3/objects/contacts/{contact}/associations/companies/{first}/279"),
            None,
        )
        .await;
    assert_eq!(
        put.body["associations"],
        json!({"companies": {"results": [
            {"id": second, "type": "contact_to_company_unlabeled"},
            {"id": first, "type": "contact_to_company_unlabeled"}]}}),
        "linking again changes nothing"
    );

    let page = hs
        .get(&format!(
            "/crm/v3/objects/contacts/{contact}/associations/companies?limit=1"
        ))
        .await;
    assert_eq!(
        page.body,
        json!({"results": [{"id": first, "type": "contact_to_company_unlabeled"}],
               "paging": {"next": {"after": second}}}),
        "in associated id order"
    );
    let next = hs
        .get(&format!(
            "/crm/v3/objects/contacts/{contact}/associations/companies?limit=1&after={second}"
        ))
        .await;
    assert_eq!(
        next.body,
        json!({"results": [{"id": second, "type": "contact_to_company_unlabeled"}]})
    );

    let removed = hs
        .delete(&format!(
            "/crm/v3/objects/contacts/{contact}/associations/companies/{first}/contact_to_company_unlabeled"
        ))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    let left = hs
        .get(&format!(
            "/crm/v3/objects/contacts/{contact}/associations/companies"
        ))
        .await;
    assert_eq!(
        left.body,
        json!({"results": [{"id": second, "type": "contact_to_company_unlabeled"}]})
    );
    let missing_to = hs
        .put(
            &format!("/crm/v3/objects/contacts/{contact}/associations/companies/999/contact_to_company"),
            None,
        )
        .await;
    assert_eq!(missing_to.body["errors"][0]["code"], "INVALID_OBJECT_IDS");
    let missing_from = hs
        .get("/crm/v3/objects/contacts/999/associations/companies")
        .await;
    assert_eq!(missing_from.status, 404);
}

#[tokio::test]
async fn a_v4_batch_commits_every_input_in_one_transaction() {
    let hs = Hs::new().await;
    let company = hs.create("companies", json!({"name": "Globex"})).await;
    let mut contacts = Vec::new();
    for index in 0..20 {
        contacts.push(
            hs.create("contacts", json!({"email": format!("c{index}@x.io")}))
                .await,
        );
    }
    let inputs: Vec<Value> = contacts
        .iter()
        .map(|contact| {
            json!({"from": {"id": contact}, "to": {"id": company},
                   "types": [spec("HUBSPOT_DEFINED", 279)]})
        })
        .collect();
    let created = hs
        .post(
            "/crm/v4/associations/contacts/companies/batch/create",
            json!({ "inputs": inputs }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let read = hs
        .post(
            "/crm/v3/objects/contacts/batch/read",
            json!({"inputs": contacts.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
                   "properties": []}),
        )
        .await;
    let moments: std::collections::BTreeSet<String> = read.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|object| object["updatedAt"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        moments.len(),
        1,
        "every write of the batch has its transaction's one time: {moments:?}"
    );
}

/// [`SCHEMA`] plus two relationships of vehicles to contacts: a required owner and a driver.
async fn app_with_owners() -> Hs {
    let app = TestApp::new().await.expect("a test app");
    let workspace = app.crm.workspace(DEFAULT_WORKSPACE).await.expect("the workspace");
    let text = format!(
        "{SCHEMA}\n[[relationship]]\nsource = \"vehicles\"\nkey = \"owner\"\nlabel = \"Owner\"\ncardinality = \"HAS_ONE\"\nrequired = true\ntarget = \"contact\"\ninverse_key = \"owned\"\ninverse_label = \"Owned vehicles\"\n\n[[relationship]]\nsource = \"vehicles\"\nkey = \"driver\"\nlabel = \"Driver\"\ncardinality = \"HAS_ONE\"\ntarget = \"contact\"\ninverse_key = \"driven\"\ninverse_label = \"Vehicles driven\"\n"
    );
    let file = schema_file::parse(&text).expect("a valid schema file");
    let plan = app.crm.plan_schema(workspace.id, &file).await.expect("a plan");
    app.crm
        .apply_schema(plan, false)
        .await
        .expect("the schema applies");
    Hs { app }
}

#[tokio::test]
async fn removals_commit_together_or_not_at_all() {
    let hs = app_with_owners().await;
    let owner = hs.create("contacts", json!({"email": "owner@x.io"})).await;
    let driver = hs.create("contacts", json!({"email": "driver@x.io"})).await;
    let types = hs.get("/crm/v4/associations/vehicles/contacts/labels").await;
    let type_of = |label: &str| {
        types.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|kind| kind["label"] == label)
            .map(|kind| kind["typeId"].as_u64().unwrap())
            .unwrap()
    };
    let (owner_type, driver_type) = (type_of("Owner"), type_of("Driver"));
    let vehicle = hs
        .post(
            "/crm/v3/objects/vehicles",
            json!({"properties": {"name": "Car"},
                   "associations": [
                       {"to": {"id": owner}, "types": [spec("USER_DEFINED", owner_type)]},
                       {"to": {"id": driver}, "types": [spec("USER_DEFINED", driver_type)]}]}),
        )
        .await;
    assert_eq!(vehicle.status, 201, "{}", vehicle.text);
    let vehicle = vehicle.body["id"].as_str().unwrap().to_owned();
    let linked = || async {
        let page = hs
            .get(&format!(
                "/crm/v4/objects/vehicles/{vehicle}/associations/contacts"
            ))
            .await;
        page.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["toObjectId"].to_string())
            .collect::<Vec<_>>()
    };

    // The driver's link could go, the owner's cannot: nothing goes.
    let archived = hs
        .post(
            "/crm/v4/associations/vehicles/contacts/batch/archive",
            json!({"inputs": [{"from": {"id": vehicle}, "to": [{"id": driver}, {"id": owner}]}]}),
        )
        .await;
    assert_eq!(archived.status, 400, "{}", archived.text);
    assert_eq!(linked().await, [owner.clone(), driver.clone()]);

    let labels = hs
        .post(
            "/crm/v4/associations/vehicles/contacts/batch/labels/archive",
            json!({"inputs": [{"from": {"id": vehicle}, "to": {"id": driver},
                               "types": [spec("USER_DEFINED", driver_type)]}]}),
        )
        .await;
    assert_eq!(labels.status, 204, "{}", labels.text);
    assert_eq!(linked().await, [owner], "only the listed type went");
}

#[tokio::test]
async fn batch_labels_archive_removes_the_listed_types() {
    let hs = Hs::new().await;
    let contact = hs.create("contacts", json!({"email": "ada@x.io"})).await;
    let company = hs.create("companies", json!({"name": "Globex"})).await;
    let linked = hs
        .put(
            &format!("/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}"),
            None,
        )
        .await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    let deal = hs
        .post(
            "/crm/v3/objects/deals",
            json!({"properties": {"dealname": "Big", "dealstage": "opt_stage_discovery"},
                   "associations": [{"to": {"id": company}, "types": [spec("HUBSPOT_DEFINED", 5)]}]}),
        )
        .await;
    let deal = deal.body["id"].as_str().unwrap().to_owned();

    let primary_alone = hs
        .post(
            "/crm/v4/associations/deals/companies/batch/labels/archive",
            json!({"inputs": [{"from": {"id": deal}, "to": {"id": company},
                               "types": [spec("HUBSPOT_DEFINED", 5)]}]}),
        )
        .await;
    assert_eq!(
        error_line(&primary_alone),
        "400 VALIDATION_ERROR: association type HUBSPOT_DEFINED 5 (Primary) shares its link with type HUBSPOT_DEFINED 341: remove that type to remove the association"
    );
    let removed = hs
        .post(
            "/crm/v4/associations/contacts/companies/batch/labels/archive",
            json!({"inputs": [
                {"from": {"id": contact}, "to": {"id": company}, "types": [spec("HUBSPOT_DEFINED", 279)]},
                {"from": {"id": "999"}, "to": {"id": company}, "types": [spec("HUBSPOT_DEFINED", 279)]}]}),
        )
        .await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    let left = hs
        .get(&format!(
            "/crm/v4/objects/contacts/{contact}/associations/companies"
        ))
        .await;
    assert_eq!(left.body["results"], json!([]));
}
