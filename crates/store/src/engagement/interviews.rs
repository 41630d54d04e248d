//! 在线访谈: interviews announced in advance, with the public's questions and the transcript.

use super::*;

impl Store {
    /// An interview announced by `publication_id` (which goes through the review workflow).
    pub async fn create_interview(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: &InterviewInput,
        publication_id: Option<i64>,
    ) -> Result<Interview> {
        actor.may(Action::Engage, Some(unit_id))?;
        let actor = actor.name();
        let mut errs = Vec::new();
        if let Err(m) = check_text("访谈主题", &input.title, true, 200) {
            errs.push(field("title", m));
        }
        let on = parse_date(&input.scheduled_on, "scheduled_on", "访谈日期", &mut errs);
        let (Some(on), true) = (on, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let mut tx = self.begin_write().await?;
        let i: Interview = on_tx!(&mut tx, c => sqlx::query_as::<_, Interview>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO interviews (unit_id, title, scheduled_on, guests, summary, created_by, created_at, publication_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {INTERVIEW_COLUMNS}")))
            .bind(unit_id).bind(input.title.trim()).bind(on).bind(input.guests.trim())
            .bind(input.summary.trim()).bind(actor).bind(now()).bind(publication_id).fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "interview.create",
            &format!("interview:{}", i.id),
            &serde_json::Value::Null,
            &json!({"title": i.title, "scheduled_on": i.scheduled_on}),
        )
        .await?;
        tx.commit().await?;
        Ok(i)
    }

    /// Record the transcript and the video of a held interview.
    pub async fn record_interview(
        &self,
        actor: &crate::actor::Actor,
        id: i64,
        transcript: &str,
        video_url: &str,
    ) -> Result<()> {
        let v = self
            .interview(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这场访谈".into()))?;
        actor.may(Action::Engage, Some(v.unit_id))?;
        let actor = actor.name();
        check_text("文字实录", transcript, true, 200_000)
            .map_err(|m| StoreError::invalid("transcript", m))?;
        let url = video_url.trim();
        gongkai_core::org::check_link(url)
            .map_err(|m| StoreError::invalid("video_url", format!("视频地址：{m}")))?;
        let mut tx = self.begin_write().await?;
        let n = on_tx!(&mut tx, c => sqlx::query("UPDATE interviews SET transcript = $1, video_url = $2 WHERE id = $3")
            .bind(transcript.trim()).bind(url).bind(id).execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound("没有这场访谈".into()));
        }
        audit::append(
            &mut tx,
            actor,
            "interview.record",
            &format!("interview:{id}"),
            &serde_json::Value::Null,
            &json!({"video_url": url}),
        )
        .await?;
        tx.commit().await
    }

    pub async fn interviews(&self, unit_id: Option<i64>) -> Result<Vec<Interview>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Interview>(sqlx::AssertSqlSafe(format!(
            "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE ($1 IS NULL OR unit_id = $1) ORDER BY scheduled_on DESC, id DESC")))
            .bind(unit_id).fetch_all(p).await?),
        )
    }

    pub async fn interview(&self, id: i64) -> Result<Option<Interview>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Interview>(sqlx::AssertSqlSafe(format!(
            "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }
}
