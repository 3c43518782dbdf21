//! GDPR delete: `POST /crm/v3/objects/contacts/gdpr-delete`, a permanent delete of one
//! contact over crmd's purge.
//!
//! The contact is named by id, or by `idProperty` and its value (`email`). It may be
//! active or in the trash. The purge removes it with its links, its field history, its
//! full-text entry and the values its change-log entries carried, in one transaction; the
//! change log keeps one entry that names the contact's id and nothing else. HubSpot also
//! blocklists an email that names no contact; crmd keeps no blocklist and answers 404.

use super::{Caller, JsonBody, ObjectTypeTarget, find_record, object_not_found, parse_body};
use crate::error::ApiError;
use axum::extract::State;
use crmd_http::AppState;
use crmd_service::Action;
use http::StatusCode;
use std::sync::Arc;

/// `PublicGdprDeleteInput`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GdprDeleteBody {
    object_id: Option<serde_json::Value>,
    #[serde(default)]
    id_property: Option<String>,
}

/// `POST /crm/v3/objects/contacts/gdpr-delete`: deletes the contact for good; 204.
pub(crate) async fn gdpr_delete(
    State(state): State<Arc<AppState>>,
    Caller { actor }: Caller,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    let target = ObjectTypeTarget::named(&state, actor, "contacts").await?;
    target.authorize(&state, Action::Delete)?;
    let body: GdprDeleteBody = parse_body(body)?;
    let id = match &body.object_id {
        Some(serde_json::Value::String(text)) if !text.trim().is_empty() => text.trim().to_owned(),
        Some(serde_json::Value::Number(number)) => number.to_string(),
        Some(_) | None => {
            return Err(ApiError::validation(
                "Some required fields were not set: [objectId]; objectId must be a contact id, or a value of idProperty",
            )
            .context("propertyName", ["objectId".to_owned()]));
        }
    };
    let id_property = body
        .id_property
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty());
    let record = match find_record(&state, &target, &id, id_property, false).await? {
        Some(record) => record,
        None => find_record(&state, &target, &id, id_property, true)
            .await?
            .ok_or_else(|| object_not_found(&id))?,
    };
    state
        .crm
        .purge_record(&target.actor, target.object_type(), record.id)
        .await
        .map_err(|error| target.error(error))?;
    Ok(StatusCode::NO_CONTENT)
}
