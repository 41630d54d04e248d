//! Website and new-media inspection (国办秘函〔2019〕19号, REFERENCE.md section 7): the
//! measurable single-veto rules, computed over a snapshot of the portal. Pure: the store gathers
//! the snapshot, these functions say what fails.
//!
//! Our reading of the windows: "not updated for 2 weeks" fails when the last update is more than
//! 14 days before the inspection day (14 days is still inside); "6 months" and "3 months" are
//! calendar months back from the inspection day (the same day of the month is still inside). An
//! item with no publication date counts as not updated.

use chrono::{Months, NaiveDate};
use serde::Serialize;

/// A column as the inspection sees it.
#[derive(Debug, Clone)]
pub struct ColumnState {
    pub column_id: i64,
    pub unit_id: i64,
    pub name: String,
    /// `news`, `half_year` or `as_needed` (see [`crate::publishing::UpdateRule`]).
    pub rule: String,
    /// Top-level column (通知公告/政策文件 count only as first-level columns).
    pub first_level: bool,
    /// Items published in the column, and the latest publication date.
    pub items: u64,
    pub last_published: Option<NaiveDate>,
    /// The unit promised in its basic catalog to publish here.
    pub promised: bool,
}

/// A message to the public message box, as the inspection sees it.
#[derive(Debug, Clone)]
pub struct MessageState {
    pub message_id: i64,
    pub unit_id: i64,
    pub received: NaiveDate,
    pub answered: Option<NaiveDate>,
    /// A valid message (not rejected as spam or abuse).
    pub valid: bool,
}

/// A new-media account as the inspection sees it.
#[derive(Debug, Clone)]
pub struct AccountState {
    pub account_id: i64,
    pub unit_id: i64,
    pub name: String,
    pub last_post: Option<NaiveDate>,
    pub active: bool,
}

/// A link in a published item's body to one of the portal's own pages or files.
#[derive(Debug, Clone)]
pub struct LinkState {
    pub publication_id: i64,
    pub unit_id: i64,
    pub title: String,
    pub target: String,
    /// Whether the target is there (a published item, an attachment of one).
    pub found: bool,
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub as_of: NaiveDate,
    /// The latest item published anywhere on the portal (the home page's newest).
    pub home_last_published: Option<NaiveDate>,
    pub columns: Vec<ColumnState>,
    pub messages: Vec<MessageState>,
    pub accounts: Vec<AccountState>,
    pub links: Vec<LinkState>,
}

/// A rule of the inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    HomeStale,
    NewsStale,
    NoticeStale,
    PromisedNotUpdated,
    EmptyColumn,
    UnansweredMessage,
    AccountSilent,
    BrokenLink,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::HomeStale => "home_stale",
            Rule::NewsStale => "news_stale",
            Rule::NoticeStale => "notice_stale",
            Rule::PromisedNotUpdated => "promised_not_updated",
            Rule::EmptyColumn => "empty_column",
            Rule::UnansweredMessage => "unanswered_message",
            Rule::AccountSilent => "account_silent",
            Rule::BrokenLink => "broken_link",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rule::HomeStale => "首页两周未更新",
            Rule::NewsStale => "动态、要闻类栏目两周未更新",
            Rule::NoticeStale => "通知公告、政策文件类栏目六个月未更新",
            Rule::PromisedNotUpdated => "应更新未更新栏目",
            Rule::EmptyColumn => "空白栏目",
            Rule::UnansweredMessage => "留言超过三个月未答复",
            Rule::AccountSilent => "政务新媒体两周未更新",
            Rule::BrokenLink => "链接或附件不可用",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        [
            Rule::HomeStale,
            Rule::NewsStale,
            Rule::NoticeStale,
            Rule::PromisedNotUpdated,
            Rule::EmptyColumn,
            Rule::UnansweredMessage,
            Rule::AccountSilent,
            Rule::BrokenLink,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    /// The unit it concerns (None: the portal as a whole).
    pub unit_id: Option<i64>,
    pub subject: String,
    pub detail: String,
}

/// The thresholds that make a count of column problems a single veto (单项否决).
pub const STALE_VETO: usize = 5;
pub const PROMISED_VETO: usize = 10;
pub const EMPTY_VETO: usize = 5;

/// Older than `days` days before `as_of` (or never).
fn older_than_days(last: Option<NaiveDate>, as_of: NaiveDate, days: i64) -> bool {
    last.is_none_or(|d| (as_of - d).num_days() > days)
}

/// Before the same day `months` months back (or never).
fn older_than_months(last: Option<NaiveDate>, as_of: NaiveDate, months: u32) -> bool {
    let limit = as_of
        .checked_sub_months(Months::new(months))
        .unwrap_or(as_of);
    last.is_none_or(|d| d < limit)
}

fn when(d: Option<NaiveDate>) -> String {
    d.map_or("从未更新".to_string(), |d| format!("最近更新 {d}"))
}

/// Run every rule over the snapshot.
pub fn inspect(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    if older_than_days(s.home_last_published, s.as_of, 14) {
        out.push(Finding {
            rule: Rule::HomeStale,
            unit_id: None,
            subject: "门户首页".into(),
            detail: when(s.home_last_published),
        });
    }
    for c in &s.columns {
        let stale = match c.rule.as_str() {
            "news" => older_than_days(c.last_published, s.as_of, 14).then_some(Rule::NewsStale),
            "half_year" if c.first_level => {
                older_than_months(c.last_published, s.as_of, 6).then_some(Rule::NoticeStale)
            }
            _ => None,
        };
        if let Some(rule) = stale {
            out.push(Finding {
                rule,
                unit_id: Some(c.unit_id),
                subject: c.name.clone(),
                detail: when(c.last_published),
            });
        }
        if c.items == 0 {
            out.push(Finding {
                rule: Rule::EmptyColumn,
                unit_id: Some(c.unit_id),
                subject: c.name.clone(),
                detail: "栏目内没有信息".into(),
            });
        } else if c.promised && stale.is_none() && older_than_months(c.last_published, s.as_of, 12)
        {
            out.push(Finding {
                rule: Rule::PromisedNotUpdated,
                unit_id: Some(c.unit_id),
                subject: c.name.clone(),
                detail: format!(
                    "基本目录承诺公开，一年内未更新（{}）",
                    when(c.last_published)
                ),
            });
        }
    }
    let year_ago = s
        .as_of
        .checked_sub_months(Months::new(12))
        .unwrap_or(s.as_of);
    for m in &s.messages {
        if !m.valid || m.received < year_ago {
            continue;
        }
        let limit = m
            .received
            .checked_add_months(Months::new(3))
            .unwrap_or(m.received);
        let late = match m.answered {
            Some(a) => a > limit,
            None => s.as_of > limit,
        };
        if late {
            out.push(Finding {
                rule: Rule::UnansweredMessage,
                unit_id: Some(m.unit_id),
                subject: format!("留言 {}", m.message_id),
                detail: format!(
                    "{} 收到，{}",
                    m.received,
                    m.answered
                        .map_or("至今未答复".to_string(), |a| format!("{a} 才答复"))
                ),
            });
        }
    }
    for a in s.accounts.iter().filter(|a| a.active) {
        if older_than_days(a.last_post, s.as_of, 14) {
            out.push(Finding {
                rule: Rule::AccountSilent,
                unit_id: Some(a.unit_id),
                subject: a.name.clone(),
                detail: when(a.last_post),
            });
        }
    }
    for l in s.links.iter().filter(|l| !l.found) {
        out.push(Finding {
            rule: Rule::BrokenLink,
            unit_id: Some(l.unit_id),
            subject: l.title.clone(),
            detail: format!("链接 {} 指向的页面或附件不存在", l.target),
        });
    }
    out
}

/// The single vetoes a unit's findings amount to, as messages.
pub fn vetoes(findings: &[Finding]) -> Vec<String> {
    let count = |r: Rule| findings.iter().filter(|f| f.rule == r).count();
    let mut out = Vec::new();
    if count(Rule::HomeStale) > 0 {
        out.push("首页两周未更新（单项否决）".to_string());
    }
    let stale = count(Rule::NewsStale) + count(Rule::NoticeStale);
    if stale >= STALE_VETO {
        out.push(format!(
            "{stale} 个栏目未按期更新（≥{STALE_VETO}，单项否决）"
        ));
    }
    let promised = count(Rule::PromisedNotUpdated);
    if promised >= PROMISED_VETO {
        out.push(format!(
            "{promised} 个应更新栏目未更新（≥{PROMISED_VETO}，单项否决）"
        ));
    }
    let empty = count(Rule::EmptyColumn);
    if empty >= EMPTY_VETO {
        out.push(format!("{empty} 个空白栏目（≥{EMPTY_VETO}，单项否决）"));
    }
    if count(Rule::UnansweredMessage) > 0 {
        out.push("有超过三个月未答复的有效留言（单项否决）".to_string());
    }
    if count(Rule::AccountSilent) > 0 {
        out.push("政务新媒体两周未更新（单项否决）".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn column(rule: &str, last: Option<NaiveDate>, first_level: bool) -> ColumnState {
        ColumnState {
            column_id: 1,
            unit_id: 7,
            name: "工作动态".into(),
            rule: rule.into(),
            first_level,
            items: u64::from(last.is_some()),
            last_published: last,
            promised: false,
        }
    }

    fn snapshot(as_of: NaiveDate) -> Snapshot {
        Snapshot {
            as_of,
            home_last_published: Some(as_of),
            columns: Vec::new(),
            messages: Vec::new(),
            accounts: Vec::new(),
            links: Vec::new(),
        }
    }

    fn rules(s: &Snapshot) -> Vec<Rule> {
        inspect(s).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn home_page_two_weeks_one_day_each_side() {
        let mut s = snapshot(d(2021, 12, 15));
        s.home_last_published = Some(d(2021, 12, 1));
        assert!(rules(&s).is_empty(), "14 days is inside");
        s.home_last_published = Some(d(2021, 11, 30));
        assert_eq!(rules(&s), [Rule::HomeStale], "15 days is outside");
        s.home_last_published = None;
        assert_eq!(rules(&s), [Rule::HomeStale], "never updated");
    }

    #[test]
    fn news_columns_two_weeks_notice_columns_six_months() {
        let as_of = d(2021, 12, 15);
        let mut s = snapshot(as_of);
        s.columns = vec![column("news", Some(d(2021, 12, 1)), true)];
        assert!(rules(&s).is_empty());
        s.columns = vec![column("news", Some(d(2021, 11, 30)), true)];
        assert_eq!(rules(&s), [Rule::NewsStale]);
        s.columns = vec![column("half_year", Some(d(2021, 6, 15)), true)];
        assert!(
            rules(&s).is_empty(),
            "the same day six months back is inside"
        );
        s.columns = vec![column("half_year", Some(d(2021, 6, 14)), true)];
        assert_eq!(rules(&s), [Rule::NoticeStale]);
        // Only first-level 通知公告/政策文件 columns count.
        s.columns = vec![column("half_year", Some(d(2021, 6, 14)), false)];
        assert!(rules(&s).is_empty());
    }

    #[test]
    fn empty_and_promised_columns_with_their_vetoes() {
        let as_of = d(2021, 12, 15);
        let mut s = snapshot(as_of);
        let mut promised = column("as_needed", Some(d(2020, 12, 15)), true);
        promised.promised = true;
        s.columns = vec![promised.clone()];
        assert!(rules(&s).is_empty(), "a year to the day is inside");
        promised.last_published = Some(d(2020, 12, 14));
        s.columns = vec![promised];
        assert_eq!(rules(&s), [Rule::PromisedNotUpdated]);
        s.columns = (0..5).map(|_| column("as_needed", None, true)).collect();
        let f = inspect(&s);
        assert_eq!(f.len(), 5);
        assert!(vetoes(&f).iter().any(|v| v.contains("5 个空白栏目")));
        s.columns.pop();
        assert!(
            vetoes(&inspect(&s)).is_empty(),
            "four empty columns are not a veto"
        );
    }

    #[test]
    fn messages_three_months_and_accounts_two_weeks() {
        let as_of = d(2021, 12, 15);
        let mut s = snapshot(as_of);
        let m = |received, answered| MessageState {
            message_id: 1,
            unit_id: 7,
            received,
            answered,
            valid: true,
        };
        s.messages = vec![m(d(2021, 9, 15), None)];
        assert!(rules(&s).is_empty(), "three months to the day is inside");
        s.messages = vec![m(d(2021, 9, 14), None)];
        assert_eq!(rules(&s), [Rule::UnansweredMessage]);
        s.messages = vec![m(d(2021, 3, 1), Some(d(2021, 6, 2)))];
        assert_eq!(rules(&s), [Rule::UnansweredMessage], "answered too late");
        s.messages = vec![m(d(2020, 3, 1), None)];
        assert!(rules(&s).is_empty(), "older than a year is out of scope");
        s.messages = Vec::new();
        let account = |last| AccountState {
            account_id: 1,
            unit_id: 7,
            name: "番禺网".into(),
            last_post: last,
            active: true,
        };
        s.accounts = vec![account(Some(d(2021, 12, 1)))];
        assert!(rules(&s).is_empty());
        s.accounts = vec![account(Some(d(2021, 11, 30)))];
        assert_eq!(rules(&s), [Rule::AccountSilent]);
    }
}
