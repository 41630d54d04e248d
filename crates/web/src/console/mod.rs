//! The staff console: login, dashboard, units, staff, the working-day calendar, the audit ledger.
//! Every form carries a CSRF token; every change goes through the store, which audits it.

use crate::AppState;
use crate::error::AppError;
use crate::limit::{Bucket, ClientIp};
use crate::posted::ChForm;
use crate::session::{
    CurrentStaff, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, safe_next, same_token, set_cookie,
};
use crate::view::*;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Utc};
use gongkai_core::access::Action;
use gongkai_core::calendar::parse_csv;
use gongkai_core::{DayKind, Role, UnitKind};
use gongkai_store::StoreError;
use gongkai_store::auth::{SESSION_HOURS, random_token};
use gongkai_store::staff::StaffInput;
use gongkai_store::units::UnitInput;
use serde::Deserialize;

mod admin;
use admin::*;

mod applications;
mod engagement;
mod publishing;
pub(crate) mod reports;

/// Every staff page: login, dashboard and the office's administration here, the areas of work
/// in their own files.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(applications::routes())
        .merge(publishing::routes())
        .merge(engagement::routes())
        .merge(reports::routes())
        .route("/console/login", get(login_page).post(login))
        .route("/console/logout", post(logout))
        .route("/console", get(dashboard))
        .route("/console/units", get(units).post(create_unit))
        .route("/console/units/new", get(new_unit))
        .route("/console/units/{code}", get(unit_page).post(update_unit))
        .route("/console/staff", get(staff).post(create_staff))
        .route("/console/staff/new", get(new_staff))
        .route("/console/staff/{username}/active", post(set_active))
        .route("/console/calendar", get(calendar).post(import_calendar))
        .route("/console/audit", get(audit))
}

/// An attachment with its bytes, if it belongs to an owner of `kind` (`application`,
/// `publication`); the caller then checks that this person may see the owner.
async fn attachment_of(
    state: &AppState,
    id: i64,
    kind: &str,
) -> Result<(gongkai_store::files::AttachmentInfo, Vec<u8>), AppError> {
    let missing = || AppError::NotFound("没有找到这个附件。".into());
    let (info, data) = state.store.attachment(id).await?.ok_or_else(missing)?;
    if info.owner_kind != kind {
        return Err(missing());
    }
    Ok((info, data))
}

// ---- login ----

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && state.store.session(token).await?.is_some()
    {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    Ok(login_form(
        &state,
        &headers,
        "",
        "",
        &safe_next(q.next.as_deref()),
        StatusCode::OK,
    ))
}

/// The login page with a double-submit CSRF cookie (kept if the browser already has one).
fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    error: &str,
    username: &str,
    next: &str,
    status: StatusCode,
) -> Response {
    let csrf = cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .unwrap_or_else(random_token);
    let page = render(&LoginPage {
        error: error.into(),
        username: username.into(),
        next: next.into(),
        csrf: csrf.clone(),
    });
    (
        status,
        [(
            header::SET_COOKIE,
            set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.config.secure_cookies),
        )],
        page,
    )
        .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ChForm(f): ChForm<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(Some(&f.next));
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if !same_token(&f.csrf, expected) {
        return Ok(login_form(
            &state,
            &headers,
            "登录表单已失效，请重新输入后登录。",
            &f.username,
            &next,
            StatusCode::FORBIDDEN,
        ));
    }
    let username = f.username.trim();
    if username.is_empty() || f.password.is_empty() {
        return Ok(login_form(
            &state,
            &headers,
            "请填写用户名和密码。",
            username,
            &next,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    // Guessing is stopped at the guesser's address, whichever accounts it tries: five failures
    // lock the address out, not the account (a stranger cannot lock the office out).
    if state.limits.spent(Bucket::LoginFailure, client)
        || !state.limits.allow(Bucket::Login, client)
    {
        return Ok(login_form(
            &state,
            &headers,
            "本网络地址登录尝试过于频繁，请 15 分钟后再试。",
            username,
            &next,
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    match state.store.login(username, &f.password).await? {
        Ok(session) => {
            let max_age = SESSION_HOURS * 3600;
            Ok((
                AppendHeaders([
                    (
                        header::SET_COOKIE,
                        set_cookie(
                            SESSION_COOKIE,
                            &session.token,
                            max_age,
                            state.config.secure_cookies,
                        ),
                    ),
                    (
                        header::SET_COOKIE,
                        set_cookie(LOGIN_CSRF_COOKIE, "", 0, state.config.secure_cookies),
                    ),
                ]),
                Redirect::to(&next),
            )
                .into_response())
        }
        // One answer for a wrong password, an unknown user, a locked or a deactivated account:
        // which it was is in the ledger of failed logins, not on the page a stranger sees.
        Err(_) => {
            state.limits.allow(Bucket::LoginFailure, client);
            Ok(login_form(
                &state,
                &headers,
                "用户名或密码错误，或账户暂不可用。如需帮助请联系政务公开办。",
                username,
                &next,
                StatusCode::UNAUTHORIZED,
            ))
        }
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<CsrfOnly>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    state.store.logout(&me.0.token).await?;
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
        )],
        Redirect::to("/console/login"),
    )
        .into_response())
}

// ---- dashboard ----

async fn dashboard(State(state): State<AppState>, me: CurrentStaff) -> Result<Response, AppError> {
    let staff = me.staff();
    let all_units = staff.role().sees_all_units();
    let unit_count = if all_units {
        state.store.units().await?.len()
    } else {
        1
    };
    let staff_count = state
        .store
        .staff_list((!all_units).then_some(staff.unit_id))
        .await?
        .len();
    let cal = state.store.calendar().await?;
    let years = cal.covered_years();
    let years_text = match (years.first(), years.last()) {
        (Some(a), Some(b)) => format!("{a}–{b} 年"),
        _ => "无".into(),
    };
    let mut warnings = Vec::new();
    let today = crate::site::today();
    if !years.contains(&today.year()) {
        warnings.push(format!(
            "工作日历缺少今年（{}年）的节假日安排，期限无法计算。请在“工作日历”中导入。",
            today.year()
        ));
    } else if today.month() >= 11 && !years.contains(&(today.year() + 1)) {
        warnings.push(format!(
            "工作日历尚无 {} 年的节假日安排。国务院通知发布后请及时导入，否则跨年的答复期限将无法计算。",
            today.year() + 1
        ));
    }
    // Art. 49: last year's reports, the ones due within a month or overdue.
    let report_year = crate::site::today().year() - 1;
    let open_reports: Vec<String> = crate::console::reports::statuses(&state, &me, report_year)
        .await?
        .into_iter()
        .filter(|r| !r.class.is_empty())
        .map(|r| {
            format!(
                "{}：{}年度报告应于 {} 前公布，{}",
                r.name, report_year, r.due, r.status
            )
        })
        .collect();
    if !open_reports.is_empty() && staff.role() != gongkai_core::Role::Handler {
        let shown = open_reports.len().min(5);
        warnings.push(format!(
            "年度报告（条例第四十九条）：{}{}",
            open_reports[..shown].join("；"),
            if open_reports.len() > shown {
                format!("；另有 {} 份，见“年度报告”。", open_reports.len() - shown)
            } else {
                "。".into()
            }
        ));
    }
    Ok(render(&DashboardPage {
        me: Me::of(&me.0),
        unit_count,
        staff_count,
        audit_count: state.store.audit_count().await?,
        years: years_text,
        warnings,
    }))
}
