//! Proactive disclosure (主动公开): what a publication is as stored, its review rows (发布审核台账)
//! and the inputs of its commands. Beside it: `columns` (the catalog tree), `workflow` (draft,
//! submit, review, withdraw), `reading` (lists and look-ups), `timeliness` (Art. 26) and
//! `import` (bulk JSONL).

use crate::actor::Actor;
use crate::safe_html::{SafeHtml, sanitise};
use crate::staff::Staff;
use crate::{
    FieldError, Result, Store, StoreError, Tx, audit, now, on_pool, on_tx, params_list, values_list,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_core::Calendar;
use gongkai_core::access::Action;
use gongkai_core::org::check_text;
use gongkai_core::publishing::{
    Catalog, ColumnTemplate, GENRES, MEDIA_FORMS, PastReview, Status, Step, UpdateRule,
    check_review, index_number, publish_by, template,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

mod columns;
mod import;
mod reading;
mod timeliness;
mod workflow;
pub use columns::*;
pub use import::*;
pub use timeliness::*;
pub(crate) use workflow::*;

/// A publication as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Publication {
    pub id: i64,
    pub unit_id: i64,
    pub index_no: String,
    pub title: String,
    pub summary: String,
    pub formed_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub publisher: String,
    pub doc_number: String,
    pub topic: String,
    pub genre: String,
    pub validity: String,
    pub body: String,
    pub interprets_id: Option<i64>,
    /// Read back strictly: an unknown stored value is an error naming the column.
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub author_id: Option<i64>,
    pub version: i64,
    pub withdrawn_reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The form of an interpretation (文字, 图解, 视频 …), empty for other items.
    pub media_form: String,
}

impl Publication {
    pub fn media_form_label(&self) -> &'static str {
        MEDIA_FORMS
            .iter()
            .find(|(k, _)| *k == self.media_form)
            .map_or("", |(_, l)| l)
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
    pub fn genre_label(&self) -> &'static str {
        GENRES
            .iter()
            .find(|(k, _)| *k == self.genre)
            .map_or("其他", |(_, l)| l)
    }
    pub fn validity_label(&self) -> &'static str {
        gongkai_core::publishing::VALIDITY
            .iter()
            .find(|(k, _)| *k == self.validity)
            .map_or("", |(_, l)| l)
    }
}

const PUB_COLUMNS: &str = "id, unit_id, index_no, title, summary, formed_on, published_on, publisher, \
     doc_number, topic, genre, validity, body, interprets_id, status, author_id, version, \
     withdrawn_reason, created_at, updated_at, media_form";

/// A publication as the search index reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IndexRow {
    pub id: i64,
    pub unit_id: i64,
    pub status: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub index_no: String,
    pub doc_number: String,
    pub genre: String,
    pub published_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

/// A publication in a list: no body.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PublicationRow {
    pub id: i64,
    pub unit_id: i64,
    pub index_no: String,
    pub title: String,
    pub formed_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub publisher: String,
    pub doc_number: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub author_id: Option<i64>,
}

impl PublicationRow {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
}

/// Up to this many items, a column's page is read from the column's items, sorted.
const SMALL_COLUMN: i64 = 2_000;

const ROW_COLUMNS: &str = "p.id, p.unit_id, p.index_no, p.title, p.formed_on, p.published_on, \
     p.publisher, p.doc_number, p.status, p.author_id";

/// One line of the review ledger (发布审核台账).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Review {
    pub id: i64,
    pub publication_id: i64,
    pub version: i64,
    pub step: String,
    pub reviewer_id: Option<i64>,
    pub reviewer_name: String,
    pub passed: bool,
    pub checklist: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

impl Review {
    pub fn step_label(&self) -> &'static str {
        match self.step.as_str() {
            "submit" => "提交审核",
            "withdraw" => "撤回",
            s => Step::parse(s).map_or("", |s| s.label()),
        }
    }
    pub fn outcome_label(&self) -> &'static str {
        match (self.step.as_str(), self.passed) {
            ("submit", _) => "已提交",
            ("withdraw", _) => "已撤回",
            (_, true) => "通过",
            (_, false) => "退回修改",
        }
    }
}

/// What an editor fills in.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PublicationInput {
    pub title: String,
    pub summary: String,
    pub formed_on: String,
    pub publisher: String,
    pub doc_number: String,
    pub topic: String,
    pub genre: String,
    pub validity: String,
    pub body: String,
    /// Ids of the columns the item goes in.
    pub column_ids: Vec<i64>,
    /// The 索引号 of the policy this item interprets, if it is an interpretation.
    pub interprets: String,
    /// The form of an interpretation (see [`MEDIA_FORMS`]).
    pub media_form: String,
}

/// Parse a date typed by a person, with a message naming the field.
pub(crate) fn parse_date(
    value: &str,
    field: &'static str,
    label: &str,
    errs: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        errs.push(FieldError {
            field,
            message: format!("请填写{label}"),
        });
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(FieldError {
                field,
                message: format!("{label}应为“年-月-日”格式，例如 2021-03-15"),
            });
            None
        }
    }
}

/// A checked input.
struct Checked {
    input: PublicationInput,
    /// The body as it may be stored: sanitised.
    body: SafeHtml,
    formed_on: NaiveDate,
    interprets_id: Option<i64>,
}

/// The filter of a publication list.
#[derive(Debug, Clone, Default)]
pub struct PublicationFilter {
    pub unit_id: Option<i64>,
    pub status: Option<Status>,
    pub column_id: Option<i64>,
    pub year: Option<i32>,
    pub page: i64,
    pub per_page: i64,
}

/// A review given by a person.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    pub passed: bool,
    /// Keys of the checklist ticked.
    pub ticked: Vec<String>,
    pub note: String,
    /// Why the item may go out although the scan found something (audited).
    pub override_reason: String,
}

/// id, unit, index number, title, formed, published, status.
type TimelinessRow = (
    i64,
    i64,
    String,
    String,
    NaiveDate,
    Option<NaiveDate>,
    String,
);
