//! Full-text search: the FTS5 index follows every write path, existing workspaces get it
//! filled by the migration, and a search with a filter reaches its rows through indexes.

use crate::{new_record, sample_workspace, temporary_store, workspace_file};
use crmd_core::{FullName, RecordId, Value, WorkspaceId};
use crmd_query::{Filter, Op, Page, Query, SortKey, Target, Trashed};
use crmd_store::conformance::{number, text};
use crmd_store::{MergeRecords, RecordChanges, Store};
use crmd_store_sqlite::{SqliteOptions, SqliteStore};
use std::collections::BTreeMap;
use std::path::Path;

fn search(keys: &[&str], words: &str) -> Filter {
    Filter::Search {
        keys: keys.iter().map(|key| (*key).to_owned()).collect(),
        text: words.to_owned(),
    }
}

async fn matching(
    store: &SqliteStore,
    workspace: WorkspaceId,
    object_type: &str,
    filter: Filter,
    trashed: Trashed,
) -> Vec<u64> {
    let query = Query {
        filter: Some(filter),
        sort: Vec::new(),
        page: Page::Offset {
            offset: 0,
            limit: 100,
        },
        with_total: true,
        trashed,
    };
    let page = store.query_records(workspace, object_type, &query).await.unwrap();
    let ids: Vec<u64> = page.records.iter().map(|record| record.id.get()).collect();
    assert_eq!(page.total, Some(ids.len() as u64));
    ids
}

/// The record ids whose index row matches `expression`, straight from the FTS5 table.
fn indexed(folder: &Path, workspace: WorkspaceId, expression: &str) -> Vec<u64> {
    let connection = rusqlite::Connection::open(workspace_file(folder, workspace)).unwrap();
    let mut statement = connection
        .prepare("SELECT rowid FROM search_text WHERE search_text MATCH ?1 ORDER BY rowid")
        .unwrap();
    statement
        .query_map([expression], |row| row.get::<_, i64>(0))
        .unwrap()
        .map(|id| id.unwrap() as u64)
        .collect()
}

fn rename(name: &str) -> RecordChanges {
    RecordChanges {
        values: BTreeMap::from([("name".to_owned(), Some(text(name)))]),
        relationships: Vec::new(),
    }
}

#[tokio::test]
async fn the_index_follows_create_update_trash_restore_and_merge() {
    let (store, folder) = temporary_store();
    let workspace = sample_workspace(&store, "fts").await;
    let acme = store
        .create_record(
            workspace,
            "t",
            new_record(
                "company",
                &[("name", text("Acme Rockets")), ("employees", number("12"))],
            ),
        )
        .await
        .unwrap()
        .id
        .get();
    let name = ["name"];
    let active = Trashed::Exclude;

    // Create.
    assert_eq!(indexed(folder.path(), workspace, "acme"), [acme]);
    assert_eq!(
        matching(&store, workspace, "company", search(&name, "acme"), active).await,
        [acme]
    );
    assert_eq!(
        matching(&store, workspace, "company", search(&name, "ROCK"), active).await,
        [acme],
        "prefix, any case"
    );
    assert!(
        matching(&store, workspace, "company", search(&name, "ockets"), active)
            .await
            .is_empty(),
        "not a substring"
    );
    assert!(
        matching(
            &store,
            workspace,
            "company",
            search(&name, "acme zeppelin"),
            active
        )
        .await
        .is_empty(),
        "every word"
    );

    // Update.
    store
        .update_record(
            workspace,
            "t",
            "company",
            RecordId(acme),
            rename("Zenith Rockets"),
        )
        .await
        .unwrap();
    assert!(
        indexed(folder.path(), workspace, "acme").is_empty(),
        "the old words left the index"
    );
    assert_eq!(indexed(folder.path(), workspace, "zenith"), [acme]);
    assert_eq!(
        matching(&store, workspace, "company", search(&name, "zen"), active).await,
        [acme]
    );

    // Trash and restore: the row stays, the trash state decides.
    store
        .trash_record(workspace, "t", "company", RecordId(acme))
        .await
        .unwrap();
    assert!(
        matching(&store, workspace, "company", search(&name, "zenith"), active)
            .await
            .is_empty()
    );
    assert_eq!(
        matching(
            &store,
            workspace,
            "company",
            search(&name, "zenith"),
            Trashed::Only
        )
        .await,
        [acme]
    );
    store
        .restore_record(workspace, "t", "company", RecordId(acme))
        .await
        .unwrap();
    assert_eq!(
        matching(&store, workspace, "company", search(&name, "zenith"), active).await,
        [acme]
    );

    // Merge: the primary's new values are indexed; the duplicate goes to the trash.
    let globex = store
        .create_record(workspace, "t", new_record("company", &[("name", text("Globex"))]))
        .await
        .unwrap()
        .id
        .get();
    store
        .merge_records(
            workspace,
            "t",
            MergeRecords {
                object_type: "company".to_owned(),
                primary: RecordId(acme),
                duplicate: RecordId(globex),
                values: BTreeMap::from([("name".to_owned(), Some(text("Globex Zenith")))]),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(indexed(folder.path(), workspace, "globex"), [acme, globex]);
    assert_eq!(
        matching(&store, workspace, "company", search(&name, "globex"), active).await,
        [acme]
    );

    // A cleared value leaves the index.
    store
        .update_record(
            workspace,
            "t",
            "company",
            RecordId(acme),
            RecordChanges {
                values: BTreeMap::from([("name".to_owned(), None)]),
                relationships: Vec::new(),
            },
        )
        .await
        .unwrap();
    assert!(indexed(folder.path(), workspace, "zenith").is_empty());
}

#[tokio::test]
async fn words_may_sit_in_different_fields_but_only_the_named_ones() {
    let (store, _folder) = temporary_store();
    let workspace = sample_workspace(&store, "fts_fields").await;
    let ada = store
        .create_record(
            workspace,
            "t",
            new_record(
                "person",
                &[
                    (
                        "name",
                        Value::FullName(FullName {
                            first_name: Some("Ada".to_owned()),
                            last_name: Some("Lovelace".to_owned()),
                        }),
                    ),
                    ("title", text("Analytical engineer")),
                    ("emails", Value::List(vec!["ada@engines.example".to_owned()])),
                ],
            ),
        )
        .await
        .unwrap()
        .id
        .get();
    let active = Trashed::Exclude;
    let both = ["name", "title"];
    assert_eq!(
        matching(
            &store,
            workspace,
            "person",
            search(&both, "lovelace engin"),
            active
        )
        .await,
        [ada]
    );
    assert!(
        matching(
            &store,
            workspace,
            "person",
            search(&["name"], "lovelace engin"),
            active
        )
        .await
        .is_empty()
    );
    assert_eq!(
        matching(
            &store,
            workspace,
            "person",
            search(&["emails"], "engines.example"),
            active
        )
        .await,
        [ada]
    );
    assert_eq!(
        matching(&store, workspace, "person", search(&["name"], "  "), active).await,
        [ada],
        "no words, no constraint"
    );
    assert!(
        matching(&store, workspace, "person", search(&[], "ada"), active)
            .await
            .is_empty(),
        "no fields, no match"
    );
}

#[tokio::test]
async fn opening_a_workspace_from_before_full_text_search_fills_the_index() {
    let (store, folder) = temporary_store();
    let workspace = sample_workspace(&store, "fts_old").await;
    let initech = store
        .create_record(
            workspace,
            "t",
            new_record("company", &[("name", text("Initech"))]),
        )
        .await
        .unwrap()
        .id
        .get();
    store.shutdown().await;
    drop(store);
    {
        // Undo the migration, as a workspace written by an older crmd looks.
        let connection = rusqlite::Connection::open(workspace_file(folder.path(), workspace)).unwrap();
        connection
            .execute_batch(
                "DROP TABLE search_text; DROP TABLE search_state; \
                 DELETE FROM _migrations WHERE name = '20260710000000_search_text';",
            )
            .unwrap();
    }
    let store = SqliteStore::open(folder.path(), SqliteOptions::default()).unwrap();
    assert_eq!(
        matching(
            &store,
            workspace,
            "company",
            search(&["name"], "initech"),
            Trashed::Exclude
        )
        .await,
        [initech]
    );
    assert_eq!(indexed(folder.path(), workspace, "initech"), [initech]);
    store.shutdown().await;
}

#[tokio::test]
async fn a_search_with_a_filter_uses_indexes() {
    let (store, _folder) = temporary_store();
    let workspace = sample_workspace(&store, "fts_plan").await;
    for index in 0..200 {
        store
            .create_record(
                workspace,
                "t",
                new_record(
                    "company",
                    &[
                        ("name", text(&format!("company {index} acme"))),
                        ("employees", number(&index.to_string())),
                    ],
                ),
            )
            .await
            .unwrap();
    }
    let query = Query {
        filter: Some(Filter::And(vec![
            search(&["name", "email"], "acme"),
            Filter::Cond {
                target: Target::Field("employees".to_owned()),
                op: Op::Gte(number("150")),
            },
        ])),
        sort: vec![SortKey {
            target: Target::Field("name".to_owned()),
            is_descending: false,
        }],
        page: Page::Offset { offset: 0, limit: 10 },
        with_total: true,
        trashed: Trashed::Exclude,
    };
    let plan = store.explain_query(workspace, "company", &query).await.unwrap();
    eprintln!("{plan:#?}");
    assert!(
        plan.iter()
            .any(|line| line.contains("search_text VIRTUAL TABLE INDEX")),
        "the full-text index narrows: {plan:#?}"
    );
    for line in &plan {
        let is_table_scan = line.starts_with("SCAN t") && !line.contains("USING");
        assert!(!is_table_scan, "full scan of the record table: {plan:#?}");
    }
    let page = store.query_records(workspace, "company", &query).await.unwrap();
    assert_eq!(page.total, Some(50));
}
