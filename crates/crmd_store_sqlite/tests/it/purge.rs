//! Purging a record for good: what the conformance suite cannot see from outside the
//! store, the rows of every table and the bytes of the database file.

use crate::{new_record, sample_workspace, temporary_store, workspace_file};
use crmd_core::{FullName, RecordId, Value, WorkspaceId};
use crmd_store::conformance::text;
use crmd_store::{RecordChanges, Store};
use std::collections::BTreeMap;
use std::path::Path;

/// How many rows of `table` match `condition` for record `id`, read straight from the file.
fn count(folder: &Path, workspace: WorkspaceId, sql: &str, id: u64) -> i64 {
    let connection = rusqlite::Connection::open(workspace_file(folder, workspace)).unwrap();
    connection
        .query_row(sql, [i64::try_from(id).unwrap()], |row| row.get(0))
        .unwrap()
}

/// The workspace database file after a checkpoint that empties the WAL into it.
fn file_bytes(folder: &Path, workspace: WorkspaceId) -> Vec<u8> {
    let path = workspace_file(folder, workspace);
    let connection = rusqlite::Connection::open(&path).unwrap();
    connection
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0))
        .unwrap();
    drop(connection);
    std::fs::read(path).unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn a_purge_leaves_no_row_and_no_bytes_of_the_record_behind() {
    let (store, folder) = temporary_store();
    let workspace = sample_workspace(&store, "purge").await;
    let email = "quetzalcoatl.purgeme@example.org";
    let name = Value::FullName(FullName {
        first_name: Some("Quetzalcoatl".to_owned()),
        last_name: Some("Zymurgy".to_owned()),
    });
    let kept = store
        .create_record(
            workspace,
            "t",
            new_record("person", &[("email", text("kept.person@example.org"))]),
        )
        .await
        .unwrap();
    let person = store
        .create_record(
            workspace,
            "t",
            new_record("person", &[("email", text(email)), ("name", name)]),
        )
        .await
        .unwrap();
    store
        .update_record(
            workspace,
            "t",
            "person",
            person.id,
            RecordChanges {
                values: BTreeMap::from([("title".to_owned(), Some(text("Zymurgist")))]),
                relationships: Vec::new(),
            },
        )
        .await
        .unwrap();
    let id = person.id.get();
    let before = file_bytes(folder.path(), workspace);
    assert!(contains(&before, email), "the email is on disk before the purge");
    assert_eq!(
        count(
            folder.path(),
            workspace,
            "SELECT count(*) FROM search_text WHERE search_text MATCH 'zymurgist' AND rowid = ?1",
            id
        ),
        1
    );

    store
        .purge_record(workspace, "t", "person", RecordId(id))
        .await
        .unwrap();

    for sql in [
        "SELECT count(*) FROM records WHERE id = ?1",
        "SELECT count(*) FROM r_ot_conf_person WHERE id = ?1",
        "SELECT count(*) FROM unique_values WHERE record_id = ?1",
        "SELECT count(*) FROM field_history WHERE record_id = ?1",
        "SELECT count(*) FROM search_text WHERE search_text MATCH 'zymurgist OR quetzalcoatl' AND rowid = ?1",
        "SELECT count(*) FROM changes WHERE record_id = ?1 AND payload LIKE '%zymurg%'",
    ] {
        assert_eq!(count(folder.path(), workspace, sql, id), 0, "{sql}");
    }
    assert_eq!(
        count(
            folder.path(),
            workspace,
            "SELECT count(*) FROM changes WHERE record_id = ?1 AND op = 'purge'",
            id
        ),
        1
    );
    let after = file_bytes(folder.path(), workspace);
    assert!(
        !contains(&after, email),
        "the email's bytes were overwritten, not only unlinked"
    );
    assert!(contains(&after, "kept.person@example.org"), "other records stay");
    assert!(
        store
            .get_record(workspace, "person", kept.id)
            .await
            .unwrap()
            .is_some()
    );
}
