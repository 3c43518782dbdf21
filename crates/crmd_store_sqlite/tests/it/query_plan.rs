use crate::{new_record, sample_workspace};
use crmd_core::{RecordId, Value};
use crmd_query::{Filter, Op, Page, Query, RelatedOp, SortKey, Target, Trashed};
use crmd_store::Store;
use crmd_store::conformance::{number, text};
use crmd_store_sqlite::{Durability, SqliteOptions, SqliteStore};
use rust_decimal::Decimal;
use std::sync::Arc;

const ROWS: u32 = 20_000;

#[track_caller]
fn assert_uses_indexes(plan: &[String], what: &str) {
    assert!(!plan.is_empty(), "{what}: no plan");
    eprintln!("{what}: {plan:?}");
    for line in plan {
        let is_full_scan = line.starts_with("SCAN") && !line.contains("USING") && !line.contains("json_each");
        assert!(!is_full_scan, "{what}: full table scan in plan {plan:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn filtered_sorted_pages_over_many_records_use_indexes() {
    let (store, _folder) = SqliteStore::open_temporary(SqliteOptions {
        durability: Durability::Relaxed,
        read_connections: 2,
    })
    .unwrap();
    let store = Arc::new(store);
    let workspace = sample_workspace(&store, "plans").await;
    let person = store
        .create_record(workspace, "t", new_record("person", &[]))
        .await
        .unwrap();
    for chunk in 0..(ROWS / 1000) {
        let mut tasks = Vec::new();
        for offset in 0..1000 {
            let index = chunk * 1000 + offset;
            let store = store.clone();
            let mut record = new_record(
                "company",
                &[
                    ("name", text(&format!("company {:05}", (index * 7919) % ROWS))),
                    ("employees", number(&(index % 1000).to_string())),
                ],
            );
            if index % 100 == 0 {
                record.relationships.insert("$people".to_owned(), vec![]);
            }
            tasks.push(tokio::spawn(async move {
                store.create_record(workspace, "t", record).await
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
    }

    let filter = Filter::Cond {
        target: Target::Field("employees".to_owned()),
        op: Op::Gt(number("990")),
    };
    let sort = vec![SortKey {
        target: Target::Field("name".to_owned()),
        is_descending: false,
    }];
    let query = Query {
        filter: Some(filter.clone()),
        sort: sort.clone(),
        page: Page::After {
            cursor: None,
            limit: 50,
        },
        with_total: true,
        trashed: Trashed::Exclude,
    };
    let plan = store.explain_query(workspace, "company", &query).await.unwrap();
    assert_uses_indexes(&plan, "number filter sorted by text");

    let first = store.query_records(workspace, "company", &query).await.unwrap();
    assert_eq!(
        first.total,
        Some(u64::from(ROWS / 1000 * 9)),
        "9 of every 1000 have more than 990 employees"
    );
    let names: Vec<String> = first
        .records
        .iter()
        .map(|record| match record.value("name") {
            Some(Value::Text(name)) => name.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by name");
    let cursor = first.next_cursor.clone().expect("more pages");
    let second_query = Query {
        page: Page::After {
            cursor: Some(cursor),
            limit: 50,
        },
        ..query.clone()
    };
    let plan = store
        .explain_query(workspace, "company", &second_query)
        .await
        .unwrap();
    assert_uses_indexes(&plan, "keyset page");

    let checks = [
        (
            "text equality",
            Some(Filter::Cond {
                target: Target::Field("name".to_owned()),
                op: Op::Eq(text("company 00042")),
            }),
            vec![],
        ),
        (
            "prefix",
            Some(Filter::Cond {
                target: Target::Field("name".to_owned()),
                op: Op::StartsWith("company 0004".to_owned()),
            }),
            vec![],
        ),
        (
            "sort only",
            None,
            vec![SortKey {
                target: Target::Field("employees".to_owned()),
                is_descending: true,
            }],
        ),
        (
            "newest first",
            None,
            vec![SortKey {
                target: Target::CreatedAt,
                is_descending: true,
            }],
        ),
        (
            "id range",
            Some(Filter::Cond {
                target: Target::Id,
                op: Op::Gt(Value::Number(Decimal::from(ROWS - 10))),
            }),
            vec![],
        ),
        (
            "related",
            Some(Filter::Related {
                key: "$people".to_owned(),
                op: RelatedOp::AnyOf(vec![person.id]),
            }),
            vec![SortKey {
                target: Target::UpdatedAt,
                is_descending: false,
            }],
        ),
        (
            "related matches",
            Some(Filter::Related {
                key: "$people".to_owned(),
                op: RelatedOp::Matches(Box::new(Filter::Cond {
                    target: Target::Field("email".to_owned()),
                    op: Op::Eq(text("nobody@example.com")),
                })),
            }),
            vec![SortKey {
                target: Target::Field("name".to_owned()),
                is_descending: false,
            }],
        ),
    ];
    for (what, filter, sort) in checks {
        let query = Query {
            filter,
            sort,
            page: Page::Offset { offset: 0, limit: 20 },
            with_total: false,
            trashed: Trashed::Exclude,
        };
        let plan = store.explain_query(workspace, "company", &query).await.unwrap();
        assert_uses_indexes(&plan, what);
        store.query_records(workspace, "company", &query).await.unwrap();
    }

    // Newest first with a total: a broad filter walks the created_at index (the store
    // forces it when the total shows the walk is shorter); others are left to SQLite. Every
    // plan gives the records SQLite's own plan gives.
    for (what, low, high, offset, must_walk) in [
        ("a third of the rows, first page", "100", "400", 0, true),
        ("a third of the rows, deep page", "100", "400", 2000, true),
        ("a tenth of the rows, deep page", "100", "200", 1000, true),
        ("a tenth of the rows, deeper page", "100", "200", 1900, false),
        ("a hundredth of the rows, first page", "100", "110", 0, false),
    ] {
        let query = Query {
            // A range bounded on both sides looks very selective to SQLite without
            // statistics, so on its own it would read every match and sort them.
            filter: Some(Filter::And(vec![
                Filter::Cond {
                    target: Target::Field("employees".to_owned()),
                    op: Op::Gte(number(low)),
                },
                Filter::Cond {
                    target: Target::Field("employees".to_owned()),
                    op: Op::Lt(number(high)),
                },
            ])),
            sort: vec![SortKey {
                target: Target::CreatedAt,
                is_descending: true,
            }],
            page: Page::Offset { offset, limit: 25 },
            with_total: true,
            trashed: Trashed::Exclude,
        };
        let plan = store.explain_query(workspace, "company", &query).await.unwrap();
        assert_uses_indexes(&plan, what);
        if must_walk {
            assert!(
                plan.iter().any(|line| line.contains("__created_at")),
                "{what}: {plan:?}"
            );
        }
        let page = store.query_records(workspace, "company", &query).await.unwrap();
        // Including the (empty) trash turns the walk off: the same records must come back.
        let planner = Query {
            trashed: Trashed::Include,
            ..query.clone()
        };
        let reference = store.query_records(workspace, "company", &planner).await.unwrap();
        let ids =
            |page: &crmd_store::RecordPage| page.records.iter().map(|record| record.id).collect::<Vec<_>>();
        assert_eq!(ids(&page), ids(&reference), "{what}");
        assert_eq!(page.total, reference.total, "{what}");
        assert_eq!(page.records.len(), 25, "{what}");
    }

    // Relationship filters are driven by the edge index from the far record.
    let people_query = Query {
        filter: Some(Filter::Related {
            key: "$company".to_owned(),
            op: RelatedOp::AnyOf(vec![RecordId(2)]),
        }),
        sort: vec![],
        page: Page::Offset { offset: 0, limit: 10 },
        with_total: false,
        trashed: Trashed::Exclude,
    };
    store
        .query_records(workspace, "person", &people_query)
        .await
        .unwrap();
}

/// The lists of the Lightfield dialect (newest first, an offset page, an exact total) with
/// its filters, over 100,000 records of one type: every plan reads through an index, and
/// none scans the type's table. (A broad relationship filter may walk the created_at index
/// in order and stop after the page: `SCAN t USING INDEX …__created_at`, which the store
/// chooses only when the total shows the walk is short.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dialect_lists_over_100_000_records_use_indexes() {
    const PEOPLE: u32 = 100_000;
    const MANAGERS: u32 = 100;
    let (store, _folder) = SqliteStore::open_temporary(SqliteOptions {
        durability: Durability::Relaxed,
        read_connections: 2,
    })
    .unwrap();
    let store = Arc::new(store);
    let workspace = sample_workspace(&store, "lists").await;
    let mut managers = Vec::new();
    for index in 0..MANAGERS {
        let record = new_record("person", &[("title", text(&format!("Manager {index:03}")))]);
        managers.push(store.create_record(workspace, "t", record).await.unwrap().id);
    }
    // Writes sent together are committed together by the store's group commit.
    for chunk in 0..(PEOPLE / 2000) {
        let mut tasks = Vec::new();
        for offset in 0..2000 {
            let index = chunk * 2000 + offset;
            let store = store.clone();
            let mut record = new_record(
                "person",
                &[
                    ("title", text(&format!("Engineer {index:05}"))),
                    ("score", number(&(index % 1000).to_string())),
                ],
            );
            record
                .relationships
                .insert("manager".to_owned(), vec![managers[(index % MANAGERS) as usize]]);
            tasks.push(tokio::spawn(async move {
                store.create_record(workspace, "t", record).await
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
    }

    let cond = |key: &str, op: Op| Filter::Cond {
        target: Target::Field(key.to_owned()),
        op,
    };
    let cases = [
        (
            "number range",
            Filter::And(vec![
                cond("score", Op::Gte(number("500"))),
                cond("score", Op::Lt(number("502"))),
            ]),
            Some(
                (0..PEOPLE)
                    .filter(|index| (500..502).contains(&(index % 1000)))
                    .count() as u64,
            ),
        ),
        (
            "text equal",
            cond("title", Op::Eq(text("Engineer 04242"))),
            Some(1),
        ),
        (
            "text startsWith",
            cond("title", Op::StartsWith("Manager 0".to_owned())),
            Some(100),
        ),
        (
            "relationship",
            Filter::Related {
                key: "manager".to_owned(),
                op: RelatedOp::AnyOf(vec![managers[7]]),
            },
            Some((0..PEOPLE).filter(|index| index % MANAGERS == 7).count() as u64),
        ),
        (
            "relationship from the other end",
            Filter::Related {
                key: "reports".to_owned(),
                op: RelatedOp::AnyOf(vec![RecordId(managers[0].get() + 200)]),
            },
            Some(1),
        ),
        (
            "relationship and number",
            Filter::And(vec![
                Filter::Related {
                    key: "manager".to_owned(),
                    op: RelatedOp::AnyOf(vec![managers[3]]),
                },
                cond("score", Op::Eq(number("3"))),
            ]),
            None,
        ),
    ];
    for (what, filter, total) in cases {
        let query = Query {
            filter: Some(filter),
            sort: vec![SortKey {
                target: Target::CreatedAt,
                is_descending: true,
            }],
            page: Page::Offset { offset: 0, limit: 25 },
            with_total: true,
            trashed: Trashed::Exclude,
        };
        let plan = store.explain_query(workspace, "person", &query).await.unwrap();
        assert_uses_indexes(&plan, what);
        assert!(
            plan.iter().any(|line| line.contains("USING INDEX")
                || line.contains("USING COVERING INDEX")
                || line.contains("USING INTEGER PRIMARY KEY")),
            "{what}: no index in plan {plan:#?}"
        );
        assert!(
            !plan
                .iter()
                .any(|line| line.starts_with("SCAN t") && !line.contains("USING")),
            "{what}: scans the type's table: {plan:#?}"
        );
        let page = store.query_records(workspace, "person", &query).await.unwrap();
        if let Some(total) = total {
            assert_eq!(page.total, Some(total), "{what}");
        }
        assert!(!page.records.is_empty(), "{what}");
    }
}
