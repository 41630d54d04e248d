//! The commands of 依申请公开: one function per thing a person does to an application once it is
//! in (record an event — receipt, its correction, a correction request, a consultation, an
//! extension, a fee notice, a payment, archiving — and answer with a letter). Pages, the JSON
//! API and the demo parse their input and call these; each command loads what it needs inside
//! its write transaction, asks `gongkai_core::application::rules` whether the statute allows it,
//! and writes the change with its ledger entry and the applicant's notice in that transaction.
//! So a rule exists once and no way in can skip it.

use super::{APP_SELECT, Application, Letter, MONTH_COUNT_SQL, add_event_tx, insert_letter};
use crate::actor::Actor;
use crate::{FieldError, Result, Store, StoreError, Tx, audit, on_tx};
use chrono::{Datelike, NaiveDate};
use gongkai_core::access::Action;
use gongkai_core::application::{Channel, Event, Facts, progress, received_on};
use gongkai_core::clock::date_in_china;
use gongkai_core::letters::{LetterContext, answer_letter, placeholders};
use serde_json::json;

/// An answer as a person gives it: the outcome row of table 三, the date of the letter, and the
/// letter itself (omitted: the first draft for the outcome, which goes out only if it needs no
/// filling in).
#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    pub outcome: String,
    pub on: NaiveDate,
    pub title: Option<String>,
    pub body: Option<String>,
    /// Why the letter may go out although the scan found personal data or markings in it.
    pub override_reason: String,
}

/// An application and what the rules need to know about it, read inside a write transaction.
pub(super) struct Loaded {
    pub app: Application,
    pub events: Vec<Event>,
    pub facts: Facts,
}

/// Load an application for a command: refused unless `actor` may handle it.
pub(super) async fn load(tx: &mut Tx, actor: &Actor, application_id: i64) -> Result<Loaded> {
    let sql = format!("{APP_SELECT} WHERE a.id = $1");
    let app: Option<Application> = on_tx!(tx, c => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql))
        .bind(application_id).fetch_optional(c).await?);
    let app = app.ok_or_else(|| StoreError::NotFound("没有这件申请".into()))?;
    actor.may(Action::HandleApplications, Some(app.unit_id))?;
    let events = super::events_tx(tx, application_id).await?;
    let channel = app.channel()?;
    let month_count = match received_on(&events) {
        Some(r) => month_count(tx, &app.id_number, r).await?,
        None => 0,
    };
    Ok(Loaded {
        facts: Facts {
            submitted_on: (channel == Channel::Online).then(|| date_in_china(app.submitted_at)),
            month_count,
            by_office: actor.is_office(),
        },
        app,
        events,
    })
}

/// How many applications the same applicant (same ID document) had received in the natural
/// month of `on`, up to and including that day — the quantity of 按件计收.
async fn month_count(tx: &mut Tx, id_number: &str, on: NaiveDate) -> Result<u64> {
    let first = on.with_day(1).unwrap_or(on);
    let (n,): (i64,) = on_tx!(tx, c => sqlx::query_as(MONTH_COUNT_SQL)
        .bind(id_number).bind(first).bind(on).fetch_one(c).await?);
    Ok(n as u64)
}

/// The government at the root of the units (the reconsideration body the letters name).
async fn government_name(tx: &mut Tx) -> Result<String> {
    let row: Option<(String,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT name FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetch_optional(c).await?);
    Ok(row.map(|(n,)| n).unwrap_or_default())
}

pub(super) fn refused(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError {
        field,
        message: message.into(),
    }])
}

impl Store {
    /// Record what a handler did (or the office corrected): the event is completed from the
    /// records (fees by the 109号 brackets, 按件 from the applicant's month), checked against the
    /// statute, and written with its ledger entry and the notice the applicant reads, together.
    /// Returns the event as recorded.
    pub async fn record_event(
        &self,
        actor: &Actor,
        application_id: i64,
        event: Event,
        today: NaiveDate,
    ) -> Result<Event> {
        let cal = self.calendar().await?;
        self.record_event_on(&cal, actor, application_id, event, today)
            .await
    }

    /// [`Store::record_event`] with the calendar at hand, for a batch that records thousands (the demo).
    pub async fn record_event_on(
        &self,
        cal: &gongkai_core::Calendar,
        actor: &Actor,
        application_id: i64,
        event: Event,
        today: NaiveDate,
    ) -> Result<Event> {
        let mut tx = self.begin_write().await?;
        let l = load(&mut tx, actor, application_id).await?;
        let event = gongkai_core::application::complete(&l.facts, &l.events, event);
        let events = add_event_tx(&mut tx, cal, actor, &l, &event, today).await?;
        // The applicant is told of a correction request, an extension or a fee by a notice.
        let p = progress(cal, &events, today).ok();
        let gov = government_name(&mut tx).await?;
        let ctx = LetterContext {
            applicant_name: &l.app.applicant_name,
            tracking_code: &l.app.tracking_code,
            received_on: p.as_ref().and_then(|p| p.received),
            info_description: &l.app.info_description,
            unit_name: &l.app.unit_name,
            government_name: &gov,
            issued_on: event.on(),
            events: &events,
        };
        let due = p.as_ref().and_then(|p| p.due.as_ref()).map(|d| d.date);
        if let Some((kind, title, body)) = gongkai_core::letters::notice_for(&ctx, &event, due) {
            insert_letter(
                &mut tx,
                actor.name(),
                application_id,
                kind,
                &title,
                &body,
                event.on(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(event)
    }

    /// The first draft of the answer letter for an outcome, from the application's record.
    pub async fn draft_answer(
        &self,
        application: &Application,
        outcome: &str,
        on: NaiveDate,
    ) -> Result<(String, String)> {
        let events: Vec<Event> = self
            .events(application.id)
            .await?
            .into_iter()
            .map(|r| r.event)
            .collect();
        let gov = self.root_unit().await?.map(|u| u.name).unwrap_or_default();
        Ok(draft(application, &events, &gov, outcome, on))
    }

    /// Answer an application and issue its letter, together: the letter is the one given or
    /// the first draft; one with an unfilled ［…］ placeholder is refused naming what to fill;
    /// personal data or secret markings in it hold it until a reason is given, which the
    /// ledger keeps beside the answer.
    pub async fn answer(
        &self,
        actor: &Actor,
        application_id: i64,
        a: &AnswerInput,
        today: NaiveDate,
    ) -> Result<Letter> {
        let cal = self.calendar().await?;
        self.answer_on(&cal, actor, application_id, a, today).await
    }

    /// [`Store::answer`] with the calendar at hand.
    pub async fn answer_on(
        &self,
        cal: &gongkai_core::Calendar,
        actor: &Actor,
        application_id: i64,
        a: &AnswerInput,
        today: NaiveDate,
    ) -> Result<Letter> {
        let mut tx = self.begin_write().await?;
        let gov = government_name(&mut tx).await?;
        let l = load(&mut tx, actor, application_id).await?;
        // The answer itself first (checked and recorded): a letter is worth checking only if it
        // may go out. A refused letter below drops the transaction, and the answer with it.
        let event = Event::Answered {
            on: a.on,
            outcome: a.outcome.trim().to_string(),
        };
        add_event_tx(&mut tx, cal, actor, &l, &event, today).await?;
        let (title, body) = match (&a.title, &a.body) {
            (Some(t), Some(b)) => (t.trim().to_string(), b.trim().to_string()),
            _ => draft(&l.app, &l.events, &gov, &a.outcome, a.on),
        };
        if title.is_empty() {
            return Err(refused("title", "请填写文书标题"));
        }
        if body.is_empty() {
            return Err(refused("body", "请填写文书正文"));
        }
        let unfilled = placeholders(&body);
        if !unfilled.is_empty() {
            return Err(refused(
                "body",
                format!(
                    "答复书中尚有待填写的内容：{}。请填写后再出具",
                    unfilled.join("、")
                ),
            ));
        }
        let findings: Vec<String> = body
            .lines()
            .chain(std::iter::once(title.as_str()))
            .flat_map(|line| gongkai_scan::scan_text(line, "文书", today))
            .map(|x| format!("{}（{}）", x.kind.label(), x.masked))
            .collect();
        let reason = a.override_reason.trim();
        if !findings.is_empty() && reason.chars().count() < 4 {
            return Err(refused(
                "override_reason",
                format!(
                    "文书中发现 {} 处个人信息或密级标志：{}。请删除后再出具；确需保留的，请在“确认理由”中写明理由（至少 4 个字，将记入审计日志）",
                    findings.len(),
                    findings.join("、")
                ),
            ));
        }
        if !findings.is_empty() {
            audit::append(
                &mut tx,
                actor.name(),
                "letter.scan_override",
                &format!("application:{}", l.app.tracking_code),
                &json!({"findings": findings}),
                &json!({"reason": reason}),
            )
            .await?;
        }
        let letter = insert_letter(
            &mut tx,
            actor.name(),
            application_id,
            "answer",
            &title,
            &body,
            a.on,
        )
        .await?;
        tx.commit().await?;
        Ok(letter)
    }
}

/// The first draft of an answer letter from the record.
fn draft(
    app: &Application,
    events: &[Event],
    government: &str,
    outcome: &str,
    on: NaiveDate,
) -> (String, String) {
    answer_letter(
        &LetterContext {
            applicant_name: &app.applicant_name,
            tracking_code: &app.tracking_code,
            received_on: received_on(events),
            info_description: &app.info_description,
            unit_name: &app.unit_name,
            government_name: government,
            issued_on: on,
            events,
        },
        outcome,
    )
}
