//! Normative documents (规章, 行政规范性文件) with their validity and disclosure attribute, the
//! evaluation campaigns that re-label them, the decision counts and fees of table 二, and the
//! units' 主动公开基本目录.

use crate::actor::Actor;
use crate::publishing::parse_date;
use crate::{FieldError, Result, Store, StoreError, audit, now, on_pool, on_tx};
use chrono::NaiveDate;
use gongkai_core::access::Action;
use gongkai_core::org::check_text;
use gongkai_core::publishing::{DISCLOSURE, VALIDITY};
use serde::{Deserialize, Serialize};
use serde_json::json;

fn label_of(list: &[(&str, &'static str)], key: &str) -> &'static str {
    list.iter().find(|(k, _)| *k == key).map_or("", |(_, l)| l)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NormativeDocument {
    pub id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub title: String,
    pub doc_number: String,
    pub issued_on: NaiveDate,
    pub amended_on: Option<NaiveDate>,
    pub repealed_on: Option<NaiveDate>,
    pub validity: String,
    pub disclosure: String,
    pub publication_id: Option<i64>,
}

impl NormativeDocument {
    pub fn kind_label(&self) -> &'static str {
        if self.kind == "rule" {
            "规章"
        } else {
            "行政规范性文件"
        }
    }
    pub fn validity_label(&self) -> &'static str {
        label_of(&VALIDITY, &self.validity)
    }
    pub fn disclosure_label(&self) -> &'static str {
        label_of(&DISCLOSURE, &self.disclosure)
    }
}

const DOC_COLUMNS: &str = "id, unit_id, kind, title, doc_number, issued_on, amended_on, repealed_on, \
     validity, disclosure, publication_id";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NormativeInput {
    pub kind: String,
    pub title: String,
    pub doc_number: String,
    pub issued_on: String,
    pub disclosure: String,
    /// The 索引号 of the document's publication, if it is on the portal.
    pub index_no: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Campaign {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub scope: String,
    pub year: i64,
    pub started_on: NaiveDate,
    pub finished_on: Option<NaiveDate>,
}

/// A document's review in a campaign.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CampaignReview {
    pub id: i64,
    pub document_id: i64,
    pub title: String,
    pub doc_number: String,
    pub validity_before: String,
    pub validity_after: String,
    pub disclosure_before: String,
    pub disclosure_after: String,
    pub note: String,
    pub reviewed_on: NaiveDate,
}

impl CampaignReview {
    pub fn changed(&self) -> bool {
        self.validity_before != self.validity_after
            || self.disclosure_before != self.disclosure_after
    }
    pub fn before_label(&self) -> String {
        format!(
            "{} · {}",
            label_of(&VALIDITY, &self.validity_before),
            label_of(&DISCLOSURE, &self.disclosure_before)
        )
    }
    pub fn after_label(&self) -> String {
        format!(
            "{} · {}",
            label_of(&VALIDITY, &self.validity_after),
            label_of(&DISCLOSURE, &self.disclosure_after)
        )
    }
}

/// What an evaluation found of a document.
#[derive(Debug, Clone, Copy)]
pub struct Evaluation<'a> {
    pub validity: &'a str,
    pub disclosure: &'a str,
    pub note: &'a str,
}

/// Campaign counts by the unit whose documents were evaluated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvaluationCounts {
    pub evaluated: u64,
    pub adjusted: u64,
    /// Documents evaluated per issuing unit (short names), as the report writes them.
    pub by_unit: std::collections::BTreeMap<String, u64>,
}

/// The kinds of decision counts of table 二.
pub const DECISION_KINDS: [(&str, &str); 4] = [
    ("license", "行政许可决定（件）"),
    ("penalty", "行政处罚决定（件）"),
    ("coercion", "行政强制决定（件）"),
    ("fees", "行政事业性收费金额（元）"),
];

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DecisionCount {
    pub unit_id: i64,
    pub year: i64,
    pub kind: String,
    pub amount: i64,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct BasicCatalog {
    pub id: i64,
    pub unit_id: i64,
    pub year: i64,
    pub title: String,
    pub published_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct BasicCatalogEntry {
    pub column_id: Option<i64>,
    pub item: String,
    pub basis: String,
    pub deadline: String,
    pub section: String,
}

impl Store {
    /// Register a normative document (valid from its issue date).
    pub async fn add_normative(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: &NormativeInput,
        today: NaiveDate,
    ) -> Result<NormativeDocument> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut errs = Vec::new();
        let kind = input.kind.trim();
        if kind != "rule" && kind != "normative" {
            errs.push(FieldError {
                field: "kind",
                message: "请选择文件类别（规章或行政规范性文件）".into(),
            });
        }
        if let Err(m) = check_text("文件名称", &input.title, true, 200) {
            errs.push(FieldError {
                field: "title",
                message: m,
            });
        }
        if let Err(m) = check_text("文号", &input.doc_number, true, 60) {
            errs.push(FieldError {
                field: "doc_number",
                message: m,
            });
        }
        let issued = parse_date(&input.issued_on, "issued_on", "印发日期", &mut errs);
        if issued.is_some_and(|d| d > today) {
            errs.push(FieldError {
                field: "issued_on",
                message: "印发日期不能晚于今天".into(),
            });
        }
        let disclosure = input.disclosure.trim();
        if !DISCLOSURE.iter().any(|(k, _)| *k == disclosure) {
            errs.push(FieldError {
                field: "disclosure",
                message: "请选择公开属性".into(),
            });
        }
        let mut publication_id = None;
        if !input.index_no.trim().is_empty() {
            match self.publication_by_index(&input.index_no).await? {
                Some(p) => publication_id = Some(p.id),
                None => errs.push(FieldError {
                    field: "index_no",
                    message: format!("没有索引号为“{}”的信息", input.index_no.trim()),
                }),
            }
        }
        let (Some(issued), true) = (issued, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let mut tx = self.begin_write().await?;
        let doc: NormativeDocument = on_tx!(&mut tx, c => sqlx::query_as::<_, NormativeDocument>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO normative_documents (unit_id, kind, title, doc_number, issued_on, validity, disclosure, publication_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'valid', $6, $7, $8) RETURNING {DOC_COLUMNS}")))
            .bind(unit_id).bind(kind).bind(input.title.trim()).bind(input.doc_number.trim())
            .bind(issued).bind(disclosure).bind(publication_id).bind(now())
            .fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "normative.create",
            &format!("normative:{}", doc.id),
            &serde_json::Value::Null,
            &json!({"title": doc.title, "doc_number": doc.doc_number, "issued_on": doc.issued_on}),
        )
        .await?;
        tx.commit().await?;
        Ok(doc)
    }

    /// The normative documents of a unit (all units with `None`), newest first.
    pub async fn normative_documents(
        &self,
        unit_id: Option<i64>,
    ) -> Result<Vec<NormativeDocument>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, NormativeDocument>(sqlx::AssertSqlSafe(format!(
            "SELECT {DOC_COLUMNS} FROM normative_documents WHERE ($1 IS NULL OR unit_id = $1) \
             ORDER BY issued_on DESC, id DESC")))
            .bind(unit_id).fetch_all(p).await?),
        )
    }

    /// Start an evaluation campaign over a unit's documents (e.g. all issued in 2018).
    pub async fn create_campaign(
        &self,
        actor: &Actor,
        unit_id: i64,
        title: &str,
        scope: &str,
        year: i32,
        started_on: NaiveDate,
    ) -> Result<Campaign> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        check_text("清理评估名称", title, true, 100)
            .map_err(|m| StoreError::invalid("title", m))?;
        let mut tx = self.begin_write().await?;
        let c: Campaign = on_tx!(&mut tx, c => sqlx::query_as::<_, Campaign>(
            "INSERT INTO evaluation_campaigns (unit_id, title, scope, year, started_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, unit_id, title, scope, year, started_on, finished_on")
            .bind(unit_id).bind(title.trim()).bind(scope.trim()).bind(year as i64).bind(started_on).bind(now())
            .fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "campaign.create",
            &format!("campaign:{}", c.id),
            &serde_json::Value::Null,
            &json!({"title": c.title, "scope": c.scope, "year": year}),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    pub async fn campaigns(&self) -> Result<Vec<Campaign>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Campaign>(
            "SELECT id, unit_id, title, scope, year, started_on, finished_on FROM evaluation_campaigns ORDER BY id DESC")
            .fetch_all(p).await?))
    }

    pub async fn campaign(&self, id: i64) -> Result<Option<Campaign>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Campaign>(
            "SELECT id, unit_id, title, scope, year, started_on, finished_on FROM evaluation_campaigns WHERE id = $1")
            .bind(id).fetch_optional(p).await?))
    }

    /// Record a document's evaluation in a campaign: its validity and disclosure attribute as
    /// found; a change re-labels the document (and the portal, which reads it) at once.
    pub async fn evaluate_document(
        &self,
        actor: &Actor,
        campaign_id: i64,
        document_id: i64,
        found: &Evaluation<'_>,
        on: NaiveDate,
    ) -> Result<CampaignReview> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let Evaluation {
            validity,
            disclosure,
            note,
        } = *found;
        if !VALIDITY.iter().any(|(k, _)| *k == validity) {
            return Err(StoreError::invalid("validity", "请选择有效性"));
        }
        if !DISCLOSURE.iter().any(|(k, _)| *k == disclosure) {
            return Err(StoreError::invalid("disclosure", "请选择公开属性"));
        }
        let mut tx = self.begin_write().await?;
        let doc: NormativeDocument = on_tx!(&mut tx, c => sqlx::query_as::<_, NormativeDocument>(sqlx::AssertSqlSafe(format!(
            "SELECT {DOC_COLUMNS} FROM normative_documents WHERE id = $1")))
            .bind(document_id).fetch_optional(c).await?)
        .ok_or_else(|| StoreError::NotFound("没有这份文件".into()))?;
        let done: Option<(i64,)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT id FROM campaign_reviews WHERE campaign_id = $1 AND document_id = $2")
            .bind(campaign_id).bind(document_id).fetch_optional(c).await?);
        if done.is_some() {
            return Err(StoreError::Conflict(format!(
                "《{}》在本次清理中已评估过",
                doc.title
            )));
        }
        let repealed = (validity == "repealed" && doc.validity != "repealed").then_some(on);
        let amended = (validity == "amended" && doc.validity != "amended").then_some(on);
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE normative_documents SET validity = $1, disclosure = $2, \
             repealed_on = COALESCE($3, repealed_on), amended_on = COALESCE($4, amended_on) WHERE id = $5")
            .bind(validity).bind(disclosure).bind(repealed).bind(amended).bind(document_id)
            .execute(c).await?.rows_affected());
        let (id,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
            "INSERT INTO campaign_reviews (campaign_id, document_id, validity_before, validity_after, \
             disclosure_before, disclosure_after, note, reviewed_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(campaign_id).bind(document_id).bind(&doc.validity).bind(validity)
            .bind(&doc.disclosure).bind(disclosure).bind(note.trim()).bind(on)
            .fetch_one(c).await?);
        if let Some(pid) = doc.publication_id {
            // The portal shows the document's validity from its publication.
            on_tx!(&mut tx, c => sqlx::query("UPDATE publications SET validity = $1 WHERE id = $2")
                .bind(validity).bind(pid).execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor,
            "normative.evaluate",
            &format!("normative:{document_id}"),
            &json!({"validity": doc.validity, "disclosure": doc.disclosure}),
            &json!({"validity": validity, "disclosure": disclosure, "campaign": campaign_id, "note": note.trim()}),
        )
        .await?;
        tx.commit().await?;
        Ok(CampaignReview {
            id,
            document_id,
            title: doc.title,
            doc_number: doc.doc_number,
            validity_before: doc.validity,
            validity_after: validity.into(),
            disclosure_before: doc.disclosure,
            disclosure_after: disclosure.into(),
            note: note.trim().into(),
            reviewed_on: on,
        })
    }

    pub async fn campaign_reviews(&self, campaign_id: i64) -> Result<Vec<CampaignReview>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, CampaignReview>(
            "SELECT r.id, r.document_id, d.title, d.doc_number, r.validity_before, r.validity_after, \
             r.disclosure_before, r.disclosure_after, r.note, r.reviewed_on \
             FROM campaign_reviews r JOIN normative_documents d ON d.id = r.document_id \
             WHERE r.campaign_id = $1 ORDER BY r.id")
            .bind(campaign_id).fetch_all(p).await?))
    }

    /// Documents evaluated in campaigns of `year` (of one unit's documents, or all), and how
    /// many were adjusted.
    pub async fn evaluation_counts(
        &self,
        year: i32,
        unit_id: Option<i64>,
    ) -> Result<EvaluationCounts> {
        let rows: Vec<(String, String, String, String, String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT u.short_name, u.name, r.validity_before, r.validity_after, r.disclosure_before, r.disclosure_after \
             FROM campaign_reviews r JOIN evaluation_campaigns c ON c.id = r.campaign_id \
             JOIN normative_documents d ON d.id = r.document_id JOIN units u ON u.id = d.unit_id \
             WHERE c.year = $1 AND ($2 IS NULL OR d.unit_id = $2)")
            .bind(year as i64).bind(unit_id).fetch_all(p).await?);
        let mut counts = EvaluationCounts::default();
        for (short, name, vb, va, db, da) in rows {
            counts.evaluated += 1;
            if vb != va || db != da {
                counts.adjusted += 1;
            }
            let who = if short.is_empty() { name } else { short };
            *counts.by_unit.entry(who).or_insert(0) += 1;
        }
        Ok(counts)
    }

    /// Enter (or correct) a decision count or the fees of a unit's year, with its source.
    pub async fn set_decision_count(
        &self,
        actor: &Actor,
        unit_id: i64,
        year: i32,
        kind: &str,
        amount: i64,
        source: &str,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        if !DECISION_KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(StoreError::invalid("kind", "请选择数据项"));
        }
        if amount < 0 {
            return Err(StoreError::invalid("amount", "数量不能为负数"));
        }
        check_text("数据来源", source, true, 200).map_err(|m| StoreError::invalid("source", m))?;
        let mut tx = self.begin_write().await?;
        let before: Option<(i64, String)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT amount, source FROM decision_counts WHERE unit_id = $1 AND year = $2 AND kind = $3")
            .bind(unit_id).bind(year as i64).bind(kind).fetch_optional(c).await?);
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO decision_counts (unit_id, year, kind, amount, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (unit_id, year, kind) DO UPDATE SET amount = excluded.amount, source = excluded.source, updated_at = excluded.updated_at")
            .bind(unit_id).bind(year as i64).bind(kind).bind(amount).bind(source.trim()).bind(now())
            .execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "decisions.set",
            &format!("unit:{unit_id}:{year}:{kind}"),
            &before.map_or(
                serde_json::Value::Null,
                |(a, s)| json!({"amount": a, "source": s}),
            ),
            &json!({"amount": amount, "source": source.trim()}),
        )
        .await?;
        tx.commit().await
    }

    pub async fn decision_counts(
        &self,
        year: i32,
        unit_id: Option<i64>,
    ) -> Result<Vec<DecisionCount>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, DecisionCount>(
            "SELECT unit_id, year, kind, amount, source FROM decision_counts \
             WHERE year = $1 AND ($2 IS NULL OR unit_id = $2) ORDER BY unit_id, kind")
            .bind(year as i64).bind(unit_id).fetch_all(p).await?))
    }

    /// Publish a unit's 主动公开基本目录 for a year: the list of what it will publish.
    pub async fn publish_basic_catalog(
        &self,
        actor: &Actor,
        unit_id: i64,
        year: i32,
        title: &str,
        entries: &[BasicCatalogEntry],
        on: NaiveDate,
    ) -> Result<BasicCatalog> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        check_text("目录名称", title, true, 100).map_err(|m| StoreError::invalid("title", m))?;
        if entries.is_empty() {
            return Err(StoreError::invalid("entries", "基本目录至少要有一项内容"));
        }
        for (i, e) in entries.iter().enumerate() {
            check_text("公开事项", &e.item, true, 200)
                .map_err(|m| StoreError::invalid("entries", format!("第 {} 项：{m}", i + 1)))?;
        }
        let mut tx = self.begin_write().await?;
        let cat: BasicCatalog = on_tx!(&mut tx, c => sqlx::query_as::<_, BasicCatalog>(
            "INSERT INTO basic_catalogs (unit_id, year, title, published_on, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, unit_id, year, title, published_on")
            .bind(unit_id).bind(year as i64).bind(title.trim()).bind(on).bind(now())
            .fetch_one(c).await?);
        for e in entries {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO basic_catalog_entries (catalog_id, column_id, item, basis, deadline, section) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(cat.id).bind(e.column_id).bind(e.item.trim()).bind(e.basis.trim())
                .bind(e.deadline.trim()).bind(e.section.trim()).execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor,
            "basic_catalog.publish",
            &format!("basic_catalog:{}", cat.id),
            &serde_json::Value::Null,
            &json!({"unit_id": unit_id, "year": year, "title": cat.title, "entries": entries.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(cat)
    }

    pub async fn basic_catalogs(&self, unit_id: Option<i64>) -> Result<Vec<BasicCatalog>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, BasicCatalog>(
            "SELECT id, unit_id, year, title, published_on FROM basic_catalogs \
             WHERE ($1 IS NULL OR unit_id = $1) ORDER BY year DESC, id")
            .bind(unit_id).fetch_all(p).await?))
    }

    pub async fn basic_catalog_entries(&self, catalog_id: i64) -> Result<Vec<BasicCatalogEntry>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, BasicCatalogEntry>(
            "SELECT column_id, item, basis, deadline, section FROM basic_catalog_entries WHERE catalog_id = $1 ORDER BY id")
            .bind(catalog_id).fetch_all(p).await?))
    }
}
