//! The report reader (年报体检): reads a published annual report — an HTML page, plain text
//! (also as PDF extractors leave it: cells column by column, wrapped, or run together), or a
//! PDF — repairs what the bytes allow, extracts the year, the unit, the three tables and the
//! figures stated in the prose, and says what is wrong: identities of the format that do not
//! hold, prose that disagrees with the tables, missing sections, tables or rows, numbers that
//! can be split more than one way, and carry-over between years of the same unit.
//!
//! It shares the labels and the identity checks with the report gongkai writes
//! (`gongkai_core::report`), so what it reads has the same structure as the report JSON.

pub mod repair;

use gongkai_core::report::{
    Decisions, Format, TABLE3_COLUMNS, TABLE4_COLUMNS, Table3, Table4, check, table2, table3,
};
use regex::Regex;
use repair::Repairs;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

mod layout;
use layout::*;

/// Something wrong with a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    /// `identity`, `carry_over`, `prose_mismatch`, `missing_section`, `missing_table`,
    /// `missing_row`, `ambiguous`, `unreadable`, `repair`.
    pub kind: String,
    pub message: String,
}

fn problem(kind: &str, message: String) -> Problem {
    Problem {
        kind: kind.into(),
        message,
    }
}

/// What was read from one report.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub year: Option<i32>,
    pub unit: Option<String>,
    /// `2019` or `2021`.
    pub format: Option<&'static str>,
    #[serde(skip)]
    pub table3: Option<Table3>,
    #[serde(skip)]
    pub table4: Option<Table4>,
    #[serde(skip)]
    pub table2: Option<Vec<(String, String, Vec<Value>)>>,
    pub figures: BTreeMap<&'static str, Value>,
    pub problems: Vec<Problem>,
    pub repairs: Repairs,
}

impl Reading {
    /// The JSON of the report format (`year`, `unit`, `format`, `tables`, `figures`,
    /// `problems`) plus what was repaired.
    pub fn to_json(&self) -> Value {
        let mut tables = serde_json::Map::new();
        if let Some(rows) = &self.table2 {
            tables.insert(
                "二".into(),
                json!({"rows": rows.iter().map(|(b, l, v)| json!({"block": b, "label": l, "values": v})).collect::<Vec<_>>()}),
            );
        }
        if let Some(t) = &self.table3 {
            tables.insert(
                "三".into(),
                json!({"columns": TABLE3_COLUMNS, "rows": t.rows.iter().map(|r| json!({"group": r.group, "label": r.label, "values": r.values})).collect::<Vec<_>>()}),
            );
        }
        if let Some(t) = &self.table4 {
            tables.insert(
                "四".into(),
                json!({"columns": TABLE4_COLUMNS, "values": t.values}),
            );
        }
        json!({
            "year": self.year,
            "unit": {"code": null, "name": self.unit},
            "format": self.format,
            "tables": tables,
            "figures": self.figures,
            "problems": self.problems,
            "repairs": self.repairs,
        })
    }
}

/// Read one report from its bytes. Never panics; what cannot be read becomes a problem.
pub fn read(bytes: &[u8]) -> Reading {
    let mut repairs = Repairs::default();
    let mut problems = Vec::new();
    let raw = if bytes.starts_with(b"%PDF") {
        // Decoded within the scan's limits first: an inflate bomb is refused, not expanded.
        if let Err(e) = gongkai_scan::pdf_within(bytes, gongkai_scan::Limits::default()) {
            problems.push(problem("unreadable", format!("PDF 无法读取文字：{e}")));
            let mut reading = analyse("", problems);
            reading.repairs = repairs;
            return reading;
        }
        let owned = bytes.to_vec();
        // The PDF library can panic on damaged files: contain it.
        match std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&owned)) {
            Ok(Ok(text)) => text,
            Ok(Err(e)) => {
                problems.push(problem("unreadable", format!("PDF 无法读取文字：{e}")));
                String::new()
            }
            Err(_) => {
                problems.push(problem("unreadable", "PDF 文件已损坏，无法读取文字".into()));
                String::new()
            }
        }
    } else {
        let text = repair::decode(bytes, &mut repairs);
        if looks_like_html(&text) {
            html_to_text(&text)
        } else {
            text
        }
    };
    let text = repair::normalise(&raw, &mut repairs);
    if repairs.characters_lost > 0 {
        problems.push(problem(
            "repair",
            format!(
                "有 {} 处乱码已还原，其中 {} 个字的字节已丢失，以“□”标出",
                repairs.mojibake_fixed, repairs.characters_lost
            ),
        ));
    }
    if !text.contains("信息公开") && problems.iter().all(|p| p.kind != "unreadable") {
        // Every annual report names itself 政府信息公开工作年度报告: bytes without the words
        // are no report, and nothing read from them (figures, "repairs") is reported.
        let problems = vec![problem(
            "not_a_report",
            "不是政府信息公开工作年度报告：文中没有“信息公开”字样".into(),
        )];
        return analyse("", problems);
    }
    let mut reading = analyse(&text, problems);
    reading.repairs = repairs;
    reading
}

impl Reading {
    /// Whether the file could not be read as a report at all (unreadable, or not a report):
    /// `report check` exits 2 for it, not 1.
    pub fn unreadable(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p.kind.as_str(), "unreadable" | "not_a_report"))
    }
}

fn analyse(text: &str, mut problems: Vec<Problem>) -> Reading {
    let c = compact(text);
    // On the text without line breaks: a PDF's title comes out wrapped.
    let (year, unit) = year_and_unit(&c);
    let format = year.map(Format::for_year);
    let k = keyed(&c);
    for (i, s) in SECTIONS.iter().enumerate() {
        if find_section(&k, i, 0).is_none() {
            let number = s[0].split('、').next().unwrap_or(s[0]);
            problems.push(problem("missing_section", format!("缺少第{number}部分")));
        }
    }
    // Each section heading after the one before. A table of contents names them first, each
    // heading right after the one before it: an occurrence followed within a few characters by
    // the next heading is taken for a contents entry and passed over.
    const CONTENTS_GAP: usize = 30;
    let mut starts: [Option<usize>; 6] = [None; 6];
    let mut from = 0;
    for (i, start) in starts.iter_mut().enumerate() {
        let first = find_section(&k, i, from);
        let mut found = first;
        while let Some((_, e)) = found {
            let entry = i + 1 < SECTIONS.len()
                && find_section(&k, i + 1, e).is_some_and(|(n, _)| n <= e + CONTENTS_GAP);
            if !entry {
                break;
            }
            found = find_section(&k, i, e);
        }
        if let Some((st, e)) = found.or(first) {
            *start = Some(st);
            from = e;
        }
    }
    let (s2, s3, s4, s5) = (starts[1], starts[2], starts[3], starts[4]);
    let f = format.unwrap_or(Format::F2021);
    let y = year.unwrap_or(2021);

    // Table 三: each row's label in order, its numbers up to the next label.
    let mut t3 = table3(y, f, &[]);
    let from3 = s3.unwrap_or(0);
    let mut found_rows = 0;
    let mut cursor = from3;
    let labels: Vec<&str> = t3.rows.iter().map(|r| r.label).collect();
    let mut places: Vec<Option<(usize, usize)>> = Vec::new();
    for l in &labels {
        // A long label wrapped in its cell can come out of a PDF with a neighbouring merged
        // cell's words inside it: then its first words are enough to place the row.
        let p = find_label(&k, l, cursor).or_else(|| {
            let head: String = label_key(l).chars().take(8).collect();
            (head.chars().count() == 8)
                .then(|| find_label(&k, &head, cursor))
                .flatten()
        });
        if let Some((_, e)) = p {
            cursor = e;
        }
        places.push(p);
    }
    let mut row_problems = Vec::new();
    for (i, p) in places.iter().enumerate() {
        let Some((_, end)) = p else {
            continue;
        };
        let next = places[i + 1..]
            .iter()
            .flatten()
            .map(|x| x.0)
            .next()
            .or(s4)
            .unwrap_or(k.key.len())
            .max(*end);
        let groups = digit_groups(&k.key[*end..next]);
        match split_values(&groups, 7, &row_adds_up) {
            Split::One(v) => {
                found_rows += 1;
                t3.rows[i].values.copy_from_slice(&v);
            }
            Split::Many(n) => row_problems.push(problem(
                "ambiguous",
                format!(
                    "表三“{}”行的数字“{}”有 {n} 种拆法都符合合计，未采用",
                    labels[i],
                    groups.join(" ")
                ),
            )),
            Split::None => {
                if !groups.is_empty() {
                    row_problems.push(problem(
                        "unreadable",
                        format!(
                            "表三“{}”行的数字“{}”无法拆成 7 格",
                            labels[i],
                            groups.join(" ")
                        ),
                    ));
                }
            }
        }
    }
    // A PDF extractor can give the labels first and then the numbers in one block, column by
    // column (or row by row): when the rows hold almost no numbers, read the block after the
    // last label, in the orientation the identities agree with.
    if found_rows < 3
        && let Some(values) = block_after_labels(&k, &places, s4, &mut problems)
    {
        let placed: Vec<usize> = (0..places.len()).filter(|i| places[*i].is_some()).collect();
        for (row, v) in placed.iter().zip(values) {
            t3.rows[*row].values.copy_from_slice(&v);
        }
        found_rows = placed.len();
        row_problems.clear();
    }
    problems.append(&mut row_problems);
    let t3 = if found_rows >= 3 {
        for (i, p) in places.iter().enumerate() {
            if p.is_none() {
                problems.push(problem(
                    "missing_row",
                    format!("表三缺少“{}”行，或其文字与官方格式不同", labels[i]),
                ));
            }
        }
        Some(t3)
    } else {
        problems.push(problem(
            "missing_table",
            "缺少表三（收到和处理政府信息公开申请情况），或无法读出".into(),
        ));
        None
    };

    // Table 四: the fifteen numbers after the last header word of the section.
    let t4 = s4.and_then(|start| {
        let end = s5.unwrap_or(k.key.len()).max(start);
        let region = &k.key[start..end];
        let after = region.rfind("总计").map_or(0, |i| i + "总计".len());
        // The numbers right after the header, up to the next words (a chart or the prose).
        let run: String = region[after..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ' ')
            .collect();
        let groups = digit_groups(&run);
        let ok =
            |v: &[u64]| (0..3).all(|g| v[g * 5..g * 5 + 4].iter().sum::<u64>() == v[g * 5 + 4]);
        match split_values(&groups, 15, &ok) {
            Split::One(v) => {
                let mut values = [0u64; 15];
                values.copy_from_slice(&v);
                Some(Table4 {
                    columns: TABLE4_COLUMNS,
                    values,
                })
            }
            Split::Many(n) => {
                problems.push(problem(
                    "ambiguous",
                    format!(
                        "表四的数字“{}”有 {n} 种拆法都符合合计，未采用",
                        groups.join(" ")
                    ),
                ));
                None
            }
            Split::None => None,
        }
    });
    if t4.is_none() {
        problems.push(problem(
            "missing_table",
            "缺少表四（行政复议、行政诉讼情况），或无法读出".into(),
        ));
    }

    // Table 二: each row's numbers in section 二.
    let t2 = s2.and_then(|start| {
        let end = s3.unwrap_or(k.key.len()).max(start);
        let skeleton = table2(y, f, &[], &Decisions::default());
        let mut rows = Vec::new();
        let mut cursor = start;
        for r in &skeleton.rows {
            let Some((_, e)) = find_label(&k, r.label, cursor).filter(|(s, _)| *s < end) else {
                continue;
            };
            cursor = e;
            let next = skeleton
                .rows
                .iter()
                .filter_map(|x| find_label(&k, x.label, e).map(|p| p.0))
                .filter(|p| *p < end)
                .min()
                .unwrap_or(end);
            // Decimals (万元) keep their point: read from the compact text's digits and dots.
            let stretch = &k.key[e..next];
            let values: Vec<Value> = stretch
                .split(|c: char| !c.is_ascii_digit() && c != '.')
                .filter(|g| !g.is_empty() && g.chars().any(|c| c.is_ascii_digit()))
                .take(r.values.len())
                .map(|g| match g.parse::<u64>() {
                    Ok(n) => json!(n),
                    Err(_) => json!(g),
                })
                .collect();
            rows.push((r.block.to_string(), r.label.to_string(), values));
        }
        (rows.len() >= 3).then_some(rows)
    });
    if t2.is_none() {
        problems.push(problem(
            "missing_table",
            "缺少表二（主动公开政府信息情况），或无法读出".into(),
        ));
    }

    // Identities of the format, and the prose against the tables.
    if let Some(t3) = &t3 {
        let zero4 = Table4 {
            columns: TABLE4_COLUMNS,
            values: [0; 15],
        };
        for p in check(t3, t4.as_ref().unwrap_or(&zero4), None) {
            problems.push(problem(p.kind, p.message));
        }
    } else if let Some(t4) = &t4 {
        let empty = table3(y, f, &[]);
        for p in check(&empty, t4, None)
            .into_iter()
            .filter(|p| p.message.starts_with("表四"))
        {
            problems.push(problem(p.kind, p.message));
        }
    }
    let mut figures = prose_figures(&c);
    let mut compare = |key: &'static str, table: Option<u64>, what: &str| {
        if let (Some(prose), Some(t)) = (figures.get(key).and_then(Value::as_u64), table)
            && prose != t
        {
            problems.push(problem(
                "prose_mismatch",
                format!("正文所述{what}为 {prose}，而表中为 {t}"),
            ));
        }
    };
    compare(
        "applications_received",
        t3.as_ref().map(|t| t.total("new")),
        "本年新收申请",
    );
    compare(
        "applications_carried_in",
        t3.as_ref().map(|t| t.total("carried_in")),
        "上年结转申请",
    );
    compare(
        "applications_carried_out",
        t3.as_ref().map(|t| t.total("carried_out")),
        "结转下年度申请",
    );
    compare(
        "reconsiderations",
        t4.as_ref().map(|t| t.reconsiderations()),
        "行政复议",
    );
    compare("lawsuits", t4.as_ref().map(|t| t.lawsuits()), "行政诉讼");
    // Table figures fill in what the prose does not say.
    if let Some(t) = &t3 {
        figures
            .entry("applications_received")
            .or_insert(json!(t.total("new")));
        figures
            .entry("applications_carried_in")
            .or_insert(json!(t.total("carried_in")));
        figures
            .entry("applications_carried_out")
            .or_insert(json!(t.total("carried_out")));
    }
    if let Some(t) = &t4 {
        figures
            .entry("reconsiderations")
            .or_insert(json!(t.reconsiderations()));
        figures.entry("lawsuits").or_insert(json!(t.lawsuits()));
    }
    if year.is_none() {
        problems.push(problem("missing_section", "没有找到报告年度".into()));
    }
    Reading {
        year,
        unit,
        format: format.map(Format::as_str),
        table3: t3,
        table4: t4,
        table2: t2,
        figures,
        problems,
        repairs: Repairs::default(),
    }
}

/// Carry-over across years: for each unit read in consecutive years, the later year's 上年结转
/// must equal the earlier year's 结转下年度继续办理. Problems are added to the later reading.
pub fn check_across_years(readings: &mut [(String, Reading)]) {
    let mut order: Vec<usize> = (0..readings.len()).collect();
    order.sort_by_key(|i| (readings[*i].1.unit.clone(), readings[*i].1.year));
    for w in order.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (ra, rb) = (&readings[a].1, &readings[b].1);
        if ra.unit.is_none() || ra.unit != rb.unit {
            continue;
        }
        let (Some(ya), Some(yb)) = (ra.year, rb.year) else {
            continue;
        };
        if yb != ya + 1 {
            continue;
        }
        let (Some(prev), Some(cur)) = (ra.table3.clone(), rb.table3.clone()) else {
            continue;
        };
        let zero4 = Table4 {
            columns: TABLE4_COLUMNS,
            values: [0; 15],
        };
        let found: Vec<Problem> = check(&cur, &zero4, Some(&prev))
            .into_iter()
            .filter(|p| p.kind == "carry_over")
            .map(|p| {
                problem(
                    p.kind,
                    format!("{}（对照 {} 年报告 {}）", p.message, ya, readings[a].0),
                )
            })
            .collect();
        readings[b].1.problems.extend(found);
    }
}
