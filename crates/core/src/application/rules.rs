//! The statute's rules for the next event of an application, each named after its article. Every
//! way in (the console's pages, the JSON API, the CLI, the demo) records an event through one
//! store command, and that command asks [`complete`] and [`check_next`] here first: a rule
//! exists once, so no path can skip it.
//!
//! What the rules need to know beyond the events themselves — when the application was
//! submitted, how many the applicant sent that month, whether the office acts — comes in
//! [`Facts`], read from the records by the command, never typed by a person.

use super::{
    Event, Stage, correction_received, correction_request, fee_notice, progress, received_on,
};
use crate::calendar::Calendar;
use crate::deadline::{correction_notice_due, fee_payment_due};
use crate::fees::{FeeMethod, item_fee, pages_fee};
use chrono::{Datelike, NaiveDate};

/// What the records say about an application and the person acting, besides its events.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The day (in China) the application was submitted online; `None` for one received on
    /// paper, in person, by fax or e-mail, whose receipt is registered by staff.
    pub submitted_on: Option<NaiveDate>,
    /// The applicant's applications received in the natural month of this one's receipt, this
    /// one included: the quantity of 按件计收 (109号).
    pub month_count: u64,
    /// Whether the person acting is the disclosure office (政务公开办).
    pub by_office: bool,
}

/// Why an event was refused: the field of the request it concerns (`on`, `approved_by`,
/// `amount_yuan` …; `kind` when the action itself cannot be taken now) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub message: String,
}

fn no(field: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        field,
        message: message.into(),
    }
}

impl From<String> for Refusal {
    fn from(message: String) -> Refusal {
        no("kind", message)
    }
}

impl From<&str> for Refusal {
    fn from(message: &str) -> Refusal {
        no("kind", message)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::ops::Deref for Refusal {
    type Target = str;
    fn deref(&self) -> &str {
        &self.message
    }
}

/// The fee in yuan of one application by `method` for `quantity` (109号; 0: no fee).
pub fn fee_of(method: FeeMethod, quantity: u64) -> u64 {
    match method {
        FeeMethod::Items => item_fee(quantity),
        FeeMethod::Pages => pages_fee(quantity),
    }
}

/// Fill in what a request leaves to the records: the quantity of 按件计收 (the applicant's
/// applications that month), a fee notice's amount (by the 109号 brackets) and a payment's
/// amount (the notice's). What a request did give is kept, for [`check_next`] to compare.
pub fn complete(facts: &Facts, events: &[Event], event: Event) -> Event {
    match event {
        Event::FeeNotice {
            on,
            method,
            quantity,
            amount_yuan,
        } => {
            let quantity = match (method, quantity) {
                (FeeMethod::Items, 0) => facts.month_count,
                _ => quantity,
            };
            let amount_yuan = match amount_yuan {
                0 => fee_of(method, quantity),
                given => given,
            };
            Event::FeeNotice {
                on,
                method,
                quantity,
                amount_yuan,
            }
        }
        Event::FeePaid { on, amount_yuan: 0 } => Event::FeePaid {
            on,
            amount_yuan: fee_notice(events).map(|(_, a)| a).unwrap_or(0),
        },
        other => other,
    }
}

fn has(events: &[Event], f: impl Fn(&Event) -> bool) -> bool {
    events.iter().any(f)
}

/// Check that `next` may follow `events`; the message says why not, in words a handler can
/// act on.
pub fn check_next(
    cal: &Calendar,
    facts: &Facts,
    events: &[Event],
    next: &Event,
    today: NaiveDate,
) -> Result<(), Refusal> {
    let p = progress(cal, events, today).map_err(|e| e.to_string())?;
    if next.on() > today {
        return Err(no(
            "on",
            format!("日期 {} 晚于今天，不能登记将来的事件", next.on()),
        ));
    }
    if let Some(r) = p.received
        && next.on() < r
        && !matches!(
            next,
            Event::Received { .. } | Event::ReceiptCorrected { .. }
        )
    {
        return Err(no("on", format!("日期 {} 早于收到申请之日 {r}", next.on())));
    }
    let open = p.stage.is_open();
    let need_open = || {
        if open {
            Ok(())
        } else {
            Err(Refusal::from("申请已办结，不能再登记办理事项"))
        }
    };
    let need_received = || {
        if p.received.is_some() {
            Ok(())
        } else {
            Err(Refusal::from("请先确认收到申请"))
        }
    };
    match next {
        Event::Received { on } => {
            if p.received.is_some() {
                return Err("已确认过收到申请；收到日期有误的，请政务公开办写明理由后更正".into());
            }
            art31_not_before_submission(facts, *on)?;
            need_open()
        }
        Event::ReceiptCorrected { on, reason } => receipt_correction(facts, events, *on, reason),
        Event::CorrectionRequested { on, by, content } => {
            need_open()?;
            need_received()?;
            art30_one_correction_within_7_days(cal, events, p.received, *on, *by, content)
        }
        Event::CorrectionReceived { on } => {
            need_open()?;
            if p.stage != Stage::AwaitingCorrection {
                return Err("本申请没有待补正事项".into());
            }
            match correction_request(events) {
                Some((asked, _)) if *on < asked => Err(no(
                    "on",
                    format!("收到补正之日不能早于补正告知之日 {asked}"),
                )),
                _ => Ok(()),
            }
        }
        Event::ConsultationSent { party, .. } => {
            need_open()?;
            need_received()?;
            if party.trim().is_empty() {
                return Err(no("party", "请填写征求意见的对象"));
            }
            Ok(())
        }
        Event::ConsultationReplied {
            on, sent_on, party, ..
        } => {
            need_open()?;
            if on < sent_on {
                return Err(no("on", format!("收到意见之日不能早于发函之日 {sent_on}")));
            }
            let sent = has(
                events,
                |e| matches!(e, Event::ConsultationSent { on, party: p2, .. } if on == sent_on && p2 == party),
            );
            let replied = has(
                events,
                |e| matches!(e, Event::ConsultationReplied { sent_on: s, party: p2, .. } if s == sent_on && p2 == party),
            );
            if !sent {
                return Err(Refusal::from(format!(
                    "没有 {sent_on} 向“{party}”发出的征求意见函"
                )));
            }
            if replied {
                return Err("该征求意见函已登记过答复".into());
            }
            Ok(())
        }
        Event::Extended { on, approved_by } => {
            need_open()?;
            need_received()?;
            art33_extension_once_within_the_period(&p, *on, approved_by)
        }
        Event::FeeNotice {
            method,
            quantity,
            amount_yuan,
            ..
        } => {
            need_open()?;
            need_received()?;
            if fee_notice(events).is_some() {
                return Err("本申请已发出过收费通知".into());
            }
            fee_109_computed_amount(facts, *method, *quantity, *amount_yuan)
        }
        Event::FeePaid { on, amount_yuan } => {
            need_open()?;
            match fee_notice(events) {
                None => Err("本申请没有收费通知".into()),
                Some((sent, _)) if *on < sent => {
                    Err(no("on", format!("缴费日期不能早于收费通知日期 {sent}")))
                }
                Some(_) if has(events, |e| matches!(e, Event::FeePaid { .. })) => {
                    Err("已登记过缴费".into())
                }
                Some((_, a)) if a != *amount_yuan => Err(no(
                    "amount_yuan",
                    format!("缴费金额应为收费通知中的 {a} 元"),
                )),
                Some(_) => Ok(()),
            }
        }
        Event::Answered { on, outcome } => {
            need_open()?;
            need_received()?;
            if crate::taxonomy::outcome(outcome).is_none() {
                return Err(no("outcome", "请选择一项办理结果"));
            }
            outcome_rests_on_the_record(cal, events, outcome, *on)
        }
        Event::Archived { .. } => {
            if p.stage != Stage::Answered {
                return Err("答复后才能归档".into());
            }
            Ok(())
        }
    }
}

/// Art. 31: an application sent over the internet is received on the day both sides confirm
/// it, which cannot be before it was sent.
fn art31_not_before_submission(facts: &Facts, on: NaiveDate) -> Result<(), Refusal> {
    match facts.submitted_on {
        Some(s) if on < s => Err(no(
            "on",
            format!("收到申请之日 {on} 不能早于申请提交之日 {s}（第三十一条）"),
        )),
        _ => Ok(()),
    }
}

/// Our rule for a receipt date recorded wrongly: only the office corrects it, with a reason
/// (audited); the new date obeys Art. 31 like the first, and no event already recorded may
/// come before it. The due date then follows from the corrected date.
fn receipt_correction(
    facts: &Facts,
    events: &[Event],
    on: NaiveDate,
    reason: &str,
) -> Result<(), Refusal> {
    if !facts.by_office {
        return Err("收到申请之日只能由政务公开办更正".into());
    }
    let Some(current) = received_on(events) else {
        return Err("尚未确认收到申请，请直接确认收到".into());
    };
    if reason.trim().is_empty() {
        return Err(no(
            "reason",
            "请写明更正收到申请之日的理由（将记入审计日志）",
        ));
    }
    if on == current {
        return Err(no("on", format!("收到申请之日已是 {on}")));
    }
    art31_not_before_submission(facts, on)?;
    // 按件计收 counts the applicant's applications in the month of receipt: a notice sent on
    // that count keeps the receipt in its month.
    let counted_by_month = has(events, |e| {
        matches!(
            e,
            Event::FeeNotice {
                method: FeeMethod::Items,
                ..
            }
        )
    });
    if counted_by_month && (on.year(), on.month()) != (current.year(), current.month()) {
        return Err(no(
            "on",
            "已按收到申请当月的申请件数发出按件计收的收费通知，收到申请之日不能改到其他月份",
        ));
    }
    if let Some(e) = events
        .iter()
        .filter(|e| !matches!(e, Event::Received { .. } | Event::ReceiptCorrected { .. }))
        .find(|e| e.on() < on)
    {
        return Err(no(
            "on",
            format!("已登记 {} 的办理事项，收到申请之日不能晚于它", e.on()),
        ));
    }
    Ok(())
}

/// Art. 30: a correction is asked for once, saying what to correct and by when, within 7
/// working days of receipt.
fn art30_one_correction_within_7_days(
    cal: &Calendar,
    events: &[Event],
    received: Option<NaiveDate>,
    on: NaiveDate,
    by: NaiveDate,
    content: &str,
) -> Result<(), Refusal> {
    if correction_request(events).is_some() {
        return Err("补正只能一次性告知，本申请已告知过补正（第三十条）".into());
    }
    if content.trim().is_empty() {
        return Err(no("content", "请写明需要补正的事项"));
    }
    if by <= on {
        return Err(no("by", "补正期限应晚于告知日期"));
    }
    let limit = correction_notice_due(cal, received.unwrap_or(on)).map_err(|e| e.to_string())?;
    if on > limit {
        return Err(no(
            "on",
            format!(
                "补正告知应在收到申请之日起 7 个工作日内（{limit} 前）发出，现已超过（第三十条）"
            ),
        ));
    }
    Ok(())
}

/// Art. 33(2): the period may be extended once, by at most 20 working days, with the consent of
/// the head of the disclosure body — decided while the period runs, not after it has run out.
fn art33_extension_once_within_the_period(
    p: &super::Progress,
    on: NaiveDate,
    approved_by: &str,
) -> Result<(), Refusal> {
    if p.clock.extended {
        return Err("答复期限只能延长一次（第三十三条）".into());
    }
    if approved_by.trim().is_empty() {
        return Err(no(
            "approved_by",
            "延长答复期限须经政府信息公开工作机构负责人同意，请填写批准人",
        ));
    }
    let Some(due) = &p.due else {
        return Err(Refusal::from(format!(
            "{}，不能延长",
            p.no_due_reason.unwrap_or("答复期限尚未起算")
        )));
    };
    if on > due.date {
        return Err(no(
            "on",
            format!(
                "答复期限已于 {} 届满，延长须在期限内决定（第三十三条第二款）",
                due.date
            ),
        ));
    }
    Ok(())
}

/// 国办函〔2020〕109号: the fee is the brackets' amount for the method and quantity — the
/// applicant's applications that month for 按件计收, the pages for 按量计收. A fee of 0 (and
/// a waiver) is no notice.
fn fee_109_computed_amount(
    facts: &Facts,
    method: FeeMethod,
    quantity: u64,
    amount: u64,
) -> Result<(), Refusal> {
    if method == FeeMethod::Items && quantity != facts.month_count {
        return Err(no(
            "quantity",
            format!(
                "按件计收的数量是申请人本自然月提出的申请件数，记录中为 {} 件，不是 {quantity} 件",
                facts.month_count
            ),
        ));
    }
    if method == FeeMethod::Pages && quantity == 0 {
        return Err(no("quantity", "按量计收请填写页数"));
    }
    let computed = fee_of(method, quantity);
    if computed == 0 {
        return Err(no(
            "quantity",
            format!(
                "{}数量 {quantity} 在免费范围内，按收费标准不应收费（国办函〔2020〕109号）",
                method.label()
            ),
        ));
    }
    if amount != computed {
        return Err(no(
            "amount_yuan",
            format!(
                "{}数量 {quantity}，信息处理费应为 {computed} 元，不是 {amount} 元（国办函〔2020〕109号）",
                method.label()
            ),
        ));
    }
    Ok(())
}

/// Outcomes that state a fact of the handling rest on that fact in the record: 4.3 on a
/// correction asked for and received (Art. 30), 6.1 on one asked for and not received by its
/// deadline, 6.2 on a fee notice unpaid past its 20 working days (109号).
fn outcome_rests_on_the_record(
    cal: &Calendar,
    events: &[Event],
    outcome: &str,
    on: NaiveDate,
) -> Result<(), Refusal> {
    let asked = correction_request(events).map(|(_, by)| by);
    let corrected = correction_received(events).is_some();
    match outcome {
        "4.3" if asked.is_none() || !corrected => {
            Err("“补正后申请内容仍不明确”须先告知补正并收到补正后的申请（第三十条）".into())
        }
        "6.1" => match asked {
            None => Err("“申请人无正当理由逾期不补正”须先告知补正（第三十条）".into()),
            Some(_) if corrected => Err("申请人已补正，不能按逾期不补正终止".into()),
            Some(by) if on <= by => Err(Refusal::from(format!(
                "补正期限 {by} 尚未届满，不能按逾期不补正终止"
            ))),
            Some(_) => Ok(()),
        },
        "6.2" => match fee_notice(events) {
            None => Err("“申请人逾期未按收费通知要求缴纳费用”须先发出收费通知".into()),
            Some(_) if has(events, |e| matches!(e, Event::FeePaid { .. })) => {
                Err("申请人已缴费，不能按逾期未缴费终止".into())
            }
            Some((sent, _)) => {
                let pay_by = fee_payment_due(cal, sent).map_err(|e| e.to_string())?;
                if on <= pay_by {
                    Err(Refusal::from(format!(
                        "缴费期限 {pay_by} 尚未届满，不能按逾期未缴费终止"
                    )))
                } else {
                    Ok(())
                }
            }
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
