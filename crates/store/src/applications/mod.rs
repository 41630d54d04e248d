//! Applications (依申请公开): registration online or by staff, the event timeline, letters, review
//! cases. Stage and due date are derived by `gongkai_core::application` from the events; the
//! `outcome`, `concluded_on`, `received_on` and `fee_yuan` columns are written from the events in
//! the same transaction, for querying only. Here: the stored application and its letters, and
//! reading them back. Beside it: `intake` (submission, online and by staff), `commands` (what a
//! person does to an application once it is in, checked against the statute), `transfer`
//! (转送), `cases` (reconsideration and lawsuits) and `events` (the timeline as stored).

mod commands;
pub use commands::AnswerInput;

use crate::actor::Actor;
use crate::files::{NewAttachment, insert_attachments};
use crate::{FieldError, Result, Store, StoreError, Tx, audit, now, on_pool, on_tx, values_list};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_core::access::Action;
use gongkai_core::application::{Channel, Event, Progress, check_next, progress};
use gongkai_core::clock;
use gongkai_core::ids::{CreditCode, IdCardNumber, check_phone};
use gongkai_core::org::{check_postcode, check_text};
use gongkai_core::taxonomy::{ApplicantType, CaseKind, CaseResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

mod cases;
mod events;
mod intake;
mod transfer;
pub use cases::*;
pub use events::*;
pub use intake::*;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Application {
    pub id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub tracking_code: String,
    pub channel: String,
    pub applicant_type: String,
    pub applicant_name: String,
    pub id_kind: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub postcode: String,
    pub info_description: String,
    pub info_doc_number: String,
    pub purpose: String,
    pub form_wanted: String,
    pub delivery: String,
    pub submitted_at: DateTime<Utc>,
    pub handler_id: Option<i64>,
    pub outcome: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    pub fee_yuan: i64,
}

impl Application {
    /// How it arrived; a stored value that names no channel is an error naming the row.
    pub fn channel(&self) -> Result<Channel> {
        Channel::parse(&self.channel).ok_or_else(|| {
            StoreError::Internal(format!(
                "applications 第 {} 行的 channel“{}”无法识别",
                self.id, self.channel
            ))
        })
    }

    pub fn applicant_type_label(&self) -> &'static str {
        ApplicantType::parse(&self.applicant_type)
            .map(|t| t.label())
            .unwrap_or("")
    }
}

const APP_SELECT: &str = "SELECT a.id, a.unit_id, u.code AS unit_code, u.name AS unit_name, \
    a.tracking_code, a.channel, a.applicant_type, a.applicant_name, a.id_kind, a.id_number, a.phone, \
    a.email, a.address, a.postcode, a.info_description, a.info_doc_number, a.purpose, a.form_wanted, \
    a.delivery, a.submitted_at, a.handler_id, a.outcome, a.concluded_on, a.fee_yuan \
    FROM applications a JOIN units u ON u.id = a.unit_id";

/// The forms of information an applicant may ask for (Art. 29(三)).
pub const FORMS: [(&str, &str); 4] = [
    ("paper", "纸质"),
    ("email", "电子邮件"),
    ("disc", "光盘"),
    ("onsite", "当场阅读"),
];
/// How the applicant obtains it.
pub const DELIVERIES: [(&str, &str); 4] = [
    ("post", "邮寄"),
    ("pickup", "自行领取"),
    ("email", "电子邮件"),
    ("online", "网上获取"),
];
/// Identity documents.
pub const ID_KINDS: [(&str, &str); 3] = [
    ("id_card", "居民身份证"),
    ("credit_code", "统一社会信用代码"),
    ("other", "其他证件"),
];

pub fn label_of(table: &[(&'static str, &'static str)], key: &str) -> &'static str {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// A letter to the applicant (告知书, 答复书 …).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Letter {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub issued_on: NaiveDate,
}

impl Store {
    pub async fn application(&self, id: i64) -> Result<Option<Application>> {
        let sql = format!("{APP_SELECT} WHERE a.id = $1");
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(p).await?),
        )
    }

    pub async fn application_by_code(&self, code: &str) -> Result<Option<Application>> {
        let sql = format!("{APP_SELECT} WHERE a.tracking_code = $1");
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql))
            .bind(code.trim().to_ascii_uppercase()).fetch_optional(p).await?),
        )
    }

    /// The application a tracking code and query password open (constant-time comparison).
    pub async fn application_for_applicant(
        &self,
        code: &str,
        password: &str,
    ) -> Result<Option<Application>> {
        let code = code.trim().to_ascii_uppercase();
        let row: Option<(String,)> = on_pool!(self, p => sqlx::query_as(
            "SELECT password_hash FROM applications WHERE tracking_code = $1")
            .bind(&code).fetch_optional(p).await?);
        let given = password_hash(&code, password.trim());
        let stored = row.map(|(h,)| h).unwrap_or_default();
        let same = stored.len() == given.len()
            && stored
                .bytes()
                .zip(given.bytes())
                .fold(0u8, |a, (x, y)| a | (x ^ y))
                == 0;
        if !same {
            return Ok(None);
        }
        self.application_by_code(&code).await
    }

    /// Applications of one unit (or all with `None`), newest first; `open_only` keeps those not
    /// yet concluded.
    pub async fn applications(
        &self,
        unit_id: Option<i64>,
        open_only: bool,
    ) -> Result<Vec<Application>> {
        let sql = format!(
            "{APP_SELECT} WHERE ($1 IS NULL OR a.unit_id = $1) AND ($2 = FALSE OR a.outcome IS NULL) \
             ORDER BY a.id DESC"
        );
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql))
            .bind(unit_id).bind(open_only).fetch_all(p).await?),
        )
    }

    pub async fn events(&self, application_id: i64) -> Result<Vec<EventRecord>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, EventRow>(EVENTS_SQL)
            .bind(application_id).fetch_all(p).await?);
        decode_events(rows)
    }

    /// Derive the progress of an application as of `today`.
    pub async fn progress(&self, application_id: i64, today: NaiveDate) -> Result<Progress> {
        let cal = self.calendar().await?;
        let events: Vec<Event> = self
            .events(application_id)
            .await?
            .into_iter()
            .map(|r| r.event)
            .collect();
        progress(&cal, &events, today).map_err(|e| StoreError::Refused(e.to_string()))
    }

    /// Assign a handler (a staff member of the application's unit).
    pub async fn assign_handler(
        &self,
        actor: &Actor,
        application_id: i64,
        handler: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let unit: Option<(i64,)> = on_tx!(&mut tx, c => sqlx::query_as("SELECT unit_id FROM applications WHERE id = $1")
            .bind(application_id).fetch_optional(c).await?);
        let (unit_id,) = unit.ok_or_else(|| StoreError::NotFound("没有这件申请".into()))?;
        actor.may(Action::HandleApplications, Some(unit_id))?;
        if let Some(h) = handler {
            let of: Option<(i64,)> = on_tx!(&mut tx, c => sqlx::query_as("SELECT unit_id FROM staff WHERE id = $1 AND role = 'handler'")
                .bind(h).fetch_optional(c).await?);
            if of.map(|(u,)| u) != Some(unit_id) {
                return Err(StoreError::invalid(
                    "handler",
                    "请选择本单位的依申请办理人员",
                ));
            }
        }
        let actor = actor.name();
        on_tx!(&mut tx, c => sqlx::query("UPDATE applications SET handler_id = $1 WHERE id = $2")
            .bind(handler).bind(application_id).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "application.assign",
            &format!("application:{application_id}"),
            &serde_json::Value::Null,
            &json!({"handler_id": handler}),
        )
        .await?;
        tx.commit().await
    }

    /// How many applications the same applicant (same ID document) had received in the natural
    /// month of `on`, up to and including this one — the basis of 按件计收.
    pub async fn applicant_month_count(&self, id_number: &str, on: NaiveDate) -> Result<u64> {
        let first = on.with_day(1).unwrap_or(on);
        let (n,): (i64,) = on_pool!(self, p => sqlx::query_as(MONTH_COUNT_SQL)
            .bind(id_number).bind(first).bind(on).fetch_one(p).await?);
        Ok(n as u64)
    }

    /// Earlier answered applications by the same applicant asking for much the same thing: a
    /// possible 重复申请 (Art. 36(六)).
    pub async fn possible_repeats(&self, app: &Application) -> Result<Vec<Application>> {
        let sql = format!(
            "{APP_SELECT} WHERE a.id_number = $1 AND a.id <> $2 AND a.outcome IS NOT NULL ORDER BY a.id DESC LIMIT 50"
        );
        let earlier = on_pool!(self, p => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql))
            .bind(&app.id_number).bind(app.id).fetch_all(p).await?);
        Ok(earlier
            .into_iter()
            .filter(|e| similarity(&e.info_description, &app.info_description) >= 0.5)
            .collect())
    }

    pub async fn letters(&self, application_id: i64) -> Result<Vec<Letter>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Letter>(
            "SELECT id, application_id, kind, title, body, issued_on FROM letters WHERE application_id = $1 ORDER BY id")
            .bind(application_id).fetch_all(p).await?))
    }

    pub async fn letter(&self, id: i64) -> Result<Option<Letter>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Letter>(
            "SELECT id, application_id, kind, title, body, issued_on FROM letters WHERE id = $1")
            .bind(id).fetch_optional(p).await?))
    }
}

async fn insert_letter(
    tx: &mut Tx,
    actor: &str,
    application_id: i64,
    kind: &str,
    title: &str,
    body: &str,
    issued_on: NaiveDate,
) -> Result<Letter> {
    let letter: Letter = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO letters (application_id, kind, title, body, issued_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, application_id, kind, title, body, issued_on")
        .bind(application_id).bind(kind).bind(title.trim()).bind(body).bind(issued_on).bind(now())
        .fetch_one(c).await?);
    audit::append(
        tx,
        actor,
        "letter.issue",
        &format!("application:{application_id}"),
        &serde_json::Value::Null,
        &json!({"letter": letter.id, "kind": kind, "issued_on": issued_on}),
    )
    .await?;
    Ok(letter)
}

/// Overlap of character bigrams (Jaccard), ignoring spaces and punctuation: 1.0 for the same text.
pub fn similarity(a: &str, b: &str) -> f64 {
    use std::collections::HashSet;
    let grams = |s: &str| -> HashSet<(char, char)> {
        let cs: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        cs.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, y) = (grams(a), grams(b));
    if x.is_empty() || y.is_empty() {
        return if a.trim() == b.trim() { 1.0 } else { 0.0 };
    }
    let inter = x.intersection(&y).count();
    inter as f64 / (x.len() + y.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    #[test]
    fn similarity_of_requests() {
        assert_eq!(
            super::similarity("番禺区2021年财政预算", "番禺区2021年财政预算"),
            1.0
        );
        assert!(super::similarity("番禺区2021年财政预算", "请提供番禺区2021年财政预算。") > 0.7);
        assert!(super::similarity("番禺区2021年财政预算", "某小区规划许可证") < 0.2);
    }
}
