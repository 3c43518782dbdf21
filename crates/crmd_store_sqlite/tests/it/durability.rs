use crate::{linked, new_record, sample_workspace, temporary_store};
use crmd_core::{ChangeOp, FullName, RecordId, Value};
use crmd_store::conformance::{sample_schema, text};
use crmd_store::{NewApiKey, RecordChanges, Store};
use crmd_store_sqlite::{SqliteOptions, SqliteStore};

fn name(first: &str, last: &str) -> Value {
    Value::FullName(FullName {
        first_name: Some(first.to_owned()),
        last_name: Some(last.to_owned()),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_store_on_the_same_folder_sees_every_acknowledged_write() {
    let (store, folder) = temporary_store();
    let workspace = sample_workspace(&store, "durable").await;
    let key = store
        .create_api_key(NewApiKey {
            key_id: "k_durable".to_owned(),
            workspace,
            secret_sha256: [3; 32],
            scopes: vec!["records:read".to_owned()],
            label: None,
        })
        .await
        .unwrap();
    let company = store
        .create_record(workspace, "t", new_record("company", &[("name", text("Acme"))]))
        .await
        .unwrap();
    let person = store
        .create_record(
            workspace,
            "t",
            linked(
                new_record("person", &[("name", name("Ada", "Byron"))]),
                "$company",
                &[company.id],
            ),
        )
        .await
        .unwrap();
    let changes = RecordChanges {
        values: [("name".to_owned(), Some(name("Ada", "Lovelace")))].into(),
        relationships: vec![],
    };
    let person = store
        .update_record(workspace, "t", "person", person.id, changes)
        .await
        .unwrap();

    // The first store is still running: the second one reads the committed files.
    let reopened = SqliteStore::open(folder.path(), SqliteOptions::default()).unwrap();
    assert_eq!(
        reopened
            .workspace_by_name("durable")
            .await
            .unwrap()
            .map(|found| found.id),
        Some(workspace)
    );
    assert_eq!(reopened.api_key("k_durable").await.unwrap(), Some(key));
    assert_eq!(
        reopened.schema(workspace).await.unwrap().object_types,
        sample_schema().object_types
    );
    assert_eq!(
        reopened.get_record(workspace, "person", person.id).await.unwrap(),
        Some(person.clone())
    );
    let company_again = reopened
        .get_record(workspace, "company", company.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(company_again.related("$people"), [person.id], "edges survive");
    let history = reopened
        .field_history(workspace, "person", person.id, "name", None, 10)
        .await
        .unwrap();
    let values: Vec<Option<Value>> = history.into_iter().map(|entry| entry.value).collect();
    assert_eq!(
        values,
        [Some(name("Ada", "Lovelace")), Some(name("Ada", "Byron"))],
        "history survives"
    );
    let log = reopened.changes(workspace, 0, 100).await.unwrap();
    let ops: Vec<(u64, RecordId, ChangeOp)> = log
        .iter()
        .map(|change| (change.seq, change.record_id, change.op))
        .collect();
    assert_eq!(
        ops,
        [
            (1, company.id, ChangeOp::Create),
            (2, person.id, ChangeOp::Create),
            (3, person.id, ChangeOp::Update)
        ],
        "the change log survives"
    );

    // Once the first store is gone, the second one writes on: ids and seqs continue.
    store.shutdown().await;
    drop(store);
    let next = reopened
        .create_record(workspace, "t", new_record("company", &[("name", text("Next"))]))
        .await
        .unwrap();
    assert_eq!(
        next.id,
        RecordId(person.id.get() + 1),
        "ids continue where they were"
    );
    let log = reopened.changes(workspace, 3, 100).await.unwrap();
    assert_eq!(
        log.iter().map(|change| change.seq).collect::<Vec<_>>(),
        [4],
        "seqs continue without a gap"
    );
    reopened.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relaxed_durability_stores_the_same_data() {
    let (store, folder) = SqliteStore::open_temporary(SqliteOptions {
        durability: crmd_store_sqlite::Durability::Relaxed,
        read_connections: 1,
    })
    .unwrap();
    let workspace = sample_workspace(&store, "relaxed").await;
    let record = store
        .create_record(workspace, "t", new_record("company", &[("name", text("Fast"))]))
        .await
        .unwrap();
    store.shutdown().await;
    drop(store);
    let reopened = SqliteStore::open(folder.path(), SqliteOptions::default()).unwrap();
    assert_eq!(
        reopened
            .get_record(workspace, "company", record.id)
            .await
            .unwrap(),
        Some(record)
    );
}
