//! The annual report rendered from its model ([`ReportData`], computed from records by the
//! store): the open-data JSON, CSV of each table, the tables in the official merged-cell layout
//! (for the portal's HTML page), DOCX and PDF files, SVG charts, and the prose with its figures.
//! Also the official document layout (GB/T 9704) that letters share. No database here: the
//! caller computes the model and hands it over.

pub mod charts;
pub mod docs;
pub mod docx;
mod tables;

pub use tables::*;

use gongkai_core::narrative::{Figures, Prose, SECTIONS};
use gongkai_core::report::TABLE3_COLUMNS;
pub use gongkai_core::report::model::ReportData;
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

/// The subject of the prose: 全区 for the district, the unit's short name otherwise.
pub fn subject(r: &ReportData, short: &str) -> String {
    if r.scope == "district" {
        "全区".into()
    } else {
        short.to_string()
    }
}

/// The figures the prose can use: the report's, and the fee note of section 六.
pub fn figures(r: &ReportData) -> Figures {
    let mut m = r.figure_map();
    let f = &r.figures;
    let note = match f.fees_by_unit.len() {
        0 => String::new(),
        1 if r.scope == "district" => {
            let unit = f.fees_by_unit.keys().next().cloned().unwrap_or_default();
            format!("，均为{unit}收取")
        }
        1 => String::new(),
        _ => format!(
            "，其中{}",
            f.fees_by_unit
                .iter()
                .map(|(u, y)| format!("{u}{y}元"))
                .collect::<Vec<_>>()
                .join("，")
        ),
    };
    m.insert("fees_note".into(), note);
    m
}

/// The sections rendered from the prose: (title, text). A section with an unknown placeholder
/// is shown as written, and the problem is listed by [`gongkai_core::narrative::check`].
pub fn sections(prose: &Prose, figures: &Figures) -> Vec<(String, String)> {
    SECTIONS
        .iter()
        .map(|(key, title)| {
            let text = prose.get(*key).cloned().unwrap_or_default();
            let rendered = gongkai_core::narrative::render(&text, figures).unwrap_or(text);
            (title.to_string(), rendered)
        })
        .collect()
}

/// The non-empty lines of a section, trimmed: its paragraphs.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The charts of a report: answers by type, new applications by applicant, timeliness, and
/// reviews and lawsuits by result.
pub fn charts(r: &ReportData) -> Vec<String> {
    use crate::charts::bars;
    let mut by_type: Vec<(String, u64)> = Vec::new();
    for row in &r.table3.rows {
        if matches!(row.key, "new" | "carried_in" | "total" | "carried_out") {
            continue;
        }
        // （二）部分公开（区分处理的，只计这一情形，不计其他情形） → （二）部分公开
        let full = row.group.unwrap_or(row.label);
        let name = match full.find('）') {
            Some(i) => {
                let head = i + '）'.len_utf8();
                match full[head..].find('（') {
                    Some(j) => full[..head + j].to_string(),
                    None => full.to_string(),
                }
            }
            None => full.to_string(),
        };
        match by_type.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v += row.values[6],
            None => by_type.push((name, row.values[6])),
        }
    }
    let new = r.table3.row("new").map(|row| row.values).unwrap_or([0; 7]);
    let applicants: Vec<(String, u64)> = TABLE3_COLUMNS[..6]
        .iter()
        .zip(new.iter())
        .map(|(c, v)| (c.to_string(), *v))
        .collect();
    let f = &r.figures;
    let timely = vec![
        ("本年办结".to_string(), f.applications_concluded),
        ("其中按时办结".to_string(), f.applications_concluded_on_time),
        ("结转下年度".to_string(), f.applications_carried_out),
    ];
    let t4 = &r.table4.values;
    let labels = ["结果维持", "结果纠正", "其他结果", "尚未审结"];
    let mut cases: Vec<(String, u64)> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        cases.push((format!("行政复议 · {l}"), t4[i]));
    }
    for (i, l) in labels.iter().enumerate() {
        cases.push((format!("行政诉讼 · {l}"), t4[5 + i] + t4[10 + i]));
    }
    vec![
        bars(
            &format!("{}年办理结果（按答复类型）", r.year),
            &by_type,
            "件",
        ),
        bars(
            &format!("{}年新收申请（按申请人）", r.year),
            &applicants,
            "件",
        ),
        bars(&format!("{}年办结情况", r.year), &timely, "件"),
        bars(
            &format!("{}年行政复议和行政诉讼（按结果）", r.year),
            &cases,
            "件",
        ),
    ]
}

/// What differs between a published report's data and the records now: figures and table
/// cells, named for a person.
pub fn changes(published: &Value, now: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (published["figures"].as_object(), now["figures"].as_object()) {
        for (k, v) in a {
            if let Some(w) = b.get(k)
                && w != v
            {
                out.push(format!("{k}：发布时为 {v}，现在记录为 {w}"));
            }
        }
    }
    for t in ["二", "三", "四"] {
        if published["tables"][t] != now["tables"][t] {
            out.push(format!("表{t}的数据与现在的记录不一致"));
        }
    }
    out
}
