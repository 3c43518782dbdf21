//! A JSON:API client for the in-process app, and how responses are shown in snapshots.

use crmd_testkit::{TestApp, TestResponse};
use http::{Method, Request};
use serde_json::{Value, json};

pub(crate) const JSON_API: &str = "application/vnd.api+json";

/// The app with a full-access key, speaking Outreach's JSON:API.
pub(crate) struct Or {
    pub(crate) app: TestApp,
}

impl Or {
    pub(crate) async fn new() -> Or {
        Or {
            app: TestApp::new().await.expect("a test app"),
        }
    }

    /// Sends a request with the given key (none: unauthenticated) and Content-Type.
    pub(crate) async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        key: Option<&str>,
        content_type: Option<&str>,
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "crmd.test");
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let body = body.map_or_else(axum::body::Body::empty, |text| {
            axum::body::Body::from(text.to_owned())
        });
        self.app.call(request.body(body).expect("a request")).await
    }

    pub(crate) async fn get(&self, path: &str) -> TestResponse {
        self.raw(Method::GET, path, None, Some(&self.app.key), None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.raw(
            Method::POST,
            path,
            Some(&body.to_string()),
            Some(&self.app.key),
            Some(JSON_API),
        )
        .await
    }

    pub(crate) async fn patch(&self, path: &str, body: Value) -> TestResponse {
        self.raw(
            Method::PATCH,
            path,
            Some(&body.to_string()),
            Some(&self.app.key),
            Some(JSON_API),
        )
        .await
    }

    pub(crate) async fn delete(&self, path: &str) -> TestResponse {
        self.raw(Method::DELETE, path, None, Some(&self.app.key), None)
            .await
    }

    /// Creates a resource and returns its id, failing the test when the create fails.
    pub(crate) async fn create(&self, plural: &str, type_name: &str, attributes: Value) -> u64 {
        let response = self
            .post(
                &format!("/api/v2/{plural}"),
                json!({"data": {"type": type_name, "attributes": attributes}}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text);
        response.body["data"]["id"].as_u64().expect("an integer id")
    }
}

/// A response as snapshots show it: status and the body with moments redacted. Every
/// answer is JSON:API, 204s included.
pub(crate) fn show(response: &TestResponse) -> Value {
    assert_eq!(
        response
            .headers
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some(JSON_API),
        "every answer is application/vnd.api+json: {}",
        response.text
    );
    json!({"status": response.status.as_u16(), "body": redact(response.body.clone())})
}

fn redact(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, item)| {
                    let item = if (key == "createdAt" || key == "updatedAt") && item.is_string() {
                        json!(format!("[{key}]"))
                    } else {
                        redact(item)
                    };
                    (key, item)
                })
                .collect(),
        ),
        other @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)) => other,
    }
}

/// Error documents only: `status id: detail (source)`, one line.
pub(crate) fn error_line(response: &TestResponse) -> String {
    let error = &response.body["errors"][0];
    let text = |key: &str| error[key].as_str().unwrap_or("-").to_owned();
    let source = match error.get("source") {
        Some(source) => format!(" {source}"),
        None => String::new(),
    };
    format!(
        "{} {}: {}{source}",
        response.status.as_u16(),
        text("id"),
        text("detail")
    )
}

/// The ids of a collection's `data`, in order.
pub(crate) fn ids(response: &TestResponse) -> Vec<u64> {
    response.body["data"]
        .as_array()
        .map(|items| items.iter().filter_map(|item| item["id"].as_u64()).collect())
        .unwrap_or_default()
}

/// A JSON snapshot stored under `tests/golden/`.
macro_rules! golden {
    ($name:expr, $value:expr) => {{
        let value = $value;
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../golden");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(stringify!($value));
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_json_snapshot!($name, value));
    }};
}
pub(crate) use golden;
