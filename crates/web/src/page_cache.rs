//! A micro-cache of public pages: the portal's read-only pages are the same for everyone, so a
//! page rendered once is served again for a few seconds (as a reverse proxy would), and any
//! change made through this server (every request that is not a GET or HEAD) empties it at
//! once. Pages with forms that carry one-time tokens, the console, the API and anything that
//! sets a cookie are never kept.

use crate::AppState;
use crate::hant::MAX_BODY;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MAX_ENTRIES: usize = 2_000;

#[derive(Clone, Default)]
pub struct PageCache {
    pages: Arc<Mutex<HashMap<String, Page>>>,
    /// One render per page at a time: the others wait for it (no stampede when a popular
    /// page expires under load).
    rendering: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

struct Page {
    at: Instant,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// Paths whose pages are the same for everyone and carry no form token (in either script).
fn cacheable(path: &str) -> bool {
    let path = match path.strip_prefix("/hant") {
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    };
    path == "/"
        || path == "/reports"
        || path == "/search"
        || path == "/sitemap.xml"
        || [
            "/units/",
            "/columns/",
            "/publications/",
            "/catalogs/",
            "/reports/",
        ]
        .iter()
        .any(|p| path.starts_with(p))
}

impl PageCache {
    pub fn clear(&self) {
        self.pages.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn get(&self, key: &str, ttl: Duration) -> Option<Response> {
        let pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        let page = pages.get(key).filter(|p| p.at.elapsed() < ttl)?;
        let mut r = Response::new(Body::from(page.body.clone()));
        *r.status_mut() = page.status;
        *r.headers_mut() = page.headers.clone();
        Some(r)
    }

    fn turn(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut r = self.rendering.lock().unwrap_or_else(|p| p.into_inner());
        if r.len() >= MAX_ENTRIES {
            r.retain(|_, m| Arc::strong_count(m) > 1);
        }
        r.entry(key.to_string()).or_default().clone()
    }

    fn put(&self, key: String, page: Page) {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        if pages.len() >= MAX_ENTRIES {
            pages.clear();
        }
        pages.insert(key, page);
    }
}

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ttl = Duration::from_secs(state.config.page_cache_seconds);
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        // A change may follow: forget every page, before and after it.
        state.pages.clear();
        let r = next.run(req).await;
        state.pages.clear();
        return r;
    }
    let key = req.uri().to_string();
    if ttl.is_zero() || !cacheable(req.uri().path()) || req.method() == Method::HEAD {
        return next.run(req).await;
    }
    let validator = req.headers().get(header::IF_NONE_MATCH).cloned();
    // A browser that has the page gets 304 from the cache as it would from the page itself.
    let not_modified = |hit: Response| match (&validator, hit.headers().get(header::ETAG)) {
        (Some(asked), Some(tag)) if asked == tag => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r.headers_mut().insert(header::ETAG, tag.clone());
            r
        }
        _ => hit,
    };
    if let Some(hit) = state.pages.get(&key, ttl) {
        return not_modified(hit);
    }
    let turn = state.pages.turn(&key);
    let _mine = turn.lock().await;
    if let Some(hit) = state.pages.get(&key, ttl) {
        return not_modified(hit);
    }
    // The page itself is asked for (a 304 from below would not be worth keeping).
    let mut req = req;
    req.headers_mut().remove(header::IF_NONE_MATCH);
    let r = next.run(req).await;
    let page_type = r
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.contains("xml"));
    if r.status() != StatusCode::OK || r.headers().contains_key(header::SET_COOKIE) || !page_type {
        return r;
    }
    let (parts, body) = r.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    state.pages.put(
        key,
        Page {
            at: Instant::now(),
            status: parts.status,
            headers: parts.headers.clone(),
            body: bytes.clone(),
        },
    );
    not_modified(Response::from_parts(parts, Body::from(bytes)))
}
