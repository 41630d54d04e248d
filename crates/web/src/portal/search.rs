//! Search on the portal (`/search`); the same reading of the query serves `/api/v1/search`.
//! Whatever is typed gets a normal answer: the query is text to look for, never syntax, and is
//! shown escaped.

use crate::AppState;
use crate::error::AppError;
use crate::site::site_name;
use crate::view::render;
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use gongkai_search::{FacetCount, Hit, Results, SearchQuery};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/search", get(page))
}

pub(crate) const PER_PAGE: usize = 10;

/// The parameters as typed; each is read leniently.
#[derive(Deserialize, Default, Clone, Serialize)]
#[serde(default)]
pub(crate) struct Params {
    q: String,
    unit: String,
    year: String,
    column: String,
    #[serde(rename = "type")]
    genre: String,
    sort: String,
    page: String,
}

impl Params {
    pub(crate) fn from_raw(raw: Option<&str>) -> Params {
        serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
    }

    /// The query, and a message when a parameter was not understood.
    pub(crate) fn query(&self, per_page: usize) -> (SearchQuery, Option<String>) {
        let mut problem = None;
        let year = match self.year.trim() {
            "" => None,
            y => match y.parse::<i32>().ok().filter(|y| (1900..=2100).contains(y)) {
                Some(y) => Some(y),
                None => {
                    problem = Some(format!(
                        "年份“{}”无法识别，已忽略；请写四位数字，如 2021。",
                        clip(y)
                    ));
                    None
                }
            },
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        (
            SearchQuery {
                text: self.q.clone(),
                unit: opt(&self.unit),
                year,
                column: opt(&self.column),
                genre: opt(&self.genre),
                page: self.page.trim().parse().unwrap_or(1),
                per_page,
                by_date: self.sort == "date",
            },
            problem,
        )
    }

    fn href(&self, change: impl FnOnce(&mut Params)) -> String {
        let mut p = self.clone();
        p.page = String::new();
        change(&mut p);
        let pairs: Vec<(&str, &str)> = [
            ("q", p.q.as_str()),
            ("unit", &p.unit),
            ("year", &p.year),
            ("column", &p.column),
            ("type", &p.genre),
            ("sort", &p.sort),
            ("page", &p.page),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        format!(
            "/search?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

fn clip(s: &str) -> String {
    s.chars().take(20).collect()
}

struct FacetLink {
    label: String,
    count: u64,
    href: String,
    active: bool,
}

struct FacetGroup {
    title: &'static str,
    links: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "portal/search.html")]
struct SearchPage {
    site_name: String,
    q: String,
    by_date: bool,
    notices: Vec<String>,
    searched: bool,
    total: usize,
    hits: Vec<(Hit, String)>,
    groups: Vec<FacetGroup>,
    clear_filters: Option<String>,
    sort_relevance: String,
    sort_date: String,
    prev: Option<String>,
    next: Option<String>,
    page: usize,
    pages: usize,
}

pub(crate) async fn unit_names(
    state: &AppState,
) -> Result<HashMap<String, String>, gongkai_store::StoreError> {
    Ok(state
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect())
}

pub(crate) async fn run(state: &AppState, q: &SearchQuery) -> Result<Results, String> {
    state.search.ready(&state.store).await;
    state.search.index().search(q).map_err(|e| {
        tracing::error!(error = %e, "search failed");
        "检索暂时无法使用，请稍后再试。".to_string()
    })
}

async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let p = Params::from_raw(raw.as_deref());
    let (q, problem) = p.query(PER_PAGE);
    let mut notices: Vec<String> = problem.into_iter().collect();
    let results = match run(&state, &q).await {
        Ok(r) => r,
        Err(m) => {
            notices.push(m);
            Results::default()
        }
    };
    if results.truncated {
        notices.push(format!(
            "检索词过长，只按前 {} 个字、前 {} 个词检索。",
            gongkai_search::MAX_QUERY_CHARS,
            gongkai_search::MAX_TERMS
        ));
    }
    let names = unit_names(&state).await?;
    let searched = !results.terms.is_empty()
        || q.unit.is_some()
        || q.year.is_some()
        || q.column.is_some()
        || q.genre.is_some();
    let group = |title: &'static str,
                 counts: &[FacetCount],
                 current: &str,
                 label: &dyn Fn(&str) -> String,
                 set: fn(&mut Params, String)| FacetGroup {
        title,
        links: counts
            .iter()
            .take(12)
            .map(|f| FacetLink {
                label: label(&f.value),
                count: f.count,
                active: f.value == current.trim(),
                href: p.href(|x| set(x, f.value.clone())),
            })
            .collect(),
    };
    let same = |v: &str| v.to_string();
    let groups = vec![
        group(
            "发布机构",
            &results.facets.unit,
            &p.unit,
            &|v| names.get(v).cloned().unwrap_or_else(|| v.to_string()),
            |x, v| x.unit = v,
        ),
        group("年份", &results.facets.year, &p.year, &same, |x, v| {
            x.year = v
        }),
        group(
            "栏目",
            &results.facets.column,
            &p.column,
            &same,
            |x, v| x.column = v,
        ),
        group("体裁", &results.facets.genre, &p.genre, &same, |x, v| {
            x.genre = v
        }),
    ]
    .into_iter()
    .filter(|g| !g.links.is_empty())
    .collect();
    let filtered = [&p.unit, &p.year, &p.column, &p.genre]
        .iter()
        .any(|v| !v.trim().is_empty());
    let page = q.page.clamp(1, gongkai_search::MAX_PAGE);
    let pages = results
        .total
        .div_ceil(PER_PAGE)
        .min(gongkai_search::MAX_PAGE);
    let at = |n: usize| p.href(|x| x.page = if n > 1 { n.to_string() } else { String::new() });
    let hits = results
        .hits
        .into_iter()
        .map(|h| {
            let unit = names
                .get(&h.unit)
                .cloned()
                .unwrap_or_else(|| h.unit.clone());
            (h, unit)
        })
        .collect();
    Ok(render(&SearchPage {
        site_name: site_name(&state).await?,
        q: p.q.chars().take(gongkai_search::MAX_QUERY_CHARS).collect(),
        by_date: q.by_date,
        notices,
        searched,
        total: results.total,
        hits,
        groups,
        clear_filters: filtered.then(|| {
            p.href(|x| {
                x.unit.clear();
                x.year.clear();
                x.column.clear();
                x.genre.clear();
            })
        }),
        sort_relevance: p.href(|x| x.sort.clear()),
        sort_date: p.href(|x| x.sort = "date".into()),
        prev: (page > 1).then(|| at(page - 1)),
        next: (page < pages).then(|| at(page + 1)),
        page,
        pages,
    }))
}
