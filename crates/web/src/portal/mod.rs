//! The public portal: home, each unit's 政府信息公开指南, the stylesheet, the Chinese 404.

use crate::AppState;
use crate::error::AppError;
use crate::site::site_name;
use crate::view::{GuidePage, HomePage, UnitGroup, render};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::UnitKind;

mod apply;
mod engagement;
mod publications;
pub(crate) mod search;

/// Every public page: the home page, catalogs and publications, engagement, search, 依申请公开.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(publications::routes())
        .merge(engagement::routes())
        .merge(search::routes())
        .merge(apply::routes())
        .route("/", get(home))
        .route("/units/{code}", get(guide))
        .route("/static/site.css", get(stylesheet))
        .route("/reports", get(reports))
        .route("/reports/{year}", get(district_report))
        .route("/reports/{year}/units/{code}", get(unit_report))
        .route("/reports/{year}/{format}", get(district_file))
        .route("/reports/{year}/units/{code}/{format}", get(unit_file))
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
    let mut columns = Vec::new();
    let mut topics = Vec::new();
    if let Some(r) = &root {
        let counts = state.store.column_counts(r.id).await?;
        for n in state.store.column_tree(r.id, false).await? {
            if n.depth != 0 {
                continue;
            }
            match n.column.catalog.as_str() {
                "portal" => {
                    let (total, rows) = state
                        .store
                        .publications(&gongkai_store::publishing::PublicationFilter {
                            column_id: Some(n.column.id),
                            status: Some(gongkai_core::publishing::Status::Published),
                            per_page: 5,
                            ..Default::default()
                        })
                        .await?;
                    if total > 0 && columns.len() < 6 {
                        columns.push((n.column, rows));
                    }
                }
                "topic" => {
                    let count = counts.get(&n.column.id).copied().unwrap_or(0);
                    topics.push((n.column, count));
                }
                _ => {}
            }
        }
    }
    Ok(render(&HomePage {
        columns,
        topics,
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
        include_str!("../../static/site.css"),
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

async fn report_page(
    state: &AppState,
    year: &str,
    code: Option<&str>,
) -> Result<Response, AppError> {
    use crate::report as report_view;
    let year = crate::report::parse_year_path(year)?;
    let built = report_view::build(&state.store, year, code).await?;
    let versions = state
        .store
        .report_versions(built.unit.id, built.scope(), year)
        .await?;
    let json_url = match code {
        Some(c) => format!("/api/v1/reports/{year}?unit={c}"),
        None => format!("/api/v1/reports/{year}"),
    };
    match versions.first() {
        // Published: the frozen page, with a warning if records have changed since.
        Some(v) => {
            let published: serde_json::Value = serde_json::from_str(&v.data).unwrap_or_default();
            let changes =
                gongkai_report::changes(&published, &gongkai_report::to_json(&built.data));
            let mut html = v.html.clone();
            if !changes.is_empty() {
                let items: String = changes
                    .iter()
                    .map(|c| format!("<li>{}</li>", crate::view::escape(c)))
                    .collect();
                html = html.replacen(
                    "<article class=\"report\">",
                    &format!("<div class=\"alert\" role=\"status\" id=\"report-changes\"><p>本报告发布后，以下数据的记录有变化（报告内容未改动，如需更正将发布新版本）：</p><ul>{items}</ul></div><article class=\"report\">"),
                    1,
                );
            }
            Ok(axum::response::Html(html).into_response())
        }
        None => {
            let mut page = report_view::page(
                &built.data,
                site_name(state).await?,
                &built.sections,
                json_url,
            );
            page.status_note = "本报告尚未正式发布，以下为根据当前记录生成的预览。".into();
            Ok(report_view::response(&page))
        }
    }
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

/// A report as DOCX or PDF: the published version's file, or one made from the records now.
async fn report_file(
    state: &AppState,
    year: &str,
    code: Option<&str>,
    format: &str,
) -> Result<Response, AppError> {
    use crate::report as report_view;
    let pdf = match format {
        "docx" => false,
        "pdf" => true,
        _ => return Err(AppError::NotFound("年度报告可下载为 DOCX 或 PDF。".into())),
    };
    let year = crate::report::parse_year_path(year)?;
    let built = report_view::build(&state.store, year, code).await?;
    let versions = state
        .store
        .report_versions(built.unit.id, built.scope(), year)
        .await?;
    let frozen = match versions.first() {
        Some(v) => state.store.report_file(v.id, pdf).await?,
        None => None,
    };
    let bytes = match frozen {
        Some(b) => b,
        None => {
            let (data, sections) = (built.data.clone(), built.sections.clone());
            tokio::task::spawn_blocking(move || {
                if pdf {
                    gongkai_report::docs::pdf(&data, &sections).map_err(|e| match e {
                        gongkai_pdf::PdfError::NoCjkFont => AppError::Unavailable(format!(
                            "暂时无法生成 PDF：{e}。可先下载 DOCX 版本。"
                        )),
                        other => AppError::Internal(other.to_string()),
                    })
                } else {
                    gongkai_report::docs::docx(&data, &sections).map_err(AppError::Internal)
                }
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??
        }
    };
    let content_type = if pdf {
        "application/pdf"
    } else {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    };
    let name = format!("{}-{year}.{format}", code.unwrap_or("district"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn district_file(
    State(state): State<AppState>,
    Path((year, format)): Path<(String, String)>,
) -> Result<Response, AppError> {
    report_file(&state, &year, None, &format).await
}

async fn unit_file(
    State(state): State<AppState>,
    Path((year, code, format)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    report_file(&state, &year, Some(&code), &format).await
}
