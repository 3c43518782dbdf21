//! Idempotent writes: the stored response commits with its write, replays until it expires,
//! and a key holds one write per operation.

use super::{err, new_record, new_workspace, ok, set, text};
use crate::{IdempotencyEntry, IdempotencyKey, RecordWrite, Store, StoreError, StoredResponse};
use crmd_core::{Record, RecordId, Timestamp, WorkspaceId};

fn key(operation: &str, key: &str) -> IdempotencyKey {
    IdempotencyKey {
        operation: operation.to_owned(),
        key: key.to_owned(),
    }
}

/// An entry whose response names the written record and its `name` value.
fn entry(operation: &str, client_key: &str, expires_at: Timestamp) -> IdempotencyEntry {
    IdempotencyEntry {
        key: key(operation, client_key),
        expires_at,
        render: Box::new(|record: &Record| StoredResponse {
            status: 200,
            body: format!("{} {:?}", record.id, record.values.get("name")).into_bytes(),
        }),
    }
}

fn in_a_day() -> Timestamp {
    Timestamp(Timestamp::now().millis() + 86_400_000)
}

async fn stored(
    store: &dyn Store,
    workspace: WorkspaceId,
    operation: &str,
    client_key: &str,
) -> Option<String> {
    ok(
        store
            .idempotent_response(workspace, &key(operation, client_key), Timestamp::now())
            .await,
        "idempotent_response",
    )
    .map(|response| {
        assert_eq!(response.status, 200, "the status is stored with the body");
        String::from_utf8_lossy(&response.body).into_owned()
    })
}

async fn count(store: &dyn Store, workspace: WorkspaceId) -> usize {
    let query = crmd_query::Query {
        trashed: crmd_query::Trashed::Include,
        ..crmd_query::Query::newest_first(100)
    };
    ok(store.query_records(workspace, "company", &query).await, "query")
        .records
        .len()
}

pub async fn idempotency(store: &dyn Store) {
    let workspace = new_workspace(store, "idempotency").await;
    assert_eq!(
        stored(store, workspace, "create:company", "k1").await,
        None,
        "nothing stored yet"
    );

    let create = |name: &str| RecordWrite::Create(new_record("company", &[("name", text(name))]));
    let first = ok(
        store
            .write_record(
                workspace,
                "conformance",
                create("Initech"),
                Some(entry("create:company", "k1", in_a_day())),
            )
            .await,
        "idempotent create",
    );
    let expected = format!("{} Some(Text(\"Initech\"))", first.id);
    assert_eq!(
        stored(store, workspace, "create:company", "k1").await.as_deref(),
        Some(expected.as_str()),
        "the response rendered from the written record is stored with the write"
    );

    let error = err(
        store
            .write_record(
                workspace,
                "conformance",
                create("Initrode"),
                Some(entry("create:company", "k1", in_a_day())),
            )
            .await,
        "second write with a used key",
    );
    assert!(matches!(error, StoreError::IdempotencyKeyUsed), "{error:?}");
    assert_eq!(
        count(store, workspace).await,
        1,
        "the refused write wrote nothing"
    );
    assert_eq!(
        stored(store, workspace, "create:company", "k1").await.as_deref(),
        Some(expected.as_str()),
        "the first response stays"
    );

    let updated = ok(
        store
            .write_record(
                workspace,
                "conformance",
                RecordWrite::Update {
                    object_type: "company".into(),
                    id: first.id,
                    changes: set(&[("name", Some(text("Initech 2")))]),
                },
                Some(entry("update:company", "k1", in_a_day())),
            )
            .await,
        "the same key under another operation",
    );
    assert_eq!(
        stored(store, workspace, "update:company", "k1").await,
        Some(format!("{} Some(Text(\"Initech 2\"))", updated.id)),
        "each operation has its own keys"
    );

    let error = err(
        store
            .write_record(
                workspace,
                "conformance",
                RecordWrite::Restore {
                    object_type: "company".into(),
                    id: RecordId(first.id.get() + 1000),
                },
                Some(entry("restore:company", "k2", in_a_day())),
            )
            .await,
        "a failed write with a key",
    );
    assert!(matches!(error, StoreError::NotFound), "{error:?}");
    assert_eq!(
        stored(store, workspace, "restore:company", "k2").await,
        None,
        "a failed write stores no response"
    );

    let expired = Timestamp(Timestamp::now().millis() - 1);
    ok(
        store
            .write_record(
                workspace,
                "conformance",
                create("Hooli"),
                Some(entry("create:company", "old", expired)),
            )
            .await,
        "create with an already expired key",
    );
    assert_eq!(
        stored(store, workspace, "create:company", "old").await,
        None,
        "an expired response is not replayed"
    );
    let again = ok(
        store
            .write_record(
                workspace,
                "conformance",
                create("Pied Piper"),
                Some(entry("create:company", "old", in_a_day())),
            )
            .await,
        "an expired key can be used again",
    );
    assert_eq!(
        stored(store, workspace, "create:company", "old").await,
        Some(format!("{} Some(Text(\"Pied Piper\"))", again.id)),
        "the new response replaces the expired one"
    );
    assert_eq!(count(store, workspace).await, 3);

    let other = new_workspace(store, "idempotency-other").await;
    assert_eq!(
        stored(store, other, "create:company", "k1").await,
        None,
        "keys belong to one workspace"
    );
}
