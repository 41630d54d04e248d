//! Administrative reconsideration and lawsuits about an answer (table 四): filing, the result,
//! and the dates that must follow each other.

use super::*;

/// An administrative reconsideration or lawsuit about an answer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReviewCase {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub filed_on: NaiveDate,
    pub result: String,
    pub result_on: Option<NaiveDate>,
    pub note: String,
}

impl ReviewCase {
    pub fn kind_label(&self) -> &'static str {
        CaseKind::parse(&self.kind)
            .map(CaseKind::label)
            .unwrap_or("")
    }

    pub fn result_label(&self) -> &'static str {
        CaseResult::parse(&self.result)
            .map(CaseResult::label)
            .unwrap_or("")
    }
}

/// A review case as filed.
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    /// `reconsideration`, `direct_lawsuit` or `lawsuit_after_reconsideration`.
    pub kind: String,
    pub filed_on: NaiveDate,
    /// `upheld`, `corrected`, `other` or `pending`.
    pub result: String,
    pub result_on: Option<NaiveDate>,
    pub note: String,
}

fn check_case_dates(
    filed_on: NaiveDate,
    result: CaseResult,
    result_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<()> {
    if filed_on > today {
        return Err(StoreError::invalid("filed_on", "立案日期不能晚于今天"));
    }
    match (result, result_on) {
        (CaseResult::Pending, Some(_)) => Err(StoreError::invalid(
            "result_on",
            "尚未审结的案件不填写审结日期",
        )),
        (CaseResult::Pending, None) => Ok(()),
        (_, None) => Err(StoreError::invalid("result_on", "请填写审结日期")),
        (_, Some(d)) if d < filed_on => {
            Err(StoreError::invalid("result_on", "审结日期不能早于立案日期"))
        }
        (_, Some(d)) if d > today => Err(StoreError::invalid("result_on", "审结日期不能晚于今天")),
        _ => Ok(()),
    }
}

impl Store {
    /// File a reconsideration or lawsuit about an application's answer.
    pub async fn add_case(
        &self,
        actor: &Actor,
        application_id: i64,
        case: &NewCase,
        today: NaiveDate,
    ) -> Result<ReviewCase> {
        let kind = CaseKind::parse(&case.kind).ok_or_else(|| {
            StoreError::invalid(
                "kind",
                "请选择案件类型（行政复议、未经复议直接起诉、复议后起诉）",
            )
        })?;
        let result = CaseResult::parse(&case.result)
            .ok_or_else(|| StoreError::invalid("result", "请选择审理结果"))?;
        check_case_dates(case.filed_on, result, case.result_on, today)?;
        let mut tx = self.begin_write().await?;
        // Who may act on the application may record its cases.
        commands::load(&mut tx, actor, application_id).await?;
        let actor = actor.name();
        let row: ReviewCase = on_tx!(&mut tx, c => sqlx::query_as(
            "INSERT INTO review_cases (application_id, kind, filed_on, result, result_on, note) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, application_id, kind, filed_on, result, result_on, note")
            .bind(application_id).bind(kind.as_str()).bind(case.filed_on).bind(result.as_str())
            .bind(case.result_on).bind(case.note.trim())
            .fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "case.create",
            &format!("application:{application_id}"),
            &serde_json::Value::Null,
            &json!({"case": row.id, "kind": kind.as_str(), "filed_on": case.filed_on, "result": result.as_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Record a case's result.
    pub async fn set_case_result(
        &self,
        actor: &Actor,
        case_id: i64,
        result: &str,
        result_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<()> {
        let result = CaseResult::parse(result)
            .ok_or_else(|| StoreError::invalid("result", "请选择审理结果"))?;
        let mut tx = self.begin_write().await?;
        let before: Option<ReviewCase> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT id, application_id, kind, filed_on, result, result_on, note FROM review_cases WHERE id = $1")
            .bind(case_id).fetch_optional(c).await?);
        let before = before.ok_or_else(|| StoreError::NotFound("没有这个案件".into()))?;
        commands::load(&mut tx, actor, before.application_id).await?;
        let actor = actor.name();
        check_case_dates(before.filed_on, result, result_on, today)?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE review_cases SET result = $1, result_on = $2 WHERE id = $3")
            .bind(result.as_str()).bind(result_on).bind(case_id).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "case.update",
            &format!("case:{case_id}"),
            &json!({"result": before.result, "result_on": before.result_on}),
            &json!({"result": result.as_str(), "result_on": result_on}),
        )
        .await?;
        tx.commit().await
    }

    /// The application a case belongs to.
    pub async fn case_application(&self, case_id: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = on_pool!(self, p => sqlx::query_as(
            "SELECT application_id FROM review_cases WHERE id = $1").bind(case_id).fetch_optional(p).await?);
        Ok(row.map(|(id,)| id))
    }

    pub async fn cases(&self, application_id: i64) -> Result<Vec<ReviewCase>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, ReviewCase>(
            "SELECT id, application_id, kind, filed_on, result, result_on, note FROM review_cases WHERE application_id = $1 ORDER BY id")
            .bind(application_id).fetch_all(p).await?))
    }
}
