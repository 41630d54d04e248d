//! The portal in traditional characters: every public page also exists under `/hant/`,
//! converted on the server character by character and phrase by phrase (OpenCC's `S2t`
//! tables, through ferrous-opencc), with its links kept inside `/hant/`. Input typed in traditional
//! characters (a search, a form) reaches the handlers folded to simplified. Every page carries a
//! 简/繁 switch to the same page in the other script.

use crate::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The marker the portal's base template puts where the switch link goes.
pub const SWITCH: &str = "/__script_switch__";

/// Pages larger than this are served as they are (no conversion; the page cache does not keep
/// them either).
pub(crate) const MAX_BODY: usize = 8 * 1024 * 1024;

pub fn to_hant(s: &str) -> String {
    gongkai_core::script::to_traditional(s)
}

pub fn to_hans(s: &str) -> String {
    gongkai_core::script::to_simplified(s)
}

/// Paths that are never converted or prefixed: files, data, the console.
fn passes_through(path: &str) -> bool {
    [
        "/static/",
        "/files/",
        "/api/",
        "/console",
        "/healthz",
        "/apply/letters/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
        || path.ends_with("/docx")
        || path.ends_with("/pdf")
}

/// Keep internal links of a converted page inside `/hant/`.
fn prefix_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    loop {
        let next = ["href=\"/", "action=\"/"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, m.len())))
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            break;
        };
        let (before, after) = rest.split_at(i + len - 1);
        out.push_str(before);
        let target_end = after.find('"').unwrap_or(after.len());
        let target = &after[..target_end];
        if !passes_through(target) && !target.starts_with("/hant") && !target.starts_with(SWITCH) {
            out.push_str("/hant");
        }
        rest = after;
        // Copy the leading '/' so the same link is not matched again.
        out.push('/');
        rest = &rest[1..];
    }
    out
}

/// Decode a query string's percent-encoded UTF-8, fold it to simplified, encode it again.
fn fold_query(query: &str) -> String {
    let decoded: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let folded: Vec<(String, String)> =
        decoded.into_iter().map(|(k, v)| (k, to_hans(&v))).collect();
    serde_urlencoded::to_string(folded).unwrap_or_else(|_| query.to_string())
}

/// The site's address: the configured public URL, or this request's host when the operator
/// allowed it (`--allowed-host`, or localhost), else `http://localhost`. A Host header is never
/// taken unchecked: pages are cached and a forged host would reach the next visitor.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let configured = state.config.public_url.trim().trim_end_matches('/');
    if !configured.is_empty() {
        return configured.to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| host_allowed(h, &state.config.allowed_hosts))
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// A Host header (with its port) the operator allowed, or a loopback name.
fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let name = match host.rsplit_once(':') {
        Some((n, port)) if !n.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => n,
        _ => host,
    };
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "localhost" | "127.0.0.1" | "[::1]")
        || allowed
            .iter()
            .any(|a| a.trim().eq_ignore_ascii_case(&name) || a.trim().eq_ignore_ascii_case(host))
}

/// The footer's configured lines (网站标识码, ICP备案号, 公安备案号) and the office's contact.
async fn footer(state: &AppState) -> String {
    let esc = crate::view::escape;
    let mut parts = Vec::new();
    let c = &state.config;
    if !c.site_code.trim().is_empty() {
        parts.push(format!("网站标识码：{}", esc(c.site_code.trim())));
    }
    if !c.icp_record.trim().is_empty() {
        parts.push(esc(c.icp_record.trim()));
    }
    if !c.police_record.trim().is_empty() {
        parts.push(esc(c.police_record.trim()));
    }
    let mut out = String::new();
    if let Ok(Some(root)) = state.store.root_unit().await {
        let mut contact = Vec::new();
        if !root.office_address.is_empty() {
            contact.push(format!("地址：{}", esc(&root.office_address)));
        }
        if !root.office_phone.is_empty() {
            contact.push(format!("电话：{}", esc(&root.office_phone)));
        }
        if !contact.is_empty() {
            out.push_str(&format!("<p>{}</p>", contact.join(" · ")));
        }
    }
    if !parts.is_empty() {
        out.push_str(&format!("<p>{}</p>", parts.join(" · ")));
    }
    out
}

/// A strong validator for a page's bytes.
fn etag(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..32])
}

pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let base = base_url(&state, req.headers());
    let original_query = req.uri().query().map(str::to_string);
    let hant = path == "/hant" || path.starts_with("/hant/");
    let plain = if hant {
        let p = &path["/hant".len()..];
        if p.is_empty() {
            "/".to_string()
        } else {
            p.to_string()
        }
    } else {
        path.clone()
    };
    if hant {
        if passes_through(&plain) {
            // Files and data are the same in both scripts.
            return axum::response::Redirect::permanent(&plain).into_response();
        }
        let query = req.uri().query().map(fold_query);
        let uri = match &query {
            Some(q) if !q.is_empty() => format!("{plain}?{q}"),
            _ => plain.clone(),
        };
        if let Ok(u) = uri.parse::<Uri>() {
            *req.uri_mut() = u;
        }
    }
    let resp = next.run(req).await;
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html || passes_through(&plain) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (parts.status, "页面过大，无法转换").into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    // The same page in the other script, query included.
    let here = match &original_query {
        Some(q) => format!("{plain}?{}", q.replace('&', "&amp;")),
        None => plain.clone(),
    };
    // Canonical address, the other script's version, and the configured footer.
    let head = format!(
        "<link rel=\"canonical\" href=\"{base}{prefix}{here}\">\n<link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"{base}{here}\">\n<link rel=\"alternate\" hreflang=\"zh-Hant\" href=\"{base}/hant{here}\">\n</head>",
        prefix = if hant { "/hant" } else { "" },
    );
    let html =
        html.replacen("</head>", &head, 1)
            .replacen("<!--site-footer-->", &footer(&state).await, 1);
    let out = if hant {
        let converted = to_hant(&html).replace("lang=\"zh-CN\"", "lang=\"zh-Hant\"");
        prefix_links(&converted).replace(
            &format!("href=\"{SWITCH}\">繁體"),
            &format!("href=\"{here}\" lang=\"zh-CN\">简体"),
        )
    } else {
        html.replace(
            &format!("href=\"{SWITCH}\">繁體"),
            &format!("href=\"/hant{here}\" lang=\"zh-Hant\">繁體"),
        )
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    // Pages are made from records that change; a validator lets browsers and proxies keep
    // them and ask again cheaply.
    if parts.status == StatusCode::OK {
        let tag = etag(out.as_bytes());
        if if_none_match.as_deref() == Some(tag.as_str()) {
            let mut r = StatusCode::NOT_MODIFIED.into_response();
            if let Ok(v) = HeaderValue::from_str(&tag) {
                r.headers_mut().insert(header::ETAG, v);
            }
            return r;
        }
        if let Ok(v) = HeaderValue::from_str(&tag) {
            parts.headers.insert(header::ETAG, v);
        }
        parts
            .headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
    }
    if hant {
        parts.headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static("zh-Hant"),
        );
    }
    Response::from_parts(parts, Body::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_keeps_links_inside_hant() {
        assert_eq!(to_hant("政府信息公开申请"), "政府信息公開申請");
        assert_eq!(to_hans("政府資訊公開"), "政府资讯公开");
        let html = r#"<a href="/apply">申请</a><a href="/static/site.css">x</a><form action="/apply/status"><a href="/files/3">f</a><a href="/hant/x">y</a>"#;
        assert_eq!(
            prefix_links(html),
            r#"<a href="/hant/apply">申请</a><a href="/static/site.css">x</a><form action="/hant/apply/status"><a href="/files/3">f</a><a href="/hant/x">y</a>"#
        );
        assert_eq!(
            fold_query("q=%E8%B3%87%E8%A8%8A&page=2"),
            "q=%E8%B5%84%E8%AE%AF&page=2"
        );
    }
}
