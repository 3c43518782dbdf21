//! Property test: no body or query string makes an endpoint answer 500, and every refusal
//! has Lightfield's error shape.

use crate::support::Lf;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value as Json;

/// Any JSON, nested a few levels.
fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        any::<f64>().prop_map(|number| serde_json::Number::from_f64(number).map_or(Json::Null, Json::Number)),
        "\\PC{0,12}".prop_map(Json::from),
        proptest::sample::select(vec![
            "$name",
            "fields",
            "relationships",
            "1",
            "acc_1",
            "Acme",
            "",
            "$account"
        ])
        .prop_map(Json::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::from),
            proptest::collection::btree_map(
                proptest::sample::select(vec![
                    "fields",
                    "relationships",
                    "$name",
                    "$website",
                    "$owner",
                    "$contact",
                    "add",
                    "remove",
                    "replace",
                    "skipEnrichment",
                    "firstName",
                    "x",
                ])
                .prop_map(str::to_owned),
                inner,
                0..4,
            )
            .prop_map(|map| Json::Object(map.into_iter().collect())),
        ]
    })
}

#[test]
fn no_body_or_query_makes_an_endpoint_answer_500() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let lf = runtime.block_on(Lf::new());
    let account = runtime.block_on(lf.account("Target"));
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let paths = vec![
        "/v1/accounts".to_owned(),
        format!("/v1/accounts/{account}"),
        "/v1/contacts".to_owned(),
        "/v1/notes".to_owned(),
        "/v1/lists".to_owned(),
        "/v1/accounts/merge".to_owned(),
    ];
    // Query pairs, percent-encoded the way clients send them.
    let pair = ("[$a-z]{1,8}(\\[-?[a-zA-Z]{0,12}\\])?", "\\PC{0,8}");
    let query = proptest::collection::vec(pair, 0..4).prop_map(|pairs| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs {
            query.append_pair(&key, &value);
        }
        query.finish()
    });
    runner
        .run(
            &(proptest::sample::select(paths), any_json(), query),
            |(path, body, query)| {
                let post = runtime.block_on(lf.post(&path, body.clone()));
                let get = runtime.block_on(lf.get(&format!("{path}?{query}")));
                for (what, response) in [("POST", &post), ("GET", &get)] {
                    let status = response.status.as_u16();
                    prop_assert!(
                        status < 500,
                        "{what} {path} answered {status} for {body} / {query}: {}",
                        response.text
                    );
                    if status >= 400 {
                        prop_assert!(
                            response.body["error"]["type"].is_string(),
                            "{what} {path}: {status} without Lightfield's error shape: {}",
                            response.text
                        );
                    }
                }
                Ok(())
            },
        )
        .unwrap_or_else(|failure| panic!("{failure}"));
}
