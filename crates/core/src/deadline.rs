//! The answer period of an application (Arts. 30–34 and 109号), computed from its events — never
//! stored by hand — with an explanation a person can follow.
//!
//! Our rules (REFERENCE.md section 3): the answer is due on the 20th working day after the receipt
//! date, or after the day a corrected application arrives (Art. 30, 33). A consultation of a third
//! party (Art. 32) or of a co-producing agency (Art. 34), or the wait for a fee payment (109号),
//! suspends the clock: the due date moves later by the working days from the day after the letter
//! or notice is sent to the day the reply or payment arrives (or the period ends), both inclusive.
//! Suspensions that overlap count each working day once. An extension (once, Art. 33) moves the due
//! date to the 20th working day after the previous due date. Since every step adds working days
//! to the same count, the events compose in any order.

use crate::calendar::{Calendar, CalendarError};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// Working days of the answer period (Art. 33).
pub const ANSWER_WD: u32 = 20;
/// Working days of an extension (Art. 33).
pub const EXTENSION_WD: u32 = 20;
/// Working days within which a correction request must go out (Art. 30).
pub const CORRECTION_NOTICE_WD: u32 = 7;
/// Working days a consulted third party or agency has to reply (Arts. 32, 34).
pub const CONSULTATION_WD: u32 = 15;
/// Working days an applicant has to pay a fee (109号).
pub const FEE_PAYMENT_WD: u32 = 20;

/// Why the clock stood still.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionKind {
    /// 第三方意见征询 (Art. 32)
    ThirdParty,
    /// 征求其他机关意见 (Art. 34)
    CoProducer,
    /// 等待缴纳信息处理费 (109号)
    Fee,
}

impl SuspensionKind {
    pub fn label(self) -> &'static str {
        match self {
            SuspensionKind::ThirdParty => "征求第三方意见",
            SuspensionKind::CoProducer => "征求其他机关意见",
            SuspensionKind::Fee => "等待缴纳信息处理费",
        }
    }
}

/// A stretch during which the clock is suspended: from the day the letter or notice was sent to
/// the day the reply or payment arrived (or the period ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suspension {
    pub kind: SuspensionKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Still running (`to` is today or the period's end, not a reply).
    pub ongoing: bool,
}

/// What the answer period depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clock {
    pub received: Option<NaiveDate>,
    pub correction_received: Option<NaiveDate>,
    pub suspensions: Vec<Suspension>,
    pub extended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("缺少收到申请的日期")]
    NoReceipt,
    #[error("补正后申请的收到日期 {correction} 早于收到申请的日期 {received}")]
    CorrectionBeforeReceipt {
        received: NaiveDate,
        correction: NaiveDate,
    },
    #[error("暂停区间 {from}..{to} 的结束日期早于开始日期")]
    ReversedSuspension { from: NaiveDate, to: NaiveDate },
}

/// The due date and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    /// Working days suspended in all.
    pub suspended_wd: u32,
    /// One line per step, in Chinese.
    pub steps: Vec<String>,
}

impl Due {
    pub fn explanation(&self) -> String {
        self.steps.join("；")
    }
}

/// The answer due date of `clock` on `cal`.
pub fn answer_due(cal: &Calendar, clock: &Clock) -> Result<Due, DeadlineError> {
    let received = clock.received.ok_or(DeadlineError::NoReceipt)?;
    let mut steps = Vec::new();
    let start = match clock.correction_received {
        Some(c) if c < received => {
            return Err(DeadlineError::CorrectionBeforeReceipt {
                received,
                correction: c,
            });
        }
        Some(c) => {
            steps.push(format!(
                "{received} 收到申请，经补正，{c} 收到补正后的申请，答复期限自该日重新起算"
            ));
            c
        }
        None => {
            steps.push(format!("{received} 收到申请"));
            received
        }
    };
    let base = cal.add_workdays(start, ANSWER_WD)?;
    steps.push(format!("其后第 {ANSWER_WD} 个工作日为 {base}"));

    let mut suspended: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut sorted = clock.suspensions.clone();
    sorted.sort_by_key(|s| (s.from, s.to));
    for s in &sorted {
        if s.to < s.from {
            return Err(DeadlineError::ReversedSuspension {
                from: s.from,
                to: s.to,
            });
        }
        let mut new_days = 0;
        let mut d = s.from.max(start);
        while d < s.to {
            d = d.succ_opt().ok_or(CalendarError::OutOfRange)?;
            if cal.is_workday(d)? && suspended.insert(d) {
                new_days += 1;
            }
        }
        let end = if s.ongoing {
            format!("{}（进行中）", s.to)
        } else {
            s.to.to_string()
        };
        steps.push(format!(
            "{} {} 至 {}，不计入答复期限，顺延 {new_days} 个工作日",
            s.kind.label(),
            s.from,
            end
        ));
    }
    let suspended_wd = suspended.len() as u32;
    let extension = if clock.extended { EXTENSION_WD } else { 0 };
    if clock.extended {
        steps.push(format!(
            "经政府信息公开工作机构负责人同意，延长答复期限 {EXTENSION_WD} 个工作日"
        ));
    }
    let date = cal.add_workdays(start, ANSWER_WD + suspended_wd + extension)?;
    steps.push(format!("答复期限为 {date}"));
    Ok(Due {
        date,
        suspended_wd,
        steps,
    })
}

/// The last day a correction request may go out (Art. 30: within 7 WD of receipt).
pub fn correction_notice_due(
    cal: &Calendar,
    received: NaiveDate,
) -> Result<NaiveDate, CalendarError> {
    cal.add_workdays(received, CORRECTION_NOTICE_WD)
}

/// The day a consultation expires without reply (Arts. 32, 34: 15 WD).
pub fn consultation_expires(cal: &Calendar, sent: NaiveDate) -> Result<NaiveDate, CalendarError> {
    cal.add_workdays(sent, CONSULTATION_WD)
}

/// The last day to pay a fee (109号: 20 WD from receiving the notice).
pub fn fee_payment_due(cal: &Calendar, notice: NaiveDate) -> Result<NaiveDate, CalendarError> {
    cal.add_workdays(notice, FEE_PAYMENT_WD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn clock(received: &str) -> Clock {
        Clock {
            received: Some(d(received)),
            ..Default::default()
        }
    }

    #[test]
    fn the_issue_example() {
        let cal = Calendar::builtin();
        let mut c = clock("2021-09-28");
        assert_eq!(answer_due(cal, &c).unwrap().date, d("2021-11-01"));
        // A third-party consultation sent 10-11 (Mon), reply 10-19 (Tue): the day of sending does
        // not count, so 12, 13, 14, 15, 18, 19 October are suspended — six working days.
        c.suspensions.push(Suspension {
            kind: SuspensionKind::ThirdParty,
            from: d("2021-10-11"),
            to: d("2021-10-19"),
            ongoing: false,
        });
        let due = answer_due(cal, &c).unwrap();
        assert_eq!(due.suspended_wd, 6);
        assert_eq!(due.date, d("2021-11-09"));
        assert!(
            due.explanation()
                .contains("征求第三方意见 2021-10-11 至 2021-10-19")
        );
        assert!(due.explanation().ends_with("答复期限为 2021-11-09"));
    }

    #[test]
    fn correction_restarts_and_extension_adds_twenty() {
        let cal = Calendar::builtin();
        let mut c = clock("2021-09-28");
        c.correction_received = Some(d("2021-10-11"));
        assert_eq!(
            answer_due(cal, &c).unwrap().date,
            cal.add_workdays(d("2021-10-11"), 20).unwrap()
        );
        c.extended = true;
        assert_eq!(
            answer_due(cal, &c).unwrap().date,
            cal.add_workdays(d("2021-10-11"), 40).unwrap()
        );
        c.correction_received = Some(d("2021-09-01"));
        assert!(matches!(
            answer_due(cal, &c),
            Err(DeadlineError::CorrectionBeforeReceipt { .. })
        ));
    }

    #[test]
    fn overlapping_suspensions_count_once() {
        let cal = Calendar::builtin();
        let mut c = clock("2021-03-01");
        let s = |from: &str, to: &str| Suspension {
            kind: SuspensionKind::CoProducer,
            from: d(from),
            to: d(to),
            ongoing: false,
        };
        c.suspensions = vec![s("2021-03-08", "2021-03-12"), s("2021-03-10", "2021-03-16")];
        // (03-08, 03-16] working days: 9, 10, 11, 12, 15, 16 = 6.
        assert_eq!(answer_due(cal, &c).unwrap().suspended_wd, 6);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn date_in(lo: &'static str, span: i64) -> impl Strategy<Value = NaiveDate> {
            (0..span).prop_map(move |o| d(lo) + chrono::Days::new(o as u64))
        }

        fn suspension() -> impl Strategy<Value = Suspension> {
            (date_in("2022-01-01", 300), 0u64..40, 0usize..3).prop_map(|(from, len, k)| {
                Suspension {
                    kind: [
                        SuspensionKind::ThirdParty,
                        SuspensionKind::CoProducer,
                        SuspensionKind::Fee,
                    ][k],
                    from,
                    to: from + chrono::Days::new(len),
                    ongoing: false,
                }
            })
        }

        proptest! {
            #[test]
            fn adding_an_event_never_moves_the_due_date_earlier(
                received in date_in("2022-01-01", 200),
                sus in proptest::collection::vec(suspension(), 0..4),
                extra in suspension(),
                extended in any::<bool>(),
            ) {
                let cal = Calendar::builtin();
                let base = Clock { received: Some(received), suspensions: sus.clone(), extended, ..Default::default() };
                let before = answer_due(cal, &base).unwrap().date;
                let mut more = base.clone();
                more.suspensions.push(extra);
                prop_assert!(answer_due(cal, &more).unwrap().date >= before);
                let mut ext = base.clone();
                ext.extended = true;
                prop_assert!(answer_due(cal, &ext).unwrap().date >= before);
            }

            #[test]
            fn suspensions_and_extension_compose_in_any_order(
                received in date_in("2022-01-01", 200),
                mut sus in proptest::collection::vec(suspension(), 0..5),
                extended in any::<bool>(),
                seed in any::<u64>(),
            ) {
                let cal = Calendar::builtin();
                let a = Clock { received: Some(received), suspensions: sus.clone(), extended, ..Default::default() };
                // Shuffle deterministically.
                let n = sus.len();
                for i in 0..n {
                    let j = ((seed >> (i % 32)) as usize + i * 7) % n;
                    sus.swap(i, j);
                }
                let b = Clock { received: Some(received), suspensions: sus, extended, ..Default::default() };
                prop_assert_eq!(answer_due(cal, &a).unwrap().date, answer_due(cal, &b).unwrap().date);
            }
        }
    }
}
