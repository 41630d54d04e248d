//! The working-day calendar (工作日), REFERENCE.md section 6.
//!
//! A date is a working day iff it is Monday–Friday and not a listed day off, or it is a listed
//! make-up working day (调休上班). The list comes from the State Council's yearly holiday notices
//! (国务院办公厅关于部分节假日安排的通知); it is data, loadable and replaceable without a release.
//!
//! A year is *covered* when a notice for it is loaded. Every computation that needs to know whether
//! a date in an uncovered year is a working day fails with [`CalendarError::YearNotCovered`]: the
//! product never guesses a deadline.
//!
//! Our rule for counting periods (the Regulation is silent; 民法典 第二百零一条): "N working days
//! from day D" ends on the N-th working day *after* D; D itself never counts.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// The calendar data shipped with the binary: shared/domain/holidays-cn.csv, 2019–2026.
pub const BUILTIN_CSV: &str = include_str!("../data/holidays-cn.csv");

/// The kind of a listed day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// A day off (including weekend days inside a holiday range).
    Off,
    /// A weekend day that is a make-up working day (调休上班).
    Work,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Work => "work",
        }
    }

    pub fn parse(s: &str) -> Option<DayKind> {
        match s {
            "off" => Some(DayKind::Off),
            "work" => Some(DayKind::Work),
            _ => None,
        }
    }

    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Off => "放假",
            DayKind::Work => "调休上班",
        }
    }
}

/// One line of the holiday CSV (`date,name,kind,notice`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    /// The holiday's name (元旦, 春节 …).
    pub name: String,
    pub kind: DayKind,
    /// The notice the day comes from (its address).
    pub notice: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("日历中没有 {0} 年的节假日安排数据，无法计算（请先导入该年度的国务院节假日安排）")]
    YearNotCovered(i32),
    #[error("日期超出可计算范围")]
    OutOfRange,
    #[error("结束日期 {to} 早于开始日期 {from}")]
    Reversed { from: NaiveDate, to: NaiveDate },
}

/// A problem in a calendar CSV file, with the line it is on (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第 {line} 行：{message}")]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

/// Parse a calendar CSV in the form of holidays-cn.csv: a header `date,name,kind,notice`, lines
/// starting with `#` are comments, blank lines are skipped.
pub fn parse_csv(text: &str) -> Result<Vec<CalendarEntry>, CsvError> {
    let mut entries = Vec::new();
    let mut seen: HashMap<NaiveDate, usize> = HashMap::new();
    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |message: String| CsvError {
            line: line_no,
            message,
        };
        let fields: Vec<&str> = line.splitn(4, ',').map(str::trim).collect();
        if !header_seen {
            header_seen = true;
            if fields.first() == Some(&"date") {
                if fields != ["date", "name", "kind", "notice"] {
                    return Err(err("表头应为 date,name,kind,notice".into()));
                }
                continue;
            }
        }
        if fields.len() != 4 {
            return Err(err(format!(
                "应有 4 列（date,name,kind,notice），实有 {} 列",
                fields.len()
            )));
        }
        let date = parse_date(fields[0]).map_err(err)?;
        let kind = DayKind::parse(fields[2])
            .ok_or_else(|| err(format!("kind 应为 off 或 work，而不是“{}”", fields[2])))?;
        if fields[1].is_empty() {
            return Err(err("缺少节假日名称".into()));
        }
        if fields[3].is_empty() {
            return Err(err("缺少通知来源（notice）".into()));
        }
        if kind == DayKind::Work && !is_weekend(date) {
            return Err(err(format!("{date} 是工作日，不能登记为调休上班日")));
        }
        if let Some(prev) = seen.insert(date, line_no) {
            return Err(err(format!("{date} 与第 {prev} 行重复")));
        }
        entries.push(CalendarEntry {
            date,
            name: fields[1].to_string(),
            kind,
            notice: fields[3].to_string(),
        });
    }
    if entries.is_empty() {
        return Err(CsvError {
            line: 0,
            message: "文件中没有任何日期".into(),
        });
    }
    Ok(entries)
}

/// Parse `YYYY-MM-DD`, with a message a person can act on.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let ok_shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !ok_shape {
        return Err(format!(
            "日期“{s}”格式不对，应为 YYYY-MM-DD，例如 2021-09-28"
        ));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("日期“{s}”不存在"))
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The year a set of entries from one notice covers: the year most of its dates fall in (a
/// notice for 2019 also lists 2018-12-29..31).
fn covered_year_by_notice(entries: &[CalendarEntry]) -> HashMap<&str, i32> {
    let mut counts: HashMap<&str, BTreeMap<i32, usize>> = HashMap::new();
    for e in entries {
        *counts
            .entry(e.notice.as_str())
            .or_default()
            .entry(e.date.year())
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(notice, years)| {
            let year = years
                .iter()
                .max_by_key(|(y, n)| (**n, **y))
                .map(|(y, _)| *y)
                .unwrap_or_default();
            (notice, year)
        })
        .collect()
}

/// The working-day calendar.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    listed: HashMap<NaiveDate, DayKind>,
    covered: BTreeSet<i32>,
    entries: Vec<(CalendarEntry, i32)>,
}

impl Calendar {
    /// The calendar built into the binary (2019–2026).
    pub fn builtin() -> &'static Calendar {
        static BUILTIN: OnceLock<Calendar> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let entries = parse_csv(BUILTIN_CSV).expect("the built-in calendar CSV is valid");
            Calendar::from_entries(entries)
        })
    }

    /// Build a calendar from entries; the years covered are those of the notices given.
    pub fn from_entries(entries: Vec<CalendarEntry>) -> Calendar {
        let years = covered_year_by_notice(&entries);
        let tagged: Vec<(CalendarEntry, i32)> = entries
            .iter()
            .map(|e| (e.clone(), years[e.notice.as_str()]))
            .collect();
        Calendar {
            listed: entries.iter().map(|e| (e.date, e.kind)).collect(),
            covered: years.values().copied().collect(),
            entries: tagged,
        }
    }

    /// Entries with the year each one's notice covers.
    pub fn entries(&self) -> &[(CalendarEntry, i32)] {
        &self.entries
    }

    /// The years the calendar has a notice for.
    pub fn covered_years(&self) -> &BTreeSet<i32> {
        &self.covered
    }

    /// Replace the years covered by `incoming` with its entries; other years stay as they are.
    /// Returns the calendar after the merge and the years replaced.
    pub fn merged_with(&self, incoming: Vec<CalendarEntry>) -> (Calendar, BTreeSet<i32>) {
        let incoming_cal = Calendar::from_entries(incoming);
        let replaced = incoming_cal.covered.clone();
        let mut all: Vec<CalendarEntry> = self
            .entries
            .iter()
            .filter(|(_, y)| !replaced.contains(y))
            .map(|(e, _)| e.clone())
            .collect();
        // Incoming dates win over kept dates of a neighbouring notice listing the same day.
        let incoming_dates: BTreeSet<NaiveDate> =
            incoming_cal.entries.iter().map(|(e, _)| e.date).collect();
        all.retain(|e| !incoming_dates.contains(&e.date));
        all.extend(incoming_cal.entries.into_iter().map(|(e, _)| e));
        all.sort_by_key(|e| e.date);
        (Calendar::from_entries(all), replaced)
    }

    /// Is `date` a working day? Fails when its year is not covered.
    pub fn is_workday(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if let Some(kind) = self.listed.get(&date) {
            return Ok(*kind == DayKind::Work);
        }
        if !self.covered.contains(&date.year()) {
            return Err(CalendarError::YearNotCovered(date.year()));
        }
        Ok(!is_weekend(date))
    }

    /// The `n`-th working day after `date` (`date` itself never counts); `n = 0` gives `date`.
    pub fn add_workdays(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().ok_or(CalendarError::OutOfRange)?;
            if self.is_workday(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// The number of working days in `(from, to]`.
    pub fn count_workdays(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
        if to < from {
            return Err(CalendarError::Reversed { from, to });
        }
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.succ_opt().ok_or(CalendarError::OutOfRange)?;
            if self.is_workday(d)? {
                n += 1;
            }
        }
        Ok(n)
    }
}

/// The holidays every year's notice arranges (全国年节及纪念日放假办法, Art. 2: the holidays of
/// all citizens), as the notices name them.
pub const STATUTORY_HOLIDAYS: [&str; 7] = [
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
];

/// The statutory holidays a notice leaves out, by the year it covers (empty: whole).
///
/// A notice of the State Council's General Office arranges all seven holidays of its year, so
/// an import that lacks one is not the notice: most often a file cut short or a single line
/// typed by hand. Taken as the year's calendar it would make the missing holiday's days working
/// days, and every deadline across them wrong. Step by step: each entry's year is the year its
/// notice covers (as [`Calendar::from_entries`] reckons it); for each year, the names of its days
/// off ("中秋节、国庆节" names two); each holiday must be named by at least one of them (by its
/// name without the final 节, as 清明 or 劳动 also appear alone).
pub fn missing_holidays(entries: &[CalendarEntry]) -> BTreeMap<i32, Vec<&'static str>> {
    let years = covered_year_by_notice(entries);
    let mut named: BTreeMap<i32, Vec<&str>> = BTreeMap::new();
    for e in entries {
        let year = years[e.notice.as_str()];
        let names = named.entry(year).or_default();
        if e.kind == DayKind::Off {
            names.push(e.name.as_str());
        }
    }
    named
        .into_iter()
        .filter_map(|(year, names)| {
            let missing: Vec<&'static str> = STATUTORY_HOLIDAYS
                .iter()
                .copied()
                .filter(|h| {
                    let stem = h.trim_end_matches('节');
                    !names.iter().any(|n| n.contains(stem))
                })
                .collect();
            (!missing.is_empty()).then_some((year, missing))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn builtin_covers_2019_to_2026_only() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.covered_years().iter().copied().collect::<Vec<_>>(),
            (2019..=2026).collect::<Vec<_>>()
        );
    }

    #[test]
    fn holidays_and_makeup_days() {
        let cal = Calendar::builtin();
        // 2021 National Day: 10-01..10-07 off, 09-26 (Sun) and 10-09 (Sat) make-up days.
        assert!(!cal.is_workday(d("2021-10-01")).unwrap());
        assert!(cal.is_workday(d("2021-09-26")).unwrap());
        assert!(cal.is_workday(d("2021-10-09")).unwrap());
        assert!(!cal.is_workday(d("2021-10-10")).unwrap());
        // The extended 2020 Spring Festival: 2020-02-01 became a day off.
        assert!(!cal.is_workday(d("2020-02-01")).unwrap());
    }

    #[test]
    fn twenty_working_days_across_national_day() {
        let cal = Calendar::builtin();
        // Received 2021-09-28 (Tue): 29, 30 Sep; 8, 9 (Sat, make-up) Oct; 11–15, 18–22, 25–29 Oct;
        // 1 Nov is the 20th. Six more (a third-party consultation) give 9 Nov.
        assert_eq!(
            cal.add_workdays(d("2021-09-28"), 20).unwrap(),
            d("2021-11-01")
        );
        assert_eq!(
            cal.add_workdays(d("2021-11-01"), 6).unwrap(),
            d("2021-11-09")
        );
        assert_eq!(
            cal.count_workdays(d("2021-09-28"), d("2021-11-01"))
                .unwrap(),
            20
        );
        assert_eq!(
            cal.add_workdays(d("2021-09-28"), 0).unwrap(),
            d("2021-09-28")
        );
    }

    #[test]
    fn refuses_uncovered_years() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.add_workdays(d("2026-12-20"), 20),
            Err(CalendarError::YearNotCovered(2027))
        );
        assert_eq!(
            cal.count_workdays(d("2018-06-01"), d("2018-06-05")),
            Err(CalendarError::YearNotCovered(2018))
        );
        // The start date itself is never examined.
        assert_eq!(
            cal.add_workdays(d("2018-12-31"), 1).unwrap(),
            d("2019-01-02")
        );
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = parse_csv("date,name,kind,notice\n2027-01-01,元旦,holiday,x\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("off 或 work"));
        let e = parse_csv("date,name,kind,notice\n2027-13-01,元旦,off,x\n").unwrap_err();
        assert!(e.to_string().contains("不存在"), "{e}");
        let e = parse_csv("date,name,kind,notice\n2027-01-04,元旦,work,x\n").unwrap_err();
        assert!(e.message.contains("不能登记为调休上班日"));
        assert!(parse_csv("# only a comment\n").is_err());
    }

    #[test]
    fn merge_replaces_only_the_imported_years() {
        let cal = Calendar::builtin();
        let csv = "date,name,kind,notice\n2027-01-01,元旦,off,n2027\n2027-02-06,春节,off,n2027\n2027-02-07,春节,work,n2027\n";
        let (merged, replaced) = cal.merged_with(parse_csv(csv).unwrap());
        assert_eq!(replaced.into_iter().collect::<Vec<_>>(), vec![2027]);
        assert!(merged.covered_years().contains(&2026));
        assert!(merged.covered_years().contains(&2027));
        assert!(!merged.is_workday(d("2027-01-01")).unwrap());
        assert!(merged.is_workday(d("2027-02-07")).unwrap());
        assert_eq!(
            merged.add_workdays(d("2026-12-30"), 2).unwrap(),
            d("2027-01-04")
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn covered_date() -> impl Strategy<Value = NaiveDate> {
            // 2019-01-01 .. 2026-06-30, so that adding up to 60 working days stays covered.
            (0i64..(365 * 7 + 180)).prop_map(|off| d("2019-01-01") + chrono::Days::new(off as u64))
        }

        proptest! {
            #[test]
            fn add_never_lands_on_a_day_off(start in covered_date(), n in 1u32..60) {
                let end = Calendar::builtin().add_workdays(start, n).unwrap();
                prop_assert!(Calendar::builtin().is_workday(end).unwrap());
                prop_assert!(end > start);
            }

            #[test]
            fn add_and_count_agree(start in covered_date(), n in 0u32..60) {
                let cal = Calendar::builtin();
                let end = cal.add_workdays(start, n).unwrap();
                prop_assert_eq!(cal.count_workdays(start, end).unwrap(), n);
                // The day before `end` has one working day fewer (for n > 0): `end` is the first
                // date reaching n.
                if n > 0 {
                    let before = end.pred_opt().unwrap();
                    prop_assert_eq!(cal.count_workdays(start, before).unwrap(), n - 1);
                }
            }

            #[test]
            fn add_is_monotone(start in covered_date(), n in 0u32..40, m in 0u32..40) {
                let cal = Calendar::builtin();
                let (a, b) = (n.min(m), n.max(m));
                prop_assert!(cal.add_workdays(start, a).unwrap() <= cal.add_workdays(start, b).unwrap());
                let next = start.succ_opt().unwrap();
                prop_assert!(cal.add_workdays(start, n).unwrap() <= cal.add_workdays(next, n).unwrap());
            }

            #[test]
            fn count_is_additive(a in covered_date(), x in 0u64..60, y in 0u64..60) {
                let cal = Calendar::builtin();
                let b = a + chrono::Days::new(x);
                let c = b + chrono::Days::new(y);
                prop_assert_eq!(
                    cal.count_workdays(a, c).unwrap(),
                    cal.count_workdays(a, b).unwrap() + cal.count_workdays(b, c).unwrap()
                );
            }
        }
    }

    #[test]
    fn every_builtin_notice_arranges_the_seven_holidays() {
        // The real notices of 2019–2026 (shared/domain/holidays-cn.csv) are whole.
        let entries: Vec<CalendarEntry> = Calendar::builtin()
            .entries()
            .iter()
            .map(|(e, _)| e.clone())
            .collect();
        assert!(missing_holidays(&entries).is_empty());
    }

    #[test]
    fn a_notice_cut_short_names_what_it_lacks() {
        let e = |date: &str, name: &str, kind| CalendarEntry {
            date: d(date),
            name: name.into(),
            kind,
            notice: "n27".into(),
        };
        // The one line typed by hand: 元旦 only.
        let one = vec![e("2027-01-01", "元旦", DayKind::Off)];
        assert_eq!(
            missing_holidays(&one)[&2027],
            vec!["春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
        );
        // A make-up working day does not arrange a holiday; a combined name arranges two.
        let some = vec![
            e("2027-01-01", "元旦", DayKind::Off),
            e("2027-02-06", "春节", DayKind::Work),
            e("2027-04-05", "清明节", DayKind::Off),
            e("2027-05-01", "劳动节", DayKind::Off),
            e("2027-06-09", "端午节", DayKind::Off),
            e("2027-10-01", "国庆节、中秋节", DayKind::Off),
        ];
        assert_eq!(missing_holidays(&some)[&2027], vec!["春节"]);
    }
}
