//! The public portal: home, each unit's 政府信息公开指南, the stylesheet, the Chinese 404.

use crate::AppState;
use crate::apply::site_name;
use crate::error::AppError;
use crate::view::{GuidePage, HomePage, UnitGroup, render};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::UnitKind;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/units/{code}", get(guide))
        .route("/static/site.css", get(stylesheet))
        .route("/reports", get(reports))
        .route("/reports/{year}", get(district_report))
        .route("/reports/{year}/units/{code}", get(unit_report))
}

async fn home(State(state): State<AppState>) -> Result<Response, AppError> {
    let units = state.store.units().await?;
    let root = units.iter().find(|u| u.parent_id.is_none()).cloned();
    let groups = [
        (UnitKind::Government, "人民政府"),
        (UnitKind::Department, "政府部门"),
        (UnitKind::Town, "镇"),
        (UnitKind::Street, "街道"),
    ]
    .into_iter()
    .map(|(kind, label)| UnitGroup {
        label,
        units: units
            .iter()
            .filter(|u| u.kind() == Some(kind))
            .cloned()
            .collect(),
    })
    .filter(|g| !g.units.is_empty())
    .collect();
    let (_, latest) = state
        .store
        .publications(&gongkai_store::publishing::PublicationFilter {
            status: Some(gongkai_core::publishing::Status::Published),
            per_page: 10,
            ..Default::default()
        })
        .await?;
    Ok(render(&HomePage {
        latest,
        site_name: root
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "政府信息公开".into()),
        root,
        groups,
    }))
}

async fn guide(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let unit = state.store.unit_by_code(&code).await?.ok_or_else(|| {
        AppError::NotFound(format!(
            "没有找到代码为“{code}”的单位，请从首页的单位列表进入。"
        ))
    })?;
    let parent = match unit.parent_id {
        Some(id) => state.store.unit_by_id(id).await?,
        None => None,
    };
    Ok(render(&GuidePage {
        site_name: site_name(&state).await?,
        unit,
        parent,
    }))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/site.css"),
    )
}

pub async fn not_found() -> AppError {
    AppError::NotFound("您访问的页面不存在或已被移除。请检查网址，或从首页重新进入。".into())
}

#[derive(askama::Template)]
#[template(path = "portal/reports.html")]
struct ReportsPage {
    site_name: String,
    years: Vec<i32>,
}

async fn reports(State(state): State<AppState>) -> Result<Response, AppError> {
    let years = state.store.report_years().await?;
    Ok(render(&ReportsPage {
        site_name: site_name(&state).await?,
        years,
    }))
}

/// A year from the path: 2008 (the first year of disclosure reports) to last year.
pub fn parse_report_year(s: &str) -> Result<i32, AppError> {
    use chrono::Datelike;
    let last = crate::apply::today().year() - 1;
    s.parse::<i32>()
        .ok()
        .filter(|y| (2008..=last).contains(y))
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "没有“{s}”年度的报告：年度报告按上一年度出具，范围为 2008–{last} 年。"
            ))
        })
}

async fn report_page(
    state: &AppState,
    year: &str,
    code: Option<&str>,
) -> Result<Response, AppError> {
    let year = parse_report_year(year)?;
    let data = state.store.report_data(year, code).await?;
    let short = match code {
        Some(c) => state
            .store
            .unit_by_code(c)
            .await?
            .map(|u| u.display_short().to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    let json_url = match code {
        Some(c) => format!("/api/v1/reports/{year}?unit={c}"),
        None => format!("/api/v1/reports/{year}"),
    };
    let page = crate::report_view::page(&data, site_name(state).await?, &short, json_url);
    Ok(crate::report_view::response(&page))
}

async fn district_report(
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    report_page(&state, &year, None).await
}

async fn unit_report(
    State(state): State<AppState>,
    Path((year, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    report_page(&state, &year, Some(&code)).await
}
