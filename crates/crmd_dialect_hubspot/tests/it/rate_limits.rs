//! Rate limits: HubSpot's headers on every response but searches, and in the `vendor`
//! profile HubSpot's limits, answered with 429, HubSpot's body and `Retry-After`.

use crate::support::{Hs, golden, show};
use crmd_http::LimitsProfile;
use crmd_testkit::{TestApp, TestResponse};
use http::Method;
use serde_json::json;

fn header(response: &TestResponse, name: &str) -> Option<String> {
    response
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn number(response: &TestResponse, name: &str) -> u64 {
    header(response, name)
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("a numeric {name} header: {:?}", response.headers))
}

fn has_rate_headers(response: &TestResponse) -> bool {
    response
        .headers
        .keys()
        .any(|name| name.as_str().starts_with("x-hubspot-ratelimit"))
}

/// Sends requests until one is refused: how many were allowed, and the refusal. Tokens come
/// back while the loop runs, so more than a bucket's worth may pass.
async fn until_refused<F, R>(send: F) -> (u32, TestResponse)
where
    F: Fn() -> R,
    R: std::future::Future<Output = TestResponse>,
{
    let mut allowed = 0;
    loop {
        let response = send().await;
        if response.status != 200 {
            return (allowed, response);
        }
        allowed += 1;
        assert!(allowed < 1000, "the bucket never emptied");
    }
}

async fn search(hs: &Hs) -> TestResponse {
    hs.post("/crm/v3/objects/contacts/search", json!({})).await
}

#[tokio::test]
async fn the_relaxed_profile_sends_the_headers_of_its_configured_rate() {
    let hs = Hs::new().await;
    let listed = hs.get("/crm/v3/objects/contacts").await;
    assert_eq!(listed.status, 200);
    assert_eq!(number(&listed, "x-hubspot-ratelimit-interval-milliseconds"), 1000);
    assert_eq!(
        number(&listed, "x-hubspot-ratelimit-max"),
        u64::from(crmd_http::RELAXED_REQUESTS_PER_SECOND)
    );
    let remaining = number(&listed, "x-hubspot-ratelimit-remaining");
    assert!(remaining < u64::from(crmd_http::RELAXED_REQUESTS_PER_SECOND));
    assert_eq!(
        header(&listed, "x-hubspot-ratelimit-daily"),
        None,
        "no daily quota in the relaxed profile"
    );
    assert!(!has_rate_headers(&search(&hs).await), "searches carry no headers");
    let anonymous = hs
        .app
        .call(
            http::Request::builder()
                .uri("/crm/v3/objects/contacts")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(anonymous.status, 401);
    assert!(has_rate_headers(&anonymous), "a 401 counts too");

    let slow = Hs {
        app: TestApp::with_limits(LimitsProfile::Relaxed, 3).await.unwrap(),
    };
    let (allowed, refused) = until_refused(|| slow.get("/crm/v3/objects/contacts")).await;
    assert!(allowed >= 3, "a full bucket takes a burst of 3, got {allowed}");
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert_eq!(refused.body["policyName"], "SECONDLY");
    assert_eq!(refused.body["message"], "You have reached your secondly limit.");
    assert_eq!(number(&refused, "x-hubspot-ratelimit-max"), 3);
    assert_eq!(number(&refused, "x-hubspot-ratelimit-remaining"), 0);
}

#[tokio::test]
async fn the_vendor_profile_allows_190_requests_per_10_seconds_then_answers_429() {
    let hs = Hs::with_profile(LimitsProfile::Vendor).await;
    let first = hs.get("/crm/v3/objects/contacts").await;
    assert_eq!(
        number(&first, "x-hubspot-ratelimit-interval-milliseconds"),
        10_000
    );
    assert_eq!(number(&first, "x-hubspot-ratelimit-max"), 190);
    assert_eq!(number(&first, "x-hubspot-ratelimit-remaining"), 189);
    assert_eq!(number(&first, "x-hubspot-ratelimit-daily"), 1_000_000);
    let daily = number(&first, "x-hubspot-ratelimit-daily-remaining");
    let second = hs.get("/crm/v3/objects/contacts").await;
    assert_eq!(number(&second, "x-hubspot-ratelimit-daily-remaining"), daily - 1);

    // Tokens come back at 19 a second while the loop runs, so the bucket empties after
    // 190 requests plus those that came back.
    let mut allowed = 2;
    let mut last = second;
    let refused = loop {
        let response = hs.get("/crm/v3/objects/contacts?limit=1").await;
        if response.status != 200 {
            break response;
        }
        assert!(allowed < 1000, "the bucket never emptied");
        allowed += 1;
        last = response;
    };
    assert!(
        allowed >= 190,
        "a full bucket takes a burst of 190, got {allowed}"
    );
    golden!("error_429_ten_secondly_rolling", show(&refused));
    assert_eq!(refused.body["correlationId"].as_str().map(str::len), Some(36));
    assert_eq!(
        header(&refused, "x-hubspot-correlation-id").as_deref(),
        refused.body["correlationId"].as_str()
    );
    assert!(number(&refused, "retry-after") >= 1);
    assert_eq!(number(&refused, "x-hubspot-ratelimit-remaining"), 0);
    assert_eq!(
        number(&refused, "x-hubspot-ratelimit-daily-remaining"),
        number(&last, "x-hubspot-ratelimit-daily-remaining"),
        "a refused request does not count towards the day"
    );
    assert_eq!(
        number(&last, "x-hubspot-ratelimit-daily-remaining"),
        daily - (allowed - 1),
        "every allowed request counts towards the day"
    );
    let listed_as_anyone_else = hs
        .send_as(
            &hs.app.key_for("other", &[]).await.unwrap(),
            Method::GET,
            "/crm/v3/objects/contacts",
            None,
        )
        .await;
    assert_eq!(
        listed_as_anyone_else.status, 200,
        "each workspace has its own buckets"
    );
    let searched = search(&hs).await;
    assert_eq!(searched.status, 200, "searches have their own bucket");
}

#[tokio::test]
async fn the_vendor_profile_allows_5_searches_per_second() {
    let hs = Hs::with_profile(LimitsProfile::Vendor).await;
    let first = search(&hs).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert!(!has_rate_headers(&first), "searches carry no headers");
    let (allowed, refused) = until_refused(|| search(&hs)).await;
    assert!(
        allowed >= 4,
        "a full bucket takes a burst of 5, got {}",
        allowed + 1
    );
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert_eq!(
        (
            refused.body["errorType"].as_str(),
            refused.body["policyName"].as_str(),
            refused.body["message"].as_str(),
            refused.body["category"].as_str(),
        ),
        (
            Some("RATE_LIMIT"),
            Some("SECONDLY"),
            Some("You have reached your secondly limit."),
            Some("RATE_LIMITS")
        )
    );
    assert_eq!(number(&refused, "retry-after"), 1);
    assert!(
        !has_rate_headers(&refused),
        "search answers carry no rate headers"
    );
    let listed = hs.get("/crm/v3/objects/contacts").await;
    assert_eq!(listed.status, 200, "other calls have their own bucket");
}
