//! Purging records for good, the merges a record took part in, and groups of writes that
//! commit or roll back together.

use super::{
    changes_after, create, err, full_name, get, last_seq, new_record, new_workspace, ok, related, set, text,
};
use crate::{MergeRecords, NewRecord, RecordWrite, RelationshipOp, RelationshipWrite, Store, StoreError};
use crmd_core::{ChangeOp, RecordId, RelationshipChange};
use crmd_query::{Filter, Page, Query, Trashed};
use std::collections::BTreeMap;

fn person(name: &str, email: &str, links: &[(&str, Vec<RecordId>)]) -> NewRecord {
    NewRecord {
        relationships: links
            .iter()
            .map(|(key, ids)| ((*key).to_owned(), ids.clone()))
            .collect(),
        ..new_record(
            "person",
            &[
                ("name", full_name(name, "Purge")),
                ("email", text(email)),
                ("title", text("Xylophonist")),
            ],
        )
    }
}

/// A purge removes the record with its history, scrubs the values from its change-log
/// entries, unlinks it from every record (each logged), frees its unique values, and logs
/// one entry that names nothing but the record.
pub async fn purge_records(store: &dyn Store) {
    let workspace = new_workspace(store, "purge").await;
    let company = create(store, workspace, new_record("company", &[("name", text("Acme"))])).await;
    let project = create(
        store,
        workspace,
        new_record("project", &[("name", text("Apollo"))]),
    )
    .await;
    let purged = create(
        store,
        workspace,
        person(
            "Ada",
            "ada@purge.example",
            &[("$company", vec![company.id]), ("projects", vec![project.id])],
        ),
    )
    .await;
    let report = create(
        store,
        workspace,
        person("Bob", "bob@purge.example", &[("manager", vec![purged.id])]),
    )
    .await;
    super::update(
        store,
        workspace,
        &purged,
        set(&[("title", Some(text("Conductor")))]),
    )
    .await;
    let before = last_seq(store, workspace).await;

    ok(
        store.purge_record(workspace, "purger", "person", purged.id).await,
        "purge_record",
    );

    assert_eq!(
        ok(
            store.get_record(workspace, "person", purged.id).await,
            "get_record"
        ),
        None,
        "a purged record is gone, not in the trash"
    );
    let history = ok(
        store
            .field_history(workspace, "person", purged.id, "title", None, 10)
            .await,
        "field_history",
    );
    assert!(history.is_empty(), "its field history is gone: {history:?}");
    let log = changes_after(store, workspace, 0).await;
    let earlier: Vec<_> = log
        .iter()
        .filter(|change| change.record_id == purged.id && change.seq <= before)
        .collect();
    assert_eq!(
        earlier.iter().map(|change| change.op).collect::<Vec<_>>(),
        [ChangeOp::Create, ChangeOp::Update],
        "earlier entries stay, so that the log has no gap"
    );
    assert!(
        earlier.iter().all(|change| change.fields.is_empty()),
        "earlier entries no longer carry the record's values: {earlier:?}"
    );
    assert_eq!(
        earlier[0].relationships.len(),
        2,
        "earlier entries keep the links they made: {earlier:?}"
    );

    let after = changes_after(store, workspace, before).await;
    let seqs: Vec<u64> = after.iter().map(|change| change.seq).collect();
    assert_eq!(
        seqs,
        (before + 1..=before + 4).collect::<Vec<_>>(),
        "the purge and the three unlinked records, gapless: {after:?}"
    );
    let purge = &after[0];
    assert_eq!(
        (
            purge.record_id,
            purge.op,
            purge.actor.as_str(),
            purge.object_type.as_str()
        ),
        (purged.id, ChangeOp::Purge, "purger", "person")
    );
    assert!(
        purge.fields.is_empty() && purge.relationships.is_empty() && purge.merged_with.is_none(),
        "the purge entry names nothing but the record: {purge:?}"
    );
    let unlinked: BTreeMap<RecordId, (ChangeOp, Vec<RelationshipChange>)> = after[1..]
        .iter()
        .map(|change| (change.record_id, (change.op, change.relationships.clone())))
        .collect();
    let removed = |key: &str| {
        vec![RelationshipChange {
            key: key.to_owned(),
            added: Vec::new(),
            removed: vec![purged.id],
        }]
    };
    assert_eq!(
        unlinked,
        BTreeMap::from([
            (company.id, (ChangeOp::Update, removed("$people"))),
            (project.id, (ChangeOp::Update, removed("members"))),
            (report.id, (ChangeOp::Update, removed("manager"))),
        ]),
        "every record that lost a link is logged with it"
    );
    assert_eq!(
        related(store, workspace, "company", company.id, "$people").await,
        []
    );
    assert_eq!(
        related(store, workspace, "project", project.id, "members").await,
        []
    );
    assert_eq!(
        related(store, workspace, "person", report.id, "manager").await,
        []
    );

    let search = Query {
        filter: Some(Filter::Search {
            keys: vec!["title".to_owned(), "name".to_owned()],
            text: "conductor".to_owned(),
        }),
        sort: Vec::new(),
        page: Page::Offset { offset: 0, limit: 10 },
        with_total: true,
        trashed: Trashed::Include,
    };
    let found = ok(
        store.query_records(workspace, "person", &search).await,
        "query_records",
    );
    assert_eq!(found.total, Some(0), "a purged record is found by no search");

    let again = create(store, workspace, person("Ada", "ada@purge.example", &[])).await;
    assert_ne!(again.id, purged.id, "ids are never given again");
    assert!(
        matches!(
            err(
                store.purge_record(workspace, "purger", "person", purged.id).await,
                "a second purge"
            ),
            StoreError::NotFound
        ),
        "a purged record is not found again"
    );
    assert!(
        matches!(
            err(
                store.purge_record(workspace, "purger", "company", again.id).await,
                "a purge naming another type"
            ),
            StoreError::NotFound
        ),
        "a record of another type is not found"
    );

    // A record in the trash is purged too.
    store
        .trash_record(workspace, "conformance", "person", again.id)
        .await
        .unwrap_or_else(|error| panic!("trash_record: {error:?}"));
    ok(
        store.purge_record(workspace, "purger", "person", again.id).await,
        "purge of a trashed record",
    );
    assert_eq!(
        ok(
            store.get_record(workspace, "person", again.id).await,
            "get_record"
        ),
        None
    );
    let last = changes_after(store, workspace, 0).await;
    assert_eq!(
        last.last().map(|change| (change.record_id, change.op)),
        Some((again.id, ChangeOp::Purge))
    );
}

/// `merges_of` lists the merges a record took part in, from either side, oldest first.
pub async fn merges_of_records(store: &dyn Store) {
    let workspace = new_workspace(store, "merges-of").await;
    let first = create(store, workspace, person("First", "first@merge.example", &[])).await;
    let second = create(store, workspace, person("Second", "second@merge.example", &[])).await;
    let third = create(store, workspace, person("Third", "third@merge.example", &[])).await;
    let merge = |primary: RecordId, duplicate: RecordId| MergeRecords {
        object_type: "person".to_owned(),
        primary,
        duplicate,
        values: BTreeMap::new(),
    };
    let one = ok(
        store
            .merge_records(workspace, "conformance", merge(second.id, first.id), None)
            .await,
        "merge_records",
    )
    .merge;
    let two = ok(
        store
            .merge_records(workspace, "conformance", merge(third.id, second.id), None)
            .await,
        "merge_records",
    )
    .merge;
    let ids = |merges: Vec<crmd_core::Merge>| merges.into_iter().map(|merge| merge.id).collect::<Vec<_>>();
    assert_eq!(
        ids(ok(store.merges_of(workspace, first.id).await, "merges_of")),
        [one.id]
    );
    assert_eq!(
        ids(ok(store.merges_of(workspace, second.id).await, "merges_of")),
        [one.id, two.id],
        "as primary, then as duplicate, oldest first"
    );
    let of_third = ok(store.merges_of(workspace, third.id).await, "merges_of");
    assert_eq!(of_third, [two]);
    assert_eq!(
        ok(store.merges_of(workspace, RecordId(999_999)).await, "merges_of"),
        []
    );
}

/// Groups of writes: each commits or rolls back whole, in one transaction for the batch.
pub async fn record_groups(store: &dyn Store) {
    let workspace = new_workspace(store, "groups").await;
    let company = create(store, workspace, new_record("company", &[("name", text("Hub"))])).await;
    let person_one = create(store, workspace, person("One", "one@group.example", &[])).await;
    let person_two = create(store, workspace, person("Two", "two@group.example", &[])).await;
    let before = last_seq(store, workspace).await;
    let link = |id: RecordId, key: &str, op: RelationshipOp| RecordWrite::Update {
        object_type: "person".to_owned(),
        id,
        changes: crate::RecordChanges {
            values: BTreeMap::new(),
            relationships: vec![RelationshipWrite {
                key: key.to_owned(),
                op,
            }],
        },
    };
    let groups = vec![
        vec![
            link(
                person_one.id,
                "$company",
                RelationshipOp::Replace(vec![company.id]),
            ),
            link(
                person_two.id,
                "manager",
                RelationshipOp::Replace(vec![person_one.id]),
            ),
        ],
        // The first write would succeed; the second names a missing record.
        vec![
            link(
                person_two.id,
                "$company",
                RelationshipOp::Replace(vec![company.id]),
            ),
            link(
                person_one.id,
                "manager",
                RelationshipOp::Replace(vec![RecordId(999_999)]),
            ),
        ],
        vec![],
    ];
    let results = ok(
        store.write_record_groups(workspace, "grouper", groups).await,
        "write_record_groups",
    );
    assert_eq!(results.len(), 3, "one result per group: {results:?}");
    let first = match &results[0] {
        Ok(records) => records.clone(),
        Err(error) => panic!("the first group commits: {error:?}"),
    };
    assert_eq!(
        first.iter().map(|record| record.id).collect::<Vec<_>>(),
        [person_one.id, person_two.id],
        "one record per write, in order"
    );
    assert!(
        matches!(results[1], Err(StoreError::RelatedMissing { .. })),
        "the failing write's error: {:?}",
        results[1]
    );
    assert!(matches!(&results[2], Ok(records) if records.is_empty()));
    assert_eq!(
        related(store, workspace, "person", person_two.id, "$company").await,
        [],
        "the failed group's first write was rolled back with it"
    );
    assert_eq!(
        related(store, workspace, "company", company.id, "$people").await,
        [person_one.id]
    );
    let logged: Vec<(RecordId, ChangeOp)> = changes_after(store, workspace, before)
        .await
        .iter()
        .map(|change| (change.record_id, change.op))
        .collect();
    assert_eq!(
        logged,
        [
            (person_one.id, ChangeOp::Update),
            (person_two.id, ChangeOp::Update)
        ],
        "only the committed group is logged"
    );
    let stored = get(store, workspace, "person", person_two.id).await;
    assert_eq!(stored.related("manager"), [person_one.id]);
}
