//! A report's prose and its published versions: each publication and correction frozen with
//! its data, its text, its HTML and its files, and who may write it (the office the district's,
//! a unit's editors their unit's).

use super::*;

/// A published report, frozen: what the public reads until a correction replaces it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReportVersion {
    pub id: i64,
    pub unit_id: i64,
    pub scope: String,
    pub year: i64,
    pub version: i64,
    /// The open-data JSON as published.
    pub data: String,
    /// The rendered sections, a JSON list of [title, text].
    pub sections: String,
    pub html: String,
    pub note: String,
    pub actor: String,
    pub published_at: chrono::DateTime<chrono::Utc>,
}

impl ReportVersion {
    pub fn sections(&self) -> Vec<(String, String)> {
        serde_json::from_str(&self.sections).unwrap_or_default()
    }
}

const VERSION_COLUMNS: &str =
    "id, unit_id, scope, year, version, data, sections, html, note, actor, published_at";

impl Store {
    /// The prose of a report: the office's draft, or the proposal.
    pub async fn report_prose(
        &self,
        unit_id: i64,
        year: i32,
        who: &str,
        district: bool,
    ) -> Result<(gongkai_core::narrative::Prose, bool)> {
        let row: Option<(String,)> = on_pool!(self, p => sqlx::query_as(
            "SELECT prose FROM report_drafts WHERE unit_id = $1 AND year = $2")
            .bind(unit_id).bind(year as i64).fetch_optional(p).await?);
        match row.and_then(|(s,)| serde_json::from_str(&s).ok()) {
            Some(p) => Ok((p, true)),
            None => Ok((
                gongkai_core::narrative::proposed(who, year, district),
                false,
            )),
        }
    }

    pub async fn save_report_prose(
        &self,
        actor: &Actor,
        unit_id: i64,
        year: i32,
        prose: &gongkai_core::narrative::Prose,
    ) -> Result<()> {
        // The root unit's prose is the district report's: the office writes it.
        let district = self.root_unit().await?.is_some_and(|r| r.id == unit_id);
        let action = if district {
            Action::Administer
        } else {
            Action::WriteUnitReport
        };
        actor.may(action, Some(unit_id))?;
        let actor = actor.name();
        for (k, v) in prose {
            gongkai_core::org::check_text(k, v, false, 20_000)
                .map_err(|m| StoreError::invalid("prose", m))?;
        }
        let text = serde_json::to_string(prose).map_err(|e| StoreError::Internal(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        crate::on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO report_drafts (unit_id, year, prose, actor, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (unit_id, year) DO UPDATE SET prose = excluded.prose, actor = excluded.actor, updated_at = excluded.updated_at")
            .bind(unit_id).bind(year as i64).bind(&text).bind(actor).bind(crate::now())
            .execute(c).await?.rows_affected());
        crate::audit::append(
            &mut tx,
            actor,
            "report.prose",
            &format!("report:{unit_id}:{year}"),
            &serde_json::Value::Null,
            &serde_json::json!({"sections": prose.len()}),
        )
        .await?;
        tx.commit().await
    }

    /// Freeze a report as published: a new version of (unit, scope, year). The first is the
    /// publication, later ones corrections, each with its note.
    #[allow(clippy::too_many_arguments)]
    pub async fn publish_report(
        &self,
        actor: &Actor,
        unit_id: i64,
        scope: &str,
        year: i32,
        data: &serde_json::Value,
        sections: &[(String, String)],
        html: &str,
        files: (&[u8], Option<&[u8]>),
        note: &str,
    ) -> Result<ReportVersion> {
        let action = match scope {
            "unit" => Action::WriteUnitReport,
            _ => Action::Administer,
        };
        actor.may(action, Some(unit_id))?;
        let actor = actor.name();
        let latest = self.report_versions(unit_id, scope, year).await?;
        if !latest.is_empty() && note.trim().is_empty() {
            return Err(StoreError::invalid(
                "note",
                "报告已发布过，更正时请写明更正说明",
            ));
        }
        let version = latest.first().map_or(1, |v| v.version + 1);
        let mut tx = self.begin_write().await?;
        let v: ReportVersion = crate::on_tx!(&mut tx, c => sqlx::query_as::<_, ReportVersion>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO report_versions (unit_id, scope, year, version, data, sections, html, note, actor, published_at, docx, pdf) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {VERSION_COLUMNS}")))
            .bind(unit_id).bind(scope).bind(year as i64).bind(version).bind(data.to_string())
            .bind(serde_json::to_string(sections).unwrap_or_default()).bind(html)
            .bind(note.trim()).bind(actor).bind(crate::now()).bind(files.0).bind(files.1)
            .fetch_one(c).await?);
        crate::audit::append(
            &mut tx,
            actor,
            "report.publish",
            &format!("report:{unit_id}:{scope}:{year}"),
            &serde_json::Value::Null,
            &serde_json::json!({"version": version, "note": note.trim()}),
        )
        .await?;
        tx.commit().await?;
        Ok(v)
    }

    /// The published versions of a report, newest first.
    pub async fn report_versions(
        &self,
        unit_id: i64,
        scope: &str,
        year: i32,
    ) -> Result<Vec<ReportVersion>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, ReportVersion>(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM report_versions WHERE unit_id = $1 AND scope = $2 AND year = $3 ORDER BY version DESC")))
            .bind(unit_id).bind(scope).bind(year as i64).fetch_all(p).await?),
        )
    }

    /// A frozen version's DOCX or PDF (None: not kept, as a PDF when no CJK font was installed).
    pub async fn report_file(&self, version_id: i64, pdf: bool) -> Result<Option<Vec<u8>>> {
        let sql = if pdf {
            "SELECT pdf FROM report_versions WHERE id = $1"
        } else {
            "SELECT docx FROM report_versions WHERE id = $1"
        };
        let row: Option<(Option<Vec<u8>>,)> = on_pool!(self, p => sqlx::query_as(sql)
            .bind(version_id).fetch_optional(p).await?);
        Ok(row.and_then(|(b,)| b))
    }

    /// The latest published version of every report of a year.
    pub async fn published_reports(&self, year: i32) -> Result<Vec<ReportVersion>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, ReportVersion>(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM report_versions v WHERE year = $1 AND version = \
             (SELECT MAX(version) FROM report_versions w WHERE w.unit_id = v.unit_id AND w.scope = v.scope AND w.year = v.year) \
             ORDER BY unit_id")))
            .bind(year as i64).fetch_all(p).await?),
        )
    }
}
