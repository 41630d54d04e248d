//! Supervision (监督保障), the office's work: what it keeps (accounts, inspection runs and
//! findings, 通报, 整改, training) and here the new-media registry with its filings (开设、
//! 变更、停用、注销) and monthly posts. Inspections are in `inspection`, training, assessment
//! and service figures in `training`.

use crate::actor::Actor;
use crate::engagement::{day_after, field};
use crate::{Result, Store, StoreError, audit, now, on_pool, on_tx};
use chrono::{Datelike, NaiveDate};
use gongkai_core::access::Action;
use gongkai_core::org::check_text;
use gongkai_core::supervision::{
    AccountState, ColumnState, Finding, LinkState, MessageState, Snapshot, inspect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

mod inspection;
mod training;

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

impl Store {
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
}
