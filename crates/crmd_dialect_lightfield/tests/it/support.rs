//! A Lightfield client for the in-process app, a custom schema with every field type, and
//! how responses are shown in snapshots.

use axum::body::Body;
use crmd_service::{DEFAULT_WORKSPACE, schema_file};
use crmd_testkit::{TestApp, TestResponse};
use http::{Method, Request};
use serde_json::{Value, json};

pub(crate) const VERSION: (&str, &str) = ("lightfield-version", "2026-03-01");

/// A custom object type with a field of every crmd type (DATE and HTML included), a
/// relationship to accounts, and `widgets` for paging.
pub(crate) const SCHEMA: &str = r#"
[[object]]
slug = "vehicles"
label = "Vehicle"
plural_label = "Vehicles"
display_field = "name"

  [[object.field]]
  key = "name"
  label = "Name"
  type = "TEXT"
  required = true

  [[object.field]]
  key = "vin"
  label = "VIN"
  type = "TEXT"
  unique = true

  [[object.field]]
  key = "notes"
  type = "MARKDOWN"

  [[object.field]]
  key = "mileage"
  type = "NUMBER"

  [[object.field]]
  key = "price"
  type = "CURRENCY"
  currency = "EUR"

  [[object.field]]
  key = "electric"
  type = "CHECKBOX"

  [[object.field]]
  key = "soldAt"
  label = "Sold at"
  type = "DATETIME"

  [[object.field]]
  key = "registeredOn"
  label = "Registered on"
  description = "The day of first registration."
  type = "DATE"

  [[object.field]]
  key = "emails"
  type = "EMAIL"
  multiple = true

  [[object.field]]
  key = "homepage"
  type = "URL"

  [[object.field]]
  key = "phones"
  type = "TELEPHONE"
  multiple = true

  [[object.field]]
  key = "profile"
  type = "SOCIAL_HANDLE"
  handle_service = "LINKEDIN"

  [[object.field]]
  key = "brand"
  type = "SINGLE_SELECT"
  options = [{ id = "opt_audi", label = "Audi" }, { id = "opt_bmw", label = "BMW" }, { id = "opt_fiat", label = "Fiat", description = "Fabbrica Italiana" }]

  [[object.field]]
  key = "features"
  type = "MULTI_SELECT"
  options = [{ id = "opt_sunroof", label = "Sunroof" }, { id = "opt_tow", label = "Tow hitch" }]

  [[object.field]]
  key = "garage"
  type = "ADDRESS"

  [[object.field]]
  key = "driver"
  type = "FULL_NAME"

  [[object.field]]
  key = "brochure"
  type = "HTML"

[[object]]
slug = "widgets"
label = "Widget"
display_field = "name"

  [[object.field]]
  key = "name"
  type = "TEXT"
  required = true

  [[object.field]]
  key = "rank"
  type = "NUMBER"

[[relationship]]
source = "vehicles"
key = "owner_account"
label = "Owner"
cardinality = "HAS_ONE"
target = "account"
inverse_key = "vehicles"
inverse_label = "Vehicles"
"#;

/// The app with a full-access key, speaking Lightfield.
pub(crate) struct Lf {
    pub(crate) app: TestApp,
}

impl Lf {
    /// A fresh app with the standard model only.
    pub(crate) async fn new() -> Lf {
        Lf {
            app: TestApp::new().await.expect("a test app"),
        }
    }

    /// A fresh app with [`SCHEMA`] applied to the default workspace.
    pub(crate) async fn with_custom_objects() -> Lf {
        Lf::with_schema(SCHEMA).await
    }

    /// A fresh app with this schema file applied to the default workspace.
    pub(crate) async fn with_schema(schema: &str) -> Lf {
        let lf = Lf::new().await;
        let workspace = lf
            .app
            .crm
            .workspace(DEFAULT_WORKSPACE)
            .await
            .expect("the default workspace");
        let file = schema_file::parse(schema).expect("a valid schema file");
        let plan = lf
            .app
            .crm
            .plan_schema(workspace.id, &file)
            .await
            .expect("a schema plan");
        lf.app
            .crm
            .apply_schema(plan, false)
            .await
            .expect("the schema applies");
        lf
    }

    pub(crate) async fn get(&self, path: &str) -> TestResponse {
        self.app.send(Method::GET, path, None, &[VERSION]).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.app.send(Method::POST, path, Some(body), &[VERSION]).await
    }

    /// A POST without a body, as the SDK sends restores.
    pub(crate) async fn post_empty(&self, path: &str) -> TestResponse {
        self.app
            .send(
                Method::POST,
                path,
                None,
                &[VERSION, ("content-type", "application/json")],
            )
            .await
    }

    pub(crate) async fn delete(&self, path: &str) -> TestResponse {
        self.app
            .send(
                Method::DELETE,
                path,
                None,
                &[VERSION, ("content-type", "application/json")],
            )
            .await
    }

    /// Creates a record and returns its id, failing the test when the create fails.
    pub(crate) async fn create(&self, path: &str, body: Value) -> String {
        let response = self.post(path, body).await;
        assert_eq!(response.status, 200, "{}", response.text);
        response.body["id"].as_str().expect("an id").to_owned()
    }

    /// Creates an account named `name`.
    pub(crate) async fn account(&self, name: &str) -> String {
        self.create("/v1/accounts", json!({"fields": {"$name": name}}))
            .await
    }

    /// Sends a request built from raw parts: no header is added.
    pub(crate) async fn raw(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.app
            .call(
                request
                    .body(Body::from(body.to_owned()))
                    .expect("a valid request"),
            )
            .await
    }

    /// Sends a request with another key.
    pub(crate) async fn as_key(
        &self,
        key: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let authorization = format!("Bearer {key}");
        let mut headers = vec![("authorization", authorization.as_str()), VERSION];
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let text = body.map(|body| body.to_string()).unwrap_or_default();
        self.raw(method, path, &headers, &text).await
    }
}

/// A response as snapshots show it: status, the `x-should-retry` header when set, and the
/// body with timestamps and randomly generated ids redacted. Record ids are sequential per
/// workspace, so they stay.
pub(crate) fn show(response: &TestResponse) -> Value {
    let mut shown = json!({"status": response.status.as_u16()});
    if let Some(retry) = response.headers.get("x-should-retry") {
        shown["x-should-retry"] = json!(retry.to_str().unwrap_or_default());
    }
    assert_eq!(
        response
            .headers
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some("application/json"),
        "every answer is JSON: {}",
        response.text
    );
    shown["body"] = redact(response.body.clone());
    shown
}

/// Replaces timestamps of the moment, and ids generated at random when a schema is applied
/// (`ad_`, `rd_`, `opt_` + 12 characters), with placeholders.
pub(crate) fn redact(value: Value) -> Value {
    const MOMENTS: [&str; 3] = ["createdAt", "updatedAt", "recordedAt"];
    match value {
        Value::String(text) if is_generated_id(&text) => json!("[generated id]"),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, item)| {
                    let item = if MOMENTS.contains(&key.as_str()) && item.is_string() {
                        json!("[moment]")
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

fn is_generated_id(text: &str) -> bool {
    ["opt_", "ad_", "rd_", "ot_"].iter().any(|prefix| {
        text.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() == 12
                && rest
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
        })
    })
}

/// Error bodies only: `status type code param message`, one line.
pub(crate) fn error_line(response: &TestResponse) -> String {
    let error = &response.body["error"];
    let text = |key: &str| error[key].as_str().unwrap_or("-").to_owned();
    format!(
        "{} {} {} {}: {}",
        response.status.as_u16(),
        text("type"),
        text("code"),
        text("param"),
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
