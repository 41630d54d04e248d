//! Table 二 (主动公开政府信息情况): normative documents issued, repealed and in force, licences,
//! penalties and compulsory measures, fees, in the blocks of Art. 20 (一)(五)(六)(八)(九).

use super::*;

/// A cell of table 二: a count, an amount in 万元 (a decimal string), or nothing on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Count(u64),
    Amount(String),
    Missing(Option<()>),
}

impl Cell {
    pub fn missing() -> Cell {
        Cell::Missing(None)
    }

    pub fn text(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Amount(a) => a.clone(),
            Cell::Missing(_) => String::new(),
        }
    }
}

/// One row of table 二 under its block caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row2 {
    pub block: &'static str,
    pub label: &'static str,
    pub values: Vec<Cell>,
}

/// A block of table 二: its caption, its column headers (after 信息内容) and rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block2 {
    pub caption: &'static str,
    pub columns: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table2 {
    pub blocks: Vec<Block2>,
    pub rows: Vec<Row2>,
}

/// Whether a normative document is a 规章 or a 行政规范性文件.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormKind {
    Rule,
    Normative,
}

/// What table 二 needs to know of a normative document.
#[derive(Debug, Clone)]
pub struct NormFact {
    pub kind: NormKind,
    pub issued: NaiveDate,
    pub repealed: Option<NaiveDate>,
    /// Disclosed proactively (主动公开).
    pub active: bool,
}

/// The decision counts and fees entered for the year (None where nothing was entered).
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    pub licences: Option<u64>,
    pub penalties: Option<u64>,
    pub coercions: Option<u64>,
    pub fees_yuan: Option<u64>,
}

pub const BLOCK_1: &str = "第二十条第（一）项";
pub const BLOCK_5: &str = "第二十条第（五）项";
pub const BLOCK_6: &str = "第二十条第（六）项";
pub const BLOCK_8: &str = "第二十条第（八）项";
pub const BLOCK_9: &str = "第二十条第（九）项";

/// An amount in 元 as 万元, with as many decimals as needed (up to four).
pub fn wan_yuan(yuan: u64) -> String {
    let whole = yuan / 10_000;
    let frac = yuan % 10_000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:04}")
            .trim_end_matches('0')
            .to_string()
    }
}

/// Table 二 for `year` from the normative documents and the decisions entered.
pub fn table2(year: i32, format: Format, docs: &[NormFact], d: &Decisions) -> Table2 {
    let end = year_end(year);
    let in_year = |date: NaiveDate| date.year() == year;
    let count = |kind: NormKind, f: &dyn Fn(&NormFact) -> bool| -> Cell {
        Cell::Count(docs.iter().filter(|x| x.kind == kind && f(x)).count() as u64)
    };
    let opt = |v: Option<u64>| v.map_or(Cell::missing(), Cell::Count);
    let mut rows = Vec::new();
    let blocks;
    match format {
        Format::F2021 => {
            blocks = vec![
                Block2 {
                    caption: BLOCK_1,
                    columns: vec!["本年制发件数", "本年废止件数", "现行有效件数"],
                },
                Block2 {
                    caption: BLOCK_5,
                    columns: vec!["本年处理决定数量"],
                },
                Block2 {
                    caption: BLOCK_6,
                    columns: vec!["本年处理决定数量"],
                },
                Block2 {
                    caption: BLOCK_8,
                    columns: vec!["本年收费金额（单位：万元）"],
                },
            ];
            for (kind, label) in [
                (NormKind::Rule, "规章"),
                (NormKind::Normative, "行政规范性文件"),
            ] {
                rows.push(Row2 {
                    block: BLOCK_1,
                    label,
                    values: vec![
                        count(kind, &|x| in_year(x.issued)),
                        count(kind, &|x| x.repealed.is_some_and(in_year)),
                        count(kind, &|x| {
                            x.issued <= end && x.repealed.is_none_or(|r| r > end)
                        }),
                    ],
                });
            }
            rows.push(Row2 {
                block: BLOCK_5,
                label: "行政许可",
                values: vec![opt(d.licences)],
            });
            rows.push(Row2 {
                block: BLOCK_6,
                label: "行政处罚",
                values: vec![opt(d.penalties)],
            });
            rows.push(Row2 {
                block: BLOCK_6,
                label: "行政强制",
                values: vec![opt(d.coercions)],
            });
            rows.push(Row2 {
                block: BLOCK_8,
                label: "行政事业性收费",
                values: vec![
                    d.fees_yuan
                        .map_or(Cell::missing(), |y| Cell::Amount(wan_yuan(y))),
                ],
            });
        }
        Format::F2019 => {
            blocks = vec![
                Block2 {
                    caption: BLOCK_1,
                    columns: vec!["本年新制作数量", "本年新公开数量", "对外公开总数量"],
                },
                Block2 {
                    caption: BLOCK_5,
                    columns: vec!["上一年项目数量", "本年增/减", "处理决定数量"],
                },
                Block2 {
                    caption: BLOCK_6,
                    columns: vec!["上一年项目数量", "本年增/减", "处理决定数量"],
                },
                Block2 {
                    caption: BLOCK_8,
                    columns: vec!["上一年项目数量", "本年增/减"],
                },
                Block2 {
                    caption: BLOCK_9,
                    columns: vec!["采购项目数量", "采购总金额"],
                },
            ];
            for (kind, label) in [
                (NormKind::Rule, "规章"),
                (NormKind::Normative, "规范性文件"),
            ] {
                rows.push(Row2 {
                    block: BLOCK_1,
                    label,
                    values: vec![
                        count(kind, &|x| in_year(x.issued)),
                        count(kind, &|x| in_year(x.issued) && x.active),
                        count(kind, &|x| {
                            x.active && x.issued <= end && x.repealed.is_none_or(|r| r > end)
                        }),
                    ],
                });
            }
            let projects = |decisions: Cell| vec![Cell::missing(), Cell::missing(), decisions];
            rows.push(Row2 {
                block: BLOCK_5,
                label: "行政许可",
                values: projects(opt(d.licences)),
            });
            rows.push(Row2 {
                block: BLOCK_5,
                label: "其他对外管理服务事项",
                values: projects(Cell::missing()),
            });
            rows.push(Row2 {
                block: BLOCK_6,
                label: "行政处罚",
                values: projects(opt(d.penalties)),
            });
            rows.push(Row2 {
                block: BLOCK_6,
                label: "行政强制",
                values: projects(opt(d.coercions)),
            });
            rows.push(Row2 {
                block: BLOCK_8,
                label: "行政事业性收费",
                values: vec![Cell::missing(), Cell::missing()],
            });
            rows.push(Row2 {
                block: BLOCK_9,
                label: "政府集中采购",
                values: vec![Cell::missing(), Cell::missing()],
            });
        }
    }
    Table2 { blocks, rows }
}

impl Table2 {
    /// The rows with cells nothing was recorded for, named for a person.
    pub fn missing(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| r.values.iter().any(|c| matches!(c, Cell::Missing(_))))
            .map(|r| format!("{}“{}”", r.block, r.label))
            .collect()
    }
}

#[cfg(test)]
mod table2_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn normative_rows_count_issued_repealed_and_valid() {
        let docs = [
            NormFact {
                kind: NormKind::Normative,
                issued: d(2021, 3, 1),
                repealed: None,
                active: true,
            },
            NormFact {
                kind: NormKind::Normative,
                issued: d(2018, 5, 1),
                repealed: Some(d(2021, 6, 1)),
                active: true,
            },
            NormFact {
                kind: NormKind::Normative,
                issued: d(2019, 5, 1),
                repealed: Some(d(2022, 6, 1)),
                active: false,
            },
            NormFact {
                kind: NormKind::Rule,
                issued: d(2022, 1, 5),
                repealed: None,
                active: true,
            },
        ];
        let decisions = Decisions {
            licences: Some(1200),
            penalties: Some(35),
            coercions: None,
            fees_yuan: Some(1_234_500),
        };
        let t = table2(2021, Format::F2021, &docs, &decisions);
        let row = |label: &str| {
            t.rows
                .iter()
                .find(|r| r.label == label)
                .unwrap()
                .values
                .clone()
        };
        assert_eq!(
            row("行政规范性文件"),
            [Cell::Count(1), Cell::Count(1), Cell::Count(2)]
        );
        assert_eq!(
            row("规章"),
            [Cell::Count(0), Cell::Count(0), Cell::Count(0)]
        );
        assert_eq!(row("行政事业性收费"), [Cell::Amount("123.45".into())]);
        assert_eq!(t.missing(), ["第二十条第（六）项“行政强制”"]);
        let json = serde_json::to_value(&t.rows[4]).unwrap();
        assert_eq!(json["values"][0], serde_json::Value::Null);

        let old = table2(2020, Format::F2019, &docs, &decisions);
        let norm = old.rows.iter().find(|r| r.label == "规范性文件").unwrap();
        // 2019 (issued 2019, not active) is not counted as published.
        assert_eq!(
            norm.values,
            [Cell::Count(0), Cell::Count(0), Cell::Count(1)]
        );
        assert_eq!(old.blocks.len(), 5);
    }

    #[test]
    fn amounts_in_wan_yuan() {
        assert_eq!(wan_yuan(20560), "2.056");
        assert_eq!(wan_yuan(10_000), "1");
        assert_eq!(wan_yuan(5), "0.0005");
    }
}
