//! Hostile networks: a forged Host header must not reach a cached page, forwarded addresses
//! count only from a trusted proxy, and logins are throttled per client address.

use crate::applications::application_form;
use crate::{hidden, spawn_app_with};
use gongkai_web::WebConfig;
use gongkai_web::limit::Cidr;
use reqwest::StatusCode;

#[tokio::test]
async fn a_forged_host_never_reaches_the_sitemap_or_a_page() {
    let app = spawn_app_with(WebConfig {
        page_cache_seconds: 60,
        allowed_hosts: vec!["www.panyu.gov.cn".into()],
        ..Default::default()
    })
    .await;
    let c = app.client();
    for path in ["/sitemap.xml", "/"] {
        let forged = c
            .get(app.url(path))
            .header("host", "evil.example")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !forged.contains("evil.example"),
            "{path} took a forged host"
        );
        // The next visitor (the page now cached) sees no trace of it either.
        let next = c
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !next.contains("evil.example"),
            "{path} cached a forged host"
        );
    }
    // A host the operator allowed is used.
    let allowed = c
        .get(app.url("/sitemap.xml"))
        .header("host", "www.panyu.gov.cn")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(allowed.contains("http://"), "{allowed}");
}

/// Submit an application from `forwarded_for` (as a proxy would say) and return the status.
async fn apply_as(app: &crate::App, forwarded_for: &str) -> StatusCode {
    let c = app.client();
    let page = c
        .get(app.url("/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = hidden(&page, "token");
    c.post(app.url("/apply"))
        .header("x-forwarded-for", forwarded_for)
        .form(&application_form(&token))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget() {
    let app = spawn_app_with(WebConfig {
        applications_per_hour: 1,
        trusted_proxies: vec![Cidr::parse("127.0.0.1/32").unwrap()],
        ..Default::default()
    })
    .await;
    assert_eq!(apply_as(&app, "203.0.113.1").await, StatusCode::OK);
    assert_eq!(
        apply_as(&app, "203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another visitor behind the same proxy is not refused for the first one's use.
    assert_eq!(apply_as(&app, "203.0.113.2").await, StatusCode::OK);
}

#[tokio::test]
async fn forwarded_addresses_from_an_untrusted_peer_are_ignored() {
    let app = spawn_app_with(WebConfig {
        applications_per_hour: 1,
        ..Default::default()
    })
    .await;
    assert_eq!(apply_as(&app, "203.0.113.1").await, StatusCode::OK);
    // Changing the header does not buy a new budget: the peer is who counts.
    assert_eq!(
        apply_as(&app, "203.0.113.2").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn logins_are_throttled_per_address_and_answered_with_a_page() {
    let app = spawn_app_with(WebConfig {
        logins_per_quarter_hour: 3,
        ..Default::default()
    })
    .await;
    let c = app.client();
    let page = c
        .get(app.url("/console/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&page, "csrf");
    let mut last = StatusCode::OK;
    for user in ["a", "b", "c", "d"] {
        let r = c
            .post(app.url("/console/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", user),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
        last = r.status();
        if last == StatusCode::TOO_MANY_REQUESTS {
            let body = r.text().await.unwrap();
            assert!(body.contains("过于频繁") && body.contains("登录"), "{body}");
        }
    }
    assert_eq!(
        last,
        StatusCode::TOO_MANY_REQUESTS,
        "the fourth try from one address"
    );
}
