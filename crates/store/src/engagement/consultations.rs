//! 调查征集: consultations on a draft, announced by a publication, and the feedback on the
//! opinions received (意见采纳情况).

use super::*;

impl Store {
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
}
