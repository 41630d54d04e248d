//! Applications (依申请公开): registration online or by staff, the event timeline, letters, review
//! cases. Stage and due date are derived by `gongkai_core::application` from the events; the
//! `outcome`, `concluded_on`, `received_on` and `fee_yuan` columns are written from the events in
//! the same transaction, for querying only. What a person does to an application once it is in
//! goes through the commands of `commands.rs`, which check the statute's rules.

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

/// What an applicant (or staff registering a paper application) fills in.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub unit_code: String,
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
}

impl ApplicationInput {
    /// Every problem at once, by field; also returns the normalised ID number.
    pub fn check(&self, today: NaiveDate) -> (Vec<FieldError>, String) {
        let mut errs = Vec::new();
        let mut push = |field: &'static str, r: std::result::Result<(), String>| {
            if let Err(message) = r {
                errs.push(FieldError { field, message });
            }
        };
        if self.unit_code.trim().is_empty() {
            push("unit_code", Err("请选择受理申请的机关".into()));
        }
        let kind = ApplicantType::parse(self.applicant_type.trim());
        push(
            "applicant_type",
            kind.map(|_| ())
                .ok_or_else(|| "请选择申请人类型".to_string()),
        );
        let name_label = if kind.is_some_and(ApplicantType::is_natural_person) {
            "姓名"
        } else {
            "申请人名称"
        };
        push(
            "applicant_name",
            check_text(name_label, &self.applicant_name, true, 100),
        );
        let mut id_number = self.id_number.trim().to_string();
        match self.id_kind.trim() {
            "id_card" => match IdCardNumber::parse(&id_number, today) {
                Ok(id) => id_number = id.as_str().to_string(),
                Err(m) => push("id_number", Err(m)),
            },
            "credit_code" => match CreditCode::parse(&id_number) {
                Ok(c) => id_number = c.as_str().to_string(),
                Err(m) => push("id_number", Err(m)),
            },
            "other" => push("id_number", check_text("证件号码", &id_number, true, 64)),
            _ => push("id_kind", Err("请选择身份证明的种类".into())),
        }
        if kind.is_some_and(ApplicantType::is_natural_person)
            && self.id_kind.trim() == "credit_code"
        {
            push(
                "id_kind",
                Err("自然人请使用居民身份证或其他个人证件".into()),
            );
        }
        if kind.is_some_and(|k| !k.is_natural_person()) && self.id_kind.trim() == "id_card" {
            push(
                "id_kind",
                Err("法人或其他组织请填写统一社会信用代码（无代码的选择其他证件）".into()),
            );
        }
        push("phone", check_phone(&self.phone).map(|_| ()));
        let email = self.email.trim();
        if !email.is_empty() {
            let ok = email.chars().count() <= 100
                && email
                    .split_once('@')
                    .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.'));
            push(
                "email",
                if ok {
                    Ok(())
                } else {
                    Err("电子邮箱格式不正确，例如 name@example.com".into())
                },
            );
        }
        push("address", check_text("通信地址", &self.address, false, 200));
        push("postcode", check_postcode(&self.postcode));
        push(
            "info_description",
            check_text(
                "所需政府信息的名称、文号或特征描述",
                &self.info_description,
                true,
                2000,
            ),
        );
        push(
            "info_doc_number",
            check_text("文号", &self.info_doc_number, false, 100),
        );
        push("purpose", check_text("用途说明", &self.purpose, false, 500));
        if label_of(&FORMS, self.form_wanted.trim()).is_empty() {
            push("form_wanted", Err("请选择获取信息的载体形式".into()));
        }
        let delivery = self.delivery.trim();
        if label_of(&DELIVERIES, delivery).is_empty() {
            push("delivery", Err("请选择获取信息的方式".into()));
        }
        if delivery == "post" && self.address.trim().is_empty() {
            push("address", Err("选择邮寄的，请填写通信地址".into()));
        }
        if delivery == "email" && email.is_empty() {
            push("email", Err("选择电子邮件方式的，请填写电子邮箱".into()));
        }
        (errs, id_number)
    }
}

/// One recorded event.
#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    pub id: i64,
    pub event: Event,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    detail: String,
    recorded_at: DateTime<Utc>,
    actor: String,
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

/// An administrative reconsideration or lawsuit about an answer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReviewCase {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub filed_on: NaiveDate,
    pub result: String,
    pub result_on: Option<NaiveDate>,
    pub note: String,
}

impl ReviewCase {
    pub fn kind_label(&self) -> &'static str {
        CaseKind::parse(&self.kind)
            .map(CaseKind::label)
            .unwrap_or("")
    }

    pub fn result_label(&self) -> &'static str {
        CaseResult::parse(&self.result)
            .map(CaseResult::label)
            .unwrap_or("")
    }
}

/// A review case as filed.
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    /// `reconsideration`, `direct_lawsuit` or `lawsuit_after_reconsideration`.
    pub kind: String,
    pub filed_on: NaiveDate,
    /// `upheld`, `corrected`, `other` or `pending`.
    pub result: String,
    pub result_on: Option<NaiveDate>,
    pub note: String,
}

/// One online submission of a batch.
#[derive(Debug, Clone)]
pub struct BatchItem {
    pub input: ApplicationInput,
    pub key: Option<String>,
    pub today: NaiveDate,
    /// Supporting documents, already checked ([`NewAttachment::check_all`]).
    pub attachments: Vec<NewAttachment>,
}

/// A submission that passed its checks, ready to be written.
pub struct Prepared {
    secret: String,
    channel: Channel,
    /// Trimmed, with the normalised ID number.
    input: ApplicationInput,
    unit_id: i64,
    unit_name: String,
    received_on: Option<NaiveDate>,
    /// The idempotency key: the caller's, or a random one.
    key: String,
    key_given: bool,
    password: String,
    today: NaiveDate,
    attachments: Vec<NewAttachment>,
}

impl Prepared {
    /// The tracking code: the date and characters derived from the key (`attempt` > 0 after a
    /// collision with another day's code).
    fn tracking_code(&self, attempt: u32) -> String {
        let d = Sha256::digest(
            format!("{}\u{0}code\u{0}{}\u{0}{attempt}", self.secret, self.key).as_bytes(),
        );
        format!("{}{}", self.today.format("%Y%m%d"), readable(&d[..8], 8))
    }

    fn into_application(self, id: i64, tracking_code: String) -> Application {
        let i = self.input;
        Application {
            id,
            unit_id: self.unit_id,
            unit_code: i.unit_code,
            unit_name: self.unit_name,
            tracking_code,
            channel: self.channel.as_str().into(),
            applicant_type: i.applicant_type,
            applicant_name: i.applicant_name,
            id_kind: i.id_kind,
            id_number: i.id_number,
            phone: i.phone,
            email: i.email,
            address: i.address,
            postcode: i.postcode,
            info_description: i.info_description,
            info_doc_number: i.info_doc_number,
            purpose: i.purpose,
            form_wanted: i.form_wanted,
            delivery: i.delivery,
            submitted_at: submitted_at(self.today),
            handler_id: None,
            outcome: None,
            concluded_on: None,
            fee_yuan: 0,
        }
    }
}

enum Written {
    New {
        id: i64,
        tracking_code: String,
    },
    /// The key was already used (a concurrent twin won).
    Duplicate,
}

/// The query password of a submission: derived from its key, so a repeated submission of the
/// same form shows the same password, and only its submitter holds the key.
fn derive_password(secret: &str, key: &str) -> String {
    let d = Sha256::digest(format!("{secret}\u{0}{key}").as_bytes());
    readable(&d[6..16], 8)
}

/// Rows per multi-row statement: a few fixed sizes, so the database keeps a handful of prepared
/// statements instead of preparing a new one for every batch size.
fn statement_sizes(mut n: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    for size in [128, 32, 8, 1] {
        while n >= size {
            sizes.push(size);
            n -= size;
        }
    }
    sizes
}

/// When a submission made on `day` (in China) was made: now, or — for a record of a past day
/// (the demo, an import) — noon of that day, so the time agrees with the tracking code's date
/// and the receipt rules of Art. 31.
fn submitted_at(day: NaiveDate) -> DateTime<Utc> {
    let at = now();
    if clock::date_in_china(at) == day {
        return at;
    }
    day.and_hms_opt(4, 0, 0).map(|t| t.and_utc()).unwrap_or(at)
}

/// What the ledger records of a new application (no personal data).
fn creation_record(p: &Prepared) -> serde_json::Value {
    json!({"unit": p.input.unit_code, "channel": p.channel.as_str(), "applicant_type": p.input.applicant_type, "received_on": p.received_on})
}

/// Insert applications with one statement; returns the ids of those inserted, by tracking code.
async fn insert_many(
    tx: &mut Tx,
    items: &[Prepared],
    codes: &[String],
) -> Result<std::collections::HashMap<String, i64>> {
    let sql = format!(
        "INSERT INTO applications (unit_id, tracking_code, password_hash, channel, applicant_type, \
         applicant_name, id_kind, id_number, phone, email, address, postcode, info_description, \
         info_doc_number, purpose, form_wanted, delivery, submitted_at, idempotency_key) VALUES {} \
         ON CONFLICT DO NOTHING RETURNING id, tracking_code",
        values_list(
            tx,
            items.len(),
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
    );
    let returned: Vec<(i64, String)> = on_tx!(tx, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for (p, code) in items.iter().zip(codes) {
            let i = &p.input;
            q = q.bind(p.unit_id).bind(code).bind(password_hash(code, &p.password))
                .bind(p.channel.as_str()).bind(&i.applicant_type).bind(&i.applicant_name)
                .bind(&i.id_kind).bind(&i.id_number).bind(&i.phone).bind(&i.email)
                .bind(&i.address).bind(&i.postcode).bind(&i.info_description)
                .bind(&i.info_doc_number).bind(&i.purpose).bind(&i.form_wanted)
                .bind(&i.delivery).bind(submitted_at(p.today)).bind(p.key_given.then_some(p.key.as_str()));
        }
        q.fetch_all(c).await?
    });
    Ok(returned.into_iter().map(|(id, code)| (code, id)).collect())
}

async fn write_prepared(
    tx: &mut Tx,
    chain: &mut audit::Chain,
    actor: &str,
    p: &Prepared,
) -> Result<Written> {
    let i = &p.input;
    let key = p.key_given.then_some(p.key.as_str());
    for attempt in 0..8 {
        let tracking_code = p.tracking_code(attempt);
        let inserted: Option<(i64,)> = on_tx!(tx, c => sqlx::query_as(
            "INSERT INTO applications (unit_id, tracking_code, password_hash, channel, applicant_type, \
             applicant_name, id_kind, id_number, phone, email, address, postcode, info_description, \
             info_doc_number, purpose, form_wanted, delivery, submitted_at, idempotency_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
             ON CONFLICT DO NOTHING RETURNING id")
            .bind(p.unit_id).bind(&tracking_code).bind(password_hash(&tracking_code, &p.password))
            .bind(p.channel.as_str()).bind(&i.applicant_type).bind(&i.applicant_name)
            .bind(&i.id_kind).bind(&i.id_number).bind(&i.phone).bind(&i.email)
            .bind(&i.address).bind(&i.postcode).bind(&i.info_description)
            .bind(&i.info_doc_number).bind(&i.purpose).bind(&i.form_wanted)
            .bind(&i.delivery).bind(submitted_at(p.today)).bind(key)
            .fetch_optional(c).await?);
        if let Some((id,)) = inserted {
            if let Some(r) = p.received_on {
                insert_event(tx, id, &Event::Received { on: r }, actor).await?;
            }
            chain
                .append(
                    tx,
                    actor,
                    "application.create",
                    &format!("application:{tracking_code}"),
                    &serde_json::Value::Null,
                    &creation_record(p),
                )
                .await?;
            return Ok(Written::New { id, tracking_code });
        }
        if let Some(k) = key {
            let taken: Option<(i64,)> = on_tx!(tx, c => sqlx::query_as(
                "SELECT id FROM applications WHERE idempotency_key = $1").bind(k).fetch_optional(c).await?);
            if taken.is_some() {
                return Ok(Written::Duplicate);
            }
        }
        // Otherwise the tracking code collided with another application's: derive another.
    }
    Err(StoreError::Conflict("申请编号冲突，请重新提交".into()))
}

/// What the submitter gets back: the tracking code and the query password.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub application: Application,
    pub password: String,
    /// The same submission arrived before (a double click): nothing new was stored.
    pub duplicate: bool,
}

fn password_hash(code: &str, password: &str) -> String {
    hex::encode(Sha256::digest(format!("{code}\u{0}{password}").as_bytes()))
}

const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Characters from a digest, in an alphabet without look-alikes.
fn readable(bytes: &[u8], n: usize) -> String {
    bytes
        .iter()
        .take(n)
        .map(|b| CODE_ALPHABET[(*b as usize) % CODE_ALPHABET.len()] as char)
        .collect()
}

impl Store {
    /// The installation's secret for derived values, created on first use.
    pub(crate) async fn secret(&self) -> Result<String> {
        let s = self
            .secret
            .get_or_try_init(|| async {
                if let Some(s) = self.meta("secret").await? {
                    return Ok::<String, StoreError>(s);
                }
                let s = crate::auth::random_token();
                let mut tx = self.begin_write().await?;
                on_tx!(&mut tx, c => sqlx::query("INSERT INTO meta (key, value) VALUES ('secret', $1) ON CONFLICT (key) DO NOTHING")
                    .bind(&s).execute(c).await?.rows_affected());
                tx.commit().await?;
                Ok(self.meta("secret").await?.unwrap_or(s))
            })
            .await?;
        Ok(s.clone())
    }

    /// After the tables were re-created, write back the secret this process already uses.
    pub(crate) async fn restore_cached_secret(&self) -> Result<()> {
        if let Some(s) = self.secret.get() {
            let mut tx = self.begin_write().await?;
            Store::set_meta(&mut tx, "secret", s).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Register an application. `received_on` is the Art. 31 receipt date when staff register one
    /// received in person, by post, fax or e-mail; an online one waits for staff to confirm it.
    /// `idempotency_key` (the form's one-time token) makes a repeated submission return the first.
    pub async fn submit_application(
        &self,
        actor: &Actor,
        channel: Channel,
        input: &ApplicationInput,
        received_on: Option<NaiveDate>,
        idempotency_key: Option<&str>,
        today: NaiveDate,
    ) -> Result<Submitted> {
        let prepared = match self
            .prepare(channel, input, received_on, idempotency_key, today)
            .await?
        {
            Ok(p) => p,
            Err(duplicate) => return Ok(duplicate),
        };
        actor.may(Action::HandleApplications, Some(prepared.unit_id))?;
        let mut tx = self.begin_write().await?;
        let mut chain = audit::Chain::load(&mut tx).await?;
        let written = write_prepared(&mut tx, &mut chain, actor.name(), &prepared).await?;
        tx.commit().await?;
        self.finish(prepared, written).await
    }

    /// Check an online submission before it is queued for [`Store::write_batch`]; a repeated key
    /// answers at once with the first submission.
    pub async fn prepare_online(
        &self,
        item: BatchItem,
    ) -> Result<std::result::Result<Prepared, Submitted>> {
        let prepared = self
            .prepare(
                Channel::Online,
                &item.input,
                None,
                item.key.as_deref(),
                item.today,
            )
            .await?;
        Ok(prepared.map(|p| Prepared {
            attachments: item.attachments,
            ..p
        }))
    }

    /// Write many checked online submissions in one transaction (one durable commit for all): how
    /// the server keeps up with a rush of applications. Each answer is what
    /// [`Store::submit_application`] would have given for that submission alone.
    pub async fn write_batch(
        &self,
        actor: &str,
        items: Vec<Prepared>,
    ) -> Result<Vec<Result<Submitted>>> {
        let mut written: Vec<Option<Written>> = (0..items.len()).map(|_| None).collect();
        if !items.is_empty() {
            let mut tx = self.begin_write().await?;
            let mut chain = audit::Chain::load(&mut tx).await?;
            let mut entries = Vec::new();
            // Fast path: many rows per statement. A row that conflicts (a repeated key, or a
            // tracking code taken) is not inserted and goes the careful way below.
            let mut start = 0;
            for len in statement_sizes(items.len()) {
                let chunk = &items[start..start + len];
                let codes: Vec<String> = chunk.iter().map(|p| p.tracking_code(0)).collect();
                let inserted = insert_many(&mut tx, chunk, &codes).await?;
                for (i, (p, code)) in chunk.iter().zip(&codes).enumerate() {
                    if let Some(id) = inserted.get(code) {
                        written[start + i] = Some(Written::New {
                            id: *id,
                            tracking_code: code.clone(),
                        });
                        entries.push(audit::NewEntry {
                            actor: actor.to_string(),
                            action: "application.create".into(),
                            entity: format!("application:{code}"),
                            before: serde_json::Value::Null,
                            after: creation_record(p),
                        });
                    }
                }
                start += len;
            }
            chain.append_many(&mut tx, &entries).await?;
            for (i, p) in items.iter().enumerate() {
                if written[i].is_none() {
                    written[i] = Some(write_prepared(&mut tx, &mut chain, actor, p).await?);
                }
                if let Some(Written::New { id, .. }) = &written[i] {
                    insert_attachments(&mut tx, "application", *id, &p.attachments, None).await?;
                }
            }
            tx.commit().await?;
        }
        let mut answers = Vec::with_capacity(items.len());
        for (p, w) in items.into_iter().zip(written) {
            answers.push(match w {
                Some(w) => self.finish(p, w).await,
                None => Err(StoreError::Internal("submission not written".into())),
            });
        }
        Ok(answers)
    }

    /// Check a submission; a repeated key answers with the first submission instead.
    async fn prepare(
        &self,
        channel: Channel,
        input: &ApplicationInput,
        received_on: Option<NaiveDate>,
        idempotency_key: Option<&str>,
        today: NaiveDate,
    ) -> Result<std::result::Result<Prepared, Submitted>> {
        let secret = self.secret().await?;
        let key = idempotency_key
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= 128);
        if let Some(k) = key
            && let Some(existing) = self.application_by_idempotency(k).await?
        {
            return Ok(Err(Submitted {
                application: existing,
                password: derive_password(&secret, k),
                duplicate: true,
            }));
        }
        let (mut errs, id_number) = input.check(today);
        if let Some(r) = received_on
            && r > today
        {
            errs.push(FieldError {
                field: "received_on",
                message: "收到申请的日期不能晚于今天".into(),
            });
        }
        if channel != Channel::Online && received_on.is_none() {
            errs.push(FieldError {
                field: "received_on",
                message: "请填写收到申请的日期（第三十一条）".into(),
            });
        }
        let unit = self.cached_unit(input.unit_code.trim()).await?;
        if unit.is_none() && !input.unit_code.trim().is_empty() {
            errs.push(FieldError {
                field: "unit_code",
                message: "所选机关不存在，请重新选择".into(),
            });
        }
        let (Some((unit_id, unit_name)), true) = (unit, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let t = |s: &str| s.trim().to_string();
        let input = ApplicationInput {
            unit_code: t(&input.unit_code),
            applicant_type: t(&input.applicant_type),
            applicant_name: t(&input.applicant_name),
            id_kind: t(&input.id_kind),
            id_number,
            phone: t(&input.phone),
            email: t(&input.email),
            address: t(&input.address),
            postcode: t(&input.postcode),
            info_description: t(&input.info_description),
            info_doc_number: t(&input.info_doc_number),
            purpose: t(&input.purpose),
            form_wanted: t(&input.form_wanted),
            delivery: t(&input.delivery),
        };
        let (key, key_given) = match key {
            Some(k) => (k.to_string(), true),
            None => (crate::auth::random_token(), false),
        };
        Ok(Ok(Prepared {
            password: derive_password(&secret, &key),
            secret,
            channel,
            input,
            unit_id,
            unit_name,
            received_on,
            key,
            key_given,
            today,
            attachments: Vec::new(),
        }))
    }

    /// The answer for a written submission.
    async fn finish(&self, p: Prepared, written: Written) -> Result<Submitted> {
        match written {
            Written::New { id, tracking_code } => {
                let password = p.password.clone();
                Ok(Submitted {
                    application: p.into_application(id, tracking_code),
                    password,
                    duplicate: false,
                })
            }
            Written::Duplicate => {
                let existing = self
                    .application_by_idempotency(&p.key)
                    .await?
                    .ok_or_else(|| StoreError::Internal("duplicate vanished".into()))?;
                Ok(Submitted {
                    application: existing,
                    password: p.password,
                    duplicate: true,
                })
            }
        }
    }

    async fn application_by_idempotency(&self, key: &str) -> Result<Option<Application>> {
        let sql = format!("{APP_SELECT} WHERE a.idempotency_key = $1");
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql))
            .bind(key).fetch_optional(p).await?),
        )
    }

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

    /// Transfer (转送) an open application to the unit responsible for the information: here it
    /// is answered as 4.1 (Art. 36(五): not held by this unit, the right unit named) with a notice
    /// letter; it continues at the other unit as a new application received on `on`, whose
    /// tracking code and query password the notice gives the applicant.
    pub async fn transfer_application(
        &self,
        actor: &Actor,
        application_id: i64,
        to_unit_code: &str,
        on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Application> {
        let app = self
            .application(application_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这件申请".into()))?;
        let target = self
            .unit_by_code(to_unit_code.trim())
            .await?
            .ok_or_else(|| StoreError::invalid("to_unit", "请选择要转送的机关"))?;
        if target.id == app.unit_id {
            return Err(StoreError::invalid("to_unit", "不能转送给本机关"));
        }
        // Checked again in the transaction below; this first check keeps a refused actor from
        // being shown an earlier transfer's result by the idempotency key.
        actor.may(Action::HandleApplications, Some(app.unit_id))?;
        let cal = self.calendar().await?;
        let answer = Event::Answered {
            on,
            outcome: "4.1".into(),
        };

        let input = ApplicationInput {
            unit_code: target.code.clone(),
            applicant_type: app.applicant_type.clone(),
            applicant_name: app.applicant_name.clone(),
            id_kind: app.id_kind.clone(),
            id_number: app.id_number.clone(),
            phone: app.phone.clone(),
            email: app.email.clone(),
            address: app.address.clone(),
            postcode: app.postcode.clone(),
            info_description: app.info_description.clone(),
            info_doc_number: app.info_doc_number.clone(),
            purpose: app.purpose.clone(),
            form_wanted: app.form_wanted.clone(),
            delivery: app.delivery.clone(),
        };
        let key = format!("transfer:{}:{}", app.id, target.code);
        let prepared = match self
            .prepare(app.channel()?, &input, Some(on), Some(&key), today)
            .await?
        {
            Ok(p) => p,
            Err(existing) => return Ok(existing.application),
        };
        let mut tx = self.begin_write().await?;
        // The rules are checked on what the transaction reads, like every command's.
        let l = commands::load(&mut tx, actor, app.id).await?;
        let events = l.events.clone();
        check_next(&cal, &l.facts, &l.events, &answer, today)
            .map_err(|r| commands::refused(r.field, r.message))?;
        let actor = actor.name();
        let mut chain = audit::Chain::load(&mut tx).await?;
        let written = write_prepared(&mut tx, &mut chain, actor, &prepared).await?;
        let Written::New {
            id: new_id,
            tracking_code,
        } = &written
        else {
            return Err(StoreError::Conflict("该申请已转送过".into()));
        };
        on_tx!(&mut tx, c => sqlx::query("UPDATE applications SET transferred_from = $1 WHERE id = $2")
            .bind(app.id).bind(*new_id).execute(c).await?.rows_affected());
        insert_event(&mut tx, app.id, &answer, actor).await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE applications SET outcome = '4.1', concluded_on = $1 WHERE id = $2")
            .bind(on).bind(app.id).execute(c).await?.rows_affected());
        let body = format!(
            "{name}：\n\n本机关于{received}收到您的政府信息公开申请（申请编号：{code}）。经查，您申请获取的政府信息不属于本机关负责公开，根据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，已于{on}转送负责公开该信息的{target}办理，答复期限自其收到之日起计算。\n\n该申请在{target}的查询码为 {new_code}，查询密码为 {password}，可在本网站“办理进度查询”中查询。\n\n如对本告知不服，可以自收到本告知之日起六十日内申请行政复议，或者自收到本告知之日起六个月内向人民法院提起行政诉讼。\n\n{unit}\n{on}",
            name = app.applicant_name,
            received = progress(&cal, &events, today)
                .ok()
                .and_then(|p| p.received)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            code = app.tracking_code,
            target = target.name,
            new_code = tracking_code,
            password = prepared.password,
            unit = app.unit_name,
        );
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO letters (application_id, kind, title, body, issued_on, created_at) VALUES ($1, 'transfer', $2, $3, $4, $5)")
            .bind(app.id).bind(format!("{}政府信息公开申请转送告知书", app.unit_name)).bind(&body).bind(on).bind(now())
            .execute(c).await?.rows_affected());
        chain
            .append(
                &mut tx,
                actor,
                "application.transfer",
                &format!("application:{}", app.tracking_code),
                &json!({"unit": app.unit_code}),
                &json!({"unit": target.code, "continues_as": tracking_code, "on": on}),
            )
            .await?;
        tx.commit().await?;
        let new = self.finish(prepared, written).await?;
        Ok(new.application)
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

    /// File a reconsideration or lawsuit about an application's answer.
    pub async fn add_case(
        &self,
        actor: &Actor,
        application_id: i64,
        case: &NewCase,
        today: NaiveDate,
    ) -> Result<ReviewCase> {
        let kind = CaseKind::parse(&case.kind).ok_or_else(|| {
            StoreError::invalid(
                "kind",
                "请选择案件类型（行政复议、未经复议直接起诉、复议后起诉）",
            )
        })?;
        let result = CaseResult::parse(&case.result)
            .ok_or_else(|| StoreError::invalid("result", "请选择审理结果"))?;
        check_case_dates(case.filed_on, result, case.result_on, today)?;
        let mut tx = self.begin_write().await?;
        // Who may act on the application may record its cases.
        commands::load(&mut tx, actor, application_id).await?;
        let actor = actor.name();
        let row: ReviewCase = on_tx!(&mut tx, c => sqlx::query_as(
            "INSERT INTO review_cases (application_id, kind, filed_on, result, result_on, note) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, application_id, kind, filed_on, result, result_on, note")
            .bind(application_id).bind(kind.as_str()).bind(case.filed_on).bind(result.as_str())
            .bind(case.result_on).bind(case.note.trim())
            .fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "case.create",
            &format!("application:{application_id}"),
            &serde_json::Value::Null,
            &json!({"case": row.id, "kind": kind.as_str(), "filed_on": case.filed_on, "result": result.as_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Record a case's result.
    pub async fn set_case_result(
        &self,
        actor: &Actor,
        case_id: i64,
        result: &str,
        result_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<()> {
        let result = CaseResult::parse(result)
            .ok_or_else(|| StoreError::invalid("result", "请选择审理结果"))?;
        let mut tx = self.begin_write().await?;
        let before: Option<ReviewCase> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT id, application_id, kind, filed_on, result, result_on, note FROM review_cases WHERE id = $1")
            .bind(case_id).fetch_optional(c).await?);
        let before = before.ok_or_else(|| StoreError::NotFound("没有这个案件".into()))?;
        commands::load(&mut tx, actor, before.application_id).await?;
        let actor = actor.name();
        check_case_dates(before.filed_on, result, result_on, today)?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE review_cases SET result = $1, result_on = $2 WHERE id = $3")
            .bind(result.as_str()).bind(result_on).bind(case_id).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "case.update",
            &format!("case:{case_id}"),
            &json!({"result": before.result, "result_on": before.result_on}),
            &json!({"result": result.as_str(), "result_on": result_on}),
        )
        .await?;
        tx.commit().await
    }

    /// The application a case belongs to.
    pub async fn case_application(&self, case_id: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = on_pool!(self, p => sqlx::query_as(
            "SELECT application_id FROM review_cases WHERE id = $1").bind(case_id).fetch_optional(p).await?);
        Ok(row.map(|(id,)| id))
    }

    pub async fn cases(&self, application_id: i64) -> Result<Vec<ReviewCase>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, ReviewCase>(
            "SELECT id, application_id, kind, filed_on, result, result_on, note FROM review_cases WHERE application_id = $1 ORDER BY id")
            .bind(application_id).fetch_all(p).await?))
    }
}

fn check_case_dates(
    filed_on: NaiveDate,
    result: CaseResult,
    result_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<()> {
    if filed_on > today {
        return Err(StoreError::invalid("filed_on", "立案日期不能晚于今天"));
    }
    match (result, result_on) {
        (CaseResult::Pending, Some(_)) => Err(StoreError::invalid(
            "result_on",
            "尚未审结的案件不填写审结日期",
        )),
        (CaseResult::Pending, None) => Ok(()),
        (_, None) => Err(StoreError::invalid("result_on", "请填写审结日期")),
        (_, Some(d)) if d < filed_on => {
            Err(StoreError::invalid("result_on", "审结日期不能早于立案日期"))
        }
        (_, Some(d)) if d > today => Err(StoreError::invalid("result_on", "审结日期不能晚于今天")),
        _ => Ok(()),
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

/// The applicant's (same ID document) applications received from $2 to $3: the count of
/// 按件计收, the same on the application's page and in the fee command.
const MONTH_COUNT_SQL: &str = "SELECT COUNT(*) FROM applications \
    WHERE id_number = $1 AND received_on >= $2 AND received_on <= $3";

const EVENTS_SQL: &str = "SELECT id, detail, recorded_at, actor FROM application_events \
    WHERE application_id = $1 ORDER BY id";

/// The one reading of stored events: a row that does not decode is an error naming it, never
/// dropped (a dropped event would move the due date silently).
fn decode_events(rows: Vec<EventRow>) -> Result<Vec<EventRecord>> {
    rows.into_iter()
        .map(|r| {
            let event = serde_json::from_str(&r.detail).map_err(|e| {
                StoreError::Internal(format!("application_events 第 {} 行无法读取：{e}", r.id))
            })?;
            Ok(EventRecord {
                id: r.id,
                event,
                recorded_at: r.recorded_at,
                actor: r.actor,
            })
        })
        .collect()
}

/// An application's events, read inside a transaction.
async fn events_tx(tx: &mut Tx, application_id: i64) -> Result<Vec<Event>> {
    let rows = on_tx!(tx, c => sqlx::query_as::<_, EventRow>(EVENTS_SQL)
        .bind(application_id).fetch_all(c).await?);
    Ok(decode_events(rows)?.into_iter().map(|r| r.event).collect())
}

/// Check an event against the statute's rules and the events before it, and record it with the
/// columns it settles and its ledger entry; returns the application's events, the new one last.
async fn add_event_tx(
    tx: &mut Tx,
    cal: &gongkai_core::Calendar,
    actor: &Actor,
    l: &commands::Loaded,
    event: &Event,
    today: NaiveDate,
) -> Result<Vec<Event>> {
    check_next(cal, &l.facts, &l.events, event, today)
        .map_err(|r| commands::refused(r.field, r.message))?;
    let application_id = l.app.id;
    insert_event(tx, application_id, event, actor.name()).await?;
    let mut events = l.events.clone();
    events.push(event.clone());
    match event {
        Event::Answered { on, outcome } => {
            on_tx!(tx, c => sqlx::query("UPDATE applications SET outcome = $1, concluded_on = $2 WHERE id = $3")
                .bind(outcome).bind(*on).bind(application_id).execute(c).await?.rows_affected());
        }
        Event::FeePaid { amount_yuan, .. } => {
            on_tx!(tx, c => sqlx::query("UPDATE applications SET fee_yuan = $1 WHERE id = $2")
                .bind(*amount_yuan as i64).bind(application_id).execute(c).await?.rows_affected());
        }
        _ => {}
    }
    let mut detail = json!({"kind": event.kind(), "on": event.on()});
    if let Event::ReceiptCorrected { reason, .. } = event {
        detail["reason"] = json!(reason);
        detail["was"] = json!(gongkai_core::application::received_on(&l.events));
    }
    audit::append(
        tx,
        actor.name(),
        &format!("application.{}", event.kind()),
        &format!("application:{}", l.app.tracking_code),
        &serde_json::Value::Null,
        &detail,
    )
    .await?;
    Ok(events)
}

async fn insert_event(tx: &mut Tx, application_id: i64, event: &Event, actor: &str) -> Result<()> {
    let detail = serde_json::to_string(event).map_err(|e| StoreError::Internal(e.to_string()))?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO application_events (application_id, kind, on_date, recorded_at, actor, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(application_id).bind(event.kind()).bind(event.on()).bind(now()).bind(actor).bind(&detail)
        .execute(c).await?.rows_affected());
    // What the annual report reads on the application itself (migration 0011).
    match event.kind() {
        "received" => {
            on_tx!(tx, c => sqlx::query(
                "UPDATE applications SET received_on = $1 WHERE id = $2 \
                 AND (received_on IS NULL OR received_on > $1)")
                .bind(event.on()).bind(application_id).execute(c).await?.rows_affected());
        }
        "receipt_corrected" => {
            on_tx!(tx, c => sqlx::query(
                "UPDATE applications SET received_on = $1, plain_timeline = FALSE WHERE id = $2")
                .bind(event.on()).bind(application_id).execute(c).await?.rows_affected());
        }
        "answered" | "archived" => {}
        _ => {
            on_tx!(tx, c => sqlx::query(
                "UPDATE applications SET plain_timeline = FALSE WHERE id = $1 AND plain_timeline")
                .bind(application_id).execute(c).await?.rows_affected());
        }
    }
    Ok(())
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
