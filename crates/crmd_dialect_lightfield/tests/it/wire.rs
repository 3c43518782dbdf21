//! Wire rules: what answers paths crmd does not serve, methods an endpoint does not take,
//! and bodiless calls the SDK makes.

use crate::support::{Lf, VERSION, error_line, golden, show};
use expect_test::expect;
use http::Method;

#[tokio::test]
async fn unserved_paths_answer_in_lightfield_shape() {
    let lf = Lf::new().await;
    let answers = [
        lf.get("/v1/channels").await,
        lf.post("/v1/emails/send", serde_json::json!({})).await,
        lf.get("/v1/files").await,
        lf.get("/v1/sequences").await,
        lf.get("/v1/nothing").await,
        lf.get("/v1/accounts/1/fields").await,
        lf.get("/v1").await,
    ];
    let lines: Vec<String> = answers.iter().map(error_line).collect();
    expect![[r#"
        [
            "501 not_implemented - -: GET /v1/channels is not supported by this crmd version",
            "501 not_implemented - -: POST /v1/emails/send is not supported by this crmd version",
            "501 not_implemented - -: GET /v1/files is not supported by this crmd version",
            "501 not_implemented - -: GET /v1/sequences is not supported by this crmd version",
            "404 not_found - -: No endpoint GET /v1/nothing.",
            "404 not_found - -: No endpoint GET /v1/accounts/1/fields.",
            "404 not_found - -: No endpoint GET /v1.",
        ]
    "#]]
    .assert_debug_eq(&lines);
    golden!("not_implemented", show(&answers[0]));
}

#[tokio::test]
async fn other_methods_are_405_with_allow() {
    let lf = Lf::new().await;
    let answer = lf
        .app
        .send(Method::PATCH, "/v1/accounts/2", None, &[VERSION])
        .await;
    assert_eq!(answer.headers.get("allow").unwrap(), "GET, POST, DELETE");
    golden!("method_not_allowed", show(&answer));
    let put = lf.app.send(Method::PUT, "/v1/objects", None, &[VERSION]).await;
    expect![[r#"405 method_not_allowed - -: PUT is not allowed on /v1/objects; this endpoint takes GET"#]]
        .assert_eq(&error_line(&put));
}

#[tokio::test]
async fn bodiless_delete_and_restore_are_fine() {
    let lf = Lf::new().await;
    let id = lf.account("Acme").await;
    let authorization = format!("Bearer {}", lf.app.key);
    let headers = [
        ("authorization", authorization.as_str()),
        VERSION,
        ("content-type", "application/json"),
    ];
    let deleted = lf
        .raw(Method::DELETE, &format!("/v1/accounts/{id}"), &headers, "")
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    let restored = lf
        .raw(
            Method::POST,
            &format!("/v1/accounts/{id}/restore"),
            &[headers[0], headers[1], headers[2], ("content-length", "0")],
            "",
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text);
}
