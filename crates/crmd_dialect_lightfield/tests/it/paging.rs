//! Paging: limit and offset over several pages, newest first, with exact totals.

use crate::support::{Lf, golden, redact};
use serde_json::{Value, json};

const TOTAL: usize = 31;

fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("a page has data")
        .iter()
        .map(|record| {
            record["fields"]["name"]["value"]
                .as_str()
                .expect("widgets have names")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn pages_walk_every_record_once_newest_first() {
    let lf = Lf::with_custom_objects().await;
    for rank in 0..TOTAL {
        lf.create(
            "/v1/objects/widgets/values",
            json!({"fields": {"name": format!("widget-{rank:02}"), "rank": rank}}),
        )
        .await;
    }
    let newest_first: Vec<String> = (0..TOTAL).rev().map(|rank| format!("widget-{rank:02}")).collect();

    let default_page = lf.get("/v1/objects/widgets").await.body;
    assert_eq!(
        (default_page["totalCount"].clone(), names(&default_page)),
        (json!(TOTAL), newest_first[..25].to_vec())
    );

    for limit in [1, 7, 25] {
        let mut seen = Vec::new();
        let mut offset = 0;
        loop {
            let page = lf
                .get(&format!("/v1/objects/widgets?limit={limit}&offset={offset}"))
                .await
                .body;
            assert_eq!(page["totalCount"], TOTAL);
            let names = names(&page);
            let is_last = names.len() < limit;
            seen.extend(names);
            if is_last {
                break;
            }
            offset += limit;
        }
        assert_eq!(seen, newest_first, "limit {limit}");
    }

    let past_the_end = lf.get("/v1/objects/widgets?offset=10000").await.body;
    assert_eq!(
        (past_the_end["totalCount"].clone(), past_the_end["data"].clone()),
        (json!(TOTAL), json!([]))
    );

    // Filters page too, and totalCount counts every match.
    let first = lf
        .get("/v1/objects/widgets?limit=15&rank%5BgreaterThanOrEqual%5D=10")
        .await
        .body;
    let second = lf
        .get("/v1/objects/widgets?limit=15&offset=15&rank%5BgreaterThanOrEqual%5D=10")
        .await
        .body;
    assert_eq!(
        (first["totalCount"].clone(), second["totalCount"].clone()),
        (json!(21), json!(21))
    );
    assert_eq!(
        [names(&first), names(&second)].concat(),
        newest_first[..21].to_vec()
    );

    let small = lf.get("/v1/objects/widgets?limit=2&offset=3").await;
    golden!(
        "widgets_page",
        json!({"status": small.status.as_u16(), "body": redact(small.body.clone())})
    );
}
