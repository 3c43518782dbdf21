//! List filters over HTTP: each operator on a type that allows it, negation, the default
//! operator, relationship filters, and filters ANDed together.

use crate::support::Lf;
use expect_test::{Expect, expect};
use serde_json::json;

/// The names of the records a list answers, newest first, or its error.
async fn names(lf: &Lf, path: &str, name_key: &str) -> String {
    let response = lf.get(path).await;
    if response.status != 200 {
        return format!(
            "{} {}",
            response.status.as_u16(),
            response.body["error"]["message"]
        );
    }
    let names: Vec<&str> = response.body["data"]
        .as_array()
        .expect("a page has data")
        .iter()
        .map(|record| record["fields"][name_key]["value"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        response.body["totalCount"],
        names.len(),
        "one page holds every match"
    );
    names.join(", ")
}

#[track_caller]
fn check(actual: String, expected: Expect) {
    expected.assert_eq(&actual);
}

#[tokio::test]
async fn account_filters() {
    let lf = Lf::new().await;
    for (name, website, headcount) in [
        ("Acme", "https://acme.example", "11-50"),
        ("Acme Labs", "https://labs.acme.example", "51-200"),
        ("Globex Acme", "https://globex.example", "51-200"),
    ] {
        lf.create(
            "/v1/accounts",
            json!({"fields": {"$name": name, "$website": [website], "$headcount": headcount}}),
        )
        .await;
    }
    let accounts = |query: &str| format!("/v1/accounts?{query}");
    check(
        names(&lf, &accounts("%24name%5Bequal%5D=Acme"), "$name").await,
        expect!["Acme"],
    );
    // Text matching ignores case.
    check(
        names(&lf, &accounts("$name=acme"), "$name").await,
        expect!["Acme"],
    );
    check(
        names(&lf, &accounts("$name[startsWith]=Acme"), "$name").await,
        expect!["Acme Labs, Acme"],
    );
    check(
        names(&lf, &accounts("$name[-startsWith]=Acme"), "$name").await,
        expect!["Globex Acme"],
    );
    check(
        names(
            &lf,
            &accounts("$name[startsWith]=Acme&$name[-equal]=Acme"),
            "$name",
        )
        .await,
        expect!["Acme Labs"],
    );
    // A comma is part of the value for scalar fields.
    check(
        names(&lf, &accounts("$name=Acme,Acme%20Labs"), "$name").await,
        expect![""],
    );
    check(
        names(&lf, &accounts("$website[contains]=acme.example"), "$name").await,
        expect!["Acme Labs, Acme"],
    );
    // EMAIL, URL and TELEPHONE default to contains.
    check(
        names(&lf, &accounts("$website=globex"), "$name").await,
        expect!["Globex Acme"],
    );
    check(
        names(&lf, &accounts("$headcount=51-200"), "$name").await,
        expect!["Globex Acme, Acme Labs"],
    );
    check(
        names(&lf, &accounts("$headcount[equal]=opt_hc_11_50"), "$name").await,
        expect!["Acme"],
    );
    // An empty startsWith means "set and non-empty".
    check(
        names(&lf, &accounts("$name[startsWith]="), "$name").await,
        expect!["Globex Acme, Acme Labs, Acme"],
    );
    check(
        names(&lf, &accounts("$linkedIn[startsWith]="), "$name").await,
        expect![""],
    );
    // Negation matches records without a value too.
    check(
        names(&lf, &accounts("$linkedIn[-startsWith]="), "$name").await,
        expect!["Globex Acme, Acme Labs, Acme"],
    );
    check(
        names(
            &lf,
            &accounts("$linkedIn[-equal]=https://www.linkedin.com/company/acme"),
            "$name",
        )
        .await,
        expect!["Globex Acme, Acme Labs, Acme"],
    );
    check(
        names(&lf, &accounts("$headcount[-equal]=opt_hc_11_50"), "$name").await,
        expect!["Globex Acme, Acme Labs"],
    );
    check(
        names(&lf, &accounts("$name[startsWith]=&$headcount=lots"), "$name").await,
        expect![[
            r#"400 "invalid value for filter \"$headcount\": \"lots\" is not an option; options are: 1-10, 11-50, 51-200, 201-500, 501-1000, 1001-5000, 5001+""#
        ]],
    );
}

#[tokio::test]
async fn number_datetime_checkbox_and_relationship_filters() {
    let lf = Lf::new().await;
    let labs = lf.account("Labs").await;
    let globex = lf.account("Globex").await;
    for (name, amount, close, account) in [
        ("small", 5000, "2026-03-01T08:00:00Z", &labs),
        ("big", 150000, "2026-03-02T08:00:00+01:00", &labs),
        ("elsewhere", 250000, "2026-04-01T00:00:00Z", &globex),
    ] {
        lf.create(
            "/v1/opportunities",
            json!({"fields": {"$name": name, "$amount": amount, "$closeDate": close}, "relationships": {"$account": account}}),
        )
        .await;
    }
    let deals = |query: &str| format!("/v1/opportunities?{query}");
    check(
        names(&lf, &deals("$amount[greaterThanOrEqual]=100000"), "$name").await,
        expect!["elsewhere, big"],
    );
    check(
        names(&lf, &deals("$amount[greaterThan]=150000"), "$name").await,
        expect!["elsewhere"],
    );
    check(
        names(&lf, &deals("$amount[lessThan]=150000"), "$name").await,
        expect!["small"],
    );
    check(
        names(&lf, &deals("$amount[lessThanOrEqual]=150000"), "$name").await,
        expect!["big, small"],
    );
    check(
        names(&lf, &deals("$amount=5000"), "$name").await,
        expect!["small"],
    );
    check(
        names(&lf, &deals("$amount[-lessThan]=150000"), "$name").await,
        expect!["elsewhere, big"],
    );
    check(
        names(
            &lf,
            &deals("$closeDate[greaterThanOrEqual]=2026-03-02T07:00:00.000Z"),
            "$name",
        )
        .await,
        expect!["elsewhere, big"],
    );
    check(
        names(&lf, &deals("$closeDate[equal]=2026-03-01T08:00:00.000Z"), "$name").await,
        expect!["small"],
    );
    check(
        names(&lf, &deals(&format!("$account={labs}")), "$name").await,
        expect!["big, small"],
    );
    check(
        names(
            &lf,
            &deals(&format!("%24account%5Bcontains%5D={labs},{globex}")),
            "$name",
        )
        .await,
        expect!["elsewhere, big, small"],
    );
    check(
        names(&lf, &deals(&format!("$account[-equal]={labs}")), "$name").await,
        expect!["elsewhere"],
    );
    check(
        names(
            &lf,
            &deals(&format!("$account[equal]={labs}&$amount[greaterThan]=10000")),
            "$name",
        )
        .await,
        expect!["big"],
    );

    for (title, do_not_contact) in [("Chief Filter Officer", false), ("Filter Intern", true)] {
        lf.create(
            "/v1/contacts",
            json!({"fields": {"$title": title, "$doNotContact": do_not_contact}}),
        )
        .await;
    }
    let contacts = |query: &str| format!("/v1/contacts?{query}");
    check(
        names(&lf, &contacts("$doNotContact[equal]=false"), "$title").await,
        expect!["Chief Filter Officer"],
    );
    check(
        names(&lf, &contacts("$doNotContact=true"), "$title").await,
        expect!["Filter Intern"],
    );
    check(
        names(&lf, &contacts("$title[startsWith]=chief"), "$title").await,
        expect!["Chief Filter Officer"],
    );
}

#[tokio::test]
async fn custom_object_filters() {
    let lf = Lf::with_custom_objects().await;
    for (name, registered, electric, email) in [
        ("Beetle", "2026-03-01", true, "a@dealer.example"),
        ("Golf", "2026-03-02", false, "b@other.example"),
    ] {
        lf.create(
            "/v1/objects/vehicles/values",
            json!({"fields": {"name": name, "registeredOn": registered, "electric": electric, "emails": [email], "brand": "Fiat"}}),
        )
        .await;
    }
    let vehicles = |query: &str| format!("/v1/objects/vehicles?{query}");
    // crmd's DATE fields filter like DATETIME ones, by day or by midnight UTC.
    check(
        names(&lf, &vehicles("registeredOn[greaterThan]=2026-03-01"), "name").await,
        expect!["Golf"],
    );
    check(
        names(
            &lf,
            &vehicles("registeredOn[lessThanOrEqual]=2026-03-01T00:00:00.000Z"),
            "name",
        )
        .await,
        expect!["Beetle"],
    );
    check(
        names(&lf, &vehicles("emails[contains]=dealer"), "name").await,
        expect!["Beetle"],
    );
    check(
        names(&lf, &vehicles("electric=true"), "name").await,
        expect!["Beetle"],
    );
    check(
        names(&lf, &vehicles("brand=fiat"), "name").await,
        expect!["Golf, Beetle"],
    );
    // Custom objects have no `status`: there it is a field name like any other.
    check(
        names(&lf, &vehicles("status=trashed"), "name").await,
        expect![[r#"400 "unknown field or relationship \"status\" on object \"vehicles\"""#]],
    );
}

#[tokio::test]
async fn full_name_and_address_filters() {
    let lf = Lf::new().await;
    for (first, last, city) in [("Ada", "Lovelace", "London"), ("Ada King", "Byron", "Portland")] {
        let title = format!("{first} {last}");
        lf.create(
            "/v1/contacts",
            json!({"fields": {"$title": title, "$name": {"firstName": first, "lastName": last}}}),
        )
        .await;
        lf.create(
            "/v1/accounts",
            json!({"fields": {"$name": title, "$primaryAddress": {"city": city, "country": "GB"}}}),
        )
        .await;
    }
    let contacts = |query: &str| format!("/v1/contacts?{query}");
    check(
        names(&lf, &contacts("$name=ada%20lovelace"), "$title").await,
        expect!["Ada Lovelace"],
    );
    check(
        names(&lf, &contacts("$name=Ada%20King%20Byron"), "$title").await,
        expect!["Ada King Byron"],
    );
    check(
        names(&lf, &contacts("$name[startsWith]=ada"), "$title").await,
        expect!["Ada King Byron, Ada Lovelace"],
    );
    check(
        names(&lf, &contacts("$name[startsWith]=Byron"), "$title").await,
        expect!["Ada King Byron"],
    );
    let accounts = |query: &str| format!("/v1/accounts?{query}");
    check(
        names(&lf, &accounts("$primaryAddress[startsWith]=Port"), "$name").await,
        expect!["Ada King Byron"],
    );
    check(
        names(&lf, &accounts("$primaryAddress=London"), "$name").await,
        expect![[
            r#"400 "invalid value for filter \"$primaryAddress\": expected an address as a JSON object, got \"London\"""#
        ]],
    );
    check(
        names(
            &lf,
            &accounts("$primaryAddress=%7B%22city%22%3A%22London%22%2C%22country%22%3A%22GB%22%7D"),
            "$name",
        )
        .await,
        expect!["Ada Lovelace"],
    );
}

/// A custom type related to itself: `parent` from the source end, `children` from the
/// destination end.
const PROJECTS: &str = r#"
[[object]]
slug = "projects"
label = "Project"
display_field = "name"

  [[object.field]]
  key = "name"
  type = "TEXT"

[[relationship]]
source = "projects"
key = "parent"
label = "Parent"
cardinality = "HAS_ONE"
target = "projects"
inverse_key = "children"
inverse_label = "Children"
"#;

#[tokio::test]
async fn self_referential_relationships_filter_by_direction() {
    let lf = Lf::with_schema(PROJECTS).await;
    let root = lf
        .create("/v1/objects/projects/values", json!({"fields": {"name": "Root"}}))
        .await;
    let child = lf
        .create(
            "/v1/objects/projects/values",
            json!({"fields": {"name": "Child"}, "relationships": {"parent": root}}),
        )
        .await;
    let grandchild = lf
        .create(
            "/v1/objects/projects/values",
            json!({"fields": {"name": "Grandchild"}, "relationships": {"parent": child}}),
        )
        .await;
    let projects = |query: String| format!("/v1/objects/projects?{query}");
    // Records whose parent (as the source of the link) is the root.
    check(
        names(
            &lf,
            &projects(format!("parent:asSource[contains]={root}")),
            "name",
        )
        .await,
        expect!["Child"],
    );
    check(
        names(&lf, &projects(format!("parent={child}")), "name").await,
        expect!["Grandchild"],
    );
    // Records that the child points at, or is pointed at by.
    check(
        names(&lf, &projects(format!("parent:asDestination={child}")), "name").await,
        expect!["Root"],
    );
    check(
        names(&lf, &projects(format!("children:asSource={root}")), "name").await,
        expect!["Child"],
    );
    check(
        names(
            &lf,
            &projects(format!("projects-parent%3AasDestination[-equal]={child}")),
            "name",
        )
        .await,
        expect!["Grandchild, Child"],
    );
    check(
        names(&lf, &projects(format!("projects-children={child}")), "name").await,
        expect!["Root"],
    );

    // The envelope carries both directions, and definitions their labels and slugs.
    let record = lf.get(&format!("/v1/objects/projects/values/{child}")).await;
    expect![[r#"
        {
          "asDestination": {
            "cardinality": "HAS_MANY",
            "values": [
              "grandchild"
            ]
          },
          "asSource": {
            "cardinality": "HAS_ONE",
            "values": [
              "root"
            ]
          }
        }"#]]
    .assert_eq(
        &serde_json::to_string_pretty(&record.body["relationships"]["parent"]["directions"])
            .unwrap()
            .replace(&format!("\"{root}\""), "\"root\"")
            .replace(&format!("\"{grandchild}\""), "\"grandchild\""),
    );
    assert_eq!(
        record.body["relationships"]["parent"]["directions"],
        record.body["relationships"]["children"]["directions"]
    );
    let definitions = lf.get("/v1/objects/projects/definitions").await;
    let parent = &definitions.body["relationshipDefinitions"]["parent"];
    assert_eq!(parent["slug"], "projects-parent");
    assert_eq!(
        parent["directions"],
        json!({"asSource": {"cardinality": "HAS_ONE", "label": "Parent"},
               "asDestination": {"cardinality": "HAS_MANY", "label": "Children"}})
    );

    // Relationships to another type have no directions.
    let account = lf.account("Acme").await;
    let response = lf.get(&format!("/v1/accounts/{account}")).await;
    assert!(
        response.body["relationships"]["$contact"]
            .get("directions")
            .is_none()
    );
    let response = lf.get("/v1/contacts?$account:asSource=1").await;
    assert_eq!(response.status, 400);
    assert_eq!(response.body["error"]["code"], "invalid_filter");
    assert_eq!(response.body["error"]["param"], "$account:asSource");
}

#[tokio::test]
async fn definition_slugs_filter_like_keys() {
    let lf = Lf::new().await;
    let acme = lf.account("Acme").await;
    let globex = lf.account("Globex").await;
    let mut contacts = Vec::new();
    for (name, account) in [("Ada", &acme), ("Grace", &globex)] {
        let body = json!({"fields": {"$name": {"firstName": name}}, "relationships": {"$account": account}});
        contacts.push(lf.create("/v1/contacts", body).await);
    }
    let first_names = |response: crmd_testkit::TestResponse| {
        response.body["data"]
            .as_array()
            .map(|data| {
                data.iter()
                    .map(|record| record["fields"]["$name"]["value"]["firstName"].to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_else(|| response.body.to_string())
    };
    check(
        first_names(lf.get(&format!("/v1/contacts?%24contact-account={acme}")).await),
        expect![[r#""Ada""#]],
    );
    check(
        names(
            &lf,
            &format!("/v1/accounts?$account-contact[-contains]={}", contacts[0]),
            "$name",
        )
        .await,
        expect!["Globex"],
    );
}
