use crate::{new_record, sample_workspace, temporary_store, workspace_file};
use crmd_core::{ChangeOp, RecordId};
use crmd_store::conformance::text;
use crmd_store::{BatchMode, RecordWrite, Store, StoreError};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_commit_together_and_a_failing_one_spoils_nothing() {
    let (store, folder) = temporary_store();
    let store = Arc::new(store);
    let workspace = sample_workspace(&store, "group-commit").await;
    let first = store
        .create_record(workspace, "t", new_record("company", &[("name", text("first"))]))
        .await
        .unwrap();
    let before = store.writer_stats(workspace).await.unwrap();

    // Another connection holds the write lock, so the writer waits in BEGIN IMMEDIATE while
    // every create queues up behind it; they then commit in (almost) one group.
    let blocker = rusqlite::Connection::open(workspace_file(folder.path(), workspace)).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();

    let mut tasks = Vec::new();
    for index in 0..200_u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            // Every tenth create asks for the same unique email: one wins, the rest fail.
            let email = if index % 10 == 0 {
                "dup@example.com".to_owned()
            } else {
                format!("p{index}@example.com")
            };
            store
                .create_record(workspace, "t", new_record("person", &[("email", text(&email))]))
                .await
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    blocker.execute_batch("COMMIT").unwrap();

    let mut created = Vec::new();
    let mut refused = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(record) => created.push(record),
            Err(error) => refused.push(error),
        }
    }
    assert_eq!(
        (created.len(), refused.len()),
        (181, 19),
        "one duplicate wins: {refused:?}"
    );
    let winner = created
        .iter()
        .find(|record| record.value("email") == Some(&text("dup@example.com")))
        .expect("one create with the duplicate email succeeded");
    for error in &refused {
        assert!(
            matches!(error, StoreError::UniqueViolation { field, existing } if field == "email" && *existing == winner.id),
            "{error:?}"
        );
    }

    let ids: BTreeSet<RecordId> = created.iter().map(|record| record.id).collect();
    let expected: BTreeSet<RecordId> = (1..=181)
        .map(|offset| RecordId(first.id.get() + offset))
        .collect();
    assert_eq!(
        ids, expected,
        "distinct, sequential ids without holes from the failed creates"
    );

    let log = store.changes(workspace, 0, 1000).await.unwrap();
    assert_eq!(log.len(), 182);
    assert!(
        log.iter()
            .enumerate()
            .all(|(index, change)| change.seq == index as u64 + 1),
        "gapless seqs"
    );
    assert!(log.iter().all(|change| change.op == ChangeOp::Create));
    let logged: BTreeSet<RecordId> = log.iter().skip(1).map(|change| change.record_id).collect();
    assert_eq!(logged, expected, "one change per acknowledged create");
    for record in &created {
        assert_eq!(
            store
                .get_record(workspace, "person", record.id)
                .await
                .unwrap()
                .as_ref(),
            Some(record)
        );
    }

    let after = store.writer_stats(workspace).await.unwrap();
    assert_eq!(after.committed_writes - before.committed_writes, 181);
    let commits = after.commits - before.commits;
    assert!(
        commits <= 3,
        "the queued creates commit in few groups, not one by one: {commits} commits"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_writers_without_help_all_succeed() {
    let (store, _folder) = temporary_store();
    let store = Arc::new(store);
    let workspace = sample_workspace(&store, "many").await;
    let mut tasks = Vec::new();
    for index in 0..200_u32 {
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
    let mut ids = BTreeSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap().unwrap().id);
    }
    assert_eq!(ids, (1..=200).map(RecordId).collect::<BTreeSet<_>>());
    let log = store.changes(workspace, 0, 1000).await.unwrap();
    assert_eq!(
        log.iter().map(|change| change.seq).collect::<Vec<_>>(),
        (1..=200).collect::<Vec<u64>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_writes_commits_once() {
    let (store, _folder) = temporary_store();
    let workspace = sample_workspace(&store, "batch-commit").await;
    let before = store.writer_stats(workspace).await.unwrap();
    let writes: Vec<RecordWrite> = (0..100)
        .map(|index| {
            // Every tenth input repeats a unique email: it fails alone.
            let email = if index % 10 == 9 {
                "p0@example.com".to_owned()
            } else {
                format!("p{index}@example.com")
            };
            RecordWrite::Create(new_record("person", &[("email", text(&email))]))
        })
        .collect();
    let results = store
        .write_records(workspace, "t", writes, BatchMode::EachInput)
        .await
        .unwrap();
    assert_eq!(results.iter().filter(|result| result.is_ok()).count(), 90);
    let after = store.writer_stats(workspace).await.unwrap();
    assert_eq!(
        after.commits - before.commits,
        1,
        "the whole batch is one transaction, one commit"
    );
    assert_eq!(store.changes(workspace, 0, 1000).await.unwrap().len(), 90);
}
