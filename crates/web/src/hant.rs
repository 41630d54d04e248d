//! The portal in traditional characters: every public page also exists under `/hant/`,
//! converted on the server character by character and phrase by phrase (OpenCC's tables, as
//! zhconv carries them), with its links kept inside `/hant/`. Input typed in traditional
//! characters (a search, a form) reaches the handlers folded to simplified. Every page carries a
//! 简/繁 switch to the same page in the other script.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The marker the portal's base template puts where the switch link goes.
pub const SWITCH: &str = "/__script_switch__";

/// Pages larger than this are served as they are (no conversion).
const MAX_BODY: usize = 8 * 1024 * 1024;

pub fn to_hant(s: &str) -> String {
    zhconv::zhconv(s, zhconv::Variant::ZhHant)
}

pub fn to_hans(s: &str) -> String {
    zhconv::zhconv(s, zhconv::Variant::ZhHans)
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

pub async fn layer(mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
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
