//! Lightfield's resources over crmd's standard model, and the rules Lightfield's API adds
//! to some of them: what a note, task, meeting or list takes on create and update, and
//! the links the server makes on the caller's behalf.
//!
//! Accounts, contacts, opportunities and custom objects take any writable field and
//! relationship of their type; the other resources are narrower, as Lightfield's SDK
//! documents them.

use crate::error::ApiError;
use crmd_core::{ErrorCode, ObjectType, Record, RecordId, Timestamp, Value};
use crmd_http::AppState;
use crmd_query::{Filter, Op, Query, Target};
use crmd_service::{Actor, FieldInput, RecordInput, RelationshipOp, TypeRef};

/// What a Lightfield endpoint family serves, by crmd object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resource {
    /// Accounts, contacts, opportunities and custom objects.
    Record,
    Note,
    Task,
    Meeting,
    List,
    Member,
}

/// Meeting fields an update may write; every other meeting field is set on create only.
const MEETING_UPDATABLE: [&str; 4] = [
    "$privacySetting",
    "$attendeeEmails",
    "$meetingPrep",
    "$postMeetingSummary",
];
/// List fields an update may write: `$objectType` is fixed at create.
const LIST_UPDATABLE: [&str; 3] = ["$name", "$description", "$kind"];
/// At most this many attendee emails on a meeting.
const MAX_ATTENDEE_EMAILS: usize = 500;

impl Resource {
    pub(crate) fn of(object_type: &ObjectType) -> Resource {
        if !object_type.is_standard {
            return Resource::Record;
        }
        match object_type.slug.as_str() {
            "note" => Resource::Note,
            "task" => Resource::Task,
            "meeting" => Resource::Meeting,
            "list" => Resource::List,
            "member" => Resource::Member,
            _ => Resource::Record,
        }
    }

    /// Body keys of a create besides `fields` and `relationships`: flags crmd accepts and
    /// has no use for (it enriches nothing and syncs no calendars).
    pub(crate) fn create_flags(self) -> &'static [&'static str] {
        match self {
            Resource::Record => &["skipEnrichment"],
            Resource::Meeting => &["autoCreateRecords"],
            Resource::Note | Resource::Task | Resource::List | Resource::Member => &[],
        }
    }
}

fn read_only(param: String, message: String) -> ApiError {
    ApiError::new(ErrorCode::ReadOnly, message).param(param)
}

/// The value a request gives a field, normalized; `None` when it is absent, cleared or
/// invalid (the service reports invalid values with its own error).
fn requested_value(object_type: &ObjectType, input: &RecordInput, key: &str) -> Option<Value> {
    let field = object_type.field(key)?;
    input
        .fields
        .iter()
        .rev()
        .find(|(name, _)| name == key)
        .and_then(|(_, value)| match value {
            FieldInput::Json(json) => crmd_core::value::normalize(field, json).ok().flatten(),
            FieldInput::Text(text) => crmd_core::value::parse_text(field, text).ok().flatten(),
        })
}

fn names_field(input: &RecordInput, key: &str) -> bool {
    input.fields.iter().any(|(name, _)| name == key)
}

/// Checks a create against the resource's rules and adds the links the server makes:
/// the author of a note, the creator of a task.
pub(crate) async fn prepare_create(
    state: &AppState,
    actor: &Actor,
    object_type: &TypeRef,
    input: &mut RecordInput,
) -> Result<(), ApiError> {
    match Resource::of(object_type) {
        Resource::Record | Resource::Member => Ok(()),
        Resource::Note => {
            if let Some(owner) = owner_member(state, actor).await? {
                input.server_links.push(("$author".to_owned(), owner));
            }
            Ok(())
        }
        Resource::Task => {
            if !input.relationships.iter().any(|link| link.key == "$createdBy") {
                // A crmd key acts for its workspace, whose owner made it.
                let creator = match owner_member(state, actor).await? {
                    Some(owner) => Some(owner),
                    None => input
                        .relationships
                        .iter()
                        .find(|link| link.key == "$assignedTo")
                        .and_then(|link| match &link.op {
                            RelationshipOp::Replace(ids) => ids.first().copied(),
                            RelationshipOp::Add(_) | RelationshipOp::Remove(_) => None,
                        }),
                };
                if let Some(creator) = creator {
                    input.server_links.push(("$createdBy".to_owned(), creator));
                }
            }
            Ok(())
        }
        Resource::Meeting => {
            check_meeting_links(input)?;
            check_attendee_count(input)?;
            let now = Timestamp::now();
            let start = requested_value(object_type, input, "$startDate");
            let end = requested_value(object_type, input, "$endDate");
            for (key, value) in [("$startDate", &start), ("$endDate", &end)] {
                if let Some(Value::Datetime(at)) = value
                    && *at > now
                {
                    return Err(ApiError::new(
                        ErrorCode::InvalidValue,
                        format!("{key} must be in the past: the API records meetings that took place"),
                    )
                    .param(format!("fields.{key}")));
                }
            }
            if let (Some(Value::Datetime(start)), Some(Value::Datetime(end))) = (&start, &end)
                && end < start
            {
                return Err(
                    ApiError::new(ErrorCode::InvalidValue, "$endDate must not be before $startDate")
                        .param("fields.$endDate"),
                );
            }
            Ok(())
        }
        Resource::List => {
            let kind = list_kind(requested_value(object_type, input, "$objectType").as_ref());
            check_list_links(kind, input)?;
            check_target_list(state, actor, object_type, input, kind, None).await
        }
    }
}

/// Checks an update against the resource's rules. `current` is read only for the
/// resources whose rules depend on the record.
pub(crate) async fn prepare_update(
    state: &AppState,
    actor: &Actor,
    object_type: &TypeRef,
    id: RecordId,
    input: &RecordInput,
) -> Result<(), ApiError> {
    match Resource::of(object_type) {
        Resource::Record | Resource::Task | Resource::Member => Ok(()),
        Resource::Note => {
            for link in &input.relationships {
                if matches!(link.op, RelationshipOp::Replace(_)) {
                    return Err(ApiError::new(
                        ErrorCode::InvalidRelationshipOperation,
                        format!(
                            "a note's {} links change with add and remove; replace is not allowed",
                            link.key
                        ),
                    )
                    .param(format!("relationships.{}", link.key)));
                }
            }
            Ok(())
        }
        Resource::Meeting => {
            for (key, _) in &input.fields {
                if object_type.field(key).is_some() && !MEETING_UPDATABLE.contains(&key.as_str()) {
                    return Err(read_only(
                        format!("fields.{key}"),
                        format!(
                            "a meeting's {key} is set when it is created; an update may change only {}",
                            MEETING_UPDATABLE.join(", ")
                        ),
                    ));
                }
            }
            check_meeting_links(input)?;
            check_attendee_count(input)
        }
        Resource::List => {
            for (key, _) in &input.fields {
                if object_type.field(key).is_some() && !LIST_UPDATABLE.contains(&key.as_str()) {
                    return Err(read_only(
                        format!("fields.{key}"),
                        format!(
                            "a list's {key} is set when it is created; an update may change only {}",
                            LIST_UPDATABLE.join(", ")
                        ),
                    ));
                }
            }
            for link in &input.relationships {
                if matches!(link.op, RelationshipOp::Replace(_)) {
                    return Err(ApiError::new(
                        ErrorCode::InvalidRelationshipOperation,
                        format!(
                            "a list's members change with add and remove; replace is not allowed on {}",
                            link.key
                        ),
                    )
                    .param(format!("relationships.{}", link.key)));
                }
            }
            if input.relationships.is_empty() && !names_field(input, "$kind") {
                return Ok(());
            }
            let current = state
                .crm
                .get_record(actor, object_type, id)
                .await
                .map_err(|error| ApiError::from_service(error, "lists"))?;
            let kind = list_kind(current.value("$objectType"));
            check_list_links(kind, input)?;
            check_target_list(state, actor, object_type, input, kind, Some(id)).await
        }
    }
}

async fn owner_member(state: &AppState, actor: &Actor) -> Result<Option<RecordId>, ApiError> {
    state
        .crm
        .owner_member(actor.workspace)
        .await
        .map_err(|error| ApiError::from_service(error, "members"))
}

/// Only `$transcript` is writable on a meeting, and crmd stores no files to link;
/// `convert` answers for `$transcript` itself, so any key here is system-managed.
fn check_meeting_links(input: &RecordInput) -> Result<(), ApiError> {
    match input.relationships.first() {
        Some(link) => Err(read_only(
            format!("relationships.{}", link.key),
            format!(
                "a meeting's {} links are managed by the system; only $transcript is writable",
                link.key
            ),
        )),
        None => Ok(()),
    }
}

fn check_attendee_count(input: &RecordInput) -> Result<(), ApiError> {
    let count = input
        .fields
        .iter()
        .filter(|(key, _)| key == "$attendeeEmails")
        .filter_map(|(_, value)| match value {
            FieldInput::Json(serde_json::Value::Array(items)) => Some(items.len()),
            FieldInput::Json(_) | FieldInput::Text(_) => None,
        })
        .max()
        .unwrap_or(0);
    if count > MAX_ATTENDEE_EMAILS {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!("a meeting takes at most {MAX_ATTENDEE_EMAILS} attendee emails; got {count}"),
        )
        .param("fields.$attendeeEmails"));
    }
    Ok(())
}

/// What a list holds: its `$objectType` option, as (option id, relationship key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListKind {
    pub(crate) object_type: &'static str,
    pub(crate) relationship: &'static str,
}

/// The kinds of list, by `$objectType` option id.
const LIST_KINDS: [(&str, ListKind); 3] = [
    (
        "$account",
        ListKind {
            object_type: "account",
            relationship: "$accounts",
        },
    ),
    (
        "$contact",
        ListKind {
            object_type: "contact",
            relationship: "$contacts",
        },
    ),
    (
        "$opportunity",
        ListKind {
            object_type: "opportunity",
            relationship: "$opportunities",
        },
    ),
];

pub(crate) fn list_kind(object_type: Option<&Value>) -> Option<ListKind> {
    let Some(Value::Choice(option)) = object_type else {
        return None;
    };
    LIST_KINDS
        .iter()
        .find(|(id, _)| id == option)
        .map(|(_, kind)| *kind)
}

/// A list's links go to records of its `$objectType` only.
fn check_list_links(kind: Option<ListKind>, input: &RecordInput) -> Result<(), ApiError> {
    let Some(kind) = kind else {
        return Ok(());
    };
    match input
        .relationships
        .iter()
        .find(|link| link.key != kind.relationship)
    {
        Some(link) => Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!(
                "this list holds {} records, so its members go in {}, not {}",
                kind.object_type, kind.relationship, link.key
            ),
        )
        .param(format!("relationships.{}", link.key))),
        None => Ok(()),
    }
}

/// `$kind: "target"` marks the one account-prioritisation list of a workspace, and only
/// an account or contact list can be it.
async fn check_target_list(
    state: &AppState,
    actor: &Actor,
    object_type: &TypeRef,
    input: &RecordInput,
    kind: Option<ListKind>,
    this_list: Option<RecordId>,
) -> Result<(), ApiError> {
    let Some(Value::Choice(list_kind)) = requested_value(object_type, input, "$kind") else {
        return Ok(());
    };
    if kind.is_some_and(|kind| kind.object_type == "opportunity") {
        return Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!("$kind {list_kind:?} is only for account and contact lists"),
        )
        .param("fields.$kind"));
    }
    let query = Query {
        filter: Some(Filter::Cond {
            target: Target::Field("$kind".to_owned()),
            op: Op::Eq(Value::Choice(list_kind.clone())),
        }),
        ..Query::newest_first(2)
    };
    let page = state
        .crm
        .list_records(actor, object_type, query)
        .await
        .map_err(|error| ApiError::from_service(error, "lists"))?;
    match page.records.iter().find(|list| Some(list.id) != this_list) {
        Some(other) => Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "list {} already has $kind {list_kind:?}; a workspace has one such list",
                other.id
            ),
        )
        .param("fields.$kind")),
        None => Ok(()),
    }
}

/// The list a membership page reads, with what it holds.
pub(crate) fn list_holds(list: &Record) -> Option<ListKind> {
    list_kind(list.value("$objectType"))
}
