//! The JSON API under `/api/v1`, its OpenAPI document, and `/healthz`.

use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use gongkai_core::CalendarError;
use gongkai_core::calendar::parse_date;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai API",
        description = "政务公开系统的开放接口（JSON）。",
        version = "1"
    ),
    paths(
        list_units,
        get_unit,
        workdays_add,
        workdays_count,
        report,
        healthz,
        crate::api_apps::submit,
        crate::api_apps::status,
        crate::api_apps::list,
        crate::api_apps::detail,
        crate::api_apps::add_event,
        crate::portal_search::api
    ),
    components(schemas(
        UnitView,
        WorkdaysAdded,
        WorkdaysCounted,
        ApiErrorBody,
        Health,
        crate::portal_search::SearchAnswer
    ))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/units", get(list_units))
        .route("/api/v1/units/{code}", get(get_unit))
        .route("/api/v1/workdays/add", get(workdays_add))
        .route("/api/v1/workdays/count", get(workdays_count))
        .route("/api/v1/reports/{year}", get(report))
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
}

/// An error: `{"error": "…"}` with a 4xx (the caller's mistake) or 5xx status.
#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// What went wrong, in Chinese, and what to do.
    pub error: String,
}

pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ApiErrorBody { error: self.1 })).into_response()
    }
}

impl From<gongkai_store::StoreError> for ApiError {
    fn from(e: gongkai_store::StoreError) -> Self {
        let app = crate::AppError::from(e);
        if app.status().is_server_error() {
            tracing::error!(error = %app, "api request failed");
        }
        ApiError(app.status(), app.public_message())
    }
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

fn calendar_error(e: CalendarError) -> ApiError {
    ApiError(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
}

/// A unit and its disclosure office (政府信息公开指南 fields, Art. 12).
#[derive(Serialize, ToSchema)]
pub struct UnitView {
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// government | department | town | street
    pub kind: String,
    pub parent_code: Option<String>,
    pub office_name: String,
    pub office_address: String,
    pub office_postcode: String,
    pub office_hours: String,
    pub office_phone: String,
    pub office_fax: String,
    pub office_internet: String,
}

fn unit_views(units: Vec<gongkai_store::units::Unit>) -> Vec<UnitView> {
    let code_of = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.code.clone());
    units
        .iter()
        .map(|u| UnitView {
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            kind: u.kind.clone(),
            parent_code: u.parent_id.and_then(code_of),
            office_name: u.office_name.clone(),
            office_address: u.office_address.clone(),
            office_postcode: u.office_postcode.clone(),
            office_hours: u.office_hours.clone(),
            office_phone: u.office_phone.clone(),
            office_fax: u.office_fax.clone(),
            office_internet: u.office_internet.clone(),
        })
        .collect()
}

/// Every unit, the government first.
#[utoipa::path(get, path = "/api/v1/units", responses((status = 200, body = Vec<UnitView>)))]
async fn list_units(State(state): State<AppState>) -> Result<Json<Vec<UnitView>>, ApiError> {
    Ok(Json(unit_views(state.store.units().await?)))
}

/// One unit by its code.
#[utoipa::path(get, path = "/api/v1/units/{code}",
    params(("code" = String, Path, description = "单位代码")),
    responses((status = 200, body = UnitView), (status = 404, body = ApiErrorBody)))]
async fn get_unit(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<UnitView>, ApiError> {
    let units = state.store.units().await?;
    unit_views(units)
        .into_iter()
        .find(|u| u.code == code)
        .map(Json)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("没有代码为“{code}”的单位")))
}

#[derive(Deserialize)]
struct AddQuery {
    date: Option<String>,
    n: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkdaysAdded {
    pub date: String,
    pub n: u32,
    /// The n-th working day after `date` (`date` itself never counts).
    pub result: String,
}

/// The n-th working day after a date, on the calendar in effect.
#[utoipa::path(get, path = "/api/v1/workdays/add",
    params(("date" = String, Query, description = "YYYY-MM-DD"), ("n" = u32, Query, description = "工作日数")),
    responses((status = 200, body = WorkdaysAdded), (status = 400, body = ApiErrorBody),
               (status = 422, description = "日历缺少所需年度", body = ApiErrorBody)))]
async fn workdays_add(
    State(state): State<AppState>,
    Query(q): Query<AddQuery>,
) -> Result<Json<WorkdaysAdded>, ApiError> {
    let date = parse_date(
        q.date
            .as_deref()
            .ok_or_else(|| bad("缺少参数 date（YYYY-MM-DD）"))?,
    )
    .map_err(bad)?;
    let n_text =
        q.n.as_deref()
            .ok_or_else(|| bad("缺少参数 n（工作日数）"))?;
    let n: u32 = n_text
        .trim()
        .parse()
        .ok()
        .filter(|n| *n <= 10_000)
        .ok_or_else(|| bad(format!("n 应为 0–10000 的整数，而不是“{n_text}”")))?;
    let cal = state.store.calendar().await?;
    let result = cal.add_workdays(date, n).map_err(calendar_error)?;
    Ok(Json(WorkdaysAdded {
        date: date.to_string(),
        n,
        result: result.to_string(),
    }))
}

#[derive(Deserialize)]
struct CountQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkdaysCounted {
    pub from: String,
    pub to: String,
    /// Working days in (from, to].
    pub workdays: u32,
}

/// The number of working days in (from, to].
#[utoipa::path(get, path = "/api/v1/workdays/count",
    params(("from" = String, Query, description = "YYYY-MM-DD"), ("to" = String, Query, description = "YYYY-MM-DD")),
    responses((status = 200, body = WorkdaysCounted), (status = 400, body = ApiErrorBody),
               (status = 422, body = ApiErrorBody)))]
async fn workdays_count(
    State(state): State<AppState>,
    Query(q): Query<CountQuery>,
) -> Result<Json<WorkdaysCounted>, ApiError> {
    let from = parse_date(
        q.from
            .as_deref()
            .ok_or_else(|| bad("缺少参数 from（YYYY-MM-DD）"))?,
    )
    .map_err(bad)?;
    let to = parse_date(
        q.to.as_deref()
            .ok_or_else(|| bad("缺少参数 to（YYYY-MM-DD）"))?,
    )
    .map_err(bad)?;
    if (to - from).num_days() > 3660 {
        return Err(bad("区间过长：最多 10 年"));
    }
    let cal = state.store.calendar().await?;
    let workdays = cal.count_workdays(from, to).map_err(calendar_error)?;
    Ok(Json(WorkdaysCounted {
        from: from.to_string(),
        to: to.to_string(),
        workdays,
    }))
}

#[derive(Deserialize)]
struct ReportQuery {
    unit: Option<String>,
}

/// The annual report of a year (tables 三 and 四 and the figures), for the district or one unit,
/// in the open-data JSON format described in the README.
#[utoipa::path(get, path = "/api/v1/reports/{year}",
    params(("year" = i32, Path, description = "年度"), ("unit" = Option<String>, Query, description = "单位代码；省略为全区")),
    responses((status = 200, description = "年度报告（JSON）"), (status = 404, body = ApiErrorBody)))]
async fn report(
    State(state): State<AppState>,
    Path(year): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let year =
        crate::portal::parse_report_year(&year).map_err(|e| ApiError(e.status(), e.to_string()))?;
    let unit = q.unit.as_deref().filter(|u| !u.is_empty());
    let data = state.store.report_data(year, unit).await?;
    Ok(Json(crate::report_view::to_json(&data)))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// ok | unavailable
    pub status: String,
    /// sqlite | postgres
    pub database: String,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(state): State<AppState>) -> Response {
    let ok = state.store.ping().await.is_ok();
    let body = Health {
        status: if ok { "ok" } else { "unavailable" }.into(),
        database: state.store.backend().into(),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
