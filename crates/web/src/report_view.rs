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
    let d = &r.disclosure;
    let e = &r.engagement;
    json!({
        "format": r.format.as_str(),
        "year": r.year,
        "unit": {"code": r.unit_code, "name": r.unit_name},
        "scope": r.scope,
        "tables": {
            "二": {
                "rows": r.table2.rows.iter().map(|row| json!({"block": row.block, "label": row.label, "values": row.values})).collect::<Vec<_>>(),
            },
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
            "catalogs_published": d.catalogs_published,
            "pilot_catalog_items": d.pilot_catalog_items,
            "portal_items": d.portal_items,
            "major_catalog_items": d.major_catalog_items,
            "epidemic_column_items": d.epidemic_column_items,
            "stability_column_items": d.stability_column_items,
            "topic_columns": d.topic_columns,
            "documents_evaluated": d.documents_evaluated,
            "documents_adjusted": d.documents_adjusted,
            "documents_evaluated_by_unit": d.documents_evaluated_by_unit,
            "interpretations": e.interpretations,
            "video_interpretations": e.video_interpretations,
            "hot_responses": e.hot_responses,
            "consultations": e.consultations,
            "interviews": e.interviews,
            "new_media_accounts": e.new_media_accounts,
            "new_media_posts": e.new_media_posts,
            "inspection_notices": e.inspection_notices,
            "problems_rectified": e.problems_rectified,
            "trainings": e.trainings,
            "city_trainings": e.city_trainings,
            "training_attendance": e.training_attendance,
            "service_items": e.service_items,
            "service_items_one_visit": e.service_items_one_visit,
            "public_service_items": e.public_service_items,
            "service_items_online": e.service_items_online,
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
        "二" | "2" => {
            out.push_str("栏目,信息内容,数值1,数值2,数值3\n");
            for row in &r.table2.rows {
                let values: Vec<String> = row.values.iter().map(|c| c.text()).collect();
                out.push_str(&format!(
                    "{},{},{}\n",
                    csv_cell(row.block),
                    csv_cell(row.label),
                    values.join(",")
                ));
            }
        }
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
                "没有表“{other}”：CSV 可输出表二、表三或表四（--table 二、三 或 四）"
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

/// A block of table 二 as laid out: caption, headers (text, colspan), rows (label, cells).
pub struct Block2Html {
    pub caption: &'static str,
    pub headers: Vec<(&'static str, usize)>,
    pub rows: Vec<(&'static str, Vec<(String, usize)>)>,
}

/// Spread `n` columns over the grid's three value columns: the last one takes what is left.
fn spans(n: usize) -> Vec<usize> {
    (0..n)
        .map(|i| if i + 1 == n { 3 - (n - 1).min(2) } else { 1 })
        .collect()
}

fn table2_blocks(r: &ReportData) -> Vec<Block2Html> {
    r.table2
        .blocks
        .iter()
        .map(|b| {
            let sp = spans(b.columns.len());
            Block2Html {
                caption: b.caption,
                headers: b.columns.iter().copied().zip(sp.iter().copied()).collect(),
                rows: r
                    .table2
                    .rows
                    .iter()
                    .filter(|row| row.block == b.caption)
                    .map(|row| {
                        let cells = row
                            .values
                            .iter()
                            .map(|c| c.text())
                            .zip(sp.iter().copied())
                            .collect();
                        (row.label, cells)
                    })
                    .collect(),
            }
        })
        .collect()
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
    pub t2: Vec<Block2Html>,
    pub t4: Vec<u64>,
    pub disclosure_paragraph: String,
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
    let d = &r.disclosure;
    let mut disclosure_paragraph = format!(
        "{}年，{who}通过政府网站主动公开政府信息{}条，其中在政府信息公开目录、重点领域信息公开目录、“五公开”目录等主要目录公开{}条",
        r.year, d.portal_items, d.major_catalog_items
    );
    if d.epidemic_column_items > 0 {
        disclosure_paragraph.push_str(&format!(
            "；疫情防控专栏发布信息{}条，其中“六稳”“六保”子栏目{}条",
            d.epidemic_column_items, d.stability_column_items
        ));
    }
    if d.catalogs_published > 0 {
        disclosure_paragraph.push_str(&format!(
            "；编制并公布主动公开基本目录{}个",
            d.catalogs_published
        ));
    }
    if d.pilot_catalog_items > 0 {
        disclosure_paragraph.push_str(&format!(
            "；试点领域基层政务公开标准目录累计载入信息{}条",
            d.pilot_catalog_items
        ));
    }
    disclosure_paragraph.push('。');
    if d.documents_evaluated > 0 {
        let parts: Vec<String> = d
            .documents_evaluated_by_unit
            .iter()
            .map(|(u, n)| format!("{u}文件{n}件"))
            .collect();
        disclosure_paragraph.push_str(&format!(
            "组织开展规范性文件公开属性和有效性评估，共评估{}（合计{}件），调整并重新标注{}件。",
            parts.join("、"),
            d.documents_evaluated,
            d.documents_adjusted
        ));
    }
    ReportPage {
        title: format!("{}{}年政府信息公开工作年度报告", r.unit_name, r.year),
        t2: table2_blocks(r),
        disclosure_paragraph,
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
