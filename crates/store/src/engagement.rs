//! Engagement (政策解读 and 热点回应 are publications; here are 调查征集, 在线访谈 and the message
//! box with the public's contributions) and supervision (new-media registry, inspections with
//! their 通报 and 整改, training, assessment, government-service figures).

use crate::actor::Actor;
use crate::publishing::parse_date;
use crate::report::year_bounds;
use crate::{FieldError, Result, Store, StoreError, audit, now, on_pool, on_tx};
use chrono::{Datelike, NaiveDate};
use gongkai_core::access::Action;
use gongkai_core::ids::check_phone;
use gongkai_core::org::check_text;
use gongkai_core::supervision::{
    AccountState, ColumnState, Finding, LinkState, MessageState, Snapshot, inspect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Consultation {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub draft: String,
    pub explanation: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub feedback: String,
    pub feedback_on: Option<NaiveDate>,
    /// The announcement, reviewed and published through the workflow.
    pub publication_id: Option<i64>,
}

impl Consultation {
    /// 未开始, 征集中, 已截止, 已反馈 on `today`.
    pub fn stage(&self, today: NaiveDate) -> &'static str {
        if self.feedback_on.is_some() {
            "已反馈"
        } else if today < self.opens_on {
            "未开始"
        } else if today <= self.closes_on {
            "征集中"
        } else {
            "已截止"
        }
    }
    /// Taking opinions: between the dates, and until the feedback is out.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.opens_on <= today && today <= self.closes_on && self.feedback_on.is_none()
    }
}

const CONSULTATION_COLUMNS: &str = "id, unit_id, title, draft, explanation, opens_on, closes_on, \
     feedback, feedback_on, publication_id";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConsultationInput {
    pub title: String,
    pub draft: String,
    pub explanation: String,
    pub opens_on: String,
    pub closes_on: String,
}

/// A contribution of the public: an opinion, a question for an interview, a message.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Contribution {
    pub id: i64,
    pub kind: String,
    pub target_id: i64,
    pub unit_id: i64,
    pub subject: String,
    pub content: String,
    /// Never shown on public pages in full.
    pub name: String,
    /// Never shown on public pages.
    pub contact: String,
    pub status: String,
    pub reply: String,
    pub replied_on: Option<NaiveDate>,
    pub received_on: NaiveDate,
}

impl Contribution {
    /// The name as the public sees it: the surname and 某, or 网友.
    pub fn public_name(&self) -> String {
        match self.name.trim().chars().next() {
            Some(c) => format!("{c}**"),
            None => "网友".into(),
        }
    }
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "pending" => "待审核",
            "approved" => "已公开",
            _ => "不予公开",
        }
    }
}

const CONTRIBUTION_COLUMNS: &str = "id, kind, target_id, unit_id, subject, content, name, contact, \
     status, reply, replied_on, received_on";

/// What the public sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContributionInput {
    pub subject: String,
    pub content: String,
    pub name: String,
    pub contact: String,
    /// The form's one-time token: a second click returns the first contribution.
    pub token: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Interview {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub scheduled_on: NaiveDate,
    pub guests: String,
    pub summary: String,
    pub transcript: String,
    pub video_url: String,
    /// The announcement, reviewed and published through the workflow.
    pub publication_id: Option<i64>,
}

const INTERVIEW_COLUMNS: &str =
    "id, unit_id, title, scheduled_on, guests, summary, transcript, video_url, publication_id";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InterviewInput {
    pub title: String,
    pub scheduled_on: String,
    pub guests: String,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MediaAccount {
    pub id: i64,
    pub unit_id: i64,
    pub platform: String,
    pub name: String,
    pub purpose: String,
    pub status: String,
}

impl MediaAccount {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "active" => "运行中",
            "suspended" => "已关停",
            _ => "已注销",
        }
    }
}

pub const FILING_KINDS: [(&str, &str); 4] = [
    ("open", "开设"),
    ("change", "变更"),
    ("suspend", "关停"),
    ("close", "注销"),
];

pub const PLATFORMS: [&str; 6] = ["微信公众号", "微博", "南方号", "抖音", "头条号", "其他"];

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InspectionRun {
    pub id: i64,
    pub as_of: NaiveDate,
    pub actor: String,
    pub findings: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StoredFinding {
    pub id: i64,
    pub run_id: i64,
    pub unit_id: Option<i64>,
    pub rule: String,
    pub subject: String,
    pub detail: String,
}

impl StoredFinding {
    pub fn rule_label(&self) -> &'static str {
        gongkai_core::supervision::Rule::parse(&self.rule).map_or("", |r| r.label())
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub title: String,
    pub issued_on: NaiveDate,
    pub run_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Rectification {
    pub id: i64,
    pub notice_id: i64,
    pub unit_id: i64,
    pub problem: String,
    pub deadline: NaiveDate,
    pub evidence: String,
    pub status: String,
    pub closed_on: Option<NaiveDate>,
}

impl Rectification {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "open" => "整改中",
            "submitted" => "已提交整改材料",
            _ => "已销号",
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Training {
    pub id: i64,
    pub held_on: NaiveDate,
    pub level: String,
    pub topic: String,
    pub attendance: i64,
}

/// Figures of sections 一（一）、（三）、（四）、（五） from engagement and supervision records.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EngagementFigures {
    pub interpretations: u64,
    pub video_interpretations: u64,
    pub hot_responses: u64,
    pub consultations: u64,
    pub interviews: u64,
    pub new_media_accounts: u64,
    /// Posts of the year by account name (accounts of one name on several platforms summed).
    pub new_media_posts: BTreeMap<String, u64>,
    pub inspection_notices: u64,
    pub problems_rectified: u64,
    pub trainings: u64,
    pub city_trainings: u64,
    pub training_attendance: u64,
    pub service_items: Option<u64>,
    pub service_items_one_visit: Option<u64>,
    pub public_service_items: Option<u64>,
    pub service_items_online: Option<u64>,
}

fn field(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The first instant after `day` (UTC), for comparing creation times with a day.
fn day_after(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    (day + chrono::Days::new(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
}

/// Check a contribution of the public; the contact is optional, but a phone given must be one.
fn check_contribution(kind: &str, c: &ContributionInput) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if kind == "message"
        && let Err(m) = check_text("标题", &c.subject, true, 100)
    {
        errs.push(field("subject", m));
    }
    let label = match kind {
        "opinion" => "意见建议",
        "question" => "问题",
        _ => "留言内容",
    };
    if let Err(m) = check_text(label, &c.content, true, 2000) {
        errs.push(field("content", m));
    }
    if let Err(m) = check_text("姓名", &c.name, false, 30) {
        errs.push(field("name", m));
    }
    let contact = c.contact.trim();
    if !contact.is_empty() && !contact.contains('@') && check_phone(contact).is_err() {
        errs.push(field(
            "contact",
            "联系方式请填写手机号码、固定电话或电子邮箱（可不填）",
        ));
    }
    errs
}

impl Store {
    /// Whether the public may see an engagement item: its announcement is published.
    pub async fn announced(&self, publication_id: Option<i64>) -> Result<bool> {
        Ok(match publication_id {
            Some(id) => self
                .publication(id)
                .await?
                .is_some_and(|p| p.status() == gongkai_core::publishing::Status::Published),
            None => false,
        })
    }

    /// The unit's column for announcements of a kind (调查征集, 在线访谈), made when missing.
    pub async fn announcement_column(
        &self,
        actor: &Actor,
        unit_id: i64,
        name: &str,
    ) -> Result<i64> {
        actor.may(Action::Engage, Some(unit_id))?;
        let actor = actor.name();
        let tree = self.column_tree(unit_id, false).await?;
        if let Some(n) = tree.iter().find(|n| n.column.name == name && n.depth == 0) {
            return Ok(n.column.id);
        }
        Ok(self
            .add_column_as(actor, unit_id, None, name, "portal", "as_needed")
            .await?
            .id)
    }

    // ---- consultations ----

    /// Check a consultation before its announcement is drafted.
    pub fn check_consultation(input: &ConsultationInput) -> Result<(NaiveDate, NaiveDate)> {
        let mut errs = Vec::new();
        if let Err(m) = check_text("标题", &input.title, true, 200) {
            errs.push(field("title", m));
        }
        if let Err(m) = check_text("征求意见稿", &input.draft, true, 50_000) {
            errs.push(field("draft", m));
        }
        let opens = parse_date(&input.opens_on, "opens_on", "开始日期", &mut errs);
        let closes = parse_date(&input.closes_on, "closes_on", "截止日期", &mut errs);
        if let (Some(o), Some(c)) = (opens, closes)
            && c < o
        {
            errs.push(field("closes_on", "截止日期不能早于开始日期"));
        }
        match (opens, closes, errs.is_empty()) {
            (Some(o), Some(c), true) => Ok((o, c)),
            _ => Err(StoreError::Invalid(errs)),
        }
    }

    /// A consultation announced by `publication_id` (which goes through the review workflow).
    pub async fn create_consultation(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: &ConsultationInput,
        publication_id: Option<i64>,
    ) -> Result<Consultation> {
        actor.may(Action::Engage, Some(unit_id))?;
        let actor = actor.name();
        let (opens, closes) = Store::check_consultation(input)?;
        let mut tx = self.begin_write().await?;
        let c: Consultation = on_tx!(&mut tx, c => sqlx::query_as::<_, Consultation>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO consultations (unit_id, title, draft, explanation, opens_on, closes_on, created_by, created_at, publication_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {CONSULTATION_COLUMNS}")))
            .bind(unit_id).bind(input.title.trim()).bind(crate::safe_html::sanitise(input.draft.trim()).into_string())
            .bind(input.explanation.trim()).bind(opens).bind(closes).bind(actor).bind(now())
            .bind(publication_id)
            .fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "consultation.create",
            &format!("consultation:{}", c.id),
            &serde_json::Value::Null,
            &json!({"title": c.title, "opens_on": c.opens_on, "closes_on": c.closes_on}),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    pub async fn consultations(&self, unit_id: Option<i64>) -> Result<Vec<Consultation>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Consultation>(sqlx::AssertSqlSafe(format!(
            "SELECT {CONSULTATION_COLUMNS} FROM consultations WHERE ($1 IS NULL OR unit_id = $1) \
             ORDER BY opens_on DESC, id DESC")))
            .bind(unit_id).fetch_all(p).await?),
        )
    }

    pub async fn consultation(&self, id: i64) -> Result<Option<Consultation>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Consultation>(sqlx::AssertSqlSafe(format!(
            "SELECT {CONSULTATION_COLUMNS} FROM consultations WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }

    /// Publish the feedback (采纳情况反馈) of a closed consultation.
    pub async fn publish_feedback(
        &self,
        actor: &crate::actor::Actor,
        id: i64,
        feedback: &str,
        today: NaiveDate,
    ) -> Result<Consultation> {
        let c = self
            .consultation(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这项调查征集".into()))?;
        actor.may(Action::Engage, Some(c.unit_id))?;
        let actor = actor.name();
        // From the closing day on: publishing the feedback ends the consultation.
        if today < c.closes_on {
            return Err(StoreError::Refused(format!(
                "征集至 {} 截止，截止当日起才能发布采纳情况反馈",
                c.closes_on
            )));
        }
        check_text("采纳情况反馈", feedback, true, 20_000)
            .map_err(|m| StoreError::invalid("feedback", m))?;
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE consultations SET feedback = $1, feedback_on = $2 WHERE id = $3")
            .bind(feedback.trim()).bind(today).bind(id).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "consultation.feedback",
            &format!("consultation:{id}"),
            &serde_json::Value::Null,
            &json!({"feedback_on": today}),
        )
        .await?;
        tx.commit().await?;
        self.consultation(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这项调查征集".into()))
    }

    // ---- contributions ----

    /// Take a contribution of the public (kept pending until moderated). A repeated token
    /// returns the first contribution.
    pub async fn contribute(
        &self,
        kind: &str,
        target_id: i64,
        unit_id: i64,
        input: &ContributionInput,
        today: NaiveDate,
    ) -> Result<Contribution> {
        let token = input.token.trim();
        if !token.is_empty()
            && let Some(c) = self.contribution_by_token(token).await?
        {
            return Ok(c);
        }
        let errs = check_contribution(kind, input);
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin_write().await?;
        let c: Option<Contribution> = on_tx!(&mut tx, c => sqlx::query_as::<_, Contribution>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO contributions (kind, target_id, unit_id, subject, content, name, contact, status, received_on, token, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10) ON CONFLICT DO NOTHING RETURNING {CONTRIBUTION_COLUMNS}")))
            .bind(kind).bind(target_id).bind(unit_id).bind(input.subject.trim()).bind(input.content.trim())
            .bind(input.name.trim()).bind(input.contact.trim()).bind(today)
            .bind((!token.is_empty()).then_some(token)).bind(now())
            .fetch_optional(c).await?);
        tx.commit().await?;
        match c {
            Some(c) => Ok(c),
            None => self
                .contribution_by_token(token)
                .await?
                .ok_or_else(|| StoreError::Internal("contribution not stored".into())),
        }
    }

    async fn contribution_by_token(&self, token: &str) -> Result<Option<Contribution>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Contribution>(sqlx::AssertSqlSafe(format!(
            "SELECT {CONTRIBUTION_COLUMNS} FROM contributions WHERE token = $1")))
            .bind(token).fetch_optional(p).await?),
        )
    }

    /// Contributions to one target, all (`approved_only` false) or as the public sees them.
    pub async fn contributions(
        &self,
        kind: &str,
        target_id: Option<i64>,
        unit_id: Option<i64>,
        approved_only: bool,
    ) -> Result<Vec<Contribution>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Contribution>(sqlx::AssertSqlSafe(format!(
            "SELECT {CONTRIBUTION_COLUMNS} FROM contributions WHERE kind = $1 \
             AND ($2 IS NULL OR target_id = $2) AND ($3 IS NULL OR unit_id = $3) \
             AND ($4 = 0 OR status = 'approved') ORDER BY received_on DESC, id DESC")))
            .bind(kind).bind(target_id).bind(unit_id).bind(i64::from(approved_only))
            .fetch_all(p).await?),
        )
    }

    pub async fn contribution(&self, id: i64) -> Result<Option<Contribution>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Contribution>(sqlx::AssertSqlSafe(format!(
            "SELECT {CONTRIBUTION_COLUMNS} FROM contributions WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }

    /// Moderate a contribution (approve to show it, reject to keep it off the pages) and
    /// optionally reply to it.
    pub async fn moderate(
        &self,
        actor: &crate::actor::Actor,
        id: i64,
        approve: bool,
        reply: &str,
        today: NaiveDate,
    ) -> Result<Contribution> {
        let before = self
            .contribution(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这条内容".into()))?;
        actor.may(Action::Engage, Some(before.unit_id))?;
        check_text("答复", reply, false, 5000).map_err(|m| StoreError::invalid("reply", m))?;
        let actor = actor.name();
        let reply = reply.trim();
        let replied_on = if reply.is_empty() {
            before.replied_on
        } else {
            Some(today)
        };
        let status = if approve { "approved" } else { "rejected" };
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE contributions SET status = $1, reply = CASE WHEN $2 = '' THEN reply ELSE $2 END, replied_on = $3 WHERE id = $4")
            .bind(status).bind(reply).bind(replied_on).bind(id).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "contribution.moderate",
            &format!("contribution:{id}"),
            &json!({"status": before.status}),
            &json!({"status": status, "replied": !reply.is_empty()}),
        )
        .await?;
        tx.commit().await?;
        self.contribution(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这条内容".into()))
    }

    // ---- interviews ----

    /// An interview announced by `publication_id` (which goes through the review workflow).
    pub async fn create_interview(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: &InterviewInput,
        publication_id: Option<i64>,
    ) -> Result<Interview> {
        actor.may(Action::Engage, Some(unit_id))?;
        let actor = actor.name();
        let mut errs = Vec::new();
        if let Err(m) = check_text("访谈主题", &input.title, true, 200) {
            errs.push(field("title", m));
        }
        let on = parse_date(&input.scheduled_on, "scheduled_on", "访谈日期", &mut errs);
        let (Some(on), true) = (on, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let mut tx = self.begin_write().await?;
        let i: Interview = on_tx!(&mut tx, c => sqlx::query_as::<_, Interview>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO interviews (unit_id, title, scheduled_on, guests, summary, created_by, created_at, publication_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {INTERVIEW_COLUMNS}")))
            .bind(unit_id).bind(input.title.trim()).bind(on).bind(input.guests.trim())
            .bind(input.summary.trim()).bind(actor).bind(now()).bind(publication_id).fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "interview.create",
            &format!("interview:{}", i.id),
            &serde_json::Value::Null,
            &json!({"title": i.title, "scheduled_on": i.scheduled_on}),
        )
        .await?;
        tx.commit().await?;
        Ok(i)
    }

    /// Record the transcript and the video of a held interview.
    pub async fn record_interview(
        &self,
        actor: &crate::actor::Actor,
        id: i64,
        transcript: &str,
        video_url: &str,
    ) -> Result<()> {
        let v = self
            .interview(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这场访谈".into()))?;
        actor.may(Action::Engage, Some(v.unit_id))?;
        let actor = actor.name();
        check_text("文字实录", transcript, true, 200_000)
            .map_err(|m| StoreError::invalid("transcript", m))?;
        let url = video_url.trim();
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with('/')) {
            return Err(StoreError::invalid(
                "video_url",
                "视频地址应以 https:// 开头，或为本站地址",
            ));
        }
        let mut tx = self.begin_write().await?;
        let n = on_tx!(&mut tx, c => sqlx::query("UPDATE interviews SET transcript = $1, video_url = $2 WHERE id = $3")
            .bind(transcript.trim()).bind(url).bind(id).execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound("没有这场访谈".into()));
        }
        audit::append(
            &mut tx,
            actor,
            "interview.record",
            &format!("interview:{id}"),
            &serde_json::Value::Null,
            &json!({"video_url": url}),
        )
        .await?;
        tx.commit().await
    }

    pub async fn interviews(&self, unit_id: Option<i64>) -> Result<Vec<Interview>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Interview>(sqlx::AssertSqlSafe(format!(
            "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE ($1 IS NULL OR unit_id = $1) ORDER BY scheduled_on DESC, id DESC")))
            .bind(unit_id).fetch_all(p).await?),
        )
    }

    pub async fn interview(&self, id: i64) -> Result<Option<Interview>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Interview>(sqlx::AssertSqlSafe(format!(
            "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }

    // ---- new media ----

    /// File a new account (开设).
    pub async fn open_media_account(
        &self,
        actor: &Actor,
        unit_id: i64,
        platform: &str,
        name: &str,
        purpose: &str,
        on: NaiveDate,
    ) -> Result<MediaAccount> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut errs = Vec::new();
        if !PLATFORMS.contains(&platform.trim()) {
            errs.push(field("platform", "请选择平台"));
        }
        if let Err(m) = check_text("账号名称", name, true, 60) {
            errs.push(field("name", m));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin_write().await?;
        let a: MediaAccount = on_tx!(&mut tx, c => sqlx::query_as::<_, MediaAccount>(
            "INSERT INTO media_accounts (unit_id, platform, name, purpose, status, created_at) \
             VALUES ($1, $2, $3, $4, 'active', $5) RETURNING id, unit_id, platform, name, purpose, status")
            .bind(unit_id).bind(platform.trim()).bind(name.trim()).bind(purpose.trim()).bind(now())
            .fetch_one(c).await?);
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO media_filings (account_id, kind, on_date, note, actor) VALUES ($1, 'open', $2, '', $3)")
            .bind(a.id).bind(on).bind(actor).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "media.open",
            &format!("media:{}", a.id),
            &serde_json::Value::Null,
            &json!({"platform": a.platform, "name": a.name}),
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    /// File a change, suspension or closure of an account.
    pub async fn file_media(
        &self,
        actor: &Actor,
        account_id: i64,
        kind: &str,
        on: NaiveDate,
        note: &str,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let status = match kind {
            "change" => None,
            "suspend" => Some("suspended"),
            "close" => Some("closed"),
            _ => return Err(StoreError::invalid("kind", "请选择备案类型")),
        };
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO media_filings (account_id, kind, on_date, note, actor) VALUES ($1, $2, $3, $4, $5)")
            .bind(account_id).bind(kind).bind(on).bind(note.trim()).bind(actor).execute(c).await?.rows_affected());
        if let Some(s) = status {
            on_tx!(&mut tx, c => sqlx::query("UPDATE media_accounts SET status = $1 WHERE id = $2")
                .bind(s).bind(account_id).execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor,
            "media.file",
            &format!("media:{account_id}"),
            &serde_json::Value::Null,
            &json!({"kind": kind, "on": on, "note": note.trim()}),
        )
        .await?;
        tx.commit().await
    }

    /// Record an account's posts of a month (`YYYY-MM`) and the day of its last post.
    pub async fn record_posts(
        &self,
        actor: &Actor,
        account_id: i64,
        month: &str,
        posts: i64,
        last_post_on: Option<NaiveDate>,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        if NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
            return Err(StoreError::invalid("month", "月份应形如 2021-03"));
        }
        if posts < 0 {
            return Err(StoreError::invalid("posts", "发布数量不能为负数"));
        }
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO media_posts (account_id, month, posts, last_post_on) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id, month) DO UPDATE SET posts = excluded.posts, last_post_on = excluded.last_post_on")
            .bind(account_id).bind(month).bind(posts).bind(last_post_on).execute(c).await?.rows_affected());
        tx.commit().await
    }

    pub async fn media_accounts(&self) -> Result<Vec<MediaAccount>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, MediaAccount>(
            "SELECT id, unit_id, platform, name, purpose, status FROM media_accounts ORDER BY id")
            .fetch_all(p).await?))
    }

    /// The last post of each account.
    pub async fn last_posts(&self) -> Result<BTreeMap<i64, NaiveDate>> {
        let rows: Vec<(i64, Option<NaiveDate>)> = on_pool!(self, p => sqlx::query_as(
            "SELECT account_id, MAX(last_post_on) FROM media_posts GROUP BY account_id").fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .filter_map(|(a, d)| Some((a, d?)))
            .collect())
    }

    // ---- inspection ----

    /// Gather what the inspection looks at, as of `as_of`.
    pub async fn inspection_snapshot(&self, as_of: NaiveDate) -> Result<Snapshot> {
        let (home,): (Option<NaiveDate>,) = on_pool!(self, p => sqlx::query_as(
            "SELECT MAX(published_on) FROM publications WHERE status = 'published' AND published_on <= $1")
            .bind(as_of).fetch_one(p).await?);
        type ColRow = (
            i64,
            i64,
            String,
            String,
            Option<i64>,
            i64,
            Option<NaiveDate>,
            i64,
        );
        let cols: Vec<ColRow> = on_pool!(self, p => sqlx::query_as(
            "SELECT c.id, c.unit_id, c.name, c.update_rule, c.parent_id, \
                    COUNT(p.id), MAX(p.published_on), \
                    (SELECT COUNT(*) FROM basic_catalog_entries e WHERE e.column_id = c.id) \
             FROM columns c LEFT JOIN publication_columns pc ON pc.column_id = c.id \
             LEFT JOIN publications p ON p.id = pc.publication_id AND p.status = 'published' AND p.published_on <= $1 \
             WHERE c.retired_on IS NULL AND c.created_at < $2 \
             GROUP BY c.id, c.unit_id, c.name, c.update_rule, c.parent_id")
            .bind(as_of).bind(day_after(as_of)).fetch_all(p).await?);
        let columns = cols
            .into_iter()
            .map(
                |(column_id, unit_id, name, rule, parent, items, last, promised)| ColumnState {
                    column_id,
                    unit_id,
                    name,
                    rule,
                    first_level: parent.is_none(),
                    items: items.max(0) as u64,
                    last_published: last,
                    promised: promised > 0,
                },
            )
            .collect();
        let msgs: Vec<(i64, i64, NaiveDate, Option<NaiveDate>, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, unit_id, received_on, replied_on, status FROM contributions WHERE kind = 'message' AND received_on <= $1")
            .bind(as_of).fetch_all(p).await?);
        let messages = msgs
            .into_iter()
            .map(
                |(message_id, unit_id, received, answered, status)| MessageState {
                    message_id,
                    unit_id,
                    received,
                    answered,
                    valid: status != "rejected",
                },
            )
            .collect();
        let last = self.last_posts().await?;
        let accounts = self
            .media_accounts()
            .await?
            .into_iter()
            .map(|a| AccountState {
                account_id: a.id,
                unit_id: a.unit_id,
                name: format!("{}（{}）", a.name, a.platform),
                last_post: last.get(&a.id).copied().filter(|d| *d <= as_of),
                active: a.status == "active",
            })
            .collect();
        Ok(Snapshot {
            as_of,
            home_last_published: home,
            columns,
            messages,
            accounts,
            links: self.internal_links().await?,
        })
    }

    /// Links in published bodies to the portal's own publications and files.
    async fn internal_links(&self) -> Result<Vec<LinkState>> {
        let rows: Vec<(i64, i64, String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, unit_id, title, body FROM publications WHERE status = 'published' \
             AND (body LIKE '%href=\"/publications/%' OR body LIKE '%href=\"/files/%')")
            .fetch_all(p).await?);
        let mut out = Vec::new();
        for (id, unit_id, title, body) in rows {
            for (prefix, is_file) in [("href=\"/publications/", false), ("href=\"/files/", true)] {
                for part in body.split(prefix).skip(1) {
                    let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
                    let Ok(target) = digits.parse::<i64>() else {
                        continue;
                    };
                    let found = if is_file {
                        match self.attachment(target).await? {
                            Some((info, _)) => {
                                info.owner_kind == "publication"
                                    && self.publication(info.owner_id).await?.is_some_and(|p| {
                                        p.status() == gongkai_core::publishing::Status::Published
                                    })
                            }
                            None => false,
                        }
                    } else {
                        self.publication(target).await?.is_some_and(|p| {
                            p.status() == gongkai_core::publishing::Status::Published
                        })
                    };
                    let kind = if is_file { "files" } else { "publications" };
                    out.push(LinkState {
                        publication_id: id,
                        unit_id,
                        title: title.clone(),
                        target: format!("/{kind}/{target}"),
                        found,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Run the inspection as of `as_of` and keep its findings.
    pub async fn run_inspection(&self, actor: &Actor, as_of: NaiveDate) -> Result<InspectionRun> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let snapshot = self.inspection_snapshot(as_of).await?;
        let findings: Vec<Finding> = inspect(&snapshot);
        let mut tx = self.begin_write().await?;
        let run: InspectionRun = on_tx!(&mut tx, c => sqlx::query_as::<_, InspectionRun>(
            "INSERT INTO inspection_runs (as_of, actor, findings, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, as_of, actor, findings")
            .bind(as_of).bind(actor).bind(findings.len() as i64).bind(now()).fetch_one(c).await?);
        for f in &findings {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO inspection_findings (run_id, unit_id, rule, subject, detail) VALUES ($1, $2, $3, $4, $5)")
                .bind(run.id).bind(f.unit_id).bind(f.rule.as_str()).bind(&f.subject).bind(&f.detail)
                .execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor,
            "inspection.run",
            &format!("inspection:{}", run.id),
            &serde_json::Value::Null,
            &json!({"as_of": as_of, "findings": findings.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(run)
    }

    pub async fn inspection_runs(&self) -> Result<Vec<InspectionRun>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, InspectionRun>(
            "SELECT id, as_of, actor, findings FROM inspection_runs ORDER BY id DESC").fetch_all(p).await?))
    }

    pub async fn inspection_findings(&self, run_id: i64) -> Result<Vec<StoredFinding>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, StoredFinding>(
            "SELECT id, run_id, unit_id, rule, subject, detail FROM inspection_findings WHERE run_id = $1 ORDER BY unit_id, id")
            .bind(run_id).fetch_all(p).await?))
    }

    /// Issue a 通报 from selected findings of a run: each becomes a rectification task for its
    /// unit (findings about the portal as a whole go to the government) due on `deadline`.
    pub async fn issue_notice(
        &self,
        actor: &Actor,
        title: &str,
        run_id: i64,
        finding_ids: &[i64],
        issued_on: NaiveDate,
        deadline: NaiveDate,
    ) -> Result<Notice> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        check_text("通报标题", title, true, 200).map_err(|m| StoreError::invalid("title", m))?;
        if finding_ids.is_empty() {
            return Err(StoreError::invalid("findings", "请至少选择一个问题"));
        }
        if deadline < issued_on {
            return Err(StoreError::invalid("deadline", "整改期限不能早于通报日期"));
        }
        let findings = self.inspection_findings(run_id).await?;
        let root = self
            .root_unit()
            .await?
            .ok_or_else(|| StoreError::NotFound("尚未设置单位".into()))?;
        let chosen: Vec<&StoredFinding> = findings
            .iter()
            .filter(|f| finding_ids.contains(&f.id))
            .collect();
        if chosen.len() != finding_ids.len() {
            return Err(StoreError::invalid("findings", "所选问题不属于这次巡查"));
        }
        let mut tx = self.begin_write().await?;
        let notice: Notice = on_tx!(&mut tx, c => sqlx::query_as::<_, Notice>(
            "INSERT INTO inspection_notices (title, issued_on, run_id, actor, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, title, issued_on, run_id")
            .bind(title.trim()).bind(issued_on).bind(run_id).bind(actor).bind(now()).fetch_one(c).await?);
        for f in chosen {
            let problem = format!("{}：{}（{}）", f.rule_label(), f.subject, f.detail);
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO rectifications (notice_id, finding_id, unit_id, problem, deadline, status) VALUES ($1, $2, $3, $4, $5, 'open')")
                .bind(notice.id).bind(f.id).bind(f.unit_id.unwrap_or(root.id)).bind(&problem).bind(deadline)
                .execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor,
            "notice.issue",
            &format!("notice:{}", notice.id),
            &serde_json::Value::Null,
            &json!({"title": notice.title, "problems": finding_ids.len(), "deadline": deadline}),
        )
        .await?;
        tx.commit().await?;
        Ok(notice)
    }

    pub async fn notices(&self) -> Result<Vec<Notice>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Notice>(
            "SELECT id, title, issued_on, run_id FROM inspection_notices ORDER BY issued_on DESC, id DESC")
            .fetch_all(p).await?))
    }

    pub async fn rectifications(
        &self,
        notice_id: Option<i64>,
        unit_id: Option<i64>,
    ) -> Result<Vec<Rectification>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Rectification>(
            "SELECT id, notice_id, unit_id, problem, deadline, evidence, status, closed_on FROM rectifications \
             WHERE ($1 IS NULL OR notice_id = $1) AND ($2 IS NULL OR unit_id = $2) ORDER BY deadline, id")
            .bind(notice_id).bind(unit_id).fetch_all(p).await?))
    }

    /// The unit submits its evidence of rectification.
    pub async fn submit_rectification(
        &self,
        actor: &Actor,
        id: i64,
        unit_id: i64,
        evidence: &str,
    ) -> Result<()> {
        actor.may(Action::AnswerNotice, Some(unit_id))?;
        let actor = actor.name();
        check_text("整改情况", evidence, true, 5000)
            .map_err(|m| StoreError::invalid("evidence", m))?;
        let mut tx = self.begin_write().await?;
        let n = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE rectifications SET evidence = $1, status = 'submitted' WHERE id = $2 AND unit_id = $3 AND status <> 'closed'")
            .bind(evidence.trim()).bind(id).bind(unit_id).execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Refused("这项整改不属于本单位，或已销号".into()));
        }
        audit::append(
            &mut tx,
            actor,
            "rectification.submit",
            &format!("rectification:{id}"),
            &serde_json::Value::Null,
            &json!({"evidence": evidence.trim()}),
        )
        .await?;
        tx.commit().await
    }

    /// The office closes a rectification whose evidence it accepts.
    pub async fn close_rectification(&self, actor: &Actor, id: i64, on: NaiveDate) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut tx = self.begin_write().await?;
        let n = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE rectifications SET status = 'closed', closed_on = $1, closed_by = $2 WHERE id = $3 AND status = 'submitted'")
            .bind(on).bind(actor).bind(id).execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Refused(
                "只有已提交整改材料的事项可以销号".into(),
            ));
        }
        audit::append(
            &mut tx,
            actor,
            "rectification.close",
            &format!("rectification:{id}"),
            &serde_json::Value::Null,
            &json!({"closed_on": on}),
        )
        .await?;
        tx.commit().await
    }

    // ---- training, assessment, service figures ----

    pub async fn add_training(
        &self,
        actor: &Actor,
        held_on: NaiveDate,
        level: &str,
        topic: &str,
        attendance: i64,
    ) -> Result<Training> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        if !["district", "city", "province"].contains(&level) {
            return Err(StoreError::invalid("level", "请选择培训层级"));
        }
        check_text("培训主题", topic, true, 200).map_err(|m| StoreError::invalid("topic", m))?;
        if !(0..=100_000).contains(&attendance) {
            return Err(StoreError::invalid(
                "attendance",
                "参训人次应为 0 到 100000",
            ));
        }
        let mut tx = self.begin_write().await?;
        let t: Training = on_tx!(&mut tx, c => sqlx::query_as::<_, Training>(
            "INSERT INTO trainings (held_on, level, topic, attendance, actor) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, held_on, level, topic, attendance")
            .bind(held_on).bind(level).bind(topic.trim()).bind(attendance).bind(actor).fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "training.add",
            &format!("training:{}", t.id),
            &serde_json::Value::Null,
            &json!({"held_on": held_on, "level": level, "attendance": attendance}),
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    pub async fn trainings(&self, year: Option<i32>) -> Result<Vec<Training>> {
        let all: Vec<Training> = on_pool!(self, p => sqlx::query_as::<_, Training>(
            "SELECT id, held_on, level, topic, attendance FROM trainings ORDER BY held_on DESC").fetch_all(p).await?);
        Ok(all
            .into_iter()
            .filter(|t| year.is_none_or(|y| t.held_on.year() == y))
            .collect())
    }

    pub async fn set_assessment(
        &self,
        actor: &Actor,
        unit_id: i64,
        year: i32,
        score: i64,
        disclosure_score: i64,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        if !(0..=100).contains(&score) || !(0..=score).contains(&disclosure_score) {
            return Err(StoreError::invalid(
                "score",
                "总分应为 0–100，政务公开分项不超过总分",
            ));
        }
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO assessments (unit_id, year, score, disclosure_score) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (unit_id, year) DO UPDATE SET score = excluded.score, disclosure_score = excluded.disclosure_score")
            .bind(unit_id).bind(year as i64).bind(score).bind(disclosure_score).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "assessment.set",
            &format!("unit:{unit_id}:{year}"),
            &serde_json::Value::Null,
            &json!({"score": score, "disclosure_score": disclosure_score}),
        )
        .await?;
        tx.commit().await
    }

    pub async fn assessments(&self, year: i32) -> Result<Vec<(i64, i64, i64)>> {
        Ok(on_pool!(self, p => sqlx::query_as(
            "SELECT unit_id, score, disclosure_score FROM assessments WHERE year = $1 ORDER BY score DESC")
            .bind(year as i64).fetch_all(p).await?))
    }

    pub async fn set_service_count(
        &self,
        actor: &Actor,
        year: i32,
        kind: &str,
        amount: i64,
        source: &str,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        if !["services", "one_visit", "public_services", "online"].contains(&kind) {
            return Err(StoreError::invalid("kind", "请选择数据项"));
        }
        if amount < 0 {
            return Err(StoreError::invalid("amount", "数量不能为负数"));
        }
        check_text("数据来源", source, true, 200).map_err(|m| StoreError::invalid("source", m))?;
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO service_counts (year, kind, amount, source) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (year, kind) DO UPDATE SET amount = excluded.amount, source = excluded.source")
            .bind(year as i64).bind(kind).bind(amount).bind(source.trim()).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "services.set",
            &format!("services:{year}:{kind}"),
            &serde_json::Value::Null,
            &json!({"amount": amount, "source": source.trim()}),
        )
        .await?;
        tx.commit().await
    }

    // ---- figures ----

    /// The figures of engagement and supervision for `year` (one unit, or all with `None`).
    pub async fn engagement_figures(
        &self,
        year: i32,
        unit_id: Option<i64>,
    ) -> Result<EngagementFigures> {
        let (from, to) = year_bounds(year);
        let count_pubs = |genre: &'static str, form: Option<&'static str>| async move {
            let (n,): (i64,) = on_pool!(self, p => sqlx::query_as(
                "SELECT COUNT(*) FROM publications WHERE status = 'published' AND genre = $1 \
                 AND ($2 IS NULL OR media_form = $2) AND published_on >= $3 AND published_on <= $4 \
                 AND ($5 IS NULL OR unit_id = $5)")
                .bind(genre).bind(form).bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
            Ok::<u64, StoreError>(n.max(0) as u64)
        };
        let mut f = EngagementFigures {
            interpretations: count_pubs("interpretation", None).await?,
            video_interpretations: count_pubs("interpretation", Some("video")).await?,
            hot_responses: count_pubs("response", None).await?,
            ..Default::default()
        };
        let (consultations,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM consultations WHERE opens_on >= $1 AND opens_on <= $2 AND ($3 IS NULL OR unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        let (interviews,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM interviews WHERE scheduled_on >= $1 AND scheduled_on <= $2 AND ($3 IS NULL OR unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        f.consultations = consultations.max(0) as u64;
        f.interviews = interviews.max(0) as u64;
        // Accounts on file at the year's end: opened by then, not closed by then.
        let filings: Vec<(i64, i64, String, NaiveDate)> = on_pool!(self, p => sqlx::query_as(
            "SELECT a.id, a.unit_id, f.kind, f.on_date FROM media_filings f JOIN media_accounts a ON a.id = f.account_id \
             WHERE f.on_date <= $1 ORDER BY f.on_date, f.id")
            .bind(to).fetch_all(p).await?);
        let mut on_file: BTreeMap<i64, bool> = BTreeMap::new();
        for (id, unit, kind, _) in &filings {
            if unit_id.is_some_and(|u| u != *unit) {
                continue;
            }
            match kind.as_str() {
                "open" => {
                    on_file.insert(*id, true);
                }
                "close" => {
                    on_file.insert(*id, false);
                }
                _ => {}
            }
        }
        f.new_media_accounts = on_file.values().filter(|v| **v).count() as u64;
        let from_month = format!("{year}-01");
        let to_month = format!("{year}-12");
        let posts: Vec<(String, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT a.name, CAST(SUM(m.posts) AS BIGINT) FROM media_posts m JOIN media_accounts a ON a.id = m.account_id \
             WHERE m.month >= $1 AND m.month <= $2 AND ($3 IS NULL OR a.unit_id = $3) GROUP BY a.name")
            .bind(&from_month).bind(&to_month).bind(unit_id).fetch_all(p).await?);
        f.new_media_posts = posts
            .into_iter()
            .map(|(n, c)| (n, c.max(0) as u64))
            .collect();
        let (notices,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM inspection_notices WHERE issued_on >= $1 AND issued_on <= $2")
            .bind(from).bind(to).fetch_one(p).await?);
        let (rectified,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM rectifications r JOIN inspection_notices n ON n.id = r.notice_id \
             WHERE r.status = 'closed' AND r.closed_on <= $2 AND n.issued_on >= $1 AND n.issued_on <= $2 \
             AND ($3 IS NULL OR r.unit_id = $3)")
            .bind(from).bind(to).bind(unit_id).fetch_one(p).await?);
        if unit_id.is_none() {
            f.inspection_notices = notices.max(0) as u64;
        }
        f.problems_rectified = rectified.max(0) as u64;
        if unit_id.is_none() {
            let t = self.trainings(Some(year)).await?;
            f.trainings = t.len() as u64;
            f.city_trainings = t.iter().filter(|t| t.level != "district").count() as u64;
            f.training_attendance = t.iter().map(|t| t.attendance.max(0) as u64).sum();
            let services: Vec<(String, i64)> = on_pool!(self, p => sqlx::query_as(
                "SELECT kind, amount FROM service_counts WHERE year = $1").bind(year as i64).fetch_all(p).await?);
            for (kind, amount) in services {
                let v = Some(amount.max(0) as u64);
                match kind.as_str() {
                    "services" => f.service_items = v,
                    "one_visit" => f.service_items_one_visit = v,
                    "public_services" => f.public_service_items = v,
                    _ => f.service_items_online = v,
                }
            }
        }
        Ok(f)
    }
}
