//! The report builder: each unit's and the district's annual report, its prose with
//! placeholders bound to figures, the checks, publication as a frozen version (corrections as
//! new versions with a note), and the Art. 49 deadlines with each report's status.

use crate::AppState;
use crate::error::AppError;
use crate::posted::Posted;
use crate::report::{self as report_view, Built};
use crate::session::CurrentStaff;
use crate::site::{site_name, today};
use crate::view::{Me, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use gongkai_core::access::Action;
use gongkai_core::narrative::{Prose, SECTIONS, check};
use gongkai_store::report::ReportVersion;
use gongkai_store::units::Unit;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/reports", get(list))
        .route("/console/reports/{year}", get(builder).post(act))
}

/// Art. 49: departments publish by 31 January, governments by 31 March of the next year.
pub fn due_date(unit: &Unit, district: bool, year: i32) -> NaiveDate {
    let government = district || matches!(unit.kind.as_str(), "government" | "town");
    let (m, d) = if government { (3, 31) } else { (1, 31) };
    NaiveDate::from_ymd_opt(year + 1, m, d).unwrap_or_default()
}

/// One report's line on the list: whose, when due, where it stands.
pub struct StatusRow {
    pub code: String,
    pub name: String,
    pub district: bool,
    pub due: NaiveDate,
    pub status: String,
    /// overdue, due-soon or "".
    pub class: &'static str,
}

/// The status of every report of `year` this person may see.
pub async fn statuses(
    state: &AppState,
    me: &CurrentStaff,
    year: i32,
) -> Result<Vec<StatusRow>, AppError> {
    let published = state.store.published_reports(year).await?;
    let day = today();
    let mut out = Vec::new();
    for u in state.store.units().await? {
        if !me.staff().sees_unit(u.id) {
            continue;
        }
        let scopes: &[bool] = if u.parent_id.is_none() {
            &[true, false]
        } else {
            &[false]
        };
        for district in scopes {
            let scope = if *district { "district" } else { "unit" };
            let due = due_date(&u, *district, year);
            let v = published
                .iter()
                .find(|v| v.unit_id == u.id && v.scope == scope);
            let (status, class) = match v {
                Some(v) => (
                    format!(
                        "已发布第 {} 版（{}）",
                        v.version,
                        v.published_at.format("%Y-%m-%d")
                    ),
                    "",
                ),
                None if day > due => ("逾期未发布".to_string(), "overdue"),
                None if (due - day).num_days() <= 30 => {
                    ("即将到期，尚未发布".to_string(), "due-soon")
                }
                None => ("尚未发布".to_string(), ""),
            };
            out.push(StatusRow {
                code: u.code.clone(),
                name: if *district {
                    format!("{}（全区）", u.name)
                } else {
                    u.name.clone()
                },
                district: *district,
                due,
                status,
                class,
            });
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "console/reports.html")]
struct ListPage {
    me: Me,
    year: i32,
    rows: Vec<StatusRow>,
    charts: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
}

async fn list(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = q.year.unwrap_or(today().year() - 1);
    if !gongkai_core::report::REPORT_YEARS.contains(&year) {
        return Err(AppError::BadRequest("年度不在有效范围内。".into()));
    }
    // Units compared, and the district over the years on record.
    let by_unit: Vec<(String, u64)> = state
        .store
        .received_by_unit(year)
        .await?
        .into_iter()
        .take(20)
        .collect();
    let mut received = Vec::new();
    let mut on_time = Vec::new();
    // Years before gongkai ran come from the district's imported reports.
    let recorded = state.store.report_years().await?;
    let history = match state.store.root_unit().await? {
        Some(root) => state.store.report_history(root.id).await?,
        None => Vec::new(),
    };
    let mut years: Vec<i32> = recorded
        .iter()
        .copied()
        .chain(history.iter().map(|h| h.year))
        .collect();
    years.sort_unstable();
    years.dedup();
    for y in years.into_iter().rev().take(6).rev() {
        if !recorded.contains(&y) {
            if let Some(h) = history.iter().find(|h| h.year == y) {
                let label = format!("{y}年（已发布报告）");
                received.push((
                    label.clone(),
                    h.figure("applications_received").unwrap_or(0),
                ));
            }
            continue;
        }
        let d = state.store.report_data(y, None).await?;
        received.push((format!("{y}年"), d.figures.applications_received));
        let rate = (d.figures.applications_concluded_on_time * 100)
            .checked_div(d.figures.applications_concluded)
            .unwrap_or(0);
        on_time.push((format!("{y}年"), rate));
    }
    let charts = vec![
        gongkai_report::charts::bars(
            &format!("{year}年各单位收到申请（前20个单位）"),
            &by_unit,
            "件",
        ),
        gongkai_report::charts::bars("历年收到申请（全区）", &received, "件"),
        gongkai_report::charts::bars("历年按时办结率（全区，%）", &on_time, "%"),
    ];
    Ok(render(&ListPage {
        me: Me::of(&me.0),
        rows: statuses(&state, &me, year).await?,
        year,
        charts,
    }))
}

#[derive(Template)]
#[template(path = "console/report_builder.html")]
struct BuilderPage {
    me: Me,
    year: i32,
    unit: Unit,
    district: bool,
    query: String,
    figures: Vec<(String, String)>,
    sections: Vec<(&'static str, &'static str, String)>,
    drafted: bool,
    problems: Vec<String>,
    prose_problems: Vec<String>,
    blocking: bool,
    versions: Vec<ReportVersion>,
    can_edit: bool,
    notice: String,
    preview_url: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UnitQuery {
    unit: String,
    done: String,
}

fn can_edit(me: &CurrentStaff, unit: &Unit, district: bool) -> bool {
    let action = if district {
        Action::Administer
    } else {
        Action::WriteUnitReport
    };
    me.reaches(action, unit.id)
}

async fn built_for(
    state: &AppState,
    me: &CurrentStaff,
    year: &str,
    code: &str,
) -> Result<(i32, Built, bool), AppError> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| gongkai_core::report::REPORT_YEARS.contains(y))
        .ok_or_else(|| AppError::NotFound("没有这个年度的报告。".into()))?;
    let district = code.trim().is_empty();
    let built = report_view::build(&state.store, year, (!district).then_some(code.trim())).await?;
    if !me.reaches(Action::ReadUnitWork, built.unit.id) {
        return Err(AppError::Forbidden("您无权查看这份报告。".into()));
    }
    Ok((year, built, district))
}

fn blocking(built: &Built, prose_problems: &[String]) -> bool {
    !prose_problems.is_empty()
        || built
            .data
            .problems
            .iter()
            .any(|p| p.kind != "missing_records")
}

async fn builder_page(
    state: &AppState,
    me: &CurrentStaff,
    year: i32,
    built: Built,
    district: bool,
    notice: String,
) -> Result<Response, AppError> {
    let prose_problems: Vec<String> = check(&built.prose, &built.figures)
        .into_iter()
        .map(|p| format!("{}：{}", p.section, p.message))
        .collect();
    let code = if district {
        String::new()
    } else {
        built.unit.code.clone()
    };
    let page = BuilderPage {
        me: Me::of(&me.0),
        year,
        district,
        query: format!("unit={code}"),
        figures: built
            .figures
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        sections: SECTIONS
            .iter()
            .map(|(k, t)| (*k, *t, built.prose.get(*k).cloned().unwrap_or_default()))
            .collect(),
        drafted: built.drafted,
        problems: built
            .data
            .problems
            .iter()
            .map(|p| p.message.clone())
            .collect(),
        blocking: blocking(&built, &prose_problems),
        prose_problems,
        versions: state
            .store
            .report_versions(built.unit.id, built.scope(), year)
            .await?,
        can_edit: can_edit(me, &built.unit, district),
        notice,
        preview_url: if district {
            format!("/reports/{year}")
        } else {
            format!("/reports/{year}/units/{code}")
        },
        unit: built.unit,
    };
    Ok(render(&page))
}

async fn builder(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(year): Path<String>,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    let (year, built, district) = built_for(&state, &me, &year, &q.unit).await?;
    let notice = match q.done.as_str() {
        "saved" => "已保存。".to_string(),
        "published" => "已发布。门户年报栏目显示的是本版本，记录此后的变化不会改动它。".to_string(),
        _ => String::new(),
    };
    builder_page(&state, &me, year, built, district, notice).await
}

async fn act(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(year): Path<String>,
    Query(q): Query<UnitQuery>,
    posted: Posted,
) -> Result<Response, AppError> {
    me.check_csrf(posted.get("csrf"))?;
    let (year, built, district) = built_for(&state, &me, &year, &q.unit).await?;
    if !can_edit(&me, &built.unit, district) {
        return Err(AppError::Forbidden("您无权编辑这份报告。".into()));
    }
    let actor = me.actor();
    let prose: Prose = SECTIONS
        .iter()
        .map(|(k, _)| (k.to_string(), posted.get(k).replace("\r\n", "\n")))
        .collect();
    state
        .store
        .save_report_prose(&actor, built.unit.id, year, &prose)
        .await?;
    let code = if district {
        String::new()
    } else {
        built.unit.code.clone()
    };
    if posted.get("action") != "publish" {
        return Ok(
            Redirect::to(&format!("/console/reports/{year}?unit={code}&done=saved"))
                .into_response(),
        );
    }
    // Publish what was just saved, if every check passes.
    let (year, built, district) = built_for(&state, &me, &year.to_string(), &code).await?;
    let prose_problems: Vec<String> = check(&built.prose, &built.figures)
        .into_iter()
        .map(|p| format!("{}：{}", p.section, p.message))
        .collect();
    if blocking(&built, &prose_problems) {
        let notice = "未发布：请先解决下列问题。".to_string();
        return builder_page(&state, &me, year, built, district, notice).await;
    }
    let versions = state
        .store
        .report_versions(built.unit.id, built.scope(), year)
        .await?;
    let version = versions.first().map_or(1, |v| v.version + 1);
    let json = gongkai_report::to_json(&built.data);
    let json_url = if district {
        format!("/api/v1/reports/{year}")
    } else {
        format!("/api/v1/reports/{year}?unit={code}")
    };
    let mut page = report_view::page(
        &built.data,
        site_name(&state).await?,
        &built.sections,
        json_url,
    );
    let note = posted.get("note").trim().to_string();
    page.status_note = format!(
        "第 {version} 版，{} 发布{}",
        today(),
        if note.is_empty() {
            String::new()
        } else {
            format!("。更正说明：{note}")
        }
    );
    page.problems.clear();
    let html = report_view::html(&page).map_err(AppError::Internal)?;
    let (data, sections) = (built.data.clone(), built.sections.clone());
    let (docx, pdf) = tokio::task::spawn_blocking(move || {
        (
            gongkai_report::docs::docx(&data, &sections),
            gongkai_report::docs::pdf(&data, &sections).ok(),
        )
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let docx = docx.map_err(AppError::Internal)?;
    state
        .store
        .publish_report(
            &actor,
            built.unit.id,
            built.scope(),
            year,
            &json,
            &built.sections,
            &html,
            (&docx, pdf.as_deref()),
            &note,
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/console/reports/{year}?unit={code}&done=published"
    ))
    .into_response())
}
