//! Lists: filters, sort, cursor paging, counts, sparse fieldsets and include.

use crate::support::{Or, error_line, golden, ids, show};
use serde_json::json;

/// Five accounts named `A1`..`A5`, with ids 1..5 in that order.
async fn five_accounts(or: &Or) -> Vec<u64> {
    let mut created = Vec::new();
    for number in 1..=5 {
        created.push(
            or.create("accounts", "account", json!({"name": format!("A{number}")}))
                .await,
        );
    }
    created
}

#[tokio::test]
async fn filters_compile_to_queries() {
    let or = Or::new().await;
    let accounts = five_accounts(&or).await;
    let list = |query: &str| {
        let path = format!("/api/v2/accounts?{query}");
        let or = &or;
        async move { or.get(&path).await }
    };
    let by_name = |names: &[usize]| names.iter().map(|index| accounts[index - 1]).collect::<Vec<_>>();
    assert_eq!(ids(&list("filter[name]=A2").await), by_name(&[2]));
    assert_eq!(ids(&list("filter%5Bname%5D=A2,A4").await), by_name(&[2, 4]));
    let (second, fourth) = (accounts[1], accounts[3]);
    assert_eq!(
        ids(&list(&format!("filter[id]={second}..{fourth}")).await),
        by_name(&[2, 3, 4])
    );
    assert_eq!(
        ids(&list(&format!("filter[id]={fourth}..inf")).await),
        by_name(&[4, 5])
    );
    assert_eq!(
        ids(&list(&format!("filter[id]=..{second}")).await),
        by_name(&[1, 2])
    );
    assert_eq!(
        ids(&list(&format!("filter[id]=neginf..{second},{fourth}")).await),
        by_name(&[1, 2, 4])
    );
    assert_eq!(
        ids(&list("filter[updatedAt]=2000-01-01..inf&filter[name]=A5").await),
        by_name(&[5])
    );
    assert_eq!(
        ids(&list("filter[createdAt]=..2000-01-01").await),
        Vec::<u64>::new()
    );
    assert_eq!(
        ids(&list("filter[linkedInUrl]=__notnull__").await),
        Vec::<u64>::new()
    );
    assert_eq!(
        ids(&list("filter[linkedInUrl]=__null__&filter[name]=A1").await),
        by_name(&[1])
    );
}

#[tokio::test]
async fn relationship_filters_and_include() {
    let or = Or::new().await;
    let acme = or.create("accounts", "account", json!({"name": "Acme"})).await;
    let linked = or
        .post(
            "/api/v2/prospects",
            json!({"data": {"type": "prospect", "attributes": {"firstName": "Ann"},
                "relationships": {"account": {"data": {"type": "account", "id": acme}}}}}),
        )
        .await;
    assert_eq!(linked.status, 201, "{}", linked.text);
    let linked = linked.body["data"]["id"].as_u64().expect("an id");
    let alone = or
        .create("prospects", "prospect", json!({"firstName": "Bob"}))
        .await;
    let list = |query: &str| {
        let path = format!("/api/v2/prospects?{query}");
        let or = &or;
        async move { or.get(&path).await }
    };
    assert_eq!(ids(&list(&format!("filter[account][id]={acme}")).await), [linked]);
    assert_eq!(ids(&list("filter[account][id]=__null__").await), [alone]);
    let included = list(&format!(
        "filter[id]={linked}&include=account&fields[account]=name&fields[prospect]=firstName,account"
    ))
    .await;
    golden!("prospects_with_account_included", show(&included));
    let related = or.get(&format!("/api/v2/accounts/{acme}")).await;
    let link = related.body["data"]["relationships"]["prospects"]["links"]["related"]
        .as_str()
        .expect("a related link")
        .to_owned();
    let path = link.trim_start_matches("http://crmd.test");
    assert_eq!(ids(&or.get(path).await), [linked]);
}

#[tokio::test]
async fn sort_paging_and_count() {
    let or = Or::new().await;
    let accounts = five_accounts(&or).await;
    let first = or
        .get("/api/v2/accounts?sort=-name&page[size]=2&count=true")
        .await;
    assert_eq!(ids(&first), [accounts[4], accounts[3]]);
    assert_eq!(first.body["meta"], json!({"count": 5, "count_truncated": false}));
    assert!(first.body["links"].get("prev").is_none());
    let mut seen = ids(&first);
    let mut next = first.body["links"]["next"].as_str().map(str::to_owned);
    while let Some(link) = next {
        let page = or.get(link.trim_start_matches("http://crmd.test")).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(page.body["meta"]["count"], 5);
        seen.extend(ids(&page));
        next = page.body["links"]["next"].as_str().map(str::to_owned);
    }
    let mut expected = accounts.clone();
    expected.reverse();
    assert_eq!(seen, expected);
    let plain = or.get("/api/v2/accounts?page[size]=5").await;
    assert!(plain.body.get("meta").is_none());
    assert!(plain.body["links"].get("next").is_none());
}

#[tokio::test]
async fn bad_parameters_name_the_parameter() {
    let or = Or::new().await;
    let first = or.get("/api/v2/accounts?sort=name&page[size]=1").await;
    let next = first.body["links"]["next"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let cursor = next
        .split("page%5Bafter%5D=")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let lines = vec![
        error_line(&or.get("/api/v2/accounts?filter[bogus]=1").await),
        error_line(&or.get("/api/v2/accounts?filter[updatedAt]=yesterday..inf").await),
        error_line(&or.get("/api/v2/accounts?sort=-bogus").await),
        error_line(&or.get("/api/v2/accounts?page[size]=1001").await),
        error_line(&or.get("/api/v2/accounts?fields[account]=name,bogus").await),
        error_line(&or.get("/api/v2/accounts?include=prospects").await),
        error_line(
            &or.get(&format!("/api/v2/accounts?sort=-name&page[after]={cursor}"))
                .await,
        ),
        error_line(&or.get("/api/v2/accounts?count=maybe").await),
        error_line(&or.get("/api/v2/prospects?filter[firstName]=Ann").await),
    ];
    golden!("parameter_errors", lines);
}
