//! Records carried over whole from a district's previous system: published items with their
//! review lines and index counters, the dates the old site's columns were opened, the links of
//! interpretations to the documents they explain, and past applications with their receipt and
//! answer. Each is a command only the office may run (`Action::Administer`), written in one
//! transaction with its ledger entry. The demo and synthetic districts (crates/demo) are built
//! through these and the ordinary commands; nothing outside the store writes SQL.

use crate::actor::Actor;
use crate::publishing::{BulkItem, insert_bulk};
use crate::{Result, Store, StoreError, audit, on_pool, on_tx, values_list};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::access::Action;
use gongkai_core::application::Event;
use serde_json::{Value, json};

/// The `meta` key saying what the database holds, and its value for the demo district.
const DATASET_KEY: &str = "dataset";
const DATASET_DEMO: &str = "demo";

/// Rows of up to this many applications go in one INSERT.
const APPLICATION_ROWS: usize = 500;

/// An application concluded (or still open) in the previous system: enough for the registers
/// and the annual report's tables to count it.
#[derive(Debug, Clone)]
pub struct PastApplication {
    pub unit_id: i64,
    pub tracking_code: String,
    /// An `ApplicantType` code (`natural_person`, `business`, …).
    pub applicant_type: &'static str,
    pub applicant_name: String,
    pub description: String,
    pub received_on: NaiveDate,
    /// When and how it was answered (an outcome code of `core::taxonomy::OUTCOMES`); `None`
    /// while open.
    pub answered: Option<(NaiveDate, &'static str)>,
}

impl Store {
    /// Does the database hold the demo district?
    pub async fn is_demo(&self) -> Result<bool> {
        Ok(self.meta(DATASET_KEY).await?.as_deref() == Some(DATASET_DEMO))
    }

    /// Does the database hold any unit?
    pub async fn has_units(&self) -> Result<bool> {
        Ok(!self.units().await?.is_empty())
    }

    /// Empty the database for a new demo district and mark it as the demo's. Refused when it
    /// holds records that are not a demo's: real records are never dropped.
    pub async fn reset_for_demo(&self) -> Result<()> {
        if self.has_units().await? && !self.is_demo().await? {
            return Err(StoreError::Refused(
                "数据库中已有非演示数据，拒绝用演示数据覆盖。请换一个数据目录（--data）或数据库"
                    .into(),
            ));
        }
        self.drop_everything().await?;
        self.migrate().await?;
        self.restore_cached_secret().await?;
        let mut tx = self.begin_write().await?;
        Store::set_meta(&mut tx, DATASET_KEY, DATASET_DEMO).await?;
        audit::append(
            &mut tx,
            Actor::DEMO.name(),
            "dataset.demo",
            "meta",
            &Value::Null,
            &json!({ DATASET_KEY: DATASET_DEMO }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Store published items carried over from another site, with their review lines, and
    /// raise each unit's index counter of a year to at least `counters`' (unit, year, last) so
    /// new numbers follow on. Items whose index number is already stored are skipped. Returns
    /// how many were stored.
    pub async fn import_published(
        &self,
        actor: &Actor,
        source: &str,
        items: &[BulkItem],
        counters: &[(i64, i32, i64)],
    ) -> Result<usize> {
        actor.may(Action::Administer, None)?;
        let mut tx = self.begin_write().await?;
        let inserted = insert_bulk(&mut tx, items).await?;
        for (unit_id, year, last) in counters {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO index_counters (unit_id, year, last) VALUES ($1, $2, $3) \
                 ON CONFLICT (unit_id, year) DO UPDATE SET last = \
                 CASE WHEN excluded.last > index_counters.last THEN excluded.last ELSE index_counters.last END")
                .bind(unit_id).bind(*year as i64).bind(last).execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor.name(),
            "publication.import",
            "publications",
            &Value::Null,
            &json!({"inserted": inserted, "source": source}),
        )
        .await?;
        tx.commit().await?;
        Ok(inserted)
    }

    /// Record when columns were opened on the previous site (every column with `None`): the
    /// supervision rules judge a column's upkeep from that day.
    pub async fn date_columns_opened(
        &self,
        actor: &Actor,
        column_ids: Option<&[i64]>,
        opened: DateTime<Utc>,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let mut tx = self.begin_write().await?;
        match column_ids {
            None => {
                on_tx!(&mut tx, c => sqlx::query("UPDATE columns SET created_at = $1")
                    .bind(opened).execute(c).await?.rows_affected());
            }
            Some(ids) => {
                for id in ids {
                    on_tx!(&mut tx, c => sqlx::query("UPDATE columns SET created_at = $1 WHERE id = $2")
                        .bind(opened).bind(id).execute(c).await?.rows_affected());
                }
            }
        }
        audit::append(
            &mut tx,
            actor.name(),
            "column.dated",
            "columns",
            &Value::Null,
            &json!({"columns": column_ids, "opened": opened}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Link carried-over interpretations to the documents they explain: (interpretation,
    /// document) pairs of publication ids.
    pub async fn link_interpretations(&self, actor: &Actor, pairs: &[(i64, i64)]) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let mut tx = self.begin_write().await?;
        for (interpretation, document) in pairs {
            on_tx!(&mut tx, c => sqlx::query("UPDATE publications SET interprets_id = $1 WHERE id = $2")
                .bind(document).bind(interpretation).execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor.name(),
            "publication.link_interpretations",
            "publications",
            &Value::Null,
            &json!({ "pairs": pairs }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ids of published items, oldest first: of one unit or all, of one genre or all, only those
    /// with a 文号 if `numbered`, at most `limit`.
    pub async fn published_ids(
        &self,
        unit_id: Option<i64>,
        genre: Option<&str>,
        numbered: bool,
        limit: i64,
    ) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = on_pool!(self, p => sqlx::query_as(
            "SELECT id FROM publications WHERE status = 'published' AND ($1 IS NULL OR unit_id = $1) \
             AND ($2 IS NULL OR genre = $2) AND ($3 = FALSE OR doc_number <> '') ORDER BY id LIMIT $4")
            .bind(unit_id).bind(genre).bind(numbered).bind(limit).fetch_all(p).await?);
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Store applications carried over from the previous system, each with its receipt event
    /// and, when answered, its answer. Returns how many were stored.
    pub async fn import_past_applications(
        &self,
        actor: &Actor,
        rows: &[PastApplication],
    ) -> Result<usize> {
        actor.may(Action::Administer, None)?;
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        for chunk in rows.chunks(APPLICATION_ROWS) {
            let sql = format!(
                "INSERT INTO applications (unit_id, tracking_code, password_hash, channel, applicant_type, \
                 applicant_name, id_kind, id_number, phone, info_description, form_wanted, delivery, \
                 submitted_at, outcome, concluded_on, received_on) VALUES {} RETURNING id",
                values_list(
                    &tx,
                    chunk.len(),
                    "(?, ?, 'x', 'online', ?, ?, 'other', '', '', ?, 'email', 'email', ?, ?, ?, ?)"
                )
            );
            let ids: Vec<(i64,)> = on_tx!(&mut tx, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for a in chunk {
                    q = q.bind(a.unit_id).bind(&a.tracking_code).bind(a.applicant_type)
                        .bind(&a.applicant_name).bind(&a.description).bind(now)
                        .bind(a.answered.map(|(_, o)| o)).bind(a.answered.map(|(on, _)| on))
                        .bind(a.received_on);
                }
                q.fetch_all(c).await?
            });
            // Kind, day and detail come from the event itself, as `insert_event` stores them.
            let mut events: Vec<(i64, Event)> = Vec::new();
            for ((id,), a) in ids.iter().zip(chunk) {
                events.push((*id, Event::Received { on: a.received_on }));
                if let Some((on, outcome)) = a.answered {
                    let outcome = outcome.to_string();
                    events.push((*id, Event::Answered { on, outcome }));
                }
            }
            let details = events
                .iter()
                .map(|(_, e)| serde_json::to_string(e))
                .collect::<std::result::Result<Vec<String>, _>>()
                .map_err(|e| StoreError::Internal(e.to_string()))?;
            let sql = format!(
                "INSERT INTO application_events (application_id, kind, on_date, recorded_at, actor, detail) VALUES {}",
                values_list(&tx, events.len(), "(?, ?, ?, ?, ?, ?)")
            );
            on_tx!(&mut tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for ((id, e), detail) in events.iter().zip(&details) {
                    q = q.bind(*id).bind(e.kind()).bind(e.on()).bind(now).bind(actor.name()).bind(detail);
                }
                q.execute(c).await?.rows_affected()
            });
        }
        audit::append(
            &mut tx,
            actor.name(),
            "application.import",
            "applications",
            &Value::Null,
            &json!({ "inserted": rows.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }
}
