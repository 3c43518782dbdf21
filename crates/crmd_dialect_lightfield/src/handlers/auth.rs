//! `GET /v1/auth/validate`: describes the calling key.

use super::Caller;
use crate::wire;
use axum::Json;

/// Needs no scope. An empty `scopes` list means the key has every permission, as in
/// Lightfield.
pub(crate) async fn validate(caller: Caller) -> Json<wire::AuthValidate> {
    Json(wire::AuthValidate {
        active: true,
        token_type: "api_key",
        subject_type: "workspace",
        scopes: caller.actor.scopes,
    })
}
