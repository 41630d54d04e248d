//! An application's life (Arts. 29–45) as a list of events. Its stage, its clock and its due date
//! are derived from the events ([`progress`]) — never stored as truth — so a correction of the
//! record corrects everything that depends on it. Whether an event may follow the ones before is
//! decided once, in [`rules`], for every way in (pages, API, CLI, demo).
//!
//! - this file: how an application arrived ([`Channel`]) and what can happen to it ([`Event`]);
//! - `progress.rs`: the stage, the clock and the due date as of a day;
//! - `rules.rs`: the statute's rules for the next event, each named after its article.

use crate::fees::FeeMethod;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod progress;
pub mod rules;

pub use progress::{Progress, Stage, progress, received_on};
pub use rules::{Facts, Refusal, check_next, complete};

/// The correction request (the day it went out and the day to correct by), if one did.
pub fn correction_request(events: &[Event]) -> Option<(NaiveDate, NaiveDate)> {
    events.iter().find_map(|e| match e {
        Event::CorrectionRequested { on, by, .. } => Some((*on, *by)),
        _ => None,
    })
}

/// The day the corrected application arrived, if it did.
pub fn correction_received(events: &[Event]) -> Option<NaiveDate> {
    events.iter().find_map(|e| match e {
        Event::CorrectionReceived { on } => Some(*on),
        _ => None,
    })
}

/// The day and amount of the fee notice, if one went out.
pub fn fee_notice(events: &[Event]) -> Option<(NaiveDate, u64)> {
    events.iter().find_map(|e| match e {
        Event::FeeNotice {
            on, amount_yuan, ..
        } => Some((*on, *amount_yuan)),
        _ => None,
    })
}

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
    /// The office corrected a receipt date recorded wrongly; the clock runs from `on` instead.
    ReceiptCorrected { on: NaiveDate, reason: String },
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
    /// A fee notice (109号) was sent. The quantity of 按件计收 and the amount are computed from
    /// the records by [`complete`]; a request may leave them 0.
    FeeNotice {
        on: NaiveDate,
        method: FeeMethod,
        #[serde(default)]
        quantity: u64,
        #[serde(default)]
        amount_yuan: u64,
    },
    /// The fee was paid (the amount of the notice; a request may leave it 0).
    FeePaid {
        on: NaiveDate,
        #[serde(default)]
        amount_yuan: u64,
    },
    /// The answer went out: one outcome row of table 三.
    Answered { on: NaiveDate, outcome: String },
    /// Filed (归档).
    Archived { on: NaiveDate },
}

impl Event {
    pub fn on(&self) -> NaiveDate {
        match self {
            Event::Received { on }
            | Event::ReceiptCorrected { on, .. }
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
            Event::ReceiptCorrected { .. } => "receipt_corrected",
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
            Event::ReceiptCorrected { on, reason } => {
                format!("收到申请之日更正为 {on}（理由：{reason}），答复期限随之重新计算")
            }
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
