//! The annual report as people read it: the open-data JSON, CSV of each table, and the HTML page
//! with the official merged-cell layout. All from [`ReportData`], which is computed from records.

use crate::view::render;
use askama::Template;
use axum::response::Response;
use gongkai_core::report::{Format, TABLE3_COLUMNS, TABLE3_NOTE};
use gongkai_store::report::ReportData;
use serde_json::{Value, json};

/// The stable open-data JSON of a report (documented in the README).
pub fn to_json(r: &ReportData) -> Value {
    let f = &r.figures;
    json!({
        "format": r.format.as_str(),
        "year": r.year,
        "unit": {"code": r.unit_code, "name": r.unit_name},
        "scope": r.scope,
        "tables": {
            "三": {
                "columns": TABLE3_COLUMNS,
                "rows": r.table3.rows.iter().map(|row| json!({"group": row.group, "label": row.label, "values": row.values})).collect::<Vec<_>>(),
            },
            "四": {"columns": r.table4.columns, "values": r.table4.values},
        },
        "figures": {
            "applications_received": f.applications_received,
            "applications_carried_in": f.applications_carried_in,
            "applications_concluded": f.applications_concluded,
            "applications_concluded_on_time": f.applications_concluded_on_time,
            "applications_carried_out": f.applications_carried_out,
            "reconsiderations": f.reconsiderations,
            "lawsuits": f.lawsuits,
            "fees_collected_yuan": f.fees_collected_yuan,
            "fees_by_unit": f.fees_by_unit,
        },
        "problems": r.problems,
    })
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Table 三 or 四 as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese).
pub fn to_csv(r: &ReportData, table: &str) -> Result<String, String> {
    let mut out = String::from("\u{feff}");
    match table {
        "三" | "3" => {
            out.push_str("分组,项目,");
            out.push_str(&TABLE3_COLUMNS.join(","));
            out.push('\n');
            for row in &r.table3.rows {
                let values: Vec<String> = row.values.iter().map(u64::to_string).collect();
                out.push_str(&format!(
                    "{},{},{}\n",
                    csv_cell(row.group.unwrap_or("")),
                    csv_cell(row.label),
                    values.join(",")
                ));
            }
        }
        "四" | "4" => {
            out.push_str(&r.table4.columns.join(","));
            out.push('\n');
            let values: Vec<String> = r.table4.values.iter().map(u64::to_string).collect();
            out.push_str(&values.join(","));
            out.push('\n');
        }
        other => {
            return Err(format!(
                "没有表“{other}”：CSV 可输出表三或表四（--table 三 或 --table 四）"
            ));
        }
    }
    Ok(out)
}

/// One header or label cell of the merged layout.
pub struct Cell {
    pub text: &'static str,
    pub rowspan: usize,
    pub colspan: usize,
}

/// One row of table 三 in the merged layout: the label cells it starts, then its numbers.
pub struct HtmlRow {
    pub cells: Vec<Cell>,
    pub values: Vec<u64>,
}

fn table3_rows(r: &ReportData) -> Vec<HtmlRow> {
    let rows = &r.table3.rows;
    let result_rows = rows
        .iter()
        .filter(|row| !matches!(row.key, "new" | "carried_in" | "carried_out"))
        .count();
    let mut out = Vec::new();
    let mut first_result = true;
    let mut i = 0;
    while i < rows.len() {
        let row = &rows[i];
        let mut cells = Vec::new();
        match row.key {
            "new" | "carried_in" | "carried_out" => cells.push(Cell {
                text: row.label,
                rowspan: 1,
                colspan: 3,
            }),
            _ => {
                if first_result {
                    cells.push(Cell {
                        text: "三、本年度办理结果",
                        rowspan: result_rows,
                        colspan: 1,
                    });
                    first_result = false;
                }
                match row.group {
                    Some(g) => {
                        let first_in_group = i == 0 || rows[i - 1].group != Some(g);
                        if first_in_group {
                            let n = rows[i..].iter().take_while(|x| x.group == Some(g)).count();
                            cells.push(Cell {
                                text: g,
                                rowspan: n,
                                colspan: 1,
                            });
                        }
                        cells.push(Cell {
                            text: row.label,
                            rowspan: 1,
                            colspan: 1,
                        });
                    }
                    None => cells.push(Cell {
                        text: row.label,
                        rowspan: 1,
                        colspan: 2,
                    }),
                }
            }
        }
        out.push(HtmlRow {
            cells,
            values: row.values.to_vec(),
        });
        i += 1;
    }
    out
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    pub site_name: String,
    pub title: String,
    pub year: i32,
    pub format_note: &'static str,
    pub note: &'static str,
    pub rows: Vec<HtmlRow>,
    pub t4: Vec<u64>,
    pub applications_paragraph: String,
    pub cases_paragraph: String,
    pub fees_paragraph: String,
    pub problems: Vec<String>,
    pub json_url: String,
}

/// The subject of the prose: 全区 for the district, the unit's short name otherwise.
fn subject(r: &ReportData, short: &str) -> String {
    if r.scope == "district" {
        "全区".into()
    } else {
        short.to_string()
    }
}

pub fn page(r: &ReportData, site_name: String, short_name: &str, json_url: String) -> ReportPage {
    let f = &r.figures;
    let who = subject(r, short_name);
    let t4 = &r.table4.values;
    let applications_paragraph = format!(
        "{}年，{who}共收到政府信息公开申请{}件，上年结转{}件，按时办结{}件，结转下年度继续办理{}件。",
        r.year,
        f.applications_received,
        f.applications_carried_in,
        f.applications_concluded_on_time,
        f.applications_carried_out
    );
    let cases_paragraph = format!(
        "{}年，{who}共发生政府信息公开行政复议案件{}件（结果维持{}件，结果纠正{}件，其他结果{}件，尚未审结{}件），行政诉讼案件{}件（结果维持{}件，结果纠正{}件，其他结果{}件，尚未审结{}件）。",
        r.year,
        t4[4],
        t4[0],
        t4[1],
        t4[2],
        t4[3],
        f.lawsuits,
        t4[5] + t4[10],
        t4[6] + t4[11],
        t4[7] + t4[12],
        t4[8] + t4[13]
    );
    let fees_paragraph = match f.fees_by_unit.len() {
        0 => format!("{}年，{who}未收取信息处理费。", r.year),
        1 => {
            let (unit, _) = f
                .fees_by_unit
                .iter()
                .next()
                .map(|(u, y)| (u.clone(), *y))
                .unwrap_or_default();
            if r.scope == "district" {
                format!(
                    "{}年，{who}共收取信息处理费{}元，均为{unit}收取。",
                    r.year, f.fees_collected_yuan
                )
            } else {
                format!(
                    "{}年，{who}共收取信息处理费{}元。",
                    r.year, f.fees_collected_yuan
                )
            }
        }
        _ => {
            let parts: Vec<String> = f
                .fees_by_unit
                .iter()
                .map(|(u, y)| format!("{u}{y}元"))
                .collect();
            format!(
                "{}年，{who}共收取信息处理费{}元，其中{}。",
                r.year,
                f.fees_collected_yuan,
                parts.join("，")
            )
        }
    };
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
        t4: t4.to_vec(),
        applications_paragraph,
        cases_paragraph,
        fees_paragraph,
        problems: r.problems.iter().map(|p| p.message.clone()).collect(),
        json_url,
    }
}

/// Render the page (for the CLI, as a string).
pub fn html(p: &ReportPage) -> Result<String, String> {
    p.render().map_err(|e| e.to_string())
}

pub fn response(p: &ReportPage) -> Response {
    render(p)
}
