//! `/api/v1/search`: the portal's search as open data, with the same reading of the query.

use super::{ApiError, ApiErrorBody};
use crate::AppState;
use crate::portal::search::{PER_PAGE, Params, run, unit_names};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongkai_search::FacetCount;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// `/api/v1/search` with its documentation (see [`super::api_router`]).
pub fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(api))
}

/// A result of `/api/v1/search`.
#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    pub title: String,
    /// The item's page on the portal (a path).
    pub url: String,
    /// 索引号
    pub index_no: String,
    /// 文号
    pub doc_number: String,
    /// The publishing unit's name.
    pub unit: String,
    pub unit_code: String,
    /// YYYY-MM-DD
    pub published: String,
    /// A passage of the text: HTML-escaped, the words found in `<mark>`.
    pub snippet: String,
    /// Found by its 文号 or 索引号 typed whole.
    pub exact: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SearchFacet {
    /// The value to filter by (a unit's code, a year, a column's name, a genre).
    pub value: String,
    pub label: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SearchFacets {
    pub unit: Vec<SearchFacet>,
    pub year: Vec<SearchFacet>,
    pub column: Vec<SearchFacet>,
    #[serde(rename = "type")]
    pub genre: Vec<SearchFacet>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchAnswer {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<SearchHit>,
    pub facets: SearchFacets,
    /// The query was cut to its first 100 characters / 8 terms.
    pub truncated: bool,
}

/// Full-text search over published items.
#[utoipa::path(get, path = "/api/v1/search",
    params(
        ("q" = Option<String>, Query, description = "检索词（可用空格分隔多个词，繁体亦可）"),
        ("unit" = Option<String>, Query, description = "单位代码"),
        ("year" = Option<String>, Query, description = "发布年份"),
        ("column" = Option<String>, Query, description = "栏目名称"),
        ("type" = Option<String>, Query, description = "体裁"),
        ("sort" = Option<String>, Query, description = "date：按发布日期，新的在前；默认按相关度"),
        ("page" = Option<String>, Query, description = "页码，从 1 开始"),
        ("per_page" = Option<String>, Query, description = "每页条数，最多 50")),
    tag = super::TAG_SEARCH,
    responses((status = 200, description = "命中的信息、摘要和分面统计", body = SearchAnswer),
              (status = 400, description = "参数有误", body = ApiErrorBody),
              (status = 503, description = "检索索引暂不可用", body = ApiErrorBody)))]
pub(crate) async fn api(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let p = Params::from_raw(raw.as_deref());
    let per_page =
        serde_urlencoded::from_str::<HashMap<String, String>>(raw.as_deref().unwrap_or(""))
            .ok()
            .and_then(|m| m.get("per_page").and_then(|v| v.trim().parse().ok()))
            .unwrap_or(PER_PAGE)
            .clamp(1, gongkai_search::MAX_PER_PAGE);
    let (q, problem) = p.query(per_page);
    if let Some(m) = problem {
        return ApiError(StatusCode::BAD_REQUEST, m).into_response();
    }
    let results = match run(&state, &q).await {
        Ok(r) => r,
        Err(m) => return ApiError(StatusCode::SERVICE_UNAVAILABLE, m).into_response(),
    };
    let names = match unit_names(&state).await {
        Ok(n) => n,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    let facets = |v: &[FacetCount], label: &dyn Fn(&str) -> String| {
        v.iter()
            .map(|f| SearchFacet {
                value: f.value.clone(),
                label: label(&f.value),
                count: f.count,
            })
            .collect()
    };
    let same = |v: &str| v.to_string();
    axum::Json(SearchAnswer {
        total: results.total,
        page: q.page.clamp(1, gongkai_search::MAX_PAGE),
        per_page,
        hits: results
            .hits
            .iter()
            .map(|h| SearchHit {
                title: h.title.clone(),
                url: format!("/publications/{}", h.id),
                index_no: h.index_no.clone(),
                doc_number: h.doc_number.clone(),
                unit: name(&h.unit),
                unit_code: h.unit.clone(),
                published: h.published.to_string(),
                snippet: h.snippet.clone(),
                exact: h.exact,
            })
            .collect(),
        facets: SearchFacets {
            unit: facets(&results.facets.unit, &name),
            year: facets(&results.facets.year, &same),
            column: facets(&results.facets.column, &same),
            genre: facets(&results.facets.genre, &same),
        },
        truncated: results.truncated,
    })
    .into_response()
}
