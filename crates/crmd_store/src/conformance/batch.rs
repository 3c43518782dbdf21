//! Batches of writes: one transaction, one result per input in input order, a failing
//! input that leaves no trace, and all-or-nothing batches that write nothing on failure.

use super::{changes_after, err, get, last_seq, new_record, new_workspace, ok, set, text};
use crate::{BatchMode, NewRecord, RecordWrite, Store, StoreError, StoreResult};
use crmd_core::{ChangeOp, Record, RecordId};

fn create(object_type: &str, pairs: &[(&str, crmd_core::Value)]) -> RecordWrite {
    RecordWrite::Create(new_record(object_type, pairs))
}

#[track_caller]
fn written(results: &[StoreResult<Record>], index: usize) -> Record {
    match &results[index] {
        Ok(record) => record.clone(),
        Err(error) => panic!("input {index}: expected a written record, got {error:?}"),
    }
}

pub async fn batch_writes(store: &dyn Store) {
    let workspace = new_workspace(store, "batch").await;
    let existing = super::create(
        store,
        workspace,
        new_record(
            "company",
            &[("name", text("Existing")), ("domain", text("taken.com"))],
        ),
    )
    .await;
    let start = last_seq(store, workspace).await;

    let writes = vec![
        create(
            "company",
            &[("name", text("First")), ("domain", text("first.com"))],
        ),
        // Taken by a record committed before the batch.
        create("company", &[("name", text("Dup")), ("domain", text("taken.com"))]),
        // Claims a unique email, then fails on a missing related record.
        RecordWrite::Create(NewRecord {
            relationships: [("$company".to_owned(), vec![RecordId(999_999_999)])].into(),
            ..new_record("person", &[("email", text("d@example.com"))])
        }),
        // The failed input above left its unique value free.
        create("person", &[("email", text("d@example.com"))]),
        create(
            "company",
            &[("name", text("Second")), ("domain", text("second.com"))],
        ),
        // Taken by an earlier input of this batch.
        create(
            "company",
            &[("name", text("Dup 2")), ("domain", text("first.com"))],
        ),
        RecordWrite::Update {
            object_type: "company".to_owned(),
            id: existing.id,
            changes: set(&[("name", Some(text("Existing Renamed")))]),
        },
        RecordWrite::Update {
            object_type: "company".to_owned(),
            id: RecordId(999_999_998),
            changes: set(&[("name", Some(text("nobody")))]),
        },
        RecordWrite::Trash {
            object_type: "company".to_owned(),
            id: existing.id,
        },
        RecordWrite::Restore {
            object_type: "company".to_owned(),
            id: existing.id,
        },
    ];
    let results = ok(
        store
            .write_records(workspace, "batch-actor", writes, BatchMode::EachInput)
            .await,
        "write_records",
    );
    assert_eq!(results.len(), 10, "one result per input: {results:?}");
    let outcome: Vec<bool> = results.iter().map(Result::is_ok).collect();
    assert_eq!(
        outcome,
        [true, false, false, true, true, false, true, false, true, true],
        "each input has its own result, in input order: {results:?}"
    );
    assert!(
        matches!(results[1], Err(StoreError::UniqueViolation { existing: id, .. }) if id == existing.id),
        "a value taken before the batch: {:?}",
        results[1]
    );
    assert!(
        matches!(results[2], Err(StoreError::RelatedMissing { .. })),
        "a missing related record: {:?}",
        results[2]
    );
    let first = written(&results, 0);
    let person = written(&results, 3);
    let second = written(&results, 4);
    assert!(
        matches!(results[5], Err(StoreError::UniqueViolation { existing: id, .. }) if id == first.id),
        "a value taken by an earlier input of the batch: {:?}",
        results[5]
    );
    assert!(
        matches!(results[7], Err(StoreError::NotFound)),
        "an update of a missing record: {:?}",
        results[7]
    );
    assert!(
        first.id < person.id && person.id < second.id,
        "creates get ids in input order: {} {} {}",
        first.id,
        person.id,
        second.id
    );
    assert_eq!(first.value("name"), Some(&text("First")));
    let renamed = written(&results, 6);
    assert_eq!(renamed.value("name"), Some(&text("Existing Renamed")));
    let trashed = written(&results, 8);
    assert!(
        trashed.trashed_at.is_some(),
        "the trash input sees the update before it"
    );
    let restored = written(&results, 9);
    assert_eq!(restored.trashed_at, None);
    assert_eq!(restored.value("name"), Some(&text("Existing Renamed")));

    for record in [&first, &person, &second] {
        assert_eq!(
            &get(store, workspace, &record.object_type, record.id).await,
            record,
            "a succeeded input is stored as it was answered"
        );
    }
    let changes = changes_after(store, workspace, start).await;
    let logged: Vec<(RecordId, ChangeOp)> = changes
        .iter()
        .map(|change| (change.record_id, change.op))
        .collect();
    assert_eq!(
        logged,
        [
            (first.id, ChangeOp::Create),
            (person.id, ChangeOp::Create),
            (second.id, ChangeOp::Create),
            (existing.id, ChangeOp::Update),
            (existing.id, ChangeOp::Trash),
            (existing.id, ChangeOp::Restore),
        ],
        "only the succeeded inputs are logged, in input order"
    );
    let seqs: Vec<u64> = changes.iter().map(|change| change.seq).collect();
    let gapless: Vec<u64> = (start + 1..=start + 6).collect();
    assert_eq!(seqs, gapless, "failed inputs leave no gap in the change log");
    assert!(
        changes.iter().all(|change| change.actor == "batch-actor"),
        "every change names the batch's actor"
    );
    let history = ok(
        store
            .field_history(workspace, "company", existing.id, "name", None, 10)
            .await,
        "field_history",
    );
    assert_eq!(
        history.first().map(|entry| entry.value.clone()),
        Some(Some(text("Existing Renamed"))),
        "the update's field history committed with it: {history:?}"
    );
    let empty = ok(
        store
            .write_records(workspace, "batch-actor", Vec::new(), BatchMode::EachInput)
            .await,
        "an empty batch",
    );
    assert!(empty.is_empty(), "an empty batch has no results");

    // All or nothing: one failing input and nothing is written.
    let before = last_seq(store, workspace).await;
    let writes = vec![
        create(
            "company",
            &[("name", text("Atomic")), ("domain", text("atomic.com"))],
        ),
        create(
            "company",
            &[("name", text("Atomic Dup")), ("domain", text("taken.com"))],
        ),
        create(
            "company",
            &[("name", text("Never")), ("domain", text("never.com"))],
        ),
    ];
    let error = err(
        store
            .write_records(workspace, "batch-actor", writes, BatchMode::AllOrNothing)
            .await,
        "an all-or-nothing batch with a failing input",
    );
    assert!(
        matches!(error, StoreError::UniqueViolation { existing: id, .. } if id == existing.id),
        "the failing input's error: {error:?}"
    );
    assert_eq!(
        last_seq(store, workspace).await,
        before,
        "an all-or-nothing batch that failed logs nothing"
    );
    let writes = vec![
        create(
            "company",
            &[("name", text("Atomic")), ("domain", text("atomic.com"))],
        ),
        create(
            "company",
            &[("name", text("Atomic 2")), ("domain", text("atomic2.com"))],
        ),
    ];
    let results = ok(
        store
            .write_records(workspace, "batch-actor", writes, BatchMode::AllOrNothing)
            .await,
        "an all-or-nothing batch that succeeds",
    );
    assert!(
        results.iter().all(Result::is_ok) && results.len() == 2,
        "every input written: {results:?}"
    );
    assert_eq!(
        last_seq(store, workspace).await,
        before + 2,
        "the domain atomic.com was free again: the failed batch wrote nothing"
    );
}
