//! The annual report's tables 三 and 四 (国办公开办函〔2021〕30号, and the 2019 format 60号 for
//! reports up to 2020), computed from plain facts, and the identities every report must satisfy
//! (REFERENCE.md section 5). Labels are statutory and verbatim; the report, the console and the
//! report reader share them from here and from [`crate::taxonomy`].
//!
//! Our counting rules: an application counts in 一 by the year of its receipt date; in 三 in the
//! year it was concluded; in 四 if it was open at 24:00 on 31 December. A review case counts in the
//! year it was filed, with its result as of 31 December (尚未审结 if still open then).

use crate::taxonomy::{ApplicantType, CaseKind, CaseResult, OUTCOMES};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub mod model;
mod table2;
pub use table2::*;

/// The years a report can be made for: from the first reports (2008) on.
pub const REPORT_YEARS: std::ops::RangeInclusive<i32> = 2008..=2100;

/// A year as a person types it, if it is one a report can be made for.
pub fn parse_year(s: &str) -> Option<i32> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| REPORT_YEARS.contains(y))
}

/// Which national format a year's report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    /// 国办公开办函〔2019〕60号: reports for 2019 and 2020.
    #[serde(rename = "2019")]
    F2019,
    /// 国办公开办函〔2021〕30号: reports from 2021 on.
    #[serde(rename = "2021")]
    F2021,
}

impl Format {
    pub fn for_year(year: i32) -> Format {
        if year <= 2020 {
            Format::F2019
        } else {
            Format::F2021
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::F2019 => "2019",
            Format::F2021 => "2021",
        }
    }

    /// The format named as [`Format::as_str`] writes it.
    pub fn parse(s: &str) -> Option<Format> {
        [Format::F2019, Format::F2021]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

pub const ROW_NEW: &str = "一、本年新收政府信息公开申请数量";
pub const ROW_CARRIED_IN: &str = "二、上年结转政府信息公开申请数量";
pub const ROW_RESULTS: &str = "三、本年度办理结果";
pub const ROW_TOTAL: &str = "（七）总计";
pub const ROW_CARRIED_OUT: &str = "四、结转下年度继续办理";
pub const ROW_OTHER_2019: &str = "（六）其他处理";
/// The 总计 column's note on the identity it satisfies.
pub const TABLE3_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
pub const TABLE3_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// The 15 columns of table 四, in the official order.
pub const TABLE4_COLUMNS: [&str; 15] = [
    "行政复议/结果维持",
    "行政复议/结果纠正",
    "行政复议/其他结果",
    "行政复议/尚未审结",
    "行政复议/总计",
    "行政诉讼/未经复议直接起诉/结果维持",
    "行政诉讼/未经复议直接起诉/结果纠正",
    "行政诉讼/未经复议直接起诉/其他结果",
    "行政诉讼/未经复议直接起诉/尚未审结",
    "行政诉讼/未经复议直接起诉/总计",
    "行政诉讼/复议后起诉/结果维持",
    "行政诉讼/复议后起诉/结果纠正",
    "行政诉讼/复议后起诉/其他结果",
    "行政诉讼/复议后起诉/尚未审结",
    "行政诉讼/复议后起诉/总计",
];

/// What the tables need to know of an application.
#[derive(Debug, Clone)]
pub struct AppFact {
    pub applicant: ApplicantType,
    pub received: Option<NaiveDate>,
    pub concluded: Option<NaiveDate>,
    pub outcome: Option<String>,
    /// How many applications this fact stands for (the store groups alike ones).
    pub count: u64,
}

/// What table 四 needs to know of a case.
#[derive(Debug, Clone)]
pub struct CaseFact {
    pub kind: CaseKind,
    pub filed: NaiveDate,
    pub result: CaseResult,
    pub result_on: Option<NaiveDate>,
}

/// One row of table 三.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row3 {
    /// Stable key: `new`, `carried_in`, the outcome key (`1` … `6.3`, or `6` in the 2019 format),
    /// `total`, `carried_out`.
    #[serde(skip)]
    pub key: &'static str,
    /// The group caption the row sits under, if any.
    pub group: Option<&'static str>,
    pub label: &'static str,
    pub values: [u64; 7],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table3 {
    pub columns: [&'static str; 7],
    pub rows: Vec<Row3>,
}

impl Table3 {
    pub fn row(&self, key: &str) -> Option<&Row3> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// The 总计 column of a row.
    pub fn total(&self, key: &str) -> u64 {
        self.row(key).map(|r| r.values[6]).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table4 {
    pub columns: [&'static str; 15],
    pub values: [u64; 15],
}

impl Table4 {
    pub fn reconsiderations(&self) -> u64 {
        self.values[4]
    }

    pub fn lawsuits(&self) -> u64 {
        self.values[9] + self.values[14]
    }
}

fn column(t: ApplicantType) -> usize {
    ApplicantType::ALL.iter().position(|x| *x == t).unwrap_or(5)
}

fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December")
}

/// Open at 24:00 on 31 December of `year`.
fn open_at_end(a: &AppFact, year: i32) -> bool {
    a.received.is_some_and(|r| r <= year_end(year))
        && a.concluded.is_none_or(|c| c > year_end(year))
}

/// The outcome rows of a format: (key, group, label).
fn outcome_rows(format: Format) -> Vec<(&'static str, Option<&'static str>, &'static str)> {
    let mut rows = Vec::new();
    for o in OUTCOMES {
        let grouped = o.group != o.label;
        if format == Format::F2019 && o.key.starts_with('6') {
            if o.key == "6.1" {
                rows.push(("6", None, ROW_OTHER_2019));
            }
            continue;
        }
        rows.push((o.key, grouped.then_some(o.group), o.label));
    }
    rows
}

/// Table 三 for `year` from the applications of the scope.
pub fn table3(year: i32, format: Format, apps: &[AppFact]) -> Table3 {
    let mut new = [0u64; 7];
    let mut carried_in = [0u64; 7];
    let mut carried_out = [0u64; 7];
    let outcome_keys = outcome_rows(format);
    let mut outcomes = vec![[0u64; 7]; outcome_keys.len()];
    for a in apps {
        let c = column(a.applicant);
        if a.received.is_some_and(|r| r.year() == year) {
            new[c] += a.count;
        }
        if open_at_end(a, year - 1) {
            carried_in[c] += a.count;
        }
        if open_at_end(a, year) {
            carried_out[c] += a.count;
        }
        if let (Some(done), Some(o)) = (a.concluded, a.outcome.as_deref())
            && done.year() == year
            && a.received.is_some()
        {
            let key = if format == Format::F2019 && o.starts_with('6') {
                "6"
            } else {
                o
            };
            if let Some(i) = outcome_keys.iter().position(|(k, _, _)| *k == key) {
                outcomes[i][c] += a.count;
            }
        }
    }
    let with_total = |mut v: [u64; 7]| {
        v[6] = v[..6].iter().sum();
        v
    };
    let mut total = [0u64; 7];
    let mut rows = vec![
        Row3 {
            key: "new",
            group: None,
            label: ROW_NEW,
            values: with_total(new),
        },
        Row3 {
            key: "carried_in",
            group: None,
            label: ROW_CARRIED_IN,
            values: with_total(carried_in),
        },
    ];
    for ((key, group, label), v) in outcome_keys.into_iter().zip(outcomes) {
        let v = with_total(v);
        for (t, x) in total.iter_mut().zip(v) {
            *t += x;
        }
        rows.push(Row3 {
            key,
            group,
            label,
            values: v,
        });
    }
    rows.push(Row3 {
        key: "total",
        group: None,
        label: ROW_TOTAL,
        values: total,
    });
    rows.push(Row3 {
        key: "carried_out",
        group: None,
        label: ROW_CARRIED_OUT,
        values: with_total(carried_out),
    });
    Table3 {
        columns: TABLE3_COLUMNS,
        rows,
    }
}

/// Table 四 for `year` from the cases of the scope.
pub fn table4(year: i32, cases: &[CaseFact]) -> Table4 {
    let mut v = [0u64; 15];
    for c in cases.iter().filter(|c| c.filed.year() == year) {
        let base = match c.kind {
            CaseKind::Reconsideration => 0,
            CaseKind::DirectLawsuit => 5,
            CaseKind::LawsuitAfterReconsideration => 10,
        };
        let decided = c.result_on.is_some_and(|d| d <= year_end(year));
        let result = if decided {
            c.result
        } else {
            CaseResult::Pending
        };
        let offset = match result {
            CaseResult::Upheld => 0,
            CaseResult::Corrected => 1,
            CaseResult::Other => 2,
            CaseResult::Pending => 3,
        };
        v[base + offset] += 1;
        v[base + 4] += 1;
    }
    Table4 {
        columns: TABLE4_COLUMNS,
        values: v,
    }
}

/// A violated identity or another problem of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: &'static str,
    pub message: String,
}

/// Check identities 1–5 of REFERENCE.md section 5. `previous` is the same unit's table 三 of the
/// year before, when there is one (identity 5).
pub fn check(t3: &Table3, t4: &Table4, previous: Option<&Table3>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let get = |key: &str| t3.row(key).map(|r| r.values).unwrap_or([0; 7]);
    let (new, carried_in, total, carried_out) = (
        get("new"),
        get("carried_in"),
        get("total"),
        get("carried_out"),
    );
    for c in 0..7 {
        let col = TABLE3_COLUMNS[c];
        if new[c] + carried_in[c] != total[c] + carried_out[c] {
            problems.push(Problem {
                kind: "identity",
                message: format!(
                    "表三“{col}”列：第一项加第二项（{} + {} = {}）不等于第三项总计加第四项（{} + {} = {}）",
                    new[c], carried_in[c], new[c] + carried_in[c], total[c], carried_out[c], total[c] + carried_out[c]
                ),
            });
        }
        let sum: u64 = t3
            .rows
            .iter()
            .filter(|r| !matches!(r.key, "new" | "carried_in" | "total" | "carried_out"))
            .map(|r| r.values[c])
            .sum();
        if sum != total[c] {
            problems.push(Problem {
                kind: "identity",
                message: format!(
                    "表三“{col}”列：（七）总计为 {}，而（一）至（六）各项之和为 {sum}",
                    total[c]
                ),
            });
        }
    }
    for r in &t3.rows {
        let sum: u64 = r.values[..6].iter().sum();
        if sum != r.values[6] {
            problems.push(Problem {
                kind: "identity",
                message: format!(
                    "表三“{}”行：总计为 {}，而六类申请人之和为 {sum}",
                    r.label, r.values[6]
                ),
            });
        }
    }
    for (g, name) in [
        (0, "行政复议"),
        (5, "行政诉讼·未经复议直接起诉"),
        (10, "行政诉讼·复议后起诉"),
    ] {
        let sum: u64 = t4.values[g..g + 4].iter().sum();
        if sum != t4.values[g + 4] {
            problems.push(Problem {
                kind: "identity",
                message: format!(
                    "表四“{name}”：总计为 {}，而结果维持、结果纠正、其他结果、尚未审结之和为 {sum}",
                    t4.values[g + 4]
                ),
            });
        }
    }
    if let Some(prev) = previous {
        let before = prev.row("carried_out").map(|r| r.values).unwrap_or([0; 7]);
        for c in 0..7 {
            if before[c] != carried_in[c] {
                problems.push(Problem {
                    kind: "carry_over",
                    message: format!(
                        "表三“{}”列：上年“结转下年度继续办理”为 {}，本年“上年结转”为 {}",
                        TABLE3_COLUMNS[c], before[c], carried_in[c]
                    ),
                });
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::calendar::parse_date(s).unwrap()
    }

    fn app(t: ApplicantType, r: &str, c: Option<&str>, o: &str) -> AppFact {
        AppFact {
            applicant: t,
            received: Some(d(r)),
            concluded: c.map(d),
            outcome: c.map(|_| o.to_string()),
            count: 1,
        }
    }

    fn sample() -> Vec<AppFact> {
        use ApplicantType::*;
        vec![
            app(Natural, "2020-12-28", Some("2021-01-15"), "1"),
            app(Natural, "2021-03-01", Some("2021-03-20"), "2"),
            app(Commercial, "2021-05-01", Some("2021-05-20"), "4.1"),
            app(LegalService, "2021-12-29", Some("2022-01-10"), "1"),
            app(Natural, "2021-06-01", Some("2021-06-30"), "6.2"),
        ]
    }

    #[test]
    fn counts_follow_the_year_rules() {
        let t = table3(2021, Format::F2021, &sample());
        assert_eq!(t.total("new"), 4);
        assert_eq!(t.total("carried_in"), 1);
        assert_eq!(t.total("total"), 4);
        assert_eq!(t.total("carried_out"), 1);
        assert_eq!(t.row("carried_out").unwrap().values[4], 1);
        assert_eq!(t.total("6.2"), 1);
        assert!(
            check(
                &t,
                &table4(2021, &[]),
                Some(&table3(2020, Format::F2019, &sample()))
            )
            .is_empty()
        );
        // The 2019 format has one （六） row.
        let t19 = table3(2021, Format::F2019, &sample());
        assert!(t19.row("6.2").is_none());
        assert_eq!(t19.row("6").unwrap().label, "（六）其他处理");
        assert_eq!(t19.total("6"), 1);
    }

    #[test]
    fn each_identity_broken_on_purpose_is_named() {
        let good = table3(2021, Format::F2021, &sample());
        let t4 = table4(2021, &[]);
        // 1: 一 + 二 ≠ 三 + 四.
        let mut t = good.clone();
        t.rows[0].values[0] += 1;
        t.rows[0].values[6] += 1;
        let p = check(&t, &t4, None);
        assert!(
            p.iter()
                .any(|p| p.message.contains("第一项加第二项") && p.message.contains("自然人")),
            "{p:?}"
        );
        // 2: （七）总计 ≠ sum of rows.
        let mut t = good.clone();
        let i = t.rows.iter().position(|r| r.key == "3.1").unwrap();
        t.rows[i].values[1] += 1;
        t.rows[i].values[6] += 1;
        let p = check(&t, &t4, None);
        assert!(
            p.iter()
                .any(|p| p.message.contains("（七）总计") && p.message.contains("商业企业")),
            "{p:?}"
        );
        // 3: 总计 column ≠ sum of the six.
        let mut t = good.clone();
        t.rows[1].values[6] += 5;
        let p = check(&t, &t4, None);
        assert!(
            p.iter()
                .any(|p| p.message.contains("二、上年结转政府信息公开申请数量")
                    && p.message.contains("六类申请人之和")),
            "{p:?}"
        );
        // 4: table 四 totals.
        let mut t4b = t4.clone();
        t4b.values[9] = 2;
        let p = check(&good, &t4b, None);
        assert!(
            p.iter()
                .any(|p| p.message.contains("未经复议直接起诉") && p.message.contains("总计为 2")),
            "{p:?}"
        );
        // 5: carry-over across years.
        let p = check(&good, &t4, Some(&table3(2020, Format::F2019, &[])));
        assert!(
            p.iter()
                .any(|p| p.kind == "carry_over" && p.message.contains("上年")),
            "{p:?}"
        );
    }

    #[test]
    fn cases_count_with_their_result_at_year_end() {
        let cases = vec![
            CaseFact {
                kind: CaseKind::Reconsideration,
                filed: d("2021-03-01"),
                result: CaseResult::Upheld,
                result_on: Some(d("2021-05-01")),
            },
            CaseFact {
                kind: CaseKind::Reconsideration,
                filed: d("2021-11-01"),
                result: CaseResult::Corrected,
                result_on: Some(d("2022-02-01")),
            },
            CaseFact {
                kind: CaseKind::DirectLawsuit,
                filed: d("2021-04-01"),
                result: CaseResult::Other,
                result_on: Some(d("2021-09-01")),
            },
            CaseFact {
                kind: CaseKind::LawsuitAfterReconsideration,
                filed: d("2020-04-01"),
                result: CaseResult::Other,
                result_on: None,
            },
        ];
        let t = table4(2021, &cases);
        assert_eq!(&t.values[..5], &[1, 0, 0, 1, 2]);
        assert_eq!(&t.values[5..10], &[0, 0, 1, 0, 1]);
        assert_eq!(&t.values[10..], &[0, 0, 0, 0, 0]);
        assert_eq!((t.reconsiderations(), t.lawsuits()), (2, 1));
    }
}
