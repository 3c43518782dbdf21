//! The conformance suite every backend passes.
//!
//! [`run_all`] runs every check against one store. Each check creates its own workspace
//! with a unique name and the schema from [`sample_schema`], so the suite runs on a fresh
//! store as well as on one that has seen earlier runs. A failing check panics with a
//! message that says what was expected.
//!
//! The suite is the executable contract of [`Store`]: where the trait's documentation is
//! silent, what the suite asserts is what every backend does.

use crate::{
    NewApiKey, NewRecord, RecordChanges, RelationshipOp, RelationshipWrite, Store, StoreError, StoreResult,
};
use chrono::NaiveDate;
use crmd_core::{
    Address, Cardinality, Change, ChangeOp, FieldConfig, FieldDef, FieldType, FullName, ObjectType, Record,
    RecordId, RelationshipChange, RelationshipDef, RelationshipEnd, Schema, SelectOption, Timestamp, Value,
    WorkspaceId,
};
use crmd_query::{Filter, Op, Page, Query, RelatedOp, SortKey, Target, Trashed};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

mod merge;
pub use merge::{merge_failures, merge_idempotency, merge_records};

/// Runs every check.
pub async fn run_all(store: &dyn Store) {
    workspaces(store).await;
    api_keys(store).await;
    schema_changes(store).await;
    every_field_type_round_trips(store).await;
    update_semantics(store).await;
    unique_fields(store).await;
    relationships(store).await;
    trash_and_restore(store).await;
    queries(store).await;
    keyset_pages(store).await;
    sort_by_first_value(store).await;
    history_and_changes(store).await;
    merge_records(store).await;
    merge_failures(store).await;
    merge_idempotency(store).await;
    idempotency(store).await;
    batch_writes(store).await;
    purge_records(store).await;
    merges_of_records(store).await;
    record_groups(store).await;
}

mod idempotency;
pub use idempotency::idempotency;

mod batch;
pub use batch::batch_writes;

mod purge;
pub use purge::{merges_of_records, purge_records, record_groups};

// --- helpers ---

/// A name no earlier run used.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!(
        "conformance-{prefix}-{nanos:x}-{}",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[track_caller]
fn ok<T, E: Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("{what}: expected success, got {error:?}"),
    }
}

#[track_caller]
fn err<T: Debug>(result: StoreResult<T>, what: &str) -> StoreError {
    match result {
        Ok(value) => panic!("{what}: expected an error, got {value:?}"),
        Err(error) => error,
    }
}

pub fn text(text: &str) -> Value {
    Value::Text(text.to_owned())
}

pub fn number(text: &str) -> Value {
    Value::Number(Decimal::from_str(text).unwrap_or_else(|_| panic!("bad decimal {text:?} in the suite")))
}

fn choice(id: &str) -> Value {
    Value::Choice(id.to_owned())
}

fn choices(ids: &[&str]) -> Value {
    Value::Choices(ids.iter().map(|id| (*id).to_owned()).collect())
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|item| (*item).to_owned()).collect())
}

fn date(year: i32, month: u32, day: u32) -> Value {
    Value::Date(NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default())
}

/// 2026-01-01T00:00:00Z plus `days`.
fn datetime(days: i64) -> Value {
    Value::Datetime(Timestamp(1_767_225_600_000 + days * 86_400_000))
}

fn full_name(first: &str, last: &str) -> Value {
    Value::FullName(FullName {
        first_name: Some(first.to_owned()),
        last_name: Some(last.to_owned()),
    })
}

fn values(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), value.clone()))
        .collect()
}

fn new_record(object_type: &str, pairs: &[(&str, Value)]) -> NewRecord {
    NewRecord {
        object_type: object_type.to_owned(),
        values: values(pairs),
        ..NewRecord::default()
    }
}

fn set(pairs: &[(&str, Option<Value>)]) -> RecordChanges {
    RecordChanges {
        values: pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect(),
        relationships: Vec::new(),
    }
}

fn link(key: &str, op: RelationshipOp) -> RecordChanges {
    RecordChanges {
        values: BTreeMap::new(),
        relationships: vec![RelationshipWrite {
            key: key.to_owned(),
            op,
        }],
    }
}

fn field(id: &str, key: &str, field_type: FieldType) -> FieldDef {
    FieldDef {
        id: id.to_owned(),
        key: key.to_owned(),
        label: key.to_owned(),
        description: None,
        field_type,
        config: FieldConfig::default(),
        is_required: false,
        is_unique: false,
        is_read_only: false,
        names: BTreeMap::new(),
    }
}

fn with_options(mut field: FieldDef, ids: &[&str]) -> FieldDef {
    field.config.options = ids
        .iter()
        .map(|id| SelectOption {
            id: (*id).to_owned(),
            label: id.to_uppercase(),
            description: None,
            parent_id: None,
        })
        .collect();
    field
}

fn multiple(mut field: FieldDef) -> FieldDef {
    field.config.is_multiple = true;
    field
}

fn unique(mut field: FieldDef) -> FieldDef {
    field.is_unique = true;
    field
}

fn object_type(id: &str, slug: &str, fields: Vec<FieldDef>) -> ObjectType {
    ObjectType {
        id: id.to_owned(),
        slug: slug.to_owned(),
        label: slug.to_owned(),
        plural_label: format!("{slug}s"),
        description: None,
        is_standard: false,
        display_field: Some("name".to_owned()),
        scope: "custom_objects".to_owned(),
        names: BTreeMap::new(),
        fields,
    }
}

fn end(object_type: &str, key: Option<&str>, cardinality: Cardinality) -> RelationshipEnd {
    RelationshipEnd {
        object_type: object_type.to_owned(),
        key: key.map(str::to_owned),
        label: key.unwrap_or(object_type).to_owned(),
        description: None,
        cardinality,
        is_read_only: false,
        is_required: false,
        names: BTreeMap::new(),
    }
}

/// The schema every check starts from:
///
/// - `company`: a field of every type but FULL_NAME; `domain` is unique.
/// - `person`: FULL_NAME `name`, unique `email`, unique multiple `emails`, multiple `phones`
///   and `urls`, NUMBER `score`, TEXT `title`.
/// - `project`: `name`, CURRENCY `budget`.
/// - company `$people` (HAS_MANY) ⇄ person `$company` (HAS_ONE);
///   person `projects` (HAS_MANY) ⇄ project `members` (HAS_MANY);
///   person `manager` (HAS_ONE) ⇄ person `reports` (HAS_MANY);
///   project `owner` (HAS_ONE) → person, with no key on the person's side.
pub fn sample_schema() -> Schema {
    use FieldType as T;
    let company = object_type(
        "ot_conf_company",
        "company",
        vec![
            field("ad_company_name", "name", T::Text),
            unique(field("ad_company_domain", "domain", T::Url)),
            field("ad_company_employees", "employees", T::Number),
            field("ad_company_revenue", "revenue", T::Currency),
            field("ad_company_customer", "is_customer", T::Checkbox),
            field("ad_company_founded", "founded", T::Date),
            field("ad_company_contacted", "last_contacted", T::Datetime),
            with_options(
                field("ad_company_tier", "tier", T::SingleSelect),
                &["opt_gold", "opt_silver", "opt_bronze"],
            ),
            with_options(
                field("ad_company_tags", "tags", T::MultiSelect),
                &["opt_b2b", "opt_saas", "opt_retail"],
            ),
            field("ad_company_notes", "notes", T::Markdown),
            field("ad_company_body", "body", T::Html),
            field("ad_company_address", "address", T::Address),
            field("ad_company_twitter", "twitter", T::SocialHandle),
            field("ad_company_phone", "phone", T::Telephone),
            field("ad_company_email", "email", T::Email),
        ],
    );
    let person = object_type(
        "ot_conf_person",
        "person",
        vec![
            field("ad_person_name", "name", T::FullName),
            unique(field("ad_person_email", "email", T::Email)),
            unique(multiple(field("ad_person_emails", "emails", T::Email))),
            multiple(field("ad_person_phones", "phones", T::Telephone)),
            multiple(field("ad_person_urls", "urls", T::Url)),
            field("ad_person_score", "score", T::Number),
            field("ad_person_title", "title", T::Text),
        ],
    );
    let project = object_type(
        "ot_conf_project",
        "project",
        vec![
            field("ad_project_name", "name", T::Text),
            field("ad_project_budget", "budget", T::Currency),
        ],
    );
    Schema {
        version: 1,
        object_types: vec![company, person, project],
        relationships: vec![
            RelationshipDef {
                id: "rd_conf_employer".to_owned(),
                source: end("company", Some("$people"), Cardinality::HasMany),
                target: end("person", Some("$company"), Cardinality::HasOne),
            },
            RelationshipDef {
                id: "rd_conf_projects".to_owned(),
                source: end("person", Some("projects"), Cardinality::HasMany),
                target: end("project", Some("members"), Cardinality::HasMany),
            },
            RelationshipDef {
                id: "rd_conf_manager".to_owned(),
                source: end("person", Some("manager"), Cardinality::HasOne),
                target: end("person", Some("reports"), Cardinality::HasMany),
            },
            RelationshipDef {
                id: "rd_conf_owner".to_owned(),
                source: end("project", Some("owner"), Cardinality::HasOne),
                target: end("person", None, Cardinality::HasMany),
            },
        ],
    }
}

async fn new_workspace(store: &dyn Store, prefix: &str) -> WorkspaceId {
    ok(
        store
            .create_workspace(&unique_name(prefix), sample_schema())
            .await,
        "create_workspace",
    )
    .id
}

async fn create(store: &dyn Store, workspace: WorkspaceId, record: NewRecord) -> Record {
    let what = format!("create_record {record:?}");
    ok(store.create_record(workspace, "conformance", record).await, &what)
}

async fn update(
    store: &dyn Store,
    workspace: WorkspaceId,
    record: &Record,
    changes: RecordChanges,
) -> Record {
    let what = format!("update_record {} with {changes:?}", record.id);
    ok(
        store
            .update_record(workspace, "conformance", &record.object_type, record.id, changes)
            .await,
        &what,
    )
}

async fn get(store: &dyn Store, workspace: WorkspaceId, object_type: &str, id: RecordId) -> Record {
    match ok(store.get_record(workspace, object_type, id).await, "get_record") {
        Some(record) => record,
        None => panic!("get_record {object_type} {id}: expected the record, got None"),
    }
}

async fn related(
    store: &dyn Store,
    workspace: WorkspaceId,
    object_type: &str,
    id: RecordId,
    key: &str,
) -> Vec<RecordId> {
    get(store, workspace, object_type, id).await.related(key).to_vec()
}

async fn last_seq(store: &dyn Store, workspace: WorkspaceId) -> u64 {
    let mut after = 0;
    loop {
        let changes = ok(store.changes(workspace, after, 1000).await, "changes");
        match changes.last() {
            Some(change) => after = change.seq,
            None => return after,
        }
    }
}

async fn changes_after(store: &dyn Store, workspace: WorkspaceId, after: u64) -> Vec<Change> {
    ok(store.changes(workspace, after, 10_000).await, "changes")
}

fn cond(key: &str, op: Op) -> Filter {
    Filter::Cond {
        target: Target::Field(key.to_owned()),
        op,
    }
}

fn sort(key: &str, is_descending: bool) -> SortKey {
    SortKey {
        target: Target::Field(key.to_owned()),
        is_descending,
    }
}

fn all(filter: Option<Filter>, sort: Vec<SortKey>) -> Query {
    Query {
        filter,
        sort,
        page: Page::Offset {
            offset: 0,
            limit: 1000,
        },
        with_total: false,
        trashed: Trashed::Exclude,
    }
}

fn display_name(record: &Record) -> String {
    match record.value("name") {
        Some(Value::Text(name)) => name.clone(),
        Some(Value::FullName(name)) => name.display(),
        Some(other) => format!("{other:?}"),
        None => format!("<unnamed {}>", record.id),
    }
}

async fn names(store: &dyn Store, workspace: WorkspaceId, object_type: &str, query: Query) -> Vec<String> {
    let what = format!("query_records {object_type} {query:?}");
    ok(store.query_records(workspace, object_type, &query).await, &what)
        .records
        .iter()
        .map(display_name)
        .collect()
}

/// Checks that `filter` over `object_type` (no sort: id order) finds exactly `expected`.
async fn check_filter(
    store: &dyn Store,
    workspace: WorkspaceId,
    object_type: &str,
    filter: Filter,
    expected: &[&str],
) {
    let found = names(store, workspace, object_type, all(Some(filter.clone()), vec![])).await;
    assert_eq!(found, expected, "filter {filter:?} on {object_type}");
}

// --- checks ---

/// Workspaces: create, look up by name, list, refuse a taken name, fail on unknown ids.
pub async fn workspaces(store: &dyn Store) {
    let name = unique_name("workspaces");
    let before = Timestamp::now();
    let workspace = ok(
        store.create_workspace(&name, sample_schema()).await,
        "create_workspace",
    );
    assert_eq!(workspace.name, name);
    assert!(
        workspace.created_at.millis() >= before.millis() - 1000,
        "created_at is now: {workspace:?}"
    );
    assert_eq!(
        ok(store.workspace_by_name(&name).await, "workspace_by_name"),
        Some(workspace.clone())
    );
    assert_eq!(
        ok(
            store.workspace_by_name(&unique_name("absent")).await,
            "workspace_by_name"
        ),
        None
    );
    let listed = ok(store.list_workspaces().await, "list_workspaces");
    assert!(
        listed.contains(&workspace),
        "list_workspaces contains {workspace:?}: {listed:?}"
    );

    let error = err(
        store.create_workspace(&name, sample_schema()).await,
        "create_workspace with a taken name",
    );
    assert!(
        matches!(error, StoreError::Conflict(_)),
        "a taken name is a conflict: {error:?}"
    );

    let other = ok(
        store
            .create_workspace(&unique_name("workspaces-2"), sample_schema())
            .await,
        "second workspace",
    );
    assert_ne!(other.id, workspace.id, "workspaces get distinct ids");

    let schema = ok(store.schema(workspace.id).await, "schema");
    assert_eq!(schema.version, 1, "a new workspace's schema has version 1");
    assert_eq!(
        schema.object_types,
        sample_schema().object_types,
        "object types as given"
    );
    assert_eq!(
        schema.relationships,
        sample_schema().relationships,
        "relationships as given"
    );

    let missing = WorkspaceId(i64::MAX - 7);
    let error = err(store.schema(missing).await, "schema of an unknown workspace");
    assert!(
        matches!(error, StoreError::WorkspaceNotFound(_)),
        "unknown workspace: {error:?}"
    );
    let error = err(
        store
            .create_record(missing, "conformance", new_record("company", &[]))
            .await,
        "write",
    );
    assert!(
        matches!(error, StoreError::WorkspaceNotFound(_)),
        "unknown workspace: {error:?}"
    );

    // Workspaces are separate: a record of one is not visible in the other.
    let record = create(
        store,
        workspace.id,
        new_record("company", &[("name", text("Only here"))]),
    )
    .await;
    let elsewhere = ok(
        store.get_record(other.id, "company", record.id).await,
        "get_record in another workspace",
    );
    assert!(
        elsewhere.is_none_or(|found| found.value("name") != Some(&text("Only here"))),
        "workspaces are separate"
    );
}

/// API keys: create, get, list oldest first, refuse a taken id, revoke once.
pub async fn api_keys(store: &dyn Store) {
    let workspace = new_workspace(store, "api-keys").await;
    let key_id = unique_name("key");
    let new_key = NewApiKey {
        key_id: key_id.clone(),
        workspace,
        secret_sha256: [7; 32],
        scopes: vec!["accounts:read".to_owned(), "accounts:write".to_owned()],
        label: Some("CI".to_owned()),
    };
    let key = ok(store.create_api_key(new_key.clone()).await, "create_api_key");
    assert_eq!(
        (
            &key.key_id,
            key.workspace,
            key.secret_sha256,
            &key.scopes,
            &key.label,
            key.revoked_at
        ),
        (
            &new_key.key_id,
            workspace,
            [7; 32],
            &new_key.scopes,
            &new_key.label,
            None
        )
    );
    assert_eq!(ok(store.api_key(&key_id).await, "api_key"), Some(key.clone()));
    assert_eq!(
        ok(store.api_key(&unique_name("absent-key")).await, "api_key"),
        None
    );

    let error = err(
        store.create_api_key(new_key.clone()).await,
        "create_api_key with a taken id",
    );
    assert!(
        matches!(error, StoreError::Conflict(_)),
        "a taken key id is a conflict: {error:?}"
    );

    let second_id = unique_name("key-2");
    let second = ok(
        store
            .create_api_key(NewApiKey {
                key_id: second_id.clone(),
                workspace,
                secret_sha256: [9; 32],
                scopes: vec![],
                label: None,
            })
            .await,
        "second key",
    );
    assert_eq!(second.scopes, Vec::<String>::new(), "empty scopes stay empty");
    let listed = ok(store.list_api_keys(Some(workspace)).await, "list_api_keys");
    assert_eq!(
        listed,
        vec![key.clone(), second.clone()],
        "keys of the workspace, oldest first"
    );
    let every = ok(store.list_api_keys(None).await, "list_api_keys(None)");
    let position = |id: &str| every.iter().position(|listed| listed.key_id == id);
    assert!(
        matches!((position(&key_id), position(&second_id)), (Some(first), Some(then)) if first < then),
        "every key, oldest first"
    );

    assert!(
        ok(store.revoke_api_key(&key_id).await, "revoke_api_key"),
        "the first revoke revokes"
    );
    assert!(
        !ok(store.revoke_api_key(&key_id).await, "revoke_api_key again"),
        "a second revoke changes nothing"
    );
    assert!(
        !ok(
            store.revoke_api_key(&unique_name("absent-key")).await,
            "revoke unknown"
        ),
        "no such key"
    );
    let revoked = ok(store.api_key(&key_id).await, "api_key after revoke");
    assert!(
        revoked.is_some_and(|revoked| revoked.revoked_at.is_some()),
        "a revoked key is still found, marked"
    );
    let second_again = ok(store.api_key(&second_id).await, "the other key");
    assert_eq!(second_again, Some(second), "revoking one key leaves the others");
}

/// Schema changes: fields and object types come and go, data of the rest stays, the
/// version goes up by one, unique constraints are checked against existing data.
pub async fn schema_changes(store: &dyn Store) {
    let workspace = new_workspace(store, "schema").await;
    let acme = create(
        store,
        workspace,
        new_record(
            "company",
            &[
                ("name", text("Acme")),
                ("employees", number("12")),
                ("notes", text("keep me")),
            ],
        ),
    )
    .await;

    let mut schema = sample_schema();
    if let Some(company) = schema
        .object_types
        .iter_mut()
        .find(|object_type| object_type.slug == "company")
    {
        company
            .fields
            .push(field("ad_company_motto", "motto", FieldType::Text));
        company.fields.retain(|field| field.key != "employees");
    }
    schema.object_types.push(object_type(
        "ot_conf_vehicle",
        "vehicle",
        vec![
            field("ad_vehicle_name", "name", FieldType::Text),
            field("ad_vehicle_speed", "speed", FieldType::Number),
        ],
    ));
    let applied = ok(
        store.apply_schema(workspace, schema.clone()).await,
        "apply_schema",
    );
    assert_eq!(applied.version, 2, "the version goes up by one");
    assert_eq!(ok(store.schema(workspace).await, "schema").version, 2);
    assert_eq!(
        applied.object_types, schema.object_types,
        "the new object types as given"
    );

    let kept = get(store, workspace, "company", acme.id).await;
    assert_eq!(
        kept.value("name"),
        Some(&text("Acme")),
        "other fields keep their data"
    );
    assert_eq!(kept.value("notes"), Some(&text("keep me")));
    assert_eq!(kept.value("employees"), None, "a dropped field's value is gone");
    let updated = update(store, workspace, &acme, set(&[("motto", Some(text("Ship it")))])).await;
    assert_eq!(
        updated.value("motto"),
        Some(&text("Ship it")),
        "a new field takes values"
    );
    let vehicle = create(
        store,
        workspace,
        new_record("vehicle", &[("name", text("DeLorean")), ("speed", number("88"))]),
    )
    .await;
    assert_eq!(
        get(store, workspace, "vehicle", vehicle.id).await.value("speed"),
        Some(&number("88"))
    );
    assert!(
        vehicle.id > acme.id,
        "record ids are shared by every object type of a workspace"
    );

    // A field becomes unique: refused while two records share a value.
    let twin = create(store, workspace, new_record("company", &[("name", text("acme"))])).await;
    let mut unique_name_schema = schema.clone();
    if let Some(company) = unique_name_schema
        .object_types
        .iter_mut()
        .find(|object_type| object_type.slug == "company")
        && let Some(name) = company.fields.iter_mut().find(|field| field.key == "name")
    {
        name.is_unique = true;
    }
    let error = err(
        store.apply_schema(workspace, unique_name_schema.clone()).await,
        "unique over duplicates",
    );
    assert!(
        matches!(&error, StoreError::Conflict(message) if message.contains("name")),
        "a field that cannot become unique is a conflict naming it: {error:?}"
    );
    assert_eq!(
        ok(store.schema(workspace).await, "schema").version,
        2,
        "a refused change changes nothing"
    );
    ok(
        store
            .trash_record(workspace, "conformance", "company", twin.id)
            .await,
        "trash the twin",
    );
    let applied = ok(
        store.apply_schema(workspace, unique_name_schema.clone()).await,
        "unique once distinct",
    );
    assert_eq!(applied.version, 3);
    let error = err(
        store
            .create_record(
                workspace,
                "conformance",
                new_record("company", &[("name", text("ACME"))]),
            )
            .await,
        "a duplicate of a now-unique field",
    );
    assert!(
        matches!(&error, StoreError::UniqueViolation { field, existing } if field == "name" && *existing == acme.id),
        "unique violation naming the holder: {error:?}"
    );

    // An object type is dropped with its records.
    let mut without_vehicle = unique_name_schema;
    without_vehicle
        .object_types
        .retain(|object_type| object_type.slug != "vehicle");
    let applied = ok(
        store.apply_schema(workspace, without_vehicle).await,
        "drop an object type",
    );
    assert_eq!(applied.version, 4);
    assert!(applied.object_type("vehicle").is_none());
    assert_eq!(
        ok(store.get_record(workspace, "company", acme.id).await, "get").map(|record| record.id),
        Some(acme.id)
    );
}

/// A record with a value of every type reads back exactly as written.
pub async fn every_field_type_round_trips(store: &dyn Store) {
    let workspace = new_workspace(store, "field-types").await;
    let address = Value::Address(Address {
        street: Some("1 Main St".to_owned()),
        street2: Some("Suite 5".to_owned()),
        city: Some("Springfield".to_owned()),
        state: Some("IL".to_owned()),
        postal_code: Some("62701".to_owned()),
        country: Some("US".to_owned()),
        latitude: Some(39.7817),
        longitude: Some(-89.6501),
    });
    let company_values = values(&[
        ("name", text("Acme Widgets, Inc.")),
        ("domain", text("https://acme.example/")),
        ("employees", number("1234.5")),
        ("revenue", number("1999999.9999")),
        ("is_customer", Value::Bool(true)),
        ("founded", date(2001, 5, 1)),
        ("last_contacted", Value::Datetime(Timestamp(1_767_225_600_123))),
        ("tier", choice("opt_gold")),
        ("tags", choices(&["opt_b2b", "opt_saas"])),
        ("notes", text("# Notes\n\nLikes *widgets*.")),
        ("body", text("<p>Hello <b>there</b></p>")),
        ("address", address),
        ("twitter", text("https://twitter.com/acme")),
        ("phone", text("+15555550100")),
        ("email", text("info@acme.example")),
    ]);
    let record = NewRecord {
        object_type: "company".to_owned(),
        values: company_values.clone(),
        relationships: BTreeMap::new(),
        external_id: Some("ext-42".to_owned()),
    };
    let before = Timestamp::now();
    let created = create(store, workspace, record).await;
    assert_eq!(
        created.values, company_values,
        "create returns the values as written"
    );
    assert_eq!(created.object_type, "company");
    assert_eq!(created.external_id.as_deref(), Some("ext-42"));
    assert_eq!(created.trashed_at, None);
    assert_eq!(
        created.created_at, created.updated_at,
        "a new record was updated when it was created"
    );
    assert!(
        created.created_at.millis() >= before.millis() - 1000,
        "created_at is now"
    );
    assert!(
        created.id.get() >= 1 && created.id.get() < (1 << 53),
        "ids are positive and below 2^53"
    );
    let expected_relationships: BTreeMap<String, Vec<RecordId>> = [("$people".to_owned(), vec![])].into();
    assert_eq!(
        created.relationships, expected_relationships,
        "every keyed relationship is listed, empty"
    );

    let read = get(store, workspace, "company", created.id).await;
    assert_eq!(read, created, "the record reads back as created");

    let person_values = values(&[
        ("name", full_name("Ada", "Lovelace")),
        ("email", text("ada@example.com")),
        ("emails", list(&["ada@example.com", "countess@example.org"])),
        ("phones", list(&["+442071234567"])),
        (
            "urls",
            list(&["https://ada.example/", "https://lovelace.example/"]),
        ),
        ("score", number("-0.125")),
        ("title", text("Analyst")),
    ]);
    let person = create(
        store,
        workspace,
        NewRecord {
            values: person_values.clone(),
            ..new_record("person", &[])
        },
    )
    .await;
    assert_eq!(person.values, person_values);
    assert_eq!(get(store, workspace, "person", person.id).await, person);
    let keys: Vec<&String> = person.relationships.keys().collect();
    assert_eq!(
        keys,
        ["$company", "manager", "projects", "reports"],
        "keyed sides only, the unkeyed one is not listed"
    );

    let partial = create(store, workspace, new_record("company", &[("name", text("Bare"))])).await;
    assert_eq!(
        partial.values,
        values(&[("name", text("Bare"))]),
        "unset fields are absent"
    );
    assert_eq!(
        get(store, workspace, "company", partial.id).await.values,
        partial.values
    );
    assert!(partial.id > created.id, "ids grow");

    let project = create(
        store,
        workspace,
        new_record("project", &[("budget", number("0.0001"))]),
    )
    .await;
    assert_eq!(
        get(store, workspace, "project", project.id).await.value("budget"),
        Some(&number("0.0001"))
    );

    // get_record: None for a missing id and for an id of another type.
    assert_eq!(
        ok(
            store.get_record(workspace, "company", RecordId(1 << 52)).await,
            "get missing"
        ),
        None
    );
    assert_eq!(
        ok(
            store.get_record(workspace, "person", created.id).await,
            "get other type"
        ),
        None
    );
}

/// Updates change only the named fields, `None` clears, and a write that changes nothing
/// writes nothing.
pub async fn update_semantics(store: &dyn Store) {
    let workspace = new_workspace(store, "update").await;
    let record = create(
        store,
        workspace,
        new_record(
            "company",
            &[
                ("name", text("Initech")),
                ("employees", number("50")),
                ("tier", choice("opt_gold")),
            ],
        ),
    )
    .await;
    let other = create(
        store,
        workspace,
        new_record("company", &[("name", text("Other"))]),
    )
    .await;

    let updated = update(
        store,
        workspace,
        &record,
        set(&[("employees", Some(number("51")))]),
    )
    .await;
    assert_eq!(
        updated.values,
        values(&[
            ("name", text("Initech")),
            ("employees", number("51")),
            ("tier", choice("opt_gold"))
        ]),
        "only the named field changes"
    );
    assert!(updated.updated_at >= record.updated_at);
    assert_eq!(updated.created_at, record.created_at, "created_at never changes");
    assert_eq!(
        get(store, workspace, "company", record.id).await,
        updated,
        "the update reads back"
    );

    let cleared = update(
        store,
        workspace,
        &record,
        set(&[("tier", None), ("notes", Some(text("TPS")))]),
    )
    .await;
    assert_eq!(cleared.value("tier"), None, "None clears");
    assert_eq!(cleared.value("notes"), Some(&text("TPS")));
    assert_eq!(
        get(store, workspace, "company", record.id).await.values,
        cleared.values
    );

    // Nothing changes: no change entry, no new updated_at.
    let seq = last_seq(store, workspace).await;
    std::thread::sleep(std::time::Duration::from_millis(5));
    let same = update(
        store,
        workspace,
        &record,
        set(&[
            ("employees", Some(number("51.000"))),
            ("tier", None),
            ("name", Some(text("Initech"))),
        ]),
    )
    .await;
    assert_eq!(
        same, cleared,
        "a write that changes nothing returns the record as it is"
    );
    let empty = update(store, workspace, &record, RecordChanges::default()).await;
    assert_eq!(empty, cleared);
    assert_eq!(
        last_seq(store, workspace).await,
        seq,
        "a write that changes nothing logs nothing"
    );
    assert_eq!(
        get(store, workspace, "company", record.id).await.updated_at,
        cleared.updated_at
    );

    let error = err(
        store
            .update_record(
                workspace,
                "conformance",
                "company",
                RecordId(1 << 52),
                set(&[("name", None)]),
            )
            .await,
        "update of a missing record",
    );
    assert!(matches!(error, StoreError::NotFound), "missing record: {error:?}");
    let error = err(
        store
            .update_record(
                workspace,
                "conformance",
                "person",
                other.id,
                set(&[("title", None)]),
            )
            .await,
        "update through another object type",
    );
    assert!(
        matches!(error, StoreError::NotFound),
        "an id of another type is not found: {error:?}"
    );
    assert_eq!(
        get(store, workspace, "company", other.id).await,
        other,
        "the other record is untouched"
    );
}

/// Unique fields: case-insensitive, per element of lists, released by trash, claimed again
/// by restore.
pub async fn unique_fields(store: &dyn Store) {
    let workspace = new_workspace(store, "unique").await;
    let ada = create(
        store,
        workspace,
        new_record(
            "person",
            &[
                ("email", text("ada@example.com")),
                ("emails", list(&["a@one.example", "a@two.example"])),
            ],
        ),
    )
    .await;

    let taken = |result: StoreResult<Record>, field_key: &str, what: &str| match result {
        Err(StoreError::UniqueViolation { field, existing }) => {
            assert_eq!(
                (field.as_str(), existing),
                (field_key, ada.id),
                "{what}: names the field and the holder"
            );
        }
        other => panic!("{what}: expected a unique violation on {field_key:?}, got {other:?}"),
    };
    taken(
        store
            .create_record(
                workspace,
                "conformance",
                new_record("person", &[("email", text("ADA@example.com"))]),
            )
            .await,
        "email",
        "same email in other case",
    );
    taken(
        store
            .create_record(
                workspace,
                "conformance",
                new_record("person", &[("emails", list(&["x@x.example", "A@TWO.example"]))]),
            )
            .await,
        "emails",
        "one element of a list taken",
    );
    let grace = create(
        store,
        workspace,
        new_record(
            "person",
            &[("email", text("grace@example.com")), ("emails", list(&[]))],
        ),
    )
    .await;
    taken(
        store
            .update_record(
                workspace,
                "conformance",
                "person",
                grace.id,
                set(&[("email", Some(text("ada@example.com")))]),
            )
            .await,
        "email",
        "update to a taken value",
    );
    assert_eq!(
        get(store, workspace, "person", grace.id).await,
        grace,
        "a refused update changes nothing"
    );
    // Writing a record's own value again is fine.
    update(
        store,
        workspace,
        &ada,
        set(&[("email", Some(text("ada@example.com")))]),
    )
    .await;

    // A changed value frees the old one.
    let ada = update(
        store,
        workspace,
        &ada,
        set(&[("emails", Some(list(&["a@three.example"])))]),
    )
    .await;
    let reuse = create(
        store,
        workspace,
        new_record("person", &[("emails", list(&["a@one.example"]))]),
    )
    .await;
    assert_eq!(
        reuse.value("emails"),
        Some(&list(&["a@one.example"])),
        "a replaced list element is free again"
    );

    // Trash releases, restore claims again.
    ok(
        store
            .trash_record(workspace, "conformance", "person", ada.id)
            .await,
        "trash",
    );
    let heir = create(
        store,
        workspace,
        new_record("person", &[("email", text("Ada@Example.com"))]),
    )
    .await;
    let error = err(
        store
            .restore_record(workspace, "conformance", "person", ada.id)
            .await,
        "restore over a taken value",
    );
    assert!(
        matches!(&error, StoreError::UniqueViolation { field, existing } if field == "email" && *existing == heir.id),
        "restore fails on the value taken meanwhile: {error:?}"
    );
    assert!(
        get(store, workspace, "person", ada.id).await.is_trashed(),
        "the record stays in the trash"
    );
    ok(
        store
            .trash_record(workspace, "conformance", "person", heir.id)
            .await,
        "trash the heir",
    );
    let restored = ok(
        store
            .restore_record(workspace, "conformance", "person", ada.id)
            .await,
        "restore once free",
    );
    assert_eq!(restored.trashed_at, None);
    let error = err(
        store
            .create_record(
                workspace,
                "conformance",
                new_record("person", &[("email", text("ada@example.com"))]),
            )
            .await,
        "value claimed again by restore",
    );
    assert!(
        matches!(error, StoreError::UniqueViolation { .. }),
        "restore claims the value again: {error:?}"
    );

    // Numbers are unique by value; unique fields of different types don't collide.
    let company = create(
        store,
        workspace,
        new_record("company", &[("domain", text("https://ada.example/"))]),
    )
    .await;
    let person = create(
        store,
        workspace,
        new_record("person", &[("urls", list(&["https://ada.example/"]))]),
    )
    .await;
    assert!(company.id != person.id);
}

/// Relationships: both directions consistent, HAS_ONE limits, moves, validation, trash.
pub async fn relationships(store: &dyn Store) {
    let workspace = new_workspace(store, "relationships").await;
    let c1 = create(store, workspace, new_record("company", &[("name", text("C1"))])).await;
    let c2 = create(store, workspace, new_record("company", &[("name", text("C2"))])).await;
    let j2 = create(store, workspace, new_record("project", &[("name", text("J2"))])).await;
    let j1 = create(store, workspace, new_record("project", &[("name", text("J1"))])).await;

    // Create with links: both directions read them.
    let p1 = create(
        store,
        workspace,
        NewRecord {
            relationships: [("$company".to_owned(), vec![c1.id])].into(),
            ..new_record("person", &[("name", full_name("Ada", "Lovelace"))])
        },
    )
    .await;
    assert_eq!(p1.related("$company"), [c1.id], "create returns its links");
    assert_eq!(
        related(store, workspace, "person", p1.id, "$company").await,
        [c1.id]
    );
    assert_eq!(
        related(store, workspace, "company", c1.id, "$people").await,
        [p1.id],
        "the other side sees the link"
    );

    // HAS_ONE: at most one.
    let error = err(
        store
            .create_record(
                workspace,
                "conformance",
                NewRecord {
                    relationships: [("$company".to_owned(), vec![c1.id, c2.id])].into(),
                    ..new_record("person", &[])
                },
            )
            .await,
        "two records on a HAS_ONE side",
    );
    assert!(
        matches!(&error, StoreError::TooManyRelated { key } if key == "$company"),
        "{error:?}"
    );
    let error = err(
        store
            .update_record(
                workspace,
                "conformance",
                "person",
                p1.id,
                link("$company", RelationshipOp::Add(vec![c2.id])),
            )
            .await,
        "add a second record to a HAS_ONE side",
    );
    assert!(
        matches!(&error, StoreError::TooManyRelated { key } if key == "$company"),
        "{error:?}"
    );
    assert_eq!(
        related(store, workspace, "person", p1.id, "$company").await,
        [c1.id],
        "a refused write changes nothing"
    );

    // Replace moves the link; both sides follow.
    let moved = update(
        store,
        workspace,
        &p1,
        link("$company", RelationshipOp::Replace(vec![c2.id])),
    )
    .await;
    assert_eq!(moved.related("$company"), [c2.id]);
    assert_eq!(
        related(store, workspace, "company", c1.id, "$people").await,
        Vec::<RecordId>::new()
    );
    assert_eq!(
        related(store, workspace, "company", c2.id, "$people").await,
        [p1.id]
    );

    // Adding from the HAS_MANY side moves the person away from its old company.
    let seq = last_seq(store, workspace).await;
    let c1_now = update(
        store,
        workspace,
        &c1,
        link("$people", RelationshipOp::Add(vec![p1.id])),
    )
    .await;
    assert_eq!(c1_now.related("$people"), [p1.id]);
    assert_eq!(
        related(store, workspace, "person", p1.id, "$company").await,
        [c1.id],
        "the far record's link moved"
    );
    assert_eq!(
        related(store, workspace, "company", c2.id, "$people").await,
        Vec::<RecordId>::new()
    );
    let logged = changes_after(store, workspace, seq).await;
    assert_eq!(
        logged.len(),
        2,
        "the write and the moved record each log a change: {logged:?}"
    );
    assert_eq!((logged[0].record_id, logged[0].op), (c1.id, ChangeOp::Update));
    assert_eq!(
        logged[0].relationships,
        [RelationshipChange {
            key: "$people".to_owned(),
            added: vec![p1.id],
            removed: vec![]
        }]
    );
    assert_eq!(
        (logged[1].record_id, logged[1].op, logged[1].object_type.as_str()),
        (p1.id, ChangeOp::Update, "person")
    );
    assert_eq!(
        logged[1].relationships,
        [RelationshipChange {
            key: "$company".to_owned(),
            added: vec![c1.id],
            removed: vec![c2.id]
        }]
    );
    assert_eq!(logged[1].seq, logged[0].seq + 1);

    // Many-to-many: add, keep link order (oldest first), remove, replace.
    let p1 = update(
        store,
        workspace,
        &p1,
        link("projects", RelationshipOp::Add(vec![j1.id])),
    )
    .await;
    let p1 = update(
        store,
        workspace,
        &p1,
        link("projects", RelationshipOp::Add(vec![j2.id, j1.id])),
    )
    .await;
    assert_eq!(
        p1.related("projects"),
        [j1.id, j2.id],
        "oldest link first, an existing link stays once"
    );
    assert_eq!(
        related(store, workspace, "project", j1.id, "members").await,
        [p1.id]
    );
    assert_eq!(
        related(store, workspace, "project", j2.id, "members").await,
        [p1.id]
    );
    let p1 = update(
        store,
        workspace,
        &p1,
        link("projects", RelationshipOp::Remove(vec![j1.id, c1.id])),
    )
    .await;
    assert_eq!(
        p1.related("projects"),
        [j2.id],
        "remove ignores ids that are not linked"
    );
    assert_eq!(
        related(store, workspace, "project", j1.id, "members").await,
        Vec::<RecordId>::new()
    );
    let p1 = update(
        store,
        workspace,
        &p1,
        RecordChanges {
            values: BTreeMap::new(),
            relationships: vec![
                RelationshipWrite {
                    key: "projects".to_owned(),
                    op: RelationshipOp::Replace(vec![]),
                },
                RelationshipWrite {
                    key: "projects".to_owned(),
                    op: RelationshipOp::Add(vec![j1.id]),
                },
            ],
        },
    )
    .await;
    assert_eq!(
        p1.related("projects"),
        [j1.id],
        "writes to one relationship apply in order"
    );
    assert_eq!(
        related(store, workspace, "project", j2.id, "members").await,
        Vec::<RecordId>::new()
    );

    // Validation.
    let missing = RecordId((1 << 53) - 1);
    let error = err(
        store
            .update_record(
                workspace,
                "conformance",
                "person",
                p1.id,
                link("projects", RelationshipOp::Add(vec![missing])),
            )
            .await,
        "link a missing record",
    );
    assert!(
        matches!(&error, StoreError::RelatedMissing { key, id } if key == "projects" && *id == missing),
        "{error:?}"
    );
    let error = err(
        store
            .update_record(
                workspace,
                "conformance",
                "person",
                p1.id,
                link("projects", RelationshipOp::Add(vec![c2.id])),
            )
            .await,
        "link a record of the wrong type",
    );
    assert!(
        matches!(&error, StoreError::RelatedMissing { key, id } if key == "projects" && *id == c2.id),
        "{error:?}"
    );
    ok(
        store
            .trash_record(workspace, "conformance", "project", j2.id)
            .await,
        "trash j2",
    );
    let error = err(
        store
            .update_record(
                workspace,
                "conformance",
                "person",
                p1.id,
                link("projects", RelationshipOp::Add(vec![j2.id])),
            )
            .await,
        "link a trashed record",
    );
    assert!(
        matches!(&error, StoreError::RelatedTrashed { key, id } if key == "projects" && *id == j2.id),
        "{error:?}"
    );
    let error = err(
        store
            .create_record(
                workspace,
                "conformance",
                NewRecord {
                    relationships: [("projects".to_owned(), vec![j1.id, j2.id])].into(),
                    ..new_record("person", &[])
                },
            )
            .await,
        "create linked to a trashed record",
    );
    assert!(matches!(error, StoreError::RelatedTrashed { .. }), "{error:?}");
    assert_eq!(
        related(store, workspace, "project", j1.id, "members").await,
        [p1.id],
        "a refused create links nothing"
    );
    ok(
        store
            .restore_record(workspace, "conformance", "project", j2.id)
            .await,
        "restore j2",
    );

    // Trashed related records are hidden, and back after restore.
    let p2 = create(
        store,
        workspace,
        NewRecord {
            relationships: [
                ("projects".to_owned(), vec![j2.id, j1.id]),
                ("manager".to_owned(), vec![p1.id]),
            ]
            .into(),
            ..new_record("person", &[("name", full_name("Grace", "Hopper"))])
        },
    )
    .await;
    assert_eq!(
        p2.related("projects"),
        [j2.id, j1.id],
        "links of one write read back by id"
    );
    assert_eq!(p2.related("manager"), [p1.id]);
    assert_eq!(
        related(store, workspace, "person", p1.id, "reports").await,
        [p2.id],
        "a self relationship, both ends"
    );
    ok(
        store
            .trash_record(workspace, "conformance", "project", j2.id)
            .await,
        "trash j2 again",
    );
    assert_eq!(
        related(store, workspace, "person", p2.id, "projects").await,
        [j1.id],
        "trashed related records are hidden"
    );
    let trashed_j2 = get(store, workspace, "project", j2.id).await;
    assert_eq!(
        trashed_j2.related("members"),
        [p2.id],
        "a trashed record keeps its links"
    );
    ok(
        store
            .restore_record(workspace, "conformance", "project", j2.id)
            .await,
        "restore j2 again",
    );
    assert_eq!(
        related(store, workspace, "person", p2.id, "projects").await,
        [j2.id, j1.id],
        "restore brings links back"
    );

    // A trashed record hides from the far side too.
    ok(
        store
            .trash_record(workspace, "conformance", "person", p2.id)
            .await,
        "trash p2",
    );
    assert_eq!(
        related(store, workspace, "person", p1.id, "reports").await,
        Vec::<RecordId>::new()
    );
    ok(
        store
            .restore_record(workspace, "conformance", "person", p2.id)
            .await,
        "restore p2",
    );
    assert_eq!(
        related(store, workspace, "person", p1.id, "reports").await,
        [p2.id]
    );

    // A relationship with one keyed end.
    let j3 = create(
        store,
        workspace,
        NewRecord {
            relationships: [("owner".to_owned(), vec![p2.id])].into(),
            ..new_record("project", &[])
        },
    )
    .await;
    assert_eq!(
        get(store, workspace, "project", j3.id).await.related("owner"),
        [p2.id]
    );
    let j3 = update(
        store,
        workspace,
        &j3,
        link("owner", RelationshipOp::Replace(vec![p1.id])),
    )
    .await;
    assert_eq!(j3.related("owner"), [p1.id]);
    let j3 = update(
        store,
        workspace,
        &j3,
        link("owner", RelationshipOp::Replace(vec![])),
    )
    .await;
    assert_eq!(
        j3.related("owner"),
        Vec::<RecordId>::new(),
        "replace with nothing clears"
    );

    // A HAS_ONE link to a trashed record gives way to a new one.
    ok(
        store
            .trash_record(workspace, "conformance", "company", c1.id)
            .await,
        "trash c1",
    );
    assert_eq!(
        related(store, workspace, "person", p1.id, "$company").await,
        Vec::<RecordId>::new()
    );
    let p1 = update(
        store,
        workspace,
        &p1,
        link("$company", RelationshipOp::Add(vec![c2.id])),
    )
    .await;
    assert_eq!(p1.related("$company"), [c2.id]);
    ok(
        store
            .restore_record(workspace, "conformance", "company", c1.id)
            .await,
        "restore c1",
    );
    assert_eq!(
        related(store, workspace, "person", p1.id, "$company").await,
        [c2.id],
        "still one company"
    );
    assert_eq!(
        related(store, workspace, "company", c1.id, "$people").await,
        Vec::<RecordId>::new()
    );
}

/// Trash and restore: idempotent, logged once, records stay readable.
pub async fn trash_and_restore(store: &dyn Store) {
    let workspace = new_workspace(store, "trash").await;
    let record = create(
        store,
        workspace,
        new_record("company", &[("name", text("Hooli"))]),
    )
    .await;
    let seq = last_seq(store, workspace).await;

    let trashed = ok(
        store
            .trash_record(workspace, "conformance", "company", record.id)
            .await,
        "trash",
    );
    assert!(trashed.trashed_at.is_some(), "trash sets trashed_at");
    assert_eq!(trashed.values, record.values, "trash keeps the values");
    assert_eq!(
        get(store, workspace, "company", record.id).await,
        trashed,
        "get_record returns trashed records"
    );
    let again = ok(
        store
            .trash_record(workspace, "conformance", "company", record.id)
            .await,
        "trash again",
    );
    assert_eq!(again, trashed, "trashing a trashed record changes nothing");
    let error = err(
        store
            .update_record(
                workspace,
                "conformance",
                "company",
                record.id,
                set(&[("name", Some(text("x")))]),
            )
            .await,
        "update a trashed record",
    );
    assert!(
        matches!(error, StoreError::NotFound),
        "a trashed record cannot be updated: {error:?}"
    );

    let restored = ok(
        store
            .restore_record(workspace, "conformance", "company", record.id)
            .await,
        "restore",
    );
    assert_eq!(restored.trashed_at, None);
    assert_eq!(restored.values, record.values);
    let again = ok(
        store
            .restore_record(workspace, "conformance", "company", record.id)
            .await,
        "restore again",
    );
    assert_eq!(again, restored, "restoring an active record changes nothing");

    let logged = changes_after(store, workspace, seq).await;
    let ops: Vec<ChangeOp> = logged.iter().map(|change| change.op).collect();
    assert_eq!(
        ops,
        [ChangeOp::Trash, ChangeOp::Restore],
        "one change each, none for the no-ops"
    );
    assert!(
        logged
            .iter()
            .all(|change| change.record_id == record.id && change.fields.is_empty())
    );

    for result in [
        store
            .trash_record(workspace, "conformance", "company", RecordId(1 << 52))
            .await,
        store
            .restore_record(workspace, "conformance", "company", RecordId(1 << 52))
            .await,
        store
            .trash_record(workspace, "conformance", "person", record.id)
            .await,
    ] {
        assert!(
            matches!(result, Err(StoreError::NotFound)),
            "missing or of another type: {result:?}"
        );
    }
}

/// The companies and people the query checks run over, in creation (id) order.
async fn query_fixture(store: &dyn Store, workspace: WorkspaceId) -> (Vec<Record>, Vec<Record>) {
    let company = |pairs: &[(&str, Value)]| new_record("company", pairs);
    let rows = [
        company(&[
            ("name", text("Acme Widgets, Inc.")),
            ("domain", text("https://acme.example/")),
            ("employees", number("120")),
            ("revenue", number("1000.5")),
            ("is_customer", Value::Bool(true)),
            ("founded", date(2001, 5, 1)),
            ("last_contacted", datetime(1)),
            ("tier", choice("opt_gold")),
            ("tags", choices(&["opt_b2b", "opt_saas"])),
            ("notes", text("Likes *widgets* and gadgets")),
            (
                "address",
                Value::Address(Address {
                    street: Some("1 Main St".to_owned()),
                    city: Some("Springfield".to_owned()),
                    ..Address::default()
                }),
            ),
            ("twitter", text("https://twitter.com/acme")),
            ("email", text("info@acme.example")),
        ]),
        company(&[
            ("name", text("Globex")),
            ("employees", number("5000")),
            ("revenue", number("250000")),
            ("is_customer", Value::Bool(false)),
            ("founded", date(1990, 1, 1)),
            ("last_contacted", datetime(2)),
            ("tier", choice("opt_silver")),
            ("tags", choices(&["opt_b2b"])),
            (
                "address",
                Value::Address(Address {
                    city: Some("Cypress Creek".to_owned()),
                    ..Address::default()
                }),
            ),
        ]),
        company(&[
            ("name", text("Initech")),
            ("employees", number("50")),
            ("is_customer", Value::Bool(true)),
            ("founded", date(1999, 2, 19)),
            ("tags", choices(&[])),
            ("notes", text("TPS reports")),
        ]),
        company(&[
            ("name", text("acme rockets")),
            ("revenue", number("99.9999")),
            ("last_contacted", datetime(0)),
            ("tier", choice("opt_bronze")),
            ("tags", choices(&["opt_retail"])),
            (
                "address",
                Value::Address(Address {
                    street: Some("1 Rocket Rd".to_owned()),
                    city: Some("Springfield".to_owned()),
                    country: Some("US".to_owned()),
                    ..Address::default()
                }),
            ),
        ]),
        company(&[
            ("name", text("100% Natural_Foods")),
            ("employees", number("0")),
            ("revenue", number("0")),
            ("is_customer", Value::Bool(false)),
            ("tier", choice("opt_gold")),
            ("tags", choices(&["opt_saas", "opt_retail"])),
            ("twitter", text("")),
        ]),
    ];
    let mut companies = Vec::new();
    for row in rows {
        companies.push(create(store, workspace, row).await);
    }
    let person = |pairs: &[(&str, Value)], company: Option<RecordId>| NewRecord {
        relationships: company
            .map(|id| ("$company".to_owned(), vec![id]))
            .into_iter()
            .collect(),
        ..new_record("person", pairs)
    };
    let rows = [
        person(
            &[
                ("name", full_name("Ada", "Lovelace")),
                ("email", text("ada@acme.example")),
                ("score", number("9")),
            ],
            Some(companies[0].id),
        ),
        person(
            &[("name", full_name("Grace", "Hopper")), ("score", number("3.5"))],
            Some(companies[1].id),
        ),
        person(
            &[
                ("name", full_name("Alan", "Turing")),
                ("emails", list(&["alan@x.example", "Turing@Y.example"])),
            ],
            None,
        ),
    ];
    let mut people = Vec::new();
    for row in rows {
        people.push(create(store, workspace, row).await);
    }
    (companies, people)
}

/// Filters: every operator on suitable types, boolean trees, relationships; sorting,
/// offset pages, totals and trash modes.
pub async fn queries(store: &dyn Store) {
    let workspace = new_workspace(store, "queries").await;
    let (companies, people) = query_fixture(store, workspace).await;
    const ACME: &str = "Acme Widgets, Inc.";
    const GLOBEX: &str = "Globex";
    const INITECH: &str = "Initech";
    const ROCKETS: &str = "acme rockets";
    const NATURAL: &str = "100% Natural_Foods";

    // Eq, case-insensitive on text.
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::Eq(text("GLOBEX"))),
        &[GLOBEX],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("employees", Op::Eq(number("50.0"))),
        &[INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("revenue", Op::Eq(number("99.9999"))),
        &[ROCKETS],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("is_customer", Op::Eq(Value::Bool(true))),
        &[ACME, INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("is_customer", Op::Eq(Value::Bool(false))),
        &[GLOBEX, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("founded", Op::Eq(date(1999, 2, 19))),
        &[INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("last_contacted", Op::Eq(datetime(2))),
        &[GLOBEX],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("tier", Op::Eq(choice("opt_gold"))),
        &[ACME, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("tags", Op::Eq(choice("opt_retail"))),
        &[ROCKETS, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("email", Op::Eq(text("INFO@acme.example"))),
        &[ACME],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("address", Op::Eq(text("springfield"))),
        &[ACME, ROCKETS],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        cond("emails", Op::Eq(text("turing@y.example"))),
        &["Alan Turing"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        cond("name", Op::Eq(text("grace hopper"))),
        &["Grace Hopper"],
    )
    .await;

    // Ranges.
    check_filter(
        store,
        workspace,
        "company",
        cond("employees", Op::Gt(number("50"))),
        &[ACME, GLOBEX],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("employees", Op::Gte(number("50"))),
        &[ACME, GLOBEX, INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("employees", Op::Lt(number("120"))),
        &[INITECH, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("employees", Op::Lte(number("120"))),
        &[ACME, INITECH, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("revenue", Op::Gt(number("99.99989"))),
        &[ACME, GLOBEX, ROCKETS],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("revenue", Op::Lt(number("1000.5"))),
        &[ROCKETS, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("last_contacted", Op::Gte(datetime(1))),
        &[ACME, GLOBEX],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("founded", Op::Lt(date(2000, 1, 1))),
        &[GLOBEX, INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::Lt(text("B"))),
        &[ACME, ROCKETS, NATURAL],
    )
    .await;

    // In.
    check_filter(
        store,
        workspace,
        "company",
        cond("tier", Op::In(vec![choice("opt_silver"), choice("opt_bronze")])),
        &[GLOBEX, ROCKETS],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::In(vec![text("initech"), text("nobody")])),
        &[INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("employees", Op::In(vec![number("0"), number("5000")])),
        &[GLOBEX, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("employees", Op::In(vec![])),
        &[],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("tags", Op::In(vec![choice("opt_saas")])),
        &[ACME, NATURAL],
    )
    .await;

    // Text operators.
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::StartsWith("ACME".to_owned())),
        &[ACME, ROCKETS],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::StartsWith("100%".to_owned())),
        &[NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::StartsWith("1%".to_owned())),
        &[],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::Contains("al_f".to_owned())),
        &[NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::Contains("l%f".to_owned())),
        &[],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::Contains("ROCK".to_owned())),
        &[ROCKETS],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("notes", Op::Contains("gadget".to_owned())),
        &[ACME],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("twitter", Op::StartsWith(String::new())),
        &[ACME],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("address", Op::StartsWith("cypress".to_owned())),
        &[GLOBEX],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("address", Op::Contains("rocket".to_owned())),
        &[ROCKETS],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        cond("name", Op::StartsWith("hop".to_owned())),
        &["Grace Hopper"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        cond("name", Op::StartsWith("ada l".to_owned())),
        &["Ada Lovelace"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        cond("emails", Op::Contains("@y.ex".to_owned())),
        &["Alan Turing"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        cond("emails", Op::StartsWith("alan@".to_owned())),
        &["Alan Turing"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::ContainsToken("widgets".to_owned())),
        &[ACME],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::ContainsToken("WIDG*".to_owned())),
        &[ACME],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::ContainsToken("idget".to_owned())),
        &[],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("name", Op::ContainsToken("inc".to_owned())),
        &[ACME],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("notes", Op::ContainsToken("tps".to_owned())),
        &[INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        cond("name", Op::ContainsToken("turing".to_owned())),
        &["Alan Turing"],
    )
    .await;

    // IsSet: not null, not empty.
    check_filter(store, workspace, "company", cond("twitter", Op::IsSet), &[ACME]).await;
    check_filter(
        store,
        workspace,
        "company",
        cond("employees", Op::IsSet),
        &[ACME, GLOBEX, INITECH, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("tags", Op::IsSet),
        &[ACME, GLOBEX, ROCKETS, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("address", Op::IsSet),
        &[ACME, GLOBEX, ROCKETS],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        cond("emails", Op::IsSet),
        &["Alan Turing"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        cond("is_customer", Op::IsSet),
        &[ACME, GLOBEX, INITECH, NATURAL],
    )
    .await;

    // Boolean trees; Not counts unset values as not matching the inner condition.
    check_filter(
        store,
        workspace,
        "company",
        Filter::And(vec![
            cond("tier", Op::Eq(choice("opt_gold"))),
            cond("employees", Op::Gt(number("10"))),
        ]),
        &[ACME],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Or(vec![
            cond("tier", Op::Eq(choice("opt_silver"))),
            cond("name", Op::StartsWith("init".to_owned())),
        ]),
        &[GLOBEX, INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Not(Box::new(cond("employees", Op::Gt(number("100"))))),
        &[INITECH, ROCKETS, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Not(Box::new(Filter::Or(vec![
            cond("tier", Op::IsSet),
            cond("employees", Op::Lt(number("1"))),
        ]))),
        &[INITECH],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::And(vec![]),
        &[ACME, GLOBEX, INITECH, ROCKETS, NATURAL],
    )
    .await;
    check_filter(store, workspace, "company", Filter::Or(vec![]), &[]).await;

    // System targets.
    let globex_id = companies[1].id;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Cond {
            target: Target::Id,
            op: Op::Eq(Value::Number(Decimal::from(globex_id.get()))),
        },
        &[GLOBEX],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Cond {
            target: Target::Id,
            op: Op::In(vec![
                Value::Number(Decimal::from(companies[0].id.get())),
                Value::Number(Decimal::from(companies[4].id.get())),
            ]),
        },
        &[ACME, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Cond {
            target: Target::CreatedAt,
            op: Op::Gte(Value::Datetime(companies[0].created_at)),
        },
        &[ACME, GLOBEX, INITECH, ROCKETS, NATURAL],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Cond {
            target: Target::UpdatedAt,
            op: Op::Lt(Value::Datetime(companies[0].created_at)),
        },
        &[],
    )
    .await;

    // Across relationships.
    check_filter(
        store,
        workspace,
        "person",
        Filter::Related {
            key: "$company".to_owned(),
            op: RelatedOp::AnyOf(vec![companies[0].id, companies[2].id]),
        },
        &["Ada Lovelace"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Related {
            key: "$people".to_owned(),
            op: RelatedOp::AnyOf(vec![people[1].id]),
        },
        &[GLOBEX],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Related {
            key: "$people".to_owned(),
            op: RelatedOp::IsSet,
        },
        &[ACME, GLOBEX],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        Filter::Not(Box::new(Filter::Related {
            key: "$company".to_owned(),
            op: RelatedOp::IsSet,
        })),
        &["Alan Turing"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "person",
        Filter::Related {
            key: "$company".to_owned(),
            op: RelatedOp::Matches(Box::new(cond("name", Op::StartsWith("glob".to_owned())))),
        },
        &["Grace Hopper"],
    )
    .await;
    check_filter(
        store,
        workspace,
        "company",
        Filter::Related {
            key: "$people".to_owned(),
            op: RelatedOp::Matches(Box::new(cond("score", Op::Gt(number("5"))))),
        },
        &[ACME],
    )
    .await;

    // Sorting: nulls first ascending, last descending; the id breaks ties.
    let sorted = |keys: Vec<SortKey>| names(store, workspace, "company", all(None, keys));
    assert_eq!(
        sorted(vec![sort("employees", false)]).await,
        [ROCKETS, NATURAL, INITECH, ACME, GLOBEX]
    );
    assert_eq!(
        sorted(vec![sort("employees", true)]).await,
        [GLOBEX, ACME, INITECH, NATURAL, ROCKETS]
    );
    assert_eq!(
        sorted(vec![sort("name", false)]).await,
        [NATURAL, ROCKETS, ACME, GLOBEX, INITECH],
        "case-insensitive"
    );
    assert_eq!(
        sorted(vec![sort("is_customer", false), sort("name", true)]).await,
        [ROCKETS, GLOBEX, NATURAL, INITECH, ACME]
    );
    assert_eq!(
        sorted(vec![sort("is_customer", true)]).await,
        [INITECH, ACME, NATURAL, GLOBEX, ROCKETS],
        "ties break by id in the direction of the last key"
    );
    assert_eq!(
        sorted(vec![SortKey {
            target: Target::CreatedAt,
            is_descending: true
        }])
        .await,
        [NATURAL, ROCKETS, INITECH, GLOBEX, ACME],
        "ties on created_at break by id, descending"
    );
    assert_eq!(
        sorted(vec![SortKey {
            target: Target::Id,
            is_descending: true
        }])
        .await,
        [NATURAL, ROCKETS, INITECH, GLOBEX, ACME]
    );
    assert_eq!(
        sorted(vec![]).await,
        [ACME, GLOBEX, INITECH, ROCKETS, NATURAL],
        "no sort: by id"
    );
    assert_eq!(
        sorted(vec![sort("revenue", false)]).await,
        [INITECH, NATURAL, ROCKETS, ACME, GLOBEX]
    );
    assert_eq!(
        sorted(vec![sort("founded", true)]).await,
        [ACME, INITECH, GLOBEX, NATURAL, ROCKETS]
    );

    // Offset pages and totals.
    let page = |offset: u64, limit: u32, with_total: bool| Query {
        filter: None,
        sort: vec![sort("employees", false)],
        page: Page::Offset { offset, limit },
        with_total,
        trashed: Trashed::Exclude,
    };
    let second = ok(
        store.query_records(workspace, "company", &page(1, 2, true)).await,
        "offset page",
    );
    assert_eq!(
        second.records.iter().map(display_name).collect::<Vec<_>>(),
        [NATURAL, INITECH]
    );
    assert_eq!(second.total, Some(5), "total counts every match");
    assert_eq!(second.next_cursor, None, "offset pages have no cursor");
    let beyond = ok(
        store
            .query_records(workspace, "company", &page(10, 2, true))
            .await,
        "page beyond the end",
    );
    assert!(beyond.records.is_empty());
    assert_eq!(beyond.total, Some(5));
    let without_total = ok(
        store
            .query_records(workspace, "company", &page(0, 2, false))
            .await,
        "no total",
    );
    assert_eq!(without_total.total, None);
    let filtered_total = ok(
        store
            .query_records(
                workspace,
                "company",
                &Query {
                    filter: Some(cond("tier", Op::Eq(choice("opt_gold")))),
                    with_total: true,
                    ..page(0, 1, true)
                },
            )
            .await,
        "filtered total",
    );
    assert_eq!((filtered_total.records.len(), filtered_total.total), (1, Some(2)));

    // Pages carry relationships.
    let with_links = ok(
        store.query_records(workspace, "person", &all(None, vec![])).await,
        "people",
    );
    let links: Vec<Vec<RecordId>> = with_links
        .records
        .iter()
        .map(|person| person.related("$company").to_vec())
        .collect();
    assert_eq!(links, [vec![companies[0].id], vec![companies[1].id], vec![]]);
    assert!(
        with_links
            .records
            .iter()
            .all(|person| person.relationships.len() == 4),
        "every keyed side is listed"
    );

    // Trash modes.
    ok(
        store
            .trash_record(workspace, "conformance", "company", companies[2].id)
            .await,
        "trash initech",
    );
    let mode = |trashed: Trashed| Query {
        trashed,
        ..all(None, vec![])
    };
    assert_eq!(
        names(store, workspace, "company", mode(Trashed::Exclude)).await,
        [ACME, GLOBEX, ROCKETS, NATURAL]
    );
    assert_eq!(
        names(store, workspace, "company", mode(Trashed::Only)).await,
        [INITECH]
    );
    assert_eq!(
        names(store, workspace, "company", mode(Trashed::Include)).await,
        [ACME, GLOBEX, INITECH, ROCKETS, NATURAL]
    );
    let trashed_page = ok(
        store
            .query_records(workspace, "company", &mode(Trashed::Only))
            .await,
        "trashed page",
    );
    assert!(trashed_page.records.iter().all(Record::is_trashed));
    // Trashed related records don't match relationship filters.
    ok(
        store
            .trash_record(workspace, "conformance", "company", companies[0].id)
            .await,
        "trash acme",
    );
    check_filter(
        store,
        workspace,
        "person",
        Filter::Related {
            key: "$company".to_owned(),
            op: RelatedOp::IsSet,
        },
        &["Grace Hopper"],
    )
    .await;
}

/// Keyset pages cover every match exactly once, in order, for many sort orders.
pub async fn keyset_pages(store: &dyn Store) {
    let workspace = new_workspace(store, "keyset").await;
    let names_pool = ["delta", "Alpha", "charlie", "bravo", "Echo", "alpha", "foxtrot"];
    for index in 0..23_usize {
        let mut pairs = vec![("name", text(names_pool[index % names_pool.len()]))];
        if index % 3 != 0 {
            pairs.push(("employees", Value::Number(Decimal::from(index % 5))));
        }
        if index % 4 != 1 {
            pairs.push((
                "last_contacted",
                datetime(i64::try_from(index % 6).unwrap_or_default()),
            ));
        }
        create(store, workspace, new_record("company", &pairs)).await;
    }
    let created_at = |is_descending| SortKey {
        target: Target::CreatedAt,
        is_descending,
    };
    let sorts = [
        vec![],
        vec![sort("employees", false)],
        vec![sort("employees", true)],
        vec![sort("name", false)],
        vec![sort("name", true), sort("employees", false)],
        vec![sort("employees", false), sort("last_contacted", true)],
        vec![
            sort("last_contacted", true),
            sort("name", false),
            sort("employees", true),
        ],
        vec![created_at(true)],
        vec![SortKey {
            target: Target::UpdatedAt,
            is_descending: false,
        }],
    ];
    let filters = [
        None,
        Some(cond("employees", Op::Gte(number("1")))),
        Some(cond("name", Op::StartsWith("a".to_owned()))),
    ];
    for filter in filters {
        for sort_keys in &sorts {
            let every = ok(
                store
                    .query_records(workspace, "company", &all(filter.clone(), sort_keys.clone()))
                    .await,
                "all",
            );
            let expected: Vec<RecordId> = every.records.iter().map(|record| record.id).collect();
            for limit in [1_u32, 4, 7, 100] {
                let mut seen = Vec::new();
                let mut cursor = None;
                for _ in 0..200 {
                    let query = Query {
                        filter: filter.clone(),
                        sort: sort_keys.clone(),
                        page: Page::After {
                            cursor: cursor.clone(),
                            limit,
                        },
                        with_total: true,
                        trashed: Trashed::Exclude,
                    };
                    let page = ok(
                        store.query_records(workspace, "company", &query).await,
                        "keyset page",
                    );
                    assert_eq!(page.total, Some(expected.len() as u64), "total on keyset pages");
                    assert!(page.records.len() <= limit as usize);
                    seen.extend(page.records.iter().map(|record| record.id));
                    match page.next_cursor {
                        Some(next) => {
                            assert_eq!(
                                page.records.len(),
                                limit as usize,
                                "only full pages have a next cursor"
                            );
                            cursor = Some(next);
                        }
                        None => break,
                    }
                }
                assert_eq!(
                    seen, expected,
                    "keyset pages of {limit} with sort {sort_keys:?} and filter {filter:?}"
                );
            }
        }
    }
    let unique_ids: BTreeSet<RecordId> = ok(
        store
            .query_records(workspace, "company", &all(None, vec![]))
            .await,
        "all",
    )
    .records
    .iter()
    .map(|r| r.id)
    .collect();
    assert_eq!(unique_ids.len(), 23);
}

/// A field of several values sorts by its first (primary) value, on whole results and on
/// keyset pages; records without a value sort first ascending.
pub async fn sort_by_first_value(store: &dyn Store) {
    let workspace = new_workspace(store, "first_value").await;
    let lists: [&[&str]; 5] = [
        &["c@x.example", "a@x.example"],
        &["a@y.example"],
        &[],
        &["b@z.example", "0@z.example"],
        &["d@w.example"],
    ];
    let mut ids = Vec::new();
    for emails in lists {
        let record = create(
            store,
            workspace,
            new_record("person", &[("emails", list(emails))]),
        )
        .await;
        ids.push(record.id);
    }
    let sort_by = |is_descending| {
        all(
            None,
            vec![SortKey {
                target: Target::Field("emails".to_owned()),
                is_descending,
            }],
        )
    };
    let ascending: Vec<RecordId> = ok(
        store.query_records(workspace, "person", &sort_by(false)).await,
        "sort by emails",
    )
    .records
    .iter()
    .map(|record| record.id)
    .collect();
    assert_eq!(
        ascending,
        vec![ids[2], ids[1], ids[3], ids[0], ids[4]],
        "ascending by first email"
    );
    let descending: Vec<RecordId> = ok(
        store.query_records(workspace, "person", &sort_by(true)).await,
        "sort by emails descending",
    )
    .records
    .iter()
    .map(|record| record.id)
    .collect();
    assert_eq!(
        descending,
        vec![ids[4], ids[0], ids[3], ids[1], ids[2]],
        "descending by first email"
    );
    let mut seen = Vec::new();
    let mut cursor = None;
    for _ in 0..10 {
        let mut query = sort_by(false);
        query.page = Page::After {
            cursor: cursor.clone(),
            limit: 2,
        };
        let page = ok(
            store.query_records(workspace, "person", &query).await,
            "keyset page",
        );
        seen.extend(page.records.iter().map(|record| record.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ascending, "keyset pages by first email");
}

/// Field history and the change log: contents, order, paging and gaplessness.
pub async fn history_and_changes(store: &dyn Store) {
    let workspace = new_workspace(store, "history").await;
    let start = last_seq(store, workspace).await;
    let company = create(
        store,
        workspace,
        new_record(
            "company",
            &[("name", text("Vandelay")), ("employees", number("3"))],
        ),
    )
    .await;
    let person = create(
        store,
        workspace,
        NewRecord {
            relationships: [("$company".to_owned(), vec![company.id])].into(),
            ..new_record("person", &[("name", full_name("Art", "Vandelay"))])
        },
    )
    .await;
    let company = update(
        store,
        workspace,
        &company,
        set(&[("name", Some(text("Vandelay Industries")))]),
    )
    .await;
    let company = update(
        store,
        workspace,
        &company,
        set(&[
            ("name", Some(text("Vandelay Imports"))),
            ("employees", None),
            ("tier", Some(choice("opt_gold"))),
        ]),
    )
    .await;
    ok(
        store
            .trash_record(workspace, "history-actor", "person", person.id)
            .await,
        "trash",
    );
    ok(
        store
            .restore_record(workspace, "history-actor", "person", person.id)
            .await,
        "restore",
    );

    // The change log.
    let logged = changes_after(store, workspace, start).await;
    assert_eq!(logged.len(), 6, "one change per mutation: {logged:#?}");
    for (index, change) in logged.iter().enumerate() {
        assert_eq!(change.seq, start + 1 + index as u64, "gapless, monotonic seq");
    }
    let summary: Vec<(RecordId, &str, ChangeOp, &str)> = logged
        .iter()
        .map(|change| {
            (
                change.record_id,
                change.object_type.as_str(),
                change.op,
                change.actor.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (company.id, "company", ChangeOp::Create, "conformance"),
            (person.id, "person", ChangeOp::Create, "conformance"),
            (company.id, "company", ChangeOp::Update, "conformance"),
            (company.id, "company", ChangeOp::Update, "conformance"),
            (person.id, "person", ChangeOp::Trash, "history-actor"),
            (person.id, "person", ChangeOp::Restore, "history-actor"),
        ]
    );
    let field_changes = |change: &Change| -> Vec<(String, Option<Value>, Option<Value>)> {
        let mut fields: Vec<_> = change
            .fields
            .iter()
            .map(|field| (field.key.clone(), field.old.clone(), field.new.clone()))
            .collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        fields
    };
    assert_eq!(
        field_changes(&logged[0]),
        [
            ("employees".to_owned(), None, Some(number("3"))),
            ("name".to_owned(), None, Some(text("Vandelay")))
        ]
    );
    assert!(logged[0].relationships.is_empty());
    assert_eq!(
        field_changes(&logged[1]),
        [("name".to_owned(), None, Some(full_name("Art", "Vandelay")))]
    );
    assert_eq!(
        logged[1].relationships,
        [RelationshipChange {
            key: "$company".to_owned(),
            added: vec![company.id],
            removed: vec![]
        }]
    );
    assert_eq!(
        field_changes(&logged[3]),
        [
            ("employees".to_owned(), Some(number("3")), None),
            (
                "name".to_owned(),
                Some(text("Vandelay Industries")),
                Some(text("Vandelay Imports"))
            ),
            ("tier".to_owned(), None, Some(choice("opt_gold"))),
        ],
        "only changed fields, with old and new values"
    );
    assert!(
        logged.windows(2).all(|pair| pair[0].at <= pair[1].at),
        "times do not go backwards"
    );
    let limited = ok(
        store.changes(workspace, start + 1, 2).await,
        "changes with a limit",
    );
    assert_eq!(
        limited.iter().map(|change| change.seq).collect::<Vec<_>>(),
        [start + 2, start + 3]
    );
    assert!(
        ok(
            store.changes(workspace, start + 6, 10).await,
            "changes after the end"
        )
        .is_empty()
    );

    // Field history, newest first.
    let history = ok(
        store
            .field_history(workspace, "company", company.id, "name", None, 10)
            .await,
        "field_history",
    );
    let entries: Vec<(Option<Value>, u64, bool)> = history
        .iter()
        .map(|entry| (entry.value.clone(), entry.seq, entry.is_create))
        .collect();
    assert_eq!(
        entries,
        [
            (Some(text("Vandelay Imports")), start + 4, false),
            (Some(text("Vandelay Industries")), start + 3, false),
            (Some(text("Vandelay")), start + 1, true),
        ]
    );
    assert_eq!(
        history[0].recorded_at, logged[3].at,
        "history times match the change log"
    );
    let older = ok(
        store
            .field_history(workspace, "company", company.id, "name", Some(start + 4), 1)
            .await,
        "page",
    );
    assert_eq!(
        older.iter().map(|entry| entry.seq).collect::<Vec<_>>(),
        [start + 3],
        "before_seq is exclusive"
    );
    let cleared = ok(
        store
            .field_history(workspace, "company", company.id, "employees", None, 10)
            .await,
        "cleared",
    );
    assert_eq!(
        cleared
            .iter()
            .map(|entry| (entry.value.clone(), entry.is_create))
            .collect::<Vec<_>>(),
        [(None, false), (Some(number("3")), true)],
        "a cleared field's entry has no value"
    );
    let never = ok(
        store
            .field_history(workspace, "company", company.id, "notes", None, 10)
            .await,
        "never set",
    );
    assert!(never.is_empty(), "a field never set has no history");
    let name = ok(
        store
            .field_history(workspace, "person", person.id, "name", None, 10)
            .await,
        "person name",
    );
    assert_eq!(name.len(), 1);
    assert_eq!(
        name[0].value,
        Some(full_name("Art", "Vandelay")),
        "compound values decode"
    );
}
