//! `GET /v1/auth/validate`.

use crate::support::{Lf, golden, show};
use http::Method;

#[tokio::test]
async fn validate_describes_the_key() {
    let lf = Lf::new().await;
    golden!(
        "auth_validate_full_access",
        show(&lf.get("/v1/auth/validate").await)
    );
    let scoped = lf
        .app
        .key_for("default", &["accounts:read", "contacts:read"])
        .await
        .unwrap();
    let answer = lf.as_key(&scoped, Method::GET, "/v1/auth/validate", None).await;
    assert_eq!(
        answer.body["scopes"],
        serde_json::json!(["accounts:read", "contacts:read"])
    );
}
