//! `gongkai report check`: read published reports and print what was found and what is wrong.

use crate::{Failure, Outcome};
use gongkai_core::html::escape;
use gongkai_reader::{Reading, check_across_years, read};
use serde_json::Value;
use std::path::{Path, PathBuf};

const KEYS: [(&str, &str); 6] = [
    ("applications_received", "本年新收申请"),
    ("applications_carried_in", "上年结转"),
    ("applications_carried_out", "结转下年度"),
    ("reconsiderations", "行政复议"),
    ("lawsuits", "行政诉讼"),
    ("fees_collected_yuan", "收费（元）"),
];

/// `gongkai report import`: read one report and keep it as the unit's history.
pub async fn import(
    store: &gongkai_store::Store,
    file: &Path,
    unit: &str,
    year: Option<&str>,
    actor: &gongkai_store::actor::Actor,
) -> Outcome {
    let bytes =
        std::fs::read(file).map_err(|e| Failure(2, format!("无法读取 {}：{e}", file.display())))?;
    let r = read(&bytes);
    let year = match year {
        Some(y) => gongkai_core::report::parse_year(y)
            .ok_or_else(|| Failure(2, format!("年度“{y}”无效，应为四位数字，如 2020")))?,
        None => r
            .year
            .ok_or_else(|| Failure(2, "报告中没有找到年度，请用 --year 指定".into()))?,
    };
    if r.table3.is_none() {
        return Err(Failure(
            2,
            "报告中读不出表三，无法作为历史数据导入（先用 report check 查看原因）".into(),
        ));
    }
    let mut data = r.to_json();
    data["year"] = Value::from(year);
    store
        .import_report_history(actor, unit, year, &file.display().to_string(), &data)
        .await?;
    say!(
        "已导入 {} {year} 年报告（{}）作为历史数据；报告本身有 {} 个问题。",
        unit,
        file.display(),
        r.problems.len()
    );
    for p in &r.problems {
        say!("  - [{}] {}", p.kind, p.message);
    }
    Ok(())
}

/// Files named directly, and the reports inside folders (.html, .htm, .txt, .pdf).
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Failure(2, format!("无法读取目录 {}：{e}", p.display())))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| {
                    f.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                        ["html", "htm", "txt", "pdf"].contains(&x.to_ascii_lowercase().as_str())
                    })
                })
                .collect();
            inside.sort();
            out.extend(inside);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

pub fn run(paths: &[PathBuf], format: &str, summary: Option<&Path>) -> Outcome {
    if !matches!(format, "text" | "json") {
        return Err(Failure(
            2,
            format!("--format 应为 text 或 json，而不是“{format}”"),
        ));
    }
    let mut readings: Vec<(String, Reading)> = Vec::new();
    let mut unreadable = false;
    for f in files(paths)? {
        match std::fs::read(&f) {
            Ok(bytes) => readings.push((f.display().to_string(), read(&bytes))),
            Err(e) => {
                eprintln!("无法读取 {}：{e}", f.display());
                unreadable = true;
            }
        }
    }
    check_across_years(&mut readings);
    for (file, r) in &readings {
        if format == "json" {
            let mut v = r.to_json();
            v["file"] = Value::String(file.clone());
            say!("{}", serde_json::to_string(&v).unwrap_or_default());
        } else {
            print_text(file, r);
        }
    }
    if let Some(csv) = summary {
        write_summary(csv, &readings)?;
        say!(
            "汇总已写入 {} 和 {}",
            csv.display(),
            csv.with_extension("html").display()
        );
    }
    if unreadable || readings.iter().any(|(_, r)| r.unreadable()) {
        return Err(Failure(2, "有文件无法读取，或不是年度报告".into()));
    }
    if readings.iter().any(|(_, r)| !r.problems.is_empty()) {
        return Err(Failure(1, String::new()));
    }
    Ok(())
}

fn print_text(file: &str, r: &Reading) {
    say!("== {file}");
    say!(
        "年度 {} · 单位 {} · 格式 {}",
        r.year.map_or("未知".into(), |y| y.to_string()),
        r.unit.as_deref().unwrap_or("未知"),
        r.format.unwrap_or("未知")
    );
    let figures: Vec<String> = KEYS
        .iter()
        .filter_map(|(k, label)| r.figures.get(*k).map(|v| format!("{label} {v}")))
        .collect();
    if !figures.is_empty() {
        say!("数字：{}", figures.join("，"));
    }
    let mut fixed = Vec::new();
    if r.repairs.gbk_bytes {
        fixed.push("GBK 编码已转换".to_string());
    }
    if r.repairs.traditional {
        fixed.push("繁体已转为简体".into());
    }
    if r.repairs.glosses_removed > 0 {
        fixed.push(format!("去掉拼音注音 {} 处", r.repairs.glosses_removed));
    }
    if r.repairs.mojibake_fixed > 0 {
        fixed.push(format!("乱码还原 {} 处", r.repairs.mojibake_fixed));
    }
    if !fixed.is_empty() {
        say!("修复：{}", fixed.join("；"));
    }
    if r.problems.is_empty() {
        say!("未发现问题。");
    } else {
        say!("问题（{}）：", r.problems.len());
        for p in &r.problems {
            say!("  - [{}] {}", p.kind, p.message);
        }
    }
    say!("");
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_summary(csv: &Path, readings: &[(String, Reading)]) -> Outcome {
    let mut out = String::from("file,unit,year,format");
    for (k, _) in KEYS {
        out.push(',');
        out.push_str(k);
    }
    out.push_str(",problems\n");
    for (file, r) in readings {
        let mut row = vec![
            csv_field(file),
            csv_field(r.unit.as_deref().unwrap_or("")),
            r.year.map_or(String::new(), |y| y.to_string()),
            r.format.unwrap_or("").to_string(),
        ];
        for (k, _) in KEYS {
            row.push(r.figures.get(k).map_or(String::new(), |v| v.to_string()));
        }
        row.push(r.problems.len().to_string());
        out.push_str(&row.join(","));
        out.push('\n');
    }
    std::fs::write(csv, out).map_err(|e| Failure(2, format!("无法写入 {}：{e}", csv.display())))?;
    let html = overview(readings);
    let path = csv.with_extension("html");
    std::fs::write(&path, html).map_err(|e| Failure(2, format!("无法写入 {}：{e}", path.display())))
}

/// An HTML page comparing the units: applications received and problems found, as bars.
fn overview(readings: &[(String, Reading)]) -> String {
    let label = |f: &str, r: &Reading| {
        format!(
            "{} {}",
            r.unit.as_deref().unwrap_or(f),
            r.year.map_or(String::new(), |y| y.to_string())
        )
    };
    let bars = |title: &str, values: Vec<(String, u64)>| {
        let max = values.iter().map(|v| v.1).max().unwrap_or(0).max(1);
        let row_h = 24;
        let mut svg = format!(
            "<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" width=\"720\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
            escape(title),
            escape(title),
            values.len() * row_h + 8
        );
        for (i, (name, v)) in values.iter().enumerate() {
            let y = i * row_h + 4;
            let w = (*v as f64 / max as f64 * 400.0).round() as u64;
            svg.push_str(&format!(
                "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"260\" y=\"{}\" width=\"{w}\" height=\"16\" fill=\"#0b5394\"/><text x=\"{}\" y=\"{}\" font-size=\"13\">{v}</text>",
                y + 13,
                escape(name),
                y,
                265 + w,
                y + 13
            ));
        }
        svg.push_str("</svg></figure>");
        svg
    };
    let received: Vec<(String, u64)> = readings
        .iter()
        .map(|(f, r)| {
            (
                label(f, r),
                r.figures
                    .get("applications_received")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
            )
        })
        .collect();
    let problems: Vec<(String, u64)> = readings
        .iter()
        .map(|(f, r)| (label(f, r), r.problems.len() as u64))
        .collect();
    let mut rows = String::new();
    for (f, r) in readings {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(r.unit.as_deref().unwrap_or("")),
            r.year.map_or(String::new(), |y| y.to_string()),
            r.problems.len(),
            escape(f)
        ));
    }
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>年报体检汇总</title></head><body><h1>年报体检汇总（{} 份）</h1>{}{}<table><thead><tr><th>单位</th><th>年度</th><th>问题数</th><th>文件</th></tr></thead><tbody>{rows}</tbody></table></body></html>",
        readings.len(),
        bars("本年新收申请（件）", received),
        bars("发现的问题（个）", problems)
    )
}
