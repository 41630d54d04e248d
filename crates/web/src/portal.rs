//! The public portal: home, each unit's 政府信息公开指南, the stylesheet, the Chinese 404.

use crate::AppState;
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
}

async fn site_name(state: &AppState) -> Result<String, AppError> {
    Ok(state
        .store
        .root_unit()
        .await?
        .map(|u| u.name)
        .unwrap_or_else(|| "政府信息公开".into()))
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
    Ok(render(&HomePage {
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
