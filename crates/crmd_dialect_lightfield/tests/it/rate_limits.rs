//! Rate-limit headers on every `/v1` response, and 429s over the limit.

use crate::support::{Lf, VERSION, error_line};
use crmd_http::LimitsProfile;
use crmd_testkit::{TestApp, TestResponse};
use http::Method;
use serde_json::json;

fn header(response: &TestResponse, name: &str) -> u64 {
    response.headers[name]
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("a number")
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

#[tokio::test]
async fn every_response_carries_the_headers() {
    let lf = Lf::new().await;
    let id = lf.account("Acme").await;
    let responses = [
        lf.get("/v1/accounts").await,
        lf.get(&format!("/v1/accounts/{id}")).await,
        lf.post("/v1/accounts", json!({"fields": {}})).await,
        lf.get("/v1/accounts/999999").await,
        lf.get("/v1/nothing/here").await,
        lf.raw(Method::GET, "/v1/accounts", &[VERSION], "").await,
        lf.raw(Method::GET, "/v1/accounts", &[], "").await,
    ];
    for response in responses {
        assert_eq!(
            header(&response, "x-ratelimit-limit"),
            1_000_000,
            "{}",
            response.text
        );
        assert!(header(&response, "x-ratelimit-remaining") < 1_000_000);
        let reset = header(&response, "x-ratelimit-reset");
        assert!((unix_now()..=unix_now() + 2).contains(&reset), "{reset}");
    }
}

#[tokio::test]
async fn the_vendor_profile_allows_25_per_second_per_category() {
    let app = TestApp::with_limits(LimitsProfile::Vendor, 1_000_000)
        .await
        .unwrap();
    let lf = Lf { app };
    let first = lf.get("/v1/accounts").await;
    assert_eq!(first.status, 200);
    assert_eq!(header(&first, "x-ratelimit-limit"), 25);
    assert_eq!(header(&first, "x-ratelimit-remaining"), 24);
    // Tokens come back every 40 ms, so a slow machine may need more than 25 requests.
    let mut allowed = 1;
    let limited = loop {
        let response = lf.get("/v1/accounts").await;
        if response.status != 200 {
            break response;
        }
        allowed += 1;
        assert!(allowed < 500, "never limited");
    };
    assert!(allowed >= 25, "a burst of 25 is allowed, got {allowed}");
    assert_eq!(
        error_line(&limited),
        "429 too_many_requests - -: rate limit exceeded: at most 25 search requests per second; retry after 1 s"
    );
    assert_eq!(limited.headers["retry-after"], "1");
    assert_eq!(header(&limited, "x-ratelimit-remaining"), 0);
    assert_eq!(
        limited.headers.get("x-should-retry"),
        None,
        "the SDK retries 429s"
    );

    let read = lf.get("/v1/accounts/definitions").await;
    assert_eq!(read.status, 200, "reads have their own bucket");
    assert_eq!(header(&read, "x-ratelimit-remaining"), 24);
    let write = lf
        .post("/v1/accounts", json!({"fields": {"$name": "Acme"}}))
        .await;
    assert_eq!(write.status, 200, "writes too");

    let other = lf.app.key_for("other", &[]).await.unwrap();
    let elsewhere = lf.as_key(&other, Method::GET, "/v1/accounts", None).await;
    assert_eq!(elsewhere.status, 200, "each workspace has its own buckets");
}
