//! Lightfield's `Idempotency-Key` header on POST writes.
//!
//! A key is scoped to the workspace, the operation and the object type
//! (`lightfield:create:account`), so the same key on a create and an update, or on two
//! types, names two writes. A repeat replays the first response byte for byte for 24 hours,
//! whatever its body; while the first runs, a repeat answers 409 `idempotency_conflict`,
//! which the SDK retries. Failures store nothing, so a retry after one runs again.

use crate::error::ApiError;
use axum::body::Body;
use axum::response::Response;
use crmd_http::AppState;
use crmd_service::{Actor, IdempotencyClaim, IdempotencyEntry, StoredResponse};
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::request::Parts;
use std::future::Future;
use std::sync::Arc;

const HEADER: &str = "idempotency-key";
/// Lightfield's longest key.
const MAX_KEY_CHARS: usize = 255;
/// Marks a replayed response.
static REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The request's `Idempotency-Key`, when it has one. A key over 255 characters answers 400
/// `idempotency_key_too_long`; an empty or unreadable one answers 400.
pub(crate) struct IdempotencyKey(pub(crate) Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<IdempotencyKey, ApiError> {
        let Some(value) = parts.headers.get(HEADER) else {
            return Ok(IdempotencyKey(None));
        };
        let invalid = |message: &str| ApiError::bad_request(message).param("Idempotency-Key");
        let key = value
            .to_str()
            .map_err(|_| invalid("the Idempotency-Key header must be visible ASCII text"))?;
        if key.is_empty() {
            return Err(invalid("the Idempotency-Key header is empty"));
        }
        if key.chars().count() > MAX_KEY_CHARS {
            return Err(ApiError::bad_request(format!(
                "the Idempotency-Key header has {} characters; at most {MAX_KEY_CHARS} are allowed",
                key.chars().count()
            ))
            .code("idempotency_key_too_long")
            .param("Idempotency-Key"));
        }
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

/// Makes the response of a write from its result; called once inside the write's
/// transaction, to store it, and once for the client, so both are the same bytes.
pub(crate) type Render<T> = Arc<dyn Fn(&T) -> StoredResponse + Send + Sync>;

/// Renders a wire value as a 200 JSON response.
pub(crate) fn json_200<W: serde::Serialize>(wire: &W) -> StoredResponse {
    let body = serde_json::to_vec(wire).unwrap_or_else(|error| {
        tracing::error!(%error, "a response failed to serialize");
        b"{}".to_vec()
    });
    StoredResponse { status: 200, body }
}

/// Runs one write under the request's idempotency key. `operation` names the operation and
/// the object type (`create:account`); `write` gets the entry to store with the write (none
/// without a key) and returns the write's result.
pub(crate) async fn run<T, F, Fut>(
    state: &AppState,
    actor: &Actor,
    key: IdempotencyKey,
    operation: &str,
    render: Render<T>,
    write: F,
) -> Result<Response, ApiError>
where
    T: 'static,
    F: FnOnce(Option<IdempotencyEntry<T>>) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let Some(key) = key.0 else {
        let output = write(None).await?;
        return Ok(response(render(&output), false));
    };
    let operation = format!("lightfield:{operation}");
    let claim = state
        .crm
        .claim_idempotency_key(actor, &operation, &key)
        .await
        .map_err(|error| ApiError::from_service(error, ""))?;
    match claim {
        IdempotencyClaim::Replay(stored) => Ok(response(stored, true)),
        IdempotencyClaim::Run(guard) => {
            let stored_render = render.clone();
            let entry = guard.entry(move |output: &T| stored_render(output));
            let output = write(Some(entry)).await?;
            drop(guard);
            Ok(response(render(&output), false))
        }
    }
}

fn response(stored: StoredResponse, is_replay: bool) -> Response {
    let mut response = Response::new(Body::from(stored.body));
    *response.status_mut() = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if is_replay {
        headers.insert(REPLAYED.clone(), HeaderValue::from_static("true"));
    }
    response
}
