//! Merges: values onto the primary, links moved both ways, the duplicate trashed, the
//! change log and the merge row, all or nothing.

use super::{
    changes_after, create, err, full_name, get, last_seq, link, new_record, new_workspace, ok, related, text,
};
use crate::{
    IdempotencyEntry, IdempotencyKey, MergeOutcome, MergeRecords, NewRecord, RelationshipOp, Store,
    StoreError, StoredResponse,
};
use crmd_core::{ChangeOp, RecordId, RelationshipChange, Timestamp, Value, WorkspaceId};
use std::collections::BTreeMap;

fn email(address: &str) -> Value {
    Value::Text(address.to_owned())
}

fn merge_of(primary: RecordId, duplicate: RecordId, values: &[(&str, Option<Value>)]) -> MergeRecords {
    MergeRecords {
        object_type: "person".to_owned(),
        primary,
        duplicate,
        values: values
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect(),
    }
}

async fn merge(store: &dyn Store, workspace: WorkspaceId, merge: MergeRecords) -> MergeOutcome {
    let what = format!("merge_records {merge:?}");
    ok(
        store.merge_records(workspace, "conformance", merge, None).await,
        &what,
    )
}

fn change(key: &str, added: &[RecordId], removed: &[RecordId]) -> RelationshipChange {
    RelationshipChange {
        key: key.to_owned(),
        added: added.to_vec(),
        removed: removed.to_vec(),
    }
}

/// Relationship changes sorted by key, removed ids sorted, for comparisons that do not
/// depend on the order links were visited in.
fn sorted(mut changes: Vec<RelationshipChange>) -> Vec<RelationshipChange> {
    for change in &mut changes {
        change.added.sort_unstable();
        change.removed.sort_unstable();
    }
    changes.sort_by(|left, right| left.key.cmp(&right.key));
    changes
}

fn person(name: &str, pairs: &[(&str, Value)], links: &[(&str, Vec<RecordId>)]) -> NewRecord {
    let mut values = vec![("name", full_name(name, "Merge"))];
    values.extend(pairs.iter().cloned());
    NewRecord {
        relationships: links
            .iter()
            .map(|(key, ids)| ((*key).to_owned(), ids.clone()))
            .collect(),
        ..new_record("person", &values)
    }
}

/// A merge writes the given values onto the primary, moves every link of the duplicate
/// (both directions, keyed or not), keeps the primary's HAS_ONE link, trashes the
/// duplicate, logs every touched record and records the merge.
pub async fn merge_records(store: &dyn Store) {
    let workspace = new_workspace(store, "merge").await;
    let c1 = create(store, workspace, new_record("company", &[("name", text("C1"))])).await;
    let c2 = create(store, workspace, new_record("company", &[("name", text("C2"))])).await;
    let j1 = create(store, workspace, new_record("project", &[("name", text("J1"))])).await;
    let j2 = create(store, workspace, new_record("project", &[("name", text("J2"))])).await;
    let boss = create(store, workspace, person("Boss", &[], &[])).await;
    let primary = create(
        store,
        workspace,
        person(
            "Primary",
            &[("email", email("ada@example.com")), ("score", super::number("1"))],
            &[("$company", vec![c1.id]), ("projects", vec![j1.id])],
        ),
    )
    .await;
    let duplicate = create(
        store,
        workspace,
        person(
            "Duplicate",
            &[
                ("email", email("ada2@example.com")),
                ("title", text("CTO")),
                ("score", super::number("2")),
            ],
            &[
                ("$company", vec![c2.id]),
                ("projects", vec![j1.id, j2.id]),
                ("manager", vec![boss.id]),
            ],
        ),
    )
    .await;
    // The primary reports to the duplicate: a link between the two records.
    super::update(
        store,
        workspace,
        &primary,
        link("manager", RelationshipOp::Replace(vec![duplicate.id])),
    )
    .await;
    let report = create(
        store,
        workspace,
        person("Report", &[], &[("manager", vec![duplicate.id])]),
    )
    .await;
    let owned = create(
        store,
        workspace,
        NewRecord {
            relationships: [("owner".to_owned(), vec![duplicate.id])].into(),
            ..new_record("project", &[("name", text("J3"))])
        },
    )
    .await;
    let before = last_seq(store, workspace).await;

    let outcome = merge(
        store,
        workspace,
        merge_of(
            primary.id,
            duplicate.id,
            &[
                ("title", Some(text("CTO"))),
                // The duplicate's unique value moves to the primary.
                ("email", Some(email("ada2@example.com"))),
                ("score", Some(super::number("1"))),
            ],
        ),
    )
    .await;
    assert_eq!(
        outcome.field_write_count, 2,
        "title and email changed, score did not"
    );
    assert_eq!(
        outcome.repointed_count, 4,
        "J2, the boss, the report and J3 moved; J1 was linked already"
    );
    assert_eq!(
        outcome.warnings.len(),
        1,
        "the duplicate's company was dropped: {:?}",
        outcome.warnings
    );
    assert_eq!(
        (
            outcome.merge.primary,
            outcome.merge.duplicate,
            outcome.merge.object_type.as_str()
        ),
        (primary.id, duplicate.id, "person")
    );

    let merged = get(store, workspace, "person", primary.id).await;
    assert_eq!(merged, outcome.primary, "the outcome holds the primary as stored");
    assert_eq!(merged.value("title"), Some(&text("CTO")));
    assert_eq!(merged.value("email"), Some(&email("ada2@example.com")));
    assert_eq!(
        merged.related("$company"),
        [c1.id],
        "the primary's HAS_ONE link wins"
    );
    let mut projects = merged.related("projects").to_vec();
    projects.sort_unstable();
    assert_eq!(projects, [j1.id, j2.id], "links are moved without duplicates");
    assert_eq!(
        merged.related("manager"),
        [boss.id],
        "the link to the duplicate gave way"
    );
    assert_eq!(
        merged.related("reports"),
        [report.id],
        "links into the duplicate moved"
    );
    assert_eq!(
        related(store, workspace, "project", owned.id, "owner").await,
        [primary.id],
        "links over an end without a key moved"
    );
    assert_eq!(
        related(store, workspace, "company", c2.id, "$people").await,
        Vec::<RecordId>::new()
    );
    let mut members = related(store, workspace, "project", j1.id, "members").await;
    members.sort_unstable();
    assert_eq!(members, [primary.id]);
    assert_eq!(
        related(store, workspace, "person", boss.id, "reports").await,
        [primary.id]
    );

    let trashed = get(store, workspace, "person", duplicate.id).await;
    assert!(trashed.is_trashed(), "the duplicate is in the trash");
    assert_eq!(trashed.value("title"), Some(&text("CTO")), "it keeps its values");
    assert!(
        trashed.relationships.values().all(Vec::is_empty),
        "it keeps no links: {:?}",
        trashed.relationships
    );

    // The change log: the primary's merge, the duplicate's merge-trash, then every other
    // record whose links moved, in record id order.
    let logged = changes_after(store, workspace, before).await;
    let summary: Vec<(RecordId, ChangeOp)> = logged
        .iter()
        .map(|change| (change.record_id, change.op))
        .collect();
    assert_eq!(
        summary,
        [
            (primary.id, ChangeOp::Merge),
            (duplicate.id, ChangeOp::MergeTrash),
            (c2.id, ChangeOp::Update),
            (j1.id, ChangeOp::Update),
            (j2.id, ChangeOp::Update),
            (boss.id, ChangeOp::Update),
            (report.id, ChangeOp::Update),
            (owned.id, ChangeOp::Update),
        ],
        "{logged:#?}"
    );
    assert_eq!(logged[0].seq, outcome.merge.seq);
    assert_eq!(logged[0].merged_with, Some(duplicate.id));
    assert_eq!(logged[1].merged_with, Some(primary.id));
    assert!(logged[2..].iter().all(|change| change.merged_with.is_none()));
    let fields: BTreeMap<&str, (Option<&Value>, Option<&Value>)> = logged[0]
        .fields
        .iter()
        .map(|field| (field.key.as_str(), (field.old.as_ref(), field.new.as_ref())))
        .collect();
    assert_eq!(
        fields,
        BTreeMap::from([
            (
                "email",
                (Some(&email("ada@example.com")), Some(&email("ada2@example.com")))
            ),
            ("title", (None, Some(&text("CTO")))),
        ])
    );
    assert_eq!(
        sorted(logged[0].relationships.clone()),
        sorted(vec![
            change("manager", &[boss.id], &[duplicate.id]),
            change("projects", &[j2.id], &[]),
            change("reports", &[report.id], &[]),
        ])
    );
    assert_eq!(
        sorted(logged[1].relationships.clone()),
        sorted(vec![
            change("$company", &[], &[c2.id]),
            change("manager", &[], &[boss.id]),
            change("projects", &[], &[j1.id, j2.id]),
            change("reports", &[], &[primary.id, report.id]),
        ])
    );
    assert_eq!(logged[2].relationships, [change("$people", &[], &[duplicate.id])]);
    assert_eq!(logged[3].relationships, [change("members", &[], &[duplicate.id])]);
    assert_eq!(
        logged[4].relationships,
        [change("members", &[primary.id], &[duplicate.id])]
    );
    assert_eq!(
        logged[7].relationships,
        [change("owner", &[primary.id], &[duplicate.id])]
    );
    let history = ok(
        store
            .field_history(workspace, "person", primary.id, "email", None, 10)
            .await,
        "field_history",
    );
    assert_eq!(
        history.first().map(|entry| (entry.value.clone(), entry.seq)),
        Some((Some(email("ada2@example.com")), outcome.merge.seq)),
        "the merged value is in the field history"
    );

    let stored = ok(store.get_merge(workspace, outcome.merge.id).await, "get_merge");
    assert_eq!(stored, Some(outcome.merge.clone()), "the merge row reads back");
    assert_eq!(
        ok(
            store.get_merge(workspace, outcome.merge.id + 1).await,
            "get_merge"
        ),
        None
    );
    let other = new_workspace(store, "merge-other").await;
    assert_eq!(
        ok(store.get_merge(other, outcome.merge.id).await, "get_merge"),
        None,
        "a merge belongs to its workspace"
    );

    // Merge ids are sequential.
    let third = create(store, workspace, person("Third", &[], &[])).await;
    let second = merge(store, workspace, merge_of(primary.id, third.id, &[])).await;
    assert_eq!(second.merge.id, outcome.merge.id + 1);
    assert_eq!(second.field_write_count, 0);
    assert_eq!(second.repointed_count, 0);
}

/// A merge that fails writes nothing: not the trash, not the values, not the links, not
/// the change log, not the merge row.
pub async fn merge_failures(store: &dyn Store) {
    let workspace = new_workspace(store, "merge-failures").await;
    let company = create(store, workspace, new_record("company", &[("name", text("C"))])).await;
    let holder = create(
        store,
        workspace,
        person("Holder", &[("email", email("taken@example.com"))], &[]),
    )
    .await;
    let primary = create(store, workspace, person("Primary", &[], &[])).await;
    let duplicate = create(
        store,
        workspace,
        person(
            "Duplicate",
            &[("email", email("dup@example.com"))],
            &[("$company", vec![company.id])],
        ),
    )
    .await;
    let trashed = create(store, workspace, person("Trashed", &[], &[])).await;
    ok(
        store
            .trash_record(workspace, "conformance", "person", trashed.id)
            .await,
        "trash_record",
    );
    let before = last_seq(store, workspace).await;

    let unchanged = Unchanged {
        store,
        workspace,
        before,
        primary: &primary,
        duplicate: duplicate.id,
        company: company.id,
    };

    let error = err(
        store
            .merge_records(
                workspace,
                "conformance",
                merge_of(
                    primary.id,
                    duplicate.id,
                    &[("email", Some(email("taken@example.com")))],
                ),
                None,
            )
            .await,
        "a value another record holds",
    );
    assert!(
        matches!(&error, StoreError::UniqueViolation { field, existing } if field == "email" && *existing == holder.id),
        "{error:?}"
    );
    unchanged.check("unique violation").await;

    let error = err(
        store
            .merge_records(
                workspace,
                "conformance",
                merge_of(primary.id, duplicate.id, &[("no_such_field", None)]),
                None,
            )
            .await,
        "an unknown field",
    );
    assert!(!matches!(error, StoreError::NotFound), "{error:?}");
    unchanged.check("unknown field").await;

    for (what, primary_id, duplicate_id) in [
        ("a trashed duplicate", primary.id, trashed.id),
        ("a trashed primary", trashed.id, duplicate.id),
        ("a missing duplicate", primary.id, RecordId(9_999_999)),
        ("a duplicate of another type", primary.id, company.id),
    ] {
        let error = err(
            store
                .merge_records(
                    workspace,
                    "conformance",
                    merge_of(primary_id, duplicate_id, &[]),
                    None,
                )
                .await,
            what,
        );
        assert!(matches!(error, StoreError::NotFound), "{what}: {error:?}");
        unchanged.check(what).await;
    }

    let error = err(
        store
            .merge_records(
                workspace,
                "conformance",
                merge_of(duplicate.id, duplicate.id, &[]),
                None,
            )
            .await,
        "a record with itself",
    );
    assert!(matches!(error, StoreError::Conflict(_)), "{error:?}");
    unchanged.check("self merge").await;
}

/// What a failed merge must leave as it was.
struct Unchanged<'a> {
    store: &'a dyn Store,
    workspace: WorkspaceId,
    before: u64,
    primary: &'a crmd_core::Record,
    duplicate: RecordId,
    company: RecordId,
}

impl Unchanged<'_> {
    async fn check(&self, what: &str) {
        let (store, workspace) = (self.store, self.workspace);
        assert_eq!(
            last_seq(store, workspace).await,
            self.before,
            "{what}: nothing was logged"
        );
        let duplicate = get(store, workspace, "person", self.duplicate).await;
        assert!(!duplicate.is_trashed(), "{what}: the duplicate is still active");
        assert_eq!(
            duplicate.related("$company"),
            [self.company],
            "{what}: its links stayed"
        );
        let primary = get(store, workspace, "person", self.primary.id).await;
        assert_eq!(&primary, self.primary, "{what}: the primary is as it was");
        assert_eq!(
            ok(store.get_merge(workspace, 1).await, "get_merge"),
            None,
            "{what}: no merge was recorded"
        );
    }
}

/// A merge with an idempotency entry saves its response in the merge's transaction; a
/// merge that fails saves nothing.
pub async fn merge_idempotency(store: &dyn Store) {
    let workspace = new_workspace(store, "merge-idempotency").await;
    let entry = |client_key: &str| IdempotencyEntry {
        key: IdempotencyKey {
            operation: "merge:person".to_owned(),
            key: client_key.to_owned(),
        },
        expires_at: Timestamp(Timestamp::now().millis() + 86_400_000),
        render: Box::new(|outcome: &MergeOutcome| StoredResponse {
            status: 200,
            body: format!("merge {} into {}", outcome.merge.id, outcome.primary.id).into_bytes(),
        }),
    };
    let stored = |client_key: &'static str| async move {
        let key = IdempotencyKey {
            operation: "merge:person".to_owned(),
            key: client_key.to_owned(),
        };
        ok(
            store.idempotent_response(workspace, &key, Timestamp::now()).await,
            "idempotent_response",
        )
        .map(|response| String::from_utf8_lossy(&response.body).into_owned())
    };
    let primary = create(store, workspace, person("Keep", &[], &[])).await;
    let duplicate = create(store, workspace, person("Drop", &[], &[])).await;

    let failed = store
        .merge_records(
            workspace,
            "conformance",
            merge_of(primary.id, primary.id, &[]),
            Some(entry("k-failed")),
        )
        .await;
    err(failed, "a merge of a record with itself");
    assert_eq!(
        stored("k-failed").await,
        None,
        "a failed merge stores no response"
    );

    let outcome = ok(
        store
            .merge_records(
                workspace,
                "conformance",
                merge_of(primary.id, duplicate.id, &[]),
                Some(entry("k-done")),
            )
            .await,
        "merge with a key",
    );
    assert_eq!(
        stored("k-done").await,
        Some(format!("merge {} into {}", outcome.merge.id, primary.id)),
        "the response commits with the merge"
    );
}
