//! The portal's proactive disclosure: each unit's catalog tree, column listings (newest first,
//! paged), each publication's page with the information-index box, public attachments, and the
//! basic catalogs.

use crate::AppState;
use crate::error::AppError;
use crate::site::site_name;
use crate::view::render;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use gongkai_core::publishing::Status;
use gongkai_store::files::AttachmentInfo;
use gongkai_store::normative::{BasicCatalog, BasicCatalogEntry};
use gongkai_store::publishing::{
    Column, ColumnNode, Publication, PublicationFilter, PublicationRow,
};
use gongkai_store::units::Unit;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/units/{code}/catalog", get(catalog))
        .route("/columns/{id}", get(column))
        .route("/publications/{id}", get(publication))
        .route("/files/{id}", get(file))
        .route("/catalogs/{id}", get(basic_catalog))
        .route("/columns/{id}/rss", get(rss))
        .route("/sitemap.xml", get(sitemap))
}

fn xml(body: String, content_type: &'static str) -> Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// A column by the id in the path, with its unit; a 404 for anything else.
async fn column_and_unit(state: &AppState, id: &str) -> Result<(Column, Unit), AppError> {
    let column = state
        .store
        .column(id_of(id, "这个栏目")?)
        .await?
        .ok_or_else(|| missing("这个栏目"))?;
    let unit = state
        .store
        .unit_by_id(column.unit_id)
        .await?
        .ok_or_else(|| missing("这个栏目"))?;
    Ok((column, unit))
}

/// RSS 2.0 of a column: its newest 20 published items.
async fn rss(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (column, unit) = column_and_unit(&state, &id).await?;
    let (_, rows) = state
        .store
        .publications(&PublicationFilter {
            column_id: Some(column.id),
            status: Some(Status::Published),
            per_page: 20,
            ..Default::default()
        })
        .await?;
    let base = crate::hant::base_url(&state, &headers);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{} · {}</title><link>{base}/columns/{}</link><description>{}政府信息公开 · {}</description><language>zh-cn</language>",
        crate::view::xml_escape(&unit.name),
        crate::view::xml_escape(&column.name),
        column.id,
        crate::view::xml_escape(&unit.name),
        crate::view::xml_escape(&column.name)
    );
    for r in rows {
        let date = r
            .published_on
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().to_rfc2822())
            .unwrap_or_default();
        out.push_str(&format!(
            "<item><title>{}</title><link>{base}/publications/{id}</link><guid>{base}/publications/{id}</guid><pubDate>{date}</pubDate><description>{}</description></item>",
            crate::view::xml_escape(&r.title),
            crate::view::xml_escape(&format!("{} {}", r.index_no, r.doc_number)),
            id = r.id,
        ));
    }
    out.push_str("</channel></rss>");
    Ok(xml(out, "application/rss+xml; charset=utf-8"))
}

/// Every public page worth finding: home, guides, catalogs, columns, published items, reports.
async fn sitemap(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let base = crate::hant::base_url(&state, &headers);
    let mut urls: Vec<(String, Option<chrono::NaiveDate>)> = vec![
        ("/".into(), None),
        ("/apply".into(), None),
        ("/reports".into(), None),
        ("/interact".into(), None),
    ];
    for u in state.store.units().await? {
        urls.push((format!("/units/{}", u.code), None));
        urls.push((format!("/units/{}/catalog", u.code), None));
        for n in state.store.column_tree(u.id, false).await? {
            urls.push((format!("/columns/{}", n.column.id), None));
        }
    }
    for y in state.store.report_years().await? {
        urls.push((format!("/reports/{y}"), None));
    }
    // A sitemap holds 50,000 addresses at most: the newest items fill what is left.
    let room = 50_000usize.saturating_sub(urls.len()) as i64;
    let (_, items) = state
        .store
        .publications(&PublicationFilter {
            status: Some(Status::Published),
            per_page: room.min(50_000),
            ..Default::default()
        })
        .await?;
    for r in items {
        urls.push((format!("/publications/{}", r.id), r.published_on));
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
    );
    for (u, d) in urls {
        out.push_str(&format!(
            "<url><loc>{base}{}</loc>",
            crate::view::xml_escape(&u)
        ));
        if let Some(d) = d {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>");
    }
    out.push_str("</urlset>");
    Ok(xml(out, "application/xml; charset=utf-8"))
}

fn missing(what: &str) -> AppError {
    AppError::NotFound(format!(
        "没有找到{what}，它可能已被撤回或地址有误。请从首页重新进入。"
    ))
}

/// An id from the path; anything else is a 404, not a 400, as for any page that is not there.
fn id_of(s: &str, what: &str) -> Result<i64, AppError> {
    s.parse().map_err(|_| missing(what))
}

#[derive(Template)]
#[template(path = "portal/catalog.html")]
struct CatalogPage {
    site_name: String,
    unit: Unit,
    nodes: Vec<ColumnNode>,
    counts: std::collections::HashMap<i64, i64>,
    catalogs: Vec<BasicCatalog>,
}

impl CatalogPage {
    fn count(&self, id: &i64) -> i64 {
        self.counts.get(id).copied().unwrap_or(0)
    }
}

async fn catalog(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let unit = state
        .store
        .unit_by_code(&code)
        .await?
        .ok_or_else(|| missing("这个单位"))?;
    Ok(render(&CatalogPage {
        site_name: site_name(&state).await?,
        nodes: state.store.column_tree(unit.id, false).await?,
        counts: state.store.column_counts(unit.id).await?,
        catalogs: state.store.basic_catalogs(Some(unit.id)).await?,
        unit,
    }))
}

#[derive(Template)]
#[template(path = "portal/column.html")]
struct ColumnPage {
    site_name: String,
    unit: Unit,
    column: Column,
    children: Vec<ColumnNode>,
    rows: Vec<PublicationRow>,
    total: i64,
    page: i64,
    pages: i64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    page: String,
}

const PER_PAGE: i64 = 20;

async fn column(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let (column, unit) = column_and_unit(&state, &id).await?;
    let page = q.page.parse::<i64>().unwrap_or(0).clamp(0, 100_000);
    let (total, rows) = state
        .store
        .publications(&PublicationFilter {
            column_id: Some(column.id),
            status: Some(Status::Published),
            page,
            per_page: PER_PAGE,
            ..Default::default()
        })
        .await?;
    let children = state
        .store
        .column_tree(unit.id, false)
        .await?
        .into_iter()
        .filter(|n| n.column.parent_id == Some(column.id))
        .collect();
    Ok(render(&ColumnPage {
        site_name: site_name(&state).await?,
        unit,
        column,
        children,
        rows,
        total,
        page,
        pages: (total + PER_PAGE - 1) / PER_PAGE,
    }))
}

#[derive(Template)]
#[template(path = "portal/publication.html")]
struct PublicationPage {
    site_name: String,
    p: Publication,
    unit: Unit,
    columns: Vec<Column>,
    attachments: Vec<AttachmentInfo>,
    interprets: Option<Publication>,
    interpretations: Vec<PublicationRow>,
}

async fn published(state: &AppState, id: i64) -> Result<Publication, AppError> {
    state
        .store
        .publication(id)
        .await?
        .filter(|p| p.status() == Status::Published)
        .ok_or_else(|| missing("这条信息"))
}

async fn publication(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let p = published(&state, id_of(&id, "这条信息")?).await?;
    let unit = state
        .store
        .unit_by_id(p.unit_id)
        .await?
        .ok_or_else(|| missing("这条信息"))?;
    let interprets = match p.interprets_id {
        Some(i) => state
            .store
            .publication(i)
            .await?
            .filter(|x| x.status() == Status::Published),
        None => None,
    };
    Ok(render(&PublicationPage {
        site_name: site_name(&state).await?,
        columns: state.store.publication_columns(p.id).await?,
        attachments: state.store.attachments("publication", p.id).await?,
        interpretations: state.store.interpretations_of(p.id).await?,
        interprets,
        unit,
        p,
    }))
}

/// An attachment of a published item (nothing else is public).
async fn file(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let (info, data) = state
        .store
        .attachment(id_of(&id, "这个附件")?)
        .await?
        .ok_or_else(|| missing("这个附件"))?;
    if info.owner_kind != "publication" {
        return Err(missing("这个附件"));
    }
    published(&state, info.owner_id).await?;
    Ok(crate::view::download(&info, data))
}

#[derive(Template)]
#[template(path = "portal/basic_catalog.html")]
struct BasicCatalogPage {
    site_name: String,
    unit: Unit,
    catalog: BasicCatalog,
    entries: Vec<BasicCatalogEntry>,
}

async fn basic_catalog(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id_of(&id, "这个目录")?;
    let catalog = state
        .store
        .basic_catalogs(None)
        .await?
        .into_iter()
        .find(|c| c.id == id && c.published_on.is_some())
        .ok_or_else(|| missing("这个目录"))?;
    let unit = state
        .store
        .unit_by_id(catalog.unit_id)
        .await?
        .ok_or_else(|| missing("这个目录"))?;
    Ok(render(&BasicCatalogPage {
        site_name: site_name(&state).await?,
        entries: state.store.basic_catalog_entries(id).await?,
        unit,
        catalog,
    }))
}
