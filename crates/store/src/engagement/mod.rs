//! Engagement (互动交流): 政策解读 and 热点回应 are publications; here are 调查征集
//! (`consultations`), 在线访谈 (`interviews`), the public's opinions, questions and messages
//! (`contributions`), and the year's figures of engagement and supervision (`figures`).

use crate::actor::Actor;
use crate::publishing::parse_date;
use crate::report::year_bounds;
use crate::{FieldError, Result, Store, StoreError, audit, now, on_pool, on_tx};
use chrono::NaiveDate;
use gongkai_core::access::Action;
use gongkai_core::ids::check_phone;
use gongkai_core::org::check_text;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

mod consultations;
mod contributions;
mod figures;
mod interviews;
pub use figures::*;

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

pub(crate) fn field(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The first instant after `day` (UTC), for comparing creation times with a day.
pub(crate) fn day_after(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
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
}
