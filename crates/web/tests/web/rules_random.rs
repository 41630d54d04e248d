//! Random sequences of what handlers and the office might do to applications, sent through the
//! JSON API and through the console's pages at random, against the real server on this run's
//! engine. After every step the stored record must still keep the statute (checked here from the
//! records, not by asking the rules), a refused request must have changed nothing, nothing may
//! answer 5xx, and at the end of each sequence the report's identities must add up.
//!
//! 256 sequences per run; `GONGKAI_RULES_SEED=N` replays one run (the seed is printed on failure).

use super::{App, read, spawn_app_with};
use chrono::{Datelike, NaiveDate};
use gongkai_core::application::rules::fee_of;
use gongkai_core::application::{Event, progress};
use gongkai_core::fees::FeeMethod;
use gongkai_web::WebConfig;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SEQUENCES: usize = 256;
/// A few applicants, so that some reach the paid bands of 按件计收 within a month.
const APPLICANTS: [&str; 3] = ["RND-A", "RND-B", "RND-C"];

struct Actor {
    client: reqwest::Client,
    csrf: String,
}

struct Run {
    app: App,
    handler: Actor,
    office: Actor,
    rng: StdRng,
    seed: u64,
    today: NaiveDate,
}

impl Run {
    /// Today often (online applications arrive today), otherwise a day up to `back` days ago.
    fn day(&mut self, back: u64) -> NaiveDate {
        if self.rng.random_bool(0.4) {
            return self.today;
        }
        self.today - chrono::Days::new(self.rng.random_range(0..=back))
    }

    fn date(&mut self, back: u64) -> String {
        self.day(back).to_string()
    }

    /// A new application: registered by staff through the API, or submitted online.
    async fn new_application(&mut self) -> i64 {
        let applicant = APPLICANTS[self.rng.random_range(0..APPLICANTS.len())];
        let mut body = json!({
            "unit_code": "py-zjj", "applicant_type": "natural", "applicant_name": "随机申请人",
            "id_kind": "other", "id_number": applicant, "phone": "13800138000",
            "email": "r@example.com", "info_description": "某项目的批复文件。",
            "form_wanted": "email", "delivery": "email"
        });
        let r = if self.rng.random_bool(0.5) {
            body["channel"] = json!("post");
            body["received_on"] = json!(self.date(40));
            self.handler
                .client
                .post(self.app.url("/api/v1/console/register"))
                .header("x-csrf-token", &self.handler.csrf)
                .json(&body)
                .send()
                .await
                .unwrap()
        } else {
            self.app
                .client()
                .post(self.app.url("/api/v1/applications"))
                .json(&body)
                .send()
                .await
                .unwrap()
        };
        assert_eq!(r.status(), StatusCode::CREATED, "seed {}", self.seed);
        let created: Value = r.json().await.unwrap();
        self.app
            .store
            .application_by_code(created["tracking_code"].as_str().unwrap())
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// One random request: (what it was, the HTTP status).
    async fn step(&mut self, id: i64, events: &[Event]) -> (String, StatusCode) {
        let by_page = self.rng.random_bool(0.5);
        // Most handling starts with the receipt.
        let received = gongkai_core::application::received_on(events).is_some();
        let kind = if !received && self.rng.random_bool(0.6) {
            0
        } else {
            self.rng.random_range(0..12)
        };
        if kind == 11 {
            return self.answer(id, by_page).await;
        }
        // Mostly on or after the receipt, sometimes before it (which must be refused).
        let since = received_on_or(events, self.today);
        let back = if self.rng.random_bool(0.8) {
            (self.today - since).num_days().max(0) as u64
        } else {
            30
        };
        let on = self.date(back);
        let mut form: Vec<(&str, String)> = vec![("on", on.clone())];
        let mut event = json!({"on": on});
        let (action, api_kind) = match kind {
            0 => ("receive", "received"),
            1 => {
                let reason = if self.rng.random_bool(0.7) {
                    "登记错误"
                } else {
                    ""
                };
                form.push(("reason", reason.into()));
                event["reason"] = json!(reason);
                ("correct_receipt", "receipt_corrected")
            }
            2 => {
                let by =
                    (self.day(0) + chrono::Days::new(self.rng.random_range(0..20))).to_string();
                form.push(("content", "请明确文件名称".into()));
                form.push(("by", by.clone()));
                event["content"] = json!("请明确文件名称");
                event["by"] = json!(by);
                ("correction", "correction_requested")
            }
            3 => ("correction_received", "correction_received"),
            4 => {
                form.push(("party", "某公司".into()));
                form.push(("third_party", "1".into()));
                event["party"] = json!("某公司");
                event["third_party"] = json!(true);
                ("consult", "consultation_sent")
            }
            5 => {
                let sent = events
                    .iter()
                    .find_map(|e| match e {
                        Event::ConsultationSent { on, .. } => Some(on.to_string()),
                        _ => None,
                    })
                    .unwrap_or_else(|| on.clone());
                form.push(("consultation", format!("{sent}|某公司")));
                form.push(("consents", "0".into()));
                event["sent_on"] = json!(sent);
                event["party"] = json!("某公司");
                event["consents"] = json!(false);
                ("consult_reply", "consultation_replied")
            }
            6 => {
                form.push(("approved_by", "办公室主任".into()));
                event["approved_by"] = json!("办公室主任");
                ("extend", "extended")
            }
            7 | 8 => {
                let pages = self.rng.random_range(0..260u64);
                let method = if kind == 7 { "pages" } else { "items" };
                form.push(("method", method.into()));
                form.push(("quantity", pages.to_string()));
                event["method"] = json!(method);
                event["quantity"] = json!(pages);
                // The API may type an amount; it must be the brackets' or be refused.
                if self.rng.random_bool(0.5) {
                    event["amount_yuan"] = json!(self.rng.random_range(1..5000u64));
                }
                ("fee_notice", "fee_notice")
            }
            9 => ("fee_paid", "fee_paid"),
            _ => ("archive", "archived"),
        };
        // Receipt corrections come from the office, the rest from the unit's handler.
        let who = if action == "correct_receipt" && self.rng.random_bool(0.8) {
            &self.office
        } else {
            &self.handler
        };
        let status = if by_page {
            form.push(("action", action.into()));
            form.push(("csrf", who.csrf.clone()));
            read(
                who.client
                    .post(self.app.url(&format!("/console/applications/{id}/events")))
                    .form(&form),
            )
            .await
            .0
        } else {
            event["kind"] = json!(api_kind);
            who.client
                .post(
                    self.app
                        .url(&format!("/api/v1/console/applications/{id}/events")),
                )
                .header("x-csrf-token", &who.csrf)
                .json(&event)
                .send()
                .await
                .unwrap()
                .status()
        };
        let how = if by_page { "page" } else { "api" };
        (format!("{how} {action} {on}"), status)
    }

    async fn answer(&mut self, id: i64, by_page: bool) -> (String, StatusCode) {
        let outcome =
            ["1", "2", "3.4", "4.1", "4.3", "6.1", "6.2", "6.3"][self.rng.random_range(0..8)];
        let on = self.date(20);
        let status = if by_page {
            let app = self.app.store.application(id).await.unwrap().unwrap();
            let day = on.parse().unwrap();
            let (title, body) = self
                .app
                .store
                .draft_answer(&app, outcome, day)
                .await
                .unwrap();
            read(
                self.handler
                    .client
                    .post(self.app.url(&format!("/console/applications/{id}/answer")))
                    .form(&[
                        ("csrf", self.handler.csrf.as_str()),
                        ("outcome", outcome),
                        ("on", &on),
                        ("title", &title),
                        ("body", &body),
                    ]),
            )
            .await
            .0
        } else {
            self.handler
                .client
                .post(
                    self.app
                        .url(&format!("/api/v1/console/applications/{id}/answer")),
                )
                .header("x-csrf-token", &self.handler.csrf)
                .json(&json!({"outcome": outcome, "on": on}))
                .send()
                .await
                .unwrap()
                .status()
        };
        let how = if by_page { "page" } else { "api" };
        (format!("{how} answer {outcome} {on}"), status)
    }

    async fn events(&self, id: i64) -> Vec<Event> {
        super::rules::events_of(&self.app, id).await
    }

    /// The applicant's applications received in the month of `on`, up to that day.
    async fn month_count(&self, id_number: &str, on: NaiveDate) -> u64 {
        let all = self.app.store.applications(None, false).await.unwrap();
        let mut n = 0;
        for a in all.iter().filter(|a| a.id_number == id_number) {
            let ev = self.events(a.id).await;
            if let Some(r) = gongkai_core::application::received_on(&ev)
                && r.year() == on.year()
                && r.month() == on.month()
                && r <= on
            {
                n += 1;
            }
        }
        n
    }

    /// The statute, read off the stored record of one application.
    async fn check(&self, id: i64, history: &str, fresh: bool) {
        let seed = self.seed;
        let cal = self.app.store.calendar().await.unwrap();
        let ev = self.events(id).await;
        let app = self.app.store.application(id).await.unwrap().unwrap();
        let p = progress(&cal, &ev, self.today);
        assert!(
            p.is_ok(),
            "seed {seed}: progress fails after {history}: {ev:?}"
        );
        let submitted = gongkai_core::clock::date_in_china(app.submitted_at);
        let online = app.channel == "online";
        let mut extensions = 0;
        for (i, e) in ev.iter().enumerate() {
            let before = &ev[..i];
            assert!(e.on() <= self.today, "seed {seed}: future event {e:?}");
            match e {
                Event::Received { on } | Event::ReceiptCorrected { on, .. } if online => {
                    assert!(
                        *on >= submitted,
                        "seed {seed}: receipt before submission after {history}"
                    );
                }
                Event::Extended { on, .. } => {
                    extensions += 1;
                    let due = progress(&cal, before, self.today)
                        .unwrap()
                        .due
                        .unwrap()
                        .date;
                    assert!(
                        *on <= due,
                        "seed {seed}: extension after the due date, {history}"
                    );
                }
                Event::FeeNotice {
                    method,
                    quantity,
                    amount_yuan,
                    ..
                } => {
                    assert!(*amount_yuan > 0, "seed {seed}: a free fee notice");
                    assert_eq!(
                        *amount_yuan,
                        fee_of(*method, *quantity),
                        "seed {seed}: {history}"
                    );
                    // The count is the records' at the time of the notice: checked when the
                    // notice is the step just taken.
                    if *method == FeeMethod::Items && i + 1 == ev.len() && fresh {
                        let r = gongkai_core::application::received_on(before).unwrap();
                        let n = self.month_count(&app.id_number, r).await;
                        assert_eq!(*quantity, n, "seed {seed}: 按件 count, {history}");
                    }
                }
                _ => {}
            }
            if let Some(r) = gongkai_core::application::received_on(before) {
                let receipt = matches!(e, Event::Received { .. } | Event::ReceiptCorrected { .. });
                assert!(
                    receipt || e.on() >= r,
                    "seed {seed}: {e:?} before receipt, {history}"
                );
            }
        }
        assert!(extensions <= 1, "seed {seed}: two extensions, {history}");
        for l in self.app.store.letters(id).await.unwrap() {
            assert!(
                gongkai_core::letters::placeholders(&l.body).is_empty(),
                "seed {seed}: a letter went out unfilled, {history}"
            );
        }
    }
}

fn received_on_or(events: &[Event], or: NaiveDate) -> NaiveDate {
    gongkai_core::application::received_on(events).unwrap_or(or)
}

async fn login(app: &App, user: &str) -> Actor {
    let (client, csrf) = app.login(user).await;
    Actor { client, csrf }
}

#[tokio::test]
async fn random_sequences_through_api_and_pages_keep_the_statute() {
    let app = spawn_app_with(WebConfig {
        applications_per_hour: 100_000,
        ..WebConfig::default()
    })
    .await;
    let seed = std::env::var("GONGKAI_RULES_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    let handler = login(&app, "zjj-handler").await;
    let office = login(&app, "admin").await;
    let mut run = Run {
        today: gongkai_core::clock::today(),
        rng: StdRng::seed_from_u64(seed),
        app,
        handler,
        office,
        seed,
    };
    let mut accepted = 0;
    let mut tally: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for _ in 0..SEQUENCES {
        let id = run.new_application().await;
        let mut history = String::new();
        let steps = run.rng.random_range(1..=8);
        for _ in 0..steps {
            let before = run.events(id).await;
            let (what, status) = run.step(id, &before).await;
            history.push_str(&format!("\n  {what} → {status}"));
            let action: String = what.split(' ').take(2).collect::<Vec<_>>().join(" ");
            let t = tally.entry(action).or_default();
            if status.is_client_error() {
                t.1 += 1;
            } else {
                t.0 += 1;
            }
            assert!(
                status.is_success() || status.is_redirection() || status.is_client_error(),
                "seed {seed}: a server error:{history}"
            );
            if status.is_client_error() {
                assert_eq!(
                    run.events(id).await,
                    before,
                    "seed {seed}: a refusal changed the record:{history}"
                );
            } else {
                accepted += 1;
            }
            let fresh = !status.is_client_error();
            run.check(id, &history, fresh).await;
        }
    }
    // The report's identities add up for the unit, this year and the one before.
    for year in [run.today.year() - 1, run.today.year()] {
        let r = run
            .app
            .store
            .report_data(year, Some("py-zjj"))
            .await
            .unwrap();
        let broken: Vec<_> = r.problems.iter().filter(|p| p.kind == "identity").collect();
        assert!(broken.is_empty(), "seed {seed}: {year}: {broken:?}");
    }
    eprintln!("seed {seed}: (accepted, refused) by way in and action: {tally:?}");
    // The sequences did more than get refused.
    assert!(
        accepted > SEQUENCES,
        "seed {seed}: only {accepted} requests accepted"
    );
}
