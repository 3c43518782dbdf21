use crate::{linked, new_record, sample_workspace, temporary_store, workspace_file};
use crmd_core::{Cardinality, FieldConfig, FieldDef, FieldType, RecordId, Schema};
use crmd_store::conformance::{number, sample_schema, text};
use crmd_store::{RecordChanges, RelationshipOp, RelationshipWrite, Store, StoreError};
use crmd_store_sqlite::{SqliteOptions, SqliteStore};
use std::collections::BTreeMap;

fn columns(folder: &std::path::Path, workspace: crmd_core::WorkspaceId, table: &str) -> Vec<String> {
    let connection = rusqlite::Connection::open(workspace_file(folder, workspace)).unwrap();
    let mut statement = connection
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap();
    statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn indexes(folder: &std::path::Path, workspace: crmd_core::WorkspaceId, table: &str) -> Vec<String> {
    let connection = rusqlite::Connection::open(workspace_file(folder, workspace)).unwrap();
    let mut statement = connection
        .prepare(&format!(
            "SELECT name FROM pragma_index_list('{table}') ORDER BY name"
        ))
        .unwrap();
    statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn company_mut(schema: &mut Schema) -> &mut crmd_core::ObjectType {
    schema
        .object_types
        .iter_mut()
        .find(|object_type| object_type.slug == "company")
        .unwrap()
}

fn text_field(id: &str, key: &str) -> FieldDef {
    FieldDef {
        id: id.to_owned(),
        key: key.to_owned(),
        label: key.to_owned(),
        description: None,
        field_type: FieldType::Text,
        config: FieldConfig::default(),
        is_required: false,
        is_unique: false,
        is_read_only: false,
        names: BTreeMap::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn columns_come_and_go_and_data_stays() {
    let (store, folder) = temporary_store();
    let workspace = sample_workspace(&store, "migrate").await;
    let table = "r_ot_conf_company";
    let before = columns(folder.path(), workspace, table);
    assert!(
        before.contains(&"ad_company_employees".to_owned()) && before.contains(&"ad_company_name".to_owned())
    );
    assert!(
        indexes(folder.path(), workspace, table)
            .contains(&"i_ot_conf_company__ad_company_employees".to_owned())
    );
    assert!(
        !indexes(folder.path(), workspace, table).contains(&"i_ot_conf_company__ad_company_notes".to_owned()),
        "long text is not indexed"
    );
    let acme = store
        .create_record(
            workspace,
            "t",
            new_record("company", &[("name", text("Acme")), ("employees", number("7"))]),
        )
        .await
        .unwrap();

    let mut schema = sample_schema();
    company_mut(&mut schema)
        .fields
        .retain(|field| field.key != "employees");
    company_mut(&mut schema)
        .fields
        .push(text_field("ad_company_slogan", "slogan"));
    let applied = store.apply_schema(workspace, schema.clone()).await.unwrap();
    assert_eq!(applied.version, 2);
    let after = columns(folder.path(), workspace, table);
    assert!(
        !after.contains(&"ad_company_employees".to_owned()),
        "the dropped field's column is gone"
    );
    assert!(
        after.contains(&"ad_company_slogan".to_owned()),
        "the new field has a column"
    );
    let index_names = indexes(folder.path(), workspace, table);
    assert!(
        index_names.contains(&"i_ot_conf_company__ad_company_slogan".to_owned()),
        "{index_names:?}"
    );
    assert!(!index_names.contains(&"i_ot_conf_company__ad_company_employees".to_owned()));

    let read = store
        .get_record(workspace, "company", acme.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read.values,
        [("name".to_owned(), text("Acme"))].into(),
        "other data stays"
    );
    let changes = RecordChanges {
        values: [("slogan".to_owned(), Some(text("Boom")))].into(),
        relationships: vec![],
    };
    store
        .update_record(workspace, "t", "company", acme.id, changes)
        .await
        .unwrap();

    // A type change is refused and changes nothing.
    let mut retyped = schema.clone();
    if let Some(field) = company_mut(&mut retyped)
        .fields
        .iter_mut()
        .find(|field| field.key == "slogan")
    {
        field.field_type = FieldType::Number;
    }
    let error = store.apply_schema(workspace, retyped).await.unwrap_err();
    assert!(
        matches!(&error, StoreError::Conflict(message) if message.contains("slogan")),
        "{error:?}"
    );
    assert_eq!(store.schema(workspace).await.unwrap().version, 2);

    // The schema and the data survive a restart.
    store.shutdown().await;
    drop(store);
    let reopened = SqliteStore::open(folder.path(), SqliteOptions::default()).unwrap();
    let reloaded = reopened.schema(workspace).await.unwrap();
    assert_eq!(reloaded.version, 2);
    assert_eq!(reloaded.object_types, schema.object_types);
    let read = reopened
        .get_record(workspace, "company", acme.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.value("slogan"), Some(&text("Boom")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relationships_are_dropped_with_their_links_and_checked_when_narrowed() {
    let (store, _folder) = temporary_store();
    let workspace = sample_workspace(&store, "relationships").await;
    let project_a = store
        .create_record(workspace, "t", new_record("project", &[]))
        .await
        .unwrap();
    let project_b = store
        .create_record(workspace, "t", new_record("project", &[]))
        .await
        .unwrap();
    let person = store
        .create_record(
            workspace,
            "t",
            linked(
                new_record("person", &[]),
                "projects",
                &[project_a.id, project_b.id],
            ),
        )
        .await
        .unwrap();
    assert_eq!(person.related("projects"), [project_a.id, project_b.id]);

    // projects → HAS_ONE on the person's side while the person has two: refused.
    let mut narrowed = sample_schema();
    if let Some(def) = narrowed
        .relationships
        .iter_mut()
        .find(|def| def.id == "rd_conf_projects")
    {
        def.source.cardinality = Cardinality::HasOne;
    }
    let error = store.apply_schema(workspace, narrowed.clone()).await.unwrap_err();
    assert!(
        matches!(&error, StoreError::Conflict(message) if message.contains("projects")),
        "{error:?}"
    );
    let changes = RecordChanges {
        values: BTreeMap::new(),
        relationships: vec![RelationshipWrite {
            key: "projects".to_owned(),
            op: RelationshipOp::Remove(vec![project_b.id]),
        }],
    };
    store
        .update_record(workspace, "t", "person", person.id, changes)
        .await
        .unwrap();
    store.apply_schema(workspace, narrowed).await.unwrap();

    // Dropping the relationship drops its links: bringing it back starts empty.
    let mut without = sample_schema();
    without.relationships.retain(|def| def.id != "rd_conf_projects");
    store.apply_schema(workspace, without).await.unwrap();
    let read = store
        .get_record(workspace, "person", person.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!read.relationships.contains_key("projects"));
    store.apply_schema(workspace, sample_schema()).await.unwrap();
    let read = store
        .get_record(workspace, "person", person.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.related("projects"), Vec::<RecordId>::new());
    assert_eq!(
        store.schema(workspace).await.unwrap().version,
        4,
        "a refused change takes no version"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_options_are_cleared_from_records() {
    use crmd_core::Value;
    let (store, _folder) = temporary_store();
    let workspace = sample_workspace(&store, "options").await;
    let schema = store.schema(workspace).await.unwrap();
    let company = schema.object_type("company").unwrap();
    let tier_options: Vec<String> = company
        .field("tier")
        .unwrap()
        .config
        .options
        .iter()
        .map(|option| option.id.clone())
        .collect();
    let tag_options: Vec<String> = company
        .field("tags")
        .unwrap()
        .config
        .options
        .iter()
        .map(|option| option.id.clone())
        .collect();
    assert!(tier_options.len() >= 2 && tag_options.len() >= 2);
    let both = store
        .create_record(
            workspace,
            "t",
            new_record(
                "company",
                &[
                    ("tier", Value::Choice(tier_options[0].clone())),
                    (
                        "tags",
                        Value::Choices(vec![tag_options[0].clone(), tag_options[1].clone()]),
                    ),
                ],
            ),
        )
        .await
        .unwrap();
    let only_removed = store
        .create_record(
            workspace,
            "t",
            new_record(
                "company",
                &[
                    ("tier", Value::Choice(tier_options[1].clone())),
                    ("tags", Value::Choices(vec![tag_options[0].clone()])),
                ],
            ),
        )
        .await
        .unwrap();
    let mut next = (*schema).clone();
    let company = company_mut(&mut next);
    for key in ["tier", "tags"] {
        let field = company.fields.iter_mut().find(|field| field.key == key).unwrap();
        field.config.options.remove(0);
    }
    store.apply_schema(workspace, next).await.unwrap();
    let both = store
        .get_record(workspace, "company", both.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        both.value("tier"),
        None,
        "a removed single-select option is cleared"
    );
    assert_eq!(
        both.value("tags"),
        Some(&Value::Choices(vec![tag_options[1].clone()])),
        "only the removed option goes"
    );
    let only_removed = store
        .get_record(workspace, "company", only_removed.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        only_removed.value("tier"),
        Some(&Value::Choice(tier_options[1].clone()))
    );
    assert_eq!(only_removed.value("tags"), None, "a list left empty is cleared");
}
