//! Where an application stands as of a day: its stage, its clock (receipt, corrections,
//! suspensions, extension) and its answer due date, all derived from its events.

use super::Event;
use crate::calendar::Calendar;
use crate::deadline::{
    Clock, DeadlineError, Due, Suspension, SuspensionKind, answer_due, consultation_expires,
    correction_notice_due, fee_payment_due,
};
use chrono::NaiveDate;
use serde::Serialize;

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
    let received = received_on(events);
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
            Event::Received { .. } | Event::ReceiptCorrected { .. } => {}
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

/// The receipt date (Art. 31): the one recorded, or the office's latest correction of it.
pub fn received_on(events: &[Event]) -> Option<NaiveDate> {
    events.iter().fold(None, |at, e| match e {
        Event::Received { on } if at.is_none() => Some(*on),
        Event::ReceiptCorrected { on, .. } => Some(*on),
        _ => at,
    })
}
