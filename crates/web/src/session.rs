//! Staff sessions by cookie, and CSRF protection for every form.
//!
//! Logged-in forms carry the session's own token; the login form (no session yet) uses a
//! double-submit cookie. Both compare in constant time.

use crate::AppState;
use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_core::access::Action;
use gongkai_store::actor::Actor;
use gongkai_store::auth::Session;

pub const SESSION_COOKIE: &str = "gongkai_session";
pub const LOGIN_CSRF_COOKIE: &str = "gongkai_login_csrf";

/// The value of a cookie in the request, if present.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, optionally Secure; `max_age` 0 deletes.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// Equal strings, compared without leaking where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A logged-in staff member. Pages that need one redirect to the login page without it.
pub struct CurrentStaff(pub Session);

impl CurrentStaff {
    /// Check a submitted form's CSRF token against the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if same_token(submitted, &self.0.csrf_token) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "表单已失效（可能打开时间过长或在其他页面已退出），请刷新页面后重新提交。".into(),
            ))
        }
    }

    pub fn staff(&self) -> &gongkai_store::staff::Staff {
        &self.0.staff
    }

    /// Who acts, for the store's commands (which check again, below every way in).
    pub fn actor(&self) -> Actor {
        Actor::staff(self.staff())
    }

    /// Refuse a page the role has no part in at all (`gongkai_core::access`).
    pub fn may(&self, action: Action) -> Result<(), AppError> {
        self.staff()
            .role()
            .takes_part(action)
            .map_err(|m| AppError::Forbidden(format!("{m}。")))
    }

    /// Whether the role may take `action` on the unit's records: what the page offers.
    pub fn reaches(&self, action: Action, unit_id: i64) -> bool {
        let s = self.staff();
        s.role().allows(s.unit_id, action, Some(unit_id))
    }
}

/// Why there is no current staff member.
pub enum NoSession {
    Login(String),
    Error(AppError),
}

impl IntoResponse for NoSession {
    fn into_response(self) -> Response {
        match self {
            NoSession::Login(next) => {
                Redirect::to(&format!("/console/login?next={}", urlencode(&next))).into_response()
            }
            NoSession::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for CurrentStaff {
    type Rejection = NoSession;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, NoSession> {
        let next = parts.uri.path().to_string();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(NoSession::Login(next));
        };
        match state.store.session(token).await {
            Ok(Some(s)) => Ok(CurrentStaff(s)),
            Ok(None) => Err(NoSession::Login(next)),
            Err(e) => Err(NoSession::Error(e.into())),
        }
    }
}

/// Percent-encode for a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only same-site paths may be a post-login destination (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // A local console path of visible ASCII only: no line break, NUL or space can reach a
        // Location header, no `//host` or `\` can leave the site.
        Some(n)
            if n.starts_with("/console")
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.chars().all(|c| c.is_ascii_graphic()) =>
        {
            n.to_string()
        }
        _ => "/console".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_tokens() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; gongkai_session=abc"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "b"), None);
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("", ""));
        assert_eq!(safe_next(Some("//evil.example")), "/console");
        assert_eq!(safe_next(Some("https://evil.example")), "/console");
        assert_eq!(safe_next(Some("/console/units")), "/console/units");
    }
}
