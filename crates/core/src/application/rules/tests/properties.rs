//! The rules by property: random sequences of requests, and what every accepted one keeps.

use super::*;
use proptest::prelude::*;

/// A request a handler might make on day `offset` after 2021-03-01 (fees left to the
/// records half the time, typed otherwise).
fn request() -> impl Strategy<Value = (u32, u8, u64, bool)> {
    (0u32..120, 0u8..12, 0u64..400, any::<bool>())
}

fn make(cal: &Calendar, events: &[Event], (offset, kind, n, flag): (u32, u8, u64, bool)) -> Event {
    let on = d("2021-03-01") + chrono::Days::new(u64::from(offset));
    match kind {
        0 => Event::Received { on },
        1 => Event::ReceiptCorrected {
            on,
            reason: if flag {
                "登记错误".into()
            } else {
                String::new()
            },
        },
        2 => Event::CorrectionRequested {
            on,
            content: "请明确文号".into(),
            by: on + chrono::Days::new(n % 30),
        },
        3 => Event::CorrectionReceived { on },
        4 => Event::ConsultationSent {
            on,
            third_party: flag,
            party: "某公司".into(),
        },
        5 => {
            let sent = events.iter().find_map(|e| match e {
                Event::ConsultationSent { on, .. } => Some(*on),
                _ => None,
            });
            Event::ConsultationReplied {
                on,
                sent_on: sent.unwrap_or(on),
                party: "某公司".into(),
                consents: flag,
            }
        }
        6 => Event::Extended {
            on,
            approved_by: "主任".into(),
        },
        7 => Event::FeeNotice {
            on,
            method: if flag {
                FeeMethod::Pages
            } else {
                FeeMethod::Items
            },
            quantity: if n % 2 == 0 { 0 } else { n },
            amount_yuan: if n % 3 == 0 { n * 10 } else { 0 },
        },
        8 => Event::FeePaid { on, amount_yuan: 0 },
        9 => Event::Answered {
            on,
            outcome: ["1", "2", "4.3", "6.1", "6.2", "3.4"][(n % 6) as usize].into(),
        },
        10 => Event::Archived { on },
        _ => {
            let _ = cal;
            Event::Answered {
                on,
                outcome: "9.9".into(),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever handlers try, in whatever order, what the rules accept keeps the statute:
    /// the receipt is not before submission, one extension decided within the period,
    /// every fee the brackets' amount, nothing dated before receipt or after today, and
    /// the progress can always be derived.
    #[test]
    fn accepted_sequences_keep_the_statute(
        requests in proptest::collection::vec(request(), 1..40),
        month_count in 0u64..45,
        by_office in any::<bool>(),
    ) {
        let cal = Calendar::builtin();
        let today = d("2021-06-30");
        let facts = Facts { submitted_on: Some(d("2021-03-05")), month_count, by_office };
        let mut events: Vec<Event> = Vec::new();
        for r in requests {
            let next = complete(&facts, &events, make(cal, &events, r));
            let before = progress(cal, &events, today).unwrap();
            if check_next(cal, &facts, &events, &next, today).is_err() {
                continue;
            }
            prop_assert!(next.on() <= today);
            match &next {
                Event::Received { on } => prop_assert!(*on >= d("2021-03-05")),
                Event::ReceiptCorrected { on, .. } => {
                    prop_assert!(by_office);
                    prop_assert!(*on >= d("2021-03-05"));
                }
                Event::Extended { on, .. } => {
                    prop_assert!(!before.clock.extended);
                    prop_assert!(*on <= before.due.as_ref().unwrap().date);
                }
                Event::FeeNotice { method, quantity, amount_yuan, .. } => {
                    prop_assert!(*amount_yuan > 0);
                    prop_assert_eq!(*amount_yuan, fee_of(*method, *quantity));
                    if *method == FeeMethod::Items {
                        prop_assert_eq!(*quantity, month_count);
                    }
                }
                _ => {}
            }
            if let Some(r) = before.received
                && !matches!(next, Event::ReceiptCorrected { .. })
            {
                prop_assert!(next.on() >= r);
            }
            events.push(next);
            let after = progress(cal, &events, today).unwrap();
            let extensions = events.iter().filter(|e| matches!(e, Event::Extended { .. })).count();
            prop_assert!(extensions <= 1);
            if let Some(r) = after.received {
                let after_receipt = events.iter().all(|e| e.on() >= r
                    || matches!(e, Event::Received { .. } | Event::ReceiptCorrected { .. }));
                prop_assert!(after_receipt);
            }
        }
    }
}
