//! Intake: what an applicant (or staff registering a paper application) fills in and how it is
//! checked, the tracking code and query password, and the writes of one submission or of a
//! batch of online ones (one durable commit for many), idempotent by the form's key.

use super::*;

/// What an applicant (or staff registering a paper application) fills in: the particulars of
/// Art. 29. The API's request bodies flatten it, so its OpenAPI schema (feature `openapi`) is
/// the one description of these fields. Every field may be left out; the command names each
/// required one that is empty (422), all at once.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ApplicationInput {
    /// The code of the agency asked (`GET /api/v1/units`).
    pub unit_code: String,
    /// natural | commercial | research | public_interest | legal_service | other
    pub applicant_type: String,
    pub applicant_name: String,
    /// id_card | credit_code | other
    pub id_kind: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub postcode: String,
    /// A description of the information asked for (Art. 29(二)).
    pub info_description: String,
    pub info_doc_number: String,
    pub purpose: String,
    /// paper | email | disc | onsite
    pub form_wanted: String,
    /// post | pickup | email | online
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
    pub(super) password: String,
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

pub(super) enum Written {
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

pub(super) async fn write_prepared(
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

pub(super) fn password_hash(code: &str, password: &str) -> String {
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
    /// [`Store::submit_application`] would have given for that submission alone. Online
    /// submissions are the public's: the ledger names [`Actor::PUBLIC`].
    pub async fn write_batch(&self, items: Vec<Prepared>) -> Result<Vec<Result<Submitted>>> {
        let public = Actor::PUBLIC;
        let actor = public.name();
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
    pub(super) async fn prepare(
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
    pub(super) async fn finish(&self, p: Prepared, written: Written) -> Result<Submitted> {
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
}
