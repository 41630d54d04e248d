//! The rules of `rules.rs`, by example and by property.

use super::*;
use crate::application::{Stage, progress};
use crate::fees::FeeMethod;

const F: Facts = Facts {
    submitted_on: None,
    month_count: 0,
    by_office: false,
};
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
    check_next(cal, &F, &ev, &sent, today).unwrap();
    ev.push(sent);
    let p = progress(cal, &ev, d("2021-10-14")).unwrap();
    assert_eq!(p.stage, Stage::Consulting);
    let reply = Event::ConsultationReplied {
        on: d("2021-10-19"),
        sent_on: d("2021-10-11"),
        party: "某公司".into(),
        consents: false,
    };
    check_next(cal, &F, &ev, &reply, today).unwrap();
    ev.push(reply);
    let p = progress(cal, &ev, d("2021-10-20")).unwrap();
    assert_eq!(p.stage, Stage::InProgress);
    assert_eq!(p.due.as_ref().unwrap().date, d("2021-11-09"));
    // Once only.
    let ext = Event::Extended {
        on: d("2021-11-01"),
        approved_by: "办公室主任".into(),
    };
    check_next(cal, &F, &ev, &ext, today).unwrap();
    ev.push(ext.clone());
    assert!(
        check_next(cal, &F, &ev, &ext, today)
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
        check_next(cal, &F, &ev, &corr, today)
            .unwrap_err()
            .contains("7 个工作日")
    );
    let ans = Event::Answered {
        on: d("2021-11-20"),
        outcome: "2".into(),
    };
    check_next(cal, &F, &ev, &ans, today).unwrap();
    ev.push(ans);
    let p = progress(cal, &ev, today).unwrap();
    assert_eq!(p.stage, Stage::Answered);
    assert_eq!(p.concluded_on, Some(d("2021-11-20")));
    assert!(
        check_next(
            cal,
            &F,
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
        check_next(cal, &F, &ev, &again, d("2021-03-05"))
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
            &F,
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
        check_next(cal, &F, &ev, &e, d("2021-06-10"))
            .unwrap_err()
            .contains("早于")
    );
    let e = Event::Answered {
        on: d("2021-07-01"),
        outcome: "1".into(),
    };
    assert!(
        check_next(cal, &F, &ev, &e, d("2021-06-10"))
            .unwrap_err()
            .contains("晚于今天")
    );
}

fn received(on: &str) -> Vec<Event> {
    vec![Event::Received { on: d(on) }]
}

#[test]
fn art31_receipt_is_not_before_the_online_submission() {
    let cal = Calendar::builtin();
    let facts = Facts {
        submitted_on: Some(d("2021-09-28")),
        ..F
    };
    let early = Event::Received {
        on: d("2021-08-29"),
    };
    let err = check_next(cal, &facts, &[], &early, d("2021-10-08")).unwrap_err();
    assert!(err.contains("不能早于申请提交之日 2021-09-28"), "{err}");
    let same_day = Event::Received {
        on: d("2021-09-28"),
    };
    check_next(cal, &facts, &[], &same_day, d("2021-10-08")).unwrap();
    // Recorded once: a second receipt points to the office's correction.
    let ev = received("2021-09-28");
    let err = check_next(cal, &facts, &ev, &same_day, d("2021-10-08")).unwrap_err();
    assert!(err.contains("政务公开办"), "{err}");
}

#[test]
fn only_the_office_corrects_a_receipt_date_with_a_reason_and_the_due_date_follows() {
    let cal = Calendar::builtin();
    let today = d("2021-10-20");
    let ev = received("2021-09-28");
    let fix = Event::ReceiptCorrected {
        on: d("2021-09-29"),
        reason: "系统故障，申请人于 9 月 29 日才确认".into(),
    };
    let handler = Facts {
        submitted_on: Some(d("2021-09-27")),
        ..F
    };
    assert!(
        check_next(cal, &handler, &ev, &fix, today)
            .unwrap_err()
            .contains("政务公开办")
    );
    let office = Facts {
        by_office: true,
        ..handler.clone()
    };
    check_next(cal, &office, &ev, &fix, today).unwrap();
    let no_reason = Event::ReceiptCorrected {
        on: d("2021-09-29"),
        reason: " ".into(),
    };
    assert!(
        check_next(cal, &office, &ev, &no_reason, today)
            .unwrap_err()
            .contains("理由")
    );
    let before_submission = Event::ReceiptCorrected {
        on: d("2021-09-26"),
        reason: "x".into(),
    };
    assert!(
        check_next(cal, &office, &ev, &before_submission, today)
            .unwrap_err()
            .contains("第三十一条")
    );
    let before = progress(cal, &ev, today).unwrap().due.unwrap().date;
    let mut fixed = ev.clone();
    fixed.push(fix);
    let after = progress(cal, &fixed, today).unwrap();
    assert_eq!(after.received, Some(d("2021-09-29")));
    assert_eq!(
        after.due.unwrap().date,
        cal.add_workdays(before, 1).unwrap()
    );
    // A correction cannot put the receipt after what was already done.
    let mut handled = ev.clone();
    handled.push(Event::ConsultationSent {
        on: d("2021-09-30"),
        third_party: true,
        party: "某公司".into(),
    });
    let late = Event::ReceiptCorrected {
        on: d("2021-10-08"),
        reason: "x".into(),
    };
    assert!(
        check_next(cal, &office, &handled, &late, today)
            .unwrap_err()
            .contains("2021-09-30")
    );
}

#[test]
fn art33_an_extension_is_decided_before_the_period_runs_out() {
    let cal = Calendar::builtin();
    let ev = received("2021-09-28");
    let due = progress(cal, &ev, d("2021-12-31"))
        .unwrap()
        .due
        .unwrap()
        .date;
    assert_eq!(due, d("2021-11-01"));
    let on_the_day = Event::Extended {
        on: due,
        approved_by: "办公室主任".into(),
    };
    check_next(cal, &F, &ev, &on_the_day, d("2021-12-31")).unwrap();
    let late = Event::Extended {
        on: cal.add_workdays(due, 4).unwrap(),
        approved_by: "办公室主任".into(),
    };
    let err = check_next(cal, &F, &ev, &late, d("2021-12-31")).unwrap_err();
    assert!(
        err.contains("2021-11-01 届满") && err.contains("第三十三条"),
        "{err}"
    );
    // While a correction is awaited the period has not started.
    let mut waiting = ev.clone();
    waiting.push(Event::CorrectionRequested {
        on: d("2021-09-29"),
        content: "请明确文号".into(),
        by: d("2021-10-20"),
    });
    assert!(
        check_next(cal, &F, &waiting, &on_the_day, d("2021-12-31"))
            .unwrap_err()
            .contains("补正")
    );
}

#[test]
fn fees_are_computed_from_the_method_and_the_records() {
    let cal = Calendar::builtin();
    let ev = received("2021-06-01");
    let today = d("2021-06-10");
    let typed = Event::FeeNotice {
        on: d("2021-06-07"),
        method: FeeMethod::Pages,
        quantity: 200,
        amount_yuan: 3700,
    };
    let err = check_next(cal, &F, &ev, &typed, today).unwrap_err();
    assert!(err.contains("应为 2700 元"), "{err}");
    // Left to the records, the amount is the brackets'.
    let asked = Event::FeeNotice {
        on: d("2021-06-07"),
        method: FeeMethod::Pages,
        quantity: 200,
        amount_yuan: 0,
    };
    let done = complete(&F, &ev, asked);
    assert!(matches!(
        done,
        Event::FeeNotice {
            amount_yuan: 2700,
            ..
        }
    ));
    check_next(cal, &F, &ev, &done, today).unwrap();
    // 按件: the quantity is the month's count from the records, not a typed number.
    let facts = Facts {
        month_count: 12,
        ..F
    };
    let items = complete(
        &facts,
        &ev,
        Event::FeeNotice {
            on: d("2021-06-07"),
            method: FeeMethod::Items,
            quantity: 0,
            amount_yuan: 0,
        },
    );
    assert!(matches!(
        items,
        Event::FeeNotice {
            quantity: 12,
            amount_yuan: 100,
            ..
        }
    ));
    check_next(cal, &facts, &ev, &items, today).unwrap();
    let wrong_count = Event::FeeNotice {
        on: d("2021-06-07"),
        method: FeeMethod::Items,
        quantity: 40,
        amount_yuan: 200,
    };
    assert!(
        check_next(cal, &facts, &ev, &wrong_count, today)
            .unwrap_err()
            .contains("记录中为 12 件")
    );
    // Free quantities are no notice.
    let free = complete(
        &F,
        &ev,
        Event::FeeNotice {
            on: d("2021-06-07"),
            method: FeeMethod::Pages,
            quantity: 30,
            amount_yuan: 0,
        },
    );
    assert!(
        check_next(cal, &F, &ev, &free, today)
            .unwrap_err()
            .contains("不应收费")
    );
    // The payment is the notice's amount.
    let mut noticed = ev.clone();
    noticed.push(done);
    let paid = complete(
        &F,
        &noticed,
        Event::FeePaid {
            on: d("2021-06-09"),
            amount_yuan: 0,
        },
    );
    assert_eq!(
        paid,
        Event::FeePaid {
            on: d("2021-06-09"),
            amount_yuan: 2700
        }
    );
}

#[test]
fn outcomes_that_claim_a_fact_need_it_in_the_record() {
    let cal = Calendar::builtin();
    let today = d("2021-12-31");
    let ev = received("2021-06-01");
    for key in ["4.3", "6.1", "6.2"] {
        let a = Event::Answered {
            on: d("2021-06-20"),
            outcome: key.into(),
        };
        assert!(check_next(cal, &F, &ev, &a, today).is_err(), "{key}");
    }
    let mut asked = ev.clone();
    asked.push(Event::CorrectionRequested {
        on: d("2021-06-02"),
        content: "请明确文号".into(),
        by: d("2021-06-16"),
    });
    let early = Event::Answered {
        on: d("2021-06-16"),
        outcome: "6.1".into(),
    };
    assert!(
        check_next(cal, &F, &asked, &early, today)
            .unwrap_err()
            .contains("尚未届满")
    );
    let after = Event::Answered {
        on: d("2021-06-17"),
        outcome: "6.1".into(),
    };
    check_next(cal, &F, &asked, &after, today).unwrap();
}

mod properties;

#[test]
fn a_receipt_counted_for_a_fee_by_month_stays_in_its_month() {
    let cal = Calendar::builtin();
    let today = d("2021-12-31");
    let office = Facts {
        by_office: true,
        month_count: 12,
        ..F
    };
    let mut ev = received("2021-06-21");
    ev.push(Event::FeeNotice {
        on: d("2021-06-22"),
        method: FeeMethod::Items,
        quantity: 12,
        amount_yuan: 100,
    });
    let other_month = Event::ReceiptCorrected {
        on: d("2021-05-31"),
        reason: "登记错误".into(),
    };
    assert!(
        check_next(cal, &office, &ev, &other_month, today)
            .unwrap_err()
            .contains("按件计收")
    );
    let same_month = Event::ReceiptCorrected {
        on: d("2021-06-18"),
        reason: "登记错误".into(),
    };
    check_next(cal, &office, &ev, &same_month, today).unwrap();
}
