//! Request bodies read as JSON by hand, so that each dialect can answer every failure in
//! its own error shape.

use axum::body::Bytes;
use axum::extract::Request;

/// Why a request body could not be read as JSON.
#[derive(Debug)]
pub enum JsonBodyError {
    /// Over the server's `max_body_bytes`, declared or read.
    TooLarge { limit: usize },
    /// A body whose `Content-Type` is not JSON; `declared` is the header, if any.
    NotJson { declared: Option<String> },
    /// Declared as JSON but not JSON.
    Invalid(serde_json::Error),
}

impl JsonBodyError {
    /// A message that says what was wrong, for dialects without a wording of their own.
    pub fn message(&self) -> String {
        match self {
            JsonBodyError::TooLarge { limit } => {
                format!("the request body exceeds the limit of {limit} bytes")
            }
            JsonBodyError::NotJson { declared } => {
                let declared = declared
                    .as_deref()
                    .map_or_else(|| "none".to_owned(), |value| format!("{value:?}"));
                format!(
                    "the request body must be JSON with Content-Type: application/json; got Content-Type {declared}"
                )
            }
            JsonBodyError::Invalid(error) => format!("the request body is not valid JSON: {error}"),
        }
    }
}

/// Reads the body of `request` as JSON, up to `limit` bytes: `None` when it is empty or
/// only whitespace (clients send `Content-Type: application/json` on bodiless calls).
/// A non-empty body must be declared as `application/json` or another `+json` type.
pub async fn read_json_body(
    request: Request,
    limit: usize,
) -> Result<Option<serde_json::Value>, JsonBodyError> {
    let too_large = JsonBodyError::TooLarge { limit };
    let (parts, body) = request.into_parts();
    if parts.extensions.get::<crate::BodyTooLarge>().is_some() {
        return Err(too_large);
    }
    let declared_length = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > limit as u64) {
        return Err(too_large);
    }
    // Reading fails when the body outgrows the limit; any other failure means the client
    // went away and will not read the answer.
    let bytes: Bytes = axum::body::to_bytes(body, limit).await.map_err(|_| too_large)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    if !content_type.is_some_and(is_json_media_type) {
        return Err(JsonBodyError::NotJson {
            declared: content_type.map(str::to_owned),
        });
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(JsonBodyError::Invalid)
}

/// `application/json`, or any `+json` type, with or without parameters.
pub fn is_json_media_type(content_type: &str) -> bool {
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media_type == "application/json"
        || (media_type.starts_with("application/") && media_type.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(content_type: Option<&str>, body: &str) -> Request {
        let mut builder = http::Request::builder().method("POST").uri("/");
        if let Some(content_type) = content_type {
            builder = builder.header(http::header::CONTENT_TYPE, content_type);
        }
        builder.body(Body::from(body.to_owned())).unwrap()
    }

    #[tokio::test]
    async fn bodies_are_read_as_json_or_refused_with_the_reason() {
        let read = |content_type, body| read_json_body(request(content_type, body), 16);
        assert_eq!(read(Some("application/json"), " \n").await.unwrap(), None);
        assert_eq!(read(None, "").await.unwrap(), None);
        assert_eq!(
            read(Some("application/vnd.api+json; charset=utf-8"), r#"{"a":1}"#)
                .await
                .unwrap(),
            Some(serde_json::json!({"a": 1}))
        );
        assert!(matches!(
            read(Some("text/plain"), "{}").await,
            Err(JsonBodyError::NotJson { declared: Some(declared) }) if declared == "text/plain"
        ));
        assert!(matches!(
            read(None, "{}").await,
            Err(JsonBodyError::NotJson { declared: None })
        ));
        assert!(matches!(
            read(Some("application/json"), "{").await,
            Err(JsonBodyError::Invalid(_))
        ));
        assert!(matches!(
            read(Some("application/json"), r#"{"long": "more than sixteen bytes"}"#).await,
            Err(JsonBodyError::TooLarge { limit: 16 })
        ));
    }
}
