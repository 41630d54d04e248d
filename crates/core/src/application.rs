//! An application's life (Arts. 29–45) as a list of events. Its stage, its clock and its due date
//! are derived from the events here — never stored as truth — so a correction of the record
//! corrects everything that depends on it.

use crate::calendar::Calendar;
use crate::deadline::{
    Clock, DeadlineError, Due, Suspension, SuspensionKind, answer_due, consultation_expires,
    correction_notice_due, fee_payment_due,
};
use crate::fees::FeeMethod;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How an application arrived, and the receipt-date rule of Art. 31 for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    InPerson,
    Post,
    Fax,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Online,
        Channel::InPerson,
        Channel::Post,
        Channel::Fax,
        Channel::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::InPerson => "in_person",
            Channel::Post => "post",
            Channel::Fax => "fax",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Online => "网上申请",
            Channel::InPerson => "当面提交",
            Channel::Post => "邮寄",
            Channel::Fax => "传真",
            Channel::Email => "电子邮件",
        }
    }

    /// Art. 31: which day is the receipt date.
    pub fn receipt_rule(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交的，以提交之日为收到申请之日（第三十一条第一项）",
            Channel::Post => {
                "邮寄的，以签收之日为收到申请之日；平常信函等无需签收的，以与申请人确认之日为收到申请之日（第三十一条第二项）"
            }
            Channel::Online | Channel::Fax | Channel::Email => {
                "通过互联网渠道或者传真提交的，以双方确认之日为收到申请之日（第三十一条第三项）"
            }
        }
    }
}

/// One event of an application's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The receipt date is fixed (Art. 31).
    Received { on: NaiveDate },
    /// 补正: the applicant is told once what to correct and by when (Art. 30).
    CorrectionRequested {
        on: NaiveDate,
        content: String,
        by: NaiveDate,
    },
    /// The corrected application arrived: the answer period restarts.
    CorrectionReceived { on: NaiveDate },
    /// A consultation letter went out (Art. 32 third party, Art. 34 other agency).
    ConsultationSent {
        on: NaiveDate,
        third_party: bool,
        party: String,
    },
    /// The reply to the consultation sent on `sent_on` to `party` arrived.
    ConsultationReplied {
        on: NaiveDate,
        sent_on: NaiveDate,
        party: String,
        consents: bool,
    },
    /// The period was extended (once, with the office head's consent; the applicant told).
    Extended { on: NaiveDate, approved_by: String },
    /// A fee notice (109号) was sent.
    FeeNotice {
        on: NaiveDate,
        method: FeeMethod,
        quantity: u64,
        amount_yuan: u64,
    },
    /// The fee was paid.
    FeePaid { on: NaiveDate, amount_yuan: u64 },
    /// The answer went out: one outcome row of table 三.
    Answered { on: NaiveDate, outcome: String },
    /// Filed (归档).
    Archived { on: NaiveDate },
}

impl Event {
    pub fn on(&self) -> NaiveDate {
        match self {
            Event::Received { on }
            | Event::CorrectionRequested { on, .. }
            | Event::CorrectionReceived { on }
            | Event::ConsultationSent { on, .. }
            | Event::ConsultationReplied { on, .. }
            | Event::Extended { on, .. }
            | Event::FeeNotice { on, .. }
            | Event::FeePaid { on, .. }
            | Event::Answered { on, .. }
            | Event::Archived { on } => *on,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Event::Received { .. } => "received",
            Event::CorrectionRequested { .. } => "correction_requested",
            Event::CorrectionReceived { .. } => "correction_received",
            Event::ConsultationSent { .. } => "consultation_sent",
            Event::ConsultationReplied { .. } => "consultation_replied",
            Event::Extended { .. } => "extended",
            Event::FeeNotice { .. } => "fee_notice",
            Event::FeePaid { .. } => "fee_paid",
            Event::Answered { .. } => "answered",
            Event::Archived { .. } => "archived",
        }
    }

    /// One line for the timeline, in Chinese.
    pub fn describe(&self) -> String {
        match self {
            Event::Received { on } => format!("{on} 确认收到申请"),
            Event::CorrectionRequested { on, content, by } => {
                format!("{on} 发出补正告知：{content}（请于 {by} 前补正）")
            }
            Event::CorrectionReceived { on } => format!("{on} 收到补正后的申请，答复期限重新起算"),
            Event::ConsultationSent {
                on,
                third_party,
                party,
            } => format!(
                "{on} 向{}“{party}”发出征求意见函",
                if *third_party {
                    "第三方"
                } else {
                    "有关机关"
                }
            ),
            Event::ConsultationReplied {
                on,
                party,
                consents,
                ..
            } => format!(
                "{on} 收到“{party}”的意见（{}）",
                if *consents {
                    "同意公开"
                } else {
                    "不同意公开"
                }
            ),
            Event::Extended { on, approved_by } => {
                format!("{on} 经{approved_by}同意延长答复期限 20 个工作日，已告知申请人")
            }
            Event::FeeNotice {
                on,
                method,
                quantity,
                amount_yuan,
            } => format!(
                "{on} 发出收费通知：{}，数量 {quantity}，金额 {amount_yuan} 元",
                method.label()
            ),
            Event::FeePaid { on, amount_yuan } => {
                format!("{on} 申请人缴纳信息处理费 {amount_yuan} 元")
            }
            Event::Answered { on, outcome } => format!(
                "{on} 作出答复：{}",
                crate::taxonomy::outcome(outcome)
                    .map(|o| o.label)
                    .unwrap_or(outcome)
            ),
            Event::Archived { on } => format!("{on} 归档"),
        }
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Submitted online, receipt not yet confirmed.
    AwaitingReceipt,
    AwaitingCorrection,
    Consulting,
    AwaitingFee,
    InProgress,
    Answered,
    Archived,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::AwaitingReceipt => "待确认收到",
            Stage::AwaitingCorrection => "待申请人补正",
            Stage::Consulting => "征求意见中",
            Stage::AwaitingFee => "待缴纳费用",
            Stage::InProgress => "办理中",
            Stage::Answered => "已答复",
            Stage::Archived => "已归档",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Answered | Stage::Archived)
    }
}

/// Everything derived from the events, as of `today`.
#[derive(Debug, Clone)]
pub struct Progress {
    pub stage: Stage,
    pub received: Option<NaiveDate>,
    pub clock: Clock,
    /// The answer due date, unless the clock has not started or waits for a correction.
    pub due: Option<Due>,
    /// Why there is no due date, when there is none.
    pub no_due_reason: Option<&'static str>,
    pub outcome: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    /// Warnings a handler should see (in Chinese).
    pub warnings: Vec<String>,
    /// The last day a correction request may go out, while one still may.
    pub correction_notice_by: Option<NaiveDate>,
}

/// Derive the progress of an application from its events (in recorded order).
pub fn progress(
    cal: &Calendar,
    events: &[Event],
    today: NaiveDate,
) -> Result<Progress, DeadlineError> {
    let received = events.iter().find_map(|e| match e {
        Event::Received { on } => Some(*on),
        _ => None,
    });
    let mut clock = Clock {
        received,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let mut awaiting_correction = false;
    let mut correction_requested = false;
    let mut outcome = None;
    let mut concluded_on = None;
    let mut archived = false;
    let mut open_consultations: Vec<(NaiveDate, String, bool)> = Vec::new();
    let mut open_fee: Option<NaiveDate> = None;

    for e in events {
        match e {
            Event::Received { .. } => {}
            Event::CorrectionRequested { .. } => {
                awaiting_correction = true;
                correction_requested = true;
            }
            Event::CorrectionReceived { on } => {
                awaiting_correction = false;
                clock.correction_received = Some(*on);
            }
            Event::ConsultationSent {
                on,
                third_party,
                party,
            } => {
                open_consultations.push((*on, party.clone(), *third_party));
            }
            Event::ConsultationReplied {
                on, sent_on, party, ..
            } => {
                if let Some(i) = open_consultations
                    .iter()
                    .position(|(s, p, _)| s == sent_on && p == party)
                {
                    let (from, _, third) = open_consultations.remove(i);
                    // A reply after the 15 WD period suspends only up to the period's end.
                    let expiry = consultation_expires(cal, from)?;
                    clock.suspensions.push(Suspension {
                        kind: if third {
                            SuspensionKind::ThirdParty
                        } else {
                            SuspensionKind::CoProducer
                        },
                        from,
                        to: (*on).min(expiry),
                        ongoing: false,
                    });
                }
            }
            Event::Extended { .. } => clock.extended = true,
            Event::FeeNotice { on, .. } => open_fee = Some(*on),
            Event::FeePaid { on, .. } => {
                if let Some(from) = open_fee.take() {
                    clock.suspensions.push(Suspension {
                        kind: SuspensionKind::Fee,
                        from,
                        to: *on,
                        ongoing: false,
                    });
                }
            }
            Event::Answered { on, outcome: o } => {
                outcome = Some(o.clone());
                concluded_on = Some(*on);
            }
            Event::Archived { .. } => archived = true,
        }
    }
    let concluded = outcome.is_some();
    // Consultations and fee waits still open suspend the clock up to today (or their end).
    for (from, party, third) in &open_consultations {
        let expiry = consultation_expires(cal, *from)?;
        let end = concluded_on.unwrap_or(today);
        if expiry < end {
            clock.suspensions.push(Suspension {
                kind: if *third {
                    SuspensionKind::ThirdParty
                } else {
                    SuspensionKind::CoProducer
                },
                from: *from,
                to: expiry,
                ongoing: false,
            });
            if !concluded {
                warnings.push(format!(
                    "向“{party}”征求意见已于 {expiry} 期满（15 个工作日）未收到答复：第三方逾期未提出意见的，由行政机关依照条例决定是否公开；其他机关逾期未答复的视为同意公开"
                ));
            }
        } else {
            clock.suspensions.push(Suspension {
                kind: if *third {
                    SuspensionKind::ThirdParty
                } else {
                    SuspensionKind::CoProducer
                },
                from: *from,
                to: end.max(*from),
                ongoing: !concluded,
            });
        }
    }
    let mut fee_waiting = false;
    if let Some(from) = open_fee {
        let pay_by = fee_payment_due(cal, from)?;
        let end = concluded_on.unwrap_or(today);
        clock.suspensions.push(Suspension {
            kind: SuspensionKind::Fee,
            from,
            to: end.min(pay_by).max(from),
            ongoing: !concluded && end < pay_by,
        });
        if !concluded {
            if today > pay_by {
                warnings.push(format!(
                    "申请人未在 {pay_by} 前缴纳费用：可按“申请人逾期未按收费通知要求缴纳费用”终止处理（表三（六）2）"
                ));
            } else {
                fee_waiting = true;
            }
        }
    }
    let still_consulting = !concluded
        && clock
            .suspensions
            .iter()
            .any(|s| s.ongoing && s.kind != SuspensionKind::Fee);

    let correction_notice_by = match (received, correction_requested) {
        (Some(r), false) if !concluded => Some(correction_notice_due(cal, r)?),
        _ => None,
    };
    if let (Some(by), false) = (correction_notice_by, concluded) {
        if today > by {
            // Past the 7 WD: a correction can no longer be asked for.
        } else if cal.count_workdays(today, by).unwrap_or(0) <= 2 {
            warnings.push(format!(
                "如需申请人补正，须在 {by} 前一次性告知（第三十条）"
            ));
        }
    }

    let (due, no_due_reason) = if received.is_none() {
        (None, Some("尚未确认收到申请，答复期限未起算"))
    } else if awaiting_correction && !concluded {
        (None, Some("等待申请人补正，收到补正后的申请之日起重新计算"))
    } else {
        (Some(answer_due(cal, &clock)?), None)
    };

    let stage = if archived {
        Stage::Archived
    } else if concluded {
        Stage::Answered
    } else if received.is_none() {
        Stage::AwaitingReceipt
    } else if awaiting_correction {
        Stage::AwaitingCorrection
    } else if fee_waiting {
        Stage::AwaitingFee
    } else if still_consulting {
        Stage::Consulting
    } else {
        Stage::InProgress
    };
    Ok(Progress {
        stage,
        received,
        clock,
        due,
        no_due_reason,
        outcome,
        concluded_on,
        warnings,
        correction_notice_by,
    })
}

/// Check that `next` may follow `events`; the message says why not.
pub fn check_next(
    cal: &Calendar,
    events: &[Event],
    next: &Event,
    today: NaiveDate,
) -> Result<(), String> {
    let p = progress(cal, events, today).map_err(|e| e.to_string())?;
    if next.on() > today {
        return Err(format!("日期 {} 晚于今天，不能登记将来的事件", next.on()));
    }
    if let Some(r) = p.received
        && next.on() < r
        && !matches!(next, Event::Received { .. })
    {
        return Err(format!("日期 {} 早于收到申请之日 {r}", next.on()));
    }
    let open = p.stage.is_open();
    let need_open = || {
        if open {
            Ok(())
        } else {
            Err("申请已办结，不能再登记办理事项".to_string())
        }
    };
    let need_received = || {
        if p.received.is_some() {
            Ok(())
        } else {
            Err("请先确认收到申请".to_string())
        }
    };
    match next {
        Event::Received { .. } => {
            if p.received.is_some() {
                return Err("已确认过收到申请".into());
            }
            need_open()
        }
        Event::CorrectionRequested { on, by, content } => {
            need_open()?;
            need_received()?;
            if events
                .iter()
                .any(|e| matches!(e, Event::CorrectionRequested { .. }))
            {
                return Err("补正只能一次性告知，本申请已告知过补正（第三十条）".into());
            }
            if content.trim().is_empty() {
                return Err("请写明需要补正的事项".into());
            }
            if by <= on {
                return Err("补正期限应晚于告知日期".into());
            }
            let limit =
                correction_notice_due(cal, p.received.unwrap_or(*on)).map_err(|e| e.to_string())?;
            if *on > limit {
                return Err(format!(
                    "补正告知应在收到申请之日起 7 个工作日内（{limit} 前）发出，现已超过（第三十条）"
                ));
            }
            Ok(())
        }
        Event::CorrectionReceived { .. } => {
            need_open()?;
            if p.stage != Stage::AwaitingCorrection {
                return Err("本申请没有待补正事项".into());
            }
            Ok(())
        }
        Event::ConsultationSent { party, .. } => {
            need_open()?;
            need_received()?;
            if party.trim().is_empty() {
                return Err("请填写征求意见的对象".into());
            }
            Ok(())
        }
        Event::ConsultationReplied { sent_on, party, .. } => {
            need_open()?;
            let sent = events.iter().any(|e| matches!(e, Event::ConsultationSent { on, party: p2, .. } if on == sent_on && p2 == party));
            let replied = events.iter().any(|e| matches!(e, Event::ConsultationReplied { sent_on: s, party: p2, .. } if s == sent_on && p2 == party));
            if !sent {
                return Err(format!("没有 {sent_on} 向“{party}”发出的征求意见函"));
            }
            if replied {
                return Err("该征求意见函已登记过答复".into());
            }
            Ok(())
        }
        Event::Extended { approved_by, .. } => {
            need_open()?;
            need_received()?;
            if p.clock.extended {
                return Err("答复期限只能延长一次（第三十三条）".into());
            }
            if approved_by.trim().is_empty() {
                return Err("延长答复期限须经政府信息公开工作机构负责人同意，请填写批准人".into());
            }
            Ok(())
        }
        Event::FeeNotice { amount_yuan, .. } => {
            need_open()?;
            need_received()?;
            if events.iter().any(|e| matches!(e, Event::FeeNotice { .. })) {
                return Err("本申请已发出过收费通知".into());
            }
            if *amount_yuan == 0 {
                return Err("按收费标准计算金额为 0 元，不应收费".into());
            }
            Ok(())
        }
        Event::FeePaid { amount_yuan, .. } => {
            need_open()?;
            let notice = events.iter().find_map(|e| match e {
                Event::FeeNotice { amount_yuan, .. } => Some(*amount_yuan),
                _ => None,
            });
            match notice {
                None => Err("本申请没有收费通知".into()),
                Some(_) if events.iter().any(|e| matches!(e, Event::FeePaid { .. })) => {
                    Err("已登记过缴费".into())
                }
                Some(a) if a != *amount_yuan => Err(format!("缴费金额应为收费通知中的 {a} 元")),
                Some(_) => Ok(()),
            }
        }
        Event::Answered { outcome, .. } => {
            need_open()?;
            need_received()?;
            if crate::taxonomy::outcome(outcome).is_none() {
                return Err("请选择一项办理结果".into());
            }
            Ok(())
        }
        Event::Archived { .. } => {
            if p.stage != Stage::Answered {
                return Err("答复后才能归档".into());
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_full_life() {
        let cal = Calendar::builtin();
        let today = d("2021-12-31");
        let mut ev = vec![];
        let p = progress(cal, &ev, today).unwrap();
        assert_eq!(p.stage, Stage::AwaitingReceipt);
        assert!(p.due.is_none());
        ev.push(Event::Received {
            on: d("2021-09-28"),
        });
        assert_eq!(
            progress(cal, &ev, d("2021-09-29"))
                .unwrap()
                .due
                .unwrap()
                .date,
            d("2021-11-01")
        );
        let sent = Event::ConsultationSent {
            on: d("2021-10-11"),
            third_party: true,
            party: "某公司".into(),
        };
        check_next(cal, &ev, &sent, today).unwrap();
        ev.push(sent);
        let p = progress(cal, &ev, d("2021-10-14")).unwrap();
        assert_eq!(p.stage, Stage::Consulting);
        let reply = Event::ConsultationReplied {
            on: d("2021-10-19"),
            sent_on: d("2021-10-11"),
            party: "某公司".into(),
            consents: false,
        };
        check_next(cal, &ev, &reply, today).unwrap();
        ev.push(reply);
        let p = progress(cal, &ev, d("2021-10-20")).unwrap();
        assert_eq!(p.stage, Stage::InProgress);
        assert_eq!(p.due.as_ref().unwrap().date, d("2021-11-09"));
        // Once only.
        let ext = Event::Extended {
            on: d("2021-11-01"),
            approved_by: "办公室主任".into(),
        };
        check_next(cal, &ev, &ext, today).unwrap();
        ev.push(ext.clone());
        assert!(
            check_next(cal, &ev, &ext, today)
                .unwrap_err()
                .contains("只能延长一次")
        );
        // Late correction request is refused.
        let corr = Event::CorrectionRequested {
            on: d("2021-11-02"),
            content: "请明确文号".into(),
            by: d("2021-11-20"),
        };
        assert!(
            check_next(cal, &ev, &corr, today)
                .unwrap_err()
                .contains("7 个工作日")
        );
        let ans = Event::Answered {
            on: d("2021-11-20"),
            outcome: "2".into(),
        };
        check_next(cal, &ev, &ans, today).unwrap();
        ev.push(ans);
        let p = progress(cal, &ev, today).unwrap();
        assert_eq!(p.stage, Stage::Answered);
        assert_eq!(p.concluded_on, Some(d("2021-11-20")));
        assert!(
            check_next(
                cal,
                &ev,
                &Event::Extended {
                    on: d("2021-11-21"),
                    approved_by: "x".into()
                },
                today
            )
            .is_err()
        );
    }

    #[test]
    fn correction_stops_and_restarts_the_clock() {
        let cal = Calendar::builtin();
        let mut ev = vec![Event::Received {
            on: d("2021-03-01"),
        }];
        ev.push(Event::CorrectionRequested {
            on: d("2021-03-03"),
            content: "补充身份证明".into(),
            by: d("2021-03-17"),
        });
        let p = progress(cal, &ev, d("2021-03-05")).unwrap();
        assert_eq!(p.stage, Stage::AwaitingCorrection);
        assert!(p.due.is_none());
        let again = Event::CorrectionRequested {
            on: d("2021-03-04"),
            content: "再补".into(),
            by: d("2021-03-20"),
        };
        assert!(
            check_next(cal, &ev, &again, d("2021-03-05"))
                .unwrap_err()
                .contains("一次性")
        );
        ev.push(Event::CorrectionReceived {
            on: d("2021-03-10"),
        });
        let p = progress(cal, &ev, d("2021-03-11")).unwrap();
        assert_eq!(
            p.due.unwrap().date,
            cal.add_workdays(d("2021-03-10"), 20).unwrap()
        );
    }

    #[test]
    fn fee_wait_suspends_until_paid() {
        let cal = Calendar::builtin();
        let mut ev = vec![Event::Received {
            on: d("2021-06-01"),
        }];
        ev.push(Event::FeeNotice {
            on: d("2021-06-07"),
            method: FeeMethod::Pages,
            quantity: 101,
            amount_yuan: 720,
        });
        let p = progress(cal, &ev, d("2021-06-09")).unwrap();
        assert_eq!(p.stage, Stage::AwaitingFee);
        assert!(
            check_next(
                cal,
                &ev,
                &Event::FeePaid {
                    on: d("2021-06-10"),
                    amount_yuan: 700
                },
                d("2021-06-10")
            )
            .is_err()
        );
        ev.push(Event::FeePaid {
            on: d("2021-06-10"),
            amount_yuan: 720,
        });
        let p = progress(cal, &ev, d("2021-06-11")).unwrap();
        assert_eq!(p.stage, Stage::InProgress);
        // (06-07, 06-10] = 8, 9, 10 June: three working days.
        assert_eq!(p.due.unwrap().suspended_wd, 3);
    }

    #[test]
    fn future_and_pre_receipt_dates_are_refused() {
        let cal = Calendar::builtin();
        let ev = vec![Event::Received {
            on: d("2021-06-01"),
        }];
        let e = Event::Extended {
            on: d("2021-05-01"),
            approved_by: "x".into(),
        };
        assert!(
            check_next(cal, &ev, &e, d("2021-06-10"))
                .unwrap_err()
                .contains("早于")
        );
        let e = Event::Answered {
            on: d("2021-07-01"),
            outcome: "1".into(),
        };
        assert!(
            check_next(cal, &ev, &e, d("2021-06-10"))
                .unwrap_err()
                .contains("晚于今天")
        );
    }
}
