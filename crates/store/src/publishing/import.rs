//! Bulk import of publications from JSONL lines (an old portal's items, the synthetic
//! district): checked line by line, written in batches, idempotent by index number.

use super::*;

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

/// A publication carried over whole (an import, the demo): already checked, stored as published.
#[derive(Debug, Clone)]
pub struct BulkItem {
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
