//! Proactive disclosure (主动公开): catalog columns, publications, the review workflow and its
//! ledger (发布审核台账), bulk import, and the Art. 26 timeliness view.

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

/// A column of a unit's catalog tree.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Column {
    pub id: i64,
    pub unit_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub catalog: String,
    pub update_rule: String,
    pub sort_order: i64,
    pub retired_on: Option<NaiveDate>,
}

impl Column {
    pub fn catalog_label(&self) -> &'static str {
        Catalog::parse(&self.catalog).map_or("", |c| c.label())
    }
    pub fn rule_label(&self) -> &'static str {
        UpdateRule::parse(&self.update_rule).map_or("", |r| r.label())
    }
}

/// A column in tree order with its depth and its path of names.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnNode {
    pub column: Column,
    pub depth: usize,
    pub path: String,
}

const COLUMN_COLUMNS: &str =
    "id, unit_id, parent_id, name, catalog, update_rule, sort_order, retired_on";

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

/// One row of the Art. 26 view for a unit.
#[derive(Debug, Clone, Serialize)]
pub struct Timeliness {
    pub unit_id: i64,
    pub unit_name: String,
    pub published: usize,
    /// Published later than 20 working days after being formed.
    pub late: Vec<LateItem>,
    /// Formed but not published, past the 20 working days.
    pub overdue: Vec<LateItem>,
    /// Formed but not published, still within the 20 working days.
    pub pending: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LateItem {
    pub id: i64,
    pub index_no: String,
    pub title: String,
    pub formed_on: NaiveDate,
    pub due: NaiveDate,
    pub published_on: Option<NaiveDate>,
}

/// One line of a JSONL import file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportItem {
    pub index_no: String,
    pub unit_code: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub formed_on: String,
    pub published_on: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub doc_number: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub genre: String,
    #[serde(default)]
    pub validity: String,
    #[serde(default)]
    pub body: String,
    /// Column paths under the unit, names joined by `/` (`政府信息公开目录/法规文件` or just
    /// `法规文件` when the name is unique in the unit).
    pub columns: Vec<String>,
}

/// A publication ready for the bulk path (import and demo).
#[derive(Debug, Clone)]
pub(crate) struct BulkItem {
    pub unit_id: i64,
    pub index_no: String,
    pub title: String,
    pub summary: String,
    pub formed_on: NaiveDate,
    pub published_on: NaiveDate,
    pub publisher: String,
    pub doc_number: String,
    pub topic: String,
    pub genre: String,
    pub validity: String,
    pub body: SafeHtml,
    pub column_ids: Vec<i64>,
    /// The review ledger lines: (step, reviewer name).
    pub reviews: Vec<(&'static str, String)>,
    pub media_form: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub inserted: usize,
    pub already_present: usize,
    pub errors: Vec<ImportError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// An item (its text or its files) is changed by the unit's editors or the office, and only
/// while it is a draft or withdrawn.
pub(crate) fn check_editable(staff: &Staff, p: &Publication) -> Result<()> {
    if !may_edit(staff, p.unit_id) {
        return Err(StoreError::Forbidden(
            "只有本单位的信息编辑人员或政务公开办可以修改信息".into(),
        ));
    }
    if !p.status().editable() {
        return Err(StoreError::Refused(format!(
            "该信息{}，不能修改；已发布的信息须先撤回",
            p.status_label()
        )));
    }
    Ok(())
}

fn may_edit(staff: &Staff, unit_id: i64) -> bool {
    staff
        .role()
        .allows(staff.unit_id, Action::Draft, Some(unit_id))
}

fn may_review(staff: &Staff, unit_id: i64) -> bool {
    staff
        .role()
        .allows(staff.unit_id, Action::Review, Some(unit_id))
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound(format!("没有编号为 {id} 的信息"))
}

async fn columns_tx(tx: &mut Tx, unit_id: i64) -> Result<Vec<Column>> {
    Ok(
        on_tx!(tx, c => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMN_COLUMNS} FROM columns WHERE unit_id = $1 ORDER BY sort_order, id")))
        .bind(unit_id).fetch_all(c).await?),
    )
}

async fn insert_column(
    tx: &mut Tx,
    unit_id: i64,
    parent_id: Option<i64>,
    name: &str,
    catalog: Catalog,
    rule: UpdateRule,
    sort_order: i64,
) -> Result<Column> {
    Ok(
        on_tx!(tx, c => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO columns (unit_id, parent_id, name, catalog, update_rule, sort_order, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMN_COLUMNS}")))
        .bind(unit_id).bind(parent_id).bind(name).bind(catalog.as_str()).bind(rule.as_str())
        .bind(sort_order).bind(now()).fetch_one(c).await?),
    )
}

/// Set up `templates` under `parent` (recursively), skipping columns already there by name.
async fn apply_templates(
    tx: &mut Tx,
    unit_id: i64,
    parent: Option<i64>,
    templates: &[ColumnTemplate],
    existing: &mut Vec<Column>,
    made: &mut Vec<Column>,
) -> Result<()> {
    for (i, t) in templates.iter().enumerate() {
        let found = existing
            .iter()
            .find(|c| c.parent_id == parent && c.name == t.name && c.retired_on.is_none())
            .cloned();
        let column = match found {
            Some(c) => c,
            None => {
                let c =
                    insert_column(tx, unit_id, parent, t.name, t.catalog, t.rule, i as i64).await?;
                existing.push(c.clone());
                made.push(c.clone());
                c
            }
        };
        Box::pin(apply_templates(
            tx,
            unit_id,
            Some(column.id),
            t.children,
            existing,
            made,
        ))
        .await?;
    }
    Ok(())
}

/// Columns in tree order, with depth and path.
pub fn tree(columns: Vec<Column>) -> Vec<ColumnNode> {
    let mut children: HashMap<Option<i64>, Vec<Column>> = HashMap::new();
    for c in columns {
        children.entry(c.parent_id).or_default().push(c);
    }
    for v in children.values_mut() {
        v.sort_by_key(|c| (c.sort_order, c.id));
    }
    let mut out = Vec::new();
    fn walk(
        parent: Option<i64>,
        depth: usize,
        prefix: &str,
        children: &HashMap<Option<i64>, Vec<Column>>,
        out: &mut Vec<ColumnNode>,
    ) {
        for c in children.get(&parent).into_iter().flatten() {
            let path = if prefix.is_empty() {
                c.name.clone()
            } else {
                format!("{prefix}/{}", c.name)
            };
            out.push(ColumnNode {
                column: c.clone(),
                depth,
                path: path.clone(),
            });
            walk(Some(c.id), depth + 1, &path, children, out);
        }
    }
    walk(None, 0, "", &children, &mut out);
    out
}

/// The next index number of a unit for a year.
async fn next_index(tx: &mut Tx, unit_id: i64, prefix: &str, year: i32) -> Result<String> {
    let (last,): (i64,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO index_counters (unit_id, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (unit_id, year) DO UPDATE SET last = index_counters.last + 1 RETURNING last")
        .bind(unit_id).bind(year as i64).fetch_one(c).await?);
    Ok(index_number(prefix, year, last))
}

/// The prefix of a unit's index numbers: its code in upper case.
fn index_prefix(unit_code: &str) -> String {
    unit_code.to_uppercase()
}

pub(crate) async fn pub_tx(tx: &mut Tx, id: i64) -> Result<Publication> {
    let p: Option<Publication> = on_tx!(tx, c => sqlx::query_as::<_, Publication>(sqlx::AssertSqlSafe(
        format!("SELECT {PUB_COLUMNS} FROM publications WHERE id = $1")))
        .bind(id).fetch_optional(c).await?);
    p.ok_or_else(|| not_found(id))
}

async fn add_review_row(
    tx: &mut Tx,
    p: &Publication,
    step: &str,
    who: &Staff,
    passed: bool,
    checklist: &str,
    note: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO publication_reviews (publication_id, version, step, reviewer_id, reviewer_name, passed, checklist, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(p.id).bind(p.version).bind(step).bind(who.id)
        .bind(format!("{}（{}）", who.display_name, who.unit_name))
        .bind(passed).bind(checklist).bind(note).bind(now())
        .execute(c).await?.rows_affected());
    Ok(())
}

async fn set_columns(tx: &mut Tx, publication_id: i64, column_ids: &[i64]) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM publication_columns WHERE publication_id = $1")
        .bind(publication_id).execute(c).await?.rows_affected());
    for col in column_ids {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO publication_columns (publication_id, column_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(publication_id).bind(col).execute(c).await?.rows_affected());
    }
    Ok(())
}

fn audit_view(p: &Publication) -> serde_json::Value {
    json!({"index_no": p.index_no, "title": p.title, "status": p.status, "version": p.version,
           "formed_on": p.formed_on, "published_on": p.published_on, "doc_number": p.doc_number})
}

/// Rows of up to this many publications go in one INSERT on the bulk path.
const BULK_ROWS: usize = 200;

/// Insert published items in bulk, with their columns and review lines; index numbers already
/// present are skipped. Returns the number inserted.
pub(crate) async fn insert_bulk(tx: &mut Tx, items: &[BulkItem]) -> Result<usize> {
    let mut inserted = 0;
    let at = now();
    for chunk in items.chunks(BULK_ROWS) {
        let mut sql = String::from(
            "INSERT INTO publications (unit_id, index_no, title, summary, formed_on, published_on, publisher, \
             doc_number, topic, genre, validity, body, status, version, created_at, updated_at, media_form) VALUES ",
        );
        sql.push_str(&values_list(
            tx,
            chunk.len(),
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', 1, ?, ?, ?)",
        ));
        sql.push_str(" ON CONFLICT (index_no) DO NOTHING RETURNING id, index_no");
        let rows: Vec<(i64, String)> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for it in chunk {
                q = q.bind(it.unit_id).bind(&it.index_no).bind(&it.title).bind(&it.summary)
                    .bind(it.formed_on).bind(it.published_on).bind(&it.publisher)
                    .bind(&it.doc_number).bind(&it.topic).bind(&it.genre).bind(&it.validity)
                    .bind(it.body.as_str()).bind(at).bind(at).bind(&it.media_form);
            }
            q.fetch_all(c).await?
        });
        let ids: HashMap<&str, i64> = rows.iter().map(|(id, ix)| (ix.as_str(), *id)).collect();
        inserted += ids.len();
        let mut links = Vec::new();
        let mut reviews = Vec::new();
        for it in chunk {
            if let Some(id) = ids.get(it.index_no.as_str()) {
                links.extend(it.column_ids.iter().map(|c| (*id, *c)));
                reviews.extend(it.reviews.iter().map(|(s, n)| (*id, *s, n.as_str())));
            }
        }
        for part in links.chunks(400) {
            let sql = format!(
                "INSERT INTO publication_columns (publication_id, column_id) VALUES {} ON CONFLICT DO NOTHING",
                values_list(tx, part.len(), "(?, ?)")
            );
            on_tx!(tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for (p, col) in part {
                    q = q.bind(p).bind(col);
                }
                q.execute(c).await?.rows_affected()
            });
        }
        for part in reviews.chunks(200) {
            let sql = format!(
                "INSERT INTO publication_reviews (publication_id, version, step, reviewer_name, passed, checklist, note, at) VALUES {}",
                values_list(tx, part.len(), "(?, 1, ?, ?, TRUE, '', '', ?)")
            );
            on_tx!(tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for (p, step, name) in part {
                    q = q.bind(p).bind(*step).bind(*name).bind(at);
                }
                q.execute(c).await?.rows_affected()
            });
        }
    }
    Ok(inserted)
}

impl Store {
    // ---- columns ----

    /// A unit's columns in tree order (retired ones too when `with_retired`).
    pub async fn column_tree(&self, unit_id: i64, with_retired: bool) -> Result<Vec<ColumnNode>> {
        let all: Vec<Column> = on_pool!(self, p => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMN_COLUMNS} FROM columns WHERE unit_id = $1")))
            .bind(unit_id).fetch_all(p).await?);
        let mut nodes = tree(all);
        if !with_retired {
            // A retired column hides its sub-columns too.
            let mut hidden: Vec<String> = Vec::new();
            nodes.retain(|n| {
                if n.column.retired_on.is_some() {
                    hidden.push(format!("{}/", n.path));
                    return false;
                }
                !hidden.iter().any(|h| n.path.starts_with(h.as_str()))
            });
        }
        Ok(nodes)
    }

    pub async fn column(&self, id: i64) -> Result<Option<Column>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMN_COLUMNS} FROM columns WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }

    /// Set up columns from a template (see [`gongkai_core::publishing::TEMPLATES`]) under
    /// `parent`; columns already there by name are kept. Returns the columns made.
    pub async fn apply_column_template(
        &self,
        actor: &Actor,
        unit_id: i64,
        parent_id: Option<i64>,
        key: &str,
    ) -> Result<Vec<Column>> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let templates =
            template(key).ok_or_else(|| StoreError::invalid("template", "请选择一个栏目模板"))?;
        let mut tx = self.begin_write().await?;
        let mut existing = columns_tx(&mut tx, unit_id).await?;
        if let Some(pid) = parent_id
            && !existing.iter().any(|c| c.id == pid)
        {
            return Err(StoreError::invalid("parent_id", "上级栏目不属于本单位"));
        }
        let mut made = Vec::new();
        apply_templates(
            &mut tx,
            unit_id,
            parent_id,
            templates,
            &mut existing,
            &mut made,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            "column.template",
            &format!("unit:{unit_id}"),
            &serde_json::Value::Null,
            &json!({"template": key, "parent_id": parent_id,
                    "made": made.iter().map(|c| &c.name).collect::<Vec<_>>()}),
        )
        .await?;
        tx.commit().await?;
        Ok(made)
    }

    /// Add one column.
    pub async fn add_column(
        &self,
        actor: &Actor,
        unit_id: i64,
        parent_id: Option<i64>,
        name: &str,
        catalog: &str,
        rule: &str,
    ) -> Result<Column> {
        actor.may(Action::Administer, None)?;
        self.add_column_as(actor.name(), unit_id, parent_id, name, catalog, rule)
            .await
    }

    /// Add a column on behalf of a command that has checked who acts (an announcement column
    /// made for a consultation).
    pub(crate) async fn add_column_as(
        &self,
        actor: &str,
        unit_id: i64,
        parent_id: Option<i64>,
        name: &str,
        catalog: &str,
        rule: &str,
    ) -> Result<Column> {
        let mut errs = Vec::new();
        let name = name.trim();
        check_text("栏目名称", name, true, 60).unwrap_or_else(|m| {
            errs.push(FieldError {
                field: "name",
                message: m,
            })
        });
        let catalog = Catalog::parse(catalog);
        if catalog.is_none() {
            errs.push(FieldError {
                field: "catalog",
                message: "请选择栏目所属的目录".into(),
            });
        }
        let rule = UpdateRule::parse(rule).unwrap_or(UpdateRule::AsNeeded);
        let mut tx = self.begin_write().await?;
        let existing = columns_tx(&mut tx, unit_id).await?;
        if let Some(pid) = parent_id
            && !existing
                .iter()
                .any(|c| c.id == pid && c.retired_on.is_none())
        {
            errs.push(FieldError {
                field: "parent_id",
                message: "上级栏目不属于本单位或已停用".into(),
            });
        }
        if existing
            .iter()
            .any(|c| c.parent_id == parent_id && c.name == name && c.retired_on.is_none())
        {
            errs.push(FieldError {
                field: "name",
                message: format!("同一上级栏目下已有“{name}”"),
            });
        }
        let (Some(catalog), true) = (catalog, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let order = existing.iter().filter(|c| c.parent_id == parent_id).count() as i64;
        let col = insert_column(&mut tx, unit_id, parent_id, name, catalog, rule, order).await?;
        audit::append(
            &mut tx,
            actor,
            "column.create",
            &format!("column:{}", col.id),
            &serde_json::Value::Null,
            &json!({"name": col.name, "parent_id": parent_id, "catalog": col.catalog}),
        )
        .await?;
        tx.commit().await?;
        Ok(col)
    }

    /// Rename, move (to another parent in the same unit, never under itself) or retire a column.
    /// A retired column keeps its publications and history; it takes no new items.
    pub async fn change_column(
        &self,
        actor: &Actor,
        id: i64,
        name: Option<&str>,
        parent: Option<Option<i64>>,
        retire_on: Option<NaiveDate>,
    ) -> Result<Column> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut tx = self.begin_write().await?;
        let before: Column =
            on_tx!(&mut tx, c => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMN_COLUMNS} FROM columns WHERE id = $1")))
            .bind(id).fetch_optional(c).await?)
            .ok_or_else(|| StoreError::NotFound("没有这个栏目".into()))?;
        let all = columns_tx(&mut tx, before.unit_id).await?;
        let mut after = before.clone();
        if let Some(n) = name {
            let n = n.trim();
            check_text("栏目名称", n, true, 60).map_err(|m| StoreError::invalid("name", m))?;
            after.name = n.to_string();
        }
        if let Some(new_parent) = parent {
            if let Some(pid) = new_parent {
                if !all.iter().any(|c| c.id == pid) {
                    return Err(StoreError::invalid("parent_id", "上级栏目不属于本单位"));
                }
                let mut cursor = Some(pid);
                while let Some(cid) = cursor {
                    if cid == id {
                        return Err(StoreError::invalid(
                            "parent_id",
                            "不能把栏目移到它自己或它的下级栏目之下",
                        ));
                    }
                    cursor = all.iter().find(|c| c.id == cid).and_then(|c| c.parent_id);
                }
            }
            after.parent_id = new_parent;
        }
        if let Some(on) = retire_on {
            after.retired_on = Some(on);
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE columns SET name = $1, parent_id = $2, retired_on = $3 WHERE id = $4")
            .bind(&after.name).bind(after.parent_id).bind(after.retired_on).bind(id)
            .execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            if retire_on.is_some() {
                "column.retire"
            } else {
                "column.update"
            },
            &format!("column:{id}"),
            &json!({"name": before.name, "parent_id": before.parent_id, "retired_on": before.retired_on}),
            &json!({"name": after.name, "parent_id": after.parent_id, "retired_on": after.retired_on}),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    // ---- publications ----

    async fn check_publication(
        &self,
        unit_id: i64,
        input: &PublicationInput,
        today: NaiveDate,
    ) -> Result<Checked> {
        let mut errs = Vec::new();
        let mut i = input.clone();
        for s in [
            &mut i.title,
            &mut i.summary,
            &mut i.formed_on,
            &mut i.publisher,
            &mut i.doc_number,
            &mut i.topic,
            &mut i.genre,
            &mut i.validity,
            &mut i.interprets,
        ] {
            *s = s.trim().to_string();
        }
        if let Err(m) = check_text("名称", &i.title, true, 200) {
            errs.push(FieldError {
                field: "title",
                message: m,
            });
        }
        if let Err(m) = check_text("内容概述", &i.summary, false, 1000) {
            errs.push(FieldError {
                field: "summary",
                message: m,
            });
        }
        if let Err(m) = check_text("文号", &i.doc_number, false, 60) {
            errs.push(FieldError {
                field: "doc_number",
                message: m,
            });
        }
        let formed_on = parse_date(&i.formed_on, "formed_on", "生成日期", &mut errs);
        if let Some(f) = formed_on
            && f > today
        {
            errs.push(FieldError {
                field: "formed_on",
                message: "生成日期不能晚于今天".into(),
            });
        }
        if i.genre.is_empty() {
            i.genre = "other".into();
        }
        if !GENRES.iter().any(|(k, _)| *k == i.genre) {
            errs.push(FieldError {
                field: "genre",
                message: "请从列表中选择体裁".into(),
            });
        }
        i.media_form = i.media_form.trim().to_string();
        if !i.media_form.is_empty() && !MEDIA_FORMS.iter().any(|(k, _)| *k == i.media_form) {
            errs.push(FieldError {
                field: "media_form",
                message: "请从列表中选择解读形式".into(),
            });
        }
        if !i.validity.is_empty()
            && !gongkai_core::publishing::VALIDITY
                .iter()
                .any(|(k, _)| *k == i.validity)
        {
            errs.push(FieldError {
                field: "validity",
                message: "请从列表中选择有效性".into(),
            });
        }
        let columns = self.column_tree(unit_id, false).await?;
        i.column_ids.sort_unstable();
        i.column_ids.dedup();
        if i.column_ids.is_empty() {
            errs.push(FieldError {
                field: "column_ids",
                message: "请至少选择一个发布栏目".into(),
            });
        } else if i
            .column_ids
            .iter()
            .any(|id| !columns.iter().any(|n| n.column.id == *id))
        {
            errs.push(FieldError {
                field: "column_ids",
                message: "所选栏目不属于本单位或已停用".into(),
            });
        }
        let mut interprets_id = None;
        if !i.interprets.is_empty() {
            match self.publication_by_index(&i.interprets).await? {
                Some(p) if p.status() == Status::Published => interprets_id = Some(p.id),
                _ => errs.push(FieldError {
                    field: "interprets",
                    message: format!("没有找到索引号为“{}”的已发布政策文件", i.interprets),
                }),
            }
        }
        let body = sanitise(&i.body);
        let (Some(formed_on), true) = (formed_on, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        Ok(Checked {
            body,
            input: i,
            formed_on,
            interprets_id,
        })
    }

    /// Start a draft in a unit; the index number is given at once.
    pub async fn create_publication(
        &self,
        author: &Staff,
        unit_id: i64,
        input: &PublicationInput,
        today: NaiveDate,
    ) -> Result<Publication> {
        if !may_edit(author, unit_id) {
            return Err(StoreError::Refused(
                "只有本单位的信息编辑人员或政务公开办可以起草信息".into(),
            ));
        }
        let unit = self
            .unit_by_id(unit_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这个单位".into()))?;
        let Checked {
            input: i,
            body,
            formed_on,
            interprets_id,
        } = self.check_publication(unit_id, input, today).await?;
        let publisher = if i.publisher.is_empty() {
            unit.name.clone()
        } else {
            i.publisher.clone()
        };
        let mut tx = self.begin_write().await?;
        let index_no = next_index(
            &mut tx,
            unit_id,
            &index_prefix(&unit.code),
            formed_on.year(),
        )
        .await?;
        let at = now();
        let (id,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
            "INSERT INTO publications (unit_id, index_no, title, summary, formed_on, publisher, doc_number, \
             topic, genre, validity, body, interprets_id, status, author_id, created_at, updated_at, media_form) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', $13, $14, $14, $15) RETURNING id")
            .bind(unit_id).bind(&index_no).bind(&i.title).bind(&i.summary).bind(formed_on)
            .bind(&publisher).bind(&i.doc_number).bind(&i.topic).bind(&i.genre).bind(&i.validity)
            .bind(body.as_str()).bind(interprets_id).bind(author.id).bind(at).bind(&i.media_form)
            .fetch_one(c).await?);
        set_columns(&mut tx, id, &i.column_ids).await?;
        let p = pub_tx(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &format!("staff:{}", author.username),
            "publication.create",
            &format!("publication:{index_no}"),
            &serde_json::Value::Null,
            &audit_view(&p),
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Change a draft (or a withdrawn item before it is published again).
    pub async fn update_publication(
        &self,
        staff: &Staff,
        id: i64,
        input: &PublicationInput,
        today: NaiveDate,
    ) -> Result<Publication> {
        let before = self.publication(id).await?.ok_or_else(|| not_found(id))?;
        check_editable(staff, &before)?;
        let Checked {
            input: i,
            body,
            formed_on,
            interprets_id,
        } = self.check_publication(before.unit_id, input, today).await?;
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET title = $1, summary = $2, formed_on = $3, publisher = $4, doc_number = $5, \
             topic = $6, genre = $7, validity = $8, body = $9, interprets_id = $10, updated_at = $11, \
             media_form = $13 WHERE id = $12")
            .bind(&i.title).bind(&i.summary).bind(formed_on)
            .bind(if i.publisher.is_empty() { &before.publisher } else { &i.publisher })
            .bind(&i.doc_number).bind(&i.topic).bind(&i.genre).bind(&i.validity).bind(body.as_str())
            .bind(interprets_id).bind(now()).bind(id).bind(&i.media_form)
            .execute(c).await?.rows_affected());
        set_columns(&mut tx, id, &i.column_ids).await?;
        let after = pub_tx(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &format!("staff:{}", staff.username),
            "publication.update",
            &format!("publication:{}", before.index_no),
            &audit_view(&before),
            &audit_view(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Send a draft to 初审.
    pub async fn submit_publication(&self, staff: &Staff, id: i64) -> Result<Publication> {
        let mut tx = self.begin_write().await?;
        let p = pub_tx(&mut tx, id).await?;
        if !may_edit(staff, p.unit_id) {
            return Err(StoreError::Refused(
                "只有本单位的信息编辑人员或政务公开办可以提交审核".into(),
            ));
        }
        if !p.status().editable() {
            return Err(StoreError::Refused(format!(
                "该信息{}，不能再次提交",
                p.status_label()
            )));
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET status = 'first_review', updated_at = $1 WHERE id = $2")
            .bind(now()).bind(id).execute(c).await?.rows_affected());
        add_review_row(&mut tx, &p, "submit", staff, true, "", "").await?;
        let after = pub_tx(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &format!("staff:{}", staff.username),
            "publication.submit",
            &format!("publication:{}", p.index_no),
            &audit_view(&p),
            &audit_view(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Give the review the item waits for. Passing the 保密审查 publishes it on `today`; it is
    /// refused while the scan has findings and no reason to override them is given.
    pub async fn review_publication(
        &self,
        reviewer: &Staff,
        id: i64,
        r: &ReviewInput,
        today: NaiveDate,
    ) -> Result<Publication> {
        // The scan is the command's own, over what is stored: the text as the portal and the
        // index read it, and each attachment's result kept from its arrival. It runs before
        // the write transaction (a file kept without a result is scanned now); the item must
        // not change in between.
        let scanned = self.publication(id).await?.ok_or_else(|| not_found(id))?;
        let findings = if r.passed {
            self.release_findings(&scanned, today).await?
        } else {
            Vec::new()
        };
        let mut tx = self.begin_write().await?;
        let p = pub_tx(&mut tx, id).await?;
        if p.version != scanned.version || p.updated_at != scanned.updated_at {
            return Err(StoreError::Conflict(
                "该信息刚被修改，请刷新后重新审核".into(),
            ));
        }
        if !may_review(reviewer, p.unit_id) {
            return Err(StoreError::Refused(
                "只有本单位的审核人员或政务公开办可以审核信息".into(),
            ));
        }
        let past: Vec<(String, Option<i64>)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT step, reviewer_id FROM publication_reviews WHERE publication_id = $1 AND version = $2 AND passed")
            .bind(id).bind(p.version).fetch_all(c).await?);
        let past: Vec<PastReview> = past
            .into_iter()
            .filter_map(|(s, r)| {
                Some(PastReview {
                    step: Step::parse(&s)?,
                    reviewer: r?,
                })
            })
            .collect();
        let ticked: Vec<&str> = r.ticked.iter().map(String::as_str).collect();
        let step = check_review(
            p.status(),
            p.author_id.unwrap_or(-1),
            reviewer.id,
            &past,
            &ticked,
            r.passed,
        )
        .map_err(|e| StoreError::Refused(e.to_string()))?;
        let note = r.note.trim();
        if !r.passed && note.is_empty() {
            return Err(StoreError::invalid(
                "note",
                "退回修改时请写明需要修改的内容",
            ));
        }
        let override_reason = r.override_reason.trim();
        if step == Step::Secrecy && r.passed && !findings.is_empty() && override_reason.is_empty() {
            return Err(StoreError::Refused(format!(
                "个人信息和涉密标识检查发现 {} 处问题，不能发布：{}。请修改后重新提交，或写明确需公开的理由。",
                findings.len(),
                findings.join("；")
            )));
        }
        let next = if r.passed { step.next() } else { Status::Draft };
        let published_on = (next == Status::Published).then_some(today);
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET status = $1, published_on = COALESCE($2, published_on), updated_at = $3 WHERE id = $4")
            .bind(next.as_str()).bind(published_on).bind(now()).bind(id)
            .execute(c).await?.rows_affected());
        // Findings at a content review are noted for the secrecy review, which alone may let
        // them through with a reason: only that is an override.
        let overridden = r.passed && !findings.is_empty() && !override_reason.is_empty();
        let full_note = if r.passed && !findings.is_empty() {
            format!(
                "{note}{}检查发现：{}{}",
                if note.is_empty() { "" } else { "。" },
                findings.join("；"),
                if overridden {
                    format!("；公开理由：{override_reason}")
                } else {
                    String::new()
                }
            )
        } else {
            note.to_string()
        };
        add_review_row(
            &mut tx,
            &p,
            step.as_str(),
            reviewer,
            r.passed,
            &ticked.join(","),
            &full_note,
        )
        .await?;
        let after = pub_tx(&mut tx, id).await?;
        let actor = format!("staff:{}", reviewer.username);
        audit::append(
            &mut tx,
            &actor,
            if r.passed {
                "publication.review.pass"
            } else {
                "publication.review.return"
            },
            &format!("publication:{}", p.index_no),
            &audit_view(&p),
            &json!({"step": step.as_str(), "after": audit_view(&after), "checklist": ticked,
                    "note": full_note}),
        )
        .await?;
        if overridden {
            audit::append(
                &mut tx,
                &actor,
                "publication.scan_override",
                &format!("publication:{}", p.index_no),
                &json!({"findings": findings}),
                &json!({"reason": override_reason}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Take a published item off the portal, with the reason; it can be changed and sent
    /// through the reviews again.
    pub async fn withdraw_publication(
        &self,
        staff: &Staff,
        id: i64,
        reason: &str,
    ) -> Result<Publication> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("reason", "请写明撤回的理由"));
        }
        let mut tx = self.begin_write().await?;
        let p = pub_tx(&mut tx, id).await?;
        if !may_review(staff, p.unit_id) && !may_edit(staff, p.unit_id) {
            return Err(StoreError::Refused("无权撤回本信息".into()));
        }
        if p.status() != Status::Published {
            return Err(StoreError::Refused("只有已发布的信息可以撤回".into()));
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET status = 'withdrawn', withdrawn_reason = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(reason).bind(now()).bind(id).execute(c).await?.rows_affected());
        add_review_row(&mut tx, &p, "withdraw", staff, true, "", reason).await?;
        let after = pub_tx(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &format!("staff:{}", staff.username),
            "publication.withdraw",
            &format!("publication:{}", p.index_no),
            &audit_view(&p),
            &json!({"after": audit_view(&after), "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn publication(&self, id: i64) -> Result<Option<Publication>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Publication>(sqlx::AssertSqlSafe(format!(
            "SELECT {PUB_COLUMNS} FROM publications WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }

    pub async fn publication_by_index(&self, index_no: &str) -> Result<Option<Publication>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Publication>(sqlx::AssertSqlSafe(format!(
            "SELECT {PUB_COLUMNS} FROM publications WHERE index_no = $1")))
            .bind(index_no.trim()).fetch_optional(p).await?),
        )
    }

    /// Items in the order of their last change, after `cursor` (a change time and an id), for
    /// the search index to follow the store. Every status: the index drops what is no longer
    /// published.
    pub async fn publications_for_index(
        &self,
        cursor: Option<(DateTime<Utc>, i64)>,
        limit: i64,
    ) -> Result<Vec<IndexRow>> {
        const COLS: &str = "id, unit_id, status, title, summary, body, index_no, doc_number, genre, \
             published_on, updated_at";
        Ok(match cursor {
            None => on_pool!(self, p => sqlx::query_as::<_, IndexRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM publications ORDER BY updated_at, id LIMIT $1")))
                .bind(limit).fetch_all(p).await?),
            Some((at, id)) => {
                on_pool!(self, p => sqlx::query_as::<_, IndexRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM publications WHERE updated_at > $1 OR (updated_at = $1 AND id > $2) \
                 ORDER BY updated_at, id LIMIT $3")))
                .bind(at).bind(id).bind(limit).fetch_all(p).await?)
            }
        })
    }

    /// How many items changed in `[from, to]` (the search index's check that nothing slipped
    /// in behind its watermark).
    pub async fn publications_changed_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64> {
        let (n,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM publications WHERE updated_at >= $1 AND updated_at <= $2")
            .bind(from).bind(to).fetch_one(p).await?);
        Ok(n)
    }

    /// The names of the columns each of these items is in.
    pub async fn column_names_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT pc.publication_id, c.name FROM publication_columns pc \
                 JOIN columns c ON c.id = pc.column_id WHERE pc.publication_id IN ({}) \
                 ORDER BY pc.publication_id, c.id",
                params_list(self.backend() == "postgres", chunk.len(), "?")
            );
            let rows: Vec<(i64, String)> = on_pool!(self, p => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            for (id, name) in rows {
                out.entry(id).or_default().push(name);
            }
        }
        Ok(out)
    }

    /// The columns an item is in.
    pub async fn publication_columns(&self, id: i64) -> Result<Vec<Column>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM columns c JOIN publication_columns pc ON pc.column_id = c.id \
             WHERE pc.publication_id = $1 ORDER BY c.id",
            COLUMN_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", "))))
            .bind(id).fetch_all(p).await?),
        )
    }

    /// The review ledger of an item, oldest first.
    pub async fn publication_reviews(&self, id: i64) -> Result<Vec<Review>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Review>(
            "SELECT id, publication_id, version, step, reviewer_id, reviewer_name, passed, checklist, note, at \
             FROM publication_reviews WHERE publication_id = $1 ORDER BY id")
            .bind(id).fetch_all(p).await?))
    }

    /// Published interpretations of a policy.
    pub async fn interpretations_of(&self, id: i64) -> Result<Vec<PublicationRow>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, PublicationRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW_COLUMNS} FROM publications p WHERE p.interprets_id = $1 \
             ORDER BY p.published_on DESC, p.id DESC")))
            .bind(id).fetch_all(p).await?)
            // Published ones only; filtered here, as a status condition in SQL leads SQLite's
            // planner to walk every published item instead of the few interpreting this one.
            .into_iter()
            .filter(|r| r.status == "published")
            .collect(),
        )
    }

    /// A page of publications, newest first, and the total.
    pub async fn publications(&self, f: &PublicationFilter) -> Result<(i64, Vec<PublicationRow>)> {
        enum Bind {
            Int(i64),
            Date(NaiveDate),
            Text(&'static str),
        }
        let mut conds = Vec::new();
        let mut binds = Vec::new();
        if let Some(u) = f.unit_id {
            binds.push(Bind::Int(u));
            conds.push(format!("p.unit_id = ${}", binds.len()));
        }
        let mut in_column = None;
        if let Some(c) = f.column_id {
            binds.push(Bind::Int(c));
            in_column = Some(binds.len());
        }
        if let Some(y) = f.year {
            let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
            let to = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or_default();
            binds.push(Bind::Date(from));
            binds.push(Bind::Date(to));
            conds.push(format!(
                "p.published_on >= ${} AND p.published_on < ${}",
                binds.len() - 1,
                binds.len()
            ));
        }
        if let Some(st) = f.status {
            binds.push(Bind::Text(st.as_str()));
            conds.push(format!("p.status = ${}", binds.len()));
        }
        // Where the items come from, with the conditions on the items themselves. A column's
        // count starts from the column's items (CROSS JOIN keeps SQLite to that order: from
        // every published item it took 10 ms a column on the demo); the page of a large
        // column walks the published items by date and stops at the page's end.
        let source = |from: &str, first: Option<String>| {
            let all: Vec<String> = first.into_iter().chain(conds.iter().cloned()).collect();
            if all.is_empty() {
                from.to_string()
            } else {
                format!("{from} WHERE {}", all.join(" AND "))
            }
        };
        let from_column = |k: usize| {
            source(
                "publication_columns pcf CROSS JOIN publications p",
                Some(format!(
                    "pcf.column_id = ${k} AND p.id = pcf.publication_id"
                )),
            )
        };
        let count_sql = format!(
            "SELECT COUNT(*) FROM {}",
            match in_column {
                Some(k) => from_column(k),
                None => source("publications p", None),
            }
        );
        let per_page = f.per_page.clamp(1, 50_000);
        let offset = f.page.max(0) * per_page;

        macro_rules! bound {
            ($q:expr) => {{
                let mut q = $q;
                for b in &binds {
                    q = match b {
                        Bind::Int(i) => q.bind(*i),
                        Bind::Date(d) => q.bind(*d),
                        Bind::Text(t) => q.bind(*t),
                    };
                }
                q
            }};
        }
        let (total,): (i64,) = on_pool!(self, p => bound!(sqlx::query_as(sqlx::AssertSqlSafe(count_sql.clone()))).fetch_one(p).await?);
        // A column of few items: sort them (walking every published item by date to find a
        // rare column's newest took milliseconds a column).
        let list_from = match in_column {
            Some(k) if total <= SMALL_COLUMN => from_column(k),
            Some(k) => source(
                "publications p",
                Some(format!(
                    "p.id IN (SELECT publication_id FROM publication_columns WHERE column_id = ${k})"
                )),
            ),
            None => source("publications p", None),
        };
        let list_sql = format!(
            "SELECT {ROW_COLUMNS} FROM {list_from} \
             ORDER BY p.published_on DESC, p.id DESC LIMIT {per_page} OFFSET {offset}"
        );
        let rows: Vec<PublicationRow> = on_pool!(self, p => bound!(sqlx::query_as::<_, PublicationRow>(sqlx::AssertSqlSafe(list_sql.clone()))).fetch_all(p).await?);
        Ok((total, rows))
    }

    /// Published items per column of a unit (for the catalog tree).
    pub async fn column_counts(&self, unit_id: i64) -> Result<HashMap<i64, i64>> {
        // From the unit's columns to their items to each item's status, in that order (CROSS
        // JOIN for SQLite, whose planner otherwise started from every published item of every
        // unit: seconds; a set of the unit's published items built for each call: 65 ms on the
        // demo's government, 14 ms this way).
        let rows: Vec<(i64, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT pc.column_id, COUNT(*) FROM columns c CROSS JOIN publication_columns pc \
             CROSS JOIN publications p WHERE c.unit_id = $1 AND pc.column_id = c.id \
             AND p.id = pc.publication_id AND p.unit_id = $1 AND p.status = 'published' \
             GROUP BY pc.column_id")
            .bind(unit_id).fetch_all(p).await?);
        Ok(rows.into_iter().collect())
    }

    /// Art. 26 for a year: per unit, items published more than 20 working days after they were
    /// formed, and items formed but not yet published (overdue ones listed).
    pub async fn timeliness(
        &self,
        calendar: &Calendar,
        year: i32,
        today: NaiveDate,
    ) -> Result<Vec<Timeliness>> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
        let rows: Vec<TimelinessRow> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, unit_id, index_no, title, formed_on, published_on, status FROM publications \
             WHERE (status = 'published' AND published_on >= $1 AND published_on < $2) \
                OR (status NOT IN ('published') AND formed_on < $2)")
            .bind(from).bind(to).fetch_all(p).await?);
        let units = self.units().await?;
        let mut by_unit: HashMap<i64, Timeliness> = HashMap::new();
        for (id, unit_id, index_no, title, formed_on, published_on, status) in rows {
            let t = by_unit.entry(unit_id).or_insert_with(|| Timeliness {
                unit_id,
                unit_name: units
                    .iter()
                    .find(|u| u.id == unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                published: 0,
                late: Vec::new(),
                overdue: Vec::new(),
                pending: 0,
            });
            let Ok(due) = publish_by(calendar, formed_on) else {
                continue;
            };
            let item = LateItem {
                id,
                index_no,
                title,
                formed_on,
                due,
                published_on,
            };
            if status == "published" {
                t.published += 1;
                if published_on.is_some_and(|p| p > due) {
                    t.late.push(item);
                }
            } else if status != "withdrawn" {
                if today > due {
                    t.overdue.push(item);
                } else {
                    t.pending += 1;
                }
            }
        }
        let mut out: Vec<Timeliness> = by_unit.into_values().collect();
        let order: HashMap<i64, usize> = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        out.sort_by_key(|t| order.get(&t.unit_id).copied().unwrap_or(usize::MAX));
        Ok(out)
    }

    // ---- import ----

    /// Check and store one batch of import lines (line number, item). Lines whose index
    /// number is present already are counted, not changed: an import can be run again.
    pub async fn import_publications(
        &self,
        actor: &Actor,
        lines: Vec<(usize, ImportItem)>,
        today: NaiveDate,
    ) -> Result<ImportSummary> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut summary = ImportSummary::default();
        let units = self.units().await?;
        let mut trees: HashMap<i64, Vec<ColumnNode>> = HashMap::new();
        let mut bulk = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (line, it) in lines {
            let mut errs: Vec<(&str, String)> = Vec::new();
            let Some(unit) = units.iter().find(|u| u.code == it.unit_code.trim()) else {
                summary.errors.push(ImportError {
                    line,
                    field: "unit_code".into(),
                    message: format!("没有代码为“{}”的单位", it.unit_code),
                });
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(e) = trees.entry(unit.id) {
                e.insert(self.column_tree(unit.id, false).await?);
            }
            let tree = &trees[&unit.id];
            let index_no = it.index_no.trim().to_string();
            if index_no.is_empty() || index_no.chars().count() > 60 {
                errs.push(("index_no", "索引号不能为空，且不超过 60 个字符".into()));
            }
            if let Err(m) = check_text("名称", it.title.trim(), true, 200) {
                errs.push(("title", m));
            }
            let mut dates = Vec::new();
            let formed = parse_date(&it.formed_on, "formed_on", "生成日期", &mut dates);
            let published = parse_date(&it.published_on, "published_on", "发布日期", &mut dates);
            errs.extend(dates.into_iter().map(|e| (e.field, e.message)));
            if let (Some(f), Some(p)) = (formed, published) {
                if p < f {
                    errs.push(("published_on", "发布日期不能早于生成日期".into()));
                }
                if p > today {
                    errs.push(("published_on", "发布日期不能晚于今天".into()));
                }
            }
            let genre = if it.genre.trim().is_empty() {
                "other".to_string()
            } else {
                it.genre.trim().to_string()
            };
            if !GENRES.iter().any(|(k, _)| *k == genre) {
                errs.push((
                    "genre",
                    format!(
                        "体裁“{}”不在列表中（可用：{}）",
                        it.genre,
                        GENRES
                            .iter()
                            .map(|(k, _)| *k)
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                ));
            }
            let mut column_ids = Vec::new();
            for path in &it.columns {
                let path = path.trim();
                let matches: Vec<&ColumnNode> = tree
                    .iter()
                    .filter(|n| n.path == path || n.column.name == path)
                    .collect();
                match matches.as_slice() {
                    [one] => column_ids.push(one.column.id),
                    [] => errs.push(("columns", format!("单位“{}”没有栏目“{path}”", unit.name))),
                    _ => errs.push((
                        "columns",
                        format!("栏目名“{path}”不唯一，请写出完整路径（用 / 分隔）"),
                    )),
                }
            }
            if it.columns.is_empty() {
                errs.push(("columns", "请至少给出一个栏目".into()));
            }
            if !seen.insert(index_no.clone()) {
                errs.push(("index_no", format!("索引号“{index_no}”在本文件中重复")));
            }
            if !errs.is_empty() {
                summary
                    .errors
                    .extend(errs.into_iter().map(|(field, message)| ImportError {
                        line,
                        field: field.into(),
                        message,
                    }));
                continue;
            }
            let (Some(formed_on), Some(published_on)) = (formed, published) else {
                continue;
            };
            bulk.push(BulkItem {
                unit_id: unit.id,
                index_no,
                title: it.title.trim().to_string(),
                summary: it.summary.trim().to_string(),
                formed_on,
                published_on,
                publisher: if it.publisher.trim().is_empty() {
                    unit.name.clone()
                } else {
                    it.publisher.trim().to_string()
                },
                doc_number: it.doc_number.trim().to_string(),
                topic: it.topic.trim().to_string(),
                genre,
                validity: it.validity.trim().to_string(),
                body: sanitise(&it.body),
                column_ids,
                reviews: vec![("submit", format!("导入（{actor}）"))],
                media_form: String::new(),
            });
        }
        if !bulk.is_empty() {
            let mut tx = self.begin_write().await?;
            let inserted = insert_bulk(&mut tx, &bulk).await?;
            summary.inserted = inserted;
            summary.already_present = bulk.len() - inserted;
            if inserted > 0 {
                audit::append(
                    &mut tx,
                    actor,
                    "publication.import",
                    "publications",
                    &serde_json::Value::Null,
                    &json!({"inserted": inserted, "first": bulk.first().map(|b| &b.index_no),
                            "last": bulk.last().map(|b| &b.index_no)}),
                )
                .await?;
            }
            tx.commit().await?;
        }
        Ok(summary)
    }
}
