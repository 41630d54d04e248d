//! The JSON API under `/api/v1`, its OpenAPI document, and `/healthz`.

pub(crate) mod applications;
mod search;
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
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The document's frame: its title and the areas (tags) its routes are filed under. The routes
/// themselves are added where they are registered ([`api_router`]), so the document cannot
/// miss one.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai API",
        description = "政务公开系统的开放接口（JSON）。工作人员接口使用工作台的登录会话，修改类请求需在 X-CSRF-Token 头中提供会话的 CSRF 令牌。出错时返回 {\"error\": \"…\"}；输入有误时返回 422 和 {\"error\": \"…\", \"fields\": [{\"field\": \"…\", \"message\": \"…\"}]}。",
        version = "1"
    ),
    tags(
        (name = TAG_APPLY, description = "公众提交政府信息公开申请、查询办理进度"),
        (name = TAG_HANDLE, description = "工作人员办理依申请公开事项（登记、办理、答复、转送、复议诉讼）"),
        (name = TAG_UNITS, description = "机关及其政府信息公开工作机构，工作日计算"),
        (name = TAG_REPORT, description = "政府信息公开工作年度报告"),
        (name = TAG_SEARCH, description = "站内检索"),
        (name = TAG_STATUS, description = "运行状态")
    )
)]
pub struct ApiDoc;

pub const TAG_APPLY: &str = "依申请公开（公众）";
pub const TAG_HANDLE: &str = "依申请公开（工作人员）";
pub const TAG_UNITS: &str = "机关与工作日";
pub const TAG_REPORT: &str = "年度报告";
pub const TAG_SEARCH: &str = "检索";
pub const TAG_STATUS: &str = "运行状态";

/// Every JSON route with its documentation, registered together.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_units))
        .routes(routes!(get_unit))
        .routes(routes!(workdays_add))
        .routes(routes!(workdays_count))
        .routes(routes!(report))
        .routes(routes!(healthz))
        .merge(applications::routes())
        .merge(search::api_routes())
}

pub fn routes() -> Router<AppState> {
    let (router, spec) = api_router().split_for_parts();
    let spec = std::sync::Arc::new(spec);
    router.route(
        "/api/openapi.json",
        get(move || {
            let spec = spec.clone();
            async move { Json(spec.as_ref().clone()) }
        }),
    )
}

/// Path parameters, refused as JSON (400) when they do not read (`/applications/abc`).
pub struct ApiPath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(p)) => Ok(ApiPath(p)),
            Err(e) => Err(bad(format!("地址有误：{}", e.body_text()))),
        }
    }
}

/// Query parameters, refused as JSON (`{"error": …}`, 400) when they do not read — a repeated
/// parameter, say — like every other API error.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(ApiQuery(q)),
            Err(e) => Err(bad(format!("查询参数有误：{}", e.body_text()))),
        }
    }
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

pub(crate) fn bad(msg: impl Into<String>) -> ApiError {
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
#[utoipa::path(get, path = "/api/v1/units", tag = TAG_UNITS,
    responses((status = 200, description = "全部单位，区政府在前", body = Vec<UnitView>)))]
async fn list_units(State(state): State<AppState>) -> Result<Json<Vec<UnitView>>, ApiError> {
    Ok(Json(unit_views(state.store.units().await?)))
}

/// One unit by its code.
#[utoipa::path(get, path = "/api/v1/units/{code}",
    tag = TAG_UNITS,
    params(("code" = String, Path, description = "单位代码")),
    responses((status = 200, description = "单位", body = UnitView),
              (status = 404, description = "没有这个单位", body = ApiErrorBody)))]
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
    tag = TAG_UNITS,
    params(("date" = String, Query, format = Date, description = "起算日（YYYY-MM-DD，本日不计）"),
           ("n" = u32, Query, maximum = 10000, description = "工作日数")),
    responses((status = 200, description = "第 n 个工作日", body = WorkdaysAdded),
              (status = 400, description = "参数缺失或格式有误", body = ApiErrorBody),
              (status = 422, description = "日历缺少所需年度", body = ApiErrorBody)))]
async fn workdays_add(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AddQuery>,
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
    tag = TAG_UNITS,
    params(("from" = String, Query, format = Date, description = "YYYY-MM-DD（不含）"),
           ("to" = String, Query, format = Date, description = "YYYY-MM-DD（含）")),
    responses((status = 200, description = "区间内的工作日数", body = WorkdaysCounted),
              (status = 400, description = "参数缺失或格式有误", body = ApiErrorBody),
              (status = 422, description = "日历缺少所需年度", body = ApiErrorBody)))]
async fn workdays_count(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CountQuery>,
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
    tag = TAG_REPORT,
    params(("year" = i32, Path, description = "年度"), ("unit" = Option<String>, Query, description = "单位代码；省略为全区")),
    responses((status = 200, description = "年度报告（JSON）", body = Object),
              (status = 400, description = "年度或参数有误", body = ApiErrorBody),
              (status = 404, description = "没有该年度或单位的报告", body = ApiErrorBody)))]
async fn report(
    State(state): State<AppState>,
    Path(year): Path<String>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let year =
        crate::report::parse_year_path(&year).map_err(|e| ApiError(e.status(), e.to_string()))?;
    let unit = q.unit.as_deref().filter(|u| !u.is_empty());
    let data = state.store.report_data(year, unit).await?;
    Ok(Json(gongkai_report::to_json(&data)))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// ok | unavailable
    pub status: String,
    /// sqlite | postgres
    pub database: String,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = TAG_STATUS,
    responses((status = 200, description = "正常", body = Health),
              (status = 503, description = "数据库不可用", body = Health)))]
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
