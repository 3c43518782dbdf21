use crate::{new_record, sample_workspace, temporary_store};
use crmd_store::conformance::text;
use crmd_store::{Store, StoreError};
use crmd_store_sqlite::{SqliteOptions, SqliteStore};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_finishes_accepted_writes_and_refuses_new_ones() {
    let (store, folder) = temporary_store();
    let store = Arc::new(store);
    let workspace = sample_workspace(&store, "shutdown").await;
    let mut tasks = Vec::new();
    for index in 0..100_u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .create_record(
                    workspace,
                    "t",
                    new_record("company", &[("name", text(&format!("c{index}")))]),
                )
                .await
        }));
    }
    tokio::task::yield_now().await;
    store.shutdown().await;

    let mut acknowledged = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(record) => acknowledged.push(record),
            Err(StoreError::ShuttingDown) => {}
            Err(other) => {
                panic!("a write during shutdown is acknowledged or refused as shutting down: {other:?}")
            }
        }
    }
    let after = store
        .create_record(workspace, "t", new_record("company", &[]))
        .await;
    assert!(matches!(after, Err(StoreError::ShuttingDown)), "{after:?}");
    assert!(matches!(
        store.create_workspace("late", Default::default()).await,
        Err(StoreError::ShuttingDown)
    ));
    // Reads still work.
    if let Some(record) = acknowledged.first() {
        assert!(
            store
                .get_record(workspace, "company", record.id)
                .await
                .unwrap()
                .is_some()
        );
    }
    drop(store);

    let reopened = SqliteStore::open(folder.path(), SqliteOptions::default()).unwrap();
    for record in &acknowledged {
        assert_eq!(
            reopened
                .get_record(workspace, "company", record.id)
                .await
                .unwrap()
                .as_ref(),
            Some(record)
        );
    }
    let log = reopened.changes(workspace, 0, 1000).await.unwrap();
    assert_eq!(
        log.len(),
        acknowledged.len(),
        "exactly the acknowledged writes were committed"
    );
}
