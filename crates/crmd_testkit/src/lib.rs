//! Test helpers: [`TestApp`] runs crmd's whole router in process on a fresh temporary
//! store with a default workspace and a full-access key, and calls it without a socket.

use axum::Router;
use axum::body::Body;
use crmd_http::{AppState, LimitsProfile};
use crmd_service::{Crm, DEFAULT_WORKSPACE, ServiceLimits};
use crmd_store_sqlite::{SqliteOptions, SqliteStore};
use http::{HeaderMap, Method, Request, StatusCode};
use std::sync::Arc;
use tower::ServiceExt;

/// crmd in process, on its own temporary data folder.
pub struct TestApp {
    pub crm: Crm,
    pub router: Router,
    /// A key of the default workspace with every permission.
    pub key: String,
    _data: tempfile::TempDir,
}

/// A response with its body parsed as JSON (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: serde_json::Value,
    pub text: String,
}

impl TestApp {
    pub async fn new() -> anyhow::Result<TestApp> {
        TestApp::with_limits(LimitsProfile::Relaxed, crmd_http::RELAXED_REQUESTS_PER_SECOND).await
    }

    /// A test app with this limits profile, and this rate in the relaxed profile.
    pub async fn with_limits(
        profile: LimitsProfile,
        relaxed_requests_per_second: u32,
    ) -> anyhow::Result<TestApp> {
        let data = tempfile::tempdir()?;
        let store = SqliteStore::open(data.path(), SqliteOptions::default())?;
        let crm = Crm::new(Arc::new(store), ServiceLimits::default());
        let workspace = crm.create_workspace(DEFAULT_WORKSPACE).await?;
        let key = crm
            .create_key(workspace.id, Vec::new(), Some("test".into()))
            .await?
            .text;
        let state = AppState::with_rate(
            crm.clone(),
            profile,
            10 * 1024 * 1024,
            relaxed_requests_per_second,
        );
        Ok(TestApp {
            router: crmd_server::router(state),
            crm,
            key,
            _data: data,
        })
    }

    /// Creates another workspace and a key for it with these scopes (empty: every scope).
    pub async fn key_for(&self, workspace: &str, scopes: &[&str]) -> anyhow::Result<String> {
        let workspace = match self.crm.workspace(workspace).await {
            Ok(found) => found,
            Err(_) => self.crm.create_workspace(workspace).await?,
        };
        let scopes = scopes.iter().map(|scope| (*scope).to_owned()).collect();
        Ok(self.crm.create_key(workspace.id, scopes, None).await?.text)
    }

    /// Sends a request with the default key and the given extra headers.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        request = request.header("authorization", format!("Bearer {}", self.key));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some(json) => {
                request = request.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let request = request.body(body).expect("a valid test request");
        self.call(request).await
    }

    /// Sends a fully built request.
    pub async fn call(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a readable body");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        TestResponse {
            status,
            headers,
            body,
            text,
        }
    }
}

/// Replaces every `"id"`, `"createdAt"`, `"updatedAt"` and similar volatile value in a JSON
/// document with a placeholder, so that snapshots stay stable.
pub fn redact(value: &serde_json::Value) -> serde_json::Value {
    const VOLATILE: [&str; 6] = [
        "id",
        "createdAt",
        "updatedAt",
        "recordedAt",
        "trashedAt",
        "correlationId",
    ];
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(key, item)| {
                    let redacted = if VOLATILE.contains(&key.as_str()) && !item.is_null() {
                        serde_json::Value::String(format!("[{key}]"))
                    } else {
                        redact(item)
                    };
                    (key.clone(), redacted)
                })
                .collect(),
        ),
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(redact).collect()),
        other @ (serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Number(_)
        | serde_json::Value::String(_)) => other.clone(),
    }
}
