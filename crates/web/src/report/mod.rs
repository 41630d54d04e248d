//! The annual report as a portal page (in the site's chrome) and as the store builds it now: the
//! records' model, the office's prose and the rendered sections. The renderings themselves
//! (JSON, CSV, DOCX, PDF, charts, the merged-cell tables) are the `gongkai-report` crate's.

use crate::view::render;
use askama::Template;
use axum::response::Response;
use gongkai_core::narrative::{Figures, Prose};
use gongkai_core::report::{Format, TABLE3_NOTE};
use gongkai_report::{
    Block2Html, HtmlRow, charts, figures, paragraphs, sections, subject, table2_blocks, table3_rows,
};
use gongkai_store::report::ReportData;

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    pub site_name: String,
    pub title: String,
    pub year: i32,
    pub format_note: &'static str,
    pub note: &'static str,
    pub rows: Vec<HtmlRow>,
    pub t2: Vec<Block2Html>,
    pub t4: Vec<u64>,
    /// Section 一's five parts, then 五 and 六: (title, paragraphs).
    pub part_one: Vec<(String, Vec<String>)>,
    pub part_five: Vec<String>,
    pub part_six: Vec<String>,
    pub problems: Vec<String>,
    pub json_url: String,
    /// Above the report: published version and date, or that this is a live preview.
    pub status_note: String,
    /// Records changed after publication (shown on a frozen report).
    pub changes: Vec<String>,
    /// SVG charts of the year's figures.
    pub charts: Vec<String>,
}

impl ReportPage {
    /// The report's DOCX or PDF beside its JSON: /reports/Y/docx, /reports/Y/units/C/pdf.
    pub fn file_url(&self, format: &str) -> String {
        match self.json_url.split_once("?unit=") {
            Some((_, code)) => format!("/reports/{}/units/{code}/{format}", self.year),
            None => format!("/reports/{}/{format}", self.year),
        }
    }
}

/// The report page from the computed data and its rendered sections.
pub fn page(
    r: &ReportData,
    site_name: String,
    sections: &[(String, String)],
    json_url: String,
) -> ReportPage {
    let part = |i: usize| sections.get(i).map(|(t, x)| (t.clone(), paragraphs(x)));
    let part_one = (0..5)
        .filter_map(part)
        .map(|(t, p)| (t.trim_start_matches("一、总体情况 ").to_string(), p))
        .collect();
    ReportPage {
        title: format!("{}{}年政府信息公开工作年度报告", r.unit_name, r.year),
        site_name,
        year: r.year,
        format_note: match r.format {
            Format::F2019 => "本报告表格采用国办公开办函〔2019〕60号格式。",
            Format::F2021 => "本报告表格采用国办公开办函〔2021〕30号格式。",
        },
        note: TABLE3_NOTE,
        rows: table3_rows(r),
        t2: table2_blocks(r),
        t4: r.table4.values.to_vec(),
        part_one,
        part_five: part(5).map(|(_, p)| p).unwrap_or_default(),
        part_six: part(6).map(|(_, p)| p).unwrap_or_default(),
        problems: r.problems.iter().map(|p| p.message.clone()).collect(),
        json_url,
        status_note: String::new(),
        changes: Vec::new(),
        charts: charts(r),
    }
}

/// Render the page (for the CLI, as a string).
pub fn html(p: &ReportPage) -> Result<String, String> {
    p.render().map_err(|e| e.to_string())
}

pub fn response(p: &ReportPage) -> Response {
    render(p)
}

/// A report as made now from the records: its data, the prose (the office's draft or the
/// proposal) and the sections rendered from it.
pub struct Built {
    pub data: ReportData,
    pub unit: gongkai_store::units::Unit,
    pub prose: Prose,
    /// Whether the office has saved prose (false: the proposal).
    pub drafted: bool,
    pub figures: Figures,
    pub sections: Vec<(String, String)>,
}

impl Built {
    pub fn scope(&self) -> &'static str {
        self.data.scope
    }
}

pub async fn build(
    store: &gongkai_store::Store,
    year: i32,
    code: Option<&str>,
) -> Result<Built, gongkai_store::StoreError> {
    let data = store.report_data(year, code).await?;
    let unit = store
        .unit_by_code(&data.unit_code)
        .await?
        .ok_or_else(|| gongkai_store::StoreError::NotFound("没有这个单位".into()))?;
    let who = subject(&data, unit.display_short());
    let (prose, drafted) = store
        .report_prose(unit.id, year, &who, data.scope == "district")
        .await?;
    let figures = figures(&data);
    let sections = sections(&prose, &figures);
    Ok(Built {
        data,
        unit,
        prose,
        drafted,
        figures,
        sections,
    })
}

/// A year from the path: 2008 (the first year of disclosure reports) to last year.
pub fn parse_year_path(s: &str) -> Result<i32, crate::error::AppError> {
    use chrono::Datelike;
    let last = crate::site::today().year() - 1;
    s.parse::<i32>()
        .ok()
        .filter(|y| (2008..=last).contains(y))
        .ok_or_else(|| {
            crate::error::AppError::NotFound(format!(
                "没有“{s}”年度的报告：年度报告按上一年度出具，范围为 2008–{last} 年。"
            ))
        })
}
