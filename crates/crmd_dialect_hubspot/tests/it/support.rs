//! A HubSpot client for the in-process app, a custom schema, and how responses are shown
//! in snapshots.

use crmd_service::{DEFAULT_WORKSPACE, schema_file};
use crmd_testkit::{TestApp, TestResponse};
use http::Method;
use serde_json::{Value, json};

/// Custom object types: `vehicles` with a field of several types and a unique `vin`.
pub(crate) const SCHEMA: &str = r#"
[[object]]
slug = "vehicles"
label = "Vehicle"
plural_label = "Vehicles"
display_field = "name"

  [[object.field]]
  key = "name"
  type = "TEXT"
  required = true

  [[object.field]]
  key = "vin"
  type = "TEXT"
  unique = true

  [[object.field]]
  key = "mileage"
  type = "NUMBER"

  [[object.field]]
  key = "electric"
  type = "CHECKBOX"

  [[object.field]]
  key = "registered_on"
  type = "DATE"

  [[object.field]]
  key = "features"
  type = "MULTI_SELECT"
  options = [{ id = "sunroof", label = "Sunroof" }, { id = "tow", label = "Tow hitch" }]
"#;

/// The app with a full-access key, speaking HubSpot.
pub(crate) struct Hs {
    pub(crate) app: TestApp,
}

impl Hs {
    /// A fresh app with the standard model and [`SCHEMA`].
    pub(crate) async fn new() -> Hs {
        Hs::with_profile(crmd_http::LimitsProfile::Relaxed).await
    }

    /// [`Hs::new`] with this limits profile.
    pub(crate) async fn with_profile(profile: crmd_http::LimitsProfile) -> Hs {
        let app = TestApp::with_limits(profile, crmd_http::RELAXED_REQUESTS_PER_SECOND)
            .await
            .expect("a test app");
        let workspace = app
            .crm
            .workspace(DEFAULT_WORKSPACE)
            .await
            .expect("the default workspace");
        let file = schema_file::parse(SCHEMA).expect("a valid schema file");
        let plan = app
            .crm
            .plan_schema(workspace.id, &file)
            .await
            .expect("a schema plan");
        app.crm
            .apply_schema(plan, false)
            .await
            .expect("the schema applies");
        Hs { app }
    }

    pub(crate) async fn get(&self, path: &str) -> TestResponse {
        self.app.send(Method::GET, path, None, &[]).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.app.send(Method::POST, path, Some(body), &[]).await
    }

    pub(crate) async fn patch(&self, path: &str, body: Value) -> TestResponse {
        self.app.send(Method::PATCH, path, Some(body), &[]).await
    }

    pub(crate) async fn delete(&self, path: &str) -> TestResponse {
        self.app
            .send(
                Method::DELETE,
                path,
                None,
                &[("content-type", "application/json")],
            )
            .await
    }

    pub(crate) async fn put(&self, path: &str, body: Option<Value>) -> TestResponse {
        self.app.send(Method::PUT, path, body, &[]).await
    }

    /// Sends a request with another key than the default one.
    pub(crate) async fn send_as(
        &self,
        key: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let mut request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {key}"));
        let body = match body {
            Some(json) => {
                request = request.header("content-type", "application/json");
                axum::body::Body::from(json.to_string())
            }
            None => axum::body::Body::empty(),
        };
        self.app
            .call(request.body(body).expect("a valid test request"))
            .await
    }

    /// Creates a record and returns its id, failing the test when the create fails.
    pub(crate) async fn create(&self, object_type: &str, properties: Value) -> String {
        let response = self
            .post(
                &format!("/crm/v3/objects/{object_type}"),
                json!({ "properties": properties }),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text);
        response.body["id"].as_str().expect("an id").to_owned()
    }
}

/// A response as snapshots show it: status and the body with moments and correlation
/// ids redacted. Record ids are sequential per workspace, so they stay.
pub(crate) fn show(response: &TestResponse) -> Value {
    if response.status != 204 {
        assert_eq!(
            response
                .headers
                .get("content-type")
                .and_then(|value| value.to_str().ok()),
            Some("application/json"),
            "every answer but a 204 is JSON: {}",
            response.text
        );
    }
    json!({"status": response.status.as_u16(), "body": redact(response.body.clone())})
}

fn redact(value: Value) -> Value {
    const MOMENTS: [&str; 11] = [
        "createdAt",
        "updatedAt",
        "archivedAt",
        "startedAt",
        "completedAt",
        "timestamp",
        "createdate",
        "hs_createdate",
        "lastmodifieddate",
        "hs_lastmodifieddate",
        "correlationId",
    ];
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, item)| {
                    let item = if MOMENTS.contains(&key.as_str()) && item.is_string() {
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

/// Error bodies only: `status category: message`, one line.
pub(crate) fn error_line(response: &TestResponse) -> String {
    let text = |key: &str| response.body[key].as_str().unwrap_or("-").to_owned();
    format!(
        "{} {}: {}",
        response.status.as_u16(),
        text("category"),
        text("message")
    )
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
